"""Weekly roll-ups kept exact by triggers, so figures over many members or chapters read
a few short rows instead of every action.

``chapter_weeks`` (chapter, week), ``member_weeks`` (week, member) and ``team_weeks``
(chapter, team, week) hold participants, actions, minutes and actions per
responsibility; a member-week counts under the chapter and team its member belonged to
**that week** (:mod:`allyship.db.memberships`), as every figure does. Triggers keep them
in the same transaction as every write (forms, imports, restores, the demo), so no write
path can forget them and a rollback undoes them too; a change of membership moves only
the weeks it covers (from the next Monday), never history.
:func:`recompute` rebuilds them from the base tables (the migration and the tests).
"""

from __future__ import annotations

import sqlite_utils

from allyship.db import memberships
from allyship.db.memberships import covers

# Derived data: never exported (a restore rebuilds them through the triggers), and
# without foreign keys (nothing refers to them; the check reports only real records).
TABLES = ("chapter_weeks", "member_weeks", "team_weeks")
RESPONSIBILITIES = range(1, 9)
_R_COLS = ", ".join(f"r{n}" for n in RESPONSIBILITIES)


def _r_from_action(action: str, sign: str = "+") -> str:
    """``r1 = r1 + EXISTS(...)`` … for one action's responsibilities."""
    return ", ".join(
        f"r{n} = r{n} {sign} EXISTS (SELECT 1 FROM action_responsibilities x"
        f" WHERE x.action_id = {action} AND x.responsibility = {n})" for n in RESPONSIBILITIES)


_ADD_ACTION = """
    INSERT INTO member_weeks (week_start, member_id, actions, minutes, with_minutes)
        VALUES ({a}.week_start, {a}.member_id, 1, coalesce({a}.minutes, 0),
                {a}.minutes IS NOT NULL)
        ON CONFLICT (member_id, week_start) DO UPDATE SET actions = actions + 1,
            minutes = minutes + excluded.minutes,
            with_minutes = with_minutes + excluded.with_minutes;
    INSERT INTO chapter_weeks (chapter_id, week_start, participants, actions, minutes, away_silent)
        SELECT m.chapter_id, {a}.week_start,
               (SELECT w.actions FROM member_weeks w WHERE w.week_start = {a}.week_start
                 AND w.member_id = {a}.member_id) = 1,
               1, coalesce({a}.minutes, 0),
               -((SELECT w.actions FROM member_weeks w WHERE w.week_start = {a}.week_start
                   AND w.member_id = {a}.member_id) = 1
                 AND EXISTS (SELECT 1 FROM away_weeks y WHERE y.member_id = {a}.member_id
                             AND y.week_start = {a}.week_start))
        FROM memberships m WHERE m.member_id = {a}.member_id AND {in_week}
        ON CONFLICT (chapter_id, week_start) DO UPDATE SET
            participants = participants + excluded.participants,
            actions = actions + 1, minutes = minutes + excluded.minutes,
            away_silent = away_silent + excluded.away_silent;
"""

_REMOVE_ACTION = """
    UPDATE member_weeks SET actions = actions - 1, minutes = minutes - coalesce({a}.minutes, 0),
        with_minutes = with_minutes - ({a}.minutes IS NOT NULL)
        WHERE week_start = {a}.week_start AND member_id = {a}.member_id;
    UPDATE chapter_weeks SET
        participants = participants - coalesce((SELECT w.actions = 0 FROM member_weeks w
            WHERE w.week_start = {a}.week_start AND w.member_id = {a}.member_id), 0),
        actions = actions - 1, minutes = minutes - coalesce({a}.minutes, 0),
        away_silent = away_silent + coalesce((SELECT w.actions = 0 FROM member_weeks w
            WHERE w.week_start = {a}.week_start AND w.member_id = {a}.member_id), 0)
            * EXISTS (SELECT 1 FROM away_weeks y WHERE y.member_id = {a}.member_id
                      AND y.week_start = {a}.week_start)
        WHERE chapter_id = (SELECT m.chapter_id FROM memberships m
                            WHERE m.member_id = {a}.member_id AND {in_week})
          AND week_start = {a}.week_start;
    DELETE FROM member_weeks WHERE week_start = {a}.week_start AND member_id = {a}.member_id
        AND actions = 0;
"""


