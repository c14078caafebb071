"""Clocks that jump: a run whose clock is ahead of the machine's neither sends a week early
nor gives up on this week's retries; a message whose week really ended is counted and
shown to the admin, never dropped silently. The runs' clocks are driven with ``now=``;
"the machine's clock" is the real one."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from allyship.db import store
from allyship.rhythm import mail, nudges, outbox
from tests.smtp_server import smtp_server

UTC = timezone.utc


def _rows(path: Path) -> list[tuple[str, str, str | None]]:
    db = store.connect(path)
    try:
        return db.execute("SELECT week_start, status, last_error FROM outbox ORDER BY id"
                          ).fetchall()
    finally:
        db.conn.close()


@pytest.fixture
def this_week(chapter) -> str:
    """The member's reminder on, due from Monday 00:00 — so due this week, whatever today
    is; returns the Monday of this week (UTC, the chapter's time zone)."""
    nudges.save_setting(chapter.db, chapter.member, "reminder", enabled=True, weekday=0, hour=0)
    return nudges.local_week(datetime.now(UTC), UTC).isoformat()


@pytest.mark.server
def test_a_run_ahead_of_the_clock_never_queues_or_sends_a_week_not_yet_begun(
        chapter, db_path: Path, this_week: str) -> None:
    ahead = datetime.now(UTC) + timedelta(days=7)  # next week, by the run's clock
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        early = outbox.run(db_path, now=ahead, smtp=smtp)
        assert (early.queued, early.sent, early.held) == (0, 0, 1)
        assert "not queued: their week has not started by this machine's clock" in \
            early.summary()
        assert _rows(db_path) == [] and inbox.messages == []
        # The real clock's run still sends this week's reminder, once.
        real = outbox.run(db_path, smtp=smtp)
        assert (real.queued, real.sent) == (1, 1)
        again = outbox.run(db_path, now=ahead, smtp=smtp)
        assert (again.queued, again.sent, again.held) == (0, 0, 1)
        assert inbox.recipients() == [chapter.member.email]
    assert _rows(db_path) == [(this_week, "sent", None)]  # nothing marked for next week


@pytest.mark.server
def test_retries_waiting_are_not_given_up_by_a_run_whose_clock_is_ahead(
        chapter, db_path: Path, this_week: str) -> None:
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        inbox.refuse = True
        assert outbox.run(db_path, smtp=smtp).failed == 1  # waits for a retry
        inbox.refuse = False
        ahead = outbox.run(db_path, now=datetime.now(UTC) + timedelta(days=8), smtp=smtp)
        assert ahead.expired == 0 and ahead.skipped == 0
        later = outbox.run(db_path, now=datetime.now(UTC) + timedelta(minutes=6), smtp=smtp)
        assert ahead.sent + later.sent == 1
        assert inbox.recipients() == [chapter.member.email]
    assert _rows(db_path) == [(this_week, "sent", None)]


@pytest.mark.server
def test_a_run_behind_the_clock_gives_up_nothing_of_this_week(
        chapter, db_path: Path, this_week: str) -> None:
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        inbox.refuse = True
        assert outbox.run(db_path, smtp=smtp).failed == 1
        inbox.refuse = False
        behind = outbox.run(db_path, now=datetime.now(UTC) - timedelta(days=3), smtp=smtp)
        assert behind.expired == 0
        outbox.run(db_path, now=datetime.now(UTC) + timedelta(minutes=6), smtp=smtp)
        assert Counter(inbox.recipients())[chapter.member.email] >= 1
    assert (this_week, "sent", None) in _rows(db_path)
    assert not [r for r in _rows(db_path) if r[1] == "skipped"]


@pytest.mark.server
def test_a_message_whose_week_ended_is_counted_and_shown_with_its_reason(
        chapter, db_path: Path) -> None:
    nudges.save_setting(chapter.db, chapter.member, "reminder", enabled=True, weekday=6, hour=22)
    sunday = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        inbox.refuse = True
        assert outbox.run(db_path, now=sunday, smtp=smtp).failed == 1
        inbox.refuse = False
        monday = outbox.run(db_path, now=sunday + timedelta(hours=3), smtp=smtp)
        assert (monday.sent, monday.skipped, monday.expired) == (0, 1, 1)
        assert "of which 1 expired (their week ended before sending)" in monday.summary()
        assert inbox.messages == []
    [(week, status, error)] = _rows(db_path)
    assert (week, status) == ("2026-11-16", "skipped")
    assert error.startswith("not sent: its week is over after 1 attempt(s); last error: ")
    assert "451" in error
    shown = outbox.status(chapter.db, chapter.admin)
    assert [f["name"] for f in shown.failures] == ["Mo Member"]
    assert shown.failures[0]["last_error"] == error
    assert "1 not sent: their week ended first" in shown.last_run["note"]


@pytest.mark.server
def test_a_queued_message_never_tried_before_its_week_ended_is_counted_too(
        chapter, db_path: Path) -> None:
    nudges.save_setting(chapter.db, chapter.member, "reminder", enabled=True, weekday=6, hour=22)
    sunday = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)
    outbox.queue_due(chapter.db, sunday)  # queued, then the sender was down all night
    with smtp_server() as inbox:
        monday = outbox.run(db_path, now=sunday + timedelta(hours=3),
                            smtp=mail.parse_smtp_url(inbox.url))
    assert monday.expired == 1 and inbox.messages == []
    [(_, status, error)] = _rows(db_path)
    assert status == "skipped" and error == "not sent: its week is over before it could be sent"


