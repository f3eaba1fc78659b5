"""The figures `make bench` reports: samples read from Server-Timing, percentiles, the table.

Pure functions, no Django and no server, so they are tested on their own.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

# The targets issue #7 sets every page (page owners meet them; the bench only shows them).
MEDIAN_TARGET = 20  # x the trivial view's median
P95_TARGET = 40  # x the trivial view's 95th percentile
MAX_QUERIES = 10


class MissingTiming(Exception):
    """A response without the timing middleware's header: the server runs without BENCH_TIMING."""


@dataclass(frozen=True)
class Sample:
    """One response as the server timed it."""

    status: int
    total_ms: float
    sql_ms: float
    queries: int
    size: int  # bytes of the body


def parse_server_timing(header: str) -> dict[str, dict[str, str]]:
    """`total;dur=1.5, queries;desc=3` → {"total": {"dur": "1.5"}, "queries": {"desc": "3"}}.

    Enough of RFC Server-Timing for what benchmarks/timing.py writes: no commas or semicolons
    inside quoted descriptions.
    """
    metrics: dict[str, dict[str, str]] = {}
    for entry in header.split(","):
        name, *params = (part.strip() for part in entry.split(";"))
        if not name:
            continue
        values = {}
        for param in params:
            key, _, value = param.partition("=")
            values[key.strip().lower()] = value.strip().strip('"')
        metrics[name] = values
    return metrics


def sample_from(status: int, server_timing: str | None, size: int) -> Sample:
    metrics = parse_server_timing(server_timing or "")
    try:
        return Sample(
            status=status,
            total_ms=float(metrics["total"]["dur"]),
            sql_ms=float(metrics["sql"]["dur"]),
            queries=int(metrics["queries"]["desc"]),
            size=size,
        )
    except (KeyError, ValueError) as error:
        raise MissingTiming(
            f"no usable Server-Timing header ({server_timing!r}): is the server running with "
            "BENCH_TIMING=true?"
        ) from error


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value at least `fraction` of the values reach."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = math.ceil(fraction * len(ordered))
    return ordered[max(rank, 1) - 1]


@dataclass(frozen=True)
class Summary:
    runs: int
    median_ms: float
    p95_ms: float
    sql_median_ms: float
    queries_min: int
    queries_max: int
    size: int  # the median body, in bytes

    @classmethod
    def of(cls, samples: Sequence[Sample]) -> Summary:
        times = [s.total_ms for s in samples]
        queries = [s.queries for s in samples]
        return cls(
            runs=len(samples),
            median_ms=statistics.median(times),
            p95_ms=percentile(times, 0.95),
            sql_median_ms=statistics.median(s.sql_ms for s in samples),
            queries_min=min(queries),
            queries_max=max(queries),
            size=int(statistics.median(s.size for s in samples)),
        )

    def misses(self, yardstick: Summary, *, median_target: float = MEDIAN_TARGET) -> list[str]:
        """Which of the issue's targets this page misses, against the trivial view (a page
        may have a median target of its own, tighter than MEDIAN_TARGET)."""
        missed = []
        if self.median_ms > median_target * yardstick.median_ms:
            missed.append("median")
        if self.p95_ms > P95_TARGET * yardstick.p95_ms:
            missed.append("p95")
        if self.queries_max > MAX_QUERIES:
            missed.append("queries")
        return missed


@dataclass
class PageResult:
    """What one page of the list gave: samples, or why there are none."""

    name: str
    url: str = ""
    samples: list[Sample] = field(default_factory=list)
    note: str = ""  # worth saying, not an error: "not built yet", "redirects to …"
    problem: str = ""  # an error: the bench exits non-zero
    median_target: float = MEDIAN_TARGET

    @property
    def summary(self) -> Summary | None:
        return Summary.of(self.samples) if self.samples else None


def format_ms(ms: float) -> str:
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 1000:
        return f"{ms:.1f} ms"
    return f"{ms:,.0f} ms"


def format_ratio(ratio: float) -> str:
    return f"{ratio:.1f}x" if ratio < 10 else f"{ratio:,.0f}x"


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    return f"{size / 1024:.1f} KB"


def format_queries(summary: Summary) -> str:
    if summary.queries_min == summary.queries_max:
        return str(summary.queries_max)
    return f"{summary.queries_min}-{summary.queries_max}"


HEADERS = (
    "page",
    "runs",
    "median",
    "p95",
    "x median",
    "x p95",
    "SQL median",
    "queries",
    "size",
    "targets",
)


def table_rows(results: Sequence[PageResult], yardstick: Summary) -> list[tuple[str, ...]]:
    rows = [_row("trivial view (yardstick)", yardstick, yardstick, "")]
    for result in results:
        summary = result.summary
        if summary is None:
            rows.append((result.name, result.problem or result.note))
            continue
        missed = summary.misses(yardstick, median_target=result.median_target)
        verdict = "over: " + ", ".join(missed) if missed else "met"
        if result.median_target != MEDIAN_TARGET:
            verdict += f" (its median within {format_ratio(result.median_target)})"
        if result.note:
            verdict += f" ({result.note})"
        rows.append(_row(result.name, summary, yardstick, verdict))
    return rows


def _row(name: str, summary: Summary, yardstick: Summary, verdict: str) -> tuple[str, ...]:
    return (
        name,
        f"{summary.runs:,}",
        format_ms(summary.median_ms),
        format_ms(summary.p95_ms),
        format_ratio(summary.median_ms / yardstick.median_ms),
        format_ratio(summary.p95_ms / yardstick.p95_ms),
        format_ms(summary.sql_median_ms),
        format_queries(summary),
        format_size(summary.size),
        verdict,
    )


def format_table(results: Sequence[PageResult], yardstick: Summary) -> str:
    """Aligned columns; a page with no figures says why across the row."""
    rows = table_rows(results, yardstick)
    full = [HEADERS, *(row for row in rows if len(row) == len(HEADERS))]
    widths = [max(len(row[i]) for row in full) for i in range(len(HEADERS))]
    lines = []
    for row in [HEADERS, *rows]:
        if len(row) != len(HEADERS):
            lines.append(f"{row[0]:<{widths[0]}}  {row[1]}")
            continue
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1], strict=True)]
        cells.append(row[-1])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