def _add_action(a: str) -> str:
    return _ADD_ACTION.format(a=a, in_week=covers("m", f"{a}.week_start"))


def _remove_action(a: str) -> str:
    return _REMOVE_ACTION.format(a=a, in_week=covers("m", f"{a}.week_start"))


def _move_responsibilities(a: str, sign: str) -> str:
    return (f"UPDATE chapter_weeks SET {_r_from_action(a + '.id', sign)}"
            f" WHERE chapter_id = (SELECT m.chapter_id FROM memberships m"
            f" WHERE m.member_id = {a}.member_id AND {covers('m', a + '.week_start')})"
            f" AND week_start = {a}.week_start;"
            f" UPDATE member_weeks SET {_r_from_action(a + '.id', sign)}"
            f" WHERE week_start = {a}.week_start AND member_id = {a}.member_id;")


def _member_weeks_sql(m: str) -> str:
    """The weeks a membership row ``m`` covers of its member's: actions, minutes and
    per-responsibility counts."""
    per_r = ", ".join(
        f"sum(EXISTS (SELECT 1 FROM action_responsibilities x WHERE x.action_id = a.id"
        f" AND x.responsibility = {n})) AS r{n}" for n in RESPONSIBILITIES)
    return (f"SELECT a.week_start, count(*) AS n, coalesce(sum(a.minutes), 0) AS mins, {per_r}"
            f" FROM actions a WHERE a.member_id = {m}.member_id"
            f" AND {covers(m, 'a.week_start')} GROUP BY a.week_start")


def _member_out(m: str) -> str:
    """Take the weeks a membership row covered out of its chapter's rows (``m`` = OLD)."""
    sets = ", ".join(f"r{n} = chapter_weeks.r{n} - x.r{n}" for n in RESPONSIBILITIES)
    # (No table alias: SQLite refuses them on UPDATE inside a trigger.)
    return f"""
    UPDATE chapter_weeks SET participants = participants - 1, actions = actions - x.n,
        minutes = minutes - x.mins, {sets}
        FROM ({_member_weeks_sql(m)}) AS x
        WHERE chapter_weeks.chapter_id = {m}.chapter_id
          AND chapter_weeks.week_start = x.week_start;
    UPDATE chapter_weeks SET away_silent = away_silent - 1
        WHERE chapter_id = {m}.chapter_id AND week_start IN (
            SELECT y.week_start FROM away_weeks y WHERE y.member_id = {m}.member_id
            AND {covers(m, 'y.week_start')}
            AND NOT EXISTS (SELECT 1 FROM member_weeks w WHERE w.member_id = {m}.member_id
                            AND w.week_start = y.week_start));
"""


def _member_in(m: str) -> str:
    """Put the weeks a membership row covers into its chapter's rows (``m`` = NEW)."""
    sets = ", ".join(f"r{n} = r{n} + excluded.r{n}" for n in RESPONSIBILITIES)
    return f"""
    INSERT INTO chapter_weeks (chapter_id, week_start, participants, actions, minutes, {_R_COLS})
        SELECT {m}.chapter_id, x.week_start, 1, x.n, x.mins, {_R_COLS}
        FROM ({_member_weeks_sql(m)}) AS x WHERE true
        ON CONFLICT (chapter_id, week_start) DO UPDATE SET
            participants = participants + 1, actions = actions + excluded.actions,
            minutes = minutes + excluded.minutes, {sets};
    INSERT INTO chapter_weeks (chapter_id, week_start, away_silent)
        SELECT {m}.chapter_id, y.week_start, 1 FROM away_weeks y
        WHERE y.member_id = {m}.member_id AND {covers(m, 'y.week_start')}
          AND NOT EXISTS (SELECT 1 FROM member_weeks w WHERE w.member_id = {m}.member_id
                          AND w.week_start = y.week_start)
        ON CONFLICT (chapter_id, week_start) DO UPDATE SET away_silent = away_silent + 1;
"""


