"""One weekly digest per hiring leader instead of one update per requisition.

The shipped weekly template becomes the digest's subject and opening words (the roles
themselves are laid out by followups/digest.py); an admin who rewrote it keeps their words.
Per-requisition updates still scheduled are cancelled: beat schedules each leader's digest.
"""

from django.db import migrations
from django.utils import timezone

OLD_NAME = "Weekly progress update (hiring leader)"
OLD_SUBJECT = "{{ requisition.title }}: this week's progress"
NAME = "Weekly digest (hiring leader)"
SUBJECT = "Your roles this week, from {{ recruiter.name }}"
BODY = """Hi {{ recipient.first_name }},

Here is where each of your roles stands this week: who moved, the work behind it, and anything waiting on you. Reply to this email to reach me."""
OLD_CADENCE = "Weekly progress update to the hiring leader"
CADENCE = "Weekly digest to each hiring leader"


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    Cadence = apps.get_model("followups", "Cadence")
    FollowUp = apps.get_model("followups", "FollowUp")
    MessageTemplate.objects.filter(name=OLD_NAME, subject=OLD_SUBJECT).update(
        name=NAME, subject=SUBJECT, body=BODY
    )
    Cadence.objects.filter(name=OLD_CADENCE, trigger="requisition_open_weekly").update(name=CADENCE)
    FollowUp.objects.filter(
        state="scheduled",
        cadence_step__cadence__trigger="requisition_open_weekly",
        requisition__isnull=False,
    ).update(
        state="cancelled",
        note="Replaced by the leader's weekly digest",
        updated_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("followups", "0013_recurring_sweep")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
