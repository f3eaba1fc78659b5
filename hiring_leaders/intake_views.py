"""The intake page (the kick-off conversation, its versions and the time-to-fill forecast) and
the calibration page (how honest the forecasts turned out).

Recruiters and admins only; a hiring leader gets 404. Every action is a plain form post with a
full page load; nothing here needs JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from followups.queue.views import action_done as queue_done
from hiring_leaders import forecasts, intake, progress
from hiring_leaders.calibration import COMPACT, DEFAULT_ORDER, ORDERS, WIDE, recruiter_page
from hiring_leaders.calibration_snapshots import calibration_read
from hiring_leaders.intake_forms import (
    CalibrationFilterForm,
    ForecastForm,
    IntakeForm,
    LeaderIntakeForm,
)
from hiring_leaders.intake_selectors import (
    forecast_is_first,
    intake_versions_page,
    overrun_forecast_of,
    saved_intake_version,
)
from hiring_leaders.models import Requisition
from hiring_leaders.selectors import requisition_for_recruiter
from recruitcrm.access import hiring_leader_required, recruiter_required
from recruitcrm.form_errors import refusal_onto_form
from recruitcrm.rendering import render

INTAKE = "hiring_leaders/intake_form.html"
VERSION = "hiring_leaders/intake_version.html"
LEADER_INTAKE = "hiring_leaders/leader/intake_form.html"
CALIBRATION = "hiring_leaders/calibration.html"


def _intake_url(requisition: Requisition, anchor: str = "") -> str:
    return reverse("clients:requisition_intake", args=[requisition.pk]) + anchor


def _initial(found) -> dict:
    return intake.answers_of(found)


def _page(request, requisition, *, form=None, forecast_form=None, status=200):
    found, given = intake.intake_with_forecasts(requisition=requisition)
    suggestion = forecasts.forecast_suggestion_kept(requisition=requisition)
    if forecast_form is None:
        use = request.GET.get("use") == "suggestion" and suggestion.enough
        forecast_form = ForecastForm(
            initial={"low_days": suggestion.low, "high_days": suggestion.high} if use else None
        )
    versions = intake_versions_page(intake_id=found.pk, asked=request.GET.get("versions"))
    context = {
        "requisition": requisition,
        "intake": found,
        "form": form or IntakeForm(initial=_initial(found)),
        "forecast_form": forecast_form,
        "suggestion": suggestion,
        "role": forecasts.describe_role(requisition),
        "min_history": forecasts.MIN_HISTORY,
        "forecasts": given,
        "versions": versions,
        "labels": intake.FIELD_LABELS,
    }
    return render(request, INTAKE, context, status=status)


@recruiter_required
def requisition_intake(request, pk: int):
    """GET: the intake as it stands; POST: save the answers (a version after kick-off)."""
    requisition = requisition_for_recruiter(pk=pk)
    if request.method != "POST":
        return _page(request, requisition)
    form = IntakeForm(request.POST)
    if not form.is_valid():
        return _page(request, requisition, form=form, status=400)
    try:
        _, version = intake.intake_save(
            requisition=requisition, by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        refusal_onto_form(form, error)
        return _page(request, requisition, form=form, status=400)
    if version:
        changed = ", ".join(intake.FIELD_LABELS[name] for name in version.changed_fields)
        messages.success(request, f"Saved the intake as version {version.number}: {changed}.")
    else:
        messages.success(request, "Saved the intake.")
    return redirect(_intake_url(requisition))


@recruiter_required
def requisition_kick_off(request, pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    if request.method == "POST":
        try:
            intake.intake_kick_off(requisition=requisition, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                "Kick-off marked done. What you agreed is version 1; every change from now on "
                "is kept with who made it and when.",
            )
    return redirect(_intake_url(requisition))


@recruiter_required
def requisition_forecast(request, pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    if request.method != "POST":
        return redirect(_intake_url(requisition, "#forecast"))
    form = ForecastForm(request.POST)
    if form.is_valid():
        try:
            made = intake.forecast_record(
                requisition=requisition, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            first = forecast_is_first(made)
            messages.success(
                request,
                f"Forecast recorded: {made.low_days} to {made.high_days} days. "
                + (
                    f"{requisition.hiring_leader.first_name} sees it on their progress page; "
                    "calibration will judge it when the role is filled."
                    if first
                    else "The intake forecast stays the one calibration judges."
                ),
            )
            return redirect(_intake_url(requisition, "#forecast"))
    return _page(request, requisition, forecast_form=form, status=400)


@recruiter_required
def intake_version(request, pk: int, number: int):
    """One saved version of the intake, read back as it stood."""
    requisition = requisition_for_recruiter(pk=pk)
    version = saved_intake_version(requisition=requisition, number=number)
    form = IntakeForm()
    answers = version.answers
    rows = []
    for title, names in form.groups():
        rows.append(
            (
                title,
                [
                    (form.fields[name].label, _shown(form.fields[name], answers.get(name)), name)
                    for name in names
                ],
            )
        )
    context = {"requisition": requisition, "version": version, "groups": rows}
    return render(request, VERSION, context)


def _shown(field, value) -> str:
    if value in (None, ""):
        return ""
    choices = dict(getattr(field, "choices", []) or [])
    return str(choices.get(value, value))


@recruiter_required
@require_POST
def forecast_overrun_dismiss(request, pk: int):
    """Today's "Past its forecast" prompt, answered without a reset: the row leaves the queue.
    Only the role's own recruiter has the prompt; anyone else gets 404."""
    forecast = overrun_forecast_of(pk=pk, recruiter=request.user)
    intake.forecast_overrun_dismiss(forecast=forecast, by=request.user)
    requisition = forecast.requisition
    return queue_done(
        request,
        text=f"Dismissed: {requisition.title} past its forecast. It comes back if you "
        "re-forecast and the new range runs out too.",
    )


