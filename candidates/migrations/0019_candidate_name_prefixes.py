from django.db import migrations

# Each candidate's short prefixes in name order, kept by PostgreSQL itself (candidates/
# name_prefixes.py says why and what reads it). A trigger, not a service: COPY, the admin and
# raw imports change candidates too, and fire row triggers all the same.
#
# What a search word of one to three letters matches (candidates/search.py, _words_match):
# the start of the upper-cased first name, last name or email address, and for three letters
# the start of the upper-cased headline or of any word after a space in it. So the prefixes are
# those of the first 1, 2 and 3 letters of each name and the email, and the first 3 of each
# headline word of three letters or more; each once per candidate.
CREATE = """
CREATE TABLE candidates_name_prefix (
    prefix text NOT NULL,
    last_name varchar(100) NOT NULL,
    first_name varchar(100) NOT NULL,
    candidate_id bigint NOT NULL
);

CREATE FUNCTION candidate_name_prefixes(
    first_name text, last_name text, email text, headline text
) RETURNS SETOF text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT left(word, n)
    FROM unnest(ARRAY[upper(first_name), upper(last_name), upper(email)]) word,
        generate_series(1, 3) n
    WHERE char_length(word) >= n
    UNION
    SELECT left(word, 3)
    FROM unnest(string_to_array(upper(headline), ' ')) word
    WHERE char_length(word) >= 3
$$;

-- The rows leave by the keys they were put in under: the prefix index finds them, so the
-- table needs no index of its own on the candidate.
CREATE FUNCTION candidate_name_prefixes_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM candidates_name_prefix
        WHERE prefix IN (
            SELECT candidate_name_prefixes(OLD.first_name, OLD.last_name, OLD.email, OLD.headline)
        )
        AND last_name = OLD.last_name AND first_name = OLD.first_name
        AND candidate_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO candidates_name_prefix (prefix, last_name, first_name, candidate_id)
        SELECT candidate_name_prefixes(NEW.first_name, NEW.last_name, NEW.email, NEW.headline),
            NEW.last_name, NEW.first_name, NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION candidate_name_prefixes_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE candidates_name_prefix;
    RETURN NULL;
END
$$;

CREATE TRIGGER candidate_name_prefixes_added_or_removed
AFTER INSERT OR DELETE ON candidates_candidate
FOR EACH ROW EXECUTE FUNCTION candidate_name_prefixes_keep();

CREATE TRIGGER candidate_name_prefixes_changed
AFTER UPDATE OF first_name, last_name, email, headline ON candidates_candidate
FOR EACH ROW
WHEN ((OLD.first_name, OLD.last_name, OLD.email, OLD.headline)
    IS DISTINCT FROM (NEW.first_name, NEW.last_name, NEW.email, NEW.headline))
EXECUTE FUNCTION candidate_name_prefixes_keep();

CREATE TRIGGER candidate_name_prefixes_emptied
AFTER TRUNCATE ON candidates_candidate
FOR EACH STATEMENT EXECUTE FUNCTION candidate_name_prefixes_clear();

INSERT INTO candidates_name_prefix (prefix, last_name, first_name, candidate_id)
SELECT p.prefix, c.last_name, c.first_name, c.id
FROM candidates_candidate c,
    candidate_name_prefixes(c.first_name, c.last_name, c.email, c.headline) p(prefix);

-- Built after the backfill: one sort, not a million index insertions.
CREATE INDEX candidate_name_prefix_page
ON candidates_name_prefix (prefix, last_name, first_name, candidate_id);
ANALYZE candidates_name_prefix;
"""

DROP = """
DROP TRIGGER candidate_name_prefixes_emptied ON candidates_candidate;
DROP TRIGGER candidate_name_prefixes_changed ON candidates_candidate;
DROP TRIGGER candidate_name_prefixes_added_or_removed ON candidates_candidate;
DROP FUNCTION candidate_name_prefixes_clear();
DROP FUNCTION candidate_name_prefixes_keep();
DROP FUNCTION candidate_name_prefixes(text, text, text, text);
DROP TABLE candidates_name_prefix;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0018_application_candidate_names"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
