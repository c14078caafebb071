"""Chapters, teams and members: reading them, and the admin's changes to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import sqlite_utils

from allyship.core import access
from allyship.core.models import (
    NAME_MAX,
    Chapter,
    Member,
    MemberDraft,
    Team,
    ValidationError,
    clean_name,
    parse_date,
)
from allyship.db import store
from allyship.i18n import Message


def _chapter(row: dict[str, Any]) -> Chapter:
    return Chapter(row["id"], row["name"], row["goal_label"], date.fromisoformat(row["started_on"]))


def _member(row: dict[str, Any]) -> Member:
    return Member(row["id"], row["chapter_id"], row["team_id"], row["name"], row["email"],
                  row["role"], bool(row["active"]), row.get("org_role"),
                  row.get("org_region_id"))


_MEMBER_COLS = ("id, chapter_id, team_id, name, email, role, active,"
                " (SELECT o.role FROM org_roles o WHERE o.member_id = members.id) AS org_role,"
                " (SELECT o.region_id FROM org_roles o WHERE o.member_id = members.id)"
                " AS org_region_id")


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


def get_members(db: sqlite_utils.Database, member_ids: Any) -> dict[int, Member]:
    """The members with these ids (those that exist), in one query per 500 ids."""
    ids = sorted({int(i) for i in member_ids})
    found: dict[int, Member] = {}
    for at in range(0, len(ids), 500):  # well under SQLite's limit on bound parameters
        part = ids[at:at + 500]
        for row in db.query(f"SELECT {_MEMBER_COLS} FROM members WHERE id IN"
                            f" ({', '.join('?' * len(part))})", part):
            found[row["id"]] = _member(row)
    return found


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

def said(exc: Exception) -> str:
    """What a ``ValueError`` says, keeping a :class:`Message` (so it can be shown in the
    reader's language) when it was raised with one."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Message) else str(exc)


def _chapter_words(name: str, goal_label: str, errors: dict[str, str]) -> tuple[str, str]:
    """A chapter's name and goal label as stored; what is wrong with either goes into
    ``errors`` under its field."""
    cleaned = {"name": name, "goal_label": goal_label}
    for key, label in (("name", "Chapter name"), ("goal_label", "Goal label")):
        try:
            cleaned[key] = clean_name(cleaned[key], label, max_len=NAME_MAX)
        except ValueError as exc:
            errors[key] = said(exc)
    return cleaned["name"], cleaned["goal_label"]


def create_chapter(db: sqlite_utils.Database, name: str, *, goal_label: str = "Audubon goal",
                   started_on: date | str | None = None) -> Chapter:
    """A new chapter. Used at set-up (``python -m allyship init``), before any admin exists."""
    errors: dict[str, str] = {}
    name, goal_label = _chapter_words(name, goal_label, errors)
    try:
        start = parse_date(started_on or date.today(), "Start date")
    except ValueError as exc:
        errors["started_on"] = said(exc)
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


def clean_team_name(name: Any) -> str:
    """A team name as stored: the one rule for every way a team gets a name (the admin's
    forms and the members import). ``ValueError`` in plain words."""
    return clean_name(name, "Team name", max_len=NAME_MAX)


def _insert_team(db: sqlite_utils.Database, chapter_id: int, name: str,
                 actor_id: int | None) -> int:
    try:
        name = clean_team_name(name)
    except ValueError as exc:
        raise ValidationError({"name": said(exc)}) from None
    if find_team_by_name(db, chapter_id, name):
        raise ValidationError({"name": Message("There is already a team called {name!r}",
                                               name=name)})
    cur = db.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (?, ?, ?)",
                     [chapter_id, name, store.now_iso()])
    store.audit(db, actor_id, "create", "teams", cur.lastrowid, {"name": name})
    return cur.lastrowid


def _insert_member(db: sqlite_utils.Database, chapter_id: int, draft: MemberDraft,
                   actor_id: int | None) -> int:
    draft = draft.validated()
    if find_member_by_email(db, draft.email):
        raise ValidationError({"email": Message("{email} is already a member",
                                                email=draft.email)})
    if draft.team_id is not None:
        team = get_team(db, draft.team_id)
        if team.chapter_id != chapter_id:
            raise ValidationError({"team_id": Message("That team is in another chapter")})
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
            raise access.PermissionDenied(Message("This chapter already has an admin; "
                                                  "ask them to add you."))
        member_id = _insert_member(db, chapter.id, MemberDraft(
            draft.name, draft.email, "admin", draft.team_id), None)
        store.bump_data_version(db, chapter.id)
    return get_member(db, member_id)


def _admin_adds(db: sqlite_utils.Database, actor: Member, insert: Callable[[], int]) -> int:
    """``insert()`` (a new row in the admin's chapter) in one write unit; its id."""
    access.require_admin(actor)
    with store.transaction(db):
        new_id = insert()
        store.bump_data_version(db, actor.chapter_id)
    return new_id


