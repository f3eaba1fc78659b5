"""The candidate page's pipelines and post-hire check-ins, written in Python (the pipeline_rows
and checkin_placements filters), as the timeline's lines are (jinja2_filters.timeline_rows).

The template's loops made a few dozen context lookups, escapes and `get_X_display()` calls a
pipeline (each display call rebuilds its field's choices dict) and again an answer; here what
people typed (a role's title, a company's name, a close reason, a comment, a leader's name) is
escaped once each, and the labels are read from dicts built once. The bytes are the loops'
own, their indentation included.
"""

from __future__ import annotations

import functools

from markupsafe import Markup, escape

from candidates.form_html import field_block, form_errors, radio_labels
from candidates.models import Application
from candidates.selectors import PipelineEntry
from followups.models import CONCERN_THEME_CHOICES
from followups.queue.row_html import review_form
from hiring_leaders.models import Requisition
from recruitcrm.jinja2 import strftime, text, url

STAGE_LABELS = dict(Application.Stage.choices)
OUTCOME_LABELS = dict(Application.Outcome.choices)
REQUISITION_STATUS_LABELS = dict(Requisition.Status.choices)
CONCERN_THEME_LABELS = dict(CONCERN_THEME_CHOICES)
# From these stages on, the application has interviews and scorecards to open.
INTERVIEWING_STAGES = frozenset(("submitted", "interviewing", "offer", "hired"))


def pipeline_rows(rows, candidate_pk: int, csrf_input: str, relative) -> Markup:
    """`pipelines|pipeline_rows(candidate.pk, csrf_input, relative)`: each application
    (page_views.PipelineRow) with its role, its state and the forms that act on it."""
    return Markup(
        "".join(
            f'\n          <li id="application-{row.application.pk}" class="pipeline">\n'
            f"{_pipeline_head(row.application, relative)}\n"
            f"            {_pipeline_actions(row, candidate_pk, csrf_input)}\n"
            "          </li>\n        "
            for row in rows
        )
    )


def _pipeline_head(application: PipelineEntry, relative) -> str:
    role_url = url("clients:requisition_detail", application.requisition_id)
    status = ""
    if application.requisition_status != "open":
        status = application.requisition_status
        label = REQUISITION_STATUS_LABELS.get(status, status)
        status = f" · role {text(str(label).lower())}"
    interviews = ""
    if application.stage in INTERVIEWING_STAGES:
        kits = url("kits:application_interviews", application.requisition_id, application.pk)
        interviews = (
            f'<a class="button button--small button--quiet" href="{kits}">'
            "Interviews and scorecards</a>"
        )
    return (
        '            <div class="pipeline__head">\n'
        "              <div>\n"
        f'                <a class="pipeline__title" href="{role_url}">'
        f"{text(application.requisition_title)}</a>\n"
        f'                <span class="cell-sub">{text(application.company_name)}'
        f"{status}</span>\n"
        f"                {interviews}\n"
        "              </div>\n"
        '              <div class="pipeline__state">\n'
        f"                {_pipeline_state(application, relative)}\n"
        "              </div>\n"
        "            </div>"
    )


def _pipeline_state(application: PipelineEntry, relative) -> str:
    stage = STAGE_LABELS.get(application.stage, application.stage)
    if application.is_active:
        if application.stage == "hired" and application.placement_id is not None:
            when = f"starts {text(strftime(application.start_date, '%-d %b %Y'))}"
        else:
            when = f"since {relative.html(application.stage_changed_at)}"
        return (
            f'\n                  <span class="badge badge--{text(application.stage)}">'
            f"{text(stage)}</span>\n"
            f'                  <span class="cell-sub">{when}</span>\n                '
        )
    outcome = OUTCOME_LABELS.get(application.outcome, application.outcome)
    reason = f": {text(application.close_reason)}" if application.close_reason else ""
    return (
        f'\n                  <span class="badge badge--{text(application.outcome)}">'
        f"{text(outcome)}</span>\n"
        f'                  <span class="cell-sub">at {text(stage)}{reason}</span>'
        "\n                "
    )


def _pipeline_actions(row, candidate_pk: int, csrf_input: str) -> str:
    application = row.application
    forms = (row.move, row.close, row.reopen)
    if any(form is not None and form.is_bound for form in forms):
        written = _actions(*forms, application.stage, row.failed)
    else:
        written = _blank_actions(*forms, application.stage)
    # Only the addresses of the forms the row shows: open rows move and close, closed ones reopen.
    if row.move:
        actions = ((_MOVE, "move"), (_CLOSE, "close"))
    elif row.reopen:
        actions = ((_REOPEN, "reopen"),)
    else:
        return written
    for stand_in, action in actions:
        address = url(f"candidates:application_{action}", candidate_pk, application.pk)
        written = written.replace(stand_in, address)
    return written.replace(_CSRF, csrf_input)


