"""The bench's own PostgreSQL database, holding the large data set, generated once.

What the database holds is written on it as a comment (`COMMENT ON DATABASE`): the number of
candidates, the seed, a fingerprint of the generator's code, when and how fast it was built. A
later run that asks for the same finds it there and reuses it; anything else (another size or
seed, a changed generator, a database without the comment) is dropped and built again. Only a
database whose name says "bench" is ever dropped.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

import sample_data

MARK = "recruitcrm bench data set"
GENERATOR_FILES = ("dataset.py", "dataset_followups.py", "demo_data.py")


class NotABenchDatabase(Exception):
    pass


@dataclass(frozen=True)
class Loaded:
    """What the bench database holds, as its comment says."""

    candidates: int
    seed: int
    generator: str
    generated_at: datetime
    seconds: float  # generate_dataset's wall time
    vacuum_seconds: float

    def holds(self, *, candidates: int, seed: int, generator: str) -> bool:
        return (self.candidates, self.seed, self.generator) == (candidates, seed, generator)


def generator_fingerprint() -> str:
    """Changes whenever the code that draws the data set does, so old data is never reused."""
    digest = hashlib.sha256()
    for name in GENERATOR_FILES:
        digest.update((Path(sample_data.__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]


def mark_text(loaded: Loaded) -> str:
    return (
        f"{MARK}: candidates={loaded.candidates} seed={loaded.seed} "
        f"generator={loaded.generator} generated={loaded.generated_at:%Y-%m-%dT%H:%M:%SZ} "
        f"seconds={loaded.seconds:.1f} vacuum={loaded.vacuum_seconds:.1f}"
    )


def parse_mark(text: str | None) -> Loaded | None:
    if not text or not text.startswith(MARK + ":"):
        return None
    fields = dict(re.findall(r"(\w+)=(\S+)", text))
    try:
        return Loaded(
            candidates=int(fields["candidates"]),
            seed=int(fields["seed"]),
            generator=fields["generator"],
            generated_at=datetime.strptime(fields["generated"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=UTC
            ),
            seconds=float(fields["seconds"]),
            vacuum_seconds=float(fields["vacuum"]),
        )
    except (KeyError, ValueError):
        return None


def dataset_once(*, candidates: int, seed: int, out: TextIO) -> tuple[Loaded, bool]:
    """The data set of `candidates` people drawn from `seed`, built unless already there.

    Returns what the database holds and whether it was reused; progress goes to `out`.
    """

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        raise NotABenchDatabase(
            f"the bench drops and rebuilds its database: it needs PostgreSQL and a database "
            f"whose name contains 'bench', not {name!r}"
        )
    fingerprint = generator_fingerprint()
    with _server() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
    loaded = parse_mark(row[0]) if row else None
    if loaded and loaded.holds(candidates=candidates, seed=seed, generator=fingerprint):
        try:
            _migrate(say)
            return loaded, True
        except DatabaseError as error:
            # A migration renamed after it ran here, say: building again beats guessing.
            say(f"The kept data set does not take today's migrations ({error}).")
    if row:
        say(f"{name} holds {_describe(loaded)}: dropping it to build the data set again.")
    _recreate(name)
    _migrate(say)
    loaded = _generate(candidates=candidates, seed=seed, generator=fingerprint, out=out)
    with _server() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [mark_text(loaded)])
    return loaded, False


def _describe(loaded: Loaded | None) -> str:
    if loaded is None:
        return "no data set the bench made"
    return (
        f"{loaded.candidates:,} candidates of seed {loaded.seed} from generator {loaded.generator}"
    )


@contextmanager
def _server() -> Iterator:
    """An autocommit session on the server's maintenance database, beside the bench's own."""
    db = settings.DATABASES["default"]
    options = {"USER": "user", "PASSWORD": "password", "HOST": "host", "PORT": "port"}
    params = {key: db[name] for name, key in options.items() if db.get(name)}
    server = psycopg2.connect(dbname="postgres", connect_timeout=5, **params)
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            yield cursor
    finally:
        server.close()


def _recreate(name: str) -> None:
    connection.close()
    with _server() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')


def _migrate(say) -> None:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        say(f"Applying {len(plan)} migrations…")
        call_command("migrate", interactive=False, verbosity=0)


def _generate(*, candidates: int, seed: int, generator: str, out: TextIO) -> Loaded:
    out.write(f"Generating {candidates:,} candidates (seed {seed}); this is done once.\n")
    started = time.monotonic()
    call_command("generate_dataset", candidates=candidates, seed=seed, stdout=out)
    seconds = time.monotonic() - started
    # COPY leaves the visibility map unset, so until a vacuum every index-only scan reads the
    # table too; autovacuum would get there during the bench and disturb it. Do it now, once.
    out.write("VACUUM ANALYZE…\n")
    out.flush()
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Loaded(
        candidates=candidates,
        seed=seed,
        generator=generator,
        generated_at=datetime.now(UTC),
        seconds=seconds,
        vacuum_seconds=time.monotonic() - started,
    )


def database_size() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]
