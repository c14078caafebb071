"""A worker killed between a submit and its confirmation: the browser reconnects to a new
worker on the same address, the page reloads without a traceback (in the page or the
log), and what the member sees matches the database — no confirmation for a save that
did not happen, and a resubmitted form saves once."""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from allyship import demo
from allyship.db import store

from . import harness
from .harness import TIMEOUT_MS

pytestmark = pytest.mark.browser

# Loaded by the first server's Python (``sitecustomize`` on PYTHONPATH): every action
# save waits before it writes, so the test can kill the worker in between.
SLOW_SAVE = """
import sys, time
sys.path.insert(0, {root!r})
import allyship.practice.journal as _journal
_log = _journal.log_action

def _slow_log_action(*args, **kwargs):
    print("slow save: waiting before the write", file=sys.stderr, flush=True)
    time.sleep(8)
    return _log(*args, **kwargs)

_journal.log_action = _slow_log_action
"""


def test_a_worker_killed_mid_save_leaves_no_false_confirmation_and_no_traceback(
        chromium_browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = tmp_path / "app.db"
    demo.create_demo_database(db_path)
    port = harness.free_port()
    monkeypatch.setattr(harness, "free_port", lambda: port)  # the second worker: same address
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SLOW_SAVE.format(root=str(harness.ROOT)))
    plain_path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(hook), plain_path) if p))
    what = f"Saved while the worker died [{uuid.uuid4().hex[:8]}]"

    context = chromium_browser.new_context(viewport={"width": 390, "height": 844},
                                           is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        with harness.running_app(db_path) as first:
            page.goto(f"{first.url}/log_actions")
            expect(page.get_by_role("heading", name="Log actions", level=1)).to_be_visible(
                timeout=60_000)
            form = page.get_by_role("tabpanel", name="Log an action").get_by_test_id("stForm")
            form.get_by_label("What I did").fill(what)
            form.get_by_text("2. Listen more, speak less", exact=True).click()
            form.get_by_role("button", name="Log action").click()
            deadline = 200
            while "slow save" not in first.log_path.read_text() and deadline:
                page.wait_for_timeout(100)
                deadline -= 1
            assert deadline, "the save never started"
            os.kill(first.pid, signal.SIGKILL)  # mid-save: nothing written yet
        monkeypatch.setenv("PYTHONPATH", plain_path or "")
        with harness.running_app(db_path) as second:
            # The browser reconnects by itself; the page is drawn again by the new worker.
            expect(page.get_by_role("heading", name="Log actions", level=1)).to_be_visible(
                timeout=60_000)
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
            # Until the new worker's run has replaced them, the old worker's elements stay
            # on screen, faded: the comparison is made once none is left.
            page.wait_for_function(
                "() => !document.querySelector('[data-stale=\"true\"]')", timeout=30_000)
            page.wait_for_timeout(500)
            saved = store.connect(db_path).execute(
                "SELECT count(*) FROM actions WHERE description = ?", [what]).fetchone()[0]
            confirmed = page.get_by_test_id("stAlert").filter(has_text="Action logged.").count()
            # What the member sees matches the database.
            assert saved in (0, 1)
            assert (confirmed > 0) == (saved == 1), (confirmed, saved)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            log = second.log_path.read_text()
            assert "Traceback" not in log and "KeyError" not in log, log[-3000:]
            # Submitting again saves exactly once.
            panel = page.get_by_role("tabpanel", name="Log an action")
            print("forms in the tab after the reconnect:", panel.get_by_test_id("stForm").count())
            form = panel.get_by_test_id("stForm").last
            if saved == 0:
                form.get_by_label("What I did").fill(what)
                form.get_by_text("2. Listen more, speak less", exact=True).click()
                form.get_by_role("button", name="Log action").click()
                expect(page.get_by_test_id("stAlert").filter(has_text="Action logged.")
                       ).to_be_visible()
                expect(panel.get_by_test_id("stForm")).to_have_count(1)
            assert store.connect(db_path).execute(
                "SELECT count(*) FROM actions WHERE description = ?", [what]).fetchone()[0] == 1
    finally:
        context.close()
