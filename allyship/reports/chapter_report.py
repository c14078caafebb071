"""The chapter report: one period's figures for a chapter (or one team), assembled once
into a :class:`ChapterReport` and written as HTML, Markdown or CSV by
:mod:`allyship.reports.renderer`. The Chapter report page and ``python -m allyship report``
both use it.

Figures are the Team progress page's (:func:`allyship.metrics.chapter_figures.team_progress`),
plus the per-team table and next steps falling due, folded by the same small-group rule
(:mod:`allyship.reports.chapter_measures`). Highlights are only actions their authors shared
with the whole chapter (a report travels); next steps falling due are counts, never names or
texts; nothing ranks individuals, and reflections are never read. Access:
:func:`allyship.core.access.require_team_view`.

Every format writes in the reader's language (a translator; English without one): the
sentences are :mod:`allyship.reports.chapter_words`, the days, numbers and periods
:mod:`allyship.reports.wording`; what people wrote stays as written, and the CSV's columns
are the same in every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd
import sqlite_utils

from allyship.charts import progress_charts
from allyship.core import access
from allyship.core.handout import PRACTICE_QUESTIONS, PracticeQuestion
from allyship.core.models import Member, parse_date
from allyship.core.safe_text import inert
from allyship.i18n import SOURCE_LANGUAGE, Translator, handout, translator_for
from allyship.metrics import overview, periods, scopes
from allyship.metrics.overview import Headline
from allyship.metrics.periods import Period
from allyship.metrics.scopes import Scope
from allyship.people import roster
from allyship.reports import chapter_measures, chapter_words, renderer, report_svg, wording
from allyship.reports.chapter_measures import (
    TEAM_COLUMNS,
    WEEK_COLUMNS,
    FallingGroup,
    Highlight,
)
from allyship.reports.chapter_words import (
    ahead_words,
    chart_captions,
    change_words,
    leaving_behind,
    no_charts_reason,
    notes,
)
from allyship.reports.presets import report_period
from allyship.transfer.csv_files import csv_bytes
from allyship.voice import figures as partner_voice

def columns_in(tr: Translator | None, columns: dict[str, str]) -> dict[str, str]:
    """``columns`` (key → heading) with each heading in ``tr``'s language."""
    tr = wording.resolve(tr)
    return {key: tr.gettext(heading) for key, heading in columns.items()}


# --- the assembled report ---------------------------------------------------------------

@dataclass(frozen=True)
class ChapterReport:
    """Everything one report shows; every renderer reads only this."""

    chapter: str
    scope_label: str
    team_id: int | None
    requested: tuple[date, date]  # the dates asked for
    period: Period  # the whole weeks reported
    previous: Period  # the period of equal length before it
    comparison: periods.Comparison  # whether changes are shown, and why not
    ahead: tuple[date, date]  # the coming weeks for "next steps falling due"
    today: date
    members: int  # active members in scope
    headlines: tuple[Headline, ...]
    participation: pd.DataFrame  # metrics.weekly_participation
    responsibilities: pd.DataFrame  # metrics.responsibility_weeks
    follow_through: pd.DataFrame  # metrics.follow_through
    teams: pd.DataFrame  # the per-team table (TEAM_COLUMNS), scope total first
    weeks: pd.DataFrame  # per-week figures for the scope (WEEK_COLUMNS)
    responsibility_totals: pd.DataFrame  # responsibility, label, actions, members
    least_practised: pd.DataFrame  # metrics.least_practised
    falling: tuple[FallingGroup, ...]
    silent_members: int  # active members who logged nothing in the period
    highlights: tuple[Highlight, ...]
    more_highlights: int  # shared actions beyond MAX_HIGHLIGHTS
    practice_questions: tuple[PracticeQuestion, ...] = field(default=PRACTICE_QUESTIONS)
    # "What the people we work with told us, and what we did": whole-chapter reports only,
    # consented quotes and shown totals (allyship.voice.figures.section).
    partner_voice: partner_voice.VoiceSection | None = None
    # The language it was assembled in (the partner voice section's words): each format
    # writes in it unless given another translator.
    language: str = SOURCE_LANGUAGE

    @property
    def actions(self) -> int:
        return chapter_measures.actions_in(self.weeks)

    @property
    def steps_due_ahead(self) -> int:
        total = self.teams[self.teams["is_total"]]
        return int(total["steps_due_ahead"].sum()) if not total.empty else 0

    @property
    def empty(self) -> bool:
        """Nothing to report: no members, or no complete programme week in the period
        (the page then offers no download)."""
        return self.members == 0 or not self.comparison.now.complete

    @property
    def title(self) -> str:
        return chapter_words.title(self)

    @property
    def subtitle(self) -> str:
        return chapter_words.subtitle(self)

    def translator(self, tr: Translator | None = None) -> Translator:
        """``tr``, else the translator of the language the report was assembled in."""
        return tr or translator_for(self.language)

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)


