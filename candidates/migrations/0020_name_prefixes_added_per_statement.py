from django.db import migrations

# New candidates' prefixes written once per statement, sorted, from its transition table: a
# 100,000-row import's COPY fired the row trigger a candidate, and ten unsorted insertions each
# into the prefix index took its write from 16 to 34 s (sorted, per statement: 22 s).
# Deletes and changes stay per row (migration 0019): they come one or a few at a time.
FORWARD = """
CREATE FUNCTION candidate_name_prefixes_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO candidates_name_prefix (prefix, last_name, first_name, candidate_id)
    SELECT p.prefix, n.last_name, n.first_name, n.id
    FROM added n,
        candidate_name_prefixes(n.first_name, n.last_name, n.email, n.headline) p(prefix)
    ORDER BY 1, 2, 3, 4;
    RETURN NULL;
END
$$;

DROP TRIGGER candidate_name_prefixes_added_or_removed ON candidates_candidate;

CREATE TRIGGER candidate_name_prefixes_added
AFTER INSERT ON candidates_candidate
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION candidate_name_prefixes_added();

CREATE TRIGGER candidate_name_prefixes_removed
AFTER DELETE ON candidates_candidate
FOR EACH ROW EXECUTE FUNCTION candidate_name_prefixes_keep();
"""

BACKWARD = """
DROP TRIGGER candidate_name_prefixes_removed ON candidates_candidate;
DROP TRIGGER candidate_name_prefixes_added ON candidates_candidate;
DROP FUNCTION candidate_name_prefixes_added();

CREATE TRIGGER candidate_name_prefixes_added_or_removed
AFTER INSERT OR DELETE ON candidates_candidate
FOR EACH ROW EXECUTE FUNCTION candidate_name_prefixes_keep();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0019_candidate_name_prefixes"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
