"""Schema: the weekly roll-ups behind every figure, and membership dated by week."""

from __future__ import annotations

import sqlite_utils

from allyship.db import memberships, rollup


def m12_figures(db: sqlite_utils.Database) -> None:
    """Reserved (empty): kept so every database counts its versions the same."""


def m13_member_week_figures(db: sqlite_utils.Database) -> None:
    """``member_weeks`` also holds each member-week's minutes and actions per
    responsibility (and an index by member), so a scope's weekly figures are sums over
    one short row per member-week, not a pass over every action. (Not in the empty
    slot 12: databases made since it was reserved are already at version 12.)"""
    rollup.rebuild(db)


def m14_team_week_figures(db: sqlite_utils.Database) -> None:
    """``team_weeks``, the member-week sums per (chapter, current team, week) over
    active members, kept by triggers: a whole chapter's weekly figures from a few
    hundred rows instead of every member-week.
    Two covering indexes for what every figure reads: a chapter's active members
    (the scope of each measure) and plans' next steps with their dates (follow-through),
    so neither reads the wide rows themselves."""
    rollup.rebuild(db)
    db.execute("CREATE INDEX members_chapter_active ON members (chapter_id, active, team_id)")
    db.execute("CREATE INDEX plan_items_steps ON plan_items (plan_id, kind, due_on, done_on)")


def dated_membership(db: sqlite_utils.Database) -> None:
    """``memberships``: each member's chapter, team and focus group by week, written by
    triggers (:mod:`allyship.db.memberships`); the roll-ups count each member-week under
    the membership of that week, so a change never moves history. Existing active
    members belong from the beginning (nothing older records otherwise)."""
    if not db["memberships"].exists():
        memberships.create(db)
    rollup.rebuild(db)
