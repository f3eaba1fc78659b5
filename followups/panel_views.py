"""Pages an interview panel member reaches from an email, without signing in: the kit, and the
scorecard for one interview. A bad, altered or expired link gets a page saying so, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from candidates import scorecards
from candidates.models import Scorecard
from followups import links
from followups.views import bad_link_page
from hiring_leaders import kit_selectors
from hiring_leaders.kit_forms import ScorecardForm
from hiring_leaders.models import PanelMember

SCORECARD_PAGE = "followups/scorecard_form.html"


def _bad_link(request, error: links.BadLink):
    return bad_link_page(
        request,
        error,
        expired_advice=(
            "Interview links stay open for a few weeks after the interview. Reply to the "
            "recruiter's email and they will send you a fresh one."
        ),
        recruiter="the recruiter",
    )


def panel_kit(request, token: str):
    try:
        member_id = links.panel_member_id_from_token(token)
        member = PanelMember.objects.select_related(
            "requisition__company", "requisition__recruiter"
        ).get(pk=member_id)
    except links.BadLink as error:
        return _bad_link(request, error)
    except PanelMember.DoesNotExist:
        return _bad_link(request, links.BadLink("You are no longer on this interview panel."))
    view = kit_selectors.kit_view(requisition=member.requisition)
    owed = list(
        Scorecard.objects.filter(interviewer=member, submitted_at__isnull=True)
        .select_related("interview__application__candidate", "interview__round")
        .order_by("interview__starts_at", "pk")[:20]
    )
    context = {
        "member": member,
        "requisition": member.requisition,
        "view": view,
        "owed": [(card, links.scorecard_token(card.pk)) for card in owed],
    }
    return render(request, "followups/panel_kit.html", context)


def scorecard(request, token: str):
    try:
        card = scorecards.scorecard_for_link(pk=links.scorecard_id_from_token(token))
    except links.BadLink as error:
        return _bad_link(request, error)
    except Scorecard.DoesNotExist:
        return _bad_link(request, links.BadLink("This interview is no longer on record."))
    return scorecard_form_page(request, card, back_url=None)


def scorecard_form_page(request, card: Scorecard, *, back_url: str | None):
    """The form, shared by the signed link and the leader's own pages."""
    criteria = scorecards.scorecard_criteria(card)
    read = card.submitted_at is not None and scorecards.scorecard_is_read(card)
    existing = scorecards.scorecard_existing(card) if card.submitted_at else {}
    form = ScorecardForm(
        request.POST if request.method == "POST" and not read else None,
        criteria=criteria,
        existing=existing,
        initial={"notes": card.notes},
    )
    status = 200
    if request.method == "POST" and not read:
        if form.is_valid():
            try:
                scorecards.scorecard_submit(
                    scorecard=card, ratings=form.ratings(), notes=form.cleaned_data["notes"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    "Thank you: your scorecard is in. You can change it here until the "
                    "recruiter has read it.",
                )
                return redirect(request.path)
        status = 400
    context = {
        "card": card,
        "interview": card.interview,
        "candidate": card.interview.application.candidate,
        "requisition": card.interview.application.requisition,
        "form": form,
        "read": read,
        "back_url": back_url,
        "criteria": criteria,
    }
    return render(request, SCORECARD_PAGE, context, status=status)