def _away(w: str, sign: str) -> str:
    return f"""
    INSERT INTO chapter_weeks (chapter_id, week_start, away_silent)
        SELECT m.chapter_id, {w}.week_start, {sign}1 FROM memberships m
        WHERE m.member_id = {w}.member_id AND {covers('m', w + '.week_start')}
          AND NOT EXISTS (SELECT 1 FROM member_weeks x WHERE x.member_id = {w}.member_id
                          AND x.week_start = {w}.week_start)
        ON CONFLICT (chapter_id, week_start) DO UPDATE SET
            away_silent = away_silent + excluded.away_silent;
"""


def _responsibility(r: str, sign: str) -> str:
    sets = ", ".join(f"r{n} = r{n} {sign} ({r}.responsibility = {n})" for n in RESPONSIBILITIES)
    # A responsibility removed with its action (ON DELETE CASCADE) was already taken out
    # by the action's BEFORE DELETE trigger: act only while the action still exists.
    return f"""
    UPDATE chapter_weeks SET {sets}
        WHERE (chapter_id, week_start) = (SELECT m.chapter_id, a.week_start FROM actions a
               JOIN memberships m ON m.member_id = a.member_id
               AND {covers('m', 'a.week_start')} WHERE a.id = {r}.action_id);
    UPDATE member_weeks SET {sets}
        WHERE (week_start, member_id) = (SELECT a.week_start, a.member_id FROM actions a
               WHERE a.id = {r}.action_id);
"""


def _triggers() -> list[str]:
    return [
        f"CREATE TRIGGER rollup_action_in AFTER INSERT ON actions BEGIN"
        f" {_add_action('NEW')} END",
        f"CREATE TRIGGER rollup_action_out BEFORE DELETE ON actions BEGIN"
        f" {_move_responsibilities('OLD', '-')} END",
        f"CREATE TRIGGER rollup_action_gone AFTER DELETE ON actions BEGIN"
        f" {_remove_action('OLD')} END",
        # A changed week, member or minutes: out with the old row, in with the new.
        f"CREATE TRIGGER rollup_action_moved AFTER UPDATE OF week_start, member_id, minutes"
        f" ON actions BEGIN {_move_responsibilities('OLD', '-')}"
        f" {_remove_action('OLD')} {_add_action('NEW')}"
        f" {_move_responsibilities('NEW', '+')} END",
        f"CREATE TRIGGER rollup_resp_in AFTER INSERT ON action_responsibilities BEGIN"
        f" {_responsibility('NEW', '+')} END",
        f"CREATE TRIGGER rollup_resp_out AFTER DELETE ON action_responsibilities BEGIN"
        f" {_responsibility('OLD', '-')} END",
        f"CREATE TRIGGER rollup_away_in AFTER INSERT ON away_weeks BEGIN {_away('NEW', '+')} END",
        f"CREATE TRIGGER rollup_away_out AFTER DELETE ON away_weeks BEGIN {_away('OLD', '-')} END",
        # (No write path moves an away week today; one that did would keep both exact.)
        f"CREATE TRIGGER rollup_away_moved AFTER UPDATE ON away_weeks BEGIN"
        f" {_away('OLD', '-')} {_away('NEW', '+')} END",
        # A membership row written, changed or removed moves the weeks it covers.
        f"CREATE TRIGGER rollup_membership_in AFTER INSERT ON memberships"
        f" BEGIN {_member_in('NEW')} END",
        f"CREATE TRIGGER rollup_membership_changed AFTER UPDATE ON memberships"
        f" BEGIN {_member_out('OLD')} {_member_in('NEW')} END",
        f"CREATE TRIGGER rollup_membership_out AFTER DELETE ON memberships"
        f" BEGIN {_member_out('OLD')} END",
    ]


# --- team_weeks: one member-week row's share of its (chapter, team, week) ----------------

_TEAM_COLS = ("members, actions, minutes, with_minutes, " + _R_COLS + ", "
              + ", ".join(f"p{n}" for n in RESPONSIBILITIES) + ", away_silent")


