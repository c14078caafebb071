"""Forget me: a member's request, an admin's (or the operator's) confirmation, and the
erasure itself — anonymising, so the chapter's history stays true.

In one transaction the member becomes "Former member N" with an address that can receive
no mail, every free-text field they wrote is removed (:data:`TABLES`), their sign-in data
is deleted and the audit log's stored words about them are purged through the one path its
triggers allow; what group figures count (dates, minutes, responsibilities, team) stays.
Then the file is scrubbed (``secure_delete``, ``VACUUM``, a truncating WAL checkpoint) so
the words are not left in free pages. Deactivated is not forgotten: a deactivated member
keeps everything and can come back.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, ValidationError
from allyship.db import audit, store
from allyship.i18n import Message
from allyship.people import roster

PSEUDONYM = "Former member {n}"
SCRUB_WAIT_MS = 3000
PSEUDONYM_EMAIL = "former-member-{n}@forgotten.invalid"


def pseudonym(member_id: int) -> str:
    """The stable name a forgotten member is shown by."""
    return PSEUDONYM.format(n=member_id)


# --- what erasure does to each table ------------------------------------------------------
# Every table of the schema is listed once (a test checks this), so a new table
# cannot hold a forgotten member's data unnoticed: whoever adds one says here what
# erasure does to it. ``where`` selects the member's rows (:m = member id, :email = their
# address before erasure); ``blank`` maps column → SQL expression that replaces it.

@dataclass(frozen=True)
class Treatment:
    """What erasure does to one table's rows of the member."""

    how: str  # "delete" | "blank" | "keep" | "special"
    where: str = ""
    blank: tuple[tuple[str, str], ...] = ()
    why: str = ""


_MY_PLAN = "plan_id IN (SELECT id FROM plans WHERE member_id = :m)"
# Addresses the member had before an admin corrected it: the audit of their membership
# names them (read before that audit is purged, as the tables come first).
_PAST_EMAILS = ("SELECT lower(j.value) FROM audit_log a, json_tree(CASE WHEN"
                " json_valid(a.details) THEN a.details ELSE '{}' END) j"
                " WHERE a.table_name = 'members' AND a.record_id = CAST(:m AS TEXT)"
                " AND j.key = 'email' AND j.type = 'text'")

