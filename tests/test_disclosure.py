"""No one's figures can be recovered (issue 12 item 2), as a property over random chapters.

For a viewer (an admin, or a team's lead) we open every view the metrics offer them for
one period — the whole chapter, each team offered, each focus group offered in each —
and every breakdown row inside those views. The member set behind each figure is worked
out here from the database, independently of :mod:`allyship.metrics.disclosure`. Then:

* every figure aggregates at least 3 people other than the viewer (view-minus-self);
* for every pair of figures where one's people contain the other's, the difference is
  nobody but the viewer, or at least 3 others (no subtracting one view from another);
* a view minus all its breakdown rows is nobody but the viewer, or at least 3 others;
* a scope not offered is refused in words by the metrics.
"""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allyship.core.access import PermissionDenied
from allyship.db import store
from allyship.metrics import chapter_figures, disclosure, overview
from allyship.metrics.periods import Period
from allyship.metrics.scopes import (
    Scope,
    breakdown_groups,
    focus_group_choices,
    scope_label,
    team_choices,
)
from allyship.people import roster
from tests.membership_helpers import belonged_all_along, took_part

TODAY = date(2026, 3, 4)
PERIOD = Period(date(2026, 2, 2), date(2026, 3, 1))
GROUPS = ["Black birders", "black birders ", "Disabled nature lovers", "Young families", ""]

chapters = st.fixed_dictionaries({
    # members per team (0 = an empty team), then members without a team
    "teams": st.lists(st.integers(0, 7), min_size=1, max_size=4),
    "unassigned": st.integers(0, 3),
    "focus": st.lists(st.sampled_from(range(len(GROUPS) + 1)), min_size=40, max_size=40),
    "viewer": st.sampled_from(["admin", "admin_in_team", "lead"]),
    # members (by the order they are added) who never take part: roster entries only
    "silent": st.sets(st.integers(0, 30), max_size=5),
})


def build(path, spec):
    """A chapter from ``spec`` with plain inserts (fast: many examples)."""
    db = store.connect(path)
    now = "2026-01-01T00:00:00"
    conn = db.conn
    chapter_id = conn.execute("INSERT INTO chapters (name, goal_label, started_on, created_at)"
                              " VALUES ('C', 'goal', '2026-01-05', ?)", [now]).lastrowid
    seq = iter(range(1, 10_000))
    members: list[tuple[int, int | None]] = []

    def add(team_id, role="member"):
        n = next(seq)
        mid = conn.execute("INSERT INTO members (chapter_id, team_id, name, email, role,"
                           " created_at) VALUES (?,?,?,?,?,?)",
                           [chapter_id, team_id, f"M{n}", f"m{n}@example.org", role, now]
                           ).lastrowid
        members.append((mid, team_id))
        pick = spec["focus"][n % len(spec["focus"])]
        if pick < len(GROUPS) and GROUPS[pick]:
            conn.execute("INSERT INTO plans (member_id, focus_group, created_at, updated_at)"
                         " VALUES (?,?,?,?)", [mid, GROUPS[pick], now, now])
        return mid

    teams = []
    for t, size in enumerate(spec["teams"]):
        tid = conn.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (?,?,?)",
                           [chapter_id, f"Team {t}", now]).lastrowid
        teams.append(tid)
        for i in range(size):
            add(tid, "lead" if (i == 0 and spec["viewer"] == "lead" and t == 0) else "member")
    for _ in range(spec["unassigned"]):
        add(None)
    if spec["viewer"] == "lead" and spec["teams"][0] > 0:
        viewer_id = next(m for m, t in members if t == teams[0])
    else:
        viewer_id = add(teams[0] if spec["viewer"] == "admin_in_team" else None, "admin")
    conn.commit()
    taking_part = [m for i, (m, _) in enumerate(members) if i not in spec["silent"]]
    if taking_part:
        took_part(db, *taking_part)
    return db, chapter_id, roster.get_member(db, viewer_id)


def members_of(db, chapter_id, team_id, focus):
    """The people a scope's figures describe: its active members who have ever logged an
    action (roster entries who never took part describe nobody) — worked out here, not by
    the code under test."""
    ids = set()
    for mid, tid, fg in db.execute(
            "SELECT m.id, m.team_id, p.focus_group FROM members m"
            " LEFT JOIN plans p ON p.member_id = m.id WHERE m.chapter_id = ? AND m.active = 1"
            " AND EXISTS (SELECT 1 FROM actions a WHERE a.member_id = m.id)", [chapter_id]):
        if team_id is not None and tid != team_id:
            continue
        if focus is not None and (fg is None or fg.strip().lower() != focus.strip().lower()):
            continue
        ids.add(mid)
    return frozenset(ids)


