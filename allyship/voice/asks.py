"""Feedback requests and their one answer each.

A request is a 256-bit link (``secrets.token_urlsafe(32)``) of which only the SHA-256 is
stored; it accepts answers for :data:`rules.LINK_DAYS` days, one answer per request,
changeable until it closes. The ask budget: at most one request per partner per calendar
quarter, and never again once the partner has said "please don't ask us again".

Every write from the public form lands on a row that exists already (the request, its one
answer, the partner's "don't ask" mark), each at most a bounded number of times
(:data:`rules.MAX_EDITS`); a link that is not valid writes nothing. Each step is in the
audit log by what happened, never by the words written.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member
from allyship.db import store
from allyship.i18n import Message, Translator, formatting, translator_for
from allyship.voice import partners, rules

TOKEN_LENGTH = 43  # len(secrets.token_urlsafe(32))
TABLE = "community_partner_asks"


class Closed(Exception):
    """The request no longer accepts answers (it expired, was closed, or the answer was
    changed too often)."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_path(token: str) -> str:
    """The request's path on the app's own server (:mod:`allyship.web.routes_voice`)."""
    return f"voice/{token}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Answer:
    """One partner's answer: each question 1–3 or ``None`` (skipped), a comment and the
    respondent's consent for it."""

    kept_word: int | None = None
    space_taken: int | None = None
    left_behind: int | None = None
    comment: str = ""
    consent: str = rules.DEFAULT_CONSENT

    def scale(self, key: str) -> int | None:
        return getattr(self, key)


@dataclass(frozen=True)
class Ask:
    id: int
    partner_id: int
    chapter_id: int
    partner_name: str
    quarter: str
    asked_at: str
    expires_at: str
    closed_at: str | None
    language: str
    thanks_note: str
    edits: int
    do_not_ask_since: str | None

    def is_open(self, now: datetime | None = None) -> bool:
        return self.closed_at is None and iso(now or utcnow()) < self.expires_at


@dataclass(frozen=True)
class NewAsk:
    ask: Ask
    token: str  # shown once to the lead, sent once by email; never stored


_ASK_COLUMNS = ("a.id, a.partner_id, a.chapter_id, p.name, a.quarter, a.asked_at, a.expires_at,"
                " a.closed_at, a.language, a.thanks_note, a.edits, p.do_not_ask_since")


def _ask(db: sqlite_utils.Database, where: str, params: list) -> Ask | None:
    row = db.execute(f"SELECT {_ASK_COLUMNS} FROM {TABLE} a JOIN community_partners p"
                     f" ON p.id = a.partner_id WHERE {where}", params).fetchone()
    return Ask(*row) if row else None


def ask_for_token(db: sqlite_utils.Database, token: str) -> Ask | None:
    """The request a link names, or ``None`` (nothing is written either way)."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        return None
    return _ask(db, "a.token_hash = ?", [token_hash(token)])


def asks_of_partner(db: sqlite_utils.Database, actor: Member | None,
                    partner_id: int) -> list[Ask]:
    partners.get_partner(db, actor, partner_id)
    return [Ask(*r) for r in db.execute(
        f"SELECT {_ASK_COLUMNS} FROM {TABLE} a JOIN community_partners p ON p.id = a.partner_id"
        " WHERE a.partner_id = ? ORDER BY a.asked_at DESC", [partner_id])]


def budget_refusal(db: sqlite_utils.Database, partner: partners.CommunityPartner,
                   today: date, tr: Translator | None = None) -> str | None:
    """Why this partner may not be asked today, in words (with the date the next request
    is possible), or ``None`` if they may."""
    tr = tr or translator_for("en")
    if partner.do_not_ask_since:
        return tr.gettext("{name} asked us not to ask them again ({day}). We will not ask "
                          "them again.").format(
            name=partner.name, day=formatting.format_day(
                tr, date.fromisoformat(partner.do_not_ask_since[:10])))
    if partner.archived_at:
        return tr.gettext("{name} is archived: we no longer work together.").format(
            name=partner.name)
    quarter = rules.quarter_of(today)
    row = db.execute(f"SELECT asked_at FROM {TABLE} WHERE partner_id = ? AND quarter = ?",
                     [partner.id, quarter]).fetchone()
    if row is not None:
        return tr.gettext("{name} was already asked this quarter, on {asked}. We ask each "
                          "partner at most once a quarter: the next request is possible "
                          "from {next}.").format(
            name=partner.name,
            asked=formatting.format_day(tr, date.fromisoformat(row[0][:10])),
            next=formatting.format_day(tr, rules.next_quarter_start(quarter)))
    return None


def create_ask(db: sqlite_utils.Database, actor: Member | None, partner_id: int, *,
               thanks_note: str = "", now: datetime | None = None,
               tr: Translator | None = None) -> NewAsk:
    """A new request to ``partner_id`` (refused in words beyond the ask budget). The token
    is returned once, to be emailed and handed over; only its hash is kept."""
    partner = partners.get_partner(db, actor, partner_id)
    assert actor is not None
    now = now or utcnow()
    refusal = budget_refusal(db, partner, now.date(), tr)
    if refusal:
        raise access.PermissionDenied(refusal)
    note = thanks_note.strip()
    if len(note) > rules.THANKS_MAX:
        raise access.PermissionDenied(
            (tr or translator_for("en")).gettext(
                "The note of thanks is at most {limit} characters.").format(
                limit=rules.THANKS_MAX))
    token = new_token()
    with store.transaction(db):
        cur = db.execute(
            f"INSERT INTO {TABLE} (partner_id, chapter_id, quarter, token_hash, asked_by,"
            " asked_at, expires_at, language, thanks_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [partner.id, partner.chapter_id, rules.quarter_of(now.date()), token_hash(token),
             actor.id, iso(now), iso(now + timedelta(days=rules.LINK_DAYS)),
             partner.language, note])
        store.audit(db, actor.id, "voice.ask", TABLE, cur.lastrowid,
                    {"status": "asked"})
    ask = _ask(db, "a.id = ?", [cur.lastrowid])
    assert ask is not None
    return NewAsk(ask, token)


def set_mail_status(db: sqlite_utils.Database, ask_id: int, status: str) -> None:
    with store.transaction(db):
        db.execute(f"UPDATE {TABLE} SET mail_status = ? WHERE id = ?", [status, ask_id])


def close_ask(db: sqlite_utils.Database, actor: Member | None, ask_id: int) -> None:
    """A lead closes a request before it expires (the answer, if any, is kept)."""
    row = db.execute(f"SELECT partner_id, closed_at FROM {TABLE} WHERE id = ?",
                     [ask_id]).fetchone()
    if row is None:
        raise LookupError(Message("That request does not exist."))
    partners.get_partner(db, actor, row[0])
    assert actor is not None
    if row[1] is None:
        with store.transaction(db):
            db.execute(f"UPDATE {TABLE} SET closed_at = ? WHERE id = ?",
                       [iso(utcnow()), ask_id])
            store.audit(db, actor.id, "voice.close", TABLE, ask_id, {"status": "closed"})


# --- the partner's side (no account: the link is the only key) ---------------------------

def mark_opened(db: sqlite_utils.Database, ask: Ask, now: datetime | None = None) -> None:
    """The first time the link is opened (once per request, whatever the traffic)."""
    with store.transaction(db):
        cur = db.execute(f"UPDATE {TABLE} SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
                         [iso(now or utcnow()), ask.id])
        if cur.rowcount:
            store.audit(db, None, "voice.opened", TABLE, ask.id, {"status": "opened"})


def answer_of(db: sqlite_utils.Database, ask: Ask) -> Answer | None:
    row = db.execute("SELECT kept_word, space_taken, left_behind, comment, consent"
                     " FROM community_partner_answers WHERE ask_id = ?", [ask.id]).fetchone()
    return Answer(*row) if row else None


def validate(answer: Answer, tr: Translator) -> dict[str, str]:
    """Problems with an answer, in the partner's language (empty when it is fine)."""
    errors: dict[str, str] = {}
    for key in rules.QUESTION_KEYS:
        value = answer.scale(key)
        if value is not None and value not in (1, 2, 3):
            errors[key] = tr.gettext("Please choose one of the answers, or skip the question.")
    if len(answer.comment) > rules.COMMENT_MAX:
        errors["comment"] = tr.gettext("The comment is {length} characters long; the limit "
                                       "is {limit}.").format(length=len(answer.comment),
                                                            limit=rules.COMMENT_MAX)
    if answer.consent not in rules.CONSENTS:
        errors["consent"] = tr.gettext("Please choose how we may use your comment.")
    return errors


