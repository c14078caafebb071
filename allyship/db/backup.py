"""Online backup and health check of the database file.

:func:`backup` uses SQLite's online backup API (``sqlite3.Connection.backup``), which
copies a consistent snapshot while the app keeps writing: in WAL mode a reader never
blocks writers, and copying all pages in one step means the copy is never restarted
by a concurrent write. The copy is written beside its destination and renamed into
place, so a half-written backup never carries the final name; it is then checked.

:func:`check` runs ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` and
reports the schema version, without changing the file (no migration is applied).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from allyship.db import migrations, store


@dataclass
class CheckResult:
    """The health of one database file; ``ok`` is what the exit code follows."""

    path: Path
    schema_version: int = 0
    integrity: list[str] = field(default_factory=list)  # ["ok"] when sound
    foreign_key_problems: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """The report in plain words, one finding per line."""
        out = [f"database: {self.path}",
               f"schema version: {self.schema_version} (this app: {migrations.SCHEMA_VERSION})",
               "integrity_check: " + ("ok" if self.integrity == ["ok"] else
                                      f"{len(self.integrity)} problem(s)"),
               "foreign_key_check: " + ("ok" if not self.foreign_key_problems else
                                        f"{len(self.foreign_key_problems)} problem(s)")]
        out += [f"note: {n}" for n in self.notes]
        out += [f"problem: {p}" for p in self.problems]
        out.append("result: OK" if self.ok else "result: PROBLEMS FOUND")
        return out


def _open(path: Path) -> sqlite3.Connection:
    # Plain sqlite3 (not store.connect): a check must not migrate or change the file.
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True,
                           timeout=store.BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")
    return conn


def check(path: str | os.PathLike[str]) -> CheckResult:
    """Integrity, foreign keys and schema version of the database at ``path``."""
    path = Path(path)
    result = CheckResult(path)
    if not path.is_file():
        result.problems.append(f"no database file at {path}")
        return result
    try:
        conn = _open(path)
        try:
            result.schema_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            result.integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            result.foreign_key_problems = [
                f"{r[0]} rowid {r[1]} refers to a missing {r[2]} row"
                for r in conn.execute("PRAGMA foreign_key_check")]
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        result.problems.append(f"cannot read {path} as a SQLite database: {exc}")
        return result
    if result.integrity != ["ok"]:
        result.problems += [f"integrity: {line}" for line in result.integrity[:20]]
    result.problems += [f"foreign key: {p}" for p in result.foreign_key_problems[:20]]
    if result.schema_version > migrations.SCHEMA_VERSION:
        result.problems.append("the schema is newer than this app understands; upgrade the app")
    elif result.schema_version == 0 or "chapters" not in tables:
        result.problems.append("this file is not an Allyship database (no schema)")
    elif result.schema_version < migrations.SCHEMA_VERSION:
        result.notes.append(f"the schema will be migrated from version {result.schema_version} "
                            f"to {migrations.SCHEMA_VERSION} the next time the app opens it")
    return result


def backup(source: str | os.PathLike[str], out: str | os.PathLike[str], *,
           overwrite: bool = False) -> CheckResult:
    """Copy the live database at ``source`` to the single file ``out``, then check the copy.

    Safe while the app is writing. Raises ``FileExistsError`` if ``out`` exists (unless
    ``overwrite``), ``ValueError`` if ``out`` is the source itself, ``FileNotFoundError``
    if there is no source.
    """
    source, out = Path(source), Path(out)
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    if out.exists() and out.resolve() == source.resolve():
        raise ValueError("the backup must go to another file than the database itself")
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} already exists; choose another name or overwrite")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = _open(source)
        try:
            dst = sqlite3.connect(str(partial), isolation_level=None)
            try:
                # pages=-1: every page in one step, under one read snapshot.
                src.backup(dst, pages=-1)
                # A backup is one self-contained file: no -wal beside it.
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, out)
    except BaseException:
        # Disk full, read-only folder, interrupted: no half-written file left behind.
        for leftover in (partial, Path(f"{partial}-journal"), Path(f"{partial}-wal")):
            leftover.unlink(missing_ok=True)
        raise
    return check(out)
