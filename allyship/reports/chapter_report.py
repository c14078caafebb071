"""The chapter report: one period's figures, assembled once, rendered three ways.

:func:`assemble` gathers, for a chapter (or one team) and a period, everything a
meeting needs into a plain :class:`ChapterReport` — the single source for every
renderer: :func:`to_html` (one self-contained file, charts as inline SVG, prints on
A4 or Letter), :func:`to_markdown` and :func:`to_csv`. The Chapter report page and
``python -m allyship report`` both call these.

What the report draws on, and what it never does
------------------------------------------------
* Figures come from :func:`allyship.metrics.chapter_figures.team_progress` (headline numbers with
  the previous period, participation, responsibility coverage, follow-through,
  least-practised responsibilities, falling teams) — the same numbers the Team
  progress page shows. Charts come from :mod:`allyship.charts.progress_charts`. The per-team table
  and the next steps falling due after the period are the report's own measures
  (below), folded by the same small-group rule as the metrics.
* **Highlights** are actions their authors shared with the **chapter**, and only
  those: never a private action, and never a team-only one — a report is a
  document that travels (it is printed, mailed round), so it carries only what its
  author chose to show the whole chapter. Actions of deactivated members are left
  out, as they are from every figure.
* **Next steps falling due** are counts per team, never names or texts: a next
  step has no "shared" flag of its own, so nothing in the plan says its author
  agreed to have it read out.
* **Who are we leaving behind?** lists the least-practised responsibilities, teams
  and focus groups (with at least :data:`metrics.MIN_GROUP` members) whose
  participation fell by :data:`metrics.FALLING_BY` or more, how many members
  logged nothing in the period (a count, no names), and overdue next steps.
* Nothing ranks individuals, and reflections are never read at all.

The period is given as dates and covers the whole ISO weeks (Monday–Sunday) that
contain them, like every progress view; the report names those weeks.

Access: a team lead may produce the chapter-wide report (aggregates, with their
own team's breakdown) or their own team's; an admin any team of their chapter
(:func:`access.require_team_view`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
import sqlite_utils

from allyship.charts import progress_charts
from allyship.core import access
from allyship.metrics import chapter_figures, disclosure, overview, periods, scopes
from allyship.people import roster
from allyship.practice import journal
from allyship.core.handout import ACTION_KINDS, PRACTICE_QUESTIONS, PracticeQuestion, responsibility
from allyship.metrics.overview import Headline
from allyship.metrics.periods import Period
from allyship.metrics.scopes import Scope
from allyship.core.models import Member, ValidationError, parse_date
from allyship.transfer.csv_files import csv_bytes
from allyship.core.safe_text import inert

MAX_HIGHLIGHTS = 25
CHART_WIDTH = 700  # px of each chart in the HTML file; CSS scales it down to the page

PERIOD_PRESETS: tuple[str, ...] = ("Last month", "Last quarter", periods.SINCE_START,
                                   "Custom dates")

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
    "minutes": "Minutes",
}


# --- the period -----------------------------------------------------------------------

def last_month(today: date) -> tuple[date, date]:
    """The calendar month before the one containing ``today``: (first day, last day)."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def last_quarter(today: date) -> tuple[date, date]:
    """The calendar quarter before the one containing ``today``: (first day, last day)."""
    first_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = first_this - timedelta(days=1)
    return date(last.year, last.month - 2, 1), last


def preset_dates(preset: str, today: date, started_on: date | None = None) -> tuple[date, date]:
    """Dates of a named preset from :data:`PERIOD_PRESETS` (not "Custom dates");
    "since the programme began" needs the programme's first day."""
    if preset == "Last month":
        return last_month(today)
    if preset == "Last quarter":
        return last_quarter(today)
    if preset == periods.SINCE_START and started_on is not None:
        last_sunday = today - timedelta(days=today.weekday() + 1)
        return started_on, max(last_sunday, min(started_on, today))
    raise ValueError(f"no preset called {preset!r}")


def default_preset(started_on: date, today: date) -> str:
    """The preset a report opens on: last quarter, unless the programme began after that
    quarter started (a young chapter) — then "since the programme began"."""
    return "Last quarter" if last_quarter(today)[0] >= started_on else periods.SINCE_START


