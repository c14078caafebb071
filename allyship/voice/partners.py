"""Community partners: the organisations and groups a chapter works with, kept by its
leads and admins. Never individual members' contacts, and never "partners" in the sense
of members' accountability partners (:mod:`allyship.peers.partners`). Every change is
in the audit log by the names of the fields changed, never their words."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from allyship.core import access
from allyship.core.addresses import entry_problem
from allyship.core.models import Member, ValidationError, clean_name, clean_text
from allyship.db import store
from allyship.i18n import Message
from allyship.voice import rules

SCREEN = "partner_voice"
FIELDS = ("name", "contact_name", "contact_email", "language", "plan_groups", "notes")


@dataclass(frozen=True)
class PartnerDraft:
    name: str
    contact_name: str = ""
    contact_email: str = ""
    language: str = "en"
    plan_groups: tuple[str, ...] = ()
    notes: str = ""

    def validated(self) -> PartnerDraft:
        errors: dict[str, str] = {}

        def text(key: str, value: str, label: str, limit: int, required: bool = False) -> str:
            try:
                return clean_text(value, label, max_len=limit, required=required)
            except ValueError as exc:
                errors[key] = str(exc)
                return ""

        def one_line(key: str, value: str, label: str, required: bool = False) -> str:
            if not required and not str(value or "").strip():
                return ""
            try:
                return clean_name(value, label, max_len=rules.NAME_MAX)
            except ValueError as exc:
                errors[key] = str(exc)
                return ""

        name = one_line("name", self.name, "Organisation name", True)
        contact = one_line("contact_name", self.contact_name, "Contact name")
        email = text("contact_email", self.contact_email, "Contact email", 254).lower()
        if email and (problem := entry_problem(email)):
            errors["contact_email"] = problem
        if self.language not in rules.LANGUAGES:
            errors["language"] = Message("Language must be one of: {languages}",
                                         languages=", ".join(rules.LANGUAGES))
        groups = tuple(dict.fromkeys(
            g for g in (text("plan_groups", g, "Plan group", rules.PLAN_GROUP_MAX)
                        for g in self.plan_groups) if g))
        if len(groups) > rules.PLAN_GROUPS_MAX:
            errors["plan_groups"] = Message("At most {limit} plan groups",
                                            limit=rules.PLAN_GROUPS_MAX)
        notes = text("notes", self.notes, "Notes", rules.NOTES_MAX)
        if errors:
            raise ValidationError(errors)
        return PartnerDraft(name, contact, email, self.language, groups, notes)


@dataclass(frozen=True)
class CommunityPartner:
    id: int
    chapter_id: int
    name: str
    contact_name: str
    contact_email: str
    language: str
    plan_groups: tuple[str, ...] = field(default=())
    notes: str = ""
    do_not_ask_since: str | None = None
    archived_at: str | None = None

    @property
    def draft(self) -> PartnerDraft:
        return PartnerDraft(self.name, self.contact_name, self.contact_email, self.language,
                            self.plan_groups, self.notes)


COLUMNS = ("id, chapter_id, name, contact_name, contact_email, language, plan_groups, notes,"
           " do_not_ask_since, archived_at")


def from_row(row: tuple) -> CommunityPartner:
    return CommunityPartner(*row[:6], tuple(json.loads(row[6] or "[]")), *row[7:])


def require_keeper(actor: Member | None) -> Member:
    """Leads and admins keep the chapter's community partners and ask them."""
    return access.require_screen(actor, SCREEN)


def list_partners(db: sqlite_utils.Database, actor: Member | None, *,
                  include_archived: bool = False) -> list[CommunityPartner]:
    actor = require_keeper(actor)
    where = "" if include_archived else " AND archived_at IS NULL"
    return [from_row(r) for r in db.execute(
        f"SELECT {COLUMNS} FROM community_partners WHERE chapter_id = ?{where}"
        " ORDER BY name COLLATE NOCASE, id", [actor.chapter_id])]


def get_partner(db: sqlite_utils.Database, actor: Member | None,
                partner_id: int) -> CommunityPartner:
    actor = require_keeper(actor)
    row = db.execute(f"SELECT {COLUMNS} FROM community_partners WHERE id = ?",
                     [partner_id]).fetchone()
    if row is None:
        raise LookupError(Message("That community partner does not exist."))
    partner = from_row(row)
    access.require_same_chapter(actor, partner.chapter_id)
    return partner


def add_partner(db: sqlite_utils.Database, actor: Member | None,
                draft: PartnerDraft) -> CommunityPartner:
    actor = require_keeper(actor)
    d = draft.validated()
    now = store.now_iso()
    with store.transaction(db):
        cur = db.execute(
            "INSERT INTO community_partners (chapter_id, name, contact_name, contact_email,"
            " language, plan_groups, notes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [actor.chapter_id, d.name, d.contact_name, d.contact_email, d.language,
             json.dumps(list(d.plan_groups), ensure_ascii=False), d.notes, now, now])
        store.audit(db, actor.id, "community_partner.add", "community_partners",
                    cur.lastrowid, {"count": len(d.plan_groups)})
    return get_partner(db, actor, int(cur.lastrowid))


def update_partner(db: sqlite_utils.Database, actor: Member | None, partner_id: int,
                   draft: PartnerDraft) -> CommunityPartner:
    before = get_partner(db, actor, partner_id)
    assert actor is not None
    d = draft.validated()
    changed = [f for f in FIELDS if getattr(before.draft, f) != getattr(d, f)]
    if not changed:
        return before
    with store.transaction(db):
        db.execute(
            "UPDATE community_partners SET name = ?, contact_name = ?, contact_email = ?,"
            " language = ?, plan_groups = ?, notes = ?, updated_at = ? WHERE id = ?",
            [d.name, d.contact_name, d.contact_email, d.language,
             json.dumps(list(d.plan_groups), ensure_ascii=False), d.notes, store.now_iso(),
             partner_id])
        store.audit(db, actor.id, "community_partner.edit", "community_partners", partner_id,
                    {"fields": changed})
    return get_partner(db, actor, partner_id)


def archive_partner(db: sqlite_utils.Database, actor: Member | None, partner_id: int) -> None:
    """No longer working together: hidden from the list and never asked; its answers stay
    in the totals they were counted in (a shown total never changes)."""
    partner = get_partner(db, actor, partner_id)
    assert actor is not None
    if partner.archived_at:
        return
    with store.transaction(db):
        db.execute("UPDATE community_partners SET archived_at = ?, updated_at = ? WHERE id = ?",
                   [store.now_iso(), store.now_iso(), partner_id])
        store.audit(db, actor.id, "community_partner.archive", "community_partners",
                    partner_id, {})
