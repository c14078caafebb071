"""HTTP routes of the weekly rhythm, served by ``streamlit run`` beside the app
(:mod:`allyship.web.registry`): the private calendar feed and the unsubscribe links; and the
in-app scheduler (:func:`in_app_scheduler`, a lifespan hook).

* ``GET /feeds/<token>.ics`` — the member's calendar (``Cache-Control: private``);
  404 for an unknown, regenerated or revoked token.
* ``GET``/``HEAD /unsubscribe/<token>`` — the link in every email: a page with a button;
  changes nothing, so mail scanners and link previews that fetch it turn nothing off.
* ``POST /unsubscribe/<token>`` — that button, and mail clients' one-click button
  (``List-Unsubscribe-Post``, RFC 8058): turns that kind of message off.
* ``POST /unsubscribe/<token>/undo`` — turn it back on.
* ``GET``/``HEAD``/``POST /reply/<token>`` — a reminder's one-tap answers ("I was away
  this week", "Remind me on another day"; :mod:`allyship.rhythm.replies`): GET shows a
  page with a button, POST acts, once.

Every route is rate-limited per link and, but for the calendar feed, per visitor address
(a calendar service fetches many people's feeds from one address): over the limit a
request gets a "please wait" page (429) before any work is done.

A forgotten member's links answer 404 and write nothing. Repeating a link writes at most
one audit row per member, kind and day (:func:`allyship.rhythm.nudges.turn_off`).
Every page speaks the language of the member its link names (their setting, else their
chapter's default); a link that names nobody answers in the browser's language.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import math
import os
import urllib.parse
from datetime import date
from collections.abc import AsyncIterator
from typing import Any

import sqlite_utils
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from allyship.core import access
from allyship.db import store
from allyship.core.models import week_start
from allyship.i18n import (N_, Translator, available_languages, formatting, translate,
                           translator_for)
from allyship.i18n.negotiation import negotiate, parse_accept_language
from allyship.rhythm import feeds, mail, nudges, outbox, replies, wording
from allyship.voice.limits import RateLimit
from allyship.web.routes_voice import client, please_wait

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


def browser_translator(request: Request) -> Translator:
    """The translator for a visitor we cannot name: their browser's languages, else English."""
    return translator_for(negotiate(available_languages(), browser=parse_accept_language(
        request.headers.get("accept-language"))))


def member_translator(db: sqlite_utils.Database, member_id: int) -> Translator:
    """The translator of the member a signed link names."""
    return wording.translator_of(db, member_id)


def _page(tr: Translator, title: str, body: str, status: int = 200) -> HTMLResponse:
    """A small self-contained page in ``tr``'s language (every interpolated value is
    escaped by the caller)."""
    return HTMLResponse(
        f"<!DOCTYPE html><html {mail.html_lang(tr)}><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title></head>"
        "<body style=\"font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:40px auto;"
        f"padding:0 16px;line-height:1.5;color:#1a1a1a\"><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>", status_code=status, headers=_NO_STORE)


# Generous for a person (a feed polled every few minutes, a link tapped a few times),
# tight for a script; kept in memory by each server process, bounded in size.
PER_LINK = RateLimit(limit=60, window=600)  # any request naming one link
PER_ADDRESS = RateLimit(limit=120, window=600)  # any request from one address (not feeds)
PER_ADDRESS_MISSES = RateLimit(limit=20, window=600)  # links not valid, by address


def refused(request: Request, token: str, *, by_address: bool = True) -> Response | None:
    """A "please wait" page when this link, or (``by_address``) this visitor, has asked
    too often, or this visitor has tried too many links that are not valid."""
    where = client(request)
    allowed = PER_LINK.allow(token[:64])
    if by_address:
        allowed = (PER_ADDRESS.allow(where) and allowed
                   and not PER_ADDRESS_MISSES.exhausted(where))
    if allowed:
        return None
    tr = browser_translator(request)
    response = _page(tr, *please_wait(tr), 429)
    response.headers["Retry-After"] = "600"
    return response


