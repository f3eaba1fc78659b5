"""Factories for interview kits, interviews and scorecards (issue 9)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from candidates.models import Interview, Scorecard
from hiring_leaders.models import Intake, InterviewKit, KitCriterion, KitRound, PanelMember
from tests.candidates.factories import ApplicationFactory
from tests.hiring_leaders.factories import RequisitionFactory

MUST_HAVES = "Has run PostgreSQL in production\nMentors junior engineers\nWrites clearly"


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    requisition = factory.SubFactory(RequisitionFactory)
    why_open = Intake.WhyOpen.GROWTH
    must_haves = MUST_HAVES


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMember

    requisition = factory.SubFactory(RequisitionFactory)
    name = factory.Sequence(lambda n: f"Interviewer {n}")
    email = factory.Sequence(lambda n: f"interviewer{n}@client.example")


class InterviewKitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewKit

    requisition = factory.SubFactory(RequisitionFactory)


class KitCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KitCriterion

    kit = factory.SubFactory(InterviewKitFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Criterion {n}")


class KitRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KitRound

    kit = factory.SubFactory(InterviewKitFactory)
    position = factory.Sequence(lambda n: n)
    name = "Hiring leader interview"
    minutes = 45


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    application = factory.SubFactory(ApplicationFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))


class ScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scorecard

    interview = factory.SubFactory(InterviewFactory)
    interviewer = factory.SubFactory(PanelMemberFactory)
