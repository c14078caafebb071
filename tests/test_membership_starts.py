"""When a member's membership starts: a new member from the next Monday (in a programme's
first week, from that week), so no week already shown changes; activity dated earlier (an import of history) reaches their first
row back to its week, with the roll-ups kept exact; a restore keeps the dates."""

from __future__ import annotations

from datetime import date, timedelta

from allyship.core.models import ActionDraft, MemberDraft, week_start
from allyship.db import rollup, store
from allyship.db.memberships import NEXT_MONDAY, THIS_MONDAY
from allyship.people import roster
from allyship.practice import journal

TODAY = date(2026, 3, 27)


def rows(db, member) -> list[tuple]:
    return db.execute("SELECT chapter_id, team_id, from_week, to_week FROM memberships"
                      " WHERE member_id = ? ORDER BY coalesce(from_week, '')",
                      [member.id]).fetchall()


def next_monday(db) -> str:
    return db.execute(f"SELECT {NEXT_MONDAY}").fetchone()[0]


def this_monday(db) -> str:
    return db.execute(f"SELECT {THIS_MONDAY}").fetchone()[0]


def exact(db) -> bool:
    """The roll-ups are what the base tables say (computed again in a throwaway savepoint)."""
    now = rollup.snapshot(db)
    db.execute("SAVEPOINT check_rollup")
    try:
        rollup.recompute(db)
        return rollup.snapshot(db) == now
    finally:
        db.execute("ROLLBACK TO check_rollup")
        db.execute("RELEASE check_rollup")


def newcomer(chapter, name: str = "Nel New"):
    return roster.add_member(chapter.db, chapter.admin, MemberDraft(
        name, f"{name.split()[0].lower()}@example.org", "member", chapter.team_b))


def test_a_new_member_belongs_from_the_next_monday(chapter):
    db = chapter.db
    before = db.execute("SELECT * FROM memberships ORDER BY member_id").fetchall()
    nel = newcomer(chapter)
    assert rows(db, nel) == [(chapter.chapter.id, chapter.team_b, next_monday(db), None)]
    after = db.execute("SELECT * FROM memberships WHERE member_id != ? ORDER BY member_id",
                       [nel.id]).fetchall()
    assert after == before  # nobody else's membership moved


def test_in_a_programmes_first_week_a_new_member_belongs_from_that_week(db):
    ch = roster.create_chapter(db, "Brand new", started_on=date.today())
    ada = roster.bootstrap_admin(db, ch, MemberDraft("Ada Admin", "ada@example.org"))
    nel = roster.add_member(db, ada, MemberDraft("Nel New", "nel@example.org"))
    assert rows(db, ada)[0][2] == rows(db, nel)[0][2] == this_monday(db)


def test_an_earlier_action_reaches_the_first_row_back_to_its_week(chapter):
    db = chapter.db
    nel = newcomer(chapter)
    journal.set_away(db, nel, TODAY - timedelta(weeks=1))
    journal.log_action(db, nel, ActionDraft(TODAY - timedelta(weeks=3), "Listened", (1, 2),
                                            minutes=20), today=TODAY)
    journal.log_action(db, nel, ActionDraft(TODAY, "Listened again", (3,)), today=TODAY)
    first = week_start(TODAY - timedelta(weeks=3)).isoformat()
    assert rows(db, nel) == [(chapter.chapter.id, chapter.team_b, first, None)]
    assert exact(db)
    # The weeks before the first activity still do not count the newcomer.
    earlier = week_start(TODAY - timedelta(weeks=4)).isoformat()
    assert not db.execute("SELECT count(*) FROM memberships WHERE member_id = ?"
                          " AND from_week <= ?", [nel.id, earlier]).fetchone()[0]


def test_an_action_moved_earlier_and_an_earlier_away_week_reach_back_too(chapter):
    db = chapter.db
    nel, ned = newcomer(chapter), newcomer(chapter, "Ned Other")
    action = journal.log_action(db, nel, ActionDraft(TODAY, "Listened", (1,)), today=TODAY)
    journal.update_action(db, nel, action.id, ActionDraft(
        TODAY - timedelta(weeks=5), "Listened", (1, 4), minutes=30), today=TODAY)
    assert rows(db, nel)[0][2] == week_start(TODAY - timedelta(weeks=5)).isoformat()
    journal.set_away(db, ned, TODAY - timedelta(weeks=2))
    assert rows(db, ned)[0][2] == week_start(TODAY - timedelta(weeks=2)).isoformat()
    assert exact(db)


def test_a_move_after_joining_keeps_the_first_rows_start(chapter):
    db = chapter.db
    nel = newcomer(chapter)
    journal.log_action(db, nel, ActionDraft(TODAY, "Listened", (1,)), today=TODAY)
    roster.move_member(db, chapter.admin, nel.id, chapter.team_a)
    journal.log_action(db, nel, ActionDraft(TODAY - timedelta(weeks=2), "Earlier", (2,)),
                       today=TODAY)
    got = rows(db, nel)
    assert got[0][1:3] == (chapter.team_b, week_start(TODAY - timedelta(weeks=2)).isoformat())
    assert got[-1][1:] == (chapter.team_a, next_monday(db), None)
    assert exact(db)


def test_members_from_before_dated_membership_are_not_moved_by_old_actions(chapter):
    db = chapter.db  # (the fixture's members belong from the beginning)
    before = rows(db, chapter.member)
    journal.log_action(db, chapter.member, ActionDraft(date(2026, 1, 6), "Long ago", (1,)),
                       today=TODAY)
    assert rows(db, chapter.member) == before
    assert exact(db)


def test_a_restore_keeps_each_members_dated_rows(chapter, tmp_path):
    from allyship.transfer import export, restore

    db = chapter.db
    nel, ned = newcomer(chapter), newcomer(chapter, "Ned Other")
    journal.log_action(db, nel, ActionDraft(TODAY - timedelta(weeks=2), "Listened", (1,)),
                       today=TODAY)
    roster.move_member(db, chapter.admin, chapter.teammate.id, chapter.team_b)
    export.export_dir(db, tmp_path / "out")
    fresh = store.connect(tmp_path / "restored.db")
    assert restore.restore(fresh, restore.read_export(tmp_path / "out")).ok
    for who in (nel, ned, chapter.teammate, chapter.member):
        assert rows(fresh, who) == rows(db, who), who.name
    assert rollup.snapshot(fresh) == rollup.snapshot(db)
    assert exact(fresh)
