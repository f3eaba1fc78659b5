"""The progress page's header and shell written in Python (the progress_header, progress_shell
and progress_placeholder filters), as the candidate page's pipelines are (candidates.page_html).

The shell is what a leader's visit waits for before the parts load, and its template made some
sixty lookups, escapes and filter calls a visit: about a fifth of the request beyond what any
page costs. Here what people typed (a role's title and location, a company's name, a
recruiter's or leader's name and email, a status reason) is escaped once each, and the status
label is read from a dict built once. The bytes are the template's own, its blank lines
included.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from hiring_leaders.models import Requisition
from hiring_leaders.progress import Forecast
from recruitcrm.jinja2 import pluralize, strftime, url

STATUS_LABELS = dict(Requisition.Status.choices)


def progress_header(requisition: Requisition, read_only: bool) -> Markup:
    """`requisition|progress_header(read_only)`: the way back (to the leader's list, or the
    recruiter's own page of the role) and the role's title, status, company and recruiter."""
    if read_only:
        back = (
            '  <p class="alert alert--info as-leader">You are seeing this page as '
            f"{escape(requisition.hiring_leader.name)} sees it. Nothing here can be changed from "
            f'this view. <a href="{url("clients:requisition_detail", requisition.pk)}">'
            "Back to the requisition</a></p>"
        )
        analytics = url("analytics:requisition", requisition.pk)
    else:
        back = (
            f'  <p class="breadcrumb"><a href="{url("hiring_leaders:requisition_list")}">'
            "← My requisitions</a></p>"
        )
        analytics = url("analytics:leader_requisition", requisition.pk)
    status = requisition.status
    where = f"{escape(requisition.company.name)}"
    if requisition.location:
        where += f" · {escape(requisition.location)}"
    recruiter = requisition.recruiter
    contact = f" · Recruiter: {escape(recruiter.name)}"
    if recruiter.email:
        email = escape(recruiter.email)
        contact += f' (<a href="mailto:{email}">{email}</a>)'
    return Markup(
        f"\n\n{back}\n\n\n"
        '<div class="page-header progress-header">\n'
        "  <div>\n"
        '    <div class="candidate-header__title">\n'
        f"      <h1>{escape(requisition.title)}</h1>\n"
        f'      <span class="badge badge--{escape(status)}">'
        f"{escape(STATUS_LABELS.get(status, status))}</span>\n"
        "    </div>\n"
        f'    <p class="page-header__sub">{where}{contact}</p>\n'
        "  </div>\n"
        '  <div class="page-header__actions">\n'
        f'    <a class="button button--small" href="{analytics}">Pipeline analytics</a>\n'
        "  </div>\n"
        "</div>\n"
    )


def progress_shell(
    requisition: Requisition,
    *,
    read_only: bool,
    overdue: int,
    overdue_days: int,
    days_open: int,
    forecast: Forecast | None,
) -> Markup:
    """`requisition|progress_shell(...)`: what the shell shows above its parts: why the role is
    held or closed, the leader's part of the intake, who waits on the leader, the status and
    days open, the time-to-fill forecast that stands."""
    # The blank lines between the blocks are the template's.
    return Markup(
        f"\n\n{_status_reason(requisition)}\n{_intake(requisition, read_only)}\n\n"
        f"{_waiting(overdue, overdue_days)}\n\n{_stats(requisition, days_open)}\n"
        f"{_forecast(forecast, closed=requisition.closed_on is not None)}\n"
    )


def progress_placeholder(address: str, name: str, title: str) -> Markup:
    """`part_urls.pipeline|progress_placeholder("pipeline", title)`: where a part will show:
    htmx loads it in place; without JavaScript, its link opens it."""
    address, title = escape(address), escape(title)
    return Markup(
        f'<section class="panel progress-part" id="{escape(name)}" aria-label="{title}" '
        f'data-hx-get="{address}" data-hx-trigger="load" data-hx-swap="outerHTML">\n'
        f'    <p class="progress-part__loading"><a href="{address}">{title}</a></p>\n'
        "  </section>"
    )


def _status_reason(requisition: Requisition) -> str:
    status = requisition.status
    if status == "open" or not requisition.status_reason:
        return ""
    tone = "warning" if status == "on_hold" else "info"
    return (
        f'\n  <p class="alert alert--{tone}">{escape(STATUS_LABELS.get(status, status))}: '
        f"{escape(requisition.status_reason)}</p>\n"
    )


def _intake(requisition: Requisition, read_only: bool) -> str:
    # The leader's own part of the intake (hiring_leaders.intake_views.leader_intake).
    if read_only:
        return (
            f'\n  <p class="progress-intake muted">{escape(requisition.hiring_leader.first_name)}'
            " sees a link here to fill their part of the intake: why the role is open, what the "
            "team is short of, success at 30/60/90 days, the must-haves.</p>\n"
        )
    return (
        f'\n  <p class="progress-intake"><a href="{url("hiring_leaders:intake", requisition.pk)}">'
        "Your part of the intake</a>: why the role is open, what the team is short of, what "
        "success looks like, the must-haves.</p>\n"
    )


def _waiting(overdue: int, overdue_days: int) -> str:
    if not overdue:
        return ""
    return (
        '\n  <section class="alert alert--warning waiting" aria-labelledby="waiting-title">\n'
        '    <h2 id="waiting-title" class="waiting__title">Waiting on you</h2>\n'
        f"    <p>{overdue} candidate{pluralize(overdue)} {'has' if overdue == 1 else 'have'} "
        f"waited {overdue_days} days or more for your feedback. They head the list of "
        '<a href="#submitted">candidates submitted to you</a> below, the longest wait first. '
        "Your recruiter can only move them on, or tell them kindly, once you say.</p>\n"
        "  </section>\n"
    )


def _stats(requisition: Requisition, days_open: int) -> str:
    status = requisition.status
    if requisition.closed_on:
        since = f" (closed {strftime(requisition.closed_on, '%-d %b %Y')})"
    else:
        opened = requisition.opened_on
        since = (
            f' since <time datetime="{opened.isoformat()}">{strftime(opened, "%-d %b %Y")}</time>'
        )
    return (
        '<ul class="stats stats--progress stats--shell">\n'
        f'  <li class="stat"><span class="stat__value">{escape(STATUS_LABELS.get(status, status))}'
        '</span><span class="stat__label">Status</span></li>\n'
        f'  <li class="stat"><span class="stat__value">{days_open}</span>'
        f'<span class="stat__label">Day{pluralize(days_open)} open{since}</span></li>\n'
        "</ul>\n"
    )


def _forecast(forecast: Forecast | None, *, closed: bool) -> str:
    """The time-to-fill range that stands (progress.requisition_forecast): a bar from the day
    the role opened, the range shaded, today (or the fill) marked. Numbers and dates only."""
    if not forecast:
        return ""
    if forecast.revised:
        title = f"Revised forecast ({strftime(forecast.made_on, '%-d %b %Y')})"
    else:
        title = "Forecast at intake"
    where, day = forecast.where, forecast.day
    if closed:
        if where == "past":
            against = f", {day - forecast.high_days} past the range"
        elif where == "before":
            against = ", sooner than the range"
        else:
            against = ", inside the range"
        said = f"It took {day} days{against}.\n      "
    elif where == "past":
        late = day - forecast.high_days
        said = (
            f"Today is day {day}: {late} day{pluralize(late)} past the range. "
            "Your recruiter owes you a new estimate.\n      "
        )
    elif where == "before":
        early = forecast.low_days - day
        said = f"Today is day {day}: {early} day{pluralize(early)} before the range starts.\n      "
    else:
        said = f"Today is day {day}: inside the range."
    low_share = forecast.low_share
    return (
        '\n  <section class="forecast" aria-labelledby="forecast-title">\n'
        f'    <h2 id="forecast-title" class="forecast__title">{title}</h2>\n'
        f"    <p>Filled between <strong>{strftime(forecast.earliest, '%-d %b')}</strong> and "
        f"<strong>{strftime(forecast.latest, '%-d %b %Y')}</strong> "
        f"({forecast.low_days} to {forecast.high_days} days).\n      {said}</p>\n"
        '    <svg class="forecast-bar" viewBox="0 0 100 14" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">\n'
        '      <rect class="forecast-bar__track" x="0" y="4" width="100" height="6"/>\n'
        f'      <rect class="forecast-bar__range" x="{low_share}" y="2" '
        f'width="{max(forecast.high_share - low_share, 0.5)}" height="10"/>\n'
        f'      <rect class="forecast-bar__today forecast-bar__today--{where}" '
        f'x="{max(forecast.share - 0.4, 0)}" y="0" width="0.8" height="14"/>\n'
        "    </svg>\n"
        "  </section>\n"
    )
