"""Sign-in sessions: kept server-side, ended everywhere by signing out or changing the
password, and bounded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from apptest_helpers import APP, sign_in_page
from streamlit.testing.v1 import AppTest

from allyship.core.models import MemberDraft
from allyship.db import store
from allyship.people import passwords, roster, sessions

PASSWORD = "correct horse battery"


NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def with_password(db, member, password=PASSWORD):
    issued = passwords.issue_setup_code_for_operator(db, member.email)
    return passwords.redeem_setup_code(db, member.email, issued.code, password)


# --- sessions -----------------------------------------------------------------------------

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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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
