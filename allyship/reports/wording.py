"""The words reports share, in the reader's language: days, numbers, periods, the
comparison between periods, headline figures and the labels the figures carry.

Every function takes a :class:`~allyship.i18n.Translator` (``None`` is English, word for
word as the reports read before they spoke other languages). Numbers are rounded the
way Python's own formatting rounds them before Babel writes them, so a figure reads the
same in every language and the same as on the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from allyship.i18n import N_, SOURCE_LANGUAGE, Translator, formatting, handout, translator_for
from allyship.metrics import disclosure, scopes
from allyship.metrics.overview import NO_CHANGE, Headline
from allyship.metrics.periods import Comparison, Period, PeriodWeeks

# The figures' own labels, made in English below the reports (metrics): translated where
# a report shows them.
FIGURE_LABELS = (N_("Whole chapter"), N_("Other (small groups)"))
HEADLINE_WORDS: dict[str, tuple[str, str]] = {
    "participation": (N_("Weekly participation"),
                      N_("Of active members not away, the share who logged at least one "
                         "action, over the period's weeks together.")),
    "steady": (N_("Steady members"),
               N_("Members active in at least 3 of the last 4 weeks (weeks marked away left "
                  "out).")),
    "coverage": (N_("Responsibilities practised"),
                 N_("How many of the eight responsibilities had at least one action in the "
                    "period.")),
    "actions": (N_("Actions logged"), N_("Actions logged in the period.")),
    "minutes": (N_("Time invested"),
                N_("Minutes recorded on actions (recording minutes is optional).")),
    "overdue": (N_("Next steps overdue"),
                N_("Plan next steps past their due date and not done, on the period's last "
                   "day.")),
}
_NO_CHANGE = N_("no change")


def resolve(tr: Translator | None) -> Translator:
    """``tr``, or English when there is none."""
    return tr or translator_for(SOURCE_LANGUAGE)


# --- days ------------------------------------------------------------------------------------

def day(tr: Translator, when: date | datetime) -> str:
    """"Mon 7 Dec 2026", "lun 7 dic 2026"."""
    return formatting.format_day(tr, when)


def day_short(tr: Translator, when: date | datetime) -> str:
    """A day inside a period already named in full: "Mon 7 Dec", "lun 7 dic"."""
    # Translators: a CLDR date pattern (EEE weekday, d day, MMM month); reorder it, keep
    # the letters.
    return babel_dates.format_date(when, tr.pgettext("CLDR date pattern", "EEE d MMM"),
                                   locale=tr.locale)


def grid_day(tr: Translator, when: date | datetime) -> str:
    """A week in a table column, two-digit days so the rows line up: "Mon 07 Dec 2026"."""
    # Translators: a CLDR date pattern (EEE weekday, dd two-digit day, MMM month, y year)
    # for a table column; reorder it, keep the letters.
    return babel_dates.format_date(when, tr.pgettext("CLDR date pattern", "EEE dd MMM y"),
                                   locale=tr.locale)


def month_day(tr: Translator, when: date) -> str:
    """A chart's week label: "3 Aug", "3 ago"."""
    return formatting.format_short_day(tr, when)


def day_month_year(tr: Translator, when: date) -> str:
    """"3 Aug 2026" (a chart's tooltip)."""
    # Translators: a CLDR date pattern (d day, MMM month, y year); reorder it, keep the
    # letters.
    return babel_dates.format_date(when, tr.pgettext("CLDR date pattern", "d MMM y"),
                                   locale=tr.locale)


# --- numbers ---------------------------------------------------------------------------------

def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def number(tr: Translator, value: float) -> str:
    """A whole number: "1,234", "1.234"."""
    return formatting.format_number(tr, round(value))


def share(tr: Translator, value: float | None) -> str:
    """A share (0–1) as a whole percentage ("42%", "42 %"); "–" when there is none."""
    if missing(value):
        return "–"
    return formatting.format_percent(tr, round(float(value) * 100) / 100)


def decimal(tr: Translator, value: float, places: int = 1) -> str:
    """``value`` with ``places`` decimals: "12.5", "12,5"."""
    return formatting.format_decimal(tr, round(value, places), places)


def signed(tr: Translator, value: float, places: int = 0) -> str:
    digits = "#,##0" + ("." + "0" * places if places else "")
    return babel_numbers.format_decimal(round(value, places), format=f"+{digits};-{digits}",
                                        locale=tr.locale)


def hours(tr: Translator, minutes: float) -> str:
    """Minutes as hours with one decimal: "12.5 h"."""
    return formatting.format_hours(tr, round(minutes / 60, 1))


def figure(tr: Translator, h: Headline, value: float | None) -> str:
    """A value of a headline's measure: a share as %, time in hours from two hours up and
    in minutes below, counts as whole numbers; "–" when there is none."""
    if value is None:
        return "–"
    if h.kind == "share":
        return share(tr, value)
    if h.kind == "minutes":
        return hours(tr, value) if value >= formatting.HOURS_FROM_MINUTES else \
            formatting.format_minutes(tr, round(value))
    return number(tr, value)


def signed_change(tr: Translator, h: Headline) -> str | None:
    """The change against the previous period ("+5 pts", "-1.5 h", "+3"), ``None``
    without a comparison."""
    change = h.change
    if change is None:
        return None
    if h.kind == "share":
        return tr.pgettext("change", "{points} pts").format(points=signed(tr, change * 100))
    if h.kind == "minutes":
        if abs(change) >= formatting.HOURS_FROM_MINUTES:
            return tr.pgettext("duration", "{hours} h").format(
                hours=signed(tr, change / 60, 1))
        return tr.pgettext("duration", "{minutes} min").format(minutes=signed(tr, change))
    return signed(tr, change)


