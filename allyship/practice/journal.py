"""The member's weekly journal: actions (tagged with responsibilities), weeks away,
and private reflections on the practice questions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import (
    Action,
    ActionDraft,
    Member,
    Reflection,
    ReflectionDraft,
    ValidationError,
    week_start,
)
from allyship.db import store
from allyship.db.filters import and_where
from allyship.i18n import Message
from allyship.people import roster


def _earliest(db: sqlite_utils.Database, actor: Member) -> date:
    return roster.get_chapter(db, actor.chapter_id).started_on


def _check_plan_item(db: sqlite_utils.Database, actor: Member, item_id: int | None) -> None:
    if item_id is None:
        return
    row = next(db.query("SELECT p.member_id FROM plan_items i JOIN plans p ON p.id = i.plan_id"
                        " WHERE i.id = ?", [item_id]), None)
    if row is None or row["member_id"] != actor.id:
        raise ValidationError({"plan_item_id": Message("That plan item is not in your plan")})


def _check_audience(db: sqlite_utils.Database, actor: Member, visibility: str) -> None:
    """Sharing with partners or a circle needs partners or a circle to share with."""
    if visibility == "partners" and not db.execute(
            "SELECT 1 FROM partnerships WHERE status = 'active' AND ? IN (inviter_id, invitee_id)",
            [actor.id]).fetchone():
        raise ValidationError({"visibility": Message(
            "You have no partners yet: choose who else can see this, or invite a partner on "
            "the Partners page")})
    if visibility == "circle" and not db.execute(
            "SELECT 1 FROM circle_members WHERE member_id = ? AND status = 'active'",
            [actor.id]).fetchone():
        raise ValidationError({"visibility": Message(
            "You are not in a learning circle: choose who else can see this, or join a "
            "circle first")})


def _insert_action(db: sqlite_utils.Database, actor: Member, d: ActionDraft) -> int:
    if d.idempotency_key:
        row = next(db.query("SELECT id, member_id FROM actions WHERE idempotency_key = ?",
                            [d.idempotency_key]), None)
        if row is not None:
            if row["member_id"] != actor.id:
                raise access.PermissionDenied(Message("That submission belongs to someone else."))
            return row["id"]  # the same form submitted twice: one row
    _check_plan_item(db, actor, d.plan_item_id)
    _check_audience(db, actor, d.visibility)
    now = store.now_iso()
    cur = db.execute(
        "INSERT INTO actions (member_id, plan_item_id, done_on, week_start, description, minutes,"
        " kind, visibility, idempotency_key, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [actor.id, d.plan_item_id, d.done_on.isoformat(), week_start(d.done_on).isoformat(),
         d.description, d.minutes, d.kind, d.visibility, d.idempotency_key, now, now])
    action_id = cur.lastrowid
    db.conn.executemany(
        "INSERT INTO action_responsibilities (action_id, responsibility) VALUES (?, ?)",
        [(action_id, r) for r in d.responsibilities])
    store.audit(db, actor.id, "create", "actions", action_id,
                {"done_on": d.done_on.isoformat(), "responsibilities": list(d.responsibilities),
                 "visibility": d.visibility})
    return action_id


def log_action(db: sqlite_utils.Database, actor: Member, draft: ActionDraft, *,
               today: date | None = None) -> Action:
    """Record one thing the actor did. Submitting the same form twice (same
    idempotency key) stores it once."""
    access.require_active(actor)
    draft = draft.validated(today=today or date.today(), earliest=_earliest(db, actor))
    with store.transaction(db):
        action_id = _insert_action(db, actor, draft)
        store.bump_data_version(db, actor.chapter_id)
    return get_action(db, actor, action_id)


def log_actions(db: sqlite_utils.Database, actor: Member, drafts: Sequence[ActionDraft], *,
                today: date | None = None) -> list[Action]:
    """Record several actions at once (catching up on a week): all or nothing.

    A bad row raises :class:`ValidationError` with keys ``row N: field``.
    """
    access.require_active(actor)
    today = today or date.today()
    earliest = _earliest(db, actor)
    clean: list[ActionDraft] = []
    errors: dict[str, str] = {}
    for n, d in enumerate(drafts, start=1):
        try:
            clean.append(d.validated(today=today, earliest=earliest))
        except ValidationError as exc:
            errors.update({f"row {n}: {k}": v for k, v in exc.errors.items()})
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError({"rows": Message(
            "There is nothing to log yet: fill in at least one row")})
    with store.transaction(db):
        ids = [_insert_action(db, actor, d) for d in clean]
        store.bump_data_version(db, actor.chapter_id)
    return [get_action(db, actor, i) for i in ids]


def _row_to_action(r: dict[str, Any], resp: tuple[int, ...]) -> Action:
    return Action(r["id"], r["member_id"], date.fromisoformat(r["done_on"]),
                  date.fromisoformat(r["week_start"]), r["description"], resp, r["kind"],
                  r["minutes"], r["visibility"], r["plan_item_id"])


def _responsibilities(db: sqlite_utils.Database, ids: list[int]) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = {i: [] for i in ids}
    # One statement whatever the number of ids: an IN list of ? marks compiles (and each
    # pooled connection caches) one statement per length, growing with the member's week.
    for r in db.execute("SELECT action_id, responsibility FROM action_responsibilities"
                        " WHERE action_id IN (SELECT value FROM json_each(?))"
                        " ORDER BY responsibility", [json.dumps(ids)]):
        out[r[0]].append(r[1])
    return {k: tuple(v) for k, v in out.items()}


def _actions(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[Action]:
    rows = list(db.query(sql, params))
    resp = _responsibilities(db, [r["id"] for r in rows])
    return [_row_to_action(r, resp[r["id"]]) for r in rows]


def _audience(row: dict[str, Any]) -> access.Audience:
    """The audience stored on an action row when it was written."""
    partners = row.get("audience_partners") or ""
    return access.Audience(
        team_id=row.get("audience_team_id"), circle_id=row.get("audience_circle_id"),
        partner_ids=frozenset(int(p) for p in partners.split(",") if p.strip()),
        written_at=row.get("created_at"))


def reader_ties(db: sqlite_utils.Database, actor: Member) -> access.Ties:
    """The actor's partnerships, circles and team membership as they are now."""
    partner_ids = frozenset(r[0] for r in db.execute(
        "SELECT invitee_id FROM partnerships WHERE inviter_id = ? AND status = 'active'"
        " UNION SELECT inviter_id FROM partnerships WHERE invitee_id = ? AND status = 'active'",
        [actor.id, actor.id]))
    circles: dict[int, set[int]] = {}
    for circle_id, member_id in db.execute(
            "SELECT cm.circle_id, cm.member_id FROM circle_members cm WHERE cm.status = 'active'"
            " AND cm.circle_id IN (SELECT circle_id FROM circle_members WHERE member_id = ?"
            " AND status = 'active')", [actor.id]):
        circles.setdefault(circle_id, set()).add(member_id)
    row = db.execute("SELECT team_since FROM members WHERE id = ?", [actor.id]).fetchone()
    return access.Ties(partner_ids, {k: frozenset(v) for k, v in circles.items()},
                       row[0] if row else None)


