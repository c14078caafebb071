"""Import of one CSV (actions, members or plans) into a chapter: all or nothing.

Read by :func:`allyship.transfer.csv_files.read_csv`, validated with the forms' rules;
if any row is bad nothing is written and the
:class:`~allyship.transfer.csv_files.ImportReport` lists row, column and reason.
Re-importing does not duplicate. The admin page's *Add from CSV*
(:func:`bulk_add_members`) is the members import in its add-only mode.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import (
    ActionDraft,
    Member,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ValidationError,
    week_start,
)
from allyship.db import store
from allyship.i18n import Message, available_languages, handout, translator_for
from allyship.i18n.handout import responsibility_number
from allyship.people import roster
from allyship.transfer.csv_files import (
    ImportReport,
    Progress,
    Rollback,
    csv_bytes,
    read_csv,
    ticker,
)

# --- import of one CSV ----------------------------------------------------------------

MAX_MEMBER_ROWS = 2000

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
            raise access.PermissionDenied(Message("You can import into your own chapter only."))
        return actor.chapter_id
    if chapter_id is not None:
        roster.get_chapter(db, chapter_id)  # LookupError if absent
        return chapter_id
    ids = [r[0] for r in db.execute("SELECT id FROM chapters ORDER BY id")]
    if len(ids) != 1:
        raise LookupError("This database holds no chapter; create one with `init` first."
                          if not ids else
                          f"This database holds {len(ids)} chapters; say which with --chapter "
                          "NAME or ID.")
    return ids[0]


def _missing_column(kind: str, column: str) -> Message:
    """The problem of a file without a column it needs, a whole sentence per kind."""
    fields = {"column": repr(column), "columns": ",".join(TEMPLATES[kind])}
    if kind == "actions":
        return Message("The actions file needs a column named {column}. Template: {columns}",
                       **fields)
    if kind == "members":
        return Message("The members file needs a column named {column}. Template: {columns}",
                       **fields)
    return Message("The plans file needs a column named {column}. Template: {columns}",
                   **fields)


def import_csv(db: sqlite_utils.Database, actor: Member | None, data: bytes | str | Path, *,
               kind: str | None = None, dry_run: bool = False, progress: Progress | None = None,
               today: date | None = None, chapter_id: int | None = None,
               source: str | None = None, add_only: bool = False) -> ImportReport:
    """Import one CSV of actions, members or plans into a chapter: all or nothing.

    ``actor`` is the admin importing in the app; ``None`` is the trusted command-line
    operator (recorded so in the audit log). ``data`` is the file's bytes or a path.
    The kind is taken from the header unless given. With ``dry_run`` everything is
    checked and counted and nothing is written. ``add_only`` (members only) takes the
    template's columns only, adds only new members into teams that exist, and refuses
    a file without members.
    """
    if isinstance(data, (str, Path)):
        source = source or Path(data).name
        data = Path(data).read_bytes()
    report = ImportReport(kind=kind or "?", source=source or Message("the file"),
                          dry_run=dry_run)
    chapter = _resolve_chapter(db, actor, chapter_id)
    header, rows = read_csv(data, report)
    if report.errors:
        return report
    detected = detect_kind(header)
    if kind is None:
        if detected is None:
            report.error(1, "(header)", Message(
                "Cannot tell what this file holds. Use one of the templates: {templates}",
                templates="; ".join(f"{k}: {','.join(c)}" for k, c in TEMPLATES.items())))
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
            report.error(1, options[0], _missing_column(kind, options[0]))
    if kind == "members":
        _check_members_file(header, rows, report, add_only)
    if report.errors:
        return report
    today = today or date.today()
    tick = ticker(progress, len(rows))
    try:
        with store.transaction(db):
            if kind == "members":
                _import_members(db, actor, chapter, rows, report, tick, add_only)
            else:
                handler = _import_actions if kind == "actions" else _import_plans
                handler(db, actor, chapter, rows, report, today, tick)
            if report.errors or dry_run:
                raise Rollback
            store.audit(db, actor.id if actor else None, "import", kind, None,
                        {"source": report.source, "rows": report.rows, "created": report.created,
                         "skipped": report.skipped, "by": "app" if actor else "cli"})
            store.bump_data_version(db, chapter)
    except Rollback:
        pass
    if progress:
        progress(len(rows), len(rows))
    return report


class _Members:
    """Members of the chapter by email and id, looked up once."""

    def __init__(self, db: sqlite_utils.Database, chapter: int) -> None:
        self.by_email = {m.email.lower(): m for m in roster.list_members(db, chapter)}
        self.by_id = {m.id: m for m in self.by_email.values()}

    def find(self, row: dict[str, str], report: ImportReport, n: int) -> Member | None:
        email = row.get("email", "").strip()
        if email:
            m = self.by_email.get(email.lower())
            if m is None:
                report.error(n, "email", Message(
                    "No member of this chapter has the email {email}; import the members first",
                    email=repr(email)))
            return m
        raw = row.get("member_id", "").strip()
        if raw.isdigit() and int(raw) in self.by_id:
            return self.by_id[int(raw)]
        report.error(n, "email",
                     Message("Say whose row this is: the member's email is required"))
        return None


def parse_responsibilities(cell: str) -> tuple[int, ...]:
    """``"2;4"`` or ``"Listen more, speak less; Do our own research"`` → ``(2, 4)``; each
    part a number, a short name or a label in any language we have
    (:func:`allyship.i18n.handout.responsibility_number`).

    Separate with ``;`` (the short titles contain commas). ``ValueError`` (its argument
    a :class:`~allyship.i18n.Message`) names the part that was not understood."""
    parts = [p.strip() for p in cell.split(";") if p.strip()]
    if len(parts) == 1 and re.fullmatch(r"\d+(\s*,\s*\d+)+", parts[0]):
        parts = [p.strip() for p in parts[0].split(",")]  # "2,4" typed by hand
    numbers = []
    for p in parts:
        try:
            numbers.append(responsibility_number(p))
        except ValueError:
            raise ValueError(Message(
                "Unknown responsibility {part}: use numbers 1–{last} or the short titles, "
                "separated by ';'", part=repr(p), last=len(RESPONSIBILITIES))) from None
    return tuple(sorted(set(numbers)))


@functools.cache
def _labels(name: str) -> dict[str, str]:
    """Each key of the handout's vocabulary ``name`` ("ACTION_KINDS", …) by itself and by
    its label (whole, or before " — ") in every language we have, lower case."""
    keys: dict[str, str] = {}
    for language in available_languages():
        for key, label in handout.vocabulary(translator_for(language), name).items():
            for said in (key, label, label.split(" — ")[0]):
                keys.setdefault(said.strip().lower(), key)
    return keys


def _vocab(value: str, name: str, default: str) -> str:
    """A key of the handout's vocabulary ``name`` from its key or its label in any
    language, any case; as typed if unknown (so validation names it)."""
    v = value.strip()
    if not v:
        return default
    return _labels(name).get(v.lower(), v)


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
    earliest = roster.get_chapter(db, chapter).started_on
    seen: dict[str, int] = {}
    planned: list[tuple[Member, ActionDraft]] = []
    for i, (n, row) in enumerate(rows, start=1):
        tick(i)
        member = members.find(row, report, n)
        try:
            resp = parse_responsibilities(row.get("responsibilities", ""))
        except ValueError as exc:
            report.error(n, "responsibilities", exc.args[0])
            resp = (1,)  # keep validating the other columns
        draft = ActionDraft(
            done_on=row.get("date", "").strip(), description=row.get("what", ""),
            responsibilities=resp, kind=_vocab(row.get("kind", ""), "ACTION_KINDS", "other"),
            minutes=row.get("minutes", "").strip(),
            visibility=_vocab(row.get("visibility", ""), "VISIBILITIES", "private"))
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
            report.error(n, "idempotency_key", Message("This key appears twice in the file"))
            continue
        seen[key] = 1
        existing = db.execute("SELECT member_id FROM actions WHERE idempotency_key = ?",
                              [key]).fetchone()
        if existing:
            if existing[0] != member.id:
                report.error(n, "idempotency_key",
                             Message("An action with this key belongs to another member"))
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


def _check_members_file(header: list[str], rows: list[tuple[int, dict[str, str]]],
                        report: ImportReport, add_only: bool) -> None:
    """The limits every members file meets; add-only also takes the template's columns only."""
    unknown = [h for h in header if h not in MEMBER_COLUMNS]
    if add_only and unknown:
        report.error(1, "(header)", Message("Unknown column(s): {unknown}; use {columns}",
                                            unknown=", ".join(unknown),
                                            columns=", ".join(MEMBER_COLUMNS)))
    if len(rows) > MAX_MEMBER_ROWS:
        report.error(0, "rows", Message("At most {limit} members at a time",
                                        limit=format(MAX_MEMBER_ROWS, ",")))
    elif add_only and not rows:
        report.error(0, "rows", Message("The file has no members in it"))


