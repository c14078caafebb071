"""Backdating membership in test setups: a member added now belongs from the next Monday
(or from their first activity), but many stories read weeks of 2026 with members who
belonged all along, logging or not."""

from __future__ import annotations

import sqlite_utils

from allyship.db import store


def belonged_all_along(db: sqlite_utils.Database, *members) -> None:
    """Each member's first membership row reaches back to the beginning (``members``:
    Member objects or ids; none given: every member)."""
    ids = [getattr(m, "id", m) for m in members]
    where = f"AND member_id IN ({', '.join('?' for _ in ids)})" if ids else ""
    with store.transaction(db):
        db.execute(f"""UPDATE memberships SET from_week = NULL
            WHERE from_week IS NOT NULL {where}
              AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.member_id = memberships.member_id
                              AND (o.from_week IS NULL OR o.from_week < memberships.from_week))""",
                   ids)


# Long before any period a test reads: taking part then changes no figure shown.
LONG_AGO = "2000-01-03"


def took_part(db: sqlite_utils.Database, *members) -> None:
    """Each member takes part (``memberships.takes_part``): one private action logged in a
    week long before any period a story reads, so a group padded with them for its size
    counts them as people without changing a figure it checks. (Logging reaches back:
    their membership starts no later than that week.) ``members``: Member objects or ids;
    none given: every active member."""
    ids = [getattr(m, "id", m) for m in members] or [mid for (mid,) in db.execute(
        "SELECT id FROM members WHERE active = 1")]
    ids = [mid for mid in ids if not db.execute(
        "SELECT 1 FROM actions WHERE member_id = ? AND week_start = ?",
        [mid, LONG_AGO]).fetchone()]
    with store.transaction(db):
        for mid in ids:
            db.execute("INSERT INTO actions (member_id, done_on, week_start, description,"
                       " minutes, kind, visibility, created_at, updated_at)"
                       " VALUES (?, ?, ?, 'Took part', NULL, 'learning', 'private', ?, ?)",
                       [mid, LONG_AGO, LONG_AGO, LONG_AGO + "T12:00:00", LONG_AGO + "T12:00:00"])
