"""Restore of a *full* export into a new, empty database (command line, trusted
operator): ids preserved, one transaction, foreign keys checked."""

from __future__ import annotations

import json
import re
import secrets
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlite_utils

from allyship.db import migrations, store
from allyship.transfer.csv_files import (
    ImportReport,
    Progress,
    Rollback,
    read_csv,
    ticker,
)
from allyship.transfer.export import EXPORT_FORMAT, exported_tables, is_secret, table_columns


def read_export(path: str | Path) -> dict[str, bytes]:
    """An export's files from its directory or its zip."""
    path = Path(path)
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir() if p.is_file()}
    with zipfile.ZipFile(path) as zf:
        return {Path(n).name: zf.read(n) for n in zf.namelist() if not n.endswith("/")}


def _tables_with_rows(db: sqlite_utils.Database, tables: Iterable[str]) -> list[str]:
    return [t for t in tables if db.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]


def restore(db: sqlite_utils.Database, files: Mapping[str, bytes], *, dry_run: bool = False,
            progress: Progress | None = None, source: str = "the export") -> ImportReport:
    """Load a *full* export into an empty database in one transaction, ids preserved.

    For the trusted operator (command line). Refuses a database that already holds
    data, a chapter export (it leaves private entries out) and an export from a newer
    schema. Foreign keys are enforced row by row and checked again before commit.
    """
    report = ImportReport(kind="restore", source=source, dry_run=dry_run)
    try:
        manifest = json.loads(files["manifest.json"])
    except (KeyError, ValueError):
        report.error(0, "manifest.json", "This is not an export: manifest.json is missing or "
                                         "unreadable")
        return report
    if manifest.get("format") != EXPORT_FORMAT or manifest.get("scope") != "full":
        report.error(0, "manifest.json", "Only a full export (`python -m allyship export`) can "
                     "restore a chapter; this one is a "
                     f"{manifest.get('scope', 'unknown')!s} export")
        return report
    if int(manifest.get("schema_version", 0)) > migrations.SCHEMA_VERSION:
        report.error(0, "manifest.json", "The export comes from a newer version of the app; "
                                         "upgrade first")
        return report
    order = exported_tables(db)
    busy = _tables_with_rows(db, order)
    if busy:
        report.error(0, "(database)", "The database is not empty (it has rows in "
                     f"{', '.join(busy)}); restore into a new database file")
        return report
    unknown = [t for t in manifest.get("tables", {}) if t not in order]
    for t in unknown:
        report.error(0, f"{t}.csv", f"This database has no table {t!r}")
    todo = [t for t in order if t in manifest.get("tables", {})]
    parsed: dict[str, tuple[list[str], list[tuple[int, dict[str, str]]]]] = {}
    for t in todo:
        sub = ImportReport(kind="restore")
        if f"{t}.csv" not in files:
            report.error(0, f"{t}.csv", "Listed in the manifest but missing")
            continue
        header, rows = read_csv(files[f"{t}.csv"], sub)
        for e in sub.errors:
            report.error(e.row, f"{t}.csv {e.column}", e.reason)
        report.notes.extend(f"{t}.csv: {n}" for n in sub.notes)
        columns = {c["name"]: c for c in table_columns(db, t)}
        for h in header:
            if h not in columns:
                report.error(1, f"{t}.csv {h}", f"Table {t} has no column {h!r}")
        parsed[t] = (header, rows)
    if report.errors:
        return report
    total = sum(len(r) for _, r in parsed.values())
    tick = ticker(progress, total)
    done = 0
    try:
        with store.transaction(db):
            for t, (header, rows) in parsed.items():
                columns = {c["name"]: c for c in table_columns(db, t)}
                # Secrets never travel in an export; where one is required (a partner's
                # link hash), a fresh unguessable one goes in: the old link stops working.
                fresh = [c for c, info in columns.items() if c not in header
                         and info["notnull"] and info["default"] is None and is_secret(c)]
                sql = (f'INSERT INTO "{t}" (' + ", ".join(f'"{h}"' for h in header + fresh) +
                       ") VALUES (" + ", ".join("?" * (len(header) + len(fresh))) + ")")
                for n, row in rows:
                    values = [_restore_value(row[h], columns[h]) for h in header]
                    values += [secrets.token_hex(32) for _ in fresh]
                    try:
                        db.execute(sql, values)
                    except Exception as exc:  # sqlite3.IntegrityError and friends
                        report.error(n, f"{t}.csv", str(exc))
                    done += 1
                    tick(done)
                report.created += len(rows)
            report.rows = done
            for r in db.execute("PRAGMA foreign_key_check"):
                report.error(0, f"{r[0]}.csv", f"Row with rowid {r[1]} refers to a missing "
                                               f"{r[2]} row")
            if report.errors or dry_run:
                raise Rollback
            db.execute("UPDATE meta SET value = ? WHERE key = 'demo'",
                       ["1" if manifest.get("demo") else "0"])
            store.audit(db, None, "restore", "(all)", None,
                        {"source": source, "exported_at": manifest.get("exported_at"),
                         "rows": done, "by": "cli"})
            store.bump_data_version(db)
    except Rollback:
        if report.errors:
            report.created = 0
    if progress:
        progress(total, total)
    return report


def _restore_value(cell: str, column: Mapping[str, Any]) -> Any:
    if cell == "":
        # CSV has no NULL: an empty cell is NULL where the column allows it.
        return "" if column["notnull"] else None
    if "INT" in column["type"] and re.fullmatch(r"-?\d+", cell):
        return int(cell)
    return cell


