"""Password accounts, for chapters without an identity provider.

Passwords are hashed with scrypt and a salt each, the parameters stored with the hash and
compared in constant time. At most five guesses per email are checked in any 15 minutes
however many arrive at once: each guess is counted before it is checked, in one
``BEGIN IMMEDIATE`` unit, in the database (so the count holds across restarts, sessions and
processes); unknown emails are counted and refused as slowly, so the form does not reveal
who is a member. An admin issues one-time **set-up codes** (shown once, stored hashed,
expiring) with which a member chooses or resets their password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils

from allyship.core import access
from allyship.core.addresses import EMAIL_RE
from allyship.core.models import Member, ValidationError
from allyship.db import store
from allyship.i18n import Message
from allyship.people import roster, sessions

# scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB of memory per hash.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
PASSWORD_MIN = 10
PASSWORD_MAX = 256  # long enough for any passphrase; bounds the hashing work
MAX_FAILURES = 5  # password guesses checked per email per window
WINDOW_MINUTES = 15  # the window those guesses are counted in
LOCK_MINUTES = 15  # how long the fifth wrong guess locks the email
EMAIL_MAX = 254  # the longest address SMTP allows; longer is not an email
CODE_HOURS = 72
# Letters and digits that cannot be mistaken for each other when read aloud or copied.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 16  # 31**16 ≈ 2**79


class SignInFailed(Exception):
    """Sign-in or a set-up code was refused; the message is safe to show."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``, with its parameters, for storage."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored`` (constant-time comparison)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024,
                                dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Spent on unknown emails so that they take as long to refuse as known ones.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


def check_new_password(password: str, *, email: str = "") -> str:
    """The password if acceptable as a new one, else :class:`ValidationError`."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise ValidationError({"password": Message(
            "Choose a password of at least {count} characters; a few unrelated words work "
            "well", count=PASSWORD_MIN)})
    if len(password) > PASSWORD_MAX:
        raise ValidationError({"password": Message("A password can be at most {count} "
                                                   "characters", count=PASSWORD_MAX)})
    if email and password.strip().lower() == email.strip().lower():
        raise ValidationError({"password": Message(
            "Your password cannot be your email address")})
    return password


def _code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()


def format_code(code: str) -> str:
    """``ABCD-EFGH-…``: easier to read out and type."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# --- failed attempts and lockout ----------------------------------------------------
#
# The rule: at most MAX_FAILURES password guesses are *checked* per email per window,
# however many arrive at once. A guess is counted before its password is checked, in
# the same BEGIN IMMEDIATE unit that reads the lock (so sixteen guesses arriving
# together cannot all see "not locked yet"); the fifth wrong guess locks the email
# for LOCK_MINUTES, and a lock only ever grows — nothing but an admin or a set-up
# code brings it to an end early (while locked, even the right password is refused
# unchecked). One row per email, never more
# than EMAIL_MAX characters, and rows expire once they say nothing any more.

class Locked(SignInFailed):
    """Too many attempts: refused without checking the password."""

    def __init__(self, until: datetime, now: datetime) -> None:
        minutes = max(1, int((until - now).total_seconds() + 59) // 60)
        super().__init__(Message(
            "Too many attempts for this email. Try again in 1 minute, or ask your chapter "
            "admin for a set-up code.") if minutes == 1 else Message(
            "Too many attempts for this email. Try again in {count} minutes, or ask your "
            "chapter admin for a set-up code.", count=minutes))
        self.until = until


_BAD_EMAIL = Message("That is not an email address. Enter the address your chapter added "
                     "you with, e.g. name@example.org.")
# The audit log's key for failures with emails that belong to no member: they are
# logged together, once per window, never one row per (attacker-chosen) address.
_UNKNOWN_KEY = "*"


def normalise_email(email: str | None) -> str:
    """The email as stored (trimmed, lower case) if it could be one; :class:`SignInFailed`
    before anything is written or hashed otherwise (item 7: no unbounded writes)."""
    email = (email or "")[:EMAIL_MAX * 4].strip().lower()
    if not email:
        raise SignInFailed(Message("Enter your email and your password."))
    if (len(email) > EMAIL_MAX or not EMAIL_RE.match(email)
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in email)):
        raise SignInFailed(_BAD_EMAIL)
    return email


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _expire(db: sqlite_utils.Database, now: datetime) -> None:
    """Forget rows whose window and lock have both ended (bounded bookkeeping)."""
    db.execute("DELETE FROM login_attempts WHERE expires_at <= ?", [now.isoformat()])