def clear_limits() -> None:
    """Forget every count (tests; a restarted process starts so too)."""
    for limit in (PER_LINK, PER_ADDRESS, PER_ADDRESS_MISSES):
        limit.clear()


def missed(request: Request) -> None:
    """Count a link that is not valid against the visitor's address."""
    PER_ADDRESS_MISSES.allow(client(request))


def feed(request: Request) -> Response:
    token = request.path_params["token"]
    # Per link only: a calendar service polls a turned-off feed from an address it
    # shares with everyone else's feeds.
    if (too_often := refused(request, token, by_address=False)) is not None:
        return too_often
    with _db() as db:
        member = feeds.member_for_token(db, token)
        if member is None:
            tr = browser_translator(request)
            return PlainTextResponse(tr.gettext("This calendar address is not valid (it may "
                                                "have been turned off or regenerated)."),
                                     status_code=404, headers=_NO_STORE)
        body = feeds.calendar(db, member)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300",
                             "Content-Disposition": 'inline; filename="allyship.ics"',
                             "X-Robots-Tag": "noindex"})


_INVALID = N_("This link is not valid. It may have been copied only in part. You can change "
              "your email settings on the <b>Account</b> page of the app.")
# The kinds of message inside a sentence ("no more emails for the weekly digest …").
_KIND_IN_SENTENCE = {"reminder": N_("weekly reminder to log my actions"),
                     "digest": N_("weekly digest for leads and admins")}


def _not_valid(tr: Translator) -> HTMLResponse:
    return _page(tr, tr.gettext("Link not valid"), f"<p>{tr.gettext(_INVALID)}</p>", 404)


def _unsubscribing(db: sqlite_utils.Database, token: str) -> tuple[int, str] | None:
    """The member and message kind a signed unsubscribe token names, if it is valid and
    the member has not been forgotten."""
    found = mail.read_unsubscribe_token(db, token)
    if found is None or found[1] not in nudges.KINDS:
        return None
    row = db.execute("SELECT forgotten_at FROM members WHERE id = ?", [found[0]]).fetchone()
    return found if row is not None and row[0] is None else None


def _button(action: str, label: str, extra: str = "") -> str:
    return (f"<form method=\"post\" action=\"{html.escape(action, quote=True)}\">{extra}"
            "<button type=\"submit\" style=\"font-size:16px;padding:8px 14px\">"
            f"{html.escape(label)}</button></form>")


async def unsubscribe(request: Request) -> Response:
    token = request.path_params["token"]
    one_click = False
    if request.method == "POST":
        # Parsed by hand: a urlencoded body is all RFC 8058 and the page's button send.
        form = urllib.parse.parse_qs((await request.body())[:4096].decode("latin-1"))
        one_click = form.get("List-Unsubscribe") == ["One-Click"]
    if (too_often := refused(request, token)) is not None:
        return too_often
    with _db() as db:
        found = _unsubscribing(db, token)
        if found is None:
            missed(request)
            return _not_valid(browser_translator(request))
        member_id, kind = found
        tr = member_translator(db, member_id)
        _ = tr.gettext
        what = html.escape(_(_KIND_IN_SENTENCE[kind]))
        if request.method != "POST":  # GET, HEAD: a scanner or preview may fetch it
            return _page(tr, _("Turn off these emails?"),
                         "<p>" + _("You will get no more emails for the <b>{what}</b>. "
                                   "Nothing else changes.").format(what=what) + "</p>"
                         + _button(f"/unsubscribe/{token}", _("Turn them off")))
        nudges.turn_off(db, member_id, kind, via="one-click" if one_click else "link")
    return _page(tr, _("Turned off"),
                 "<p role=\"status\">" + _("Done: you will get no more emails for the "
                                            "<b>{what}</b>. Nothing else has changed.").format(
                     what=what) + "</p>"
                 + _button(f"/unsubscribe/{token}/undo",
                           _("That was a mistake — turn it back on")))


