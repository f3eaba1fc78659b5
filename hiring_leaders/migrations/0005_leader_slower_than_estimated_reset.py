"""The expectation reset a recruiter sends a hiring leader when a role runs past its
time-to-fill forecast (Today's "Past its forecast" prompt prefills it). The shipped "slower than
we estimated" reset is written to a candidate ("nothing has gone wrong with your application"):
sent to a leader it would not read true, so the leader gets words of their own."""

from django.db import migrations

NAME = "Expectation reset: slower than I estimated (to the hiring leader)"
SUBJECT = "{{ requisition.title }}: taking longer than I estimated"
BODY = """Hi {{ recipient.first_name }},

When we kicked off the {{ requisition.title }} search, I gave you a time-to-fill estimate, and we are now past the end of it. I'd rather tell you plainly than let the date slip by quietly.

Within the next few days I'll send you a revised estimate, with what is slowing the search and what we could change to speed it up: the profile, the pay, or the interview process. If you'd like to talk it through sooner, reply and we'll find a time.

Your progress page shows the forecast, where we are against it, and the work behind it: {{ requisition.progress_link }}

{{ recruiter.first_name }}"""


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    if not MessageTemplate.objects.filter(name__iexact=NAME).exists():
        MessageTemplate.objects.create(name=NAME, subject=SUBJECT, body=BODY, kind="email")


def backward(apps, schema_editor):
    apps.get_model("followups", "MessageTemplate").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hiring_leaders", "0004_intake_forecast_interview_kit"),
        ("followups", "0008_expectation_resets_and_where_things_stand"),
    ]

    operations = [migrations.RunPython(forward, backward)]
