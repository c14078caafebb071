"""The outbox: every message that leaves the app, sent exactly once.

Each due message is a row unique by (member, kind, week). A run (``python -m allyship
nudges run``, or the in-app scheduler) recovers rows a dead run left ``sending`` (only when
it holds the exclusive lock, keyed by the database file's real path, so no live run owns
them), queues what is due (``INSERT OR IGNORE``), then claims, sends and marks one row at a
time — claimed in ``BEGIN IMMEDIATE`` so two runs never send the same row, the rules checked
again at the moment of sending, failures retried with a back-off until :data:`MAX_ATTEMPTS`.
A message that cannot be written (an unusable address) fails at once with its reason; the
run goes on. A run killed between the SMTP server's acceptance and our commit resends that
one message; its fixed ``Message-ID`` (unique to the row and the database) lets mail systems
collapse the copy.

Time: a run's clock (``now``) may be behind or ahead of the machine's. Nothing is queued or
sent for a week that has not started by the machine's clock, and a message is given up as
"its week is over" only when its week has ended by both clocks — counted as ``expired`` and
shown to the admin, never dropped silently. A run whose clock is behind an earlier run's
(capped at the machine's clock, so a run that was ahead proves nothing) knows time has
reached at least that point: it neither queues nor sends a message of a week that was
already over then — such messages are counted as ``late`` and named in the run's note.
"""

from __future__ import annotations

import fcntl
import os
import smtplib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import parseaddr
from pathlib import Path

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member
from allyship.db import store
from allyship.people import roster
from allyship.rhythm import mail, nudges

MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
EXPIRED = "not sent: its week is over"  # the reason an admin sees, and how it is found
LATE = "their week was already over when an earlier run saw the clock"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class RunReport:
    """What a run did (or, dry, would do), line by line for the command line."""

    dry_run: bool = False
    queued: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    recovered: int = 0
    expired: int = 0  # given up unsent: the week ended first
    gave_up: int = 0  # of ``failed``: will not be retried
    held: int = 0  # due by the run's clock, but their week has not started by the machine's
    late: int = 0  # due by the run's clock, but their week was over by an earlier run's
    lines: list[str] = field(default_factory=list)
    note: str = ""

    def summary(self) -> str:
        if self.dry_run:
            return f"dry run: {len(self.lines)} message(s) would be sent; nothing was written"
        text = (f"queued {self.queued}, sent {self.sent}, failed {self.failed}"
                + (f" ({self.gave_up} given up)" if self.gave_up else "")
                + f", skipped {self.skipped}")
        if self.expired:
            text += f", of which {self.expired} expired (their week ended before sending)"
        if self.held:
            text += (f", {self.held} not queued: their week has not started by this "
                     "machine's clock")
        if self.late:
            text += f", {self.late} not queued: {LATE}"
        if self.recovered:
            text += f", recovered {self.recovered} from an interrupted run"
        return text + (f" — {self.note}" if self.note else "")


# --- the run lock ------------------------------------------------------------------------