def _readable(db: sqlite_utils.Database, actor: Member, sql: str, params: list[Any],
              ) -> list[tuple[Member, Action]]:
    """Actions selected by ``sql`` that ``actor`` may read, with their authors."""
    rows = list(db.query(sql, params))
    resp = _responsibilities(db, [r["id"] for r in rows])
    ties = reader_ties(db, actor)
    owners = roster.get_members(db, (r["member_id"] for r in rows))
    out: list[tuple[Member, Action]] = []
    for r in rows:
        owner = owners[r["member_id"]]
        if access.can_read_shared(actor, owner, r["visibility"], _audience(r), ties):
            out.append((owner, _row_to_action(r, resp[r["id"]])))
    return out


def get_action(db: sqlite_utils.Database, actor: Member, action_id: int) -> Action:
    """One action the actor may read."""
    access.require_active(actor)
    if next(db.query("SELECT 1 FROM actions WHERE id = ?", [action_id]), None) is None:
        raise LookupError(Message("That action no longer exists"))
    found = _readable(db, actor, "SELECT * FROM actions WHERE id = ?", [action_id])
    if not found:
        raise access.PermissionDenied(Message(
            "That action is private to the member who logged it, or shared with people you "
            "are not among."))
    return found[0][1]


def list_my_actions(db: sqlite_utils.Database, actor: Member, *, since: date | None = None,
                    until: date | None = None, limit: int | None = None) -> list[Action]:
    """The actor's own actions, newest first, optionally within ``since``–``until``."""
    access.require_active(actor)
    params: list[Any] = [actor.id]
    sql = and_where("SELECT * FROM actions WHERE member_id = ?", params, (
        ("done_on >= ?", since and since.isoformat()),
        ("done_on <= ?", until and until.isoformat())))
    sql += " ORDER BY done_on DESC, id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return _actions(db, sql, params)


