"""The store: migrations, pragmas, and all-or-nothing transactions."""

import sqlite3

import pytest

from allyship.db import migrations, store


def test_a_new_database_is_migrated_to_the_current_schema(db):
    assert store.schema_version(db) == migrations.SCHEMA_VERSION
    for table in ("chapters", "teams", "members", "plans", "plan_revisions", "plan_items",
                  "actions", "action_responsibilities", "reflections", "away_weeks", "audit_log"):
        assert table in db.table_names()


def test_migrating_again_is_a_no_op(db_path):
    first = store.connect(db_path)
    tables = first.table_names()
    first.conn.close()
    again = store.connect(db_path)
    assert store.apply_migrations(again) == migrations.SCHEMA_VERSION
    assert again.table_names() == tables


def test_a_database_from_a_newer_app_is_refused(db_path):
    db = store.connect(db_path)
    db.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    db.conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        store.connect(db_path)


def test_every_connection_has_foreign_keys_wal_and_a_busy_timeout(db):
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == store.BUSY_TIMEOUT_MS


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction(db):
            db.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (999, 'x', 'now')")


def test_a_failed_multi_table_write_leaves_nothing(chapter):
    db = chapter.db
    before = {t: db[t].count for t in ("actions", "action_responsibilities", "audit_log")}
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction(db):
            cur = db.execute(
                "INSERT INTO actions (member_id, done_on, week_start, description, kind,"
                " created_at, updated_at) VALUES (?, '2026-02-02', '2026-02-02', 'x', 'other',"
                " 'now', 'now')", [chapter.member.id])
            db.execute("INSERT INTO action_responsibilities VALUES (?, 3)", [cur.lastrowid])
            store.audit(db, chapter.member.id, "create", "actions", cur.lastrowid)
            db.execute("INSERT INTO action_responsibilities VALUES (?, 9)", [cur.lastrowid])
    assert {t: db[t].count for t in before} == before


def test_nested_transactions_join_the_outer_one(chapter):
    db = chapter.db
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            store.bump_data_version(db)
            with store.transaction(db):
                store.bump_data_version(db)
            raise RuntimeError("abandon the whole unit")
    assert not db.conn.in_transaction


def test_every_write_bumps_the_data_version(db):
    v = store.data_version(db)
    with store.transaction(db):
        store.bump_data_version(db)
    assert store.data_version(db) == v + 1


def test_the_audit_log_cannot_be_rewritten(chapter):
    db = chapter.db
    with pytest.raises(sqlite3.IntegrityError, match="audit log"):
        db.execute("UPDATE audit_log SET action = 'nothing'")
    with pytest.raises(sqlite3.IntegrityError, match="audit log"):
        db.execute("DELETE FROM audit_log")


@pytest.mark.parametrize("cli, env, expected", [
    ("/x/cli.db", "/x/env.db", "/x/cli.db"),
    (None, "/x/env.db", "/x/env.db"),
    (None, "", str(store.DEFAULT_DB_PATH)),
])
def test_the_database_path_comes_from_flag_then_env_then_default(monkeypatch, cli, env, expected):
    monkeypatch.setenv(store.ENV_VAR, env)
    assert str(store.resolve_db_path(cli)) == expected


def test_migration_14_fills_team_weeks_from_a_database_at_schema_13(db_path):
    """A database at schema 13 (member_weeks, no team_weeks) gets team_weeks with every
    week already logged, its triggers, and the two covering indexes."""
    from datetime import date, timedelta

    from allyship.core.models import ActionDraft, MemberDraft
    from allyship.db import rollup
    from allyship.people import roster
    from allyship.practice import journal

    db = store.connect(db_path, migrate=False)
    while store.schema_version(db) < 13:
        with store.transaction(db):
            migrations.MIGRATIONS[store.schema_version(db)](db)
            db.execute(f"PRAGMA user_version = {store.schema_version(db) + 1}")
    # As schema 13 had it: no team_weeks (today's roll-up module creates it with the rest).
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                              " AND name LIKE 'rollup_team_%'").fetchall():
        db.execute(f"DROP TRIGGER {name}")
    db.execute("DROP TABLE team_weeks")
    today = date(2026, 3, 27)
    chapter = roster.create_chapter(db, "Old", started_on=date(2026, 1, 5))
    admin = roster.bootstrap_admin(db, chapter, MemberDraft("Ada", "ada@example.org"))
    team = roster.create_team(db, admin, "Team A").id
    mo = roster.add_member(db, admin, MemberDraft("Mo", "mo@example.org", "member", team))
    for weeks_ago in range(3):
        journal.log_action(db, mo, ActionDraft(today - timedelta(weeks=weeks_ago), "Listened",
                                               (1, 4), minutes=10), today=today)
    journal.set_away(db, admin, today)
    assert "team_weeks" not in db.table_names()

    assert store.apply_migrations(db) == migrations.SCHEMA_VERSION
    rows = db.execute("SELECT team_id, members, actions, minutes, r1, p4, away_silent"
                      " FROM team_weeks ORDER BY team_id, week_start").fetchall()
    assert [tuple(r) for r in rows] == [(0, 0, 0, 0, 0, 0, 1)] + [(team, 1, 1, 10, 1, 1, 0)] * 3
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"members_chapter_active", "plan_items_steps"} <= indexes
    journal.log_action(db, admin, ActionDraft(today, "Read", (2,)), today=today)
    snapshot = rollup.snapshot(db)
    with store.transaction(db):
        rollup.recompute(db)
    assert rollup.snapshot(db) == snapshot  # the triggers keep it from here on
