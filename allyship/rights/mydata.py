"""My data: one zip of everything the app holds about the member, for the member.

Each :class:`Dataset` is one query over the member's own rows; the zip holds each as
CSV (opens in a spreadsheet; cells escaped against formulas) and as JSON, and a
``README.txt`` saying what each file is. Rows are streamed from SQLite into the zip
(written to a temporary file, never held whole in memory), inside one read
transaction so every file describes the same moment.

Only the member's own data: other members' names, emails and words never appear (an
admin's audit entries about other members are listed without their details). No
secrets: no password or code hashes. To add a table (partner notes, reminder
settings…), add a :class:`Dataset` to :data:`DATASETS`.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import sqlite_utils

from allyship.core import access
from allyship.core.handout import PRACTICE_QUESTIONS
from allyship.core.models import Member
from allyship.db import store
from allyship.i18n import N_, Translator, translator_for
from allyship.i18n import handout as handout_words
from allyship.people import roster
from allyship.transfer.csv_files import safe_cell


@dataclass(frozen=True)
class Dataset:
    """One file pair (``NAME.csv`` and ``NAME.json``) of the member's data."""

    name: str
    about: str  # one line for the README
    sql: str  # a SELECT over the member's rows; parameter :me is their id
    json_columns: tuple[str, ...] = ()  # columns holding JSON text, nested in the .json
    requires: str = ""  # a table that must exist (datasets of optional features)


_Q = " ".join(f"WHEN {q.number} THEN :q{q.number}" for q in PRACTICE_QUESTIONS)
_MY_PLAN = "(SELECT id FROM plans WHERE member_id = :me)"
# Audit entries an admin wrote about *other* members keep the event, not its details.
_ABOUT_OTHERS = ("l.table_name IN ('members', 'setup_codes', 'erasure_requests')"
                 " AND coalesce(l.record_id, '') != CAST(:me AS TEXT)"
                 " AND coalesce(CASE WHEN json_valid(l.details)"
                 "   THEN json_extract(l.details, '$.member_id') END, -1) != :me")

