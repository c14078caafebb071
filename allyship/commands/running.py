"""Running the app: the weekly reminders and digests, several processes behind nginx."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from allyship.commands.common import DB_OPTION, fail, open_db
from allyship.db import store


@click.group("nudges")
def nudges_group() -> None:
    """Weekly reminders and leads' digests (sent through the outbox, never twice)."""


@nudges_group.command("run")
@DB_OPTION
@click.option("--now", "now_text", default=None, metavar="ISO-DATETIME",
              help="For previews (with --dry-run) and tests only: act as if it were this "
                   "moment (e.g. 2026-11-27T17:05+00:00; without an offset, UTC). A real run "
                   "never queues or sends a week that has not started by this machine's "
                   "clock. Default: now.")
@click.option("--dry-run", is_flag=True, help="Print who would get what; write and send nothing.")
def nudges_run_cmd(db_path: Path | None, now_text: str | None, dry_run: bool) -> None:
    """Send every reminder and digest that is due. Safe to run from cron every 15 minutes
    and from several processes at once: each message goes out once."""
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
        outcome = outbox.run(store.resolve_db_path(db_path), now=now, dry_run=dry_run,
                             on_line=click.echo)
    except mail.MailNotConfigured as exc:
        fail(f"{exc} (use --dry-run to see who would get what without sending)")
    click.echo(outcome.summary())
    if outcome.failed or outcome.expired:
        sys.exit(3)  # cron mails the output of a failing job to its owner


@click.command("serve")
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
