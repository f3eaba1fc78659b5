"""Drive gunicorn as production runs it, sign in like a person, and time pages.

Requests are sequential and each is read whole. The figures come from the server's own
Server-Timing header (benchmarks/timing.py), so the client's and the loopback's costs are out.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from benchmarks.report import MEDIAN_TARGET, PageResult, Sample, sample_from

LOGIN_PATH = "/accounts/login/"
TRIVIAL_PATH = "/bench/trivial/"
# Enough measured runs to say something about a page that blows its time budget.
MIN_RUNS = 20


class BenchError(Exception):
    """The bench cannot go on: the server did not start, or nobody could sign in."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Client:
    """One person's browser: keeps cookies, never follows a redirect."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            for line in raw.headers.get_all("Set-Cookie") or ():
                for name, morsel in SimpleCookie(line).items():
                    self.cookies[name] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, content)
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def sign_in(self, username: str, password: str) -> None:
        page = self.get(LOGIN_PATH)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or token is None:
            raise BenchError(f"the sign-in page answered HTTP {page.status} without a form")
        form = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1).decode(),
        }
        answer = self.request("POST", LOGIN_PATH, form)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"could not sign in as {username} (HTTP {answer.status})")


def procfile_web_command(procfile: Path) -> str:
    """The `web:` line of the Procfile: the command production and bin/run start."""
    for line in procfile.read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise BenchError(f"{procfile} has no web: line")


@contextmanager
def gunicorn(*, port: int, workers: int, log: Path) -> Iterator[None]:
    """The Procfile's web process with BENCH_TIMING on, answering on `port` until the block ends."""
    env = os.environ | {
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "BENCH_TIMING": "true",
        "DEBUG": "false",
    }
    command = procfile_web_command(Path(settings.BASE_DIR) / "Procfile")
    with log.open("ab") as output:
        process = subprocess.Popen(
            ["/bin/sh", "-c", command],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_answering(process, port, log)
        yield
    finally:
        _stop(process)


def _wait_until_answering(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn stopped at start ({shlex.quote(str(log))}):\n{_tail(log)}")
        try:
            if Client(port).get(TRIVIAL_PATH).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer on port {port} within a minute:\n{_tail(log)}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # `exec` in the Procfile: this is gunicorn's master
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-30:])


@dataclass(frozen=True)
class Plan:
    warmup: int
    runs: int
    seconds_per_page: float  # a slow page stops early, after at least MIN_RUNS
    # measure_all spreads each page's runs over this many rounds of the whole list: timed in
    # one stretch, a page's median was whatever the machine was doing for that second or two,
    # and five runs of the same code put the candidate page anywhere from 5.9x to 9.2x.
    rounds: int = 1

    def round(self, number: int) -> Plan:
        """Round `number`'s share of the runs and of the time (the warm-up in the first)."""
        share, left = divmod(self.runs, self.rounds)
        return Plan(
            warmup=self.warmup if number == 0 else 0,
            runs=share + (number < left),
            seconds_per_page=self.seconds_per_page / self.rounds,
        )


def measure(
    client: Client,
    name: str,
    url: str,
    plan: Plan,
    yardstick: list[Sample],
    *,
    median_target: float = MEDIAN_TARGET,
) -> PageResult:
    """Time one page; each measured request is followed by one of the trivial view, whose
    samples go to `yardstick`, so the yardstick sees the same machine as the pages."""
    result = PageResult(name=name, url=url, median_target=median_target)
    first = client.get(url)
    if not _usable(first, result):
        return result
    started = time.monotonic()
    for _ in range(plan.warmup):
        # A page that takes seconds is warm long before its warm-up count is done.
        if time.monotonic() - started > plan.seconds_per_page / 2:
            break
        if not _usable(client.get(url), result):
            return result
    measure_more(client, result, plan, yardstick)
    return result


def measure_more(client: Client, result: PageResult, plan: Plan, yardstick: list[Sample]) -> None:
    """`plan.runs` more timed requests of a page (each followed by the trivial view's)."""
    started = time.monotonic()
    for done in range(1, plan.runs + 1):
        response = client.get(result.url)
        if not _usable(response, result):
            return
        result.samples.append(_sample(response))
        yardstick.append(_sample(client.get(TRIVIAL_PATH)))
        if _out_of_time(started, plan, done):
            result.note = f"stopped after {plan.seconds_per_page:.0f} s"
            return


def _out_of_time(started: float, plan: Plan, done: int) -> bool:
    return time.monotonic() - started > plan.seconds_per_page and done >= min(MIN_RUNS, plan.runs)


def _usable(response: Response, result: PageResult) -> bool:
    """Whether to time this page; if not, says why on the result."""
    location = response.headers.get("location", "")
    if response.status == 404:
        result.note = f"not built yet (404 at {result.url})"
        return False
    if response.status in (301, 302, 303, 307, 308):
        if location.startswith(LOGIN_PATH):
            result.problem = f"sent to sign in (HTTP {response.status} at {result.url})"
            return False
        result.note = f"redirects to {location}"
        return True
    if response.status != 200:
        result.problem = f"HTTP {response.status} at {result.url}"
        return False
    return True


def _sample(response: Response) -> Sample:
    return sample_from(response.status, response.headers.get("server-timing"), len(response.body))


def measure_all(
    pages: list[tuple[str, str, Client, float]],
    plan: Plan,
    progress: Callable[[str], None],
) -> tuple[list[PageResult], list[Sample]]:
    """Each page (name, URL, a signed-in client, its median target) timed in turn, in
    `plan.rounds` rounds of the whole list."""
    results: list[PageResult] = []
    yardstick: list[Sample] = []
    for name, url, client, median_target in pages:
        progress(f"  {name:<24} {url}")
        results.append(
            measure(client, name, url, plan.round(0), yardstick, median_target=median_target)
        )
    asked = plan.round(0).runs
    for number in range(1, plan.rounds):
        progress(f"  round {number + 1} of {plan.rounds}")
        for result, (_name, _url, client, _target) in zip(results, pages, strict=True):
            # Only a page that gave every run asked of it: not one that failed, is not built,
            # or ran out of its time.
            if len(result.samples) == asked:
                measure_more(client, result, plan.round(number), yardstick)
        asked += plan.round(number).runs
    # When no page could be timed (none built yet), the yardstick still gets its runs.
    while pages and len(yardstick) < plan.runs:
        yardstick.append(_sample(pages[0][2].get(TRIVIAL_PATH)))
    return results, yardstick
