"""The command line: ``python -m allyship COMMAND``. ``--help`` on each command.

Commands report failures as one line on stderr and exit non-zero.
"""

from __future__ import annotations

import sqlite3
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


class _OneLineErrors(click.Group):
    """Any failure a command did not foresee still ends in one line and a non-zero exit,
    never a traceback (an unwritable path, undecodable bytes in an argument…)."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's own signature
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except UnicodeError:
            fail("an argument holds bytes that are not valid text; check the terminal's "
                 "encoding")
        except (OSError, sqlite3.Error) as exc:
            fail(f"{exc}")
        except Exception as exc:  # the last resort: say what, in one line
            fail(f"{type(exc).__name__}: {exc}")


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
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
        ch = people.create_chapter(db, chapter, goal_label=goal_label,
                                    started_on=started_on)
        admin = people.bootstrap_admin(db, ch, draft)
    except (ValidationError, PermissionDenied) as exc:
        db.conn.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        fail(str(exc))
    click.echo(f"created chapter {ch.name!r} in {path} with admin {admin.email}")
    click.echo(init_next_steps(path, admin.email))


def init_next_steps(path: Path, admin_email: str) -> str:
    """What to do after ``init``, as commands to copy (quoted for a POSIX shell)."""
    import shlex

    db = shlex.quote(str(path.resolve()))
    return (
        "\nNext steps (run these from the project folder):\n"
        "  1. Give the first admin a one-time set-up code (they choose their password "
        "with it):\n"
        f"       python -m allyship setup-code --db {db} --email {shlex.quote(admin_email)}\n"
        "     (Signing in with Google or Microsoft accounts instead? Fill in [auth] in "
        ".streamlit/secrets.toml; README, 'Signing in'.)\n"
        "  2. Start the app on this database:\n"
        f"       streamlit run streamlit_app.py -- --db {db}\n"
        "  3. Open http://localhost:8501, choose 'First time? Use a set-up code', and enter "
        "the admin's email, the code and a new password."
    )


# --- the chapter report -----------------------------------------------------------------

def _report_actor(db, chapter_name: str | None):
    """The chapter to report on, and who it is produced as: the chapter's first active
    admin (the command line acts for the chapter; nobody signs in)."""
    chapters = people.list_chapters(db)
    if chapter_name:
        found = [c for c in chapters if c.name.casefold() == chapter_name.strip().casefold()]
        if not found:
            fail(f"no chapter called {chapter_name!r}; chapters here: "
                 + ", ".join(repr(c.name) for c in chapters))
        chapter = found[0]
    elif len(chapters) == 1:
        chapter = chapters[0]
    elif not chapters:
        fail("this database holds no chapter yet; create one with `python -m allyship init`")
    else:
        fail("this database holds several chapters; choose one with --chapter NAME ("
             + ", ".join(repr(c.name) for c in chapters) + ")")
    admins = [m for m in people.list_members(db, chapter.id, include_inactive=False)
              if m.is_admin]
    if not admins:
        fail(f"chapter {chapter.name!r} has no active admin to produce the report as")
    return chapter, min(admins, key=lambda m: m.id)


@main.command("report")
@DB_OPTION
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD",
              help="First day of the period (the report covers whole weeks, Monday–Sunday).")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="Last day of the period.")
@click.option("--team", default=None, help="One team's report (default: the whole chapter).")
@click.option("--chapter", "chapter_name", default=None,
              help="The chapter, when the database holds several.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "csv"]), default="html",
              show_default=True, help="html: printable, opens offline, with charts; "
              "md: Markdown without charts; csv: the per-team and per-week figures.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="File to write (replaced if it exists).")
def report_cmd(db_path: Path | None, start: str, end: str, team: str | None,
               chapter_name: str | None, fmt: str, out: Path) -> None:
    """Write the chapter report for a period, e.g. last quarter:

    python -m allyship report --from 2026-07-01 --to 2026-09-30 --format html --out q3.html
    """
    from datetime import date

    from allyship import report

    if out.is_dir():
        fail(f"cannot write {out}: it is a directory; give a file name")
    if not out.parent.is_dir():
        fail(f"cannot write {out}: the folder {out.parent} does not exist")
    db = open_db(db_path)
    chapter, actor = _report_actor(db, chapter_name)
    team_id = None
    if team is not None:
        found = people.find_team_by_name(db, chapter.id, team)
        if found is None:
            names = ", ".join(repr(t.name) for t in people.list_teams(db, chapter.id))
            fail(f"no team called {team!r} in {chapter.name!r}; teams: {names or 'none'}")
        team_id = found.id
    try:
        assembled = report.assemble(db, actor, start=start, end=end, team_id=team_id,
                                    today=date.today())
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    except PermissionDenied as exc:
        fail(str(exc))
    data = report.render(assembled, fmt)
    # Write beside the target, then rename: a failed write leaves no half-written report.
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"report written to {out} ({len(data):,} bytes): {assembled.scope_label}, "
               f"{assembled.period.label}")


# --- data safety: export, import, backup, check ---------------------------------------

@main.command("export")
@DB_OPTION
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to create (or an empty one) for one CSV per table.")
def export_cmd(db_path: Path | None, out: Path) -> None:
    """Write a full export: one CSV per table plus manifest.json (no password hashes)."""
    from allyship import transfer

    db = open_db(db_path)
    try:
        counts = transfer.export_dir(db, out)
    except (FileExistsError, OSError) as exc:
        fail(str(exc))
    click.echo(f"exported to {out}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))


@main.command("import")
@DB_OPTION
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--kind", type=click.Choice(["actions", "members", "plans"]), default=None,
              help="What one CSV file holds (default: told by its header).")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--chapter", "chapter_id", type=int, default=None,
              help="Chapter id, when the database holds several.")
def import_cmd(db_path: Path | None, path: Path, kind: str | None, dry_run: bool,
               chapter_id: int | None) -> None:
    """Import one CSV (actions, members or plans), or restore an export directory
    (or .zip) into a new or empty database. All or nothing."""
    from allyship import transfer

    restoring = path.is_dir() or path.suffix.lower() == ".zip"
    db = open_db(db_path, must_exist=not restoring)
    try:
        if restoring:
            report = transfer.restore(db, transfer.read_export(path), dry_run=dry_run,
                                      source=str(path))
        else:
            report = transfer.import_csv(db, None, path, kind=kind, dry_run=dry_run,
                                         chapter_id=chapter_id)
    except (LookupError, OSError, ValueError) as exc:
        fail(str(exc).strip("'\""))
    for note in report.notes:
        click.echo(f"note: {note}")
    for e in report.errors:
        click.echo(f"row {e.row}, {e.column or '-'}: {e.reason}", err=True)
    if not report.ok:
        fail(report.summary())
    click.echo(("dry run: " if dry_run else "") + report.summary())


@main.command("backup")
@DB_OPTION
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Backup file to write (one self-contained SQLite file).")
@click.option("--force", is_flag=True, help="Overwrite an existing backup file.")
def backup_cmd(db_path: Path | None, out: Path, force: bool) -> None:
    """Copy the database with SQLite's online backup (safe while the app runs), then check it."""
    from allyship import backup

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


