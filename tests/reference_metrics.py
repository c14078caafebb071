"""REFERENCE COPY, for tests only: allyship/metrics/chapter_figures.py as it was before issue 13's rewrite
(commit 0272ccf), kept verbatim so tests/test_figures_match_the_reference.py can prove the faster
module gives identical frames. Not used by the app; do not edit (except imports).

Progress measures for team leads, the chapter report and the benchmarks.

Everything is aggregated **in SQL** (``GROUP BY`` over the indexed ``actions``
columns ``member_id, week_start``); pandas only reshapes the small aggregated
results (filling weeks without actions with zeros, rolling means, folding small
groups). No function loads the actions table row by row.

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
import reference_disclosure as disclosure  # the old disclosure module, also verbatim
import sqlite_utils

from allyship.core import access
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import Member, Team, ValidationError, parse_date, week_start
from allyship.people import roster

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
        return f"{_day(self.start)} – {_day(self.end)}"

    @property
    def label(self) -> str:
        return f"{self.dates} ({_weeks_words(self.n_weeks)})"



def _day(d) -> str:  # noqa: ANN001
    """``Mon 7 Dec 2026``: how every date is written for people."""
    return f"{d:%a} {d.day} {d:%b %Y}"

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
        started = _day(now.started)
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


def _with_scope(scope: Scope, body: str, params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    cte, cte_params = _scope_cte(scope)
    return cte + body, [*cte_params, *params]


def _query(db: sqlite_utils.Database, scope: Scope, body: str,
           params: Sequence[Any] = ()) -> pd.DataFrame:
    cur = db.execute(*_with_scope(scope, body, params))
    return pd.DataFrame(cur.fetchall(), columns=[c[0] for c in cur.description])


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

def _team_sizes(db: sqlite_utils.Database, scope: Scope) -> pd.DataFrame:
    return _query(db, scope, "SELECT s.team_id, t.name AS team, count(*) AS members"
                             " FROM scope s LEFT JOIN teams t ON t.id = s.team_id"
                             " GROUP BY s.team_id")


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


def _with_groups(frame: pd.DataFrame, groups: dict[Any, str], total_label: str,
                 keys: list[str], sums: list[str]) -> pd.DataFrame:
    """Sum ``sums`` by ``keys`` for the whole scope (``total_label``) and for each group."""
    if keys:
        total = frame.groupby(keys, as_index=False)[sums].sum()
    else:
        total = frame[sums].sum().to_frame().T
    total.insert(0, "group", total_label)
    parts = [total]
    if groups:
        mapped = frame.assign(group=frame["team_id"].map(
            lambda t: groups.get(None if pd.isna(t) else int(t))))
        mapped = mapped.dropna(subset=["group"])
        if not mapped.empty:
            parts.append(mapped.groupby(["group", *keys], as_index=False)[sums].sum())
    return pd.concat(parts, ignore_index=True)


# --- weekly participation ------------------------------------------------------------

def _week_frame(weeks: Sequence[date]) -> pd.DataFrame:
    """One row per week; text-typed even when there are no weeks, so merges still line up."""
    return pd.DataFrame({"week_start": pd.Series([w.isoformat() for w in weeks], dtype=object)})


def _programme_weeks(db: sqlite_utils.Database, scope: Scope, period: Period,
                     today: date) -> tuple[date, ...]:
    """The period's weeks that have started by ``today`` and fall after the chapter's
    programme began: weeks before the start are not zero weeks, they are no weeks (else
    a previous period reaching before the start would look like a collapse)."""
    return period_weeks(db, scope.chapter_id, period, today).weeks


def _in_progress(weeks: pd.Series, today: date) -> pd.Series:
    """True for the unfinished current week (charts mark it; trends leave it out)."""
    return weeks.map(lambda w: not week_is_complete(pd.Timestamp(w).date(), today)).astype(bool)


def _participation(db: sqlite_utils.Database, actor: Member, scope: Scope, period: Period,
                   today: date) -> pd.DataFrame:
    cols = ["group", "week", "active_members", "away", "counted", "participants", "share",
            "rolling_mean", "is_total", "in_progress"]
    weeks = _programme_weeks(db, scope, period, today)
    if not weeks:  # a period wholly before the programme began, or not yet started
        return pd.DataFrame(columns=cols).astype({"week": "datetime64[ns]", "share": float,
                                                  "is_total": bool, "in_progress": bool})
    first, last = period.start.isoformat(), period.end.isoformat()
    sizes = _team_sizes(db, scope)[["team_id", "members"]]
    active = _query(db, scope,
                    "SELECT s.team_id, a.week_start, count(DISTINCT a.member_id) AS participants"
                    " FROM scope s JOIN actions a ON a.member_id = s.id"
                    " AND a.week_start BETWEEN ? AND ? GROUP BY s.team_id, a.week_start",
                    [first, last])
    away = _query(db, scope,
                  "SELECT s.team_id, w.week_start, count(*) AS away"
                  " FROM scope s JOIN away_weeks w ON w.member_id = s.id"
                  " AND w.week_start BETWEEN ? AND ?"
                  " WHERE NOT EXISTS (SELECT 1 FROM actions a WHERE a.member_id = s.id"
                  " AND a.week_start = w.week_start)"
                  " GROUP BY s.team_id, w.week_start", [first, last])
    # Every team × every week, zeros where nothing happened.
    grid = sizes.merge(_week_frame(weeks), how="cross")
    grid = grid.merge(active, on=["team_id", "week_start"], how="left")
    grid = grid.merge(away, on=["team_id", "week_start"], how="left")
    grid[["participants", "away"]] = grid[["participants", "away"]].fillna(0).astype(int)
    grid = grid.rename(columns={"members": "active_members"})
    sums = ["active_members", "away", "participants"]
    label = scope_label(db, scope)
    out = _with_groups(grid, breakdown_groups(db, actor, scope), label, ["week_start"], sums)
    if out.empty:
        out = pd.DataFrame(columns=["group", "week_start", *sums])
    out["counted"] = out["active_members"] - out["away"]
    out["share"] = (out["participants"] / out["counted"].where(out["counted"] > 0)).astype(float)
    out["week"] = pd.to_datetime(out["week_start"])
    out = out.sort_values(["group", "week"], kind="stable")
    out["in_progress"] = _in_progress(out["week"], today)
    # The trend is over complete weeks only: the unfinished week has no 4-week average.
    complete_share = out["share"].where(~out["in_progress"])
    out["rolling_mean"] = (complete_share.groupby(out["group"], sort=False)
                           .transform(lambda s: s.rolling(ROLLING_WEEKS, min_periods=1).mean()))
    out.loc[out["in_progress"], "rolling_mean"] = float("nan")
    # The scope's own series first, then the groups by name.
    out["is_total"] = out["group"] == label
    out = out.sort_values(["is_total", "group", "week"], ascending=[False, True, True],
                          kind="stable")
    return out[cols].reset_index(drop=True)


def weekly_participation(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                         period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Week × group: active members, away (and silent), counted, participants, share,
    and the 4-week rolling mean of the share.

    ``group`` is the scope's label (its own series, ``is_total``) and, for a chapter
    scope, each team the actor may see (small teams folded). ``share`` is NaN for a
    week when everyone was away.
    """
    actor = _check(db, actor, scope)
    return _participation(db, actor, scope, period, today or date.today())


