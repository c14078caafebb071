"""Reading the audit log: who changed what, when, and what it was before.

The log itself is written by :func:`allyship.db.store.audit` inside each change's
transaction and cannot be edited (triggers refuse UPDATE and DELETE).

**Privacy decision.** Some entries keep the previous words of a member's own
records — e.g. a deleted or edited action keeps its ``description`` so that the
operator holding the database file can recover it, and a revised plan keeps its
previous text. Those words are private to the member. The admin's view of the
log therefore shows, for members' own records (plans, plan items, actions,
reflections, weeks away …), only the *shape* of a change — dates, visibility,
responsibility numbers, counts — and never free text: a key is shown only if it
is on the allow-list below, everything else reads ``(hidden)``. For the chapter's
structure (chapters, teams, members, set-up codes) every detail is shown: that is
what admins manage. Reflection answers are never written to the log at all.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pandas as pd
import sqlite_utils

from allyship.core import access
from allyship.core.models import Member

# Records the admin manages: shown in full.
ADMIN_TABLES = frozenset({"chapters", "teams", "members", "setup_codes"})
# For every other table, only these keys are shown (values that carry no words).
SAFE_KEYS = frozenset({
    "done_on", "week_start", "visibility", "responsibilities", "kind", "minutes",
    "plan_item_id", "previous_version", "version", "questions", "away", "status",
    "previous_done_on", "count", "rows", "member_id", "due_on", "position", "format",
})
HIDDEN = "(hidden)"


def redact(table: str, details: dict[str, Any]) -> dict[str, Any]:
    """What an admin may see of one entry's details."""
    if table in ADMIN_TABLES:
        return details
    out: dict[str, Any] = {}
    for key, value in details.items():
        if isinstance(value, dict):
            out[key] = redact(table, value)
        elif key in SAFE_KEYS:
            out[key] = value
        else:
            out[key] = HIDDEN
    return out


def _chapter_filter(db: sqlite_utils.Database, chapter_id: int) -> tuple[str, list[Any]]:
    # Entries by members of the chapter; entries with no actor (set-up, command line)
    # only when this database holds a single chapter, where they can only be its own.
    single = db.execute("SELECT COUNT(*) FROM chapters").fetchone()[0] <= 1
    sql = "(m.chapter_id = ?" + (" OR l.actor_id IS NULL)" if single else ")")
    return sql, [chapter_id]


def audit_tables(db: sqlite_utils.Database, actor: Member) -> list[str]:
    """The table names that appear in the admin's chapter's log (for a filter)."""
    access.require_admin(actor)
    where, params = _chapter_filter(db, actor.chapter_id)
    return [r[0] for r in db.execute(
        "SELECT DISTINCT l.table_name FROM audit_log l LEFT JOIN members m ON m.id = l.actor_id"
        f" WHERE {where} ORDER BY 1", params)]


def list_entries(db: sqlite_utils.Database, actor: Member, *, table: str | None = None,
                 actor_id: int | None = None, since: date | None = None,
                 until: date | None = None, limit: int = 500) -> pd.DataFrame:
    """The admin's chapter's audit log, newest first, filtered by table, by who
    acted and by date (``since``/``until`` inclusive, UTC dates); details redacted
    as described in the module notes."""
    access.require_admin(actor)
    where, params = _chapter_filter(db, actor.chapter_id)
    sql = ("SELECT l.id, l.at, l.actor_id, m.name AS actor_name, l.action, l.table_name,"
           " l.record_id, l.details FROM audit_log l LEFT JOIN members m ON m.id = l.actor_id"
           f" WHERE {where}")
    if table:
        sql += " AND l.table_name = ?"
        params.append(table)
    if actor_id is not None:
        sql += " AND l.actor_id = ?"
        params.append(actor_id)
    # "+l.at": read newest-first by id and stop at the limit, rather than gather every
    # entry of the period through the date index and sort them (a busy chapter's month).
    if since:
        sql += " AND +l.at >= ?"
        params.append(since.isoformat())
    if until:
        sql += " AND +l.at < ?"
        params.append((until + timedelta(days=1)).isoformat())
    sql += f" ORDER BY l.id DESC LIMIT {int(limit)}"
    rows = []
    for r in db.query(sql, params):
        try:
            details = json.loads(r["details"] or "{}")
        except ValueError:
            details = {}
        shown = redact(r["table_name"], details if isinstance(details, dict) else {})
        rows.append({
            "When (UTC)": r["at"],
            "Who": r["actor_name"] or ("set-up / command line" if r["actor_id"] is None
                                       else f"#{r['actor_id']}"),
            "What": r["action"],
            "Table": r["table_name"],
            "Record": r["record_id"] or "",
            "Details": json.dumps(shown, ensure_ascii=False, sort_keys=True, default=str),
        })
    return pd.DataFrame(rows, columns=["When (UTC)", "Who", "What", "Table", "Record", "Details"])
