"""Server-side sign-in sessions: what keeps a password sign-in across reloads and tabs.

* A session is a row in ``sessions``: the member, how they signed in, when it ends.
  The browser holds a random token (256 bits) in an ``HttpOnly``, ``SameSite=Lax``
  cookie; the database holds only its SHA-256, so a copy of the database file signs
  nobody in.
* The cookie is set by a small route of the web process
  (:mod:`allyship.web.session_routes`), not by the page: a Streamlit page cannot set an
  ``HttpOnly`` cookie. After sign-in the page sends the browser once to
  ``/app/session/start?t=NONCE``; the nonce is single use, lasts
  :data:`HANDOVER_SECONDS`, is stored hashed, and is exchanged for the cookie there —
  only by the browser that signed in: the session stores the hash of that browser's
  sign-in cookie (:data:`BROWSER_COOKIE`, set on the app's page loads), and the route
  exchanges the nonce only when the same cookie comes with it. A link carrying someone
  else's nonce signs nobody in.
* A session ends at sign-out (in every tab of that browser, which share the cookie),
  when it expires (:data:`SESSION_DAYS`), when the member is deactivated (a trigger
  in the schema), when they set a password with a set-up code, and — for their other
  sessions — when they change their password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils

from allyship.core.models import Member
from allyship.db import store
from allyship.people import roster

COOKIE_NAME = "allyship_session"
BROWSER_COOKIE = "allyship_browser"  # names the browser a sign-in starts in
BROWSER_SECONDS = 12 * 3600  # how long that cookie lasts once set
SESSION_DAYS = 14  # a sign-in lasts this long on a browser, unless ended earlier
HANDOVER_SECONDS = 120  # the one-time nonce that turns into the cookie
TOKEN_BYTES = 32
_TOKEN_CHARS = 64  # a token or nonce as handed over is never longer than this


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii", "ignore")).hexdigest()


@dataclass(frozen=True)
class Started:
    """A new session and the one-time nonce the browser exchanges for its cookie."""

    session_id: int
    nonce: str


@dataclass(frozen=True)
class Handover:
    """What a hand-over nonce was exchanged for: the cookie token and its max-age, or
    nothing — ``elsewhere`` when the nonce is live but was issued to another browser."""

    token: str | None = None
    max_age: int = 0
    elsewhere: bool = False


def well_formed(secret: str | None) -> bool:
    """A token, nonce or browser cookie as we hand them out (short, URL-safe text)."""
    return isinstance(secret, str) and 0 < len(secret) <= _TOKEN_CHARS


def new_browser_id() -> str:
    """The value of a new :data:`BROWSER_COOKIE`."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def start(db: sqlite_utils.Database, member: Member, how: str = "password", *,
          browser: str | None = None, now: datetime | None = None) -> Started:
    """Open a session for ``member``, who has just signed in, in the browser holding
    ``browser`` (its :data:`BROWSER_COOKIE`; without one, no route will hand it over)."""
    now = now or _now()
    browser_hash = _hash(browser) if well_formed(browser) else None
    nonce = secrets.token_urlsafe(24)
    with store.transaction(db):
        # Bounded bookkeeping: sessions that ended a day ago are forgotten.
        stale = (now - timedelta(days=1)).isoformat()
        db.execute("DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?",
                   [stale, stale])
        cur = db.execute(
            "INSERT INTO sessions (member_id, nonce_hash, nonce_expires_at, how, created_at,"
            " expires_at, browser_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [member.id, _hash(nonce), (now + timedelta(seconds=HANDOVER_SECONDS)).isoformat(),
             how, now.isoformat(), (now + timedelta(days=SESSION_DAYS)).isoformat(),
             browser_hash])
        # Not audited: the log, which admins read, would become a record of when each
        # member uses the app. Failed sign-ins and lockouts are (passwords.py).
    return Started(cur.lastrowid, nonce)


def collect(db: sqlite_utils.Database, nonce: str, *,
            now: datetime | None = None) -> tuple[str, int] | None:
    """Exchange a hand-over nonce for the session's cookie token (once), whichever browser
    it was issued to: the token and the cookie's max-age in seconds, or ``None`` for an
    unknown, used or stale nonce. The route uses :func:`hand_over`, which checks the
    browser."""
    got = _exchange(db, nonce, None, now or _now())
    return (got.token, got.max_age) if got.token else None


