"""The chapter report's three charts drawn as small inline SVG straight from their
frames: participation by week, responsibilities practised by week, next steps.

Drawn here rather than through a Vega runtime so that *Download HTML* is instant, and
laid out for paper: week labels are Monday dates ("3 Aug"), thinned so they never run
together, with the year where it starts or changes. Every piece of text is escaped;
each chart names itself (role="img", <title>, <desc>) for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

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


def week_labels(weeks: Sequence[date], span: float) -> list[str]:
    """Each week's label ("3 Aug", with the year on the first and where it changes), or
    "" where writing it would crowd the one before: every k-th week, k chosen so that
    the longest label fits in the room of k weeks of ``span`` px."""
    if not weeks:
        return []
    full, year = [], None
    for w in weeks:
        full.append(f"{w.day} {w:%b}" + (f" {w.year}" if w.year != year else ""))
        year = w.year
    slot = span / len(weeks)
    step = max(1, -(-(max(len(t) for t in full) * CHAR_PX + 8) // max(1, int(slot))))
    out, shown_year = [], None
    for i, w in enumerate(weeks):
        if i % step:
            out.append("")
            continue
        # The year where it is first written or changes, even if its week was skipped.
        out.append(f"{w.day} {w:%b}" + (f" {w.year}" if w.year != shown_year else ""))
        shown_year = w.year
    return out


def _x_axis(weeks: Sequence[date], xs: Sequence[float], y: float, span: float) -> list[str]:
    parts = []
    for label, x in zip(week_labels(weeks, span), xs):
        if label:
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 4}" '
                         f'stroke="{INK}"/><text x="{x:.1f}" y="{y + 17}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    return parts


def participation(frame: pd.DataFrame, scope: str) -> str:
    """The scope's weekly participation (points) and its 4-week average (a line)."""
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
                    f'y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0%}</text>')
    average = [(x, v) for x, v in zip(xs, rows["rolling_mean"]) if pd.notna(v)]
    if len(average) > 1:
        points = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in average)
        body.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" '
                    'stroke-width="2.5"/>')
    for x, w, share in zip(xs, weeks, rows["share"]):
        if pd.notna(share):
            body.append(f'<circle cx="{x:.1f}" cy="{y(share):.1f}" r="3.5" fill="{ORANGE}">'
                        f"<title>Week of {w.day} {w:%b %Y}: {share:.0%}</title></circle>")
    body += _x_axis(weeks, xs, bottom, span)
    body.append(f'<g font-size="11"><circle cx="{left + 6}" cy="226" r="3.5" fill="{ORANGE}"/>'
                f'<text x="{left + 14}" y="230">each week</text>'
                f'<line x1="{left + 90}" x2="{left + 114}" y1="226" y2="226" stroke="{BLUE}" '
                f'stroke-width="2.5"/><text x="{left + 120}" y="230">4-week average</text>'
                "</g>")
    return _svg(238, f"Participation by week: {scope}",
                "Share of active members (not away) who logged at least one action, each "
                "week, with the 4-week average.", body)


def coverage(frame: pd.DataFrame) -> str:
    """Responsibilities (rows) by week (columns): a square per week, darker for more
    actions, grey where nobody practised it."""
    table = frame.pivot_table(index=["responsibility", "label"], columns="week",
                              values="actions", aggfunc="sum", fill_value=0)
    weeks = _weeks(pd.Series(table.columns))
    left, right, top, row_h = 250, 10, 6, 18
    span = WIDTH - left - right
    n = max(1, len(weeks))
    cell = span / n
    most = max(1, int(table.to_numpy().max()) if table.size else 1)
    body = []
    for r, ((_, label), counts) in enumerate(table.iterrows()):
        yy = top + r * row_h
        body.append(f'<text x="{left - 6}" y="{yy + row_h - 5}" text-anchor="end">'
                    f"{escape(label[:40])}</text>")
        for i, count in enumerate(counts):
            strength = 0.25 + 0.75 * count / most
            fill = GREY if not count else BLUE
            opacity = "" if not count else f' fill-opacity="{strength:.2f}"'
            body.append(f'<rect x="{left + i * cell + 1:.1f}" y="{yy + 1}" '
                        f'width="{max(1.0, cell - 2):.1f}" height="{row_h - 2}" '
                        f'fill="{fill}"{opacity}><title>{escape(label)}, week of '
                        f"{weeks[i].day} {weeks[i]:%b %Y}: {int(count)} actions</title></rect>")
    bottom = top + len(table) * row_h
    body += _x_axis(weeks, [left + (i + 0.5) * cell for i in range(len(weeks))], bottom, span)
    return _svg(bottom + 24, "Responsibilities practised by week",
                "One row per responsibility, one square per week: grey where nobody "
                "practised it, darker blue for more actions.", body)


def follow_through(frame: pd.DataFrame) -> str:
    """Next steps per group: done in the period, open, overdue (one bar each group)."""
    parts = [("done", "done", GREEN), ("open", "still open", BLUE),
             ("overdue", "overdue", VERMILLION)]
    left, right, row_h = 180, 190, 24  # the counts are written right of the bars
    span = WIDTH - left - right
    rows = list(frame.itertuples(index=False))
    most = max([1] + [int(r.done) + int(r.open) for r in rows])
    body = []
    for i, r in enumerate(rows):
        yy = 6 + i * row_h
        body.append(f'<text x="{left - 6}" y="{yy + 15}" text-anchor="end"'
                    f'{" font-weight=" + chr(34) + "600" + chr(34) if r.is_total else ""}>'
                    f"{escape(str(r.group)[:28])}</text>")
        x = float(left)
        for key, words, colour in parts[:2]:
            w = span * int(getattr(r, key)) / most
            body.append(f'<rect x="{x:.1f}" y="{yy + 3}" width="{w:.1f}" height="{row_h - 8}" '
                        f'fill="{colour}"><title>{escape(str(r.group))}: '
                        f"{int(getattr(r, key))} {words}</title></rect>")
            x += w
        overdue = int(r.overdue)
        body.append(f'<text x="{x + 4:.1f}" y="{yy + 15}" font-size="11">{int(r.done)} done · '
                    f"{int(r.open)} open · {overdue} overdue</text>")
    bottom = 6 + len(rows) * row_h
    legend = "".join(
        f'<rect x="{left + i * 110}" y="{bottom + 4}" width="12" height="12" fill="{c}"/>'
        f'<text x="{left + i * 110 + 16}" y="{bottom + 14}">{w}</text>'
        for i, (_, w, c) in enumerate(parts[:2]))
    body.append(f'<g font-size="11">{legend}</g>')
    return _svg(bottom + 22, "Plan next steps by team",
                "For each team: next steps done in the period and still open, and how many "
                "are past their due date.", body)
