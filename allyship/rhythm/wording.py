"""The weekly rhythm's words in its reader's language: whose translator a message, a
calendar feed or a link's page uses, and the dates they show.

Emails and feeds are read away from a browser, so the reader's language is their own
setting, else their chapter's default, else English
(:func:`allyship.i18n.translator_for_recipient`). The day formats are catalogue
messages (context ``CLDR date pattern``): English keeps the wording the emails always
had ("07 December", "Fri 11 Dec"); a language reorders them in its catalogue.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlite_utils
from babel import dates as babel_dates

from allyship.core.models import Member
from allyship.i18n import Translator, available_languages, negotiate, translator_for
from allyship.people import language_settings


def recipient_translator(member: str | None, chapter: str | None) -> Translator:
    """:func:`allyship.i18n.translator_for_recipient`, the pseudo-locale included: no
    member can choose it, but a test that stores it reads every message marked."""
    return translator_for(negotiate(available_languages(include_pseudo=True), member=member,
                                    chapter=chapter))


def member_translator(db: sqlite_utils.Database, member: Member) -> Translator:
    """The translator for what ``member`` reads by email, in a calendar or on a link."""
    return recipient_translator(language_settings.member_language(db, member.id),
                                language_settings.chapter_language(db, member.chapter_id))


def translator_of(db: sqlite_utils.Database, member_id: int) -> Translator:
    """:func:`member_translator` for a member known only by id (a signed link's)."""
    row = db.execute("SELECT m.language, c.default_language FROM members m"
                     " JOIN chapters c ON c.id = m.chapter_id WHERE m.id = ?",
                     [member_id]).fetchone()
    return recipient_translator(*(row or (None, None)))


def _pattern(tr: Translator, day: date | datetime, pattern: str) -> str:
    return babel_dates.format_date(day, pattern, locale=tr.locale)


def day_and_month(tr: Translator, day: date | datetime) -> str:
    """"07 December", "7 de diciembre"."""
    # Translators: a CLDR date pattern (dd day, MMMM month's name); reorder it, keep the
    # letters, put words between single quotes ("d 'de' MMMM").
    return _pattern(tr, day, tr.pgettext("CLDR date pattern", "dd MMMM"))


def short_day(tr: Translator, day: date | datetime) -> str:
    """"07 Dec", "7 dic"."""
    # Translators: a CLDR date pattern (dd day, MMM short month); reorder it, keep the letters.
    return _pattern(tr, day, tr.pgettext("CLDR date pattern", "dd MMM"))


def short_day_with_year(tr: Translator, day: date | datetime) -> str:
    """"07 Dec 2026", "7 dic 2026"."""
    # Translators: a CLDR date pattern (dd day, MMM short month, y year); keep the letters.
    return _pattern(tr, day, tr.pgettext("CLDR date pattern", "dd MMM y"))


def weekday_and_day(tr: Translator, day: date | datetime) -> str:
    """"Fri 11 Dec", "vie 11 dic"."""
    # Translators: a CLDR date pattern (EEE short weekday, dd day, MMM short month).
    return _pattern(tr, day, tr.pgettext("CLDR date pattern", "EEE dd MMM"))


def full_day(tr: Translator, day: date | datetime) -> str:
    """"Friday 11 December 2026", "viernes 11 de diciembre de 2026"."""
    # Translators: a CLDR date pattern (EEEE weekday, dd day, MMMM month, y year).
    return _pattern(tr, day, tr.pgettext("CLDR date pattern", "EEEE dd MMMM y"))