def hand_over(db: sqlite_utils.Database, nonce: str, browser: str | None, *,
              now: datetime | None = None) -> Handover:
    """Exchange a hand-over nonce for the cookie token, only for the browser it was issued
    to (``browser`` is the request's :data:`BROWSER_COOKIE`). A nonce shown by another
    browser — or issued to none — is left as it is and answers ``elsewhere``."""
    return _exchange(db, nonce, browser or "", now or _now())


def _exchange(db: sqlite_utils.Database, nonce: str, browser: str | None,
              now: datetime) -> Handover:
    if not well_formed(nonce):
        return Handover()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.transaction(db):
        row = next(db.query(
            "SELECT s.id, s.expires_at, s.browser_hash FROM sessions s"
            " JOIN members m ON m.id = s.member_id"
            " WHERE s.nonce_hash = ? AND s.nonce_expires_at > ? AND s.revoked_at IS NULL"
            " AND s.expires_at > ? AND m.active = 1",
            [_hash(nonce), now.isoformat(), now.isoformat()]), None)
        if row is None:
            return Handover()
        if browser is not None and not (
                row["browser_hash"] and well_formed(browser)
                and hmac.compare_digest(row["browser_hash"], _hash(browser))):
            return Handover(elsewhere=True)
        # Spent in the same write unit: a nonce replayed at once works once.
        db.execute("UPDATE sessions SET token_hash = ?, nonce_hash = NULL,"
                   " nonce_expires_at = NULL WHERE id = ?", [_hash(token), row["id"]])
    max_age = int((datetime.fromisoformat(row["expires_at"]) - now).total_seconds())
    return Handover(token, max_age)


def _live(db: sqlite_utils.Database, where: str, value: object,
          now: datetime) -> tuple[int, Member] | None:
    row = next(db.query(
        "SELECT s.id, s.member_id FROM sessions s JOIN members m ON m.id = s.member_id"
        f" WHERE {where} AND s.revoked_at IS NULL AND s.expires_at > ? AND m.active = 1",
        [value, now.isoformat()]), None)
    if row is None:
        return None
    return row["id"], roster.get_member(db, row["member_id"])


def member_for_token(db: sqlite_utils.Database, token: str | None, *,
                     now: datetime | None = None) -> tuple[int, Member] | None:
    """The live session (id, member) a cookie token belongs to, or ``None``."""
    if not isinstance(token, str) or not token or len(token) > _TOKEN_CHARS:
        return None
    return _live(db, "s.token_hash = ?", _hash(token), now or _now())


def member_for_session(db: sqlite_utils.Database, session_id: int | None,
                       member_id: int | None, *, now: datetime | None = None) -> Member | None:
    """The member of a live session — if it is ``member_id``'s — or ``None`` once it
    has ended (in any tab)."""
    if session_id is None or member_id is None:
        return None
    found = _live(db, "s.id = ?", int(session_id), now or _now())
    return found[1] if found and found[1].id == member_id else None


def end(db: sqlite_utils.Database, session_id: int | None = None, *, token: str | None = None,
        now: datetime | None = None) -> bool:
    """Sign-out: end a session, named by id or by its cookie token. Whether one ended."""
    now = now or _now()
    if session_id is None and not (isinstance(token, str) and token
                                   and len(token) <= _TOKEN_CHARS):
        return False
    where, value = (("id = ?", int(session_id)) if session_id is not None
                    else ("token_hash = ?", _hash(token or "")))
    with store.transaction(db):
        row = next(db.query(f"SELECT id, member_id FROM sessions WHERE {where}"
                            " AND revoked_at IS NULL", [value]), None)
        if row is None:
            return False
        db.execute("UPDATE sessions SET revoked_at = ? WHERE id = ?", [now.isoformat(), row["id"]])
    return True


def revoke_all(db: sqlite_utils.Database, member_id: int, *, keep: int | None = None,
               now: datetime | None = None) -> int:
    """End every live session of a member (but ``keep``); how many ended.
    Call inside the transaction of the change that requires it."""
    now = now or _now()
    return db.execute("UPDATE sessions SET revoked_at = ? WHERE member_id = ?"
                      " AND revoked_at IS NULL AND id IS NOT ?",
                      [now.isoformat(), member_id, keep]).rowcount
