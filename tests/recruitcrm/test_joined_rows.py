"""recruitcrm.joined_rows: a hand-written join read back as the model instances the ORM would
have made."""

import pytest
from django.db import connection

from candidates.models import Candidate
from followups.models import FollowUp
from hiring_leaders.models import HiringLeader
from recruitcrm.joined_rows import Prepared, Table, joined_rows
from tests.followups.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

TABLES = (Table(FollowUp, "f"), Table(Candidate, "c"), Table(HiringLeader, "l"))
SQL = f"""
    SELECT {TABLES[0].select()}, {TABLES[1].select()}, {TABLES[2].select()}, 'extra' AS word
    FROM followups_followup f
    LEFT JOIN candidates_candidate c ON c.id = f.candidate_id
    LEFT JOIN hiring_leaders_hiringleader l ON l.id = f.hiring_leader_id
    WHERE f.id = %(id)s
"""


def test_each_row_is_the_instances_the_orm_would_make_with_its_extras():
    made = FollowUpFactory(facts={"stage": "Interviewing", "quiet_days": 9})

    ((followup, candidate, leader), extras), *rest = joined_rows(
        SQL, {"id": made.pk}, TABLES, ("word",)
    )

    assert rest == []
    assert followup == FollowUp.objects.get(pk=made.pk)
    # Every field the ORM reads, converted as the ORM converts it (jsonb decoded, not text).
    assert followup.facts == {"stage": "Interviewing", "quiet_days": 9}
    assert followup.due_at == made.due_at
    assert followup._state.adding is False
    assert candidate.name == made.candidate.name
    assert leader is None  # the outer join found no hiring leader
    assert extras == {"word": "extra"}


def test_a_table_of_named_fields_reads_those_converted_and_defers_the_rest(
    django_assert_num_queries,
):
    made = FollowUpFactory(facts={"stage": "Offer"}, note="Asked to wait")
    table = Table(FollowUp, "f", ("facts", "due_at"))

    with django_assert_num_queries(1):
        ((followup,), _), *_ = joined_rows(
            f"SELECT {table.select()} FROM followups_followup f WHERE f.id = %(id)s",
            {"id": made.pk},
            (table,),
        )
        assert (followup.pk, followup.facts, followup.due_at) == (
            made.pk,
            {"stage": "Offer"},
            made.due_at,
        )
    assert table.select() == 'f."id", f."facts", f."due_at"'
    assert followup.get_deferred_fields() >= {"note", "candidate_id", "state"}
    with django_assert_num_queries(1):  # a deferred field is read when asked for, as .only()
        assert followup.note == "Asked to wait"


def test_a_table_refuses_a_field_its_model_does_not_have():
    with pytest.raises(ValueError, match="no column"):
        Table(FollowUp, "f", ("due_at", "colour")).select()


PREPARED = Prepared("test_joined_rows_followup", SQL)


# Committed for real: the test closes the connection, as a worker's reconnect would.
@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_reads_the_same_rows_and_is_prepared_once_per_connection(
    django_assert_num_queries,
):
    made = FollowUpFactory(facts={"stage": "Interviewing"})

    with django_assert_num_queries(2) as ran:
        first = list(joined_rows(PREPARED, {"id": made.pk}, TABLES, ("word",)))
        second = list(joined_rows(PREPARED, {"id": made.pk}, TABLES, ("word",)))
    connection.close()
    with django_assert_num_queries(1) as after_reconnect:
        third = list(joined_rows(PREPARED, {"id": made.pk}, TABLES, ("word",)))

    assert first == second == third
    assert first == list(joined_rows(SQL, {"id": made.pk}, TABLES, ("word",)))
    assert first[0][0][0].facts == {"stage": "Interviewing"}
    assert ran.captured_queries[0]["sql"].startswith("PREPARE test_joined_rows_followup_")
    assert ran.captured_queries[1]["sql"].startswith("EXECUTE test_joined_rows_followup_")
    # A new server connection knows no prepared statements: it is prepared there again.
    assert after_reconnect.captured_queries[0]["sql"].startswith("PREPARE ")


GENERIC = Prepared("test_joined_rows_generic", SQL, generic=True)


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def _plans_made() -> tuple[int, int]:
    """How many generic and custom plans the connection's GENERIC statement has run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE name LIKE 'test_joined_rows_generic%%'"
        )
        return cursor.fetchone() or (0, 0)


# Outside a transaction, as a page's reads run: the setting lasts the one round trip.
@pytest.mark.django_db(transaction=True)
def test_a_generic_statement_runs_its_generic_plan_and_leaves_the_setting_as_it_was(
    django_assert_num_queries,
):
    made = FollowUpFactory()
    generic, custom = _plans_made()

    with django_assert_num_queries(2) as ran:
        first = list(joined_rows(GENERIC, {"id": made.pk}, TABLES, ("word",)))
        second = list(joined_rows(GENERIC, {"id": made.pk}, TABLES, ("word",)))

    assert first == second
    assert first[0][0][0] == FollowUp.objects.get(pk=made.pk)
    assert all("SET LOCAL plan_cache_mode = force_generic_plan" in q["sql"] for q in ran)
    assert _plans_made() == (generic + 2, custom)
    assert _plan_cache_mode() == "auto"


def test_inside_a_transaction_a_generic_statement_runs_as_postgresql_chooses(
    django_assert_num_queries,
):
    made = FollowUpFactory()

    with django_assert_num_queries(1) as ran:
        rows = list(joined_rows(GENERIC, {"id": made.pk}, TABLES, ("word",)))

    assert rows[0][0][0].pk == made.pk
    assert "plan_cache_mode" not in ran[0]["sql"]
    assert _plan_cache_mode() == "auto"