def submit(db: sqlite_utils.Database, ask: Ask, answer: Answer,
           now: datetime | None = None) -> bool:
    """Keep the request's answer (replacing an earlier one). Returns ``True`` for a first
    answer, ``False`` for a change; raises :class:`Closed` once the request is closed or
    changed :data:`rules.MAX_EDITS` times. Validate first (:func:`validate`)."""
    now = now or utcnow()
    with store.transaction(db):
        fresh = _ask(db, "a.id = ?", [ask.id])
        if fresh is None or not fresh.is_open(now) or fresh.edits >= rules.MAX_EDITS:
            raise Closed()
        first = db.execute("SELECT 1 FROM community_partner_answers WHERE ask_id = ?",
                           [ask.id]).fetchone() is None
        db.execute(
            "INSERT INTO community_partner_answers (ask_id, chapter_id, quarter, kept_word,"
            " space_taken, left_behind, comment, consent, submitted_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ask_id) DO UPDATE SET"
            " kept_word = excluded.kept_word, space_taken = excluded.space_taken,"
            " left_behind = excluded.left_behind, comment = excluded.comment,"
            " consent = excluded.consent, updated_at = excluded.updated_at",
            [ask.id, fresh.chapter_id, fresh.quarter, answer.kept_word, answer.space_taken,
             answer.left_behind, answer.comment, answer.consent, iso(now), iso(now)])
        db.execute(f"UPDATE {TABLE} SET edits = edits + 1 WHERE id = ?", [ask.id])
        answered = sum(answer.scale(k) is not None for k in rules.QUESTION_KEYS)
        store.audit(db, None, "voice.answer" if first else "voice.change", TABLE, ask.id,
                    {"questions": answered, "count": int(bool(answer.comment)),
                     "visibility": answer.consent})
    return first


def do_not_ask_again(db: sqlite_utils.Database, ask: Ask, now: datetime | None = None) -> None:
    """"Please don't ask us again": the partner is never asked again, and their open
    requests close. Works from any of their links, open or not; repeating it writes
    nothing."""
    now = now or utcnow()
    with store.transaction(db):
        cur = db.execute("UPDATE community_partners SET do_not_ask_since = ?, updated_at = ?"
                         " WHERE id = ? AND do_not_ask_since IS NULL",
                         [iso(now), iso(now), ask.partner_id])
        if cur.rowcount:
            db.execute(f"UPDATE {TABLE} SET closed_at = ? WHERE partner_id = ?"
                       " AND closed_at IS NULL", [iso(now), ask.partner_id])
            store.audit(db, None, "voice.do_not_ask", "community_partners", ask.partner_id,
                        {"status": "do not ask"})
