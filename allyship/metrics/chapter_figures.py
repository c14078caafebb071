"""Progress measures for team leads, the chapter report and the benchmarks.

Everything is aggregated **in SQL**, over roll-ups kept by triggers
(:mod:`allyship.db.rollup`): ``team_weeks`` (a row per team and week: a team's or the
whole chapter's weekly sums) and ``member_weeks`` (a row per member-week with actions,
minutes and actions per responsibility: a focus group's sums, and the per-member counts
of consistency and steadiness). Each measure is one statement over the period *and*
the previous one, grouped by team and week; plain Python shapes the few rows (weeks
without actions filled with zeros, groups summed, small teams folded) and each frame is
built once at the end. No function loads the actions table row by row.

The API
-------
A view is a :class:`Scope` (chapter, optionally one team, optionally one focus
group — the plan's "group to be in allyship with") over a :class:`Period` (whole
ISO weeks, Monday to Sunday)::

    periods, default = period_options(db, chapter_id, today)  # what pages offer
    period = Period.last_weeks(12, today)  # the 12 *complete* weeks before this one
    scope = Scope(chapter_id, team_id=None, focus_group=None)
    frames = team_progress(db, actor, scope, period, today=today)

**The period rule** (one definition, used by the pages, the report and the CLI):
:class:`PeriodWeeks` knows a period's programme weeks, which are complete and which
is the unfinished current week; :class:`Comparison` allows a change against
``period.previous()`` only when both hold the same number of complete programme
weeks and nothing else, and otherwise says why in words. The current week is
:func:`this_week_so_far`, never silently mixed in.

:func:`team_progress` returns a :class:`ProgressFrames` with every frame the Team
progress page shows, plus :class:`Headline` numbers (with the previous period's
value only when comparable). The chapter report and the benchmarks reuse exactly
this call. Which scopes a viewer may see at all is :mod:`allyship.metrics.disclosure`'s. The single measures are public too,
each with the signature ``fn(db, actor, scope, period, ...)``:

==========================  ===========================================================
:func:`weekly_participation`  week × group: active members, away, counted, participants,
                              share (away weeks left out of the denominator), 4-week
                              rolling mean of the share
:func:`responsibility_weeks`  responsibility × week: actions and distinct members (the
                              coverage heat map and the stacked actions chart)
:func:`consistency`           members by number of active weeks in the period (no names)
:func:`steadiness`            members active in at least 3 of the period's last 4 weeks
:func:`minutes_per_week`      minutes invested, actions and members per week
:func:`follow_through`        next steps done / open / overdue per team, plans revised
                              in the last 90 days
:func:`least_practised`       the least-practised responsibilities of the period
:func:`falling_teams`         teams whose participation fell against the previous period
:func:`quiet_members`         a lead's own team: members with no action for 3+ weeks
==========================  ===========================================================

Rules every function keeps
--------------------------
* Access is checked inside each function (:func:`access.require_team_view`, and
  :func:`access.require_quiet_list` for the quiet list): a member gets
  ``PermissionDenied``; a lead sees their own team and the chapter as a whole.
* Only active members (``members.active = 1``) are counted, and only their actions.
* Weeks are ISO weeks starting Monday; a week without actions is a row of zeros.
  Weeks that have not started yet (after ``today``) are left out.
* A week a member marked away, and in which they logged nothing, leaves them out of
  that week's denominator.
* Privacy in aggregates (:mod:`allyship.metrics.disclosure`): every figure covers at least
  :data:`MIN_GROUP` people besides the viewer, and no two can be subtracted to reveal
  fewer; scopes that fail are neither offered nor accepted in a :class:`Scope`
  (refused in words). Breakdown rows are teams that pass, plus :data:`OTHER_LABEL`.
* Nothing ranks individuals: the only list of people is the quiet list, for the
  team's own lead, sorted by name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any, ClassVar

import pandas as pd
import sqlite_utils

from allyship.core import access
from allyship.metrics import disclosure
from allyship.people import roster
from allyship.core.columns import Columns
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import Member, Team, ValidationError, parse_date, week_start

MIN_GROUP = disclosure.MIN_OTHERS  # people besides the viewer that every figure aggregates
OTHER_LABEL = disclosure.OTHER_LABEL
WHOLE_CHAPTER = "Whole chapter"
ROLLING_WEEKS = 4
STEADY_OF_LAST = (3, 4)  # active in at least 3 of the last 4 weeks
QUIET_WEEKS = 3  # no action in the current week and the 3 before it
FALLING_BY = 0.05  # a team's participation "fell" if it dropped 5 points or more
REVISED_DAYS = 90

MIN_CHART_WEEKS = 2  # fewer complete weeks than this, and there is no trend to draw
SINCE_START = "Since the programme began"
PERIOD_CHOICES: dict[str, int] = {
    "Last 4 weeks": 4,
    "Last 12 weeks": 12,
    "Last 26 weeks": 26,
    "Last 52 weeks": 52,
}
DEFAULT_CHOICE = "Last 12 weeks"


# --- scope and period ---------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Whole ISO weeks: ``start`` is a Monday, ``end`` a Sunday."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            raise ValueError(f"a period starts on a Monday; {self.start} is not one")
        if self.end.weekday() != 6:
            raise ValueError(f"a period ends on a Sunday; {self.end} is not one")
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @classmethod
    def last_weeks(cls, n: int, today: date) -> Period:
        """The ``n`` **complete** weeks before the week that contains ``today`` (the
        unfinished current week is never mixed in: see :meth:`this_week`)."""
        if n < 1:
            raise ValueError("a period is at least one week long")
        monday = week_start(today)
        return cls(monday - timedelta(weeks=n), monday - timedelta(days=1))

    @classmethod
    def this_week(cls, today: date) -> Period:
        """The week containing ``today`` — unfinished until its Sunday has passed."""
        monday = week_start(today)
        return cls(monday, monday + timedelta(days=6))

    @classmethod
    def between(cls, start: Any, end: Any) -> Period:
        """The whole weeks covering ``start``–``end`` (dates or ISO strings).

        Raises :class:`ValidationError` in plain words when the dates do not make a period.
        """
        errors: dict[str, str] = {}
        try:
            first = parse_date(start, "Start date")
        except ValueError as exc:
            errors["start"] = str(exc)
        try:
            last = parse_date(end, "End date")
        except ValueError as exc:
            errors["end"] = str(exc)
        if not errors and last < first:
            errors["end"] = "The end date is before the start date"
        if errors:
            raise ValidationError(errors)
        return cls(week_start(first), week_start(last) + timedelta(days=6))

    @property
    def n_weeks(self) -> int:
        return ((self.end - self.start).days + 1) // 7

    @property
    def weeks(self) -> tuple[date, ...]:
        """The Mondays of the period, oldest first."""
        return tuple(self.start + timedelta(weeks=i) for i in range(self.n_weeks))

    def weeks_until(self, today: date) -> tuple[date, ...]:
        """The period's weeks that have started by ``today``."""
        return tuple(w for w in self.weeks if w <= today)

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - timedelta(weeks=self.n_weeks), self.start - timedelta(days=1))

    def as_of(self, today: date) -> date:
        """The day the period's snapshot figures (overdue, open) are taken: its end, or today."""
        return min(today, self.end)

    @property
    def dates(self) -> str:
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"

    @property
    def label(self) -> str:
        return f"{self.dates} ({_weeks_words(self.n_weeks)})"


def _weeks_words(n: int) -> str:
    return f"{n} week{'' if n == 1 else 's'}"


def week_is_complete(monday: date, today: date) -> bool:
    """A week is complete once its Sunday is over (so never on the day itself)."""
    return monday + timedelta(days=6) < today


def programme_start(db: sqlite_utils.Database, chapter_id: int) -> date:
    """The Monday of the week the chapter's programme began: no earlier week counts."""
    return week_start(roster.get_chapter(db, chapter_id).started_on)