# Stand-ins for what differs between two rows whose forms are the same blank ones: the forms'
# addresses and the CSRF token (control characters: never in a form's own HTML).
_MOVE, _CLOSE, _REOPEN, _CSRF = "\x00move\x00", "\x00close\x00", "\x00reopen\x00", "\x00csrf\x00"


@functools.lru_cache(maxsize=256)
def _blank_actions(move, close, reopen, stage: str) -> str:
    """The forms of a row that nobody has posted, written once per (blank forms, current
    stage) with stand-ins for the addresses and the token: the blank forms are shared by every
    candidate's page (page_views._blank), and writing their fields afresh (each field's id,
    value and errors asked of Django) was most of a pipeline's time."""
    return _actions(move, close, reopen, stage, "")


def _actions(move, close, reopen, stage: str, failed: str) -> str:
    if move:
        return (
            '\n              <div class="pipeline__actions">\n'
            f"{_move_form(move, stage, failed)}\n"
            f"{_close_form(close, failed)}\n"
            "              </div>\n            "
        )
    if reopen:
        return _reopen(reopen, failed)
    return ""


def _move_form(form, current: str, failed: str) -> str:
    stage, start_date = form["stage"], form["start_date"]
    stage_id, date_id = escape(stage.id_for_label), escape(start_date.id_for_label)
    options = _stage_options(tuple(form.fields["stage"].choices), stage.value(), current)
    start = start_date.value()
    start = "" if start is None else escape(start)
    invalid = error = ""
    if start_date.errors:
        invalid = f' aria-invalid="true" aria-describedby="{date_id}-error"'
        error = (
            f'<p class="field__error" id="{date_id}-error">'
            f"{Markup(' ').join(start_date.errors)}</p>"
        )
    return (
        f'                <form method="post" action="{_MOVE}" class="inline-form move-form"\n'
        f'                      data-hx-post="{_MOVE}" data-hx-swap="none">\n'
        f"                  {_CSRF}\n"
        f"                  {form_errors(form) if failed == 'move' else ''}\n"
        '                  <div class="field">\n'
        f'                    <label for="{stage_id}">Move to</label>\n'
        f'                    <select name="stage" id="{stage_id}" data-hire-date="{date_id}">\n'
        f"                      {options}\n"
        "                    </select>\n"
        "                  </div>\n"
        '                  <div class="field hire-date">\n'
        f'                    <label for="{date_id}">Start date'
        ' <span class="muted">(for a hire)</span></label>\n'
        f'                    <input type="date" name="start_date" id="{date_id}"'
        f' value="{start}"{invalid}>\n'
        f"                    {error}\n"
        "                  </div>\n"
        '                  <button type="submit" class="button button--small button--primary">'
        "Move</button>\n"
        "                </form>"
    )


@functools.lru_cache(maxsize=256)
def _stage_options(choices: tuple, chosen: str, now: str) -> str:
    """The stage select's options with one chosen and the current one marked: the same few
    dozen combinations on every visit, each written once (sixteen escapes an open application)."""
    return "".join(
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}'
        f"{' disabled' if value == now else ''}>{escape(label)}"
        f"{' (now)' if value == now else ''}</option>"
        for value, label in choices
    )


def _close_form(form, failed: str) -> str:
    failed = failed == "close"
    outcome = form["outcome"]
    error = ""
    if outcome.errors:
        error = f'<p class="field__error">{Markup(" ").join(outcome.errors)}</p>'
    return (
        f'                <details class="inline-edit"{" open" if failed else ""}>\n'
        "                  <summary>Close…</summary>\n"
        f'                  <form method="post" action="{_CLOSE}" class="action-form close-form"\n'
        f'                        data-hx-post="{_CLOSE}" data-hx-swap="none">\n'
        f"                    {_CSRF}\n"
        f"                    {form_errors(form) if failed else ''}\n"
        '                    <fieldset class="choices">\n'
        "                      <legend>Outcome</legend>\n"
        f"                      {radio_labels(outcome)}\n"
        f"                      {error}\n"
        "                    </fieldset>\n"
        f"                    {field_block(form['reason'])}\n"
        '                    <button type="submit" class="button button--small button--danger">'
        "Close the application</button>\n"
        "                  </form>\n"
        "                </details>"
    )


