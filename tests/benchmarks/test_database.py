from datetime import UTC, datetime

import pytest

from benchmarks.database import Loaded, generator_fingerprint, mark_text, parse_mark

LOADED = Loaded(
    candidates=1_000_000,
    seed=1,
    generator="0123456789ab",
    generated_at=datetime(2026, 11, 30, 3, 4, 5, tzinfo=UTC),
    seconds=245.25,
    vacuum_seconds=41.0,
)


def test_what_the_database_holds_is_written_on_it_and_read_back():
    text = mark_text(LOADED)

    assert text == (
        "recruitcrm bench data set: candidates=1000000 seed=1 generator=0123456789ab "
        "generated=2026-11-30T03:04:05Z seconds=245.2 vacuum=41.0"
    )
    assert parse_mark(text) == Loaded(**{**LOADED.__dict__, "seconds": 245.2})


@pytest.mark.parametrize(
    "comment",
    [None, "", "made by hand", "recruitcrm bench data set: candidates=10 seed=1", "recruitcrm"],
)
def test_a_database_the_bench_did_not_mark_holds_nothing_it_can_reuse(comment):
    assert parse_mark(comment) is None


def test_it_is_reused_only_for_the_same_size_seed_and_generator():
    same = {"candidates": 1_000_000, "seed": 1, "generator": "0123456789ab"}

    assert LOADED.holds(**same)
    assert not LOADED.holds(**(same | {"candidates": 100_000}))
    assert not LOADED.holds(**(same | {"seed": 2}))
    assert not LOADED.holds(**(same | {"generator": generator_fingerprint()}))


def test_the_generators_fingerprint_is_short_and_stable():
    assert generator_fingerprint() == generator_fingerprint()
    assert len(generator_fingerprint()) == 12
