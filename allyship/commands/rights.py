"""Members own their data: forgetting a member, a member's own data, retention."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from allyship.commands.common import DB_OPTION, fail, open_db
from allyship.core.models import ValidationError
from allyship.db import store
from allyship.people import roster
from allyship.rights import erasure, mydata, retention


@click.command("forget")
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


@click.command("my-data")
@DB_OPTION
@click.option("--email", required=True, help="Email of the member whose data to write.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Zip file to write (must not exist).")
def my_data_cmd(db_path: Path | None, email: str, out: Path) -> None:
    """Write a member's own data (the zip of Account → Download my data) for a member who
    cannot sign in, e.g. someone who left and asks for it. Audited."""
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


@click.group("retention")
def retention_group() -> None:
    """Delete reflections older than the chapter's or the member's chosen limit."""


@retention_group.command("run")
@DB_OPTION
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="Run as of this day.")
def retention_run_cmd(db_path: Path | None, dry_run: bool, today: str | None) -> None:
    """Delete reflections past their limit (safe to run from cron, e.g. daily)."""
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
