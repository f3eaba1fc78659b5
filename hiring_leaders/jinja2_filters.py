"""Filters the recruiters' requisition pages use in Jinja2 (registered by recruitcrm.jinja2):
what Django's humanize and built-in filters gave their Django templates."""

from __future__ import annotations

import functools

from django import forms
from jinja2 import pass_environment
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from candidates.form_html import control
from hiring_leaders.board_html import board_cards
from hiring_leaders.progress_html import progress_header, progress_placeholder, progress_shell


def capfirst(value: str) -> str:
    return value[:1].upper() + value[1:]


def linebreaksbr(value: str) -> Markup:
    """Each line of the text on its own line, everything escaped."""
    lines = str(value).replace("\r\n", "\n").split("\n")
    return Markup("<br>").join(escape(line) for line in lines)


def truncatechars(value: str, length: int) -> str:
    """At most `length` characters, the last an ellipsis when cut, as Django's filter."""
    value = str(value)
    return value if len(value) <= length else value[: length - 1] + "…"


def form_field(bound: forms.BoundField) -> Markup:
    """A form field as the intake pages lay it out: its label ("(optional)" when it may be left
    blank), its control, its help and its errors, the help and errors named by their ids as the
    control's aria-describedby says. Written here, not as a template macro: the intake page
    writes twenty of these a visit, and a macro call with its eight lookups and escapes cost
    more than the control itself."""
    name = bound.auto_id
    optional = "" if bound.field.required else ' <span class="field__optional">(optional)</span>'
    help_text = (
        f'<p class="field__help" id="{escape(name)}_helptext">{escape(bound.help_text)}</p>'
        if bound.help_text
        else ""
    )
    errors = bound.errors
    listed = (
        f'<ul class="errorlist" id="{escape(name)}_error">'
        + "".join(f"<li>{escape(error)}</li>" for error in errors)
        + "</ul>"
        if errors
        else ""
    )
    return Markup(
        f'<div class="field field--{escape(bound.name)}">\n'
        f'    <label for="{escape(bound.id_for_label)}">{escape(bound.label)}{optional}</label>\n'
        f"    {control(bound)}\n"
        f"    {help_text}\n"
        f"    {listed}\n"
        f"  </div>"
    )


def calibration_figures(rows, overall_name: str) -> Markup:
    """`rows|calibration_figures(overall_name)`: the calibration table's rows
    (hiring_leaders.calibration.Figures), the first the overall one (everyone's, or the one
    recruiter's) under overall_name. Written here, not in the template's loop, which made a
    dozen lookups and escapes a row for fifty rows; only the recruiters' names are text anyone
    typed."""
    return Markup(
        "".join(
            f"\n            <tr{' class="calibration-table__overall"' if n == 0 else ''}>\n"
            f'              <th scope="row">{escape(overall_name if n == 0 else f.name)}'
            f'<span class="cell-sub calibration-table__bias">{f.bias}</span></th>\n'
            f'              <td class="num">{f.judged}</td>\n'
            f'              <td class="num">{f.inside} '
            f'<span class="muted calibration-table__share">({f.inside_share}%)</span></td>\n'
            f'              <td class="num">{_median_error(f.median_error)}</td>\n'
            "            </tr>\n          "
            for n, f in enumerate(rows)
        )
    )


def _median_error(days: float | None) -> str:
    # As the template's `"%+d"|format(days|round|int)`: rounded half to even, signed.
    return f"{round(days):+d} days" if days else "0 days"


@pass_environment
def calibration_plot(env, cal, layout) -> Markup:
    """`cal|calibration_plot(layout)`: the forecast-against-actual plot
    (hiring_leaders.calibration.Calibration) as one <svg> in a layout. Wide: a group a filled
    role. Compact: its bars and marks a path each series (Plot.series), and only its words a row;
    named by the wide plot's title (read even while it is hidden), so the words for every role
    are written once. Written here, not as a template macro and loops, which made fifteen
    lookups and escapes a row for sixty rows; only the roles' titles and companies are text
    anyone typed."""
    return _plot(env, cal, layout)


