"""Days as a member reads them, in their language: "Mon 7 Dec 2026" / "lun 7 dic 2026",
"Today — …", "Week of …".

The same shapes as :mod:`allyship.core.dates` (whose English they keep exactly), through
the reader's translator and Babel's CLDR names; the patterns are catalogue messages so a
language can reorder them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel import dates as babel_dates

from allyship.i18n import Translator
from allyship.i18n.formatting import format_day


def day(tr: Translator, when: date | datetime | None, *, empty: str = "") -> str:
    """"Mon 23 Nov 2026"; ``empty`` for no date."""
    return empty if when is None else format_day(tr, when)


def day_short(tr: Translator, when: date | datetime) -> str:
    """"Mon 23 Nov": for dates inside a week or period already named in full."""
    # Translators: a CLDR date pattern (EEE weekday, d day, MMM month); reorder it for
    # your language, keep the letters.
    return babel_dates.format_date(when, tr.pgettext("CLDR date pattern", "EEE d MMM"),
                                   locale=tr.locale)


def week(tr: Translator, monday: date) -> str:
    """"Week of Mon 16 Nov 2026"."""
    return tr.gettext("Week of {day}").format(day=format_day(tr, monday))


def day_relative(tr: Translator, when: date, today: date) -> str:
    """"Today — Fri 27 Nov 2026", "Yesterday — …", else the plain day."""
    if when == today:
        return tr.gettext("Today — {day}").format(day=format_day(tr, when))
    if when == today - timedelta(days=1):
        return tr.gettext("Yesterday — {day}").format(day=format_day(tr, when))
    return format_day(tr, when)


def grid_format(tr: Translator) -> str:
    """The data grid's date format (moment.js tokens): "ddd D MMM YYYY" in English. The
    grid names months in English only, so another language writes digits."""
    # Translators: moment.js tokens for dates in an editable table, which always names
    # days and months in English: use digits in your language, e.g. "DD/MM/YYYY".
    return tr.pgettext("CLDR date pattern, moment.js tokens", "ddd D MMM YYYY")