def report_period(start: Any, end: Any, *, today: date) -> Period:
    """The whole weeks covering ``start``–``end`` (dates or ``YYYY-MM-DD``).

    Raises :class:`ValidationError` in plain words for a malformed or reversed period,
    or one that has not started by ``today``.
    """
    period = Period.between(start, end)
    if period.start > today:
        raise ValidationError({"start": f"The period starts on {period.start:%d %b %Y}, "
                                        "after today; there is nothing to report yet"})
    return period


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

    ``send_charts``: hand the HTML report's charts to the started renderer
    (:func:`allyship.charts.svg_render.send`) as soon as their figures are known, so that it
    draws them while the rest is assembled (the command line; without a renderer,
    nothing)."""
    actor = access.require_active(actor)
    today = today or date.today()
    access.require_team_view(actor, team_id, actor.chapter_id)
    period = report_period(start, end, today=today)
    scope = Scope(actor.chapter_id, team_id)
    frames = overview.team_progress(db, actor, scope, period, today=today)
    weeks = _week_table(frames)
    if send_charts:
        from allyship.charts import svg_render

        for chart, _ in _charts(frames.participation, frames.responsibilities,
                                frames.follow_through, weeks, frames.comparison):
            svg_render.send(_drawn_spec(chart))
    as_of = period.as_of(today)
    ahead = (as_of + timedelta(days=1), as_of + timedelta(weeks=period.n_weeks))
    teams = _team_table(db, actor, scope, period, frames, ahead)
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
    )


# --- the report's own measures -----------------------------------------------------------

def _query(db: sqlite_utils.Database, scope: Scope, body: str,
           params: list[Any]) -> pd.DataFrame:
    """``body`` run after the metrics' ``scope`` CTE (:func:`metrics.with_scope`): the
    active members the figures count."""
    cur = db.execute(*scopes.with_scope(scope, body, params))
    return pd.DataFrame(cur.fetchall(), columns=[c[0] for c in cur.description])


def _team_table(db: sqlite_utils.Database, actor: Member, scope: Scope, period: Period,
                frames: overview.ProgressFrames, ahead: tuple[date, date]) -> pd.DataFrame:
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
                      [ahead[0].isoformat(), ahead[1].isoformat()])
    # Activity from the member_weeks roll-up (allyship.db.rollup: one row per member and week
    # with an action, with its actions per responsibility): one pass, not over actions.
    activity = db.execute(*scopes.with_scope(
        scope, "SELECT s.team_id, count(DISTINCT s.id), sum(w.actions), "
        + ", ".join(f"sum(w.r{n})" for n in range(1, 9)) +
        " FROM scope s JOIN member_weeks w ON w.member_id = s.id"
        " AND w.week_start BETWEEN ? AND ? GROUP BY s.team_id", [first, last])).fetchall()
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
        now, before = chapter_figures.pooled_participation(db, actor, fg, [period, period.previous()],
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
    if h.change == 0:
        return "no change"
    better = (h.change < 0) if h.lower_is_better else (h.change > 0)
    return f"{h.delta_display} ({'better' if better else 'worse'})"


def _falling_words(f: FallingGroup) -> tuple[str, str]:
    return (f"{f.kind.capitalize()} {f.name}",
            f"{f.share_now:.0%} took part each week, down from {f.share_before:.0%}")


def ahead_words(r: ChapterReport) -> str:
    """The coming weeks in which next steps fall due, as dates."""
    return f"{r.ahead[0]:%d %b} – {r.ahead[1]:%d %b %Y}"


def notes(r: ChapterReport) -> list[str]:
    """What the figures cover and leave out, in plain words (the report's footer)."""
    req = f"{r.requested[0]:%d %b %Y} – {r.requested[1]:%d %b %Y}"
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


# --- HTML ------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1b1b1b; margin: 0 auto; max-width: 60rem; padding: 1.5rem;
       line-height: 1.45; font-size: 11pt; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid #0072B2;
     padding-bottom: .15rem; }
