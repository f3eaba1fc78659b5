import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0012_outbox_keyset_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecurringSweep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("after_candidate_id", models.BigIntegerField()),
                ("started_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "cadence",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sweep",
                        to="followups.cadence",
                    ),
                ),
            ],
        ),
    ]
