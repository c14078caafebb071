"""Password guesses are limited however they arrive: the lockout holds when the same guess
arrives 16 times at once or from several app sessions, strangers cannot make the database
grow, and an admin sees and lifts a lockout."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from apptest_helpers import sign_in_page
from at_once import at_once, failures

from allyship.core.access import PermissionDenied
from allyship.core.models import MemberDraft
from allyship.db import migrations, store
from allyship.people import passwords, roster, sessions

PASSWORD = "correct horse battery"


NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


THREADS = 16


def with_password(db, member, password=PASSWORD):
    issued = passwords.issue_setup_code_for_operator(db, member.email)
    return passwords.redeem_setup_code(db, member.email, issued.code, password)


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """Every password actually checked (the real scrypt check, counted)."""
    seen: list[str] = []
    lock = threading.Lock()
    real = passwords.verify_password

    def counting(password: str, stored: str | None) -> bool:
        with lock:
            seen.append(password)
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", counting)
    return seen


def audit_rows(db, action: str) -> list[dict]:
    return list(db.query("SELECT * FROM audit_log WHERE action = ? ORDER BY id", [action]))


# --- the lockout under races --------------------------------------------------------------

@pytest.mark.slow
def test_sixteen_threads_guessing_at_once_get_five_guesses_checked_and_the_lock_holds(
        db_path, chapter, checked):
    with_password(chapter.db, chapter.member)
    checked.clear()

    def attacker(db, n: int) -> list[str]:
        outcomes = []
        for i in range(8):
            try:
                passwords.sign_in_with_password(db, "mo@example.org", f"guess {n}-{i}",
                                                now=NOW)
                outcomes.append("signed in")
            except passwords.Locked:
                outcomes.append("locked")
            except passwords.SignInFailed:
                outcomes.append("wrong")
        return outcomes

    per_thread = at_once(THREADS, db_path, attacker)
    assert failures(per_thread) == []
    outcomes = [o for thread in per_thread for o in thread]

    assert len(outcomes) == THREADS * 8
    assert len(checked) <= passwords.MAX_FAILURES, f"{len(checked)} guesses were checked"
    assert "signed in" not in outcomes
    assert outcomes.count("wrong") + outcomes.count("locked") == THREADS * 8
    checked.clear()
    with pytest.raises(passwords.Locked):
        passwords.sign_in_with_password(chapter.db, "mo@example.org", PASSWORD,
                                        now=NOW + timedelta(minutes=14))
    assert checked == []  # refused without checking, right password or not
    # One entry for the window's failures, one for the lock: aggregated, no passwords.
    assert len(audit_rows(chapter.db, "failed sign-in")) == 1
    [locked] = audit_rows(chapter.db, "sign-in locked")
    assert json.loads(locked["details"])["failed_attempts"] == passwords.MAX_FAILURES
    log = "\n".join(r[0] for r in chapter.db.execute("SELECT details FROM audit_log"))
    assert "guess" not in log and PASSWORD not in log
    later = NOW + timedelta(minutes=passwords.LOCK_MINUTES, seconds=1)
    assert passwords.sign_in_with_password(chapter.db, "mo@example.org", PASSWORD, now=later)


def _app_session_guessing(db_path: str, n: int, barrier, results) -> None:  # noqa: ANN001
    """One browser session (an AppTest in a process of its own) making three wrong
    guesses as soon as every session is ready; reports its errors and the number of
    passwords its server process actually checked."""
    import os

    os.environ["ALLYSHIP_DB"] = db_path
    seen = []
    real = passwords.verify_password
    passwords.verify_password = lambda pw, stored: seen.append(pw) or real(pw, stored)
    at = sign_in_page()
    barrier.wait()
    errors = []
    for i in range(3):
        at.text_input(key="signin_email").input("robin@example.org")
        at.text_input(key="signin_password").input(f"wrong {n}-{i}")
        at.button(key="FormSubmitter:password_sign_in-Sign in").click().run()
        errors.extend(e.value for e in at.error)
    results.put((errors, len(seen), "member_id" in at.session_state))


@pytest.mark.slow
def test_several_app_sessions_guessing_at_once_get_five_guesses_checked(tmp_path, monkeypatch):
    import multiprocessing

    path = tmp_path / "real.db"
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    db = store.connect(path)
    ch = roster.create_chapter(db, "Riverbend")
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Jordan Admin", "jordan@example.org"))
    robin = roster.add_member(db, admin, MemberDraft("Robin Member", "robin@example.org"))
    with_password(db, robin)

    # Separate processes, as separate server processes behind nginx would be: AppTest
    # sessions cannot run side by side in one process.
    spawn = multiprocessing.get_context("spawn")
    sessions_n = 4
    barrier, results = spawn.Barrier(sessions_n), spawn.Queue()
    procs = [spawn.Process(target=_app_session_guessing, args=(str(path), n, barrier, results))
             for n in range(sessions_n)]
    for p in procs:
        p.start()
    reports = [results.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    errors = [e for r in reports for e in r[0]]
    checked = sum(r[1] for r in reports)
    assert len(errors) == sessions_n * 3
    assert all("Too many" in e or "do not match" in e for e in errors)
    assert checked <= passwords.MAX_FAILURES, f"{checked} guesses were checked"
    assert not any(r[2] for r in reports)

    at = sign_in_page()
    at.text_input(key="signin_email").input("robin@example.org")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button(key="FormSubmitter:password_sign_in-Sign in").click().run()
    assert "Too many attempts" in at.error[0].value and at.title[0].value == "Sign in"
    db.conn.close()


def test_a_failure_still_in_flight_never_shortens_a_lock(chapter):
    db = chapter.db
    with_password(db, chapter.member)
    # Five guesses counted (all in flight at once), then their failures land late and
    # out of order: the lock is the latest one asked for, never an earlier one.
    for _ in range(passwords.MAX_FAILURES):
        passwords._reserve_guess(db, "mo@example.org", NOW)
    passwords._confirm_failure(db, "mo@example.org", chapter.member.id,
                               NOW + timedelta(minutes=2))
    passwords._confirm_failure(db, "mo@example.org", chapter.member.id, NOW)
    assert passwords.locked_until(db, "mo@example.org", now=NOW) == \
        NOW + timedelta(minutes=2 + passwords.LOCK_MINUTES)
    with pytest.raises(passwords.Locked):
        passwords._reserve_guess(db, "mo@example.org", NOW + timedelta(minutes=16))


@pytest.mark.slow
def test_guesses_are_counted_per_window(chapter):
    db = chapter.db
    with_password(db, chapter.member)
    for _ in range(passwords.MAX_FAILURES - 1):
        with pytest.raises(passwords.SignInFailed, match="do not match"):
            passwords.sign_in_with_password(db, "mo@example.org", "wrong", now=NOW)
    # A new window: a fresh allowance of five.
    next_window = NOW + timedelta(minutes=passwords.WINDOW_MINUTES, seconds=1)
    for _ in range(passwords.MAX_FAILURES - 1):
        with pytest.raises(passwords.SignInFailed, match="do not match"):
            passwords.sign_in_with_password(db, "mo@example.org", "wrong", now=next_window)
    with pytest.raises(passwords.Locked):
        passwords.sign_in_with_password(db, "mo@example.org", "wrong", now=next_window)


# --- no unbounded writes from strangers ---------------------------------------------------

def _db_bytes(db, path: Path) -> int:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def test_two_million_character_emails_are_refused_before_anything_is_written(db_path, chapter,
                                                                            checked):
    db = chapter.db
    before = _db_bytes(db, db_path)
    audit_before = db["audit_log"].count
    for n in range(5):
        huge = f"{n}" + "a" * 2_000_000 + "@example.org"
        with pytest.raises(passwords.SignInFailed, match="not an email address"):
            passwords.sign_in_with_password(db, huge, "whatever it is")
        with pytest.raises(passwords.SignInFailed, match="not an email address"):
            passwords.redeem_setup_code(db, huge, "AAAA-BBBB-CCCC-DDDD", "a new password!")
    assert _db_bytes(db, db_path) == before
    assert db["login_attempts"].count == 0 and db["audit_log"].count == audit_before
    assert checked == []  # not even hashed


@pytest.mark.parametrize("bad", ["no-at-sign", "two@@example.org", "sp ace@example.org",
                                 "bell\x07@example.org", "a@b", "x" * 250 + "@example.org"])
def test_emails_of_the_wrong_shape_or_length_write_nothing(chapter, bad):
    with pytest.raises(passwords.SignInFailed, match="not an email address"):
        passwords.sign_in_with_password(chapter.db, bad, "whatever it is")
    assert chapter.db["login_attempts"].count == 0


@pytest.mark.slow
def test_failures_for_strangers_emails_expire_and_are_logged_once_per_window(chapter):
    db = chapter.db
    for n in range(20):
        with pytest.raises(passwords.SignInFailed):
            passwords.sign_in_with_password(db, f"stranger{n}@example.org", "guess", now=NOW)
    assert db["login_attempts"].count == 21  # one row each, plus the window's log marker
    [logged] = audit_rows(db, "failed sign-in")
    assert "stranger" not in logged["details"]
    # Once their windows have passed, the next attempt sweeps them away.
    later = NOW + timedelta(minutes=passwords.WINDOW_MINUTES, seconds=1)
    with pytest.raises(passwords.SignInFailed):
        passwords.sign_in_with_password(db, "someone@example.org", "guess", now=later)
    assert db["login_attempts"].count == 2


# --- an admin lifts a lockout -------------------------------------------------------------

@pytest.mark.slow
def test_an_admin_sees_and_lifts_a_lockout_and_it_is_audited(chapter):
    db = chapter.db
    with_password(db, chapter.member)
    for _ in range(passwords.MAX_FAILURES):
        with pytest.raises(passwords.SignInFailed):
            passwords.sign_in_with_password(db, "mo@example.org", "wrong guess")
    assert set(passwords.lockouts(db, chapter.admin)) == {chapter.member.id}
    with pytest.raises(PermissionDenied):
        passwords.clear_lockout(db, chapter.lead, chapter.member.id)
    with pytest.raises(PermissionDenied):
        passwords.lockouts(db, chapter.member)
    assert passwords.clear_lockout(db, chapter.admin, chapter.member.id)
    assert passwords.lockouts(db, chapter.admin) == {}
    assert passwords.sign_in_with_password(db, "mo@example.org", PASSWORD)
    [entry] = audit_rows(db, "clear lockout")
    assert entry["actor_id"] == str(chapter.admin.id) or entry["actor_id"] == chapter.admin.id
    assert not passwords.clear_lockout(db, chapter.admin, chapter.member.id)  # nothing to lift


# --- the schema ---------------------------------------------------------------------------

def test_the_migration_keeps_running_locks_and_sign_in_bookkeeping_never_leaves_in_exports(
        tmp_path):
    from allyship.transfer import export

    path = tmp_path / "old.db"
    db = store.connect(path, migrate=False)
    for number, migration in enumerate(migrations.MIGRATIONS[:4], start=1):
        with store.transaction(db):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    soon = (datetime.now(timezone.utc) + timedelta(minutes=10)).replace(microsecond=0)
    db.execute("INSERT INTO login_failures VALUES ('Mo@Example.org', 0, ?, ?)",
               [soon.isoformat(), soon.isoformat()])
    db.execute("INSERT INTO login_failures VALUES ('old@example.org', 2, NULL, '2026-01-01')")
    store.apply_migrations(db)
    assert passwords.locked_until(db, "mo@example.org") == soon
    assert db["login_attempts"].count == 1 and "login_failures" not in db.table_names()
    exported = export.exported_tables(db)
    assert "sessions" not in exported and "login_attempts" not in exported
    db.conn.close()


def test_signing_in_and_out_leaves_no_trace_in_the_audit_log_admins_read(chapter):
    db = chapter.db
    before = db["audit_log"].count
    started = sessions.start(db, chapter.member)
    sessions.end(db, started.session_id)
    assert db["audit_log"].count == before  # when someone uses the app is nobody's business
