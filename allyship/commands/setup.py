"""Setting a database up: the demo, a new real chapter, a first set-up code."""

from __future__ import annotations

import shlex
import socket
from pathlib import Path

import click

from allyship import demo
from allyship.commands.common import DB_OPTION, fail, open_db
from allyship.core.access import PermissionDenied
from allyship.core.models import MemberDraft, ValidationError
from allyship.db import store
from allyship.people import passwords, roster


@click.command("demo")
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


@click.command("init")
@DB_OPTION
@click.option("--chapter", required=True, help="The chapter's name.")
@click.option("--admin-name", required=True, help="Name of the chapter's first admin.")
@click.option("--admin-email", required=True, help="Email of the chapter's first admin.")
@click.option("--goal-label", default="Audubon goal", show_default=True,
              help="What the plan calls the organisation's goal.")
@click.option("--started-on", default=None, metavar="YYYY-MM-DD",
              help="When the chapter's programme started (default: today). Actions dated "
                   "earlier are refused, so set it before importing past records.")
def init_cmd(db_path: Path | None, chapter: str, admin_name: str, admin_email: str,
             goal_label: str, started_on: str | None) -> None:
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
        ch = roster.create_chapter(db, chapter, goal_label=goal_label,
                                    started_on=started_on)
        admin = roster.bootstrap_admin(db, ch, draft)
    except (ValidationError, PermissionDenied) as exc:
        db.conn.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        fail(str(exc))
    click.echo(f"created chapter {ch.name!r} in {path} with admin {admin.email}")
    click.echo(init_next_steps(path, admin.email))


def free_port(first: int = 8501, tries: int = 50) -> int | None:
    """The first port from ``first`` nobody listens on here (the demo may hold 8501)."""
    for port in range(first, first + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return None


def init_next_steps(path: Path, admin_email: str, port: int | None = None) -> str:
    """What to do after ``init``, as commands to copy (quoted for a POSIX shell), with the
    README's virtual environment and a port nobody uses yet."""
    db = shlex.quote(str(path.resolve()))
    port = port or free_port() or 8502
    busy = ("" if port == 8501 else
            f" (8501 is taken — the demo, probably — so this uses {port}; any free port "
            "works with --server.port)")
    return (
        "\nNext steps (run these from the project folder; `source .venv/bin/activate` "
        "first lets you drop the .venv/bin/ prefix):\n"
        "  1. Give the first admin a one-time set-up code (they choose their password "
        "with it):\n"
        f"       .venv/bin/python -m allyship setup-code --db {db} "
        f"--email {shlex.quote(admin_email)}\n"
        "     (Signing in with Google or Microsoft accounts instead? Fill in [auth] in "
        ".streamlit/secrets.toml; README, 'Signing in'.)\n"
        f"  2. Start the app on this database{busy}:\n"
        f"       .venv/bin/streamlit run streamlit_app.py --server.port {port} -- --db {db}\n"
        f"  3. Open http://localhost:{port}, choose 'First time? Use a set-up code', and "
        "enter the admin's email, the code and a new password."
    )


@click.command("setup-code")
@DB_OPTION
@click.option("--email", required=True, help="Email of the member (e.g. the first admin).")
@click.option("--hours", type=int, default=72, show_default=True,
              help="How long the code stays valid.")
def setup_code_cmd(db_path: Path | None, email: str, hours: int) -> None:
    """Issue a one-time set-up code with which a member chooses their password.

    This is how the first admin of a chapter that uses password accounts gets in;
    after that, admins issue codes on the Admin page. The code is printed once and
    stored only as a hash; issuing a new code cancels the member's earlier one.
    """
    db = open_db(db_path)
    if store.is_demo(db):
        fail("this is the demo database; it uses the persona picker, not passwords")
    try:
        issued = passwords.issue_setup_code_for_operator(db, email, hours=hours)
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    click.echo(f"set-up code for {issued.member.name} <{issued.member.email}>: {issued.code}")
    click.echo(f"valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC, once. In the app choose "
               "'First time? Use a set-up code'.")
