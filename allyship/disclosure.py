"""Disclosure control: which group figures a viewer may see, decided in one place.

The rule (README, "Privacy"): **every figure a viewer can see aggregates at least
three people other than the viewer** — and no two figures they can see may be
subtracted to give the figures of one or two people.

A *view* is a set of active members whose figures are shown together: the whole
chapter, one team, one focus group (the plan's "group to be in allyship with") in
the chapter or in a team. :func:`views_for` works out, for one viewer, which views
they may open, in three steps:

1. **Candidates by role**: a lead the chapter and their own team, an admin the
   chapter and every team; in each, every focus group.
2. **Enough people**: a view is kept only if it holds at least :data:`MIN_OTHERS`
   members other than the viewer.
3. **No differencing** (complementary suppression), repeated until nothing changes:
   for every kept view ``A`` and every kept view ``B`` inside it, ``A − B`` must hold
   no one but the viewer, or at least :data:`MIN_OTHERS` others — else the smaller
   view ``B`` is withdrawn. The same holds for ``A`` minus the union of a family of
   disjoint views inside it (teams, focus groups, team × group cells), so "chapter
   minus every team" cannot single out the one member without a team; the smallest
   view of the family is withdrawn until it holds.

The chapter view's by-team breakdown rows (:meth:`Views.chapter_rows`) are kept
views themselves plus one "Other (small groups)" row that is the chapter minus them,
so they obey the same rule. Focus-group views have no breakdown. A scope that is not
kept is neither offered by the pages nor accepted by :mod:`allyship.metrics` (it is
refused in words, see :meth:`Views.refusal`).

This is not a general cell-suppression solver: it guards every pair of views and
each view against the union of a disjoint family inside it, which covers subtracting
one view from another and "view minus self" (the property tests check exactly these).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from allyship.models import Member

MIN_OTHERS = 3  # a figure aggregates at least this many people other than the viewer
OTHER_LABEL = "Other (small groups)"

# A view's key: (team id or None for the chapter, focus-group key or None).
ViewKey = tuple[int | None, str | None]


def focus_key(text: str) -> str:
    """How focus groups are matched: trimmed of spaces, ASCII letters case-folded — the
    same as SQL's ``trim(x) = ? COLLATE NOCASE`` the metrics use."""
    return "".join(c.lower() if c.isascii() else c for c in text.strip(" "))


@dataclass(frozen=True)
class Views:
    """The views one viewer may open in one chapter, with their members."""

    viewer_id: int
    chapter_id: int
    members: dict[int, int | None]  # active member id → team id
    team_names: dict[int, str]
    focus_names: dict[str, str]  # focus key → how it is written (first by name)
    kept: dict[ViewKey, frozenset[int]]
    candidates: dict[ViewKey, frozenset[int]] = field(repr=False)

    def allows(self, team_id: int | None, focus_group: str | None) -> bool:
        return self.key(team_id, focus_group) in self.kept

    @staticmethod
    def key(team_id: int | None, focus_group: str | None) -> ViewKey:
        return team_id, (None if focus_group is None else focus_key(focus_group))

    def others(self, ids: Iterable[int]) -> int:
        return len(set(ids) - {self.viewer_id})

    def refusal(self, team_id: int | None, focus_group: str | None) -> str | None:
        """Why a scope is refused, in words; ``None`` if it may be shown."""
        key = self.key(team_id, focus_group)
        if key in self.kept:
            return None
        what = ("this focus group" if focus_group is not None else
                "this team" if team_id is not None else "the chapter")
        ids = self.candidates.get(key)
        if ids is None or self.others(ids) < MIN_OTHERS:
            return (f"Figures for {what} would describe fewer than {MIN_OTHERS} people "
                    "besides you, so they are not shown — nobody should be singled out.")
        return (f"Figures for {what} are not shown: together with figures you can already "
                f"see, they would reveal what fewer than {MIN_OTHERS} people did.")

    def teams(self) -> list[int]:
        """Team views kept, by name."""
        out = [k[0] for k in self.kept if k[0] is not None and k[1] is None]
        return sorted(out, key=lambda t: (self.team_names.get(t, "").casefold(), t))

    def focus_groups(self, team_id: int | None) -> list[str]:
        """Focus groups offered as a filter in a scope, as written, by name."""
        keys = [k[1] for k in self.kept if k[0] == team_id and k[1] is not None]
        return sorted((self.focus_names[k] for k in keys), key=str.casefold)

    def chapter_rows(self, is_admin: bool) -> dict[int | None, str]:
        """team id → row label for the chapter view's by-team breakdown.

        Teams whose own view is kept get their own row (an admin every such team, a
        lead only their own); the rest of the chapter is one "Other" row when it holds
        at least :data:`MIN_OTHERS` others (an admin only: for a lead "the rest" is the
        chapter minus their team, which they can already work out). Nothing else.
        """
        if (None, None) not in self.kept:
            return {}
        viewer_team = self.members.get(self.viewer_id)
        named = [t for t in self.teams() if is_admin or t == viewer_team]
        rows: dict[int | None, str] = {t: self.team_names[t] for t in named}
        if is_admin:
            rest = {m for m, t in self.members.items() if t not in rows}
            if self.others(rest) >= MIN_OTHERS and rest != set(self.members):
                rows.update({t: OTHER_LABEL for t in {self.members[m] for m in rest}})
        if len(rows) == 1 and len(set(rows.values())) == 1 and \
                {m for m, t in self.members.items() if t in rows} == set(self.members):
            return {}  # one row that is the whole chapter again: no breakdown
        return rows


