"""Whose figures: a :class:`Scope`, who may see it, the scopes pages offer, and a
checked scope looked up once (:class:`View`) for the measures to read.

A scope's members are read from the dated membership (:mod:`allyship.db.memberships`):
each week's figures count who belonged that week, and a period's per-member figures
(consistency, steadiness, follow-through) the members of its last week — so a
completed period's figures never change with the roster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, Team, week_start
from allyship.db.memberships import covers, weeks_cte
from allyship.metrics import disclosure
from allyship.metrics.periods import Period, PeriodWeeks, programme_start
from allyship.people import roster

WHOLE_CHAPTER = "Whole chapter"


@dataclass(frozen=True)
class Scope:
    """Whose figures: a chapter, optionally narrowed to one team and/or one focus group."""

    chapter_id: int
    team_id: int | None = None
    focus_group: str | None = None


def check(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
          period: Period | None = None, today: date | None = None) -> Member:
    """Access, and the disclosure rule, for a scope (over the weeks of ``period``, as
    their membership stood; without one, this week's); every public function calls this
    first. A scope the viewer may not see (too few people besides them, or one that
    could be subtracted from another view) is refused in words."""
    actor = access.require_team_view(actor, scope.team_id, scope.chapter_id)
    if scope.team_id is not None:
        try:
            team = roster.get_team(db, scope.team_id)
        except LookupError:
            raise access.PermissionDenied("That team does not exist.") from None
        access.require_same_chapter(actor, team.chapter_id)
    weeks = None if period is None else PeriodWeeks(
        period, programme_start(db, scope.chapter_id), today or date.today()).weeks
    refusal = disclosure.views_for(db, actor, weeks).refusal(scope.team_id, scope.focus_group)
    if refusal is not None:
        raise access.PermissionDenied(refusal)
    return actor


# The Monday of SQLite's today: the week whose membership stands for "now".
THIS_WEEK = "date('now', '-6 days', 'weekday 1')"


def _filters(scope: Scope) -> tuple[str, list[Any]]:
    sql, params = "ms.chapter_id = ?", [scope.chapter_id]
    if scope.team_id is not None:
        sql += " AND ms.team_id = ?"
        params.append(scope.team_id)
    if scope.focus_group is not None:
        sql += " AND trim(ms.focus_group) = ? COLLATE NOCASE"
        params.append(scope.focus_group.strip())
    return sql, params


def _scope_cte(scope: Scope, week: date | str | None = None) -> tuple[str, list[Any]]:
    """``WITH scope(id, team_id) AS (...)``: the members the figures count — those who
    belonged to the scope in ``week`` (a Monday; ``None``: this week)."""
    where, params = _filters(scope)
    if week is None:
        at, args = THIS_WEEK, []
    else:
        at, args = "?", [week if isinstance(week, str) else week.isoformat()]
    sql = (f"WITH scope AS (SELECT ms.member_id AS id, ms.team_id FROM memberships ms"
           f" WHERE {where} AND {covers('ms', at)}) ")
    return sql, [*params, *args, *args]


def with_scope(scope: Scope, body: str, params: Sequence[Any] = (), *,
               week: date | str | None = None) -> tuple[str, list[Any]]:
    """``body`` (SQL reading the ``scope`` table) after the scope's CTE, and its parameters:
    the members every figure counts, as they stood in ``week`` (``None``: this week)."""
    cte, cte_params = _scope_cte(scope, week)
    return cte + body, [*cte_params, *params]


def with_scope_weeks(scope: Scope, weeks: Sequence[date | str], body: str,
                     params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """``body`` after ``scope_w(id, team_id, week)``: each of ``weeks`` with the members
    who belonged to the scope that week."""
    wk, wk_params = weeks_cte(weeks)
    where, params_ = _filters(scope)
    sql = (f"WITH {wk}, scope_w AS (SELECT ms.member_id AS id, ms.team_id, wk.w AS week"
           f" FROM memberships ms JOIN wk ON {covers('ms', 'wk.w')} WHERE {where}) ")
    return sql + body, [*wk_params, *params_, *params]


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

def _sizes(db: sqlite_utils.Database, scope: Scope,
           week: date) -> list[tuple[int | None, int]]:
    """(team id, members) for each team in the scope in ``week`` (``None``: no team)."""
    return db.execute(*with_scope(scope, "SELECT s.team_id, count(*) FROM scope s"
                                          " GROUP BY s.team_id", week=week)).fetchall()


def breakdown_groups(db: sqlite_utils.Database, actor: Member, scope: Scope,
                     weeks: Sequence[date] | None = None) -> dict[Any, str]:
    """team_id → group label for the by-team breakdown, after the disclosure rules.

    Only the whole chapter (without a focus-group filter) has a breakdown: an admin
    sees every team whose own figures may be shown, and the rest as
    :data:`OTHER_LABEL` when that holds enough people; a lead only their own team
    (see :meth:`allyship.metrics.disclosure.Views.chapter_rows`).
    """
    if scope.team_id is not None or scope.focus_group is not None:
        return {}
    return disclosure.views_for(db, actor, weeks).chapter_rows(actor.is_admin)


@dataclass(frozen=True)
class View:
    """A checked scope as one actor sees it on one day."""

    db: sqlite_utils.Database
    actor: Member
    scope: Scope
    today: date
    started: date  # the programme's first Monday
    label: str  # the scope's own series
    sizes: tuple[tuple[int | None, int], ...]  # (team id, members) in ``week``
    groups: dict[Any, str]  # team id → breakdown row (chapter scope only)
    week: date  # the Monday whose membership the per-member figures count

    def weeks(self, period: Period) -> PeriodWeeks:
        return PeriodWeeks(period, self.started, self.today)

    def week_sizes(self, weeks: Sequence[date]) -> dict[tuple[int | None, str], int]:
        """(team, Monday) → members of the scope that week."""
        return {(t, w): n for t, w, n in self.db.execute(*with_scope_weeks(
            self.scope, weeks, "SELECT s.team_id, s.week, count(*) FROM scope_w s"
            " GROUP BY s.team_id, s.week")).fetchall()}

    def query_weeks(self, weeks: Sequence[date], body: str,
                    params: Sequence[Any] = ()) -> list[tuple]:
        return self.db.execute(*with_scope_weeks(self.scope, weeks, body, params)).fetchall()

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
        return self.db.execute(*with_scope(self.scope, body, params, week=self.week)).fetchall()


def as_of_week(period: Period | None, today: date) -> date:
    """The Monday whose membership a period's per-member figures count: the week of the
    period's last day, or this week while the period is not over."""
    return week_start(today if period is None else period.as_of(today))


def view_of(db: sqlite_utils.Database, actor: Member, scope: Scope, today: date,
            period: Period | None = None) -> View:
    week = as_of_week(period, today)
    started = programme_start(db, scope.chapter_id)
    weeks = None if period is None else PeriodWeeks(period, started, today).weeks
    return View(db, actor, scope, today, started, scope_label(db, scope),
                tuple(_sizes(db, scope, week)), breakdown_groups(db, actor, scope, weeks), week)

