"""Sessions that last, against the real server: the cookie routes over plain HTTP, and
in Chromium a password sign-in that survives a reload and a new tab, and a sign-out
in one tab that ends it in the other."""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from allyship.core.models import MemberDraft
from allyship.db import store
from allyship.people import passwords, roster, sessions

from .harness import RunningApp, running_app, sidebar

pytestmark = pytest.mark.browser

EMAIL = "robin@example.org"
PASSWORD = "a long walk by the river"
BROWSER = sessions.new_browser_id()  # the sign-in cookie of the browser that signed in
SAME_BROWSER = f"{sessions.BROWSER_COOKIE}={BROWSER}"


@pytest.fixture(scope="module")
def chapter_server(tmp_path_factory) -> Iterator[RunningApp]:
    """A real chapter (not the demo) with a member who has a password, on its own server."""
    path = tmp_path_factory.mktemp("sessions") / "chapter.db"
    db = store.connect(path)
    ch = roster.create_chapter(db, "Riverbend")
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Jordan Admin", "jordan@example.org"))
    robin = roster.add_member(db, admin, MemberDraft("Robin Member", EMAIL))
    issued = passwords.issue_setup_code_for_operator(db, robin.email)
    passwords.redeem_setup_code(db, robin.email, issued.code, PASSWORD)
    db.conn.close()
    with running_app(path) as app:
        yield app


def _get(app: RunningApp, path: str, cookie: str | None = None) -> http.client.HTTPResponse:
    url = urllib.parse.urlsplit(app.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _open(app: RunningApp):  # noqa: ANN202
    db = store.connect(app.db_path)
    return db, roster.find_member_by_email(db, EMAIL)


def test_the_start_route_sets_an_httponly_lax_cookie_once_and_end_drops_an_ended_ones(
        chapter_server):
    db, robin = _open(chapter_server)
    try:
        started = sessions.start(db, robin, browser=BROWSER)
        first = _get(chapter_server, f"/app/session/start?t={started.nonce}",
                     cookie=SAME_BROWSER)
        assert first.status == 303 and first.getheader("Location") == "/"
        cookie = first.getheader("Set-Cookie")
        assert cookie.startswith(f"{sessions.COOKIE_NAME}=")
        attrs = [a.strip().lower() for a in cookie.split(";")]
        assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs
        assert any(a.startswith("max-age=") and int(a.split("=")[1]) > 13 * 86400
                   for a in attrs)
        assert "no-store" in first.getheader("Cache-Control")
        token = cookie.split(";")[0].split("=", 1)[1]
        assert sessions.member_for_token(db, token)[1].id == robin.id
        assert token not in "\n".join(db.conn.iterdump())  # only its hash is stored

        replay = _get(chapter_server, f"/app/session/start?t={started.nonce}")
        assert replay.status == 303 and replay.getheader("Set-Cookie") is None
        assert _get(chapter_server, "/app/session/start?t=made-up-nonce-0000").getheader(
            "Set-Cookie") is None
        # Only ever back to the app itself, whatever the request asks for.
        odd = _get(chapter_server, "/app/session/start?t=x&next=https://evil.example/")
        assert odd.getheader("Location") == "/"

        # A link from elsewhere to the end route signs nobody out: it ends nothing.
        forged = _get(chapter_server, "/app/session/end",
                      cookie=f"{sessions.COOKIE_NAME}={token}")
        assert forged.status == 303 and forged.getheader("Set-Cookie") is None
        assert sessions.member_for_token(db, token) is not None
        # Sign-out ends the session on the server; the route then drops the cookie.
        assert sessions.end(db, sessions.member_for_token(db, token)[0])
        end = _get(chapter_server, "/app/session/end",
                   cookie=f"{sessions.COOKIE_NAME}={token}")
        assert end.status == 303 and end.getheader("Location") == "/"
        cleared = end.getheader("Set-Cookie")
        assert cleared.startswith(f'{sessions.COOKIE_NAME}=""') or \
            cleared.startswith(f"{sessions.COOKIE_NAME}=;")
        assert "max-age=0" in cleared.lower()
        assert sessions.member_for_token(db, token) is None
    finally:
        db.conn.close()


# --- in Chromium ----------------------------------------------------------------------

def _sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    form = page.get_by_role("tabpanel", name="Email and password")
    form.get_by_label("Email").fill(EMAIL)
    form.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    # Signed in, the page sends the browser once to collect its cookie, then back.
    with page.expect_response(lambda r: "/app/session/start" in r.url) as handover:
        form.get_by_role("button", name="Sign in").click()
    assert handover.value.status == 303
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()


def _signed_in(page: Page) -> None:
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    expect(sidebar(page)).to_contain_text("Signed in as Robin Member")


def _signed_out(page: Page) -> None:
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(sidebar(page).get_by_role("link")).to_have_count(0)


def test_a_password_sign_in_survives_a_reload_and_a_new_tab_and_sign_out_ends_every_tab(
        chromium_browser, chapter_server):
    from . import harness

    context = chromium_browser.new_context(viewport=harness.VIEWPORT)
    context.set_default_timeout(harness.TIMEOUT_MS)
    try:
        first = context.new_page()
        _sign_in(first, chapter_server.url)
        _signed_in(first)
        # HttpOnly: no script of the page can read it.
        # .streamlit/config.toml: client.toolbarMode = "viewer" (on localhost the
        # default "auto" shows a Deploy button: checked against this very locator).
        expect(first.get_by_role("button", name="Deploy")).to_have_count(0)
        cookie = next(c for c in context.cookies() if c["name"] == sessions.COOKIE_NAME)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert first.evaluate("document.cookie").find(sessions.COOKIE_NAME) == -1

        first.reload()
        _signed_in(first)

        second = context.new_page()
        second.goto(f"{chapter_server.url}/")
        _signed_in(second)

        sidebar(first).get_by_role("button", name="Sign out").click()
        _signed_out(first)
        first.reload()
        _signed_out(first)  # the cookie is gone, not just this tab's memory

        # The second tab, still open: its next step finds the session ended.
        sidebar(second).get_by_role("link", name="Account", exact=True).click()
        _signed_out(second)
        second.reload()
        _signed_out(second)
    finally:
        context.close()


def test_the_cookie_routes_use_the_database_named_by_dash_dash_db(tmp_path, chapter_server):
    """``init`` prints ``streamlit run streamlit_app.py -- --db PATH``: the routes must
    use that database, as the pages do, not ``$ALLYSHIP_DB`` or the default."""
    with running_app(tmp_path / "not-this-one.db",
                     extra_args=["--", "--db", str(chapter_server.db_path)]) as other:
        db, robin = _open(chapter_server)
        try:
            started = sessions.start(db, robin, browser=BROWSER)
            handed = _get(other, f"/app/session/start?t={started.nonce}", cookie=SAME_BROWSER)
            assert handed.getheader("Set-Cookie", "").startswith(f"{sessions.COOKIE_NAME}=")
        finally:
            db.conn.close()
        assert not (tmp_path / "not-this-one.db").exists()
