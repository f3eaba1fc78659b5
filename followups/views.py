from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from followups import links, services
from followups.forms import CheckInForm
from followups.selectors import checkin_for_token


def _bad_link(request, error: links.BadLink):
    return render(
        request,
        "followups/bad_link.html",
        {"message": str(error), "expired": error.expired},
        status=410 if error.expired else 400,
    )


def checkin(request, token: str):
    """The one-page check-in form a new hire or hiring leader reaches from an email."""
    try:
        followup = checkin_for_token(token=token)
    except links.BadLink as error:
        return _bad_link(request, error)
    existing = getattr(followup, "response", None)
    initial = (
        {"score": existing.score, "comment": existing.comment, "is_concern": existing.is_concern}
        if existing
        else None
    )
    form = CheckInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.checkin_answer(followup=followup, **form.cleaned_data)
        return render(request, "followups/checkin_thanks.html", {"followup": followup})
    return render(
        request,
        "followups/checkin_form.html",
        {"form": form, "followup": followup, "answered_before": existing is not None},
    )


# RFC 8058 one-click unsubscribe: mail clients POST without a session or CSRF token; the signed
# token in the URL is the proof.
@csrf_exempt
def opt_out(request, token: str):
    try:
        person = links.person_from_opt_out_token(token)
    except links.BadLink as error:
        return _bad_link(request, error)
    if request.method == "POST":
        services.person_opt_out(person=person)
        return render(request, "followups/opt_out_done.html", {"person": person})
    return render(request, "followups/opt_out_confirm.html", {"person": person, "token": token})
