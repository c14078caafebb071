"""Data safety: export, import (or restore), backup and check."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from allyship.commands.common import (
    CHAPTER_HELP,
    DB_OPTION,
    fail,
    find_chapter,
    open_db,
)
from allyship.db import backup, store
from allyship.transfer import csv_import, export, restore


@click.command("export")
@DB_OPTION
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to create (or an empty one) for one CSV per table.")
def export_cmd(db_path: Path | None, out: Path) -> None:
    """Write a full export: one CSV per table plus manifest.json (no password hashes)."""
    db = open_db(db_path)
    try:
        counts = export.export_dir(db, out)
    except (FileExistsError, OSError) as exc:
        fail(str(exc))
    click.echo(f"exported to {out}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))


@click.command("import")
@DB_OPTION
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--kind", type=click.Choice(["actions", "members", "plans"]), default=None,
              help="What one CSV file holds (default: told by its header).")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--chapter", "chapter", default=None, help=CHAPTER_HELP)
def import_cmd(db_path: Path | None, path: Path, kind: str | None, dry_run: bool,
               chapter: str | None) -> None:
    """Import one CSV (actions, members or plans), or restore an export directory
    (or .zip) into a new or empty database. All or nothing."""
    restoring = path.is_dir() or path.suffix.lower() == ".zip"
    db = open_db(db_path, must_exist=not restoring)
    try:
        if restoring:
            outcome = restore.restore(db, restore.read_export(path), dry_run=dry_run,
                                      source=str(path))
        else:
            chapter_id = None if chapter is None else find_chapter(db, chapter).id
            outcome = csv_import.import_csv(db, None, path, kind=kind, dry_run=dry_run,
                                                   chapter_id=chapter_id)
    except (LookupError, OSError, ValueError) as exc:
        fail(str(exc).strip("'\""))
    for note in outcome.notes:
        click.echo(f"note: {note}")
    for e in outcome.errors:
        click.echo(f"row {e.row}, {e.column or '-'}: {e.reason}", err=True)
    if not outcome.ok:
        fail(outcome.summary())
    click.echo(("dry run: " if dry_run else "") + outcome.summary())


@click.command("backup")
@DB_OPTION
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Backup file to write (one self-contained SQLite file).")
@click.option("--force", is_flag=True, help="Overwrite an existing backup file.")
def backup_cmd(db_path: Path | None, out: Path, force: bool) -> None:
    """Copy the database with SQLite's online backup (safe while the app runs), then check it."""
    path = store.resolve_db_path(db_path)
    try:
        result = backup.backup(path, out, overwrite=force)
    except (FileNotFoundError, FileExistsError, ValueError, OSError) as exc:
        fail(str(exc))
    if not result.ok:
        for line in result.lines():
            click.echo(line, err=True)
        fail(f"the backup at {out} did not pass its check")
    click.echo(f"backup written to {out} ({out.stat().st_size:,} bytes), integrity ok, "
               f"schema version {result.schema_version}")


@click.command("check")
@DB_OPTION
def check_cmd(db_path: Path | None) -> None:
    """Run integrity and foreign-key checks and report the schema version (exit 1 on problems)."""
    result = backup.check(store.resolve_db_path(db_path))
    for line in result.lines():
        click.echo(line)
    if not result.ok:
        sys.exit(1)
