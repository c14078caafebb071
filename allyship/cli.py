"""The command line: ``python -m allyship COMMAND``. ``--help`` on each command.

Commands report failures as one line on stderr and exit non-zero.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import click

from allyship import demo
from allyship.db import store
from allyship.people import roster
from allyship.core.access import PermissionDenied
from allyship.core.models import MemberDraft, ValidationError

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
    chapters = roster.list_chapters(db)
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
    admins = [m for m in roster.list_members(db, chapter.id, include_inactive=False)
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
@click.option("--organisation", "org_level", is_flag=True,
              help="The organisation report (every chapter's aggregates) instead of a "
                   "chapter's; with --region NAME, one region's.")
@click.option("--region", "region_name", default=None,
              help="With --organisation: one region's chapters.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "csv"]), default="html",
              show_default=True, help="html: printable, opens offline, with charts; "
              "md: Markdown without charts; csv: the per-team and per-week figures.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="File to write (replaced if it exists).")
def report_cmd(db_path: Path | None, start: str, end: str, team: str | None,
               chapter_name: str | None, org_level: bool, region_name: str | None, fmt: str,
               out: Path) -> None:
    """Write the chapter report for a period, e.g. last quarter:

    python -m allyship report --from 2026-07-01 --to 2026-09-30 --format html --out q3.html

    or, with --organisation [--region NAME], the organisation's report.
    """
    from datetime import date

    from allyship.charts import svg_render

    if fmt == "html" and not (org_level or region_name is not None):
        svg_render.start()  # already started by `python -m allyship` (see __main__)
        click.get_current_context().call_on_close(svg_render.stop)
    from allyship.reports import chapter_report

    if out.is_dir():
        fail(f"cannot write {out}: it is a directory; give a file name")
    if not out.parent.is_dir():
        fail(f"cannot write {out}: the folder {out.parent} does not exist")
    db = open_db(db_path)
    if org_level or region_name is not None:
        if team is not None or chapter_name is not None:
            fail("--organisation reports on every chapter; leave out --team and --chapter")
        _organisation_report(db, start, end, region_name, fmt, out)
        return
    chapter, actor = _report_actor(db, chapter_name)
    team_id = None
    if team is not None:
        found = roster.find_team_by_name(db, chapter.id, team)
        if found is None:
            names = ", ".join(repr(t.name) for t in roster.list_teams(db, chapter.id))
            fail(f"no team called {team!r} in {chapter.name!r}; teams: {names or 'none'}")
        team_id = found.id
    try:
        assembled = chapter_report.assemble(db, actor, start=start, end=end, team_id=team_id,
                                    today=date.today(), send_charts=fmt == "html")
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    except PermissionDenied as exc:
        fail(str(exc))
    if assembled.empty:
        weeks = assembled.comparison.now
        fail(f"nothing to report for {weeks.period.dates}: it holds no complete week of the "
             f"programme, which began on {weeks.started:%d %b %Y}; choose later dates")
    data = chapter_report.render(assembled, fmt)
    svg_render.stop()  # every chart is drawn: the renderer exits while the file is written
    _write_atomically(out, data)
    click.echo(f"report written to {out} ({len(data):,} bytes): {assembled.scope_label}, "
               f"{assembled.period.label}")


def _write_atomically(out: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed write leaves no half-written file."""
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {out}: {exc.strerror or exc}")


def _organisation_report(db, start: str, end: str, region_name: str | None, fmt: str,
                         out: Path) -> None:
    """The organisation report, produced as the operator (an organisation admin's view:
    aggregates only, by the same disclosure rules as the page)."""
    from datetime import date

    from allyship.people import organisation
    from allyship.reports import org_report
    from allyship.core.models import Member

    region_id = None
    if region_name is not None:
        found = organisation.find_region(db, region_name)
        if found is None:
            names = ", ".join(repr(r.name) for r in organisation.list_regions(db))
            fail(f"no region called {region_name!r}; regions: {names or 'none'}")
        region_id = found.id
    # The operator reads as an organisation admin who belongs to no chapter.
    operator = Member(0, 0, None, "operator", "", "member", True, "org_admin", None)
    try:
        assembled = org_report.assemble(db, operator, start=start, end=end,
                                        region_id=region_id, today=date.today())
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    except PermissionDenied as exc:
        fail(str(exc))
    data = org_report.render(assembled, fmt)
    _write_atomically(out, data)
    click.echo(f"organisation report written to {out} ({len(data):,} bytes): "
               f"{assembled.progress.scope_label}, {assembled.period.label}")


