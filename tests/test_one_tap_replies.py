"""A reminder's one-tap answers over HTTP, without signing in: opening the link (GET,
HEAD) changes nothing and shows a button; POST does it once; repeating it writes nothing
more; a forged, mistyped or forgotten member's link answers 404; and the reminder email
carries both links while someone else's preview does not."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta

import pytest
from starlette.applications import Starlette

from allyship.core.models import week_start
from allyship.db import store
from allyship.practice import journal
from allyship.rhythm import mail, nudges, replies
from allyship.web import routes_rhythm

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


@pytest.fixture
def client(chapter, db_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    with TestClient(Starlette(routes=routes_rhythm.ROUTES)) as c:
        yield c


def this_week() -> date:
    return week_start(date.today())


def reply_path(chapter, answer: str, week: date | None = None) -> str:
    m = chapter.member
    return f"/reply/{mail.one_tap_token(chapter.db, m.id, answer, week or this_week())}"


def audit_rows(db, action: str | None = None) -> int:
    sql = "SELECT count(*) FROM audit_log" + (" WHERE action = ?" if action else "")
    return db.execute(sql, [action] if action else []).fetchone()[0]


@pytest.mark.parametrize("answer", ["away", "later"])
def test_opening_a_one_tap_link_shows_a_button_and_changes_nothing(chapter, client,
                                                                   answer) -> None:
    db = chapter.db
    before = (audit_rows(db), db["outbox"].count, db["away_weeks"].count)

    got, head = client.get(reply_path(chapter, answer)), client.head(reply_path(chapter, answer))

    assert got.status_code == 200 and head.status_code == 200
    assert '<form method="post"' in got.text and got.headers["cache-control"] == "no-store"
    assert (audit_rows(db), db["outbox"].count, db["away_weeks"].count) == before


def test_i_was_away_marks_the_week_away_once(chapter, client) -> None:
    db, m = chapter.db, chapter.member
    path = reply_path(chapter, "away")

    first, again = client.post(path), client.post(path)

    assert first.status_code == 200 and "Marked away" in first.text
    assert "already marked away" in again.text
    assert this_week() in journal.away_weeks(db, m)
    assert audit_rows(db, "reply.away") == 1
    # The weekly reminder's rules now skip this week.
    assert nudges.skip_reason(db, m, "reminder", this_week()) in ("away this week",
                                                                    "turned off")


def test_remind_me_later_queues_this_weeks_reminder_once_more_two_days_on(chapter,
                                                                          client) -> None:
    db, m = chapter.db, chapter.member
    nudges.save_setting(db, m, "reminder", enabled=True, weekday=0, hour=9)
    week = this_week()
    db.execute("INSERT INTO outbox (member_id, kind, week_start, status, next_attempt_at,"
               " created_at, sent_at) VALUES (?, 'reminder', ?, 'sent', ?, ?, ?)",
               [m.id, week.isoformat(), store.now_iso(), store.now_iso(), store.now_iso()])
    db.conn.commit()
    sent_row = db.execute("SELECT id FROM outbox").fetchone()[0]
    now = datetime.now(UTC)
    answer = replies.remind_later(db, m.id, week, now=now)

    rows = db.execute("SELECT id, status, next_attempt_at FROM outbox WHERE member_id = ?",
                      [m.id]).fetchall()
    last = datetime.combine(week + timedelta(days=6), datetime.min.time(), tzinfo=UTC) \
        + timedelta(hours=replies.LAST_HOUR)
    if answer.too_late:  # run late on a Sunday: nothing more this week
        assert rows == [(sent_row, "sent", rows[0][2])]
        return
    assert answer.changed and len(rows) == 1
    row_id, status, at = rows[0]
    assert status == "pending" and row_id != sent_row  # a new row: a Message-ID of its own
    assert datetime.fromisoformat(at) == min(
        max(now, nudges.due_at(week, nudges.stored_setting(db, m.id, "reminder"), UTC))
        + timedelta(days=2), last).replace(microsecond=0)
    # Tapped again (the link, by POST): nothing more is queued or audited.
    again = client.post(reply_path(chapter, "later"))
    assert "Already set" in again.text
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    assert audit_rows(db, "reply.later") == 1


@pytest.mark.parametrize("answer", ["away", "later"])
def test_a_forged_or_foreign_link_answers_404_on_every_method(chapter, client, answer) -> None:
    db = chapter.db
    tampered = reply_path(chapter, answer)[:-3] + "xyz"
    future = reply_path(chapter, answer, this_week() + timedelta(weeks=1))
    unsubscribe = f"/reply/{mail.unsubscribe_token(db, chapter.member.id, 'reminder')}"
    for path in (tampered, future, unsubscribe):
        assert [client.request(v, path).status_code for v in ("GET", "HEAD", "POST")] == \
            [404] * 3, path
    # And a one-tap token is no unsubscribe token.
    token = mail.one_tap_token(db, chapter.member.id, answer, this_week())
    assert client.get(f"/unsubscribe/{token}").status_code == 404


def test_a_forgotten_members_links_answer_404_and_write_nothing(chapter, client) -> None:
    db = chapter.db
    paths = [reply_path(chapter, a) for a in ("away", "later")]
    with store.transaction(db):
        db.execute("UPDATE members SET forgotten_at = ? WHERE id = ?",
                   [store.now_iso(), chapter.member.id])
    rows = audit_rows(db)
    for path in paths:
        assert client.post(path).status_code == 404
    assert audit_rows(db) == rows and db["away_weeks"].count == 0


@pytest.mark.slow
def test_a_thousand_one_tap_requests_add_at_most_one_audit_row_per_answer(chapter,
                                                                          client) -> None:
    db = chapter.db
    nudges.save_setting(db, chapter.member, "reminder", enabled=True, weekday=0, hour=0)
    away, later = reply_path(chapter, "away"), reply_path(chapter, "later")
    rows = audit_rows(db)
    for i in range(1000):
        path = away if i % 2 else later
        if i % 5 == 0:
            client.get(path)
        else:
            client.post(path)
    assert audit_rows(db) - rows <= 2  # one "away", at most one "later"
    assert audit_rows(db, "reply.away") == 1 and audit_rows(db, "reply.later") <= 1


def test_a_reminder_carries_both_one_tap_links_and_a_phone_ready_page(chapter) -> None:
    db, m = chapter.db, chapter.member
    nudges.save_chapter_settings(db, chapter.admin, time_zone="UTC",
                                 public_url="https://ally.example.org")
    message = nudges.compose(db, m, "reminder", this_week())
    email = mail.build_email(db, message, mail.parse_smtp_url(
        "smtp+starttls://u:p@smtp.example.org:587?from=a@example.org"))
    html, text = mail.html_part(email), mail.text_part(email)
    for answer, label in mail.ONE_TAP.items():
        url = mail.one_tap_url(db, nudges.chapter_settings(db, m.chapter_id), m.id, answer,
                               this_week())
        assert url.startswith("https://ally.example.org/reply/")
        assert url in text and label in text and label in html
    assert '<meta name="viewport"' in html and "<main" in html and "<h1" in html
    # Another member's message (a digest) has no one-tap answers.
    digest = nudges.compose(db, chapter.admin, "digest", this_week())
    assert "/reply/" not in mail.text_part(mail.build_email(db, digest))
    assert "/reply/" not in mail.text_part(mail.build_email(db, message, with_replies=False))


def test_an_email_with_links_to_this_computer_is_refused_with_what_to_do(chapter) -> None:
    db, m = chapter.db, chapter.member
    message = nudges.compose(db, m, "reminder", this_week())
    remote = mail.parse_smtp_url("smtp+starttls://u:p@smtp.example.org:587?from=a@example.org")
    with pytest.raises(mail.NoPublicAddress, match="public address"):
        mail.build_email(db, message, remote)
    # A sink or relay on this computer (a developer's or a test's) may carry them.
    local = mail.parse_smtp_url("smtp://127.0.0.1:2525?from=a@example.org")
    assert "localhost" in mail.text_part(mail.build_email(db, message, local))
    # A preview shows the email all the same.
    assert mail.build_email(db, message, remote, check_links=False)
    nudges.save_chapter_settings(db, chapter.admin, time_zone="UTC",
                                 public_url="https://ally.example.org")
    assert mail.build_email(db, message, remote)


def test_the_smtp_settings_read_as_a_sentence() -> None:
    s = mail.parse_smtp_url("smtp+starttls://ann:pw@smtp.example.org:587?from=a@example.org")
    assert s.describe() == ("smtp.example.org:587 with STARTTLS, signed in as ann, "
                            "from a@example.org")
    assert "none" not in mail.parse_smtp_url("smtp://127.0.0.1:9325?from=a@b.org").describe()


def test_the_outbox_holds_a_reminder_whose_links_would_point_here_and_says_why(
        chapter, db_path) -> None:
    from allyship.rhythm import outbox

    db, m = chapter.db, chapter.member
    nudges.save_setting(db, m, "reminder", enabled=True, weekday=0, hour=0)
    remote = mail.parse_smtp_url("smtp+starttls://u:p@smtp.invalid:587?from=a@example.org")

    report = outbox.run(db_path, smtp=remote)  # fails before any connection is made

    assert report.sent == 0 and report.failed == 1
    status, error = db.execute("SELECT status, last_error FROM outbox WHERE member_id = ?",
                               [m.id]).fetchone()
    assert status == "pending"  # tried again once the address is set
    assert "public address" in error and "localhost" in error