@dataclass(frozen=True)
class PeriodWeeks:
    """A period as it stands in one chapter on ``today``: which of its weeks are
    programme weeks, which of those are complete, and the unfinished one (if any).

    This is the one definition every figure uses: the Team progress page, My week,
    the chapter report (HTML, Markdown, CSV) and the command line.
    """

    period: Period
    started: date  # the programme's first Monday
    today: date

    @property
    def weeks(self) -> tuple[date, ...]:
        """Programme weeks that have started by today (the figures' weeks)."""
        return tuple(w for w in self.period.weeks_until(self.today) if w >= self.started)

    @property
    def complete(self) -> tuple[date, ...]:
        """Programme weeks whose Sunday has passed."""
        return tuple(w for w in self.weeks if week_is_complete(w, self.today))

    @property
    def in_progress(self) -> date | None:
        """The unfinished current week, if the period includes it."""
        return next((w for w in self.weeks if not week_is_complete(w, self.today)), None)

    @property
    def before_programme(self) -> int:
        return sum(1 for w in self.period.weeks if w < self.started)

    @property
    def not_yet(self) -> int:
        """Weeks of the period that have not started by today."""
        return sum(1 for w in self.period.weeks if w > self.today)

    @property
    def empty(self) -> bool:
        """No programme week at all: nothing to report."""
        return not self.weeks

    @property
    def enough_for_charts(self) -> bool:
        return len(self.complete) >= MIN_CHART_WEEKS

    @property
    def label(self) -> str:
        """The dates, and in words how many weeks count."""
        n, c = self.period.n_weeks, len(self.complete)
        extra = []
        if self.before_programme:
            extra.append(f"{self.before_programme} before the programme began")
        if self.in_progress is not None:
            extra.append("the current week, still in progress")
        if self.not_yet:
            extra.append(f"{self.not_yet} not yet begun")
        words = _weeks_words(n) + (f"; {c} complete in the programme" if extra else "")
        return f"{self.period.dates} ({words}" + (", ".join([""] + extra) if extra else "") + ")"


def period_weeks(db: sqlite_utils.Database, chapter_id: int, period: Period,
                 today: date) -> PeriodWeeks:
    return PeriodWeeks(period, programme_start(db, chapter_id), today)


@dataclass(frozen=True)
class Comparison:
    """Whether a period's figures may be compared with the period just before it.

    Only when both consist of the same number of complete programme weeks and
    nothing else: no week before the programme, no unfinished or future week.
    Otherwise there is no comparison, and :attr:`reason` says why in words.
    """

    now: PeriodWeeks
    before: PeriodWeeks

    @property
    def comparable(self) -> bool:
        n = self.now.period.n_weeks
        return len(self.now.complete) == len(self.before.complete) == n \
            and len(self.before.period.weeks) == n

    @property
    def reason(self) -> str | None:
        """Why there is no comparison (``None`` when there is one)."""
        if self.comparable:
            return None
        now, before = self.now, self.before
        n = now.period.n_weeks
        started = f"{now.started:%d %b %Y}"
        if now.empty:
            return f"this period lies wholly before the programme began ({started})"
        if now.in_progress is not None or now.not_yet:
            return ("this period includes the current week, which is not over yet" +
                    (f", and {now.not_yet} that have not begun" if now.not_yet else ""))
        if now.before_programme:
            return (f"this period includes {_weeks_words(now.before_programme)} before the "
                    f"programme began ({started})")
        if before.before_programme >= n:
            return (f"the programme had not begun in the previous {_weeks_words(n)} "
                    f"({before.period.dates})")
        return (f"the previous {_weeks_words(n)} ({before.period.dates}) include "
                f"{before.before_programme} before the programme began ({started})")

    @property
    def note(self) -> str:
        """One sentence for under the headline figures."""
        if self.comparable:
            return (f"Changes compare with the {_weeks_words(self.before.period.n_weeks)} "
                    f"before ({self.before.period.dates}).")
        return f"No comparison: {self.reason}."


def comparison(db: sqlite_utils.Database, chapter_id: int, period: Period,
               today: date) -> Comparison:
    """The one comparable-period rule (see :class:`Comparison`)."""
    started = programme_start(db, chapter_id)
    return Comparison(PeriodWeeks(period, started, today),
                      PeriodWeeks(period.previous(), started, today))


def period_options(db: sqlite_utils.Database, chapter_id: int,
                   today: date) -> tuple[dict[str, Period], str]:
    """The periods a progress view offers, and which one it opens on.

    "Since the programme began" (its complete weeks, or the current week while there
    is none yet) plus the last 4/12/26/52 complete weeks. The default is the last 12
    weeks, unless the programme is younger than that: then "since the programme began".
    """
    started = programme_start(db, chapter_id)
    last_complete = week_start(today) - timedelta(days=1)
    since = (Period(started, last_complete) if started <= last_complete - timedelta(days=6)
             else Period.this_week(max(today, started)))
    options = {SINCE_START: since,
               **{name: Period.last_weeks(n, today) for name, n in PERIOD_CHOICES.items()}}
    default = DEFAULT_CHOICE if options[DEFAULT_CHOICE].start >= started else SINCE_START
    return options, default


@dataclass(frozen=True)
class Scope:
    """Whose figures: a chapter, optionally narrowed to one team and/or one focus group."""

    chapter_id: int
    team_id: int | None = None
    focus_group: str | None = None


def _check(db: sqlite_utils.Database, actor: Member | None, scope: Scope) -> Member:
    """Access, and the disclosure rule, for a scope; every public function calls this
    first. A scope the viewer may not see (too few people besides them, or one that
    could be subtracted from another view) is refused in words."""
    actor = access.require_team_view(actor, scope.team_id, scope.chapter_id)
    if scope.team_id is not None:
        try:
            team = roster.get_team(db, scope.team_id)
        except LookupError:
            raise access.PermissionDenied("That team does not exist.") from None
        access.require_same_chapter(actor, team.chapter_id)
    refusal = disclosure.views_for(db, actor).refusal(scope.team_id, scope.focus_group)
    if refusal is not None:
        raise access.PermissionDenied(refusal)
    return actor


def _scope_cte(scope: Scope) -> tuple[str, list[Any]]:
    """``WITH scope(id, team_id) AS (...)``: the active members the figures count."""
    sql = ("WITH scope AS (SELECT m.id, m.team_id FROM members m"
           + (" JOIN plans p ON p.member_id = m.id" if scope.focus_group is not None else "")
           + " WHERE m.chapter_id = ? AND m.active = 1")
    params: list[Any] = [scope.chapter_id]
    if scope.team_id is not None:
        sql += " AND m.team_id = ?"
        params.append(scope.team_id)
    if scope.focus_group is not None:
        sql += " AND trim(p.focus_group) = ? COLLATE NOCASE"
        params.append(scope.focus_group.strip())
    return sql + ") ", params


