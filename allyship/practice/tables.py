"""Tables the member pages show and edit: domain records ⇄ pandas frames.

Pure functions (no Streamlit), so what a page shows and how an edited table turns
back into drafts is tested directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pandas as pd

from allyship.core.dates import days_of_week, format_day
from allyship.core.handout import ACTION_KINDS, RESPONSIBILITIES, responsibility
from allyship.core.models import (
    Action,
    ActionDraft,
    Plan,
    PlanItemDraft,
    ValidationError,
)
from allyship.i18n import N_, Message, Translator, handout, translator_for
from allyship.practice import days as reader_days

RESPONSIBILITY_LABELS: list[str] = [r.label for r in RESPONSIBILITIES]
_LABEL_TO_NUMBER = {r.label: r.number for r in RESPONSIBILITIES}


def _english(tr: Translator | None) -> Translator:
    return tr if tr is not None else translator_for("en")


def responsibility_label(number: int, tr: Translator | None = None) -> str:
    """"3. Integrity and direct communication", in ``tr``'s language (English by
    default)."""
    if tr is None:
        return responsibility(number).label
    return handout.responsibility(tr, number).label


def responsibility_labels(tr: Translator | None = None) -> list[str]:
    """The eight responsibilities' labels, in order, in ``tr``'s language."""
    return [responsibility_label(r.number, tr) for r in RESPONSIBILITIES]


def _titles(numbers: Iterable[int], tr: Translator | None) -> str:
    if tr is None:
        return ", ".join(responsibility(r).title for r in numbers)
    return ", ".join(handout.responsibility(tr, r).title for r in numbers)


def actions_frame(actions: Iterable[Action], tr: Translator | None = None) -> pd.DataFrame:
    """The member's actions as a table: newest first, responsibilities by short title.
    Column names stay English (they are keys); the values are in ``tr``'s language."""
    kinds = kind_labels(tr)
    shown = visibility_labels(tr)
    rows = [{
        "id": a.id,
        "Date": format_day(a.done_on) if tr is None else reader_days.day(tr, a.done_on),
        "What I did": a.description,
        "Responsibilities": _titles(a.responsibilities, tr),
        "Kind": kinds.get(a.kind, a.kind),
        "Minutes": a.minutes,
        "Shared with": shown.get(a.visibility, a.visibility),
    } for a in actions]
    columns = ["id", "Date", "What I did", "Responsibilities", "Kind", "Minutes", "Shared with"]
    return pd.DataFrame(rows, columns=columns)


def next_steps_frame(plan: Plan | None, today: date) -> pd.DataFrame:
    """Open next steps of a plan, soonest due first, with an overdue flag."""
    columns = ["id", "Next step", "Due", "Overdue"]
    if plan is None:
        return pd.DataFrame(columns=columns)
    # "When …, I will …" where the member wrote the step as an if–then plan.
    from allyship.practice import (
        if_then,  # here, not at the top: keeps the issue-15 edit local
    )

    rows = [{"id": i.id, "Next step": if_then.describe(i), "Due": i.due_on,
             "Overdue": i.is_overdue(today)}
            for i in plan.next_steps if i.done_on is None]
    rows.sort(key=lambda r: (r["Due"] is None, r["Due"] or date.max))
    return pd.DataFrame(rows, columns=columns)


# --- the plan's editable lists ------------------------------------------------------

LEARNING_COLUMNS = ["Order", "Learning activity", "id"]
NEXT_STEP_COLUMNS = ["Order", "Next step", "Due", "Done on", "id"]


