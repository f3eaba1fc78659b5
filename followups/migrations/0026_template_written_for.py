"""Whom an email template is written for, so a recruiter is not offered a candidate's words for
a hiring leader (or the other way round). The shipped expectation resets are marked by name; any
other email that cadence steps send to one kind of person only is marked for them."""

from django.db import migrations, models

CANDIDATE_RESETS = [
    "Expectation reset: role on hold",
    "Expectation reset: slower than we estimated",
    "Expectation reset: feedback pending",
    "Expectation reset: not selected",
]
# hiring_leaders migration 0005.
LEADER_RESETS = ["Expectation reset: slower than I estimated (to the hiring leader)"]
READERS = {"candidate": "candidates", "new_hire": "candidates", "hiring_leader": "hiring_leaders"}


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    CadenceStep = apps.get_model("followups", "CadenceStep")
    for template in MessageTemplate.objects.filter(kind="email", written_for=""):
        audiences = set(
            CadenceStep.objects.filter(template=template).values_list("audience", flat=True)
        )
        readers = {READERS.get(audience) for audience in audiences}
        if template.name in CANDIDATE_RESETS:
            readers = {"candidates"} | readers
        elif template.name in LEADER_RESETS:
            readers = {"hiring_leaders"} | readers
        if len(readers) == 1 and None not in readers:
            template.written_for = readers.pop()
            template.save(update_fields=["written_for"])


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0025_on_hold_note_says_who_hears_it"),
        ("hiring_leaders", "0005_leader_slower_than_estimated_reset"),
    ]

    operations = [
        migrations.AddField(
            model_name="messagetemplate",
            name="written_for",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Anyone"),
                    ("candidates", "Candidates and new hires"),
                    ("hiring_leaders", "Hiring leaders"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="messagetemplate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("written_for__in", ["", "candidates", "hiring_leaders"]),
                    models.Q(("kind", "email"), ("written_for", ""), _connector="OR"),
                ),
                name="template_written_for_valid",
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
