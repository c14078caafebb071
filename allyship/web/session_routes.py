"""The routes that set and clear the sign-in cookie (served by ``st.App``, see
:mod:`allyship.web.registry`; their paths and links in :mod:`allyship.ui.session_links`).

* ``GET /app/session/start?t=NONCE`` — the page sends the browser here once, right
  after a password sign-in: the one-time nonce is exchanged for the session token,
  which goes into an ``HttpOnly``, ``SameSite=Lax`` cookie (``Secure`` when the
  request came over HTTPS), and the browser is sent back to the app. A stale or used
  nonce sets nothing.
* ``GET /app/session/end`` — after sign-out: the page has already ended the session
  server-side; here the browser drops the cookie, then goes back to the app. A cookie
  whose session is still live is left alone, so a link on another site cannot sign
  anyone out (the route ends nothing by itself).

Both answer with redirects to the app's own root only — never to an address taken
from the request — and are never cached.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from allyship.db import store
from allyship.people import sessions
from allyship.ui import session_links


def _root(request: Request) -> str:
    return session_links.app_root()


def _secure(request: Request) -> bool:
    # Behind a TLS-terminating proxy the hop to us is plain HTTP; the proxy says so.
    return (request.url.scheme == "https"
            or request.headers.get("x-forwarded-proto", "").lower() == "https")


def _back(request: Request) -> RedirectResponse:
    response = RedirectResponse(_root(request), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the nonce stays out of Referer
    return response


def _with_db(fn, *args):  # noqa: ANN001, ANN202 — a thread-side call with its own connection
    path = store.server_db_path()
    if not path.exists():  # never create a database from a stray request
        return None
    db = store.connect(path, migrate=False)
    try:
        return fn(db, *args)
    finally:
        db.conn.close()


async def start(request: Request) -> RedirectResponse:
    """Exchange the one-time nonce for the session cookie."""
    nonce = request.query_params.get("t", "")
    # SQLite and hashing run off the event loop, on a connection of their own.
    got = await asyncio.to_thread(_with_db, sessions.collect, nonce)
    response = _back(request)
    if got is not None:
        token, max_age = got
        response.set_cookie(sessions.COOKIE_NAME, token, max_age=max_age, path=_root(request),
                            httponly=True, samesite="lax", secure=_secure(request))
    return response


def _is_live(db, token: str) -> bool:  # noqa: ANN001
    return sessions.member_for_token(db, token) is not None


async def end(request: Request) -> RedirectResponse:
    """Remove the cookie of a session that has ended."""
    token = request.cookies.get(sessions.COOKIE_NAME)
    live = bool(token) and bool(await asyncio.to_thread(_with_db, _is_live, token))
    response = _back(request)
    if not live:
        response.delete_cookie(sessions.COOKIE_NAME, path=_root(request), httponly=True,
                               samesite="lax", secure=_secure(request))
    return response


ROUTES = [
    Route(session_links.START_PATH, start, methods=["GET"]),
    Route(session_links.END_PATH, end, methods=["GET"]),
]
