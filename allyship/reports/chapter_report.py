"""The chapter report: one period's figures for a chapter (or one team), assembled once
into a :class:`ChapterReport` and written as HTML, Markdown or CSV by
:mod:`allyship.reports.renderer`. The Chapter report page and ``python -m allyship report``
both use it.

Figures are the Team progress page's (:func:`allyship.metrics.chapter_figures.team_progress`),
plus the per-team table and next steps falling due, folded by the same small-group rule.
Highlights are only actions their authors shared with the whole chapter (a report travels);
next steps falling due are counts, never names or texts; nothing ranks individuals, and
reflections are never read. Access: :func:`allyship.core.access.require_team_view`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
import sqlite_utils

from allyship.charts import progress_charts
from allyship.core import access
from allyship.core.dates import format_day, format_day_short
from allyship.core.handout import (
    ACTION_KINDS,
    PRACTICE_QUESTIONS,
    PracticeQuestion,
    responsibility,
)
from allyship.core.models import Member, parse_date
from allyship.core.safe_text import inert
from allyship.metrics import chapter_figures, disclosure, overview, periods, scopes
from allyship.metrics.overview import NO_CHANGE, Headline
from allyship.metrics.periods import Period
from allyship.metrics.scopes import Scope
from allyship.people import roster
from allyship.practice import journal
from allyship.reports import renderer, report_svg
from allyship.reports.presets import report_period
from allyship.transfer.csv_files import csv_bytes
from allyship.voice import figures as partner_voice

MAX_HIGHLIGHTS = 25

TEAM_COLUMNS: dict[str, str] = {
    "group": "Team",
    "members": "Members",
    "active_members": "Members who logged",
    "actions": "Actions",
    "responsibilities_covered": "Responsibilities practised (of 8)",
    "steps_done": "Next steps done",
    "steps_overdue": "Next steps overdue",
    "steps_due_ahead": "Next steps due in the coming weeks",
}
WEEK_COLUMNS: dict[str, str] = {
    "week": "Week of",
    "counted": "Active members not away",
    "participants": "Members who logged",
    "share": "Participation",
    "actions": "Actions",
    "minutes": "Hours",  # shown in hours, like the headline; the CSV keeps minutes
}


# --- the assembled report ---------------------------------------------------------------

@dataclass(frozen=True)
class Highlight:
    """An action its author shared with the chapter."""

    done_on: date
    member: str
    team: str
    description: str
    responsibilities: tuple[str, ...]  # labels, e.g. "2. Listen more, speak less"
    kind: str


@dataclass(frozen=True)
class FallingGroup:
    """A team or focus group whose participation fell against the previous period."""

    kind: str  # "team" or "focus group"
    name: str
    share_now: float
    share_before: float


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

    @property
    def actions(self) -> int:
        return _actions_in(self.weeks)

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
        return f"{self.chapter}: chapter report"

    @property
    def subtitle(self) -> str:
        return f"{self.scope_label} · {self.period.label}"

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)


def assemble(db: sqlite_utils.Database, actor: Member | None, *, start: Any, end: Any,
             team_id: int | None = None, today: date | None = None,
             send_charts: bool = False) -> ChapterReport:
    """The report for the actor's chapter (or ``team_id``) over the weeks covering
    ``start``–``end``. Raises ``PermissionDenied`` or ``ValidationError``.
    (``send_charts`` is accepted and unused: the file's charts are drawn by
    :mod:`allyship.reports.report_svg`, with no renderer to start early.)"""
    actor = access.require_active(actor)
    today = today or date.today()
    access.require_team_view(actor, team_id, actor.chapter_id)
    period = report_period(start, end, today=today)
    scope = Scope(actor.chapter_id, team_id)
    frames = overview.team_progress(db, actor, scope, period, today=today)
    weeks = _week_table(frames)
    as_of = period.as_of(today)
    ahead = (as_of + timedelta(days=1), as_of + timedelta(weeks=period.n_weeks))
    teams = _team_table(db, actor, scope, period, frames, ahead,
                        scopes.as_of_week(period, today))
    highlights, more = _highlights(db, actor, team_id, period)
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
        responsibility_totals=_responsibility_totals(frames.responsibilities),
        least_practised=frames.least_practised,
        falling=_falling(db, actor, scope, period, frames, today),
        silent_members=int(silent.loc[silent["weeks_active"] == 0, "members"].sum()),
        highlights=highlights,
        more_highlights=more,
        partner_voice=(partner_voice.section(db, actor.chapter_id, period)
                       if team_id is None else None),
    )


# --- the report's own measures -----------------------------------------------------------

def _query(db: sqlite_utils.Database, scope: Scope, body: str,
           params: list[Any], week: date) -> pd.DataFrame:
    """``body`` run after the figures' ``scope`` CTE (:func:`scopes.with_scope`): the
    members the figures count, as they stood in ``week``."""
    cur = db.execute(*scopes.with_scope(scope, body, params, week=week))
    return pd.DataFrame(cur.fetchall(), columns=[c[0] for c in cur.description])


def _team_table(db: sqlite_utils.Database, actor: Member, scope: Scope, period: Period,
                frames: overview.ProgressFrames, ahead: tuple[date, date],
                week: date) -> pd.DataFrame:
    """Members, members who logged, actions, responsibilities practised, next steps done,
    overdue and due in the coming weeks — for the scope, then each team shown."""
    first, last = period.start.isoformat(), period.end.isoformat()
    per_team = _query(db, scope,
                      "SELECT s.team_id, count(*) AS members,"
                      " coalesce(sum((SELECT count(*) FROM plans p JOIN plan_items i"
                      "  ON i.plan_id = p.id WHERE p.member_id = s.id AND i.kind = 'next_step'"
                      "  AND i.done_on IS NULL AND i.due_on BETWEEN ? AND ?)), 0)"
                      "  AS steps_due_ahead"
                      " FROM scope s GROUP BY s.team_id",
                      [ahead[0].isoformat(), ahead[1].isoformat()], week)
    # Activity from the member_weeks roll-up (allyship.db.rollup: one row per member and week
    # with an action, with its actions per responsibility): one pass, not over actions.
    activity = db.execute(*scopes.with_scope(
        scope, "SELECT s.team_id, count(DISTINCT s.id), sum(w.actions), "
        + ", ".join(f"sum(w.r{n})" for n in range(1, 9)) +
        " FROM scope s JOIN member_weeks w ON w.member_id = s.id"
        " AND w.week_start BETWEEN ? AND ? GROUP BY s.team_id", [first, last],
        week=week)).fetchall()
    active = {row[0]: (row[1], row[2]) for row in activity}
    # pandas turns a column of team ids holding None (members without a team) into
    # floats with NaN: look those up as None.
    teams = [None if pd.isna(t) else int(t) for t in per_team["team_id"]]
    per_team["active_members"] = [active.get(t, (0, 0))[0] for t in teams]
    per_team["actions"] = [active.get(t, (0, 0))[1] for t in teams]
    practised = pd.DataFrame([(row[0], n) for row in activity
                              for n, count in enumerate(row[3:], start=1) if count],
                             columns=["team_id", "responsibility"])
    sums = ["members", "active_members", "actions", "steps_due_ahead"]
    rows = []

    def row(label: str, part: pd.DataFrame, resp: pd.DataFrame, is_total: bool) -> None:
        values = {k: int(part[k].sum()) for k in sums}
        values["responsibilities_covered"] = int(resp["responsibility"].nunique())
        rows.append({"group": label, **values, "is_total": is_total})

    row(frames.scope_label, per_team, practised, True)
    groups = scopes.breakdown_groups(db, actor, scope)
    if groups:
        def group_of(t: Any) -> str | None:
            return groups.get(None if pd.isna(t) else int(t))

        per_team = per_team.assign(group=per_team["team_id"].map(group_of))
        practised = practised.assign(group=practised["team_id"].map(group_of))
        # Named teams by name, then the folded small ones.
        labels = sorted({g for g in groups.values()},
                        key=lambda g: (g == disclosure.OTHER_LABEL, g.casefold()))
        for label in labels:
            row(label, per_team[per_team["group"] == label],
                practised[practised["group"] == label], False)
    table = pd.DataFrame(rows, columns=["group", *sums, "responsibilities_covered", "is_total"])
    follow = frames.follow_through.set_index("group")
    table["steps_done"] = table["group"].map(follow["done"]).fillna(0).astype(int)
    table["steps_overdue"] = table["group"].map(follow["overdue"]).fillna(0).astype(int)
    return table[[*TEAM_COLUMNS, "is_total"]]


def _actions_in(weeks: pd.DataFrame) -> int:
    """The actions of a :func:`_week_table`."""
    return int(weeks["actions"].sum()) if not weeks.empty else 0


def _week_table(frames: overview.ProgressFrames) -> pd.DataFrame:
    part = frames.participation[frames.participation["is_total"]]
    part = part[["week", "counted", "participants", "share"]]
    out = part.merge(frames.minutes[["week", "actions", "minutes"]], on="week", how="left")
    out[["actions", "minutes"]] = out[["actions", "minutes"]].fillna(0).astype(int)
    out["week"] = pd.to_datetime(out["week"]).dt.date
    return out[list(WEEK_COLUMNS)].reset_index(drop=True)


def _responsibility_totals(resp: pd.DataFrame) -> pd.DataFrame:
    totals = resp.groupby(["responsibility", "label"], as_index=False)[["actions"]].sum()
    return totals.sort_values("responsibility").reset_index(drop=True)


def _falling(db: sqlite_utils.Database, actor: Member, scope: Scope, period: Period,
             frames: overview.ProgressFrames, today: date) -> tuple[FallingGroup, ...]:
    out = [FallingGroup("team", str(t.team), float(t.share_now), float(t.share_before))
           for t in frames.falling_teams.itertuples(index=False)]
    if not frames.comparison.comparable:
        return tuple(out)  # no comparison at all between unequal or unfinished periods
    # Focus groups (only those big enough to be offered as a filter) fell too?
    for group in scopes.focus_group_choices(db, actor, scope.chapter_id, scope.team_id):
        fg = Scope(scope.chapter_id, scope.team_id, group)
        now, before = chapter_figures.pooled_participation(db, actor, fg,
                                                           [period, period.previous()],
                                                   today=today)
        if now is not None and before is not None and \
                before - now >= chapter_figures.FALLING_BY - 1e-9:
            out.append(FallingGroup("focus group", group, now, before))
    return tuple(out)


def _highlights(db: sqlite_utils.Database, actor: Member, team_id: int | None,
                period: Period) -> tuple[tuple[Highlight, ...], int]:
    team_names = {t.id: t.name for t in roster.list_teams(db, actor.chapter_id,
                                                          include_archived=True)}
    shared = [(owner, a) for owner, a in journal.list_shared_actions(
        db, actor, team_id=team_id, since=period.start, until=period.end, limit=1000)
        # Chapter-visible only: the report travels beyond the team.
        if a.visibility == "chapter" and owner.active]
    picked = tuple(Highlight(
        done_on=a.done_on, member=owner.name, team=team_names.get(owner.team_id, ""),
        description=a.description,
        responsibilities=tuple(responsibility(r).label for r in a.responsibilities),
        kind=ACTION_KINDS.get(a.kind, a.kind)) for owner, a in shared[:MAX_HIGHLIGHTS])
    return picked, max(0, len(shared) - MAX_HIGHLIGHTS)


# --- shared wording ---------------------------------------------------------------------

def change_words(h: Headline) -> str:
    """The change against the previous period in plain words ("no comparison" whenever
    the periods are not comparable: the headline then has no previous value)."""
    if h.change is None:
        return "No comparison"
    if h.unchanged:
        return NO_CHANGE
    better = (h.change < 0) if h.lower_is_better else (h.change > 0)
    return f"{h.delta_display} ({'better' if better else 'worse'})"


def _falling_words(f: FallingGroup) -> tuple[str, str]:
    return (f"{f.kind.capitalize()} {f.name}",
            f"{f.share_now:.0%} took part each week, down from {f.share_before:.0%}")


def ahead_words(r: ChapterReport) -> str:
    """The coming weeks in which next steps fall due, as dates."""
    return f"{format_day_short(r.ahead[0])} – {format_day(r.ahead[1])}"


def notes(r: ChapterReport) -> list[str]:
    """What the figures cover and leave out, in plain words (the report's footer)."""
    req = f"{format_day(r.requested[0])} – {format_day(r.requested[1])}"
    return [
        f"Dates asked for: {req}; figures cover the whole weeks (Monday to Sunday) "
        f"{r.comparison.now.label}. {r.comparison.note}",
        "Figures count active members only, everyone anonymously, private entries "
        f"included only as counts. Teams with fewer than {disclosure.MIN_OTHERS} members are "
        "grouped together (or left out) so that nobody is singled out. Nobody is ranked.",
        "Highlights are only actions their authors chose to share with the whole chapter.",
    ]


def leaving_behind(r: ChapterReport) -> list[str]:
    """The "Who are we leaving behind?" points, as plain sentences (no markup)."""
    points = []
    for p in r.least_practised.itertuples(index=False):
        n = int(p.actions)
        points.append(f"Less practised: {p.label} — {n} action{'s' if n != 1 else ''} "
                      "in the period.")
    for f in r.falling:
        who, what = _falling_words(f)
        points.append(f"{who}: {what}.")
    if not r.falling:
        points.append(f"No team or focus group shown here fell by "
                      f"{chapter_figures.FALLING_BY * 100:.0f} points or more in participation.")
    if r.silent_members:
        points.append(f"{r.silent_members} of {r.members} active members logged nothing in "
                      "the period — a reason to check in, not to blame.")
    overdue = r.headline("overdue")
    if overdue.value:
        points.append(f"{overdue.display} next steps were overdue at the end of the period.")
    return points


# --- charts ------------------------------------------------------------------------------

def chart_views(r: ChapterReport) -> list[tuple[Any, str, pd.DataFrame, str]]:
    """The report's charts: each as a prepared chart, its kind, the frame it draws and
    its one-sentence summary."""
    drawn = _charts(r.participation, r.responsibilities, r.follow_through, r.weeks,
                    r.comparison)
    return [(chart, chart.kind, frame, caption)
            for (chart, frame), caption in zip(drawn, chart_captions(r))]


def has_charts(r: ChapterReport) -> bool:
    """Whether the period has charts (see :func:`no_charts_reason` when not)."""
    return r.actions > 0 and bool(r.comparison.now.enough_for_charts)


def chart_captions(r: ChapterReport) -> list[str]:
    """One sentence under each chart: participation, coverage, next steps."""
    practised = r.headline("coverage")
    total = r.follow_through[r.follow_through["is_total"]].iloc[0]
    return [
        "Each point is one week: the share of active members (not away that week) who "
        f"logged at least one action; the line is the 4-week average. Over the period's "
        f"complete weeks: {r.headline('participation').display}.",
        f"Which of the eight responsibilities were practised, week by week: "
        f"{practised.display} of 8 in the period. Grey squares are weeks nobody practised "
        "that responsibility; darker blue means more actions.",
        f"Plan next steps: {total['done']} done in the period, {total['open']} still open "
        f"and {total['overdue']} past their due date on the period's last day.",
    ]


def _charts(participation: pd.DataFrame, responsibilities: pd.DataFrame,
            follow_through: pd.DataFrame, weeks: pd.DataFrame,
            comparison: periods.Comparison
            ) -> list[tuple[progress_charts.PreparedChart, pd.DataFrame]]:
    """The report's charts and the frames they draw, in order; none for a period without
    actions or with too few complete weeks. What :func:`chart_views` shows and what
    :func:`assemble` sends the renderer early: one rule for both."""
    if _actions_in(weeks) == 0 or not comparison.now.enough_for_charts:
        return []  # the rule of has_charts, on the frames before the report exists
    return [(progress_charts.prepare("participation", participation), participation),
            (progress_charts.prepare("coverage", responsibilities), responsibilities),
            (progress_charts.prepare("follow_through", follow_through), follow_through)]


def no_charts_reason(r: ChapterReport) -> str:
    """Why the report has no charts, in words (when :func:`chart_views` is empty)."""
    if r.actions == 0:
        return "No actions were logged in this period, so there is nothing to chart."
    return (f"Charts need at least {periods.MIN_CHART_WEEKS} complete weeks of the "
            f"programme; this period has {len(r.comparison.now.complete)}.")


def chart_list(r: ChapterReport) -> list[tuple[Any, str]]:
    """The report's charts with their captions (see :func:`chart_views`)."""
    return [(chart, caption) for chart, _, _, caption in chart_views(r)]


# --- HTML ------------------------------------------------------------------------------

PRINTED_HIGHLIGHTS = 3  # the file is for a meeting: the rest are in the app


def to_html(r: ChapterReport) -> str:
    """The report as one self-contained HTML file, charts as inline SVG. The meeting
    comes first (headline figures and their comparison, participation, who we may be
    leaving behind, the practice questions), then the detail."""
    e = renderer.escape
    parts = ["<section><h2>Headline figures</h2>",
             f'<p class="notes">{e(r.comparison.note)}</p><div class="cards">']
    for h in r.headlines:
        change = (f"vs previous period ({h.previous_display}): {change_words(h)}"
                  if r.comparison.comparable else "No comparison")
        parts.append(renderer.card(h.label, h.display, h.help, change))
    parts.append("</div></section>")
    captions = chart_captions(r) if has_charts(r) else []
    parts.append("<section><h2>Participation</h2>")
    if captions:
        parts.append(renderer.svg_figure(report_svg.participation(r.participation,
                                                                  r.scope_label),
                                         "Line chart: participation by week", captions[0]))
    else:
        parts.append(f"<p>{e(no_charts_reason(r))}</p>")
    parts.append("</section>")
    parts.append(renderer.points_section("Who are we leaving behind?", leaving_behind(r)))
    parts.append(renderer.questions_section(r.practice_questions))
    if r.partner_voice is not None:
        parts.append(renderer.points_section(r.partner_voice.title, r.partner_voice.paragraphs,
                                             compact=True))

    parts.append('<section class="detail"><h2>The detail: responsibilities and next '
                 "steps</h2>")
    if captions:
        parts.append(renderer.svg_figure(report_svg.coverage(r.responsibilities),
                                         "Heat map: responsibilities practised by week",
                                         captions[1]))
        parts.append(renderer.svg_figure(report_svg.follow_through(r.follow_through),
                                         "Bar chart: plan next steps by team", captions[2]))
    parts.append("</section><section><h2>Teams</h2>")
    parts.append(renderer.table(r.teams.to_dict("records"), TEAM_COLUMNS,
                                set(TEAM_COLUMNS) - {"group"}))
    parts.append(f'<p class="notes">Next steps: done in the period, overdue on its last day, '
                 f"and due in the coming weeks ({e(ahead_words(r))}) — counts only, no "
                 "names: plans are personal.</p></section>")

    parts.append("<section><h2>Week by week</h2>")
    parts.append(renderer.table(r.weeks.to_dict("records"), WEEK_COLUMNS,
                                set(WEEK_COLUMNS) - {"week"}, WEEK_FORMATS))
    parts.append("</section>")

    parts.append("<section><h2>Highlights shared with the chapter</h2>")
    if not r.highlights:
        parts.append("<p>Nobody shared an action with the whole chapter in this period.</p>")
    for h in r.highlights[:PRINTED_HIGHLIGHTS]:
        parts.append(renderer.highlight(
            f"{e(format_day(h.done_on))} · "
            f"{e(h.member)}{' (' + e(h.team) + ')' if h.team else ''}"
            f" · {e(h.kind)} · {e('; '.join(h.responsibilities))}", h.description))
    more = r.more_highlights + max(0, len(r.highlights) - PRINTED_HIGHLIGHTS)
    if more:
        parts.append(f"<p>…and {more:,} more shared action{'s' if more != 1 else ''}, in "
                     "the app.</p>")
    parts.append("</section>")
    return renderer.document(
        title=f"{r.title} — {r.subtitle}", heading=r.title,
        sub=f"<strong>{e(r.scope_label)}</strong> · {e(r.comparison.now.label)} · "
            f"{_members(r.members)} · prepared {e(format_day(r.today))}",
        sections=parts, notes=notes(r))


def _members(n: int) -> str:
    return f"{n:,} active member{'s' if n != 1 else ''}"


# "Mon 02 Feb 2026": the week column keeps two-digit days, so its rows line up.
WEEK_FORMATS: dict[str, Any] = {"share": renderer.percent, "week": lambda d: f"{d:%a %d %b %Y}",
                                  "minutes": lambda m: f"{m / 60:,.1f}"}


# --- Markdown ----------------------------------------------------------------------------

def _md_table(frame: pd.DataFrame, columns: dict[str, str],
              fmt: dict[str, Any] | None = None) -> list[str]:
    fmt = fmt or {}
    lines = ["| " + " | ".join(columns.values()) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for rec in frame.to_dict("records"):
        # Our own numbers and dates go in as they are; any text (a team's name) is
        # people's, so it is escaped.
        cells = [fmt[c](rec[c]) if c in fmt else
                 inert(rec[c]) if isinstance(rec[c], str) else str(rec[c])
                 for c in columns]
        if rec.get("is_total"):
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def to_markdown(r: ChapterReport) -> str:
    """The report as Markdown (charts left out, with a note), the meeting first as in the
    HTML. Every piece of text that came from people is escaped, so it shows as typed."""
    out = [f"# {inert(r.title)}", "",
           f"**{inert(r.scope_label)}** · {r.comparison.now.label} · "
           f"{_members(r.members)} · prepared {format_day(r.today)}", "",
           "## Headline figures", "", r.comparison.note, ""]
    if r.comparison.comparable:
        out += ["| Measure | This period | Previous period | Change |", "|---|---|---|---|"]
        out += [f"| {h.label} | {h.display} | {h.previous_display} | {change_words(h)} |"
                for h in r.headlines]
    else:
        out += ["| Measure | This period | Change |", "|---|---|---|"]
        out += [f"| {h.label} | {h.display} | No comparison |" for h in r.headlines]
    out += ["", "## Participation and coverage", "",
            "*Charts are left out of the Markdown version; they are in the HTML report and "
            "in the app.*", ""]
    out += ["## Who are we leaving behind?", ""]
    out += [f"- {inert(p)}" for p in leaving_behind(r)]
    out += ["", "## For the meeting: the practice questions", ""]
    out += [f"{q.number}. **{q.title}.** {q.text}"
            for q in r.practice_questions]
    if r.partner_voice is not None:
        out += ["", f"## {r.partner_voice.title}", ""]
        out += [f"- {inert(p)}" for p in r.partner_voice.paragraphs]
    out += ["", "## Teams", "", *_md_table(r.teams, TEAM_COLUMNS), "",
            f"Next steps: done in the period, overdue on its last day, and due in the coming "
            f"weeks ({ahead_words(r)}) — counts only, no names.", ""]
    out += ["## Week by week", "",
            *_md_table(r.weeks, WEEK_COLUMNS, WEEK_FORMATS), ""]
    out += ["## Highlights shared with the chapter", ""]
    if not r.highlights:
        out.append("Nobody shared an action with the whole chapter in this period.")
    for h in r.highlights:
        who = h.member + (f" ({h.team})" if h.team else "")
        out.append(f"- {format_day(h.done_on)} · {inert(who)} · {h.kind} · "
                   f"{'; '.join(h.responsibilities)}  \n"
                   f"  {inert(h.description)}")
    if r.more_highlights:
        out.append(f"- …and {r.more_highlights} more shared actions, in the app.")
    out += ["", "---", ""] + [f"*{n}*  " for n in notes(r)]
    return "\n".join(out) + "\n"


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ["section", "name", "week", "value", "previous", "change",
               *[c for c in TEAM_COLUMNS if c != "group"], "active_not_away", "participation",
               "minutes"]


def to_csv(r: ChapterReport) -> bytes:
    """One CSV: headline figures, the per-team table, the per-week figures and actions per
    responsibility, told apart by the ``section`` column. Cells a spreadsheet would run
    as a formula are neutralised (:func:`allyship.transfer.csv_files.safe_cell`)."""
    rows: list[dict[str, Any]] = [{"section": "comparison", "name": r.comparison.note}]
    for h in r.headlines:
        rows.append({"section": "headline", "name": h.label, "value": _num(h.value),
                     "previous": _num(h.previous),
                     "change": _num(h.change) if r.comparison.comparable else "No comparison"})
    for rec in r.teams.to_dict("records"):
        rows.append({"section": "team", "name": rec["group"],
                     **{c: rec[c] for c in TEAM_COLUMNS if c != "group"}})
    for rec in r.weeks.to_dict("records"):
        rows.append({"section": "week", "name": r.scope_label, "week": rec["week"].isoformat(),
                     "active_not_away": rec["counted"], "active_members": rec["participants"],
                     "participation": _num(rec["share"]), "actions": rec["actions"],
                     "minutes": rec["minutes"]})
    for rec in r.responsibility_totals.to_dict("records"):
        rows.append({"section": "responsibility", "name": rec["label"],
                     "actions": rec["actions"]})
    return csv_bytes(CSV_COLUMNS, ([row.get(c) for c in CSV_COLUMNS] for row in rows))


def _num(v: Any) -> Any:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return round(float(v), 4) if isinstance(v, float) else v


# --- the file -------------------------------------------------------------------------------

def render(r: ChapterReport, fmt: str) -> bytes:
    """The report in ``fmt`` (``html``, ``md`` or ``csv``) as bytes to save."""
    return renderer.render(r, fmt, html=to_html, md=to_markdown, csv=to_csv)


def file_name(r: ChapterReport, fmt: str) -> str:
    """A file name like ``chapter-report-2026-07-01-to-2026-09-30.html``."""
    return renderer.file_name("chapter-report", None if r.team_id is None else r.scope_label,
                              r.requested, fmt, unnamed="team")
