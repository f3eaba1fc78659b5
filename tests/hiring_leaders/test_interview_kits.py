"""Generating the interview kit from the intake, and the recruiter's edits to it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates.models import ScorecardRating
from hiring_leaders import interview_kits as kits
from hiring_leaders.models import IntakeVersion, InterviewKit, PanelMember
from tests.hiring_leaders.kit_factories import IntakeFactory, ScorecardFactory

pytestmark = pytest.mark.django_db


def _generate(requisition, recruiter):
    changes = kits.interview_kit_generate(requisition=requisition, by=recruiter)
    return InterviewKit.objects.get(requisition=requisition), changes


def test_it_makes_one_criterion_per_must_have_with_two_questions_each(requisition, recruiter):
    IntakeFactory(requisition=requisition)
    kit, changes = _generate(requisition, recruiter)
    criteria = list(kit.criteria.order_by("position"))
    assert [c.name for c in criteria] == [
        "Has run PostgreSQL in production",
        "Mentors junior engineers",
        "Writes clearly",
    ]
    for criterion in criteria:
        questions = [q.text for q in criterion.questions.order_by("position")]
        assert len(questions) == 2
        assert all(f"“{criterion.name}”" in q for q in questions)
        assert f"“{criterion.name}”" in criterion.what_good_looks_like
    # Neighbouring criteria do not get the same two sentences.
    first, second = (list(c.questions.values_list("text", flat=True)) for c in criteria[:2])
    assert first[0].replace(criteria[0].name, "X") != second[0].replace(criteria[1].name, "X")
    assert changes.created
    assert "3 criteria" in changes.message()


def test_it_builds_three_rounds_with_the_leader_and_the_intake_panel(requisition, recruiter):
    IntakeFactory(
        requisition=requisition,
        interview_panel="Priya Shah <priya@client.example>\nSam from the platform team",
    )
    kit, changes = _generate(requisition, recruiter)
    rounds = list(kit.rounds.order_by("position"))
    assert [(r.name, r.minutes) for r in rounds] == [
        ("Recruiter screen", 30),
        ("Hiring leader interview", 45),
        ("Panel / technical interview", 60),
    ]
    leader = requisition.hiring_leader
    assert [m.email for m in rounds[1].interviewers.all()] == [leader.email]
    assert [m.email for m in rounds[2].interviewers.all()] == ["priya@client.example"]
    # The screen checks the first half of the must-haves; the later rounds cover all.
    assert [c.name for c in rounds[0].criteria.all()] == [
        "Has run PostgreSQL in production",
        "Mentors junior engineers",
    ]
    assert not rounds[1].criteria.exists()
    member = PanelMember.objects.get(email=leader.email)
    assert member.hiring_leader == leader
    assert PanelMember.objects.get(email="priya@client.example").name == "Priya Shah"
    assert "Sam from the platform team" in changes.message()


def test_it_records_the_intake_version_it_was_generated_from(requisition, recruiter):
    intake = IntakeFactory(requisition=requisition)
    version = IntakeVersion.objects.create(
        intake=intake, number=2, answers={}, changed_at=timezone.now()
    )
    IntakeVersion.objects.create(intake=intake, number=1, answers={}, changed_at=timezone.now())
    kit, _ = _generate(requisition, recruiter)
    assert kit.generated_from == version


def test_regenerating_keeps_edits_to_criteria_still_in_the_intake(requisition, recruiter):
    intake = IntakeFactory(requisition=requisition)
    kit, _ = _generate(requisition, recruiter)
    mentoring = kit.criteria.get(name="Mentors junior engineers")
    kits.kit_criterion_save(
        kit=kit,
        criterion=mentoring,
        name="Mentors junior engineers",
        what_good_looks_like="Names someone they grew, and how.",
    )
    kits.kit_question_save(criterion=mentoring, text="Who did you last mentor?")
    intake.must_haves = "mentors JUNIOR engineers\nShips small changes often\nWrites clearly"
    intake.save()

    changes = kits.interview_kit_generate(requisition=requisition, by=recruiter)

    names = list(kit.criteria.order_by("position").values_list("name", flat=True))
    assert names == ["Mentors junior engineers", "Ships small changes often", "Writes clearly"]
    kept = kit.criteria.get(name="Mentors junior engineers")
    assert kept.pk == mentoring.pk
    assert kept.what_good_looks_like == "Names someone they grew, and how."
    assert "Who did you last mentor?" in kept.questions.values_list("text", flat=True)
    assert changes.added == ["Ships small changes often"]
    assert changes.removed == ["Has run PostgreSQL in production"]
    message = changes.message()
    assert "Added: Ships small changes often." in message
    assert "Removed (no longer a must-have): Has run PostgreSQL in production." in message
    # Rounds the recruiter may have edited are left alone.
    assert kit.rounds.count() == 3


def test_regenerating_keeps_a_dropped_criterion_that_scorecards_rate(requisition, recruiter):
    intake = IntakeFactory(requisition=requisition)
    kit, _ = _generate(requisition, recruiter)
    postgres = kit.criteria.get(name="Has run PostgreSQL in production")
    card = ScorecardFactory(interviewer__requisition=requisition)
    ScorecardRating.objects.create(scorecard=card, criterion=postgres, rating=3)
    intake.must_haves = "Writes clearly"
    intake.save()

    changes = kits.interview_kit_generate(requisition=requisition, by=recruiter)

    assert kit.criteria.filter(pk=postgres.pk).exists()
    assert changes.kept_rated == ["Has run PostgreSQL in production"]
    assert "because scorecards rate them" in changes.message()


def test_without_must_haves_it_says_what_to_do_first(requisition, recruiter):
    with pytest.raises(ValidationError, match="no must-haves"):
        kits.interview_kit_generate(requisition=requisition, by=recruiter)
    IntakeFactory(requisition=requisition, must_haves="  \n")
    with pytest.raises(ValidationError, match="no must-haves"):
        kits.interview_kit_generate(requisition=requisition, by=recruiter)
    assert not InterviewKit.objects.exists()


def test_moving_and_removing_questions_and_criteria(requisition, recruiter):
    IntakeFactory(requisition=requisition)
    kit, _ = _generate(requisition, recruiter)
    first, second, third = kit.criteria.order_by("position")
    kits.kit_criterion_move(criterion=third, direction="up")
    assert list(kit.criteria.order_by("position")) == [first, third, second]
    kits.kit_criterion_move(criterion=first, direction="up")  # already first: stays
    assert list(kit.criteria.order_by("position")) == [first, third, second]

    q1, q2 = first.questions.order_by("position")
    kits.kit_question_move(question=q2, direction="up")
    assert list(first.questions.order_by("position")) == [q2, q1]
    kits.kit_question_remove(question=q1)
    assert list(first.questions.all()) == [q2]

    kits.kit_criterion_remove(criterion=second)
    assert kit.criteria.count() == 2


def test_a_criterion_name_is_unique_in_its_kit(requisition, recruiter):
    IntakeFactory(requisition=requisition)
    kit, _ = _generate(requisition, recruiter)
    with pytest.raises(ValidationError) as refused:
        kits.kit_criterion_save(kit=kit, name="writes  clearly", what_good_looks_like="")
    assert "already has a criterion" in str(refused.value)


def test_panel_email_is_unique_per_requisition(requisition):
    kits.panel_member_save(requisition=requisition, name="Ana", email="ana@client.example")
    with pytest.raises(ValidationError, match="already on this panel"):
        kits.panel_member_save(requisition=requisition, name="Ana B", email="ANA@client.example")


def test_sharing_and_unsharing_with_the_leader(requisition, recruiter):
    IntakeFactory(requisition=requisition)
    kit, _ = _generate(requisition, recruiter)
    kits.interview_kit_share(kit=kit)
    assert kit.shared_with_leader_at is not None
    kits.interview_kit_share(kit=kit, share=False)
    assert kit.shared_with_leader_at is None