def undo_unsubscribe(request: Request) -> Response:
    token = request.path_params["token"]
    if (too_often := refused(request, token)) is not None:
        return too_often
    with _db() as db:
        found = _unsubscribing(db, token)
        if found is None:
            missed(request)
            return _not_valid(browser_translator(request))
        tr = member_translator(db, found[0])
        _ = tr.gettext
        try:
            nudges.turn_on_again(db, found[0], found[1], via="link")
        except access.PermissionDenied as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            return _page(tr, _("Not turned on"),
                         f"<p>{html.escape(translate(tr, reason))}</p>", 403)
    what = html.escape(_(_KIND_IN_SENTENCE[found[1]]))
    return _page(tr, _("Turned back on"), "<p role=\"status\">"
                 + _("The <b>{what}</b> is on again.").format(what=what) + "</p>")


def _replying(db: sqlite_utils.Database, token: str) -> tuple[int, str, date] | None:
    """The member, answer and week a signed one-tap token names, if it is valid, the
    member is active and not forgotten, and the week has begun."""
    found = mail.read_one_tap_token(db, token)
    if found is None or found[2] != week_start(found[2]) or found[2] > date.today():
        return None
    row = db.execute("SELECT forgotten_at, active FROM members WHERE id = ?",
                     [found[0]]).fetchone()
    return found if row is not None and row[0] is None and row[1] else None


_REPLY_ASK = {
    "away": (N_("Mark the week of {week} away?"),
             N_("The week of <b>{week}</b> will not count against your consistency, and no "
                "more reminders come for it. You can change it on <b>My week</b> in the app."),
             N_("Yes, I was away")),
    "later": (N_("Remind you on another day?"),
              N_("This week's reminder will come <b>once more, two days later</b> (on Sunday "
                 "evening at the latest) — unless you have logged something or marked the "
                 "week away by then."), N_("Yes, remind me later")),
}


async def reply(request: Request) -> Response:
    """A one-tap answer to a reminder: GET shows what it will do and a button; POST does
    it (once: repeating it changes nothing)."""
    token = request.path_params["token"]
    if (too_often := refused(request, token)) is not None:
        return too_often
    with _db() as db:
        found = _replying(db, token)
        if found is None:
            missed(request)
            return _not_valid(browser_translator(request))
        member_id, answer, week = found
        tr = member_translator(db, member_id)
        _ = tr.gettext
        day = html.escape(formatting.format_day(tr, week))
        title, body, button = _REPLY_ASK[answer]
        if request.method != "POST":  # GET, HEAD: a scanner or preview may fetch it
            return _page(tr, _(title).format(week=formatting.format_day(tr, week)),
                         "<p>" + _(body).format(week=day) + "</p>"
                         + _button(f"/reply/{token}", _(button)))
        if answer == "away":
            done = replies.mark_away(db, member_id, week)
            return _page(tr, _("Marked away"), "<p role=\"status\">" + (
                _("Done: the week of <b>{week}</b> is marked away. Take care.")
                if done.changed else
                _("The week of <b>{week}</b> was already marked away. Nothing else has "
                  "changed.")).format(week=day) + "</p>")
        done = replies.remind_later(db, member_id, week)
        if done.when is None:
            return _page(tr, _("No later reminder"), "<p role=\"status\">" + _(
                "This week is nearly over, so no other reminder comes for it; the next one "
                "comes next week.") + "</p>")
        when = replies.local_time(db, member_id, done.when)
        said = html.escape(_("{day} at {time}").format(day=formatting.format_day(tr, when),
                                                       time=f"{when:%H:%M}"))
        return _page(tr, _("Reminder moved"), "<p role=\"status\">" + (
            _("Done: this week's reminder comes again on <b>{when}</b>, unless you log or "
              "mark the week away first.") if done.changed else
            _("Already set: this week's reminder comes again on <b>{when}</b>, unless you "
              "log or mark the week away first.")).format(when=said) + "</p>")


ROUTES = [
    Route("/feeds/{token}.ics", feed, methods=["GET", "HEAD"]),
    Route("/reply/{token}", reply, methods=["GET", "HEAD", "POST"]),
    Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "HEAD", "POST"]),
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
    if report.sent or report.failed or report.expired or report.held or report.late:
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
