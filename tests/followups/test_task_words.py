"""A task's words in the queue: plain subjects are filled in directly, and say exactly what the
template engine would say, for every template RecruitCRM ships and every shape of task."""

from __future__ import annotations

import pytest

from followups import composing
from followups.messages import TemplateProblem, render_subject
from followups.models import FollowUp, MessageTemplate
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db


def _shapes():
    """Tasks about a candidate in a role, a candidate alone, a leader's role, and nobody."""
    application = ApplicationFactory(
        candidate__first_name="Ada",
        candidate__last_name="Lovelace",
        stage="screened",
        requisition__location="Lisbon",
        requisition__status_reason="Budget review",
    )
    requisition = application.requisition
    candidate = application.candidate
    recruiter = candidate.owner
    leader = HiringLeaderFactory(first_name="Grace", last_name="Hopper")
    facts = {"stage": "Interviewing", "previous_stage": "Screened", "status_reason": "Frozen"}
    return [
        FollowUp(
            candidate=candidate,
            requisition=requisition,
            application=application,
            recruiter=recruiter,
            facts=facts,
        ),
        FollowUp(
            candidate=candidate,
            requisition=requisition,
            application=application,
            recruiter=recruiter,
        ),
        FollowUp(
            candidate=CandidateFactory.build(first_name="Bo", last_name="Li"), recruiter=recruiter
        ),
        FollowUp(
            hiring_leader=leader,
            requisition=RequisitionFactory(hiring_leader=leader, title="Data Lead"),
            recruiter=recruiter,
        ),
        FollowUp(recruiter=recruiter),
    ]


def _engine_words(followup: FollowUp) -> str:
    """What the template engine writes for the task's model, with the context task_words gave
    it when it read the model itself (before it read plain values)."""
    about = followup.candidate or followup.hiring_leader
    recruiter = followup.recruiter
    context = {
        "recipient": {"first_name": about.first_name, "name": about.name} if about else {},
        "recruiter": {
            "first_name": recruiter.first_name,
            "name": recruiter.name,
            "email": recruiter.email,
        },
    }
    if followup.candidate:
        context["candidate"] = {
            "first_name": followup.candidate.first_name,
            "last_name": followup.candidate.last_name,
            "name": followup.candidate.name,
        }
    if followup.requisition:
        context |= composing._requisition_context(followup.requisition, facts=followup.facts)
    if followup.application:
        context["application"] = {
            "stage": followup.facts.get("stage") or followup.application.get_stage_display(),
            "previous_stage": followup.facts.get("previous_stage", ""),
        }
    try:
        return render_subject(subject=followup.template.subject, context=context)
    except TemplateProblem:
        return followup.template.name


def _words(followup: FollowUp) -> str:
    return composing.task_words(composing.TaskAbout.of(followup))


def test_every_shipped_subject_reads_the_same_as_the_template_engine_writes_it():
    shipped = list(MessageTemplate.objects.order_by("pk"))
    assert len(shipped) >= 10  # the data migrations' templates are in the test database
    plain = [t for t in shipped if composing._plain_subject(t.subject) is not None]
    assert plain, "no shipped subject takes the direct path: this test would prove nothing"
    for template in shipped:
        for followup in _shapes():
            followup.template = template
            assert _words(followup) == _engine_words(followup), template.subject


@pytest.mark.parametrize(
    "subject",
    [
        "Call {{ recipient.first_name }} on {{ requisition.title }} ({{ requisition.location }})",
        "  {{candidate.name}}\n at {{ application.stage }} from {{ application.previous_stage }} ",
        "{{ requisition.status }}: {{ requisition.status_reason }} for {{ recipient.name }}",
        "{{ recruiter.first_name }} {{ recruiter.name }} <{{ recruiter.email }}> & "
        "{{ candidate.last_name }}",
        "Nothing to fill in",
        "",
    ],
)
def test_a_plain_subject_is_filled_in_without_the_engine(subject, monkeypatch):
    expected = {}
    template = MessageTemplate(name="Plain", subject=subject, body="")
    shapes = _shapes()
    for i, followup in enumerate(shapes):
        followup.template = template
        expected[i] = _engine_words(followup)
    monkeypatch.setattr(composing, "_task_words_rendered", pytest.fail)
    for i, followup in enumerate(shapes):
        assert _words(followup) == expected[i]


@pytest.mark.parametrize(
    "subject",
    [
        "{{ company.name }} wants news",
        "{{ hiring_leader.first_name }} is waiting",
        "{{ candidate.name|upper }}",
        "{% if candidate %}{{ candidate.name }}{% endif %}",
        "{# a note #}{{ candidate.name }}",
        "{{ pipeline.active }} in the pipeline",
        "{{ placement.days_since_start }} days in",
    ],
)
def test_anything_else_is_left_to_the_engine_and_reads_the_same(subject):
    assert composing._plain_subject(subject) is None
    template = MessageTemplate(name="Rich", subject=subject, body="")
    for followup in _shapes():
        followup.template = template
        assert _words(followup) == _engine_words(followup)


def test_a_value_the_engine_writes_as_a_word_is_left_to_it():
    followup = _shapes()[0]
    followup.facts = {"previous_stage": None}
    followup.template = MessageTemplate(name="T", subject="from {{ application.previous_stage }}")
    assert _words(followup) == "from None" == _engine_words(followup)


def test_a_broken_subject_shows_the_templates_name_and_a_task_title_wins():
    followup = _shapes()[0]
    followup.template = MessageTemplate(name="Broken one", subject="{{ candidate.salary }}")
    assert _words(followup) == "Broken one"
    followup.task_title = "Call Ada back"
    assert _words(followup) == "Call Ada back"
