"""The SQLite store: opening a database, its schema and migrations, transactions.

Built on sqlite-utils. Decisions recorded in DESIGN.md §4:

* one connection per script run or per thread — a ``sqlite3.Connection`` is never
  shared across Streamlit sessions;
* WAL journal, ``foreign_keys=ON`` on every connection (SQLite's default is off),
  and a busy timeout so concurrent writers wait instead of failing;
* every write unit runs in one ``BEGIN IMMEDIATE`` transaction (:func:`transaction`):
  a deferred ``BEGIN`` upgrades to a write lock late and loses writes under
  concurrency;
* the schema version lives in ``PRAGMA user_version``; migrations are ordered
  functions applied once each, each in its own transaction.

Domain modules (``plans``, ``journal``, ``people`` …) hold the SQL for their own
records and call :func:`transaction`, :func:`audit` and :func:`bump_data_version`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "allyship.db"
ENV_VAR = "ALLYSHIP_DB"
BUSY_TIMEOUT_MS = 10_000


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Where the database lives: ``--db``, else ``$ALLYSHIP_DB``, else ``data/allyship.db``."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else DEFAULT_DB_PATH


def connect(path: str | os.PathLike[str], *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` for this thread.

    The returned handle belongs to the calling thread. Schema migrations are
    applied unless ``migrate`` is false.
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: no implicit transactions; we say BEGIN IMMEDIATE ourselves.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    db = sqlite_utils.Database(conn, execute_plugins=False)
    if migrate:
        apply_migrations(db)
    return db


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write unit: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back whole on any error.

    Nested use joins the outer transaction (a savepoint), so a domain function can
    call another without committing half of the caller's work.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():  # savepoint inside the caller's transaction
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def now_iso() -> str:
    """The current UTC time as an ISO-8601 string, second precision."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def audit(
    db: sqlite_utils.Database,
    actor_id: int | None,
    what: str,
    table: str,
    record_id: int | str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record a change in the audit log (call inside the change's transaction)."""
    db.execute(
        "INSERT INTO audit_log (at, actor_id, action, table_name, record_id, details)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [now_iso(), actor_id, what, table, None if record_id is None else str(record_id),
         json.dumps(details or {}, ensure_ascii=False, default=str, sort_keys=True)],
    )


def bump_data_version(db: sqlite_utils.Database) -> None:
    """Mark that data changed, so cached reads keyed on :func:`data_version` refresh."""
    db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'")


def data_version(db: sqlite_utils.Database) -> int:
    """A number that every write increases; the cache key for reads."""
    row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def is_demo(db: sqlite_utils.Database) -> bool:
    """True when the database holds the synthetic demo chapter."""
    row = db.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
    return bool(row and row[0] == "1")


# --- migrations -----------------------------------------------------------------

def _m1_initial(db: sqlite_utils.Database) -> None:
    for stmt in _SCHEMA_V1:
        db.execute(stmt)
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('data_version', '0')")
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('demo', '0')")