def locked_until(db: sqlite_utils.Database, email: str, *,
                 now: datetime | None = None) -> datetime | None:
    """When the lock on ``email`` ends, if guesses for it are refused now."""
    now = now or _now()
    row = next(db.query("SELECT window_start, guesses, locked_until FROM login_attempts"
                        " WHERE email = ?", [email.strip().lower()]), None)
    if row is None:
        return None
    return _refusal(row, now)


def _refusal(row: dict, now: datetime) -> datetime | None:
    """Until when a row refuses guesses: its lock, or — while the window's allowance is
    spent by guesses still being checked — the end of that window."""
    lock = _at(row["locked_until"])
    if lock is not None and lock > now:
        return lock
    window_end = _at(row["window_start"]) + timedelta(minutes=WINDOW_MINUTES)
    if row["guesses"] >= MAX_FAILURES and window_end > now:
        return window_end
    return None


def _reserve_guess(db: sqlite_utils.Database, email: str, now: datetime) -> None:
    """Count one guess for ``email`` before it is checked; :class:`Locked` if the
    window's allowance is spent or the email is locked."""
    refused = None
    with store.transaction(db):
        _expire(db, now)
        row = next(db.query("SELECT window_start, guesses, locked_until, logged"
                            " FROM login_attempts WHERE email = ?", [email]), None)
        if row is not None:
            refused = _refusal(row, now)
        if refused is None:
            window_open = (row is not None and _at(row["window_start"])
                           > now - timedelta(minutes=WINDOW_MINUTES))
            start = row["window_start"] if window_open else now.isoformat()
            guesses = (row["guesses"] if window_open else 0) + 1
            logged = row["logged"] if window_open else 0
            lock = row["locked_until"] if row is not None else None
            expires = max(_at(start) + timedelta(minutes=WINDOW_MINUTES),
                          _at(lock) or now)
            db.execute("INSERT INTO login_attempts (email, window_start, guesses,"
                       " locked_until, logged, expires_at) VALUES (?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (email) DO UPDATE SET window_start = excluded.window_start,"
                       " guesses = excluded.guesses, locked_until = excluded.locked_until,"
                       " logged = excluded.logged, expires_at = excluded.expires_at",
                       [email, start, guesses, lock, logged, expires.isoformat()])
    if refused is not None:
        raise Locked(refused, now)


def _confirm_failure(db: sqlite_utils.Database, email: str, member_id: int | None,
                     now: datetime) -> None:
    """A counted guess was wrong: lock once the allowance is spent (never shortening a
    lock), and note it in the audit log — once per window, and once at the lock."""
    with store.transaction(db):
        row = next(db.query("SELECT guesses, locked_until, logged FROM login_attempts"
                            " WHERE email = ?", [email]), None)
        if row is None:  # cleared meanwhile (the right password, an admin, a code)
            return
        lock = _at(row["locked_until"])
        newly_locked = False
        if row["guesses"] >= MAX_FAILURES:
            wanted = now + timedelta(minutes=LOCK_MINUTES)
            newly_locked = lock is None or lock <= now
            if lock is None or lock < wanted:
                lock = wanted
                db.execute("UPDATE login_attempts SET locked_until = ?,"
                           " expires_at = MAX(expires_at, ?) WHERE email = ?",
                           [lock.isoformat(), lock.isoformat(), email])
        if member_id is None:
            _log_unknown_email_failure(db, now)
            return
        if not row["logged"]:
            db.execute("UPDATE login_attempts SET logged = 1 WHERE email = ?", [email])
            store.audit(db, None, "failed sign-in", "members", member_id,
                        {"email": email, "note": "a wrong password; later failures in the "
                         f"same {WINDOW_MINUTES} minutes are counted, not logged one by one"})
        if newly_locked:
            store.audit(db, None, "sign-in locked", "members", member_id,
                        {"email": email, "failed_attempts": row["guesses"],
                         "locked_until": lock.isoformat()})


