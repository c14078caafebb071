"""The Email & reminders page (admins) and the reminder section of Account, through
AppTest on a real demo database; the test email through a real SMTP server."""

from __future__ import annotations

from datetime import date

import pytest
from apptest_helpers import all_text, by_label, open_as, persona

from allyship import demo
from allyship.core.models import PlanDraft, PlanItemDraft
from allyship.db import store
from allyship.practice import plans
from allyship.rhythm import feeds, mail, nudges
from tests.smtp_server import smtp_server

MARKER_STEP = "MARKER-PRIVATE-NEXT-STEP-91c2"


def test_the_page_is_for_admins_only(demo_db) -> None:
    for role in ("member", "lead"):
        assert "pages/messages.py" not in str(open_as(demo_db, role)._registered_pages)
    at = open_as(demo_db, "admin", "pages/messages.py")
    assert at.title[0].value == "Email & reminders"


def test_a_preview_renders_the_email_as_sent_without_sending(demo_db) -> None:
    at = open_as(demo_db, "admin", "pages/messages.py")
    text = all_text(at)
    assert "Subject:" in text and "Your allyship week: a gentle reminder" in text
    assert "log_actions" in text and "Stop these weekly reminders" in text
    db, _ = persona(demo_db, "admin")
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    db.conn.close()


def test_an_admin_previewing_a_members_reminder_never_sees_their_plan(demo_db) -> None:
    db, robin = persona(demo_db, "member")
    plans.save_plan(db, robin, PlanDraft("Black birders", items=(
        PlanItemDraft("next_step", MARKER_STEP, due_on=date.today()),)))
    db.conn.close()
    at = open_as(demo_db, "admin", "pages/messages.py")
    by_label(at.selectbox, "Member").set_value(robin.id).run()
    assert not at.exception
    text = all_text(at)
    assert "Robin" in text and nudges.PRIVATE_STEP in text
    assert MARKER_STEP not in text
    # The member's own email does carry it.
    db = store.connect(demo_db)
    own = mail.build_email(db, nudges.compose(db, robin, "reminder",
                                              nudges.week_start(date.today())))
    assert MARKER_STEP in mail.text_part(own)
    db.conn.close()


def test_chapter_settings_round_trip_and_bad_address_keeps_what_was_typed(demo_db) -> None:
    at = open_as(demo_db, "admin", "pages/messages.py")
    by_label(at.selectbox, "Time zone").set_value("Europe/Dublin")
    by_label(at.text_input, "Public address").input("not a url")
    form_buttons = [b for b in at.button if b.label == "Save chapter settings"]
    form_buttons[0].click().run()
    assert any("public address" in e.value.lower() for e in at.error) or \
        any("https://" in str(e.value) for e in at.error)
    assert by_label(at.text_input, "Public address").value == "not a url"
    by_label(at.text_input, "Public address").input("https://ally.example.org")
    [b for b in at.button if b.label == "Save chapter settings"][0].click().run()
    db, admin = persona(demo_db, "admin")
    s = nudges.chapter_settings(db, admin.chapter_id)
    assert (s.time_zone, s.public_url) == ("Europe/Dublin", "https://ally.example.org")
    db.conn.close()


@pytest.mark.server
def test_send_me_a_test_email_reaches_a_real_smtp_server(demo_db, monkeypatch) -> None:
    with smtp_server() as inbox:
        monkeypatch.setenv(mail.SMTP_URL_ENV, inbox.url)
        at = open_as(demo_db, "admin", "pages/messages.py")
        [b for b in at.button if b.label.startswith("Send me a test email")][0].click().run()
        assert not at.exception
        assert [s.value for s in at.success if s.value.startswith("Sent to")]
        assert inbox.recipients() == [demo.PERSONAS["admin"]]
        assert inbox.messages[0].message["Subject"] == "Allyship app: test email"


def test_without_smtp_the_page_says_how_to_set_it_up(demo_db, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(mail.SMTP_URL_ENV, raising=False)
    monkeypatch.setenv(mail.SECRETS_ENV, str(tmp_path / "absent.toml"))
    at = open_as(demo_db, "admin", "pages/messages.py")
    assert any("[smtp]" in w.value for w in at.warning)
    assert [b for b in at.button if b.label.startswith("Send me a test email")][0].disabled


def test_a_member_turns_the_reminder_on_from_account(demo_db) -> None:
    db, robin = persona(demo_db, "member")
    nudges.save_setting(db, robin, "reminder", enabled=False, weekday=4, hour=17)
    db.conn.close()
    at = open_as(demo_db, "member", "pages/account.py")
    assert "Email reminders & calendar" in [s.value for s in at.header]
    assert not [t for t in at.toggle if t.label.startswith("Weekly digest")]  # a member
    by_label(at.toggle, "Weekly reminder").set_value(True)
    at.selectbox(key="nudge_reminder_day").set_value(2)
    at.selectbox(key="nudge_reminder_hour").set_value(8)
    at.button(key="FormSubmitter:nudge_reminder-Save").click().run()
    assert not at.exception
    db = store.connect(demo_db)
    s = nudges.get_setting(db, robin, "reminder")
    assert (s.enabled, s.weekday, s.hour) == (True, 2, 8)
    db.conn.close()


def test_a_member_turns_on_the_calendar_feed_and_sees_its_address_once(demo_db) -> None:
    at = open_as(demo_db, "member", "pages/account.py")
    at.button(key="feed_on").click().run()
    assert not at.exception
    shown = [c.value for c in at.code if "/feeds/" in c.value]
    assert len(shown) == 1 and shown[0].endswith(".ics")
    token = shown[0].rsplit("/", 1)[1][:-4]
    db, robin = persona(demo_db, "member")
    assert feeds.member_for_token(db, token) == robin
    db.conn.close()
    at.button(key="feed_off").click().run()
    db, _ = persona(demo_db, "member")
    assert feeds.member_for_token(db, token) is None
    db.conn.close()


def test_a_lead_sees_the_digest_setting(demo_db) -> None:
    at = open_as(demo_db, "lead", "pages/account.py")
    assert [t for t in at.toggle if t.label.startswith("Weekly digest")]