# --- the organisation: regions, chapters, roles -------------------------------------------

@main.group("org")
def org_group() -> None:
    """The organisation above the chapters: regions, chapters, organisation roles.
    The command line acts as the operator (audited as "cli")."""


def _org_call(fn, *args, **kwargs):
    try:
        return fn(*args, operator=True, **kwargs)
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    except PermissionDenied as exc:
        fail(str(exc))


def _find_chapter(db, name: str):
    found = [c for c in roster.list_chapters(db)
             if c.name.casefold() == name.strip().casefold()]
    if not found:
        fail(f"no chapter called {name!r}")
    return found[0]


def _find_region_id(db, name: str | None) -> int | None:
    from allyship.people import organisation

    if name is None:
        return None
    found = organisation.find_region(db, name)
    if found is None:
        fail(f"no region called {name!r}; create it with `python -m allyship org region NAME`")
    return found.id


@org_group.command("name")
@DB_OPTION
@click.argument("name")
def org_name_cmd(db_path: Path | None, name: str) -> None:
    """Set the organisation's name."""
    from allyship.people import organisation

    db = open_db(db_path)
    click.echo(f"organisation: {_org_call(organisation.set_organisation_name, db, None, name)}")


@org_group.command("region")
@DB_OPTION
@click.argument("name")
def org_region_cmd(db_path: Path | None, name: str) -> None:
    """Add a region (a named group of chapters)."""
    from allyship.people import organisation

    db = open_db(db_path)
    region = _org_call(organisation.create_region, db, None, name)
    click.echo(f"added region {region.name!r}")


@org_group.command("create-chapter")
@DB_OPTION
@click.option("--chapter", required=True, help="The new chapter's name.")
@click.option("--admin-name", required=True, help="Its first admin's name.")
@click.option("--admin-email", required=True, help="Its first admin's email.")
@click.option("--region", "region_name", default=None, help="The region to put it in.")
@click.option("--started-on", default=None, metavar="YYYY-MM-DD",
              help="When its programme starts (default: today).")
def org_create_chapter_cmd(db_path: Path | None, chapter: str, admin_name: str,
                           admin_email: str, region_name: str | None,
                           started_on: str | None) -> None:
    """Create a chapter with its first admin, and print that admin's one-time set-up code."""
    from allyship.people import organisation

    db = open_db(db_path)
    made = _org_call(organisation.create_chapter_with_admin, db, None, name=chapter,
                     admin_name=admin_name, admin_email=admin_email,
                     region_id=_find_region_id(db, region_name), started_on=started_on)
    click.echo(f"created chapter {made.chapter.name!r} with admin {made.admin.email}")
    click.echo(f"one-time set-up code for {made.admin.email}: {made.code} "
               f"(valid until {made.expires_at:%Y-%m-%d %H:%M} UTC)")


@org_group.command("move-chapter")
@DB_OPTION
@click.option("--chapter", required=True)
@click.option("--region", "region_name", default=None,
              help="The region to move it to (leave out: no region).")
def org_move_chapter_cmd(db_path: Path | None, chapter: str, region_name: str | None) -> None:
    """Move a chapter to another region."""
    from allyship.people import organisation

    db = open_db(db_path)
    ch = _find_chapter(db, chapter)
    _org_call(organisation.move_chapter, db, None, ch.id, _find_region_id(db, region_name))
    click.echo(f"moved {ch.name!r} to {region_name or organisation.NO_REGION!r}")


@org_group.command("archive-chapter")
@DB_OPTION
@click.option("--chapter", required=True)
@click.option("--restore", is_flag=True, help="Bring an archived chapter back.")
def org_archive_chapter_cmd(db_path: Path | None, chapter: str, restore: bool) -> None:
    """Archive a chapter that has closed (its records are kept), or restore it."""
    from allyship.people import organisation

    db = open_db(db_path)
    ch = _find_chapter(db, chapter)
    _org_call(organisation.archive_chapter, db, None, ch.id, archived=not restore)
    click.echo(f"{'restored' if restore else 'archived'} {ch.name!r}")


