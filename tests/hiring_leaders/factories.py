import datetime

import factory
from django.utils import timezone

from hiring_leaders.models import Company, HiringLeader, Requisition, TimeToFillForecast
from tests.recruitcrm.factories import HiringLeaderUserFactory, RecruiterFactory


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    time_zone = "Europe/London"


class HiringLeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HiringLeader

    company = factory.SubFactory(CompanyFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"leader{n}@client.example")
    job_title = "Head of Engineering"


class HiringLeaderWithLoginFactory(HiringLeaderFactory):
    user = factory.SubFactory(HiringLeaderUserFactory)


class RequisitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requisition

    title = factory.Sequence(lambda n: f"Backend Engineer {n}")
    hiring_leader = factory.SubFactory(HiringLeaderFactory)
    company = factory.SelfAttribute("hiring_leader.company")
    recruiter = factory.SubFactory(RecruiterFactory)
    status = Requisition.Status.OPEN
    opened_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=20))


class ForecastRunOutFactory(factory.django.DjangoModelFactory):
    """A time-to-fill forecast made when its role opened, 40 days ago, for 20 to 30 days: run
    out, so the role shows on Today as past its forecast."""

    class Meta:
        model = TimeToFillForecast

    requisition = factory.SubFactory(
        RequisitionFactory,
        opened_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=40)),
    )
    low_days = 20
    high_days = 30
    reason = "Optimistic"
    made_by = factory.SelfAttribute("requisition.recruiter")
    made_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=40))