def assemble(db: sqlite_utils.Database, actor: Member | None, *, start: Any, end: Any,
             team_id: int | None = None, today: date | None = None,
             tr: Translator | None = None,
             language: str | None = None) -> ChapterReport:
    """The report for the actor's chapter (or ``team_id``) over the weeks covering
    ``start``–``end``, in ``tr``'s language (or ``language``'s, a code that a cache can
    key on; English without either). Raises ``PermissionDenied`` or ``ValidationError``."""
    tr = tr or translator_for(language or SOURCE_LANGUAGE)
    actor = access.require_active(actor)
    today = today or date.today()
    access.require_team_view(actor, team_id, actor.chapter_id)
    period = report_period(start, end, today=today)
    scope = Scope(actor.chapter_id, team_id)
    frames = overview.team_progress(db, actor, scope, period, today=today)
    weeks = chapter_measures.week_table(frames)
    as_of = period.as_of(today)
    ahead = (as_of + timedelta(days=1), as_of + timedelta(weeks=period.n_weeks))
    teams = chapter_measures.team_table(db, actor, scope, period, frames, ahead,
                        scopes.as_of_week(period, today))
    highlights, more = chapter_measures.highlights(db, actor, team_id, period)
    silent = frames.consistency
    return ChapterReport(
        chapter=roster.get_chapter(db, actor.chapter_id).name,
        scope_label=frames.scope_label,
        team_id=team_id,
        requested=(parse_date(start), parse_date(end)),
        period=period,
        previous=period.previous(),
        comparison=frames.comparison,
        ahead=ahead,
        today=today,
        members=frames.members,
        headlines=frames.headlines,
        participation=frames.participation,
        responsibilities=frames.responsibilities,
        follow_through=frames.follow_through,
        teams=teams,
        weeks=weeks,
        responsibility_totals=chapter_measures.responsibility_totals(frames.responsibilities),
        least_practised=frames.least_practised,
        falling=chapter_measures.falling(db, actor, scope, period, frames, today),
        silent_members=int(silent.loc[silent["weeks_active"] == 0, "members"].sum()),
        highlights=highlights,
        more_highlights=more,
        partner_voice=(partner_voice.section(db, actor.chapter_id, period, tr)
                       if team_id is None else None),
        language=tr.language,
    )


# --- charts ------------------------------------------------------------------------------

def chart_views(r: ChapterReport, tr: Translator | None = None
                ) -> list[tuple[Any, str, pd.DataFrame, str]]:
    """The report's charts: each as a prepared chart, its kind, the frame it draws and
    its one-sentence summary (in ``tr``'s language)."""
    drawn = _charts(r.participation, r.responsibilities, r.follow_through, r.weeks,
                    r.comparison, tr)
    return [(chart, chart.kind, frame, caption)
            for (chart, frame), caption in zip(drawn, chart_captions(r, tr))]


def has_charts(r: ChapterReport) -> bool:
    """Whether the period has charts (see :func:`no_charts_reason` when not)."""
    return r.actions > 0 and bool(r.comparison.now.enough_for_charts)


def _charts(participation: pd.DataFrame, responsibilities: pd.DataFrame,
            follow_through: pd.DataFrame, weeks: pd.DataFrame,
            comparison: periods.Comparison, tr: Translator | None = None
            ) -> list[tuple[progress_charts.PreparedChart, pd.DataFrame]]:
    """The report's charts and the frames they draw, in order; none for a period without
    actions or with too few complete weeks (the rule of :func:`has_charts`)."""
    if chapter_measures.actions_in(weeks) == 0 or not comparison.now.enough_for_charts:
        return []  # the rule of has_charts, on the frames before the report exists
    return [(progress_charts.prepare("participation", participation, tr), participation),
            (progress_charts.prepare("coverage", responsibilities, tr), responsibilities),
            (progress_charts.prepare("follow_through", follow_through, tr), follow_through)]


