"""Messages for the recruiter's day:

- four expectation resets a recruiter sends with one click from the queue or a candidate's page
  (role on hold, slower than we estimated, feedback pending, not selected), so giving bad news
  is one honest click rather than a blank page;
- a stage-aware "where things stand" note that the "gone quiet" cadence sends a candidate who has
  heard nothing for its number of days, unless the recruiter gets in touch first (the queue shows
  it two days ahead). Someone who opted out gets a task for the recruiter instead; someone still
  at "sourced" gets nothing.
"""

import datetime

from django.db import migrations

EXPECTATION_RESETS = [
    (
        "Expectation reset: role on hold",
        "{{ requisition.title }} at {{ company.name }} is on hold for now",
        """Hi {{ recipient.first_name }},

I want to be straight with you: {{ company.name }} has paused the {{ requisition.title }} role.{% if requisition.status_reason %} The reason they gave: {{ requisition.status_reason }}{% endif %}

It isn't about you, and your application stays where it is. I don't know yet when, or whether, it will restart. As soon as I hear anything, whichever way it goes, I'll tell you. If you'd like me to look out for similar roles in the meantime, reply and say so.

{{ recruiter.first_name }}""",
    ),
    (
        "Expectation reset: slower than we estimated",
        "{{ requisition.title }}: this is taking longer than I said",
        """Hi {{ recipient.first_name }},

When we spoke about the {{ requisition.title }} role at {{ company.name }}, I gave you a rough timeline, and we're now behind it. I'd rather tell you that than leave you guessing.

Nothing has gone wrong with your application; the process on {{ company.name }}'s side is simply taking longer. I'll keep you posted as things move, and you'll hear from me at least every week until there's a decision.

If the delay changes anything for you, reply and tell me; I'd rather know.

{{ recruiter.first_name }}""",
    ),
    (
        "Expectation reset: feedback pending",
        "{{ requisition.title }}: still waiting on feedback",
        """Hi {{ recipient.first_name }},

A quick, honest update: I'm still waiting for {{ company.name }}'s feedback on your application for {{ requisition.title }}. I know waiting is the worst part.

I'm chasing it, and I'll pass it on as soon as I have it, whatever it says. If you have other processes moving in the meantime, reply and let me know so I can push for an answer.

{{ recruiter.first_name }}""",
    ),
    (
        "Expectation reset: not selected",
        "Your application for {{ requisition.title }} at {{ company.name }}",
        """Hi {{ recipient.first_name }},

Thank you for the time you put into the {{ requisition.title }} process with {{ company.name }}. I'm sorry to tell you that they have decided to go with another candidate.

I know that isn't the news you hoped for. If you'd like to talk it through, or hear what feedback I have, reply and we'll find a time. I'd also like to keep you in mind for roles that fit what you're looking for; if you'd rather I didn't, just say so.

{{ recruiter.first_name }}""",
    ),
]

WHERE_THINGS_STAND = (
    "Where things stand (candidate)",
    "{{ requisition.title }} at {{ company.name }}: where things stand",
    """Hi {{ recipient.first_name }},

A quick note so you're not left wondering about the {{ requisition.title }} role at {{ company.name }}.

{% if application.stage == "Submitted" %}Your profile is with {{ company.name }} and I'm waiting for their feedback. Reviews sometimes take longer than anyone would like; I'm chasing it and will tell you as soon as I hear.{% elif application.stage == "Interviewing" %}You're at the interview stage, and I'm waiting to hear from {{ company.name }} about next steps. I'll pass on anything as soon as I have it.{% elif application.stage == "Offer" %}We're at the offer stage. I'm working through the details with {{ company.name }} and will be in touch as soon as there's news.{% else %}There's no news yet: {{ company.name }} is still looking at candidates for the role. Your application is active and I haven't forgotten you.{% endif %}

If anything has changed on your side, just reply to this email.

{{ recruiter.first_name }}""",
)

QUIET_CADENCE = "Nudge when a candidate has heard nothing for 7 days"


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    Cadence = apps.get_model("followups", "Cadence")
    CadenceStep = apps.get_model("followups", "CadenceStep")

    for name, subject, body in EXPECTATION_RESETS:
        MessageTemplate.objects.get_or_create(
            name=name, defaults={"subject": subject, "body": body, "kind": "email"}
        )
    name, subject, body = WHERE_THINGS_STAND
    note, _ = MessageTemplate.objects.get_or_create(
        name=name, defaults={"subject": subject, "body": body, "kind": "email"}
    )
    for cadence in Cadence.objects.filter(name=QUIET_CADENCE, trigger="candidate_untouched"):
        if not cadence.steps.filter(audience="candidate").exists():
            CadenceStep.objects.create(
                cadence=cadence,
                position=1,
                audience="candidate",
                channel="email",
                send_time=datetime.time(10, 0),
                template=note,
                task_if_opted_out=True,
            )
        cadence.name = "Where things stand, when a candidate has heard nothing for 7 days"
        cadence.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("followups", "0007_queue_snoozes")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
