"""The routes that set and clear the sign-in cookie (served by ``st.App``, see
:mod:`allyship.web.registry`; their paths and links in :mod:`allyship.ui.session_links`).

* ``GET /app/session/start?t=NONCE`` — the page sends the browser here once, right
  after a password sign-in: the one-time nonce is exchanged for the session token,
  which goes into an ``HttpOnly``, ``SameSite=Lax`` cookie (``Secure`` when the
  request came over HTTPS), and the browser is sent back to the app. A stale or used
  nonce sets nothing. The nonce is exchanged only by the browser that signed in: it must
  bring the same ``allyship_browser`` cookie the page saw at sign-in. A link carrying
  someone else's nonce (a planted sign-in) sets nothing and answers a short page saying
  so; whoever was signed in in this browser stays signed in as themselves.
* ``GET /app/session/end`` — after sign-out: the page has already ended the session
  server-side; here the browser drops the cookie, then goes back to the app. A cookie
  whose session is still live is left alone, so a link on another site cannot sign
  anyone out (the route ends nothing by itself).

Both answer with redirects to the app's own root only — never to an address taken
from the request — and are never cached.

:class:`BrowserCookie` (middleware) gives every browser that loads the app's page an
``allyship_browser`` cookie (random, ``HttpOnly``, ``SameSite=Lax``, hours long): the
page reads it at sign-in and the session is bound to it.
"""

from __future__ import annotations

import asyncio
import html

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from allyship.db import store
from allyship.i18n import Translator, available_languages, translator_for
from allyship.i18n.negotiation import negotiate, parse_accept_language
from allyship.people import sessions
from allyship.ui import session_links


def _root(request: Request) -> str:
    return session_links.app_root()


def _secure(request: Request) -> bool:
    return _is_https(request.url.scheme, request.headers)


def _is_https(scheme: str, headers: Headers) -> bool:
    # Behind a TLS-terminating proxy the hop to us is plain HTTP; the proxy says so.
    return scheme == "https" or headers.get("x-forwarded-proto", "").lower() == "https"


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


ELSEWHERE_PAGE = """<!doctype html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto;
 padding: 0 1rem; color: #101214; line-height: 1.5">
<h1>{title}</h1>
<p>{nobody}</p>
<p>{advice}</p>
<p><a href="{root}">{open}</a></p>
</body></html>
"""


def elsewhere_page(tr: Translator, root: str) -> str:
    """The planted-sign-in page in ``tr``'s language (nobody is signed in to name: the
    language is the browser's). Its paragraphs are HTML from the catalogue, broken into
    lines as the English page always was."""
    _ = tr.gettext
    e = html.escape
    return ELSEWHERE_PAGE.format(
        lang=e(tr.language.replace("_", "-")), dir=tr.dir,
        title=e(_("This sign-in link is not yours")),
        nobody=_("This link finishes a sign-in that was started in another browser, so it "
                 "has signed\nnobody in. If you were already signed in here, you still are "
                 "&mdash; as yourself."),
        advice=_("If someone sent you this link, do not use it: sign in with your own email "
                 "and\npassword. If you have just signed in yourself, sign in again in this "
                 "browser (it must\nkeep cookies for this site)."),
        open=e(_("Open the app")), root=e(root))


async def start(request: Request) -> Response:
    """Exchange the one-time nonce for the session cookie, in the browser that signed in."""
    nonce = request.query_params.get("t", "")
    browser = request.cookies.get(sessions.BROWSER_COOKIE)
    # SQLite and hashing run off the event loop, on a connection of their own.
    got = await asyncio.to_thread(_with_db, sessions.hand_over, nonce, browser)
    if got is not None and got.elsewhere:
        return _not_here(request)
    response = _back(request)
    if got is not None and got.token:
        response.set_cookie(sessions.COOKIE_NAME, got.token, max_age=got.max_age,
                            path=_root(request), httponly=True, samesite="lax",
                            secure=_secure(request))
    return response


def _not_here(request: Request) -> HTMLResponse:
    """A planted (or strayed) hand-over: nothing set, nothing changed, said in words."""
    tr = translator_for(negotiate(available_languages(), browser=parse_accept_language(
        request.headers.get("accept-language"))))
    response = HTMLResponse(elsewhere_page(tr, _root(request)), status_code=403)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
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


class BrowserCookie:
    """Gives a browser that loads one of the app's pages (an HTML answer) without a
    well-formed ``allyship_browser`` cookie a new random one. Websocket and other
    answers pass untouched; an existing cookie is never replaced, so a sign-in begun in
    one tab finishes even if another tab of the same browser loads meanwhile."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if sessions.well_formed(request.cookies.get(sessions.BROWSER_COOKIE)):
            await self.app(scope, receive, send)
            return
        cookie = (f"{sessions.BROWSER_COOKIE}={sessions.new_browser_id()};"
                  f" Max-Age={sessions.BROWSER_SECONDS}; Path={session_links.app_root()};"
                  " HttpOnly; SameSite=Lax"
                  + ("; Secure" if _is_https(request.url.scheme, request.headers) else ""))

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                if headers.get("content-type", "").startswith("text/html"):
                    message = {**message, "headers": [*message.get("headers", []),
                                                      (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


ROUTES = [
    Route(session_links.START_PATH, start, methods=["GET"]),
    Route(session_links.END_PATH, end, methods=["GET"]),
]
