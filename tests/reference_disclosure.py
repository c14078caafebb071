"""REFERENCE COPY, for tests only: allyship/metrics/disclosure.py as it was before issue 13's
rewrite (commit 0272ccf), kept verbatim so the tests can prove the faster module keeps
exactly the same views. Not used by the app; do not edit.

Disclosure control: which group figures a viewer may see, decided in one place.

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
3. **No differencing** (complementary suppression): no sum or difference of the kept
   views may describe one or two people besides the viewer (what the viewer logged
   themselves they know, so they are left out of the count). This is decided exactly,
   with linear algebra over the views' member sets (:func:`_leak`): "team minus
   focus group", "chapter minus every team", "chapter·group minus team·group" and any
   longer combination are all caught. While a leak exists, the smallest view (never
   the chapter) holding one of the people it would reveal is withdrawn.

The chapter view's by-team breakdown rows (:meth:`Views.chapter_rows`) are kept
views themselves plus one "Other (small groups)" row that is the chapter minus them,
so they obey the same rule. Focus-group views have no breakdown. A scope that is not
kept is neither offered by the pages nor accepted by :mod:`allyship.metrics.chapter_figures` (it is
refused in words, see :meth:`Views.refusal`).

The check covers the member *sets* behind the figures. It does not reason about
the values (e.g. that a share of 0% means nobody logged); every figure it allows
still aggregates at least three people besides the viewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlite_utils

from allyship.core.models import Member

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

    frozen = tuple(sorted(candidates.items(), key=lambda kv: repr(kv[0])))
    kept = {k: candidates[k] for k in _prune(viewer.id, frozen)}
    return Views(viewer.id, chapter_id, members, team_names, focus_names, kept, candidates)


@lru_cache(maxsize=256)
def _prune(viewer_id: int, candidates: tuple[tuple[ViewKey, frozenset[int]], ...]
           ) -> tuple[ViewKey, ...]:
    """Steps 2 and 3 for one viewer over the candidate views: the keys kept. Pure, so
    cached on its inputs (the same chapter asked again costs no linear algebra)."""
    everyone = frozenset().union(*(ids for _, ids in candidates)) if candidates else frozenset()
    # 2. enough people
    kept = {k: ids for k, ids in candidates if len(ids - {viewer_id}) >= MIN_OTHERS}
    # 3. no differencing: withdraw views until no sum or difference of them describes
    #    one or two people besides the viewer.
    people_ = sorted(m for m in everyone if m != viewer_id)
    while True:
        leak = _leak(kept, people_)
        if leak is None:
            break
        # Withdraw views (never the chapter) until this leak is gone: focus-group views
        # before teams (a team matters more to a lead than a filter does), smaller
        # before larger; then put back any withdrawn view the fix does not need.
        order = sorted((k for k in kept if k != (None, None)),
                       key=lambda k: (k[1] is None, len(kept[k]), repr(k)))
        if not order:
            kept.clear()  # the chapter alone, and still revealing: show nothing
            break

        def without(gone: list[ViewKey]) -> dict[ViewKey, frozenset[int]]:
            return {j: v for j, v in kept.items() if j not in gone}

        removed: list[ViewKey] = []
        for k in order:
            removed.append(k)
            if not _reveals(without(removed), people_, leak):
                break
        for k in removed[:-1]:
            trial = [j for j in removed if j != k]
            if not _reveals(without(trial), people_, leak):
                removed = trial
        for k in removed:
            del kept[k]
    return tuple(kept)


def _null_columns(kept: dict[ViewKey, frozenset[int]], people_: list[int]) -> Any:
    """The null space of the views' 0/1 matrix, one column vector per person."""
    import numpy as np

    index = {m: i for i, m in enumerate(people_)}
    matrix = np.zeros((max(len(kept), 1), len(people_)))
    for row, ids in enumerate(kept.values()):
        for m in ids:
            if m in index:
                matrix[row, index[m]] = 1.0
    _, sing, vt = np.linalg.svd(matrix)
    rank = int((sing > 1e-9).sum())
    return vt[rank:].T


def _reveals(kept: dict[ViewKey, frozenset[int]], people_: list[int],
             who: frozenset[int]) -> bool:
    """Does some sum or difference of the views describe exactly (some of) ``who``?"""
    import numpy as np

    if not kept:
        return False
    cols = _null_columns(kept, people_)
    picked = cols[[people_.index(m) for m in who]]
    return int(np.linalg.matrix_rank(picked, tol=1e-9)) < len(who)


def _leak(kept: dict[ViewKey, frozenset[int]], people_: list[int]) -> frozenset[int] | None:
    """One or two people (besides the viewer) whose figures some sum or difference of the
    kept views gives away, or ``None``.

    The views are the rows of a 0/1 matrix over the people; a combination of figures
    describes exactly the people where a vector in the matrix's row space is non-zero.
    A vector on the support ``S`` is in the row space iff it is orthogonal to the null
    space, i.e. iff the null-space basis restricted to the columns ``S`` has rank below
    ``|S|``. So: a zero column reveals one person; two parallel columns reveal two.
    """
    if not kept or not people_:
        return None
    import numpy as np

    cols = _null_columns(kept, people_)  # one vector per person
    if cols.shape[1] == 0:  # the views pin down every single person
        return frozenset(people_[:1])
    norms = np.linalg.norm(cols, axis=1)
    for i in np.flatnonzero(norms < 1e-9):
        return frozenset({people_[i]})
    unit = cols / norms[:, None]
    gram = np.abs(unit @ unit.T)
    np.fill_diagonal(gram, 0.0)
    pairs = np.argwhere(gram > 1 - 1e-9)
    if len(pairs):
        i, j = pairs[0]
        return frozenset({people_[i], people_[j]})
    return None
