"""Dates, numbers, durations and counts in a translator's language, through Babel (CLDR).

Every function takes the translator explicitly: "lun 7 dic 2026" / "Mon 7 Dec 2026",
"12,5 h" / "12.5 h". Durations follow the app's rule — minutes under two hours, hours
with one decimal from two hours on.
"""

from __future__ import annotations

from datetime import date, datetime

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from allyship.i18n.catalogues import Translator

# Date patterns are messages (context "CLDR date pattern", kept verbatim by the
# pseudo-locale): a language orders its dates in its catalogue, and one without a
# pattern keeps the English order with its own CLDR names. The app's days are compact,
# without the commas of CLDR's own skeletons.
HOURS_FROM_MINUTES = 120


def format_day(tr: Translator, day: date | datetime) -> str:
    """A day with its weekday, short: "Mon 7 Dec 2026", "lun 7 dic 2026"."""
    # Translators: a CLDR date pattern (EEE weekday, d day, MMM month, y year); reorder it
    # for your language, keep the letters.
    pattern = tr.pgettext("CLDR date pattern", "EEE d MMM y")
    return babel_dates.format_date(day, pattern, locale=tr.locale)


def format_short_day(tr: Translator, day: date | datetime) -> str:
    """A day without the year: "7 Dec", "7 dic"."""
    # Translators: a CLDR date pattern (d day, MMM month); reorder it, keep the letters.
    return babel_dates.format_date(day, tr.pgettext("CLDR date pattern", "d MMM"),
                                   locale=tr.locale)


def format_date(tr: Translator, day: date | datetime, length: str = "medium") -> str:
    """A date in one of CLDR's lengths ("short", "medium", "long", "full")."""
    return babel_dates.format_date(day, length, locale=tr.locale)


def format_number(tr: Translator, value: float) -> str:
    """A whole number with the language's grouping: "1,234" / "1.234"."""
    return babel_numbers.format_decimal(value, format="#,##0", locale=tr.locale)


def format_decimal(tr: Translator, value: float, decimals: int = 1) -> str:
    """A number with ``decimals`` places: "12.5" / "12,5"."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=tr.locale)


def format_percent(tr: Translator, share: float) -> str:
    """A share (0–1) as a whole percentage: "42%" / "42 %"."""
    return babel_numbers.format_percent(share, locale=tr.locale)


def format_hours(tr: Translator, hours: float) -> str:
    """Hours with one decimal: "12.5 h", "12,5 h"."""
    return tr.pgettext("duration", "{hours} h").format(hours=format_decimal(tr, hours))


def format_minutes(tr: Translator, minutes: float) -> str:
    """Time as the app shows it: "45 min" under two hours, else hours ("12,5 h")."""
    if minutes >= HOURS_FROM_MINUTES:
        return format_hours(tr, minutes / 60)
    return tr.pgettext("duration", "{minutes} min").format(
        minutes=format_number(tr, round(minutes)))


def count_weeks(tr: Translator, n: int) -> str:
    """"1 week", "3 weeks"; "1 semana", "3 semanas"."""
    return tr.ngettext("{count} week", "{count} weeks", n).format(count=format_number(tr, n))


def count_actions(tr: Translator, n: int) -> str:
    """"1 action", "3 actions"; "1 acción", "3 acciones"."""
    return tr.ngettext("{count} action", "{count} actions", n).format(
        count=format_number(tr, n))


def count_members(tr: Translator, n: int) -> str:
    """"1 member", "3 members"; "1 integrante", "3 integrantes"."""
    return tr.ngettext("{count} member", "{count} members", n).format(
        count=format_number(tr, n))
