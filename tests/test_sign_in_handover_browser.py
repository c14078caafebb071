"""The sign-in hand-over is bound to the browser that signed in: the page loads set a
random ``allyship_browser`` cookie, the session stores its hash, and
``/app/session/start`` exchanges the nonce only when the same cookie comes with it. A
planted link (someone else's nonce) sets no cookie and says so; the signed-in victim
keeps their own session."""

from __future__ import annotations

import warnings

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

from allyship.db import store
from allyship.people import sessions
from allyship.web import session_routes

with warnings.catch_warnings():  # its note about httpx is for starlette's maintainers
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


async def _page(request) -> HTMLResponse:  # noqa: ANN001 — stands in for Streamlit's index.html
    return HTMLResponse("<html>app</html>")


async def _text(request) -> PlainTextResponse:  # noqa: ANN001
    return PlainTextResponse("ok")


@pytest.fixture
def app(chapter, db_path, monkeypatch: pytest.MonkeyPatch) -> Starlette:
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    return Starlette(routes=[*session_routes.ROUTES, Route("/", _page),
                             Route("/plain", _text)],
                     middleware=[Middleware(session_routes.BrowserCookie)])


def _browser(app: Starlette) -> TestClient:
    """A browser that has loaded the app's page once (and so holds its browser cookie)."""
    client = TestClient(app, follow_redirects=False)
    client.get("/")
    assert sessions.well_formed(client.cookies.get(sessions.BROWSER_COOKIE))
    return client


def test_loading_the_page_sets_a_random_httponly_lax_browser_cookie_once(app) -> None:
    client = TestClient(app)
    first = client.get("/")
    cookie = first.headers["set-cookie"]
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert cookie.startswith(f"{sessions.BROWSER_COOKIE}=")
    assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs
    assert f"max-age={sessions.BROWSER_SECONDS}" in attrs and "secure" not in attrs
    # Kept, never replaced: a sign-in begun in one tab survives another tab's load.
    assert "set-cookie" not in client.get("/").headers
    assert "set-cookie" not in TestClient(app).get("/plain").headers  # pages only
    assert TestClient(app).get("/").headers["set-cookie"] != cookie  # random per browser
    over_tls = TestClient(app).get("/", headers={"X-Forwarded-Proto": "https"})
    assert "; secure" in over_tls.headers["set-cookie"].lower()


def test_the_browser_that_signed_in_collects_its_cookie(chapter, app) -> None:
    mine = _browser(app)
    started = sessions.start(chapter.db, chapter.member,
                             browser=mine.cookies.get(sessions.BROWSER_COOKIE))
    got = mine.get(f"/app/session/start?t={started.nonce}")
    assert got.status_code == 303 and got.headers["location"] == "/"
    token = mine.cookies.get(sessions.COOKIE_NAME)
    assert sessions.member_for_token(chapter.db, token)[1].id == chapter.member.id
    assert started.nonce not in "\n".join(chapter.db.conn.iterdump())


def test_a_planted_hand_over_signs_nobody_in_and_says_so(chapter, app) -> None:
    db = chapter.db
    attacker, victim = _browser(app), _browser(app)
    # The victim is signed in as themselves.
    own = sessions.start(db, chapter.teammate, browser=victim.cookies.get(sessions.BROWSER_COOKIE))
    victim.get(f"/app/session/start?t={own.nonce}")
    victim_token = victim.cookies.get(sessions.COOKIE_NAME)
    # The attacker signs in, stops before the hand-over, and sends the link.
    planted = sessions.start(db, chapter.member,
                             browser=attacker.cookies.get(sessions.BROWSER_COOKIE))

    opened = victim.get(f"/app/session/start?t={planted.nonce}")

    assert opened.status_code == 403
    assert "set-cookie" not in opened.headers
    assert "started in another browser" in opened.text and "signed\nnobody in" in opened.text
    assert opened.headers["cache-control"] == "no-store"
    assert victim.cookies.get(sessions.COOKIE_NAME) == victim_token
    assert sessions.member_for_token(db, victim_token)[1].id == chapter.teammate.id
    # A browser with no cookie at all, or a made-up one, fares no better.
    assert TestClient(app, follow_redirects=False).get(
        f"/app/session/start?t={planted.nonce}").status_code == 403
    forged = TestClient(app, follow_redirects=False,
                        cookies={sessions.BROWSER_COOKIE: sessions.new_browser_id()})
    assert forged.get(f"/app/session/start?t={planted.nonce}").status_code == 403
    # The nonce was not spent by those attempts: nothing about the session changed.
    assert db.execute("SELECT token_hash FROM sessions WHERE id = ?",
                      [planted.session_id]).fetchone()[0] is None


def test_a_nonce_issued_to_no_browser_is_never_handed_over(chapter, app) -> None:
    """A page run with no browser cookie (cookies refused, or stripped on purpose by
    someone who means to plant the link) issues a nonce the route refuses everywhere."""
    unbound = sessions.start(chapter.db, chapter.member)
    assert _browser(app).get(f"/app/session/start?t={unbound.nonce}").status_code == 403
    assert TestClient(app, follow_redirects=False).get(
        f"/app/session/start?t={unbound.nonce}").status_code == 403


def test_unknown_or_used_nonces_still_go_quietly_back_to_the_app(chapter, app) -> None:
    mine = _browser(app)
    started = sessions.start(chapter.db, chapter.member,
                             browser=mine.cookies.get(sessions.BROWSER_COOKIE))
    assert mine.get(f"/app/session/start?t={started.nonce}").status_code == 303
    again = mine.get(f"/app/session/start?t={started.nonce}")
    assert again.status_code == 303 and "set-cookie" not in again.headers
    made_up = mine.get("/app/session/start?t=made-up-nonce-0000")
    assert made_up.status_code == 303 and made_up.headers["location"] == "/"


def test_hand_over_compares_the_browser_and_leaves_a_refused_nonce_unspent(chapter) -> None:
    db = chapter.db
    browser = sessions.new_browser_id()
    started = sessions.start(db, chapter.member, browser=browser)
    assert sessions.hand_over(db, started.nonce, None).elsewhere
    assert sessions.hand_over(db, started.nonce, "x" * 500).elsewhere
    assert sessions.hand_over(db, started.nonce, sessions.new_browser_id()).elsewhere
    got = sessions.hand_over(db, started.nonce, browser)
    assert got.token and not got.elsewhere and got.max_age > 13 * 86400
    assert browser not in "\n".join(db.conn.iterdump())  # only its hash is stored
