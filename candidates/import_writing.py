"""Writing many rows at once, at COPY speed on PostgreSQL, for the CSV import.

Only `candidates.imports` uses these. They work inside the caller's transaction and write rows
exactly as built (no save(), no signals); elsewhere than PostgreSQL they fall back to Django's
bulk_create/bulk_update, which is all SQLite (the no-install local run) needs.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# The first key of PostgreSQL's two-key advisory locks: "the import with this id is being
# written". Any constant unused elsewhere in the app will do.
IMPORT_LOCK_CLASS = 7007


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def values_in(model: type[models.Model], column_sql: str, values: list, fields: tuple[str, ...]):
    """Rows of `model` whose `column_sql` (an SQL expression) is one of `values`, as tuples of
    `fields` columns. PostgreSQL takes the list as one array (= ANY), far cheaper to plan than
    thousands of IN parameters; elsewhere the caller's ORM query is used instead."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names} FROM {quote(model._meta.db_table)} WHERE {column_sql} = ANY(%s)",
            [values],
        )
        return cursor.fetchall()


def insert(
    model: type[models.Model], fields: tuple[str, ...], rows: list[tuple], *, ids: bool = False
) -> list[int]:
    """Insert rows given as tuples of `fields` (attnames); with ids=True, return their primary
    keys in order. No model instances are built on PostgreSQL: at 100,000 rows building them
    costs more than the COPY itself."""
    if not rows:
        return []
    if not on_postgresql():
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=500)
        return [obj.pk for obj in objects]
    if ids:
        new_ids = _next_ids(model, len(rows))
        _copy(
            model,
            (model._meta.pk.attname, *fields),
            [(pk, *row) for pk, row in zip(new_ids, rows, strict=True)],
        )
        return new_ids
    _copy(model, fields, rows)
    return []


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    # Drawn from the table's own sequence, so rows inserted later by anyone else never collide.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _copy(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
    columns = [_field(model, name) for name in fields]
    left_out = [
        field.name
        for field in model._meta.concrete_fields
        if field.attname not in fields and not field.primary_key and not field.null
    ]
    if left_out:
        # COPY would write NULL there; say which field was forgotten instead.
        raise TypeError(f"{model.__name__} rows need a value for {', '.join(left_out)}")
    writers = [_cell_writer(column) for column in columns]
    if any(writer is not None for writer in writers):
        rows = (
            [
                value if write is None else write(value)
                for write, value in zip(writers, row, strict=True)
            ]
            for row in rows
        )
    quote = connection.ops.quote_name
    names = ", ".join(quote(column.column) for column in columns)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN WITH (FORMAT csv)"
    # The raw cursor's errors become Django's (IntegrityError…) as for any other query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, _CsvStream(rows), size=1 << 18)


class _CsvStream:
    """Rows as CSV text, made as COPY reads them: the server stores one part while this
    process writes the next, instead of waiting for the whole text first."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.buffer = io.StringIO()
        # QUOTE_NOTNULL: None goes out unquoted and empty, which COPY reads as NULL; an empty
        # string goes out as "" and stays an empty string.
        self.writer = csv.writer(self.buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n")

    def read(self, size: int = -1) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        for row in self.rows:
            self.writer.writerow(row)
            if 0 < size <= self.buffer.tell():
                break
        return self.buffer.getvalue()


def _field(model: type[models.Model], attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise LookupError(f"{model.__name__} has no column {attname}")


def _cell_writer(field: models.Field) -> Callable | None:
    """How a Python value becomes CSV text for COPY; None where str() (by csv) will do."""
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.BooleanField):
        return lambda value: None if value is None else ("t" if value else "f")
    if isinstance(field, models.DateField):  # dates and datetimes
        return _isoformat
    return None


@functools.lru_cache(maxsize=64)
def _isoformat(value):
    # An import writes one moment on every row: format it once.
    return None if value is None else value.isoformat()


def update(objects: list[models.Model], fields: list[str]) -> None:
    """Write `fields` of existing rows: one UPDATE … FROM (VALUES …) per thousand rows."""
    if not objects:
        return
    model = type(objects[0])
    if not on_postgresql():
        model._default_manager.bulk_update(objects, fields, batch_size=500)
        return
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    types = [column.db_type(connection) for column in columns]
    assignments = ", ".join(
        f"{quote(column.column)} = v.{quote(column.column)}::{db_type}"
        for column, db_type in zip(columns, types, strict=True)
    )
    names = ", ".join(["id", *(quote(column.column) for column in columns)])
    for start in range(0, len(objects), 1000):
        batch = objects[start : start + 1000]
        rows = ", ".join(["(%s" + ", %s" * len(columns) + ")"] * len(batch))
        params = [
            value
            for obj in batch
            for value in (obj.pk, *(getattr(obj, column.attname) for column in columns))
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {rows}) AS v({names}) WHERE t.id = v.id::bigint",
                params,
            )


def claim(import_id: int) -> bool:
    """Hold the import for this transaction: a second worker handed the same import gets False.

    The lock ends with the transaction, committed or not, and with a worker that dies, so a
    redelivered task can take the import up again. (SQLite lets one writer in at a time anyway.)
    """
    if not on_postgresql():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_CLASS, import_id])
        return cursor.fetchone()[0]


class ProgressReporter:
    """Writes how many rows are done through a second connection, outside the import's own
    transaction, so the progress bar moves while nothing of the import is committed yet."""

    def __init__(self, import_id: int, *, enabled: bool):
        self.import_id = import_id
        # SQLite would wait on the import's own write lock: no progress there.
        self.connection = (
            connections.create_connection(DEFAULT_DB_ALIAS) if enabled and on_postgresql() else None
        )

    def __call__(self, done: int) -> None:
        if self.connection is None:
            return
        from candidates.models import CandidateImport

        table = self.connection.ops.quote_name(CandidateImport._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s WHERE id = %s", [done, self.import_id]
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def chunked(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