def _import_members(db: sqlite_utils.Database, actor: Member | None, chapter: int,
                    rows: list[tuple[int, dict[str, str]]], report: ImportReport,
                    tick: Callable[[int], None], add_only: bool) -> None:
    """Members matched by email. Import: an existing member of the chapter is skipped
    and a team the file names is created. Add-only: both are problems instead."""
    known = roster.list_teams(db, chapter, include_archived=True)
    teams = {t.name.lower(): t.id for t in known}
    archived = {t.name.lower(): t.name for t in known if t.archived}
    team_ids = set(teams.values())
    new_teams: dict[str, str] = {}  # lower name → name as typed
    seen: dict[str, int] = {}
    planned: list[tuple[MemberDraft, str | None]] = []
    for i, (n, row) in enumerate(rows, start=1):
        tick(i)
        team_name, team_id = row.get("team", "").strip(), None
        raw_id = row.get("team_id", "").strip()
        if team_name:
            try:
                # The rule the admin's forms apply: no control characters, NFC, length.
                team_name = roster.clean_team_name(team_name)
            except ValueError as exc:
                report.error(n, "team", exc.args[0] if exc.args else str(exc))
                continue
            team_id = teams.get(team_name.lower())
            if add_only and team_id is None:
                report.error(n, "team", Message("There is no team called {team}",
                                                team=repr(team_name)))
            elif add_only and team_name.lower() in archived:
                report.error(n, "team", Message("{team} is archived",
                                                team=archived[team_name.lower()]))
            elif team_id is None:
                new_teams.setdefault(team_name.lower(), team_name)
        elif raw_id:
            if not raw_id.isdigit() or int(raw_id) not in team_ids:
                report.error(n, "team_id", Message("No team with id {id} in this chapter",
                                                   id=repr(raw_id)))
            else:
                team_id = int(raw_id)
        role = _vocab(row.get("role", ""), "ROLES", "member")
        try:
            draft = MemberDraft(row.get("name", ""), row.get("email", ""), role,
                                team_id).validated()
        except ValidationError as exc:
            for f, msg in exc.errors.items():
                report.error(n, f, msg)
            continue
        if draft.email in seen:
            report.error(n, "email", Message("{email} is also on row {row}",
                                             email=draft.email, row=seen[draft.email]))
            continue
        seen[draft.email] = n
        existing = roster.find_member_by_email(db, draft.email)
        if existing is not None:
            if existing.chapter_id != chapter:
                report.error(n, "email", Message("{email} is a member of another chapter",
                                                 email=draft.email))
            elif add_only:
                report.error(n, "email", Message("{email} is already a member",
                                                 email=draft.email))
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
        report.notes.append(
            Message("New team {team} would be created.", team=repr(name)) if report.dry_run
            else Message("New team {team} was created.", team=repr(name)))
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
        report.created_ids.append(cur.lastrowid)