def create_team(db: sqlite_utils.Database, actor: Member, name: str) -> Team:
    """A new team in the admin's chapter."""
    return get_team(db, _admin_adds(
        db, actor, lambda: _insert_team(db, actor.chapter_id, name, actor.id)))


def add_member(db: sqlite_utils.Database, actor: Member, draft: MemberDraft) -> Member:
    """A new member of the admin's chapter."""
    return get_member(db, _admin_adds(
        db, actor, lambda: _insert_member(db, actor.chapter_id, draft, actor.id)))


_Record = TypeVar("_Record", Member, Team)


# --- the admin's management of the chapter -------------------------------------------
# Every function here takes the acting admin, checks access.require_admin and that the
# record is in the admin's own chapter, and records the previous value in the audit log.

def _managed(actor: Member, read: Callable[[], _Record], field: str, gone: str) -> _Record:
    """What ``read()`` returns, for an admin of its chapter to change; ``gone`` if it is not
    there any more."""
    access.require_admin(actor)
    try:
        record = read()
    except LookupError:
        raise ValidationError({field: gone}) from None
    access.require_same_chapter(actor, record.chapter_id)
    return record


def _managed_member(db: sqlite_utils.Database, actor: Member, member_id: int) -> Member:
    """A member of the actor's chapter, for an admin to change."""
    return _managed(actor, lambda: get_member(db, member_id), "member",
                    Message("That member no longer exists"))


def _managed_team(db: sqlite_utils.Database, actor: Member, team_id: int) -> Team:
    """A team of the actor's chapter, for an admin to change."""
    return _managed(actor, lambda: get_team(db, team_id), "team_id",
                    Message("That team no longer exists"))


def _other_active_admins(db: sqlite_utils.Database, chapter_id: int, member_id: int) -> int:
    return db.execute("SELECT COUNT(*) FROM members WHERE chapter_id = ? AND role = 'admin'"
                      " AND active = 1 AND id != ?", [chapter_id, member_id]).fetchone()[0]


def _keep_an_admin(db: sqlite_utils.Database, target: Member) -> None:
    """Refuse a change that would leave the chapter with no active admin."""
    if target.role == "admin" and target.active and \
            _other_active_admins(db, target.chapter_id, target.id) == 0:
        raise ValidationError({"role": Message("{name} is the chapter's last active admin; "
                                               "make someone else an admin first",
                                               name=target.name)})


def update_chapter(db: sqlite_utils.Database, actor: Member, name: str,
                   goal_label: str) -> Chapter:
    """Rename the admin's chapter and/or the label of the organisation goal."""
    access.require_admin(actor)
    errors: dict[str, str] = {}
    name, goal_label = _chapter_words(name, goal_label, errors)
    if errors:
        raise ValidationError(errors)
    with store.transaction(db):
        before = get_chapter(db, actor.chapter_id)
        if (before.name, before.goal_label) != (name, goal_label):
            db.execute("UPDATE chapters SET name = ?, goal_label = ? WHERE id = ?",
                       [name, goal_label, before.id])
            store.audit(db, actor.id, "update", "chapters", before.id,
                        {"name": name, "goal_label": goal_label,
                         "previous": {"name": before.name, "goal_label": before.goal_label}})
            store.bump_data_version(db, actor.chapter_id)
    return get_chapter(db, actor.chapter_id)


def rename_team(db: sqlite_utils.Database, actor: Member, team_id: int, name: str) -> Team:
    """Give a team of the admin's chapter a new (unique) name."""
    with store.transaction(db):
        team = _managed_team(db, actor, team_id)
        try:
            name = clean_team_name(name)
        except ValueError as exc:
            raise ValidationError({"name": said(exc)}) from None
        clash = find_team_by_name(db, team.chapter_id, name)
        if clash is not None and clash.id != team.id:
            raise ValidationError({"name": Message("There is already a team called {name!r}",
                                                   name=name)})
        if name != team.name:
            db.execute("UPDATE teams SET name = ? WHERE id = ?", [name, team.id])
            store.audit(db, actor.id, "update", "teams", team.id,
                        {"name": name, "previous": {"name": team.name}})
            store.bump_data_version(db, actor.chapter_id)
    return get_team(db, team_id)