_SCHEMA_V1: tuple[str, ...] = (
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE chapters (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        goal_label TEXT NOT NULL DEFAULT 'Audubon goal',
        started_on TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE teams (
        id INTEGER PRIMARY KEY,
        chapter_id INTEGER NOT NULL REFERENCES chapters(id),
        name TEXT NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_at TEXT NOT NULL,
        UNIQUE (chapter_id, name)
    )""",
    """CREATE TABLE members (
        id INTEGER PRIMARY KEY,
        chapter_id INTEGER NOT NULL REFERENCES chapters(id),
        team_id INTEGER REFERENCES teams(id),
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'lead', 'admin')),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        password_hash TEXT,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX members_chapter_team ON members (chapter_id, team_id)",
    "CREATE INDEX members_team ON members (team_id)",
    """CREATE TABLE plans (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL UNIQUE REFERENCES members(id),
        focus_group TEXT NOT NULL,
        motivation TEXT NOT NULL DEFAULT '',
        supports_goal TEXT NOT NULL DEFAULT '',
        feedback TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'paused')),
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE plan_revisions (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        saved_by INTEGER REFERENCES members(id),
        UNIQUE (plan_id, version)
    )""",
    """CREATE TABLE plan_items (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('learning_activity', 'next_step')),
        text TEXT NOT NULL,
        due_on TEXT,
        done_on TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX plan_items_plan ON plan_items (plan_id, kind, position)",
    "CREATE INDEX plan_items_due ON plan_items (kind, done_on, due_on)",
    """CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id),
        plan_item_id INTEGER REFERENCES plan_items(id) ON DELETE SET NULL,
        done_on TEXT NOT NULL,
        week_start TEXT NOT NULL,
        description TEXT NOT NULL,
        minutes INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 1440),
        kind TEXT NOT NULL CHECK (kind IN
            ('learning', 'conversation', 'organizing', 'access', 'feedback', 'other')),
        visibility TEXT NOT NULL DEFAULT 'private'
            CHECK (visibility IN ('private', 'team', 'chapter')),
        idempotency_key TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX actions_member_week ON actions (member_id, week_start)",
    "CREATE INDEX actions_week ON actions (week_start)",
    """CREATE TABLE action_responsibilities (
        action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
        responsibility INTEGER NOT NULL CHECK (responsibility BETWEEN 1 AND 8),
        PRIMARY KEY (action_id, responsibility)
    ) WITHOUT ROWID""",
    """CREATE TABLE away_weeks (
        member_id INTEGER NOT NULL REFERENCES members(id),
        week_start TEXT NOT NULL,
        PRIMARY KEY (member_id, week_start)
    ) WITHOUT ROWID""",
    """CREATE TABLE reflections (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id),
        week_start TEXT NOT NULL,
        question INTEGER NOT NULL CHECK (question BETWEEN 1 AND 5),
        answer TEXT NOT NULL,
        visibility TEXT NOT NULL DEFAULT 'private'
            CHECK (visibility IN ('private', 'team', 'chapter')),
        updated_at TEXT NOT NULL,
        UNIQUE (member_id, week_start, question)
    )""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id INTEGER,
        action TEXT NOT NULL,
        table_name TEXT NOT NULL,
        record_id TEXT,
        details TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX audit_log_at ON audit_log (at)",
    # The audit log is append-only: nothing in the app may rewrite history.
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
)

def _m2_sign_in(db: sqlite_utils.Database) -> None:
    """Password sign-in: failed attempts per email (for the lockout) and one-time
    set-up codes (stored as hashes, expiring, single use)."""
    db.execute("""CREATE TABLE login_failures (
        email TEXT PRIMARY KEY COLLATE NOCASE,
        failures INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        last_failure_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE setup_codes (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id),
        code_hash TEXT NOT NULL,
        created_by INTEGER REFERENCES members(id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    )""")
    db.execute("CREATE INDEX setup_codes_member ON setup_codes (member_id, used_at)")


def _m3_audit_by_actor(db: sqlite_utils.Database) -> None:
    """The audit log grows by a row per write; the Admin and Import & export pages read
    one chapter's share of it through its actors. Without this index both read the
    whole log (found by ``python -m bench``'s query-plan check)."""
    db.execute("CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor_id, at)")


def _m4_drop_plan_items_due(db: sqlite_utils.Database) -> None:
    """Every query on next steps starts from a plan (``plan_items_plan``). This index,
    led by ``kind`` (two values), tempted the planner into reading every next step of
    every chapter for the chapter-wide follow-through: 0.56 s of SQL at 1M actions
    against 5 ms without it (``python -m bench``)."""
    db.execute("DROP INDEX IF EXISTS plan_items_due")


def _m5_sign_in_hardening(db: sqlite_utils.Database) -> None:
    """Issue 12, sign-in: the lockout counted per time window (``login_attempts``: the
    name keeps it out of exports, as ``transfer`` leaves out any table named *login*;
    bounded emails, rows that expire) replaces ``login_failures``; server-side
    sessions (``sessions``: only hashes of the cookie token and of the one-time
    hand-over nonce), ended by sign-out and by deactivation (a trigger, so every way
    of deactivating someone — admin page, import, command line — ends their sessions)."""
    db.execute("""CREATE TABLE login_attempts (
        email TEXT PRIMARY KEY COLLATE NOCASE CHECK (length(email) <= 254),
        window_start TEXT NOT NULL,
        guesses INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        logged INTEGER NOT NULL DEFAULT 0,
        expires_at TEXT NOT NULL
    )""")
    db.execute("CREATE INDEX login_attempts_expiry ON login_attempts (expires_at)")
    # Carry over locks still running; counts below a lock are not worth keeping.
    db.execute("""INSERT INTO login_attempts
                  (email, window_start, guesses, locked_until, logged, expires_at)
                  SELECT lower(email), last_failure_at, 5, locked_until, 1, locked_until
                  FROM login_failures
                  WHERE length(email) <= 254 AND locked_until IS NOT NULL
                    AND locked_until > strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')""")
    db.execute("DROP TABLE login_failures")
    # AUTOINCREMENT: a session id is never reused, so a tab still holding an ended
    # session's id can never find someone else's new session under it.
    db.execute("""CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        token_hash TEXT UNIQUE,
        nonce_hash TEXT UNIQUE,
        nonce_expires_at TEXT,
        how TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    )""")
    db.execute("CREATE INDEX sessions_member ON sessions (member_id, revoked_at)")
    db.execute("CREATE INDEX sessions_expiry ON sessions (expires_at)")
    db.execute("""CREATE TRIGGER member_deactivated_ends_sessions
        AFTER UPDATE OF active ON members WHEN NEW.active = 0
        BEGIN
            UPDATE sessions SET revoked_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
            WHERE member_id = NEW.id AND revoked_at IS NULL;
        END""")


def _m6_hardening(db: sqlite_utils.Database) -> None:
    """Reserved for issue 12: hardening other than sign-in."""


def _m7_per_chapter_versions(db: sqlite_utils.Database) -> None:
    """Reserved for issue 13: per-chapter data versions, speed."""


def _m8_weekly_rhythm(db: sqlite_utils.Database) -> None:
    """Issue 14, the weekly rhythm: each chapter's time zone and public address; each
    member's opt-in per message kind (day and hour in the chapter's time zone); calendar
    feed tokens (only their SHA-256 is stored); the outbox, one row per due message,
    unique by (member, kind, week) so nothing is ever sent twice; and a log of sender
    runs for the admin page. The secret that signs unsubscribe links is made here, once
    per database."""
    import secrets as _secrets

    db.execute("""CREATE TABLE chapter_settings (
        chapter_id INTEGER PRIMARY KEY REFERENCES chapters(id),
        time_zone TEXT NOT NULL DEFAULT 'UTC',
        public_url TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE nudge_settings (
        member_id INTEGER NOT NULL REFERENCES members(id),
        kind TEXT NOT NULL CHECK (kind IN ('reminder', 'digest')),
        enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
        weekday INTEGER NOT NULL DEFAULT 4 CHECK (weekday BETWEEN 0 AND 6),
        hour INTEGER NOT NULL DEFAULT 17 CHECK (hour BETWEEN 0 AND 23),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (member_id, kind)
    ) WITHOUT ROWID""")
    db.execute("""CREATE TABLE feed_tokens (
        member_id INTEGER PRIMARY KEY REFERENCES members(id),
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id),
        kind TEXT NOT NULL CHECK (kind IN ('reminder', 'digest')),
        week_start TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        claimed_by TEXT,
        claimed_at TEXT,
        sent_at TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (member_id, kind, week_start)
    )""")
    db.execute("CREATE INDEX outbox_status ON outbox (status, next_attempt_at)")
    db.execute("""CREATE TABLE nudge_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        queued INTEGER NOT NULL DEFAULT 0,
        sent INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        note TEXT NOT NULL DEFAULT ''
    )""")
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('link_secret', ?)",
               [_secrets.token_hex(32)])


def _m9_peers(db: sqlite_utils.Database) -> None:
    """Reserved for issue 15: visibility audiences, partners, circles, ideas."""


def _m10_organisation(db: sqlite_utils.Database) -> None:
    """Reserved for issue 16: organisation, regions, organisation roles."""


def _m11_data_rights(db: sqlite_utils.Database) -> None:
    """Reserved for issue 18: erasure path, retention."""


def _m12_figures(db: sqlite_utils.Database) -> None:
    """Reserved for issue 11: anything the period and disclosure rules need stored."""


# Ordered: MIGRATIONS[i] takes the schema from version i to i + 1.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m1_initial, _m2_sign_in, _m3_audit_by_actor, _m4_drop_plan_items_due,
    _m5_sign_in_hardening,
    _m6_hardening,
    _m7_per_chapter_versions,
    _m8_weekly_rhythm,
    _m9_peers,
    _m10_organisation,
    _m11_data_rights,
    _m12_figures,
]
SCHEMA_VERSION = len(MIGRATIONS)


def apply_migrations(db: sqlite_utils.Database) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`; safe to call every time."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"this database has schema version {current}, newer than this app "
            f"understands ({SCHEMA_VERSION}); upgrade the app"
        )
    while current < SCHEMA_VERSION:
        with transaction(db):
            # Re-read inside the write lock: another process may have migrated meanwhile.
            current = schema_version(db)
            if current >= SCHEMA_VERSION:
                break
            MIGRATIONS[current](db)
            current += 1
            db.execute(f"PRAGMA user_version = {current}")
    return current
