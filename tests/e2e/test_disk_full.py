"""A full disk in a real server (issue 12, item 9): the page says so in one sentence,
what the member typed is still in the form, and nothing was half saved.

The database lives on a real 24 MB tmpfs that the test fills while the member is
typing; the test skips (with the reason) where the machine forbids mounts.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from allyship import demo
from allyship.db import storage_errors, store
from tests.small_disk import fill, small_disk

from . import harness
from .harness import open_home

pytestmark = pytest.mark.browser


def test_a_full_disk_costs_one_sentence_and_nothing_typed(chromium_browser, new_page, tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "app.db"
        demo.create_demo_database(path)
        with harness.running_app(path) as app:
            page = new_page()
            open_home(page, app.url)
            typed = "Typed while the disk filled up"
            page.get_by_label("What did you do?").fill(typed)
            page.get_by_role("button", name="1. Acknowledge privilege").click()
            fill(disk)
            page.get_by_role("button", name="Log it").click()
            # Said by the form's button and at the top of the page.
            sentence = page.get_by_text(storage_errors.DISK_FULL)
            expect(sentence).to_have_count(2)
            expect(sentence.first).to_be_visible()
            expect(sentence.last).to_be_visible()
            expect(page.get_by_label("What did you do?")).to_have_value(typed)
            # No traceback on the page; the detail is in the server's log.
            expect(page.get_by_test_id("stException")).to_have_count(0)
            assert "write failed" in app.log_path.read_text()
        (disk / "filler").unlink()
        db = store.connect(path)
        assert db.execute("SELECT count(*) FROM actions WHERE description = ?",
                          [typed]).fetchone()[0] == 0
