"""A page run's database handle (``ui.get_db``): one per run's thread, handed on to a
later run when the thread ends, never to two runs at once, never to a file that has
been replaced, never with a write left open."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from allyship.db import store
from allyship.ui import common


@pytest.fixture
def db_file(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.db"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    common.close_pooled_connections()
    return path


def in_a_run(work) -> object:  # noqa: ANN001
    """Run ``work(db)`` on a thread of its own, as Streamlit runs a page; its result."""
    out: list = []
    t = threading.Thread(target=lambda: out.append(work(common.get_db())))
    t.start()
    t.join()
    return out[0]


def test_a_later_run_gets_the_connection_an_earlier_run_finished_with(db_file):
    first = in_a_run(lambda db: db.conn)
    second = in_a_run(lambda db: db.conn)
    assert first is second
    assert in_a_run(lambda db: db.execute("SELECT count(*) FROM members").fetchone()[0]) > 0


def test_runs_at_the_same_time_never_share_a_connection(db_file):
    seen: list[sqlite3.Connection] = []
    gate = threading.Barrier(6)

    def run() -> None:
        db = common.get_db()
        gate.wait()  # all six hold their handle at once
        seen.append(db.conn)
        db.execute("SELECT count(*) FROM actions").fetchone()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 6  # all alive (held in seen): ids are distinct
    assert len(common._pool) <= common.POOL_SIZE  # the rest were closed


def test_a_connection_to_a_file_since_replaced_on_disk_is_not_handed_on(db_file, tmp_path):
    pooled = in_a_run(lambda db: db.conn)  # a connection to this file is now pooled
    other = tmp_path / "other.db"
    shutil.copy(db_file, other)
    os.replace(other, db_file)  # another file at the same path (a swapped-in database)
    assert in_a_run(lambda db: db.conn) is not pooled
    assert all(db.conn is not pooled for _path, _ident, db in common._pool)


def test_a_run_that_stopped_mid_write_leaves_nothing_open_for_the_next(db_file):
    def stop_mid_write(db) -> None:  # noqa: ANN001
        db.conn.execute("BEGIN IMMEDIATE")
        db.conn.execute("UPDATE chapters SET name = 'half written'")
        # the run ends here (an exception, st.stop) without COMMIT or ROLLBACK

    in_a_run(stop_mid_write)
    assert in_a_run(lambda db: db.conn.in_transaction) is False
    names = in_a_run(lambda db: [r[0] for r in db.execute("SELECT name FROM chapters")])
    assert "half written" not in names
    other = store.connect(db_file)  # and the write lock was let go
    with store.transaction(other):
        other.execute("UPDATE meta SET value = value WHERE key = 'demo'")
    other.conn.close()
