"""A planted sign-in hand-over (login CSRF), in Chromium: someone signs in with their own
password, stops before their browser follows ``/app/session/start?t=NONCE``, and sends
that link to a member who is signed in as themselves. Opening it signs nobody in and
says so; the member stays themselves, and the private reflection they write next is
saved under their own account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Route, expect

from allyship.core.models import MemberDraft
from allyship.db import store
from allyship.people import passwords, roster, sessions

from . import harness
from .harness import RunningApp, running_app, sidebar

pytestmark = pytest.mark.browser

VICTIM, ATTACKER = "robin@example.org", "mallory@example.org"
PASSWORD = "a long walk by the river"


@pytest.fixture(scope="module")
def chapter_server(tmp_path_factory) -> Iterator[RunningApp]:
    path = tmp_path_factory.mktemp("planted") / "chapter.db"
    db = store.connect(path)
    ch = roster.create_chapter(db, "Riverbend")
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Jordan Admin", "jordan@example.org"))
    for name, email in (("Robin Member", VICTIM), ("Mallory Member", ATTACKER)):
        roster.add_member(db, admin, MemberDraft(name, email))
        issued = passwords.issue_setup_code_for_operator(db, email)
        passwords.redeem_setup_code(db, email, issued.code, PASSWORD)
    db.conn.close()
    with running_app(path) as app:
        yield app


def _fill_sign_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    form = page.get_by_role("tabpanel", name="Email and password")
    form.get_by_label("Email").fill(email)
    form.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    return form


def _new_context(browser):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport=harness.VIEWPORT)
    context.set_default_timeout(harness.TIMEOUT_MS)
    return context


def test_a_planted_hand_over_link_leaves_the_signed_in_member_themselves(
        chromium_browser, chapter_server):
    url = chapter_server.url
    attacker_ctx, victim_ctx = _new_context(chromium_browser), _new_context(chromium_browser)
    try:
        # The attacker signs in and stops before the browser follows the hand-over.
        attacker = attacker_ctx.new_page()
        planted: list[str] = []

        def stop_there(route: Route) -> None:
            planted.append(route.request.url)
            route.abort()

        attacker.route("**/app/session/start*", stop_there)
        form = _fill_sign_in(attacker, url, ATTACKER)
        form.get_by_role("button", name="Sign in").click()
        for _ in range(200):
            if planted:
                break
            attacker.wait_for_timeout(100)
        assert planted and "/app/session/start?t=" in planted[0]
        attacker.close()

        # The victim, signed in as themselves, opens the link in a new tab.
        victim = victim_ctx.new_page()
        form = _fill_sign_in(victim, url, VICTIM)
        with victim.expect_response(lambda r: "/app/session/start" in r.url) as handover:
            form.get_by_role("button", name="Sign in").click()
        assert handover.value.status == 303
        expect(sidebar(victim)).to_contain_text("Signed in as Robin Member")
        own_cookie = next(c["value"] for c in victim_ctx.cookies()
                          if c["name"] == sessions.COOKIE_NAME)

        opened = victim_ctx.new_page()
        response = opened.goto(planted[0])
        assert response.status == 403
        expect(opened.get_by_role("heading", name="This sign-in link is not yours")
               ).to_be_visible()
        expect(opened.get_by_text("has signed nobody in")).to_be_visible()
        assert next(c["value"] for c in victim_ctx.cookies()
                    if c["name"] == sessions.COOKIE_NAME) == own_cookie

        # Back in the app (a fresh load reads the cookie): still themselves, and what
        # they write is theirs.
        opened.get_by_role("link", name="Open the app").click()
        expect(sidebar(opened)).to_contain_text("Signed in as Robin Member")
        sidebar(opened).get_by_role("link", name="Reflect", exact=True).click()
        expect(opened.get_by_role("heading", name="Reflect", level=1)).to_be_visible()
        answer = "Planted link check: I noticed who spoke first"
        opened.get_by_test_id("stForm").get_by_role("textbox").first.fill(answer)
        opened.get_by_role("button", name="Save reflections").click()
        expect(opened.get_by_test_id("stAlert").filter(has_text="Reflections saved.")
               ).to_be_visible()
        victim.reload()
        expect(sidebar(victim)).to_contain_text("Signed in as Robin Member")
    finally:
        attacker_ctx.close()
        victim_ctx.close()

    db = store.connect(chapter_server.db_path, migrate=False)
    try:
        rows = db.execute("SELECT m.email, r.visibility FROM reflections r"
                          " JOIN members m ON m.id = r.member_id WHERE r.answer = ?",
                          [answer]).fetchall()
        assert rows == [(VICTIM, "private")]
        # The attacker's session never reached a browser.
        mallory = roster.find_member_by_email(db, ATTACKER)
        assert db.execute("SELECT count(*) FROM sessions WHERE member_id = ?"
                          " AND token_hash IS NOT NULL", [mallory.id]).fetchone()[0] == 0
    finally:
        db.conn.close()