TABLES: dict[str, Treatment] = {
    "reflections": Treatment("delete", "member_id = :m",
                             why="private words; no group figure counts them"),
    "plan_revisions": Treatment("delete", _MY_PLAN, why="earlier versions are only words"),
    "plan_items": Treatment("blank", _MY_PLAN, (("text", "''"), ("if_when", "''"),
                                                ("if_then", "''")),
                            why="due and done dates feed follow-through figures"),
    "plans": Treatment("blank", "member_id = :m", (
        ("focus_group", "''"), ("motivation", "''"), ("supports_goal", "''"),
        ("feedback", "''")), why="the plan's existence and status feed figures"),
    # The focus group their plan named, week by week: kept (counts stay true) where
    # someone else wrote the same group, in that person's spelling; else gone.
    "memberships": Treatment("blank", "member_id = :m", (
        ("focus_group", "(SELECT o.focus_group FROM memberships o WHERE o.member_id != :m"
                        " AND o.chapter_id = memberships.chapter_id"
                        " AND trim(o.focus_group) = trim(memberships.focus_group) COLLATE NOCASE"
                        " ORDER BY o.focus_group LIMIT 1)"),),
        why="chapter, team and weeks feed every figure of past periods"),
    "actions": Treatment("blank", "member_id = :m", (
        ("description", "''"), ("visibility", "'private'"), ("audience_team_id", "NULL"),
        ("audience_circle_id", "NULL"), ("audience_partners", "NULL"),
        # An imported action's key is a hash of its words: it goes too.
        ("idempotency_key", "NULL")),
        why="date, week, minutes, kind feed every activity figure"),
    "action_responsibilities": Treatment("keep", why="numbers 1–8, feed coverage figures"),
    "away_weeks": Treatment("keep", why="dates only; keep participation denominators true"),
    "setup_codes": Treatment("delete", "member_id = :m", why="sign-in data"),
    "erasure_requests": Treatment("delete", "member_id = :m", why="done with"),
    # Tables of later features; skipped where absent (a database not yet migrated).
    "login_attempts": Treatment("delete", f"email = :email OR email IN ({_PAST_EMAILS})",
                                why="sign-in data, under every address they had"),
    "sessions": Treatment("delete", "member_id = :m", why="sign-in data"),
    "feed_tokens": Treatment("delete", "member_id = :m", why="their calendar feed"),
    "nudge_settings": Treatment("delete", "member_id = :m", why="their reminders"),
    "outbox": Treatment("delete", "member_id = :m",
                        why="messages to them (an error may quote their address)"),
    "partner_notes": Treatment("delete", "author_id = :m OR recipient_id = :m OR partnership_id"
                               " IN (SELECT id FROM partnerships WHERE inviter_id = :m"
                               " OR invitee_id = :m)",
                               why="words written to or by them"),
    "partnerships": Treatment("delete", "inviter_id = :m OR invitee_id = :m",
                              why="a relationship with someone no longer here"),
    "partner_settings": Treatment("delete", "member_id = :m", why="their settings"),
    "circle_members": Treatment("delete", "member_id = :m", why="their place in a circle"),
    "org_roles": Treatment("delete", "member_id = :m", why="a role they no longer hold"),
    "circles": Treatment("blank", "created_by = :m", (("name", "'Circle ' || id"),),
                         why="the name they typed goes; the circle stays for its members"),
    "ideas": Treatment("keep", why="the chapter's shared list of ideas"),
    "chapter_settings": Treatment("keep", why="the chapter's own record"),
    "nudge_runs": Treatment("keep", why="counts of a sender run"),
    "chapter_versions": Treatment("keep", why="cache keys"),
    "organisation": Treatment("keep", why="the organisation's own record"),
    "regions": Treatment("keep", why="the organisation's own record"),
    "member_weeks": Treatment("keep", why="weekly counts: figures for past periods"),
    "chapter_weeks": Treatment("keep", why="weekly counts: figures for past periods"),
    "team_weeks": Treatment("keep", why="weekly counts per team: figures for past periods"),
    "members": Treatment("special", why="the row stays (figures join on it), anonymised"),
    "audit_log": Treatment("special", why="purged through the one controlled path"),
    "chapters": Treatment("keep", why="the chapter's own record"),
    "teams": Treatment("keep", why="the chapter's own record"),
    "meta": Treatment("keep", why="no personal data"),
    "community_partners": Treatment("keep", why="organisations the chapter works with"),
    "community_partner_answers": Treatment("keep", why="partners' answers, never about a member"),
    "community_partner_asks": Treatment("blank", "asked_by = :m", (("asked_by", "NULL"),),
                                        why="who asked goes; the partner's link still works"),
    "community_partner_report_backs": Treatment("blank", "written_by = :m", (
        ("written_by", "NULL"),), why="who wrote it goes; the chapter's words stay as sent"),
}

# Audit details keys that carry no words, kept when an entry is purged: the shape of a
# change (dates, counts, enumerations), as the admin's view of the log shows it.
_KEPT_KEYS = audit.SAFE_KEYS | {"role", "team_id", "active", "archived", "password", "via",
                                "by", "expires_at"}


@dataclass(frozen=True)
class ErasureResult:
    """What one erasure did."""

    member_id: int
    pseudonym: str
    counts: dict[str, int]
    audit_entries_purged: int
    scrubbed: bool  # the file and its WAL were rewritten without the old pages

    def summary(self) -> Message:
        """One line for the admin (table names as in the database, in any language)."""
        removed = ", ".join(f"{n} {t}" for t, n in self.counts.items() if n)
        note = "" if self.scrubbed else Message(
            " The database file could not be fully rewritten because another process was "
            "reading it; run `python -m allyship forget --scrub` when it is quiet.")
        return Message("Forgotten: now shown as {pseudonym}. Changed or removed: {removed}; "
                       "{purged} audit entries purged of their words.{note}",
                       pseudonym=self.pseudonym,
                       removed=removed or Message("nothing else held"),
                       purged=self.audit_entries_purged, note=note)


# --- requests ----------------------------------------------------------------------------