def _reopen(form, failed: str) -> str:
    failed = failed == "reopen"
    return (
        f'\n              <details class="inline-edit"{" open" if failed else ""}>\n'
        "                <summary>Reopen…</summary>\n"
        f'                <form method="post" action="{_REOPEN}" class="inline-form"\n'
        f'                      data-hx-post="{_REOPEN}" data-hx-swap="none">\n'
        f"                  {_CSRF}\n"
        f"                  {form_errors(form) if failed else ''}\n"
        f"                  {field_block(form['stage'])}\n"
        '                  <button type="submit" class="button button--small">Reopen</button>\n'
        "                </form>\n"
        "              </details>\n            "
    )


NO_ANSWERS = (
    '\n          <p class="placement__empty muted">No answers yet. Check-ins go by email to the'
    " new hire and the hiring leader after the start date (none whose day had passed when the"
    " hire was recorded); what they answer shows here, and a low score or a"
    " concern becomes a task for the recruiter.</p>\n        "
)


def checkin_placements(
    placements, first_name: str, user_pk, csrf_input: str, themes, candidate_url: str, relative
) -> Markup:
    """`placements|checkin_placements(candidate.first_name, user.pk, csrf_input, concern_themes,
    candidate_url, relative)`: each placement (followups.selectors.PlacementCheckIns) with its
    check-in answers, newest first; a flagged answer the viewer has not reviewed carries the
    review form, which posts back to this page."""
    new_hire = f'{text(first_name)} <span class="muted">(new hire)</span>'
    parts = []
    for item in placements:
        hire = item.application
        fell_through = ""
        if hire.fell_through_at:
            fell_through = '<span class="badge badge--red">Fell through</span> '
        answers = NO_ANSWERS
        if item.responses:
            written = "".join(
                _answer(answer, new_hire, user_pk, csrf_input, themes, candidate_url, relative)
                for answer in item.responses
            )
            answers = (
                f'\n          <ul class="list checkins">\n            {written}\n'
                "          </ul>\n        "
            )
        parts.append(
            '\n      <div class="placement">\n'
            f'        <h3 class="placement__title">{text(hire.requisition_title)}'
            f' <span class="muted">at {text(hire.company_name)}</span></h3>\n'
            '        <p class="placement__meta">\n'
            f"          {fell_through}\n"
            f"          Start date {escape(strftime(hire.start_date, '%-d %b %Y'))}\n"
            "        </p>\n"
            f"        {answers}\n"
            "      </div>\n    "
        )
    return Markup("".join(parts))


def _answer(answer, new_hire: str, user_pk, csrf_input, themes, candidate_url, relative) -> str:
    flagged = answer.raises_flag
    score = answer.score
    level = "low" if score <= 2 else "mid" if score == 3 else "high"
    who = new_hire
    if answer.audience == "hiring_leader":
        name = answer.leader_name or "Hiring leader"
        who = f'{text(name)} <span class="muted">(hiring leader)</span>'
    badge = ""
    if answer.is_concern:
        badge = '<span class="badge badge--red">Concern raised</span>'
    elif flagged:
        badge = '<span class="badge badge--red">Low score</span>'
    theme = ""
    if answer.concern_theme:
        label = CONCERN_THEME_LABELS.get(answer.concern_theme, answer.concern_theme)
        theme = f'<span class="badge badge--blue">Concern: {escape(label)}</span>'
    comment = ""
    if answer.comment:
        comment = f'<p class="checkin__comment">“{text(answer.comment)}”</p>'
    reviewed = f" · reviewed {relative.html(answer.reviewed_at)}" if answer.reviewed_at else ""
    review = ""
    if flagged and not answer.reviewed_at and answer.recruiter_id == user_pk:
        form = review_form(
            answer.followup_id, f"checkin-{answer.pk}", csrf_input, "", themes, next=candidate_url
        )
        review = f"\n                    \n                    {form}\n                  "
    return (
        f'\n              <li class="checkin{" checkin--flag" if flagged else ""}">\n'
        f'                <span class="score score--{level}" title="Score {score} out of 5">'
        f"{score}/5</span>\n"
        "                <div>\n"
        f'                  <span class="checkin__who">{who}</span>\n'
        f"                  {badge}\n"
        f"                  {theme}\n"
        f"                  {comment}\n"
        f'                  <span class="cell-sub">Answered {relative.html(answer.answered_at)}'
        f"{reviewed}</span>\n"
        f"                  {review}\n"
        "                </div>\n"
        "              </li>\n            "
    )
