"""The admin's follow-up pages: cadences and their steps, message templates, the outbox."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from followups import outbox_selectors, services
from followups import services as followup_services
from followups.models import Cadence, CadenceStep, FollowUp, MessageTemplate
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups.factories import (
    CadenceFactory,
    CadenceStepFactory,
    FollowUpFactory,
    MessageTemplateFactory,
)
from tests.hiring_leaders.factories import HiringLeaderFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
State = FollowUp.State

CADENCES_URL = reverse("followups:cadence_list")
TEMPLATES_URL = reverse("followups:template_list")
OUTBOX_URL = reverse("followups:outbox")
PREVIEW_URL = reverse("followups:template_preview")

# Session, user, count, one page of cadences (steps and scheduled follow-ups as subqueries).
CADENCE_LIST_QUERIES = 4
# Session, user, cadence, its steps (+ template), the template choices of the add form.
CADENCE_DETAIL_QUERIES = 5
# The cadence; in a transaction (2) it is locked and saved and what is scheduled from it
# counted; it is read again for the panel and the trigger line.
QUIET_DAYS_QUERIES = 7
# The same, with the step being edited (or deleted) and the choices of its inline form.
STEP_EDIT_QUERIES = 7
# Session, user, step (+ cadence, template), template choices.
STEP_FRAGMENT_QUERIES = 4
# Session, user, count, one page of templates.
TEMPLATE_LIST_QUERIES = 4
# Session, user, template, the steps that send it.
TEMPLATE_EDIT_QUERIES = 4
# Session, user: the preview renders sample data, never the database.
PREVIEW_QUERIES = 2
# Session, user, counts, count, one page of follow-ups (+ recipients, template, cadence, what
# they are about) read as one or two index ranges (what happened, then what is coming), the
# refused addresses among the page's retryable emails.
OUTBOX_QUERIES = 7
# Session, user, the row, what it is about (apart: joined, the ten tables took PostgreSQL longer
# to plan than to read) and the refused addresses: what "send it again?" needs to ask.
OUTBOX_ASK_QUERIES = 5
# Session, user, the row (+ what it is about, refused addresses); in a transaction (2) the row
# locked, read with what it is about (+ refused addresses) and changed; re-read (+ what it is
# about, refused addresses), counts.
OUTBOX_ACTION_QUERIES = 14


def text(response) -> str:
    return response.content.decode()


def cadence_url(cadence) -> str:
    return reverse("followups:cadence_detail", args=[cadence.pk])


def toggle_url(cadence) -> str:
    return reverse("followups:cadence_set_enabled", args=[cadence.pk])


def quiet_days_url(cadence) -> str:
    return reverse("followups:cadence_quiet_days", args=[cadence.pk])


def quiet_cadence() -> Cadence:
    """The shipped "gone quiet" cadence: a note to the candidate and a task, after 7 days."""
    return Cadence.objects.get(trigger="candidate_untouched")


def step_url(name: str, step) -> str:
    return reverse(f"followups:step_{name}", args=[step.pk])


def template_url(template) -> str:
    return reverse("followups:template_edit", args=[template.pk])


def retry_url(followup) -> str:
    return reverse("followups:followup_retry", args=[followup.pk])


def cancel_url(followup) -> str:
    return reverse("followups:followup_cancel", args=[followup.pk])


def checkins() -> Cadence:
    """The shipped post-hire cadence: days 30, 60 and 90 to the new hire and the leader."""
    return Cadence.objects.get(name="Post-hire check-ins")


def day30_new_hire() -> CadenceStep:
    return checkins().steps.get(offset_days=30, audience="new_hire")


def step_data(step=None, prefix=None, **changes) -> dict:
    prefix = prefix or f"step{step.pk}"
    data = {
        "offset_days": step.offset_days if step else 0,
        "send_time": step.send_time.strftime("%H:%M") if step and step.send_time else "",
        "audience": step.audience if step else "candidate",
        "channel": step.channel if step else "email",
        "template": step.template_id
        if step
        else MessageTemplate.objects.filter(kind="email").first().pk,
        "task_if_opted_out": "on" if step and step.task_if_opted_out else "",
    } | changes
    return {f"{prefix}-{key}": value for key, value in data.items() if value != ""}


def remove_shipped_defaults() -> None:
    Cadence.objects.all().delete()
    MessageTemplate.objects.all().delete()


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# ---------- who may reach the pages ----------


def every_url():
    """Each admin URL with the method that uses it; pks that exist in the shipped defaults."""
    step = day30_new_hire()
    followup = FollowUpFactory(state=State.FAILED)
    template = step.template
    return [
        ("get", CADENCES_URL),
        ("get", cadence_url(step.cadence)),
        ("post", toggle_url(step.cadence)),
        ("post", quiet_days_url(quiet_cadence())),
        ("post", reverse("followups:step_add", args=[step.cadence_id])),
        ("get", step_url("row", step)),
        ("get", step_url("edit", step)),
        ("post", step_url("edit", step)),
        ("get", step_url("delete", step)),
        ("post", step_url("delete", step)),
        ("get", TEMPLATES_URL),
        ("get", reverse("followups:template_create")),
        ("get", template_url(template)),
        ("post", template_url(template)),
        ("post", PREVIEW_URL),
        ("get", OUTBOX_URL),
        ("post", retry_url(followup)),
        ("post", cancel_url(followup)),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client):
    for method, url in every_url():
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("who", ["recruiter", "leader"])
def test_recruiters_and_hiring_leaders_get_404_on_every_page(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    before = list(FollowUp.objects.values_list("pk", "state"))
    steps_before = CadenceStep.objects.count()

    for method, url in every_url():
        response = getattr(client, method)(url, HTTP_HX_REQUEST="true")

        assert response.status_code == 404, url
        assert "Page not found" in text(response)

    assert checkins().enabled
    assert CadenceStep.objects.count() == steps_before
    assert set(before) <= set(FollowUp.objects.values_list("pk", "state"))


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "cadence_detail"),
        ("post", "cadence_set_enabled"),
        ("post", "cadence_quiet_days"),
        ("post", "step_add"),
        ("get", "step_row"),
        ("get", "step_edit"),
        ("post", "step_edit"),
        ("get", "step_delete"),
        ("post", "step_delete"),
        ("get", "template_edit"),
        ("post", "template_edit"),
        ("post", "followup_retry"),
        ("post", "followup_cancel"),
    ],
)
def test_unknown_ids_are_not_found(admin_client, method, name):
    response = getattr(admin_client, method)(reverse(f"followups:{name}", args=[987654]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda: toggle_url(checkins()),
        lambda: retry_url(FollowUpFactory(state=State.FAILED)),
        lambda: cancel_url(FollowUpFactory()),
        lambda: PREVIEW_URL,
    ],
    ids=["toggle", "retry", "cancel", "preview"],
)
def test_actions_only_answer_posts(admin_client, url):
    assert admin_client.get(url()).status_code == 405


def test_posts_need_the_csrf_token_which_htmx_sends_as_a_header(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    page = text(client.get(CADENCES_URL))
    token = re.search(r'"x-csrftoken": "([^"]+)"', page).group(1)
    cadence = checkins()

    refused = client.post(toggle_url(cadence), {"enabled": "off"}, **HTMX)
    cadence.refresh_from_db()
    assert refused.status_code == 403
    assert cadence.enabled

    accepted = client.post(toggle_url(cadence), {"enabled": "off"}, HTTP_X_CSRFTOKEN=token, **HTMX)
    cadence.refresh_from_db()
    assert accepted.status_code == 200
    assert not cadence.enabled


def test_admins_see_cadences_and_outbox_in_the_navigation(admin_client):
    body = text(admin_client.get(CADENCES_URL))

    assert f'href="{CADENCES_URL}" aria-current="page">Cadences<' in body
    assert f'href="{OUTBOX_URL}">Outbox<' in body


def test_recruiters_do_not_see_the_admin_links(client, recruiter):
    client.force_login(recruiter)

    body = text(client.get(reverse("candidates:candidate_list")))

    assert CADENCES_URL not in body
    assert OUTBOX_URL not in body


# ---------- cadence list ----------


def test_the_list_says_each_cadences_trigger_in_words_with_steps_and_state(admin_client):
    Cadence.objects.filter(name__startswith="Expectation reset").update(enabled=False)

    body = text(admin_client.get(CADENCES_URL))

    rows = {
        name: row
        for row in body.split("<tr id=")[1:]
        for name in [re.search(r'/">([^<]+)</a>', row).group(1)]
    }
    assert "Placement starts" in rows["Post-hire check-ins"]
    assert 'data-label="Steps" class="num">6<' in rows["Post-hire check-ins"]
    assert (
        "Candidate enters Interviewing"
        in rows["Status update when a candidate enters interviewing"]
    )
    assert (
        "Every Friday: one digest per hiring leader with an open or on-hold requisition"
        in rows["Weekly digest to each hiring leader"]
    )
    quiet = rows["Where things stand, when a candidate has gone quiet"]
    assert "not contacted for 7 days" in quiet
    assert '<span class="badge badge--green">On</span>' in rows["Post-hire check-ins"]
    assert ">Switch off<" in rows["Post-hire check-ins"]
    reset = rows["Expectation reset when a requisition goes on hold"]
    assert '<span class="badge badge--grey">Off</span>' in reset
    assert ">Switch on<" in reset


def test_an_empty_cadence_list_says_what_would_be_there(admin_client):
    remove_shipped_defaults()

    body = text(admin_client.get(CADENCES_URL))

    assert "No cadences yet" in body
    assert "<table" not in body


def test_switching_off_over_htmx_swaps_the_row_and_cancels_what_was_scheduled(admin_client):
    cadence = checkins()
    step = day30_new_hire()
    pending = FollowUpFactory.create_batch(3, cadence_step=step, due_at=timezone.now())
    sent = FollowUpFactory(cadence_step=step, state=State.SENT)
    other = FollowUpFactory()

    response = admin_client.post(
        toggle_url(cadence), {"enabled": "off", "next": CADENCES_URL}, **HTMX
    )

    body = text(response)
    cadence.refresh_from_db()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="cadence-{cadence.pk}">')
    assert "<html" not in body
    assert ">Switch on<" in body
    assert "“Post-hire check-ins” is off" in body
    assert "its 3 scheduled follow-ups were cancelled" in body
    assert 'data-hx-swap-oob="innerHTML"' in body
    assert not cadence.enabled
    assert {f.state for f in FollowUp.objects.filter(pk__in=[p.pk for p in pending])} == {
        State.CANCELLED
    }
    assert FollowUp.objects.get(pk=sent.pk).state == State.SENT
    assert FollowUp.objects.get(pk=other.pk).state == State.SCHEDULED


def test_the_switch_asks_first_when_it_would_cancel_something(admin_client):
    FollowUpFactory.create_batch(2, cadence_step=day30_new_hire())

    body = text(admin_client.get(CADENCES_URL))

    assert (
        'hx-confirm="Switch off “Post-hire check-ins”? Nothing new will be scheduled from it, '
        'and its 2 scheduled follow-ups will be cancelled."'
    ) in body


def test_switching_works_as_a_plain_form_too(admin_client):
    cadence = checkins()
    cadence.enabled = False
    cadence.save()

    response = admin_client.post(toggle_url(cadence), {"enabled": "on", "next": CADENCES_URL})
    after = admin_client.get(response.url)

    cadence.refresh_from_db()
    assert response.status_code == 302
    assert response.url == CADENCES_URL
    assert cadence.enabled
    assert "“Post-hire check-ins” is on" in text(after)


def test_switching_never_sends_anyone_elsewhere(admin_client):
    response = admin_client.post(
        toggle_url(checkins()), {"enabled": "off", "next": "https://evil.example/"}
    )

    assert response.url == CADENCES_URL


def test_a_repeated_switch_off_changes_nothing_more(admin_client):
    cadence = checkins()
    admin_client.post(toggle_url(cadence), {"enabled": "off"}, **HTMX)

    response = admin_client.post(toggle_url(cadence), {"enabled": "off"}, **HTMX)

    cadence.refresh_from_db()
    assert not cadence.enabled
    assert ">Switch on<" in text(response)


def test_a_bad_switch_value_is_explained_and_changes_nothing(admin_client):
    response = admin_client.post(toggle_url(checkins()), {"enabled": "maybe"}, **HTMX)

    assert "Choose whether the cadence should be on or off." in text(response)
    assert checkins().enabled


def test_the_cadence_list_pages_fifty_at_a_time(admin_client):
    for n in range(55):
        CadenceFactory(name=f"Zz cadence {n:02d}")

    first = text(admin_client.get(CADENCES_URL))
    second = text(admin_client.get(CADENCES_URL, {"page": "2"}))

    assert first.count('data-label="Trigger"') == 50
    assert "1\u201350 of 68 cadences" in first
    assert second.count('data-label="Trigger"') == 18
    assert "Zz cadence 54" in second


@pytest.mark.parametrize("extra", [0, 70])
def test_the_cadence_list_runs_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries, extra
):
    for n in range(extra):
        CadenceStepFactory(cadence=CadenceFactory(name=f"Extra {n}"))
        FollowUpFactory(cadence_step=day30_new_hire())

    with django_assert_max_num_queries(CADENCE_LIST_QUERIES):
        response = admin_client.get(CADENCES_URL)
    with django_assert_max_num_queries(CADENCE_LIST_QUERIES):
        admin_client.get(CADENCES_URL, {"page": "2"}, **HTMX)

    assert response.status_code == 200


# ---------- cadence detail: steps ----------


def test_the_detail_page_lists_the_steps_by_day_with_all_they_do(admin_client):
    body = text(admin_client.get(cadence_url(checkins())))

    rows = body.split('<tr id="step-')[1:]
    assert len(rows) == 6
    assert [re.search(r"Day (\d+)", row).group(1) for row in rows] == [
        "30",
        "30",
        "60",
        "60",
        "90",
        "90",
    ]
    first = rows[0]
    assert "10:00" in first
    assert "recipient\u2019s time" in first
    assert "New hire" in first or "Hiring leader" in first
    assert "Email" in first
    assert "Post-hire check-in (" in first
    assert "Task instead" in first
    assert "Trigger: Placement starts" in body


def test_a_step_sent_right_away_says_so(admin_client):
    cadence = Cadence.objects.get(name="Status update when a candidate enters submitted")

    body = text(admin_client.get(cadence_url(cadence)))

    assert "Right away" in body
    assert "Day 0" in body


def test_edit_over_htmx_returns_just_the_inline_form(admin_client):
    step = day30_new_hire()

    response = admin_client.get(step_url("edit", step), **HTMX)

    body = text(response)
    assert body.lstrip().startswith(f'<tr id="step-{step.pk}" class="row--editing">')
    assert "<html" not in body
    assert f'name="step{step.pk}-offset_days" value="30"' in body
    assert 'value="10:00"' in body
    assert f'data-hx-post="{step_url("edit", step)}"' in body
    assert f'data-hx-get="{step_url("row", step)}"' in body  # Cancel
    assert "autofocus" in body
    # A placement cadence reaches the new hire, never "the candidate".
    assert 'value="new_hire" selected' in body
    assert 'value="candidate"' not in body


def test_edit_without_javascript_shows_the_whole_page_with_that_row_as_a_form(admin_client):
    step = day30_new_hire()

    body = text(admin_client.get(step_url("edit", step)))

    assert "<html" in body
    assert body.count('class="row--editing"') == 1
    assert f'name="step{step.pk}-offset_days"' in body
    assert body.count('<tr id="step-') == 6


def test_saving_a_step_over_htmx_swaps_back_the_updated_row(admin_client):
    step = day30_new_hire()
    already = FollowUpFactory(cadence_step=step, due_at=timezone.now() + datetime.timedelta(1))

    response = admin_client.post(
        step_url("edit", step), step_data(step, offset_days="28", send_time="09:30"), **HTMX
    )

    body = text(response)
    step.refresh_from_db()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="step-{step.pk}" class="row--saved">')
    assert "Day 28" in body
    assert "09:30" in body
    assert "Saved the day-28 email to the new hire." in body
    assert "The follow-up already scheduled from it keeps its time." in body
    assert (step.offset_days, step.send_time) == (28, datetime.time(9, 30))
    assert FollowUp.objects.get(pk=already.pk).due_at == already.due_at


def test_cancel_swaps_back_the_read_only_row(admin_client):
    step = day30_new_hire()

    response = admin_client.get(step_url("row", step), **HTMX)

    assert text(response).lstrip().startswith(f'<tr id="step-{step.pk}">')
    assert ">Edit<" in text(response)


def test_the_read_only_row_without_htmx_is_the_cadence_page(admin_client):
    step = day30_new_hire()

    response = admin_client.get(step_url("row", step))

    assert response.url == f"{cadence_url(step.cadence)}#step-{step.pk}"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"offset_days": "-1"}, "greater than or equal to 0"),
        ({"offset_days": ""}, "Say on which day"),
        ({"offset_days": "soon"}, "Write the day as a whole number"),
        ({"send_time": "25:99"}, "Write a time of day"),
        ({"audience": "recruiter", "channel": "email"}, "The owning recruiter gets tasks"),
        ({"audience": "candidate"}, "Select a valid choice"),
        ({"template": "987654"}, "That template no longer exists"),
    ],
    ids=["negative", "missing", "words", "bad-time", "recruiter-email", "wrong-audience", "gone"],
)
def test_a_bad_step_re_renders_the_inline_form_with_the_reason(admin_client, changes, message):
    step = day30_new_hire()

    response = admin_client.post(step_url("edit", step), step_data(step, **changes), **HTMX)

    body = text(response)
    step.refresh_from_db()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="step-{step.pk}" class="row--editing">')
    assert message in body
    assert 'class="errorlist' in body
    assert (step.offset_days, step.audience, step.channel) == (30, "new_hire", "email")


def test_a_step_for_someone_the_trigger_never_reaches_is_refused_by_the_service(admin_client):
    step = CadenceStepFactory(cadence=CadenceFactory(trigger="stage_entered"))

    response = admin_client.post(
        step_url("edit", step), step_data(step, audience="new_hire"), **HTMX
    )

    assert "Select a valid choice" in text(response)
    assert CadenceStep.objects.get(pk=step.pk).audience == "candidate"


def test_saving_a_step_without_javascript_redirects_with_a_message(admin_client):
    step = day30_new_hire()

    response = admin_client.post(step_url("edit", step), step_data(step, offset_days="28"))
    after = admin_client.get(response.url)

    assert response.status_code == 302
    assert response.url == f"{cadence_url(step.cadence)}#step-{step.pk}"
    assert "Saved the day-28 email to the new hire." in text(after)


def test_a_bad_step_without_javascript_shows_the_page_with_the_form_and_errors(admin_client):
    step = day30_new_hire()

    response = admin_client.post(step_url("edit", step), step_data(step, offset_days="-5"))

    body = text(response)
    assert "<html" in body
    assert 'class="row--editing"' in body
    assert f'name="step{step.pk}-offset_days" value="-5"' in body
    assert "greater than or equal to 0" in body


def test_a_task_step_never_keeps_task_instead_if_opted_out(admin_client):
    step = day30_new_hire()

    admin_client.post(
        step_url("edit", step),
        step_data(
            step,
            audience="recruiter",
            channel="task",
            template=MessageTemplate.objects.get(kind="task").pk,
            task_if_opted_out="on",
        ),
        **HTMX,
    )

    step.refresh_from_db()
    assert (step.audience, step.channel, step.task_if_opted_out) == ("recruiter", "task", False)


def test_adding_a_step_over_htmx_refreshes_the_steps_with_the_new_one(admin_client):
    cadence = checkins()
    template = MessageTemplateFactory(name="Day 7 hello")

    response = admin_client.post(
        reverse("followups:step_add", args=[cadence.pk]),
        step_data(prefix="new", offset_days="7", audience="new_hire", template=template.pk),
        **HTMX,
    )

    body = text(response)
    added = cadence.steps.get(offset_days=7)
    assert body.lstrip().startswith('<div id="steps-panel">')
    assert f'<tr id="step-{added.pk}" class="row--saved">' in body
    assert "Day 7 hello" in body
    assert "Added the day-7 email to the new hire." in body
    assert 'name="new-offset_days"' in body  # a fresh form for the next one
    assert added.position == 3
    assert body.index(f'id="step-{added.pk}"') < body.index("Day 30")


def test_a_bad_new_step_keeps_what_was_typed_and_says_why(admin_client):
    cadence = checkins()

    response = admin_client.post(
        reverse("followups:step_add", args=[cadence.pk]),
        step_data(prefix="new", offset_days="12", audience="recruiter", channel="email"),
        **HTMX,
    )

    body = text(response)
    assert "The owning recruiter gets tasks" in body
    assert 'name="new-offset_days" value="12"' in body
    assert cadence.steps.count() == 6


def test_adding_a_step_without_javascript_redirects_to_it(admin_client):
    cadence = checkins()

    response = admin_client.post(
        reverse("followups:step_add", args=[cadence.pk]),
        step_data(prefix="new", offset_days="7", audience="new_hire"),
    )

    added = cadence.steps.get(offset_days=7)
    assert response.url == f"{cadence_url(cadence)}#step-{added.pk}"


def test_delete_asks_first_in_place_of_the_row(admin_client):
    step = day30_new_hire()
    FollowUpFactory.create_batch(2, cadence_step=step)

    response = admin_client.get(step_url("delete", step), **HTMX)

    body = text(response)
    assert body.lstrip().startswith(f'<tr id="step-{step.pk}" class="row--confirm">')
    assert "Delete the day 30 email to the new hire" in body
    assert "Its 2 scheduled follow-ups will be cancelled." in body
    assert ">Delete step<" in body
    assert ">Keep it<" in body
    assert CadenceStep.objects.filter(pk=step.pk).exists()


def test_delete_without_javascript_asks_on_the_cadence_page(admin_client):
    step = day30_new_hire()

    body = text(admin_client.get(step_url("delete", step)))

    assert "<html" in body
    assert body.count('class="row--confirm"') == 1
    assert "Nothing is scheduled from it." in body


def test_deleting_a_step_cancels_what_it_had_scheduled(admin_client):
    step = day30_new_hire()
    pending = FollowUpFactory(cadence_step=step)
    sent = FollowUpFactory(cadence_step=step, state=State.SENT)

    response = admin_client.post(step_url("delete", step), **HTMX)

    body = text(response)
    assert body.lstrip().startswith('<div id="steps-panel">')
    assert f'id="step-{step.pk}"' not in body
    assert (
        "Removed the day-30 email to the new hire from “Post-hire check-ins”. "
        "Its 1 scheduled follow-up was cancelled."
    ) in body
    assert not CadenceStep.objects.filter(pk=step.pk).exists()
    assert FollowUp.objects.get(pk=pending.pk).state == State.CANCELLED
    assert FollowUp.objects.get(pk=sent.pk).state == State.SENT
    assert MessageTemplate.objects.filter(pk=step.template_id).exists()


def test_deleting_without_javascript_redirects_to_the_cadence(admin_client):
    step = day30_new_hire()

    response = admin_client.post(step_url("delete", step))

    assert response.url == cadence_url(step.cadence)
    assert "Removed the day-30 email" in text(admin_client.get(response.url))


def test_a_cadence_without_steps_says_how_to_add_one(admin_client):
    cadence = CadenceFactory()

    body = text(admin_client.get(cadence_url(cadence)))

    assert "No steps yet" in body
    assert "Add a step" in body


@pytest.mark.parametrize("extra_steps", [0, 30])
def test_the_cadence_pages_run_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries, extra_steps
):
    cadence = checkins()
    step = day30_new_hire()
    for n in range(extra_steps):
        extra = CadenceStepFactory(cadence=cadence, audience="hiring_leader", offset_days=n)
        FollowUpFactory(cadence_step=extra)

    with django_assert_max_num_queries(CADENCE_DETAIL_QUERIES):
        response = admin_client.get(cadence_url(cadence))
    with django_assert_max_num_queries(STEP_EDIT_QUERIES):
        admin_client.get(step_url("edit", step))
    with django_assert_max_num_queries(STEP_EDIT_QUERIES):
        admin_client.get(step_url("delete", step))
    with django_assert_max_num_queries(STEP_FRAGMENT_QUERIES):
        admin_client.get(step_url("edit", step), **HTMX)

    assert response.status_code == 200


# ---------- days of silence ----------


def test_the_gone_quiet_cadence_says_its_days_and_an_admin_changes_them(admin_client):
    cadence = quiet_cadence()
    page = text(admin_client.get(cadence_url(cadence)))

    response = admin_client.post(quiet_days_url(cadence), {"quiet_days": "10"}, **HTMX)

    assert "has heard nothing from us for <strong>7 days</strong>" in page
    assert 'name="quiet_days" value="7"' in page
    body = text(response)
    assert body.lstrip().startswith('<section class="panel" id="quiet-days"')
    assert "has heard nothing from us for <strong>10 days</strong>" in body
    assert 'name="quiet_days" value="10"' in body
    # The page's trigger line is swapped too, so nothing on the page still says 7.
    assert 'id="cadence-trigger" data-hx-swap-oob="outerHTML"' in body
    assert "not contacted for 10 days" in body
    assert "A candidate is now nudged after 10 days of silence." in body
    assert quiet_cadence().quiet_days == 10


def test_days_of_silence_without_javascript_come_back_to_the_panel(admin_client):
    cadence = quiet_cadence()

    response = admin_client.post(quiet_days_url(cadence), {"quiet_days": "1"})

    assert response.url == f"{cadence_url(cadence)}#quiet-days"
    page = text(admin_client.get(response.url))
    assert "A candidate is now nudged after 1 day of silence." in page
    assert "Trigger: Candidate in a pipeline not contacted for 1 day." in page


def test_changing_the_days_says_what_already_scheduled_keeps_its_time(admin_client):
    cadence = quiet_cadence()
    FollowUpFactory(cadence_step=cadence.steps.get(audience="candidate"))

    admin_client.post(quiet_days_url(cadence), {"quiet_days": "5"})

    assert (
        "A candidate is now nudged after 5 days of silence. The follow-up already scheduled "
        "from it keeps its time." in text(admin_client.get(cadence_url(cadence)))
    )


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("0", "At least 1 day: a silence starts the day after the last word."),
        ("91", "At most 90 days: a longer silence is a lost candidate."),
        ("a week", "Write the days as a number, like 7."),
        ("", "This field is required."),
    ],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_bad_days_are_a_message_on_the_field_and_change_nothing(admin_client, days, message, htmx):
    cadence = quiet_cadence()

    response = admin_client.post(
        quiet_days_url(cadence), {"quiet_days": days}, **(HTMX if htmx else {})
    )

    assert response.status_code == 200
    body = text(response)
    assert f'<ul class="errorlist" id="id_quiet_days_error"><li>{message}</li></ul>' in body
    assert 'aria-invalid="true"' in body
    assert ("<html" in body) is not htmx
    assert quiet_cadence().quiet_days == 7


def test_other_cadences_have_no_days_of_silence(admin_client):
    cadence = checkins()

    page = text(admin_client.get(cadence_url(cadence)))
    response = admin_client.post(quiet_days_url(cadence), {"quiet_days": "5"})

    assert "When a silence counts" not in page
    assert response.status_code == 404
    cadence.refresh_from_db()
    assert cadence.quiet_days is None


def test_the_days_panel_keeps_the_pages_query_count(admin_client, django_assert_max_num_queries):
    cadence = quiet_cadence()

    with django_assert_max_num_queries(CADENCE_DETAIL_QUERIES):
        admin_client.get(cadence_url(cadence))
    with django_assert_max_num_queries(QUIET_DAYS_QUERIES):
        admin_client.post(quiet_days_url(cadence), {"quiet_days": "9"}, **HTMX)


# ---------- message templates ----------


def template_row(body: str, name: str) -> str:
    """The template list's row for the template called `name`."""
    rows = re.findall(r"<tr>.*?</tr>", body, re.S)
    (row,) = [row for row in rows if f">{name}</a>" in row]
    return row