def set_team_archived(db: sqlite_utils.Database, actor: Member, team_id: int,
                      archived: bool = True) -> Team:
    """Archive a team (kept with its history, no longer offered) or bring it back.

    A team with active members cannot be archived: move them first, so nobody is
    left in a team that no longer shows.
    """
    with store.transaction(db):
        team = _managed_team(db, actor, team_id)
        if archived and not team.archived:
            active = db.execute("SELECT COUNT(*) FROM members WHERE team_id = ? AND active = 1",
                                [team.id]).fetchone()[0]
            if active:
                raise ValidationError({"team_id": Message(
                    "{team} still has 1 active member; move them to another team first",
                    team=team.name) if active == 1 else Message(
                    "{team} still has {count} active members; move them to another team "
                    "first", team=team.name, count=active)})
        if archived != team.archived:
            db.execute("UPDATE teams SET archived = ? WHERE id = ?", [int(archived), team.id])
            store.audit(db, actor.id, "update", "teams", team.id,
                        {"archived": archived, "previous": {"archived": team.archived}})
            store.bump_data_version(db, actor.chapter_id)
    return get_team(db, team_id)


def move_member(db: sqlite_utils.Database, actor: Member, member_id: int,
                team_id: int | None) -> Member:
    """Put a member into another team of the chapter (``None``: no team)."""
    with store.transaction(db):
        target = _managed_member(db, actor, member_id)
        if team_id is not None:
            team = _managed_team(db, actor, team_id)
            if team.archived:
                raise ValidationError({"team_id": Message("{team} is archived; bring it back "
                                                          "first", team=team.name)})
        if team_id != target.team_id:
            db.execute("UPDATE members SET team_id = ? WHERE id = ?", [team_id, target.id])
            store.audit(db, actor.id, "update", "members", target.id,
                        {"team_id": team_id, "previous": {"team_id": target.team_id}})
            store.bump_data_version(db, actor.chapter_id)
    return get_member(db, member_id)


def change_role(db: sqlite_utils.Database, actor: Member, member_id: int, role: str) -> Member:
    """Make a member of the chapter a member, team lead or admin.

    The chapter always keeps at least one active admin.
    """
    if role not in ("member", "lead", "admin"):
        raise ValidationError({"role": Message("Role must be one of: member, lead, admin "
                                               "(got {role!r})", role=role)})
    with store.transaction(db):
        target = _managed_member(db, actor, member_id)
        if role != target.role:
            if role != "admin":
                _keep_an_admin(db, target)
            db.execute("UPDATE members SET role = ? WHERE id = ?", [role, target.id])
            store.audit(db, actor.id, "update", "members", target.id,
                        {"role": role, "previous": {"role": target.role}})
            store.bump_data_version(db, actor.chapter_id)
    return get_member(db, member_id)


def set_member_active(db: sqlite_utils.Database, actor: Member, member_id: int,
                      active: bool) -> Member:
    """Deactivate a member (they can no longer sign in and leave the active-member
    counts; everything they recorded is kept) or reactivate them."""
    with store.transaction(db):
        target = _managed_member(db, actor, member_id)
        if not active:
            _keep_an_admin(db, target)
        elif db.execute("SELECT forgotten_at FROM members WHERE id = ?",
                        [target.id]).fetchone()[0]:
            raise ValidationError({"active": Message(
                "{name} has been forgotten (anonymised) and cannot come back; add them as a "
                "new member", name=target.name)})
        if active != target.active:
            db.execute("UPDATE members SET active = ? WHERE id = ?", [int(active), target.id])
            store.audit(db, actor.id, "update", "members", target.id,
                        {"active": active, "previous": {"active": target.active}})
            store.bump_data_version(db, actor.chapter_id)
    return get_member(db, member_id)


def update_membership(db: sqlite_utils.Database, actor: Member, member_id: int, *,
                      team_id: int | None, role: str, active: bool) -> Member:
    """Set a member's team, role and active state together: all or nothing, each
    change audited with its previous value."""
    with store.transaction(db):
        move_member(db, actor, member_id, team_id)
        change_role(db, actor, member_id, role)
        set_member_active(db, actor, member_id, active)
    return get_member(db, member_id)


def correct_member(db: sqlite_utils.Database, actor: Member, member_id: int, *,
                   name: str, email: str) -> Member:
    """An admin corrects a member's name and/or email (a typo, a new address).

    Validated as when the member was added; the email must not belong to anyone else.
    Audited with the previous values. Sign-in looks members up by their current email
    (password and single sign-on alike), so the old email stops working at once.
    """
    with store.transaction(db):
        target = _managed_member(db, actor, member_id)
        draft = MemberDraft(name, email, target.role, target.team_id).validated()
        other = find_member_by_email(db, draft.email)
        if other is not None and other.id != target.id:
            raise ValidationError({"email": Message("{email} belongs to another member",
                                                    email=draft.email)})
        if (draft.name, draft.email) != (target.name, target.email):
            db.execute("UPDATE members SET name = ?, email = ? WHERE id = ?",
                       [draft.name, draft.email, target.id])
            store.audit(db, actor.id, "update", "members", target.id,
                        {"name": draft.name, "email": draft.email,
                         "previous": {"name": target.name, "email": target.email}})
            store.bump_data_version(db)
    return get_member(db, member_id)
