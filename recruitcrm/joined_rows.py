"""Model instances from one hand-written SQL query that joins several tables: what
`select_related` does, for the few pages opened all day whose ORM query cost more to build than
to run.

Today's follow-up query, written with the ORM (select_related over four tables, a window and a
subquery), took 11 ms of Python to build and compile for 0.2 ms in PostgreSQL. Written as SQL,
its select list still comes from the models (`Table.select()`), so a new field is read without
anyone editing the SQL, and each row becomes real model instances (`Model.from_db`, as the ORM
does), with their methods and display helpers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model


@dataclass(frozen=True)
class Table:
    """One model's columns in a joined query, read under an alias (`f."due_at"`).

    `fields` names the only columns to read (the primary key always among them), for a row a
    page shows a few words of: the others are deferred, as `.only()` leaves them, so reading
    one later costs a query (a test's query count says so). Every column by default."""

    model: type[Model]
    alias: str
    fields: tuple[str, ...] = ()

    @cached_property
    def _fields(self) -> list:
        concrete = self.model._meta.concrete_fields
        if not self.fields:
            return list(concrete)
        wanted = {self.model._meta.pk.attname, *self.fields}
        chosen = [field for field in concrete if field.attname in wanted]
        unknown = wanted - {field.attname for field in chosen}
        if unknown:
            raise ValueError(f"{self.model.__name__} has no column {sorted(unknown)}")
        return chosen

    @cached_property
    def attnames(self) -> tuple[str, ...]:
        return tuple(field.attname for field in self._fields)

    @cached_property
    def _pk_index(self) -> int:
        return self.attnames.index(self.model._meta.pk.attname)

    @cached_property
    def _converters(self) -> list[tuple[int, list, object]]:
        """What the ORM's compiler would apply to each column (a JSONField decodes its text)."""
        found = []
        for index, field in enumerate(self._fields):
            column = field.get_col(self.model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + field.get_db_converters(
                connection
            )
            if converters:
                found.append((index, converters, column))
        return found

    def select(self) -> str:
        return ", ".join(f'{self.alias}."{field.column}"' for field in self._fields)

    def load(self, values: Sequence) -> Model | None:
        """The instance these values describe; None when an outer join found no row."""
        if values[self._pk_index] is None:
            return None
        if self._converters:
            values = list(values)
            for index, converters, column in self._converters:
                for convert in converters:
                    values[index] = convert(values[index], column, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


def select_list(tables: Sequence[Table]) -> str:
    """The SELECT list of a joined read: every table's columns, in the order `joined_rows`
    reads them back."""
    return ", ".join(table.select() for table in tables)


def joined_rows(
    sql: str | Prepared, params: dict, tables: Sequence[Table], extras: Sequence[str] = ()
) -> Iterator[tuple[list[Model | None], dict]]:
    """Run `sql`, whose select list is each table's `select()` in order, then the `extras`
    columns; yield each row as (its instances, in the tables' order; its extras by name)."""
    widths = [len(table.attnames) for table in tables]
    with connection.cursor() as cursor:
        if isinstance(sql, Prepared):
            sql.execute(cursor, params)
        else:
            cursor.execute(sql, params)
        for values in cursor.fetchall():
            instances, start = [], 0
            for table, width in zip(tables, widths, strict=True):
                instances.append(table.load(values[start : start + width]))
                start += width
            yield instances, dict(zip(extras, values[start:], strict=True))


class Prepared:
    """A statement PostgreSQL keeps planned for the connection (PREPARE, then EXECUTE).

    For the reads of a page opened all day whose SQL takes longer to plan than to run (the
    candidate page's candidate with its applications: 0.8 ms planning, 0.1 ms running). After
    five executions PostgreSQL keeps a generic plan and stops planning it. The PREPARE goes in
    the same round trip as the first EXECUTE on each connection; a prepared statement outlives
    a rolled-back transaction, and a schema change makes PostgreSQL plan it again. Not for a
    pooler that hands one client several server connections (PgBouncer in transaction mode).

    PostgreSQL keeps the generic plan only when it looks no dearer than planning each run
    afresh; where it does not, it plans every EXECUTE as if nothing were prepared (Today's
    follow-up rows: 4.9 ms planning for 1.9 ms running, each visit). `generic=True` says this
    statement's generic plan is the one to run (written so: each probe an index probe whatever
    the values): outside a transaction its EXECUTE goes with a SET LOCAL of plan_cache_mode in
    one implicit transaction, so the setting ends with it. Inside one (atomic) the SET LOCAL
    would outlive the statement, so it runs as PostgreSQL chooses.
    """

    def __init__(self, name: str, sql: str, *, generic: bool = False):
        self.name = name
        self.original = sql
        self.names: list[str] = []
        self.sql = re.sub(r"%\((\w+)\)s", self._positional, sql)
        arguments = ", ".join(f"%({name})s" for name in self.names)
        self.run = f"EXECUTE {{}}({arguments})" if arguments else "EXECUTE {}"
        self.generic = generic

    def _positional(self, match: re.Match) -> str:
        if match.group(1) not in self.names:
            self.names.append(match.group(1))
        return f"${self.names.index(match.group(1)) + 1}"

    def execute(self, cursor, params: dict) -> None:
        if connection.vendor != "postgresql":
            cursor.execute(self.original, params)
            return
        prepared, numbers = _prepared_on(connection)
        generic = GENERIC_PLAN if self.generic and not connection.in_atomic_block else ""
        if self.name in prepared:
            cursor.execute(generic + self.run.format(prepared[self.name]), params)
            return
        # A number per attempt: a PREPARE that went through in a round trip that then failed
        # leaves its name taken, and the next attempt must not collide with it.
        server_name = f"{self.name}_{next(numbers)}"
        run = self.run.format(server_name)
        cursor.execute(f"PREPARE {server_name} AS {self.sql}; {generic}{run}", params)
        prepared[self.name] = server_name


# Several statements in one round trip run as one implicit transaction, which SET LOCAL lasts.
GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan; "


def _prepared_on(wrapper) -> tuple[dict[str, str], Iterator[int]]:
    """The statements prepared on the wrapper's current server connection, by the name the
    code gives them (a reconnect starts afresh: the old connection is held, so `is` cannot
    mistake a new one for it)."""
    raw = wrapper.connection
    held = getattr(wrapper, "_prepared_statements", None)
    if held is None or held[0] is not raw:
        held = (raw, {}, itertools.count(1))
        wrapper._prepared_statements = held
    return held[1], held[2]
