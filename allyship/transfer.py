"""CSV export and import: all or nothing, with a row-by-row report of what was wrong.

Three ways data leaves or enters a chapter:

* **export** — one CSV per table (header = column names, rows in key order) plus a
  ``manifest.json``. The *full* export (command line; the operator holds the file
  anyway) is a complete, restorable copy. The *chapter* export an admin downloads
  in the app follows the access rules: structure (chapter, teams, members) and what
  members shared with the chapter; never anyone's private plan, actions or
  reflections. A member downloads everything of their own with :mod:`allyship.mydata`.
  Secrets never leave: no password or code hashes, no sign-in bookkeeping tables.
* **import** of one CSV — actions, members or plans, in the simple templates of
  ``data/sample/`` (the export's column names are accepted too). Every row is
  validated with the same rules as the forms (:mod:`allyship.models`); if any row is
  bad nothing is written and :class:`ImportReport` lists row, column and reason.
  Re-importing a file does not duplicate: actions carry an idempotency key made from
  the row's content, members are matched by email, a plan is written once.
* **restore** — an export directory (or its zip) loaded into a new or empty
  database, ids preserved, in one transaction, foreign keys checked.

Every cell written to CSV goes through :func:`safe_cell`, so text such as
``=HYPERLINK(...)`` opens in a spreadsheet as text, not as a formula; import undoes
exactly that escape (:func:`unsafe_cell`).

Encodings: a CSV is read as UTF-8 (a byte-order mark is fine). If that fails it is
read as Windows-1252 — a superset of Latin-1 for printable text, what Excel writes
by default — and the report carries a note saying so. Anything else is refused with
a message explaining how to save the file as "CSV UTF-8".
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sqlite_utils

from allyship import access, people, store
from allyship.handout import ACTION_KINDS, RESPONSIBILITIES, ROLES, VISIBILITIES
from allyship.models import (
    ActionDraft,
    Member,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ValidationError,
    week_start,
)

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called while an import runs (at most ~100 times)."""

EXPORT_FORMAT = "allyship-export"
EXPORT_FORMAT_VERSION = 1
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_REPORTED_ERRORS = 200

# --- spreadsheet formula injection --------------------------------------------------

# A cell starting with one of these is run as a formula by Excel, LibreOffice and
# Google Sheets. A leading apostrophe makes it text. Values that already start with
# apostrophes before such a character get one more, so the escape can be undone
# exactly (the mapping is one-to-one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")


def safe_cell(value: Any) -> Any:
    """A value made safe to put in a CSV cell that a spreadsheet will open.

    Strings starting with ``= + - @`` (or tab / carriage return) get a leading
    apostrophe; other values are returned unchanged. Reverse with :func:`unsafe_cell`.
    """
    if isinstance(value, str) and _NEEDS_ESCAPE.match(value):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """Undo :func:`safe_cell` on a cell read back from CSV."""
    if text.startswith("'") and _NEEDS_ESCAPE.match(text[1:]):
        return text[1:]
    return text


