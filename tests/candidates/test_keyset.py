"""Cursors for keyset pages: what goes in comes back out, and anything else is refused."""

from __future__ import annotations

import datetime

import pytest

from candidates.keyset import KeyPart, cursor_decode, cursor_encode

NAME = (KeyPart("last", str), KeyPart("first", str), KeyPart("id", int))
WHEN = (KeyPart("when", datetime.datetime), KeyPart("id", int))


def test_a_cursor_round_trips_names_with_any_characters():
    values = ["Ó'Brien, “Jr”", "Zoë 🙂", 42]

    assert cursor_decode(cursor_encode(values), NAME) == values


def test_a_cursor_round_trips_an_aware_time():
    moment = datetime.datetime(2026, 3, 4, 9, 30, 15, 123456, tzinfo=datetime.UTC)

    assert cursor_decode(cursor_encode([moment, 7]), WHEN) == [moment, 7]


def test_a_cursor_is_url_safe():
    cursor = cursor_encode(["a/b+c=d?", "&", 1])

    assert all(ch.isalnum() or ch in "-_" for ch in cursor)


@pytest.mark.parametrize(
    ("values", "parts"),
    [
        (["Smith", "Ann"], NAME),  # too short
        (["Smith", "Ann", "42"], NAME),  # id as text
        (["Smith", "Ann", True], NAME),  # a bool is not an id
        (["Smith", "Ann", 2**70], NAME),  # beyond a bigint
        (["2026-03-04T09:30:00", 1], WHEN),  # naive time
        (["not a time", 1], WHEN),
        ([123, 1], WHEN),
        ([None, "Ann", 1], NAME),
    ],
)
def test_a_cursor_with_the_wrong_shape_is_refused(values, parts):
    assert cursor_decode(cursor_encode(values), parts) is None


@pytest.mark.parametrize("cursor", ["", "!!!", "e30", "bm90IGpzb24", "W10"])
def test_garbage_is_refused(cursor):
    assert cursor_decode(cursor, NAME) is None
