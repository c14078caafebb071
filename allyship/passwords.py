"""Password accounts, for chapters without an identity provider.

* Passwords are hashed with scrypt (``hashlib.scrypt``, memory-hard, standard
  library) and a random salt per password; the stored string carries its own
  parameters (``scrypt$n$r$p$salt$hash``) so they can be raised later without
  breaking old hashes. Comparison is constant-time (``hmac.compare_digest``).
* Repeated failures lock an email out for a while. The count lives in the database
  (``login_failures``), per email, so it survives restarts and applies across
  browser sessions. Unknown emails are counted too and take as long to refuse,
  so the form does not reveal who is a member.
* An admin issues a one-time **set-up code** for a member (admin page or
  ``python -m allyship setup-code``). It is shown once, stored only as a hash,
  expires, and works once: the member uses it to choose their password (also the
  way to reset a forgotten one). Codes are 80 random bits, so a fast hash
  (SHA-256) is enough for them; scrypt is for low-entropy human passwords.
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

from allyship import access, people, store
from allyship.models import Member, ValidationError

# scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB of memory per hash, ~50 ms.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
PASSWORD_MIN = 10
PASSWORD_MAX = 256  # long enough for any passphrase; bounds the hashing work
MAX_FAILURES = 5  # consecutive failures before the email is locked
LOCK_MINUTES = 15
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
        raise ValidationError({"password": f"Choose a password of at least {PASSWORD_MIN} "
                                           "characters; a few unrelated words work well"})
    if len(password) > PASSWORD_MAX:
        raise ValidationError({"password": f"A password can be at most {PASSWORD_MAX} "
                                           "characters"})
    if email and password.strip().lower() == email.strip().lower():
        raise ValidationError({"password": "Your password cannot be your email address"})
    return password


def _code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()


def format_code(code: str) -> str:
    """``ABCD-EFGH-…``: easier to read out and type."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# --- failed attempts and lockout ----------------------------------------------------

def locked_until(db: sqlite_utils.Database, email: str, *,
                 now: datetime | None = None) -> datetime | None:
    """When the lock on ``email`` ends, if it is locked now."""
    now = now or _now()
    row = next(db.query("SELECT locked_until FROM login_failures WHERE email = ?",
                        [email.strip()]), None)
    if row and row["locked_until"]:
        until = datetime.fromisoformat(row["locked_until"])
        if until > now:
            return until
    return None


def _record_failure(db: sqlite_utils.Database, email: str, now: datetime) -> None:
    with store.transaction(db):
        row = next(db.query("SELECT failures, locked_until FROM login_failures WHERE email = ?",
                            [email]), None)
        failures = (row["failures"] if row else 0) + 1
        until = None
        if failures >= MAX_FAILURES:
            until = (now + timedelta(minutes=LOCK_MINUTES)).isoformat()
            failures = 0  # a fresh allowance once the lock has passed
        db.execute("INSERT INTO login_failures (email, failures, locked_until, last_failure_at)"
                   " VALUES (?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET"
                   " failures = excluded.failures, locked_until = excluded.locked_until,"
                   " last_failure_at = excluded.last_failure_at",
                   [email, failures, until, now.isoformat()])


def _clear_failures(db: sqlite_utils.Database, email: str) -> None:
    with store.transaction(db):
        db.execute("DELETE FROM login_failures WHERE email = ?", [email])


