"""Per-chapter data versions (issue 13): a write in one chapter keeps every other
chapter's cached views, and no cached view is ever stale."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import pytest
from apptest_helpers import goto, open_app, persona
from at_once import at_once, failures

from allyship.core.models import ActionDraft, MemberDraft, PlanDraft
from allyship.db import store
from allyship.metrics import overview
from allyship.people import roster
from allyship.practice import journal, plans


def second_chapter(db):
    ch = roster.create_chapter(db, "Second Chapter", started_on=date(2026, 1, 5))
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Bea Admin", "bea@example.org"))
    return ch, admin


def test_a_write_in_one_chapter_changes_only_that_chapters_version(chapter):
    db = chapter.db
    other_ch, other_admin = second_chapter(db)
    mine, theirs = (store.chapter_data_version(db, chapter.chapter.id),
                    store.chapter_data_version(db, other_ch.id))
    total = store.data_version(db)
    journal.log_action(db, chapter.member, ActionDraft(done_on=date.today(),
                                                      description="Read", responsibilities=(1,)))
    assert store.chapter_data_version(db, chapter.chapter.id) != mine
    assert store.chapter_data_version(db, other_ch.id) == theirs
    assert store.data_version(db) == total + 1  # the total still counts every write


def test_a_write_that_names_no_chapter_changes_every_chapters_version(chapter):
    db = chapter.db
    other_ch, _ = second_chapter(db)
    before = [store.chapter_data_version(db, c) for c in (chapter.chapter.id, other_ch.id)]
    with store.transaction(db):
        store.bump_data_version(db)
    after = [store.chapter_data_version(db, c) for c in (chapter.chapter.id, other_ch.id)]
    assert all(a != b for a, b in zip(after, before))


def test_a_version_bumped_in_a_rolled_back_transaction_is_not_kept(chapter):
    db = chapter.db
    before = store.chapter_data_version(db, chapter.chapter.id)
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            store.bump_data_version(db, chapter.chapter.id)
            raise RuntimeError("disk full")
    assert store.chapter_data_version(db, chapter.chapter.id) == before


# Every write a member or admin makes day to day changes their chapter's version.
WRITES = {
    "log an action": lambda c: journal.log_action(
        c.db, c.member, ActionDraft(done_on=date.today(), description="Asked",
                                    responsibilities=(2,))),
    "mark a week away": lambda c: journal.set_away(c.db, c.member, date.today()),
    "save a plan": lambda c: plans.save_plan(c.db, c.member, PlanDraft(focus_group="Neighbours")),
    "add a member": lambda c: roster.add_member(
        c.db, c.admin, MemberDraft("New Person", "new@example.org")),
    "create a team": lambda c: roster.create_team(c.db, c.admin, "Team C"),
    "move a member": lambda c: roster.move_member(c.db, c.admin, c.member.id, c.team_b),
    "change a role": lambda c: roster.change_role(c.db, c.admin, c.member.id, "lead"),
    "deactivate a member": lambda c: roster.set_member_active(c.db, c.admin, c.member.id, False),
}


@pytest.mark.parametrize("what", WRITES)
def test_each_everyday_write_changes_its_own_chapters_version_only(chapter, what):
    db = chapter.db
    other_ch, _ = second_chapter(db)
    mine, theirs = (store.chapter_data_version(db, chapter.chapter.id),
                    store.chapter_data_version(db, other_ch.id))
    WRITES[what](chapter)
    assert store.chapter_data_version(db, chapter.chapter.id) != mine, what
    assert store.chapter_data_version(db, other_ch.id) == theirs, what


def test_migrating_an_older_database_keeps_keys_distinct(db_path):
    db = store.connect(db_path)
    for _ in range(3):
        with store.transaction(db):
            store.bump_data_version(db)
    key = store.chapter_data_version(db, 1)
    # The organisation-wide version starts from the old total, never below it.
    assert key[0] >= 3


def test_team_progress_stays_cached_across_another_chapters_writes_and_never_goes_stale(
        demo_db, monkeypatch):
    """The page computes once; an action logged in another chapter is served from the
    cache; an action logged in this chapter shows at once."""
    computed = []
    real = overview.team_progress

    @functools.wraps(real)
    def counting(*args, **kwargs):
        computed.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(overview, "team_progress", counting)
    db, lead = persona(demo_db, "lead")
    # Creating a chapter is organisation-wide (it invalidates everything): done first.
    _, stranger_admin = second_chapter(db)
    at = goto(open_app("lead"), "team_progress")

    def actions_logged() -> int:
        return int(next(m for m in at.metric if m.label == "Actions logged")
                   .value.replace(",", ""))

    shown, runs = actions_logged(), len(computed)
    assert runs >= 1

    stranger = roster.add_member(db, stranger_admin, MemberDraft("Sam Else", "sam@example.org"))
    for _ in range(3):
        journal.log_action(db, stranger, ActionDraft(done_on=date.today(), description="Elsewhere",
                                                     responsibilities=(1,)))
    at.run()
    assert not at.exception
    assert len(computed) == runs, "another chapter's writes recomputed this chapter's view"
    assert actions_logged() == shown

    # Dated last week: the headline counts complete weeks only (issue 11).
    journal.log_action(db, lead, ActionDraft(done_on=date.today() - timedelta(days=7),
                                             description="Listened", responsibilities=(2,)))
    at.run()
    assert len(computed) > runs
    assert actions_logged() == shown + 1


def test_sixteen_writes_at_once_each_bump_the_chapter_version_exactly_once(chapter, db_path):
    before = store.chapter_data_version(chapter.db, chapter.chapter.id)[1]

    def log(own, i: int) -> None:
        journal.log_action(own, chapter.member, ActionDraft(
            done_on=date.today(), description=f"At once {i}", responsibilities=(3,)))

    assert failures(at_once(16, db_path, log)) == []
    assert store.chapter_data_version(chapter.db, chapter.chapter.id)[1] == before + 16


def test_a_database_without_the_chapter_versions_table_falls_back_to_global_keys(db_path):
    """A database created while migration slot 7 was reserved but empty counts the slot
    as applied; writes there must still work, and invalidate every chapter."""
    db = store.connect(db_path)
    ch = roster.create_chapter(db, "Old", started_on=date(2026, 1, 5))
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Al Admin", "al@example.org"))
    db.conn.close()
    raw = store.connect(db_path, migrate=False)
    raw.execute("DROP TABLE chapter_versions")
    raw.conn.close()
    db = store.connect(db_path)
    before = store.chapter_data_version(db, ch.id)
    journal.log_action(db, admin, ActionDraft(done_on=date.today(), description="Still works",
                                              responsibilities=(1,)))
    assert store.chapter_data_version(db, ch.id) != before