@recruiter_required
def calibration_page(request):
    """The figures as last counted (calibration_snapshots), the recruiters' table a page at a
    time in the order asked for."""
    user = request.user
    form = CalibrationFilterForm(request.GET or None, admin=user.is_admin)
    if not user.is_admin and request.GET.get("recruiter") not in (None, "", str(user.pk)):
        # Another recruiter's figures do not exist for a recruiter.
        raise Http404("Not found")
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    whose = data.get("recruiter") if user.is_admin else user
    snapshot = calibration_read(recruiter=whose, since=data.get("since"), until=data.get("until"))
    form.offer(snapshot.figures.forecasters)
    page = recruiter_page(
        snapshot.figures.recruiters,
        order=data.get("order") or DEFAULT_ORDER,
        number=_page_number(request.GET.get("page")),
    )
    context = {
        "form": form,
        "calibration": snapshot.figures,
        "counted_at": snapshot.counted_at,
        "layouts": {"wide": WIDE, "compact": COMPACT},
        "page": page,
        "order_label": ORDERS[data.get("order") or DEFAULT_ORDER][0],
        "page_links": {
            "previous": _with_page(request, page.number - 1) if page.has_previous else "",
            "next": _with_page(request, page.number + 1) if page.has_next else "",
        },
        "whose": whose,
        "is_admin": user.is_admin,
    }
    return render(request, CALIBRATION, context)


def _page_number(value: str | None) -> int:
    try:
        return int(value or 1)
    except ValueError:
        return 1


def _with_page(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}#figures-title"


@hiring_leader_required
def leader_intake(request, pk: int):
    """The leader's own part of the intake, in their words: why the role is open, what the team
    is short of, success at 30/60/90 days, the must-haves. After the kick-off each change is a
    version their recruiter sees with the leader's name on it."""
    requisition = progress.progress_requisition_for_leader(user=request.user, pk=pk)
    found = intake.intake_of(requisition=requisition)
    if request.method != "POST":
        form = LeaderIntakeForm(initial=intake.answers_of(found))
        return render(request, LEADER_INTAKE, {"requisition": requisition, "form": form})
    form = LeaderIntakeForm(request.POST)
    if form.is_valid():
        intake.intake_save(
            requisition=requisition, by_leader=requisition.hiring_leader, **form.cleaned_data
        )
        recruiter = requisition.recruiter.first_name or requisition.recruiter.name
        messages.success(request, f"Saved. {recruiter} sees your answers on the role's intake.")
        return redirect("hiring_leaders:requisition_detail", pk=requisition.pk)
    context = {"requisition": requisition, "form": form}
    return render(request, LEADER_INTAKE, context, status=400)
