"""Each requisition's pipeline stamp: a number PostgreSQL adds one to whenever someone in the
role's pipeline is added, moved, closed or removed, so the effort's weeks cached under it
(progress.pipeline_stamp_version) are read again exactly when the history they count can have
changed. The progress page and the weekly digest read it with the role, where they grouped all
of the role's applications to make a version (0.86 ms for the bench leader's 10 roles).

A trigger, not a service: every write path (a card move, the CSV import's COPY, an admin
delete, a cascade) goes through it, and none can forget it. Statement triggers with transition
tables: an import of 20,000 applications adds one to each of its roles once, not 20,000 times.
The column is not on the model, so a requisition saved from a stale instance never writes an
old stamp back over a newer one.

Moves in one role serialize on the role's row until each commits (a card move's transaction
is a few milliseconds); the roles are locked in id order, so two writes touching several
roles cannot deadlock each other. Rows start at 0 (no backfill: a constant default is only
written to the catalogue), which no cached week was ever kept under.

SQLite has no transition tables; there the progress page keeps grouping for its version.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION hiring_leaders_pipeline_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hiring_leaders_pipeline_stamp(ARRAY(SELECT requisition_id FROM moved_in));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM hiring_leaders_pipeline_stamp(ARRAY(SELECT requisition_id FROM moved_out));
    ELSE
        -- Only what changes the pipeline (a trigger with transition tables cannot name its
        -- columns): a rename of the candidate copied onto their applications stamps nothing.
        PERFORM hiring_leaders_pipeline_stamp(ARRAY(
            SELECT unnest(ARRAY[n.requisition_id, o.requisition_id])
            FROM moved_in n JOIN moved_out o ON o.id = n.id
            WHERE (n.requisition_id, n.stage, n.outcome, n.stage_changed_at)
                IS DISTINCT FROM (o.requisition_id, o.stage, o.outcome, o.stage_changed_at)
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION hiring_leaders_pipeline_stamp(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE hiring_leaders_requisition r SET pipeline_stamp = r.pipeline_stamp + 1
    FROM (
        SELECT id FROM hiring_leaders_requisition WHERE id = ANY(ids)
        ORDER BY id FOR NO KEY UPDATE
    ) locked
    WHERE r.id = locked.id
$$;
"""

TRIGGERS = """
CREATE TRIGGER application_added_stamps_pipeline AFTER INSERT ON candidates_application
    REFERENCING NEW TABLE AS moved_in
    FOR EACH STATEMENT EXECUTE FUNCTION hiring_leaders_pipeline_moved();
CREATE TRIGGER application_moved_stamps_pipeline AFTER UPDATE ON candidates_application
    REFERENCING OLD TABLE AS moved_out NEW TABLE AS moved_in
    FOR EACH STATEMENT EXECUTE FUNCTION hiring_leaders_pipeline_moved();
CREATE TRIGGER application_removed_stamps_pipeline AFTER DELETE ON candidates_application
    REFERENCING OLD TABLE AS moved_out
    FOR EACH STATEMENT EXECUTE FUNCTION hiring_leaders_pipeline_moved();
"""

DROP = """
DROP TRIGGER IF EXISTS application_added_stamps_pipeline ON candidates_application;
DROP TRIGGER IF EXISTS application_moved_stamps_pipeline ON candidates_application;
DROP TRIGGER IF EXISTS application_removed_stamps_pipeline ON candidates_application;
DROP FUNCTION IF EXISTS hiring_leaders_pipeline_moved();
DROP FUNCTION IF EXISTS hiring_leaders_pipeline_stamp(bigint[]);
ALTER TABLE hiring_leaders_requisition DROP COLUMN IF EXISTS pipeline_stamp;
"""


def add_stamp(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE hiring_leaders_requisition ADD COLUMN pipeline_stamp bigint NOT NULL DEFAULT 0"
    )
    schema_editor.execute(FUNCTION)
    schema_editor.execute(TRIGGERS)


def drop_stamp(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("hiring_leaders", "0005_leader_slower_than_estimated_reset"),
        ("candidates", "0018_application_candidate_names"),
    ]

    operations = [migrations.RunPython(add_stamp, drop_stamp)]
