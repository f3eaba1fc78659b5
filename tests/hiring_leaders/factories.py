import datetime

import factory

from hiring_leaders.models import Company, HiringLeader, Requisition
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
