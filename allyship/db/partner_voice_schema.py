"""The tables of Partner voice: the organisations a chapter works with, the feedback
requests sent to them (only each link's SHA-256 is stored), their one answer per request,
and what the chapter wrote back. Every public write lands on a row that already exists,
so nothing a visitor sends can add rows (see :mod:`allyship.voice.asks`)."""

from __future__ import annotations

import sqlite_utils


def add_community_partners(db: sqlite_utils.Database) -> None:
    """Community partners, their feedback requests and answers, and report-backs."""
    db.execute("""CREATE TABLE IF NOT EXISTS community_partners (
        id INTEGER PRIMARY KEY,
        chapter_id INTEGER NOT NULL REFERENCES chapters(id),
        name TEXT NOT NULL,
        contact_name TEXT NOT NULL DEFAULT '',
        contact_email TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT 'en',
        plan_groups TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        do_not_ask_since TEXT,
        archived_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""")
    db.execute("CREATE INDEX IF NOT EXISTS community_partners_chapter"
               " ON community_partners (chapter_id, archived_at)")
    db.execute("""CREATE TABLE IF NOT EXISTS community_partner_asks (
        id INTEGER PRIMARY KEY,
        partner_id INTEGER NOT NULL REFERENCES community_partners(id),
        chapter_id INTEGER NOT NULL REFERENCES chapters(id),
        quarter TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        asked_by INTEGER REFERENCES members(id),
        asked_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        closed_at TEXT,
        opened_at TEXT,
        language TEXT NOT NULL DEFAULT 'en',
        thanks_note TEXT NOT NULL DEFAULT '',
        mail_status TEXT NOT NULL DEFAULT 'none'
            CHECK (mail_status IN ('none', 'sent', 'failed', 'not set up')),
        edits INTEGER NOT NULL DEFAULT 0,
        UNIQUE (partner_id, quarter)
    )""")
    db.execute("""CREATE TABLE IF NOT EXISTS community_partner_answers (
        ask_id INTEGER PRIMARY KEY REFERENCES community_partner_asks(id),
        chapter_id INTEGER NOT NULL REFERENCES chapters(id),
        quarter TEXT NOT NULL,
        kept_word INTEGER CHECK (kept_word BETWEEN 1 AND 3),
        space_taken INTEGER CHECK (space_taken BETWEEN 1 AND 3),
        left_behind INTEGER CHECK (left_behind BETWEEN 1 AND 3),
        comment TEXT NOT NULL DEFAULT '',
        consent TEXT NOT NULL DEFAULT 'totals'
            CHECK (consent IN ('named', 'anonymous', 'totals', 'lead')),
        submitted_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""")
    db.execute("CREATE INDEX IF NOT EXISTS community_partner_answers_quarter"
               " ON community_partner_answers (chapter_id, quarter)")
    db.execute("""CREATE TABLE IF NOT EXISTS community_partner_report_backs (
        chapter_id INTEGER NOT NULL REFERENCES chapters(id),
        quarter TEXT NOT NULL,
        text TEXT NOT NULL,
        written_by INTEGER REFERENCES members(id),
        written_at TEXT NOT NULL,
        sent_at TEXT,
        PRIMARY KEY (chapter_id, quarter)
    )""")
