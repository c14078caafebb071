"""The organisation report: the chapter report's shape one level up.

Assembled once from :func:`allyship.metrics.org_figures.org_progress` and rendered as HTML
(one self-contained file that prints, with its chart inline as SVG), Markdown or CSV.
It holds aggregates only, by the same disclosure rules as the page. Its highlights are
actions their authors shared **with their chapter**, from chapters shown on their own
line whose admins consented to appear by name at organisation level (a chapter
setting, on by default) — with the chapter's name, never the member's.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd
import sqlite_utils

from allyship.metrics import disclosure, org_figures
from allyship.core.handout import PRACTICE_QUESTIONS, responsibility
from allyship.metrics.periods import Period
from allyship.core.models import Member, ValidationError, parse_date, week_start
from allyship.metrics.org_figures import OrgProgress
from allyship.reports.chapter_report import FORMATS  # the chapter report's formats: one list of three

MAX_HIGHLIGHTS = 12


@dataclass(frozen=True)
class OrgHighlight:
    chapter: str
    done_on: date
    description: str
    responsibilities: tuple[str, ...]


@dataclass(frozen=True)
class OrgReport:
    progress: OrgProgress
    requested: tuple[date, date]
    highlights: tuple[OrgHighlight, ...]
    not_named: int  # shown chapters that chose not to appear by name in highlights

    @property
    def title(self) -> str:
        return f"{self.progress.scope_label}: organisation report"

    @property
    def period(self) -> Period:
        return self.progress.period


def report_period(start: Any, end: Any, *, today: date) -> Period:
    """The complete weeks covering ``start``–``end`` (dates checked in words by
    :meth:`Period.between`); the week in progress is left out, and a period with no
    complete week yet is refused in words."""
    period = Period.between(start, end)
    last_complete = week_start(today) - timedelta(days=1)
    if period.end > last_complete:
        if period.start > last_complete:
            raise ValidationError({"end": "The period has no complete week yet; "
                                          f"choose dates up to {last_complete:%d %b %Y}"})
        period = Period(period.start, last_complete)
    return period


def _highlights(db: sqlite_utils.Database, progress: OrgProgress
                ) -> tuple[tuple[OrgHighlight, ...], int]:
    shown = [line.chapter_id for line in progress.lines if line.kind == "chapter" and line.shown]
    if not shown:
        return (), 0
    marks = ",".join("?" * len(shown))
    consenting = [r[0] for r in db.execute(
        f"SELECT id FROM chapters WHERE id IN ({marks}) AND named_in_org_reports = 1", shown)]
    not_named = len(shown) - len(consenting)
    if not consenting:
        return (), not_named
    marks = ",".join("?" * len(consenting))
    rows = db.execute(
        "SELECT c.name, a.id, a.done_on, a.description FROM actions a"
        " JOIN members m ON m.id = a.member_id AND m.active = 1"
        " JOIN chapters c ON c.id = m.chapter_id"
        f" WHERE a.visibility = 'chapter' AND m.chapter_id IN ({marks})"
        " AND a.week_start BETWEEN ? AND ?"
        " ORDER BY a.done_on DESC, a.id DESC LIMIT ?",
        [*consenting, progress.period.start.isoformat(), progress.period.end.isoformat(),
         MAX_HIGHLIGHTS]).fetchall()
    resp: dict[int, list[str]] = {}
    if rows:
        ids = [r[1] for r in rows]
        for action_id, r in db.execute(
                "SELECT action_id, responsibility FROM action_responsibilities WHERE action_id"
                f" IN ({','.join('?' * len(ids))}) ORDER BY action_id, responsibility", ids):
            resp.setdefault(action_id, []).append(responsibility(r).label)
    # By chapter name, then date: highlights are stories, not a ranking.
    picked = sorted((OrgHighlight(name, date.fromisoformat(done), text,
                                  tuple(resp.get(action_id, ())))
                     for name, action_id, done, text in rows),
                    key=lambda h: (h.chapter.casefold(), h.done_on))
    return tuple(picked), not_named


def assemble(db: sqlite_utils.Database, actor: Member | None, *, start: Any, end: Any,
             region_id: int | None = None, today: date | None = None) -> OrgReport:
    """The organisation (or one region's) report for the complete weeks of a period."""
    today = today or date.today()
    period = report_period(start, end, today=today)
    progress = org_figures.org_progress(db, actor, period, region_id=region_id, today=today)
    highlights, not_named = _highlights(db, progress)
    return OrgReport(progress, (parse_date(start, "Start date"), parse_date(end, "End date")),
                     highlights, not_named)


# --- wording shared by the formats ----------------------------------------------------

def notes(r: OrgReport) -> list[str]:
    p = r.progress
    out = [f"Period: {p.period.label}, complete weeks only (the week in progress is never "
           "included). Weeks before a chapter's programme began are left out of its figures.",
           p.comparison.note,
           f"Chapters with fewer than {disclosure.MIN_OTHERS} active members are counted "
           f"together as \"{org_figures.OTHER_CHAPTERS}\"; a group or total that would reveal "
           "fewer than 3 people is not shown. Chapters are listed by region and name, not "
           "ranked."]
    if p.archived:
        out.append(f"{p.archived} archived chapter(s) left out.")
    if r.not_named:
        out.append(f"{r.not_named} chapter(s) chose not to appear by name in highlights.")
    out.append("No member is named anywhere in this report; it holds no private entries, "
               "reflections or plans.")
    return out


def leaving_behind(r: OrgReport) -> list[str]:
    """Who are we leaving behind, at organisation level: responsibilities practised
    nowhere, chapters where nobody logged, next steps overdue."""
    p = r.progress
    points = [_practised_least(r)] if _practised_least(r) else []
    silent = [line.label for line in p.lines
              if line.kind == "chapter" and line.figures and line.figures.participant_weeks == 0]
    points += [f"{name}: nobody logged an action in the period — worth a call to its admin."
               for name in silent]
    overdue = p.scope_total.figures.steps_overdue if p.scope_total.figures else None
    if overdue:
        points.append(f"{overdue:,} plan next steps overdue on the period's last day.")
    if not points:
        points.append("Nothing stands out: every chapter shown logged actions, and no total "
                      "can be shown to count overdue next steps.")
    return points


def _practised_least(r: OrgReport) -> str:
    f = r.progress.scope_total.figures
    if f is None:
        return ""
    missing = [responsibility(n).label for n in range(1, 9)
               if not f.practised_mask & (1 << (n - 1))]
    if not missing:
        return "Every one of the eight responsibilities was practised somewhere in the scope."
    return "Not practised anywhere in the scope: " + "; ".join(missing) + "."


def participation_chart(weekly: pd.DataFrame) -> alt.LayerChart:
    """Weekly participation of each region's chapters together (and the organisation):
    lines with a marker shape and dash per group and a label at the end, so colour is
    never the only cue."""
    data = weekly[weekly["kind"].isin(["region", "organisation"])].dropna(subset=["share"])
    base = alt.Chart(data).encode(
        x=alt.X("week:T", title="Week starting"),
        y=alt.Y("share:Q", title="Members who logged", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("group:N", title=None, scale=alt.Scale(scheme="dark2")),
        strokeDash=alt.StrokeDash("group:N", legend=None),
        shape=alt.Shape("group:N", legend=None),
        tooltip=[alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("week:T", title="Week starting", format="%d %b %Y"),
                 alt.Tooltip("share:Q", title="Participation", format=".0%"),
                 alt.Tooltip("participants:Q", title="Members who logged"),
                 alt.Tooltip("counted:Q", title="Active, not away")])
    last = data.sort_values("week").groupby("group", as_index=False).tail(1)
    labels = alt.Chart(last).mark_text(align="left", dx=6, fontSize=11).encode(
        x="week:T", y="share:Q", text="group:N", color=alt.Color("group:N", legend=None))
    return alt.layer(base.mark_line(point=True), labels).properties(
        width="container", height=260,
        title=alt.TitleParams("Weekly participation by region",
                              subtitle="Share of active members (not away) who logged"),
        description="Line chart: weekly participation of each region's chapters together "
                    "and of the organisation.")


def participation_spec(weekly: pd.DataFrame) -> dict[str, Any]:
    """:func:`participation_chart` as a Vega-Lite dict, without re-validating it against
    the schema on every view (tests validate it once; validation cost ~0.1 s a chart)."""
    return participation_chart(weekly).to_dict(validate=False)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 1.8rem; }
.sub { color: #404040; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .3rem .4rem; text-align: left; }
td.n, th.n { text-align: right; } tr.total td { font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: .6rem; }
.card { border: 1px solid #bbb; border-radius: 6px; padding: .5rem .7rem; min-width: 9rem; }
.card .value { font-size: 1.3rem; font-weight: 600; } .card .label, .help { color: #404040; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
.highlight { border-left: 3px solid #555; padding: .2rem .6rem; margin: .5rem 0; }
footer { margin-top: 2rem; font-size: .85em; color: #404040; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; }
  table, figure, .card, .highlight { break-inside: avoid; } }
"""

_NUMERIC = {"Active members", "Responsibilities practised (of 8)", "Next steps done",
            "Next steps overdue", "Actions", "Time invested (h)"}


def _svg(chart: alt.LayerChart, width: int = 720) -> str:
    import vl_convert

    spec = chart.to_dict()
    spec["width"] = width
    return vl_convert.vegalite_to_svg(spec)


def _blank(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def to_html(r: OrgReport) -> str:
    p = r.progress
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_e(r.title)} — {_e(p.period.label)}</title>",
             f"<style>{_CSS}</style>", "</head>", "<body>", "<main>", "<header>",
             f"<h1>{_e(r.title)}</h1>",
             f'<p class="sub">{_e(p.period.label)} · {p.chapters} chapters shown, '
             f"{p.folded} counted together as small · prepared {p.today:%d %b %Y}</p>",
             "</header>", "<section><h2>Headline figures</h2>"]
    heads = org_figures.headlines(p)
    if heads:
        parts.append('<div class="cards">')
        for h in heads:
            change = f" ({_e(h.delta)})" if h.delta else ""
            parts.append(f'<div class="card"><div class="label">{_e(h.label)}</div>'
                         f'<div class="value">{_e(h.value)}{change}</div>'
                         f'<div class="help">{_e(h.help)}</div></div>')
        parts.append("</div>")
    else:
        parts.append(f"<p>{_e(p.scope_total.note)}</p>")
    parts.append(f"<p>{_e(p.comparison.note)}</p></section>")
    parts.append("<section><h2>Participation over time</h2>")
    if p.weekly[p.weekly["kind"].isin(["region", "organisation"])]["share"].notna().any():
        parts.append(f"<figure>{_svg(participation_chart(p.weekly))}<figcaption>Each point is "
                     "one complete week: the share of active members (not away) who logged at "
                     "least one action, for each region's chapters together.</figcaption>"
                     "</figure>")
    else:
        parts.append("<p>No complete week with figures to chart in this period.</p>")
    parts.append("</section>")
    for region in p.regions():
        frame = org_figures.table(p.lines_of(region))
        parts.append(f"<section><h2>{_e(region)}</h2>")
        cols = [c for c in frame.columns if c != "Region"]
        head = "".join(f'<th scope="col" class="{"n" if c in _NUMERIC else ""}">{_e(c)}</th>'
                       for c in cols)
        body = []
        for rec, line in zip(frame.to_dict("records"), p.lines_of(region)):
            cls = ' class="total"' if line.kind == "region" else ""
            body.append(f"<tr{cls}>" + "".join(
                f'<td class="{"n" if c in _NUMERIC else ""}">{_e(_blank(rec[c]))}</td>'
                for c in cols) + "</tr>")
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}"
                     "</tbody></table></section>")
    org_line = [line for line in p.lines if line.kind == "organisation"]
    if org_line:
        line = org_line[0]
        parts.append("<section><h2>The whole organisation</h2>")
        if line.shown:
            f = line.figures
            parts.append(f"<p>{f.members:,} active members in {line.chapters} chapters; weekly "
                         f"participation {org_figures.fmt_share(f.participation)}; steady "
                         f"members {org_figures.fmt_share(f.steady_share)}; "
                         f"{f.practised} of 8 responsibilities practised; {f.actions:,} actions; "
                         f"{f.minutes / 60:,.0f} hours.</p>")
        else:
            parts.append(f"<p>{_e(line.note)}</p>")
        parts.append("</section>")
    parts.append("<section><h2>Who are we leaving behind?</h2><ul>")
    parts += [f"<li>{_e(point)}</li>" for point in leaving_behind(r)]
    parts.append("</ul></section>")
    parts.append("<section><h2>Highlights shared with chapters</h2>")
    if not r.highlights:
        parts.append("<p>No highlights to show for this period.</p>")
    for h in r.highlights:
        parts.append(f'<div class="highlight"><div>{_e(h.chapter)} · {h.done_on:%d %b %Y} · '
                     f"{_e('; '.join(h.responsibilities))}</div><div>{_e(h.description)}</div>"
                     "</div>")
    parts.append("</section>")
    parts.append("<section><h2>For the meeting: the practice questions</h2><ol>")
    parts += [f"<li><strong>{_e(q.title)}.</strong> {_e(q.text)}</li>" for q in PRACTICE_QUESTIONS]
    parts.append("</ol></section>")
    parts.append("<footer>" + "".join(f"<p>{_e(n)}</p>" for n in notes(r)) + "</footer>")
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts)


def _md(value: Any) -> str:
    """Text for a Markdown table cell: escaped so that nothing typed becomes markup."""
    text = html.escape(_blank(value), quote=False).replace("\n", " ")
    # Markup characters, and what would start an autolink (scheme, www., an email's @).
    text = re.sub(r"([\\`*_\[\]|~!#])", r"\\\1", text)
    return text.replace("://", ":\\/\\/").replace("www.", "www\\.").replace("@", "\\@")


def to_markdown(r: OrgReport) -> str:
    p = r.progress
    out = [f"# {_md(r.title)}", "", f"{_md(p.period.label)} · prepared {p.today:%d %b %Y}", "",
           "## Headline figures", ""]
    heads = org_figures.headlines(p)
    if heads:
        out += [f"- **{_md(h.label)}**: {_md(h.value)}" + (f" ({_md(h.delta)})" if h.delta else "")
                for h in heads]
    else:
        out.append(_md(p.scope_total.note))
    out += ["", _md(p.comparison.note), ""]
    for region in p.regions():
        frame = org_figures.table(p.lines_of(region))
        cols = [c for c in frame.columns if c != "Region"]
        out += [f"## {_md(region)}", "", "| " + " | ".join(cols) + " |",
                "|" + "|".join("---" for _ in cols) + "|"]
        out += ["| " + " | ".join(_md(rec[c]) for c in cols) + " |"
                for rec in frame.to_dict("records")]
        out.append("")
    out += ["## Who are we leaving behind?", ""]
    out += [f"- {_md(point)}" for point in leaving_behind(r)]
    out += ["", "## Highlights shared with chapters", ""]
    out += [f"- {_md(h.chapter)}, {h.done_on:%d %b %Y}: {_md(h.description)}"
            for h in r.highlights] or ["No highlights to show for this period."]
    out += ["", "## For the meeting: the practice questions", ""]
    out += [f"{q.number}. **{_md(q.title)}.** {_md(q.text)}" for q in PRACTICE_QUESTIONS]
    out += ["", *[f"_{_md(n)}_  " for n in notes(r)]]
    return "\n".join(out) + "\n"


CSV_COLUMNS = ["section", "region", "name", "week", "active_members", "participation",
               "steady_members", "responsibilities_practised", "next_steps_done",
               "next_steps_overdue", "actions", "minutes", "members_who_logged",
               "active_not_away", "note"]


def to_csv(r: OrgReport) -> bytes:
    """One CSV: a row per line (chapter, small chapters together, region and organisation
    totals — withheld figures left empty) and the weekly participation of every shown
    line; cells a spreadsheet would run as a formula are neutralised."""
    from allyship.transfer.csv_files import csv_bytes

    p = r.progress
    rows: list[dict[str, Any]] = []
    for line in p.lines:
        f = line.figures
        rows.append({"section": line.kind, "region": line.region, "name": line.label,
                     "note": line.note, **({} if f is None else {
                         "active_members": f.members,
                         "participation": None if f.participation is None
                         else round(f.participation, 4),
                         "steady_members": None if f.steady_share is None
                         else round(f.steady_share, 4),
                         "responsibilities_practised": f.practised,
                         "next_steps_done": f.steps_done, "next_steps_overdue": f.steps_overdue,
                         "actions": f.actions, "minutes": f.minutes})})
    for rec in p.weekly.to_dict("records"):
        rows.append({"section": "week", "region": rec["region"], "name": rec["group"],
                     "week": rec["week"].date().isoformat(),
                     "participation": None if rec["share"] is None or pd.isna(rec["share"])
                     else round(rec["share"], 4),
                     "members_who_logged": rec["participants"],
                     "active_not_away": rec["counted"]})
    return csv_bytes(CSV_COLUMNS, ([row.get(c) for c in CSV_COLUMNS] for row in rows))


def render(r: OrgReport, fmt: str) -> bytes:
    if fmt == "html":
        return to_html(r).encode("utf-8")
    if fmt == "md":
        return to_markdown(r).encode("utf-8")
    if fmt == "csv":
        return to_csv(r)
    raise ValueError(f"unknown report format {fmt!r}; choose html, md or csv")


def file_name(r: OrgReport, fmt: str) -> str:
    scope = "" if r.progress.region is None else "-" + (
        re.sub(r"[^a-z0-9]+", "-", r.progress.region.name.lower()).strip("-") or "region")
    return (f"organisation-report{scope}-{r.period.start.isoformat()}-to-"
            f"{r.period.end.isoformat()}.{FORMATS[fmt][0]}")
