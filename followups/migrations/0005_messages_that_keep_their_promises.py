"""Default messages that say only what the product does, and keep the promises they make.

- Status updates speak the candidate's language, one message per stage (the old "moved to
  Contacted (from Sourced)" cadence goes: deleted on a fresh install, switched off where it has
  already sent mail); the hire is congratulated with their start date.
- The "on hold" message promised news "whichever way it goes": reopening, filling and cancelling
  a role now tell its active candidates. A rejected candidate gets a respectful note two days
  later (never one who withdrew; never anyone still at "sourced", whom we never contacted).
- Check-ins no longer say "only I see it": the recruiting team sees answers, the company does not.
- Templates say whether they are an email to a person or a task for the recruiter.

Templates an admin has edited are left as they are; only the shipped wording is replaced.
"""

import datetime

from django.db import migrations

TEN = datetime.time(10, 0)

# ---- Wording replaced where it is still exactly as shipped --------------------------------

OLD_CHECKIN_NEW_HIRE_BODY = """Hi {{ recipient.first_name }},

It's been about {{ placement.days_since_start }} days since you started as {{ requisition.title }} at {{ company.name }}. How is it going?

It takes a minute to answer, and only I see it: {{ checkin_link }}

If anything is getting in the way, tell me there or just reply to this email.

{{ recruiter.first_name }}"""
CHECKIN_NEW_HIRE_BODY = """Hi {{ recipient.first_name }},

It's been about {{ placement.days_since_start }} days since you started as {{ requisition.title }} at {{ company.name }}. How is it going?

It takes a minute to answer: {{ checkin_link }}

Your answer goes to me and my recruiting colleagues, not to {{ company.name }}. If anything is getting in the way, tell me there or just reply to this email.

{{ recruiter.first_name }}"""

OLD_CHECKIN_LEADER_BODY = """Hi {{ recipient.first_name }},

{{ candidate.name }} started as {{ requisition.title }} about {{ placement.days_since_start }} days ago. How are they settling in?

One question, one minute: {{ checkin_link }}

If there is anything I can help with on onboarding, reply to this email.

{{ recruiter.first_name }}"""
CHECKIN_LEADER_BODY = """Hi {{ recipient.first_name }},

{{ candidate.name }} started as {{ requisition.title }} about {{ placement.days_since_start }} days ago. How are they settling in?

One question, one minute: {{ checkin_link }}

Your answer goes to me and my recruiting colleagues, not to {{ candidate.first_name }}. If there is anything I can help with on onboarding, reply to this email.

{{ recruiter.first_name }}"""

OLD_ON_HOLD_CANDIDATE_BODY = """Hi {{ recipient.first_name }},

I want to keep you in the loop: {{ company.name }} has put the {{ requisition.title }} role on hold for now. It isn't about you, and your application stays where it is.

I don't have a date yet. I'll tell you as soon as I hear anything, whichever way it goes. In the meantime, if you want me to keep an eye out for similar roles, reply and say so.

{{ recruiter.first_name }}"""
ON_HOLD_CANDIDATE_BODY = """Hi {{ recipient.first_name }},

I want to keep you in the loop: {{ company.name }} has put the {{ requisition.title }} role on hold for now.{% if requisition.status_reason %} The reason they gave: {{ requisition.status_reason }}{% endif %}

It isn't about you, and your application stays where it is. I don't have a date yet. I'll tell you as soon as I hear anything, whichever way it goes. In the meantime, if you want me to keep an eye out for similar roles, reply and say so.

{{ recruiter.first_name }}"""

OLD_ON_HOLD_LEADER_BODY = """Hi {{ recipient.first_name }},

As agreed, {{ requisition.title }} is now on hold. I've let the {{ pipeline.active }} candidate(s) in the pipeline know, so nobody is left wondering, and I'm keeping them warm.

When you're ready to pick it back up, tell me and we'll restart where we left off.

{{ recruiter.first_name }}"""
ON_HOLD_LEADER_BODY = """Hi {{ recipient.first_name }},

As agreed, {{ requisition.title }} is now on hold.{% if requisition.status_reason %} What I've told candidates about why: {{ requisition.status_reason }}{% endif %}

Everyone in the pipeline we have already been in touch with hears it from me today, so nobody is left wondering, and I'm keeping them warm.

When you're ready to pick it back up, or if you decide not to go ahead, tell me and I'll let them know.

{{ recruiter.first_name }}"""

OLD_WEEKLY_BODY = """Hi {{ recipient.first_name }},

Where {{ requisition.title }} stands this week:

- {{ pipeline.active }} candidate(s) in the pipeline
- {{ pipeline.submitted }} submitted to you
- {{ pipeline.interviewing }} interviewing
- {{ pipeline.offers }} at offer

Anything you need from me, or feedback I'm waiting on? Reply here.

{{ recruiter.first_name }}"""
WEEKLY_BODY = """Hi {{ recipient.first_name }},

Where {{ requisition.title }} stands this week:

- {{ pipeline.active }} candidate(s) in the pipeline
- {{ pipeline.submitted }} submitted to you
- {{ pipeline.interviewing }} interviewing
- {{ pipeline.offers }} at offer

The whole picture, kept up to date: {{ requisition.progress_link }}

Anything you need from me, or feedback I'm waiting on? Reply here.

{{ recruiter.first_name }}"""

