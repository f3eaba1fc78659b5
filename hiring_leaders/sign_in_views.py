"""Signing in as a hiring leader with a link sent by email."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from followups.links import BadLink
from hiring_leaders import sign_in
from recruitcrm import throttle

SIGN_IN = "hiring_leaders/leader/sign_in.html"
CONTINUE = "hiring_leaders/leader/sign_in_continue.html"


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label="Your work email", max_length=254)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


def sign_in_request(request):
    """Ask for a link. Also where a leader page sends someone who is not signed in, with the
    page to come back to."""
    next_url = sign_in.safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.user.is_hiring_leader:
        return redirect(next_url or "hiring_leaders:requisition_list")
    refused = throttle.refusal(request, throttle.LEADER_SIGN_IN_LINK)
    if refused:
        return refused
    form = LinkRequestForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        sign_in.leader_sign_in_request(email=form.cleaned_data["email"], next_url=next_url)
        return redirect(reverse("hiring_leaders:sign_in_sent"))
    context = {"form": form, "next": next_url, "password_url": _password_url(next_url)}
    return render(request, SIGN_IN, context)


def sign_in_sent(request):
    # The same page whoever asked: it says nothing about whether the address is known.
    return render(request, SIGN_IN, {"sent": True, "password_url": _password_url("")})


# The link's token waits here between opening the link and confirming it.
PENDING = "leader_sign_in_token"


@require_GET
def sign_in_link(request, token: str):
    """Check the link, keep its token in the session and go on to a URL without it, where the
    leader confirms. Nothing is spent yet."""
    try:
        sign_in.leader_sign_in_check(token=token)
    except BadLink as bad:
        return _bad_link(request, bad)
    request.session[PENDING] = token
    return redirect("hiring_leaders:sign_in_continue")


@require_http_methods(["GET", "POST"])
def sign_in_continue(request):
    """ "Continue as …": the confirmation spends the link for a session."""
    token = request.session.get(PENDING)
    if not token:
        return redirect("hiring_leaders:sign_in")
    try:
        if request.method == "POST":
            with transaction.atomic():
                user, next_url = sign_in.leader_sign_in_exchange(token=token)
                # login() starts a fresh session: the pending token goes with the old one.
                login(request, user)
            return redirect(next_url or "hiring_leaders:requisition_list")
        user, _ = sign_in.leader_sign_in_check(token=token)
    except BadLink as bad:
        request.session.pop(PENDING, None)
        return _bad_link(request, bad)
    leader = getattr(user, "hiring_leader", None)
    name = leader.name if leader else user.get_full_name() or user.username
    return render(request, CONTINUE, {"name": name})


def _bad_link(request, bad: BadLink):
    context = {
        "form": LinkRequestForm(initial={"next": ""}),
        "bad_link": str(bad),
        "password_url": _password_url(""),
    }
    return render(request, SIGN_IN, context, status=400)


def _password_url(next_url: str) -> str:
    return reverse("login") + ("?" + urlencode({"next": next_url}) if next_url else "")
