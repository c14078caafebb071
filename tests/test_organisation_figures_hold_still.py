"""The organisation's figures for a completed period hold still: no roster change, no
chapter moved between regions, no chapter archived or brought back moves them — so no
organisation admin or region lead can read anyone by comparing a view with itself.

The chapter-to-region history is dated like membership (a change takes effect from the
next Monday), and each chapter counts its members as they stood each week.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from allyship.core.models import ActionDraft, MemberDraft, week_start
from allyship.db import store
from allyship.metrics import org_figures
from allyship.metrics.periods import Period
from allyship.people import organisation, roster
from allyship.practice import journal
from allyship.rights import erasure
from tests.membership_helpers import belonged_all_along

pytestmark = pytest.mark.slow  # a random organisation per example: seconds, not milliseconds

TODAY = date.today()
THIS_MONDAY = week_start(TODAY)
# Completed periods: the 2, 4 and 8 weeks before this one.
PERIODS = [Period(THIS_MONDAY - timedelta(weeks=n), THIS_MONDAY - timedelta(days=1))
           for n in (2, 4, 8)]
CHANGES = ["chapter region", "archive", "move", "deactivate", "forget", "new member"]


def org_view(db, viewer, period: Period, region_id: int | None) -> str:
    """Everything the organisation page and report show for one scope and period."""
    p = org_figures.org_progress(db, viewer, period, region_id=region_id, today=TODAY)
    return "\n".join([repr(p.lines), p.weekly.to_csv(), repr(p.comparison),
                      repr(p.archived), repr(org_figures.headlines(p))])


def every_view(db, viewers) -> dict:
    """(viewer, region or None, period) → the view, for every scope each viewer may open."""
    out = {}
    for viewer_id in viewers:
        viewer = roster.get_member(db, viewer_id)
        if not viewer.active or viewer.org_role is None:
            continue  # (a deactivated member's role ends with their membership)
        for region in organisation.region_choices(db, viewer):
            region_id = None if region is None else region.id
            for i, period in enumerate(PERIODS):
                out[(viewer_id, region_id, i)] = org_view(db, viewer, period, region_id)
    return out


def build(path, rng: random.Random) -> tuple:
    """A random organisation: 3 regions, 3–5 chapters of 1–6 members (some of whom never
    take part), a team each, eight weeks of random actions."""
    db = store.connect(path)
    regions = [organisation.create_region(db, None, name, operator=True).id
               for name in ("North", "South", "West")]
    chapters = []  # (chapter id, its admin, team id)
    people: dict[int, list[int]] = {}  # chapter id → its members besides the admin
    for c in range(rng.randint(3, 5)):
        new = organisation.create_chapter_with_admin(
            db, None, name=f"Chapter {c}", admin_name=f"Admin {c}",
            admin_email=f"admin{c}@example.org", region_id=rng.choice([*regions, None]),
            started_on=THIS_MONDAY - timedelta(weeks=12), operator=True)
        team = roster.create_team(db, new.admin, f"Team {c}").id
        chapters.append((new.chapter.id, new.admin, team))
        people[new.chapter.id] = [roster.add_member(db, new.admin, MemberDraft(
            f"P{c}.{n}", f"p{c}.{n}@example.org", "member", rng.choice([team, None]))).id
            for n in range(rng.randint(0, 5))]
    belonged_all_along(db)  # an organisation that was there before these weeks
    for _, admin, _ in chapters:
        for mid in [admin.id, *people[admin.chapter_id]]:
            if rng.random() < 0.2:
                continue  # a roster entry who never takes part
            member = roster.get_member(db, mid)
            for w in range(1, 9):
                if rng.random() < 0.6:
                    journal.log_action(db, member, ActionDraft(
                        THIS_MONDAY - timedelta(weeks=w, days=-rng.randint(0, 6)), "did",
                        (rng.randint(1, 8),), minutes=rng.choice([None, 15, 60])), today=TODAY)
    viewers = [organisation.grant_org_role(db, None, chapters[0][1].email, "org_admin",
                                           operator=True).id]
    for region, (_, admin, _) in zip(regions, chapters[1:]):  # a lead for each region
        viewers.append(organisation.grant_org_role(db, None, admin.email, "region_lead",
                                                   region_id=region, operator=True).id)
    return db, regions, chapters, people, viewers


@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000),
       changes=st.lists(st.tuples(st.sampled_from(CHANGES), st.integers(0, 999)),
                        min_size=1, max_size=5))
def test_no_change_moves_any_organisation_view_of_a_completed_period(
        migrated_template, tmp_path_factory, seed, changes):
    """After each change, every view the organisation admin (every region and each one)
    and each region lead can open, for every completed period, is unchanged."""
    path = tmp_path_factory.mktemp("org") / "o.db"
    shutil.copy(migrated_template, path)
    rng = random.Random(seed)
    db, regions, chapters, people, viewers = build(path, rng)
    try:
        before = every_view(db, viewers)
        assert before
        for kind, pick in changes:
            chapter_id, admin, team = chapters[pick % len(chapters)]
            others = [m for m in people[chapter_id] if roster.get_member(db, m).active
                      and m not in viewers]
            who = others[pick % len(others)] if others else None
            if kind == "chapter region":
                organisation.move_chapter(db, None, chapter_id,
                                          rng.choice([*regions, None]), operator=True)
            elif kind == "archive":
                standing = next(c for c in organisation.list_chapters(
                    db, roster.get_member(db, viewers[0]), include_archived=True)
                    if c.id == chapter_id).archived
                organisation.archive_chapter(db, None, chapter_id, archived=not standing,
                                             operator=True)
            elif kind == "move" and who is not None:
                current = roster.get_member(db, who).team_id
                roster.move_member(db, admin, who, None if current == team else team)
            elif kind == "deactivate" and who is not None:
                roster.set_member_active(db, admin, who, False)
            elif kind == "forget" and who is not None:
                roster.set_member_active(db, admin, who, False)
                erasure.forget(db, admin, who, confirm_email=roster.get_member(db, who).email,
                               scrub=False)
            elif kind == "new member":
                people[chapter_id].append(roster.add_member(db, admin, MemberDraft(
                    "Newcomer", f"new{pick}.{rng.random()}@example.org", "member", team)).id)
            after = every_view(db, viewers)
            for key, view in after.items():
                assert view == before[key], (kind, key)
    finally:
        db.conn.close()


def test_a_chapter_moved_to_another_region_stays_in_its_old_region_for_past_weeks(org_db):
    db, dana, chapter, home, elsewhere = org_db
    period = PERIODS[1]
    home_before = org_view(db, dana, period, home)
    organisation.move_chapter(db, dana, chapter, elsewhere)
    assert org_view(db, dana, period, home) == home_before
    moved = org_figures.org_progress(db, dana, period, region_id=elsewhere, today=TODAY)
    assert not moved.lines or all(line.chapter_id != chapter for line in moved.lines)
    # This week's view still has it where it was: the move takes effect next Monday.
    assert chapter in [c.id for c in organisation.list_chapters(
        db, dana, region_id=home, as_of=THIS_MONDAY)]
    assert chapter in [c.id for c in organisation.list_chapters(
        db, dana, region_id=elsewhere, as_of=THIS_MONDAY + timedelta(weeks=1))]


def test_an_archived_chapter_is_still_counted_in_the_weeks_before_it_was_archived(org_db):
    db, dana, chapter, home, _ = org_db
    period = PERIODS[1]
    before = org_view(db, dana, period, None)
    organisation.archive_chapter(db, dana, chapter)
    assert org_view(db, dana, period, None) == before
    assert chapter not in [c.id for c in organisation.list_chapters(db, dana)]  # today's
    organisation.archive_chapter(db, dana, chapter, archived=False)
    assert org_view(db, dana, period, None) == before


@pytest.fixture
def org_db(demo_db):
    """The demo organisation: its organisation admin, the demo chapter, its region and a
    new empty region."""
    from allyship import demo as demo_data

    db = store.connect(demo_db)
    dana = roster.find_member_by_email(db, demo_data.ORG_PERSONAS["organisation"][0])
    admin = roster.find_member_by_email(db, demo_data.PERSONAS["admin"])
    home = next(c.region_id for c in organisation.list_chapters(db, dana)
                if c.id == admin.chapter_id)
    elsewhere = organisation.create_region(db, dana, "Elsewhere").id
    yield db, dana, admin.chapter_id, home, elsewhere
    db.conn.close()
