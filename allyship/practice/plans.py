"""The member's Action Plan for Creating Allyship: read, save (keeping every
earlier version), list its revisions, and tick off next steps."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

import sqlite_utils

from allyship.core import access
from allyship.core.models import (
    Member,
    Plan,
    PlanDraft,
    PlanItem,
    ValidationError,
    parse_date,
)
from allyship.db import store
from allyship.i18n import Message

_PLAN_FIELDS = ("focus_group", "motivation", "supports_goal", "feedback")


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def stored_plan(db: sqlite_utils.Database, member_id: int) -> Plan | None:
    row = next(db.query("SELECT * FROM plans WHERE member_id = ?", [member_id]), None)
    if row is None:
        return None
    items = tuple(
        PlanItem(r["id"], r["kind"], r["text"], _d(r["due_on"]), _d(r["done_on"]), r["position"],
                 r.get("if_when") or "", r.get("if_then") or "")
        for r in db.query("SELECT * FROM plan_items WHERE plan_id = ? ORDER BY kind, position, id",
                          [row["id"]]))
    return Plan(row["id"], row["member_id"], row["focus_group"], row["motivation"],
                row["supports_goal"], row["feedback"], row["status"], row["version"],
                row["updated_at"], items)


def get_plan(db: sqlite_utils.Database, actor: Member, member_id: int | None = None) -> Plan | None:
    """The member's plan (their own only), or ``None`` if they have not written one."""
    member_id = actor.id if member_id is None else member_id
    access.require_self(actor, member_id, Message("action plan"))
    return stored_plan(db, member_id)


def _snapshot(plan: Plan) -> dict[str, Any]:
    return {
        **{f: getattr(plan, f) for f in _PLAN_FIELDS},
        "items": [{k: (v.isoformat() if isinstance(v, date) else v)
                   for k, v in asdict(i).items()} for i in plan.items],
    }


def _same(plan: Plan, draft: PlanDraft) -> bool:
    if any(getattr(plan, f) != getattr(draft, f) for f in _PLAN_FIELDS):
        return False
    current = [(i.id, i.kind, i.text, i.due_on, i.done_on) for i in plan.items]
    wanted = [(i.id, i.kind, i.text, i.due_on, i.done_on) for i in draft.items]
    return sorted(current, key=repr) == sorted(wanted, key=repr) and \
        [i.id for i in plan.items] == [i.id for i in draft.items]


def save_plan(db: sqlite_utils.Database, actor: Member, draft: PlanDraft, *,
              today: date | None = None) -> Plan:
    """Create or revise the actor's plan. The version it replaces is kept in
    ``plan_revisions``; saving an unchanged plan writes nothing (so a double-click
    does not make two versions)."""
    access.require_active(actor)
    today = today or date.today()
    draft = draft.validated(today=today)
    now = store.now_iso()
    with store.transaction(db):
        plan = stored_plan(db, actor.id)
        if plan is not None and _same(plan, draft):
            return plan
        if plan is None:
            cur = db.execute(
                "INSERT INTO plans (member_id, focus_group, motivation, supports_goal, feedback,"
                " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                [actor.id, draft.focus_group, draft.motivation, draft.supports_goal,
                 draft.feedback, now, now])
            plan_id = cur.lastrowid
            store.audit(db, actor.id, "create", "plans", plan_id,
                        {"focus_group": draft.focus_group})
            existing_ids: set[int] = set()
        else:
            plan_id = plan.id
            db.execute("INSERT INTO plan_revisions (plan_id, version, snapshot, saved_at, saved_by)"
                       " VALUES (?, ?, ?, ?, ?)",
                       [plan.id, plan.version, json.dumps(_snapshot(plan), ensure_ascii=False),
                        plan.updated_at, actor.id])
            db.execute("UPDATE plans SET focus_group = ?, motivation = ?, supports_goal = ?,"
                       " feedback = ?, version = version + 1, updated_at = ? WHERE id = ?",
                       [draft.focus_group, draft.motivation, draft.supports_goal,
                        draft.feedback, now, plan.id])
            store.audit(db, actor.id, "update", "plans", plan.id,
                        {"previous_version": plan.version, "previous": _snapshot(plan)})
            existing_ids = {i.id for i in plan.items}
        kept: set[int] = set()
        positions: dict[str, int] = {}
        for item in draft.items:
            pos = positions.get(item.kind, 0)
            positions[item.kind] = pos + 1
            values = [item.kind, item.text, item.due_on and item.due_on.isoformat(),
                      item.done_on and item.done_on.isoformat(), pos]
            if item.id is not None:
                if item.id not in existing_ids:
                    raise ValidationError({"items": Message(
                        "An item does not belong to your plan; reload the page and try "
                        "again")})
                db.execute("UPDATE plan_items SET kind = ?, text = ?, due_on = ?, done_on = ?,"
                           " position = ? WHERE id = ?", values + [item.id])
                kept.add(item.id)
            else:
                db.execute("INSERT INTO plan_items (plan_id, kind, text, due_on, done_on, position,"
                           " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [plan_id] + values + [now])
        for gone in existing_ids - kept:
            db.execute("DELETE FROM plan_items WHERE id = ?", [gone])
        store.bump_data_version(db, actor.chapter_id)
    return stored_plan(db, actor.id)  # type: ignore[return-value]


def list_revisions(db: sqlite_utils.Database, actor: Member,
                   member_id: int | None = None) -> list[dict[str, Any]]:
    """Earlier versions of the member's plan, newest first: version, saved_at, and the
    plan as it then stood."""
    member_id = actor.id if member_id is None else member_id
    access.require_self(actor, member_id, Message("action plan"))
    rows = db.query(
        "SELECT r.version, r.saved_at, r.snapshot FROM plan_revisions r"
        " JOIN plans p ON p.id = r.plan_id WHERE p.member_id = ? ORDER BY r.version DESC",
        [member_id])
    return [{"version": r["version"], "saved_at": r["saved_at"], **json.loads(r["snapshot"])}
            for r in rows]


def own_plan_item(db: sqlite_utils.Database, actor: Member, item_id: int, columns: str, *,
                  missing: str) -> dict[str, Any]:
    """The plan item's ``columns`` (as ``i.<name>``) and its owner's ``member_id``, read
    inside the caller's transaction; ``LookupError(missing)`` if it is gone,
    ``PermissionDenied`` unless it is the actor's own."""
    row = next(db.query(f"SELECT {columns}, p.member_id FROM plan_items i JOIN plans p"
                        " ON p.id = i.plan_id WHERE i.id = ?", [item_id]), None)
    if row is None:
        raise LookupError(missing)
    access.require_self(actor, row["member_id"], Message("action plan"))
    return row


def set_next_step_done(db: sqlite_utils.Database, actor: Member, item_id: int,
                       done_on: date | str | None, *, today: date | None = None) -> None:
    """Mark one of the actor's own plan items done on ``done_on`` (``None`` reopens it)."""
    access.require_active(actor)
    today = today or date.today()
    day = parse_date(done_on, Message("Done date")) if done_on else None
    if day and day > today:
        raise ValidationError({"done_on": Message("A next step cannot be done in the future")})
    with store.transaction(db):
        row = own_plan_item(db, actor, item_id, "i.done_on",
                            missing=Message("That plan item no longer exists"))
        db.execute("UPDATE plan_items SET done_on = ? WHERE id = ?",
                   [day and day.isoformat(), item_id])
        store.audit(db, actor.id, "update", "plan_items", item_id,
                    {"previous_done_on": row["done_on"], "done_on": day and day.isoformat()})
        store.bump_data_version(db, actor.chapter_id)