def csv_bytes(columns: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as CSV: UTF-8 with a byte-order mark (so Excel shows accents and emoji),
    every cell passed through :func:`safe_cell`, ``None`` as an empty cell."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


# --- export -------------------------------------------------------------------------

# Tables and columns that never leave the database: secrets, and sign-in bookkeeping.
_SECRET_COLUMN = re.compile(r"password|hash|token|secret", re.I)
_PRIVATE_TABLE = re.compile(r"^(meta|sqlite_.*)$|login|session|setup_code|token|secret", re.I)


def _columns(db: sqlite_utils.Database, table: str) -> list[dict[str, Any]]:
    return [{"name": r[1], "type": (r[2] or "").upper(), "notnull": bool(r[3]), "pk": r[5]}
            for r in db.execute(f'PRAGMA table_info("{table}")')]


def exported_columns(db: sqlite_utils.Database, table: str) -> list[str]:
    """The columns of ``table`` an export carries (never a secret)."""
    return [c["name"] for c in _columns(db, table) if not _SECRET_COLUMN.search(c["name"])]


def exported_tables(db: sqlite_utils.Database) -> list[str]:
    """Tables a full export carries, parents before children (so a restore can insert
    them in this order with foreign keys on)."""
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    names = [n for n in names if not _PRIVATE_TABLE.search(n)]
    parents = {n: {r[2] for r in db.execute(f'PRAGMA foreign_key_list("{n}")')} - {n}
               for n in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:  # a cycle: should not happen with this schema; keep going anyway
            ready = [n for n in names if n not in ordered]
        # Stable: the handout's own order where it applies, else alphabetical.
        ordered.extend(sorted(ready, key=lambda n: (_TABLE_ORDER.get(n, 99), n))[:1])
    return ordered


_TABLE_ORDER = {n: i for i, n in enumerate((
    "chapters", "teams", "members", "plans", "plan_revisions", "plan_items", "actions",
    "action_responsibilities", "away_weeks", "reflections", "audit_log"))}


def _order_by(db: sqlite_utils.Database, table: str) -> str:
    pk = sorted((c for c in _columns(db, table) if c["pk"]), key=lambda c: c["pk"])
    return ", ".join(f'"{c["name"]}"' for c in pk) if pk else "rowid"


# What an admin's in-app export of their chapter contains: each table's rows as a
# WHERE clause with :chapter. Tables not listed here are left out (private to members,
# or unknown to this module — leaving out what we do not understand is the safe side).
_IN_CHAPTER = "member_id IN (SELECT id FROM members WHERE chapter_id = :chapter)"
_CHAPTER_SCOPE: dict[str, str] = {
    "chapters": "id = :chapter",
    "teams": "chapter_id = :chapter",
    "members": "chapter_id = :chapter",
    "actions": f"visibility = 'chapter' AND {_IN_CHAPTER}",
    "action_responsibilities": "action_id IN (SELECT id FROM actions WHERE visibility = 'chapter'"
                               f" AND {_IN_CHAPTER})",
    "reflections": f"visibility = 'chapter' AND {_IN_CHAPTER}",
    "audit_log": "actor_id IN (SELECT id FROM members WHERE chapter_id = :chapter)"
                 " OR (actor_id IS NULL AND (SELECT count(*) FROM chapters) = 1)",
}
# Audit details of these tables can quote members' private words (a deleted action's
# text, a plan's previous version): the chapter export keeps the event, not the words.
_AUDIT_DETAILS_WITHHELD = ("plans", "plan_items", "plan_revisions", "actions",
                           "action_responsibilities", "reflections", "away_weeks")


def _table_rows(db: sqlite_utils.Database, table: str, columns: list[str],
                where: str = "1", params: Mapping[str, Any] | None = None) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return [tuple(r) for r in db.execute(
        f'SELECT {cols} FROM "{table}" WHERE {where} ORDER BY {_order_by(db, table)}',
        dict(params or {}))]


def export_files(db: sqlite_utils.Database, *, chapter_id: int | None = None) -> dict[str, bytes]:
    """The export as ``{file name: bytes}``: one CSV per table and ``manifest.json``.

    ``chapter_id=None`` is the full export (every table, every chapter); a chapter id
    gives the admin's chapter export described in the module docstring.
    """
    files: dict[str, bytes] = {}
    tables: dict[str, dict[str, Any]] = {}
    for table in exported_tables(db):
        if chapter_id is not None and table not in _CHAPTER_SCOPE:
            continue
        columns = exported_columns(db, table)
        if chapter_id is None:
            rows = _table_rows(db, table, columns)
        else:
            rows = _table_rows(db, table, columns, _CHAPTER_SCOPE[table], {"chapter": chapter_id})
            if table == "audit_log":
                i_table, i_details = columns.index("table_name"), columns.index("details")
                rows = [r[:i_details] + ('{"withheld": "private to the member"}',)
                        + r[i_details + 1:] if r[i_table] in _AUDIT_DETAILS_WITHHELD else r
                        for r in rows]
        files[f"{table}.csv"] = csv_bytes(columns, rows)
        tables[table] = {"rows": len(rows), "columns": columns}
    manifest = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "scope": "full" if chapter_id is None else "chapter",
        "chapter_id": chapter_id,
        "schema_version": store.schema_version(db),
        "exported_at": store.now_iso(),
        "demo": store.is_demo(db),
        "tables": tables,
        "notes": ("Full export: restore with `python -m allyship import DIR --db NEW.db`."
                  if chapter_id is None else
                  "Chapter export: chapter structure and what members shared with the chapter."
                  " Members' private entries are not included; this is not a backup."),
    }
    files["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
    return files


def export_dir(db: sqlite_utils.Database, out: str | Path, *,
               chapter_id: int | None = None) -> dict[str, int]:
    """Write the export into directory ``out`` (created; must be empty); returns row
    counts per table."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty directory")
    out.mkdir(parents=True, exist_ok=True)
    files = export_files(db, chapter_id=chapter_id)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return {t: v["rows"] for t, v in json.loads(files["manifest.json"])["tables"].items()}


def _zip(files: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def chapter_export_zip(db: sqlite_utils.Database, actor: Member) -> bytes:
    """The admin's chapter export as zip bytes (what the Data page downloads)."""
    access.require_admin(actor)
    return _zip(export_files(db, chapter_id=actor.chapter_id))


# --- reading CSV files ----------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (the header is row 1), the column and why."""

    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """What an import did, or would have done, or why it wrote nothing."""

    kind: str
    source: str = ""
    rows: int = 0
    created: int = 0
    skipped: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def error(self, row: int, column: str, reason: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, reason))
        elif len(self.errors) == MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, "", "…and more problems; fix these first"))

    def errors_frame(self) -> pd.DataFrame:
        """The problems as a table: Row, Column, Problem."""
        return pd.DataFrame([(e.row, e.column, e.reason) for e in self.errors],
                            columns=["Row", "Column", "Problem"])

    def summary(self) -> str:
        """One line in plain words."""
        if self.errors:
            return (f"Nothing was imported: {len(self.errors)} problem"
                    f"{'s' if len(self.errors) != 1 else ''} in {self.source or 'the file'}.")
        verb = "would be" if self.dry_run else "were"
        noun = {"actions": "actions", "members": "members", "plans": "plans",
                "restore": "rows"}.get(self.kind, "rows")
        return (f"{self.rows} row{'s' if self.rows != 1 else ''} read: {self.created} {noun} "
                f"{verb} added, {self.skipped} already there and left as they are.")


