"""Concurrent writers, failed writes and killed writers: every write unit is one
BEGIN IMMEDIATE transaction, whole or absent."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date

import pytest
from at_once import at_once, failures
from tests_paths import ROOT

from allyship.core.models import ActionDraft, ValidationError
from allyship.db import store
from allyship.practice import journal

TODAY = date(2026, 6, 1)


def integrity(path) -> str:
    db = store.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.conn.close()


@pytest.mark.slow
def test_eight_writers_times_two_hundred_actions_keep_every_row(chapter, db_path):
    writers = [chapter.admin, chapter.lead, chapter.member, chapter.teammate, chapter.other]
    writers += writers[:3]  # 8 writers; some members write from two threads at once

    def write(db, n: int) -> None:
        for i in range(200):
            journal.log_action(db, writers[n], ActionDraft(
                date(2026, 3, 1 + i % 28), f"writer {n} action {i}", (1 + i % 8,)),
                today=TODAY)

    assert failures(at_once(len(writers), db_path, write)) == []
    db = chapter.db
    assert db.execute("SELECT count(*) FROM actions").fetchone()[0] == 1600
    assert db.execute("SELECT count(DISTINCT description) FROM actions").fetchone()[0] == 1600
    assert db.execute("SELECT count(*) FROM action_responsibilities").fetchone()[0] == 1600
    assert db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'actions'"
                      ).fetchone()[0] == 1600
    assert integrity(db_path) == "ok"


def test_a_write_that_fails_part_way_leaves_nothing_behind(chapter):
    db = chapter.db
    version = store.data_version(db)
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            db.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (1, 'T', 'x')")
            store.audit(db, None, "create", "teams", None)
            store.bump_data_version(db)
            raise RuntimeError("power cut")
    assert db.execute("SELECT count(*) FROM teams WHERE name = 'T'").fetchone()[0] == 0
    assert store.data_version(db) == version
    assert not db.conn.in_transaction


def test_a_constraint_failure_in_a_batch_rolls_back_the_rows_before_it(chapter):
    db = chapter.db
    good = ActionDraft(date(2026, 3, 2), "first row", (2,))
    not_mine = ActionDraft(date(2026, 3, 3), "second row", (3,), plan_item_id=12345)
    with pytest.raises(ValidationError):
        journal.log_actions(db, chapter.member, [good, not_mine], today=TODAY)
    assert db.execute("SELECT count(*) FROM actions").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'actions'"
                      ).fetchone()[0] == 0


def test_a_failed_inner_unit_rolls_back_only_itself_and_the_outer_can_go_on(chapter):
    db = chapter.db
    with store.transaction(db):
        db.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (1, 'Outer', 'x')")
        with pytest.raises(ValueError):
            with store.transaction(db):
                db.execute("INSERT INTO teams (chapter_id, name, created_at)"
                           " VALUES (1, 'Inner', 'x')")
                raise ValueError("inner fails")
    names = {r[0] for r in db.execute("SELECT name FROM teams")}
    assert "Outer" in names and "Inner" not in names


def test_a_second_writer_waits_for_the_lock_instead_of_failing(chapter, db_path):
    holding = threading.Event()
    result: list[str] = []

    def hold() -> None:
        db = store.connect(db_path)
        with store.transaction(db):
            db.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (1, 'A', 'x')")
            holding.set()
            time.sleep(0.4)
        db.conn.close()

    t = threading.Thread(target=hold)
    t.start()
    holding.wait(5)
    other = store.connect(db_path)
    started = time.monotonic()
    with store.transaction(other):
        other.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (1, 'B', 'x')")
    waited = time.monotonic() - started
    result.append("done")
    t.join()
    assert waited >= 0.2  # it waited for A's commit…
    names = {r[0] for r in other.execute("SELECT name FROM teams")}
    assert {"A", "B"} <= names  # …and both writes are there
    other.conn.close()


WRITER = textwrap.dedent("""
    import sys
    from allyship.db import store
    db = store.connect(sys.argv[1])
    run, member = sys.argv[2], int(sys.argv[3])
    batch = 0
    while True:
        with store.transaction(db):
            for i in range(10):
                cur = db.execute(
                    "INSERT INTO actions (member_id, done_on, week_start, description, kind,"
                    " idempotency_key, created_at, updated_at)"
                    " VALUES (?, '2026-03-02', '2026-03-02', ?, 'other', ?, 'x', 'x')",
                    [member, f"{run}-{batch}", f"{run}-{batch}-{i}"])
                db.execute("INSERT INTO action_responsibilities VALUES (?, 1), (?, 2)",
                           [cur.lastrowid, cur.lastrowid])
            store.audit(db, None, "batch", "actions", f"{run}-{batch}")
        if batch == 0:
            print("ready", flush=True)
        batch += 1
""")


@pytest.mark.slow
def test_a_writer_killed_mid_transaction_leaves_whole_batches_only(chapter, db_path, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(6)
    for run in range(20):
        proc = subprocess.Popen([sys.executable, str(script), str(db_path), f"r{run}",
                                 str(chapter.member.id)], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL
    # No bound on the total time: 20 interpreter start-ups take what the machine gives
    # them (speed is the bench's business); a writer that hangs fails proc.wait above.
    db = store.connect(db_path)
    sizes = db.execute("SELECT description, count(*) FROM actions GROUP BY description"
                       ).fetchall()
    assert len(sizes) >= 20  # every run committed at least its first batch
    assert {n for _, n in sizes} == {10}
    resp = db.execute("SELECT count(*) FROM action_responsibilities").fetchone()[0]
    assert resp == 20 * len(sizes)
    audited = db.execute("SELECT count(*) FROM audit_log WHERE action = 'batch'").fetchone()[0]
    assert audited == len(sizes)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.conn.close()
