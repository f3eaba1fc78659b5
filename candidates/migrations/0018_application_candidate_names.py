from django.db import migrations, models

# The candidate's name copied onto each application (Application.candidate_last_name). A
# correlated subquery, so that SQLite runs it too; at 1,500,000 applications PostgreSQL takes
# it in well under a minute, each row one primary-key probe of the candidates.
COPY_NAMES = """
UPDATE candidates_application SET
    candidate_last_name = (
        SELECT c.last_name FROM candidates_candidate c WHERE c.id = candidate_id
    ),
    candidate_first_name = (
        SELECT c.first_name FROM candidates_candidate c WHERE c.id = candidate_id
    )
"""


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0017_commitment_recruiter_due_all"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="candidate_first_name",
            field=models.CharField(default="", editable=False, max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="application",
            name="candidate_last_name",
            field=models.CharField(default="", editable=False, max_length=100),
            preserve_default=False,
        ),
        migrations.RunSQL(COPY_NAMES, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                condition=models.Q(("outcome", "active")),
                fields=["requisition", "candidate_last_name", "candidate_first_name", "candidate"],
                name="application_pipeline_names",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                condition=models.Q(("outcome", "active")),
                fields=["stage", "candidate_last_name", "candidate_first_name", "candidate"],
                name="application_stage_names",
            ),
        ),
    ]
