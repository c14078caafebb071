"""A full disk or a read-only database costs one sentence and nothing anyone typed."""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from allyship.db import backup, storage_errors, store
from allyship.transfer import export
from tests.small_disk import fill, small_disk

# --- disk full, read-only -----------------------------------------------------------------

@contextlib.contextmanager
def read_only_view(source: Path, where: Path):
    """``source``'s folder mounted read-only at ``where`` (a real read-only file system:
    the tests run as root, whom file permissions do not stop)."""
    where.mkdir()
    try:
        done = subprocess.run(["mount", "--bind", str(source), str(where)],
                              capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({done.stderr.strip() or 'not root'})")
    try:
        ro = subprocess.run(["mount", "-o", "remount,bind,ro", str(where)],
                            capture_output=True, text=True)
        if ro.returncode != 0:
            pytest.skip(f"cannot make a read-only mount here ({ro.stderr.strip()})")
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_database_shows_one_sentence_not_a_traceback(
        demo_template, tmp_path, monkeypatch, caplog):
    (tmp_path / "rw").mkdir()
    shutil.copy(demo_template, tmp_path / "rw" / "app.db")
    with read_only_view(tmp_path / "rw", tmp_path / "ro") as ro:
        monkeypatch.setenv("ALLYSHIP_DB", str(ro / "app.db"))
        from apptest_helpers import APP
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(APP, default_timeout=60)
        with caplog.at_level(logging.ERROR, logger="allyship.storage"):
            at.run()
        assert not at.exception
        assert [e.value for e in at.error] == [storage_errors.CANNOT_OPEN]
        assert "unable to open database file" in caplog.text


def test_a_backup_or_export_that_fills_the_disk_leaves_nothing_half_written(
        demo_template, tmp_path):
    with small_disk(tmp_path / "disk", "4m") as disk:
        fill(disk)
        with pytest.raises(sqlite3.OperationalError, match="full"):
            backup.backup(demo_template, disk / "backup.db")
        db = store.connect(demo_template)
        with pytest.raises(OSError):
            export.export_dir(db, disk / "export")
        with pytest.raises(OSError):
            export.export_zip_file(db, disk / "export.zip")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_logging_an_action_on_a_full_disk_keeps_the_form_as_typed_and_says_why(
        demo_template, tmp_path, monkeypatch):
    from apptest_helpers import by_label, goto, open_app

    with small_disk(tmp_path / "disk") as disk:
        shutil.copy(demo_template, disk / "app.db")
        monkeypatch.setenv("ALLYSHIP_DB", str(disk / "app.db"))
        at = goto(open_app(), "log_actions")
        typed = "Typed while the disk filled up"
        by_label(at.tabs[0].text_area, "What I did").input(typed)
        by_label(at.tabs[0].checkbox, "1. Acknowledge privilege").check()
        fill(disk)
        next(b for b in at.tabs[0].button if b.label == "Log action").click().run()
        assert storage_errors.DISK_FULL in [e.value for e in at.tabs[0].error]
        assert by_label(at.tabs[0].text_area, "What I did").value == typed
        assert by_label(at.tabs[0].checkbox, "1. Acknowledge privilege").value
        assert not at.success, "nothing is confirmed"
        (disk / "filler").unlink()
        with contextlib.closing(sqlite3.connect(disk / "app.db")) as conn:
            saved = conn.execute("SELECT count(*) FROM actions WHERE description = ?",
                                 [typed]).fetchone()[0]
        assert saved == 0
