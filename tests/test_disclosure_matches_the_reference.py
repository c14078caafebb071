"""The disclosure check over classes of people keeps exactly the views the check over
single people kept (issue 13: the per-person matrix of a 16,000-member chapter needed a
16,000 × 16,000 null space).

``reference_disclosure`` is the module as it was before (kept verbatim in tests/). For
random chapters — teams, focus groups, an admin or a lead viewing — and for arbitrary
member sets, both must keep the same views in the same order, and find the same leaks.
"""

from __future__ import annotations

import pytest
import reference_disclosure as old
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allyship.metrics import disclosure
from tests.membership_helpers import belonged_all_along, took_part

MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

chapters = st.fixed_dictionaries({
    # per member: team (None = no team) and focus group (None = no plan)
    "members": st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 4)),
                                  st.one_of(st.none(), st.integers(0, 3))),
                        min_size=0, max_size=30),
    "admin": st.booleans(),
    "viewer": st.integers(0, 40),  # an index into the members; beyond them: not a member
})


def candidates(spec) -> tuple[int, tuple]:
    """The candidate views :func:`disclosure.views_for` builds, for a spec."""
    members = {i + 1: team for i, (team, _) in enumerate(spec["members"])}
    focus = {i + 1: f for i, (_, f) in enumerate(spec["members"]) if f is not None}
    viewer = spec["viewer"] + 1
    teams = sorted({t for t in members.values() if t is not None})
    if spec["admin"]:
        team_ids = [None, *teams]
    else:
        team_ids = [None] + ([members[viewer]] if members.get(viewer) is not None else [])
    out = {}
    for tid in team_ids:
        in_scope = [m for m, t in members.items() if tid is None or t == tid]
        out[(tid, None)] = frozenset(in_scope)
        for key in {focus[m] for m in in_scope if m in focus}:
            out[(tid, str(key))] = frozenset(m for m in in_scope if focus.get(m) == key)
    return viewer, tuple(sorted(out.items(), key=lambda kv: repr(kv[0])))


@pytest.mark.slow
@MANY
@given(chapters)
def test_the_same_views_are_kept_in_random_chapters(spec):
    viewer, cands = candidates(spec)
    assert disclosure._prune.__wrapped__(viewer, cands) == old._prune.__wrapped__(viewer, cands)


arbitrary = st.lists(st.frozensets(st.integers(1, 12), max_size=12), min_size=1, max_size=9)


@pytest.mark.slow
@MANY
@given(arbitrary, st.integers(0, 13))
def test_the_same_views_are_kept_for_arbitrary_member_sets(sets, viewer):
    # The first set plays the chapter (never withdrawn); the others any views at all.
    cands = tuple(((None if i == 0 else i, None), ids) for i, ids in enumerate(sets))
    assert disclosure._prune.__wrapped__(viewer, cands) == old._prune.__wrapped__(viewer, cands)


@pytest.mark.slow
@MANY
@given(arbitrary, st.integers(0, 13))
def test_the_same_leak_is_found_first(sets, viewer):
    cands = tuple(((None if i == 0 else i, None), ids) for i, ids in enumerate(sets))
    kept = dict(cands)
    everyone = sorted(frozenset().union(*sets) - {viewer})
    assert disclosure._leak(kept, disclosure._People(viewer, cands)) == \
        old._leak(kept, everyone)


def test_a_class_of_two_that_the_views_isolate_is_a_leak():
    # Team 1 = {1, 2, 3, 4, 5}; team 2 = {1, 2, 3}: the difference describes 4 and 5.
    cands = (((None, None), frozenset({1, 2, 3, 4, 5})), ((1, None), frozenset({1, 2, 3})))
    roster = disclosure._People(99, cands)
    assert disclosure._leak(dict(cands), roster) == frozenset({4, 5})
    assert disclosure._reveals(dict(cands), roster, frozenset({4, 5}))
    assert not disclosure._reveals(dict(cands[:1]), roster, frozenset({4, 5}))
    assert disclosure._prune.__wrapped__(99, cands) == ((None, None),)


def test_a_large_chapter_is_checked_without_a_per_person_matrix():
    # 16,000 members in 40 teams of 400, 8 focus groups: a few hundred classes. (The
    # per-person computation needed a 16,000 × 16,000 null space and crashed.)
    members = {m: m % 40 for m in range(1, 16_001)}
    focus = {m: (m // 40) % 8 for m in members}
    spec_views = {(None, None): frozenset(members)}
    for t in range(40):
        in_team = [m for m, tt in members.items() if tt == t]
        spec_views[(t, None)] = frozenset(in_team)
        for f in range(8):
            spec_views[(t, str(f))] = frozenset(m for m in in_team if focus[m] == f)
    for f in range(8):
        spec_views[(None, str(f))] = frozenset(m for m in members if focus[m] == f)
    cands = tuple(sorted(spec_views.items(), key=lambda kv: repr(kv[0])))
    roster = disclosure._People(1, cands)
    assert len(roster.classes) == 40 * 8
    kept = disclosure._prune.__wrapped__(1, cands)
    # Every view holds dozens of people; but "chapter minus every team" and the like
    # reveal nobody, so only what sums and differences would give away is withdrawn.
    assert (None, None) in kept and all((t, None) in kept for t in range(40))


def test_remembered_views_follow_every_change(chapter, db_path):
    """views_for remembers its answer on the connection only while the database is
    unchanged: a write on the same connection, or a commit on another, is seen at once."""
    from allyship.core.models import MemberDraft
    from allyship.db import store
    from allyship.people import roster

    db, admin = chapter.db, chapter.admin
    first = disclosure.views_for(db, admin)
    assert disclosure.views_for(db, admin) is first  # nothing changed: remembered
    assert not first.allows(chapter.team_b, None)  # Team B has one member
    for n in range(3):  # on this connection
        roster.add_member(db, admin, MemberDraft(f"B{n}", f"b{n}@example.org", "member",
                                                 chapter.team_b))
    belonged_all_along(db)  # (a new member belongs from the next Monday: date them back)
    took_part(db)  # (and people count, not roster entries)
    assert disclosure.views_for(db, admin).allows(chapter.team_b, None)
    other = store.connect(db_path)  # another connection (another process, say)
    try:
        # (Changes take effect from the next Monday: dated back, this week's views see it.)
        new = roster.add_member(other, admin, MemberDraft("B9", "b9@example.org", "member",
                                                          chapter.team_b))
        belonged_all_along(other, new)
        took_part(other, new)
    finally:
        other.conn.close()
    assert new.id in disclosure.views_for(db, admin).members
