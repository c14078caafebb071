"""The organisation report: the chapter report's shape one level up.

Assembled once from :func:`allyship.metrics.org_figures.org_progress` and written as HTML,
Markdown or CSV by :mod:`allyship.reports.renderer`. It holds aggregates only, by the same
disclosure rules as the page. Its highlights are actions their authors shared **with their
chapter**, from chapters shown on their own line whose admins consented to appear by name
at organisation level (a chapter setting, on by default) — with the chapter's name, never
the member's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import sqlite_utils

from allyship.charts import progress_charts
from allyship.core.handout import PRACTICE_QUESTIONS, responsibility
from allyship.core.models import Member, ValidationError, parse_date, week_start
from allyship.metrics import disclosure, org_figures
from allyship.metrics.org_figures import Line, OrgProgress
from allyship.metrics.periods import Period
from allyship.people import organisation
from allyship.reports import renderer
from allyship.reports.presets import report_period
from allyship.reports.renderer import md_cell
from allyship.transfer.csv_files import csv_bytes

MAX_HIGHLIGHTS = 12


@dataclass(frozen=True)
class OrgHighlight:
    """An action its author shared with their chapter, shown with the chapter's name."""

    chapter: str
    done_on: date
    description: str
    responsibilities: tuple[str, ...]


@dataclass(frozen=True)
class OrgReport:
    """Everything one organisation report shows; every format reads only this."""

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
    period = report_period(start, end, today=today, complete_weeks=True)
    if not organisation.list_chapters(db, actor, region_id=region_id,
                                      as_of=week_start(period.as_of(today))):
        names = {r.id: r.name for r in organisation.list_regions(db)}
        where = ("The organisation" if region_id is None else
                 f"The region {names.get(region_id, region_id)!r}")
        raise ValidationError({"region": f"{where} has no chapters yet, so there is nothing "
                               "to report. Create a chapter there or move one in first."})
    progress = org_figures.org_progress(db, actor, period, region_id=region_id, today=today)
    highlights, not_named = _highlights(db, progress)
    return OrgReport(progress, (parse_date(start, "Start date"), parse_date(end, "End date")),
                     highlights, not_named)


# --- wording shared by the formats ----------------------------------------------------

def notes(r: OrgReport) -> list[str]:
    """What the figures cover and leave out, in plain words (the report's footer)."""
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


# --- the chart ---------------------------------------------------------------------------

def chart_frame(progress: OrgProgress) -> pd.DataFrame:
    """The weekly participation of each region's chapters together and of the
    organisation: what the participation chart draws."""
    return progress.weekly[progress.weekly["kind"].isin(["region", "organisation"])]


def chapter_frame(progress: OrgProgress, line: Line) -> pd.DataFrame:
    """One chapter's weekly participation beside its region's chapters together."""
    weekly = progress.weekly
    return weekly[weekly["group"].isin([line.label, f"{line.region} (all chapters)"])]


def has_shares(frame: pd.DataFrame) -> bool:
    """Whether a weekly frame has any week with a share to draw."""
    return bool(frame["share"].notna().any())


def participation_chart(frame: pd.DataFrame) -> progress_charts.PreparedChart:
    """The weekly participation chart of ``frame`` (:func:`chart_frame` or
    :func:`chapter_frame`), ready to draw."""
    return progress_charts.prepare("org_participation", frame)


CHART_CAPTION = ("Each point is one complete week: the share of active members (not away) who "
                 "logged at least one action, for each region's chapters together.")


# --- HTML ------------------------------------------------------------------------------------

_NUMERIC = {"Active members", "Responsibilities practised (of 8)", "Next steps done",
            "Next steps overdue", "Actions", "Time invested (h)"}


