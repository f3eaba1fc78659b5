"""A requisition's pipeline stamp (hiring_leaders migration 0006): PostgreSQL moves it on with
every change to the role's pipeline, whichever way it is written, and the progress page and the
weekly digest read the same version from it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from candidates.models import Application
from candidates.pipeline import application_close, application_create, application_move
from followups import digest
from hiring_leaders import progress
from tests.candidates.factories import CandidateFactory
from tests.hiring_leaders.factories import RequisitionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def stamp(requisition) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pipeline_stamp FROM hiring_leaders_requisition WHERE id = %s",
            [requisition.pk],
        )
        return cursor.fetchone()[0]


def test_every_add_move_close_and_removal_moves_the_stamp_on(recruiter, requisition):
    seen = [stamp(requisition)]
    application = application_create(
        candidate=CandidateFactory(owner=recruiter), requisition=requisition, by=recruiter
    )
    seen.append(stamp(requisition))
    application_move(application=application, stage="contacted", by=recruiter)
    seen.append(stamp(requisition))
    application_close(application=application, outcome="rejected", reason="Pay", by=recruiter)
    seen.append(stamp(requisition))
    Application.objects.filter(pk=application.pk).delete()
    seen.append(stamp(requisition))

    assert seen == sorted(set(seen))


def test_a_change_outside_the_pipeline_leaves_the_stamp(recruiter, requisition):
    application = application_create(
        candidate=CandidateFactory(owner=recruiter), requisition=requisition, by=recruiter
    )
    before = stamp(requisition)

    # The candidate's renamed: their applications' copy of the name changes, not the pipeline.
    Application.objects.filter(pk=application.pk).update(candidate_first_name="Renamed")
    # A requisition saved from an instance read before the move writes no old stamp back.
    requisition.title = "Renamed role"
    requisition.save()

    assert stamp(requisition) == before


def test_one_statement_of_many_applications_stamps_each_role_it_touches(recruiter, leader):
    roles = [RequisitionFactory(hiring_leader=leader, recruiter=recruiter) for _ in range(2)]
    untouched = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
    before = [stamp(role) for role in roles]

    Application.objects.bulk_create(
        Application(candidate=CandidateFactory(owner=recruiter), requisition=role)
        for role in roles
        for _ in range(3)
    )

    assert [stamp(role) for role in roles] == [n + 1 for n in before]
    assert stamp(untouched) == 0


def test_the_progress_page_and_the_digest_read_the_same_version(recruiter, leader):
    requisition = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
    application_create(
        candidate=CandidateFactory(owner=recruiter), requisition=requisition, by=recruiter
    )
    now = timezone.now()
    part = progress.part_requisition_for_leader(user=leader.user, pk=requisition.pk)

    standing = progress.requisition_standing(requisition=part, now=now)
    week = digest._read_the_week(leader, now - datetime.timedelta(days=7), now)

    assert standing.version == progress.stamped_version(stamp(requisition))
    assert week.versions == {requisition.pk: standing.version}