def _log_unknown_email_failure(db: sqlite_utils.Database, now: datetime) -> None:
    """Failures with emails of no member: one audit entry per window for all of them,
    naming no address (they are whatever a stranger typed)."""
    row = next(db.query("SELECT window_start FROM login_attempts WHERE email = ?",
                        [_UNKNOWN_KEY]), None)
    if row is not None and _at(row["window_start"]) > now - timedelta(minutes=WINDOW_MINUTES):
        return
    end = now + timedelta(minutes=WINDOW_MINUTES)
    db.execute("INSERT INTO login_attempts (email, window_start, guesses, logged, expires_at)"
               " VALUES (?, ?, 0, 1, ?) ON CONFLICT (email) DO UPDATE SET"
               " window_start = excluded.window_start, expires_at = excluded.expires_at",
               [_UNKNOWN_KEY, now.isoformat(), end.isoformat()])
    store.audit(db, None, "failed sign-in", "members", None,
                {"email": "(no member's email)", "note": "sign-in attempts with emails that "
                 f"belong to no member; further ones in the next {WINDOW_MINUTES} minutes are "
                 "not logged one by one"})


def _clear_after_success(db: sqlite_utils.Database, email: str, now: datetime) -> None:
    """The right password: the count starts again (a running lock, set meanwhile by
    other guesses, is left to run)."""
    with store.transaction(db):
        db.execute("DELETE FROM login_attempts WHERE email = ?"
                   " AND (locked_until IS NULL OR locked_until <= ?)", [email, now.isoformat()])
        db.execute("UPDATE login_attempts SET guesses = 0 WHERE email = ?", [email])


# --- signing in -----------------------------------------------------------------------

_NO_MATCH = Message("That email and password do not match. Check both and try again.")


def sign_in_with_password(db: sqlite_utils.Database, email: str, password: str, *,
                          now: datetime | None = None) -> Member:
    """The member whose email and password these are; :class:`SignInFailed` otherwise.

    At most :data:`MAX_FAILURES` guesses per email are checked in any
    :data:`WINDOW_MINUTES`-minute window; the fifth wrong one locks the email for
    :data:`LOCK_MINUTES` minutes, even for the right password (:class:`Locked`).
    """
    now = now or _now()
    email = normalise_email(email)
    if not password:
        raise SignInFailed(Message("Enter your email and your password."))
    _reserve_guess(db, email, now)  # raises Locked without checking anything
    row = next(db.query("SELECT id, password_hash FROM members WHERE email = ?", [email]), None)
    ok = verify_password(password[:PASSWORD_MAX * 4],
                         row["password_hash"] if row and row["password_hash"] else _DUMMY_HASH)
    if not (row and row["password_hash"] and ok):
        _confirm_failure(db, email, row["id"] if row else None, now)
        # The guess that spent the allowance says so, as later ones will.
        until = locked_until(db, email, now=now)
        if until is not None:
            raise Locked(until, now)
        raise SignInFailed(_NO_MATCH)
    _clear_after_success(db, email, now)
    member = roster.get_member(db, row["id"])
    if not member.active:
        raise SignInFailed(Message("This account has been deactivated. Ask your chapter "
                                   "admin if you would like to come back."))
    return member


# --- what an admin sees and can do about a lockout -----------------------------------

def lockouts(db: sqlite_utils.Database, actor: Member, *,
             now: datetime | None = None) -> dict[int, datetime]:
    """Members of the admin's chapter whose password sign-in is refused now, and until when."""
    access.require_admin(actor)
    now = now or _now()
    out: dict[int, datetime] = {}
    for r in db.query("SELECT m.id, a.window_start, a.guesses, a.locked_until"
                      " FROM login_attempts a JOIN members m ON m.email = a.email"
                      " WHERE m.chapter_id = ?", [actor.chapter_id]):
        until = _refusal(r, now)
        if until is not None:
            out[r["id"]] = until
    return out


