"""Which language people read the app in: a member's own setting and a chapter's default.

A member's setting (``members.language``) wins; without one the browser's language is
used, then the chapter's default (``chapters.default_language``), then English
(:func:`allyship.i18n.negotiate`). Only languages with a catalogue may be chosen; the
pseudo-locale is for tests and never stored.
"""

from __future__ import annotations

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, ValidationError
from allyship.db import store
from allyship.i18n import PSEUDO_LOCALE, Message, available_languages


def _checked(language: str | None, field: str) -> str | None:
    """``language`` if it may be stored (None: automatic), else a ValidationError."""
    if language in (None, ""):
        return None
    if language == PSEUDO_LOCALE or language not in available_languages():
        raise ValidationError({field: Message("Choose one of the languages offered.")})
    return language


def member_language(db: sqlite_utils.Database, member_id: int) -> str | None:
    """The member's own language setting, or None (automatic)."""
    row = next(db.query("SELECT language FROM members WHERE id = ?", [member_id]), None)
    return row["language"] if row else None


def chapter_language(db: sqlite_utils.Database, chapter_id: int) -> str | None:
    """The chapter's default language, or None (English)."""
    row = next(db.query("SELECT default_language FROM chapters WHERE id = ?", [chapter_id]),
               None)
    return row["default_language"] if row else None


def set_member_language(db: sqlite_utils.Database, actor: Member,
                        language: str | None) -> str | None:
    """Set the actor's own language (None: automatic). Only members set their own."""
    language = _checked(language, "language")
    with store.transaction(db):
        before = member_language(db, actor.id)
        if before != language:
            db.execute("UPDATE members SET language = ? WHERE id = ?", [language, actor.id])
            store.audit(db, actor.id, "update", "members", actor.id,
                        {"language": language, "previous": {"language": before}})
    return language


def set_chapter_language(db: sqlite_utils.Database, actor: Member,
                         language: str | None) -> str | None:
    """Set the admin's chapter's default language (None: English)."""
    access.require_admin(actor)
    language = _checked(language, "default_language")
    with store.transaction(db):
        before = chapter_language(db, actor.chapter_id)
        if before != language:
            db.execute("UPDATE chapters SET default_language = ? WHERE id = ?",
                       [language, actor.chapter_id])
            store.audit(db, actor.id, "update", "chapters", actor.chapter_id,
                        {"default_language": language,
                         "previous": {"default_language": before}})
            store.bump_data_version(db, actor.chapter_id)
    return language