@contextmanager
def _run_lock(db_path: Path, recover: Callable[[], int]) -> Iterator[int]:
    """Held shared for the run's life. If no other run is alive (the exclusive lock is
    free), ``recover()`` runs first, under the exclusive lock; yields what it returned."""
    # Keyed by the file, not the text naming it: a symlink or a relative path to the same
    # database must find the same lock.
    lock_path = Path(f"{db_path.resolve()}.nudges.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        recovered = 0
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another run is alive: its "sending" rows are its own, leave them
        else:
            recovered = recover()
        # Downgrade (or wait for a recovering run to finish): from here on, runs coexist.
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield recovered
    finally:
        os.close(fd)  # releases the lock


def _recover(db: sqlite_utils.Database) -> int:
    with store.transaction(db):
        n = db.execute("UPDATE outbox SET status = 'pending', claimed_by = NULL,"
                       " last_error = 'interrupted while sending; retried' "
                       " WHERE status = 'sending'").rowcount
    return n


# --- queue, claim, mark ---------------------------------------------------------------------

def wall_clock() -> datetime:
    """The machine's clock (UTC): no week later than its own is ever queued or sent."""
    return datetime.now(timezone.utc)


def _started(week: date, member: Member, db: sqlite_utils.Database, wall: datetime) -> bool:
    """Has ``week`` begun for the member's chapter by the machine's clock?"""
    return week <= nudges.local_week(wall, nudges.chapter_settings(db, member.chapter_id).tz)


def time_reached(db: sqlite_utils.Database, wall: datetime) -> datetime | None:
    """The latest moment an earlier run's clock showed, capped at the machine's clock
    (``wall``): time has certainly reached it. ``None`` before the first run."""
    row = db.execute("SELECT max(started_at) FROM nudge_runs").fetchone()
    if not row or not row[0]:
        return None
    seen = datetime.fromisoformat(row[0])
    seen = seen if seen.tzinfo else seen.replace(tzinfo=timezone.utc)
    return min(seen, wall)


def _over(week: date, member: Member, db: sqlite_utils.Database, moment: datetime) -> bool:
    return nudges.local_week(moment, nudges.chapter_settings(db, member.chapter_id).tz) > week


def queue_due(db: sqlite_utils.Database, now: datetime, *, wall: datetime | None = None,
              reached: datetime | None = None, report: RunReport | None = None
              ) -> tuple[int, int]:
    """Add a row for every message due at ``now`` whose week has started by the machine's
    clock (``wall``) and was not already over at ``reached`` (:func:`time_reached`);
    returns (how many were new, how many were held back). Those whose week was over are
    counted in ``report.late``."""
    wall = wall or wall_clock()
    due = nudges.due_messages(db, now)
    if reached is not None and reached > now:  # this run's clock is behind an earlier one
        current = [d for d in due if not _over(d.week, d.member, db, reached)]
        if report is not None:
            report.late += len(due) - len(current)
        due = current
    ready = [d for d in due if _started(d.week, d.member, db, wall)]
    added = 0
    with store.transaction(db):
        for d in ready:
            added += db.execute(
                "INSERT OR IGNORE INTO outbox (member_id, kind, week_start, status,"
                " next_attempt_at, created_at) VALUES (?,?,?,'pending',?,?)",
                [d.member.id, d.kind, d.week.isoformat(), _iso(now), _iso(now)]).rowcount
    return added, len(due) - len(ready)


def _claim(db: sqlite_utils.Database, run_id: str, now: datetime, wall: datetime,
           report: RunReport, reached: datetime | None = None
           ) -> tuple[int, Member, str, object] | None:
    """Claim the next pending row (``pending → sending``) or skip it if the rules no
    longer hold. Returns (row id, member, kind, week) or None when nothing is left."""
    # Over only if over by both clocks (a run whose clock is ahead expires nothing), or
    # already over when an earlier run looked (a run whose clock is behind sends no
    # message after its week).
    judge = max(min(now, wall), reached) if reached is not None else min(now, wall)
    not_yet: list[int] = []  # rows of a week that has not started by the machine's clock
    while True:
        with store.transaction(db):
            row = db.execute("SELECT id, member_id, kind, week_start, attempts, last_error"
                             " FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
                             f" AND id NOT IN ({','.join('?' * len(not_yet))})"
                             " ORDER BY id LIMIT 1", [_iso(now), *not_yet]).fetchone()
            if row is None:
                return None
            row_id, member_id, kind, week_s, attempts, last_error = row
            member = roster.get_member(db, member_id)
            week = datetime.fromisoformat(week_s).date()
            if not _started(week, member, db, wall):
                not_yet.append(row_id)
                continue
            if _over(week, member, db, judge):
                tried = (f" after {attempts} attempt(s); last error: {last_error}"
                         if attempts else " before it could be sent")
                reason = f"{EXPIRED}{tried}"
            else:
                skip = nudges.skip_reason(db, member, kind, week)
                reason = f"not sent: {skip}" if skip else None
            if reason:
                marked = db.execute("UPDATE outbox SET status = 'skipped', last_error = ?,"
                                    " claimed_by = NULL WHERE id = ? AND status = 'pending'",
                                    [reason[:500], row_id]).rowcount
                report.expired += bool(marked) and reason.startswith(EXPIRED)
                continue
            claimed = db.execute("UPDATE outbox SET status = 'sending', claimed_by = ?,"
                                 " claimed_at = ? WHERE id = ? AND status = 'pending'",
                                 [run_id, _iso(now), row_id]).rowcount
            if claimed:
                return row_id, member, kind, week


def _mark_sent(db: sqlite_utils.Database, row_id: int, run_id: str, now: datetime) -> None:
    with store.transaction(db):
        db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
                   " last_error = NULL WHERE id = ? AND claimed_by = ?",
                   [_iso(now), row_id, run_id])


