"""Accountability partners: a member invites another active member of their
chapter; the other accepts or declines; either ends it at any time. A partner sees what
the member shared with partners, read-only — and, if the member chooses, their plan and
their own consistency, and any single reflection they share. Partners check in with a
short note about a week or one action, seen by that partner alone.

Nothing here is ever counted: no totals of notes, no streaks of check-ins, no kudos —
not on pages, not in reports, not in exports to others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import (
    Action,
    Member,
    Plan,
    Reflection,
    ValidationError,
    clean_text,
    week_start,
)
from allyship.db import store
from allyship.i18n import Message
from allyship.people import roster
from allyship.practice import journal, plans

MAX_PARTNERS = 3  # active and pending together: a few people, not an audience
NOTE_MAX = 1000
ENDED_NOTICE_DAYS = 30  # how long the other person is told that a partnership ended


@dataclass(frozen=True)
class Partnership:
    """A partnership seen from ``me``'s side."""

    id: int
    other: Member
    status: str  # invited, active, declined, ended
    invited_by_me: bool
    created_at: str
    ended_at: str | None = None
    ended_by_me: bool = False


@dataclass(frozen=True)
class PartnerSettings:
    """What the member lets their partners see besides actions shared with partners."""

    share_plan: bool = False
    share_consistency: bool = False


@dataclass(frozen=True)
class Note:
    id: int
    author_id: int
    recipient_id: int
    week_start: date
    action_id: int | None
    text: str
    created_at: str


@dataclass(frozen=True)
class PartnerView:
    """What ``partner`` shares with the viewer, read-only."""

    partner: Member
    this_week: tuple[Action, ...]
    recent: tuple[Action, ...]  # the weeks before, newest first
    plan: Plan | None  # None unless the partner shares it (or has none)
    shares_plan: bool
    consistency: journal.Consistency | None  # None unless the partner shares it
    reflections: tuple[Reflection, ...]  # the ones shared explicitly


def _row(db: sqlite_utils.Database, partnership_id: int) -> dict[str, Any]:
    row = next(db.query("SELECT * FROM partnerships WHERE id = ?", [partnership_id]), None)
    if row is None:
        raise LookupError(Message("That partnership no longer exists."))
    return row


def _partnership(db: sqlite_utils.Database, me: Member, row: dict[str, Any]) -> Partnership:
    mine = row["inviter_id"] == me.id
    other = roster.get_member(db, row["invitee_id"] if mine else row["inviter_id"])
    return Partnership(row["id"], other, row["status"], mine, row["created_at"],
                       row["ended_at"], row["ended_by"] == me.id)


def _open_count(db: sqlite_utils.Database, member_id: int, *, active_only: bool = False) -> int:
    statuses = "('active')" if active_only else "('active', 'invited')"
    return db.execute(f"SELECT count(*) FROM partnerships WHERE status IN {statuses}"
                      " AND ? IN (inviter_id, invitee_id)", [member_id]).fetchone()[0]


def list_partnerships(db: sqlite_utils.Database, actor: Member, *,
                      today: date | None = None) -> list[Partnership]:
    """The actor's partnerships: active, invitations both ways, and those the other person
    ended or declined lately (so the actor is told, kindly)."""
    actor = access.require_active(actor)
    since = ((today or date.today()) - timedelta(days=ENDED_NOTICE_DAYS)).isoformat()
    rows = db.query(
        "SELECT * FROM partnerships WHERE ? IN (inviter_id, invitee_id) AND"
        " (status IN ('active', 'invited') OR (status = 'ended' AND ended_by != ?"
        "  AND ended_at >= ?) OR (status = 'declined' AND inviter_id = ? AND answered_at >= ?))"
        " ORDER BY created_at, id", [actor.id, actor.id, since, actor.id, since])
    return [_partnership(db, actor, r) for r in rows]


def active_partners(db: sqlite_utils.Database, actor: Member) -> list[Member]:
    """The actor's partners now (active partnerships with active members), by name."""
    actor = access.require_active(actor)
    ties = journal.reader_ties(db, actor)
    found = [roster.get_member(db, i) for i in ties.partner_ids]
    return sorted((m for m in found if m.active), key=lambda m: (m.name.casefold(), m.id))


