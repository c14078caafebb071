"""Keep nothing longer than chosen: reflections older than N months are deleted.

Two settings, both off (NULL) by default:

* the chapter's rule (an admin sets it on *Admin → Your data*);
* each member's own choice for their reflections (on *Account*).

Where both are set the shorter wins. A reflection is past the limit when its whole week
(Monday–Sunday) ended before the day N calendar months ago. Deletion runs by
``python -m allyship retention run`` (cron-friendly: quiet, exit 0, idempotent), by the
in-app scheduler (:func:`allyship.web.background.retention_scheduler`) and at once for a
member who sets their own choice. Each run is audited as counts, never words.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, ValidationError, week_start
from allyship.db import store
from allyship.i18n import Message

MONTH_CHOICES: tuple[int, ...] = (3, 6, 12, 24, 36)
MAX_MONTHS = 600
_LOG = logging.getLogger(__name__)


def months_before(today: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    total = today.year * 12 + (today.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def oldest_kept_week(today: date, months: int) -> date:
    """The Monday of the oldest week still kept under a limit of ``months``."""
    return week_start(months_before(today, months))


def _check_months(months: int | None) -> int | None:
    if months is None:
        return None
    try:
        value = int(months)
    except (TypeError, ValueError):
        raise ValidationError({"months": Message("Choose a number of months")}) from None
    if not 1 <= value <= MAX_MONTHS:
        raise ValidationError({"months": Message(
            "Choose between 1 and {limit} months, or keep reflections until they are deleted",
            limit=MAX_MONTHS)})
    return value


# --- settings ---------------------------------------------------------------------------

def chapter_months(db: sqlite_utils.Database, chapter_id: int) -> int | None:
    row = db.execute("SELECT reflections_keep_months FROM chapters WHERE id = ?",
                     [chapter_id]).fetchone()
    return row[0] if row else None


def my_months(db: sqlite_utils.Database, actor: Member) -> int | None:
    access.require_active(actor)
    return db.execute("SELECT reflections_keep_months FROM members WHERE id = ?",
                      [actor.id]).fetchone()[0]


def set_chapter_months(db: sqlite_utils.Database, actor: Member, months: int | None) -> None:
    """The chapter's rule (admin). Takes effect at the next run."""
    access.require_admin(actor)
    months = _check_months(months)
    with store.transaction(db):
        before = chapter_months(db, actor.chapter_id)
        if before != months:
            db.execute("UPDATE chapters SET reflections_keep_months = ? WHERE id = ?",
                       [months, actor.chapter_id])
            store.audit(db, actor.id, "update", "chapters", actor.chapter_id,
                        {"reflections_keep_months": months,
                         "previous": {"reflections_keep_months": before}})
            store.bump_data_version(db)


def set_my_months(db: sqlite_utils.Database, actor: Member, months: int | None, *,
                  today: date | None = None) -> int:
    """The actor's own choice for their reflections; applied at once. Returns how many
    of their reflections were deleted now."""
    access.require_active(actor)
    months = _check_months(months)
    with store.transaction(db):
        db.execute("UPDATE members SET reflections_keep_months = ? WHERE id = ?",
                   [months, actor.id])
        store.audit(db, actor.id, "update", "members", actor.id,
                    {"reflections_keep_months": months})
        removed = _delete_due(db, today or date.today(), member_id=actor.id)
        if removed:
            store.audit(db, actor.id, "retention", "reflections", None,
                        {"count": removed, "members": 1, "by": "member"})
        store.bump_data_version(db)
    return removed


def effective_months(db: sqlite_utils.Database, member_id: int) -> int | None:
    """The limit that applies to a member's reflections: the shorter of the two."""
    row = db.execute(
        "SELECT m.reflections_keep_months, c.reflections_keep_months FROM members m"
        " JOIN chapters c ON c.id = m.chapter_id WHERE m.id = ?", [member_id]).fetchone()
    values = [v for v in (row or ()) if v is not None]
    return min(values) if values else None


def preview_mine(db: sqlite_utils.Database, actor: Member, months: int | None, *,
                 today: date | None = None) -> int:
    """How many of the actor's reflections choosing ``months`` would delete now (the
    chapter's rule applies too; the shorter wins)."""
    access.require_active(actor)
    months = _check_months(months)
    limits = [m for m in (months, chapter_months(db, actor.chapter_id)) if m is not None]
    if not limits:
        return 0
    cutoff = oldest_kept_week(today or date.today(), min(limits)).isoformat()
    return db.execute("SELECT COUNT(*) FROM reflections WHERE member_id = ? AND week_start < ?",
                      [actor.id, cutoff]).fetchone()[0]


