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