def list_shared_actions(db: sqlite_utils.Database, actor: Member, *, team_id: int | None = None,
                        since: date | None = None, until: date | None = None,
                        limit: int = 200, author_id: int | None = None,
                        visibility: str | None = None,
                        circle_id: int | None = None) -> list[tuple[Member, Action]]:
    """Actions others chose to share that the actor may read, newest first; optionally
    only one author's, one visibility's, or those written for one circle.

    Never returns a private action of someone else.
    """
    access.require_active(actor)
    params: list[Any] = [actor.chapter_id]
    sql = and_where("SELECT a.* FROM actions a JOIN members m ON m.id = a.member_id"
                    " WHERE m.chapter_id = ? AND a.visibility != 'private'", params, (
                        # by authors now on that team (each still read by its audience)
                        ("m.team_id = ?", team_id),
                        ("a.member_id = ?", author_id),
                        ("a.visibility = ?", visibility),
                        ("a.visibility = 'circle' AND a.audience_circle_id = ?", circle_id),
                        ("a.done_on >= ?", since and since.isoformat()),
                        ("a.done_on <= ?", until and until.isoformat())))
    sql += f" ORDER BY a.done_on DESC, a.id DESC LIMIT {int(limit)}"
    return _readable(db, actor, sql, params)


def _own_action_row(db: sqlite_utils.Database, actor: Member, action_id: int) -> dict[str, Any]:
    row = next(db.query("SELECT * FROM actions WHERE id = ?", [action_id]), None)
    if row is None:
        raise LookupError(Message("That action no longer exists"))
    access.require_self(actor, row["member_id"], Message("actions"))
    return row


def update_action(db: sqlite_utils.Database, actor: Member, action_id: int, draft: ActionDraft,
                  *, today: date | None = None) -> Action:
    """Change one of the actor's own actions."""
    access.require_active(actor)
    draft = draft.validated(today=today or date.today(), earliest=_earliest(db, actor))
    with store.transaction(db):
        row = _own_action_row(db, actor, action_id)
        _check_plan_item(db, actor, draft.plan_item_id)
        if draft.visibility != row["visibility"]:
            _check_audience(db, actor, draft.visibility)
        previous = {k: row[k] for k in ("done_on", "description", "minutes", "kind",
                                        "visibility", "plan_item_id")}
        previous["responsibilities"] = list(_responsibilities(db, [action_id])[action_id])
        db.execute("UPDATE actions SET done_on = ?, week_start = ?, description = ?, minutes = ?,"
                   " kind = ?, visibility = ?, plan_item_id = ?, updated_at = ? WHERE id = ?",
                   [draft.done_on.isoformat(), week_start(draft.done_on).isoformat(),
                    draft.description, draft.minutes, draft.kind, draft.visibility,
                    draft.plan_item_id, store.now_iso(), action_id])
        db.execute("DELETE FROM action_responsibilities WHERE action_id = ?", [action_id])
        db.conn.executemany(
            "INSERT INTO action_responsibilities (action_id, responsibility) VALUES (?, ?)",
            [(action_id, r) for r in draft.responsibilities])
        store.audit(db, actor.id, "update", "actions", action_id, {"previous": previous})
        store.bump_data_version(db, actor.chapter_id)
    return get_action(db, actor, action_id)


def delete_action(db: sqlite_utils.Database, actor: Member, action_id: int) -> None:
    """Delete one of the actor's own actions (the audit log keeps what it said)."""
    with store.transaction(db):
        row = _own_action_row(db, actor, action_id)
        previous = dict(row)
        previous["responsibilities"] = list(_responsibilities(db, [action_id])[action_id])
        db.execute("DELETE FROM actions WHERE id = ?", [action_id])
        store.audit(db, actor.id, "delete", "actions", action_id, {"previous": previous})
        store.bump_data_version(db, actor.chapter_id)


# --- weeks away ---------------------------------------------------------------------

def set_away(db: sqlite_utils.Database, actor: Member, week: date, away: bool = True) -> None:
    """Mark (or unmark) a week as away, so it does not count against consistency."""
    access.require_active(actor)
    monday = week_start(week)
    with store.transaction(db):
        if away:
            db.execute("INSERT OR IGNORE INTO away_weeks (member_id, week_start) VALUES (?, ?)",
                       [actor.id, monday.isoformat()])
        else:
            db.execute("DELETE FROM away_weeks WHERE member_id = ? AND week_start = ?",
                       [actor.id, monday.isoformat()])
        store.audit(db, actor.id, "update", "away_weeks", None,
                    {"week_start": monday.isoformat(), "away": away})
        store.bump_data_version(db, actor.chapter_id)


