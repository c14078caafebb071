"""The level above chapters: the organisation, its regions, and onboarding chapters.

One organisation per database; regions are optional named groups of chapters. Two roles,
held by members beside their chapter role (table ``org_roles``):

* an **organisation admin** sees every chapter's aggregates, creates chapters (with
  their first admin and a one-time set-up code), creates regions, moves chapters between
  regions and archives them;
* a **region lead** sees their own region's chapters' aggregates.

Neither ever reads a member's name, record, quiet list or shared text: the only member
data that crosses this module is the first admin a new chapter is created with. The
figures live in :mod:`allyship.metrics.org_figures`, the report in :mod:`allyship.reports.org_report`.
Every change here is audited.

The chapter-to-region history is dated like membership (:mod:`allyship.db.memberships`):
moving a chapter to another region, archiving it or bringing it back takes effect from
the **next Monday**, so every week already begun keeps the region and the standing it
had. The history is the audit log's (append-only: the database refuses edits) record of
those changes, each with the value it replaced; :func:`list_chapters` ``as_of`` a week
reads the chapters as they stood then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import (
    NAME_MAX,
    Chapter,
    Member,
    MemberDraft,
    ValidationError,
    clean_name,
)
from allyship.db import store
from allyship.people import roster

ORG_ROLE_LABELS: dict[str, str] = {"org_admin": "Organisation admin",
                                   "region_lead": "Region lead"}
DEFAULT_NAME = "Our organisation"
NO_REGION = "No region"


@dataclass(frozen=True)
class Region:
    id: int
    name: str


@dataclass(frozen=True)
class OrgChapter:
    """A chapter as the organisation sees it: structure only, never its members."""

    id: int
    name: str
    region_id: int | None
    region: str  # the region's name, or NO_REGION
    started_on: date
    archived: bool
    named_in_org_reports: bool


# --- reading ----------------------------------------------------------------------

def organisation_name(db: sqlite_utils.Database) -> str:
    row = db.execute("SELECT name FROM organisation WHERE id = 1").fetchone()
    return row[0] if row else DEFAULT_NAME


def list_regions(db: sqlite_utils.Database) -> list[Region]:
    return [Region(r["id"], r["name"])
            for r in db.query("SELECT id, name FROM regions ORDER BY name COLLATE NOCASE")]


def find_region(db: sqlite_utils.Database, name: str) -> Region | None:
    row = next(db.query("SELECT id, name FROM regions WHERE name = ? COLLATE NOCASE",
                        [name.strip()]), None)
    return Region(row["id"], row["name"]) if row else None


def standing_in(db: sqlite_utils.Database, week: date) -> dict[int, tuple[int | None, bool]]:
    """chapter id → (region id, archived) in the week starting ``week`` (a Monday), for
    the chapters whose region or standing has changed since; the rest stand as today.

    A change made on day ``d`` takes effect from the Monday after ``d``, so it concerns
    ``week`` exactly when ``d`` is ``week`` or later: the first such change of each kind
    holds the value the chapter had in ``week``.
    """
    then: dict[int, dict[str, Any]] = {}
    for record_id, details in db.execute(
            "SELECT record_id, details FROM audit_log WHERE at >= ? AND table_name = 'chapters'"
            " AND action = 'update' ORDER BY at, id", [week.isoformat()]):
        change = json.loads(details)
        for key in ("region_id", "archived"):
            if key in change and "was" in change:
                then.setdefault(int(record_id), {}).setdefault(key, change["was"])
    if not then:
        return {}
    now = {cid: (region, bool(archived)) for cid, region, archived in db.execute(
        "SELECT id, region_id, archived FROM chapters")}
    return {cid: (was.get("region_id", now[cid][0]), bool(was.get("archived", now[cid][1])))
            for cid, was in then.items() if cid in now}


def _chapters(db: sqlite_utils.Database, region_id: int | None,
              include_archived: bool, as_of: date | None = None) -> list[OrgChapter]:
    then = standing_in(db, as_of) if as_of is not None else {}
    # Each chapter's region and standing in ``as_of`` (today's, where nothing changed).
    values = ", ".join("(?, ?, ?)" for _ in then) or "(NULL, NULL, NULL)"
    params: list[Any] = [x for cid, (region, archived) in then.items()
                         for x in (cid, region, int(archived))]
    sql = (f"WITH h(id, region_id, archived) AS (VALUES {values}),"
           " c AS (SELECT ch.id, ch.name, ch.started_on, ch.named_in_org_reports,"
           "  CASE WHEN h.id IS NULL THEN ch.region_id ELSE h.region_id END AS region_id,"
           "  CASE WHEN h.id IS NULL THEN ch.archived ELSE h.archived END AS archived"
           "  FROM chapters ch LEFT JOIN h ON h.id = ch.id)"
           " SELECT c.id, c.name, c.region_id, r.name AS region, c.started_on, c.archived,"
           " c.named_in_org_reports FROM c LEFT JOIN regions r ON r.id = c.region_id"
           " WHERE 1 = 1")
    if region_id is not None:
        sql += " AND c.region_id = ?"
        params.append(region_id)
    if not include_archived:
        sql += " AND c.archived = 0"
    # Listed by region and name — never by any figure (no league table).
    sql += " ORDER BY r.name IS NULL, r.name COLLATE NOCASE, c.name COLLATE NOCASE, c.id"
    return [OrgChapter(r["id"], r["name"], r["region_id"], r["region"] or NO_REGION,
                       date.fromisoformat(r["started_on"]), bool(r["archived"]),
                       bool(r["named_in_org_reports"]))
            for r in db.query(sql, params)]


def list_chapters(db: sqlite_utils.Database, actor: Member | None, *,
                  region_id: int | None = None, include_archived: bool = False,
                  as_of: date | None = None) -> list[OrgChapter]:
    """The chapters the actor may see at organisation level, by region then name: as
    they stand today, or ``as_of`` a week (its Monday) — each in the region it was in
    then, archived ones left out if they were archived then."""
    access.require_org_view(actor, region_id)
    return _chapters(db, region_id, include_archived, as_of)


def region_choices(db: sqlite_utils.Database, actor: Member | None) -> list[Region | None]:
    """What the region filter offers: ``None`` (every region) and each region for an
    organisation admin; a region lead only their own region."""
    actor = access.require_active(actor)
    if actor.org_role == "org_admin":
        return [None, *list_regions(db)]
    access.require_org_view(actor, actor.org_region_id)
    return [r for r in list_regions(db) if r.id == actor.org_region_id]


# --- changes (organisation admin, or the operator from the command line) ------------

def _name(value: str, label: str) -> str:
    try:
        return clean_name(value, label, max_len=NAME_MAX)
    except ValueError as exc:
        raise ValidationError({"name": str(exc)}) from None


def _actor_id(actor: Member | None, operator: bool) -> int | None:
    """The acting organisation admin's id; ``None`` for the trusted operator (CLI)."""
    if operator:
        return None
    return access.require_org_admin(actor).id


