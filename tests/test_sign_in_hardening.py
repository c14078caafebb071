"""Issue 12, sign-in: the lockout holds when the same guess arrives 16 times at once,
failed sign-ins cannot grow the database without bound, an admin can lift a
lockout, and sessions are server-side, hashed, and end when they should."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from allyship.db import migrations, store
from allyship.people import passwords, roster, sessions
from allyship.core.access import PermissionDenied
from allyship.core.models import MemberDraft
from apptest_helpers import APP
from at_once import at_once, failures

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


# --- item 1: the lockout under races ----------------------------------------------------

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


def sign_in_page() -> AppTest:
    """The app's sign-in page in a new session. Run twice: on the very first run in a
    process Streamlit leaves its legacy pages mode and drops the first widget change
    (docs/DESIGN-NOTES.md, 9) — true before this issue too."""
    return AppTest.from_file(APP, default_timeout=60).run().run()


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


# --- item 7: no unbounded writes from strangers -------------------------------------------

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


# --- item 11: an admin lifts a lockout ----------------------------------------------------

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


# --- item 10: sessions ------------------------------------------------------------------

def test_a_session_token_is_handed_over_once_and_only_its_hash_is_stored(chapter):
    db = chapter.db
    started = sessions.start(db, chapter.member, now=NOW)
    token, max_age = sessions.collect(db, started.nonce, now=NOW + timedelta(seconds=5))
    assert max_age == sessions.SESSION_DAYS * 86400 - 5
    assert sessions.collect(db, started.nonce, now=NOW + timedelta(seconds=6)) is None
    dump = "\n".join(db.conn.iterdump())
    assert token not in dump and started.nonce not in dump
    sid, member = sessions.member_for_token(db, token, now=NOW + timedelta(days=1))
    assert sid == started.session_id and member.id == chapter.member.id
    assert sessions.member_for_token(db, token, now=NOW + timedelta(days=14, seconds=1)) is None
    assert sessions.member_for_token(db, token[:-1] + "x") is None


def test_a_hand_over_nonce_goes_stale(chapter):
    started = sessions.start(chapter.db, chapter.member, now=NOW)
    late = NOW + timedelta(seconds=sessions.HANDOVER_SECONDS + 1)
    assert sessions.collect(chapter.db, started.nonce, now=late) is None


def _live_token(db, member) -> str:
    return sessions.collect(db, sessions.start(db, member).nonce)[0]


def test_sign_out_deactivation_and_a_set_up_code_end_sessions(chapter):
    db = chapter.db
    token = _live_token(db, chapter.member)
    sid = sessions.member_for_token(db, token)[0]
    assert sessions.end(db, sid)
    assert sessions.member_for_token(db, token) is None
    assert sessions.member_for_session(db, sid, chapter.member.id) is None

    token = _live_token(db, chapter.member)
    roster.set_member_active(db, chapter.admin, chapter.member.id, False)
    assert db.execute("SELECT COUNT(*) FROM sessions WHERE member_id = ? AND revoked_at IS NULL",
                      [chapter.member.id]).fetchone()[0] == 0
    roster.set_member_active(db, chapter.admin, chapter.member.id, True)
    assert sessions.member_for_token(db, token) is None  # reactivating does not revive it

    token = _live_token(db, chapter.member)
    issued = passwords.issue_setup_code(db, chapter.admin, chapter.member.id)
    passwords.redeem_setup_code(db, chapter.member.email, issued.code, PASSWORD)
    assert sessions.member_for_token(db, token) is None


def test_changing_my_password_ends_my_other_sessions_but_not_this_one(chapter):
    db = chapter.db
    with_password(db, chapter.member)
    here, elsewhere = _live_token(db, chapter.member), _live_token(db, chapter.member)
    here_id = sessions.member_for_token(db, here)[0]
    passwords.change_password(db, chapter.member, PASSWORD, "a brand new password",
                              keep_session=here_id)
    assert sessions.member_for_token(db, here) is not None
    assert sessions.member_for_token(db, elsewhere) is None


def test_ended_sessions_are_forgotten_after_a_day(chapter):
    db = chapter.db
    old = sessions.start(db, chapter.member, now=NOW)
    sessions.end(db, old.session_id, now=NOW)
    new = sessions.start(db, chapter.member, now=NOW + timedelta(days=2))
    assert [r["id"] for r in db.query("SELECT id FROM sessions")] == [new.session_id]
    assert new.session_id != old.session_id  # ids are never reused


# --- the app: a sign-out in one tab ends the session in the other -------------------------

@pytest.fixture
def real_app(tmp_path, monkeypatch):
    path = tmp_path / "real.db"
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    db = store.connect(path)
    ch = roster.create_chapter(db, "Riverbend")
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Jordan Admin", "jordan@example.org"))
    robin = roster.add_member(db, admin, MemberDraft("Robin Member", "robin@example.org"))
    with_password(db, robin)
    yield db
    db.conn.close()


def test_signing_in_hands_the_browser_over_to_collect_its_cookie(real_app):
    at = sign_in_page()
    at.text_input(key="signin_email").input("robin@example.org")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button(key="FormSubmitter:password_sign_in-Sign in").click().run()
    assert not at.exception and at.title[0].value == "My week"
    sid = at.session_state["session_id"]
    [handover] = [e for e in at.get("html") if "/app/session/start?t=" in e.proto.body]
    nonce = handover.proto.body.split("?t=")[1].split('"')[0]
    assert sessions.collect(real_app, nonce) is not None  # the nonce is this session's
    assert real_app.execute("SELECT token_hash IS NOT NULL FROM sessions WHERE id = ?",
                            [sid]).fetchone()[0]
    at.switch_page("pages/my_week.py").run()
    assert not [e for e in at.get("html") if "/app/session/" in e.proto.body]  # once only


def test_a_sign_out_in_one_tab_ends_the_session_in_another(real_app):
    first = sign_in_page()
    first.text_input(key="signin_email").input("robin@example.org")
    first.text_input(key="signin_password").input(PASSWORD)
    first.button(key="FormSubmitter:password_sign_in-Sign in").click().run()
    # A second tab of the same browser: the cookie names the same session.
    second = AppTest.from_file(APP, default_timeout=60)
    second.session_state["auth_mode"] = "password"
    second.session_state["session_id"] = first.session_state["session_id"]
    second.session_state["member_id"] = first.session_state["member_id"]
    second.run()
    assert second.title[0].value == "My week"

    first.switch_page("pages/account.py").run()
    first.button(key="account_sign_out").click().run()
    assert first.title[0].value == "Sign in"
    assert [e for e in first.get("html") if "/app/session/end" in e.proto.body]  # the cookie

    second.switch_page("pages/my_plan.py").run()  # the page itself re-checks, too
    assert "member_id" not in second.session_state and second.error
    assert not [t for t in second.title if t.value == "My plan"]
    second.switch_page("streamlit_app.py").run()
    assert second.title[0].value == "Sign in"


# --- item 11: `init` says what to do next ----------------------------------------------

def printed_steps(output: str) -> tuple[list[str], list[str]]:
    """The set-up code command and the command that starts the app, as printed."""
    import shlex

    lines = [line.strip() for line in output.splitlines()]
    setup = next(line for line in lines if line.startswith("python -m allyship setup-code"))
    serve = next(line for line in lines if line.startswith("streamlit run"))
    return shlex.split(setup), shlex.split(serve)


def test_init_ends_with_next_steps_that_work_as_printed(tmp_path):
    import subprocess
    import sys

    from click.testing import CliRunner

    from allyship.cli import main as cli_main
    from tests_paths import ROOT

    path = tmp_path / "a folder with spaces" / "chapter.db"
    result = CliRunner().invoke(cli_main, ["init", "--db", str(path), "--chapter", "Riverbend",
                                           "--admin-name", "Jordan", "--admin-email",
                                           "jordan@example.org"])
    assert result.exit_code == 0, result.output
    assert "Next steps" in result.output and "First time? Use a set-up code" in result.output
    setup, serve = printed_steps(result.output)
    assert serve[-3:] == ["--", "--db", str(path.resolve())]
    done = subprocess.run([sys.executable, *setup[1:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    code = done.stdout.split(": ", 1)[1].split()[0]
    db = store.connect(path)
    assert passwords.redeem_setup_code(db, "jordan@example.org", code, PASSWORD).is_admin
    db.conn.close()


def test_an_admin_lifts_a_lockout_on_the_admin_page(demo_db):
    from apptest_helpers import open_as, persona

    db, member = persona(demo_db, "member")
    _, admin = persona(demo_db, "admin")
    for _ in range(passwords.MAX_FAILURES):
        with pytest.raises(passwords.SignInFailed):
            passwords.sign_in_with_password(db, member.email, "someone else's guess")
    at = open_as(demo_db, "admin", "pages/admin.py")
    assert at.selectbox(key="lockout_member").value == member.id
    at.button(key="FormSubmitter:clear_lockout-Lift the lockout").click().run()
    assert not at.exception
    assert any("Lifted the lockout" in s.value for s in at.success)
    assert passwords.lockouts(db, admin) == {}
    assert any("Nobody is locked out" in c.value for c in at.caption)
    db.conn.close()


def test_the_server_sends_no_usage_statistics_and_viewers_get_no_deploy_button():
    import subprocess
    import sys

    from tests_paths import ROOT

    shown = subprocess.run(
        [sys.executable, "-c", "from streamlit import config; config.get_config_options();"
         "print(config.get_option('browser.gatherUsageStats'),"
         " config.get_option('client.toolbarMode'))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert shown == ["False", "viewer"]


# --- the schema ----------------------------------------------------------------------------

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