# --- headlines -------------------------------------------------------------------------------

def headline_label(tr: Translator, h: Headline) -> str:
    return tr.gettext(HEADLINE_WORDS.get(h.key, (h.label, h.help))[0])


def headline_help(tr: Translator, h: Headline) -> str:
    return tr.gettext(HEADLINE_WORDS.get(h.key, (h.label, h.help))[1])


def change_words(tr: Translator, h: Headline) -> str:
    """The change in plain words: "+5 pts (better)", "no change", "No comparison"."""
    if h.change is None:
        return tr.gettext("No comparison")
    if h.unchanged:
        return tr.gettext(NO_CHANGE)
    better = (h.change < 0) if h.lower_is_better else (h.change > 0)
    words = tr.gettext("{change} (better)") if better else tr.gettext("{change} (worse)")
    return words.format(change=signed_change(tr, h))


# --- labels the figures carry -----------------------------------------------------------------

def group_label(tr: Translator, label: str) -> str:
    """A team's or scope's label as shown: the app's own words ("Whole chapter", "Other
    (small groups)") translated, a team's name (people's words) as written."""
    if label in (scopes.WHOLE_CHAPTER, disclosure.OTHER_LABEL):
        return tr.gettext(label)
    head, sep, rest = label.partition(" · ")  # "Whole chapter · focus group"
    if sep and head == scopes.WHOLE_CHAPTER:
        return f"{tr.gettext(head)} · {rest}"
    return label


def responsibility_label(tr: Translator, number_: int) -> str:
    """"3. Integrity and direct communication" in ``tr``'s language."""
    return handout.responsibility(tr, int(number_)).label


def action_kind(tr: Translator, key: str) -> str:
    return handout.vocabulary(tr, "ACTION_KINDS").get(key, key)


# --- periods ---------------------------------------------------------------------------------

def period_dates(tr: Translator, period: Period) -> str:
    return tr.gettext("{start} – {end}").format(start=day(tr, period.start),
                                                end=day(tr, period.end))


def period_label(tr: Translator, period: Period) -> str:
    """"Mon 6 Jul 2026 – Sun 27 Sep 2026 (12 weeks)"."""
    return tr.gettext("{dates} ({weeks})").format(dates=period_dates(tr, period),
                                                  weeks=formatting.count_weeks(tr, period.n_weeks))


def weeks_label(tr: Translator, weeks: PeriodWeeks) -> str:
    """The dates, and in words how many weeks count (as :attr:`PeriodWeeks.label`)."""
    extra = []
    if weeks.before_programme:
        extra.append(tr.gettext("{count} before the programme began").format(
            count=weeks.before_programme))
    if weeks.in_progress is not None:
        extra.append(tr.gettext("the current week, still in progress"))
    if weeks.not_yet:
        extra.append(tr.gettext("{count} not yet begun").format(count=weeks.not_yet))
    counted = formatting.count_weeks(tr, weeks.period.n_weeks)
    if not extra:
        return tr.gettext("{dates} ({weeks})").format(dates=period_dates(tr, weeks.period),
                                                      weeks=counted)
    return tr.gettext("{dates} ({weeks}; {complete} complete in the programme, {left_out})"
                      ).format(dates=period_dates(tr, weeks.period), weeks=counted,
                               complete=len(weeks.complete), left_out=", ".join(extra))


def comparison_reason(tr: Translator, c: Comparison) -> str | None:
    """Why there is no comparison (as :attr:`Comparison.reason`), ``None`` when there is."""
    if c.comparable:
        return None
    now, before = c.now, c.before
    n = now.period.n_weeks
    started = day(tr, now.started)
    if now.empty:
        return tr.gettext("this period lies wholly before the programme began ({started})"
                          ).format(started=started)
    if now.in_progress is not None or now.not_yet:
        if now.not_yet:
            return tr.gettext("this period includes the current week, which is not over yet, "
                              "and {count} that have not begun").format(count=now.not_yet)
        return tr.gettext("this period includes the current week, which is not over yet")
    if now.before_programme:
        return tr.gettext("this period includes {weeks} before the programme began "
                          "({started})").format(
            weeks=formatting.count_weeks(tr, now.before_programme), started=started)
    if before.before_programme >= n:
        return tr.gettext("the programme had not begun in the previous {weeks} ({dates})"
                          ).format(weeks=formatting.count_weeks(tr, n),
                                   dates=period_dates(tr, before.period))
    return tr.gettext("the previous {weeks} ({dates}) include {count} before the programme "
                      "began ({started})").format(
        weeks=formatting.count_weeks(tr, n), dates=period_dates(tr, before.period),
        count=before.before_programme, started=started)


def comparison_note(tr: Translator, c: Comparison) -> str:
    """One sentence for under the headline figures (as :attr:`Comparison.note`)."""
    if c.comparable:
        return tr.gettext("Changes compare with the {weeks} before ({dates}).").format(
            weeks=formatting.count_weeks(tr, c.before.period.n_weeks),
            dates=period_dates(tr, c.before.period))
    return tr.gettext("No comparison: {reason}.").format(reason=comparison_reason(tr, c))