def _refuse_if_locked(db: sqlite_utils.Database, email: str, now: datetime) -> None:
    until = locked_until(db, email, now=now)
    if until is not None:
        minutes = max(1, int((until - now).total_seconds() + 59) // 60)
        raise SignInFailed(f"Too many attempts for this email. Try again in {minutes} "
                           f"minute{'s' if minutes != 1 else ''}, or ask your chapter admin "
                           "for a set-up code.")


# --- signing in -----------------------------------------------------------------------

_NO_MATCH = "That email and password do not match. Check both and try again."


def sign_in_with_password(db: sqlite_utils.Database, email: str, password: str, *,
                          now: datetime | None = None) -> Member:
    """The member whose email and password these are; :class:`SignInFailed` otherwise.

    After :data:`MAX_FAILURES` consecutive failures the email is locked for
    :data:`LOCK_MINUTES` minutes, even for the right password.
    """
    now = now or _now()
    email = (email or "").strip().lower()
    if not email or not password:
        raise SignInFailed("Enter your email and your password.")
    _refuse_if_locked(db, email, now)
    row = next(db.query("SELECT id, password_hash FROM members WHERE email = ?", [email]), None)
    ok = verify_password(password[:PASSWORD_MAX * 4],
                         row["password_hash"] if row and row["password_hash"] else _DUMMY_HASH)
    if not (row and row["password_hash"] and ok):
        _record_failure(db, email, now)
        _refuse_if_locked(db, email, now)
        raise SignInFailed(_NO_MATCH)
    _clear_failures(db, email)
    member = people.get_member(db, row["id"])
    if not member.active:
        raise SignInFailed("This account has been deactivated. Ask your chapter admin if "
                           "you would like to come back.")
    return member


def _store_password(db: sqlite_utils.Database, member: Member, password: str,
                    actor_id: int | None, how: str) -> None:
    db.execute("UPDATE members SET password_hash = ? WHERE id = ?",
               [hash_password(password), member.id])
    # The audit log says that the password changed, never the password or its hash.
    store.audit(db, actor_id, "update", "members", member.id, {"password": how})
    store.bump_data_version(db)


def change_password(db: sqlite_utils.Database, actor: Member, current: str, new: str) -> None:
    """The actor changes their own password, proving they know the current one."""
    access.require_active(actor)
    row = next(db.query("SELECT password_hash FROM members WHERE id = ?", [actor.id]))
    if not row["password_hash"]:
        raise access.PermissionDenied("Your account signs in through your organisation's "
                                      "accounts, so it has no password here to change.")
    if not verify_password(current or "", row["password_hash"]):
        raise ValidationError({"current": "Your current password is not right"})
    check_new_password(new, email=actor.email)
    with store.transaction(db):
        _store_password(db, actor, new, actor.id, "changed")


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
        raise ValidationError({"member": f"{member.name} is deactivated; reactivate them first"})
    if not 1 <= hours <= 24 * 14:
        raise ValidationError({"hours": "A set-up code lasts between 1 hour and 14 days"})
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
    member = people.get_member(db, member_id)
    access.require_same_chapter(actor, member.chapter_id)
    return _issue(db, member, actor.id, hours, now or _now())


def issue_setup_code_for_operator(db: sqlite_utils.Database, email: str, *,
                                  hours: int = CODE_HOURS,
                                  now: datetime | None = None) -> IssuedCode:
    """A code issued from the command line by whoever holds the database file
    (how the first admin gets their password)."""
    member = people.find_member_by_email(db, email)
    if member is None:
        raise ValidationError({"email": f"No member has the email {email!r}"})
    return _issue(db, member, None, hours, now or _now())


def redeem_setup_code(db: sqlite_utils.Database, email: str, code: str, new_password: str, *,
                      now: datetime | None = None) -> Member:
    """Set a member's password with their set-up code; the code is then spent.

    Wrong codes count as failed sign-ins for the email (same lockout).
    """
    now = now or _now()
    email = (email or "").strip().lower()
    if not email or not code:
        raise SignInFailed("Enter your email and the set-up code your admin gave you.")
    _refuse_if_locked(db, email, now)
    member = people.find_member_by_email(db, email)
    wanted = _code_hash(code)
    match_id = None
    if member is not None:
        for row in db.query("SELECT id, code_hash FROM setup_codes WHERE member_id = ?"
                            " AND used_at IS NULL AND expires_at > ?",
                            [member.id, now.isoformat()]):
            if hmac.compare_digest(row["code_hash"], wanted):
                match_id = row["id"]
    if member is None or match_id is None:
        _record_failure(db, email, now)
        _refuse_if_locked(db, email, now)
        raise SignInFailed("That set-up code is not valid for this email: it may be mistyped, "
                           "used already, or expired. Ask your chapter admin for a new one.")
    if not member.active:
        raise SignInFailed("This account has been deactivated. Ask your chapter admin.")
    check_new_password(new_password, email=member.email)
    with store.transaction(db):
        # Spend the code inside the same write lock: a code used twice at once works once.
        spent = db.execute("UPDATE setup_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
                           [now.isoformat(), match_id]).rowcount
        if spent != 1:
            raise SignInFailed("That set-up code has just been used. Ask for a new one.")
        _store_password(db, member, new_password, member.id, "set with a set-up code")
    _clear_failures(db, email)
    return people.get_member(db, member.id)


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