class _Abort(Exception):
    """Roll the import's transaction back (a dry run, or a bad row)."""


def decode_csv(data: bytes) -> tuple[str, str | None]:
    """Text of a CSV file and a note if it was not UTF-8; ``ValueError`` if unreadable."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "The file is UTF-16 text; it was read as such."
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError(
            f"The file is not UTF-8 text (byte {first_bad + 1} cannot be read) nor Windows-1252/"
            "Latin-1. In your spreadsheet choose Save As → 'CSV UTF-8 (comma delimited)'."
        ) from None
    return text, ("The file is not UTF-8, so it was read as Windows-1252 (Latin-1) text: "
                  "check that accented letters look right. Saving as 'CSV UTF-8' avoids this.")


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def read_csv(data: bytes, report: ImportReport) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header keys and ``(spreadsheet row, {column: cell})`` rows; problems go in the
    report. Wholly blank rows (a spreadsheet's trailing rows) are skipped."""
    if len(data) > MAX_FILE_BYTES:
        report.error(0, "(file)", f"The file is {len(data) / 1e6:.1f} MB; the limit is "
                                  f"{MAX_FILE_BYTES / 1e6:.0f} MB. Split it into smaller files.")
        return [], []
    try:
        text, note = decode_csv(data)
    except ValueError as exc:
        report.error(0, "(file)", str(exc))
        return [], []
    if note:
        report.notes.append(note)
    if not text.strip():
        report.error(0, "(file)", "The file is empty.")
        return [], []
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[tuple[int, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_header_key(h) for h in next(reader)]
        if len(set(header)) != len(header):
            report.error(1, "(header)", "Two columns have the same name.")
        for n, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                report.error(n, "(file)", f"More than {MAX_ROWS:,} rows; split the file.")
                break
            if len(cells) > len(header):
                report.error(n, "(row)", f"This row has {len(cells)} cells but the header has "
                                         f"{len(header)} columns (a stray comma or quote?).")
                continue
            cells += [""] * (len(header) - len(cells))
            rows.append((n, {h: unsafe_cell(c) for h, c in zip(header, cells)}))
    except csv.Error as exc:
        report.error(reader.line_num, "(file)", f"This is not a readable CSV file: {exc}.")
    return header, rows


# --- import of one CSV ----------------------------------------------------------------

ACTION_COLUMNS = ["email", "date", "what", "responsibilities", "kind", "minutes", "visibility"]
MEMBER_COLUMNS = ["name", "email", "role", "team"]
PLAN_COLUMNS = ["email", "focus_group", "motivation", "supports_goal", "feedback",
                "learning_activity", "next_step", "due", "done"]
# In the order a new chapter imports them: people first.
TEMPLATES = {"members": MEMBER_COLUMNS, "actions": ACTION_COLUMNS, "plans": PLAN_COLUMNS}
KINDS = tuple(TEMPLATES)

# Column names of the full export accepted as the template's.
_ALIASES = {"done_on": "date", "description": "what", "due_on": "due", "done_date": "done"}


def detect_kind(header: list[str]) -> str | None:
    """Which template a header belongs to, or ``None``."""
    cols = {_ALIASES.get(h, h) for h in header}
    if "focus_group" in cols:
        return "plans"
    if "what" in cols or "responsibilities" in cols:
        return "actions"
    if "name" in cols and "email" in cols:
        return "members"
    return None


def _resolve_chapter(db: sqlite_utils.Database, actor: Member | None,
                     chapter_id: int | None) -> int:
    if actor is not None:
        access.require_admin(actor)
        if chapter_id is not None and chapter_id != actor.chapter_id:
            raise access.PermissionDenied("You can import into your own chapter only.")
        return actor.chapter_id
    if chapter_id is not None:
        people.get_chapter(db, chapter_id)  # LookupError if absent
        return chapter_id
    ids = [r[0] for r in db.execute("SELECT id FROM chapters ORDER BY id")]
    if len(ids) != 1:
        raise LookupError("This database holds no chapter; create one with `init` first."
                          if not ids else
                          f"This database holds {len(ids)} chapters; say which with --chapter ID.")
    return ids[0]


def import_csv(db: sqlite_utils.Database, actor: Member | None, data: bytes | str | Path, *,
               kind: str | None = None, dry_run: bool = False, progress: Progress | None = None,
               today: date | None = None, chapter_id: int | None = None,
               source: str | None = None) -> ImportReport:
    """Import one CSV of actions, members or plans into a chapter: all or nothing.

    ``actor`` is the admin importing in the app; ``None`` is the trusted command-line
    operator (recorded so in the audit log). ``data`` is the file's bytes or a path.
    The kind is taken from the header unless given. With ``dry_run`` everything is
    checked and counted and nothing is written.
    """
    if isinstance(data, (str, Path)):
        source = source or Path(data).name
        data = Path(data).read_bytes()
    report = ImportReport(kind=kind or "?", source=source or "the file", dry_run=dry_run)
    chapter = _resolve_chapter(db, actor, chapter_id)
    header, rows = read_csv(data, report)
    if report.errors:
        return report
    detected = detect_kind(header)
    if kind is None:
        if detected is None:
            report.error(1, "(header)", "Cannot tell what this file holds. Use one of the "
                         "templates: " + "; ".join(f"{k}: {','.join(c)}"
                                                   for k, c in TEMPLATES.items()))
            return report
        kind = detected
    if kind not in TEMPLATES:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    report.kind = kind
    report.rows = len(rows)
    rows = [(n, {_ALIASES.get(k, k): v for k, v in r.items()}) for n, r in rows]
    cols = {_ALIASES.get(h, h) for h in header}
    needed = {"actions": [("email", "member_id"), ("date",), ("what",), ("responsibilities",)],
              "members": [("name",), ("email",)],
              "plans": [("email", "member_id"), ("focus_group",)]}[kind]
    for options in needed:
        if not cols & set(options):
            report.error(1, options[0], f"The {kind} file needs a column named {options[0]!r}. "
                                        f"Template: {','.join(TEMPLATES[kind])}")
    if report.errors:
        return report
    today = today or date.today()
    tick = _ticker(progress, len(rows))
    handler = {"actions": _import_actions, "members": _import_members, "plans": _import_plans}
    try:
        with store.transaction(db):
            handler[kind](db, actor, chapter, rows, report, today, tick)
            if report.errors or dry_run:
                raise _Abort
            store.audit(db, actor.id if actor else None, "import", kind, None,
                        {"source": report.source, "rows": report.rows, "created": report.created,
                         "skipped": report.skipped, "by": "app" if actor else "cli"})
            store.bump_data_version(db)
    except _Abort:
        pass
    if progress:
        progress(len(rows), len(rows))
    return report


def _ticker(progress: Progress | None, total: int) -> Callable[[int], None]:
    step = max(1, total // 100)

    def tick(done: int) -> None:
        if progress and (done % step == 0):
            progress(done, total)
    return tick


class _Members:
    """Members of the chapter by email and id, looked up once."""

    def __init__(self, db: sqlite_utils.Database, chapter: int) -> None:
        self.by_email = {m.email.lower(): m for m in people.list_members(db, chapter)}
        self.by_id = {m.id: m for m in self.by_email.values()}

    def find(self, row: dict[str, str], report: ImportReport, n: int) -> Member | None:
        email = row.get("email", "").strip()
        if email:
            m = self.by_email.get(email.lower())
            if m is None:
                report.error(n, "email", f"No member of this chapter has the email {email!r}; "
                                         "import the members first")
            return m
        raw = row.get("member_id", "").strip()
        if raw.isdigit() and int(raw) in self.by_id:
            return self.by_id[int(raw)]
        report.error(n, "email", "Say whose row this is: the member's email is required")
        return None


_RESP_BY_NAME = {}
for _r in RESPONSIBILITIES:
    _RESP_BY_NAME[_r.title.lower()] = _r.number
    _RESP_BY_NAME[_r.label.lower()] = _r.number
    _RESP_BY_NAME[str(_r.number)] = _r.number


def parse_responsibilities(cell: str) -> tuple[int, ...]:
    """``"2;4"`` or ``"Listen more, speak less; Do our own research"`` → ``(2, 4)``.

    Separate with ``;`` (the short titles contain commas). ``ValueError`` names the
    part that was not understood."""
    parts = [p.strip() for p in cell.split(";") if p.strip()]
    if len(parts) == 1 and re.fullmatch(r"\d+(\s*,\s*\d+)+", parts[0]):
        parts = [p.strip() for p in parts[0].split(",")]  # "2,4" typed by hand
    numbers = []
    for p in parts:
        key = p.lower().rstrip(".")
        if key not in _RESP_BY_NAME:
            raise ValueError(f"Unknown responsibility {p!r}: use numbers 1–8 or the short "
                             "titles, separated by ';'")
        numbers.append(_RESP_BY_NAME[key])
    return tuple(sorted(set(numbers)))


def _vocab(value: str, vocabulary: Mapping[str, str], default: str) -> str:
    """A key of ``vocabulary`` from its key or its label, any case; as typed if unknown
    (so validation names it)."""
    v = value.strip()
    if not v:
        return default
    for key, label in vocabulary.items():
        if v.lower() in (key, label.lower(), label.split(" — ")[0].lower()):
            return key
    return v


_ACTION_FIELD_COLUMN = {"done_on": "date", "description": "what"}


def action_idempotency_key(email: str, draft: ActionDraft, occurrence: int) -> str:
    """A key from a row's content, so the same row imported twice is stored once.
    ``occurrence`` tells apart identical rows within one file (done twice that day)."""
    content = json.dumps([email.lower(), draft.done_on.isoformat(), draft.description,
                          list(draft.responsibilities), draft.kind, draft.minutes,
                          draft.visibility, occurrence], ensure_ascii=False)
    return "import:" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]


def _import_actions(db: sqlite_utils.Database, actor: Member | None, chapter: int,
                    rows: list[tuple[int, dict[str, str]]], report: ImportReport, today: date,
                    tick: Callable[[int], None]) -> None:
    members = _Members(db, chapter)
    earliest = people.get_chapter(db, chapter).started_on
    seen: dict[str, int] = {}
    planned: list[tuple[Member, ActionDraft]] = []
    for i, (n, row) in enumerate(rows, start=1):
        tick(i)
        member = members.find(row, report, n)
        try:
            resp = parse_responsibilities(row.get("responsibilities", ""))
        except ValueError as exc:
            report.error(n, "responsibilities", str(exc))
            resp = (1,)  # keep validating the other columns
        draft = ActionDraft(
            done_on=row.get("date", "").strip(), description=row.get("what", ""),
            responsibilities=resp, kind=_vocab(row.get("kind", ""), ACTION_KINDS, "other"),
            minutes=row.get("minutes", "").strip(),
            visibility=_vocab(row.get("visibility", ""), VISIBILITIES, "private"))
        try:
            draft = draft.validated(today=today, earliest=earliest)
        except ValidationError as exc:
            for f, msg in exc.errors.items():
                report.error(n, _ACTION_FIELD_COLUMN.get(f, f), msg)
            continue
        if member is None:
            continue
        key = row.get("idempotency_key", "").strip()
        if not key:
            content = action_idempotency_key(member.email, draft, 0)
            seen[content] = seen.get(content, 0) + 1
            key = action_idempotency_key(member.email, draft, seen[content] - 1)
        elif key in seen:
            report.error(n, "idempotency_key", "This key appears twice in the file")
            continue
        seen[key] = 1
        existing = db.execute("SELECT member_id FROM actions WHERE idempotency_key = ?",
                              [key]).fetchone()
        if existing:
            if existing[0] != member.id:
                report.error(n, "idempotency_key", "An action with this key belongs to "
                                                   "another member")
            else:
                report.skipped += 1
            continue
        planned.append((member, ActionDraft(**{**draft.__dict__, "idempotency_key": key})))
    if report.errors:
        return
    now = store.now_iso()
    by = actor.id if actor else None
    for member, d in planned:
        cur = db.execute(
            "INSERT INTO actions (member_id, done_on, week_start, description, minutes, kind,"
            " visibility, idempotency_key, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [member.id, d.done_on.isoformat(), week_start(d.done_on).isoformat(), d.description,
             d.minutes, d.kind, d.visibility, d.idempotency_key, now, now])
        db.conn.executemany(
            "INSERT INTO action_responsibilities (action_id, responsibility) VALUES (?, ?)",
            [(cur.lastrowid, r) for r in d.responsibilities])
        store.audit(db, by, "create", "actions", cur.lastrowid,
                    {"via": "import", "member_id": member.id, "done_on": d.done_on.isoformat(),
                     "responsibilities": list(d.responsibilities), "visibility": d.visibility})
        report.created += 1


