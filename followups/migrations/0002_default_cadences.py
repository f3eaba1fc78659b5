"""The cadences RecruitCRM ships with. Admins edit or switch them off afterwards."""

import datetime

from django.db import migrations

CHECKIN_NEW_HIRE = (
    "Post-hire check-in (new hire)",
    "How are your first {{ placement.days_since_start }} days at {{ company.name }}?",
    """Hi {{ recipient.first_name }},

It's been about {{ placement.days_since_start }} days since you started as {{ requisition.title }} at {{ company.name }}. How is it going?

It takes a minute to answer, and only I see it: {{ checkin_link }}

If anything is getting in the way, tell me there or just reply to this email.

{{ recruiter.first_name }}""",
)
CHECKIN_LEADER = (
    "Post-hire check-in (hiring leader)",
    "How is {{ candidate.first_name }} settling in?",
    """Hi {{ recipient.first_name }},

{{ candidate.name }} started as {{ requisition.title }} about {{ placement.days_since_start }} days ago. How are they settling in?

One question, one minute: {{ checkin_link }}

If there is anything I can help with on onboarding, reply to this email.

{{ recruiter.first_name }}""",
)
STATUS_UPDATE = (
    "Status update (candidate)",
    "Your application for {{ requisition.title }}: {{ application.stage }}",
    """Hi {{ recipient.first_name }},

A quick update on {{ requisition.title }} at {{ company.name }}: your application has moved to {{ application.stage }}{% if application.previous_stage %} (from {{ application.previous_stage }}){% endif %}.

I'll be in touch with next steps. If anything changes on your side, reply to this email.

{{ recruiter.first_name }}""",
)
ON_HOLD_CANDIDATE = (
    "Requisition on hold (candidate)",
    "{{ requisition.title }}: an honest update",
    """Hi {{ recipient.first_name }},

I want to keep you in the loop: {{ company.name }} has put the {{ requisition.title }} role on hold for now. It isn't about you, and your application stays where it is.

I don't have a date yet. I'll tell you as soon as I hear anything, whichever way it goes. In the meantime, if you want me to keep an eye out for similar roles, reply and say so.

{{ recruiter.first_name }}""",
)
ON_HOLD_LEADER = (
    "Requisition on hold (hiring leader)",
    "{{ requisition.title }} is on hold: what I've told candidates",
    """Hi {{ recipient.first_name }},

As agreed, {{ requisition.title }} is now on hold. I've let the {{ pipeline.active }} candidate(s) in the pipeline know, so nobody is left wondering, and I'm keeping them warm.

When you're ready to pick it back up, tell me and we'll restart where we left off.

{{ recruiter.first_name }}""",
)
WEEKLY_UPDATE = (
    "Weekly progress update (hiring leader)",
    "{{ requisition.title }}: this week's progress",
    """Hi {{ recipient.first_name }},

Where {{ requisition.title }} stands this week:

- {{ pipeline.active }} candidate(s) in the pipeline
- {{ pipeline.submitted }} submitted to you
- {{ pipeline.interviewing }} interviewing
- {{ pipeline.offers }} at offer

Anything you need from me, or feedback I'm waiting on? Reply here.

{{ recruiter.first_name }}""",
)
QUIET_TASK = (
    "Candidate gone quiet (recruiter task)",
    "Get back in touch with {{ candidate.name }} ({{ requisition.title }})",
    """{{ candidate.name }} is in the {{ requisition.title }} pipeline and has heard nothing for a week. A short note resets expectations even when there is no news.""",
)


def create_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    Cadence = apps.get_model("followups", "Cadence")
    CadenceStep = apps.get_model("followups", "CadenceStep")

    def template(spec):
        name, subject, body = spec
        return MessageTemplate.objects.create(name=name, subject=subject, body=body)

    checkin_new_hire = template(CHECKIN_NEW_HIRE)
    checkin_leader = template(CHECKIN_LEADER)
    ten = datetime.time(10, 0)

    checkins = Cadence.objects.create(name="Post-hire check-ins", trigger="placement_started")
    for position, day in enumerate((30, 60, 90)):
        for audience, message in (
            ("new_hire", checkin_new_hire),
            ("hiring_leader", checkin_leader),
        ):
            CadenceStep.objects.create(
                cadence=checkins,
                position=position,
                offset_days=day,
                send_time=ten,
                audience=audience,
                channel="email",
                template=message,
                task_if_opted_out=True,
            )

    status = Cadence.objects.create(
        name="Status update on every stage change", trigger="stage_entered", stage=""
    )
    CadenceStep.objects.create(
        cadence=status, audience="candidate", channel="email", template=template(STATUS_UPDATE)
    )

    on_hold = Cadence.objects.create(
        name="Expectation reset when a requisition goes on hold", trigger="requisition_on_hold"
    )
    CadenceStep.objects.create(
        cadence=on_hold,
        audience="candidate",
        channel="email",
        template=template(ON_HOLD_CANDIDATE),
        task_if_opted_out=True,
    )
    CadenceStep.objects.create(
        cadence=on_hold,
        position=1,
        audience="hiring_leader",
        channel="email",
        template=template(ON_HOLD_LEADER),
    )

    weekly = Cadence.objects.create(
        name="Weekly progress update to the hiring leader",
        trigger="requisition_open_weekly",
        weekday=4,
    )
    CadenceStep.objects.create(
        cadence=weekly,
        audience="hiring_leader",
        channel="email",
        send_time=datetime.time(15, 0),
        template=template(WEEKLY_UPDATE),
        task_if_opted_out=True,
    )

    quiet = Cadence.objects.create(
        name="Nudge when a candidate has heard nothing for 7 days",
        trigger="candidate_untouched",
        quiet_days=7,
    )
    CadenceStep.objects.create(
        cadence=quiet, audience="recruiter", channel="task", template=template(QUIET_TASK)
    )


def remove_defaults(apps, schema_editor):
    apps.get_model("followups", "CadenceStep").objects.all().delete()
    apps.get_model("followups", "Cadence").objects.all().delete()
    apps.get_model("followups", "MessageTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
