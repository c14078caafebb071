"""The period rule: whole ISO weeks, which of them count, and when two periods compare.

One definition for the chapter's figures, the organisation's, the reports and the
command line: a :class:`Period` is whole weeks (Monday to Sunday); :class:`PeriodWeeks`
says which are programme weeks, which are complete, and which is the unfinished current
week; :class:`Comparison` allows a change only between periods of the same number of
complete programme weeks. The choices pages offer are here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import sqlite_utils

from allyship.core.dates import format_day
from allyship.core.models import ValidationError, parse_date, week_start
from allyship.i18n import N_, Message, Translator, formatting
from allyship.people import roster

STEADY_OF_LAST = (3, 4)  # steady: active in at least 3 of the period's last 4 weeks
QUIET_WEEKS = 3  # quiet: no action in the current week and the 3 before it
MY_WEEKS = 12  # a member's own consistency: the last 12 complete weeks
MIN_CHART_WEEKS = 2  # fewer complete weeks than this, and there is no trend to draw
# The choices' names are also their keys in an address (a bookmark works in any
# language); shown through period_name.
SINCE_START = N_("Since the programme began")
PERIOD_CHOICES: dict[str, int] = {
    N_("Last 4 weeks"): 4,
    N_("Last 12 weeks"): 12,
    N_("Last 26 weeks"): 26,
    N_("Last 52 weeks"): 52,
}
DEFAULT_CHOICE = "Last 12 weeks"


@dataclass(frozen=True)
class Period:
    """Whole ISO weeks: ``start`` is a Monday, ``end`` a Sunday."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            raise ValueError(f"a period starts on a Monday; {self.start} is not one")
        if self.end.weekday() != 6:
            raise ValueError(f"a period ends on a Sunday; {self.end} is not one")
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @classmethod
    def last_weeks(cls, n: int, today: date) -> Period:
        """The ``n`` **complete** weeks before the week that contains ``today`` (the
        unfinished current week is never mixed in: see :meth:`this_week`)."""
        if n < 1:
            raise ValueError("a period is at least one week long")
        monday = week_start(today)
        return cls(monday - timedelta(weeks=n), monday - timedelta(days=1))

    @classmethod
    def this_week(cls, today: date) -> Period:
        """The week containing ``today`` — unfinished until its Sunday has passed."""
        monday = week_start(today)
        return cls(monday, monday + timedelta(days=6))

    @classmethod
    def between(cls, start: Any, end: Any) -> Period:
        """The whole weeks covering ``start``–``end`` (dates or ISO strings).

        Raises :class:`ValidationError` in plain words when the dates do not make a period.
        """
        errors: dict[str, str] = {}
        try:
            first = parse_date(start, "Start date")
        except ValueError as exc:
            errors["start"] = str(exc)
        try:
            last = parse_date(end, "End date")
        except ValueError as exc:
            errors["end"] = str(exc)
        if not errors and last < first:
            errors["end"] = Message("The end date is before the start date")
        if errors:
            raise ValidationError(errors)
        return cls(week_start(first), week_start(last) + timedelta(days=6))

    @property
    def n_weeks(self) -> int:
        return ((self.end - self.start).days + 1) // 7

    @property
    def weeks(self) -> tuple[date, ...]:
        """The Mondays of the period, oldest first."""
        return _mondays(self.start, self.n_weeks)

    def weeks_until(self, today: date) -> tuple[date, ...]:
        """The period's weeks that have started by ``today``."""
        return tuple(w for w in self.weeks if w <= today)

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - timedelta(weeks=self.n_weeks), self.start - timedelta(days=1))

    def as_of(self, today: date) -> date:
        """The day the period's snapshot figures (overdue, open) are taken: its end, or today."""
        return min(today, self.end)

    @property
    def dates(self) -> str:
        return self.dates_in()

    @property
    def label(self) -> str:
        return self.label_in()

    def dates_in(self, tr: Translator | None = None) -> str:
        """"Mon 14 Sep 2026 – Sun 6 Dec 2026", in ``tr``'s language (English without)."""
        if tr is None:
            return f"{format_day(self.start)} – {format_day(self.end)}"
        return f"{formatting.format_day(tr, self.start)} – {formatting.format_day(tr, self.end)}"

    def label_in(self, tr: Translator | None = None) -> str:
        """The dates and how many weeks: "… (12 weeks)"."""
        return f"{self.dates_in(tr)} ({weeks_words(self.n_weeks, tr)})"


def weeks_words(n: int, tr: Translator | None = None) -> str:
    """"1 week", "12 weeks" (in ``tr``'s language)."""
    if tr is None:
        return f"{n} week{'' if n == 1 else 's'}"
    return formatting.count_weeks(tr, n)


def period_name(name: str, tr: Translator | None = None) -> str:
    """A period choice (:data:`SINCE_START`, a key of :data:`PERIOD_CHOICES`) as shown."""
    return name if tr is None else tr.gettext(name)


# The weeks of a period, asked for many times over (the organisation's figures ask once
# per chapter and figure), are worked out once: pure functions of their arguments.
@lru_cache(maxsize=1024)
def _mondays(start: date, n_weeks: int) -> tuple[date, ...]:
    return tuple(start + timedelta(weeks=i) for i in range(n_weeks))