@main.command("check")
@DB_OPTION
def check_cmd(db_path: Path | None) -> None:
    """Run integrity and foreign-key checks and report the schema version (exit 1 on problems)."""
    from allyship import backup

    result = backup.check(store.resolve_db_path(db_path))
    for line in result.lines():
        click.echo(line)
    if not result.ok:
        sys.exit(1)


# --- sign-in: one-time set-up codes ------------------------------------------------------

@main.command("setup-code")
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
    from allyship import passwords

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


# --- the weekly rhythm: reminders and digests ------------------------------------------

@main.group("nudges")
def nudges_group() -> None:
    """Weekly reminders and leads' digests (sent through the outbox, never twice)."""


@nudges_group.command("run")
@DB_OPTION
@click.option("--now", "now_text", default=None, metavar="ISO-DATETIME",
              help="Act as if it were this moment (e.g. 2026-11-27T17:05+00:00; without an "
                   "offset, UTC). Default: now.")
@click.option("--dry-run", is_flag=True, help="Print who would get what; write and send nothing.")
def nudges_run_cmd(db_path: Path | None, now_text: str | None, dry_run: bool) -> None:
    """Send every reminder and digest that is due. Safe to run from cron every 15 minutes
    and from several processes at once: each message goes out once."""
    from datetime import datetime, timezone

    from allyship import mail, outbox

    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text.strip())
        except ValueError:
            fail(f"--now must be an ISO date and time such as 2026-11-27T17:05+00:00 "
                 f"(got {now_text!r})")
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
    open_db(db_path).conn.close()  # a missing or unreadable database: one clear line
    try:
        report = outbox.run(store.resolve_db_path(db_path), now=now, dry_run=dry_run,
                            on_line=click.echo)
    except mail.MailNotConfigured as exc:
        fail(f"{exc} (use --dry-run to see who would get what without sending)")
    click.echo(report.summary())
    if report.failed:
        sys.exit(3)  # cron mails the output of a failing job to its owner
