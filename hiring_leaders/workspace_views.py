"""The recruiters' pages for requisitions, pipeline boards, companies and hiring leaders.

Every page admits recruiters and admins only (a hiring leader gets 404). HTMX requests get the
fragment they swap; every action also works as a plain form post with a full page load.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import retarget

from candidates import services as candidate_services
from candidates.models import Application
from followups.leader_selectors import leader_heard
from followups.post_hire import requisition_solved_answers
from followups.queue.services import undo_for_move
from followups.services import followups_count_requisition_change
from hiring_leaders import selectors, services
from hiring_leaders.forms import (
    AddCandidateForm,
    CandidateSearchForm,
    CloseForm,
    CompanyForm,
    HireForm,
    HiringLeaderForm,
    LeaderNoteForm,
    MoveForm,
    NameSearchForm,
    PageForm,
    RequisitionFilterForm,
    RequisitionForm,
    StatusChangeForm,
)
from hiring_leaders.models import Requisition
from hiring_leaders.templatetags.clients import compose_url
from hiring_leaders.wording import (
    PlanSummary,
    chases_words,
    checkins_missed,
    closed_message,
    fill_shortfall,
    moved_message,
    plan_lines,
    planned_samples,
    planned_summary,
    status_actions,
    status_done_message,
)
from recruitcrm.access import recruiter_required
from recruitcrm.form_errors import refusal_onto_form
from recruitcrm.models import User
from recruitcrm.rendering import render

REQUISITION_LIST = "hiring_leaders/requisition_list.html"
REQUISITION_DETAIL = "hiring_leaders/requisition_detail.html"
REQUISITION_FORM = "hiring_leaders/requisition_form.html"
REQUISITION_STATUS = "hiring_leaders/requisition_status.html"
APPLICATION_FORM = "hiring_leaders/application_form.html"
COMPANY_LIST = "hiring_leaders/company_list.html"
COMPANY_DETAIL = "hiring_leaders/company_detail.html"
COMPANY_FORM = "hiring_leaders/company_form.html"
LEADER_LIST = "hiring_leaders/hiringleader_list.html"
LEADER_DETAIL = "hiring_leaders/hiringleader_detail.html"
LEADER_FORM = "hiring_leaders/hiringleader_form.html"


def _fragment_only(request) -> bool:
    # A history-restore request (back button after a cache miss) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _detail_url(requisition: Requisition) -> str:
    return reverse("clients:requisition_detail", args=[requisition.pk])


# ---------- requisitions: list ----------


@recruiter_required
@vary_on_headers("HX-Request")
def requisition_list(request):
    form = RequisitionFilterForm(request.GET)
    filters = form.filters(viewer=request.user)
    counts = selectors.requisition_status_counts(
        viewer=request.user, mine=filters["mine"], query=filters["query"]
    )
    page = selectors.requisition_page(viewer=request.user, counts=counts, **filters)
    context = {
        "form": form,
        "page": page,
        "counts": counts,
        "statuses": [(value, label, counts[value]) for value, label in Requisition.Status.choices],
        "status_label": Requisition.Status(filters["status"]).label,
        "today": timezone.localdate(),
        **filters,
    }
    template_name = REQUISITION_LIST + ("#requisition_results" if _fragment_only(request) else "")
    return render(request, template_name, context)


# ---------- requisitions: open and edit ----------


def _requisition_form_page(request, form, *, requisition=None):
    if _fragment_only(request) and request.method == "GET":
        # The company changed: offer its hiring leaders.
        return render(request, REQUISITION_FORM + "#leader-field", {"form": form})
    return render(request, REQUISITION_FORM, {"form": form, "requisition": requisition})


@recruiter_required
@vary_on_headers("HX-Request")
def requisition_create(request):
    if request.method != "POST":
        # Links from a company or a leader page arrive with ?company=…&hiring_leader=….
        form = RequisitionForm(initial={"recruiter": request.user.pk, **request.GET.dict()})
        return _requisition_form_page(request, form)
    form = RequisitionForm(request.POST)
    if request.POST.get("choose_company") or not form.is_valid():
        # Without JavaScript, "Show its leaders" posts the form back to offer the company's.
        if request.POST.get("choose_company"):
            form.errors.clear()
        return _requisition_form_page(request, form)
    try:
        requisition = services.requisition_open(**form.service_fields())
    except ValidationError as error:
        refusal_onto_form(form, error)
        return _requisition_form_page(request, form)
    messages.success(
        request,
        f"Opened {requisition.title} for {requisition.hiring_leader.name} at "
        f"{requisition.company.name}. Add candidates below; the leader's weekly update is "
        "scheduled.",
    )
    return redirect(_detail_url(requisition))


@recruiter_required
def requisition_edit(request, pk: int):
    requisition = selectors.requisition_for_recruiter(pk=pk)
    initial = {
        name: getattr(requisition, name)
        for name in services.REQUISITION_FIELDS
        if name not in ("hiring_leader", "recruiter")
    } | {"hiring_leader": requisition.hiring_leader_id, "recruiter": requisition.recruiter_id}
    form = RequisitionForm(
        request.POST or None, initial=initial, company=requisition.company, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.requisition_update(
                requisition=requisition, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            messages.success(request, f"Saved the details of {saved.title}.")
            return redirect(_detail_url(requisition))
    return render(request, REQUISITION_FORM, {"form": form, "requisition": requisition})


# ---------- requisitions: the page with its pipeline board ----------


def _board_context(requisition: Requisition, **extra) -> dict:
    return {
        "requisition": requisition,
        "board": selectors.pipeline_board(requisition=requisition),
        # Each card's addresses start from these, joined in the template rather than reversed
        # seventy times.
        "board_url": _detail_url(requisition),
        "candidates_url": reverse("candidates:candidate_list"),
        "today": timezone.localdate(),
        **extra,
    }


@recruiter_required
@vary_on_headers("HX-Request")
def requisition_detail(request, pk: int):
    requisition = selectors.requisition_for_recruiter(pk=pk)
    if _fragment_only(request):
        return render(request, REQUISITION_DETAIL + "#pipeline_board", _board_context(requisition))
    return render(request, REQUISITION_DETAIL, _detail_context(request, requisition))


def _detail_context(request, requisition: Requisition, **extra) -> dict:
    context = _board_context(
        requisition,
        search_form=extra.pop("search_form", None) or CandidateSearchForm(),
        recent=selectors.requisition_recent_activity(requisition=requisition),
        status_actions=status_actions(requisition),
        compose_url=compose_url(
            hiring_leader=requisition.hiring_leader_id,
            requisition=requisition.pk,
            next=_detail_url(requisition),
        ),
        leader_note_form=extra.pop("leader_note_form", None) or LeaderNoteForm(),
        leader_heard=leader_heard(requisition=requisition),
        **extra,
    )
    # The 90-day "did the hire solve the problem" answers, read only once someone was hired.
    hired = next(c.count for c in context["board"].columns if c.stage == Application.Stage.HIRED)
    context["solved_answers"] = requisition_solved_answers(requisition=requisition, hired=hired)
    return context


@recruiter_required
def requisition_leader_note(request, pk: int):
    """Share a note with the role's hiring leader (their progress page, their digest)."""
    requisition = selectors.requisition_for_recruiter(pk=pk)
    if request.method != "POST":
        return redirect(_detail_url(requisition))
    form = LeaderNoteForm(request.POST)
    if form.is_valid():
        services.requisition_note_for_leader(
            requisition=requisition, text=form.cleaned_data["text"], by=request.user
        )
        messages.success(
            request, f"Shared with {requisition.hiring_leader.first_name} on their progress page."
        )
        return redirect(_detail_url(requisition) + "#leader-note")
    context = _detail_context(request, requisition, leader_note_form=form)
    return render(request, REQUISITION_DETAIL, context, status=400)