def chart_list(r: ChapterReport, tr: Translator | None = None) -> list[tuple[Any, str]]:
    """The report's charts with their captions (see :func:`chart_views`)."""
    return [(chart, caption) for chart, _, _, caption in chart_views(r, tr)]


# --- HTML ------------------------------------------------------------------------------

PRINTED_HIGHLIGHTS = 3  # the file is for a meeting: the rest are in the app


def week_formats(tr: Translator | None = None) -> dict[str, Any]:
    """How the week table writes its cells: "Mon 02 Feb 2026" (two-digit days, so the rows
    line up), the share as a percentage, minutes as hours."""
    tr = wording.resolve(tr)
    return {"share": partial(wording.share, tr), "week": partial(wording.grid_day, tr),
            "minutes": lambda m: wording.decimal(tr, m / 60)}


WEEK_FORMATS: dict[str, Any] = week_formats()


def _highlight_meta(tr: Translator, h: Highlight, escape: Any) -> str:
    who = escape(h.member) + (f" ({escape(h.team)})" if h.team else "")
    return (f"{escape(wording.day(tr, h.done_on))} · {who} · {escape(h.kind_in(tr))} · "
            f"{escape('; '.join(h.responsibilities_in(tr)))}")


def to_html(r: ChapterReport, tr: Translator | None = None) -> str:
    """The report as one self-contained HTML file, charts as inline SVG, in ``tr``'s
    language (else the report's). The meeting comes first (headline figures and their
    comparison, participation, who we may be leaving behind, the practice questions),
    then the detail."""
    tr = r.translator(tr)
    _ = tr.gettext
    e = renderer.escape
    parts = [renderer.section_open(_("Headline figures")),
             f'<p class="notes">{e(wording.comparison_note(tr, r.comparison))}</p>'
             '<div class="cards">']
    for h in r.headlines:
        change = (_("vs previous period ({previous}): {change}").format(
            previous=wording.figure(tr, h, h.previous), change=change_words(h, tr))
            if r.comparison.comparable else _("No comparison"))
        parts.append(renderer.card(wording.headline_label(tr, h), wording.figure(tr, h, h.value),
                                   wording.headline_help(tr, h), change))
    parts.append("</div></section>")
    captions = chart_captions(r, tr) if has_charts(r) else []
    parts.append(renderer.section_open(_("Participation")))
    if captions:
        parts.append(renderer.svg_figure(
            report_svg.participation(r.participation, wording.group_label(tr, r.scope_label),
                                     tr),
            _("Line chart: participation by week"), captions[0]))
    else:
        parts.append(f"<p>{e(no_charts_reason(r, tr))}</p>")
    parts.append("</section>")
    parts.append(renderer.points_section(_("Who are we leaving behind?"),
                                         leaving_behind(r, tr)))
    parts.append(renderer.questions_section(_questions(r, tr),
                                            _("For the meeting: the practice questions")))
    if r.partner_voice is not None:
        parts.append(renderer.points_section(r.partner_voice.title, r.partner_voice.paragraphs,
                                             compact=True))

    detail = _("The detail: responsibilities and next steps")
    parts.append(f'<section class="detail"><h2>{e(detail)}</h2>')
    if captions:
        parts.append(renderer.svg_figure(report_svg.coverage(r.responsibilities, tr),
                                         _("Heat map: responsibilities practised by week"),
                                         captions[1]))
        parts.append(renderer.svg_figure(report_svg.follow_through(r.follow_through, tr),
                                         _("Bar chart: plan next steps by team"), captions[2]))
    parts.append("</section>" + renderer.section_open(_("Teams")))
    parts.append(renderer.table(_team_records(r, tr), columns_in(tr, TEAM_COLUMNS),
                                set(TEAM_COLUMNS) - {"group"}))
    parts.append(f'<p class="notes">{e(_steps_note(r, tr))}</p></section>')

    parts.append(renderer.section_open(_("Week by week")))
    parts.append(renderer.table(r.weeks.to_dict("records"), columns_in(tr, WEEK_COLUMNS),
                                set(WEEK_COLUMNS) - {"week"}, week_formats(tr)))
    parts.append("</section>")

    parts.append(renderer.section_open(_("Highlights shared with the chapter")))
    if not r.highlights:
        nobody = _("Nobody shared an action with the whole chapter in this period.")
        parts.append(f"<p>{e(nobody)}</p>")
    for h in r.highlights[:PRINTED_HIGHLIGHTS]:
        parts.append(renderer.highlight(_highlight_meta(tr, h, e), h.description))
    more = r.more_highlights + max(0, len(r.highlights) - PRINTED_HIGHLIGHTS)
    if more:
        parts.append(f"<p>{e(_more_words(tr, more))}</p>")
    parts.append("</section>")
    title = chapter_words.title(r, tr)
    return renderer.document(
        title=f"{title} — {chapter_words.subtitle(r, tr)}", heading=title,
        sub=f"<strong>{e(wording.group_label(tr, r.scope_label))}</strong> · "
            f"{e(wording.weeks_label(tr, r.comparison.now))} · "
            f"{e(chapter_words.members(tr, r.members))} · {e(_prepared(r, tr))}",
        sections=parts, notes=notes(r, tr), lang=tr.language, direction=tr.dir)


