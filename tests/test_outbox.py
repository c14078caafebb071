"""The outbox sends each due message exactly once — to a real SMTP server (aiosmtpd),
through the real command, across concurrent runs, a SIGKILL and a refusing server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from allyship.db import store
from allyship.rhythm import mail, nudges, outbox
from tests.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc


def _opt_everyone_in(path: Path) -> None:
    """Every member of the demo chapter turns the reminder on, due from Monday 00:00."""
    db = store.connect(path)
    with store.transaction(db):
        db.execute("INSERT OR REPLACE INTO nudge_settings SELECT id, 'reminder', 1, 0, 0, ''"
                   " FROM members")
    db.conn.close()


def _expected(path: Path, now: datetime) -> Counter:
    db = store.connect(path)
    try:
        return Counter(d.member.email for d in nudges.due_messages(db, now))
    finally:
        db.conn.close()


def _cli(path: Path, inbox, *args: str) -> subprocess.Popen:
    env = {**os.environ, mail.SMTP_URL_ENV: inbox.url, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "allyship", "nudges", "run", "--db", str(path),
                             *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _statuses(path: Path) -> Counter:
    db = store.connect(path)
    try:
        return Counter(dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status")
                            .fetchall()))
    finally:
        db.conn.close()


@pytest.fixture
def now() -> datetime:
    # The demo's weeks are built around today; act "now", in this week.
    return datetime.now(UTC).replace(microsecond=0)


@pytest.mark.server
def test_a_run_delivers_each_due_message_once_with_both_parts_and_unsubscribe_headers(
        demo_db: Path, now: datetime) -> None:
    db = store.connect(demo_db)
    admin = db.execute("SELECT id FROM members WHERE role = 'admin' LIMIT 1").fetchone()[0]
    from allyship.people import roster
    nudges.save_chapter_settings(db, roster.get_member(db, admin), time_zone="UTC",
                                 public_url="https://ally.example.org")
    db.conn.close()
    expected = _expected(demo_db, now)
    assert expected, "the demo has members opted in, so something is due on first run"
    with smtp_server() as inbox:
        report = outbox.run(demo_db, now=now, smtp=mail.parse_smtp_url(inbox.url))
        assert report.sent == sum(expected.values()) and report.failed == 0
        assert Counter(inbox.recipients()) == expected
        for received in inbox.messages:
            msg = received.message
            assert received.mail_from == "allyship@example.org"
            assert msg["Subject"] in ("Your allyship week: a gentle reminder",
                                      "Your chapter's week in allyship") or \
                msg["Subject"].startswith("Your team's week in allyship: ")
            assert mail.text_part(msg) and mail.html_part(msg).startswith("<!DOCTYPE html>")
            unsub = str(msg["List-Unsubscribe"]).strip()  # may be folded onto a new line
            assert unsub.startswith("<https://ally.example.org/unsubscribe/") and unsub.endswith(">")
            assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert unsub[1:-1] in mail.text_part(msg) and unsub[1:-1] in mail.html_part(msg)
        # The same run again, and later the same week: nothing more.
        again = outbox.run(demo_db, now=now + timedelta(hours=1),
                           smtp=mail.parse_smtp_url(inbox.url))
        assert (again.queued, again.sent) == (0, 0)
        assert len(inbox.messages) == sum(expected.values())


@pytest.mark.server
def test_a_member_who_logs_before_a_retry_gets_nothing(chapter, db_path: Path) -> None:
    db = chapter.db
    nudges.save_setting(db, chapter.member, "reminder", enabled=True, weekday=4, hour=17)
    friday = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)
    with smtp_server() as inbox:
        inbox.refuse = True
        first = outbox.run(db_path, now=friday, smtp=mail.parse_smtp_url(inbox.url))
        assert first.failed == 1
        from allyship.core.models import ActionDraft
        from allyship.practice import journal
        journal.log_action(db, chapter.member, ActionDraft("2026-11-20", "Read a history", (4,)))
        inbox.refuse = False
        later = outbox.run(db_path, now=friday + timedelta(hours=1),
                           smtp=mail.parse_smtp_url(inbox.url))
        assert later.sent == 0 and later.skipped == 1 and inbox.messages == []


@pytest.mark.server
def test_a_message_from_a_week_that_has_ended_is_not_sent(chapter, db_path: Path) -> None:
    nudges.save_setting(chapter.db, chapter.member, "reminder", enabled=True, weekday=6, hour=22)
    sunday = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)
    with smtp_server() as inbox:
        inbox.refuse = True
        assert outbox.run(db_path, now=sunday, smtp=mail.parse_smtp_url(inbox.url)).failed == 1
        inbox.refuse = False
        monday = outbox.run(db_path, now=sunday + timedelta(hours=3),
                            smtp=mail.parse_smtp_url(inbox.url))
        assert monday.sent == 0 and monday.skipped == 1 and inbox.messages == []


@pytest.mark.slow
def test_dry_run_lists_who_would_get_what_and_writes_nothing(demo_db: Path, now) -> None:
    before = demo_db.read_bytes()
    env = {k: v for k, v in os.environ.items() if k != mail.SMTP_URL_ENV}
    out = subprocess.run([sys.executable, "-m", "allyship", "nudges", "run", "--db", str(demo_db),
                          "--dry-run", "--now", now.isoformat()], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    expected = _expected(demo_db, now)
    lines = [line for line in out.stdout.splitlines() if " to " in line]
    assert len(lines) == sum(expected.values()) > 0
    assert all(any(f"<{e}>" in line for line in lines) for e in expected)
    assert "nothing was written" in out.stdout
    db = store.connect(demo_db)
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    db.conn.close()


@pytest.mark.slow
def test_without_smtp_settings_the_command_says_how_to_set_them_up(demo_db: Path, tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != mail.SMTP_URL_ENV}
    env[mail.SECRETS_ENV] = str(tmp_path / "none.toml")
    out = subprocess.run([sys.executable, "-m", "allyship", "nudges", "run", "--db",
                          str(demo_db)], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 1
    assert "[smtp]" in out.stderr and "--dry-run" in out.stderr
    assert "Traceback" not in out.stderr
    assert _statuses(demo_db) == Counter()


@pytest.mark.slow
def test_bad_now_is_one_clear_line(demo_db: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "allyship", "nudges", "run", "--db",
                          str(demo_db), "--now", "friday", "--dry-run"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "--now must be" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.server
def test_concurrent_runs_never_send_a_message_twice(demo_db: Path, now) -> None:
    _opt_everyone_in(demo_db)
    expected = _expected(demo_db, now)
    assert sum(expected.values()) >= 8
    with smtp_server() as inbox:
        procs = [_cli(demo_db, inbox, "--now", now.isoformat()) for _ in range(4)]
        outputs = [p.communicate(timeout=180)[0] for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
        assert Counter(inbox.recipients()) == expected  # each exactly once
        sent_lines = sum(o.count("sent    ") for o in outputs)
        assert sent_lines == sum(expected.values())
    assert _statuses(demo_db) == Counter({"sent": sum(expected.values())})


@pytest.mark.server
def test_killed_mid_run_then_rerun_sends_each_message_exactly_once(demo_db: Path, now) -> None:
    _opt_everyone_in(demo_db)
    expected = _expected(demo_db, now)
    with smtp_server() as inbox:
        inbox.hold_at_rcpt = 4  # the 4th message: claimed, half-way through SMTP
        proc = _cli(demo_db, inbox, "--now", now.isoformat())
        assert inbox.held.wait(timeout=120), proc.communicate()[0]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        inbox.release.set()
        assert len(inbox.messages) == 3
        assert _statuses(demo_db)["sending"] == 1  # the claim the dead run left behind
        rerun = _cli(demo_db, inbox, "--now", (now + timedelta(minutes=15)).isoformat())
        out = rerun.communicate(timeout=180)[0]
        assert rerun.returncode == 0, out
        assert "recovered 1 from an interrupted run" in out
        assert Counter(inbox.recipients()) == expected
    assert _statuses(demo_db) == Counter({"sent": sum(expected.values())})


@pytest.mark.server
def test_smtp_refusing_then_recovering_retries_with_back_off(demo_db: Path, now) -> None:
    expected = _expected(demo_db, now)
    total = sum(expected.values())
    with smtp_server() as inbox:
        inbox.refuse = True
        first = _cli(demo_db, inbox, "--now", now.isoformat())
        out = first.communicate(timeout=180)[0]
        assert first.returncode == 3, out  # cron shows the owner a failing run
        assert out.count("FAILED") == total and "will retry" in out
        assert inbox.messages == []
        db = store.connect(demo_db)
        rows = db.execute("SELECT attempts, last_error, next_attempt_at FROM outbox").fetchall()
        assert all(a == 1 and "451" in err for a, err, _ in rows)
        db.conn.close()
        inbox.refuse = False
        # Too soon: the back-off holds them back.
        soon = _cli(demo_db, inbox, "--now", (now + timedelta(minutes=1)).isoformat())
        assert soon.communicate(timeout=180)[0].count("sent    ") == 0
        later = _cli(demo_db, inbox, "--now", (now + timedelta(minutes=6)).isoformat())
        out = later.communicate(timeout=180)[0]
        assert later.returncode == 0, out
        assert Counter(inbox.recipients()) == expected
    assert _statuses(demo_db) == Counter({"sent": total})


def test_the_server_unreachable_leaves_the_rest_waiting(chapter, db_path: Path) -> None:
    for m in (chapter.member, chapter.teammate, chapter.other):
        nudges.save_setting(chapter.db, m, "reminder", enabled=True, weekday=0, hour=0)
    from tests.e2e.harness import free_port
    nowhere = mail.parse_smtp_url(f"smtp://127.0.0.1:{free_port()}?from=a@example.org")
    report = outbox.run(db_path, now=datetime(2026, 11, 23, 9, tzinfo=UTC), smtp=nowhere)
    assert report.failed == 1 and report.sent == 0 and "could not be reached" in report.note
    assert _statuses(db_path) == Counter({"pending": 3})


def test_back_off_doubles_up_to_six_hours() -> None:
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=5),
                                                      timedelta(minutes=10),
                                                      timedelta(minutes=20)]
    assert outbox.backoff(20) == timedelta(hours=6)


@pytest.mark.server
def test_admin_status_shows_the_last_run_and_failures(chapter, db_path: Path) -> None:
    nudges.save_setting(chapter.db, chapter.member, "reminder", enabled=True, weekday=0, hour=0)
    with smtp_server() as inbox:
        inbox.refuse = True
        outbox.run(db_path, now=datetime(2026, 11, 23, 9, tzinfo=UTC),
                   smtp=mail.parse_smtp_url(inbox.url))
    status = outbox.status(chapter.db, chapter.admin)
    assert status.last_run["failed"] == 1 and status.counts == {"pending": 1}
    assert status.failures[0]["name"] == "Mo Member" and "451" in status.failures[0]["last_error"]
    from allyship.core import access
    with pytest.raises(access.PermissionDenied):
        outbox.status(chapter.db, chapter.lead)


@pytest.mark.server
def test_sixteen_runs_at_once_send_each_message_once(demo_db: Path, now) -> None:
    """The same run arriving 16 times at once (threads, each with its own connection and
    its own lock handle, as separate processes would have)."""
    from concurrent.futures import ThreadPoolExecutor

    _opt_everyone_in(demo_db)
    expected = _expected(demo_db, now)
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        with ThreadPoolExecutor(16) as pool:
            reports = list(pool.map(lambda _: outbox.run(demo_db, now=now, smtp=smtp), range(16)))
        assert sum(r.sent for r in reports) == sum(expected.values())
        assert sum(r.queued for r in reports) == sum(expected.values())
        assert Counter(inbox.recipients()) == expected
    assert _statuses(demo_db) == Counter({"sent": sum(expected.values())})


@pytest.mark.server
def test_hostile_names_arrive_escaped_through_a_real_server(chapter, db_path: Path) -> None:
    from allyship.core.models import MemberDraft, PlanDraft, PlanItemDraft
    from allyship.people import roster
    from allyship.practice import plans

    db = chapter.db
    evil = roster.add_member(db, chapter.admin, MemberDraft(
        '<b onmouseover=alert(1)>Zed</b> & "Co"', "zed@example.org", "lead", chapter.team_b))
    plans.save_plan(db, evil, PlanDraft("x", items=(PlanItemDraft(
        "next_step", "<script>steal()</script>", due_on="2026-11-25"),)))
    nudges.save_setting(db, evil, "reminder", enabled=True, weekday=0, hour=9)
    with smtp_server() as inbox:
        report = outbox.run(db_path, now=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
                            smtp=mail.parse_smtp_url(inbox.url))
        assert report.sent == 1
        [msg] = inbox.to("zed@example.org")
    html, text = mail.html_part(msg), mail.text_part(msg)
    assert "<script>" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;steal()&lt;/script&gt;" in html
    assert "<script>steal()</script>" in text  # plain text is shown as text by mail clients
    assert msg["To"].addresses[0].display_name == '<b onmouseover=alert(1)>Zed</b> & "Co"'
    assert msg["To"].addresses[0].addr_spec == "zed@example.org"
