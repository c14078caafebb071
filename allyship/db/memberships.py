"""Dated membership: who belonged to which chapter, team and focus group in which week.

``memberships`` holds one row per stretch of unchanged membership: member, chapter,
team, the focus group their plan named, and the weeks it covers — from ``from_week``
(a Monday; ``NULL``: since the beginning) up to, not including, ``to_week`` (``NULL``:
still open). A deactivated member has no open row. Triggers write it on every path that
changes a member or a plan (forms, imports, restores, erasure), so no write can forget.

The rule: a change takes effect from the **next Monday**. Every week that has begun —
the completed ones and the week in progress — keeps the membership it had, so a move,
a deactivation, a reactivation, forgetting or a plan's new focus group never changes a
figure already shown. A new member belongs from the next Monday too (from the first week
of a programme that has not completed one), so adding one changes no week already shown
— unless they have activity dated earlier (an import of history): their first row then
reaches back to the week of their first action or away week, so every week they took
part in counts them. Members who existed before dated membership belong from the
beginning (nothing older records otherwise), and the group of a first plan names the
member's rows that named none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlite_utils

# The Monday after today (SQLite's clock, UTC): when a change made now takes effect.
NEXT_MONDAY = "date('now', '+1 day', 'weekday 1')"
# The Monday of this week.
THIS_MONDAY = "date('now', '-6 days', 'weekday 1')"


def joining_week(chapter: str) -> str:
    """SQL: the week a member added now to ``chapter`` (an SQL expression) begins to
    belong: the next Monday; or the first week of a programme that has not completed a
    week yet, which no figure shown so far can have counted."""
    start = (f"(SELECT date(c.started_on, '-6 days', 'weekday 1') FROM chapters c"
             f" WHERE c.id = {chapter})")
    return f"(CASE WHEN {start} >= {THIS_MONDAY} THEN {start} ELSE {NEXT_MONDAY} END)"


def covers(m: str, week: str) -> str:
    """SQL: membership row ``m`` covers the week starting ``week`` (an SQL expression)."""
    return (f"({m}.from_week IS NULL OR {m}.from_week <= {week})"
            f" AND ({m}.to_week IS NULL OR {week} < {m}.to_week)")


def takes_part(member: str, week: str) -> str:
    """SQL: member ``member`` takes part by the week starting ``week`` (SQL expressions):
    they have logged an action, or marked a week away, dated that week or earlier.

    The one definition of "people, not roster entries": a group's figures may be shown
    only when it holds enough people who take part, so placeholder members an admin adds
    cannot make a group look big enough. It looks no later than ``week``, so a completed
    week's answer stays as it was.
    """
    return (f"(EXISTS (SELECT 1 FROM member_weeks tp_w WHERE tp_w.member_id = {member}"
            f" AND tp_w.week_start <= {week}) OR EXISTS (SELECT 1 FROM away_weeks tp_a"
            f" WHERE tp_a.member_id = {member} AND tp_a.week_start <= {week}))")


def _change(member: str) -> str:
    """From the next Monday, the member's membership is what ``members``/``plans`` say now
    (none if inactive): later rows go, the open row closes, a new one opens."""
    return f"""
    DELETE FROM memberships WHERE member_id = {member} AND from_week >= {NEXT_MONDAY};
    UPDATE memberships SET to_week = {NEXT_MONDAY} WHERE member_id = {member}
        AND (to_week IS NULL OR to_week > {NEXT_MONDAY});
    INSERT INTO memberships (member_id, chapter_id, team_id, focus_group, from_week)
        SELECT m.id, m.chapter_id, m.team_id,
               (SELECT p.focus_group FROM plans p WHERE p.member_id = m.id), {NEXT_MONDAY}
        FROM members m WHERE m.id = {member} AND m.active = 1;
"""


def _reach_back(name: str, event: str) -> str:
    """A trigger: the member's first row starts no later than ``NEW.week_start``."""
    return f"""CREATE TRIGGER memberships_reach_back_{name} {event}
        WHEN NOT EXISTS (SELECT 1 FROM memberships WHERE member_id = NEW.member_id
                         AND from_week IS NULL)
        BEGIN UPDATE memberships SET from_week = NEW.week_start
              WHERE member_id = NEW.member_id AND from_week > NEW.week_start
                AND from_week = (SELECT min(o.from_week) FROM memberships o
                                 WHERE o.member_id = NEW.member_id);
        END"""


