"""A full disk in a real server (issue 12, item 9): the page says so in one sentence,
what the member typed is still in the form, and nothing was half saved.

The database lives on a real 24 MB tmpfs that the test fills while the member is
typing; the test skips (with the reason) where the machine forbids mounts.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from allyship import demo
from allyship.db import storage_errors, store

from . import harness
from .harness import open_home

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def small_disk(path: Path, size: str = "24m"):
    path.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(path)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path) -> None:
    with open(disk / "filler", "wb") as f:
        with contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 65536)
                f.flush()


def test_a_full_disk_costs_one_sentence_and_nothing_typed(chromium_browser, new_page, tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "app.db"
        demo.create_demo_database(path)
        with harness.running_app(path) as app:
            page = new_page()
            open_home(page, app.url)
            typed = "Typed while the disk filled up"
            page.get_by_label("What did you do?").fill(typed)
            page.get_by_role("combobox", name="Responsibilities practised").click()
            page.get_by_role("option").first.click()
            page.keyboard.press("Escape")
            fill(disk)
            page.get_by_role("button", name="Log it").click()
            expect(page.get_by_text(storage_errors.DISK_FULL)).to_be_visible()
            expect(page.get_by_label("What did you do?")).to_have_value(typed)
            # No traceback on the page; the detail is in the server's log.
            expect(page.get_by_test_id("stException")).to_have_count(0)
            assert "write failed" in app.log_path.read_text()
        (disk / "filler").unlink()
        db = store.connect(path)
        assert db.execute("SELECT count(*) FROM actions WHERE description = ?",
                          [typed]).fetchone()[0] == 0