def to_html(r: OrgReport) -> str:
    """The report as one self-contained HTML file, its chart as inline SVG."""
    e = renderer.escape
    p = r.progress
    parts = ["<section><h2>Headline figures</h2>"]
    heads = org_figures.headlines(p)
    if heads:
        parts.append('<div class="cards">')
        parts += [renderer.card(h.label, h.value + (f" ({h.delta})" if h.delta else ""), h.help)
                  for h in heads]
        parts.append("</div>")
    else:
        parts.append(f"<p>{e(p.scope_total.note)}</p>")
    parts.append(f'<p class="notes">{e(p.comparison.note)}</p></section>')
    parts.append("<section><h2>Participation over time</h2>")
    drawn = chart_frame(p)
    if has_shares(drawn):
        parts.append(renderer.figure(participation_chart(drawn), 1, CHART_CAPTION))
    else:
        parts.append("<p>No complete week with figures to chart in this period.</p>")
    parts.append("</section>")
    for region in p.regions():
        frame = org_figures.table(p.lines_of(region))
        records = [{**rec, "is_total": line.kind == "region"}
                   for rec, line in zip(frame.to_dict("records"), p.lines_of(region))]
        columns = {c: c for c in frame.columns if c != "Region"}
        parts.append(f"<section><h2>{e(region)}</h2>"
                     f"{renderer.table(records, columns, _NUMERIC)}</section>")
    org_line = [line for line in p.lines if line.kind == "organisation"]
    if org_line:
        line = org_line[0]
        parts.append("<section><h2>The whole organisation</h2>")
        if line.shown:
            f = line.figures
            parts.append(f"<p>{f.members:,} active members in {line.chapters} chapters; weekly "
                         f"participation {renderer.percent(f.participation)}; steady "
                         f"members {renderer.percent(f.steady_share)}; "
                         f"{f.practised} of 8 responsibilities practised; {f.actions:,} actions; "
                         f"{f.minutes / 60:,.0f} hours.</p>")
        else:
            parts.append(f"<p>{e(line.note)}</p>")
        parts.append("</section>")
    parts.append(renderer.points_section("Who are we leaving behind?", leaving_behind(r)))
    parts.append("<section><h2>Highlights shared with chapters</h2>")
    if not r.highlights:
        parts.append("<p>No highlights to show for this period.</p>")
    parts += [renderer.highlight(f"{e(h.chapter)} · {h.done_on:%d %b %Y} · "
                                 f"{e('; '.join(h.responsibilities))}", h.description)
              for h in r.highlights]
    parts.append("</section>")
    parts.append(renderer.questions_section(PRACTICE_QUESTIONS))
    return renderer.document(
        title=f"{r.title} — {p.period.label}", heading=r.title,
        sub=f"{e(p.period.label)} · {p.chapters} chapters shown, {p.folded} counted together "
            f"as small · prepared {p.today:%d %b %Y}",
        sections=parts, notes=notes(r))


# --- Markdown --------------------------------------------------------------------------------

def to_markdown(r: OrgReport) -> str:
    """The report as Markdown (the chart left out); typed text is escaped."""
    p = r.progress
    out = [f"# {md_cell(r.title)}", "",
           f"{md_cell(p.period.label)} · prepared {p.today:%d %b %Y}", "",
           "## Headline figures", ""]
    heads = org_figures.headlines(p)
    if heads:
        out += [f"- **{md_cell(h.label)}**: {md_cell(h.value)}"
                + (f" ({md_cell(h.delta)})" if h.delta else "") for h in heads]
    else:
        out.append(md_cell(p.scope_total.note))
    out += ["", md_cell(p.comparison.note), ""]
    for region in p.regions():
        frame = org_figures.table(p.lines_of(region))
        cols = [c for c in frame.columns if c != "Region"]
        out += [f"## {md_cell(region)}", "", "| " + " | ".join(cols) + " |",
                "|" + "|".join("---" for _ in cols) + "|"]
        out += ["| " + " | ".join(md_cell(rec[c]) for c in cols) + " |"
                for rec in frame.to_dict("records")]
        out.append("")
    out += ["## Who are we leaving behind?", ""]
    out += [f"- {md_cell(point)}" for point in leaving_behind(r)]
    out += ["", "## Highlights shared with chapters", ""]
    out += [f"- {md_cell(h.chapter)}, {h.done_on:%d %b %Y}: {md_cell(h.description)}"
            for h in r.highlights] or ["No highlights to show for this period."]
    out += ["", "## For the meeting: the practice questions", ""]
    out += [f"{q.number}. **{md_cell(q.title)}.** {md_cell(q.text)}" for q in PRACTICE_QUESTIONS]
    out += ["", *[f"_{md_cell(n)}_  " for n in notes(r)]]
    return "\n".join(out) + "\n"


CSV_COLUMNS = ["section", "region", "name", "week", "active_members", "participation",
               "steady_members", "responsibilities_practised", "next_steps_done",
               "next_steps_overdue", "actions", "minutes", "members_who_logged",
               "active_not_away", "note"]


def to_csv(r: OrgReport) -> bytes:
    """One CSV: a row per line (chapter, small chapters together, region and organisation
    totals — withheld figures left empty) and the weekly participation of every shown
    line; cells a spreadsheet would run as a formula are neutralised."""
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


# --- the file -------------------------------------------------------------------------------

def render(r: OrgReport, fmt: str) -> bytes:
    """The report in ``fmt`` (``html``, ``md`` or ``csv``) as bytes to save."""
    return renderer.render(r, fmt, html=to_html, md=to_markdown, csv=to_csv)


def file_name(r: OrgReport, fmt: str) -> str:
    """A file name like ``organisation-report-north-2026-06-29-to-2026-09-27.md``."""
    region = r.progress.region
    return renderer.file_name("organisation-report", None if region is None else region.name,
                              (r.period.start, r.period.end), fmt, unnamed="region")
