import datetime

import factory

from followups.models import Cadence, CadenceStep, FollowUp, MessageTemplate
from tests.candidates.factories import CandidateFactory


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "About {{ requisition.title }}"
    body = "Hi {{ recipient.first_name }}, news about {{ requisition.title }}."


class CadenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadence

    name = factory.Sequence(lambda n: f"Cadence {n}")
    trigger = "application_closed"


class CadenceStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CadenceStep

    cadence = factory.SubFactory(CadenceFactory)
    audience = "candidate"
    channel = "email"
    # An email step sends an email template, a task step a task template.
    template = factory.SubFactory(MessageTemplateFactory, kind=factory.SelfAttribute("..channel"))


def cadence_with_step(trigger, **step):
    """A one-step cadence for a trigger (the shipped defaults cover only some triggers)."""
    extra = {}
    if trigger == "requisition_open_weekly":
        extra["weekday"] = 0
    if trigger == "candidate_untouched":
        extra["quiet_days"] = 7
    cadence = CadenceFactory(trigger=trigger, **extra)
    return CadenceStepFactory(cadence=cadence, **step)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    key = factory.Sequence(lambda n: f"test:{n}")
    audience = "candidate"
    channel = "email"
    template = factory.SubFactory(MessageTemplateFactory)
    candidate = factory.SubFactory(CandidateFactory)
    recruiter = factory.SelfAttribute("candidate.owner")
    due_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    )
