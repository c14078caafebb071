"""Records of the domain as dataclasses, and the validation of what people type.

Validation lives here so that forms, CSV imports and the command line all apply
the same rules. A :class:`ValidationError` carries one plain-words message per
field, so a form can show each next to what the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from allyship.core.addresses import entry_problem
from allyship.core.wording import Message, message_of
from allyship.core.handout import (
    ACTION_KINDS,
    PLAN_ITEM_KINDS,
    PRACTICE_QUESTIONS,
    REFLECTION_VISIBILITIES,
    RESPONSIBILITY_NUMBERS,
    ROLES,
    VISIBILITIES,
)

TEXT_MAX = 2000
NAME_MAX = 120
MINUTES_MAX = 1440
# Control characters other than tab and newline corrupt exports and terminals.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates are not text: they arrive from undecodable bytes (a mis-encoded file,
# a terminal argument) and cannot be stored or exported as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


class ValidationError(ValueError):
    """What was wrong with an entry, as ``{field: message}`` in plain words."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class _Collector:
    """Gathers every field's problem before raising, so the user sees them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def clean_text(
    value: Any,
    label: str,
    *,
    max_len: int = TEXT_MAX,
    required: bool = True,
) -> str:
    """Normalise free text and check it; raises ``ValueError`` with a plain message.

    Text is NFC-normalised, line endings unified, surrounding whitespace removed.
    Control characters (NUL and friends) are refused rather than silently dropped.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if _CONTROL.search(text):
        raise ValueError(Message("{label} contains control characters (such as NUL); please "
                                 "remove them", label=label))
    if _SURROGATE.search(text):
        raise ValueError(Message("{label} contains bytes that are not valid text (check the "
                                 "file's or terminal's encoding)", label=label))
    if required and not text:
        raise ValueError(Message("{label} is required", label=label))
    if len(text) > max_len:
        # The numbers' grouping is the template's: "2,001" in English, "2001" in Spanish.
        raise ValueError(Message("{label} is {length:,} characters long; the limit is "
                                 "{limit:,}", label=label, length=len(text), limit=max_len))
    return text


# Joiners that some scripts (Persian, Indic) and emoji sequences need inside a name.
_NAME_JOINERS = {"\u200c", "\u200d"}
_INVISIBLE = {"Cc": Message("a control character such as a tab or a line break"),
              "Cf": Message("an invisible formatting character"),
              "Zl": Message("a line separator"), "Zp": Message("a paragraph separator")}


def clean_name(value: Any, label: str, *, max_len: int = NAME_MAX) -> str:
    """A name as stored (a member's, a team's, a chapter's, a region's, a circle's): text
    on one line, as :func:`clean_text`, and refusing line and paragraph separators, tabs,
    newlines and other control or invisible formatting characters (Unicode Cc, Cf, Zl,
    Zp: they end up in email subjects, file names and tables), except the joiners that
    some scripts and emoji need. ``ValueError`` in plain words."""
    text = clean_text(value, label, max_len=max_len)
    for ch in text:
        kind = _INVISIBLE.get(unicodedata.category(ch))
        if kind and ch not in _NAME_JOINERS:
            code = f"U+{ord(ch):04X}"
            raise ValueError(Message("{label} contains {kind} ({code}); a name must be one "
                                     "line of visible text", label=label, kind=kind, code=code))
    return text


def _text(c: _Collector, name: str, value: Any, label: str, **kw: Any) -> str:
    try:
        return clean_text(value, label, **kw)
    except ValueError as exc:
        c.add(name, message_of(exc))
        return ""


def _name(c: _Collector, name: str, value: Any, label: str) -> str:
    try:
        return clean_name(value, label)
    except ValueError as exc:
        c.add(name, message_of(exc))
        return ""


def _choice(c: _Collector, name: str, value: Any, allowed: Iterable[str], label: str) -> str:
    allowed = list(allowed)
    if value not in allowed:
        c.add(name, Message("{label} must be one of: {allowed} (got {value})", label=label,
                            allowed=", ".join(allowed), value=repr(value)))
    return value


