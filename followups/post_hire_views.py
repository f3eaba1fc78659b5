"""The post-hire analytics page (issue 9 §4): check-in scores, concerns by theme and whether each
hire solved the problem stated at intake, for recruiters (their own figures) and admins (anyone's).
Thin: the figures are followups.post_hire's, kept in the cache by candidates.analytics_snapshots;
the filters and CSV are the shared frame's. The CSV is counted afresh and has every row."""

from __future__ import annotations

from collections.abc import Iterable

from candidates import analytics_snapshots
from followups import post_hire
from recruitcrm.access import recruiter_required
from recruitcrm.analytics import AnalyticsFilterForm, Filters, csv_response, export_requested
from recruitcrm.rendering import render

PAGE = "followups/post_hire.html"
EXPORTS = (
    "scores-by-company",
    "scores-by-recruiter",
    "concerns-by-company",
    "concerns-by-recruiter",
    "solved",
)


@recruiter_required
def post_hire_analytics(request):
    form = AnalyticsFilterForm.for_request(request)
    filters = form.filters
    table = export_requested(request, EXPORTS)
    if table:
        header, rows = _export(table, filters)
        return csv_response(filename=f"{table}-{filters.slug}.csv", header=header, rows=rows)
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    # Counted in the request on a miss (tens of milliseconds even for the whole agency), then
    # kept like the other analytics pages' figures and refreshed by beat for the default views.
    snapshot = analytics_snapshots.post_hire(filters, page=page)
    figures = snapshot.figures
    context = {
        "form": form,
        "filters": filters,
        "reading": analytics_snapshots.Reading(snapshot),
        "figures": figures,
        "scores": figures.scores,
        "outcomes": figures.outcomes,
        "answers": figures.answers,
        "page": figures.page,
        "last_page": figures.last_page,
        "first_shown": figures.first_shown,
    }
    return render(request, PAGE, context)


def _export(table: str, filters: Filters) -> tuple[list[str], Iterable]:
    by = "Company" if table.endswith("company") else "Recruiter"
    if table.startswith("scores"):
        scores = post_hire.checkin_scores(filters)
        rows = scores.by_company if by == "Company" else scores.by_recruiter
        header = [by] + [
            f"{step.label} {what}" for step in scores.steps for what in ("average", "answers")
        ]
        return header, (
            [row.name]
            + [v for step in scores.steps for v in (row.cell(step).average, row.cell(step).count)]
            for row in [*rows, scores.total]
        )
    if table.startswith("concerns"):
        outcomes = post_hire.post_hire_outcomes(filters)
        rows = outcomes.by_company if by == "Company" else outcomes.by_recruiter
        header = [by, "Concerns"]
        for theme in post_hire.THEMES:
            header += [theme.label, f"{theme.label} %"]
        header += ["Not tagged", "Solved: yes", "Solved: partly", "Solved: no"]
        return header, (_concern_line(row) for row in [*rows, outcomes.total])
    header = [
        "Answered",
        "Candidate",
        "Requisition",
        "Company",
        "Recruiter",
        "Hiring leader",
        "Why the role was open",
        "What the team was short of",
        "Success at 90 days",
        "Solved the problem",
        "Comment",
    ]
    return header, (
        [
            f"{a.answered_at:%Y-%m-%d}",
            a.candidate_name,
            a.requisition_title,
            a.company_name,
            a.recruiter_name,
            a.leader_name,
            a.why_open_label,
            a.team_short_of,
            a.success_90_days,
            a.answer_label,
            a.comment,
        ]
        for a in post_hire.solved_answers_all(filters)
    )


def _concern_line(row: post_hire.OutcomeRow) -> list:
    line = [row.name, row.concerns]
    for theme in row.themes:
        line += [theme.count, theme.share]
    return [*line, row.untagged, row.solved["yes"], row.solved["partly"], row.solved["no"]]