def _questions(r: ChapterReport, tr: Translator) -> list[PracticeQuestion]:
    return [handout.practice_question(tr, q.number) for q in r.practice_questions]


def _team_records(r: ChapterReport, tr: Translator) -> list[dict[str, Any]]:
    return [{**rec, "group": wording.group_label(tr, rec["group"])}
            for rec in r.teams.to_dict("records")]


def _prepared(r: ChapterReport, tr: Translator) -> str:
    """The report's generated line: the one thing that changes from one day to the next."""
    return tr.gettext("prepared {day}").format(day=wording.day(tr, r.today))


def _steps_note(r: ChapterReport, tr: Translator, *, html: bool = True) -> str:
    if html:
        return tr.gettext("Next steps: done in the period, overdue on its last day, and due "
                          "in the coming weeks ({dates}) — counts only, no names: plans are "
                          "personal.").format(dates=ahead_words(r, tr))
    return tr.gettext("Next steps: done in the period, overdue on its last day, and due in "
                      "the coming weeks ({dates}) — counts only, no names.").format(
        dates=ahead_words(r, tr))


def _more_words(tr: Translator, more: int) -> str:
    return tr.ngettext("…and {count} more shared action, in the app.",
                       "…and {count} more shared actions, in the app.", more).format(
        count=wording.number(tr, more))


# --- Markdown ----------------------------------------------------------------------------