DATASETS: list[Dataset] = [
    Dataset("profile", N_("Who you are in the app: name, email, role, team, chapter."),
            "SELECT m.id AS member_id, m.name, m.email, m.role, t.name AS team,"
            " c.name AS chapter, m.active, m.created_at FROM members m"
            " JOIN chapters c ON c.id = m.chapter_id LEFT JOIN teams t ON t.id = m.team_id"
            " WHERE m.id = :me"),
    Dataset("settings", N_("Your settings: how long your reflections are kept (yours and "
            "your chapter's rule, in months; empty = until you delete them), and a pending "
            "request to be forgotten."),
            "SELECT 'reflections_keep_months' AS setting, reflections_keep_months AS value"
            " FROM members WHERE id = :me"
            " UNION ALL SELECT 'chapter_reflections_keep_months', c.reflections_keep_months"
            " FROM chapters c JOIN members m ON m.chapter_id = c.id WHERE m.id = :me"
            " UNION ALL SELECT 'erasure_requested_at', requested_at FROM erasure_requests"
            " WHERE member_id = :me"),
    Dataset("plan", N_("Your Action Plan for Creating Allyship as it stands now."),
            "SELECT id AS plan_id, focus_group, motivation, supports_goal, feedback, status,"
            " version, created_at, updated_at FROM plans WHERE member_id = :me"),
    Dataset("plan_revisions", N_("Every earlier version of your plan, as it then stood "
            "(in the CSV, the snapshot column is the version as JSON)."),
            f"SELECT version, saved_at, snapshot FROM plan_revisions WHERE plan_id IN {_MY_PLAN}"
            " ORDER BY version", json_columns=("snapshot",)),
    Dataset("plan_items", N_("Your plan's learning activities and next steps, with due and "
            "done dates."),
            "SELECT id AS plan_item_id, kind, text, due_on, done_on, position, created_at"
            f" FROM plan_items WHERE plan_id IN {_MY_PLAN} ORDER BY kind, position, id"),
    Dataset("actions", N_("Every action you logged; responsibilities are the handout's "
            "numbers 1–8, separated by ';'."),
            "SELECT a.id AS action_id, a.done_on, a.week_start, a.description, a.minutes,"
            " a.kind, a.visibility, a.plan_item_id, (SELECT group_concat(responsibility, ';')"
            " FROM (SELECT responsibility FROM action_responsibilities WHERE action_id = a.id"
            " ORDER BY responsibility)) AS responsibilities, a.created_at, a.updated_at"
            " FROM actions a WHERE a.member_id = :me ORDER BY a.done_on, a.id"),
    Dataset("weeks_away", N_("Weeks you marked as away (the Monday of each)."),
            "SELECT week_start FROM away_weeks WHERE member_id = :me ORDER BY week_start"),
    Dataset("reflections", N_("Your reflections on the practice questions, week by week."),
            f"SELECT week_start, question, CASE question {_Q} END AS question_text, answer,"
            " visibility, updated_at FROM reflections WHERE member_id = :me"
            " ORDER BY week_start, question"),
    # Features built alongside (issues 12, 14, 15, 16): included where the table exists.
    Dataset("partner_notes", N_("Notes between you and your accountability partners, written "
            "by you or to you (the partner by member id)."),
            "SELECT id AS note_id, week_start, CASE WHEN author_id = :me THEN 'by you'"
            " ELSE 'to you' END AS direction, CASE WHEN author_id = :me THEN recipient_id"
            " ELSE author_id END AS partner_id, text, action_id, created_at FROM partner_notes"
            " WHERE author_id = :me OR recipient_id = :me ORDER BY week_start, id",
            requires="partner_notes"),
    Dataset("partnerships", N_("Your accountability partnerships (the partner by member id)."),
            "SELECT id AS partnership_id, CASE WHEN inviter_id = :me THEN invitee_id"
            " ELSE inviter_id END AS partner_id, CASE WHEN inviter_id = :me THEN 'you invited'"
            " ELSE 'invited you' END AS how, status, created_at, answered_at, ended_at"
            " FROM partnerships WHERE inviter_id = :me OR invitee_id = :me ORDER BY id",
            requires="partnerships"),
    Dataset("partner_settings", N_("What you share with your partners."),
            "SELECT * FROM partner_settings WHERE member_id = :me", requires="partner_settings"),
    Dataset("circles", N_("The learning circles you were invited to or joined."),
            "SELECT c.name AS circle, cm.status, cm.invited_at, cm.joined_at, cm.left_at"
            " FROM circle_members cm JOIN circles c ON c.id = cm.circle_id"
            " WHERE cm.member_id = :me ORDER BY cm.invited_at", requires="circle_members"),
    Dataset("reminders", N_("Your reminder and digest emails: on or off, day and hour."),
            "SELECT kind, enabled, weekday, hour, updated_at FROM nudge_settings"
            " WHERE member_id = :me ORDER BY kind", requires="nudge_settings"),
    Dataset("messages", N_("Reminder and digest emails due or sent to you."),
            "SELECT kind, week_start, status, sent_at, created_at FROM outbox"
            " WHERE member_id = :me ORDER BY week_start, kind", requires="outbox"),
    Dataset("sign_ins", N_("Your signed-in sessions: how and when (never the secret token)."),
            "SELECT how, created_at, expires_at, revoked_at FROM sessions WHERE member_id = :me"
            " ORDER BY created_at", requires="sessions"),
    Dataset("audit_log", N_("The audit log's entries about you: what you changed, and what "
            "was changed about your membership, when and by whom (a member id). Entries you "
            "made as an admin about other members show the event without its details."),
            "SELECT l.id AS entry_id, l.at, l.actor_id, l.action, l.table_name, l.record_id,"
            f" CASE WHEN {_ABOUT_OTHERS} THEN '{{\"withheld\": \"about another member\"}}'"
            " ELSE l.details END AS details FROM audit_log l"
            " WHERE l.actor_id = :me OR (l.table_name = 'members'"
            " AND l.record_id = CAST(:me AS TEXT))"
            " OR (CASE WHEN json_valid(l.details) THEN json_extract(l.details, '$.member_id') END) = :me"
            " ORDER BY l.id", json_columns=("details",)),
]

# Translators: the README of a member's data download; keep the placeholders.
README = N_("""\
Your data from the Allyship Accountability Dashboard
=====================================================

Exported {exported_at} (UTC) for {name} <{email}>, member id {member_id}.

Every file comes twice: .csv opens in a spreadsheet, .json is for programs. Dates are
ISO (YYYY-MM-DD), times are UTC. In the CSV files a cell that would start with = + - @
starts with an apostrophe, so a spreadsheet shows it as text instead of running it.

{files}

This is everything the app holds about you. It does not include other members' data,
nor your password (only a one-way hash of it is stored, and it is not exported).
To be forgotten, use "Forget me" on the Account page.
""")


def _params(member_id: int, tr: Translator) -> dict[str, Any]:
    """The query's parameters: the member, and each practice question's text in the
    member's language (the question's number stays beside it)."""
    return {"me": member_id, **{f"q{q.number}": q.text
                                for q in handout_words.practice_questions(tr)}}


