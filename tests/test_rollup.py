"""The weekly roll-ups (``chapter_weeks``, ``member_weeks``) stay exactly what the base
tables say, whatever sequence of writes the app makes."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from allyship import journal, people, rollup, store
from allyship.models import ActionDraft

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


@pytest.mark.parametrize("seed", range(6))
def test_the_roll_ups_match_the_base_tables_after_random_writes(chapter, seed):
    rng = random.Random(seed)
    db = chapter.db
    members = [chapter.member, chapter.teammate, chapter.other, chapter.lead]
    weeks = [TODAY - timedelta(weeks=w) for w in range(4)]
    mine: dict[int, list[int]] = {m.id: [] for m in members}
    for _ in range(60):
        who = rng.choice(members)
        who = people.get_member(db, who.id)
        op = rng.choice(["log", "log", "log", "edit", "delete", "away", "back", "active"])
        if op == "active":
            people.set_member_active(db, chapter.admin, who.id, not who.active)
            continue
        if not who.active:
            continue
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