@lru_cache(maxsize=1024)
def _programme_weeks(period: Period, started: date, today: date) -> tuple[date, ...]:
    return tuple(w for w in period.weeks_until(today) if w >= started)


@lru_cache(maxsize=1024)
def _complete_weeks(period: Period, started: date, today: date) -> tuple[date, ...]:
    return tuple(w for w in _programme_weeks(period, started, today)
                 if week_is_complete(w, today))


def week_is_complete(monday: date, today: date) -> bool:
    """A week is complete once its Sunday is over (so never on the day itself)."""
    return monday + timedelta(days=6) < today


def programme_start(db: sqlite_utils.Database, chapter_id: int) -> date:
    """The Monday of the week the chapter's programme began: no earlier week counts."""
    return week_start(roster.get_chapter(db, chapter_id).started_on)


@dataclass(frozen=True)
class PeriodWeeks:
    """A period as it stands in one chapter on ``today``: which of its weeks are
    programme weeks, which of those are complete, and the unfinished one (if any).

    This is the one definition every figure uses: the Team progress page, My week,
    the chapter report (HTML, Markdown, CSV) and the command line.
    """

    period: Period
    started: date  # the programme's first Monday
    today: date

    @property
    def weeks(self) -> tuple[date, ...]:
        """Programme weeks that have started by today (the figures' weeks)."""
        return _programme_weeks(self.period, self.started, self.today)

    @property
    def complete(self) -> tuple[date, ...]:
        """Programme weeks whose Sunday has passed."""
        return _complete_weeks(self.period, self.started, self.today)

    @property
    def in_progress(self) -> date | None:
        """The unfinished current week, if the period includes it."""
        return next((w for w in self.weeks if not week_is_complete(w, self.today)), None)

    @property
    def before_programme(self) -> int:
        return sum(1 for w in self.period.weeks if w < self.started)

    @property
    def not_yet(self) -> int:
        """Weeks of the period that have not started by today."""
        return sum(1 for w in self.period.weeks if w > self.today)

    @property
    def empty(self) -> bool:
        """No programme week at all: nothing to report."""
        return not self.weeks

    @property
    def enough_for_charts(self) -> bool:
        return len(self.complete) >= MIN_CHART_WEEKS

    @property
    def label(self) -> str:
        """The dates, and in words how many weeks count."""
        return self.label_in()

    def label_in(self, tr: Translator | None = None) -> str:
        """:attr:`label` in ``tr``'s language (English without one)."""
        if tr is None:
            n, c = self.period.n_weeks, len(self.complete)
            extra = []
            if self.before_programme:
                extra.append(f"{self.before_programme} before the programme began")
            if self.in_progress is not None:
                extra.append("the current week, still in progress")
            if self.not_yet:
                extra.append(f"{self.not_yet} not yet begun")
            words = weeks_words(n) + (f"; {c} complete in the programme" if extra else "")
            return (f"{self.period.dates} ({words}" + (", ".join([""] + extra) if extra else "")
                    + ")")
        return _weeks_label(self, tr)


def period_weeks(db: sqlite_utils.Database, chapter_id: int, period: Period,
                 today: date) -> PeriodWeeks:
    return PeriodWeeks(period, programme_start(db, chapter_id), today)


@dataclass(frozen=True)
class Comparison:
    """Whether a period's figures may be compared with the period just before it.

    Only when both consist of the same number of complete programme weeks and
    nothing else: no week before the programme, no unfinished or future week.
    Otherwise there is no comparison, and :attr:`reason` says why in words.
    """

    now: PeriodWeeks
    before: PeriodWeeks

    @property
    def comparable(self) -> bool:
        n = self.now.period.n_weeks
        return len(self.now.complete) == len(self.before.complete) == n \
            and len(self.before.period.weeks) == n

    @property
    def reason(self) -> str | None:
        """Why there is no comparison (``None`` when there is one)."""
        return self.reason_in()

    @property
    def note(self) -> str:
        """One sentence for under the headline figures."""
        return self.note_in()

    def note_in(self, tr: Translator | None = None) -> str:
        """:attr:`note` in ``tr``'s language (English without one)."""
        if tr is not None:
            return _comparison_note(self, tr)
        if self.comparable:
            return (f"Changes compare with the {weeks_words(self.before.period.n_weeks)} "
                    f"before ({self.before.period.dates}).")
        return f"No comparison: {self.reason}."

    def reason_in(self, tr: Translator | None = None) -> str | None:
        """:attr:`reason` in ``tr``'s language (English without one)."""
        if self.comparable:
            return None
        if tr is not None:
            return _comparison_reason(self, tr)
        now, before = self.now, self.before
        n = now.period.n_weeks
        started = format_day(now.started)
        if now.empty:
            return f"this period lies wholly before the programme began ({started})"
        if now.in_progress is not None or now.not_yet:
            return ("this period includes the current week, which is not over yet" +
                    (f", and {now.not_yet} that have not begun" if now.not_yet else ""))
        if now.before_programme:
            return (f"this period includes {weeks_words(now.before_programme)} before the "
                    f"programme began ({started})")
        if before.before_programme >= n:
            return (f"the programme had not begun in the previous {weeks_words(n)} "
                    f"({before.period.dates})")
        return (f"the previous {weeks_words(n)} ({before.period.dates}) include "
                f"{before.before_programme} before the programme began ({started})")


