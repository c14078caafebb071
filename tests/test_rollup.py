"""The weekly roll-ups (``chapter_weeks``, ``member_weeks``) stay exactly what the base
tables say, whatever sequence of writes the app makes."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from at_once import at_once, failures

from allyship.core.models import ActionDraft
from allyship.db import rollup, store
from allyship.people import roster
from allyship.practice import journal

TODAY = date(2026, 3, 27)


def recomputed(db) -> dict:
    """What the roll-ups should hold, computed from scratch in a throwaway savepoint."""
    db.execute("SAVEPOINT check_rollup")
    try:
        rollup.recompute(db)
        return rollup.snapshot(db)
    finally:
        db.execute("ROLLBACK TO check_rollup")
        db.execute("RELEASE check_rollup")


def member_write(db, who, op: str, rng: random.Random, weeks: list[date],
                 mine: dict[int, list[int]]) -> None:
    """One of a member's own writes, chosen by ``op``: log, edit or delete one of their
    actions (``mine`` keeps their ids), or mark a week away or back."""
    if op == "log":
        action = journal.log_action(db, who, ActionDraft(
            rng.choice(weeks), "Listened", tuple(rng.sample(range(1, 9), rng.randint(1, 3))),
            minutes=rng.choice([None, 15, 60])), today=TODAY)
        mine[who.id].append(action.id)
    elif op == "edit" and mine[who.id]:
        journal.update_action(db, who, rng.choice(mine[who.id]), ActionDraft(
            rng.choice(weeks), "Changed", tuple(rng.sample(range(1, 9), rng.randint(1, 2))),
            minutes=rng.choice([None, 30])), today=TODAY)
    elif op == "delete" and mine[who.id]:
        journal.delete_action(db, who, mine[who.id].pop(rng.randrange(len(mine[who.id]))))
    elif op in ("away", "back"):
        journal.set_away(db, who, rng.choice(weeks), op == "away")


@pytest.mark.parametrize("seed", range(6))
def test_the_roll_ups_match_the_base_tables_after_random_writes(chapter, seed):
    rng = random.Random(seed)
    db = chapter.db
    members = [chapter.member, chapter.teammate, chapter.other, chapter.lead]
    weeks = [TODAY - timedelta(weeks=w) for w in range(4)]
    mine: dict[int, list[int]] = {m.id: [] for m in members}
    for _ in range(60):
        who = rng.choice(members)
        who = roster.get_member(db, who.id)
        op = rng.choice(["log", "log", "log", "edit", "delete", "away", "back", "active"])
        if op == "active":
            roster.set_member_active(db, chapter.admin, who.id, not who.active)
            continue
        if not who.active:
            continue
        member_write(db, who, op, rng, weeks, mine)
        assert rollup.snapshot(db) == recomputed(db), op
    assert rollup.snapshot(db)["member_weeks"]  # something was logged


def test_a_failed_write_leaves_the_roll_ups_untouched(chapter):
    db = chapter.db
    before = rollup.snapshot(db)
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            journal.log_action(db, chapter.member, ActionDraft(TODAY, "Listened", (2,)),
                               today=TODAY)
            raise RuntimeError("the disk is full")
    assert rollup.snapshot(db) == before


# --- team_weeks: the per-team sums follow members between teams ---------------------------

def team_weeks_now(db) -> list[tuple]:
    return rollup.snapshot(db)["team_weeks"]


def team_weeks_fresh(db) -> list[tuple]:
    """``team_weeks`` as a fresh GROUP BY over ``member_weeks`` would make it (rolled back)."""
    db.execute("SAVEPOINT check_team_weeks")
    try:
        rollup.recompute_team_weeks(db)
        return team_weeks_now(db)
    finally:
        db.execute("ROLLBACK TO check_team_weeks")
        db.execute("RELEASE check_team_weeks")


@pytest.mark.parametrize("seed", range(6))
def test_team_weeks_match_the_base_tables_after_writes_moves_and_deactivation(chapter, seed):
    """Every kind of write — logging, editing, deleting, away weeks, members moving
    between teams (and out of any team), deactivated and back — checked after each."""
    rng = random.Random(100 + seed)
    db = chapter.db
    members = [chapter.member, chapter.teammate, chapter.other, chapter.lead]
    weeks = [TODAY - timedelta(weeks=w) for w in range(4)]
    mine: dict[int, list[int]] = {m.id: [] for m in members}
    moved = 0
    for _ in range(80):
        who = roster.get_member(db, rng.choice(members).id)
        op = rng.choice(["log", "log", "log", "edit", "delete", "away", "back", "active",
                         "move", "move"])
        if op == "active":
            roster.set_member_active(db, chapter.admin, who.id, not who.active)
        elif op == "move":
            target = rng.choice([chapter.team_a, chapter.team_b, None])
            moved += target != who.team_id
            roster.move_member(db, chapter.admin, who.id, target)
        elif not who.active:
            continue
        else:
            member_write(db, who, op, rng, weeks, mine)
        assert team_weeks_now(db) == team_weeks_fresh(db), op
    assert moved and team_weeks_now(db)  # the test did move people, and something counts


def test_a_member_moved_leaves_their_weeks_with_the_team_they_were_in(chapter):
    """Moves and deactivation take effect from the next Monday: weeks already begun stay
    under the team the member was in, so past figures never move."""
    db = chapter.db
    journal.log_action(db, chapter.member, ActionDraft(TODAY, "Listened", (1, 2), minutes=20),
                       today=TODAY)
    journal.log_action(db, chapter.member, ActionDraft(TODAY - timedelta(weeks=1), "Read",
                                                       (3,)), today=TODAY)
    journal.set_away(db, chapter.member, TODAY - timedelta(weeks=2))

    def rows(team: int) -> dict[str, tuple]:
        return {w: (n, a, m, away) for w, n, a, m, away in db.execute(
            "SELECT week_start, members, actions, minutes, away_silent FROM team_weeks"
            " WHERE team_id = ? AND (members OR away_silent)", [team])}

    before = rows(chapter.team_a)
    assert len(before) == 3 and rows(chapter.team_b) == {}
    roster.move_member(db, chapter.admin, chapter.member.id, chapter.team_b)
    roster.move_member(db, chapter.admin, chapter.member.id, None)
    roster.set_member_active(db, chapter.admin, chapter.member.id, False)
    assert rows(chapter.team_a) == before
    assert rows(chapter.team_b) == {} and rows(0) == {}
    assert team_weeks_now(db) == team_weeks_fresh(db)
    assert rollup.snapshot(db) == recomputed(db)
    # A week logged late is counted under the membership of that week, too.
    journal.log_action(db, chapter.member, ActionDraft(TODAY - timedelta(weeks=3), "Late",
                                                       (4,)), today=TODAY)
    assert len(rows(chapter.team_a)) == 4 and rows(0) == {}
    assert rollup.snapshot(db) == recomputed(db)


def test_sixteen_writers_at_once_leave_team_weeks_exact(chapter, db_path):
    """Logging, away weeks and moves between teams from 16 connections at once: the
    triggers run inside each writer's transaction, so the sums stay exact."""
    members = [chapter.member, chapter.teammate, chapter.other, chapter.lead]

    def write(own, i: int) -> None:
        rng = random.Random(i)
        for n in range(6):
            who = roster.get_member(own, members[(i + n) % len(members)].id)
            if i % 4 == 0:
                roster.move_member(own, chapter.admin, who.id,
                                   rng.choice([chapter.team_a, chapter.team_b, None]))
            elif i % 4 == 1:
                journal.set_away(own, who, TODAY - timedelta(weeks=rng.randrange(4)),
                                 rng.random() < 0.7)
            else:
                journal.log_action(own, who, ActionDraft(
                    TODAY - timedelta(weeks=rng.randrange(4)), f"At once {i}.{n}",
                    (rng.randint(1, 8),), minutes=rng.choice([None, 10])), today=TODAY)

    assert failures(at_once(16, db_path, write)) == []
    db = chapter.db
    assert db.execute("SELECT count(*) FROM actions").fetchone()[0] == 8 * 6
    assert sum(r[4] for r in team_weeks_now(db)) == 8 * 6  # every action, counted once
    assert rollup.snapshot(db) == recomputed(db)