def test_the_template_list_shows_each_template_and_where_it_is_used(admin_client):
    # A task no step creates: nobody sends it by hand either (the composer sends emails).
    MessageTemplateFactory(
        name="Aaa unused", kind="task", subject="Hello {{ recipient.first_name }}", body=""
    )

    body = text(admin_client.get(TEMPLATES_URL))

    assert "Hello {{ recipient.first_name }}" in body
    assert "Unused" in template_row(body, "Aaa unused")
    new_hire = template_row(body, day30_new_hire().template.name)
    assert "3 steps" in new_hire  # the new-hire check-in: days 30, 60, 90
    assert "by hand" not in new_hire  # written for its day: the composer does not offer it
    assert f'href="{reverse("followups:template_create")}"' in body


def test_the_expectation_resets_are_listed_as_sent_by_hand_not_unused(admin_client):
    resets = MessageTemplate.objects.filter(name__startswith="Expectation reset")

    body = text(admin_client.get(TEMPLATES_URL))

    assert resets.count() == 5
    for reset in resets:
        row = template_row(body, reset.name)
        assert "Sent by hand from the composer" in row, reset.name
        assert "Unused" not in row


def test_a_template_a_cadence_sends_and_the_composer_offers_says_both(admin_client):
    (step,) = quiet_cadence().steps.filter(channel="email")

    listed = template_row(text(admin_client.get(TEMPLATES_URL)), step.template.name)
    editor = text(admin_client.get(template_url(step.template)))

    assert "1 step" in listed
    assert "and by hand" in listed
    assert quiet_cadence().name in editor
    assert "And by hand from the composer" in editor