# --- running it ---------------------------------------------------------------------------

_EFFECTIVE = ("SELECT m.id AS member_id, m.chapter_id,"
              " CASE WHEN m.reflections_keep_months IS NULL THEN c.reflections_keep_months"
              "      WHEN c.reflections_keep_months IS NULL THEN m.reflections_keep_months"
              "      ELSE min(m.reflections_keep_months, c.reflections_keep_months) END AS months"
              " FROM members m JOIN chapters c ON c.id = m.chapter_id")


def _due_groups(db: sqlite_utils.Database, member_id: int | None = None,
                chapter_id: int | None = None) -> list[tuple[int, list[int]]]:
    sql = f"SELECT months, member_id FROM ({_EFFECTIVE}) WHERE months IS NOT NULL"
    params: list[Any] = []
    if member_id is not None:
        sql += " AND member_id = ?"
        params.append(member_id)
    if chapter_id is not None:
        sql += " AND chapter_id = ?"
        params.append(chapter_id)
    groups: dict[int, list[int]] = {}
    for months, mid in db.execute(sql, params):
        groups.setdefault(months, []).append(mid)
    return sorted(groups.items())


def count_due(db: sqlite_utils.Database, today: date, *, member_id: int | None = None,
              chapter_id: int | None = None) -> int:
    """How many reflections are past their limit now (what a run would delete)."""
    total = 0
    for months, ids in _due_groups(db, member_id, chapter_id):
        cutoff = oldest_kept_week(today, months).isoformat()
        for chunk in _chunks(ids):
            total += db.execute(
                f"SELECT COUNT(*) FROM reflections WHERE week_start < ? AND member_id IN"
                f" ({','.join('?' * len(chunk))})", [cutoff, *chunk]).fetchone()[0]
    return total


def _delete_due(db: sqlite_utils.Database, today: date, *, member_id: int | None = None,
                chapter_id: int | None = None) -> int:
    removed = 0
    for months, ids in _due_groups(db, member_id, chapter_id):
        cutoff = oldest_kept_week(today, months).isoformat()
        for chunk in _chunks(ids):
            removed += db.execute(
                f"DELETE FROM reflections WHERE week_start < ? AND member_id IN"
                f" ({','.join('?' * len(chunk))})", [cutoff, *chunk]).rowcount
    return removed


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


@dataclass
class RetentionRun:
    """What one run deleted, per chapter id."""

    today: date
    removed: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.removed.values())

    def summary(self) -> str:
        if not self.total:
            return "retention: no reflections past their limit"
        return (f"retention: deleted {self.total} reflection{'s' if self.total != 1 else ''}"
                f" past their limit (" + ", ".join(f"chapter {c}: {n}"
                                                   for c, n in self.removed.items()) + ")")


def run(db: sqlite_utils.Database, *, today: date | None = None,
        dry_run: bool = False) -> RetentionRun:
    """Delete every reflection past its limit, one transaction per chapter, each audited
    as a count. Running again the same day deletes nothing."""
    today = today or date.today()
    result = RetentionRun(today)
    chapters = [r[0] for r in db.execute("SELECT id FROM chapters ORDER BY id")]
    previous_secure = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")  # deleted answers are zeroed, not just unlinked
    try:
        for chapter_id in chapters:
            if dry_run:
                n = count_due(db, today, chapter_id=chapter_id)
            else:
                with store.transaction(db):
                    n = _delete_due(db, today, chapter_id=chapter_id)
                    if n:
                        store.audit(db, None, "retention", "reflections", None, {
                            "count": n, "chapter_id": chapter_id, "by": "retention run",
                            "members": len({m for _, ids in _due_groups(
                                db, chapter_id=chapter_id) for m in ids})})
                        store.bump_data_version(db)
            if n:
                result.removed[chapter_id] = n
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous_secure)}")
    if result.total and not dry_run:
        # Old WAL frames may still hold the deleted answers: empty the WAL.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return result


def run_at(path: Path) -> RetentionRun | None:
    """One scheduled run on the database at ``path``, logged when it deleted anything;
    ``None`` when there is no database yet (the first visit creates it)."""
    if not path.exists():
        return None
    db = store.connect(path)
    try:
        outcome = run(db)
        if outcome.total:
            _LOG.info(outcome.summary())
        return outcome
    finally:
        db.conn.close()
