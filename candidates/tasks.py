"""Thin Celery wrappers around the candidates services. Each is safe to run twice: a second run
finds the import already checked, claimed or written and leaves it alone."""

from __future__ import annotations

import logging
import time

from celery import shared_task

from candidates.imports import (
    candidate_import_check,
    candidate_import_commit,
    candidate_import_fail,
)
from candidates.models import CandidateImport

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "Something went wrong on our side, so nothing was imported. Upload the file again; if it "
    "happens twice, tell your admin (the worker's log has the error)."
)


def _candidate_import(candidate_import_id: int) -> CandidateImport | None:
    return CandidateImport.objects.select_related("owner").filter(pk=candidate_import_id).first()


@shared_task(ignore_result=True, acks_late=True)
def check_candidate_import(candidate_import_id: int) -> str:
    """Check the rows of a large upload so its preview can be shown."""
    candidate_import = _candidate_import(candidate_import_id)
    if candidate_import is None:
        return "gone"
    started = time.monotonic()
    try:
        candidate_import = candidate_import_check(
            candidate_import=candidate_import, by=candidate_import.owner
        )
    except Exception:
        logger.exception("checking import %s failed", candidate_import_id)
        candidate_import_fail(candidate_import=candidate_import, reason=UNEXPECTED_FAILURE)
        return CandidateImport.Status.FAILED
    logger.info(
        "import %s: checked %s rows in %.1f s",
        candidate_import_id,
        candidate_import.row_count,
        time.monotonic() - started,
    )
    return candidate_import.status


@shared_task(ignore_result=True, acks_late=True)
def import_candidates(candidate_import_id: int) -> str:
    """Write a confirmed import."""
    candidate_import = _candidate_import(candidate_import_id)
    if candidate_import is None:
        return "gone"
    started = time.monotonic()
    try:
        candidate_import = candidate_import_commit(
            candidate_import=candidate_import, by=candidate_import.owner, report_progress=True
        )
    except Exception:
        # The import's transaction rolled back; say so on the page rather than leave it
        # "importing" for ever.
        logger.exception("import %s failed", candidate_import_id)
        candidate_import_fail(candidate_import=candidate_import, reason=UNEXPECTED_FAILURE)
        return CandidateImport.Status.FAILED
    logger.info(
        "import %s: %s, %s rows in %.1f s",
        candidate_import_id,
        candidate_import.status,
        candidate_import.progress,
        time.monotonic() - started,
    )
    return candidate_import.status


@shared_task(ignore_result=True)
def refresh_analytics() -> int:
    """Count the analytics pages' default views again (candidates.analytics_snapshots)."""
    from candidates.analytics_snapshots import refresh_defaults

    return refresh_defaults()


@shared_task(ignore_result=True)
def count_analytics(
    kind: str,
    *,
    start: str,
    end: str,
    recruiter_id: int | None,
    company_id: int | None,
    page: int = 1,
) -> str:
    """Count one slow analytics view a page asked for (candidates.analytics_snapshots)."""
    import datetime

    from candidates.analytics_snapshots import count_view

    started = time.monotonic()
    count_view(
        kind,
        start=datetime.date.fromisoformat(start),
        end=datetime.date.fromisoformat(end),
        recruiter_id=recruiter_id,
        company_id=company_id,
        page=page,
    )
    seconds = time.monotonic() - started
    logger.info("analytics %s %s to %s counted in %.1f s", kind, start, end, seconds)
    return kind