def _triggers() -> list[str]:
    return [
        # A new member belongs from the week they join — unless a restore brought their
        # dated rows first.
        f"""CREATE TRIGGER memberships_member_in AFTER INSERT ON members
           WHEN NEW.active = 1 AND NOT EXISTS (SELECT 1 FROM memberships
                                               WHERE member_id = NEW.id)
           BEGIN INSERT INTO memberships (member_id, chapter_id, team_id, focus_group, from_week)
                 VALUES (NEW.id, NEW.chapter_id, NEW.team_id,
                         (SELECT p.focus_group FROM plans p WHERE p.member_id = NEW.id),
                         {joining_week('NEW.chapter_id')});
           END""",
        f"""CREATE TRIGGER memberships_member_changed
           AFTER UPDATE OF team_id, active, chapter_id ON members
           WHEN OLD.team_id IS NOT NEW.team_id OR OLD.active IS NOT NEW.active
             OR OLD.chapter_id IS NOT NEW.chapter_id
           BEGIN {_change('NEW.id')} END""",
        # Every other write closes a member's open row before it adds one, so an open row
        # still there is the one the member's insert wrote: a restore's rows replace it
        # (they come in the order they were written, the open one last).
        """CREATE TRIGGER memberships_restored BEFORE INSERT ON memberships
           BEGIN DELETE FROM memberships WHERE member_id = NEW.member_id
                 AND to_week IS NULL;
           END""",
        # Activity dated before a member's first row moves its start back to that week
        # (before the roll-ups count the activity, so they count it under that row).
        _reach_back("actions_in", "BEFORE INSERT ON actions"),
        _reach_back("actions_moved", "BEFORE UPDATE OF week_start, member_id ON actions"),
        _reach_back("away_in", "BEFORE INSERT ON away_weeks"),
        """CREATE TRIGGER memberships_member_gone BEFORE DELETE ON members
           BEGIN DELETE FROM memberships WHERE member_id = OLD.id; END""",
        # A first plan names the member's group on the rows that named none: there is no
        # earlier record of a group to keep.
        """CREATE TRIGGER memberships_first_plan AFTER INSERT ON plans
           BEGIN UPDATE memberships SET focus_group = NEW.focus_group
                 WHERE member_id = NEW.member_id AND focus_group IS NULL;
           END""",
        f"""CREATE TRIGGER memberships_plan_group AFTER UPDATE OF focus_group ON plans
           WHEN OLD.focus_group IS NOT NEW.focus_group
           BEGIN {_change('NEW.member_id')} END""",
    ]


def create(db: sqlite_utils.Database) -> None:
    """The table, its indexes and triggers, and one open row per active member today."""
    db.execute("""CREATE TABLE memberships (
        member_id INTEGER NOT NULL,
        chapter_id INTEGER NOT NULL,
        team_id INTEGER,
        focus_group TEXT,
        from_week TEXT,  -- a Monday; NULL: since the beginning
        to_week TEXT  -- the Monday it ended (not included); NULL: open
    )""")
    # A scope's weeks read a chapter's rows; the roll-ups read one member's.
    db.execute("CREATE INDEX memberships_chapter ON memberships (chapter_id, team_id)")
    db.execute("CREATE INDEX memberships_member ON memberships (member_id, from_week)")
    # What exists: active members belong (their history before today is not known, so
    # it is taken as it stands now); inactive members do not.
    db.execute("""INSERT INTO memberships (member_id, chapter_id, team_id, focus_group)
        SELECT m.id, m.chapter_id, m.team_id, p.focus_group FROM members m
        LEFT JOIN plans p ON p.member_id = m.id WHERE m.active = 1""")
    for sql in _triggers():
        db.execute(sql)


def since_programme_start(db: sqlite_utils.Database) -> None:
    """Start every member's first row no later than the week their chapter's programme
    began: for data that stands for a past it was not written in (the demo's chapters)."""
    start = ("(SELECT date(c.started_on, '-6 days', 'weekday 1') FROM chapters c"
             " WHERE c.id = memberships.chapter_id)")
    db.execute(f"""UPDATE memberships SET from_week = {start} WHERE from_week > {start}
        AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.member_id = memberships.member_id
                        AND (o.from_week IS NULL OR o.from_week < memberships.from_week))""")


def weeks_cte(weeks: Sequence[date | str]) -> tuple[str, list[Any]]:
    """``wk(w) AS (VALUES ...)``: the Mondays a query is about (at least one)."""
    days = [w if isinstance(w, str) else w.isoformat() for w in weeks] or ["0000-00-00"]
    return ("wk(w) AS (VALUES " + ", ".join("(?)" for _ in days) + ")", days)