def test_an_expectation_resets_editor_says_it_is_sent_by_hand(admin_client):
    reset = MessageTemplate.objects.get(name="Expectation reset: feedback pending")

    body = text(admin_client.get(template_url(reset)))

    assert "Sent by hand from the composer" in body
    assert "No cadence step sends this template yet" not in body


def test_an_email_template_only_a_cadence_sends_is_not_offered_by_hand(admin_client):
    body = text(admin_client.get(template_url(day30_new_hire().template)))

    assert "Post-hire check-ins" in body
    assert "by hand" not in body


def test_an_empty_template_list_says_how_to_start(admin_client):
    remove_shipped_defaults()

    body = text(admin_client.get(TEMPLATES_URL))

    assert "No message templates yet" in body


def test_the_template_list_pages_fifty_at_a_time(admin_client):
    MessageTemplateFactory.create_batch(60)
    total = MessageTemplate.objects.count()  # the 60 and the shipped defaults

    first = text(admin_client.get(TEMPLATES_URL))
    second = text(admin_client.get(TEMPLATES_URL, {"page": "2"}))

    assert first.count('data-label="Subject"') == 50
    assert second.count('data-label="Subject"') == total - 50
    assert f"51\u2013{total} of {total} templates" in second


@pytest.mark.parametrize("extra", [0, 80])
def test_the_template_pages_run_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries, extra
):
    template = day30_new_hire().template
    for _ in range(extra):
        CadenceStepFactory(template=template, audience="candidate")
    MessageTemplateFactory.create_batch(extra)

    with django_assert_max_num_queries(TEMPLATE_LIST_QUERIES):
        admin_client.get(TEMPLATES_URL)
    with django_assert_max_num_queries(TEMPLATE_EDIT_QUERIES):
        response = admin_client.get(template_url(template))
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        admin_client.post(PREVIEW_URL, {"subject": template.subject, "body": template.body})

    assert response.status_code == 200