def visible_figures(db, chapter_id, viewer):
    """Every figure the viewer can open: (what, member set), plus each view's rows."""
    figures, views = [], []
    teams = [None, *[t.id for t in team_choices(db, viewer, chapter_id)]]
    for team_id in teams:
        try:
            scopes = [None, *focus_group_choices(db, viewer, chapter_id, team_id)]
        except PermissionDenied:
            continue
        for focus in scopes:
            scope = Scope(chapter_id, team_id, focus)
            try:
                part = chapter_figures.weekly_participation(db, viewer, scope, PERIOD, today=TODAY)
            except PermissionDenied:
                continue
            whole = members_of(db, chapter_id, team_id, focus)
            figures.append((f"view {team_id}/{focus}", whole))
            rows = breakdown_groups(db, viewer, scope)
            shown = set(part["group"]) - {scope_label(db, scope)}
            assert set(rows.values()) == shown  # the rows shown are the rows decided
            row_sets = []
            for label in set(rows.values()):
                ids = frozenset(m for m, t in db.execute(
                    "SELECT id, team_id FROM members WHERE chapter_id = ? AND active = 1",
                    [chapter_id]) if m in whole and rows.get(t) == label)
                figures.append((f"row {label} in {team_id}/{focus}", ids))
                row_sets.append(ids)
            views.append((whole, row_sets))
    return figures, views


def others(ids, viewer):
    return len(set(ids) - {viewer.id})


@pytest.mark.slow
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=chapters)
def test_no_figure_can_be_subtracted_to_single_anyone_out(tmp_path_factory, spec):
    path = tmp_path_factory.mktemp("disclosure") / "c.db"
    db, chapter_id, viewer = build(path, spec)
    try:
        figures, views = visible_figures(db, chapter_id, viewer)
        for what, ids in figures:  # every figure, and view-minus-self
            assert others(ids, viewer) >= 3, (what, sorted(ids))
        for (wa, a), (wb, b) in combinations(figures, 2):  # every pair, nested
            for big, small, names in ((a, b, (wa, wb)), (b, a, (wb, wa))):
                if small <= big:
                    n = others(big - small, viewer)
                    assert n == 0 or n >= 3, (names, n)
        for whole, rows in views:  # a view minus all its rows
            if rows:
                n = others(whole - frozenset().union(*rows), viewer)
                assert n == 0 or n >= 3, n
        # What is not offered is refused in words.
        for tid, in db.execute("SELECT id FROM teams WHERE chapter_id = ?", [chapter_id]):
            offered = tid in {t.id for t in team_choices(db, viewer, chapter_id)}
            if not offered and (viewer.is_admin or tid == viewer.team_id):
                with pytest.raises(PermissionDenied, match="not shown"):
                    overview.team_progress(db, viewer, Scope(chapter_id, tid), PERIOD,
                                          today=TODAY)
    finally:
        db.conn.close()


# --- the three cases, by hand -------------------------------------------------------

def test_an_admin_cannot_pick_a_one_member_team(chapter):
    db, ch = chapter.db, chapter  # Team B is Oz alone
    assert ch.team_b not in {t.id for t in team_choices(db, ch.admin, ch.chapter.id)}
    with pytest.raises(PermissionDenied, match="fewer than 3 people besides you"):
        overview.team_progress(db, ch.admin, Scope(ch.chapter.id, ch.team_b), PERIOD,
                              today=TODAY)


def test_the_lead_of_a_small_team_cannot_subtract_themselves(chapter):
    db, ch = chapter.db, chapter  # Team A: the lead and two others
    with pytest.raises(PermissionDenied, match="fewer than 3 people besides you"):
        overview.team_progress(db, ch.lead, Scope(ch.chapter.id, ch.team_a), PERIOD,
                              today=TODAY)


def test_a_focus_group_is_not_offered_when_the_rest_of_the_team_is_one_person(chapter):
    """Team of 5 (lead + 4); 4 of them in one focus group: team minus group = 1 person."""
    db, ch = chapter.db, chapter
    from allyship.core.models import MemberDraft, PlanDraft
    from allyship.practice import plans

    extra = [roster.add_member(db, ch.admin, MemberDraft(f"X {n}", f"x{n}@example.org",
                                                         "member", ch.team_a))
             for n in range(2)]
    for n in range(2):  # and Team B grows, so the chapter minus Team A is not small
        roster.add_member(db, ch.admin, MemberDraft(f"B {n}", f"b{n}@example.org", "member",
                                                    ch.team_b))
    belonged_all_along(db)
    took_part(db)  # people, not roster entries
    for who in (ch.lead, ch.member, ch.teammate, extra[0]):
        plans.save_plan(db, who, PlanDraft("Black birders"), today=TODAY)
    views = disclosure.views_for(db, ch.lead)
    assert views.allows(ch.team_a, None)  # four besides the lead
    assert views.focus_groups(ch.team_a) == []  # the rest would be one person
    with pytest.raises(PermissionDenied, match="would reveal"):
        overview.team_progress(db, ch.lead, Scope(ch.chapter.id, ch.team_a, "Black birders"),
                              PERIOD, today=TODAY)
    # One more in the rest of the team, and the group may be offered.
    roster.add_member(db, ch.admin, MemberDraft("X 9", "x9@example.org", "member", ch.team_a))
    roster.add_member(db, ch.admin, MemberDraft("X 8", "x8@example.org", "member", ch.team_a))
    belonged_all_along(db)
    took_part(db)
    assert disclosure.views_for(db, ch.lead).focus_groups(ch.team_a) == ["Black birders"]
