"""No code schedules a Celery task far ahead: far-future work lives in FollowUp rows.

With the Redis broker an ETA task beyond the visibility timeout is redelivered and can run
twice, and a lost broker loses it. This reads every module of the apps and fails on any
`eta=`, or a `countdown=` beyond a few minutes, in a Celery call.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("recruitcrm", "candidates", "hiring_leaders", "followups", "sample_data", "benchmarks")
CELERY_CALLS = {"apply_async", "retry", "signature", "s", "si", "delay"}
MAX_COUNTDOWN_SECONDS = 300


def celery_delays(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in CELERY_CALLS:
            continue
        for keyword in node.keywords:
            if keyword.arg in ("eta", "countdown", "expires_at"):
                yield node.lineno, keyword


def modules():
    for app in APPS:
        yield from (ROOT / app).rglob("*.py")


@pytest.mark.parametrize("path", sorted(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_task_is_scheduled_far_ahead(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for line, keyword in celery_delays(tree):
        assert keyword.arg != "eta", f"{path}:{line} schedules a Celery task with an ETA"
        value = keyword.value
        assert isinstance(value, ast.Constant), f"{path}:{line}: countdown must be a constant"
        assert value.value <= MAX_COUNTDOWN_SECONDS, f"{path}:{line}: countdown {value.value}s"


def test_the_check_catches_an_eta():
    bad = ast.parse("send_followup.apply_async(args=[1], eta=when)\nx.retry(countdown=86400)")
    assert [k.arg for _, k in celery_delays(bad)] == ["eta", "countdown"]