def test_the_editor_shows_the_saved_template_rendered_on_sample_data(admin_client):
    template = day30_new_hire().template

    body = text(admin_client.get(template_url(template)))

    assert f'value="{template.name}"' in body
    assert "{{ company.name }}" in body  # the source, in the subject field
    assert "How are your first 30 days at Northwind Analytics?" in body
    assert "Hi Ada," in body
    assert 'sandbox srcdoc="' in body
    assert 'data-insert="{{ recipient.first_name }}"' in body
    assert "<code>checkin_link</code>" in body
    assert 'data-hx-trigger="input changed delay:400ms"' in body
    assert f'data-hx-post="{PREVIEW_URL}"' in body
    assert "Post-hire check-ins" in body  # sent by


def test_the_preview_renders_subject_text_and_html(admin_client):
    response = admin_client.post(
        PREVIEW_URL,
        {
            "subject": "Welcome, {{ recipient.first_name }}",
            "body": "Hi {{ candidate.name }} <3\nSee {{ checkin_link }}",
        },
        **HTMX,
    )

    body = text(response)
    assert body.lstrip().startswith('<section id="template-preview"')
    assert '<dd class="preview__subject">Welcome, Ada</dd>' in body
    assert "Hi Ada Lovelace &lt;3" in body  # the text part, escaped for the page
    assert "https://recruitcrm.example/checkin/sample-link/" in body
    # The HTML part sits in a sandboxed frame, escaped into its srcdoc attribute.
    assert 'srcdoc="&lt;!doctype html&gt;' in body
    assert "Maya Chen" in body  # the signature the real email carries


def test_the_preview_names_an_unknown_placeholder(admin_client):
    response = admin_client.post(
        PREVIEW_URL, {"subject": "Hi {{ recipient.nickname }}", "body": "ok"}, **HTMX
    )

    body = text(response)
    assert "Will not send" in body
    assert "<strong>Subject:</strong> Unknown placeholder {{ recipient.nickname }}" in body
    assert "Placeholders you can use: recipient.first_name" in body


def test_the_preview_explains_a_template_that_does_not_parse(admin_client):
    response = admin_client.post(
        PREVIEW_URL, {"subject": "Hi", "body": "{% if candidate.name %}unclosed"}, **HTMX
    )

    assert "<strong>Message:</strong> The template does not parse" in text(response)


def test_a_fixed_preview_clears_the_errors_of_a_refused_save(admin_client):
    fixed = admin_client.post(PREVIEW_URL, {"subject": "Hi", "body": "Fine"}, **HTMX)
    still_broken = admin_client.post(PREVIEW_URL, {"subject": "Hi {{ x }}", "body": "Ok"}, **HTMX)

    assert '<div id="subject-problems" data-hx-swap-oob="innerHTML"></div>' in text(fixed)
    assert '<div id="body-problems" data-hx-swap-oob="innerHTML"></div>' in text(fixed)
    assert '<div id="form-alert" data-hx-swap-oob="innerHTML"></div>' in text(fixed)
    assert 'id="subject-problems"' not in text(still_broken)
    assert '<div id="body-problems" data-hx-swap-oob="innerHTML"></div>' in text(still_broken)
    assert 'id="form-alert"' not in text(still_broken)


def test_the_preview_asks_for_a_missing_subject(admin_client):
    response = admin_client.post(PREVIEW_URL, {"subject": " ", "body": "Hello"}, **HTMX)

    assert "<strong>Subject:</strong> Write a subject line." in text(response)


def test_the_preview_of_nothing_says_what_to_do(admin_client):
    response = admin_client.post(PREVIEW_URL, {"subject": "", "body": ""}, **HTMX)

    assert "Write a subject and a message to see the email here." in text(response)


