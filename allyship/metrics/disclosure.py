"""Disclosure control: which group figures a viewer may see, decided in one place.

The rule: every figure a viewer can see aggregates at least :data:`MIN_OTHERS` people
other than the viewer, and no sum or difference of figures they can see describes one or
two people. :func:`views_for` applies it to a chapter's views (the chapter, its teams,
their focus groups) for one viewer; :func:`kept_views` applies the same check to any
views, which the organisation's figures use for chapters, regions and totals. The check
is exact linear algebra over the views' member sets (:func:`_leak`); while a leak
exists, a view is withdrawn in the caller's order. It covers member *sets*, not values.

Who is in a view is the dated membership of the weeks shown: a view is kept only if it
is kept under each membership those weeks had. Who *counts* is people, not roster
entries: only members who take part (:func:`allyship.db.memberships.takes_part`, by the
last week shown) are counted and told apart, so placeholder members added to a team or
a focus group cannot make it look big enough, nor be subtracted to single someone out.
A member who has never taken part carries no activity to reveal.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from functools import lru_cache

import sqlite_utils

from allyship.core.models import Member
from allyship.db.memberships import THIS_MONDAY, covers, takes_part

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
    members: dict[int, int | None]  # member id → team id (in the week asked about)
    team_names: dict[int, str]
    focus_names: dict[str, str]  # focus key → how it is written (first by name)
    kept: dict[ViewKey, frozenset[int]]  # view → the people who take part in it
    candidates: dict[ViewKey, frozenset[int]] = field(repr=False)
    taking_part: frozenset[int] = field(default=frozenset(), repr=False)

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
            if self.others(rest & self.taking_part) >= MIN_OTHERS and \
                    rest != set(self.members):
                rows.update({t: OTHER_LABEL for t in {self.members[m] for m in rest}})
        if len(rows) == 1 and len(set(rows.values())) == 1 and \
                {m for m, t in self.members.items() if t in rows} == set(self.members):
            return {}  # one row that is the whole chapter again: no breakdown
        return rows


def views_for(db: sqlite_utils.Database, viewer: Member,
              weeks: Sequence[date] | None = None) -> Views:
    """The views ``viewer`` may open in their chapter for ``weeks`` (their Mondays;
    ``None``: this week): kept only if kept under the membership of each of them.

    Remembered on the connection while the database is unchanged (see :func:`_stamp`):
    a page, a report or a view asks several times, and a large chapter's answer is not
    free.
    """
    key = (viewer.id, viewer.chapter_id, viewer.team_id, viewer.is_admin,
           None if not weeks else (min(weeks), max(weeks)))
    stamp = _stamp(db)
    memo = db.__dict__.get("_disclosure_views")
    if memo is None or memo[0] != stamp:
        memo = (stamp, {})
        db.__dict__["_disclosure_views"] = memo
    views = memo[1].get(key)
    if views is None:
        views = memo[1][key] = _views_over(db, viewer, weeks)
    return views


def _views_over(db: sqlite_utils.Database, viewer: Member,
                weeks: Sequence[date] | None) -> Views:
    """The views kept under the membership of the last of ``weeks`` (``None``: this
    week, by SQLite's clock), keeping only the views also kept at the first week and at
    every week where the chapter's membership changed. Who takes part is counted by the
    last week in each of them."""
    if not weeks:
        (this_week,) = db.execute(f"SELECT {THIS_MONDAY}").fetchone()
        first = last = this_week
    else:
        first, last = min(weeks).isoformat(), max(weeks).isoformat()
    changes = [w for (w,) in db.execute(
        "SELECT DISTINCT w FROM (SELECT from_week AS w FROM memberships WHERE chapter_id = ?"
        " UNION SELECT to_week FROM memberships WHERE chapter_id = ?)"
        " WHERE w > ? AND w <= ? ORDER BY w", [viewer.chapter_id, viewer.chapter_id,
                                               first, last])]
    # Every week's members read in one pass: a large chapter's membership is the costly
    # part to read.
    asked = {first, *changes, last}
    rows = _membership_rows(db, viewer.chapter_id, sorted(asked), last)
    team_names = _team_names(db, viewer.chapter_id)
    covering = _covering(rows, last)
    views = _views_from(viewer, team_names, covering)
    checked = [covering]
    for week in sorted(asked - {last}):
        covering = _covering(rows, week)
        if covering in checked:
            continue  # the same people in the same groups keep the same views
        checked.append(covering)
        other = _views_from(viewer, team_names, covering).kept
        views = replace(views, kept={k: v for k, v in views.kept.items() if k in other})
    return views


# A membership row as read: member, team, focus group, taking part, from, to.
MembershipRow = tuple[int, "int | None", "str | None", int, "str | None", "str | None"]


def _membership_rows(db: sqlite_utils.Database, chapter_id: int, weeks: list[str],
                     by: str) -> list[MembershipRow]:
    """The chapter's membership rows covering any of ``weeks`` (Mondays), each with
    whether its member takes part by the week ``by``, in the chapter's row order."""
    any_week = " OR ".join(f"({covers('ms', '?')})" for _ in weeks)
    return db.execute(
        "SELECT ms.member_id, ms.team_id, ms.focus_group,"
        f" {takes_part('ms.member_id', '?')}, ms.from_week, ms.to_week FROM memberships ms"
        f" WHERE ms.chapter_id = ? AND ({any_week})",
        [by, by, chapter_id, *[w for week in weeks for w in (week, week)]]).fetchall()


def _covering(rows: list[MembershipRow], week: str
              ) -> list[tuple[int, int | None, str | None, int]]:
    """The rows covering ``week``, as :func:`_views_from` reads them (the SQL of
    :func:`allyship.db.memberships.covers`, on ISO dates)."""
    return [(mid, team, text, active) for mid, team, text, active, start, end in rows
            if (start is None or start <= week) and (end is None or week < end)]


def _team_names(db: sqlite_utils.Database, chapter_id: int) -> dict[int, str]:
    return dict(db.execute("SELECT id, name FROM teams WHERE chapter_id = ?", [chapter_id]))


def _stamp(db: sqlite_utils.Database) -> tuple[int, int]:
    """Changes on this connection, and commits by any other since it opened: while both
    stand still, every table reads the same (so a remembered answer is still right)."""
    return db.conn.total_changes, db.execute("PRAGMA data_version").fetchone()[0]


def _views_from(viewer: Member, team_names: dict[int, str],
                rows: Iterable[tuple[int, int | None, str | None, int]]) -> Views:
    """The views kept for ``viewer`` given one week's membership ``rows`` (member, team,
    focus group, whether they take part)."""
    chapter_id = viewer.chapter_id
    members: dict[int, int | None] = {}
    focus_of: dict[int, str] = {}
    spelled: dict[str, str] = {}  # focus key → its first spelling in text order
    # The week's members, with their team and focus group, in one pass.
    taking_part: set[int] = set()
    for mid, team, text, active in rows:
        members[mid] = team
        if active or mid == viewer.id:
            taking_part.add(mid)
        text = text or ""
        key = text.strip(" ").lower() if text.isascii() else focus_key(text)
        if key:
            focus_of[mid] = key
            if key not in spelled or text < spelled[key]:
                spelled[key] = text
    # Each group shown as its first spelling in text order (as sorting the plans did).
    focus_names = {key: spelled[key].strip(" ") for key in sorted(spelled, key=spelled.get)}

    # 1. candidates by role
    if viewer.is_admin:
        team_ids: list[int | None] = [None, *sorted(team_names)]
    else:
        team_ids = [None] + ([viewer.team_id] if viewer.team_id in team_names else [])
    # Each view's people: its members who take part (the viewer always, who is never
    # counted): placeholders can neither make a view big enough nor be told apart.
    by_team: dict[int | None, list[int]] = {}
    for m, t in members.items():
        if m in taking_part:
            by_team.setdefault(t, []).append(m)
    candidates: dict[ViewKey, frozenset[int]] = {}
    for tid in team_ids:
        in_scope = list(taking_part) if tid is None else by_team.get(tid, [])
        candidates[(tid, None)] = frozenset(in_scope)
        by_focus: dict[str, list[int]] = {}
        for m in in_scope:
            if m in focus_of:
                by_focus.setdefault(focus_of[m], []).append(m)
        for fkey, ids in by_focus.items():
            candidates[(tid, fkey)] = frozenset(ids)

    frozen = tuple(sorted(candidates.items(), key=lambda kv: repr(kv[0])))
    kept = {k: candidates[k] for k in _prune(viewer.id, frozen)}
    return Views(viewer.id, chapter_id, members, team_names, focus_names, kept, candidates,
                 frozenset(taking_part))


def enough(ids: frozenset[int], viewer_id: int) -> bool:
    """Step 2: a view holds at least :data:`MIN_OTHERS` people besides the viewer."""
    return len(ids - {viewer_id}) >= MIN_OTHERS


def _chapter_order(key: ViewKey, ids: frozenset[int]) -> tuple | None:
    """Which chapter views go first when one must: focus-group views before teams (a
    team matters more to a lead than a filter does), smaller before larger; never the
    chapter itself."""
    if key == (None, None):
        return None
    return key[1] is None, len(ids), repr(key)


WithdrawOrder = Callable[[Hashable, frozenset[int]], "tuple | None"]


def kept_views(viewer_id: int, candidates: tuple[tuple[Hashable, frozenset[int]], ...],
               withdraw: WithdrawOrder) -> tuple[Hashable, ...]:
    """Steps 2 and 3 over any candidate views (key → member ids, in a fixed order): the
    keys kept. ``withdraw`` orders the views that may be withdrawn to stop a leak
    (``None``: never withdrawn); the organisation's figures use it with their own views."""
    return _prune(viewer_id, candidates, withdraw)


@lru_cache(maxsize=256)
def _prune(viewer_id: int, candidates: tuple[tuple[Hashable, frozenset[int]], ...],
           withdraw: WithdrawOrder = _chapter_order) -> tuple[Hashable, ...]:
    """Steps 2 and 3 for one viewer over the candidate views: the keys kept. Pure, so
    cached on its inputs (the same chapter asked again costs no linear algebra)."""
    # 2. enough people
    kept = {k: ids for k, ids in candidates if enough(ids, viewer_id)}
    # 3. no differencing: withdraw views until no sum or difference of them describes
    #    one or two people besides the viewer.
    people_ = _People(viewer_id, candidates)
    while True:
        leak = _leak(kept, people_)
        if leak is None:
            break
        # Withdraw views in ``withdraw``'s order until this leak is gone; then put back
        # any withdrawn view the fix does not need.
        ranked = [(withdraw(k, ids), k) for k, ids in kept.items()]
        order = [k for rank, k in sorted((r for r in ranked if r[0] is not None),
                                         key=lambda r: r[0])]
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


# --- the linear algebra, on classes of people ------------------------------------------
#
# The views are the rows of a 0/1 matrix over the people besides the viewer; a sum or
# difference of figures describes exactly the people where a vector in the matrix's row
# space is non-zero. People who belong to exactly the same views ("a class": same team,
# same focus group) have equal columns, so every row-space vector is constant on a
# class: it describes the whole class or none of it. The question is therefore asked of
# the much smaller matrix with one column per class (a few hundred in a chapter of
# 16,000 members, instead of 16,000 columns and a 16,000 × 16,000 null space): one or
# two people are revealed only by a class of one or two people that the views isolate,
# or by two classes of one person each that the views tell apart from everyone else
# but not from each other.
#
# The row space is worked out exactly (fractions, no rounding) as the reduced row
# echelon form: every row-space vector is a combination of the echelon rows, one per
# pivot class, each 1 in its pivot and 0 in every other pivot. So a vector describes
# only class ``c`` iff ``c``'s row has nothing besides its pivot; only ``c`` and ``d``
# iff ``c``'s row has just ``d`` besides its pivot, or ``c``'s and ``d``'s rows are
# parallel outside their pivots. The answers — including *which* leak is found first
# (the smallest member ids) — are those of a computation over single people.

@dataclass(frozen=True)
class _Class:
    """People besides the viewer who belong to the same views."""

    rows: tuple[int, ...]  # positions of the views holding them
    size: int
    head: tuple[int, ...]  # their two smallest member ids, ascending


class _People:
    """The people besides the viewer, grouped into classes over the candidate views."""

    def __init__(self, viewer_id: int,
                 candidates: tuple[tuple[ViewKey, frozenset[int]], ...]) -> None:
        self.position = {key: i for i, (key, _) in enumerate(candidates)}
        views_of: dict[int, list[int]] = {}
        for row, (_, ids) in enumerate(candidates):
            for m in ids:
                if m != viewer_id:
                    views_of.setdefault(m, []).append(row)
        groups: dict[tuple[int, ...], list[int]] = {}
        for m, rows in views_of.items():
            groups.setdefault(tuple(rows), []).append(m)
        self.classes = [_Class(rows, len(ids), tuple(sorted(ids)[:2]))
                        for rows, ids in groups.items()]

    def __bool__(self) -> bool:
        return bool(self.classes)

    def reduce(self, kept: dict[ViewKey, frozenset[int]]) -> _Echelon:
        """The kept views over classes of people (classes that the kept views no longer
        tell apart merged), in reduced row echelon form."""
        rows = {self.position[k]: i for i, k in enumerate(kept)}
        merged: dict[tuple[int, ...], list[_Class]] = {}
        for c in self.classes:
            merged.setdefault(tuple(rows[r] for r in c.rows if r in rows), []).append(c)
        classes = [_Class(pattern, sum(c.size for c in parts),
                          tuple(sorted(m for c in parts for m in c.head)[:2]))
                   for pattern, parts in merged.items()]
        matrix: list[dict[int, Fraction]] = [{} for _ in kept]
        for col, c in enumerate(classes):
            for r in c.rows:
                matrix[r][col] = Fraction(1)
        return _Echelon(classes, matrix)


class _Echelon:
    """The reduced row echelon form of a matrix over classes, exactly."""

    def __init__(self, classes: list[_Class], matrix: list[dict[int, Fraction]]) -> None:
        self.classes = classes
        self.pivots: dict[int, dict[int, Fraction]] = {}  # pivot column → its row
        for row in sorted(matrix, key=len):  # sparse rows first: little fill-in
            row = dict(row)
            for col in [c for c in row if c in self.pivots]:
                factor = row.pop(col)  # other pivot rows are 0 here: one pass suffices
                for c, v in self.pivots[col].items():
                    if c != col:
                        new = row.get(c, 0) - factor * v
                        if new:
                            row[c] = new
                        else:
                            row.pop(c, None)
            if not row:
                continue  # a combination of the rows before it
            pivot = min(row)
            scale = row[pivot]
            row = {c: v / scale for c, v in row.items()}
            for other in self.pivots.values():  # keep every row 0 in the new pivot
                factor = other.pop(pivot, None)
                if factor:
                    for c, v in row.items():
                        if c != pivot:
                            new = other.get(c, 0) - factor * v
                            if new:
                                other[c] = new
                            else:
                                other.pop(c, None)
            self.pivots[pivot] = row

    def rest(self, col: int) -> dict[int, Fraction]:
        """A pivot's row without the pivot (empty: the class alone is in the row space)."""
        return {c: v for c, v in self.pivots[col].items() if c != col}

    def alone(self, col: int) -> bool:
        """Some sum or difference of the views describes exactly this class."""
        return col in self.pivots and not self.rest(col)

    def pairs(self, cols: Iterable[int]) -> list[tuple[int, int]]:
        """Pairs of ``cols`` (neither alone) that some sum or difference of the views
        describes exactly."""
        cols = set(cols)
        out = []
        by_direction: dict[frozenset[tuple[int, Fraction]], list[int]] = {}
        for col in sorted(cols & set(self.pivots)):
            rest = self.rest(col)
            if not rest:
                continue
            if len(rest) == 1 and next(iter(rest)) in cols:
                out.append((col, next(iter(rest))))  # row: the pivot and one more class
            first = rest[min(rest)]
            by_direction.setdefault(frozenset((c, v / first) for c, v in rest.items()),
                                    []).append(col)
        for same in by_direction.values():  # parallel rows: their difference
            out += [(a, b) for i, a in enumerate(same) for b in same[i + 1:]]
        return out


def _reveals(kept: dict[ViewKey, frozenset[int]], people_: _People,
             who: frozenset[int]) -> bool:
    """Does some sum or difference of the views describe exactly (some of) ``who``
    (one or two people)?"""
    if not kept:
        return False
    echelon = people_.reduce(kept)
    # Only classes wholly inside ``who`` can be described without anyone else.
    inside = [i for i, c in enumerate(echelon.classes)
              if c.size <= len(who) and set(c.head) <= who]
    return any(echelon.alone(i) for i in inside) or bool(echelon.pairs(inside))


def _leak(kept: dict[ViewKey, frozenset[int]], people_: _People) -> frozenset[int] | None:
    """One or two people (besides the viewer) whose figures some sum or difference of the
    kept views gives away, or ``None``: the person with the smallest id, else the pair
    with the smallest ids."""
    if not kept or not people_:
        return None
    echelon = people_.reduce(kept)
    classes = echelon.classes
    isolated = [i for i in range(len(classes)) if echelon.alone(i)]
    alone = [classes[i].head[0] for i in isolated if classes[i].size == 1]
    if alone:
        return frozenset({min(alone)})
    pairs = [classes[i].head for i in isolated if classes[i].size == 2]
    singles = [i for i, c in enumerate(classes) if c.size == 1]
    pairs += [tuple(sorted((classes[a].head[0], classes[b].head[0])))
              for a, b in echelon.pairs(singles)]
    return frozenset(min(pairs)) if pairs else None
