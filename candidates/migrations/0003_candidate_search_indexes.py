"""Prefix-search indexes for the candidate list on PostgreSQL.

The search filters with istartswith, which PostgreSQL runs as UPPER(col::text) LIKE 'ADA%'. A
plain b-tree cannot serve that; an expression index with text_pattern_ops can, so searching a
million candidates stays an index scan. SQLite has no such operator class and keeps its scan.
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "email")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS candidate_{column}_prefix "
            f"ON candidates_candidate (UPPER({column}::text) text_pattern_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS candidate_{column}_prefix")


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