def test_a_task_is_previewed_as_the_line_the_recruiter_reads(admin_client):
    response = admin_client.post(
        PREVIEW_URL,
        {"kind": "task", "subject": "Call {{ recipient.first_name }}", "body": "Hi {{ x }}"},
        **HTMX,
    )

    body = text(response)
    assert '<dd class="preview__subject">Call Ada</dd>' in body
    assert "Task for</dt><dd>Maya Chen, the recruiter" in body
    # Not drawn as an email: no address, no HTML part, and its (unread) message is not checked.
    assert "ada@example.com" not in body
    assert "srcdoc" not in body
    assert "Will not send" not in body


def test_a_task_without_its_line_says_what_to_write(admin_client):
    empty = admin_client.post(PREVIEW_URL, {"kind": "task", "subject": "", "body": "x"}, **HTMX)
    unknown = admin_client.post(PREVIEW_URL, {"kind": "task", "subject": "Call {{ x }}"}, **HTMX)

    assert "Write the task\u2019s line to see it here." in text(empty)
    assert "<strong>Subject:</strong> Unknown placeholder {{ x }}" in text(unknown)


def test_a_task_is_saved_without_a_message(admin_client):
    response = admin_client.post(
        reverse("followups:template_create"),
        {"name": "Call the leader", "kind": "task", "subject": "Call {{ recipient.name }}"},
    )
    again = admin_client.post(
        response.url,
        {
            "name": "Call the leader",
            "kind": "task",
            "subject": "Call {{ recipient.first_name }}",
            "body": "Text left from an email: nobody would read it.",
        },
    )

    task = MessageTemplate.objects.get(name="Call the leader")
    assert again.status_code == 302
    assert (task.subject, task.body) == ("Call {{ recipient.first_name }}", "")
    editor = text(admin_client.get(again.url))
    assert '<dd class="preview__subject">Call Ada</dd>' in editor
    assert "Emails only." in editor


def test_the_preview_refuses_a_novel(admin_client):
    response = admin_client.post(PREVIEW_URL, {"subject": "Hi", "body": "x" * 20001}, **HTMX)

    assert "too long to preview" in text(response)


def test_saving_a_good_template_redirects_back_with_a_message(admin_client):
    template = day30_new_hire().template

    response = admin_client.post(
        template_url(template),
        {
            "name": "Check-in",
            "kind": "email",
            "subject": "Hello {{ recipient.first_name }}",
            "body": "How is it?",
        },
    )
    after = admin_client.get(response.url)

    template.refresh_from_db()
    assert response.url == template_url(template)
    assert (template.name, template.subject, template.body) == (
        "Check-in",
        "Hello {{ recipient.first_name }}",
        "How is it?",
    )
    assert "Saved “Check-in”. Emails sent from now on use this text." in text(after)


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        (
            "subject",
            {"subject": "Hi {{ recipient.nickname }}"},
            "Unknown placeholder {{ recipient.nickname }}",
        ),
        ("body", {"body": "Hello {{ candidate.salary }}"}, "Unknown placeholder"),
        ("body", {"body": "{% for x in y %}{% endfor %}"}, "The template does not parse"),
        ("body", {"body": "{{ recipient.first_name|nope }}"}, "The template does not parse"),
        ("name", {"name": "requisition ON HOLD (candidate)"}, "There is already a template called"),
        ("subject", {"subject": ""}, "This field is required."),
        ("body", {"body": " "}, "Write the message."),
    ],
    ids=[
        "subject-placeholder",
        "body-placeholder",
        "tag",
        "filter",
        "duplicate-name",
        "empty",
        "no-message",
    ],
)
def test_a_template_that_would_not_send_is_a_form_error_and_nothing_is_saved(
    admin_client, field, data, message
):
    template = day30_new_hire().template
    before = (template.name, template.subject, template.body)
    typed = {
        "name": "Typed name",
        "kind": "email",
        "subject": "Typed {{ recipient.name }}",
        "body": "Typed body",
    }

    response = admin_client.post(template_url(template), typed | data)

    body = text(response)
    template.refresh_from_db()
    assert response.status_code == 200
    assert (template.name, template.subject, template.body) == before
    error_list = body.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert message in error_list
    assert "Nothing was saved" in body
    for value in (typed | data).values():
        if value:
            assert value.replace('"', "&quot;").split("{{")[0] in body  # what they typed stays


def test_the_preview_button_works_without_javascript_and_saves_nothing(admin_client):
    template = day30_new_hire().template
    before = template.subject

    response = admin_client.post(
        template_url(template),
        {"name": template.name, "subject": "New {{ company.name }}", "body": "Hi", "preview": "1"},
    )

    template.refresh_from_db()
    assert response.status_code == 200
    assert '<dd class="preview__subject">New Northwind Analytics</dd>' in text(response)
    assert template.subject == before


def test_a_new_template_can_be_written(admin_client):
    response = admin_client.post(
        reverse("followups:template_create"),
        {
            "name": "Offer congrats",
            "kind": "email",
            "subject": "Congratulations!",
            "body": "Well done.",
        },
    )

    created = MessageTemplate.objects.get(name="Offer congrats")
    assert response.url == template_url(created)
    assert "Created “Offer congrats”" in text(admin_client.get(response.url))


# ---------- outbox ----------


@pytest.fixture
def outbox_rows(candidate):
    # A name no recipient search below starts with: a random one can be "Dana".
    candidate.first_name, candidate.last_name = "Ada", "Lindqvist"
    candidate.save(update_fields=["first_name", "last_name"])
    now = timezone.now()
    leader = HiringLeaderFactory(first_name="Dana", last_name="Okafor", email="dana@corp.example")
    return {
        "due": FollowUpFactory(candidate=candidate, due_at=now - datetime.timedelta(minutes=5)),
        "later": FollowUpFactory(
            candidate=candidate, due_at=now + datetime.timedelta(days=3), key="later"
        ),
        "sending": FollowUpFactory(
            candidate=candidate,
            state=State.SENDING,
            lease_until=now + datetime.timedelta(minutes=5),
            attempts=1,
        ),
        "failed": FollowUpFactory(
            candidate=candidate,
            state=State.FAILED,
            attempts=5,
            last_error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable",
            due_at=now - datetime.timedelta(days=1),
        ),
        "sent": FollowUpFactory(
            audience="hiring_leader",
            candidate=None,
            hiring_leader=leader,
            recruiter=candidate.owner,
            state=State.SENT,
            sent_at=now - datetime.timedelta(hours=2),
            due_at=now - datetime.timedelta(hours=2),
        ),
        "task": FollowUpFactory(
            candidate=candidate,
            channel="task",
            audience="recruiter",
            template=None,
            task_title="Call Ada about her first week",
        ),
    }


def outbox_row(body: str, followup) -> str:
    return body.split(f'<tr id="followup-{followup.pk}">')[1].split("</tr>")[0]


def test_the_outbox_counts_due_later_sending_and_failed(admin_client, outbox_rows):
    body = text(admin_client.get(OUTBOX_URL))

    counts = {
        label: int(value)
        for value, label in re.findall(
            r'stat__value">(\d+)</span> <span class="stat__label">([^<]+)<', body
        )
    }
    # The task is scheduled and due too: a task is a follow-up like any other.
    assert counts == {"Due now": 2, "Scheduled later": 1, "Sending": 1, "Failed": 1}


def test_each_outbox_row_says_what_where_and_how_it_went(admin_client, outbox_rows, candidate):
    body = text(admin_client.get(OUTBOX_URL))

    failed = outbox_row(body, outbox_rows["failed"])
    assert 'class="badge badge--state-failed">Failed<' in failed
    assert "1 day ago" in failed
    assert "title=" in failed  # the exact time on hover
    assert candidate.name in failed
    assert candidate.email in failed
    assert "Candidate" in failed
    assert outbox_rows["failed"].template.name in failed
    assert "Error:</strong> SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable" in failed
    assert 'data-label="Attempts" class="num">5<' in failed
    assert ">Retry<" in failed
    assert ">Cancel<" not in failed
    sent = outbox_row(body, outbox_rows["sent"])
    assert "Dana Okafor" in sent
    assert "Hiring leader" in sent
    assert "sent <time" in sent
    assert "<form" not in sent
    task = outbox_row(body, outbox_rows["task"])
    assert "Call Ada about her first week" in task
    assert ">Task<" in task
    assert ">Cancel<" in task
    assert ">Retry<" not in task


