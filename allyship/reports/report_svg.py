"""The chapter report's three charts drawn as small inline SVG straight from their
frames: participation by week, responsibilities practised by week, next steps.

Drawn here rather than through a Vega runtime so that *Download HTML* is instant, and
laid out for paper: week labels are Monday dates ("3 Aug"), thinned so they never run
together, with the year where it starts or changes. Every word is in the translator's
language (English without one) and escaped; each chart names itself (role="img",
<title>, <desc>) for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from allyship.i18n import Translator
from allyship.reports import wording
from allyship.reports.renderer import escape

WIDTH = 700
BLUE, GREEN, ORANGE, VERMILLION, GREY, INK = ("#0072B2", "#009E73", "#E69F00", "#D55E00",
                                              "#e4e4e4", "#333333")
FONT = 'font-family="system-ui, Arial, sans-serif"'
CHAR_PX = 7  # about the width of one character of a 12 px label, with room to spare


def _svg(height: int, title: str, desc: str, body: Sequence[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} '
            f'{height}" width="{WIDTH}" height="{height}" {FONT} font-size="12" '
            f'fill="{INK}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
            + "".join(body) + "</svg>")


def _weeks(values: pd.Series) -> list[date]:
    return [pd.Timestamp(v).date() for v in values]


def week_labels(weeks: Sequence[date], span: float, tr: Translator | None = None
                ) -> list[str]:
    """Each week's label ("3 Aug", with the year on the first and where it changes), or
    "" where writing it would crowd the one before: every k-th week, k chosen so that
    the longest label fits in the room of k weeks of ``span`` px."""
    if not weeks:
        return []
    tr = wording.resolve(tr)

    def label(w: date, year: int | None) -> str:
        return wording.month_day(tr, w) + (f" {w.year}" if w.year != year else "")

    full, year = [], None
    for w in weeks:
        full.append(label(w, year))
        year = w.year
    slot = span / len(weeks)
    step = max(1, -(-(max(len(t) for t in full) * CHAR_PX + 8) // max(1, int(slot))))
    out, shown_year = [], None
    for i, w in enumerate(weeks):
        if i % step:
            out.append("")
            continue
        # The year where it is first written or changes, even if its week was skipped.
        out.append(label(w, shown_year))
        shown_year = w.year
    return out


def _x_axis(weeks: Sequence[date], xs: Sequence[float], y: float, span: float,
            tr: Translator) -> list[str]:
    parts = []
    for label, x in zip(week_labels(weeks, span, tr), xs):
        if label:
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 4}" '
                         f'stroke="{INK}"/><text x="{x:.1f}" y="{y + 17}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    return parts


def participation(frame: pd.DataFrame, scope: str, tr: Translator | None = None) -> str:
    """The scope's weekly participation (points) and its 4-week average (a line)."""
    tr = wording.resolve(tr)
    _ = tr.gettext
    rows = frame[frame["is_total"]].sort_values("week")
    weeks = _weeks(rows["week"])
    left, right, top, bottom = 46, 16, 14, 190
    span = WIDTH - left - right
    n = max(1, len(weeks))
    xs = [left + span * (i + 0.5) / n for i in range(len(weeks))]

    def y(share: float) -> float:
        return bottom - (bottom - top) * float(share)

    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(tick):.1f}" '
                    f'y2="{y(tick):.1f}" stroke="{GREY}"/><text x="{left - 6}" '
                    f'y="{y(tick) + 4:.1f}" text-anchor="end">{escape(wording.share(tr, tick))}'
                    "</text>")
    average = [(x, v) for x, v in zip(xs, rows["rolling_mean"]) if pd.notna(v)]
    if len(average) > 1:
        points = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in average)
        body.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" '
                    'stroke-width="2.5"/>')
    for x, w, share in zip(xs, weeks, rows["share"]):
        if pd.notna(share):
            tip = _("Week of {day}: {share}").format(day=wording.day_month_year(tr, w),
                                                     share=wording.share(tr, share))
            body.append(f'<circle cx="{x:.1f}" cy="{y(share):.1f}" r="3.5" fill="{ORANGE}">'
                        f"<title>{escape(tip)}</title></circle>")
    body += _x_axis(weeks, xs, bottom, span, tr)
    each, average = escape(_("each week")), escape(_("4-week average"))
    # The average's key starts after the first one's words, however long they are.
    second = left + max(90, 22 + len(each) * CHAR_PX)
    body.append(f'<g font-size="11"><circle cx="{left + 6}" cy="226" r="3.5" fill="{ORANGE}"/>'
                f'<text x="{left + 14}" y="230">{each}</text>'
                f'<line x1="{second}" x2="{second + 24}" y1="226" y2="226" stroke="{BLUE}" '
                f'stroke-width="2.5"/><text x="{second + 30}" y="230">'
                f"{average}</text></g>")
    return _svg(238, _("Participation by week: {scope}").format(scope=scope),
                _("Share of active members (not away) who logged at least one action, each "
                  "week, with the 4-week average."), body)


