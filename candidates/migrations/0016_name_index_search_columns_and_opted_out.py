# The name index holds the columns a search reads, upper-cased as it compares them, so a search
# walking it compares stored values in an index-only scan ("mar" at 1,000,000 candidates: 32 ->
# 4 ms); the opted-out have their own small name index (their first page and count: 3 + 6 ms ->
# under 0.5 ms). candidates/models.py has the figures. Rebuilding the name index takes about
# 5 s at 1,000,000 candidates.

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0015_name_keyset_with_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="candidate",
            name="candidate_name_keyset",
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                models.F("last_name"),
                models.F("first_name"),
                models.F("id"),
                django.db.models.functions.text.Upper("first_name"),
                django.db.models.functions.text.Upper("last_name"),
                django.db.models.functions.text.Upper("email"),
                django.db.models.functions.text.Upper("headline"),
                include=("email", "headline"),
                name="candidate_name_keyset",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("opted_out_at__isnull", False)),
                fields=["last_name", "first_name", "id"],
                name="candidate_opted_out_name",
            ),
        ),
    ]
