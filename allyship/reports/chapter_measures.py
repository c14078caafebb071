"""The chapter report's measures beyond the figures it shares with Team progress: the
per-team table, the week table, responsibilities' totals, the groups whose participation
fell, and the highlights members shared with the chapter — with the columns they fill.

:mod:`allyship.reports.chapter_report` assembles them into the report. Highlights are only
actions their authors shared with the whole chapter (a report travels); next steps
falling due are counts, never names or texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import sqlite_utils

from allyship.core.handout import ACTION_KINDS, responsibility
from allyship.core.models import Member
from allyship.i18n import N_, Translator, handout
from allyship.metrics import chapter_figures, disclosure, overview, scopes
from allyship.metrics.periods import Period
from allyship.metrics.scopes import Scope
from allyship.people import roster
from allyship.practice import journal
from allyship.reports import wording

MAX_HIGHLIGHTS = 25

# Column headings in English, translated where shown (the CSV's columns are the keys).
TEAM_COLUMNS: dict[str, str] = {
    "group": N_("Team"),
    "members": N_("Members"),
    "active_members": N_("Members who logged"),
    "actions": N_("Actions"),
    "responsibilities_covered": N_("Responsibilities practised (of 8)"),
    "steps_done": N_("Next steps done"),
    "steps_overdue": N_("Next steps overdue"),
    "steps_due_ahead": N_("Next steps due in the coming weeks"),
}
WEEK_COLUMNS: dict[str, str] = {
    "week": N_("Week of"),
    "counted": N_("Active members not away"),
    "participants": N_("Members who logged"),
    "share": N_("Participation"),
    "actions": N_("Actions"),
    "minutes": N_("Hours"),  # shown in hours, like the headline; the CSV keeps minutes
}


@dataclass(frozen=True)
class Highlight:
    """An action its author shared with the chapter."""

    done_on: date
    member: str
    team: str
    description: str
    responsibilities: tuple[str, ...]  # labels, e.g. "2. Listen more, speak less"
    kind: str
    # By number and key, for the report in any language.
    numbers: tuple[int, ...] = ()
    kind_key: str = ""

    def responsibilities_in(self, tr: Translator) -> tuple[str, ...]:
        return tuple(handout.responsibility(tr, n).label for n in self.numbers) \
            if self.numbers else self.responsibilities

    def kind_in(self, tr: Translator) -> str:
        return wording.action_kind(tr, self.kind_key) if self.kind_key else self.kind


@dataclass(frozen=True)
class FallingGroup:
    """A team or focus group whose participation fell against the previous period."""

    kind: str  # "team" or "focus group"
    name: str
    share_now: float
    share_before: float


# --- the measures -----------------------------------------------------------

def _query(db: sqlite_utils.Database, scope: Scope, body: str,
           params: list[Any], week: date) -> pd.DataFrame:
    """``body`` run after the figures' ``scope`` CTE (:func:`scopes.with_scope`): the
    members the figures count, as they stood in ``week``."""
    cur = db.execute(*scopes.with_scope(scope, body, params, week=week))
    return pd.DataFrame(cur.fetchall(), columns=[c[0] for c in cur.description])


def team_table(db: sqlite_utils.Database, actor: Member, scope: Scope, period: Period,
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


def actions_in(weeks: pd.DataFrame) -> int:
    """The actions of a :func:`week_table`."""
    return int(weeks["actions"].sum()) if not weeks.empty else 0


def week_table(frames: overview.ProgressFrames) -> pd.DataFrame:
    part = frames.participation[frames.participation["is_total"]]
    part = part[["week", "counted", "participants", "share"]]
    out = part.merge(frames.minutes[["week", "actions", "minutes"]], on="week", how="left")
    out[["actions", "minutes"]] = out[["actions", "minutes"]].fillna(0).astype(int)
    out["week"] = pd.to_datetime(out["week"]).dt.date
    return out[list(WEEK_COLUMNS)].reset_index(drop=True)


def responsibility_totals(resp: pd.DataFrame) -> pd.DataFrame:
    totals = resp.groupby(["responsibility", "label"], as_index=False)[["actions"]].sum()
    return totals.sort_values("responsibility").reset_index(drop=True)


def falling(db: sqlite_utils.Database, actor: Member, scope: Scope, period: Period,
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


def highlights(db: sqlite_utils.Database, actor: Member, team_id: int | None,
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
        kind=ACTION_KINDS.get(a.kind, a.kind), numbers=tuple(a.responsibilities),
        kind_key=a.kind) for owner, a in shared[:MAX_HIGHLIGHTS])
    return picked, max(0, len(shared) - MAX_HIGHLIGHTS)
