"""Chapters, teams and members: reading them, and the admin's changes to them."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from allyship import access, store
from allyship.models import (
    NAME_MAX,
    Chapter,
    Member,
    MemberDraft,
    Team,
    ValidationError,
    clean_text,
    parse_date,
)


def _chapter(row: dict[str, Any]) -> Chapter:
    return Chapter(row["id"], row["name"], row["goal_label"], date.fromisoformat(row["started_on"]))


def _member(row: dict[str, Any]) -> Member:
    return Member(row["id"], row["chapter_id"], row["team_id"], row["name"], row["email"],
                  row["role"], bool(row["active"]))


_MEMBER_COLS = "id, chapter_id, team_id, name, email, role, active"


def get_chapter(db: sqlite_utils.Database, chapter_id: int) -> Chapter:
    row = next(db.query("SELECT * FROM chapters WHERE id = ?", [chapter_id]), None)
    if row is None:
        raise LookupError(f"no chapter with id {chapter_id}")
    return _chapter(row)


def list_chapters(db: sqlite_utils.Database) -> list[Chapter]:
    return [_chapter(r) for r in db.query("SELECT * FROM chapters ORDER BY id")]


def get_member(db: sqlite_utils.Database, member_id: int) -> Member:
    row = next(db.query(f"SELECT {_MEMBER_COLS} FROM members WHERE id = ?", [member_id]), None)
    if row is None:
        raise LookupError(f"no member with id {member_id}")
    return _member(row)


def find_member_by_email(db: sqlite_utils.Database, email: str) -> Member | None:
    """The member with this email (case-insensitive), or ``None``."""
    row = next(db.query(f"SELECT {_MEMBER_COLS} FROM members WHERE email = ? COLLATE NOCASE",
                        [email.strip()]), None)
    return _member(row) if row else None


def list_members(db: sqlite_utils.Database, chapter_id: int, *, team_id: int | None = None,
                 include_inactive: bool = True) -> list[Member]:
    """Members of a chapter (or one team), by name. Structural data, not activity."""
    sql = f"SELECT {_MEMBER_COLS} FROM members WHERE chapter_id = ?"
    params: list[Any] = [chapter_id]
    if team_id is not None:
        sql += " AND team_id = ?"
        params.append(team_id)
    if not include_inactive:
        sql += " AND active = 1"
    return [_member(r) for r in db.query(sql + " ORDER BY name COLLATE NOCASE, id", params)]


def get_team(db: sqlite_utils.Database, team_id: int) -> Team:
    row = next(db.query("SELECT * FROM teams WHERE id = ?", [team_id]), None)
    if row is None:
        raise LookupError(f"no team with id {team_id}")
    return Team(row["id"], row["chapter_id"], row["name"], bool(row["archived"]))


def list_teams(db: sqlite_utils.Database, chapter_id: int, *,
               include_archived: bool = False) -> list[Team]:
    sql = "SELECT * FROM teams WHERE chapter_id = ?"
    if not include_archived:
        sql += " AND archived = 0"
    return [Team(r["id"], r["chapter_id"], r["name"], bool(r["archived"]))
            for r in db.query(sql + " ORDER BY name COLLATE NOCASE", [chapter_id])]


def find_team_by_name(db: sqlite_utils.Database, chapter_id: int, name: str) -> Team | None:
    row = next(db.query("SELECT * FROM teams WHERE chapter_id = ? AND name = ? COLLATE NOCASE",
                        [chapter_id, name.strip()]), None)
    return Team(row["id"], row["chapter_id"], row["name"], bool(row["archived"])) if row else None


# --- creation used by `init`, the demo and the admin page ---------------------------

def create_chapter(db: sqlite_utils.Database, name: str, *, goal_label: str = "Audubon goal",
                   started_on: date | str | None = None) -> Chapter:
    """A new chapter. Used at set-up (``python -m allyship init``), before any admin exists."""
    errors: dict[str, str] = {}
    try:
        name = clean_text(name, "Chapter name", max_len=NAME_MAX)
    except ValueError as exc:
        errors["name"] = str(exc)
    try:
        goal_label = clean_text(goal_label, "Goal label", max_len=NAME_MAX)
    except ValueError as exc:
        errors["goal_label"] = str(exc)
    try:
        start = parse_date(started_on or date.today(), "Start date")
    except ValueError as exc:
        errors["started_on"] = str(exc)
    if errors:
        raise ValidationError(errors)
    with store.transaction(db):
        cur = db.execute(
            "INSERT INTO chapters (name, goal_label, started_on, created_at) VALUES (?, ?, ?, ?)",
            [name, goal_label, start.isoformat(), store.now_iso()])
        chapter_id = cur.lastrowid
        store.audit(db, None, "create", "chapters", chapter_id, {"name": name})
        store.bump_data_version(db)
    return get_chapter(db, chapter_id)


def _insert_team(db: sqlite_utils.Database, chapter_id: int, name: str,
                 actor_id: int | None) -> int:
    try:
        name = clean_text(name, "Team name", max_len=NAME_MAX)
    except ValueError as exc:
        raise ValidationError({"name": str(exc)}) from None
    if find_team_by_name(db, chapter_id, name):
        raise ValidationError({"name": f"There is already a team called {name!r}"})
    cur = db.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (?, ?, ?)",
                     [chapter_id, name, store.now_iso()])
    store.audit(db, actor_id, "create", "teams", cur.lastrowid, {"name": name})
    return cur.lastrowid


def _insert_member(db: sqlite_utils.Database, chapter_id: int, draft: MemberDraft,
                   actor_id: int | None) -> int:
    draft = draft.validated()
    if find_member_by_email(db, draft.email):
        raise ValidationError({"email": f"{draft.email} is already a member"})
    if draft.team_id is not None:
        team = get_team(db, draft.team_id)
        if team.chapter_id != chapter_id:
            raise ValidationError({"team_id": "That team is in another chapter"})
    cur = db.execute(
        "INSERT INTO members (chapter_id, team_id, name, email, role, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [chapter_id, draft.team_id, draft.name, draft.email, draft.role, store.now_iso()])
    store.audit(db, actor_id, "create", "members", cur.lastrowid,
                {"name": draft.name, "email": draft.email, "role": draft.role,
                 "team_id": draft.team_id})
    return cur.lastrowid


def bootstrap_admin(db: sqlite_utils.Database, chapter: Chapter, draft: MemberDraft) -> Member:
    """The chapter's first admin, created at set-up when nobody can sign in yet."""
    with store.transaction(db):
        if next(db.query("SELECT 1 FROM members WHERE chapter_id = ? AND role = 'admin'",
                         [chapter.id]), None):
            raise access.PermissionDenied("This chapter already has an admin; "
                                          "ask them to add you.")
        member_id = _insert_member(db, chapter.id, MemberDraft(
            draft.name, draft.email, "admin", draft.team_id), None)
        store.bump_data_version(db)
    return get_member(db, member_id)


def create_team(db: sqlite_utils.Database, actor: Member, name: str) -> Team:
    """A new team in the admin's chapter."""
    access.require_admin(actor)
    with store.transaction(db):
        team_id = _insert_team(db, actor.chapter_id, name, actor.id)
        store.bump_data_version(db)
    return get_team(db, team_id)


def add_member(db: sqlite_utils.Database, actor: Member, draft: MemberDraft) -> Member:
    """A new member of the admin's chapter."""
    access.require_admin(actor)
    with store.transaction(db):
        member_id = _insert_member(db, actor.chapter_id, draft, actor.id)
        store.bump_data_version(db)
    return get_member(db, member_id)
