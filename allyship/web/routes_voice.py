"""The partner's form (Partner voice), served beside the app with no account: the link
in the request is the only key.

* ``GET``/``HEAD /voice/<token>`` — the questions (or, once closed, the chapter's
  report-back); changes nothing but the request's "first opened" mark.
* ``POST /voice/<token>`` — the answer, kept (or changed) while the request is open.
* ``POST /voice/<token>/stop`` — "please don't ask us again".

Small and inert: plain HTML with its own few lines of CSS, no script, no third-party
request (a Content-Security-Policy says so to the browser), every value escaped, nothing
typed ever shown as a link or image; bodies read up to a few kilobytes; rate limits per
link and per client address (:mod:`allyship.voice.limits`); a link that is not valid
writes nothing, and a valid one only changes rows that already exist.
"""

from __future__ import annotations

import asyncio
import html
import unicodedata
import urllib.parse
from collections.abc import Callable
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from allyship.db import store
from allyship.i18n import Translator, formatting, translator_for
from allyship.i18n.negotiation import negotiate, parse_accept_language
from allyship.voice import asks, limits, report_back, rules

MAX_BODY = 8192
HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",  # the address holds the key
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;
color:#1a1a1a;background:#fff;line-height:1.5;font-size:17px}
main{max-width:560px;margin:0 auto;padding:12px 16px 40px}
h1{font-size:1.35rem;line-height:1.3;margin:.6em 0}
nav{font-size:.95rem;text-align:right}
nav a{color:#1d4f91;padding:10px 6px;display:inline-block}
fieldset{border:1px solid #c8c8c8;border-radius:8px;margin:0 0 14px;padding:8px 12px}
legend{font-weight:600;padding:0 4px}
label{display:flex;align-items:center;gap:10px;min-height:44px}
input[type=radio]{width:22px;height:22px;margin:0}
textarea{width:100%;box-sizing:border-box;font:inherit;min-height:6em;padding:8px}
button{font:inherit;font-weight:600;min-height:48px;padding:8px 18px;border-radius:8px;
border:2px solid #1d4f91;background:#1d4f91;color:#fff;cursor:pointer}
button.quiet{background:#fff;color:#1d4f91}
.note{color:#444;font-size:.95rem}
.status{background:#e8f3ea;border-left:4px solid #2e7d32;padding:8px 12px}
.error{background:#fdecea;border-left:4px solid #b3261e;padding:8px 12px}
.said{white-space:pre-wrap;border-left:4px solid #c8c8c8;padding:4px 12px}
"""


BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _e(text: Any) -> str:
    """Escaped, without direction overrides that could make text display as other text."""
    return html.escape(str(text).translate(BIDI_CONTROLS), quote=True)


def page(tr: Translator, title: str, body: str, status: int = 200, *,
         switch: str = "") -> HTMLResponse:
    """A whole page in ``tr``'s language (``body`` is HTML the caller escaped)."""
    lang = tr.language.replace("_", "-")
    return HTMLResponse(
        f"<!DOCTYPE html><html lang=\"{_e(lang)}\" dir=\"{_e(tr.dir)}\"><head>"
        "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
        f"initial-scale=1\"><title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<main>{switch}<h1>{_e(title)}</h1>{body}</main></body></html>",
        status_code=status, headers=HEADERS)


def language_switch(tr: Translator) -> str:
    """English / español, each named in itself; the current one is not a link."""
    names = {"en": "English", "es": "Español"}
    items = [f"<span aria-current=\"true\" lang=\"{code}\">{name}</span>"
             if code == tr.language else f"<a href=\"?lang={code}\" lang=\"{code}\">{name}</a>"
             for code, name in names.items()]
    label = _e(tr.gettext("Language"))
    return f"<nav aria-label=\"{label}\">{' · '.join(items)}</nav>"


def translator(request: Request, ask: asks.Ask | None, form: dict[str, str] | None = None
               ) -> Translator:
    """The partner's language, unless they switched (``?lang=``, or the form's field);
    without a valid link, the browser's."""
    chosen = (form or {}).get("lang") or request.query_params.get("lang")
    if chosen in rules.LANGUAGES:
        return translator_for(chosen)
    if ask is not None:
        return translator_for(ask.language)
    return translator_for(negotiate(rules.LANGUAGES, browser=parse_accept_language(
        request.headers.get("accept-language"))))


def client(request: Request) -> str:
    """The visitor's address for the rate limits: behind our nginx (a peer on this
    machine) the one nginx saw, which it sets in X-Real-IP (never passed through from the
    visitor); else the peer's own."""
    peer = request.client.host if request.client else "unknown"
    if peer in ("127.0.0.1", "::1") and request.headers.get("x-real-ip"):
        return request.headers["x-real-ip"].strip()[:64]
    return peer


async def read_form(request: Request) -> dict[str, str] | None:
    """The urlencoded body as single values, or ``None`` when it is too long."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True,
                                   max_num_fields=20)
    return {k: v[0] for k, v in fields.items()}


def with_db(work: Callable[..., Response], *args: Any) -> Response:
    """Run ``work(db, *args)`` on a connection of its own (a worker thread's)."""
    db = store.connect(store.server_db_path())
    try:
        return work(db, *args)
    finally:
        db.conn.close()


def not_valid(tr: Translator) -> HTMLResponse:
    return page(tr, tr.gettext("This link is not valid"),
                "<p>" + _e(tr.gettext("It may have been copied only in part. Please ask the "
                                      "person who sent it for a new one.")) + "</p>", 404)


def please_wait(tr: Translator) -> tuple[str, str]:
    """The title and paragraph of every link's "asked too often" page."""
    return (tr.gettext("Please wait a few minutes"),
            "<p>" + _e(tr.gettext("This page has been asked for many times in a short "
                                  "while. Please try again in a few minutes; nothing "
                                  "you sent before is lost.")) + "</p>")


def too_many(tr: Translator) -> HTMLResponse:
    response = page(tr, *please_wait(tr), 429)
    response.headers["Retry-After"] = "600"
    return response


def check_limits(request: Request, token: str, *, write: bool) -> bool:
    where = client(request)
    ok = limits.PER_ADDRESS.allow(where) and limits.PER_LINK.allow(token[:64])
    return ok and (not write or limits.PER_LINK_WRITES.allow(token[:64]))


# --- the form -------------------------------------------------------------------------

def scale(tr: Translator, q: rules.Question, chosen: int | None) -> str:
    options = [(str(v), rules.option_text(tr, q, v)) for v in (1, 2, 3)]
    options.append(("", tr.gettext("Skip this question")))
    radios = "".join(
        f"<label><input type=\"radio\" name=\"{q.key}\" value=\"{value}\""
        f"{' checked' if value == ('' if chosen is None else str(chosen)) else ''}>"
        f"{_e(text)}</label>" for value, text in options)
    return f"<fieldset><legend>{_e(rules.question_text(tr, q))}</legend>{radios}</fieldset>"


def consent_choice(tr: Translator, chosen: str) -> str:
    radios = "".join(
        f"<label><input type=\"radio\" name=\"consent\" value=\"{key}\""
        f"{' checked' if key == chosen else ''}>{_e(tr.gettext(text))}</label>"
        for key, text in rules.CONSENTS.items())
    legend = _e(tr.gettext("How may we use your comment?"))
    return (f"<fieldset><legend>{legend}</legend>"
            f"{radios}</fieldset>")


def form_page(tr: Translator, db: Any, ask: asks.Ask, token: str, answer: asks.Answer | None,
              *, message: str = "", errors: dict[str, str] | None = None) -> HTMLResponse:
    chapter = db.execute("SELECT name FROM chapters WHERE id = ?", [ask.chapter_id]).fetchone()
    closes = formatting.format_day(tr, date.fromisoformat(ask.expires_at[:10]))
    shown = answer or asks.Answer()
    parts = [f"<p role=\"status\" class=\"status\">{_e(message)}</p>" if message else ""]
    if errors:
        parts.append("<div role=\"alert\" class=\"error\"><ul>"
                     + "".join(f"<li>{_e(v)}</li>" for v in errors.values()) + "</ul></div>")
    parts.append("<p>" + _e(tr.gettext(
        "Three short questions about how we worked with you. Each is optional; it takes "
        "under three minutes. No account, no tracking.")) + "</p>")
    if ask.thanks_note:
        parts.append("<p class=\"note\">" + _e(tr.gettext("With thanks: {note}").format(
            note=ask.thanks_note)) + "</p>")
    parts.append(f"<form method=\"post\" action=\"{_e(token)}\">"
                 f"<input type=\"hidden\" name=\"lang\" value=\"{_e(tr.language)}\">")
    parts += [scale(tr, q, shown.scale(q.key)) for q in rules.QUESTIONS]
    comment_label = _e(tr.gettext("Anything you would like to tell us (optional)"))
    parts.append(f"<label for=\"comment\" style=\"display:block\">{comment_label}</label>"
                 f"<textarea id=\"comment\" name=\"comment\" maxlength=\"{rules.COMMENT_MAX}\">"
                 f"{_e(shown.comment)}</textarea>")
    parts.append(consent_choice(tr, shown.consent))
    parts.append("<button type=\"submit\">" + _e(tr.gettext("Send")) + "</button></form>")
    parts.append("<p class=\"note\">" + _e(tr.gettext(
        "You can change your answer until {day}.").format(day=closes)) + "</p>")
    parts.append(stop_button(tr, token))
    parts.append(said_and_done(tr, db, ask))
    title = tr.gettext("{chapter} would like to hear from {organisation}").format(
        chapter=chapter[0] if chapter else "", organisation=ask.partner_name)
    return page(tr, title, "".join(parts), 400 if errors else 200,
                switch=language_switch(tr))


def stop_button(tr: Translator, token: str) -> str:
    return (f"<form method=\"post\" action=\"{_e(token)}/stop\">"
            f"<input type=\"hidden\" name=\"lang\" value=\"{_e(tr.language)}\">"
            "<button type=\"submit\" class=\"quiet\">"
            + _e(tr.gettext("Please don’t ask us again")) + "</button></form>")


def said_and_done(tr: Translator, db: Any, ask: asks.Ask) -> str:
    """The chapter's report-back for the request's quarter, once sent (else nothing)."""
    back = report_back.for_ask(db, ask)
    if back is None:
        return ""
    return ("<h2>" + _e(tr.gettext("You said — we did")) + "</h2>"
            f"<p class=\"said\">{_e(back.text)}</p>")


def closed_page(tr: Translator, db: Any, ask: asks.Ask, token: str,
                status: int = 200) -> HTMLResponse:
    if ask.do_not_ask_since:
        parts = ["<p role=\"status\" class=\"status\">" + _e(tr.gettext(
            "Done: we will not ask you again. Thank you for the time you gave us.")) + "</p>"]
    else:
        parts = ["<p>" + _e(tr.gettext("This request is closed. Thank you.")) + "</p>"]
    parts.append(said_and_done(tr, db, ask))
    if not ask.do_not_ask_since:
        parts.append(stop_button(tr, token))
    return page(tr, ask.partner_name, "".join(parts), status, switch=language_switch(tr))


def parse_answer(form: dict[str, str]) -> asks.Answer:
    def value(key: str) -> int | None:
        raw = form.get(key, "")
        if raw == "":
            return None
        return int(raw) if raw in ("1", "2", "3") else -1  # -1: refused by validate

    comment = unicodedata.normalize("NFC", form.get("comment", "").replace("\r\n", "\n"))
    comment = "".join(c for c in comment.translate(BIDI_CONTROLS)
                      if c == "\n" or unicodedata.category(c) != "Cc")
    return asks.Answer(value("kept_word"), value("space_taken"), value("left_behind"),
                       comment.strip(), form.get("consent", rules.DEFAULT_CONSENT))


# --- handlers ---------------------------------------------------------------------------

def opened(db: Any, request: Request, token: str, form: dict[str, str] | None = None
           ) -> tuple[asks.Ask | None, Translator, Response | None]:
    """The ask a link names and the reader's translator; for a link that names no ask,
    the "not valid" page instead (and the miss counted against the address)."""
    ask = asks.ask_for_token(db, token)
    tr = translator(request, ask, form)
    if ask is not None:
        return ask, tr, None
    limits.PER_ADDRESS_MISSES.allow(client(request))
    return None, tr, not_valid(tr)


def show(db: Any, request: Request, token: str, saved: bool) -> Response:
    ask, tr, refused = opened(db, request, token)
    if ask is None:
        return refused
    if not ask.is_open():
        return closed_page(tr, db, ask, token)
    asks.mark_opened(db, ask)
    message = tr.gettext("Thank you: your answer is saved.") if saved else ""
    return form_page(tr, db, ask, token, asks.answer_of(db, ask), message=message)


def receive(db: Any, request: Request, token: str, form: dict[str, str]) -> Response:
    ask, tr, refused = opened(db, request, token, form)
    if ask is None:
        return refused
    answer = parse_answer(form)
    if not ask.is_open():
        return closed_page(tr, db, ask, token, 410)
    errors = asks.validate(answer, tr)
    if errors:
        return form_page(tr, db, ask, token, answer, errors=errors)
    try:
        asks.submit(db, ask, answer)
    except asks.Closed:
        return closed_page(tr, db, ask, token, 410)
    return RedirectResponse(f"{token}?saved=1&lang={tr.language}", status_code=303,
                            headers=HEADERS)


def stop(db: Any, request: Request, token: str, form: dict[str, str]) -> Response:
    ask, tr, refused = opened(db, request, token, form)
    if ask is None:
        return refused
    asks.do_not_ask_again(db, ask)
    found = asks.ask_for_token(db, token)
    assert found is not None
    return closed_page(tr, db, found, token)


def guarded(request: Request, token: str, *, write: bool) -> Response | None:
    """A refusal before any work: too many requests, or too many invalid links tried from
    this address."""
    tr = translator(request, None)
    if not check_limits(request, token, write=write):
        return too_many(tr)
    if limits.PER_ADDRESS_MISSES.exhausted(client(request)):
        return too_many(tr)
    return None


async def voice_form(request: Request) -> Response:
    token = request.path_params["token"]
    refused = guarded(request, token, write=request.method == "POST")
    if refused is not None:
        return refused
    if request.method != "POST":
        return await asyncio.to_thread(with_db, show, request, token,
                                       request.query_params.get("saved") == "1")
    form = await read_form(request)
    if form is None:
        tr = translator(request, None)
        return page(tr, tr.gettext("This answer is too long to send"), "<p>" + _e(tr.gettext(
            "Please shorten your comment and send it again.")) + "</p>", 413)
    return await asyncio.to_thread(with_db, receive, request, token, form)


async def voice_stop(request: Request) -> Response:
    token = request.path_params["token"]
    refused = guarded(request, token, write=True)
    if refused is not None:
        return refused
    form = await read_form(request) or {}
    return await asyncio.to_thread(with_db, stop, request, token, form)


ROUTES = [
    Route("/voice/{token}", voice_form, methods=["GET", "HEAD", "POST"]),
    Route("/voice/{token}/stop", voice_stop, methods=["POST"]),
]
