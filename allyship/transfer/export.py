"""Data leaving the database: the full export and the admin's chapter export.

One CSV per table plus ``manifest.json``. The *full* export (command line) is a complete,
restorable copy (:mod:`allyship.transfer.restore`); the *chapter* export follows the
access rules (structure and what members shared, never anyone's private entries).
Secrets never leave. Rows stream from the cursor into the file or zip entry, and a
file or folder appears whole or not at all (written beside the target, then renamed).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member
from allyship.db import rollup, store
from allyship.transfer.csv_files import write_csv

EXPORT_FORMAT = "allyship-export"
EXPORT_FORMAT_VERSION = 1

# Tables and columns that never leave the database: secrets, and sign-in bookkeeping.
_SECRET_COLUMN = re.compile(r"password|hash|token|secret", re.I)
_PRIVATE_TABLE = re.compile(r"^(meta|sqlite_.*)$|login|session|setup_code|token|secret", re.I)


def table_columns(db: sqlite_utils.Database, table: str) -> list[dict[str, Any]]:
    """Each column of ``table``: name, upper-case type, notnull, default (SQL text or
    ``None``) and its place in the key."""
    return [{"name": r[1], "type": (r[2] or "").upper(), "notnull": bool(r[3]),
             "default": r[4], "pk": r[5]}
            for r in db.execute(f'PRAGMA table_info("{table}")')]


def is_secret(column: str) -> bool:
    """Whether a column holds a secret, which no export carries."""
    return bool(_SECRET_COLUMN.search(column))


def exported_columns(db: sqlite_utils.Database, table: str) -> list[str]:
    """The columns of ``table`` an export carries (never a secret)."""
    return [c["name"] for c in table_columns(db, table) if not _SECRET_COLUMN.search(c["name"])]


def exported_tables(db: sqlite_utils.Database) -> list[str]:
    """Tables a full export carries, parents before children (so a restore can insert
    them in this order with foreign keys on)."""
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    names = [n for n in names if not _PRIVATE_TABLE.search(n) and n not in rollup.TABLES]
    parents = {n: {r[2] for r in db.execute(f'PRAGMA foreign_key_list("{n}")')} - {n}
               for n in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:  # a cycle: should not happen with this schema; keep going anyway
            ready = [n for n in names if n not in ordered]
        # Stable: the handout's own order where it applies, else alphabetical.
        ordered.extend(sorted(ready, key=lambda n: (_TABLE_ORDER.get(n, 99), n))[:1])
    return ordered


_TABLE_ORDER = {n: i for i, n in enumerate((
    "chapters", "teams", "members", "plans", "plan_revisions", "plan_items", "actions",
    "action_responsibilities", "away_weeks", "reflections", "audit_log"))}


def _order_by(db: sqlite_utils.Database, table: str) -> str:
    pk = sorted((c for c in table_columns(db, table) if c["pk"]), key=lambda c: c["pk"])
    return ", ".join(f'"{c["name"]}"' for c in pk) if pk else "rowid"


# What an admin's in-app export of their chapter contains: each table's rows as a
# WHERE clause with :chapter. Tables not listed here are left out (private to members,
# or unknown to this module — leaving out what we do not understand is the safe side).
_IN_CHAPTER = "member_id IN (SELECT id FROM members WHERE chapter_id = :chapter)"
_CHAPTER_SCOPE: dict[str, str] = {
    "chapters": "id = :chapter",
    "teams": "chapter_id = :chapter",
    "members": "chapter_id = :chapter",
    "actions": f"visibility = 'chapter' AND {_IN_CHAPTER}",
    "action_responsibilities": "action_id IN (SELECT id FROM actions WHERE visibility = 'chapter'"
                               f" AND {_IN_CHAPTER})",
    "reflections": f"visibility = 'chapter' AND {_IN_CHAPTER}",
    "audit_log": "actor_id IN (SELECT id FROM members WHERE chapter_id = :chapter)"
                 " OR (actor_id IS NULL AND (SELECT count(*) FROM chapters) = 1)",
}
# Audit details of these tables can quote members' private words (a deleted action's
# text, a plan's previous version): the chapter export keeps the event, not the words.
_AUDIT_DETAILS_WITHHELD = ("plans", "plan_items", "plan_revisions", "actions",
                           "action_responsibilities", "reflections", "away_weeks")


def _iter_rows(db: sqlite_utils.Database, table: str, columns: list[str],
               where: str = "1", params: Mapping[str, Any] | None = None) -> Iterator[tuple]:
    """The rows of ``table`` straight from the cursor, in key order."""
    cols = ", ".join(f'"{c}"' for c in columns)
    for r in db.execute(
            f'SELECT {cols} FROM "{table}" WHERE {where} ORDER BY {_order_by(db, table)}',
            dict(params or {})):
        yield tuple(r)


def table_rows(db: sqlite_utils.Database, table: str, columns: list[str],
               where: str = "1", params: Mapping[str, Any] | None = None) -> list[tuple]:
    """The rows of ``table`` as a list, in key order."""
    return list(_iter_rows(db, table, columns, where, params))


def _export_tables(db: sqlite_utils.Database, chapter_id: int | None
                   ) -> Iterator[tuple[str, list[str], Iterator[tuple]]]:
    """``(table, columns, rows)`` of an export, rows streamed from the database."""
    for table in exported_tables(db):
        if chapter_id is not None and table not in _CHAPTER_SCOPE:
            continue
        columns = exported_columns(db, table)
        if chapter_id is None:
            rows = _iter_rows(db, table, columns)
        else:
            rows = _iter_rows(db, table, columns, _CHAPTER_SCOPE[table], {"chapter": chapter_id})
            if table == "audit_log":
                rows = _withhold_private_details(rows, columns)
        yield table, columns, rows


def _withhold_private_details(rows: Iterator[tuple], columns: list[str]) -> Iterator[tuple]:
    i_table, i_details = columns.index("table_name"), columns.index("details")
    for r in rows:
        if r[i_table] in _AUDIT_DETAILS_WITHHELD:
            r = r[:i_details] + ('{"withheld": "private to the member"}',) + r[i_details + 1:]
        yield r


def _manifest(db: sqlite_utils.Database, chapter_id: int | None,
              tables: dict[str, dict[str, Any]]) -> bytes:
    manifest = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "scope": "full" if chapter_id is None else "chapter",
        "chapter_id": chapter_id,
        "schema_version": store.schema_version(db),
        "exported_at": store.now_iso(),
        "demo": store.is_demo(db),
        "tables": tables,
        "notes": ("Full export: restore with `python -m allyship import DIR --db NEW.db`."
                  if chapter_id is None else
                  "Chapter export: chapter structure and what members shared with the chapter."
                  " Members' private entries are not included; this is not a backup."),
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")


def _write_export(db: sqlite_utils.Database, open_file: Callable[[str], IO[bytes]],
                  chapter_id: int | None) -> dict[str, int]:
    """Write each table's CSV through ``open_file(name)`` and the manifest last, in one
    read snapshot (so the counts match the files); returns row counts per table."""
    tables: dict[str, dict[str, Any]] = {}
    with _snapshot(db):
        for table, columns, rows in _export_tables(db, chapter_id):
            with open_file(f"{table}.csv") as f:
                count = write_csv(f, columns, rows)
            tables[table] = {"rows": count, "columns": columns}
        manifest = _manifest(db, chapter_id, tables)
    with open_file("manifest.json") as f:
        f.write(manifest)
    return {t: v["rows"] for t, v in tables.items()}


class _snapshot:
    """One read transaction around an export, so every table is read at the same moment
    (a write landing half-way through would otherwise make the files disagree)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.began = False

    def __enter__(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.execute("BEGIN")
            self.began = True

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self.began and self.db.conn.in_transaction:
            self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def export_files(db: sqlite_utils.Database, *, chapter_id: int | None = None) -> dict[str, bytes]:
    """The export as ``{file name: bytes}`` (small exports and tests; the app and the
    command line stream with :func:`write_export_zip` / :func:`export_dir`)."""
    files: dict[str, io.BytesIO] = {}

    def open_file(name: str) -> IO[bytes]:
        files[name] = _KeptBytesIO()
        return files[name]

    _write_export(db, open_file, chapter_id)
    return {name: buf.getvalue() for name, buf in files.items()}


class _KeptBytesIO(io.BytesIO):
    def close(self) -> None:  # keep the bytes readable after ``with``
        pass


def write_export_zip(db: sqlite_utils.Database, out: IO[bytes], *,
                     chapter_id: int | None = None) -> dict[str, int]:
    """Stream the export as a zip into the binary file ``out``; returns row counts."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        # force_zip64: a member's size is not known before it is written.
        return _write_export(db, lambda name: zf.open(name, "w", force_zip64=True), chapter_id)


def export_dir(db: sqlite_utils.Database, out: str | Path, *,
               chapter_id: int | None = None) -> dict[str, int]:
    """Write the export into directory ``out`` (created; must be empty or absent);
    returns row counts per table. The folder appears complete or not at all."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        counts = _write_export(db, lambda name: open(work / name, "wb"), chapter_id)
        if out.exists():
            out.rmdir()  # empty, checked above
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return counts


def export_zip_file(db: sqlite_utils.Database, out: str | Path, *,
                    chapter_id: int | None = None) -> dict[str, int]:
    """Write the export as a zip file at ``out`` (whole, or not at all)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            counts = write_export_zip(db, f, chapter_id=chapter_id)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return counts


def _zip(files: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def chapter_export_zip(db: sqlite_utils.Database, actor: Member) -> bytes:
    """The admin's chapter export as zip bytes, built in one buffer."""
    access.require_admin(actor)
    buf = io.BytesIO()
    write_export_zip(db, buf, chapter_id=actor.chapter_id)
    return buf.getvalue()


def chapter_export_file(db: sqlite_utils.Database, actor: Member) -> IO[bytes]:
    """The admin's chapter export, streamed into an anonymous temporary file on disk and
    returned open at its start: what the *Import & export* page hands to its download
    button, so the only copy in memory is the one the download itself needs. The file
    vanishes when closed (or if writing fails)."""
    access.require_admin(actor)
    f = tempfile.TemporaryFile(prefix="allyship-export-")
    try:
        write_export_zip(db, f, chapter_id=actor.chapter_id)
        f.seek(0)
    except BaseException:
        f.close()
        raise
    return f


def chapter_export_download(path: str | Path, member_id: int) -> Callable[[], bytes]:
    """A callable for a deferred download button: builds the admin's chapter export only
    when clicked, on a connection of its own (it runs outside the page's thread), and
    checks again that the member is an active admin at that moment."""
    def build() -> bytes:
        db = store.connect(Path(path))
        try:
            from allyship.people import roster

            actor = roster.get_member(db, member_id)
            with chapter_export_file(db, actor) as f:
                return f.read()
        finally:
            db.close()
    return build