OLD_QUIET_TASK_BODY = """{{ candidate.name }} is in the {{ requisition.title }} pipeline and has heard nothing for a week. A short note resets expectations even when there is no news."""
QUIET_TASK_BODY = """{{ candidate.name }} is in the {{ requisition.title }} pipeline and has not heard from us for a while. A short note or a call resets expectations, even when there is no news."""

REWORDED = {
    "Post-hire check-in (new hire)": (OLD_CHECKIN_NEW_HIRE_BODY, CHECKIN_NEW_HIRE_BODY),
    "Post-hire check-in (hiring leader)": (OLD_CHECKIN_LEADER_BODY, CHECKIN_LEADER_BODY),
    "Requisition on hold (candidate)": (OLD_ON_HOLD_CANDIDATE_BODY, ON_HOLD_CANDIDATE_BODY),
    "Requisition on hold (hiring leader)": (OLD_ON_HOLD_LEADER_BODY, ON_HOLD_LEADER_BODY),
    "Weekly progress update (hiring leader)": (OLD_WEEKLY_BODY, WEEKLY_BODY),
    "Candidate gone quiet (recruiter task)": (OLD_QUIET_TASK_BODY, QUIET_TASK_BODY),
}

# ---- New messages ----------------------------------------------------------------------

STAGE_UPDATES = {
    "screened": (
        "Status update: screened (candidate)",
        "{{ requisition.title }} at {{ company.name }}: what happens next",
        """Hi {{ recipient.first_name }},

Thank you for taking the time to talk through the {{ requisition.title }} role at {{ company.name }} with me.

Here is what happens next: if it looks like a match on both sides, I'll put you forward to {{ company.name }}, and I'll let you know either way. If anything changes on your side in the meantime (another offer, a change of heart), just reply to this email.

{{ recruiter.first_name }}""",
    ),
    "submitted": (
        "Status update: submitted (candidate)",
        "Your profile is with {{ company.name }}",
        """Hi {{ recipient.first_name }},

Good news: I've put you forward to {{ company.name }} for the {{ requisition.title }} role, and their team is looking at your profile now.

Reviews can take a few days, sometimes longer. I'll tell you as soon as I hear back, and I'll keep you posted in the meantime even when there's no news.

{{ recruiter.first_name }}""",
    ),
    "interviewing": (
        "Status update: interview (candidate)",
        "{{ company.name }} would like to meet you",
        """Hi {{ recipient.first_name }},

Great news: {{ company.name }} would like to interview you for the {{ requisition.title }} role.

I'll be in touch shortly with the details: who you'll meet, how long it takes and how best to prepare. If there are days or times that don't work for you, reply and tell me now.

{{ recruiter.first_name }}""",
    ),
    "offer": (
        "Status update: offer (candidate)",
        "An offer for {{ requisition.title }} at {{ company.name }}",
        """Hi {{ recipient.first_name }},

I'm delighted to tell you that {{ company.name }} would like to make you an offer for the {{ requisition.title }} role.

I'll be in touch to go through the details with you. Take the time you need to think it over, and ask me anything: that's what I'm here for.

{{ recruiter.first_name }}""",
    ),
    "hired": (
        "Congratulations on the hire (new hire)",
        "Congratulations, {{ recipient.first_name }}!",
        """Hi {{ recipient.first_name }},

Congratulations on your new role as {{ requisition.title }} at {{ company.name }}! Your start date is {{ placement.start_date|date:"l j F Y" }}.

Thank you for trusting me with your search. I'll check in a few weeks after you start to see how things are going, and if anything comes up before then, just reply to this email.

{{ recruiter.first_name }}""",
    ),
}