def away_weeks(db: sqlite_utils.Database, actor: Member) -> set[date]:
    access.require_active(actor)
    return {date.fromisoformat(r[0]) for r in db.execute(
        "SELECT week_start FROM away_weeks WHERE member_id = ?", [actor.id])}


# --- the member's own consistency -------------------------------------------------------

@dataclass(frozen=True)
class Consistency:
    """How steadily a member has shown up: consistency over volume."""

    weeks_active: int  # weeks with at least one action, of the window
    weeks_counted: int  # weeks in the window, less weeks marked away
    current_run: int  # consecutive active weeks up to now (this week may still be open)
    window: int


def my_consistency(db: sqlite_utils.Database, actor: Member, *, today: date | None = None,
                   weeks: int = 12) -> Consistency:
    """The actor's weeks active of the last ``weeks`` and their current run of weeks.

    Weeks marked away are left out of the count and do not break a run. This week
    does not break a run while it is still under way.
    """
    access.require_active(actor)
    return consistency_of(db, actor.id, today=today, weeks=weeks)


def consistency_of(db: sqlite_utils.Database, member_id: int, *, today: date | None = None,
                   weeks: int = 12) -> Consistency:
    """:func:`my_consistency` for ``member_id``. No access check: for callers that have
    decided access already (the member themselves; a partner the member chose to show it)."""
    today = today or date.today()
    this_week = week_start(today)
    window = [this_week - timedelta(weeks=i) for i in range(weeks)]
    active = {date.fromisoformat(r[0]) for r in db.execute(
        "SELECT DISTINCT week_start FROM actions WHERE member_id = ? AND week_start >= ?",
        [member_id, window[-1].isoformat()])}
    away = {date.fromisoformat(r[0]) for r in db.execute(
        "SELECT week_start FROM away_weeks WHERE member_id = ?", [member_id])}
    counted = [w for w in window if w not in away or w in active]
    run = 0
    for i, w in enumerate(window):
        if w in active:
            run += 1
        elif w in away or (i == 0):
            continue
        else:
            break
    return Consistency(sum(1 for w in counted if w in active), len(counted), run, weeks)


# --- reflections ----------------------------------------------------------------------

def save_reflection(db: sqlite_utils.Database, actor: Member, draft: ReflectionDraft, *,
                    today: date | None = None) -> list[Reflection]:
    """Save the actor's answers for a week (an empty answer removes that one)."""
    access.require_active(actor)
    draft = draft.validated(today=today or date.today())
    week = draft.week_start.isoformat()
    now = store.now_iso()
    with store.transaction(db):
        for number, answer in sorted(draft.answers.items()):
            if answer:
                db.execute(
                    "INSERT INTO reflections (member_id, week_start, question, answer, visibility,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, week_start,"
                    " question) DO UPDATE SET answer = excluded.answer,"
                    " visibility = excluded.visibility, updated_at = excluded.updated_at",
                    [actor.id, week, number, answer, draft.visibility, now])
            else:
                db.execute("DELETE FROM reflections WHERE member_id = ? AND week_start = ?"
                           " AND question = ?", [actor.id, week, number])
        # The audit log records that a reflection changed, never its words.
        store.audit(db, actor.id, "update", "reflections", None,
                    {"week_start": week, "questions": sorted(draft.answers)})
        store.bump_data_version(db, actor.chapter_id)
    return my_reflections(db, actor, draft.week_start)


def my_reflections(db: sqlite_utils.Database, actor: Member, week: date) -> list[Reflection]:
    """The actor's own reflections for the week containing ``week``."""
    access.require_active(actor)
    return [Reflection(r["id"], r["member_id"], date.fromisoformat(r["week_start"]), r["question"],
                       r["answer"], r["visibility"], r["updated_at"])
            for r in db.query("SELECT * FROM reflections WHERE member_id = ? AND week_start = ?"
                              " ORDER BY question", [actor.id, week_start(week).isoformat()])]


def reflection_weeks(db: sqlite_utils.Database, actor: Member) -> list[date]:
    """Weeks the actor has written reflections for, newest first."""
    access.require_active(actor)
    return [date.fromisoformat(r[0]) for r in db.execute(
        "SELECT DISTINCT week_start FROM reflections WHERE member_id = ? ORDER BY week_start DESC",
        [actor.id])]


def shared_with_me(db: sqlite_utils.Database, actor: Member, *, since: date | None = None,
                   limit: int = 100) -> list[tuple[Member, Action]]:
    """What others chose to share with the actor's team or the chapter, newest first.

    The actor's own entries are left out: this view turns the spotlight to others.
    """
    return [(owner, a) for owner, a in list_shared_actions(db, actor, since=since, limit=limit)
            if owner.id != actor.id]
