from pathlib import Path

import pytest

from benchmarks.runner import (
    TRIVIAL_PATH,
    Plan,
    Response,
    measure,
    measure_all,
    procfile_web_command,
)

ROOT = Path(__file__).resolve().parents[2]
TIMED = {"server-timing": "total;dur=5.0, sql;dur=1.0, queries;desc=4"}
TRIVIAL = {"server-timing": "total;dur=0.3, sql;dur=0.0, queries;desc=0"}


class FakeClient:
    """Answers each path as told, and remembers what was asked."""

    def __init__(self, answers: dict[str, Response]):
        self.answers = answers
        self.asked: list[str] = []

    def get(self, path: str) -> Response:
        self.asked.append(path)
        return self.answers[path]


def client_for(page: Response) -> FakeClient:
    return FakeClient({"/page/": page, TRIVIAL_PATH: Response(200, TRIVIAL, b"ok")})


def test_a_page_is_warmed_up_then_measured_each_time_followed_by_the_trivial_view():
    client = client_for(Response(200, TIMED, b"x" * 1500))
    yardstick = []

    plan = Plan(warmup=3, runs=5, seconds_per_page=60)

    result = measure(client, "page", "/page/", plan, yardstick)

    assert client.asked == ["/page/"] * 4 + ["/page/", TRIVIAL_PATH] * 5
    assert [s.total_ms for s in result.samples] == [5.0] * 5
    assert {(s.queries, s.size) for s in result.samples} == {(4, 1500)}
    assert [s.total_ms for s in yardstick] == [0.3] * 5
    assert not result.problem
    assert not result.note


def test_a_page_that_does_not_exist_yet_is_not_built_yet_and_not_an_error():
    client = client_for(Response(404, {}, b"Not found"))

    result = measure(client, "today", "/page/", Plan(30, 200, 60), [])

    assert result.note == "not built yet (404 at /page/)"
    assert not result.problem
    assert result.samples == []
    assert client.asked == ["/page/"]


@pytest.mark.parametrize(
    ("status", "location", "problem"),
    [
        (500, "", "HTTP 500 at /page/"),
        (403, "", "HTTP 403 at /page/"),
        (302, "/accounts/login/?next=/page/", "sent to sign in (HTTP 302 at /page/)"),
    ],
)
def test_an_error_or_a_lost_session_is_a_problem(status, location, problem):
    client = client_for(Response(status, {"location": location}, b""))

    result = measure(client, "page", "/page/", Plan(30, 200, 60), [])

    assert result.problem == problem
    assert result.samples == []


def test_a_redirect_elsewhere_is_timed_and_noted():
    client = client_for(Response(302, {"location": "/candidates/", **TIMED}, b""))

    result = measure(client, "today", "/page/", Plan(1, 3, 60), [])

    assert result.note == "redirects to /candidates/"
    assert len(result.samples) == 3


def test_a_slow_page_stops_after_its_time_but_not_before_enough_runs(monkeypatch):
    ticks = iter(range(0, 10_000, 10))  # every clock reading is ten seconds later
    monkeypatch.setattr("benchmarks.runner.time.monotonic", lambda: next(ticks))
    client = client_for(Response(200, TIMED, b""))

    result = measure(client, "page", "/page/", Plan(30, 200, 60), [])

    assert client.asked.count("/page/") == 1 + 3 + 20  # warm-up: half the 60 s at most
    assert len(result.samples) == 20
    assert result.note == "stopped after 60 s"


def test_the_yardstick_gets_its_runs_even_when_no_page_is_built_yet():
    client = client_for(Response(404, {}, b""))

    results, yardstick = measure_all([("today", "/page/", client, 20)], Plan(0, 7, 60), print)

    assert results[0].note.startswith("not built yet")
    assert len(yardstick) == 7


def test_gunicorn_starts_as_the_procfile_starts_the_web_process():
    command = procfile_web_command(ROOT / "Procfile")

    assert command.startswith("exec gunicorn recruitcrm.wsgi ")
    assert "${PORT" in command
    assert "${WEB_CONCURRENCY" in command


def test_each_pages_runs_are_spread_over_rounds_of_the_whole_list():
    first = client_for(Response(200, TIMED, b"a"))
    broken = client_for(Response(500, {}, b""))
    second = client_for(Response(200, TIMED, b"b"))
    pages = [("one", "/page/", first, 20), ("broken", "/page/", broken, 20)]
    pages.append(("two", "/page/", second, 8))

    results, yardstick = measure_all(pages, Plan(2, 7, 60, rounds=3), lambda line: None)

    # Round one: the first request, the warm-up and 3 runs; then 2 and 2.
    assert first.asked == ["/page/"] * 3 + ["/page/", TRIVIAL_PATH] * 7
    assert second.asked == first.asked
    assert broken.asked == ["/page/"]  # never asked again
    assert [len(r.samples) for r in results] == [7, 0, 7]
    assert len(yardstick) == 14
    assert [r.median_target for r in results] == [20, 20, 8]


def test_a_plans_rounds_share_its_runs_and_its_time():
    plan = Plan(warmup=30, runs=200, seconds_per_page=60, rounds=3)

    shares = [plan.round(n) for n in range(3)]

    assert [p.runs for p in shares] == [67, 67, 66]
    assert [p.warmup for p in shares] == [30, 0, 0]
    assert {p.seconds_per_page for p in shares} == {20}
