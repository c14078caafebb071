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
from functools import partial
from typing import Any

import pandas as pd
import sqlite_utils
from babel import dates as babel_dates

from allyship.charts import progress_charts
from allyship.core.handout import responsibility
from allyship.core.models import Member, ValidationError, parse_date, week_start
from allyship.i18n import N_, SOURCE_LANGUAGE, Message, Translator, handout
from allyship.metrics import org_figures
from allyship.metrics.org_figures import Line, OrgProgress
from allyship.metrics.periods import Period
from allyship.people import organisation
from allyship.reports import org_words, renderer, wording
from allyship.reports.org_words import leaving_behind, notes
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
    numbers: tuple[int, ...] = ()  # the responsibilities by number, for any language

    def responsibilities_in(self, tr: Translator) -> tuple[str, ...]:
        return tuple(handout.responsibility(tr, n).label for n in self.numbers) \
            if self.numbers else self.responsibilities


@dataclass(frozen=True)
class OrgReport:
    """Everything one organisation report shows; every format reads only this."""

    progress: OrgProgress
    requested: tuple[date, date]
    highlights: tuple[OrgHighlight, ...]
    not_named: int  # shown chapters that chose not to appear by name in highlights

    @property
    def title(self) -> str:
        return self.title_in()

    def title_in(self, tr: Translator | None = None) -> str:
        return wording.resolve(tr).gettext("{scope}: organisation report").format(
            scope=self.progress.scope_label)

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
    resp: dict[int, list[int]] = {}
    if rows:
        ids = [r[1] for r in rows]
        for action_id, r in db.execute(
                "SELECT action_id, responsibility FROM action_responsibilities WHERE action_id"
                f" IN ({','.join('?' * len(ids))}) ORDER BY action_id, responsibility", ids):
            resp.setdefault(action_id, []).append(r)
    # By chapter name, then date: highlights are stories, not a ranking.
    picked = sorted((OrgHighlight(name, date.fromisoformat(done), text,
                                  tuple(responsibility(n).label for n in resp.get(action_id, ())),
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
        raise ValidationError({"region": Message(
            "The organisation has no chapters yet, so there is nothing to report. Create a "
            "chapter there or move one in first.") if region_id is None else Message(
            "The region {name} has no chapters yet, so there is nothing to report. Create a "
            "chapter there or move one in first.", name=repr(names.get(region_id, region_id)))})
    progress = org_figures.org_progress(db, actor, period, region_id=region_id, today=today)
    highlights, not_named = _highlights(db, progress)
    return OrgReport(progress, (parse_date(start, "Start date"), parse_date(end, "End date")),
                     highlights, not_named)


# --- wording shared by the formats: allyship.reports.org_words ---------------------


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


def participation_chart(frame: pd.DataFrame, tr: Translator | None = None
                        ) -> progress_charts.PreparedChart:
    """The weekly participation chart of ``frame`` (:func:`chart_frame` or
    :func:`chapter_frame`), ready to draw in ``tr``'s language."""
    return progress_charts.prepare("org_participation", frame, tr)


CHART_CAPTION = N_("Each point is one complete week: the share of active members (not away) "
                   "who logged at least one action, for each region's chapters together.")


# --- HTML ------------------------------------------------------------------------------------

def _org_sentence(tr: Translator, line: Line) -> str:
    f = line.figures
    return tr.gettext("{members} active members in {chapters} chapters; weekly participation "
                      "{participation}; steady members {steady}; {practised} of 8 "
                      "responsibilities practised; {actions} actions; {hours} hours.").format(
        members=wording.number(tr, f.members), chapters=line.chapters,
        participation=wording.share(tr, f.participation),
        steady=wording.share(tr, f.steady_share), practised=f.practised,
        actions=wording.number(tr, f.actions), hours=wording.number(tr, f.minutes / 60))


def _highlight_day(tr: Translator, day: date) -> str:
    # Translators: a CLDR date pattern (dd two-digit day, MMM month, y year); reorder it,
    # keep the letters.
    return babel_dates.format_date(day, tr.pgettext("CLDR date pattern", "dd MMM y"),
                                   locale=tr.locale)


def _sub(r: OrgReport, tr: Translator) -> str:
    p = r.progress
    return tr.gettext("{period} · {shown} chapters shown, {folded} counted together as small "
                      "· prepared {day}").format(
        period=wording.period_label(tr, p.period), shown=p.chapters, folded=p.folded,
        day=_highlight_day(tr, p.today))


def to_html(r: OrgReport, tr: Translator | None = None) -> str:
    """The report as one self-contained HTML file, its chart as inline SVG, in ``tr``'s
    language (English without one)."""
    tr = wording.resolve(tr)
    _ = tr.gettext
    e = renderer.escape
    p = r.progress
    parts = [renderer.section_open(_("Headline figures"))]
    heads = org_words.headlines(tr, p)
    if heads:
        parts.append('<div class="cards">')
        parts += [renderer.card(label, value + (f" ({delta})" if delta else ""), help_text)
                  for label, value, delta, help_text in heads]
        parts.append("</div>")
    else:
        parts.append(f"<p>{e(org_words.line_note(tr, p.scope_total.note))}</p>")
    parts.append(f'<p class="notes">{e(org_words.comparison_note(tr, p))}</p></section>')
    parts.append(renderer.section_open(_("Participation over time")))
    drawn = chart_frame(p)
    if has_shares(drawn):
        named = drawn.assign(group=[org_words.group_label(tr, g, p) for g in drawn["group"]])
        # The figure's name in the reader's language.
        label = None if tr.language == SOURCE_LANGUAGE else _(
            "Line chart: weekly participation of each region's chapters together")
        parts.append(renderer.figure(participation_chart(named, tr), 1, _(CHART_CAPTION),
                                     label))
    else:
        parts.append("<p>" + e(_("No complete week with figures to chart in this period.")) + "</p>")
    parts.append("</section>")
    for region in p.regions():
        records = org_words.table(tr, p.lines_of(region), p.organisation)
        parts.append(f"<section><h2>{e(region)}</h2>"
                     f"{renderer.table(records, org_words.columns(tr), org_words.NUMERIC)}"
                     "</section>")
    org_line = [line for line in p.lines if line.kind == "organisation"]
    if org_line:
        line = org_line[0]
        parts.append(renderer.section_open(_("The whole organisation")))
        said = _org_sentence(tr, line) if line.shown else org_words.line_note(tr, line.note)
        parts.append(f"<p>{e(said)}</p>")
        parts.append("</section>")
    parts.append(renderer.points_section(_("Who are we leaving behind?"),
                                         leaving_behind(r, tr)))
    parts.append(renderer.section_open(_("Highlights shared with chapters")))
    if not r.highlights:
        parts.append("<p>" + e(_("No highlights to show for this period.")) + "</p>")
    parts += [renderer.highlight(f"{e(h.chapter)} · {e(_highlight_day(tr, h.done_on))} · "
                                 f"{e('; '.join(h.responsibilities_in(tr)))}", h.description)
              for h in r.highlights]
    parts.append("</section>")
    parts.append(renderer.questions_section(handout.practice_questions(tr),
                                            _("For the meeting: the practice questions")))
    title = r.title_in(tr)
    return renderer.document(
        title=f"{title} — {wording.period_label(tr, p.period)}", heading=title,
        sub=e(_sub(r, tr)), sections=parts, notes=notes(r, tr), lang=tr.language,
        direction=tr.dir)


# --- Markdown --------------------------------------------------------------------------------

def to_markdown(r: OrgReport, tr: Translator | None = None) -> str:
    """The report as Markdown (the chart left out); typed text is escaped."""
    tr = wording.resolve(tr)
    _ = tr.gettext
    p = r.progress
    period = wording.period_label(tr, p.period)
    out = [f"# {md_cell(r.title_in(tr))}", "",
           md_cell(tr.gettext("{period} · prepared {day}").format(
               period=period, day=_highlight_day(tr, p.today))), "",
           "## " + _("Headline figures"), ""]
    heads = org_words.headlines(tr, p)
    if heads:
        out += [f"- **{md_cell(label)}**: {md_cell(value)}"
                + (f" ({md_cell(delta)})" if delta else "")
                for label, value, delta, _help in heads]
    else:
        out.append(md_cell(org_words.line_note(tr, p.scope_total.note)))
    out += ["", md_cell(org_words.comparison_note(tr, p)), ""]
    headings = org_words.columns(tr)
    for region in p.regions():
        out += [f"## {md_cell(region)}", "", "| " + " | ".join(headings.values()) + " |",
                "|" + "|".join("---" for _c in headings) + "|"]
        out += ["| " + " | ".join(md_cell(rec[c]) for c in headings) + " |"
                for rec in org_words.table(tr, p.lines_of(region), p.organisation)]
        out.append("")
    out += ["## " + _("Who are we leaving behind?"), ""]
    out += [f"- {md_cell(point)}" for point in leaving_behind(r, tr)]
    out += ["", "## " + _("Highlights shared with chapters"), ""]
    out += [f"- {md_cell(h.chapter)}, {_highlight_day(tr, h.done_on)}: {md_cell(h.description)}"
            for h in r.highlights] or [_("No highlights to show for this period.")]
    out += ["", "## " + _("For the meeting: the practice questions"), ""]
    out += [f"{q.number}. **{md_cell(q.title)}.** {md_cell(q.text)}"
            for q in handout.practice_questions(tr)]
    out += ["", *[f"_{md_cell(n)}_  " for n in notes(r, tr)]]
    return "\n".join(out) + "\n"


CSV_COLUMNS = ["section", "region", "name", "week", "active_members", "participation",
               "steady_members", "responsibilities_practised", "next_steps_done",
               "next_steps_overdue", "actions", "minutes", "members_who_logged",
               "active_not_away", "note"]


def to_csv(r: OrgReport, tr: Translator | None = None) -> bytes:
    """One CSV: a row per line (chapter, small chapters together, region and organisation
    totals — withheld figures left empty) and the weekly participation of every shown
    line; cells a spreadsheet would run as a formula are neutralised. Columns, sections,
    numbers and dates are the same in every language; names and notes read in ``tr``'s."""
    tr = wording.resolve(tr)
    p = r.progress
    rows: list[dict[str, Any]] = []
    for line in p.lines:
        f = line.figures
        rows.append({"section": line.kind, "region": line.region,
                     "name": org_words.line_label(tr, line, p.organisation),
                     "note": org_words.line_note(tr, line.note), **({} if f is None else {
                         "active_members": f.members,
                         "participation": None if f.participation is None
                         else round(f.participation, 4),
                         "steady_members": None if f.steady_share is None
                         else round(f.steady_share, 4),
                         "responsibilities_practised": f.practised,
                         "next_steps_done": f.steps_done, "next_steps_overdue": f.steps_overdue,
                         "actions": f.actions, "minutes": f.minutes})})
    for rec in p.weekly.to_dict("records"):
        rows.append({"section": "week", "region": rec["region"],
                     "name": org_words.group_label(tr, rec["group"], p),
                     "week": rec["week"].date().isoformat(),
                     "participation": None if rec["share"] is None or pd.isna(rec["share"])
                     else round(rec["share"], 4),
                     "members_who_logged": rec["participants"],
                     "active_not_away": rec["counted"]})
    return csv_bytes(CSV_COLUMNS, ([row.get(c) for c in CSV_COLUMNS] for row in rows))


# --- the file -------------------------------------------------------------------------------

def render(r: OrgReport, fmt: str, tr: Translator | None = None) -> bytes:
    """The report in ``fmt`` (``html``, ``md`` or ``csv``) as bytes to save, in ``tr``'s
    language (English without one)."""
    return renderer.render(r, fmt, html=partial(to_html, tr=tr),
                           md=partial(to_markdown, tr=tr), csv=partial(to_csv, tr=tr))


def file_name(r: OrgReport, fmt: str) -> str:
    """A file name like ``organisation-report-north-2026-06-29-to-2026-09-27.md``."""
    region = r.progress.region
    return renderer.file_name("organisation-report", None if region is None else region.name,
                              (r.period.start, r.period.end), fmt, unnamed="region")
