"""Which database, opening it, transactions, the audit write and data versions.

One connection per script run or per thread; WAL, ``foreign_keys=ON`` and a busy
timeout on every connection; every write unit in one ``BEGIN IMMEDIATE`` transaction
(:func:`transaction`). :func:`connect` applies :mod:`allyship.db.migrations`. Domain
modules hold their own SQL and call :func:`transaction`, :func:`audit` and
:func:`bump_data_version`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from allyship.db import migrations

DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "allyship.db"
ENV_VAR = "ALLYSHIP_DB"
BUSY_TIMEOUT_MS = 10_000


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Where the database lives: ``--db``, else ``$ALLYSHIP_DB``, else ``data/allyship.db``."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else DEFAULT_DB_PATH


def server_db_path(argv: Sequence[str] | None = None) -> Path:
    """The database of this server process: ``--db PATH`` given after
    ``streamlit run streamlit_app.py --`` (``argv``, default ``sys.argv[1:]``), else as
    :func:`resolve_db_path`. Pages, routes and background loops all ask here."""
    argv = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            return resolve_db_path(argv[i + 1])
        if arg.startswith("--db="):
            return resolve_db_path(arg.split("=", 1)[1])
    return resolve_db_path()


def connect(path: str | os.PathLike[str], *, migrate: bool = True,
            check_same_thread: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` for this thread.

    The returned handle belongs to the calling thread (``check_same_thread=False``: to
    one thread at a time, the caller sees to it). Schema migrations are applied unless
    ``migrate`` is false.
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: no implicit transactions; we say BEGIN IMMEDIATE ourselves.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=check_same_thread)
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


def bump_data_version(db: sqlite_utils.Database, chapter_id: int | None = None) -> None:
    """Mark that data changed, so cached reads keyed on the data version refresh.

    ``chapter_id``: the one chapter whose data this write changed — only that chapter's
    cached views recompute, so one chapter's activity never invalidates another's.
    ``None`` (the safe default) means the write may touch more than one chapter or
    organisation-wide data: every chapter's cached views recompute. Call inside the
    write's transaction, so the version and the data change together.
    """
    db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'")
    if chapter_id is None or not _has_chapter_versions(db):
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1"
                   " WHERE key = 'global_version'")
    else:
        db.execute("INSERT INTO chapter_versions (chapter_id, version) VALUES (?, 1)"
                   " ON CONFLICT (chapter_id) DO UPDATE SET version = version + 1",
                   [int(chapter_id)])


def _has_chapter_versions(db: sqlite_utils.Database) -> bool:
    # Only the totals exist before migration 7 (a database opened with migrate=False),
    # and in a database created while slot 7 was still reserved and empty (its schema
    # version already counts the slot): then every write is organisation-wide — always
    # correct, only less cached. Looked up once per connection.
    known = getattr(db, "_allyship_chapter_versions", None)
    if known is None:
        known = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                           " AND name = 'chapter_versions'").fetchone() is not None
        if known:  # a table that exists stays; absence is re-checked next time
            db._allyship_chapter_versions = True  # type: ignore[attr-defined]
    return known


def data_version(db: sqlite_utils.Database) -> int:
    """A number that every write increases, whatever it touched."""
    row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def chapter_data_version(db: sqlite_utils.Database, chapter_id: int) -> tuple[int, int]:
    """The cache key for reads of one chapter's data: (organisation-wide version, this
    chapter's version). It changes on every write to the chapter and on every write
    that did not name its chapter, and on nothing else."""
    if not _has_chapter_versions(db):
        return (data_version(db), 0)
    row = db.execute(
        "SELECT (SELECT value FROM meta WHERE key = 'global_version'),"
        " (SELECT version FROM chapter_versions WHERE chapter_id = ?)",
        [int(chapter_id)]).fetchone()
    return (int(row[0] or 0), int(row[1] or 0))


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def is_demo(db: sqlite_utils.Database) -> bool:
    """True when the database holds the synthetic demo chapter."""
    row = db.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
    return bool(row and row[0] == "1")


def apply_migrations(db: sqlite_utils.Database) -> int:
    """Bring the schema up to :data:`allyship.db.migrations.SCHEMA_VERSION`; safe to call
    every time."""
    current = schema_version(db)
    if current > migrations.SCHEMA_VERSION:
        raise RuntimeError(
            f"this database has schema version {current}, newer than this app "
            f"understands ({migrations.SCHEMA_VERSION}); upgrade the app"
        )
    while current < migrations.SCHEMA_VERSION:
        with transaction(db):
            # Re-read inside the write lock: another process may have migrated meanwhile.
            current = schema_version(db)
            if current >= migrations.SCHEMA_VERSION:
                break
            migrations.MIGRATIONS[current](db)
            current += 1
            db.execute(f"PRAGMA user_version = {current}")
    return current
