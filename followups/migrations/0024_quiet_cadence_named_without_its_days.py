"""The shipped "gone quiet" cadence said its days in its name, and kept saying 7 after an admin
chose 10 on its page. Its page says the days; the name says what it is. An admin's own name for
it is left as it is."""

from django.db import migrations

SHIPPED = "Where things stand, when a candidate has heard nothing for 7 days"
RENAMED = "Where things stand, when a candidate has gone quiet"


def forward(apps, schema_editor):
    Cadence = apps.get_model("followups", "Cadence")
    Cadence.objects.filter(name=SHIPPED, trigger="candidate_untouched").update(name=RENAMED)


def backward(apps, schema_editor):
    Cadence = apps.get_model("followups", "Cadence")
    Cadence.objects.filter(name=RENAMED, trigger="candidate_untouched").update(name=SHIPPED)


class Migration(migrations.Migration):
    dependencies = [("followups", "0023_queue_indexes_by_cadence_step")]

    operations = [migrations.RunPython(forward, backward)]