def invitable(db: sqlite_utils.Database, actor: Member) -> list[Member]:
    """Active members of the actor's chapter the actor may invite (not already partners
    or invited either way)."""
    actor = access.require_active(actor)
    taken = {r[0] for r in db.execute(
        "SELECT CASE WHEN inviter_id = ? THEN invitee_id ELSE inviter_id END FROM partnerships"
        " WHERE ? IN (inviter_id, invitee_id) AND status IN ('active', 'invited')",
        [actor.id, actor.id])}
    return [m for m in roster.list_members(db, actor.chapter_id, include_inactive=False)
            if m.id != actor.id and m.id not in taken]


def invite(db: sqlite_utils.Database, actor: Member, invitee_id: int) -> Partnership:
    """Invite an active member of the actor's chapter to be partners."""
    actor = access.require_active(actor)
    with store.transaction(db):
        try:
            other = roster.get_member(db, int(invitee_id))
        except (LookupError, TypeError, ValueError):
            raise ValidationError({"partner": Message("Choose a member of your chapter")}) from None
        access.require_same_chapter(actor, other.chapter_id)
        if other.id == actor.id:
            raise ValidationError({"partner": Message("Invite someone other than yourself")})
        if not other.active:
            raise ValidationError({"partner": Message("{name} is no longer active",
                                                      name=other.name)})
        if db.execute("SELECT 1 FROM partnerships WHERE status IN ('active', 'invited') AND"
                      " ((inviter_id = ? AND invitee_id = ?) OR (inviter_id = ? AND invitee_id = ?))",
                      [actor.id, other.id, other.id, actor.id]).fetchone():
            raise ValidationError({"partner": Message(
                "You and {name} are already partners or have an invitation open",
                name=other.name)})
        if _open_count(db, actor.id) >= MAX_PARTNERS:
            raise ValidationError({"partner": Message(
                "You can have at most {limit} partners and invitations at a time",
                limit=MAX_PARTNERS)})
        if _open_count(db, other.id, active_only=True) >= MAX_PARTNERS:
            raise ValidationError({"partner": Message("{name} already has {limit} partners",
                                                      name=other.name, limit=MAX_PARTNERS)})
        cur = db.execute("INSERT INTO partnerships (chapter_id, inviter_id, invitee_id, status,"
                         " created_at) VALUES (?, ?, ?, 'invited', ?)",
                         [actor.chapter_id, actor.id, other.id, store.now_iso()])
        store.audit(db, actor.id, "create", "partnerships", cur.lastrowid,
                    {"status": "invited", "invitee_id": other.id})
        store.bump_data_version(db)
        return _partnership(db, actor, _row(db, cur.lastrowid))


def respond(db: sqlite_utils.Database, actor: Member, partnership_id: int,
            accept: bool) -> Partnership:
    """Accept or decline an invitation addressed to the actor."""
    actor = access.require_active(actor)
    with store.transaction(db):
        row = _row(db, partnership_id)
        if row["invitee_id"] != actor.id:
            raise access.PermissionDenied(
                Message("Only the person invited can answer an invitation."))
        if row["status"] != "invited":
            raise ValidationError({"partnership": Message(
                "This invitation has already been answered or withdrawn")})
        if accept:
            for member_id in (row["inviter_id"], actor.id):
                if _open_count(db, member_id, active_only=True) >= MAX_PARTNERS:
                    if member_id == actor.id:
                        full = Message("You already have {limit} partners; end one first",
                                       limit=MAX_PARTNERS)
                    else:
                        full = Message("{name} already has {limit} partners; end one first",
                                       name=roster.get_member(db, member_id).name,
                                       limit=MAX_PARTNERS)
                    raise ValidationError({"partnership": full})
        status = "active" if accept else "declined"
        db.execute("UPDATE partnerships SET status = ?, answered_at = ? WHERE id = ?",
                   [status, store.now_iso(), partnership_id])
        store.audit(db, actor.id, "update", "partnerships", partnership_id, {"status": status})
        store.bump_data_version(db)
        return _partnership(db, actor, _row(db, partnership_id))


