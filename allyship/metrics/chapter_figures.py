"""The chapter's measures, one SQL statement each, over the weekly roll-ups.

Each measure reads the roll-ups kept by triggers (:mod:`allyship.db.rollup`:
``team_weeks`` for a chapter or team, ``member_weeks`` for a focus group and the
per-member counts) over the period *and* the previous one in one statement, grouped by
team and week; plain Python shapes the few rows (:mod:`allyship.metrics.frames`). Every
public function has the signature ``fn(db, actor, scope, period, ...)`` and checks
access and disclosure first (:func:`allyship.metrics.scopes.check`). Only active
members are counted; a week a member marked away and logged nothing leaves them out of
that week's denominator; nothing ranks individuals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd
import sqlite_utils

from allyship.core import access
from allyship.core.columns import Columns
from allyship.core.dates import format_day
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import Member, week_start
from allyship.i18n import Translator, formatting
from allyship.metrics.disclosure import OTHER_LABEL
from allyship.metrics.frames import Minutes, Participation, Responsibilities, Steadiness
from allyship.metrics.periods import (
    QUIET_WEEKS,
    STEADY_OF_LAST,
    Comparison,
    Period,
    week_is_complete,
)
from allyship.metrics.rolling import NAN, rolling_mean
from allyship.metrics.scopes import Scope, View, check, view_of, with_scope

FALLING_BY = 0.05  # a team's participation "fell" if it dropped 5 points or more
REVISED_DAYS = 90


# --- the weekly roll-ups a measure reads ---------------------------------------------------

def _span(periods: Sequence[Period]) -> list[str]:
    return [min(p.start for p in periods).isoformat(), max(p.end for p in periods).isoformat()]



def by_team(scope: Scope) -> bool:
    """Whether the scope's weekly sums can be read from ``team_weeks`` (sums per team of
    active members' weeks): every scope but a focus group's, which picks members."""
    return scope.focus_group is None


def team_weeks(scope: Scope, columns: str, where: str, params: Sequence[Any]
                ) -> tuple[str, list[Any]]:
    """A query of ``columns`` over the scope's own ``team_weeks`` rows (``team_id`` 0,
    no team, read as ``None``)."""
    sql = f"SELECT {columns} FROM team_weeks t WHERE t.chapter_id = ?"
    args: list[Any] = [scope.chapter_id]
    if scope.team_id is not None:
        sql += " AND t.team_id = ?"
        args.append(scope.team_id)
    return f"{sql} AND {where}", [*args, *params]


def _all_weeks(v: View, periods: Sequence[Period]) -> list[date]:
    """Every programme week of the periods, once each."""
    return sorted({w for p in periods for w in v.weeks(p).weeks})


def _weekly(v: View, periods: Sequence[Period]) -> dict[tuple[int | None, str], tuple]:
    """(team, week) → members who logged, actions, minutes, actions with minutes, then
    actions per responsibility (8) and members who practised each (8): one pass over the
    ``team_weeks`` roll-up (a team or the whole chapter: a row per team and week) or,
    for a focus group, over its members' ``member_weeks`` (:mod:`allyship.db.rollup`) —
    for every period asked for."""
    r = range(1, len(RESPONSIBILITIES) + 1)
    if by_team(v.scope):
        rows = v.db.execute(*team_weeks(
            v.scope, "nullif(t.team_id, 0), t.week_start, t.members, t.actions, t.minutes,"
            " t.with_minutes, "
            + ", ".join(f"t.r{n}" for n in r) + ", " + ", ".join(f"t.p{n}" for n in r),
            "t.week_start BETWEEN ? AND ? AND t.members > 0", _span(periods))).fetchall()
    else:
        rows = v.query_weeks(
            _all_weeks(v, periods),
            "SELECT s.team_id, w.week_start, count(*), sum(w.actions), sum(w.minutes),"
            " sum(w.with_minutes), " + ", ".join(f"sum(w.r{n})" for n in r) + ", "
            + ", ".join(f"sum(w.r{n} > 0)" for n in r) +
            " FROM scope_w s JOIN member_weeks w ON w.member_id = s.id"
            " AND w.week_start = s.week GROUP BY s.team_id, w.week_start")
    return {(row[0], row[1]): row[2:] for row in rows}


# --- participation -------------------------------------------------------------------------

def _participation(v: View, periods: Sequence[Period],
                   weekly: dict[tuple[int | None, str], tuple]) -> list[Participation]:
    """Week × group for each period (see :func:`weekly_participation`)."""
    active = {key: cells[0] for key, cells in weekly.items()}
    if by_team(v.scope):
        away_rows = v.db.execute(*team_weeks(
            v.scope, "nullif(t.team_id, 0), t.week_start, t.away_silent",
            "t.week_start BETWEEN ? AND ? AND t.away_silent > 0",
            _span(periods))).fetchall()
    else:
        away_rows = v.query_weeks(
            _all_weeks(v, periods),
            "SELECT s.team_id, w.week_start, count(*)"
            " FROM scope_w s JOIN away_weeks w ON w.member_id = s.id"
            " AND w.week_start = s.week"
            " WHERE NOT EXISTS (SELECT 1 FROM member_weeks x WHERE x.member_id = s.id"
            " AND x.week_start = w.week_start)"
            " GROUP BY s.team_id, w.week_start")
    away = {(t, w): n for t, w, n in away_rows}
    # Each week's members as they stood that week; every team present in any of them.
    size = v.week_sizes(_all_weeks(v, periods))
    all_teams = sorted({t for t, _ in size} | {t for t, _ in v.sizes},
                       key=lambda t: (t is not None, t or 0))
    grouped = v.grouped()
    out = []
    for period in periods:
        weeks = v.weeks(period).weeks
        if not weeks:
            out.append(Participation(()))
            continue
        # (group, week, members, away, participants): the scope, then each group by name.
        series = [(v.label, all_teams), *grouped]
        base = []
        for label, teams in series:
            for w in weeks:
                key = w.isoformat()
                base.append((label, w, sum(size.get((t, key), 0) for t in teams),
                             sum(away.get((t, key), 0) for t in teams),
                             sum(active.get((t, key), 0) for t in teams)))
        base.sort(key=lambda r: (r[0], r[1]))  # stable, as the frame was sorted
        rows = []
        for label, w, members, gone, participants in base:
            counted = members - gone
            rows.append([label, w, members, gone, counted, participants,
                         participants / counted if counted > 0 else NAN, NAN,
                         label == v.label, not week_is_complete(w, v.today)])
        # The trend is over complete weeks only: the unfinished week has no 4-week average.
        by_group: dict[str, list[list]] = {}
        for r in rows:
            by_group.setdefault(r[0], []).append(r)
        for part in by_group.values():
            means = rolling_mean([NAN if r[9] else r[6] for r in part])
            for r, m in zip(part, means):
                r[7] = NAN if r[9] else m
        # The scope's own series first, then the groups by name.
        rows.sort(key=lambda r: (not r[8], r[0], r[1]))
        out.append(Participation(tuple(tuple(r) for r in rows)))
    return out


def weekly_participation(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                         period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Week × group: active members, away (and silent), counted, participants, share,
    and the 4-week rolling mean of the share.

    ``group`` is the scope's label (its own series, ``is_total``) and, for a chapter
    scope, each team the actor may see (small teams folded). ``share`` is NaN for a
    week when everyone was away.
    """
    actor = check(db, actor, scope, period, today)
    view = view_of(db, actor, scope, today or date.today(), period)
    return _participation(view, [period], _weekly(view, [period]))[0].frame()