def _import_members(db: sqlite_utils.Database, actor: Member | None, chapter: int,
                    rows: list[tuple[int, dict[str, str]]], report: ImportReport, today: date,
                    tick: Callable[[int], None]) -> None:
    teams = {t.name.lower(): t.id for t in people.list_teams(db, chapter, include_archived=True)}
    team_ids = set(teams.values())
    new_teams: dict[str, str] = {}  # lower name → name as typed
    seen: dict[str, int] = {}
    planned: list[tuple[MemberDraft, str | None]] = []
    for i, (n, row) in enumerate(rows, start=1):
        tick(i)
        team_name, team_id = row.get("team", "").strip(), None
        raw_id = row.get("team_id", "").strip()
        if team_name:
            team_id = teams.get(team_name.lower())
            if team_id is None and len(team_name) > 120:
                report.error(n, "team", "A team name is at most 120 characters")
            elif team_id is None:
                new_teams.setdefault(team_name.lower(), team_name)
        elif raw_id:
            if not raw_id.isdigit() or int(raw_id) not in team_ids:
                report.error(n, "team_id", f"No team with id {raw_id!r} in this chapter")
            else:
                team_id = int(raw_id)
        role = _vocab(row.get("role", ""), ROLES, "member")
        try:
            draft = MemberDraft(row.get("name", ""), row.get("email", ""), role,
                                team_id).validated()
        except ValidationError as exc:
            for f, msg in exc.errors.items():
                report.error(n, f, msg)
            continue
        if draft.email in seen:
            report.error(n, "email", f"{draft.email} is also on row {seen[draft.email]}")
            continue
        seen[draft.email] = n
        existing = people.find_member_by_email(db, draft.email)
        if existing is not None:
            if existing.chapter_id != chapter:
                report.error(n, "email", f"{draft.email} is a member of another chapter")
            else:
                report.skipped += 1  # members are matched by email; not changed by import
            continue
        planned.append((draft, team_name.lower() if team_name and team_id is None else None))
    if report.errors:
        return
    by = actor.id if actor else None
    now = store.now_iso()
    for lower, name in new_teams.items():
        if not any(t == lower for _, t in planned):
            continue
        cur = db.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (?, ?, ?)",
                         [chapter, name, now])
        teams[lower] = cur.lastrowid
        store.audit(db, by, "create", "teams", cur.lastrowid, {"name": name, "via": "import"})
        report.notes.append(f"New team {name!r} {'would be' if report.dry_run else 'was'} "
                            "created.")
    for draft, new_team in planned:
        team_id = teams[new_team] if new_team else draft.team_id
        cur = db.execute(
            "INSERT INTO members (chapter_id, team_id, name, email, role, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [chapter, team_id, draft.name, draft.email, draft.role, now])
        store.audit(db, by, "create", "members", cur.lastrowid,
                    {"name": draft.name, "email": draft.email, "role": draft.role,
                     "team_id": team_id, "via": "import"})
        report.created += 1


_PLAN_TEXT = ("focus_group", "motivation", "supports_goal", "feedback")


def _import_plans(db: sqlite_utils.Database, actor: Member | None, chapter: int,
                  rows: list[tuple[int, dict[str, str]]], report: ImportReport, today: date,
                  tick: Callable[[int], None]) -> None:
    """Rows grouped by member: the plan's fields on any of the member's rows (the same
    value if repeated), one learning activity and/or one next step per row."""
    members = _Members(db, chapter)
    groups: dict[int, dict[str, Any]] = {}
    for i, (n, row) in enumerate(rows, start=1):
        tick(i)
        member = members.find(row, report, n)
        if member is None:
            continue
        g = groups.setdefault(member.id, {"member": member, "first": n, "fields": {},
                                          "items": [], "where": []})
        for f in _PLAN_TEXT:
            value = row.get(f, "").strip()
            if value:
                if g["fields"].get(f, value) != value:
                    report.error(n, f, f"Different from this member's row {g['first']}; "
                                       "give the plan's text once")
                g["fields"].setdefault(f, value)
        if row.get("learning_activity", "").strip():
            g["items"].append(PlanItemDraft("learning_activity", row["learning_activity"]))
            g["where"].append((n, "learning_activity"))
        if row.get("next_step", "").strip():
            g["items"].append(PlanItemDraft("next_step", row["next_step"],
                                            row.get("due", "").strip() or None,
                                            row.get("done", "").strip() or None))
            g["where"].append((n, "next_step"))
        elif row.get("due", "").strip() or row.get("done", "").strip():
            report.error(n, "next_step", "A due or done date needs a next step on the same row")
    planned = []
    for g in groups.values():
        draft = PlanDraft(**{f: g["fields"].get(f, "") for f in _PLAN_TEXT},
                          items=tuple(g["items"]))
        try:
            draft = draft.validated(today=today)
        except ValidationError as exc:
            for f, msg in exc.errors.items():
                if f.startswith("items."):
                    n, col = g["where"][int(f.split(".")[1]) - 1]
                    report.error(n, col, msg)
                else:
                    report.error(g["first"], f, msg)
            continue
        current = db.execute("SELECT id, version FROM plans WHERE member_id = ?",
                             [g["member"].id]).fetchone()
        if current is not None:
            if _plan_equals(db, current[0], draft):
                report.skipped += 1
            else:
                report.error(g["first"], "email", f"{g['member'].email} already has a plan "
                             f"(version {current[1]}); members revise their own plan on "
                             "My plan, so import does not overwrite it")
            continue
        planned.append((g["member"], draft))
    if report.errors:
        return
    by = actor.id if actor else None
    now = store.now_iso()
    for member, d in planned:
        cur = db.execute(
            "INSERT INTO plans (member_id, focus_group, motivation, supports_goal, feedback,"
            " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            [member.id, d.focus_group, d.motivation, d.supports_goal, d.feedback, now, now])
        positions: dict[str, int] = {}
        for item in d.items:
            pos = positions.get(item.kind, 0)
            positions[item.kind] = pos + 1
            db.execute("INSERT INTO plan_items (plan_id, kind, text, due_on, done_on, position,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [cur.lastrowid, item.kind, item.text,
                        item.due_on and item.due_on.isoformat(),
                        item.done_on and item.done_on.isoformat(), pos, now])
        store.audit(db, by, "create", "plans", cur.lastrowid,
                    {"member_id": member.id, "via": "import", "items": len(d.items)})
        report.created += 1


def _plan_equals(db: sqlite_utils.Database, plan_id: int, draft: PlanDraft) -> bool:
    row = db.execute("SELECT focus_group, motivation, supports_goal, feedback FROM plans"
                     " WHERE id = ?", [plan_id]).fetchone()
    if tuple(row) != tuple(getattr(draft, f) for f in _PLAN_TEXT):
        return False
    items = [tuple(r) for r in db.execute(
        "SELECT kind, text, due_on, done_on FROM plan_items WHERE plan_id = ?"
        " ORDER BY kind, position, id", [plan_id])]
    wanted = sorted(((i.kind, i.text, i.due_on and i.due_on.isoformat(),
                      i.done_on and i.done_on.isoformat()) for i in draft.items),
                    key=lambda t: t[0])
    return items == wanted


# --- restore of a full export ------------------------------------------------------------

def read_export(path: str | Path) -> dict[str, bytes]:
    """An export's files from its directory or its zip."""
    path = Path(path)
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir() if p.is_file()}
    with zipfile.ZipFile(path) as zf:
        return {Path(n).name: zf.read(n) for n in zf.namelist() if not n.endswith("/")}


