"""One-tap answers to a weekly reminder, from a signed link and without signing in.

* ``away`` — "I was away this week": the reminder's week is marked away (it does not
  count against the member's consistency, and no further reminder comes for it).
* ``later`` — "Remind me on another day": this week's reminder comes **once more, two
  days later** at the same hour (or Sunday evening at :data:`LAST_HOUR` in the chapter's
  time zone, if two days would leave the week), and only if by then nothing is logged and
  the week is not marked away — the usual rules, checked again when it is sent. A second
  tap changes nothing; the time already set is repeated.

Both are idempotent: repeating a link writes nothing more, and at most one audit row per
member, answer and week is written (so at most one per member, kind and day). The signed
link is the member's authority; a forgotten or deactivated member's links do nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlite_utils

from allyship.db import store
from allyship.people import roster
from allyship.rhythm import nudges

LATER_BY = timedelta(days=2)
LAST_HOUR = 18  # Sunday evening, chapter-local: the latest "another day" in a week


@dataclass(frozen=True)
class Answer:
    """What a one-tap answer did, for the page that says so."""

    changed: bool  # False: it had been done already (a repeated link)
    when: datetime | None = None  # ``later``: when the reminder comes again (UTC)
    too_late: bool = False  # ``later``: the week ends before another reminder could come


def _audited(db: sqlite_utils.Database, member_id: int, action: str, week: date) -> bool:
    return db.execute("SELECT 1 FROM audit_log WHERE actor_id = ? AND action = ?"
                      " AND json_extract(details, '$.week_start') = ?",
                      [member_id, action, week.isoformat()]).fetchone() is not None


def mark_away(db: sqlite_utils.Database, member_id: int, week: date) -> Answer:
    """Mark ``week`` away for the member, unless it already is (one audit row, as the
    switch on *My week* writes, with ``via: link``)."""
    member = roster.get_member(db, member_id)
    with store.transaction(db):
        added = db.execute("INSERT OR IGNORE INTO away_weeks (member_id, week_start)"
                           " VALUES (?, ?)", [member_id, week.isoformat()]).rowcount
        if not added:
            return Answer(changed=False)
        if not _audited(db, member_id, "reply.away", week):
            store.audit(db, member_id, "reply.away", "away_weeks", None,
                        {"week_start": week.isoformat(), "away": True, "via": "link"})
        store.bump_data_version(db, member.chapter_id)
    return Answer(changed=True)


def remind_later(db: sqlite_utils.Database, member_id: int, week: date,
                 now: datetime | None = None) -> Answer:
    """Queue this week's reminder once more (see the module's note); once per week."""
    now = now or datetime.now(timezone.utc)
    member = roster.get_member(db, member_id)
    tz = nudges.chapter_settings(db, member.chapter_id).tz
    setting = nudges.stored_setting(db, member_id, "reminder")
    last = datetime.combine(week + timedelta(days=6), time(LAST_HOUR), tzinfo=tz)
    wanted = max(now, nudges.due_at(week, setting, tz)) + LATER_BY
    when = min(wanted, last).astimezone(timezone.utc).replace(microsecond=0)
    with store.transaction(db):
        row = db.execute("SELECT id, status, next_attempt_at FROM outbox WHERE member_id = ?"
                         " AND kind = 'reminder' AND week_start = ?",
                         [member_id, week.isoformat()]).fetchone()
        if _audited(db, member_id, "reply.later", week):
            again = datetime.fromisoformat(row[2]) if row and row[1] == "pending" else None
            return Answer(changed=False, when=again)
        if when <= now or (row is not None and row[1] == "sending"):
            return Answer(changed=False, too_late=True)
        # A new row, not the sent one reopened: its own Message-ID, so mail systems do
        # not fold the second reminder into the first.
        # Its id is taken before the old row goes: SQLite would hand the old id out again.
        new_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM outbox").fetchone()[0]
        if row is not None:
            db.execute("DELETE FROM outbox WHERE id = ?", [row[0]])
        stamp = when.isoformat()
        db.execute("INSERT INTO outbox (id, member_id, kind, week_start, status,"
                   " next_attempt_at, created_at) VALUES (?, ?, 'reminder', ?, 'pending', ?, ?)",
                   [new_id, member_id, week.isoformat(), stamp, store.now_iso()])
        store.audit(db, member_id, "reply.later", "outbox", None,
                    {"week_start": week.isoformat(), "at": stamp, "via": "link"})
    return Answer(changed=True, when=when)


def local_time(db: sqlite_utils.Database, member_id: int, moment: datetime) -> datetime:
    """``moment`` on the member's chapter's clock."""
    member = roster.get_member(db, member_id)
    return moment.astimezone(nudges.chapter_settings(db, member.chapter_id).tz)