def _team_values(w: str, sign: str) -> str:
    """A ``member_weeks`` row's contribution (``w`` = NEW or OLD), in _TEAM_COLS' order.

    ``away_silent`` counts away weeks without actions: each ``away_weeks`` row adds 1
    (:func:`_team_away`) and a member-week with actions takes 1 back when that week is
    marked away."""
    parts = [f"{w}.actions > 0", f"{w}.actions", f"{w}.minutes", f"{w}.with_minutes",
             *(f"{w}.r{n}" for n in RESPONSIBILITIES),
             *(f"{w}.r{n} > 0" for n in RESPONSIBILITIES),
             f"-({w}.actions > 0 AND EXISTS (SELECT 1 FROM away_weeks y"
             f" WHERE y.member_id = {w}.member_id AND y.week_start = {w}.week_start))"]
    return ", ".join(f"{sign}({p})" for p in parts)


_TEAM_UPSERT = ("ON CONFLICT (chapter_id, team_id, week_start) DO UPDATE SET "
                + ", ".join(f"{c} = {c} + excluded.{c}" for c in _TEAM_COLS.split(", ")))


def _team_week(w: str, sign: str) -> str:
    """Add (``+``) or take out (``-``) one member-week under its member's current key."""
    return f"""
    INSERT INTO team_weeks (chapter_id, team_id, week_start, {_TEAM_COLS})
        SELECT m.chapter_id, coalesce(m.team_id, 0), {w}.week_start, {_team_values(w, sign)}
        FROM memberships m WHERE m.member_id = {w}.member_id
          AND {covers('m', w + '.week_start')}
        {_TEAM_UPSERT};
"""


def _team_away(y: str, sign: str) -> str:
    """An away week marked (``+``) or unmarked (``-``): silent if the member logged nothing."""
    return f"""
    INSERT INTO team_weeks (chapter_id, team_id, week_start, away_silent)
        SELECT m.chapter_id, coalesce(m.team_id, 0), {y}.week_start, {sign}1
        FROM memberships m WHERE m.member_id = {y}.member_id
          AND {covers('m', y + '.week_start')}
          AND NOT EXISTS (SELECT 1 FROM member_weeks x WHERE x.member_id = {y}.member_id
                          AND x.week_start = {y}.week_start AND x.actions > 0)
        ON CONFLICT (chapter_id, team_id, week_start) DO UPDATE SET
            away_silent = away_silent + excluded.away_silent;
"""


def _team_member(m: str, sign: str) -> str:
    """The weeks a membership row ``m`` (OLD or NEW) covers, under its key: each
    member-week's share (a week marked away with actions takes 1 back) and 1 for each
    away week."""
    return f"""
    INSERT INTO team_weeks (chapter_id, team_id, week_start, {_TEAM_COLS})
        SELECT {m}.chapter_id, coalesce({m}.team_id, 0), w.week_start, {_team_values('w', sign)}
        FROM member_weeks w WHERE w.member_id = {m}.member_id AND {covers(m, 'w.week_start')}
        {_TEAM_UPSERT};
    INSERT INTO team_weeks (chapter_id, team_id, week_start, away_silent)
        SELECT {m}.chapter_id, coalesce({m}.team_id, 0), y.week_start, {sign}1 FROM away_weeks y
        WHERE y.member_id = {m}.member_id AND {covers(m, 'y.week_start')}
        ON CONFLICT (chapter_id, team_id, week_start) DO UPDATE SET
            away_silent = away_silent + excluded.away_silent;
"""


def _team_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER rollup_team_week_in AFTER INSERT ON member_weeks BEGIN"
        f" {_team_week('NEW', '+')} END",
        # (An upsert's DO UPDATE fires this, not the INSERT trigger.)
        f"CREATE TRIGGER rollup_team_week_changed AFTER UPDATE ON member_weeks BEGIN"
        f" {_team_week('OLD', '-')} {_team_week('NEW', '+')} END",
        f"CREATE TRIGGER rollup_team_week_gone AFTER DELETE ON member_weeks BEGIN"
        f" {_team_week('OLD', '-')} END",
        f"CREATE TRIGGER rollup_team_away_in AFTER INSERT ON away_weeks BEGIN"
        f" {_team_away('NEW', '+')} END",
        f"CREATE TRIGGER rollup_team_away_out AFTER DELETE ON away_weeks BEGIN"
        f" {_team_away('OLD', '-')} END",
        f"CREATE TRIGGER rollup_team_away_moved AFTER UPDATE ON away_weeks BEGIN"
        f" {_team_away('OLD', '-')} {_team_away('NEW', '+')} END",
        # The weeks a membership row covers, under its team.
        f"CREATE TRIGGER rollup_team_membership_in AFTER INSERT ON memberships"
        f" BEGIN {_team_member('NEW', '+')} END",
        f"CREATE TRIGGER rollup_team_membership_changed AFTER UPDATE ON memberships"
        f" BEGIN {_team_member('OLD', '-')} {_team_member('NEW', '+')} END",
        f"CREATE TRIGGER rollup_team_membership_out AFTER DELETE ON memberships"
        f" BEGIN {_team_member('OLD', '-')} END",
    ]


