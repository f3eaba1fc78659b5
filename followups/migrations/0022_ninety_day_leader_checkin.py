"""The 90-day check-in to the hiring leader asks a second question: has the hire solved the
problem stated at intake? Its email said "One question, one minute", which would no longer be
true, so the 90-day leader step gets a message of its own that says what the page asks.

Only the shipped cadence's step is moved, and only while it still sends the shipped template;
check-ins already scheduled for that step move with it, so every 90-day email says the same.
"""

from django.db import migrations

SHIPPED = "Post-hire check-in (hiring leader)"
NINETY_DAYS = (
    "Post-hire check-in at 90 days (hiring leader)",
    "{{ candidate.first_name }} at 90 days: has the hire solved the problem?",
    """Hi {{ recipient.first_name }},

{{ candidate.name }} started as {{ requisition.title }} about {{ placement.days_since_start }} days ago. Two questions: how are they settling in, and has the hire solved the problem you were hiring for when we started the search?

Two questions, two minutes: {{ checkin_link }}

Your answer goes to me and my recruiting colleagues, not to {{ candidate.first_name }}. If there is anything I can help with, reply to this email.

{{ recruiter.first_name }}""",
)


def _ninety_day_steps(apps):
    CadenceStep = apps.get_model("followups", "CadenceStep")
    return CadenceStep.objects.filter(
        cadence__trigger="placement_started",
        audience="hiring_leader",
        offset_days=90,
    )


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    FollowUp = apps.get_model("followups", "FollowUp")
    steps = _ninety_day_steps(apps).filter(template__name=SHIPPED)
    if not steps.exists():
        return
    name, subject, body = NINETY_DAYS
    ninety, _ = MessageTemplate.objects.get_or_create(
        name=name, defaults={"subject": subject, "body": body, "kind": "email"}
    )
    step_ids = list(steps.values_list("pk", flat=True))
    FollowUp.objects.filter(
        cadence_step_id__in=step_ids, state="scheduled", template__name=SHIPPED
    ).update(template=ninety)
    steps.update(template=ninety)


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    FollowUp = apps.get_model("followups", "FollowUp")
    shipped = MessageTemplate.objects.filter(name=SHIPPED).first()
    if shipped is None:
        return
    steps = _ninety_day_steps(apps).filter(template__name=NINETY_DAYS[0])
    step_ids = list(steps.values_list("pk", flat=True))
    FollowUp.objects.filter(cadence_step_id__in=step_ids, state="scheduled").update(
        template=shipped
    )
    steps.update(template=shipped)


class Migration(migrations.Migration):
    dependencies = [("followups", "0021_panel_email_scorecard_link")]

    operations = [migrations.RunPython(forward, backward)]
