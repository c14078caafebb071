"""Whose figures: a :class:`Scope`, who may see it, the scopes pages offer, and a
checked scope looked up once (:class:`View`) for the measures to read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, Team
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


def check(db: sqlite_utils.Database, actor: Member | None, scope: Scope) -> Member:
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


@dataclass(frozen=True)
class View:
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


def view_of(db: sqlite_utils.Database, actor: Member, scope: Scope, today: date) -> View:
    return View(db, actor, scope, today, programme_start(db, scope.chapter_id),
                 scope_label(db, scope), tuple(_sizes(db, scope)),
                 breakdown_groups(db, actor, scope))