def is_forgotten(db: sqlite_utils.Database, member_id: int) -> bool:
    row = db.execute("SELECT forgotten_at FROM members WHERE id = ?", [member_id]).fetchone()
    return bool(row and row[0])


def request_of(db: sqlite_utils.Database, actor: Member) -> str | None:
    """When the actor asked to be forgotten (UTC ISO time), or ``None``."""
    access.require_active(actor)
    row = db.execute("SELECT requested_at FROM erasure_requests WHERE member_id = ?",
                     [actor.id]).fetchone()
    return row[0] if row else None


def request_erasure(db: sqlite_utils.Database, actor: Member) -> str:
    """The actor asks to be forgotten; an admin confirms. Asking twice is one request."""
    access.require_active(actor)
    with store.transaction(db):
        cur = db.execute("INSERT OR IGNORE INTO erasure_requests (member_id, requested_at)"
                         " VALUES (?, ?)", [actor.id, store.now_iso()])
        if cur.rowcount:
            store.audit(db, actor.id, "request erasure", "members", actor.id, {})
            store.bump_data_version(db)
    return request_of(db, actor) or ""


def withdraw_request(db: sqlite_utils.Database, actor: Member) -> None:
    """The actor changes their mind before an admin confirmed."""
    access.require_active(actor)
    with store.transaction(db):
        cur = db.execute("DELETE FROM erasure_requests WHERE member_id = ?", [actor.id])
        if cur.rowcount:
            store.audit(db, actor.id, "withdraw erasure request", "members", actor.id, {})
            store.bump_data_version(db)


def pending_requests(db: sqlite_utils.Database, actor: Member) -> list[tuple[Member, str]]:
    """Members of the admin's chapter waiting to be forgotten, oldest request first."""
    access.require_admin(actor)
    rows = db.execute("SELECT r.member_id, r.requested_at FROM erasure_requests r"
                      " JOIN members m ON m.id = r.member_id WHERE m.chapter_id = ?"
                      " ORDER BY r.requested_at, r.member_id", [actor.chapter_id]).fetchall()
    return [(roster.get_member(db, r[0]), r[1]) for r in rows]


def forgettable_without_request(db: sqlite_utils.Database, actor: Member) -> list[Member]:
    """Deactivated, not yet forgotten members of the admin's chapter: people who left and
    asked by letter or email. (Active members ask for themselves on Account.)"""
    access.require_admin(actor)
    return [roster.get_member(db, r[0]) for r in db.execute(
        "SELECT id FROM members WHERE chapter_id = ? AND active = 0 AND forgotten_at IS NULL"
        " AND id NOT IN (SELECT member_id FROM erasure_requests)"
        " ORDER BY name COLLATE NOCASE, id", [actor.chapter_id])]


def decline_request(db: sqlite_utils.Database, actor: Member, member_id: int) -> None:
    """An admin declines (e.g. asked by mistake; talk to them first). Audited."""
    access.require_admin(actor)
    target = _target(db, member_id)
    access.require_same_chapter(actor, target.chapter_id)
    with store.transaction(db):
        cur = db.execute("DELETE FROM erasure_requests WHERE member_id = ?", [member_id])
        if not cur.rowcount:
            raise ValidationError({"member": Message(
                "There is no pending request from that member")})
        store.audit(db, actor.id, "decline erasure request", "members", member_id, {})
        store.bump_data_version(db)


def _target(db: sqlite_utils.Database, member_id: int) -> Member:
    try:
        return roster.get_member(db, member_id)
    except LookupError:
        raise ValidationError({"member": Message("That member no longer exists")}) from None


# --- the erasure ---------------------------------------------------------------------------