def test_a_restore_and_an_import_leave_team_weeks_exact(chapter, tmp_path):
    from allyship.transfer import csv_import, export, restore

    db = chapter.db
    journal.log_action(db, chapter.member, ActionDraft(TODAY, "Listened", (1, 2), minutes=20),
                       today=TODAY)
    journal.set_away(db, chapter.other, TODAY - timedelta(weeks=1))
    roster.move_member(db, chapter.admin, chapter.teammate.id, None)
    report = csv_import.import_csv(
        db, chapter.admin,
        f"email,date,what,responsibilities\n{chapter.teammate.email},{TODAY},Imported,3;4\n"
        f"{chapter.other.email},{TODAY - timedelta(weeks=1)},Imported,5\n".encode(), today=TODAY)
    assert report.written, report.errors
    roster.set_member_active(db, chapter.admin, chapter.lead.id, False)
    assert team_weeks_now(db) == team_weeks_fresh(db)
    export.export_dir(db, tmp_path / "out")
    fresh = store.connect(tmp_path / "restored.db")
    assert restore.restore(fresh, restore.read_export(tmp_path / "out")).ok
    assert team_weeks_now(fresh) == team_weeks_now(db) == team_weeks_fresh(fresh)
    # Two teams' weeks: the move to no team and the deactivation take effect next Monday.
    assert len(team_weeks_now(fresh)) == 2
    assert rollup.snapshot(fresh) == rollup.snapshot(db)


def test_an_erased_member_is_anonymised_but_their_weeks_still_count(chapter):
    from allyship.rights import erasure

    db = chapter.db
    journal.log_action(db, chapter.other, ActionDraft(TODAY, "Listened", (1,)), today=TODAY)
    journal.set_away(db, chapter.other, TODAY - timedelta(weeks=1))
    team_b = "SELECT coalesce(sum(members), 0), coalesce(sum(away_silent), 0) FROM team_weeks" \
             " WHERE team_id = ?"
    assert db.execute(team_b, [chapter.team_b]).fetchone() == (1, 1)
    erasure.request_erasure(db, chapter.other)
    erasure.forget(db, chapter.admin, chapter.other.id, confirm_email=chapter.other.email,
                   scrub=False)
    assert db.execute(team_b, [chapter.team_b]).fetchone() == (1, 1)
    assert rollup.snapshot(db) == recomputed(db)


def test_an_away_week_changed_in_place_moves_in_both_roll_ups(chapter):
    """No form moves an away week, but a fix by hand (or a future path) keeps the sums."""
    db = chapter.db
    journal.log_action(db, chapter.member, ActionDraft(TODAY, "Listened", (1,)), today=TODAY)
    journal.set_away(db, chapter.member, TODAY - timedelta(weeks=1))
    journal.set_away(db, chapter.other, TODAY - timedelta(weeks=2))
    with store.transaction(db):
        db.execute("UPDATE away_weeks SET week_start = ? WHERE member_id = ?",
                   [(TODAY - timedelta(days=TODAY.weekday())).isoformat(), chapter.member.id])
        db.execute("UPDATE away_weeks SET member_id = ? WHERE member_id = ?",
                   [chapter.teammate.id, chapter.other.id])
    assert rollup.snapshot(db) == recomputed(db)