def _pooled_share(frame: pd.DataFrame) -> float | None:
    """Participants over members counted, pooled over the complete weeks only."""
    if "in_progress" in frame:
        frame = frame[~frame["in_progress"].astype(bool)]
    counted = frame["counted"].sum()
    return float(frame["participants"].sum() / counted) if counted else None


# --- responsibilities ----------------------------------------------------------------

def _responsibility_weeks(db: sqlite_utils.Database, scope: Scope, period: Period,
                          today: date) -> pd.DataFrame:
    counts = _query(db, scope,
                    "SELECT a.week_start, r.responsibility, count(*) AS actions,"
                    " count(DISTINCT a.member_id) AS members"
                    " FROM scope s JOIN actions a ON a.member_id = s.id"
                    " AND a.week_start BETWEEN ? AND ?"
                    " JOIN action_responsibilities r ON r.action_id = a.id"
                    " GROUP BY a.week_start, r.responsibility",
                    [period.start.isoformat(), period.end.isoformat()])
    grid = pd.DataFrame(
        [{"week_start": w.isoformat(), "responsibility": r.number, "title": r.title,
          "label": r.label, "full_text": r.full_text}
         for w in _programme_weeks(db, scope, period, today) for r in RESPONSIBILITIES],
        columns=["week_start", "responsibility", "title", "label", "full_text"])
    grid = grid.merge(counts, on=["week_start", "responsibility"], how="left")
    grid[["actions", "members"]] = grid[["actions", "members"]].fillna(0).astype(int)
    grid.insert(0, "week", pd.to_datetime(grid.pop("week_start")))
    grid["in_progress"] = _in_progress(grid["week"], today)
    return grid


