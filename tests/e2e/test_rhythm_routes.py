"""The weekly rhythm as served by a real ``streamlit run``: the calendar feed fetched over
HTTP, the unsubscribe link clicked in Chromium, and the in-app scheduler sending through
a real SMTP server — once."""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, expect

from allyship import demo
from allyship.db import store
from allyship.people import roster
from allyship.rhythm import feeds, mail, nudges
from tests.smtp_server import Inbox, smtp_server

from . import harness

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rhythm_app(demo_template: Path, tmp_path_factory) -> Iterator[tuple[harness.RunningApp, Inbox, Counter]]:
    """A server on a copy of the demo, with the in-app scheduler on (every second) and
    SMTP pointed at a real test server."""
    path = tmp_path_factory.mktemp("rhythm") / "app.db"
    shutil.copy(demo_template, path)
    db = store.connect(path)
    expected = Counter(d.member.email for d in nudges.due_messages(db, datetime.now(timezone.utc)))
    db.conn.close()
    with smtp_server() as inbox, pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSHIP_NUDGES_SCHEDULER", "in-app")
        mp.setenv("ALLYSHIP_NUDGES_INTERVAL", "1")
        mp.setenv(mail.SMTP_URL_ENV, inbox.url)
        with harness.running_app(path) as running:
            yield running, inbox, expected


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def test_the_calendar_feed_is_served_privately_and_refused_once_revoked(rhythm_app) -> None:
    running, _, _ = rhythm_app
    db = store.connect(running.db_path)
    robin = roster.find_member_by_email(db, demo.PERSONAS["member"])
    token = feeds.new_feed_token(db, robin)
    status, headers, body = _get(f"{running.url}/feeds/{token}.ics")
    assert status == 200
    assert headers["content-type"].startswith("text/calendar")
    assert headers["cache-control"].startswith("private")
    cal = icalendar.Calendar.from_ical(body)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert "Log my week" in summaries
    feeds.revoke_feed(db, robin)
    status, headers, body = _get(f"{running.url}/feeds/{token}.ics")
    assert status == 404 and b"BEGIN:VCALENDAR" not in body
    assert _get(f"{running.url}/feeds/not-a-token.ics")[0] == 404
    db.conn.close()


def test_the_in_app_scheduler_sends_each_due_message_once(rhythm_app) -> None:
    running, inbox, expected = rhythm_app
    assert expected, "the demo has members opted in"
    deadline = time.monotonic() + 90
    while Counter(inbox.recipients()) != expected and time.monotonic() < deadline:
        time.sleep(0.5)  # polling a running server's background work
    assert Counter(inbox.recipients()) == expected, running.log_path.read_text()[-2000:]
    time.sleep(3)  # three more ticks of the scheduler: nothing more goes out
    assert len(inbox.messages) == sum(expected.values())


def test_the_unsubscribe_link_clicked_in_chromium_turns_the_reminder_off(
        rhythm_app, chromium_browser: Browser) -> None:
    running, _, _ = rhythm_app
    db = store.connect(running.db_path)
    lead = roster.find_member_by_email(db, demo.PERSONAS["lead"])
    assert nudges.get_setting(db, lead, "reminder").enabled  # the demo opted them in
    link = f"{running.url}/unsubscribe/{mail.unsubscribe_token(db, lead.id, 'reminder')}"
    context = chromium_browser.new_context()
    try:
        page = context.new_page()
        page.goto(link)  # opening the link changes nothing (a mail scanner may open it)
        expect(page.get_by_role("heading", name="Turn off these emails?")).to_be_visible()
        assert nudges.get_setting(db, lead, "reminder").enabled
        page.get_by_role("button", name="Turn them off").click()
        expect(page.get_by_role("heading", name="Turned off")).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text("weekly reminder")
        assert nudges.get_setting(db, lead, "reminder").enabled is False
        assert nudges.get_setting(db, lead, "digest").enabled  # only that kind
        page.get_by_role("button", name="turn it back on").click()
        expect(page.get_by_role("heading", name="Turned back on")).to_be_visible()
        assert nudges.get_setting(db, lead, "reminder").enabled is True
        page.goto(link[:-3] + "xyz")  # a tampered link
        expect(page.get_by_role("heading", name="Link not valid")).to_be_visible()
    finally:
        context.close()
        db.conn.close()


def test_a_mail_clients_one_click_post_turns_the_digest_off(rhythm_app) -> None:
    """RFC 8058: the client POSTs ``List-Unsubscribe=One-Click`` to the header's URL."""
    running, _, _ = rhythm_app
    db = store.connect(running.db_path)
    admin = roster.find_member_by_email(db, demo.PERSONAS["admin"])
    assert nudges.get_setting(db, admin, "digest").enabled
    token = mail.unsubscribe_token(db, admin.id, "digest")
    req = urllib.request.Request(f"{running.url}/unsubscribe/{token}", method="POST",
                                 data=b"List-Unsubscribe=One-Click",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
    assert nudges.get_setting(db, admin, "digest").enabled is False
    assert nudges.get_setting(db, admin, "reminder").enabled  # only that kind
    db.conn.close()