@org_group.command("grant")
@DB_OPTION
@click.option("--email", required=True, help="The member's email.")
@click.option("--role", type=click.Choice(["org_admin", "region_lead"]), required=True)
@click.option("--region", "region_name", default=None, help="A region lead's region.")
def org_grant_cmd(db_path: Path | None, email: str, role: str, region_name: str | None) -> None:
    """Give a member an organisation role."""
    from allyship.people import organisation

    db = open_db(db_path)
    member = _org_call(organisation.grant_org_role, db, None, email, role,
                       region_id=_find_region_id(db, region_name))
    click.echo(f"{member.email} is now {organisation.ORG_ROLE_LABELS[role].lower()}")


# --- data safety: export, import, backup, check ---------------------------------------

@main.command("export")
@DB_OPTION
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to create (or an empty one) for one CSV per table.")
def export_cmd(db_path: Path | None, out: Path) -> None:
    """Write a full export: one CSV per table plus manifest.json (no password hashes)."""
    from allyship.transfer import csv_import, export, restore

    db = open_db(db_path)
    try:
        counts = export.export_dir(db, out)
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
    from allyship.transfer import csv_import, export, restore

    restoring = path.is_dir() or path.suffix.lower() == ".zip"
    db = open_db(db_path, must_exist=not restoring)
    try:
        if restoring:
            chapter_report = restore.restore(db, restore.read_export(path), dry_run=dry_run,
                                      source=str(path))
        else:
            chapter_report = csv_import.import_csv(db, None, path, kind=kind, dry_run=dry_run,
                                         chapter_id=chapter_id)
    except (LookupError, OSError, ValueError) as exc:
        fail(str(exc).strip("'\""))
    for note in chapter_report.notes:
        click.echo(f"note: {note}")
    for e in chapter_report.errors:
        click.echo(f"row {e.row}, {e.column or '-'}: {e.reason}", err=True)
    if not chapter_report.ok:
        fail(chapter_report.summary())
    click.echo(("dry run: " if dry_run else "") + chapter_report.summary())


@main.command("backup")
@DB_OPTION
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Backup file to write (one self-contained SQLite file).")
@click.option("--force", is_flag=True, help="Overwrite an existing backup file.")
def backup_cmd(db_path: Path | None, out: Path, force: bool) -> None:
    """Copy the database with SQLite's online backup (safe while the app runs), then check it."""
    from allyship.db import backup

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
    from allyship.db import backup

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
    from allyship.people import passwords

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


# --- members own their data: erasure and retention ----------------------------------------

@main.command("forget")
@DB_OPTION
@click.option("--email", default=None, help="Email of the member to forget.")
@click.option("--member-id", type=int, default=None,
              help="Or the member's id (\"Former member N\" is member id N).")
@click.option("--again-from", "again_from", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Re-apply every erasure recorded in this (live) database, e.g. to a "
                   "backup just restored.")
@click.option("--list", "list_only", is_flag=True, help="List forgotten members (ids, dates).")
@click.option("--scrub", "scrub_only", is_flag=True,
              help="Only rewrite the database file (VACUUM, empty the WAL), e.g. after an "
                   "erasure that reported the file busy.")
