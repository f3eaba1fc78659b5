# The name index carries the email too: a search of short words walks it without visiting the
# table (an index-only scan; candidates/models.py has the figures).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0014_interviews_and_scorecards"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="candidate",
            name="candidate_name_keyset",
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                fields=["last_name", "first_name", "id"],
                include=("email",),
                name="candidate_name_keyset",
            ),
        ),
    ]