def clear_lockout(db: sqlite_utils.Database, actor: Member, member_id: int, *,
                  now: datetime | None = None) -> bool:
    """An admin lifts a member's lockout (audited). Whether there was one to lift."""
    access.require_admin(actor)
    member = roster.get_member(db, member_id)
    access.require_same_chapter(actor, member.chapter_id)
    now = now or _now()
    with store.transaction(db):
        row = next(db.query("SELECT window_start, guesses, locked_until FROM login_attempts"
                            " WHERE email = ?", [member.email.lower()]), None)
        until = _refusal(row, now) if row is not None else None
        db.execute("DELETE FROM login_attempts WHERE email = ?", [member.email.lower()])
        if until is None:
            return False
        store.audit(db, actor.id, "clear lockout", "members", member.id,
                    {"email": member.email, "was_locked_until": until.isoformat()})
        store.bump_data_version(db)
    return True


def _store_password(db: sqlite_utils.Database, member: Member, password: str,
                    actor_id: int | None, how: str) -> None:
    db.execute("UPDATE members SET password_hash = ? WHERE id = ?",
               [hash_password(password), member.id])
    # The audit log says that the password changed, never the password or its hash.
    store.audit(db, actor_id, "update", "members", member.id, {"password": how})
    store.bump_data_version(db)


def change_password(db: sqlite_utils.Database, actor: Member, current: str, new: str, *,
                    keep_session: int | None = None) -> None:
    """The actor changes their own password, proving they know the current one; every
    other session of theirs ends (``keep_session``, this browser's, stays)."""
    access.require_active(actor)
    row = next(db.query("SELECT password_hash FROM members WHERE id = ?", [actor.id]))
    if not row["password_hash"]:
        raise access.PermissionDenied(Message(
            "Your account signs in through your organisation's accounts, so it has no "
            "password here to change."))
    if not verify_password(current or "", row["password_hash"]):
        raise ValidationError({"current": Message("Your current password is not right")})
    check_new_password(new, email=actor.email)
    with store.transaction(db):
        _store_password(db, actor, new, actor.id, "changed")
        sessions.revoke_all(db, actor.id, keep=keep_session)


# --- set-up codes ---------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedCode:
    """A set-up code as issued: ``code`` is shown once and never stored."""

    member: Member
    code: str
    expires_at: datetime


def _issue(db: sqlite_utils.Database, member: Member, actor_id: int | None,
           hours: int, now: datetime) -> IssuedCode:
    if not member.active:
        raise ValidationError({"member": Message("{name} is deactivated; reactivate them "
                                                 "first", name=member.name)})
    if not 1 <= hours <= 24 * 14:
        raise ValidationError({"hours": Message(
            "A set-up code lasts between 1 hour and 14 days")})
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    expires = now + timedelta(hours=hours)
    with store.transaction(db):
        # One live code per member: a new one replaces any earlier unused code.
        db.execute("UPDATE setup_codes SET used_at = ? WHERE member_id = ? AND used_at IS NULL",
                   [now.isoformat(), member.id])
        cur = db.execute("INSERT INTO setup_codes (member_id, code_hash, created_by, created_at,"
                         " expires_at) VALUES (?, ?, ?, ?, ?)",
                         [member.id, _code_hash(code), actor_id, now.isoformat(),
                          expires.isoformat()])
        store.audit(db, actor_id, "create", "setup_codes", cur.lastrowid,
                    {"member_id": member.id, "expires_at": expires.isoformat()})
        store.bump_data_version(db)
    return IssuedCode(member, format_code(code), expires)


def issue_setup_code(db: sqlite_utils.Database, actor: Member, member_id: int, *,
                     hours: int = CODE_HOURS, now: datetime | None = None) -> IssuedCode:
    """An admin issues a one-time code for a member of their chapter."""
    access.require_admin(actor)
    member = roster.get_member(db, member_id)
    access.require_same_chapter(actor, member.chapter_id)
    return _issue(db, member, actor.id, hours, now or _now())


def issue_setup_code_for_operator(db: sqlite_utils.Database, email: str, *,
                                  hours: int = CODE_HOURS,
                                  now: datetime | None = None) -> IssuedCode:
    """A code issued from the command line by whoever holds the database file
    (how the first admin gets their password)."""
    member = roster.find_member_by_email(db, email)
    if member is None:
        raise ValidationError({"email": Message("No member has the email {email!r}",
                                                email=email)})
    return _issue(db, member, None, hours, now or _now())