def end(db: sqlite_utils.Database, actor: Member, partnership_id: int) -> None:
    """End a partnership (or withdraw an invitation). Reads stop at once; the other
    person is told on their Partners page."""
    actor = access.require_active(actor)
    with store.transaction(db):
        row = _row(db, partnership_id)
        if actor.id not in (row["inviter_id"], row["invitee_id"]):
            raise access.PermissionDenied(Message("Only the two partners can end a partnership."))
        if row["status"] not in ("active", "invited"):
            raise ValidationError({"partnership": Message("This partnership has already ended")})
        db.execute("UPDATE partnerships SET status = 'ended', ended_at = ?, ended_by = ?"
                   " WHERE id = ?", [store.now_iso(), actor.id, partnership_id])
        store.audit(db, actor.id, "update", "partnerships", partnership_id, {"status": "ended"})
        store.bump_data_version(db)


# --- what partners see ------------------------------------------------------------------

def settings(db: sqlite_utils.Database, actor: Member) -> PartnerSettings:
    """The actor's own choices of what partners see."""
    actor = access.require_active(actor)
    row = db.execute("SELECT share_plan, share_consistency FROM partner_settings"
                     " WHERE member_id = ?", [actor.id]).fetchone()
    return PartnerSettings(bool(row[0]), bool(row[1])) if row else PartnerSettings()


def save_settings(db: sqlite_utils.Database, actor: Member, wanted: PartnerSettings) -> None:
    """Choose whether partners see the actor's plan (read-only) and own consistency."""
    actor = access.require_active(actor)
    with store.transaction(db):
        db.execute("INSERT INTO partner_settings (member_id, share_plan, share_consistency)"
                   " VALUES (?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET"
                   " share_plan = excluded.share_plan,"
                   " share_consistency = excluded.share_consistency",
                   [actor.id, int(bool(wanted.share_plan)), int(bool(wanted.share_consistency))])
        store.audit(db, actor.id, "update", "partner_settings", actor.id,
                    {"share_plan": bool(wanted.share_plan),
                     "share_consistency": bool(wanted.share_consistency)})
        store.bump_data_version(db)


def share_reflection(db: sqlite_utils.Database, actor: Member, reflection_id: int,
                     shared: bool) -> None:
    """Share one of the actor's own reflections with their partners (or stop sharing it):
    the partners they have now (stamped on it by the schema), not later ones. Changing its
    words later un-shares it."""
    actor = access.require_active(actor)
    with store.transaction(db):
        row = db.execute("SELECT member_id FROM reflections WHERE id = ?",
                         [reflection_id]).fetchone()
        if row is None:
            raise LookupError(Message("That reflection no longer exists."))
        access.require_self(actor, row[0], "reflections")
        db.execute("UPDATE reflections SET partners_see = ? WHERE id = ?",
                   [int(bool(shared)), reflection_id])
        store.audit(db, actor.id, "update", "reflections", reflection_id,
                    {"partners_see": bool(shared)})
        store.bump_data_version(db)


def _reflection(r: dict[str, Any]) -> Reflection:
    return Reflection(r["id"], r["member_id"], date.fromisoformat(r["week_start"]),
                      r["question"], r["answer"], r["visibility"], r["updated_at"])


def shared_reflections(db: sqlite_utils.Database, actor: Member,
                       member_id: int | None = None) -> list[Reflection]:
    """Reflections ``member_id`` shared with partners (the actor's own when omitted).
    A partner reads those shared while they were partners (the audience stamped on the
    reflection when it was shared), never what was shared before them."""
    actor = access.require_active(actor)
    member_id = actor.id if member_id is None else member_id
    audience, params = "", [member_id]
    if member_id != actor.id:
        access.require_partner(actor, member_id, journal.reader_ties(db, actor))
        audience, params = " AND instr(audience_partners, ?) > 0", [member_id, f",{actor.id},"]
    return [_reflection(r) for r in db.query(
        "SELECT * FROM reflections WHERE member_id = ? AND partners_see = 1" + audience
        + " ORDER BY week_start DESC, question", params)]