.sub { color: #444; margin: 0 0 .8rem; }
.notes { color: #444; font-size: .9em; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: .6rem; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: .5rem .7rem; }
.card .label { font-size: .85em; color: #444; }
.card .value { font-size: 1.5em; font-weight: 600; }
.card .change { font-size: .85em; }
.card .help { font-size: .78em; color: #555; margin-top: .2rem; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .88em; color: #444; }
table { border-collapse: collapse; width: 100%; font-size: .92em; margin: .4rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; text-align: left;
         vertical-align: top; }
td.n, th.n { text-align: right; }
tr.total td { font-weight: 600; background: #f1f5f9; }
.highlight { border-left: 4px solid #009E73; padding: .2rem .7rem; margin: .5rem 0; }
.highlight .meta { font-size: .85em; color: #444; }
.highlight .text { white-space: pre-wrap; }
ol.questions li { margin: .35rem 0; }
footer { margin-top: 2rem; font-size: .82em; color: #555; }
@page { margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, table, .card, .cards, .highlight, li { break-inside: avoid;
                                                 page-break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .screen-only { display: none; }
}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _drawn_spec(chart: Any) -> dict[str, Any]:
    """The spec of a chart (prepared, or an Altair chart) as the HTML file draws it."""
    return _fixed_width(progress_charts.spec(chart), CHART_WIDTH)


def _svg(chart: Any, n: int) -> str:
    """A chart (prepared, or an Altair chart) as inline SVG, rendered offline by
    vl-convert."""
    from allyship.charts import svg_render

    svg = svg_render.to_svg(_drawn_spec(chart))
    # Several SVGs share one document: give each its own ids (gradients, clip paths).
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    for ident in sorted(ids, key=len, reverse=True):
        new = f"c{n}-{ident}"
        svg = svg.replace(f'id="{ident}"', f'id="{new}"').replace(f"url(#{ident})",
                                                                  f"url(#{new})")
        svg = svg.replace(f'href="#{ident}"', f'href="#{new}"')
    return svg


def _fixed_width(spec: Any, width: int) -> Any:
    """``width="container"`` only means something in a browser page; give a number."""
    if isinstance(spec, dict):
        return {k: (width if k == "width" and v == "container" else _fixed_width(v, width))
                for k, v in spec.items()}
    if isinstance(spec, list):
        return [_fixed_width(v, width) for v in spec]
    return spec


def chart_views(r: ChapterReport) -> list[tuple[Any, str, pd.DataFrame, str]]:
    """The report's charts (from :mod:`allyship.charts.progress_charts`): chart (a
    :class:`~allyship.charts.progress_charts.PreparedChart`: the builder's spec without running Altair),
    kind (for :func:`allyship.charts.progress_charts.table`), the frame it draws, and its one-sentence
    summary."""
    drawn = _charts(r.participation, r.responsibilities, r.follow_through, r.weeks,
                    r.comparison)
    if not drawn:
        return []
    practised = r.headline("coverage")
    total = r.follow_through[r.follow_through["is_total"]].iloc[0]
    captions = [
        "Each point is one week: the share of active members (not away that week) who "
        f"logged at least one action; the line is the 4-week average. Over the period's "
        f"complete weeks: {r.headline('participation').display}.",
        f"Which of the eight responsibilities were practised, week by week: "
        f"{practised.display} of 8 in the period. Grey squares are weeks nobody practised "
        "that responsibility; darker blue means more actions.",
        f"Plan next steps: {total['done']} done in the period, {total['open']} still open "
        f"and {total['overdue']} past their due date on the period's last day.",
    ]
    return [(chart, chart.kind, frame, caption)
            for (chart, frame), caption in zip(drawn, captions)]


def _charts(participation: pd.DataFrame, responsibilities: pd.DataFrame,
            follow_through: pd.DataFrame, weeks: pd.DataFrame,
            comparison: periods.Comparison) -> list[tuple[progress_charts.PreparedChart, pd.DataFrame]]:
    """The report's charts and the frames they draw, in order; none for a period without
    actions or with too few complete weeks. What :func:`chart_views` shows and what
    :func:`assemble` sends the renderer early: one rule for both."""
    if _actions_in(weeks) == 0 or not comparison.now.enough_for_charts:
        return []
    return [(progress_charts.prepare("participation", participation), participation),
            (progress_charts.prepare("coverage", responsibilities), responsibilities),
            (progress_charts.prepare("follow_through", follow_through), follow_through)]


def no_charts_reason(r: ChapterReport) -> str:
    """Why the report has no charts, in words (when :func:`chart_views` is empty)."""
    if r.actions == 0:
        return "No actions were logged in this period, so there is nothing to chart."
    return (f"Charts need at least {periods.MIN_CHART_WEEKS} complete weeks of the programme; "
            f"this period has {len(r.comparison.now.complete)}.")


def chart_list(r: ChapterReport) -> list[tuple[Any, str]]:
    """The report's charts with their captions (see :func:`chart_views`)."""
    return [(chart, caption) for chart, _, _, caption in chart_views(r)]


def _html_table(frame: pd.DataFrame, columns: dict[str, str], numeric: set[str],
                fmt: dict[str, Any] | None = None) -> str:
    fmt = fmt or {}
    head = "".join(f'<th class="{"n" if c in numeric else ""}" scope="col">{_e(t)}</th>'
                   for c, t in columns.items())
    body = []
    for rec in frame.to_dict("records"):
        cls = ' class="total"' if rec.get("is_total") else ""
        values = {c: fmt[c](rec[c]) if c in fmt else rec[c] for c in columns}
        cells = "".join(f'<td class="{"n" if c in numeric else ""}">{_e(values[c])}</td>'
                        for c in columns)
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _share(v: Any) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:.0%}"


def to_html(r: ChapterReport) -> str:
    """The report as one self-contained HTML file: no scripts, no fonts or images
    fetched from anywhere, charts as inline SVG; prints cleanly on A4 or Letter."""
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(r.title)} — {_e(r.subtitle)}</title>", f"<style>{_CSS}</style>",
        "</head>", "<body>", "<header>",
        f"<h1>{_e(r.title)}</h1>",
        f'<p class="sub"><strong>{_e(r.scope_label)}</strong> · {_e(r.comparison.now.label)} · '
        f"{r.members} active members · prepared {r.today:%d %b %Y}</p>",
        "</header>", "<main>",  # landmarks: a screen reader can jump to the report
        "<section><h2>Headline figures</h2>", '<div class="cards">',
    ]
    for h in r.headlines:
        parts.append(
            f'<div class="card"><div class="label">{_e(h.label)}</div>'
            f'<div class="value">{_e(h.display)}</div>'
            + (f'<div class="change">vs previous period ({_e(h.previous_display)}): '
               f"{_e(change_words(h))}</div>" if r.comparison.comparable else
               '<div class="change">No comparison</div>')
            + f'<div class="help">{_e(h.help)}</div></div>')
    parts.append(f'</div><p class="notes">{_e(r.comparison.note)}</p></section>')

    parts.append("<section><h2>Participation and coverage</h2>")
    listed = chart_list(r)
    if not listed:
        parts.append(f"<p>{_e(no_charts_reason(r))}</p>")
    for n, (chart, caption) in enumerate(listed, start=1):
        parts.append(f'<figure role="group" aria-label="{_e(progress_charts.description(chart))}">'
                     f"{_svg(chart, n)}<figcaption>{_e(caption)}</figcaption></figure>")
    parts.append("</section>")

    parts.append("<section><h2>Teams</h2>")
    parts.append(_html_table(r.teams, TEAM_COLUMNS, set(TEAM_COLUMNS) - {"group"}))
    parts.append(f'<p class="notes">Next steps: done in the period, overdue on its last day, '
                 f"and due in the coming weeks ({_e(ahead_words(r))}) — counts only, no "
                 "names: plans are personal.</p></section>")

    parts.append("<section><h2>Week by week</h2>")
    parts.append(_html_table(r.weeks, WEEK_COLUMNS, set(WEEK_COLUMNS) - {"week"},
                             {"share": _share, "week": lambda d: f"{d:%d %b %Y}"}))
    parts.append("</section>")

    parts.append("<section><h2>Highlights shared with the chapter</h2>")
    if not r.highlights:
        parts.append("<p>Nobody shared an action with the whole chapter in this period.</p>")
    for h in r.highlights:
        parts.append(
            f'<div class="highlight"><div class="meta">{h.done_on:%d %b %Y} · '
            f"{_e(h.member)}{' (' + _e(h.team) + ')' if h.team else ''} · {_e(h.kind)} · "
            f"{_e('; '.join(h.responsibilities))}</div>"
            f'<div class="text">{_e(h.description)}</div></div>')
    if r.more_highlights:
        parts.append(f"<p>…and {r.more_highlights} more shared actions, in the app.</p>")
    parts.append("</section>")

    parts.append("<section><h2>Who are we leaving behind?</h2><ul>")
    parts += [f"<li>{_e(p)}</li>" for p in leaving_behind(r)]
    parts.append("</ul></section>")

    parts.append("<section><h2>For the meeting: the practice questions</h2>"
                 '<ol class="questions">')
    parts += [f"<li><strong>{_e(q.title)}.</strong> {_e(q.text)}</li>"
              for q in r.practice_questions]
    parts.append("</ol></section>")

    parts.append("</main>")
    parts.append("<footer>" + "".join(f"<p>{_e(n)}</p>" for n in notes(r)) + "</footer>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts)


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
    """The report as Markdown (charts left out, with a note). Every piece of text that
    came from people is escaped, so it shows as typed."""
    out = [f"# {inert(r.title)}", "",
           f"**{inert(r.scope_label)}** · {r.comparison.now.label} · "
           f"{r.members} active members · prepared {r.today:%d %b %Y}", "",
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
    out += ["## Teams", "", *_md_table(r.teams, TEAM_COLUMNS), "",
            f"Next steps: done in the period, overdue on its last day, and due in the coming "
            f"weeks ({ahead_words(r)}) — counts only, no names.", ""]
    out += ["## Week by week", "",
            *_md_table(r.weeks, WEEK_COLUMNS, {"share": _share,
                                               "week": lambda d: f"{d:%d %b %Y}"}), ""]
    out += ["## Highlights shared with the chapter", ""]
    if not r.highlights:
        out.append("Nobody shared an action with the whole chapter in this period.")
    for h in r.highlights:
        who = h.member + (f" ({h.team})" if h.team else "")
        out.append(f"- {h.done_on:%d %b %Y} · {inert(who)} · {h.kind} · "
                   f"{'; '.join(h.responsibilities)}  \n"
                   f"  {inert(h.description)}")
    if r.more_highlights:
        out.append(f"- …and {r.more_highlights} more shared actions, in the app.")
    out += ["", "## Who are we leaving behind?", ""]
    out += [f"- {inert(p)}" for p in leaving_behind(r)]
    out += ["", "## For the meeting: the practice questions", ""]
    out += [f"{q.number}. **{q.title}.** {q.text}"
            for q in r.practice_questions]
    out += ["", "---", ""] + [f"*{n}*  " for n in notes(r)]
    return "\n".join(out) + "\n"


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ["section", "name", "week", "value", "previous", "change",
               *[c for c in TEAM_COLUMNS if c != "group"], "active_not_away", "participation",
               "minutes"]


def to_csv(r: ChapterReport) -> bytes:
    """One CSV: headline figures, the per-team table, the per-week figures and actions per
    responsibility, told apart by the ``section`` column. Cells a spreadsheet would run
    as a formula are neutralised (:func:`allyship.transfer.safe_cell`)."""
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


# --- formats --------------------------------------------------------------------------------

FORMATS: dict[str, tuple[str, str]] = {  # name → (file extension, MIME type)
    "html": ("html", "text/html"),
    "md": ("md", "text/markdown"),
    "csv": ("csv", "text/csv"),
}


def render(r: ChapterReport, fmt: str) -> bytes:
    """The report in ``fmt`` (``html``, ``md`` or ``csv``) as bytes to save."""
    if fmt == "html":
        return to_html(r).encode("utf-8")
    if fmt == "md":
        return to_markdown(r).encode("utf-8")
    if fmt == "csv":
        return to_csv(r)
    raise ValueError(f"unknown report format {fmt!r}; choose html, md or csv")


def file_name(r: ChapterReport, fmt: str) -> str:
    """A file name like ``chapter-report-2026-07-01-to-2026-09-30.html``."""
    scope = "" if r.team_id is None else "-" + (
        re.sub(r"[^a-z0-9]+", "-", r.scope_label.lower()).strip("-") or "team")
    return (f"chapter-report{scope}-{r.requested[0].isoformat()}-to-"
            f"{r.requested[1].isoformat()}.{FORMATS[fmt][0]}")