def set_organisation_name(db: sqlite_utils.Database, actor: Member | None, name: str, *,
                          operator: bool = False) -> str:
    actor_id = _actor_id(actor, operator)
    name = _name(name, "Organisation name")
    with store.transaction(db):
        before = organisation_name(db)
        db.execute("INSERT INTO organisation (id, name, created_at) VALUES (1, ?, ?)"
                   " ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                   [name, store.now_iso()])
        store.audit(db, actor_id, "update", "organisation", 1, {"name": name, "was": before})
        store.bump_data_version(db)
    return name


def create_region(db: sqlite_utils.Database, actor: Member | None, name: str, *,
                  operator: bool = False) -> Region:
    actor_id = _actor_id(actor, operator)
    name = _name(name, "Region name")
    with store.transaction(db):
        if find_region(db, name):
            raise ValidationError({"name": f"There is already a region called {name!r}"})
        cur = db.execute("INSERT INTO regions (name, created_at) VALUES (?, ?)",
                         [name, store.now_iso()])
        store.audit(db, actor_id, "create", "regions", cur.lastrowid, {"name": name})
        store.bump_data_version(db)
    return Region(cur.lastrowid, name)


def _chapter_row(db: sqlite_utils.Database, chapter_id: int) -> dict[str, Any]:
    row = next(db.query("SELECT * FROM chapters WHERE id = ?", [chapter_id]), None)
    if row is None:
        raise ValidationError({"chapter": "That chapter does not exist"})
    return row


def _region_id(db: sqlite_utils.Database, region_id: int | None) -> int | None:
    if region_id is not None and not db.execute("SELECT 1 FROM regions WHERE id = ?",
                                                [region_id]).fetchone():
        raise ValidationError({"region": "That region does not exist"})
    return region_id


def move_chapter(db: sqlite_utils.Database, actor: Member | None, chapter_id: int,
                 region_id: int | None, *, operator: bool = False) -> None:
    """Put a chapter in a region (``None``: in no region)."""
    actor_id = _actor_id(actor, operator)
    with store.transaction(db):
        row = _chapter_row(db, chapter_id)
        region_id = _region_id(db, region_id)
        db.execute("UPDATE chapters SET region_id = ? WHERE id = ?", [region_id, chapter_id])
        store.audit(db, actor_id, "update", "chapters", chapter_id,
                    {"region_id": region_id, "was": row["region_id"]})
        store.bump_data_version(db)


def archive_chapter(db: sqlite_utils.Database, actor: Member | None, chapter_id: int, *,
                    archived: bool = True, operator: bool = False) -> None:
    """Archive a chapter that has closed (left out of organisation figures and reports;
    its records are kept), or bring it back."""
    actor_id = _actor_id(actor, operator)
    with store.transaction(db):
        row = _chapter_row(db, chapter_id)
        db.execute("UPDATE chapters SET archived = ? WHERE id = ?", [int(archived), chapter_id])
        store.audit(db, actor_id, "update", "chapters", chapter_id,
                    {"archived": archived, "was": bool(row["archived"])})
        store.bump_data_version(db)


@dataclass(frozen=True)
class NewChapter:
    chapter: Chapter
    admin: Member
    code: str  # the first admin's one-time set-up code: shown once, stored only as a hash
    expires_at: Any


def create_chapter_with_admin(db: sqlite_utils.Database, actor: Member | None, *,
                              name: str, admin_name: str, admin_email: str,
                              region_id: int | None = None,
                              started_on: date | str | None = None,
                              goal_label: str = "Audubon goal",
                              operator: bool = False) -> NewChapter:
    """A new chapter, its first admin and that admin's one-time set-up code — all or
    nothing."""
    from allyship.people import passwords

    actor_id = _actor_id(actor, operator)
    draft = MemberDraft(admin_name, admin_email, "admin").validated()
    with store.transaction(db):
        region_id = _region_id(db, region_id)
        if db.execute("SELECT 1 FROM chapters WHERE name = ? COLLATE NOCASE",
                      [name.strip()]).fetchone():
            raise ValidationError({"name": f"There is already a chapter called {name.strip()!r}"})
        chapter = roster.create_chapter(db, name, goal_label=goal_label, started_on=started_on)
        db.execute("UPDATE chapters SET region_id = ? WHERE id = ?", [region_id, chapter.id])
        admin = roster.bootstrap_admin(db, chapter, draft)
        issued = passwords.issue_setup_code_for_operator(db, admin.email)
        store.audit(db, actor_id, "create", "chapters", chapter.id,
                    {"name": chapter.name, "region_id": region_id, "first_admin": admin.id,
                     "by": "organisation admin" if actor_id else "cli"})
        store.bump_data_version(db)
    return NewChapter(chapter, admin, issued.code, issued.expires_at)


def grant_org_role(db: sqlite_utils.Database, actor: Member | None, email: str, role: str, *,
                   region_id: int | None = None, operator: bool = False) -> Member:
    """Give a member an organisation role (one each); a region lead needs a region."""
    actor_id = _actor_id(actor, operator)
    if role not in ORG_ROLE_LABELS:
        raise ValidationError({"role": "The role is org_admin or region_lead"})
    if (role == "region_lead") != (region_id is not None):
        raise ValidationError({"region": "A region lead needs a region; an organisation "
                                         "admin has none"})
    member = roster.find_member_by_email(db, email)
    if member is None or not member.active:
        raise ValidationError({"email": f"No active member has the email {email.strip()!r}"})
    with store.transaction(db):
        _region_id(db, region_id)
        db.execute("INSERT INTO org_roles (member_id, role, region_id, granted_at)"
                   " VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET"
                   " role = excluded.role, region_id = excluded.region_id,"
                   " granted_at = excluded.granted_at",
                   [member.id, role, region_id, store.now_iso()])
        store.audit(db, actor_id, "grant", "org_roles", member.id,
                    {"role": role, "region_id": region_id, "was": member.org_role})
        store.bump_data_version(db)
    return roster.get_member(db, member.id)


def revoke_org_role(db: sqlite_utils.Database, actor: Member | None, member_id: int, *,
                    operator: bool = False) -> None:
    actor_id = _actor_id(actor, operator)
    with store.transaction(db):
        remaining = db.execute("SELECT count(*) FROM org_roles WHERE role = 'org_admin'"
                               " AND member_id != ?", [member_id]).fetchone()[0]
        is_admin = db.execute("SELECT 1 FROM org_roles WHERE role = 'org_admin'"
                              " AND member_id = ?", [member_id]).fetchone()
        if is_admin and not remaining and not operator:
            raise ValidationError({"member": "The organisation keeps at least one "
                                             "organisation admin"})
        db.execute("DELETE FROM org_roles WHERE member_id = ?", [member_id])
        store.audit(db, actor_id, "revoke", "org_roles", member_id, {})
        store.bump_data_version(db)


def set_named_in_org_reports(db: sqlite_utils.Database, actor: Member | None,
                             named: bool) -> None:
    """A chapter admin's consent for their chapter to appear by name (with its
    chapter-shared highlights) in organisation reports. On by default."""
    actor = access.require_admin(actor)
    with store.transaction(db):
        db.execute("UPDATE chapters SET named_in_org_reports = ? WHERE id = ?",
                   [int(named), actor.chapter_id])
        store.audit(db, actor.id, "update", "chapters", actor.chapter_id,
                    {"named_in_org_reports": named})
        store.bump_data_version(db)


def named_in_org_reports(db: sqlite_utils.Database, chapter_id: int) -> bool:
    row = db.execute("SELECT named_in_org_reports FROM chapters WHERE id = ?",
                     [chapter_id]).fetchone()
    return bool(row and row[0])