@click.option("--yes", is_flag=True, help="Confirm: an erasure cannot be undone.")
def forget_cmd(db_path: Path | None, email: str | None, member_id: int | None,
               again_from: Path | None, list_only: bool, scrub_only: bool, yes: bool) -> None:
    """Forget a member: anonymise them as "Former member N", remove every word they wrote
    (also from the audit log), delete their sign-in data, then rewrite the file.

    Counts that feed the chapter's figures stay. Backups and exports made before keep
    what they held: after restoring one, run `forget --again-from LIVE.db --yes`
    (README, "Your data").
    """
    from allyship.rights import erasure

    db = open_db(db_path)
    if list_only:
        rows = erasure.forgotten(db)
        for mid, when in rows:
            click.echo(f"{erasure.pseudonym(mid)} (member id {mid}), forgotten {when}")
        click.echo(f"{len(rows)} forgotten member{'s' if len(rows) != 1 else ''}")
        return
    if scrub_only:
        ok = erasure.scrub_file(db)
        click.echo("database file rewritten" if ok else "the file is busy (another process is "
                   "reading it); try again when the app is quiet")
        sys.exit(0 if ok else 1)
    chosen = [x for x in (email, member_id, again_from) if x is not None]
    if len(chosen) != 1:
        fail("say whom to forget: --email EMAIL, --member-id N or --again-from LIVE.db")
    if not yes:
        fail("forgetting cannot be undone; add --yes to confirm")
    try:
        if again_from is not None:
            source = store.connect(again_from, migrate=False)
            done = erasure.forget_again(db, source)
            click.echo(f"{len(done)} erasure{'s' if len(done) != 1 else ''} re-applied"
                       + "".join(f"\n  {r.summary()}" for r in done))
            return
        if member_id is not None:
            try:
                target = roster.get_member(db, member_id)
            except LookupError:
                fail(f"no member has id {member_id}")
            result = erasure.forget(db, None, member_id, confirm_email=target.email)
        else:
            result = erasure.forget_by_email(db, email)
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    click.echo(result.summary())


@main.command("my-data")
@DB_OPTION
@click.option("--email", required=True, help="Email of the member whose data to write.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Zip file to write (must not exist).")
def my_data_cmd(db_path: Path | None, email: str, out: Path) -> None:
    """Write a member's own data (the zip of Account → Download my data) for a member who
    cannot sign in, e.g. someone who left and asks for it. Audited."""
    from allyship.rights import mydata

    if out.exists():
        fail(f"{out} exists; choose a new file name")
    db = open_db(db_path)
    member = roster.find_member_by_email(db, email)
    if member is None:
        fail(f"no member has the email {email.strip()!r}")
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        with open(tmp, "wb") as f:
            counts = mydata.write_zip_for_operator(db, member.id, f)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"{member.name}'s data written to {out}: " +
               ", ".join(f"{n} {name}" for name, n in counts.items()))


@main.group("retention")
def retention_group() -> None:
    """Delete reflections older than the chapter's or the member's chosen limit."""


@retention_group.command("run")
@DB_OPTION
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="Run as of this day.")
def retention_run_cmd(db_path: Path | None, dry_run: bool, today: str | None) -> None:
    """Delete reflections past their limit (safe to run from cron, e.g. daily)."""
    from datetime import date

    from allyship.rights import retention

    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        fail(f"--today {today!r} is not a date like 2026-06-30")
    db = open_db(db_path)
    outcome = retention.run(db, today=day, dry_run=dry_run)
    summary = outcome.summary()
    if dry_run:
        summary = summary.replace("deleted", "would delete") + " (dry run)"
    click.echo(summary)


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

    from allyship.rhythm import mail, outbox

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
        chapter_report = outbox.run(store.resolve_db_path(db_path), now=now, dry_run=dry_run,
                            on_line=click.echo)
    except mail.MailNotConfigured as exc:
        fail(f"{exc} (use --dry-run to see who would get what without sending)")
    click.echo(chapter_report.summary())
    if chapter_report.failed:
        sys.exit(3)  # cron mails the output of a failing job to its owner

# --- several processes behind nginx (issue 13) ----------------------------------------------

@main.command("serve")
@DB_OPTION
@click.option("--processes", type=click.IntRange(1, 64), default=os.cpu_count() or 1,
              show_default="one per core", help="How many `streamlit run` processes.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True,
              help="Where nginx listens.")
@click.option("--host", default="0.0.0.0", show_default=True,
              help="Address nginx listens on (127.0.0.1: this machine only).")
def serve_cmd(db_path: Path | None, processes: int, port: int, host: str) -> None:
    """Run the app as N Streamlit processes behind nginx (sticky sessions, websockets),
    all sharing one SQLite file; health-checked, restarted if one dies, and stopped
    together on Ctrl-C or SIGTERM. Needs nginx (Debian: apt-get install nginx)."""
    from allyship.web import serve

    deployment = serve.Deployment(store.resolve_db_path(db_path), processes=processes,
                                  host=host, port=port,
                                  say=lambda line: click.echo(line, err=True))
    try:
        deployment.start()
    except serve.ServeError as exc:
        fail(str(exc))
    deployment.serve_forever()