def comparison(db: sqlite_utils.Database, chapter_id: int, period: Period,
               today: date) -> Comparison:
    """The one comparable-period rule (see :class:`Comparison`)."""
    started = programme_start(db, chapter_id)
    return Comparison(PeriodWeeks(period, started, today),
                      PeriodWeeks(period.previous(), started, today))


def period_options(db: sqlite_utils.Database, chapter_id: int,
                   today: date) -> tuple[dict[str, Period], str]:
    """The periods a progress view offers, and which one it opens on.

    "Since the programme began" (its complete weeks, or the current week while there
    is none yet) plus the last 4/12/26/52 complete weeks. The default is the last 12
    weeks, unless the programme is younger than that: then "since the programme began".
    """
    started = programme_start(db, chapter_id)
    last_complete = week_start(today) - timedelta(days=1)
    since = (Period(started, last_complete) if started <= last_complete - timedelta(days=6)
             else Period.this_week(max(today, started)))
    options = {SINCE_START: since,
               **{name: Period.last_weeks(n, today) for name, n in PERIOD_CHOICES.items()}}
    default = DEFAULT_CHOICE if options[DEFAULT_CHOICE].start >= started else SINCE_START
    return options, default



# --- the same words in a reader's language -------------------------------------------------

def _weeks_label(weeks: PeriodWeeks, tr: Translator) -> str:
    """:attr:`PeriodWeeks.label` in ``tr``'s language."""
    n, c = weeks.period.n_weeks, len(weeks.complete)
    dates = weeks.period.dates_in(tr)
    extra = []
    if weeks.before_programme:
        extra.append(tr.ngettext("{count} before the programme began",
                                 "{count} before the programme began",
                                 weeks.before_programme).format(count=weeks.before_programme))
    if weeks.in_progress is not None:
        extra.append(tr.gettext("the current week, still in progress"))
    if weeks.not_yet:
        extra.append(tr.ngettext("{count} not yet begun", "{count} not yet begun",
                                 weeks.not_yet).format(count=weeks.not_yet))
    if not extra:
        # Translators: a period's dates and its length, e.g. "… – … (12 weeks)".
        return tr.gettext("{dates} ({weeks})").format(dates=dates, weeks=weeks_words(n, tr))
    # Translators: {details} lists what else the period holds, e.g. "2 before the
    # programme began, the current week, still in progress".
    return tr.ngettext("{dates} ({weeks}; {count} complete in the programme, {details})",
                       "{dates} ({weeks}; {count} complete in the programme, {details})",
                       c).format(dates=dates, weeks=weeks_words(n, tr), count=c,
                                 details=", ".join(extra))


def _comparison_reason(compared: Comparison, tr: Translator) -> str:
    """:attr:`Comparison.reason` in ``tr``'s language (a clause, lower case)."""
    now, before = compared.now, compared.before
    n = now.period.n_weeks
    started = formatting.format_day(tr, now.started)
    if now.empty:
        return tr.gettext("this period lies wholly before the programme began "
                          "({started})").format(started=started)
    if now.in_progress is not None or now.not_yet:
        if not now.not_yet:
            return tr.gettext("this period includes the current week, which is not over yet")
        return tr.ngettext(
            "this period includes the current week, which is not over yet, and {count} "
            "that has not begun",
            "this period includes the current week, which is not over yet, and {count} "
            "that have not begun", now.not_yet).format(count=now.not_yet)
    if now.before_programme:
        return tr.ngettext(
            "this period includes {count} week before the programme began ({started})",
            "this period includes {count} weeks before the programme began ({started})",
            now.before_programme).format(count=now.before_programme, started=started)
    dates = before.period.dates_in(tr)
    if before.before_programme >= n:
        return tr.ngettext(
            "the programme had not begun in the previous {count} week ({dates})",
            "the programme had not begun in the previous {count} weeks ({dates})",
            n).format(count=n, dates=dates)
    return tr.ngettext(
        "the previous {count} week ({dates}) include {before} before the programme began "
        "({started})",
        "the previous {count} weeks ({dates}) include {before} before the programme began "
        "({started})", n).format(count=n, dates=dates, before=before.before_programme,
                                 started=started)


def _comparison_note(compared: Comparison, tr: Translator) -> str:
    """:attr:`Comparison.note` in ``tr``'s language."""
    if compared.comparable:
        previous = compared.before.period
        return tr.ngettext("Changes compare with the {count} week before ({dates}).",
                           "Changes compare with the {count} weeks before ({dates}).",
                           previous.n_weeks).format(count=previous.n_weeks,
                                                    dates=previous.dates_in(tr))
    # Translators: {reason} is a clause such as "this period includes the current week…".
    return tr.gettext("No comparison: {reason}.").format(reason=_comparison_reason(compared, tr))
