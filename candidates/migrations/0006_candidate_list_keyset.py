"""Indexes for the candidate list: one per sort (keyset pagination), and on PostgreSQL the
search indexes a plain b-tree cannot give.

- Phone in any formatting: the digits typed match the start of the stored digits ("1555…", the
  number with its country code) or their end ("555 010 2000" without it). The end is a prefix of
  the reversed digits, so both are LIKE 'prefix%' range scans (text_pattern_ops, whatever the
  database's collation).
- Words of the headline ("engineer" in "Backend Engineer at Kestrel"): a GIN full-text index with
  the 'simple' configuration (no stemming, no stop words: titles are not prose), searched by
  prefix ('eng:*').

SQLite has none of these and scans, which is fine for a local run.
"""

import datetime

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models

SEARCH_INDEXES = {
    "candidate_phone_prefix": "(phone_digits varchar_pattern_ops)",
    "candidate_phone_suffix": "(reverse(phone_digits) text_pattern_ops)",
    "candidate_headline_words": "USING gin (to_tsvector('simple'::regconfig, headline))",
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in SEARCH_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON candidates_candidate {definition}"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0005_candidate_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="candidate",
            name="candidate_name",
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                fields=["last_name", "first_name", "id"], name="candidate_name_keyset"
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(fields=["created_at", "id"], name="candidate_added_keyset"),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce(
                    "last_contacted_at",
                    models.Value(datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC)),
                ),
                models.F("id"),
                name="candidate_silence_keyset",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                fields=["owner", "last_name", "first_name", "id"], name="candidate_owner_name"
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(fields=["owner", "created_at", "id"], name="candidate_owner_added"),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                models.F("owner"),
                django.db.models.functions.comparison.Coalesce(
                    "last_contacted_at",
                    models.Value(datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC)),
                ),
                models.F("id"),
                name="candidate_owner_silence",
            ),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