def with_scope(scope: Scope, body: str, params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """``body`` (SQL reading the ``scope`` table) after the scope's CTE, and its parameters:
    the members every figure counts (the report's own measures use it too)."""
    cte, cte_params = _scope_cte(scope)
    return cte + body, [*cte_params, *params]


# --- filters the page offers --------------------------------------------------------

def team_choices(db: sqlite_utils.Database, actor: Member | None, chapter_id: int) -> list[Team]:
    """Teams the actor may look at: a lead their own, an admin every team — each only
    if its figures pass the disclosure rule (:mod:`allyship.metrics.disclosure`)."""
    actor = access.require_team_view(actor, None, chapter_id)
    allowed = set(disclosure.views_for(db, actor).teams())
    return [t for t in roster.list_teams(db, chapter_id) if t.id in allowed]


def focus_group_choices(db: sqlite_utils.Database, actor: Member | None, chapter_id: int,
                        team_id: int | None = None) -> list[str]:
    """Focus groups offered as a filter in the chapter (or team): only those whose
    figures, and the figures of the rest of the scope, pass the disclosure rule."""
    actor = access.require_team_view(actor, team_id, chapter_id)
    return disclosure.views_for(db, actor).focus_groups(team_id)


def scope_choices(db: sqlite_utils.Database, actor: Member | None,
                  chapter_id: int) -> list[int | None]:
    """The team scopes to offer (``None`` = the whole chapter), the actor's own team
    first for a lead — a lead opens on their own team."""
    actor = access.require_team_view(actor, None, chapter_id)
    views = disclosure.views_for(db, actor)
    teams: list[int | None] = list(views.teams())
    if actor.team_id in teams and not actor.is_admin:
        teams.remove(actor.team_id)
        teams.insert(0, actor.team_id)
        return [*teams, *([None] if views.allows(None, None) else [])]
    return [*([None] if views.allows(None, None) else []), *teams]


def scope_label(db: sqlite_utils.Database, scope: Scope) -> str:
    """Plain words for a scope: "Whole chapter", a team's name, "… · group"."""
    name = WHOLE_CHAPTER if scope.team_id is None else roster.get_team(db, scope.team_id).name
    return f"{name} · {scope.focus_group}" if scope.focus_group else name


# --- breakdown groups (privacy folding) ----------------------------------------------

def _sizes(db: sqlite_utils.Database, scope: Scope) -> list[tuple[int | None, int]]:
    """(team id, active members) for each team in the scope (``None``: no team)."""
    return db.execute(*with_scope(scope, "SELECT s.team_id, count(*) FROM scope s"
                                          " GROUP BY s.team_id")).fetchall()


def breakdown_groups(db: sqlite_utils.Database, actor: Member, scope: Scope) -> dict[Any, str]:
    """team_id → group label for the by-team breakdown, after the disclosure rules.

    Only the whole chapter (without a focus-group filter) has a breakdown: an admin
    sees every team whose own figures may be shown, and the rest as
    :data:`OTHER_LABEL` when that holds enough people; a lead only their own team
    (see :meth:`allyship.metrics.disclosure.Views.chapter_rows`).
    """
    if scope.team_id is not None or scope.focus_group is not None:
        return {}
    return disclosure.views_for(db, actor).chapter_rows(actor.is_admin)


# --- one view: what every measure needs, looked up once ---------------------------------
#
# Each measure is one SQL statement over the whole span of the periods asked for (the
# period and, when comparable, the previous one), grouped by team and week; the rows are
# shaped with plain dicts (weeks without actions filled with zeros, groups summed) and
# each frame is built once, with the columns, dtypes and order the pages and charts use.
# (tests/test_metrics_equivalence.py pins every frame to the earlier pandas version.)

@dataclass(frozen=True)
class _View:
    """A checked scope as one actor sees it on one day."""

    db: sqlite_utils.Database
    actor: Member
    scope: Scope
    today: date
    started: date  # the programme's first Monday
    label: str  # the scope's own series
    sizes: tuple[tuple[int | None, int], ...]  # (team id, active members)
    groups: dict[Any, str]  # team id → breakdown row (chapter scope only)

    def weeks(self, period: Period) -> PeriodWeeks:
        return PeriodWeeks(period, self.started, self.today)

    @property
    def members(self) -> int:
        return sum(n for _, n in self.sizes)

    def grouped(self) -> list[tuple[str, list[int | None]]]:
        """The breakdown rows by name, each with its teams (those in the scope)."""
        present = {t for t, _ in self.sizes}
        rows: dict[str, list[int | None]] = {}
        for team, label in self.groups.items():
            if team in present:
                rows.setdefault(label, []).append(team)
        return sorted(rows.items())

    def query(self, body: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.db.execute(*with_scope(self.scope, body, params)).fetchall()


def _view(db: sqlite_utils.Database, actor: Member, scope: Scope, today: date) -> _View:
    return _View(db, actor, scope, today, programme_start(db, scope.chapter_id),
                 scope_label(db, scope), tuple(_sizes(db, scope)),
                 breakdown_groups(db, actor, scope))


def _span(periods: Sequence[Period]) -> list[str]:
    return [min(p.start for p in periods).isoformat(), max(p.end for p in periods).isoformat()]


def _week_column(weeks: Sequence[date]) -> Any:
    """Mondays as the frames' ``week`` column (what ``pd.to_datetime`` of ISO text gives)."""
    import numpy as np

    return np.array([w.isoformat() for w in weeks], dtype="datetime64[us]")


def _rolling(values: list[float]) -> list[float]:
    """The 4-week rolling mean (at least one value; NaN where the window has none),
    exactly as pandas' ``Series.rolling(4, min_periods=1).mean()`` computes it, in plain
    Python: a series is a few dozen weeks, where building the Series cost more than the
    rest of the participation figures (``tests/test_metrics.py`` checks it against pandas
    bit for bit).

    The same algorithm as pandas' windowed mean: one running sum, compensated (Kahan)
    separately for the values that enter and those that leave the window; a window whose
    values are all the same gives that value; a mean of no negative values is never
    below zero.
    """
    out: list[float] = []
    nobs = neg = same = 0
    total = added = removed = 0.0
    last = values[0] if values else _NAN

    def add(v: float) -> None:
        nonlocal nobs, neg, same, total, added, last
        if math.isnan(v):  # a week without a share: not counted
            return
        nobs += 1
        y = v - added
        t = total + y
        added = t - total - y
        total = t
        neg += v < 0
        same = same + 1 if v == last else 1
        last = v

    def remove(v: float) -> None:
        nonlocal nobs, neg, total, removed
        if math.isnan(v):
            return
        nobs -= 1
        y = -v - removed
        t = total + y
        removed = t - total - y
        total = t
        neg -= v < 0

    for i, value in enumerate(values):
        if i >= ROLLING_WEEKS:
            remove(values[i - ROLLING_WEEKS])
        add(value)
        if nobs <= 0:
            out.append(_NAN)
            continue
        mean = total / nobs
        if same >= nobs:
            mean = last
        elif (neg == 0 and mean < 0) or (neg == nobs and mean > 0):
            mean = 0.0  # rounding left a sign no value has
        out.append(mean)
    return out


_NAN = float("nan")
_PARTICIPATION = ["group", "week", "active_members", "away", "counted", "participants",
                  "share", "rolling_mean", "is_total", "in_progress"]


@dataclass(frozen=True)
class _Participation:
    """One period's participation rows (plain values), and the frame made from them."""

    rows: tuple[tuple, ...]  # in _PARTICIPATION's order, as the frame's rows

    def frame(self) -> pd.DataFrame:
        if not self.rows:  # a period wholly before the programme began, or not yet started
            return pd.DataFrame(columns=_PARTICIPATION).astype(
                {"week": "datetime64[ns]", "share": float, "is_total": bool,
                 "in_progress": bool})
        cols = list(zip(*self.rows))
        data = {name: list(col) for name, col in zip(_PARTICIPATION, cols)}
        data["week"] = _week_column(cols[1])
        return pd.DataFrame(data)

    def columns(self) -> Columns:
        """The rows as plain columns (weeks as dates); :meth:`frame` on demand."""
        return Columns.of_rows(_PARTICIPATION, self.rows, self.frame)

    def pooled(self, group: str | None = None, total: bool = False) -> float | None:
        """Participants over members counted over the complete weeks (of one group, or of
        the rows flagged as the scope's own)."""
        participants = counted = 0
        for r in self.rows:
            if (r[8] if total else r[0] == group) and not r[9]:
                participants += r[5]
                counted += r[4]
        return participants / counted if counted else None


def _by_team(scope: Scope) -> bool:
    """Whether the scope's weekly sums can be read from ``team_weeks`` (sums per team of
    active members' weeks): every scope but a focus group's, which picks members."""
    return scope.focus_group is None


def _team_weeks(scope: Scope, columns: str, where: str, params: Sequence[Any]
                ) -> tuple[str, list[Any]]:
    """A query of ``columns`` over the scope's own ``team_weeks`` rows (``team_id`` 0,
    no team, read as ``None``)."""
    sql = f"SELECT {columns} FROM team_weeks t WHERE t.chapter_id = ?"
    args: list[Any] = [scope.chapter_id]
    if scope.team_id is not None:
        sql += " AND t.team_id = ?"
        args.append(scope.team_id)
    return f"{sql} AND {where}", [*args, *params]


def _weekly(v: _View, periods: Sequence[Period]) -> dict[tuple[int | None, str], tuple]:
    """(team, week) → members who logged, actions, minutes, actions with minutes, then
    actions per responsibility (8) and members who practised each (8): one pass over the
    ``team_weeks`` roll-up (a team or the whole chapter: a row per team and week) or,
    for a focus group, over its members' ``member_weeks`` (:mod:`allyship.db.rollup`) —
    for every period asked for."""
    r = range(1, len(RESPONSIBILITIES) + 1)
    if _by_team(v.scope):
        rows = v.db.execute(*_team_weeks(
            v.scope, "nullif(t.team_id, 0), t.week_start, t.members, t.actions, t.minutes,"
            " t.with_minutes, "
            + ", ".join(f"t.r{n}" for n in r) + ", " + ", ".join(f"t.p{n}" for n in r),
            "t.week_start BETWEEN ? AND ? AND t.members > 0", _span(periods))).fetchall()
    else:
        rows = v.query(
            "SELECT s.team_id, w.week_start, count(*), sum(w.actions), sum(w.minutes),"
            " sum(w.with_minutes), " + ", ".join(f"sum(w.r{n})" for n in r) + ", "
            + ", ".join(f"sum(w.r{n} > 0)" for n in r) +
            " FROM scope s JOIN member_weeks w ON w.member_id = s.id"
            " AND w.week_start BETWEEN ? AND ? GROUP BY s.team_id, w.week_start",
            _span(periods))
    return {(row[0], row[1]): row[2:] for row in rows}


def _participation(v: _View, periods: Sequence[Period],
                   weekly: dict[tuple[int | None, str], tuple]) -> list[_Participation]:
    """Week × group for each period (see :func:`weekly_participation`)."""
    active = {key: cells[0] for key, cells in weekly.items()}
    if _by_team(v.scope):
        away_rows = v.db.execute(*_team_weeks(
            v.scope, "nullif(t.team_id, 0), t.week_start, t.away_silent",
            "t.week_start BETWEEN ? AND ? AND t.away_silent > 0",
            _span(periods))).fetchall()
    else:
        away_rows = v.query(
            "SELECT s.team_id, w.week_start, count(*)"
            " FROM scope s JOIN away_weeks w ON w.member_id = s.id"
            " AND w.week_start BETWEEN ? AND ?"
            " WHERE NOT EXISTS (SELECT 1 FROM member_weeks x WHERE x.member_id = s.id"
            " AND x.week_start = w.week_start)"
            " GROUP BY s.team_id, w.week_start", _span(periods))
    away = {(t, w): n for t, w, n in away_rows}
    grouped = v.grouped()
    out = []
    for period in periods:
        weeks = v.weeks(period).weeks
        if not weeks:
            out.append(_Participation(()))
            continue
        # (group, week, members, away, participants): the scope, then each group by name.
        series = [(v.label, [t for t, _ in v.sizes]), *grouped]
        size = dict(v.sizes)
        base = []
        for label, teams in series:
            for w in weeks:
                key = w.isoformat()
                base.append((label, w, sum(size[t] for t in teams),
                             sum(away.get((t, key), 0) for t in teams),
                             sum(active.get((t, key), 0) for t in teams)))
        base.sort(key=lambda r: (r[0], r[1]))  # stable, as the frame was sorted
        rows = []
        for label, w, members, gone, participants in base:
            counted = members - gone
            rows.append([label, w, members, gone, counted, participants,
                         participants / counted if counted > 0 else _NAN, _NAN,
                         label == v.label, not week_is_complete(w, v.today)])
        # The trend is over complete weeks only: the unfinished week has no 4-week average.
        by_group: dict[str, list[list]] = {}
        for r in rows:
            by_group.setdefault(r[0], []).append(r)
        for part in by_group.values():
            means = _rolling([_NAN if r[9] else r[6] for r in part])
            for r, m in zip(part, means):
                r[7] = _NAN if r[9] else m
        # The scope's own series first, then the groups by name.
        rows.sort(key=lambda r: (not r[8], r[0], r[1]))
        out.append(_Participation(tuple(tuple(r) for r in rows)))
    return out


def weekly_participation(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                         period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Week × group: active members, away (and silent), counted, participants, share,
    and the 4-week rolling mean of the share.

    ``group`` is the scope's label (its own series, ``is_total``) and, for a chapter
    scope, each team the actor may see (small teams folded). ``share`` is NaN for a
    week when everyone was away.
    """
    actor = _check(db, actor, scope)
    view = _view(db, actor, scope, today or date.today())
    return _participation(view, [period], _weekly(view, [period]))[0].frame()


def pooled_participation(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                         periods: Sequence[Period], *, today: date | None = None
                         ) -> list[float | None]:
    """The scope's weekly participation share pooled over each period's complete weeks
    (participants over members counted, as the headline figure): the same numbers as
    :func:`weekly_participation`'s own series, for several periods in one pass and
    without building the frames (the report asks this of every focus group)."""
    actor = _check(db, actor, scope)
    view = _view(db, actor, scope, today or date.today())
    active = {(t, w): (n,) for t, w, n in view.query(
        "SELECT s.team_id, w.week_start, count(*) FROM scope s JOIN member_weeks w"
        " ON w.member_id = s.id AND w.week_start BETWEEN ? AND ?"
        " GROUP BY s.team_id, w.week_start", _span(periods))}
    return [p.pooled(total=True) for p in _participation(view, periods, active)]


def _pooled_share(frame: pd.DataFrame) -> float | None:
    """Participants over members counted, pooled over the complete weeks only."""
    if "in_progress" in frame:
        frame = frame[~frame["in_progress"].astype(bool)]
    counted = frame["counted"].sum()
    return float(frame["participants"].sum() / counted) if counted else None


# --- responsibilities ----------------------------------------------------------------

_RESPONSIBILITY = ["week", "responsibility", "title", "label", "full_text", "actions",
                   "members", "in_progress"]


@dataclass(frozen=True)
class _Responsibilities:
    weeks: tuple[date, ...]
    counts: dict[tuple[str, int], tuple[int, int]]  # (week, responsibility) → actions, members
    today: date

    def frame(self) -> pd.DataFrame:
        if not self.weeks:
            return _responsibility_frame_empty()
        data = self._data()
        data["week"] = _week_column(data["week"])
        return pd.DataFrame(data)

    def columns(self) -> Columns:
        """The week × responsibility grid as plain columns; :meth:`frame` on demand."""
        return Columns(self._data(), self.frame)

    def _data(self) -> dict[str, list[Any]]:
        n = len(RESPONSIBILITIES)
        cells = [self.counts.get((w.isoformat(), r.number), (0, 0))
                 for w in self.weeks for r in RESPONSIBILITIES]
        return {
            "week": [w for w in self.weeks for _ in range(n)],
            "responsibility": [r.number for r in RESPONSIBILITIES] * len(self.weeks),
            "title": [r.title for r in RESPONSIBILITIES] * len(self.weeks),
            "label": [r.label for r in RESPONSIBILITIES] * len(self.weeks),
            "full_text": [r.full_text for r in RESPONSIBILITIES] * len(self.weeks),
            "actions": [c[0] for c in cells],
            "members": [c[1] for c in cells],
            "in_progress": [not week_is_complete(w, self.today) for w in self.weeks
                            for _ in range(n)],
        }

    def totals(self) -> dict[int, tuple[int, int]]:
        """responsibility → (actions in the period, most members in one week)."""
        out = {}
        keys = {w.isoformat() for w in self.weeks}
        for r in RESPONSIBILITIES:
            cells = [c for (w, n), c in self.counts.items() if n == r.number and w in keys]
            out[r.number] = (sum(c[0] for c in cells), max((c[1] for c in cells), default=0))
        return out

    def practised(self) -> int:
        return sum(1 for actions, _ in self.totals().values() if actions > 0)

    def least(self, n: int) -> Columns:
        if not self.weeks:
            return Columns.of_frame(_least_practised(self.frame(), n))
        totals = self.totals()
        picked = sorted(RESPONSIBILITIES, key=lambda r: (totals[r.number][0], r.number))[:n]
        return Columns({
            "responsibility": [r.number for r in picked],
            "title": [r.title for r in picked],
            "label": [r.label for r in picked],
            "full_text": [r.full_text for r in picked],
            "actions": [totals[r.number][0] for r in picked],
            "most_members_in_a_week": [totals[r.number][1] for r in picked],
        })


def _responsibility_frame_empty() -> pd.DataFrame:
    """The frame of a period without programme weeks (as the pandas version made it)."""
    grid = pd.DataFrame([], columns=["week_start", "responsibility", "title", "label",
                                     "full_text"])
    counts = pd.DataFrame([], columns=["week_start", "responsibility", "actions", "members"])
    grid = grid.merge(counts, on=["week_start", "responsibility"], how="left")
    grid[["actions", "members"]] = grid[["actions", "members"]].fillna(0).astype(int)
    grid.insert(0, "week", pd.to_datetime(grid.pop("week_start")))
    grid["in_progress"] = grid["week"].map(lambda w: False).astype(bool)
    return grid


def _responsibilities(v: _View, periods: Sequence[Period],
                      weekly: dict[tuple[int | None, str], tuple]) -> list[_Responsibilities]:
    n = len(RESPONSIBILITIES)
    sums: dict[tuple[str, int], list[int]] = {}
    for (_, week), cells in weekly.items():
        for i in range(n):
            if cells[4 + i]:  # (week, responsibility) pairs with actions, as SQL grouped them
                cell = sums.setdefault((week, i + 1), [0, 0])
                cell[0] += cells[4 + i]
                cell[1] += cells[4 + n + i]
    counts = {key: (a, m) for key, (a, m) in sums.items()}
    return [_Responsibilities(v.weeks(p).weeks, counts, v.today) for p in periods]


def responsibility_weeks(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                         period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Responsibility × week (8 rows per week, zeros included): ``actions`` tagged with
    the responsibility and distinct ``members`` who practised it, with its short
    ``title``, ``label`` ("4. Do our own research") and the handout's ``full_text``.

    Feeds both the coverage heat map and the stacked actions-per-week chart. An action
    that practised two responsibilities counts once under each.
    """
    actor = _check(db, actor, scope)
    view = _view(db, actor, scope, today or date.today())
    return _responsibilities(view, [period], _weekly(view, [period]))[0].frame()


def _least_practised(resp: pd.DataFrame, n: int) -> pd.DataFrame:
    totals = (resp.groupby(["responsibility", "title", "label", "full_text"], as_index=False)
              [["actions"]].sum())
    members = resp.groupby("responsibility")["members"].max().rename("most_members_in_a_week")
    totals = totals.merge(members, on="responsibility")
    return totals.sort_values(["actions", "responsibility"]).head(n).reset_index(drop=True)


def least_practised(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                    period: Period, *, n: int = 3, today: date | None = None) -> pd.DataFrame:
    """The ``n`` responsibilities with the fewest actions in the period (ties by number)."""
    actor = _check(db, actor, scope)
    view = _view(db, actor, scope, today or date.today())
    return _responsibilities(view, [period], _weekly(view, [period]))[0].least(n).frame


# --- consistency and steadiness: per-member counts ---------------------------------------

def _member_windows(v: _View, active: Sequence[tuple[str, str]],
                    away: Sequence[tuple[str, str]]) -> dict[tuple[int, ...], int]:
    """How many members have each combination of counts: weeks with actions in each
    ``active`` window, then weeks marked away without actions in each ``away`` window
    (windows are first and last Monday, inclusive) — one pass over the scope's
    members' weeks for every window at once."""
    windows = [*active, *away]
    cols, params = [], []
    for first, last in active:
        cols.append("coalesce(sum(w.week_start BETWEEN ? AND ?), 0)")
        params += [first, last]
    for first, last in away:
        cols.append("(SELECT count(*) FROM away_weeks y WHERE y.member_id = s.id"
                    " AND y.week_start BETWEEN ? AND ? AND NOT EXISTS (SELECT 1"
                    " FROM member_weeks x WHERE x.member_id = s.id"
                    " AND x.week_start = y.week_start))")
        params += [first, last]
    names = [f"c{i}" for i in range(len(cols))]
    # Grouped by team, then member: the order the members index gives (no sort).
    rows = v.query(
        f"SELECT {', '.join(names)}, count(*) FROM (SELECT "
        + ", ".join(f"{c} AS {n}" for c, n in zip(cols, names)) +
        " FROM scope s LEFT JOIN member_weeks w ON w.member_id = s.id"
        " AND w.week_start BETWEEN ? AND ? GROUP BY s.team_id, s.id)"
        f" GROUP BY {', '.join(names)}",
        [*params, min(f for f, _ in windows), max(last for _, last in windows)])
    return {tuple(int(c) for c in row[:-1]): int(row[-1]) for row in rows}


def _consistency_columns(v: _View, period: Period, counts: dict[int, int]) -> Columns:
    n = len(v.weeks(period).weeks)
    return Columns({"weeks_active": list(range(n + 1)),
                    "members": [counts.get(k, 0) for k in range(n + 1)],
                    "weeks_in_period": [n] * (n + 1)})


def _consistency(v: _View, period: Period) -> Columns:
    window = (period.start.isoformat(), period.end.isoformat())
    counts: dict[int, int] = {}
    for (weeks_active, *_), n in _member_windows(v, [window], []).items():
        counts[weeks_active] = counts.get(weeks_active, 0) + n
    return _consistency_columns(v, period, counts)


def consistency(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                period: Period, *, today: date | None = None) -> pd.DataFrame:
    """How many members were active in 0, 1, … n weeks of the period — a distribution,
    with no names: consistency over volume."""
    actor = _check(db, actor, scope)
    return _consistency(_view(db, actor, scope, today or date.today()), period).frame


@dataclass(frozen=True)
class Steadiness:
    """Members active in at least 3 of the period's last 4 weeks.

    Weeks a member marked away (and logged nothing) are left out: someone away for
    one of the four weeks is steady with 3 of the other 3; someone away all four is
    not counted at all.
    """

    steady: int
    counted: int

    @property
    def share(self) -> float | None:
        return self.steady / self.counted if self.counted else None


def _steady_window(v: _View, period: Period) -> tuple[tuple[str, str], int] | None:
    """The period's last 4 *complete* programme weeks (an unfinished week is not a
    missed one) as first and last Monday, and how many they are (fewer than 4 when the
    period itself is shorter); ``None`` without any."""
    weeks = v.weeks(period).complete[-STEADY_OF_LAST[1]:]
    return ((weeks[0].isoformat(), weeks[-1].isoformat()), len(weeks)) if weeks else None


def _steady_count(counts: dict[tuple[int, ...], int], active: int, away: int,
                  of: int) -> Steadiness:
    """Steadiness from :func:`_member_windows` counts (positions of the window's active
    weeks and away weeks in each key)."""
    need = STEADY_OF_LAST[0]
    steady = counted = 0
    for key, n in counts.items():
        if key[away] < of:
            counted += n
            if key[active] >= min(need, of - key[away]):
                steady += n
    return Steadiness(steady, counted)


def _steadiness(v: _View, period: Period) -> Steadiness:
    steady = _steady_window(v, period)
    if steady is None:
        return Steadiness(0, 0)
    window, of = steady
    return _steady_count(_member_windows(v, [window], [window]), 0, 1, of)


def _per_member(v: _View, period: Period, periods: Sequence[Period]
                ) -> tuple[Columns, list[Steadiness]]:
    """The period's consistency and each period's steadiness, in one pass."""
    steady = [_steady_window(v, p) for p in periods]
    windows = [w for w, _ in filter(None, steady)]
    active = [(period.start.isoformat(), period.end.isoformat()), *windows]
    counts = _member_windows(v, active, windows)
    weeks_active: dict[int, int] = {}
    for key, n in counts.items():
        weeks_active[key[0]] = weeks_active.get(key[0], 0) + n
    out, i = [], 0
    for window in steady:
        if window is None:
            out.append(Steadiness(0, 0))
            continue
        i += 1  # key: the period's weeks, each window's active weeks, each one's away weeks
        out.append(_steady_count(counts, i, len(active) + i - 1, window[1]))
    return _consistency_columns(v, period, weeks_active), out


def steadiness(db: sqlite_utils.Database, actor: Member | None, scope: Scope, period: Period,
               *, today: date | None = None) -> Steadiness:
    """Members active in at least 3 of the last 4 weeks of the period (see :class:`Steadiness`)."""
    actor = _check(db, actor, scope)
    return _steadiness(_view(db, actor, scope, today or date.today()), period)


# --- minutes ---------------------------------------------------------------------------

_MINUTES = ["minutes", "actions", "actions_with_minutes", "members"]


@dataclass(frozen=True)
class _Minutes:
    weeks: tuple[date, ...]
    counts: dict[str, tuple[int, int, int, int]]  # week → minutes, actions, with minutes, members
    today: date

    def frame(self) -> pd.DataFrame:
        if not self.weeks:
            out = pd.DataFrame({"week_start": pd.Series([], dtype=object)})
            for c in _MINUTES:
                out[c] = pd.Series([], dtype=int)
            out.insert(0, "week", pd.to_datetime(out.pop("week_start")))
            out["in_progress"] = pd.Series([], dtype=bool)
            return out
        data = self._data()
        data["week"] = _week_column(self.weeks)
        return pd.DataFrame(data)

    def columns(self) -> Columns:
        """Week by week, as plain columns; :meth:`frame` on demand."""
        return Columns(self._data(), self.frame)

    def _data(self) -> dict[str, Any]:
        cells = [self.counts.get(w.isoformat(), (0, 0, 0, 0)) for w in self.weeks]
        data: dict[str, Any] = {"week": list(self.weeks)}
        for i, name in enumerate(_MINUTES):
            data[name] = [c[i] for c in cells]
        data["in_progress"] = [not week_is_complete(w, self.today) for w in self.weeks]
        return data

    def total(self, i: int) -> int:
        keys = {w.isoformat() for w in self.weeks}
        return sum(c[i] for w, c in self.counts.items() if w in keys)


def _minutes(v: _View, periods: Sequence[Period],
             weekly: dict[tuple[int | None, str], tuple]) -> list[_Minutes]:
    sums: dict[str, list[int]] = {}
    for (_, week), (members, actions, minutes, with_minutes, *_) in weekly.items():
        cell = sums.setdefault(week, [0, 0, 0, 0])
        for i, value in enumerate((minutes, actions, with_minutes, members)):
            cell[i] += value
    counts = {week: (m, a, wm, n) for week, (m, a, wm, n) in sums.items()}
    return [_Minutes(v.weeks(p).weeks, counts, v.today) for p in periods]


def minutes_per_week(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                     period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Per week: minutes invested (actions without minutes add nothing), actions,
    actions that recorded minutes, and members who logged."""
    actor = _check(db, actor, scope)
    view = _view(db, actor, scope, today or date.today())
    return _minutes(view, [period], _weekly(view, [period]))[0].frame()


# --- plan follow-through ----------------------------------------------------------------

_FOLLOW = ["members", "plans", "revised_90_days", "done", "open", "overdue"]


def _follow_through(v: _View, periods: Sequence[Period]) -> list[Columns]:
    revised_since = (v.today - timedelta(days=REVISED_DAYS)).isoformat()
    # A snapshot on the period's last day (or today): steps done in the period, and
    # steps not done by then — overdue if their due date had passed. One column triple
    # per period.
    parts, params = [], []
    for period in periods:
        as_of = period.as_of(v.today).isoformat()
        parts.append(" coalesce(sum(i.done_on BETWEEN ? AND ?), 0),"
                     " coalesce(sum((i.done_on IS NULL OR i.done_on > ?)"
                     "   AND (i.due_on IS NULL OR i.due_on >= ?)), 0),"
                     " coalesce(sum((i.done_on IS NULL OR i.done_on > ?) AND i.due_on < ?), 0)")
        params += [period.start.isoformat(), as_of, as_of, as_of, as_of, as_of]
    steps = {row[0]: row[1:] for row in v.query(
        "SELECT s.team_id," + ",".join(parts) +
        " FROM scope s JOIN plans p ON p.member_id = s.id"
        " JOIN plan_items i ON i.plan_id = p.id AND i.kind = 'next_step'"
        " GROUP BY s.team_id", params)}
    plans = {t: (n, r) for t, n, r in v.query(
        "SELECT s.team_id, count(p.id),"
        " coalesce(sum(p.version > 1 AND p.updated_at >= ?), 0)"
        " FROM scope s LEFT JOIN plans p ON p.member_id = s.id GROUP BY s.team_id",
        [revised_since])}
    series = [(v.label, [t for t, _ in v.sizes]), *v.grouped()]
    out = []
    for i in range(len(periods)):
        per_team = {t: (n, *plans.get(t, (0, 0)), *steps.get(t, (0,) * 3 * len(periods))
                        [3 * i:3 * i + 3]) for t, n in v.sizes}
        rows = [(label, *(sum(per_team[t][k] for t in teams) for k in range(len(_FOLLOW))))
                for label, teams in series]
        data: dict[str, Any] = {"group": [r[0] for r in rows]}
        for k, name in enumerate(_FOLLOW):
            data[name] = [r[k + 1] for r in rows]
        data["is_total"] = [r[0] == v.label for r in rows]
        out.append(Columns(data))
    return out


def follow_through(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                   period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Per group (the scope, then teams the actor may see): members, plans, plans revised
    in the last 90 days, and next steps ``done`` in the period, still ``open``, and
    ``overdue`` — as they stood on the period's last day (or today, if sooner)."""
    actor = _check(db, actor, scope)
    return _follow_through(_view(db, actor, scope, today or date.today()), [period])[0].frame


# --- who are we leaving behind? -----------------------------------------------------------

def _falling(now: _Participation, before: _Participation | None, scope: Scope) -> Columns:
    """Teams whose pooled participation share fell by :data:`FALLING_BY` or more."""
    cols = ["team", "share_now", "share_before", "change"]
    # A team scope's own series is the team; in a chapter scope the teams are the groups.
    teams = sorted({r[0] for r in now.rows if scope.team_id is not None or not r[8]})
    rows = []
    for group in teams:
        if group == OTHER_LABEL or before is None:
            continue
        share_now = now.pooled(group)
        share_before = before.pooled(group)
        if share_now is None or share_before is None:
            continue
        if share_before - share_now >= FALLING_BY - 1e-9:
            rows.append({"team": group, "share_now": share_now, "share_before": share_before,
                         "change": share_now - share_before})
    return Columns({c: [r[c] for r in rows] for c in cols},
                   partial(pd.DataFrame, rows, columns=cols))


def falling_teams(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                  period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Teams (that the actor may see, with at least 3 members) whose participation share
    over the period is 5 points or more below the previous period of equal length."""
    actor = _check(db, actor, scope)
    view = _view(db, actor, scope, today or date.today())
    if not Comparison(view.weeks(period), view.weeks(period.previous())).comparable:
        return _falling(_participation(view, [period], _weekly(view, [period]))[0], None,
                        scope).frame
    periods = [period, period.previous()]
    now, before = _participation(view, periods, _weekly(view, periods))
    return _falling(now, before, scope).frame


def quiet_members(db: sqlite_utils.Database, actor: Member | None, team_id: int | None, *,
                  today: date | None = None) -> pd.DataFrame:
    """For a lead, about their own team: active members with no action in the current
    week or the 3 weeks before it, for a gentle check-in.

    Sorted by name, never by activity. Members who marked any of those weeks away are
    not listed (they told us), nor is the lead themselves.
    """
    return _quiet_members(db, actor, team_id, today=today).frame


_QUIET = ["name", "email", "last_week"]


def _quiet_members(db: sqlite_utils.Database, actor: Member | None, team_id: int | None, *,
                   today: date | None = None) -> Columns:
    """:func:`quiet_members` as plain columns (``last_week`` a day or ``None``)."""
    actor = access.require_quiet_list(actor, team_id)
    today = today or date.today()
    since = (week_start(today) - timedelta(weeks=QUIET_WEEKS)).isoformat()
    cur = db.execute(
        "SELECT m.name, m.email, (SELECT max(a.week_start) FROM actions a"
        "  WHERE a.member_id = m.id) AS last_week"
        " FROM members m WHERE m.team_id = ? AND m.active = 1 AND m.id != ?"
        " AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.member_id = m.id"
        "  AND a.week_start >= ?)"
        " AND NOT EXISTS (SELECT 1 FROM away_weeks w WHERE w.member_id = m.id"
        "  AND w.week_start >= ?)"
        " ORDER BY m.name COLLATE NOCASE, m.id",
        [team_id, actor.id, since, since])
    rows = [(name, email, date.fromisoformat(w) if isinstance(w, str) else None)
            for name, email, w in cur.fetchall()]
    return Columns.of_rows(_QUIET, rows, partial(pd.DataFrame, rows, columns=_QUIET))


# --- headline numbers and the whole frame set ---------------------------------------------

@dataclass(frozen=True)
class Headline:
    """One headline number with its value in the previous period of equal length."""

    key: str
    label: str
    value: float | None
    previous: float | None
    kind: str  # "share" (0–1), "count" or "minutes"
    help: str
    lower_is_better: bool = False

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def format_value(self, v: float | None) -> str:
        """A value of this measure as text (share as %, minutes as min or h)."""
        if v is None:
            return "–"
        if self.kind == "share":
            return f"{v:.0%}"
        if self.kind == "minutes":
            return f"{v / 60:,.1f} h" if v >= 120 else f"{v:,.0f} min"
        return f"{v:,.0f}"

    @property
    def previous_display(self) -> str:
        """The previous period's value, formatted like the current one."""
        return self.format_value(self.previous)

    @property
    def display(self) -> str:
        return self.format_value(self.value)

    @property
    def delta_display(self) -> str | None:
        """The change as text for ``st.metric(delta=…)``; ``None`` when there is no comparison."""
        change = self.change
        if change is None:
            return None
        if self.kind == "share":
            return f"{change * 100:+.0f} pts"
        if self.kind == "minutes":
            return f"{change / 60:+,.1f} h" if abs(change) >= 120 else f"{change:+,.0f} min"
        return f"{change:+,.0f}"


@dataclass(frozen=True)
class _PeriodFigures:
    """One period's figures, plain; the headline numbers are drawn from them."""

    participation: _Participation
    responsibilities: _Responsibilities
    minutes: _Minutes
    follow_through: Columns
    steadiness: Steadiness

    def summary(self) -> dict[str, float | None]:
        follow = self.follow_through
        overdue = sum(n for n, total in zip(follow["overdue"], follow["is_total"]) if total)
        return {
            "participation": self.participation.pooled(total=True),
            "steady": self.steadiness.share,
            "actions": float(self.minutes.total(1)),
            "minutes": float(self.minutes.total(0)),
            "coverage": float(self.responsibilities.practised()),
            "overdue": float(overdue),
        }


def _figures(v: _View, periods: Sequence[Period],
             steadiness: Sequence[Steadiness] | None = None) -> list[_PeriodFigures]:
    """Each period's figures, each measure in one pass over all the periods
    (``steadiness``: already counted, by :func:`_per_member`)."""
    weekly = _weekly(v, periods)
    if steadiness is None:
        steadiness = [_steadiness(v, p) for p in periods]
    return [_PeriodFigures(*parts, steady) for *parts, steady in zip(
        _participation(v, periods, weekly), _responsibilities(v, periods, weekly),
        _minutes(v, periods, weekly), _follow_through(v, periods), steadiness)]


_HEADLINES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("participation", "Weekly participation", "share",
     "Of active members not away, the share who logged at least one action, over the "
     "period's weeks together.", False),
    ("steady", "Steady members", "share",
     "Members active in at least 3 of the last 4 weeks (weeks marked away left out).", False),
    ("coverage", "Responsibilities practised", "count",
     "How many of the eight responsibilities had at least one action in the period.", False),
    ("actions", "Actions logged", "count", "Actions logged in the period.", False),
    ("minutes", "Time invested", "minutes",
     "Minutes recorded on actions (recording minutes is optional).", False),
    ("overdue", "Next steps overdue", "count",
     "Plan next steps past their due date and not done, on the period's last day.", True),
)


def _compared(v: _View, period: Period) -> tuple[Comparison, list[Period]]:
    """The comparison, and the periods to compute: this one, and the previous one when
    the two are comparable."""
    compared = Comparison(v.weeks(period), v.weeks(period.previous()))
    return compared, [period, period.previous()] if compared.comparable else [period]


def headlines(db: sqlite_utils.Database, actor: Member | None, scope: Scope, period: Period,
              *, today: date | None = None) -> tuple[Headline, ...]:
    """The headline numbers for the period, each with the previous period's value when
    the two are comparable (:class:`Comparison`), else with none."""
    actor = _check(db, actor, scope)
    view = _view(db, actor, scope, today or date.today())
    _, periods = _compared(view, period)
    figures = _figures(view, periods)
    return _headlines(figures[0], figures[1] if len(figures) > 1 else None)


def comparison_note(compared: Comparison) -> str:
    """In words, what the headline changes compare with — or why there are none."""
    return compared.note


def _headlines(now: _PeriodFigures, before: _PeriodFigures | None) -> tuple[Headline, ...]:
    """This period's figures against the previous one's; ``before`` is ``None`` when the
    two periods are not comparable (then nothing is compared: never a change between
    unequal or unfinished periods)."""
    current = now.summary()
    previous = before.summary() if before is not None else dict.fromkeys(current)
    return tuple(Headline(key, label, current[key], previous[key], kind, help_, lower)
                 for key, label, kind, help_, lower in _HEADLINES)


@dataclass(frozen=True)
class ThisWeek:
    """The unfinished current week, shown apart as "this week so far"."""

    week: date
    participants: int  # members who logged so far
    counted: int  # active members not away
    actions: int

    @property
    def words(self) -> str:
        return (f"This week so far (since Monday {self.week:%d %b}): {self.actions} "
                f"action{'s' if self.actions != 1 else ''} logged by {self.participants} of "
                f"{self.counted} members — the week is not over, so it is not in the "
                "figures above.")


def _this_week(db: sqlite_utils.Database, scope: Scope, today: date) -> ThisWeek:
    monday = week_start(today).isoformat()
    if _by_team(scope):
        members = db.execute(*with_scope(scope, "SELECT count(*) FROM scope")).fetchone()[0]
        participants, away, actions = db.execute(*_team_weeks(
            scope, "coalesce(sum(t.members), 0), coalesce(sum(t.away_silent), 0),"
            " coalesce(sum(t.actions), 0)", "t.week_start = ?", [monday])).fetchone()
        return ThisWeek(week_start(today), int(participants), int(members) - int(away),
                        int(actions))
    row = db.execute(*with_scope(
        scope,
        "SELECT count(*) AS members,"
        " coalesce(sum(EXISTS (SELECT 1 FROM member_weeks x WHERE x.week_start = ?"
        "  AND x.member_id = s.id)), 0) AS participants,"
        " coalesce(sum(EXISTS (SELECT 1 FROM away_weeks w WHERE w.member_id = s.id"
        "  AND w.week_start = ?) AND NOT EXISTS (SELECT 1 FROM member_weeks x"
        "  WHERE x.week_start = ? AND x.member_id = s.id)), 0) AS away,"
        " (SELECT coalesce(sum(x.actions), 0) FROM scope s2 JOIN member_weeks x"
        "  ON x.week_start = ? AND x.member_id = s2.id) AS actions"
        " FROM scope s", [monday, monday, monday, monday])).fetchone()
    members, participants, away, actions = (int(v) for v in row)
    return ThisWeek(week_start(today), participants, members - away, actions)


def this_week_so_far(db: sqlite_utils.Database, actor: Member | None, scope: Scope, *,
                     today: date | None = None) -> ThisWeek:
    """The current, unfinished week for the scope (never mixed into a period's figures)."""
    _check(db, actor, scope)
    return _this_week(db, scope, today or date.today())


def _frame_of(name: str) -> property:
    """A :class:`ProgressFrames` table as a pandas frame (made on first use)."""
    def get(self: ProgressFrames) -> pd.DataFrame:
        return self.columns[name].frame
    get.__doc__ = f"The ``{name}`` table as a pandas frame (see :attr:`ProgressFrames.columns`)."
    return property(get)


@dataclass(frozen=True)
class ProgressFrames:
    """Everything the Team progress page (and the chapter report) shows for a scope and
    period. Frames are described on the functions that make them.

    The tables are kept as plain columns (``columns``: name → :class:`Columns`), which a
    page draws and lists as they are; each is also readable as a pandas frame under its
    name (``frames.participation``…), made on first use.
    """

    scope: Scope
    period: Period
    today: date
    scope_label: str
    members: int  # active members in the scope
    headlines: tuple[Headline, ...]
    comparison: Comparison  # the period's weeks, and whether changes are shown
    # participation (weekly_participation), responsibilities (responsibility_weeks),
    # consistency, minutes (minutes_per_week), follow_through, least_practised,
    # falling_teams: see the functions named.
    columns: dict[str, Columns]
    steadiness: Steadiness
    quiet: Columns | None = field(default=None)  # quiet_members: the lead's own team only
    this_week: ThisWeek | None = field(default=None)  # when the period leaves it out

    TABLES: ClassVar[tuple[str, ...]] = (
        "participation", "responsibilities", "consistency", "minutes", "follow_through",
        "least_practised", "falling_teams")
    participation = _frame_of("participation")
    responsibilities = _frame_of("responsibilities")
    consistency = _frame_of("consistency")
    minutes = _frame_of("minutes")
    follow_through = _frame_of("follow_through")
    least_practised = _frame_of("least_practised")
    falling_teams = _frame_of("falling_teams")

    @property
    def weeks(self) -> PeriodWeeks:
        return self.comparison.now

    @property
    def note(self) -> str:
        """What the headline changes compare with, or why there are none."""
        return self.comparison.note

    @property
    def actions(self) -> int:
        """Actions logged in the period (0 means: nothing to chart yet)."""
        return int(sum(self.columns["minutes"]["actions"]))

    def follow_through_total(self) -> dict[str, Any]:
        """The follow-through row of the scope as a whole (column → value)."""
        return next(r for r in self.columns["follow_through"].rows() if r["is_total"])

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)

    @property
    def quiet_members(self) -> pd.DataFrame | None:
        """The quiet list as a pandas frame (``None`` unless the lead's own team)."""
        return None if self.quiet is None else self.quiet.frame


def team_progress(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                  period: Period, *, today: date | None = None) -> ProgressFrames:
    """Every frame for the scope and period in one call (one access check).

    ``quiet_members`` is filled in when the actor is a lead and the scope is their own
    team or the whole chapter (it then lists their own team); otherwise ``None``.
    """
    actor = _check(db, actor, scope)
    today = today or date.today()
    view = _view(db, actor, scope, today)
    compared, periods = _compared(view, period)
    consistency_, steadiness_ = _per_member(view, period, periods)
    figures = _figures(view, periods, steadiness_)
    now, before = figures[0], (figures[1] if len(figures) > 1 else None)
    quiet = None
    if actor.is_lead and actor.team_id is not None and scope.team_id in (None, actor.team_id) \
            and scope.focus_group is None:
        quiet = _quiet_members(db, actor, actor.team_id, today=today)
    this_week = None
    if compared.now.in_progress is None and period.end < today \
            and week_start(today) >= compared.now.started:
        this_week = _this_week(db, scope, today)
    return ProgressFrames(
        scope=scope, period=period, today=today, scope_label=view.label,
        members=view.members,
        headlines=_headlines(now, before),
        comparison=compared,
        columns={
            "participation": now.participation.columns(),
            "responsibilities": now.responsibilities.columns(),
            "consistency": consistency_,
            "minutes": now.minutes.columns(),
            "follow_through": now.follow_through,
            "least_practised": now.responsibilities.least(3),
            "falling_teams": _falling(now.participation, before.participation
                                      if before is not None else None, scope),
        },
        steadiness=now.steadiness,
        quiet=quiet,
        this_week=this_week,
    )


# --- my own weeks (My week) ---------------------------------------------------------------

@dataclass(frozen=True)
class MyWeeks:
    """A member's own consistency, by the same period rule as every group figure: the
    last complete programme weeks, and the unfinished current week apart."""

    weeks: PeriodWeeks  # the last MY_WEEKS complete weeks, clipped to the programme
    active: int  # complete weeks with at least one action (weeks marked away left out)
    counted: int  # complete weeks counted (not away, or away but active anyway)
    run: int  # consecutive weeks with an action, back from this week (if active) or last
    this_week_actions: int

    @property
    def label(self) -> str:
        return f"Weeks active, last {self.weeks.period.n_weeks} complete"

    @property
    def display(self) -> str:
        return f"{self.active} of {self.counted}" if self.counted else "No complete week yet"


MY_WEEKS = 12


def my_weeks(db: sqlite_utils.Database, actor: Member | None, *,
             today: date | None = None) -> MyWeeks:
    """The actor's own weeks (nobody else's: no disclosure question arises)."""
    actor = access.require_active(actor)
    today = today or date.today()
    period = Period.last_weeks(MY_WEEKS, today)
    weeks = period_weeks(db, actor.chapter_id, period, today)
    monday = week_start(today)
    rows = db.execute("SELECT week_start, count(*) FROM actions WHERE member_id = ?"
                      " AND week_start >= ? GROUP BY week_start",
                      [actor.id, period.start.isoformat()]).fetchall()
    per_week = {date.fromisoformat(w): int(n) for w, n in rows}
    away = {date.fromisoformat(r[0]) for r in db.execute(
        "SELECT week_start FROM away_weeks WHERE member_id = ? AND week_start >= ?",
        [actor.id, period.start.isoformat()])}
    counted = [w for w in weeks.complete if w not in away or w in per_week]
    run = 1 if monday in per_week else 0
    for w in reversed(weeks.complete):  # newest first; away weeks do not break a run
        if w in per_week:
            run += 1
        elif w not in away:
            break
    return MyWeeks(weeks, sum(1 for w in counted if w in per_week), len(counted), run,
                   per_week.get(monday, 0))
