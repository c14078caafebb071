"""If–then next steps: a next step can carry "When …, I will …" beside its text
(both parts optional). Implementation intentions of this form help people follow
through on what they meant to do (Gollwitzer & Sheeran, 2006)."""

from __future__ import annotations

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, PlanItem, ValidationError, clean_text
from allyship.core.wording import message_of
from allyship.db import store
from allyship.i18n import Message, Translator, translator_for
from allyship.practice import plans

PART_MAX = 300


def describe(item: PlanItem, tr: Translator | None = None) -> str:
    """The step as the member wrote it: "When …, I will …" where given, else its text;
    the joining words in ``tr``'s language (English by default)."""
    return phrase(item.text, item.if_when, item.if_then, tr)


def phrase(text: str, if_when: str | None, if_then: str | None,
           tr: Translator | None = None) -> str:
    """:func:`describe` from the stored columns (the calendar feed reads them directly)."""
    _ = (tr or translator_for("en")).gettext
    when, then = (if_when or "").strip(), (if_then or "").strip()
    if when and then:
        return _("When {when}, I will {then}").format(when=when, then=then)
    if then:
        return _("I will {then}").format(then=then)
    if when:
        return _("When {when}: {text}").format(when=when, text=text)
    return text


def set_if_then(db: sqlite_utils.Database, actor: Member, item_id: int, when: str,
                then: str) -> None:
    """Write (or clear, with two empty parts) the if–then form of one of the actor's own
    next steps."""
    actor = access.require_active(actor)
    errors: dict[str, str] = {}
    parts = {}
    for key, label, value in (("if_when", Message("When …"), when),
                              ("if_then", Message("I will …"), then)):
        try:
            parts[key] = clean_text(value, label, max_len=PART_MAX, required=False)
        except ValueError as exc:
            errors[key] = message_of(exc)
    if errors:
        raise ValidationError(errors)
    with store.transaction(db):
        row = plans.own_plan_item(db, actor, item_id, "i.kind, i.if_when, i.if_then",
                                  missing=Message("That next step no longer exists."))
        if row["kind"] != "next_step":
            raise ValidationError({"item": Message("If–then plans are for next steps")})
        if (row["if_when"], row["if_then"]) == (parts["if_when"], parts["if_then"]):
            return
        db.execute("UPDATE plan_items SET if_when = ?, if_then = ? WHERE id = ?",
                   [parts["if_when"], parts["if_then"], item_id])
        # The plan's words stay out of the audit log's visible fields (as for plans).
        store.audit(db, actor.id, "update", "plan_items", item_id,
                    {"if_then": bool(parts["if_when"] or parts["if_then"])})
        store.bump_data_version(db)