def bulk_add_members(db: sqlite_utils.Database, actor: Member,
                     data: str | bytes) -> list[Member]:
    """The admin page's *Add from CSV*: every member in the file added, or none.

    ``ValidationError`` lists each problem keyed ``line N: column`` (the header is
    line 1), as the page shows them.
    """
    access.require_admin(actor)
    if isinstance(data, str):  # text pasted into the form (a str given to import_csv is a path)
        data = data.encode("utf-8", "surrogatepass")
    report = import_csv(db, actor, data, kind="members", add_only=True, source="Add from CSV")
    if not report.ok:
        raise ValidationError(report.problems_by_line())
    found = roster.get_members(db, report.created_ids)
    return [found[i] for i in report.created_ids]


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
                    report.error(n, f, Message(
                        "Different from this member's row {row}; give the plan's text once",
                        row=g["first"]))
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
            report.error(n, "next_step",
                         Message("A due or done date needs a next step on the same row"))
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
                report.error(g["first"], "email", Message(
                    "{email} already has a plan (version {version}); members revise their own "
                    "plan on My plan, so import does not overwrite it",
                    email=g["member"].email, version=current[1]))
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


def template_csv(kind: str) -> bytes:
    """An empty template with just the header, for the spreadsheet."""
    return csv_bytes(TEMPLATES[kind], [])
