from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0015_followup_due_timed_out"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(
                    ("audience", "hiring_leader"), ("channel", "email"), ("state", "sent")
                ),
                fields=["hiring_leader", "-sent_at", "-id"],
                name="followup_leader_sent",
            ),
        ),
    ]