def _md_table(frame: pd.DataFrame | list[dict[str, Any]], columns: dict[str, str],
              fmt: dict[str, Any] | None = None) -> list[str]:
    fmt = fmt or {}
    lines = ["| " + " | ".join(columns.values()) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    records = frame.to_dict("records") if isinstance(frame, pd.DataFrame) else frame
    for rec in records:
        # Our own numbers and dates go in as they are; any text (a team's name) is
        # people's, so it is escaped.
        cells = [fmt[c](rec[c]) if c in fmt else
                 inert(rec[c]) if isinstance(rec[c], str) else str(rec[c])
                 for c in columns]
        if rec.get("is_total"):
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def to_markdown(r: ChapterReport, tr: Translator | None = None) -> str:
    """The report as Markdown (charts left out, with a note), the meeting first as in the
    HTML, in ``tr``'s language (else the report's). Every piece of text that came from
    people is escaped, so it shows as typed."""
    tr = r.translator(tr)
    _ = tr.gettext
    out = [f"# {inert(chapter_words.title(r, tr))}", "",
           f"**{inert(wording.group_label(tr, r.scope_label))}** · "
           f"{wording.weeks_label(tr, r.comparison.now)} · "
           f"{chapter_words.members(tr, r.members)} · {_prepared(r, tr)}", "",
           "## " + _("Headline figures"), "", wording.comparison_note(tr, r.comparison), ""]
    measure, now, change = _("Measure"), _("This period"), _("Change")
    previous, no_comparison = _("Previous period"), _("No comparison")
    if r.comparison.comparable:
        out += [f"| {measure} | {now} | {previous} | {change} |",
                "|---|---|---|---|"]
        out += [f"| {wording.headline_label(tr, h)} | {wording.figure(tr, h, h.value)} | "
                f"{wording.figure(tr, h, h.previous)} | {change_words(h, tr)} |"
                for h in r.headlines]
    else:
        out += [f"| {measure} | {now} | {change} |", "|---|---|---|"]
        out += [f"| {wording.headline_label(tr, h)} | {wording.figure(tr, h, h.value)} | "
                f"{no_comparison} |" for h in r.headlines]
    out += ["", "## " + _("Participation and coverage"), "",
            "*" + _("Charts are left out of the Markdown version; they are in the HTML report "
                    "and in the app.") + "*", ""]
    out += ["## " + _("Who are we leaving behind?"), ""]
    out += [f"- {inert(p)}" for p in leaving_behind(r, tr)]
    out += ["", "## " + _("For the meeting: the practice questions"), ""]
    out += [f"{q.number}. **{q.title}.** {q.text}" for q in _questions(r, tr)]
    if r.partner_voice is not None:
        out += ["", f"## {r.partner_voice.title}", ""]
        out += [f"- {inert(p)}" for p in r.partner_voice.paragraphs]
    out += ["", "## " + _("Teams"), "",
            *_md_table(_team_records(r, tr), columns_in(tr, TEAM_COLUMNS)), "",
            _steps_note(r, tr, html=False), ""]
    out += ["## " + _("Week by week"), "",
            *_md_table(r.weeks, columns_in(tr, WEEK_COLUMNS), week_formats(tr)), ""]
    out += ["## " + _("Highlights shared with the chapter"), ""]
    if not r.highlights:
        out.append(_("Nobody shared an action with the whole chapter in this period."))
    for h in r.highlights:
        who = h.member + (f" ({h.team})" if h.team else "")
        out.append(f"- {wording.day(tr, h.done_on)} · {inert(who)} · {h.kind_in(tr)} · "
                   f"{'; '.join(h.responsibilities_in(tr))}  \n"
                   f"  {inert(h.description)}")
    if r.more_highlights:
        out.append("- " + tr.ngettext("…and {count} more shared actions, in the app.",
                                      "…and {count} more shared actions, in the app.",
                                      r.more_highlights).format(count=r.more_highlights))
    out += ["", "---", ""] + [f"*{n}*  " for n in notes(r, tr)]
    return "\n".join(out) + "\n"


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ["section", "name", "week", "value", "previous", "change",
               *[c for c in TEAM_COLUMNS if c != "group"], "active_not_away", "participation",
               "minutes"]


def to_csv(r: ChapterReport, tr: Translator | None = None) -> bytes:
    """One CSV: headline figures, the per-team table, the per-week figures and actions per
    responsibility, told apart by the ``section`` column. Columns, sections, numbers and
    dates are the same in every language (spreadsheets keep working); the ``name`` of a
    row reads in ``tr``'s language (else the report's). Cells a spreadsheet would run as
    a formula are neutralised (:func:`allyship.transfer.csv_files.safe_cell`)."""
    tr = r.translator(tr)
    rows: list[dict[str, Any]] = [{"section": "comparison",
                                   "name": wording.comparison_note(tr, r.comparison)}]
    for h in r.headlines:
        rows.append({"section": "headline", "name": wording.headline_label(tr, h),
                     "value": _num(h.value), "previous": _num(h.previous),
                     "change": _num(h.change) if r.comparison.comparable
                     else tr.gettext("No comparison")})
    for rec in _team_records(r, tr):
        rows.append({"section": "team", "name": rec["group"],
                     **{c: rec[c] for c in TEAM_COLUMNS if c != "group"}})
    scope = wording.group_label(tr, r.scope_label)
    for rec in r.weeks.to_dict("records"):
        rows.append({"section": "week", "name": scope, "week": rec["week"].isoformat(),
                     "active_not_away": rec["counted"], "active_members": rec["participants"],
                     "participation": _num(rec["share"]), "actions": rec["actions"],
                     "minutes": rec["minutes"]})
    for rec in r.responsibility_totals.to_dict("records"):
        rows.append({"section": "responsibility",
                     "name": wording.responsibility_label(tr, rec["responsibility"]),
                     "actions": rec["actions"]})
    return csv_bytes(CSV_COLUMNS, ([row.get(c) for c in CSV_COLUMNS] for row in rows))


def _num(v: Any) -> Any:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return round(float(v), 4) if isinstance(v, float) else v


# --- the file -------------------------------------------------------------------------------

def render(r: ChapterReport, fmt: str, tr: Translator | None = None) -> bytes:
    """The report in ``fmt`` (``html``, ``md`` or ``csv``) as bytes to save, in ``tr``'s
    language (else the language it was assembled in)."""
    return renderer.render(r, fmt, html=partial(to_html, tr=tr),
                           md=partial(to_markdown, tr=tr), csv=partial(to_csv, tr=tr))


def file_name(r: ChapterReport, fmt: str) -> str:
    """A file name like ``chapter-report-2026-07-01-to-2026-09-30.html``."""
    return renderer.file_name("chapter-report", None if r.team_id is None else r.scope_label,
                              r.requested, fmt, unnamed="team")