def available_datasets(db: sqlite_utils.Database) -> list[Dataset]:
    """The datasets whose tables this database has."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [d for d in DATASETS if not d.requires or d.requires in tables]


def _rows(db: sqlite_utils.Database, ds: Dataset, params: dict[str, Any]
          ) -> tuple[list[str], Iterator[tuple]]:
    cur = db.execute(ds.sql, params)
    return [c[0] for c in cur.description], iter(cur)


def write_zip(db: sqlite_utils.Database, actor: Member, out: IO[bytes],
              tr: Translator | None = None) -> dict[str, int]:
    """Write the actor's data as a zip into ``out`` (a binary file); returns rows per file.
    The README, the files' descriptions and the practice questions' words are in ``tr``'s
    language (English by default); column names and values stay the same in every one.

    Audited (that the member downloaded their data, and how many rows).
    """
    access.require_active(actor)
    actor = roster.get_member(db, actor.id)  # as stored now, not as the session remembers
    access.require_active(actor)
    return _write(db, actor, out, by=actor.id, tr=tr)


def write_zip_for_operator(db: sqlite_utils.Database, member_id: int,
                           out: IO[bytes]) -> dict[str, int]:
    """The same zip, made by the server's operator (command line) for a member who cannot
    sign in — e.g. someone who left and asks for their data. Audited as the operator's."""
    return _write(db, roster.get_member(db, member_id), out, by=None)


def _write(db: sqlite_utils.Database, member: Member, out: IO[bytes], *,
           by: int | None, tr: Translator | None = None) -> dict[str, int]:
    tr = tr or translator_for("en")
    params = _params(member.id, tr)
    counts: dict[str, int] = {}
    conn = db.conn
    own_read = not conn.in_transaction
    if own_read:
        conn.execute("BEGIN")  # one snapshot for every file
    try:
        datasets = available_datasets(db)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for ds in datasets:
                counts[ds.name] = _write_csv(zf, db, ds, params)
                _write_json(zf, db, ds, params, tr.gettext(ds.about))
            files = "\n".join(
                tr.ngettext("{name}.csv / {name}.json ({count} row)",
                            "{name}.csv / {name}.json ({count} rows)", counts[d.name]).format(
                    name=d.name, count=counts[d.name]) + f"\n    {tr.gettext(d.about)}"
                for d in datasets)
            zf.writestr("README.txt", tr.gettext(README).format(
                exported_at=store.now_iso(), name=member.name, email=member.email,
                member_id=member.id, files=files))
    finally:
        if own_read and conn.in_transaction:
            conn.execute("COMMIT")
    with store.transaction(db):
        store.audit(db, by, "download", "my_data", member.id,
                    {"rows": sum(counts.values()), "count": len(counts),
                     "by": "member" if by is not None else "cli"})
    return counts


def _write_csv(zf: zipfile.ZipFile, db: sqlite_utils.Database, ds: Dataset,
               params: dict[str, Any]) -> int:
    columns, rows = _rows(db, ds, params)
    n = 0
    with io.TextIOWrapper(zf.open(f"{ds.name}.csv", "w", force_zip64=True),
                          encoding="utf-8-sig", newline="") as text:
        writer = csv.writer(text)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else safe_cell(v) for v in row])
            n += 1
    return n


def _write_json(zf: zipfile.ZipFile, db: sqlite_utils.Database, ds: Dataset,
                params: dict[str, Any], about: str) -> None:
    columns, rows = _rows(db, ds, params)
    nested = {columns.index(c) for c in ds.json_columns if c in columns}
    with io.TextIOWrapper(zf.open(f"{ds.name}.json", "w", force_zip64=True),
                          encoding="utf-8") as text:
        text.write(f'{{"file": {json.dumps(ds.name)}, "about": {json.dumps(about)},'
                   ' "rows": [')
        for i, row in enumerate(rows):
            record = {c: (_parse(v) if j in nested else v)
                      for j, (c, v) in enumerate(zip(columns, row))}
            text.write(("\n  " if i == 0 else ",\n  ")
                       + json.dumps(record, ensure_ascii=False))
        text.write("\n]}\n")


def _parse(value: Any) -> Any:
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return value


def zip_file(db: sqlite_utils.Database, actor: Member,
             tr: Translator | None = None) -> IO[bytes]:
    """The actor's data zip in an anonymous temporary file, positioned at its start."""
    out = tempfile.TemporaryFile(prefix="allyship-my-data-")
    try:
        write_zip(db, actor, out, tr)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def zip_file_at(path: str, member_id: int, language: str = "en") -> IO[bytes]:
    """:func:`zip_file` on a connection of its own (any thread may call it: a sqlite3
    connection belongs to one thread), its README in ``language``."""
    db = store.connect(path)
    try:
        return zip_file(db, roster.get_member(db, member_id), translator_for(language))
    finally:
        db.conn.close()


def zip_bytes_at(path: str, member_id: int, language: str = "en") -> bytes:
    """The zip's bytes, for Streamlit's deferred download (run on its own thread when
    the member clicks). Built in a temporary file and read once: the only whole copy in
    memory is the one Streamlit serves."""
    with zip_file_at(path, member_id, language) as f:
        return f.read()


def file_name(actor: Member) -> str:
    return f"my-allyship-data-{store.now_iso()[:10]}.zip"
