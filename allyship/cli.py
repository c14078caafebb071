"""The command line: ``python -m allyship COMMAND``. ``--help`` on each command.

Commands report failures as one line on stderr and exit non-zero.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from allyship import demo, people, store
from allyship.access import PermissionDenied
from allyship.models import MemberDraft, ValidationError

DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help=f"Database file (default: ${store.ENV_VAR}, else data/allyship.db).")


def fail(message: str, code: int = 1) -> None:
    """Print a one-line reason and exit non-zero."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def open_db(db_path: Path | None, *, must_exist: bool = True):
    path = store.resolve_db_path(db_path)
    if must_exist and not path.exists():
        fail(f"no database at {path}; create one with `python -m allyship init` or "
             "`python -m allyship demo`")
    try:
        return store.connect(path)
    except Exception as exc:  # sqlite3.DatabaseError, PermissionError…
        fail(f"cannot open {path}: {exc}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Allyship Accountability Dashboard: set up, fill and look after a chapter's database."""


@main.command("demo")
@DB_OPTION
@click.option("--seed", type=int, default=demo.DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same chapter.")
@click.option("--force", is_flag=True, help="Replace an existing database file.")
def demo_cmd(db_path: Path | None, seed: int, force: bool) -> None:
    """(Re)create the database holding the synthetic DEMO chapter."""
    path = store.resolve_db_path(db_path)
    if path.exists() and not force:
        db = store.connect(path)
        demo_db = store.is_demo(db)
        db.conn.close()
        if not demo_db:
            fail(f"{path} holds a real chapter; refusing to replace it (use --force if you mean it)")
    try:
        counts = demo.create_demo_database(path, seed=seed, replace=True)
    except OSError as exc:
        fail(f"cannot write {path}: {exc}")
    click.echo(f"demo chapter written to {path}: " +
               ", ".join(f"{v} {k}" for k, v in counts.items()))


@main.command("init")
@DB_OPTION
@click.option("--chapter", required=True, help="The chapter's name.")
@click.option("--admin-name", required=True, help="Name of the chapter's first admin.")
@click.option("--admin-email", required=True, help="Email of the chapter's first admin.")
@click.option("--goal-label", default="Audubon goal", show_default=True,
              help="What the plan calls the organisation's goal.")
def init_cmd(db_path: Path | None, chapter: str, admin_name: str, admin_email: str,
             goal_label: str) -> None:
    """Create an empty real chapter with its first admin."""
    path = store.resolve_db_path(db_path)
    if path.exists():
        fail(f"{path} already exists; choose another --db path")
    try:
        draft = MemberDraft(admin_name, admin_email, "admin").validated()
    except ValidationError as exc:
        fail(str(exc))
    try:
        db = store.connect(path)
    except Exception as exc:
        fail(f"cannot create {path}: {exc}")
    try:
        ch = people.create_chapter(db, chapter, goal_label=goal_label)
        admin = people.bootstrap_admin(db, ch, draft)
    except (ValidationError, PermissionDenied) as exc:
        db.conn.close()
        path.unlink(missing_ok=True)
        fail(str(exc))
    click.echo(f"created chapter {ch.name!r} in {path} with admin {admin.email}")
