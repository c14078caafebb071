""""You said — we did": the chapter writes what it did in answer to a quarter's feedback,
and the partners who answered are told, by email and on the link they already have.
Once sent, the text no longer changes (the chapter report quotes it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, clean_text
from allyship.db import store
from allyship.i18n import Message
from allyship.voice import asks, partners, rules

TABLE = "community_partner_report_backs"
QUARTER = re.compile(r"\d{4}Q[1-4]")


@dataclass(frozen=True)
class ReportBack:
    quarter: str
    text: str
    written_at: str
    sent_at: str | None


def get(db: sqlite_utils.Database, chapter_id: int, quarter: str) -> ReportBack | None:
    row = db.execute(f"SELECT quarter, text, written_at, sent_at FROM {TABLE}"
                     " WHERE chapter_id = ? AND quarter = ?", [chapter_id, quarter]).fetchone()
    return ReportBack(*row) if row else None


def write(db: sqlite_utils.Database, actor: Member | None, quarter: str,
          text: str) -> ReportBack:
    """Keep (or change, until sent) what the chapter did about a quarter's feedback."""
    actor = partners.require_keeper(actor)
    if not QUARTER.fullmatch(quarter):
        raise ValueError(f"not a quarter: {quarter!r}")
    text = clean_text(text, "What we did", max_len=rules.REPORT_BACK_MAX)
    before = get(db, actor.chapter_id, quarter)
    if before is not None and before.sent_at:
        raise access.PermissionDenied(
            Message("This report-back has been sent; it no longer changes."))
    with store.transaction(db):
        db.execute(f"INSERT INTO {TABLE} (chapter_id, quarter, text, written_by, written_at)"
                   " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chapter_id, quarter) DO UPDATE SET"
                   " text = excluded.text, written_by = excluded.written_by,"
                   " written_at = excluded.written_at",
                   [actor.chapter_id, quarter, text, actor.id, store.now_iso()])
        store.audit(db, actor.id, "voice.report_back", TABLE, quarter, {"status": "written"})
    found = get(db, actor.chapter_id, quarter)
    assert found is not None
    return found


@dataclass(frozen=True)
class Recipient:
    ask_id: int
    partner: partners.CommunityPartner


def recipients(db: sqlite_utils.Database, chapter_id: int, quarter: str) -> list[Recipient]:
    """The partners who answered that quarter and still may be written to (not those who
    asked not to be asked again, nor archived ones)."""
    return [Recipient(r[0], partners.from_row(r[1:])) for r in db.execute(
        "SELECT a.id, " + ", ".join(f"p.{c.strip()}" for c in partners.COLUMNS.split(","))
        + " FROM community_partner_answers r JOIN community_partner_asks a ON a.id = r.ask_id"
        " JOIN community_partners p ON p.id = a.partner_id WHERE r.chapter_id = ?"
        " AND r.quarter = ? AND p.do_not_ask_since IS NULL AND p.archived_at IS NULL"
        " AND p.contact_email != ''", [chapter_id, quarter])]


def mark_sent(db: sqlite_utils.Database, actor: Member, quarter: str, sent: int) -> None:
    with store.transaction(db):
        db.execute(f"UPDATE {TABLE} SET sent_at = ? WHERE chapter_id = ? AND quarter = ?",
                   [store.now_iso(), actor.chapter_id, quarter])
        store.audit(db, actor.id, "voice.report_back_sent", TABLE, quarter, {"count": sent})


def for_ask(db: sqlite_utils.Database, ask: asks.Ask) -> ReportBack | None:
    """The report-back a partner reads on their link, once it has been sent."""
    found = get(db, ask.chapter_id, ask.quarter)
    return found if found is not None and found.sent_at else None