def create(db: sqlite_utils.Database) -> None:
    """The tables, their triggers, and their contents for the data already there (and
    the dated membership they are keyed by, if the database has none yet)."""
    if not db["memberships"].exists():
        memberships.create(db)
    r_cols = ", ".join(f"r{n} INTEGER NOT NULL DEFAULT 0" for n in RESPONSIBILITIES)
    db.execute(f"""CREATE TABLE chapter_weeks (
        chapter_id INTEGER NOT NULL,
        week_start TEXT NOT NULL,
        participants INTEGER NOT NULL DEFAULT 0,
        actions INTEGER NOT NULL DEFAULT 0,
        minutes INTEGER NOT NULL DEFAULT 0,
        away_silent INTEGER NOT NULL DEFAULT 0,
        {r_cols},
        PRIMARY KEY (chapter_id, week_start)
    ) WITHOUT ROWID""")
    db.execute(f"""CREATE TABLE member_weeks (
        week_start TEXT NOT NULL,
        member_id INTEGER NOT NULL,
        actions INTEGER NOT NULL,
        minutes INTEGER NOT NULL DEFAULT 0,
        with_minutes INTEGER NOT NULL DEFAULT 0,
        {r_cols},
        PRIMARY KEY (member_id, week_start)
    ) WITHOUT ROWID""")
    # Stored by member: a scope's figures read its members' weeks (a team of 40 in a
    # database of a million actions, or 16,000 members' rows without a second lookup);
    # the organisation's figures read every member's weeks of a period.
    db.execute("CREATE INDEX member_weeks_week ON member_weeks (week_start)")
    p_cols = ", ".join(f"p{n} INTEGER NOT NULL DEFAULT 0" for n in RESPONSIBILITIES)
    db.execute(f"""CREATE TABLE team_weeks (
        chapter_id INTEGER NOT NULL,
        team_id INTEGER NOT NULL,  -- 0: members without a team
        week_start TEXT NOT NULL,
        members INTEGER NOT NULL DEFAULT 0,
        actions INTEGER NOT NULL DEFAULT 0,
        minutes INTEGER NOT NULL DEFAULT 0,
        with_minutes INTEGER NOT NULL DEFAULT 0,
        {r_cols},
        {p_cols},
        away_silent INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (chapter_id, team_id, week_start)
    ) WITHOUT ROWID""")
    recompute(db)
    for sql in [*_triggers(), *_team_triggers()]:
        db.execute(sql)


def rebuild(db: sqlite_utils.Database) -> None:
    """Drop the roll-ups and their triggers and create them again (a migration that
    changes their shape)."""
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                              " AND name LIKE 'rollup_%'").fetchall():
        db.execute(f"DROP TRIGGER {name}")
    for table in TABLES:
        db.execute(f"DROP TABLE IF EXISTS {table}")
    create(db)