def parse_date(value: Any, label: str = Message("Date")) -> date:
    """A ``date`` from a date or an ISO ``YYYY-MM-DD`` string; ``ValueError`` otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(Message("{label} must be a date written YYYY-MM-DD (got {value})",
                                 label=label, value=repr(value))) from None


def _day(c: _Collector, name: str, value: Any, label: str, *, required: bool = True,
         earliest: date | None = None, latest: date | None = None) -> date | None:
    if value in (None, ""):
        if required:
            c.add(name, Message("{label} is required", label=label))
        return None
    try:
        day = parse_date(value, label)
    except ValueError as exc:
        c.add(name, message_of(exc))
        return None
    if latest is not None and day > latest:
        c.add(name, Message("{label} {day} is in the future; log what you have already done",
                            label=label, day=day.isoformat()))
    elif earliest is not None and day < earliest:
        c.add(name, Message("{label} {day} is before {earliest}, when this chapter's "
                            "programme started", label=label, day=day.isoformat(),
                            earliest=earliest.isoformat()))
    return day


# --- people ------------------------------------------------------------------------

@dataclass(frozen=True)
class Chapter:
    id: int
    name: str
    goal_label: str
    started_on: date


@dataclass(frozen=True)
class Team:
    id: int
    chapter_id: int
    name: str
    archived: bool = False


@dataclass(frozen=True)
class Member:
    """A person in a chapter; also the *actor* every domain function is given."""

    id: int
    chapter_id: int
    team_id: int | None
    name: str
    email: str
    role: str = "member"
    active: bool = True
    # Organisation roles, held beside the chapter role: "org_admin" (every
    # chapter's aggregates) or "region_lead" (their region's); None for everyone else.
    org_role: str | None = None
    org_region_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"


@dataclass(frozen=True)
class MemberDraft:
    name: str
    email: str
    role: str = "member"
    team_id: int | None = None

    def validated(self) -> MemberDraft:
        c = _Collector()
        name = _name(c, "name", self.name, Message("Name"))
        email = _text(c, "email", self.email, Message("Email"), max_len=254).lower()
        problem = entry_problem(email) if email else None
        if problem:  # the sender's own rule: nothing is stored that no email can reach
            c.add("email", problem)
        _choice(c, "role", self.role, ROLES, Message("Role"))
        c.raise_if_any()
        return replace(self, name=name, email=email)


# --- actions -----------------------------------------------------------------------

@dataclass(frozen=True)
class ActionDraft:
    """An action as typed into a form or read from a CSV row, before it is stored."""

    done_on: Any
    description: str
    responsibilities: tuple[int, ...] = ()
    kind: str = "other"
    minutes: Any = None
    visibility: str = "private"
    plan_item_id: int | None = None
    idempotency_key: str | None = None

    def validated(self, *, today: date, earliest: date | None = None) -> ActionDraft:
        """A clean copy, or :class:`ValidationError` naming every bad field."""
        c = _Collector()
        done_on = _day(c, "done_on", self.done_on, Message("Date"), earliest=earliest,
                       latest=today)
        description = _text(c, "description", self.description, Message("What you did"))
        responsibilities: tuple[int, ...] = ()
        try:
            responsibilities = tuple(sorted({int(r) for r in self.responsibilities or ()}))
        except (TypeError, ValueError):
            c.add("responsibilities", Message("Responsibilities must be numbers from 1 to 8"))
        if not responsibilities and "responsibilities" not in c.errors:
            c.add("responsibilities",
                  Message("Choose at least one responsibility this action practised"))
        elif any(r not in RESPONSIBILITY_NUMBERS for r in responsibilities):
            c.add("responsibilities", Message("Responsibilities are numbered 1 to 8"))
        _choice(c, "kind", self.kind, ACTION_KINDS, Message("Kind"))
        _choice(c, "visibility", self.visibility, VISIBILITIES, Message("Visibility"))
        minutes = self.minutes
        if minutes in ("", None):
            minutes = None
        else:
            try:
                if isinstance(minutes, float) and not minutes.is_integer():
                    raise ValueError
                minutes = int(str(minutes).strip()) if isinstance(minutes, str) else int(minutes)
                if not 0 <= minutes <= MINUTES_MAX:
                    c.add("minutes", Message("Minutes must be between 0 and {limit} (one day)",
                                            limit=MINUTES_MAX))
            except (TypeError, ValueError):
                c.add("minutes", Message("Minutes must be a whole number (got {value})",
                                        value=repr(self.minutes)))
        c.raise_if_any()
        return replace(self, done_on=done_on, description=description,
                       responsibilities=responsibilities, minutes=minutes)


@dataclass(frozen=True)
class Action:
    id: int
    member_id: int
    done_on: date
    week_start: date
    description: str
    responsibilities: tuple[int, ...]
    kind: str
    minutes: int | None
    visibility: str
    plan_item_id: int | None = None


# --- plans -------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanItemDraft:
    kind: str
    text: str
    due_on: Any = None
    done_on: Any = None
    id: int | None = None


@dataclass(frozen=True)
class PlanItem:
    id: int
    kind: str
    text: str
    due_on: date | None
    done_on: date | None
    position: int
    # A next step as an if–then plan, "When <if_when>, I will <if_then>" (both
    # optional, beside the text); set with allyship.practice.if_then.
    if_when: str = ""
    if_then: str = ""

    def is_overdue(self, today: date) -> bool:
        return self.kind == "next_step" and self.done_on is None and \
            self.due_on is not None and self.due_on < today


def _item_label(kind: str, number: int, part: str) -> Message:
    """A plan item's name in a message ("Next step 3", "Learning activity 2 due date"):
    each a whole phrase, so a language can order its words."""
    labels = {
        ("learning_activity", ""): Message("Learning activity {number}", number=number),
        ("next_step", ""): Message("Next step {number}", number=number),
        ("", ""): Message("Item {number}", number=number),
        ("learning_activity", "due"): Message("Learning activity {number} due date",
                                              number=number),
        ("next_step", "due"): Message("Next step {number} due date", number=number),
        ("", "due"): Message("Item {number} due date", number=number),
        ("learning_activity", "done"): Message("Learning activity {number} done date",
                                               number=number),
        ("next_step", "done"): Message("Next step {number} done date", number=number),
        ("", "done"): Message("Item {number} done date", number=number),
    }
    return labels[(kind if kind in PLAN_ITEM_KINDS else "", part)]


@dataclass(frozen=True)
class PlanDraft:
    """The handout's Action Plan as typed, with its learning activities and next steps."""

    focus_group: str
    motivation: str = ""
    supports_goal: str = ""
    feedback: str = ""
    items: tuple[PlanItemDraft, ...] = ()

    def validated(self, *, today: date) -> PlanDraft:
        c = _Collector()
        focus = _text(c, "focus_group", self.focus_group, Message("Group to be in allyship with"),
                      max_len=NAME_MAX)
        motivation = _text(c, "motivation", self.motivation, Message("Personal motivation"),
                           required=False)
        supports = _text(c, "supports_goal", self.supports_goal,
                         Message("How it supports the goal"), required=False)
        feedback = _text(c, "feedback", self.feedback, Message("What you were told"),
                         required=False)
        items: list[PlanItemDraft] = []
        for i, item in enumerate(self.items, start=1):
            key = f"items.{i}"
            _choice(c, key, item.kind, PLAN_ITEM_KINDS, Message("Item {number} kind", number=i))
            text = _text(c, key, item.text, _item_label(item.kind, i, ""))
            due = _day(c, key, item.due_on, _item_label(item.kind, i, "due"),
                       required=False)
            done = _day(c, key, item.done_on,
                        _item_label(item.kind, i, "done"),
                        required=False, latest=today)
            items.append(replace(item, text=text, due_on=due, done_on=done))
        if len(items) > 50:
            c.add("items", Message("A plan can hold at most 50 learning activities and next steps"))
        c.raise_if_any()
        return replace(self, focus_group=focus, motivation=motivation,
                       supports_goal=supports, feedback=feedback, items=tuple(items))


