"""Every number of the pipeline analytics on a fixture worked out by hand (see the comments)."""

from __future__ import annotations

import datetime

import pytest

from candidates import analytics
from candidates.models import Application
from recruitcrm.analytics import Filters

pytestmark = pytest.mark.django_db

S = Application.Stage
REJECTED, WITHDRAWN = Application.Outcome.REJECTED, Application.Outcome.WITHDRAWN
RANGE = Filters(start=datetime.date(2025, 12, 5), end=datetime.date(2026, 3, 4))


def mine(requisition):
    return analytics.Scope(filters=RANGE, requisition_id=requisition.pk)


def test_funnel_counts_everyone_who_reached_each_stage_with_the_share_of_the_stage_before(
    pipeline_history,
):
    rows = analytics.funnel(mine(pipeline_history[0]))

    assert [(r.stage, r.reached, r.share_of_previous) for r in rows] == [
        ("sourced", 7, None),
        ("contacted", 5, 71),  # all but the one still sourced and the one rejected there
        ("screened", 4, 80),  # the one who skipped to submitted passed screening too
        ("submitted", 3, 75),
        ("interviewing", 1, 33),
        ("offer", 1, 100),
        ("hired", 1, 100),
    ]


def test_drop_outs_are_counted_at_the_stage_they_closed_in(pipeline_history):
    rows = {r.stage: r for r in analytics.funnel(mine(pipeline_history[0]))}

    assert (rows["sourced"].rejected_here, rows["sourced"].withdrew_here) == (1, 0)
    assert (rows["contacted"].rejected_here, rows["contacted"].withdrew_here) == (0, 1)
    assert rows["screened"].rejected_here == 1
    assert rows["submitted"].rejected_here == 1
    assert rows["submitted"].dropped_share == 33  # 1 of the 3 who reached it
    assert rows["sourced"].active_here == 1


def test_time_in_each_stage_is_the_median_and_90th_percentile_of_finished_stays(pipeline_history):
    times = {
        t.stage: (t.stays, t.median_days, t.p90_days)
        for t in analytics.time_in_stage(mine(pipeline_history[0]))
    }

    # sourced: 2, 1, 4, 2, 1, 4 days (the one still sourced is not finished)
    assert times["sourced"] == (6, pytest.approx(2.0), pytest.approx(4.0))
    # contacted: 4, 2, 1 -> p90 = 2 + 0.8 * (4 - 2)
    assert times["contacted"] == (3, pytest.approx(2.0), pytest.approx(3.6))
    # screened: 1, 6
    assert times["screened"] == (2, pytest.approx(3.5), pytest.approx(5.5))
    # submitted: 4, 3 (the one waiting now is not finished)
    assert times["submitted"] == (2, pytest.approx(3.5), pytest.approx(3.9))
    assert times["interviewing"] == (1, pytest.approx(8.0), pytest.approx(8.0))
    assert times["offer"] == (1, pytest.approx(2.0), pytest.approx(2.0))
    assert "hired" not in times


def test_reasons_are_grouped_most_frequent_first_with_the_leaders_passes(pipeline_history):
    reasons = analytics.drop_out_reasons(mine(pipeline_history[0]))

    assert [(r.kind_label, r.reason, r.count) for r in reasons.rows] == [
        ("We rejected", "Not enough Python", 2),
        ("Leader passed", "Skills or experience do not fit", 1),
        ("We rejected", "Leader passed", 1),
        ("Candidate withdrew", "Took another offer", 1),
    ]
    assert reasons.more == 0


def test_only_the_most_frequent_reasons_are_read_for_the_page(pipeline_history):
    reasons = analytics.drop_out_reasons(mine(pipeline_history[0]), limit=2)

    assert len(reasons.rows) == 2
    assert reasons.more == 2


def test_source_of_hire_counts_hires_made_in_the_range(pipeline_history):
    sources = analytics.source_of_hire(mine(pipeline_history[0]))

    assert [(s.label, s.hires, s.share) for s in sources] == [
        ("LinkedIn", 1, 50),  # added last June, hired 10 January
        ("Referral", 1, 50),
    ]


def test_feedback_wait_runs_from_submission_to_the_leaders_first_word(
    pipeline_history, analytics_now
):
    wait = analytics.feedback_wait(mine(pipeline_history[0]), now=analytics_now)

    # 3 days (advanced), 2 days (passed), 8 days and counting: p90 = 3 + 0.8 * (8 - 3)
    assert wait.submissions == 3
    assert wait.median_days == pytest.approx(3.0)
    assert wait.p90_days == pytest.approx(7.0)
    assert wait.still_waiting == 1
    assert wait.overdue_now == 1


def test_filters_by_recruiter_and_company(
    pipeline_history, requisition, other_recruiter, analytics_now
):
    by_recruiter = analytics.Scope(
        filters=Filters(RANGE.start, RANGE.end, recruiter_id=other_recruiter.pk)
    )
    by_company = analytics.Scope(
        filters=Filters(RANGE.start, RANGE.end, company_id=requisition.company_id)
    )
    everyone = analytics.Scope(filters=RANGE)

    assert [s.label for s in analytics.source_of_hire(by_recruiter)] == ["Event"]
    assert analytics.funnel(by_recruiter)[0].reached == 1
    assert analytics.funnel(by_company)[0].reached == 7
    assert analytics.funnel(everyone)[0].reached == 8
    assert sum(s.hires for s in analytics.source_of_hire(everyone)) == 3


def test_the_date_range_chooses_the_candidates_added_in_it(pipeline_history):
    february_first = Filters(datetime.date(2026, 2, 1), datetime.date(2026, 2, 1))
    rows = analytics.funnel(
        analytics.Scope(filters=february_first, requisition_id=pipeline_history[0].pk)
    )

    assert rows[0].reached == 5  # added on 1 February


def test_an_empty_agency_has_zeros_and_no_medians(analytics_now, db):
    figures = analytics.pipeline_analytics(analytics.Scope(filters=RANGE), now=analytics_now)

    assert figures.added == 0
    assert all(row.reached == 0 for row in figures.funnel)
    assert all(t.median_days is None for t in figures.stage_times)
    assert figures.sources == []
    assert figures.reasons.rows == []
    assert figures.feedback.submissions == 0
    assert figures.feedback.median_days is None
