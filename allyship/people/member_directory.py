"""The admin's view of a chapter's members: searched and paged in SQL, so a chapter of
any size opens as fast as a small one (only one page of members is read and drawn).

Structural data only (name, email, team, role, sign-in state), never anyone's activity.
Results are plain frozen values, safe to share through the page cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.handout import ROLES
from allyship.core.models import Member
from allyship.i18n import N_, Message

PASSWORD_SET = N_("password set")
CODE_PENDING = N_("set-up code pending")
PAGE_SIZE = 50
MATCHES_MAX = 20  # a search-and-pick list: enough to find someone, never the chapter


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    email: str
    team_id: int | None
    team: str  # "—" for no team; "(archived)" after an archived team's name (a Message)
    role: str  # the role's English label (ROLES)
    active: bool
    sign_in: str  # PASSWORD_SET, CODE_PENDING or "—"
    role_key: str = "member"  # as stored: the label in another language is looked up by it

    def label(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class MemberPage:
    rows: tuple[MemberRow, ...]
    matching: int  # members matching the search (all pages)
    page: int  # 1-based, clamped to the pages there are
    pages: int
    page_size: int

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when nothing matches)."""
        return (self.page - 1) * self.page_size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


@dataclass(frozen=True)
class ChapterCounts:
    members: int
    active: int
    without_password: int  # active, no password and no live set-up code
    active_by_team: dict[int, int]


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(chapter_id: int, query: str, team_id: int | None,
           only: str | None) -> tuple[str, list[Any]]:
    sql = "m.chapter_id = ?"
    params: list[Any] = [chapter_id]
    words = (query or "").split()
    for word in words[:8]:  # each word must match the name or the email
        sql += (" AND (m.name LIKE ? ESCAPE '\\' COLLATE NOCASE"
                " OR m.email LIKE ? ESCAPE '\\' COLLATE NOCASE)")
        params += [_like(word), _like(word)]
    if team_id is not None:
        if team_id == 0:
            sql += " AND m.team_id IS NULL"
        else:
            sql += " AND m.team_id = ?"
            params.append(team_id)
    if only == "active":
        sql += " AND m.active = 1"
    elif only == "no_password":
        sql += (" AND m.active = 1 AND m.password_hash IS NULL AND NOT EXISTS"
                " (SELECT 1 FROM setup_codes c WHERE c.member_id = m.id"
                " AND c.used_at IS NULL AND c.expires_at > ?)")
        params.append(_now_iso())
    return sql, params


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _rows(db: sqlite_utils.Database, where: str, params: list[Any], limit: int,
          offset: int = 0) -> tuple[MemberRow, ...]:
    now = _now_iso()
    out = []
    for r in db.query(
            "SELECT m.id, m.name, m.email, m.team_id, m.role, m.active,"
            " m.password_hash IS NOT NULL AS has_pw, t.name AS team, t.archived,"
            " EXISTS (SELECT 1 FROM setup_codes c WHERE c.member_id = m.id"
            "  AND c.used_at IS NULL AND c.expires_at > ?) AS code_live"
            " FROM members m LEFT JOIN teams t ON t.id = m.team_id"
            f" WHERE {where} ORDER BY m.name COLLATE NOCASE, m.id LIMIT ? OFFSET ?",
            [now, *params, int(limit), int(offset)]):
        team = ("—" if r["team"] is None else
                Message("{team} (archived)", team=r["team"]) if r["archived"] else r["team"])
        sign_in = (PASSWORD_SET if r["has_pw"] else
                   CODE_PENDING if r["code_live"] else "—")
        out.append(MemberRow(r["id"], r["name"], r["email"], r["team_id"], team,
                             ROLES.get(r["role"], r["role"]), bool(r["active"]), sign_in,
                             r["role"]))
    return tuple(out)


def find_members(db: sqlite_utils.Database, actor: Member, *, query: str = "",
                 team_id: int | None = None, only: str | None = None, page: int = 1,
                 page_size: int = PAGE_SIZE) -> MemberPage:
    """One page of the admin's chapter's members, by name, matching every word of
    ``query`` in the name or email; ``team_id`` 0 means "no team"; ``only`` is
    ``"active"`` or ``"no_password"`` (active, no password, no live set-up code)."""
    access.require_admin(actor)
    where, params = _where(actor.chapter_id, query, team_id, only)
    matching = db.execute(f"SELECT COUNT(*) FROM members m WHERE {where}", params).fetchone()[0]
    pages = max(1, -(-matching // page_size))
    page = min(max(1, int(page)), pages)
    rows = _rows(db, where, params, page_size, (page - 1) * page_size)
    return MemberPage(rows, matching, page, pages, page_size)


def member_ids(db: sqlite_utils.Database, actor: Member, *, only: str) -> list[int]:
    """Every id matching ``only`` (see :func:`find_members`), for actions on many members
    at once; ids only, so even a large chapter's list stays small."""
    access.require_admin(actor)
    where, params = _where(actor.chapter_id, "", None, only)
    return [r[0] for r in db.execute(f"SELECT m.id FROM members m WHERE {where}"
                                     " ORDER BY m.name COLLATE NOCASE, m.id", params)]


def chapter_counts(db: sqlite_utils.Database, actor: Member) -> ChapterCounts:
    """The chapter's head counts, in a few aggregate queries."""
    access.require_admin(actor)
    total, active = db.execute("SELECT COUNT(*), COALESCE(SUM(active), 0) FROM members"
                               " WHERE chapter_id = ?", [actor.chapter_id]).fetchone()
    where, params = _where(actor.chapter_id, "", None, "no_password")
    without = db.execute(f"SELECT COUNT(*) FROM members m WHERE {where}", params).fetchone()[0]
    by_team = {r[0]: r[1] for r in db.execute(
        "SELECT team_id, COUNT(*) FROM members WHERE chapter_id = ? AND active = 1"
        " AND team_id IS NOT NULL GROUP BY team_id", [actor.chapter_id])}
    return ChapterCounts(int(total), int(active), int(without), by_team)
