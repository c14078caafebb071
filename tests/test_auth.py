"""Signing in: password hashing, lockout, one-time set-up codes, and the three
sign-in modes through the real app (AppTest)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from apptest_helpers import APP, sign_in_page
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from allyship.cli import main as cli_main
from allyship.core.access import PermissionDenied
from allyship.core.models import MemberDraft, ValidationError
from allyship.db import store
from allyship.people import passwords, roster

PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def with_password(db, member, password=PASSWORD):
    issued = passwords.issue_setup_code_for_operator(db, member.email)
    return passwords.redeem_setup_code(db, member.email, issued.code, password)


# --- hashing -------------------------------------------------------------------------

def test_a_password_hash_is_salted_scrypt_and_verifies_only_the_password():
    h1, h2 = passwords.hash_password(PASSWORD), passwords.hash_password(PASSWORD)
    assert h1.startswith("scrypt$") and h1 != h2  # a fresh salt each time
    assert PASSWORD not in h1
    assert passwords.verify_password(PASSWORD, h1)
    assert not passwords.verify_password(PASSWORD + "!", h1)
    assert not passwords.verify_password(PASSWORD, None)
    assert not passwords.verify_password(PASSWORD, "plain$text")


@pytest.mark.parametrize("bad", ["short", "", "x" * 300, "mo@example.org"])
def test_weak_or_silly_new_passwords_are_refused(bad):
    with pytest.raises(ValidationError):
        passwords.check_new_password(bad, email="mo@example.org")


# --- signing in and the lockout ----------------------------------------------------

def test_the_right_password_signs_in_and_a_wrong_one_does_not(chapter):
    with_password(chapter.db, chapter.member)
    assert passwords.sign_in_with_password(chapter.db, "MO@example.org ", PASSWORD).id == \
        chapter.member.id
    with pytest.raises(passwords.SignInFailed, match="do not match"):
        passwords.sign_in_with_password(chapter.db, "mo@example.org", "wrong password!")


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(chapter):
    with pytest.raises(passwords.SignInFailed) as unknown:
        passwords.sign_in_with_password(chapter.db, "nobody@example.org", PASSWORD)
    with pytest.raises(passwords.SignInFailed) as no_password_yet:
        passwords.sign_in_with_password(chapter.db, "mo@example.org", PASSWORD)
    assert str(unknown.value) == str(no_password_yet.value)


def test_five_failures_lock_the_email_even_for_the_right_password_until_the_lock_ends(db_path,
                                                                                       chapter):
    db = chapter.db
    with_password(db, chapter.member)
    for _ in range(passwords.MAX_FAILURES - 1):
        with pytest.raises(passwords.SignInFailed, match="do not match"):
            passwords.sign_in_with_password(db, "mo@example.org", "wrong", now=NOW)
    with pytest.raises(passwords.SignInFailed, match="Too many attempts"):
        passwords.sign_in_with_password(db, "mo@example.org", "wrong", now=NOW)
    # The lock is in the database: a new connection (another process, a restart) sees it.
    other = store.connect(db_path)
    with pytest.raises(passwords.SignInFailed, match="Too many attempts"):
        passwords.sign_in_with_password(other, "mo@example.org", PASSWORD,
                                        now=NOW + timedelta(minutes=5))
    later = NOW + timedelta(minutes=passwords.LOCK_MINUTES, seconds=1)
    assert passwords.sign_in_with_password(other, "mo@example.org", PASSWORD, now=later)
    assert other["login_attempts"].count == 0  # success clears the count
    other.conn.close()


def test_the_lockout_is_per_email(chapter):
    with_password(chapter.db, chapter.member)
    with_password(chapter.db, chapter.teammate)
    for _ in range(passwords.MAX_FAILURES):
        with pytest.raises(passwords.SignInFailed):
            passwords.sign_in_with_password(chapter.db, "mo@example.org", "wrong", now=NOW)
    assert passwords.sign_in_with_password(chapter.db, "tam@example.org", PASSWORD, now=NOW)


def test_a_deactivated_member_cannot_sign_in(chapter):
    with_password(chapter.db, chapter.member)
    roster.set_member_active(chapter.db, chapter.admin, chapter.member.id, False)
    with pytest.raises(passwords.SignInFailed, match="deactivated"):
        passwords.sign_in_with_password(chapter.db, "mo@example.org", PASSWORD)


# --- set-up codes ----------------------------------------------------------------------

def test_a_set_up_code_is_stored_hashed_works_once_and_records_no_secret(chapter):
    db = chapter.db
    issued = passwords.issue_setup_code(db, chapter.admin, chapter.member.id, now=NOW)
    raw = issued.code.replace("-", "")
    dump = "\n".join(db.conn.iterdump())
    assert raw not in dump and issued.code not in dump
    member = passwords.redeem_setup_code(db, "mo@example.org", issued.code.lower(), PASSWORD,
                                         now=NOW + timedelta(hours=1))
    assert member.id == chapter.member.id
    with pytest.raises(passwords.SignInFailed, match="not valid"):
        passwords.redeem_setup_code(db, "mo@example.org", issued.code, "another password",
                                    now=NOW + timedelta(hours=2))
    details = "".join(r[0] for r in db.execute("SELECT details FROM audit_log"))
    stored_hash = db.execute("SELECT password_hash FROM members WHERE id = ?",
                             [member.id]).fetchone()[0]
    assert PASSWORD not in details and stored_hash not in details and raw not in details


def test_a_set_up_code_expires(chapter):
    issued = passwords.issue_setup_code(chapter.db, chapter.admin, chapter.member.id, hours=2,
                                        now=NOW)
    with pytest.raises(passwords.SignInFailed, match="expired"):
        passwords.redeem_setup_code(chapter.db, "mo@example.org", issued.code, PASSWORD,
                                    now=NOW + timedelta(hours=2, seconds=1))


def test_a_new_code_cancels_the_earlier_one(chapter):
    first = passwords.issue_setup_code(chapter.db, chapter.admin, chapter.member.id)
    second = passwords.issue_setup_code(chapter.db, chapter.admin, chapter.member.id)
    with pytest.raises(passwords.SignInFailed):
        passwords.redeem_setup_code(chapter.db, "mo@example.org", first.code, PASSWORD)
    assert passwords.redeem_setup_code(chapter.db, "mo@example.org", second.code, PASSWORD)


def test_a_code_is_only_good_for_its_own_member(chapter):
    issued = passwords.issue_setup_code(chapter.db, chapter.admin, chapter.member.id)
    with pytest.raises(passwords.SignInFailed):
        passwords.redeem_setup_code(chapter.db, "tam@example.org", issued.code, PASSWORD)


@pytest.mark.slow
def test_a_password_lockout_does_not_block_the_admins_set_up_code_and_the_code_lifts_it(chapter):
    db = chapter.db
    with_password(db, chapter.member)
    for _ in range(passwords.MAX_FAILURES):
        with pytest.raises(passwords.SignInFailed):
            passwords.sign_in_with_password(db, "mo@example.org", "an attacker's guess", now=NOW)
    with pytest.raises(passwords.Locked):
        passwords.sign_in_with_password(db, "mo@example.org", PASSWORD, now=NOW)
    issued = passwords.issue_setup_code(db, chapter.admin, chapter.member.id, now=NOW)
    # Wrong codes (79 random bits each) lock nothing and write nothing.
    before = db["login_attempts"].count, db["audit_log"].count
    for _ in range(3 * passwords.MAX_FAILURES):
        with pytest.raises(passwords.SignInFailed, match="not valid"):
            passwords.redeem_setup_code(db, "mo@example.org", "AAAA-BBBB-CCCC-DDDD",
                                        "a fresh new password", now=NOW)
    assert (db["login_attempts"].count, db["audit_log"].count) == before
    passwords.redeem_setup_code(db, "mo@example.org", issued.code, "a fresh new password",
                                now=NOW + timedelta(minutes=1))
    assert passwords.sign_in_with_password(db, "mo@example.org", "a fresh new password",
                                           now=NOW + timedelta(minutes=2))


def test_a_weak_password_leaves_the_code_unspent(chapter):
    issued = passwords.issue_setup_code(chapter.db, chapter.admin, chapter.member.id)
    with pytest.raises(ValidationError):
        passwords.redeem_setup_code(chapter.db, "mo@example.org", issued.code, "short")
    assert passwords.redeem_setup_code(chapter.db, "mo@example.org", issued.code, PASSWORD)


def test_no_code_for_a_deactivated_member(chapter):
    roster.set_member_active(chapter.db, chapter.admin, chapter.member.id, False)
    with pytest.raises(ValidationError):
        passwords.issue_setup_code(chapter.db, chapter.admin, chapter.member.id)


# --- changing one's password -----------------------------------------------------------

def test_changing_my_password_needs_the_current_one(chapter):
    db, mo = chapter.db, chapter.member
    with_password(db, mo)
    with pytest.raises(ValidationError) as exc:
        passwords.change_password(db, mo, "not it at all", "a brand new password")
    assert "current" in exc.value.errors
    passwords.change_password(db, mo, PASSWORD, "a brand new password")
    assert passwords.sign_in_with_password(db, mo.email, "a brand new password")
    with pytest.raises(passwords.SignInFailed):
        passwords.sign_in_with_password(db, mo.email, PASSWORD)


def test_an_account_without_a_password_has_none_to_change(chapter):
    with pytest.raises(PermissionDenied):
        passwords.change_password(chapter.db, chapter.member, "", "a brand new password")


def test_the_failed_login_and_code_tables_exist_after_migration(db):
    assert store.schema_version(db) >= 2
    with pytest.raises(sqlite3.IntegrityError):  # a code belongs to a real member
        db.execute("INSERT INTO setup_codes (member_id, code_hash, created_at, expires_at)"
                   " VALUES (999, 'x', 'now', 'later')")


# --- the command line -------------------------------------------------------------------

def test_setup_code_command_prints_a_code_that_sets_the_first_admins_password(tmp_path):
    path = tmp_path / "real.db"
    runner = CliRunner()
    assert runner.invoke(cli_main, ["init", "--db", str(path), "--chapter", "Riverbend",
                                    "--admin-name", "Jordan", "--admin-email",
                                    "jordan@example.org"]).exit_code == 0
    result = runner.invoke(cli_main, ["setup-code", "--db", str(path), "--email",
                                      "jordan@example.org"])
    assert result.exit_code == 0, result.output
    code = result.output.split(": ", 1)[1].split()[0]
    db = store.connect(path)
    assert passwords.redeem_setup_code(db, "jordan@example.org", code, PASSWORD).is_admin
    unknown = runner.invoke(cli_main, ["setup-code", "--db", str(path), "--email",
                                       "who@example.org"])
    assert unknown.exit_code == 1 and "No member" in unknown.output


# --- the app: the three modes ---------------------------------------------------------

AUTH_SECRETS = {"auth": {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "id", "client_secret": "secret",
    "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
}}


@pytest.fixture
def real_app(tmp_path, monkeypatch):
    """A real (non-demo) chapter in a file the app opens."""
    path = tmp_path / "real.db"
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    monkeypatch.delenv("ALLYSHIP_PASSWORD_SIGN_IN", raising=False)
    db = store.connect(path)
    ch = roster.create_chapter(db, "Riverbend")
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Jordan Admin", "jordan@example.org"))
    team = roster.create_team(db, admin, "Outreach")
    roster.add_member(db, admin, MemberDraft("Robin Member", "robin@example.org", "member",
                                             team.id))
    yield db
    db.conn.close()


def app(**kw) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in kw.items():
        setattr(at, k, v)
    return at


def test_a_real_database_with_no_sign_in_mode_refuses_to_open(real_app):
    at = app().run()
    assert not at.exception
    assert "no way to sign in" in at.error[0].value and "setup-code" in at.error[0].value
    assert not at.text_input and not at.dataframe


def test_oidc_signed_in_member_reaches_their_pages(real_app):
    at = app(secrets=AUTH_SECRETS, user={"is_logged_in": True,
                                         "email": "Robin@Example.org"}).run()
    assert not at.exception
    assert at.title[0].value == "My week"
    assert any("Signed in as **Robin Member**" in c.value for c in at.sidebar.caption)


def test_oidc_unknown_email_sees_only_a_polite_note(real_app):
    at = app(secrets=AUTH_SECRETS, user={"is_logged_in": True,
                                         "email": "stranger@example.org"}).run()
    assert not at.exception
    assert "ask your chapter admin to add you" in at.info[0].value
    assert not at.dataframe and not at.metric and "member_id" not in at.session_state


def test_oidc_unverified_email_is_not_taken_as_the_member(real_app):
    at = app(secrets=AUTH_SECRETS, user={"is_logged_in": True, "email": "robin@example.org",
                                         "email_verified": False}).run()
    assert "ask your chapter admin" in at.info[0].value and not at.metric


def test_oidc_deactivated_member_is_turned_away(real_app):
    admin = roster.find_member_by_email(real_app, "jordan@example.org")
    robin = roster.find_member_by_email(real_app, "robin@example.org")
    roster.set_member_active(real_app, admin, robin.id, False)
    at = app(secrets=AUTH_SECRETS, user={"is_logged_in": True,
                                         "email": "robin@example.org"}).run()
    assert "deactivated" in at.info[0].value and not at.metric


def test_oidc_not_yet_signed_in_is_offered_the_login_button(real_app):
    at = app(secrets=AUTH_SECRETS, user={"is_logged_in": False}).run()
    assert [b.label for b in at.button] == ["Sign in with your organisation account"]
    assert not at.text_input  # no password form unless password sign-in is usable


def test_named_providers_each_get_a_button(real_app):
    secrets = {"auth": {**{k: v for k, v in AUTH_SECRETS["auth"].items()
                           if k in ("redirect_uri", "cookie_secret")},
                        "google": {"client_id": "g"}, "microsoft": {"client_id": "m"}}}
    at = app(secrets=secrets, user={"is_logged_in": False}).run()
    assert [b.label for b in at.button] == ["Sign in with Google", "Sign in with Microsoft"]


def password_attempt(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="signin_email").input(email)
    at.text_input(key="signin_password").input(password)
    return at.button(key="FormSubmitter:password_sign_in-Sign in").click().run()


@pytest.mark.slow
def test_password_mode_wrong_password_then_lockout_then_no_data(real_app):
    robin = roster.find_member_by_email(real_app, "robin@example.org")
    with_password(real_app, robin)
    at = sign_in_page()
    assert at.title[0].value == "Sign in"
    password_attempt(at, "robin@example.org", "not the password")
    assert "do not match" in at.error[0].value and not at.metric
    for _ in range(passwords.MAX_FAILURES - 1):
        password_attempt(at, "robin@example.org", "still not it")
    assert "Too many attempts" in at.error[0].value
    password_attempt(at, "robin@example.org", PASSWORD)  # right, but locked
    assert "Too many attempts" in at.error[0].value and "member_id" not in at.session_state


def test_password_mode_success_opens_the_members_pages(real_app):
    robin = roster.find_member_by_email(real_app, "robin@example.org")
    with_password(real_app, robin)
    at = password_attempt(sign_in_page(), "robin@example.org", PASSWORD)
    assert not at.exception and not at.error
    assert at.title[0].value == "My week"
    assert at.session_state["member_id"] == robin.id


def test_a_set_up_code_in_the_app_sets_the_password_and_signs_in(real_app):
    issued = passwords.issue_setup_code_for_operator(real_app, "jordan@example.org")
    at = sign_in_page()  # a pending code makes password sign-in usable
    at.text_input(key="setup_email").input("jordan@example.org")
    at.text_input(key="setup_code_value").input(issued.code)
    at.text_input(key="setup_new_password").input(PASSWORD)
    at.text_input(key="setup_new_password_again").input(PASSWORD)
    at.button(key="FormSubmitter:setup_code-Set my password and sign in").click().run()
    assert not at.exception and at.title[0].value == "My week"
    assert passwords.sign_in_with_password(real_app, "jordan@example.org", PASSWORD)


def test_password_mode_switched_on_by_configuration_shows_the_form(real_app, monkeypatch):
    monkeypatch.setenv("ALLYSHIP_PASSWORD_SIGN_IN", "1")
    at = app().run()
    assert at.title[0].value == "Sign in" and at.text_input(key="signin_email")


def test_signing_out_returns_to_the_sign_in_page(real_app):
    robin = roster.find_member_by_email(real_app, "robin@example.org")
    with_password(real_app, robin)
    at = password_attempt(sign_in_page(), "robin@example.org", PASSWORD)
    at.switch_page("pages/account.py").run()
    at.button(key="account_sign_out").click().run()
    assert "member_id" not in at.session_state
    at.switch_page("streamlit_app.py").run()
    assert at.title[0].value == "Sign in"


def test_changing_password_on_the_account_page(real_app):
    robin = roster.find_member_by_email(real_app, "robin@example.org")
    with_password(real_app, robin)
    at = password_attempt(sign_in_page(), "robin@example.org", PASSWORD)
    at.switch_page("pages/account.py").run()
    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new").input("an entirely new phrase")
    at.text_input(key="pw_again").input("an entirely new phrase")
    at.button(key="FormSubmitter:change_password-Change password").click().run()
    assert not at.exception and not at.error
    assert passwords.sign_in_with_password(real_app, robin.email, "an entirely new phrase")
