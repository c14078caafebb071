"""People, not roster entries: inside a chapter, a team or focus group is big enough only
when at least 3 people besides the viewer take part (have logged an action or marked a
week away), so an admin cannot unlock a group's figures by adding placeholder members.

The padding attack: a group too small to show (one or two people besides the viewer) is
padded with members who never take part; without the rule its figures — one or two
people's record — would be shown.
"""

from __future__ import annotations

from datetime import date

import pytest

from allyship.core.access import PermissionDenied
from allyship.core.models import MemberDraft, PlanDraft
from allyship.metrics import disclosure, overview, scopes
from allyship.metrics.periods import Period
from allyship.metrics.scopes import Scope
from allyship.people import roster
from allyship.practice import plans
from tests.membership_helpers import belonged_all_along, took_part

TODAY = date(2026, 3, 4)
PERIOD = Period(date(2026, 2, 2), date(2026, 3, 1))


def pad(chapter, team_id: int | None, n: int = 2, group: str | None = None) -> list:
    """``n`` placeholder members added to a team by the admin (long enough ago to belong
    to the weeks read), who never sign in nor log anything."""
    db = chapter.db
    pads = [roster.add_member(db, chapter.admin, MemberDraft(
        f"Placeholder {team_id} {n}", f"pad{team_id}.{n}@example.org", "member", team_id))
        for n in range(n)]
    if group is not None:
        for p in pads:
            plans.save_plan(db, p, PlanDraft(group), today=TODAY)
    belonged_all_along(db, *pads)
    return pads


def refused(db, viewer, scope: Scope) -> bool:
    try:
        overview.team_progress(db, viewer, scope, PERIOD, today=TODAY)
    except PermissionDenied:
        return True
    return False


@pytest.fixture
def taking_part(chapter):
    """The fixture's chapter with every member taking part."""
    took_part(chapter.db)
    return chapter


def test_an_admin_cannot_unlock_a_one_person_team_with_placeholders(taking_part):
    ch, db = taking_part, taking_part.db
    scope = Scope(ch.chapter.id, ch.team_b)  # Team B: Oz alone
    assert refused(db, ch.admin, scope)
    pads = pad(ch, ch.team_b)
    assert len(roster.list_members(db, ch.chapter.id, team_id=ch.team_b)) == 3  # on the roster
    assert refused(db, ch.admin, scope)  # but one person takes part: still Oz's record
    assert ch.team_b not in [t.id for t in scopes.team_choices(db, ch.admin, ch.chapter.id)]
    # People who do take part count: the rule is about people, not about new members.
    took_part(db, *pads)
    assert not refused(db, ch.admin, scope)


def test_a_lead_cannot_have_their_team_unlocked_with_placeholders(taking_part):
    ch, db = taking_part, taking_part.db
    scope = Scope(ch.chapter.id, ch.team_a)  # the lead and two others
    assert refused(db, ch.lead, scope)
    pad(ch, ch.team_a)
    assert refused(db, ch.lead, scope)
    assert ch.team_a not in [t.id for t in scopes.team_choices(db, ch.lead, ch.chapter.id)]
    with pytest.raises(PermissionDenied, match="fewer than 3 people besides you"):
        scopes.check(db, ch.lead, scope, PERIOD, TODAY)


def test_an_admin_cannot_unlock_a_focus_group_with_placeholders(taking_part):
    ch, db = taking_part, taking_part.db
    for team, names in ((ch.team_a, ("A 0", "A 1")), (ch.team_b, ("B 0", "B 1"))):
        took_part(db, *[roster.add_member(db, ch.admin, MemberDraft(
            name, f"{name.replace(' ', '')}@example.org", "member", team)) for name in names])
    belonged_all_along(db)
    for who in (ch.member, ch.teammate):  # two people name the group
        plans.save_plan(db, who, PlanDraft("Young families"), today=TODAY)
    group = Scope(ch.chapter.id, focus_group="Young families")
    assert refused(db, ch.admin, group)
    pad(ch, ch.team_a, n=3, group="Young families")
    assert "Young families" not in scopes.focus_group_choices(db, ch.admin, ch.chapter.id)
    assert refused(db, ch.admin, group)


def test_placeholders_cannot_make_the_rest_of_the_chapter_an_other_row(taking_part):
    """An admin's chapter breakdown shows teams too small on their own as one "Other"
    row only when that row holds 3 people besides the admin: Team B (Oz) padded with
    placeholders without a team must not become Oz's record under another name."""
    ch, db = taking_part, taking_part.db
    for n in range(2):  # Team A big enough for the admin on its own
        took_part(db, roster.add_member(db, ch.admin, MemberDraft(
            f"A {n}", f"a{n}@example.org", "member", ch.team_a)))
    belonged_all_along(db)
    pad(ch, None)
    rows = scopes.breakdown_groups(db, ch.admin, Scope(ch.chapter.id))
    assert disclosure.OTHER_LABEL not in rows.values(), rows