def _tables_with_rows(db: sqlite_utils.Database, tables: Iterable[str]) -> list[str]:
    return [t for t in tables if db.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]


def restore(db: sqlite_utils.Database, files: Mapping[str, bytes], *, dry_run: bool = False,
            progress: Progress | None = None, source: str = "the export") -> ImportReport:
    """Load a *full* export into an empty database in one transaction, ids preserved.

    For the trusted operator (command line). Refuses a database that already holds
    data, a chapter export (it leaves private entries out) and an export from a newer
    schema. Foreign keys are enforced row by row and checked again before commit.
    """
    report = ImportReport(kind="restore", source=source, dry_run=dry_run)
    try:
        manifest = json.loads(files["manifest.json"])
    except (KeyError, ValueError):
        report.error(0, "manifest.json", "This is not an export: manifest.json is missing or "
                                         "unreadable")
        return report
    if manifest.get("format") != EXPORT_FORMAT or manifest.get("scope") != "full":
        report.error(0, "manifest.json", "Only a full export (`python -m allyship export`) can "
                     "restore a chapter; this one is a "
                     f"{manifest.get('scope', 'unknown')!s} export")
        return report
    if int(manifest.get("schema_version", 0)) > store.SCHEMA_VERSION:
        report.error(0, "manifest.json", "The export comes from a newer version of the app; "
                                         "upgrade first")
        return report
    order = exported_tables(db)
    busy = _tables_with_rows(db, order)
    if busy:
        report.error(0, "(database)", "The database is not empty (it has rows in "
                     f"{', '.join(busy)}); restore into a new database file")
        return report
    unknown = [t for t in manifest.get("tables", {}) if t not in order]
    for t in unknown:
        report.error(0, f"{t}.csv", f"This database has no table {t!r}")
    todo = [t for t in order if t in manifest.get("tables", {})]
    parsed: dict[str, tuple[list[str], list[tuple[int, dict[str, str]]]]] = {}
    for t in todo:
        sub = ImportReport(kind="restore")
        if f"{t}.csv" not in files:
            report.error(0, f"{t}.csv", "Listed in the manifest but missing")
            continue
        header, rows = read_csv(files[f"{t}.csv"], sub)
        for e in sub.errors:
            report.error(e.row, f"{t}.csv {e.column}", e.reason)
        report.notes.extend(f"{t}.csv: {n}" for n in sub.notes)
        columns = {c["name"]: c for c in _columns(db, t)}
        for h in header:
            if h not in columns:
                report.error(1, f"{t}.csv {h}", f"Table {t} has no column {h!r}")
        parsed[t] = (header, rows)
    if report.errors:
        return report
    total = sum(len(r) for _, r in parsed.values())
    tick = _ticker(progress, total)
    done = 0
    try:
        with store.transaction(db):
            for t, (header, rows) in parsed.items():
                columns = {c["name"]: c for c in _columns(db, t)}
                sql = (f'INSERT INTO "{t}" (' + ", ".join(f'"{h}"' for h in header) +
                       ") VALUES (" + ", ".join("?" * len(header)) + ")")
                for n, row in rows:
                    values = [_restore_value(row[h], columns[h]) for h in header]
                    try:
                        db.execute(sql, values)
                    except Exception as exc:  # sqlite3.IntegrityError and friends
                        report.error(n, f"{t}.csv", str(exc))
                    done += 1
                    tick(done)
                report.created += len(rows)
            report.rows = done
            for r in db.execute("PRAGMA foreign_key_check"):
                report.error(0, f"{r[0]}.csv", f"Row with rowid {r[1]} refers to a missing "
                                               f"{r[2]} row")
            if report.errors or dry_run:
                raise _Abort
            db.execute("UPDATE meta SET value = ? WHERE key = 'demo'",
                       ["1" if manifest.get("demo") else "0"])
            store.audit(db, None, "restore", "(all)", None,
                        {"source": source, "exported_at": manifest.get("exported_at"),
                         "rows": done, "by": "cli"})
            store.bump_data_version(db)
    except _Abort:
        if report.errors:
            report.created = 0
    if progress:
        progress(total, total)
    return report


def _restore_value(cell: str, column: Mapping[str, Any]) -> Any:
    if cell == "":
        # CSV has no NULL: an empty cell is NULL where the column allows it.
        return "" if column["notnull"] else None
    if "INT" in column["type"] and re.fullmatch(r"-?\d+", cell):
        return int(cell)
    return cell


def template_csv(kind: str) -> bytes:
    """An empty template with just the header, for the spreadsheet."""
    return csv_bytes(TEMPLATES[kind], [])