def recompute(db: sqlite_utils.Database) -> None:
    """Rebuild the roll-ups from the base tables (inside the caller's transaction)."""
    db.execute("DELETE FROM member_weeks")
    db.execute("DELETE FROM chapter_weeks")
    sums = ", ".join(f"coalesce(sum(rn{n}), 0)" for n in RESPONSIBILITIES)
    per_action = ", ".join(f"sum(r.responsibility = {n}) AS rn{n}" for n in RESPONSIBILITIES)
    db.execute(f"""INSERT INTO member_weeks (week_start, member_id, actions, minutes,
                   with_minutes, {_R_COLS})
        SELECT a.week_start, a.member_id, count(*), coalesce(sum(a.minutes), 0),
               count(a.minutes), {sums}
        FROM actions a
        LEFT JOIN (SELECT r.action_id, {per_action}
                   FROM action_responsibilities r GROUP BY r.action_id) r ON r.action_id = a.id
        GROUP BY a.week_start, a.member_id""")
    db.execute(f"""INSERT INTO chapter_weeks (chapter_id, week_start, participants, actions,
                   minutes, {_R_COLS})
        SELECT m.chapter_id, a.week_start, count(DISTINCT a.member_id), count(*),
               coalesce(sum(a.minutes), 0), {sums}
        FROM actions a
        JOIN memberships m ON m.member_id = a.member_id AND {covers('m', 'a.week_start')}
        LEFT JOIN (SELECT r.action_id, {per_action}
                   FROM action_responsibilities r GROUP BY r.action_id) r ON r.action_id = a.id
        GROUP BY m.chapter_id, a.week_start""")
    db.execute(f"""INSERT INTO chapter_weeks (chapter_id, week_start, away_silent)
        SELECT m.chapter_id, y.week_start, count(*) FROM away_weeks y
        JOIN memberships m ON m.member_id = y.member_id AND {covers('m', 'y.week_start')}
        WHERE NOT EXISTS (SELECT 1 FROM actions a WHERE a.member_id = y.member_id
                          AND a.week_start = y.week_start)
        GROUP BY m.chapter_id, y.week_start
        ON CONFLICT (chapter_id, week_start) DO UPDATE SET away_silent = excluded.away_silent""")
    recompute_team_weeks(db)


def recompute_team_weeks(db: sqlite_utils.Database) -> None:
    """Rebuild ``team_weeks`` from ``member_weeks``, ``away_weeks`` and ``memberships`` (after
    :func:`recompute`'s rebuild of ``member_weeks``, whose triggers it overwrites)."""
    db.execute("DELETE FROM team_weeks")
    practised = ", ".join(f"sum(w.r{n} > 0)" for n in RESPONSIBILITIES)
    sums = ", ".join(f"sum(w.r{n})" for n in RESPONSIBILITIES)
    db.execute(f"""INSERT INTO team_weeks (chapter_id, team_id, week_start, {_TEAM_COLS})
        SELECT m.chapter_id, coalesce(m.team_id, 0), w.week_start, count(*), sum(w.actions),
               sum(w.minutes), sum(w.with_minutes), {sums}, {practised}, 0
        FROM member_weeks w JOIN memberships m ON m.member_id = w.member_id
          AND {covers('m', 'w.week_start')}
        GROUP BY m.chapter_id, coalesce(m.team_id, 0), w.week_start""")
    db.execute(f"""INSERT INTO team_weeks (chapter_id, team_id, week_start, away_silent)
        SELECT m.chapter_id, coalesce(m.team_id, 0), y.week_start, count(*) FROM away_weeks y
        JOIN memberships m ON m.member_id = y.member_id AND {covers('m', 'y.week_start')}
        WHERE NOT EXISTS (SELECT 1 FROM member_weeks w WHERE w.member_id = y.member_id
                          AND w.week_start = y.week_start)
        GROUP BY m.chapter_id, coalesce(m.team_id, 0), y.week_start
        ON CONFLICT (chapter_id, team_id, week_start) DO UPDATE SET
            away_silent = excluded.away_silent""")


def snapshot(db: sqlite_utils.Database) -> dict[str, list[tuple]]:
    """The tables' non-empty rows, in key order (for comparing two computations)."""
    nonzero = " OR ".join(["participants", "actions", "minutes", "away_silent",
                           *(f"r{n}" for n in RESPONSIBILITIES)])
    team_nonzero = " OR ".join(_TEAM_COLS.split(", "))
    return {
        "chapter_weeks": db.execute(f"SELECT * FROM chapter_weeks WHERE {nonzero}"
                                    " ORDER BY chapter_id, week_start").fetchall(),
        "member_weeks": db.execute("SELECT * FROM member_weeks ORDER BY week_start, member_id"
                                   ).fetchall(),
        "team_weeks": db.execute(f"SELECT * FROM team_weeks WHERE {team_nonzero}"
                                 " ORDER BY chapter_id, team_id, week_start").fetchall(),
    }