@dataclass(frozen=True)
class Plan:
    id: int
    member_id: int
    focus_group: str
    motivation: str
    supports_goal: str
    feedback: str
    status: str
    version: int
    updated_at: str
    items: tuple[PlanItem, ...] = field(default_factory=tuple)

    @property
    def learning_activities(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.kind == "learning_activity")

    @property
    def next_steps(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.kind == "next_step")


# --- reflections -------------------------------------------------------------------

QUESTION_NUMBERS = tuple(q.number for q in PRACTICE_QUESTIONS)


@dataclass(frozen=True)
class ReflectionDraft:
    """Answers to some of the five practice questions for one week."""

    week_start: Any
    answers: dict[int, str]
    visibility: str = "private"

    def validated(self, *, today: date) -> ReflectionDraft:
        c = _Collector()
        day = _day(c, "week_start", self.week_start, Message("Week"), latest=today)
        _choice(c, "visibility", self.visibility, REFLECTION_VISIBILITIES, Message("Visibility"))
        answers: dict[int, str] = {}
        for number, answer in self.answers.items():
            if number not in QUESTION_NUMBERS:
                c.add(f"q{number}", Message("Practice questions are numbered 1 to 5"))
                continue
            text = _text(c, f"q{number}", answer,
                         Message("Answer to question {number}", number=number), required=False)
            answers[number] = text
        if not any(answers.values()) and not c.errors:
            c.add("answers", Message("Write an answer to at least one question"))
        c.raise_if_any()
        return replace(self, week_start=week_start(day), answers=answers)


@dataclass(frozen=True)
class Reflection:
    id: int
    member_id: int
    week_start: date
    question: int
    answer: str
    visibility: str
    updated_at: str
