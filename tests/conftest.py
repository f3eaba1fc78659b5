import pytest
import time_machine

from tests import clock
from tests.candidates.factories import CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.recruitcrm.factories import AdminUserFactory, RecruiterFactory


def pytest_configure(config):
    # Before any test runs: the suite never sees the real date (tests/clock.py).
    clock.pin_session()


def pytest_unconfigure(config):
    clock.unpin_session()


def pytest_report_header(config):
    return f"today is pinned to {clock.session_now():%A %Y-%m-%d %H:%M %Z} (tests/clock.py)"


@pytest.fixture(params=list(clock.ANY_DAY), ids=list(clock.ANY_DAY))
def any_day(request):
    """Run the test once for each weekday and across a daylight-saving change and month ends,
    with the clock ticking from that moment. Yields the moment."""
    moment = clock.ANY_DAY[request.param]
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow by design; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def recruiter(db):
    return RecruiterFactory()


@pytest.fixture
def other_recruiter(db):
    return RecruiterFactory()


@pytest.fixture
def admin_user(db):
    return AdminUserFactory()


@pytest.fixture
def leader(db):
    """A hiring leader with a login."""
    return HiringLeaderWithLoginFactory()


@pytest.fixture
def other_leader(db):
    return HiringLeaderWithLoginFactory()


@pytest.fixture
def requisition(leader, recruiter):
    return RequisitionFactory(hiring_leader=leader, recruiter=recruiter)


@pytest.fixture
def candidate(recruiter):
    return CandidateFactory(owner=recruiter)


# The data migrations that ship default cadences and templates, in order.
DEFAULT_DATA_MIGRATIONS = [
    ("followups.migrations.0002_default_cadences", "create_defaults"),
    ("followups.migrations.0005_messages_that_keep_their_promises", "forward"),
    ("followups.migrations.0008_expectation_resets_and_where_things_stand", "forward"),
    ("followups.migrations.0014_weekly_digest", "forward"),
    ("followups.migrations.0022_ninety_day_leader_checkin", "forward"),
    ("followups.migrations.0024_quiet_cadence_named_without_its_days", "forward"),
    ("followups.migrations.0025_on_hold_note_says_who_hears_it", "forward"),
    ("followups.migrations.0026_template_written_for", "forward"),
]


@pytest.fixture
def shipped_cadences(db):
    """The cadences the data migrations ship. Tests with a real database (transactional_db,
    live_server) start from flushed tables, so they ask for this to get them back."""
    import importlib

    from django.apps import apps

    from followups.models import Cadence

    if not Cadence.objects.exists():
        for module, function in DEFAULT_DATA_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)


# --- Which test groups this machine can run -------------------------------------------------
# Tests marked postgres / redis / browser need a real server or browser. bin/test starts
# throwaway ones; whatever is missing is skipped with the Debian package to install, and with
# CI=true any skip fails the run, so CI cannot go green while quietly running less.


def _django_order(item) -> int:
    """Django's order: tests in a rolled-back transaction first, then tests that commit for real
    (their tables are flushed afterwards, taking the data migrations' rows with them), then
    tests without a database."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    commits = {"transactional_db", "live_server"} & set(fixtures)
    if transaction or reset_sequences or commits:
        return 1
    return 0 if (marker or "db" in fixtures) else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    from django.db import connection

    from tests import services

    # pytest-django sorts like this too, but pytest then regroups tests by session-scoped
    # parametrised fixtures (Playwright's browser_name) and moved the browser tests, which flush
    # every table, in front of hundreds of ordinary database tests. Sort again, last; the sort is
    # stable, so pytest's grouping inside each kind survives.
    items.sort(key=_django_order)

    unavailable = set()
    if connection.vendor != "postgresql":
        unavailable.add("postgres")
    if any(item.get_closest_marker("redis") for item in items) and not services.redis_answers(
        services.redis_url()
    ):
        unavailable.add("redis")
    if any(item.get_closest_marker("browser") for item in items) and not services.chromium_path():
        unavailable.add("browser")
    if not services.page_checkers_present():
        unavailable.add("page_checkers")
    for item in items:
        reasons = [
            services.SKIP_REASONS[marker]
            for marker in sorted(unavailable)
            if item.get_closest_marker(marker)
        ]
        if reasons:
            item.add_marker(pytest.mark.skip(reason="; and ".join(reasons)))


_skipped_tests: list[str] = []


def _note_skip(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped_tests.append(report.nodeid)


def pytest_runtest_logreport(report):
    _note_skip(report)


def pytest_collectreport(report):
    _note_skip(report)


def pytest_sessionfinish(session, exitstatus):
    from tests import services

    if services.running_in_ci() and _skipped_tests and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests import services

    skipped = _skipped_tests
    if services.running_in_ci() and skipped:
        terminalreporter.section("CI forbids skipped tests", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            f"CI is set and {len(skipped)} test(s) were skipped; in CI every test must run. "
            "Install what the skip reasons above name, or fix the test:",
            red=True,
        )
        for nodeid in skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)