def coverage(frame: pd.DataFrame, tr: Translator | None = None) -> str:
    """Responsibilities (rows) by week (columns): a square per week, darker for more
    actions, grey where nobody practised it."""
    tr = wording.resolve(tr)
    table = frame.pivot_table(index=["responsibility", "label"], columns="week",
                              values="actions", aggfunc="sum", fill_value=0)
    weeks = _weeks(pd.Series(table.columns))
    left, right, top, row_h = 250, 10, 6, 18
    span = WIDTH - left - right
    n = max(1, len(weeks))
    cell = span / n
    most = max(1, int(table.to_numpy().max()) if table.size else 1)
    body = []
    for r, ((number, _), counts) in enumerate(table.iterrows()):
        label = wording.responsibility_label(tr, number)
        yy = top + r * row_h
        body.append(f'<text x="{left - 6}" y="{yy + row_h - 5}" text-anchor="end">'
                    f"{escape(label[:40])}</text>")
        for i, count in enumerate(counts):
            strength = 0.25 + 0.75 * count / most
            fill = GREY if not count else BLUE
            opacity = "" if not count else f' fill-opacity="{strength:.2f}"'
            tip = tr.ngettext("{responsibility}, week of {day}: {count} action",
                              "{responsibility}, week of {day}: {count} actions",
                              int(count)).format(responsibility=label,
                                                 day=wording.day_month_year(tr, weeks[i]),
                                                 count=wording.number(tr, count))
            body.append(f'<rect x="{left + i * cell + 1:.1f}" y="{yy + 1}" '
                        f'width="{max(1.0, cell - 2):.1f}" height="{row_h - 2}" '
                        f'fill="{fill}"{opacity}><title>{escape(tip)}</title></rect>')
    bottom = top + len(table) * row_h
    body += _x_axis(weeks, [left + (i + 0.5) * cell for i in range(len(weeks))], bottom, span,
                    tr)
    return _svg(bottom + 24, tr.gettext("Responsibilities practised by week"),
                tr.gettext("One row per responsibility, one square per week: grey where "
                           "nobody practised it, darker blue for more actions."), body)


def follow_through(frame: pd.DataFrame, tr: Translator | None = None) -> str:
    """Next steps per group: done in the period, open, overdue (one bar each group)."""
    tr = wording.resolve(tr)
    _ = tr.gettext
    parts = [("done", _("{count} done"), GREEN), ("open", _("{count} still open"), BLUE),
             ("overdue", _("{count} overdue"), VERMILLION)]
    legend_words = [_("done"), _("still open")]
    left, right, row_h = 180, 190, 24  # the counts are written right of the bars
    span = WIDTH - left - right
    rows = list(frame.itertuples(index=False))
    most = max([1] + [int(r.done) + int(r.open) for r in rows])
    body = []
    for i, r in enumerate(rows):
        yy = 6 + i * row_h
        group = wording.group_label(tr, str(r.group))
        body.append(f'<text x="{left - 6}" y="{yy + 15}" text-anchor="end"'
                    f'{" font-weight=" + chr(34) + "600" + chr(34) if r.is_total else ""}>'
                    f"{escape(group[:28])}</text>")
        x = float(left)
        for key, words, colour in parts[:2]:
            w = span * int(getattr(r, key)) / most
            tip = _("{group}: {count}").format(
                group=group, count=words.format(count=int(getattr(r, key))))
            body.append(f'<rect x="{x:.1f}" y="{yy + 3}" width="{w:.1f}" height="{row_h - 8}" '
                        f'fill="{colour}"><title>{escape(tip)}</title></rect>')
            x += w
        counts = _("{done} done · {open} open · {overdue} overdue").format(
            done=int(r.done), open=int(r.open), overdue=int(r.overdue))
        body.append(f'<text x="{x + 4:.1f}" y="{yy + 15}" font-size="11">{escape(counts)}'
                    "</text>")
    bottom = 6 + len(rows) * row_h
    legend = "".join(
        f'<rect x="{left + i * 110}" y="{bottom + 4}" width="12" height="12" fill="{c}"/>'
        f'<text x="{left + i * 110 + 16}" y="{bottom + 14}">{escape(w)}</text>'
        for i, (w, c) in enumerate(zip(legend_words, (GREEN, BLUE))))
    body.append(f'<g font-size="11">{legend}</g>')
    return _svg(bottom + 22, _("Plan next steps by team"),
                _("For each team: next steps done in the period and still open, and how many "
                  "are past their due date."), body)
