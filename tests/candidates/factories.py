import datetime

import factory
from django.utils import timezone

from candidates.models import Activity, Application, Candidate, Commitment, Placement, Tag
from tests.hiring_leaders.factories import RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"candidate{n}@mail.example")
    phone = factory.Sequence(lambda n: f"+1 555 01{n:05d}")
    phone_digits = factory.LazyAttribute(lambda c: "".join(ch for ch in c.phone if ch.isdigit()))
    source = Candidate.Source.LINKEDIN
    owner = factory.SubFactory(RecruiterFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    candidate = factory.SubFactory(CandidateFactory)
    requisition = factory.SubFactory(RequisitionFactory)
    stage = Application.Stage.SOURCED
    candidate_last_name = factory.SelfAttribute("candidate.last_name")
    candidate_first_name = factory.SelfAttribute("candidate.first_name")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = Activity.Kind.CALL
    candidate = factory.SubFactory(CandidateFactory)
    summary = factory.Faker("sentence", nb_words=6)
    occurred_at = factory.LazyFunction(timezone.now)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    recruiter = factory.SubFactory(RecruiterFactory)
    candidate = factory.SubFactory(CandidateFactory)
    description = "Send interview feedback"
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    application = factory.SubFactory(
        ApplicationFactory,
        stage=Application.Stage.HIRED,
        hired_at=factory.LazyFunction(timezone.now),
    )
    start_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag-{n}")