def plan_item_frames(plan: Plan | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan's learning activities and next steps as two editable tables."""
    learning = [{"Order": n, "Learning activity": i.text, "id": i.id}
                for n, i in enumerate(plan.learning_activities if plan else (), start=1)]
    steps = [{"Order": n, "Next step": i.text, "Due": i.due_on, "Done on": i.done_on, "id": i.id}
             for n, i in enumerate(plan.next_steps if plan else (), start=1)]
    lf = pd.DataFrame(learning, columns=LEARNING_COLUMNS).astype({"Order": "Int64", "id": "Int64"})
    nf = pd.DataFrame(steps, columns=NEXT_STEP_COLUMNS).astype({"Order": "Int64", "id": "Int64"})
    for col in ("Due", "Done on"):
        nf[col] = pd.to_datetime(nf[col]).dt.date if len(nf) else pd.Series(dtype="object")
    return lf, nf


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def _as_date(value: Any) -> Any:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _as_id(value: Any) -> int | None:
    return None if _blank(value) else int(value)


def _ordered(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Rows without an order go last, in the order they were typed.
    return sorted(records, key=lambda r: (_blank(r.get("Order")),
                                          0 if _blank(r.get("Order")) else float(r["Order"])))


def plan_items_from_frames(learning: pd.DataFrame, steps: pd.DataFrame) -> tuple[PlanItemDraft, ...]:
    """Edited tables back into plan item drafts, in the order the member set.

    Wholly empty rows (an added row left blank) are dropped.
    """
    items: list[PlanItemDraft] = []
    for r in _ordered(learning.to_dict("records")):
        if _blank(r.get("Learning activity")):
            continue
        items.append(PlanItemDraft("learning_activity", str(r["Learning activity"]),
                                   id=_as_id(r.get("id"))))
    for r in _ordered(steps.to_dict("records")):
        if _blank(r.get("Next step")) and _blank(r.get("Due")) and _blank(r.get("Done on")):
            continue
        text = "" if _blank(r.get("Next step")) else str(r["Next step"])
        items.append(PlanItemDraft("next_step", text, _as_date(r.get("Due")),
                                   _as_date(r.get("Done on")), id=_as_id(r.get("id"))))
    return tuple(items)


# --- catching up on a week ------------------------------------------------------------

CATCH_UP_COLUMNS = ["Date", "What I did", "Responsibilities", "Kind", "Minutes", "Shared with"]

# The grid shows and edits labels, never codes: "Private — only me", "Improving access".
KIND_LABELS: dict[str, str] = dict(ACTION_KINDS)
VISIBILITY_LABELS: dict[str, str] = {
    "private": N_("Private — only me"),
    "partners": N_("My partners"),
    "circle": N_("My learning circle"),
    "team": N_("My team"),
    "chapter": N_("The chapter"),
}
_KIND_BY_LABEL = {label: code for code, label in KIND_LABELS.items()}
_VISIBILITY_BY_LABEL = {label: code for code, label in VISIBILITY_LABELS.items()}
KIND_OPTIONS = list(KIND_LABELS.values())
VISIBILITY_OPTIONS = list(VISIBILITY_LABELS.values())


def kind_labels(tr: Translator | None = None) -> dict[str, str]:
    """Each action kind's label in ``tr``'s language, by key."""
    return KIND_LABELS if tr is None else handout.vocabulary(tr, "ACTION_KINDS")


def visibility_labels(tr: Translator | None = None) -> dict[str, str]:
    """Who sees an action, as the grid offers it, in ``tr``'s language, by key."""
    tr = _english(tr)
    return {key: tr.gettext(label) for key, label in VISIBILITY_LABELS.items()}


def catch_up_days(week_monday: date, today: date,
                  tr: Translator | None = None) -> dict[str, date]:
    """The days a catch-up row may be dated, by the label the grid offers
    ("Mon 16 Nov 2026"): the week's days up to today."""
    return {format_day(d) if tr is None else reader_days.day(tr, d): d
            for d in days_of_week(week_monday, today)}


def catch_up_frame(week_monday: date, rows: int = 5,
                   tr: Translator | None = None) -> pd.DataFrame:
    """An empty table for logging several actions of one week at once.

    Dates start blank (the member picks each row's day from the week's days) rather
    than all claiming the Monday; kind and visibility start at their labels.
    """
    return pd.DataFrame({
        "Date": pd.Series([None] * rows, dtype="object"),  # the member picks each row's day
        "What I did": [""] * rows,
        "Responsibilities": [[] for _ in range(rows)],
        "Kind": [kind_labels(tr)["other"]] * rows,
        "Minutes": pd.array([None] * rows, dtype="Int64"),
        "Shared with": [visibility_labels(tr)["private"]] * rows,
    }, columns=CATCH_UP_COLUMNS)


def _catch_up_day(value: Any, days: dict[str, date] | None) -> Any:
    # A label the grid offered, or a date (a frame built in code, a CSV-like source).
    if isinstance(value, str) and days is not None and value in days:
        return days[value]
    return _as_date(value)


def drafts_from_catch_up(frame: pd.DataFrame, token: str,
                         days: dict[str, date] | None = None,
                         tr: Translator | None = None) -> list[ActionDraft]:
    """The filled-in rows of a catch-up table as action drafts (blank rows skipped).

    ``token`` makes each row's idempotency key, so submitting twice logs once. ``days``
    maps the grid's day labels to dates (:func:`catch_up_days`). A filled-in row without
    a day is refused, naming the row. Labels are read in ``tr``'s language or English.
    """
    by_label = {**_LABEL_TO_NUMBER,
                **{label: n for n, label in enumerate(responsibility_labels(tr), start=1)}}
    kind_by_label = {**_KIND_BY_LABEL, **{v: k for k, v in kind_labels(tr).items()}}
    visibility_by_label = {**_VISIBILITY_BY_LABEL,
                           **{v: k for k, v in visibility_labels(tr).items()}}
    drafts: list[ActionDraft] = []
    errors: dict[str, str] = {}
    for n, r in enumerate(frame.to_dict("records"), start=1):
        labels = r.get("Responsibilities")
        if isinstance(labels, str) or not hasattr(labels, "__iter__"):
            labels = [] if _blank(labels) else [labels]
        labels = list(labels)
        if _blank(r.get("What I did")) and not labels:
            continue
        numbers: list[int] = []
        for label in labels:
            if label in by_label:
                numbers.append(by_label[label])
            else:
                errors[f"row {n}: responsibilities"] = Message(
                    "Unknown responsibility {label}", label=repr(label))
        done_on = _catch_up_day(r.get("Date"), days)
        if done_on is None:
            errors[f"row {n}: date"] = Message("Row {row}: choose the day you did it", row=n)
        kind = r.get("Kind")
        kind = "other" if _blank(kind) else kind_by_label.get(kind, kind)
        visibility = r.get("Shared with")
        visibility = ("private" if _blank(visibility)
                      else visibility_by_label.get(visibility, visibility))
        minutes = r.get("Minutes")
        drafts.append(ActionDraft(
            done_on=done_on,
            description="" if _blank(r.get("What I did")) else str(r["What I did"]),
            responsibilities=tuple(numbers),
            kind=kind,
            minutes=None if _blank(minutes) else minutes,
            visibility=visibility,
            idempotency_key=f"{token}:{n}",
        ))
    if errors:
        raise ValidationError(errors)
    return drafts


SHARED_WITH = {"chapter": N_("the chapter"), "team": N_("the team"),
               "circle": N_("the circle"), "partners": N_("partners")}


def shared_frame(pairs: Iterable[tuple[Any, Action]],
                 tr: Translator | None = None) -> pd.DataFrame:
    """Shared actions with who shared them, newest first (never counted per person).
    Column names stay English (keys); the values are in ``tr``'s language."""
    words = _english(tr)
    rows = [{
        "Date": format_day(a.done_on) if tr is None else reader_days.day(tr, a.done_on),
        "Who": owner.name,
        "What they did": a.description,
        "Responsibilities": _titles(a.responsibilities, tr),
        "Shared with": words.gettext(SHARED_WITH[a.visibility])
        if a.visibility in SHARED_WITH else a.visibility,
    } for owner, a in pairs]
    return pd.DataFrame(rows, columns=["Date", "Who", "What they did", "Responsibilities",
                                       "Shared with"])
