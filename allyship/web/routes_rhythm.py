"""HTTP routes of the weekly rhythm, served by ``streamlit run`` beside the app
(:mod:`allyship.web.registry`): the private calendar feed and the unsubscribe links; and the
in-app scheduler (:func:`in_app_scheduler`, a lifespan hook).

* ``GET /feeds/<token>.ics`` — the member's calendar (``Cache-Control: private``);
  404 for an unknown, regenerated or revoked token.
* ``GET /unsubscribe/<token>`` — the link in every email: turns that kind of message
  off and says so, with a button to turn it back on.
* ``POST /unsubscribe/<token>`` — the same, for mail clients' one-click button
  (``List-Unsubscribe-Post``, RFC 8058).
* ``POST /unsubscribe/<token>/undo`` — turn it back on.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import math
import os
from collections.abc import AsyncIterator
from typing import Any

import sqlite_utils
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from allyship.core import access
from allyship.db import store
from allyship.rhythm import feeds, mail, nudges, outbox

log = logging.getLogger("allyship.rhythm")
SCHEDULER_INTERVAL_ENV = "ALLYSHIP_NUDGES_INTERVAL"  # seconds between in-app runs
DEFAULT_INTERVAL = 300


@contextlib.contextmanager
def _db():
    path = store.server_db_path()
    if not path.exists():
        raise FileNotFoundError(path)
    db = store.connect(path)
    try:
        yield db
    finally:
        db.conn.close()


_NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    """A small self-contained page (every interpolated value is escaped by the caller)."""
    return HTMLResponse(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title></head>"
        "<body style=\"font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:40px auto;"
        f"padding:0 16px;line-height:1.5;color:#1a1a1a\"><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>", status_code=status, headers=_NO_STORE)


def feed(request: Request) -> Response:
    token = request.path_params["token"]
    with _db() as db:
        member = feeds.member_for_token(db, token)
        if member is None:
            return PlainTextResponse("This calendar address is not valid (it may have been "
                                     "turned off or regenerated).", status_code=404,
                                     headers=_NO_STORE)
        body = feeds.calendar(db, member)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300",
                             "Content-Disposition": 'inline; filename="allyship.ics"',
                             "X-Robots-Tag": "noindex"})


_INVALID = ("<p>This link is not valid. It may have been copied only in part. You can "
            "change your email settings on the <b>Account</b> page of the app.</p>")


def _unsubscribing(db: sqlite_utils.Database, token: str) -> tuple[int, str] | None:
    """The member and message kind a signed unsubscribe token names, if it is valid."""
    found = mail.read_unsubscribe_token(db, token)
    return found if found is not None and found[1] in nudges.KINDS else None


def unsubscribe(request: Request) -> Response:
    token = request.path_params["token"]
    with _db() as db:
        found = _unsubscribing(db, token)
        if found is None:
            return _page("Link not valid", _INVALID, 404)
        member_id, kind = found
        nudges.turn_off(db, member_id, kind,
                        via="one-click" if request.method == "POST" else "link")
    what = html.escape(nudges.KINDS[kind].lower())
    undo = html.escape(f"/unsubscribe/{token}/undo", quote=True)
    return _page("Turned off",
                 f"<p role=\"status\">Done: you will get no more emails for the "
                 f"<b>{what}</b>. Nothing else has changed.</p>"
                 f"<form method=\"post\" action=\"{undo}\"><button type=\"submit\" "
                 "style=\"font-size:16px;padding:8px 14px\">That was a mistake — turn it "
                 "back on</button></form>")


def undo_unsubscribe(request: Request) -> Response:
    token = request.path_params["token"]
    with _db() as db:
        found = _unsubscribing(db, token)
        if found is None:
            return _page("Link not valid", _INVALID, 404)
        try:
            nudges.turn_on_again(db, found[0], found[1], via="link")
        except access.PermissionDenied as exc:
            return _page("Not turned on", f"<p>{html.escape(str(exc))}</p>", 403)
    return _page("Turned back on", f"<p role=\"status\">The <b>"
                 f"{html.escape(nudges.KINDS[found[1]].lower())}</b> is on again.</p>")


ROUTES = [
    Route("/feeds/{token}.ics", feed, methods=["GET", "HEAD"]),
    Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "POST"]),
    Route("/unsubscribe/{token}/undo", undo_unsubscribe, methods=["POST"]),
]


# --- the in-app scheduler ---------------------------------------------------------------

def _interval() -> float:
    """Seconds between runs, at least 1; the default for what is not a number (``nan``
    slept for no time at all: the scheduler ran in a tight loop)."""
    try:
        value = float(os.environ.get(SCHEDULER_INTERVAL_ENV, DEFAULT_INTERVAL))
    except ValueError:
        return DEFAULT_INTERVAL
    return DEFAULT_INTERVAL if math.isnan(value) else max(value, 1.0)


def _run_once() -> None:
    path = store.server_db_path()
    if not path.exists():
        return  # the first visitor creates the database
    report = outbox.run(path)
    if report.sent or report.failed or report.expired or report.held:
        log.info("nudges: %s", report.summary())


async def _loop() -> None:
    while True:
        try:
            await asyncio.to_thread(_run_once)
        except mail.MailNotConfigured as exc:
            log.warning("nudges scheduler: %s", exc)
        except Exception:  # keep the server alive; the next tick retries
            log.exception("nudges scheduler: a run failed")
        await asyncio.sleep(_interval())


@contextlib.asynccontextmanager
async def in_app_scheduler(app: Any) -> AsyncIterator[None]:
    """With ``[nudges] scheduler = "in-app"``, send what is due every few minutes from
    the web server itself. Several server processes may each run it: the outbox's claims
    keep every message to one send."""
    if mail.scheduler_mode() != "in-app":
        yield
        return
    from allyship.web import background

    async with background.while_serving(_loop(), "allyship-nudges"):
        yield