def _mark_failed(db: sqlite_utils.Database, row_id: int, run_id: str, now: datetime,
                 error: str, *, final: bool = False) -> str:
    """``final``: the same message would fail the same way again, so no retry."""
    with store.transaction(db):
        attempts = db.execute("SELECT attempts FROM outbox WHERE id = ?",
                              [row_id]).fetchone()[0] + 1
        status = "failed" if final or attempts >= MAX_ATTEMPTS else "pending"
        db.execute("UPDATE outbox SET status = ?, attempts = ?, last_error = ?,"
                   " next_attempt_at = ?, claimed_by = NULL WHERE id = ? AND claimed_by = ?",
                   [status, attempts, error[:500], _iso(now + backoff(attempts)), row_id,
                    run_id])
    return status


def message_id(row_id: int, settings: mail.SmtpSettings | None, database_tag: str) -> str:
    """Fixed per outbox row, so a copy resent after a crash is recognisably the same; the
    database's tag (:func:`mail.database_tag`) keeps two databases' rows apart."""
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] if settings else ""
    return f"<allyship-outbox-{row_id}.{database_tag}@{domain or 'allyship.local'}>"


# --- a run ------------------------------------------------------------------------------

def run(db_path: str | os.PathLike[str], *, now: datetime | None = None, dry_run: bool = False,
        smtp: mail.SmtpSettings | None = None,
        on_line: Callable[[str], None] | None = None) -> RunReport:
    """Send everything due at ``now`` (default: the machine's clock; another moment is for
    previews and tests — a week not yet begun by the machine's clock is never queued).
    ``dry_run`` lists who would get what and writes nothing. Raises
    :class:`mail.MailNotConfigured` (before touching the outbox) when there are no SMTP
    settings and something is to be sent."""
    wall = wall_clock()
    now = (now or wall).astimezone(timezone.utc)
    db_path = Path(db_path)
    db = store.connect(db_path)
    report = RunReport(dry_run=dry_run)

    def say(line: str) -> None:
        report.lines.append(line)
        if on_line:
            on_line(line)

    try:
        if dry_run:
            for d in nudges.due_messages(db, now):
                state = db.execute("SELECT status FROM outbox WHERE member_id = ? AND kind = ?"
                                   " AND week_start = ?",
                                   [d.member.id, d.kind, d.week.isoformat()]).fetchone()
                if state and state[0] in ("sent", "skipped", "failed"):
                    continue
                msg = nudges.compose(db, d.member, d.kind, d.week, today=now.date())
                say(f"{d.kind:8} to {d.member.name} <{d.member.email}> (week of {d.week}):"
                    f" {msg.subject}")
            return report
        smtp = smtp or mail.smtp_settings()
        with _run_lock(db_path, lambda: _recover(db)) as recovered:
            report.recovered = recovered
            reached = time_reached(db, wall)
            run_row = _start_run(db, now)
            try:
                report.queued, report.held = queue_due(db, now, wall=wall, reached=reached,
                                                       report=report)
                _send_pending(db, smtp, now, wall, report, say, reached)
            finally:
                _finish_run(db, run_row, report)
        return report
    finally:
        db.conn.close()


