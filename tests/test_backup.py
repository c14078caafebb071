"""Online backup and the health check: consistent copies under load, clear verdicts."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import date

import pytest
from tests_paths import ROOT

from allyship.core.models import ActionDraft
from allyship.db import backup, migrations, store
from allyship.practice import journal

TODAY = date(2026, 6, 1)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "allyship", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_backup_is_one_file_with_the_same_rows_that_passes_the_check(chapter, db_path,
                                                                        tmp_path):
    journal.log_action(chapter.db, chapter.member, ActionDraft(date(2026, 3, 2), "Walk", (2,)),
                       today=TODAY)
    out = tmp_path / "backups" / "copy.db"
    result = backup.backup(db_path, out)
    assert result.ok and result.integrity == ["ok"]
    assert result.schema_version == migrations.SCHEMA_VERSION
    assert not (tmp_path / "backups" / "copy.db-wal").exists()
    assert not (tmp_path / "backups" / "copy.db.partial").exists()
    copy = sqlite3.connect(out)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT description FROM actions").fetchall() == [("Walk",)]
    assert copy.execute("SELECT count(*) FROM members").fetchone()[0] == 5


def test_a_backup_refuses_to_overwrite_unless_asked_and_never_the_database_itself(
        chapter, db_path, tmp_path):
    out = tmp_path / "copy.db"
    backup.backup(db_path, out)
    with pytest.raises(FileExistsError):
        backup.backup(db_path, out)
    assert backup.backup(db_path, out, overwrite=True).ok
    with pytest.raises(ValueError):
        backup.backup(db_path, db_path, overwrite=True)
    with pytest.raises(FileNotFoundError):
        backup.backup(tmp_path / "nothing.db", tmp_path / "x.db")


@pytest.mark.slow
def test_a_backup_taken_while_a_writer_runs_is_consistent(chapter, db_path, tmp_path):
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        db = store.connect(db_path)
        try:
            i = 0
            while not stop.is_set():
                journal.log_actions(db, chapter.member, [
                    ActionDraft(date(2026, 3, 2), f"batch {i} row {j}", (1, 2)) for j in range(5)],
                    today=TODAY)
                i += 1
                written.append(i)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            db.conn.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        while len(written) < 20:
            pass
        results = []
        for n in range(5):
            results.append((backup.backup(db_path, tmp_path / f"b{n}.db"), len(written)))
    finally:
        stop.set()
        t.join()
    assert errors == []
    previous = 0
    for n, (result, seen) in enumerate(results):
        assert result.ok, result.lines()
        copy = sqlite3.connect(tmp_path / f"b{n}.db")
        actions = copy.execute("SELECT count(*) FROM actions").fetchone()[0]
        resp = copy.execute("SELECT count(*) FROM action_responsibilities").fetchone()[0]
        assert actions % 5 == 0 and resp == 2 * actions  # whole batches only
        assert previous <= actions <= 5 * (seen + 1)
        previous = actions
        copy.close()
    assert previous > 0


def test_the_check_passes_a_sound_database(chapter, db_path):
    result = backup.check(db_path)
    assert result.ok and result.integrity == ["ok"] and result.foreign_key_problems == []
    assert f"schema version: {migrations.SCHEMA_VERSION}" in "\n".join(result.lines())


def test_the_check_finds_a_broken_reference(chapter, db_path):
    conn = sqlite3.connect(db_path)  # foreign keys off, as a careless tool would leave them
    conn.execute("INSERT INTO actions (member_id, done_on, week_start, description, kind,"
                 " created_at, updated_at) VALUES (999, '2026-03-02', '2026-03-02', 'x',"
                 " 'other', 'x', 'x')")
    conn.commit()
    conn.close()
    result = backup.check(db_path)
    assert not result.ok and "actions" in result.foreign_key_problems[0]


def test_the_check_refuses_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite " * 300)
    result = backup.check(path)
    assert not result.ok and "cannot read" in result.problems[0]
    assert not backup.check(tmp_path / "absent.db").ok


def test_the_check_finds_a_corrupted_page(chapter, db_path, tmp_path):
    for i in range(300):  # enough rows to fill several pages
        chapter.db.execute("INSERT INTO audit_log (at, actor_id, action, table_name, details)"
                           " VALUES ('x', NULL, 'filler', 't', ?)", ["x" * 200])
    chapter.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = chapter.db.execute("PRAGMA page_size").fetchone()[0]
    root = chapter.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'"
                              ).fetchone()[0]
    chapter.db.conn.close()
    data = bytearray(db_path.read_bytes())
    start = (root - 1) * page
    data[start:start + 12] = b"\x11" * 12  # scribble over the table's b-tree page header
    db_path.write_bytes(bytes(data))
    assert not backup.check(db_path).ok


@pytest.mark.slow
def test_the_command_line_backs_up_and_checks_with_exit_codes(chapter, db_path, tmp_path):
    out = tmp_path / "copy.db"
    res = cli("backup", "--db", str(db_path), "--out", str(out))
    assert res.returncode == 0 and "integrity ok" in res.stdout, res.stderr
    again = cli("backup", "--db", str(db_path), "--out", str(out))
    assert again.returncode == 1 and "already exists" in again.stderr
    ok = cli("check", "--db", str(out))
    assert ok.returncode == 0 and "result: OK" in ok.stdout and "schema version" in ok.stdout
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    res = cli("check", "--db", str(bad))
    assert res.returncode == 1 and "PROBLEMS FOUND" in res.stdout