@pytest.mark.parametrize(
    ("filters", "shown"),
    [
        ({"state": "failed"}, ["failed"]),
        ({"state": "due"}, ["due", "task"]),
        ({"state": "later"}, ["later"]),
        ({"state": "scheduled"}, ["due", "task", "later"]),
        ({"channel": "task"}, ["task"]),
        ({"state": "scheduled", "channel": "email"}, ["due", "later"]),
        ({"q": "dana"}, ["sent"]),
        ({"q": "dana@corp"}, ["sent"]),
        ({"q": "okaf"}, ["sent"]),
    ],
)
def test_the_outbox_filters_by_state_channel_and_recipient(
    admin_client, outbox_rows, filters, shown
):
    body = text(admin_client.get(OUTBOX_URL, filters, **HTMX))

    listed = [int(pk) for pk in re.findall(r'<tr id="followup-(\d+)">', body)]
    assert sorted(listed) == sorted(outbox_rows[name].pk for name in shown)


def test_work_ahead_is_soonest_first_and_the_rest_newest_first(admin_client, outbox_rows):
    ahead = text(admin_client.get(OUTBOX_URL, {"state": "scheduled"}, **HTMX))
    done = text(admin_client.get(OUTBOX_URL, {"state": "sent"}, **HTMX))

    order = [int(pk) for pk in re.findall(r'<tr id="followup-(\d+)">', ahead)]
    assert order[-1] == outbox_rows["later"].pk
    assert "soonest first" in ahead
    assert "newest first" in done


def test_everything_is_what_just_happened_first_then_what_is_coming(admin_client, candidate):
    now = timezone.now()
    rows = {
        days: FollowUpFactory(candidate=candidate, due_at=now + datetime.timedelta(days=days))
        for days in (-3, 90, -1, 2, 30)
    }

    body = text(admin_client.get(OUTBOX_URL, **HTMX))

    order = [int(pk) for pk in re.findall(r'<tr id="followup-(\d+)">', body)]
    assert order == [rows[days].pk for days in (-1, -3, 2, 30, 90)]
    assert "newest first, then what is coming up soonest first" in body


def test_an_htmx_filter_returns_only_the_table(admin_client, outbox_rows):
    response = admin_client.get(OUTBOX_URL, {"state": "failed"}, **HTMX)

    body = text(response)
    assert body.lstrip().startswith('<div id="outbox-table">')
    assert "<html" not in body
    assert "1 follow-up, failed" in body
    assert "HX-Request" in response["Vary"]


def test_the_filter_form_works_without_javascript(admin_client, outbox_rows):
    body = text(admin_client.get(OUTBOX_URL, {"state": "failed", "q": "x" * 500}))

    assert "<html" in body
    assert 'method="get"' in body
    assert '<option value="failed" selected>Failed</option>' in body
    assert "at most 100 characters" in body


def test_bad_filter_values_show_everything(admin_client, outbox_rows):
    body = text(admin_client.get(OUTBOX_URL, {"state": "exploded", "channel": "fax"}))

    assert len(re.findall(r'<tr id="followup-', body)) == len(outbox_rows)


def test_an_empty_outbox_says_what_would_be_there(admin_client):
    body = text(admin_client.get(OUTBOX_URL))

    assert "Nothing in the outbox yet" in body


def test_no_match_says_how_to_see_everything(admin_client, outbox_rows):
    body = text(admin_client.get(OUTBOX_URL, {"q": "nobody"}))

    assert "No follow-ups match these filters" in body


def listed(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="followup-(\d+)">', body)]


def next_link(body: str) -> str | None:
    found = re.search(r'<a href="([^"]*)"[^>]*rel="next"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def walk(client, url: str, params: dict | None = None) -> list[list[int]]:
    """Every page of the outbox from `url`, following "Next" as a person would."""
    pages, body = [], text(client.get(url, params or {}))
    pages.append(listed(body))
    while (link := next_link(body)) is not None:
        body = text(client.get(OUTBOX_URL + link))
        pages.append(listed(body))
        assert len(pages) < 20
    return pages


def test_the_outbox_pages_fifty_at_a_time(admin_client, candidate):
    rows = FollowUpFactory.create_batch(60, candidate=candidate, state=State.SENT)

    first = text(admin_client.get(OUTBOX_URL, {"state": "sent"}))
    second = text(admin_client.get(OUTBOX_URL + next_link(first)))

    assert len(listed(first)) == 50
    assert "60 follow-ups, sent" in first
    assert "Next 50 →" in first
    assert len(listed(second)) == 10
    assert sorted(listed(first) + listed(second)) == sorted(row.pk for row in rows)
    assert next_link(second) is None
    assert ">← First page</a>" in second
    assert "state=sent" in second.split("← First page")[0].rsplit("<a", 1)[1]


def test_walking_everything_goes_from_what_happened_to_what_is_coming_without_loss(
    admin_client, candidate
):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        # Ties on due_at across a page boundary too: the id breaks them.
        rows = [
            FollowUpFactory(candidate=candidate, due_at=now + datetime.timedelta(hours=h // 3))
            for h in range(-120, 120)
        ]

        pages = walk(admin_client, OUTBOX_URL)

    walked = [pk for page in pages for pk in page]
    assert [len(page) for page in pages] == [50, 50, 50, 50, 40]
    past = sorted((r for r in rows if r.due_at <= now), key=lambda r: (r.due_at, r.pk))
    coming = sorted((r for r in rows if r.due_at > now), key=lambda r: (r.due_at, r.pk))
    assert walked == [r.pk for r in reversed(past)] + [r.pk for r in coming]


@pytest.mark.parametrize("state", ["due", "failed"])
def test_a_filtered_walk_lists_each_row_once_in_order(admin_client, candidate, state):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        for n in range(130):
            FollowUpFactory(
                candidate=candidate,
                state=State.FAILED if n % 2 else State.SCHEDULED,
                due_at=now - datetime.timedelta(minutes=n % 40 + 1),
            )

        pages = walk(admin_client, OUTBOX_URL, {"state": state})

    walked = [pk for page in pages for pk in page]
    wanted = FollowUp.objects.filter(
        state=State.SCHEDULED if state == "due" else State.FAILED
    ).order_by(*(("due_at", "pk") if state == "due" else ("-due_at", "-pk")))
    assert walked == list(wanted.values_list("pk", flat=True))


def test_counts_stop_at_the_cap_and_say_so(admin_client, candidate, monkeypatch):
    monkeypatch.setattr(outbox_selectors, "OUTBOX_COUNT_CAP", 5)
    FollowUpFactory.create_batch(7, candidate=candidate, state=State.FAILED)
    FollowUpFactory.create_batch(
        3, candidate=candidate, state=State.SENDING, lease_until=timezone.now()
    )

    body = text(admin_client.get(OUTBOX_URL))
    failed = text(admin_client.get(OUTBOX_URL, {"state": "failed"}, **HTMX))

    assert 'stat__value">5+</span> <span class="stat__label">Failed<' in body
    assert 'stat__value">3</span> <span class="stat__label">Sending<' in body
    assert "More than 5+ follow-ups" not in failed
    assert "More than 5 follow-ups, failed" in failed
    assert len(listed(failed)) == 7


def test_a_cursor_that_is_not_ours_shows_the_first_page(admin_client, outbox_rows):
    body = text(admin_client.get(OUTBOX_URL, {"after": "not-a-cursor!"}))

    assert sorted(listed(body)) == sorted(row.pk for row in outbox_rows.values())


@pytest.mark.parametrize("rows", [3, 80])
def test_the_outbox_runs_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries, rows
):
    for n in range(rows):
        candidate = CandidateFactory()
        FollowUpFactory(
            candidate=candidate,
            state=[State.SCHEDULED, State.FAILED, State.SENT][n % 3],
            cadence_step=day30_new_hire() if n % 2 else None,
        )
    failed = FollowUp.objects.filter(state=State.FAILED).first()

    with django_assert_max_num_queries(OUTBOX_QUERIES):
        response = admin_client.get(OUTBOX_URL)
    # A recipient search looks the people up first: the candidates, the leaders.
    with django_assert_max_num_queries(OUTBOX_QUERIES + 1):
        admin_client.get(OUTBOX_URL, {"state": "failed", "q": "a"}, **HTMX)
    deep = next_link(text(admin_client.get(OUTBOX_URL, {"state": "scheduled"}))) or "?"
    with django_assert_max_num_queries(OUTBOX_QUERIES):
        admin_client.get(OUTBOX_URL + deep)
    with django_assert_max_num_queries(OUTBOX_ASK_QUERIES):
        admin_client.post(retry_url(failed), **HTMX)
    with django_assert_max_num_queries(OUTBOX_ACTION_QUERIES):
        admin_client.post(retry_url(failed), {"confirmed": "yes"}, **HTMX)
    with django_assert_max_num_queries(OUTBOX_ACTION_QUERIES):
        admin_client.post(cancel_url(failed), **HTMX)

    assert response.status_code == 200


def test_retry_asks_first_in_place_of_the_row_and_changes_nothing(
    admin_client, outbox_rows, candidate
):
    failed = outbox_rows["failed"]

    response = admin_client.post(retry_url(failed), {"next": f"{OUTBOX_URL}?state=failed"}, **HTMX)

    body = text(response)
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.FAILED, 5)
    assert body.lstrip().startswith(f'<tr id="followup-{failed.pk}" class="row--confirm row--ask">')
    assert f"Send “{failed.template.name}” to {candidate.name} ({candidate.email}) again" in body
    assert 'name="confirmed" value="yes"' in body
    assert ">Yes, send it now<" in body
    assert ">Keep it as it is<" in body


def test_keep_it_puts_the_row_back(admin_client, outbox_rows):
    failed = outbox_rows["failed"]

    response = admin_client.get(reverse("followups:outbox_row", args=[failed.pk]), **HTMX)

    body = text(response)
    assert body.lstrip().startswith(f'<tr id="followup-{failed.pk}">')
    assert ">Retry<" in body


def test_retry_without_javascript_asks_on_a_page_of_its_own(admin_client, outbox_rows):
    failed = outbox_rows["failed"]

    response = admin_client.post(retry_url(failed), {"next": f"{OUTBOX_URL}?state=failed"})

    body = text(response)
    failed.refresh_from_db()
    assert response.status_code == 200
    assert failed.state == State.FAILED
    assert "<h1>Send this email again?</h1>" in body
    assert f'href="{OUTBOX_URL}?state=failed">Keep it as it is<' in body


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("filled", "the role is now filled"),
        ("fell_through", "the placement fell through"),
        ("opted_out", "opted out of email"),
        ("rejected", "the application was rejected"),
        ("moved_on", "a later change in the pipeline overtook it"),
        ("undone", "the move it tells of was undone"),
    ],
)
def test_retry_is_refused_when_what_the_email_says_is_no_longer_true(
    admin_client, recruiter, change, reason
):
    application = ApplicationFactory(stage="screened")
    candidate = application.candidate
    requisition = application.requisition
    before = application.stage_changed_at
    if change in ("filled", "rejected", "opted_out", "moved_on", "undone"):
        moved = candidate_services.application_move(
            application=application, stage="submitted", by=recruiter
        )
        cancelled = FollowUp.objects.get(candidate=candidate, channel="email")
    if change == "filled":
        cancelled = FollowUpFactory(
            audience="hiring_leader",
            candidate=None,
            hiring_leader=requisition.hiring_leader,
            requisition=requisition,
            recruiter=recruiter,
            cadence_step=Cadence.objects.get(trigger="requisition_open_weekly").steps.get(),
            state="cancelled",
        )
        requisition_services.requisition_fill(requisition=requisition, by=recruiter)
    elif change == "rejected":
        candidate_services.application_close(
            application=application, outcome="rejected", reason="Not a fit", by=recruiter
        )
    elif change == "opted_out":
        followup_services.person_opt_out(person=candidate)
    elif change == "moved_on":
        candidate_services.application_move(
            application=application, stage="interviewing", by=recruiter
        )
    elif change == "undone":
        candidate_services.application_move_undo(
            stage_change=moved.stage_changes.get(), stage_changed_before=before, by=recruiter
        )
    elif change == "fell_through":
        placement = candidate_services.placement_record(
            application=application, start_date=timezone.localdate(), by=recruiter
        )
        cancelled = FollowUp.objects.filter(placement=placement, audience="new_hire").first()
        candidate_services.placement_fall_through(
            placement=placement, reason="Took a counter-offer", by=recruiter
        )
    cancelled.refresh_from_db()
    assert cancelled.state == State.CANCELLED
    listed = text(admin_client.get(OUTBOX_URL, {"state": "cancelled"}))
    row = listed.split(f'<tr id="followup-{cancelled.pk}">')[1].split("</tr>")[0]
    assert "Can\u2019t retry: " in row
    assert reason in row
    assert f'id="retry-{cancelled.pk}"' not in row

    asked = admin_client.post(retry_url(cancelled), {"next": OUTBOX_URL}, **HTMX)
    forced = admin_client.post(retry_url(cancelled), {"next": OUTBOX_URL, "confirmed": "yes"})

    cancelled.refresh_from_db()
    assert cancelled.state == State.CANCELLED
    assert "Not retried: " in text(asked)
    assert reason in text(asked)
    assert "Yes, send it now" not in text(asked)
    assert reason in text(admin_client.get(forced.url))


