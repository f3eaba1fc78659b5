"""Keyset ("seek") pagination for lists that must stay fast at a million rows.

A page is `ORDER BY k1, k2, id LIMIT n` starting just after the last row of the previous page:
`WHERE (k1, k2, id) > (last k1, last k2, last id)`. With an index on (k1, k2, id) that is one
range scan of n index entries, however deep the page: no COUNT(*) to number the pages and no
OFFSET that reads and throws away every row before it. The row comparison is written as one
SQL row value (PostgreSQL and SQLite >= 3.15 both have them), which PostgreSQL turns into a
single index bound; spelled out as `a > x OR (a = x AND …)` it would not.

The cursor is the boundary row's key values, JSON in URL-safe base64: opaque to people, short,
and stable across deploys. A cursor that does not decode is treated as no cursor.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Expression, F, Func, QuerySet, Subquery, Value


class RowBeyond(Func):
    """`(a, b, c) > (x, y, z)`, or `<` going backwards: true for rows after the boundary.

    The boundary is a cursor's values, or (`inclusive`) a subquery that selects one row of keys:
    `(a, b, c) <= (SELECT … OFFSET 4999 LIMIT 1)` stops a walk of the index where that row is.
    """

    output_field = BooleanField()

    def __init__(
        self,
        keys: Sequence[Expression],
        boundary: Sequence[Any] | Subquery,
        *,
        backwards: bool,
        inclusive: bool = False,
    ):
        if not isinstance(boundary, Subquery) and len(keys) != len(boundary):
            raise ValueError("A keyset boundary needs one value per key.")
        self.operator = ("<" if backwards else ">") + ("=" if inclusive else "")
        self.width = len(keys)
        self.subquery = isinstance(boundary, Subquery)
        right = [boundary] if self.subquery else [Value(v) for v in boundary]
        super().__init__(*keys, *right)

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        keys, right = parts[: self.width], parts[self.width :]
        # A subquery brings its own parentheses.
        right_sql = right[0] if self.subquery else f"({', '.join(right)})"
        return f"({', '.join(keys)}) {self.operator} {right_sql}", params


@dataclass(frozen=True)
class KeyPart:
    """One sort key: the name it is selected under, how to read it, and its type in a cursor."""

    name: str
    kind: type  # str, int or datetime.datetime


def cursor_encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime.datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str, parts: Sequence[KeyPart]) -> list[Any] | None:
    """The key values in a cursor, typed as `parts` says, or None if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
    except (ValueError, binascii.Error):
        return None
    if not isinstance(plain, list) or len(plain) != len(parts):
        return None
    values = []
    for value, part in zip(plain, parts, strict=True):
        typed = _typed(value, part.kind)
        if typed is None:
            return None
        values.append(typed)
    return values


def _typed(value: Any, kind: type) -> Any:
    if kind is datetime.datetime:
        if not isinstance(value, str):
            return None
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else None
    if kind is int:
        # bool is an int to Python, never to a cursor.
        return value if type(value) is int and -(2**63) <= value < 2**63 else None
    return value if isinstance(value, kind) else None


def key_values(row: Any, parts: Sequence[KeyPart]) -> list[Any]:
    """The keys of a row read as a model instance or as a dict (`QuerySet.values()`)."""
    if isinstance(row, dict):
        return [row[part.name] for part in parts]
    return [getattr(row, part.name) for part in parts]


def order_by(parts: Sequence[KeyPart], *, descending: bool) -> list:
    return [F(part.name).desc() if descending else F(part.name).asc() for part in parts]


@dataclass
class Seek:
    rows: list
    next_cursor: str = ""
    previous_cursor: str = ""
    # More rows lay beyond the page in the direction it was read: a full page.
    full: bool = False


@dataclass(frozen=True)
class WalkLimit:
    """How far a walk may go: `size` entries of `rows` (the same keys, unfiltered) from the
    boundary. Rows that match rarely then cost a bounded walk rather than the whole index."""

    rows: QuerySet
    size: int


def seek(
    rows: QuerySet,
    *,
    parts: tuple[KeyPart, ...],
    descending: bool,
    per_page: int,
    after: str = "",
    before: str = "",
    window: WalkLimit | None = None,
) -> Seek:
    """One keyset page of `rows`: after the row `after` names, before the row `before` names
    (a page back), the last page (`before="end"`), or else the first.

    With a `window`, only rows within its first `size` entries are considered: a page that is
    not `full` may then have stopped at the window's edge rather than at the end."""
    backwards = bool(before)
    boundary = cursor_decode(before or after, parts) if (before or after) else None
    reading_down = descending != backwards
    keys = [F(part.name) for part in parts]
    if boundary is not None:
        rows = rows.filter(RowBeyond(keys, boundary, backwards=reading_down))
    if window is not None:
        rows = rows.filter(_within(window, keys, parts, boundary, reading_down))
    ordered = rows.order_by(*order_by(parts, descending=reading_down))
    return seek_page(
        list(ordered[: per_page + 1]),
        parts=parts,
        per_page=per_page,
        backwards=backwards,
        from_boundary=boundary is not None,
    )


def seek_page(
    found: list, *, parts: tuple[KeyPart, ...], per_page: int, backwards: bool, from_boundary: bool
) -> Seek:
    """The page `seek` makes of the first `per_page + 1` rows read from the boundary (for a
    read written as SQL): the extra row only says there are more."""
    beyond, found = len(found) > per_page, found[:per_page]
    if backwards:
        found.reverse()
        has_previous, has_next = beyond, from_boundary
    else:
        has_previous, has_next = from_boundary, beyond
    page = Seek(found, full=beyond)
    if found and has_next:
        page.next_cursor = cursor_encode(key_values(found[-1], parts))
    if found and has_previous:
        page.previous_cursor = cursor_encode(key_values(found[0], parts))
    return page


def _within(window: WalkLimit, keys, parts, boundary, reading_down: bool) -> RowBeyond:
    """`keys <= (the keys of the window's last entry)`: PostgreSQL reads that entry once (an
    index-only scan of `size` entries) and stops the page's walk there. With fewer entries
    left than `size` the subquery finds no row and the window holds nothing."""
    edge = window.rows
    if boundary is not None:
        edge = edge.filter(RowBeyond(keys, boundary, backwards=reading_down))
    edge = edge.order_by(*order_by(parts, descending=reading_down)).values_list(
        *(part.name for part in parts)
    )[window.size - 1 : window.size]
    return RowBeyond(
        keys,
        Subquery(edge, output_field=BooleanField()),
        backwards=not reading_down,
        inclusive=True,
    )
