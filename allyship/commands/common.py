"""What every command shares: the ``--db`` and ``--chapter`` options, one-line failures."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
import sqlite_utils

from allyship.core.models import Chapter
from allyship.db import store
from allyship.people import roster

DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help=f"Database file (default: ${store.ENV_VAR}, else data/allyship.db).")

CHAPTER_HELP = "The chapter, by name or by id (needed when the database holds several)."


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line reason and exit non-zero."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def open_db(db_path: Path | None, *, must_exist: bool = True) -> sqlite_utils.Database:
    """The database of ``--db``, migrated; a missing or unreadable file fails in one line."""
    path = store.resolve_db_path(db_path)
    if must_exist and not path.exists():
        fail(f"no database at {path}; create one with `python -m allyship init` or "
             "`python -m allyship demo`")
    try:
        return store.connect(path)
    except Exception as exc:  # sqlite3.DatabaseError, PermissionError…
        fail(f"cannot open {path}: {exc}")


def find_chapter(db: sqlite_utils.Database, value: str) -> Chapter:
    """The chapter ``--chapter`` names: an all-digits value is tried as an id, then as a
    name; a name matches in any case. Fails in one line naming the chapters there are."""
    chapters = roster.list_chapters(db)
    wanted = value.strip()
    if wanted.isdigit():
        by_id = [c for c in chapters if c.id == int(wanted)]
        if by_id:
            return by_id[0]
    by_name = [c for c in chapters if c.name.casefold() == wanted.casefold()]
    if by_name:
        return by_name[0]
    known = ", ".join(f"{c.name!r} (id {c.id})" for c in chapters) or "none"
    fail(f"no chapter called {value!r}"
         + (" nor with that id" if wanted.isdigit() else "")
         + f"; chapters here: {known}")


def only_chapter(db: sqlite_utils.Database, value: str | None) -> Chapter:
    """The chapter ``--chapter`` names, or the database's only chapter without it."""
    if value is not None:
        return find_chapter(db, value)
    chapters = roster.list_chapters(db)
    if len(chapters) == 1:
        return chapters[0]
    if not chapters:
        fail("this database holds no chapter yet; create one with `python -m allyship init`")
    fail("this database holds several chapters; choose one with --chapter NAME or ID ("
         + ", ".join(f"{c.name!r} (id {c.id})" for c in chapters) + ")")


def write_atomically(out: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed write leaves no half-written file."""
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {out}: {exc.strerror or exc}")