def redeem_setup_code(db: sqlite_utils.Database, email: str, code: str, new_password: str, *,
                      now: datetime | None = None) -> Member:
    """Set a member's password with their set-up code; the code is then spent.

    A code is the admin's way back in for a member, so a password lockout does not
    block it (otherwise whoever locks a member out also blocks their recovery), and
    using it lifts the lockout and ends the member's other sessions. Wrong codes are
    not counted towards anything: a code is 79 random bits, checked with one SHA-256,
    and a wrong one writes nothing.
    """
    now = now or _now()
    if not (email or "").strip() or not code:
        raise SignInFailed(Message("Enter your email and the set-up code your admin gave "
                                   "you."))
    email = normalise_email(email)
    member = roster.find_member_by_email(db, email)
    wanted = _code_hash(code[:64])
    match_id = None
    if member is not None:
        for row in db.query("SELECT id, code_hash FROM setup_codes WHERE member_id = ?"
                            " AND used_at IS NULL AND expires_at > ?",
                            [member.id, now.isoformat()]):
            if hmac.compare_digest(row["code_hash"], wanted):
                match_id = row["id"]
    if member is None or match_id is None:
        raise SignInFailed(Message(
            "That set-up code is not valid for this email: it may be mistyped, used "
            "already, or expired. Ask your chapter admin for a new one."))
    if not member.active:
        raise SignInFailed(Message("This account has been deactivated. Ask your chapter "
                                   "admin."))
    check_new_password(new_password, email=member.email)
    with store.transaction(db):
        # Spend the code inside the same write lock: a code used twice at once works once.
        spent = db.execute("UPDATE setup_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
                           [now.isoformat(), match_id]).rowcount
        if spent != 1:
            raise SignInFailed(Message("That set-up code has just been used. Ask for a new "
                                       "one."))
        _store_password(db, member, new_password, member.id, "set with a set-up code")
        db.execute("DELETE FROM login_attempts WHERE email = ?", [email])
        # A reset may follow a lost or shared device: every earlier session ends.
        sessions.revoke_all(db, member.id, now=now)
    return roster.get_member(db, member.id)


# --- what the chapter can use -------------------------------------------------------

@dataclass(frozen=True)
class AccountStatus:
    """What an admin sees about a member's sign-in (never the hash or the code)."""

    member_id: int
    has_password: bool
    code_expires_at: str | None  # a live, unused set-up code's expiry


def account_status(db: sqlite_utils.Database, actor: Member) -> dict[int, AccountStatus]:
    """Per member of the admin's chapter: has a password? a set-up code pending?"""
    access.require_admin(actor)
    now = _now().isoformat()
    out: dict[int, AccountStatus] = {}
    for r in db.query(
            "SELECT m.id, m.password_hash IS NOT NULL AS has_pw,"
            " (SELECT MAX(expires_at) FROM setup_codes c WHERE c.member_id = m.id"
            "  AND c.used_at IS NULL AND c.expires_at > ?) AS code_expires"
            " FROM members m WHERE m.chapter_id = ?", [now, actor.chapter_id]):
        out[r["id"]] = AccountStatus(r["id"], bool(r["has_pw"]), r["code_expires"])
    return out


def password_accounts_exist(db: sqlite_utils.Database, *, now: datetime | None = None) -> bool:
    """Whether anyone can sign in with a password now or set one up with a code."""
    now_s = (now or _now()).isoformat()
    return bool(db.execute(
        "SELECT EXISTS (SELECT 1 FROM members WHERE password_hash IS NOT NULL AND active = 1)"
        " OR EXISTS (SELECT 1 FROM setup_codes WHERE used_at IS NULL AND expires_at > ?)",
        [now_s]).fetchone()[0])


def has_password(db: sqlite_utils.Database, actor: Member) -> bool:
    """Whether the actor's own account has a password set here."""
    access.require_active(actor)
    row = db.execute("SELECT password_hash IS NOT NULL FROM members WHERE id = ?",
                     [actor.id]).fetchone()
    return bool(row and row[0])