def _board_changed(request, requisition: Requisition, *, moved_pk: int | None = None):
    """After a change on the board: the fresh board and what happened (htmx), or back to the
    page (a plain post)."""
    if not request.htmx:
        target = _detail_url(requisition)
        return redirect(f"{target}#application-{moved_pk}" if moved_pk else f"{target}#board")
    context = _board_context(requisition, moved_pk=moved_pk)
    return render(request, REQUISITION_DETAIL + "#board_response", context)


def _application(request, pk: int, application_pk: int):
    requisition = selectors.requisition_for_recruiter(pk=pk)
    return requisition, selectors.application_on_board(requisition=requisition, pk=application_pk)


@recruiter_required
@vary_on_headers("HX-Request")
def application_move(request, pk: int, application_pk: int):
    """GET: every move open to the card; POST: make one."""
    requisition, application = _application(request, pk, application_pk)
    if request.method != "POST":
        return _application_form(request, requisition, application, form=None, kind="move")
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage to move the candidate to.")
        return _board_changed(request, requisition)
    stage = form.cleaned_data["stage"]
    if stage == Application.Stage.HIRED:
        # A hire needs its start date first.
        return _application_form(request, requisition, application, form=HireForm(), kind="hire")
    since = timezone.now()
    from_stage, before = application.get_stage_display(), application.stage_changed_at
    try:
        moved = candidate_services.application_move(
            application=application, stage=stage, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _board_changed(request, requisition, moved_pk=application.pk)
    scheduled = selectors.followups_created_since(application=moved, since=since)
    # Moved to where it already was: nothing to take back.
    undo = None
    if moved.stage_changed_at != before:
        undo = undo_for_move(moved, by=request.user, stage_changed_before=before)
    messages.success(
        request,
        moved_message(moved, from_stage=from_stage, scheduled=scheduled),
        extra_tags=undo.message_tag() if undo else "",
    )
    return _board_changed(request, requisition, moved_pk=moved.pk)


def _application_form(request, requisition, application, *, form, kind: str):
    context = {
        "requisition": requisition,
        "application": application,
        "form": form,
        "kind": kind,
        "board_url": _detail_url(requisition),
        "stages": [
            (value, label)
            for value, label in Application.Stage.choices
            if value not in (application.stage, Application.Stage.HIRED)
        ],
    }
    if request.htmx:
        response = render(request, REQUISITION_DETAIL + "#application_form", context)
        # Whatever asked for it, the form takes the card's place on the board.
        return retarget(response, f"#card-{application.pk}")
    return render(request, APPLICATION_FORM, context)


@recruiter_required
@vary_on_headers("HX-Request")
def application_hire(request, pk: int, application_pk: int):
    requisition, application = _application(request, pk, application_pk)
    form = HireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        since = timezone.now()
        try:
            placement = candidate_services.placement_record(
                application=application, start_date=form.cleaned_data["start_date"], by=request.user
            )
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            made = selectors.followups_created_since(application=application, since=since)
            messages.success(
                request,
                f"Hired {application.candidate.name}, starting "
                f"{placement.start_date:%a %-d %b %Y}. Their check-ins count from that day."
                f"{checkins_missed(made)}",
            )
            return _board_changed(request, requisition, moved_pk=application.pk)
    return _application_form(request, requisition, application, form=form, kind="hire")


@recruiter_required
@vary_on_headers("HX-Request")
def application_close(request, pk: int, application_pk: int):
    requisition, application = _application(request, pk, application_pk)
    initial = {"outcome": request.GET.get("outcome", Application.Outcome.REJECTED)}
    form = CloseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        since = timezone.now()
        try:
            closed = candidate_services.application_close(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            scheduled = selectors.followups_created_since(application=closed, since=since)
            messages.success(request, closed_message(closed, scheduled=scheduled))
            return _board_changed(request, requisition)
    return _application_form(request, requisition, application, form=form, kind="close")


# ---------- requisitions: adding candidates ----------


@recruiter_required
@vary_on_headers("HX-Request")
def requisition_candidates(request, pk: int):
    """Find candidates by name or email (GET) and add one to the pipeline (POST)."""
    requisition = selectors.requisition_for_recruiter(pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    search_form = CandidateSearchForm(data)
    added = None
    if request.method == "POST":
        added = _add_candidate(request, requisition)
        if not request.htmx:
            return redirect(f"{request.path}?q={search_form.query()}#add-candidates")
    query = search_form.query()
    context = {
        "search_form": search_form,
        "query": query,
        "found": selectors.candidates_to_add(requisition=requisition, query=query),
        "added_pk": added and added.candidate_id,
    }
    if request.htmx and added is not None:
        # The new card shows on the board, swapped beside the search results.
        context |= _board_context(requisition, oob=True)
        return render(request, REQUISITION_DETAIL + "#add_response", context)
    if _fragment_only(request):
        context["requisition"] = requisition
        return render(request, REQUISITION_DETAIL + "#add_response", context)
    return render(request, REQUISITION_DETAIL, _detail_context(request, requisition, **context))


def _add_candidate(request, requisition: Requisition) -> Application | None:
    form = AddCandidateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return None
    candidate = form.cleaned_data["candidate"]
    try:
        application = candidate_services.application_create(
            candidate=candidate, requisition=requisition, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(
        request,
        f"Added {candidate.name} to {requisition.title} as Sourced. Nothing is sent to them "
        "until you move them on.",
    )
    return application


# ---------- requisitions: status changes, previewed ----------

STATUS_ACTIONS = {
    Requisition.Status.ON_HOLD: services.requisition_put_on_hold,
    Requisition.Status.OPEN: services.requisition_reopen,
    Requisition.Status.FILLED: services.requisition_fill,
    Requisition.Status.CANCELLED: services.requisition_cancel,
}


@recruiter_required
@vary_on_headers("HX-Request")
def requisition_status(request, pk: int, status: str):
    """Change a requisition's status after reading exactly what the change will send. A GET or
    a post without `confirm` shows the plan; a post with `confirm` makes the change."""
    if status not in STATUS_ACTIONS:
        raise Http404("No such status")
    requisition = selectors.requisition_for_recruiter(pk=pk)
    form = StatusChangeForm(request.POST or None, status=status)
    confirmed = request.method == "POST" and "confirm" in request.POST
    if confirmed and form.is_valid():
        since = timezone.now()
        try:
            STATUS_ACTIONS[status](requisition=requisition, by=request.user, **_words(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = selectors.followups_created_counts(requisition=requisition, since=since)
            chases = selectors.feedback_chases_changed(requisition=requisition, since=since)
            messages.success(
                request,
                status_done_message(
                    requisition,
                    status=status,
                    created=PlanSummary(**created),
                    sees_outbox=request.user.role == User.Role.ADMIN,
                )
                + chases_words(requisition, *chases),
            )
            return redirect(_detail_url(requisition))
    context = _status_context(requisition, status=status, form=form) | {"confirmed": confirmed}
    if _fragment_only(request) and not confirmed:
        return render(request, REQUISITION_STATUS + "#status-preview", context)
    return render(request, REQUISITION_STATUS, context)


def _words(form: StatusChangeForm) -> dict:
    """The reason and note for the services that take them (putting on hold, cancelling)."""
    return form.words() if "reason" in form.fields else {}


def _status_context(requisition: Requisition, *, status: str, form: StatusChangeForm) -> dict:
    refusal = services.requisition_status_refusal(requisition=requisition, to=status)
    planned = (
        []
        if refusal
        else followups_count_requisition_change(
            requisition=requisition, status=status, reason=form.words()["reason"]
        )
    )
    shortfall = ""
    if status == Requisition.Status.FILLED and not refusal:
        shortfall = fill_shortfall(
            requisition, hired=selectors.hires_recorded(requisition=requisition)
        )
    return {
        "requisition": requisition,
        "status": status,
        "status_label": Requisition.Status(status).label,
        "form": form,
        "refusal": refusal,
        "shortfall": shortfall,
        "lines": plan_lines(planned),
        "summary": planned_summary(planned),
        "samples": planned_samples(planned),
    }


# ---------- companies ----------


@recruiter_required
@vary_on_headers("HX-Request")
def company_list(request):
    form = NameSearchForm(request.GET)
    filters = form.filters()
    page = selectors.company_page(query=filters["query"], page_number=filters["page_number"])
    context = {"form": form, "page": page, "query": filters["query"]}
    template_name = COMPANY_LIST + ("#company-table" if _fragment_only(request) else "")
    return render(request, template_name, context)


@recruiter_required
def company_detail(request, pk: int):
    company = selectors.company_for_recruiter(pk=pk)
    leaders, more_leaders = selectors.company_leaders(company=company)
    requisitions = selectors.requisitions_of(
        company=company, page_number=PageForm(request.GET).page_number()
    )
    context = {
        "company": company,
        "leaders": leaders,
        "more_leaders": more_leaders,
        "requisitions": requisitions,
    }
    return render(request, COMPANY_DETAIL, context)


def _company_form_page(request, *, company=None):
    initial = {name: getattr(company, name) for name in services.COMPANY_FIELDS} if company else {}
    form = CompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if company is None:
                company = services.company_create(by=request.user, **form.cleaned_data)
                messages.success(
                    request, f"Added {company.name}. Add its hiring leaders, then open its roles."
                )
            else:
                company = services.company_update(
                    company=company, by=request.user, **form.cleaned_data
                )
                messages.success(request, f"Saved {company.name}.")
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            return redirect("clients:company_detail", pk=company.pk)
    return render(request, COMPANY_FORM, {"form": form, "company": company})


@recruiter_required
def company_create(request):
    return _company_form_page(request)


@recruiter_required
def company_edit(request, pk: int):
    return _company_form_page(request, company=selectors.company_for_recruiter(pk=pk))


# ---------- hiring leaders ----------


@recruiter_required
@vary_on_headers("HX-Request")
def hiringleader_list(request):
    form = NameSearchForm(request.GET)
    filters = form.filters()
    company = (
        selectors.company_for_recruiter(pk=filters["company_id"]) if filters["company_id"] else None
    )
    page = selectors.hiring_leader_page(
        query=filters["query"], company=company, page_number=filters["page_number"]
    )
    context = {"form": form, "page": page, "query": filters["query"], "company": company}
    template_name = LEADER_LIST + ("#leader-table" if _fragment_only(request) else "")
    return render(request, template_name, context)


@recruiter_required
@vary_on_headers("HX-Request")
def hiringleader_detail(request, pk: int):
    leader = selectors.hiring_leader_for_recruiter(pk=pk)
    timeline = selectors.hiring_leader_timeline_page(
        leader=leader, page_number=PageForm(request.GET).page_number()
    )
    if _fragment_only(request):
        return render(
            request, LEADER_DETAIL + "#timeline", {"leader": leader, "timeline": timeline}
        )
    updates, more_updates = selectors.hiring_leader_updates_sent(leader=leader)
    promises, more_promises = selectors.hiring_leader_open_promises(leader=leader)
    context = {
        "leader": leader,
        "timeline": timeline,
        "requisitions": selectors.requisitions_of(leader=leader),
        "updates": updates,
        "more_updates": more_updates,
        "promises": promises,
        "more_promises": more_promises,
        "now": timezone.now(),
    }
    return render(request, LEADER_DETAIL, context)


def _leader_form_page(request, *, leader=None):
    if leader is not None:
        initial = {name: getattr(leader, name) for name in services.HIRING_LEADER_FIELDS}
    else:
        initial = {"company": request.GET.get("company")}
    form = HiringLeaderForm(request.POST or None, initial=initial, editing=leader is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if leader is None:
                leader = services.hiring_leader_create(by=request.user, **form.cleaned_data)
                messages.success(
                    request,
                    f"Added {leader.name} at {leader.company.name}. Open a requisition for them "
                    "when they brief you on a role.",
                )
            else:
                leader = services.hiring_leader_update(
                    hiring_leader=leader, by=request.user, **form.cleaned_data
                )
                messages.success(request, f"Saved {leader.name}\u2019s details.")
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            return redirect("clients:hiringleader_detail", pk=leader.pk)
    return render(request, LEADER_FORM, {"form": form, "leader": leader})


@recruiter_required
def hiringleader_create(request):
    return _leader_form_page(request)


@recruiter_required
def hiringleader_edit(request, pk: int):
    return _leader_form_page(request, leader=selectors.hiring_leader_for_recruiter(pk=pk))