def forget(db: sqlite_utils.Database, actor: Member | None, member_id: int, *,
           confirm_email: str, scrub: bool = True) -> ErasureResult:
    """Forget a member: anonymise and erase their words (see the module notes).

    ``actor`` is the confirming admin, or ``None`` for the operator's command line. An
    admin may forget a member of their own chapter who asked (a pending request) or who
    is deactivated (asked outside the app) — never themselves, never the chapter's last
    active admin. ``confirm_email`` must be the member's address: a typed confirmation.
    """
    target = _target(db, member_id)
    if actor is not None:
        access.require_admin(actor)
        access.require_same_chapter(actor, target.chapter_id)
        if actor.id == target.id:
            raise access.PermissionDenied(Message(
                "Another admin (or the server's operator) confirms your own erasure."))
    previous_secure = db.execute("PRAGMA secure_delete").fetchone()[0]
    # Deleted and overwritten content is zeroed on the page, not merely unlinked.
    db.execute("PRAGMA secure_delete = ON")
    try:
        with store.transaction(db):
            # Checked inside the write lock: the same confirmation sent twice at once
            # (a double click, two admins) erases once; the second finds it done.
            target = _target(db, member_id)
            if is_forgotten(db, member_id):
                raise ValidationError({"member": Message(
                    "{name} has already been forgotten", name=target.name)})
            if confirm_email.strip().lower() != target.email.lower():
                raise ValidationError({"confirm": Message(
                    "Type {name}'s email address exactly to confirm", name=target.name)})
            requested = db.execute("SELECT requested_at FROM erasure_requests WHERE"
                                   " member_id = ?", [member_id]).fetchone()
            if actor is not None and requested is None and target.active:
                raise ValidationError({"member": Message(
                    "{name} has not asked to be forgotten; an active member asks on Account",
                    name=target.name)})
            if target.role == "admin" and target.active and db.execute(
                    "SELECT COUNT(*) FROM members WHERE chapter_id = ? AND role = 'admin'"
                    " AND active = 1 AND id != ?", [target.chapter_id, target.id]
            ).fetchone()[0] == 0:
                raise ValidationError({"member": Message(
                    "{name} is the chapter's last active admin; make someone else an admin "
                    "first", name=target.name)})
            counts = _erase_rows(db, target)
            purged = _purge_audit(db, target)
            store.audit(db, actor.id if actor else None, "forget", "members", target.id, {
                "pseudonym": pseudonym(target.id), "requested_at": requested and requested[0],
                "by": "app" if actor else "cli", "count": sum(counts.values()),
                "rows": counts, "audit_entries_purged": purged})
            store.bump_data_version(db)
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous_secure)}")
    scrubbed = scrub_file(db) if scrub else False
    return ErasureResult(target.id, pseudonym(target.id), counts, purged, scrubbed)


def forget_by_email(db: sqlite_utils.Database, email: str, *, scrub: bool = True) -> ErasureResult:
    """The operator's erasure (command line): whoever holds the server decides."""
    target = roster.find_member_by_email(db, email)
    if target is None:
        raise ValidationError({"email": Message("No member has the email {email}",
                                                    email=repr(email.strip()))})
    return forget(db, None, target.id, confirm_email=email, scrub=scrub)


