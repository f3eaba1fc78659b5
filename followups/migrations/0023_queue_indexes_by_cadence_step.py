# Today's queue indexes keyed by cadence step: a recruiter's rows of one step are a probe, not a
# read of everything they have scheduled (followups/queue/selectors.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0022_ninety_day_leader_checkin"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="followup",
            name="followup_recruiter_tasks",
        ),
        migrations.RemoveIndex(
            model_name="followup",
            name="followup_recruiter_emails",
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("channel", "task"), ("state", "scheduled")),
                fields=["recruiter", "cadence_step", "due_at", "id"],
                include=("key", "audience", "candidate", "hiring_leader"),
                name="followup_recruiter_tasks",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("channel", "email"), ("state", "scheduled")),
                fields=["recruiter", "cadence_step", "due_at", "id"],
                include=("key", "audience", "candidate", "hiring_leader"),
                name="followup_recruiter_emails",
            ),
        ),
    ]