def _bad(views: Views, difference: set[int]) -> bool:
    n = views.others(difference)
    return 0 < n < MIN_OTHERS


def views_for(db: sqlite_utils.Database, viewer: Member) -> Views:
    """The views ``viewer`` may open in their chapter (two small queries, then sets)."""
    chapter_id = viewer.chapter_id
    members = {int(mid): (None if tid is None else int(tid)) for mid, tid in db.execute(
        "SELECT id, team_id FROM members WHERE chapter_id = ? AND active = 1", [chapter_id])}
    team_names = {int(tid): name for tid, name in db.execute(
        "SELECT id, name FROM teams WHERE chapter_id = ?", [chapter_id])}
    focus_of: dict[int, str] = {}
    focus_names: dict[str, str] = {}
    for mid, text in db.execute(
            "SELECT p.member_id, p.focus_group FROM plans p JOIN members m ON m.id = p.member_id"
            " WHERE m.chapter_id = ? AND m.active = 1 ORDER BY p.focus_group", [chapter_id]):
        key = focus_key(text or "")
        if key:
            focus_of[int(mid)] = key
            focus_names.setdefault(key, text.strip(" "))

    # 1. candidates by role
    if viewer.is_admin:
        team_ids: list[int | None] = [None, *sorted(team_names)]
    else:
        team_ids = [None] + ([viewer.team_id] if viewer.team_id in team_names else [])
    candidates: dict[ViewKey, frozenset[int]] = {}
    for tid in team_ids:
        in_scope = [m for m, t in members.items() if tid is None or t == tid]
        candidates[(tid, None)] = frozenset(in_scope)
        for key in {focus_of[m] for m in in_scope if m in focus_of}:
            candidates[(tid, key)] = frozenset(m for m in in_scope if focus_of.get(m) == key)

    views = Views(viewer.id, chapter_id, members, team_names, focus_names, {}, candidates)
    # 2. enough people
    kept = {k: ids for k, ids in candidates.items() if views.others(ids) >= MIN_OTHERS}
    # 3. no differencing, until stable
    changed = True
    while changed:
        changed = False
        for a_key, a in sorted(kept.items(), key=lambda kv: -len(kv[1])):
            inner = [(k, b) for k, b in kept.items() if k != a_key and b < a]
            for b_key, b in inner:
                if _bad(views, set(a - b)):
                    del kept[b_key]
                    changed = True
                    break
            if changed:
                break
            for family in _families(a_key, inner):
                union: set[int] = set().union(*(b for _, b in family)) if family else set()
                if family and _bad(views, set(a) - union):
                    smallest = min(family, key=lambda kv: (len(kv[1]), repr(kv[0])))
                    del kept[smallest[0]]
                    changed = True
                    break
            if changed:
                break
    return Views(viewer.id, chapter_id, members, team_names, focus_names, kept, candidates)


def _families(a_key: ViewKey, inner: list[tuple[ViewKey, frozenset[int]]]
              ) -> list[list[tuple[ViewKey, frozenset[int]]]]:
    """Families of disjoint views inside view ``a``: its teams, its focus groups, its
    team × group cells (each family's views cannot overlap: one team and one plan each)."""
    teams = [(k, b) for k, b in inner if k[0] is not None and k[1] is None and a_key[0] is None]
    groups = [(k, b) for k, b in inner if k[1] is not None and k[0] == a_key[0]]
    cells = [(k, b) for k, b in inner if k[0] is not None and k[1] is not None]
    # Within a focus-group view the cells of that group across teams are disjoint too;
    # within a team view its cells are the groups family above.
    if a_key[1] is not None:
        cells = [(k, b) for k, b in cells if k[1] == a_key[1]]
    return [f for f in (teams, groups, cells) if len(f) > 1]