def test_now_is_documented_as_for_previews_and_tests_only() -> None:
    from click.testing import CliRunner

    from allyship.commands.running import nudges_group

    out = CliRunner().invoke(nudges_group, ["run", "--help"], terminal_width=200)
    text = " ".join(out.output.split())
    assert "For previews (with --dry-run) and tests only" in text
    assert "never queues or sends a week that has not started by this machine's clock" in text


@pytest.mark.server
def test_a_run_whose_clock_is_a_week_behind_sends_nothing_of_last_week_and_counts_it(
        chapter, db_path: Path, this_week: str) -> None:
    """After a run at the real time, a run whose clock shows last week (a clock set back)
    finds last week's reminder due; that week is over, so it is neither queued nor sent
    now, but counted and named in the run's note, which the admin sees."""
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        real = outbox.run(db_path, smtp=smtp)
        assert real.sent == 1
        behind = outbox.run(db_path, now=datetime.now(UTC) - timedelta(days=7), smtp=smtp)
        assert (behind.queued, behind.sent, behind.late) == (0, 0, 1)
        assert "1 not queued: their week was already over" in behind.summary()
        assert inbox.recipients() == [chapter.member.email]  # this week's, once
    assert _rows(db_path) == [(this_week, "sent", None)]
    shown = outbox.status(chapter.db, chapter.admin)
    assert "1 not queued: their week was already over" in shown.last_run["note"]


@pytest.mark.server
def test_a_retry_of_a_week_over_by_an_earlier_runs_clock_is_expired_not_sent_late(
        chapter, db_path: Path) -> None:
    """Sunday's reminder fails and waits for its retry; a run on Monday (the retry not due
    yet) has seen the new week; a run whose clock is set back to Sunday night then finds
    the retry due — it must not send Sunday's reminder now: expired, counted, with its
    reason."""
    nudges.save_setting(chapter.db, chapter.member, "reminder", enabled=True, weekday=6, hour=22)
    sunday = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)

    def retry_at(moment: datetime) -> None:
        db = store.connect(db_path)
        try:
            with store.transaction(db):
                db.execute("UPDATE outbox SET next_attempt_at = ?",
                           [moment.replace(microsecond=0).isoformat()])
        finally:
            db.conn.close()

    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        inbox.refuse = True
        assert outbox.run(db_path, now=sunday, smtp=smtp).failed == 1
        inbox.refuse = False
        retry_at(sunday + timedelta(days=2))
        monday = outbox.run(db_path, now=sunday + timedelta(hours=3), smtp=smtp)
        assert (monday.sent, monday.expired) == (0, 0)  # the retry was not due
        retry_at(sunday + timedelta(minutes=5))
        back = outbox.run(db_path, now=sunday + timedelta(minutes=10), smtp=smtp)
        assert (back.sent, back.expired, back.skipped) == (0, 1, 1)
        assert inbox.messages == []
    [(week, status, error)] = _rows(db_path)
    assert (week, status) == ("2026-11-16", "skipped") and error.startswith(outbox.EXPIRED)
