"""The hiring leader's on-hold note said "Everyone in the pipeline we have already been in touch
with hears it from me today". The rule is stages, not contact: candidates still at "sourced" are
never written to by a cadence, even one the recruiter once spoke to. The note now names who hears
it as the rule decides. A template an admin has reworded is left as it is."""

from django.db import migrations

NAME = "Requisition on hold (hiring leader)"
BEFORE = (
    "Everyone in the pipeline we have already been in touch with hears it from me today, so "
    "nobody is left wondering, and I'm keeping them warm."
)
AFTER = (
    "Everyone in the pipeline I have contacted, screened or put forward to you hears it from me "
    "today, so nobody is left wondering, and I'm keeping them warm."
)


def forward(apps, schema_editor):
    _reword(apps, BEFORE, AFTER)


def backward(apps, schema_editor):
    _reword(apps, AFTER, BEFORE)


def _reword(apps, before: str, after: str) -> None:
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    for template in MessageTemplate.objects.filter(name=NAME, body__contains=before):
        template.body = template.body.replace(before, after)
        template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("followups", "0024_quiet_cadence_named_without_its_days")]

    operations = [migrations.RunPython(forward, backward)]