def pooled_participation(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                         periods: Sequence[Period], *, today: date | None = None
                         ) -> list[float | None]:
    """The scope's weekly participation share pooled over each period's complete weeks
    (participants over members counted, as the headline figure): the same numbers as
    :func:`weekly_participation`'s own series, for several periods in one pass and
    without building the frames (the report asks this of every focus group)."""
    first = periods[0] if periods else None
    actor = check(db, actor, scope, first, today)
    view = view_of(db, actor, scope, today or date.today(), first)
    active = {(t, w): (n,) for t, w, n in view.query_weeks(
        _all_weeks(view, periods),
        "SELECT s.team_id, w.week_start, count(*) FROM scope_w s JOIN member_weeks w"
        " ON w.member_id = s.id AND w.week_start = s.week"
        " GROUP BY s.team_id, w.week_start")}
    return [p.pooled(total=True) for p in _participation(view, periods, active)]


def _pooled_share(frame: pd.DataFrame) -> float | None:
    """Participants over members counted, pooled over the complete weeks only."""
    if "in_progress" in frame:
        frame = frame[~frame["in_progress"].astype(bool)]
    counted = frame["counted"].sum()
    return float(frame["participants"].sum() / counted) if counted else None

# --- responsibilities ----------------------------------------------------------------------