def test_retry_over_htmx_reschedules_the_email_and_swaps_the_row(
    admin_client, outbox_rows, candidate
):
    failed = outbox_rows["failed"]

    response = admin_client.post(
        retry_url(failed),
        {"next": f"{OUTBOX_URL}?state=failed", "confirmed": "yes"},
        **HTMX,
    )

    body = text(response)
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.SCHEDULED, 0)
    assert failed.due_at <= timezone.now()
    assert body.lstrip().startswith(f'<tr id="followup-{failed.pk}">')
    assert 'badge--state-scheduled">Scheduled<' in body
    assert ">Cancel<" in body
    assert f"Retrying the email “{failed.template.name}” to {candidate.name}" in body
    assert 'id="outbox-counts"' in body  # the counts follow
    assert 'stat__value">0</span> <span class="stat__label">Failed' in body
    assert f'name="next" value="{OUTBOX_URL}?state=failed"' in body


def test_cancel_over_htmx_cancels_a_scheduled_one(admin_client, outbox_rows, candidate):
    later = outbox_rows["later"]

    response = admin_client.post(cancel_url(later), **HTMX)

    later.refresh_from_db()
    assert later.state == State.CANCELLED
    assert f"Cancelled the email “{later.template.name}” to {candidate.name}." in text(response)
    assert ">Retry<" in text(response)  # a cancelled email can still go after all


def test_cancelling_a_task_says_whose_queue_it_leaves(admin_client, outbox_rows, candidate):
    response = admin_client.post(cancel_url(outbox_rows["task"]), **HTMX)

    assert (
        f"Cancelled the task “Call Ada about her first week” for {candidate.owner.name}."
    ) in text(response)


def test_buttons_work_as_plain_forms_too(admin_client, outbox_rows):
    back = f"{OUTBOX_URL}?state=failed"

    response = admin_client.post(
        retry_url(outbox_rows["failed"]), {"next": back, "confirmed": "yes"}
    )
    after = admin_client.get(response.url)

    assert response.url == back
    assert "Retrying" in text(after)


@pytest.mark.parametrize(
    ("action", "row", "message"),
    [
        ("retry", "sent", "Not retried: only failed or cancelled emails can be retried."),
        ("retry", "task", "Not retried: only failed or cancelled emails can be retried."),
        ("cancel", "sent", "This follow-up is sent; only scheduled ones can be cancelled."),
        ("cancel", "failed", "This follow-up is failed; only scheduled ones can be cancelled."),
    ],
)
def test_a_button_that_no_longer_applies_is_explained_not_a_500(
    admin_client, outbox_rows, action, row, message
):
    followup = outbox_rows[row]
    url = retry_url(followup) if action == "retry" else cancel_url(followup)

    htmx = admin_client.post(url, **HTMX)
    plain = admin_client.post(url)

    assert htmx.status_code == 200
    assert message in text(htmx)
    assert 'class="message message--error"' in text(htmx)
    assert plain.status_code == 302
    assert message in text(admin_client.get(plain.url))
    assert FollowUp.objects.get(pk=followup.pk).state == followup.state


# ---------- the services behind the pages ----------


def test_a_template_save_is_refused_field_by_field_and_writes_nothing(admin_user):
    template = day30_new_hire().template
    before = (template.subject, template.body)

    with pytest.raises(ValidationError) as refused:
        services.message_template_save(
            template=template,
            name="Fine name",
            subject="Hi {{ recipient.nickname }}",
            body="{% if %}",
            by=admin_user,
        )

    template.refresh_from_db()
    assert set(refused.value.message_dict) == {"subject", "body"}
    assert (template.subject, template.body) == before


def test_switching_a_cadence_off_reports_what_it_cancelled_and_on_again_restores_nothing(
    admin_user,
):
    cadence = checkins()
    pending = FollowUpFactory(cadence_step=day30_new_hire())

    assert services.cadence_set_enabled(cadence=cadence, enabled=False, by=admin_user) == 1
    assert services.cadence_set_enabled(cadence=cadence, enabled=False, by=admin_user) == 0
    assert services.cadence_set_enabled(cadence=cadence, enabled=True, by=admin_user) == 0
    pending.refresh_from_db()
    assert pending.state == State.CANCELLED
    assert pending.note == f"Cadence “Post-hire check-ins” switched off by {admin_user}"


def test_a_step_of_another_cadence_cannot_be_saved_through_this_one(admin_user):
    step = day30_new_hire()

    with pytest.raises(ValidationError):
        services.cadence_step_save(
            cadence=CadenceFactory(trigger="placement_started"),
            step=step,
            offset_days=1,
            send_time=None,
            audience="new_hire",
            channel="email",
            template=step.template,
            task_if_opted_out=False,
            by=admin_user,
        )


# ---------- emails and tasks keep to their own kind ----------