def forgotten(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    """Every forgotten member's id and when they were forgotten (for the operator)."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT id, forgotten_at FROM members WHERE forgotten_at IS NOT NULL ORDER BY id")]


def forget_again(db: sqlite_utils.Database, source: sqlite_utils.Database, *,
                 scrub: bool = True) -> list[ErasureResult]:
    """Re-apply to ``db`` (e.g. a backup just restored) every erasure recorded in
    ``source`` (the database that was live). Members are matched by id, which backups
    and full exports keep. Already-forgotten members are skipped."""
    done = []
    for member_id, _when in forgotten(source):
        row = db.execute("SELECT email, forgotten_at FROM members WHERE id = ?",
                         [member_id]).fetchone()
        if row is None or row[1]:
            continue
        done.append(forget(db, None, member_id, confirm_email=row[0], scrub=False))
    if done and scrub:
        scrub_file(db)
    return done


def _erase_rows(db: sqlite_utils.Database, target: Member) -> dict[str, int]:
    params = {"m": target.id, "email": target.email}
    counts: dict[str, int] = {}
    for table, t in TABLES.items():
        if t.how not in ("delete", "blank") or not _exists(db, table):
            continue
        if t.how == "delete":
            cur = db.execute(f'DELETE FROM "{table}" WHERE {t.where}', params)
        else:
            have = {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}
            sets = ", ".join(f'"{c}" = {expr}' for c, expr in t.blank if c in have)
            cur = db.execute(f'UPDATE "{table}" SET {sets} WHERE {t.where}', params)
        counts[table] = cur.rowcount
    db.execute("UPDATE members SET name = ?, email = ?, password_hash = NULL, active = 0,"
               " role = 'member', reflections_keep_months = NULL, forgotten_at = ?"
               " WHERE id = ?",
               [pseudonym(target.id), PSEUDONYM_EMAIL.format(n=target.id), store.now_iso(),
                target.id])
    counts["members"] = 1
    return counts


def _exists(db: sqlite_utils.Database, table: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                      [table]).fetchone() is not None


def scrub_details(details: Any) -> Any:
    """An audit entry's details without words: only keys that carry none are kept."""
    if not isinstance(details, dict):
        return {}
    out: dict[str, Any] = {}
    for key, value in details.items():
        if isinstance(value, dict):
            out[key] = scrub_details(value)
        elif key not in _KEPT_KEYS:
            continue
        elif isinstance(value, (list, tuple)):
            if all(isinstance(v, (int, float)) for v in value):  # e.g. responsibilities
                out[key] = list(value)
        elif value is None or isinstance(value, (bool, int, float)) or (
                isinstance(value, str) and len(value) <= 40):
            out[key] = value  # dates, enumerations
    return out


def _purge_audit(db: sqlite_utils.Database, target: Member) -> int:
    """Remove the member's words from the audit log — the one controlled path.

    Entries purged: everything the member did (except, for an admin, their changes to
    other members and to teams, which hold those people's data, not theirs); entries
    about their membership, codes and records; any entry quoting their name or email as
    a value. Each keeps its time,
    actor, action, table and record, and the wordless shape of its details, marked
    ``"erased": true``. The ``audit_purge`` flag that lets the triggers allow this is set
    and cleared inside the caller's transaction.
    """
    name_json = json.dumps(target.name, ensure_ascii=False)
    mine = str(target.id)
    rows = db.execute(
        "SELECT id, table_name, record_id, details FROM audit_log WHERE actor_id = :m"
        " OR (table_name = 'members' AND record_id = CAST(:m AS TEXT))"
        " OR (CASE WHEN json_valid(details) THEN json_extract(details, '$.member_id') END) = :m"
        " OR instr(lower(details), lower(:email)) > 0 OR instr(details, :name) > 0",
        {"m": target.id, "email": target.email, "name": name_json}).fetchall()
    db.execute("UPDATE meta SET value = '1' WHERE key = 'audit_purge'")
    purged = 0
    try:
        for entry_id, table, record, raw in rows:
            try:
                details = json.loads(raw or "{}")
            except ValueError:
                details = {}
            # What an admin did to someone else's membership, or to the chapter's teams,
            # holds that person's or the chapter's data, not this member's words: kept,
            # unless it quotes the member.
            about_other = (table in audit.ADMIN_TABLES and record != mine and not (
                isinstance(details, dict) and details.get("member_id") == target.id))
            if about_other and target.email.lower() not in (raw or "").lower() \
                    and name_json not in (raw or ""):
                continue
            clean = {**scrub_details(details), "erased": True}
            if json.dumps(clean, sort_keys=True) != raw:
                db.execute("UPDATE audit_log SET details = ? WHERE id = ?",
                           [json.dumps(clean, ensure_ascii=False, sort_keys=True), entry_id])
                purged += 1
    finally:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'audit_purge'")
    return purged


def scrub_file(db: sqlite_utils.Database) -> bool:
    """Rewrite the database file so deleted words are not left in free pages or the WAL:
    checkpoint, ``VACUUM``, checkpoint again truncating the WAL. ``False`` if another
    connection's open read kept the WAL from being emptied (run again later)."""
    if db.conn.in_transaction:
        raise RuntimeError("scrub_file must run outside a transaction")
    file = db.execute("PRAGMA database_list").fetchone()[2]
    if not file:  # an in-memory database leaves nothing behind
        return True
    try:
        # A reader elsewhere holding an old snapshot keeps the WAL; wait a little, not long.
        db.execute(f"PRAGMA busy_timeout = {SCRUB_WAIT_MS}")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")  # needs free disk space about the database's size
        busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # disk full, locked: the erasure itself stands
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")
    return busy == 0