def _responsibilities(v: View, periods: Sequence[Period],
                      weekly: dict[tuple[int | None, str], tuple]) -> list[Responsibilities]:
    n = len(RESPONSIBILITIES)
    sums: dict[tuple[str, int], list[int]] = {}
    for (_, week), cells in weekly.items():
        for i in range(n):
            if cells[4 + i]:  # (week, responsibility) pairs with actions, as SQL grouped them
                cell = sums.setdefault((week, i + 1), [0, 0])
                cell[0] += cells[4 + i]
                cell[1] += cells[4 + n + i]
    counts = {key: (a, m) for key, (a, m) in sums.items()}
    return [Responsibilities(v.weeks(p).weeks, counts, v.today) for p in periods]


def responsibility_weeks(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                         period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Responsibility × week (8 rows per week, zeros included): ``actions`` tagged with
    the responsibility and distinct ``members`` who practised it, with its short
    ``title``, ``label`` ("4. Do our own research") and the handout's ``full_text``.

    Feeds both the coverage heat map and the stacked actions-per-week chart. An action
    that practised two responsibilities counts once under each.
    """
    actor = check(db, actor, scope, period, today)
    view = view_of(db, actor, scope, today or date.today(), period)
    return _responsibilities(view, [period], _weekly(view, [period]))[0].frame()



def least_practised(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                    period: Period, *, n: int = 3, today: date | None = None) -> pd.DataFrame:
    """The ``n`` responsibilities with the fewest actions in the period (ties by number)."""
    actor = check(db, actor, scope, period, today)
    view = view_of(db, actor, scope, today or date.today(), period)
    return _responsibilities(view, [period], _weekly(view, [period]))[0].least(n).frame


# --- consistency and steadiness: per-member counts ---------------------------------------

def _member_windows(v: View, active: Sequence[tuple[str, str]],
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


def _consistency_columns(v: View, period: Period, counts: dict[int, int]) -> Columns:
    n = len(v.weeks(period).weeks)
    return Columns({"weeks_active": list(range(n + 1)),
                    "members": [counts.get(k, 0) for k in range(n + 1)],
                    "weeks_in_period": [n] * (n + 1)})


def _consistency(v: View, period: Period) -> Columns:
    window = (period.start.isoformat(), period.end.isoformat())
    counts: dict[int, int] = {}
    for (weeks_active, *_), n in _member_windows(v, [window], []).items():
        counts[weeks_active] = counts.get(weeks_active, 0) + n
    return _consistency_columns(v, period, counts)


def consistency(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                period: Period, *, today: date | None = None) -> pd.DataFrame:
    """How many members were active in 0, 1, … n weeks of the period — a distribution,
    with no names: consistency over volume."""
    actor = check(db, actor, scope, period, today)
    return _consistency(view_of(db, actor, scope, today or date.today(), period), period).frame

def _steady_window(v: View, period: Period) -> tuple[tuple[str, str], int] | None:
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


def _steadiness(v: View, period: Period) -> Steadiness:
    steady = _steady_window(v, period)
    if steady is None:
        return Steadiness(0, 0)
    window, of = steady
    return _steady_count(_member_windows(v, [window], [window]), 0, 1, of)


def per_member(v: View, period: Period, periods: Sequence[Period]
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
    actor = check(db, actor, scope, period, today)
    return _steadiness(view_of(db, actor, scope, today or date.today(), period), period)

# --- minutes -------------------------------------------------------------------------------

def _minutes(v: View, periods: Sequence[Period],
             weekly: dict[tuple[int | None, str], tuple]) -> list[Minutes]:
    sums: dict[str, list[int]] = {}
    for (_, week), (members, actions, minutes, with_minutes, *_) in weekly.items():
        cell = sums.setdefault(week, [0, 0, 0, 0])
        for i, value in enumerate((minutes, actions, with_minutes, members)):
            cell[i] += value
    counts = {week: (m, a, wm, n) for week, (m, a, wm, n) in sums.items()}
    return [Minutes(v.weeks(p).weeks, counts, v.today) for p in periods]


def minutes_per_week(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                     period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Per week: minutes invested (actions without minutes add nothing), actions,
    actions that recorded minutes, and members who logged."""
    actor = check(db, actor, scope, period, today)
    view = view_of(db, actor, scope, today or date.today(), period)
    return _minutes(view, [period], _weekly(view, [period]))[0].frame()


# --- plan follow-through ----------------------------------------------------------------

_FOLLOW = ["members", "plans", "revised_90_days", "done", "open", "overdue"]


def _follow_through(v: View, periods: Sequence[Period]) -> list[Columns]:
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
    actor = check(db, actor, scope, period, today)
    return _follow_through(view_of(db, actor, scope, today or date.today(), period),
                           [period])[0].frame


# --- who are we leaving behind? -----------------------------------------------------------

def falling_columns(now: Participation, before: Participation | None, scope: Scope) -> Columns:
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
    actor = check(db, actor, scope, period, today)
    view = view_of(db, actor, scope, today or date.today(), period)
    if not Comparison(view.weeks(period), view.weeks(period.previous())).comparable:
        return falling_columns(_participation(view, [period], _weekly(view, [period]))[0], None,
                        scope).frame
    periods = [period, period.previous()]
    now, before = _participation(view, periods, _weekly(view, periods))
    return falling_columns(now, before, scope).frame


def quiet_members(db: sqlite_utils.Database, actor: Member | None, team_id: int | None, *,
                  today: date | None = None) -> pd.DataFrame:
    """For a lead, about their own team: active members with no action in the current
    week or the 3 weeks before it, for a gentle check-in.

    Sorted by name, never by activity. Members who marked any of those weeks away are
    not listed (they told us), nor is the lead themselves.
    """
    return quiet_columns(db, actor, team_id, today=today).frame


_QUIET = ["name", "email", "last_week"]


def quiet_columns(db: sqlite_utils.Database, actor: Member | None, team_id: int | None, *,
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

# --- each period's figures, for the headline numbers ---------------------------------------

@dataclass(frozen=True)
class PeriodFigures:
    """One period's figures, plain; the headline numbers are drawn from them."""

    participation: Participation
    responsibilities: Responsibilities
    minutes: Minutes
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


def period_figures(v: View, periods: Sequence[Period],
             steadiness: Sequence[Steadiness] | None = None) -> list[PeriodFigures]:
    """Each period's figures, each measure in one pass over all the periods
    (``steadiness``: already counted, by :func:`per_member`)."""
    weekly = _weekly(v, periods)
    if steadiness is None:
        steadiness = [_steadiness(v, p) for p in periods]
    return [PeriodFigures(*parts, steady) for *parts, steady in zip(
        _participation(v, periods, weekly), _responsibilities(v, periods, weekly),
        _minutes(v, periods, weekly), _follow_through(v, periods), steadiness)]

# --- the unfinished current week -----------------------------------------------------------

@dataclass(frozen=True)
class ThisWeek:
    """The unfinished current week, shown apart as "this week so far"."""

    week: date
    participants: int  # members who logged so far
    counted: int  # active members not away
    actions: int

    @property
    def words(self) -> str:
        return (f"This week so far (since {format_day(self.week)}): {self.actions} "
                f"action{'s' if self.actions != 1 else ''} logged by {self.participants} of "
                f"{self.counted} members — the week is not over, so it is not in the "
                "figures above.")

    def words_in(self, tr: Translator) -> str:
        """:attr:`words` in ``tr``'s language."""
        return tr.ngettext(
            "This week so far (since {day}): {count} action logged by {participants} of "
            "{counted} members — the week is not over, so it is not in the figures above.",
            "This week so far (since {day}): {count} actions logged by {participants} of "
            "{counted} members — the week is not over, so it is not in the figures above.",
            self.actions).format(day=formatting.format_day(tr, self.week),
                                 count=formatting.format_number(tr, self.actions),
                                 participants=self.participants, counted=self.counted)


def this_week_counts(db: sqlite_utils.Database, scope: Scope, today: date) -> ThisWeek:
    monday = week_start(today).isoformat()
    if by_team(scope):
        members = db.execute(*with_scope(scope, "SELECT count(*) FROM scope",
                                         week=monday)).fetchone()[0]
        participants, away, actions = db.execute(*team_weeks(
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
        " FROM scope s", [monday, monday, monday, monday], week=monday)).fetchone()
    members, participants, away, actions = (int(v) for v in row)
    return ThisWeek(week_start(today), participants, members - away, actions)


def this_week_so_far(db: sqlite_utils.Database, actor: Member | None, scope: Scope, *,
                     today: date | None = None) -> ThisWeek:
    """The current, unfinished week for the scope (never mixed into a period's figures)."""
    check(db, actor, scope)
    return this_week_counts(db, scope, today or date.today())