def test_a_step_cannot_send_a_task_template_as_an_email(admin_client):
    cadence = checkins()
    task_template = MessageTemplate.objects.get(kind="task")

    response = admin_client.post(
        reverse("followups:step_add", args=[cadence.pk]),
        step_data(prefix="new", offset_days="7", audience="new_hire", template=task_template.pk),
        **HTMX,
    )

    assert "is written as a task for the recruiter, not as an email" in text(response)
    assert not cadence.steps.filter(offset_days=7).exists()


def test_a_step_cannot_make_a_task_of_an_email_template(admin_client):
    step = day30_new_hire()

    response = admin_client.post(
        step_url("edit", step), step_data(step, audience="recruiter", channel="task"), **HTMX
    )

    assert "is an email written to a person, not a task" in text(response)
    step.refresh_from_db()
    assert step.channel == "email"


def test_the_add_step_form_starts_from_a_template_that_matches_its_channel(admin_client):
    body = text(admin_client.get(cadence_url(checkins())))

    form = body.split('id="add-step"')[1]
    select = form.split('name="new-template"')[1].split("</select>")[0]
    assert '<optgroup label="Emails to a person">' in select
    assert '<optgroup label="Tasks for the recruiter">' in select
    selected = select.split(" selected>")[0].rsplit('value="', 1)[1].split('"')[0]
    assert MessageTemplate.objects.get(pk=selected).kind == "email"
    assert 'name="new-channel"' in form
    assert '<option value="email" selected>' in form


def test_a_template_used_as_an_email_cannot_be_turned_into_a_task(admin_client):
    template = day30_new_hire().template

    response = admin_client.post(
        template_url(template),
        {"name": template.name, "kind": "task", "subject": template.subject, "body": "x"},
    )

    assert "Cadence steps send this template as: email" in text(response)
    template.refresh_from_db()
    assert template.kind == "email"


# ---------- each email is written for someone ----------

LEADER_RESET = "Expectation reset: slower than I estimated (to the hiring leader)"


def test_the_shipped_emails_say_whom_they_are_written_for():
    written_for = dict(
        MessageTemplate.objects.filter(kind="email").values_list("name", "written_for")
    )

    assert written_for["Expectation reset: not selected"] == "candidates"
    assert written_for["Expectation reset: slower than we estimated"] == "candidates"
    assert written_for[LEADER_RESET] == "hiring_leaders"
    # The others by the cadence steps that send them: the 30-day check-in to the new hire.
    assert written_for[day30_new_hire().template.name] == "candidates"
    tasks = MessageTemplate.objects.filter(kind="task")
    assert set(tasks.values_list("written_for", flat=True)) == {""}


def test_a_step_cannot_send_a_leaders_email_to_a_candidate(admin_client):
    cadence = checkins()
    leader_reset = MessageTemplate.objects.get(name=LEADER_RESET)

    response = admin_client.post(
        reverse("followups:step_add", args=[cadence.pk]),
        step_data(prefix="new", offset_days="7", audience="new_hire", template=leader_reset.pk),
        **HTMX,
    )

    assert (
        f"“{LEADER_RESET}” is written for hiring leaders: choose a template for the new hire, "
        "or change whom it is written for."
    ) in text(response)
    assert not cadence.steps.filter(offset_days=7).exists()


def test_an_email_a_step_sends_to_new_hires_cannot_be_marked_for_leaders(admin_client):
    template = day30_new_hire().template
    typed = {"name": template.name, "kind": "email", "subject": template.subject}

    response = admin_client.post(
        template_url(template), typed | {"body": template.body, "written_for": "hiring_leaders"}
    )

    assert "Cadence steps send this template to the new hire. Change those steps first." in (
        text(response)
    )
    template.refresh_from_db()
    assert template.written_for == "candidates"


def test_whom_an_email_is_written_for_is_saved_and_listed(admin_client):
    response = admin_client.post(
        reverse("followups:template_create"),
        {
            "name": "Interview loop booked",
            "kind": "email",
            "written_for": "hiring_leaders",
            "subject": "Interviews booked",
            "body": "Hi {{ recipient.first_name }}, the loop is booked.",
        },
    )

    created = MessageTemplate.objects.get(name="Interview loop booked")
    assert created.written_for == "hiring_leaders"
    editor = text(admin_client.get(response.url))
    assert re.search(r'name="written_for" value="hiring_leaders"[^>]*checked', editor)
    row = text(admin_client.get(reverse("followups:template_list"))).split(
        ">Interview loop booked</a>"
    )[1]
    assert '<td data-label="Written for" class="nowrap">Hiring leaders</td>' in row


def test_a_task_is_written_for_the_recruiter(admin_client):
    typed = {
        "name": "Call the leader",
        "kind": "task",
        "subject": "Call {{ recipient.first_name }}",
        "body": "Ask about the loop.",
    }

    refused = admin_client.post(
        reverse("followups:template_create"), typed | {"written_for": "candidates"}
    )
    created = admin_client.post(reverse("followups:template_create"), typed)

    assert "A task is written to the recruiter: leave this at “Anyone”." in text(refused)
    task = MessageTemplate.objects.get(name="Call the leader")
    assert task.written_for == ""
    assert created.url == template_url(task)
    listed = text(admin_client.get(reverse("followups:template_list")))
    row = listed.split(">Call the leader</a>")[1]
    assert '<td data-label="Written for" class="nowrap">The recruiter (a task)</td>' in row
    saved = admin_client.post(template_url(task), typed | {"body": "Ask about the panel."})
    assert "Saved “Call the leader”. Tasks created from now on use this text." in text(
        admin_client.get(saved.url)
    )


@pytest.mark.parametrize(
    "body",
    [
        "{% if recipient.name %}" * 473 + "deep" + "{% endif %}" * 473,
        "{% if " + " or ".join(["a"] * 3000) + " %}long{% endif %}",
    ],
    ids=["473-nested-ifs", "3000-conditions"],
)
def test_a_template_too_deep_to_read_is_a_form_error_not_a_crash(admin_client, body):
    response = admin_client.post(
        reverse("followups:template_create"),
        {"name": "Deep", "kind": "email", "subject": "Hi", "body": body},
    )
    preview = admin_client.post(PREVIEW_URL, {"subject": "Hi", "body": body}, **HTMX)

    assert response.status_code == 200
    assert "Nothing was saved" in text(response)
    assert "nested" in text(response)
    assert preview.status_code == 200
    assert "nested" in text(preview)
    assert not MessageTemplate.objects.filter(name="Deep").exists()


def test_a_search_by_first_and_last_name_finds_the_person(admin_client, outbox_rows):
    body = text(admin_client.get(OUTBOX_URL, {"q": "dana oka"}, **HTMX))

    assert listed(body) == [outbox_rows["sent"].pk]


def test_a_search_matching_too_many_people_says_to_type_more(
    admin_client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(outbox_selectors, "OUTBOX_SEARCH_PEOPLE", 2)
    for n in range(4):
        FollowUpFactory(candidate=CandidateFactory(first_name=f"Ann{n}", last_name="Lee"))

    with django_assert_max_num_queries(OUTBOX_QUERIES + 2):  # the candidates, the leaders
        body = text(admin_client.get(OUTBOX_URL, {"q": "ann"}))
    narrowed = text(admin_client.get(OUTBOX_URL, {"q": "ann3"}, **HTMX))

    assert len(listed(body)) == 2
    assert "type more of the name to narrow it" in body
    assert len(listed(narrowed)) == 1
    assert "type more" not in narrowed


def test_what_people_typed_is_escaped_in_the_outbox_rows(admin_client):
    """The rows are written with autoescaping off for speed: each typed value is escaped by
    hand, and a missing |e shows here."""
    typed = '<b id="x">&'
    who = CandidateFactory(first_name=typed, last_name=typed, email="a&b@example.com")
    template = MessageTemplateFactory(name=typed)
    step = CadenceStepFactory(cadence=CadenceFactory(name=typed), offset_days=3)
    FollowUpFactory(candidate=who, template=template, state=State.FAILED, last_error=typed)
    FollowUpFactory(
        candidate=who,
        template=template,
        state=State.SCHEDULED,
        cadence_step=step,
        note=typed,
        last_error=typed,
    )
    FollowUpFactory(
        candidate=who,
        channel="task",
        audience="recruiter",
        template=None,
        task_title=typed,
        state=State.SCHEDULED,
    )

    body = text(admin_client.get(OUTBOX_URL))

    assert typed not in body
    assert '<b id="x">' not in body
    assert "&lt;b id=&#34;x&#34;&gt;&amp; &lt;b id=&#34;x&#34;&gt;&amp;" in body  # the name
    assert "a&amp;b@example.com" in body
    assert "Error:</strong> &lt;b id=&#34;x&#34;&gt;&amp;" in body
    assert "Last attempt failed: &lt;b" in body
    assert "&lt;b id=&#34;x&#34;&gt;&amp; · day 3" in body  # the cadence