# Written once per snapshot, not per visit (a millisecond for the two layouts): a Calibration
# is never changed once counted and hashes by its identity, and each process keeps the snapshot
# it reads (calibration_snapshots), so a visit finds its plot here until the next count.
@functools.lru_cache(maxsize=32)
def _plot(env, cal, layout) -> Markup:
    drawn = cal.plot(layout)
    compact = layout.name == "compact"
    title = (
        ""
        if compact
        else '<title id="cal-svg-title-wide">Each filled role\u2019s forecast range against its '
        f"actual days to fill. {escape(cal.summary)}</title>"
    )
    last = len(drawn.ticks) - 1
    ticks = "".join(
        f'\n    <line class="cal-grid" x1="{x}" y1="{layout.top - 6}" x2="{x}"'
        f' y2="{drawn.height - 4}"/>\n'
        f'    <text class="cal-axis" x="{x}" y="{layout.top - 10}"'
        f' text-anchor="{_anchor(n, last, compact)}">{tick}{" days" if n == last else ""}'
        "</text>\n  "
        for n, (tick, x) in enumerate(drawn.ticks)
    )
    if compact:
        series = drawn.series
        dots = "".join(
            f'<path class="cal-dot cal-dot--{where}" d="{series[where]}"/>'
            for where in ("inside", "late", "early")
            if series[where]
        )
        marks = (
            f'\n  <path class="cal-range" d="{series["range"]}"/>\n  {dots}\n'
            f"  {_plot_labels(env, drawn)}\n  "
        )
    else:
        marks = f"\n  {_plot_rows(env, drawn)}\n  "
    return Markup(
        f'<svg viewBox="0 0 {layout.width} {drawn.height}" role="img"'
        f' aria-labelledby="cal-svg-title-wide">\n  {title}\n  {ticks}\n  {marks}\n</svg>'
    )


def _anchor(n: int, last: int, compact: bool) -> str:
    # On a phone the axis's first and last numbers keep inside the plot's edges.
    if compact and n == 0:
        return "start"
    if compact and n == last:
        return "end"
    return "middle"


def _plot_rows(env, drawn) -> str:
    """The wide calibration plot's rows, one group a filled role: its words on hover, its name,
    its range's bar, its actual's mark (a dot inside, a square later, a triangle sooner) and the
    days off."""
    layout = drawn.layout
    delta_x = layout.width - 2
    rows = []
    for m in drawn.marks:
        p, top, xa = m.point, m.bar_top, m.xa
        where = p.where
        if where == "late":
            mark = (
                f'<rect class="cal-dot cal-dot--late" x="{xa - 5}" y="{top}" width="10"'
                ' height="10"/>'
            )
        elif where == "early":
            mark = (
                f'<path class="cal-dot cal-dot--early" d="M{xa} {top - 1} L{xa + 6} {top + 10} '
                f'L{xa - 6} {top + 10} Z"/>'
            )
        else:
            mark = f'<circle class="cal-dot cal-dot--inside" cx="{xa}" cy="{top + 5}" r="5"/>'
        rows.append(
            '\n    <g class="cal-row">\n'
            f"      <title>{escape(p.described)}</title>\n"
            f'      <text class="cal-label" x="{layout.label_x}" y="{m.label_y}">'
            f"{escape(_label(env, p.title, layout))}</text>\n"
            f'      <rect class="cal-range" x="{m.x1}" y="{top}" width="{m.bar_width}" height="10"'
            ' rx="2"/>\n'
            f"      {mark}\n"
            f'      <text class="cal-delta cal-delta--{where}" x="{delta_x}" y="{m.label_y}"'
            f' text-anchor="end">{p.delta}</text>\n'
            "    </g>"
        )
    return "".join(rows)


def _plot_labels(env, drawn) -> str:
    """The compact calibration plot's words, each role's name above its bar and its days off at
    the row's end (its bars and marks are paths, Plot.series)."""
    layout = drawn.layout
    delta_x = layout.width - 2
    return "".join(
        f'\n    <text class="cal-label" x="{layout.label_x}" y="{m.label_y}">'
        f"{escape(_label(env, m.point.title, layout))}</text>\n"
        f'    <text class="cal-delta cal-delta--{m.point.where}" x="{delta_x}" y="{m.label_y}"'
        f' text-anchor="end">{m.point.delta}</text>'
        for m in drawn.marks
    )


def _label(env, title: str, layout) -> str:
    # Jinja's own truncate, as the template's `title|truncate(label_chars, True, '…')` wrote it.
    return do_truncate(env, title, layout.label_chars, True, "…")


FILTERS = {
    "progress_header": progress_header,
    "progress_shell": progress_shell,
    "progress_placeholder": progress_placeholder,
    "calibration_figures": calibration_figures,
    "calibration_plot": calibration_plot,
    "form_field": form_field,
    "board_cards": board_cards,
    "capfirst": capfirst,
    "linebreaksbr": linebreaksbr,
    "truncatechars": truncatechars,
}