def _send_pending(db: sqlite_utils.Database, smtp: mail.SmtpSettings, now: datetime,
                  wall: datetime, report: RunReport, say: Callable[[str], None],
                  reached: datetime | None = None) -> None:
    run_id = uuid.uuid4().hex
    sender = mail.Sender(smtp)
    tag = mail.database_tag(db)
    skipped_before = _count(db, "skipped")

    def failed(row_id: int, kind: str, member: Member, error: str, *, final: bool) -> None:
        status = _mark_failed(db, row_id, run_id, now, error, final=final)
        report.failed += 1
        report.gave_up += status == "failed"
        say(f"FAILED  {kind} to {member.email}: {error} "
            f"({'gave up' if status == 'failed' else 'will retry'})")

    try:
        while (claimed := _claim(db, run_id, now, wall, report, reached)) is not None:
            row_id, member, kind, week = claimed
            problem = mail.address_problem(member.email)
            if problem:  # the same next time: fail it now, plainly, and go on
                failed(row_id, kind, member, f"not sent: {problem}", final=True)
                continue
            try:
                message = nudges.compose(db, member, kind, week, today=now.date())
                email = mail.build_email(db, message, smtp, now=now,
                                         message_id=message_id(row_id, smtp, tag))
            except Exception as exc:  # noqa: BLE001 — one message never stops the run
                failed(row_id, kind, member, f"could not be composed: {type(exc).__name__}: "
                       f"{exc}", final=False)
                continue
            try:
                sender.send(email)
            except smtplib.SMTPNotSupportedError:
                failed(row_id, kind, member, "not sent: the mail server does not accept "
                       "addresses with non-ASCII characters (it does not offer SMTPUTF8)",
                       final=True)
                continue
            except Exception as exc:  # noqa: BLE001
                failed(row_id, kind, member, f"{type(exc).__name__}: {exc}", final=False)
                if _unreachable(exc):
                    report.note = "the mail server could not be reached; the rest waits"
                    break
                if not isinstance(exc, (smtplib.SMTPException, OSError)):
                    sender.close()  # the connection's state is unknown: start afresh
                continue
            _mark_sent(db, row_id, run_id, now)
            report.sent += 1
            say(f"sent    {kind} to {member.email}")
    finally:
        sender.close()
        report.skipped = _count(db, "skipped") - skipped_before


def _unreachable(exc: BaseException) -> bool:
    """A failure of the connection, not of one message: stop and leave the rest queued.
    (``smtplib.SMTPException`` is itself an ``OSError``; a refused message is not this.)"""
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                        smtplib.SMTPAuthenticationError)):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _count(db: sqlite_utils.Database, status: str) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE status = ?", [status]).fetchone()[0]


def _start_run(db: sqlite_utils.Database, now: datetime) -> int:
    with store.transaction(db):
        return db.execute("INSERT INTO nudge_runs (started_at) VALUES (?)",
                          [_iso(now)]).lastrowid


def _finish_run(db: sqlite_utils.Database, run_row: int, report: RunReport) -> None:
    notes = [report.note] if report.note else []
    if report.expired:
        notes.append(f"{report.expired} not sent: their week ended first")
    if report.held:
        notes.append(f"{report.held} not queued: their week has not started by this "
                     "machine's clock")
    if report.late:
        notes.append(f"{report.late} not queued: {LATE}")
    with store.transaction(db):
        db.execute("UPDATE nudge_runs SET finished_at = ?, queued = ?, sent = ?, failed = ?,"
                   " skipped = ?, note = ? WHERE id = ?",
                   [store.now_iso(), report.queued, report.sent, report.failed, report.skipped,
                    "; ".join(notes), run_row])


# --- for the admin page ---------------------------------------------------------------------

@dataclass(frozen=True)
class OutboxStatus:
    last_run: dict | None
    counts: dict[str, int]
    failures: list[dict]


def status(db: sqlite_utils.Database, actor: Member) -> OutboxStatus:
    """The last run, counts by state, and this chapter's messages that failed, wait for
    a retry or expired unsent (who, what, when, the reason) — for admins."""
    actor = access.require_admin(actor)
    run_row = db.execute("SELECT started_at, finished_at, queued, sent, failed, skipped, note"
                         " FROM nudge_runs ORDER BY id DESC LIMIT 1").fetchone()
    last = dict(zip(["started_at", "finished_at", "queued", "sent", "failed", "skipped",
                     "note"], run_row)) if run_row else None
    counts = dict(db.execute(
        "SELECT o.status, count(*) FROM outbox o JOIN members m ON m.id = o.member_id"
        " WHERE m.chapter_id = ? GROUP BY o.status", [actor.chapter_id]).fetchall())
    cur = db.execute(
        "SELECT m.name, o.kind, o.week_start, o.status, o.attempts, o.next_attempt_at,"
        " o.last_error FROM outbox o JOIN members m ON m.id = o.member_id"
        " WHERE m.chapter_id = ? AND o.last_error IS NOT NULL"
        " AND (o.status IN ('pending', 'failed')"
        "      OR (o.status = 'skipped' AND o.last_error LIKE ? || '%'))"
        " ORDER BY o.id DESC LIMIT 50", [actor.chapter_id, EXPIRED])
    cols = [c[0] for c in cur.description]
    return OutboxStatus(last, counts, [dict(zip(cols, r)) for r in cur.fetchall()])