def partner_view(db: sqlite_utils.Database, actor: Member, partner_id: int, *,
                 today: date | None = None, weeks: int = 4) -> PartnerView:
    """What an active partner shares with the actor, read-only."""
    actor = access.require_active(actor)
    ties = journal.reader_ties(db, actor)
    access.require_partner(actor, partner_id, ties)
    partner = roster.get_member(db, partner_id)
    today = today or date.today()
    monday = week_start(today)
    shared = [a for _, a in journal.list_shared_actions(
        db, actor, since=monday - timedelta(weeks=weeks), limit=200, author_id=partner_id,
        visibility="partners")]
    chosen = db.execute("SELECT share_plan, share_consistency FROM partner_settings"
                        " WHERE member_id = ?", [partner_id]).fetchone()
    share_plan, share_consistency = (bool(chosen[0]), bool(chosen[1])) if chosen else (False,
                                                                                         False)
    # Read by the partner's own rules: the plan loader and consistency take the member id
    # once access (an active partnership, the member's own choice) has been decided here.
    plan = plans.stored_plan(db, partner_id) if share_plan else None
    consistency = journal.consistency_of(db, partner_id, today=today) \
        if share_consistency else None
    return PartnerView(
        partner, tuple(a for a in shared if a.week_start >= monday),
        tuple(a for a in shared if a.week_start < monday), plan, share_plan, consistency,
        tuple(shared_reflections(db, actor, partner_id)))


# --- check-ins ------------------------------------------------------------------------

def _active_between(db: sqlite_utils.Database, a: int, b: int) -> int | None:
    row = db.execute("SELECT id FROM partnerships WHERE status = 'active' AND"
                     " ((inviter_id = ? AND invitee_id = ?) OR (inviter_id = ? AND invitee_id = ?))",
                     [a, b, b, a]).fetchone()
    return row[0] if row else None


def _note(r: dict[str, Any]) -> Note:
    return Note(r["id"], r["author_id"], r["recipient_id"], date.fromisoformat(r["week_start"]),
                r["action_id"], r["text"], r["created_at"])


def check_in(db: sqlite_utils.Database, actor: Member, partner_id: int, text: str, *,
             week: date | None = None, action_id: int | None = None,
             today: date | None = None, idempotency_key: str | None = None) -> Note:
    """Leave a check-in note for a partner, about a week or one of their shared actions.
    Only that partner (and the writer) reads it. The same form sent twice (same
    ``idempotency_key``) stores one note."""
    actor = access.require_active(actor)
    today = today or date.today()
    errors: dict[str, str] = {}
    try:
        words = clean_text(text, Message("Your note"), max_len=NOTE_MAX)
    except ValueError as exc:
        errors["text"] = exc.args[0] if exc.args else str(exc)
        words = ""
    monday = week_start(week or today)
    if monday > week_start(today):
        errors["week"] = Message("A check-in is about this week or one already past")
    if errors:
        raise ValidationError(errors)
    with store.transaction(db):
        if idempotency_key:
            row = next(db.query("SELECT * FROM partner_notes WHERE idempotency_key = ?",
                                [idempotency_key]), None)
            if row is not None:
                if row["author_id"] != actor.id:
                    raise access.PermissionDenied(
                        Message("That submission belongs to someone else."))
                return _note(row)
        partnership_id = _active_between(db, actor.id, int(partner_id))
        if partnership_id is None:
            raise access.PermissionDenied(Message("You can check in only with an active partner."))
        if action_id is not None:
            action = journal.get_action(db, actor, int(action_id))  # refuses what is not shared
            if action.member_id != int(partner_id):
                raise ValidationError({"action": Message("Choose one of your partner's actions")})
            monday = action.week_start
        cur = db.execute("INSERT INTO partner_notes (partnership_id, author_id, recipient_id,"
                         " week_start, action_id, text, idempotency_key, created_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [partnership_id, actor.id, int(partner_id), monday.isoformat(),
                          action_id, words, idempotency_key, store.now_iso()])
        # The audit log records that a note was written, never its words.
        store.audit(db, actor.id, "create", "partner_notes", cur.lastrowid,
                    {"week_start": monday.isoformat(), "about_an_action": action_id is not None})
        store.bump_data_version(db)
        return _note(next(db.query("SELECT * FROM partner_notes WHERE id = ?",
                                   [cur.lastrowid])))


def notes_with(db: sqlite_utils.Database, actor: Member, partner_id: int) -> list[Note]:
    """Check-in notes between the actor and an active partner, newest first. When the
    partnership ends they are no longer shown to either."""
    actor = access.require_active(actor)
    partnership_id = _active_between(db, actor.id, int(partner_id))
    if partnership_id is None:
        raise access.PermissionDenied(Message(
            "Check-in notes are shown only while the partnership lasts."))
    return [_note(r) for r in db.query("SELECT * FROM partner_notes WHERE partnership_id = ?"
                                       " ORDER BY created_at DESC, id DESC", [partnership_id])]