def responsibility_weeks(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                         period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Responsibility × week (8 rows per week, zeros included): ``actions`` tagged with
    the responsibility and distinct ``members`` who practised it, with its short
    ``title``, ``label`` ("4. Do our own research") and the handout's ``full_text``.

    Feeds both the coverage heat map and the stacked actions-per-week chart. An action
    that practised two responsibilities counts once under each.
    """
    _check(db, actor, scope)
    return _responsibility_weeks(db, scope, period, today or date.today())


def _least_practised(resp: pd.DataFrame, n: int) -> pd.DataFrame:
    totals = (resp.groupby(["responsibility", "title", "label", "full_text"], as_index=False)
              [["actions"]].sum())
    members = resp.groupby("responsibility")["members"].max().rename("most_members_in_a_week")
    totals = totals.merge(members, on="responsibility")
    return totals.sort_values(["actions", "responsibility"]).head(n).reset_index(drop=True)


def least_practised(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                    period: Period, *, n: int = 3, today: date | None = None) -> pd.DataFrame:
    """The ``n`` responsibilities with the fewest actions in the period (ties by number)."""
    _check(db, actor, scope)
    return _least_practised(_responsibility_weeks(db, scope, period, today or date.today()), n)


# --- consistency -----------------------------------------------------------------------

def _consistency(db: sqlite_utils.Database, scope: Scope, period: Period,
                 today: date) -> pd.DataFrame:
    n = len(_programme_weeks(db, scope, period, today))
    counts = _query(db, scope,
                    "SELECT weeks_active, count(*) AS members FROM ("
                    " SELECT (SELECT count(DISTINCT a.week_start) FROM actions a"
                    "  WHERE a.member_id = s.id AND a.week_start BETWEEN ? AND ?) AS weeks_active"
                    " FROM scope s) GROUP BY weeks_active",
                    [period.start.isoformat(), period.end.isoformat()])
    out = pd.DataFrame({"weeks_active": range(n + 1)}).merge(counts, on="weeks_active",
                                                             how="left")
    out["members"] = out["members"].fillna(0).astype(int)
    out["weeks_in_period"] = n
    return out


def consistency(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                period: Period, *, today: date | None = None) -> pd.DataFrame:
    """How many members were active in 0, 1, … n weeks of the period — a distribution,
    with no names: consistency over volume."""
    _check(db, actor, scope)
    return _consistency(db, scope, period, today or date.today())


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


def _steadiness(db: sqlite_utils.Database, scope: Scope, period: Period,
                today: date) -> Steadiness:
    need, of = STEADY_OF_LAST
    # The last 4 *complete* programme weeks: an unfinished week is not a missed one.
    weeks = period_weeks(db, scope.chapter_id, period, today).complete[-of:]
    if not weeks:
        return Steadiness(0, 0)
    first, last = weeks[0].isoformat(), weeks[-1].isoformat()
    of = len(weeks)  # fewer than 4 when the period itself is shorter
    row = _query(db, scope,
                 f"SELECT coalesce(sum(away < {of}), 0) AS counted,"
                 f" coalesce(sum(away < {of} AND active >= min({need}, {of} - away)), 0)"
                 "  AS steady"
                 " FROM (SELECT"
                 "  (SELECT count(DISTINCT a.week_start) FROM actions a WHERE a.member_id = s.id"
                 "   AND a.week_start BETWEEN ? AND ?) AS active,"
                 "  (SELECT count(*) FROM away_weeks w WHERE w.member_id = s.id"
                 "   AND w.week_start BETWEEN ? AND ? AND NOT EXISTS (SELECT 1"
                 "   FROM actions a WHERE a.member_id = s.id AND a.week_start = w.week_start))"
                 "   AS away"
                 "  FROM scope s)",
                 [first, last, first, last]).iloc[0]
    return Steadiness(int(row["steady"]), int(row["counted"]))


def steadiness(db: sqlite_utils.Database, actor: Member | None, scope: Scope, period: Period,
               *, today: date | None = None) -> Steadiness:
    """Members active in at least 3 of the last 4 weeks of the period (see :class:`Steadiness`)."""
    _check(db, actor, scope)
    return _steadiness(db, scope, period, today or date.today())


# --- minutes ---------------------------------------------------------------------------

def _minutes(db: sqlite_utils.Database, scope: Scope, period: Period,
             today: date) -> pd.DataFrame:
    counts = _query(db, scope,
                    "SELECT a.week_start, coalesce(sum(a.minutes), 0) AS minutes,"
                    " count(*) AS actions, count(a.minutes) AS actions_with_minutes,"
                    " count(DISTINCT a.member_id) AS members"
                    " FROM scope s JOIN actions a ON a.member_id = s.id"
                    " AND a.week_start BETWEEN ? AND ? GROUP BY a.week_start",
                    [period.start.isoformat(), period.end.isoformat()])
    out = _week_frame(_programme_weeks(db, scope, period, today))
    out = out.merge(counts, on="week_start", how="left")
    cols = ["minutes", "actions", "actions_with_minutes", "members"]
    out[cols] = out[cols].fillna(0).astype(int)
    out.insert(0, "week", pd.to_datetime(out.pop("week_start")))
    out["in_progress"] = _in_progress(out["week"], today)
    return out


def minutes_per_week(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                     period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Per week: minutes invested (actions without minutes add nothing), actions,
    actions that recorded minutes, and members who logged."""
    _check(db, actor, scope)
    return _minutes(db, scope, period, today or date.today())


# --- plan follow-through ----------------------------------------------------------------

def _follow_through(db: sqlite_utils.Database, actor: Member, scope: Scope, period: Period,
                    today: date) -> pd.DataFrame:
    as_of = period.as_of(today).isoformat()
    revised_since = (today - timedelta(days=REVISED_DAYS)).isoformat()
    # A snapshot on the period's last day (or today): steps done in the period, and
    # steps not done by then — overdue if their due date had passed.
    steps = _query(db, scope,
                   "SELECT s.team_id,"
                   " coalesce(sum(i.done_on BETWEEN ? AND ?), 0) AS done,"
                   " coalesce(sum((i.done_on IS NULL OR i.done_on > ?)"
                   "   AND (i.due_on IS NULL OR i.due_on >= ?)), 0) AS open,"
                   " coalesce(sum((i.done_on IS NULL OR i.done_on > ?) AND i.due_on < ?), 0)"
                   "   AS overdue"
                   " FROM scope s JOIN plans p ON p.member_id = s.id"
                   " JOIN plan_items i ON i.plan_id = p.id AND i.kind = 'next_step'"
                   " GROUP BY s.team_id",
                   [period.start.isoformat(), as_of, as_of, as_of, as_of, as_of])
    plans = _query(db, scope,
                   "SELECT s.team_id, count(p.id) AS plans,"
                   " coalesce(sum(p.version > 1 AND p.updated_at >= ?), 0) AS revised_90_days"
                   " FROM scope s LEFT JOIN plans p ON p.member_id = s.id GROUP BY s.team_id",
                   [revised_since])
    frame = _team_sizes(db, scope)[["team_id", "members"]].merge(plans, on="team_id", how="left")
    frame = frame.merge(steps, on="team_id", how="left")
    sums = ["members", "plans", "revised_90_days", "done", "open", "overdue"]
    frame[sums] = frame[sums].fillna(0).astype(int)
    out = _with_groups(frame, breakdown_groups(db, actor, scope), scope_label(db, scope), [], sums) \
        if not frame.empty else pd.DataFrame(columns=["group", *sums])
    out = out.drop(columns=[c for c in out.columns if c not in ["group", *sums]])
    out["is_total"] = out["group"] == scope_label(db, scope)
    return out[["group", *sums, "is_total"]].reset_index(drop=True)


def follow_through(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                   period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Per group (the scope, then teams the actor may see): members, plans, plans revised
    in the last 90 days, and next steps ``done`` in the period, still ``open``, and
    ``overdue`` — as they stood on the period's last day (or today, if sooner)."""
    actor = _check(db, actor, scope)
    return _follow_through(db, actor, scope, period, today or date.today())


# --- who are we leaving behind? -----------------------------------------------------------

def _falling(now: pd.DataFrame, before: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Teams whose pooled participation share fell by :data:`FALLING_BY` or more."""
    cols = ["team", "share_now", "share_before", "change"]
    # A team scope's own series is the team; in a chapter scope the teams are the groups.
    teams = now if scope.team_id is not None else now[~now["is_total"]]
    rows = []
    for group, part in teams.groupby("group", sort=True):
        if group == OTHER_LABEL:
            continue
        share_now = _pooled_share(part)
        prev = before[before["group"] == group]
        share_before = _pooled_share(prev) if not prev.empty else None
        if share_now is None or share_before is None:
            continue
        if share_before - share_now >= FALLING_BY - 1e-9:
            rows.append({"team": group, "share_now": share_now, "share_before": share_before,
                         "change": share_now - share_before})
    return pd.DataFrame(rows, columns=cols)


def falling_teams(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                  period: Period, *, today: date | None = None) -> pd.DataFrame:
    """Teams (that the actor may see, with at least 3 members) whose participation share
    over the period is 5 points or more below the previous period of equal length."""
    actor = _check(db, actor, scope)
    today = today or date.today()
    now = _participation(db, actor, scope, period, today)
    if not comparison(db, scope.chapter_id, period, today).comparable:
        return _falling(now, now.iloc[0:0], scope)
    return _falling(now, _participation(db, actor, scope, period.previous(), today), scope)


def quiet_members(db: sqlite_utils.Database, actor: Member | None, team_id: int | None, *,
                  today: date | None = None) -> pd.DataFrame:
    """For a lead, about their own team: active members with no action in the current
    week or the 3 weeks before it, for a gentle check-in.

    Sorted by name, never by activity. Members who marked any of those weeks away are
    not listed (they told us), nor is the lead themselves.
    """
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
    frame = pd.DataFrame(cur.fetchall(), columns=["name", "email", "last_week"])
    frame["last_week"] = frame["last_week"].map(
        lambda v: date.fromisoformat(v) if isinstance(v, str) else None)
    return frame


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
    """The frames of one period that the headline numbers are drawn from."""

    participation: pd.DataFrame
    responsibilities: pd.DataFrame
    minutes: pd.DataFrame
    follow_through: pd.DataFrame
    steadiness: Steadiness

    def summary(self) -> dict[str, float | None]:
        total = self.participation[self.participation["is_total"]]
        follow = self.follow_through[self.follow_through["is_total"]]
        return {
            "participation": _pooled_share(total),
            "steady": self.steadiness.share,
            "actions": float(self.minutes["actions"].sum()),
            "minutes": float(self.minutes["minutes"].sum()),
            "coverage": float((self.responsibilities.groupby("responsibility")["actions"]
                               .sum() > 0).sum()),
            "overdue": float(follow["overdue"].sum()),
        }


def _figures(db: sqlite_utils.Database, actor: Member, scope: Scope, period: Period,
             today: date) -> _PeriodFigures:
    return _PeriodFigures(
        participation=_participation(db, actor, scope, period, today),
        responsibilities=_responsibility_weeks(db, scope, period, today),
        minutes=_minutes(db, scope, period, today),
        follow_through=_follow_through(db, actor, scope, period, today),
        steadiness=_steadiness(db, scope, period, today),
    )


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


def headlines(db: sqlite_utils.Database, actor: Member | None, scope: Scope, period: Period,
              *, today: date | None = None) -> tuple[Headline, ...]:
    """The headline numbers for the period, each with the previous period's value when
    the two are comparable (:class:`Comparison`), else with none."""
    actor = _check(db, actor, scope)
    today = today or date.today()
    compared = comparison(db, scope.chapter_id, period, today)
    before = (_figures(db, actor, scope, period.previous(), today)
              if compared.comparable else None)
    return _headlines(_figures(db, actor, scope, period, today), before)


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
        return (f"This week so far (since {_day(self.week)}): {self.actions} "
                f"action{'s' if self.actions != 1 else ''} logged by {self.participants} of "
                f"{self.counted} members — the week is not over, so it is not in the "
                "figures above.")


def _this_week(db: sqlite_utils.Database, scope: Scope, today: date) -> ThisWeek:
    monday = week_start(today).isoformat()
    row = db.execute(*_with_scope(
        scope,
        "SELECT count(*) AS members,"
        " coalesce(sum(EXISTS (SELECT 1 FROM actions a WHERE a.member_id = s.id"
        "  AND a.week_start = ?)), 0) AS participants,"
        " coalesce(sum(EXISTS (SELECT 1 FROM away_weeks w WHERE w.member_id = s.id"
        "  AND w.week_start = ?) AND NOT EXISTS (SELECT 1 FROM actions a"
        "  WHERE a.member_id = s.id AND a.week_start = ?)), 0) AS away,"
        " (SELECT count(*) FROM scope s2 JOIN actions a ON a.member_id = s2.id"
        "  AND a.week_start = ?) AS actions"
        " FROM scope s", [monday, monday, monday, monday])).fetchone()
    members, participants, away, actions = (int(v) for v in row)
    return ThisWeek(week_start(today), participants, members - away, actions)


def this_week_so_far(db: sqlite_utils.Database, actor: Member | None, scope: Scope, *,
                     today: date | None = None) -> ThisWeek:
    """The current, unfinished week for the scope (never mixed into a period's figures)."""
    _check(db, actor, scope)
    return _this_week(db, scope, today or date.today())


@dataclass(frozen=True)
class ProgressFrames:
    """Everything the Team progress page (and the chapter report) shows for a scope and
    period. Frames are described on the functions that make them."""

    scope: Scope
    period: Period
    today: date
    scope_label: str
    members: int  # active members in the scope
    headlines: tuple[Headline, ...]
    comparison: Comparison  # the period's weeks, and whether changes are shown
    participation: pd.DataFrame  # weekly_participation
    responsibilities: pd.DataFrame  # responsibility_weeks
    consistency: pd.DataFrame  # consistency
    steadiness: Steadiness
    minutes: pd.DataFrame  # minutes_per_week
    follow_through: pd.DataFrame  # follow_through
    least_practised: pd.DataFrame  # least_practised
    falling_teams: pd.DataFrame  # falling_teams
    quiet_members: pd.DataFrame | None = field(default=None)  # the lead's own team only
    this_week: ThisWeek | None = field(default=None)  # when the period leaves it out

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
        return int(self.minutes["actions"].sum())

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)


def team_progress(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                  period: Period, *, today: date | None = None) -> ProgressFrames:
    """Every frame for the scope and period in one call (one access check).

    ``quiet_members`` is filled in when the actor is a lead and the scope is their own
    team or the whole chapter (it then lists their own team); otherwise ``None``.
    """
    actor = _check(db, actor, scope)
    today = today or date.today()
    compared = comparison(db, scope.chapter_id, period, today)
    now = _figures(db, actor, scope, period, today)
    before = (_figures(db, actor, scope, period.previous(), today)
              if compared.comparable else None)
    quiet = None
    if actor.is_lead and actor.team_id is not None and scope.team_id in (None, actor.team_id) \
            and scope.focus_group is None:
        quiet = quiet_members(db, actor, actor.team_id, today=today)
    this_week = None
    if compared.now.in_progress is None and period.end < today \
            and week_start(today) >= compared.now.started:
        this_week = _this_week(db, scope, today)
    return ProgressFrames(
        scope=scope, period=period, today=today, scope_label=scope_label(db, scope),
        members=int(_team_sizes(db, scope)["members"].sum()),
        headlines=_headlines(now, before),
        comparison=compared,
        participation=now.participation,
        responsibilities=now.responsibilities,
        consistency=_consistency(db, scope, period, today),
        steadiness=now.steadiness,
        minutes=now.minutes,
        follow_through=now.follow_through,
        least_practised=_least_practised(now.responsibilities, 3),
        falling_teams=_falling(now.participation,
                               before.participation if before is not None
                               else now.participation.iloc[0:0], scope),
        quiet_members=quiet,
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