REOPENED_CANDIDATE = (
    "Requisition reopened (candidate)",
    "{{ requisition.title }} at {{ company.name }} is moving again",
    """Hi {{ recipient.first_name }},

Some good news: {{ company.name }} has reopened the {{ requisition.title }} role, and your application is active again, where it left off.

I'll be in touch soon about next steps. If your situation has changed while it was paused, reply and let me know.

{{ recruiter.first_name }}""",
)
FILLED_CANDIDATE = (
    "Requisition filled (candidate)",
    "{{ requisition.title }} at {{ company.name }}: the role has been filled",
    """Hi {{ recipient.first_name }},

I wanted you to hear it from me: {{ company.name }} has filled the {{ requisition.title }} role, and I'm sorry it isn't with you this time.

Thank you for your time and your patience through the process. I'd like to keep you in mind for roles that fit what you're looking for; if you'd rather I didn't, reply and tell me.

{{ recruiter.first_name }}""",
)
CANCELLED_CANDIDATE = (
    "Requisition cancelled (candidate)",
    "{{ requisition.title }} at {{ company.name }}: the role will not go ahead",
    """Hi {{ recipient.first_name }},

I wanted you to hear it from me: {{ company.name }} has decided not to go ahead with the {{ requisition.title }} role.{% if requisition.status_reason %} The reason they gave: {{ requisition.status_reason }}{% endif %}

This is a decision about the role, not about you. Thank you for your time and your patience. I'd like to keep you in mind for roles that fit what you're looking for; if you'd rather I didn't, reply and tell me.

{{ recruiter.first_name }}""",
)
NOT_MOVING_FORWARD = (
    "Not moving forward (candidate)",
    "Your application for {{ requisition.title }} at {{ company.name }}",
    """Hi {{ recipient.first_name }},

Thank you for your time and interest in the {{ requisition.title }} role at {{ company.name }}. I'm sorry to tell you that they have decided not to take your application further.

I know that isn't the news you were hoping for. I'd like to keep you in mind for other roles that fit what you're looking for; if you'd rather I didn't, just reply and tell me.

{{ recruiter.first_name }}""",
)

OLD_STATUS_CADENCE = "Status update on every stage change"
OLD_STATUS_TEMPLATE = "Status update (candidate)"


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    Cadence = apps.get_model("followups", "Cadence")
    CadenceStep = apps.get_model("followups", "CadenceStep")
    FollowUp = apps.get_model("followups", "FollowUp")

    # Templates only ever sent as tasks are task templates.
    task_only = MessageTemplate.objects.filter(steps__channel="task").exclude(
        steps__channel="email"
    )
    MessageTemplate.objects.filter(pk__in=task_only.values("pk")).update(kind="task")

    for name, (old, new) in REWORDED.items():
        MessageTemplate.objects.filter(name=name, body=old).update(body=new)

    _retire_the_any_stage_update(Cadence, CadenceStep, MessageTemplate, FollowUp)

    def template(name, subject, body):
        found, _ = MessageTemplate.objects.get_or_create(
            name=name, defaults={"subject": subject, "body": body, "kind": "email"}
        )
        return found

    def cadence(name, trigger, steps, **fields):
        if Cadence.objects.filter(name=name).exists():
            return
        created = Cadence.objects.create(name=name, trigger=trigger, **fields)
        for position, step in enumerate(steps):
            CadenceStep.objects.create(cadence=created, position=position, **step)

    for stage, spec in STAGE_UPDATES.items():
        cadence(
            f"Status update when a candidate enters {stage}",
            "stage_entered",
            [{"audience": "candidate", "channel": "email", "template": template(*spec)}],
            stage=stage,
        )
    candidate_email = {"audience": "candidate", "channel": "email", "task_if_opted_out": True}
    cadence(
        "Good news when a requisition reopens",
        "requisition_reopened",
        [{**candidate_email, "template": template(*REOPENED_CANDIDATE)}],
    )
    # A day's grace before telling everyone else, so the recruiter can call the finalists first.
    cadence(
        "Kind close when a requisition is filled",
        "requisition_filled",
        [
            {
                **candidate_email,
                "offset_days": 1,
                "send_time": TEN,
                "template": template(*FILLED_CANDIDATE),
            }
        ],
    )
    cadence(
        "Honest close when a requisition is cancelled",
        "requisition_cancelled",
        [
            {
                **candidate_email,
                "offset_days": 1,
                "send_time": TEN,
                "template": template(*CANCELLED_CANDIDATE),
            }
        ],
    )
    # Two days later: time for a personal call first, which the recruiter's queue suggests.
    cadence(
        "Not moving forward note after a rejection",
        "application_closed",
        [
            {
                **candidate_email,
                "offset_days": 2,
                "send_time": TEN,
                "template": template(*NOT_MOVING_FORWARD),
            }
        ],
        outcome="rejected",
    )


def _retire_the_any_stage_update(Cadence, CadenceStep, MessageTemplate, FollowUp):
    """Delete the old one-size status update, or switch it off where it has sent mail."""
    old = Cadence.objects.filter(name=OLD_STATUS_CADENCE, trigger="stage_entered", stage="")
    for cadence in old:
        if FollowUp.objects.filter(cadence_step__cadence=cadence).exists():
            cadence.enabled = False
            cadence.name = f"{OLD_STATUS_CADENCE} (replaced by one update per stage)"
            cadence.save(update_fields=["enabled", "name"])
            continue
        template_ids = list(cadence.steps.values_list("template_id", flat=True))
        cadence.delete()
        MessageTemplate.objects.filter(
            pk__in=template_ids,
            name=OLD_STATUS_TEMPLATE,
            steps__isnull=True,
            followups__isnull=True,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("followups", "0004_kinds_outcomes_and_internal_notes")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
