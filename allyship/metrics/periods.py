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
from typing import Any

import sqlite_utils

from allyship.core.dates import format_day
from allyship.core.models import ValidationError, parse_date, week_start
from allyship.people import roster

STEADY_OF_LAST = (3, 4)  # steady: active in at least 3 of the period's last 4 weeks
QUIET_WEEKS = 3  # quiet: no action in the current week and the 3 before it
MY_WEEKS = 12  # a member's own consistency: the last 12 complete weeks
MIN_CHART_WEEKS = 2  # fewer complete weeks than this, and there is no trend to draw
SINCE_START = "Since the programme began"
PERIOD_CHOICES: dict[str, int] = {
    "Last 4 weeks": 4,
    "Last 12 weeks": 12,
    "Last 26 weeks": 26,
    "Last 52 weeks": 52,
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
            errors["end"] = "The end date is before the start date"
        if errors:
            raise ValidationError(errors)
        return cls(week_start(first), week_start(last) + timedelta(days=6))

    @property
    def n_weeks(self) -> int:
        return ((self.end - self.start).days + 1) // 7

    @property
    def weeks(self) -> tuple[date, ...]:
        """The Mondays of the period, oldest first."""
        return tuple(self.start + timedelta(weeks=i) for i in range(self.n_weeks))

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
        return f"{format_day(self.start)} – {format_day(self.end)}"

    @property
    def label(self) -> str:
        return f"{self.dates} ({weeks_words(self.n_weeks)})"


def weeks_words(n: int) -> str:
    return f"{n} week{'' if n == 1 else 's'}"


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
        return tuple(w for w in self.period.weeks_until(self.today) if w >= self.started)

    @property
    def complete(self) -> tuple[date, ...]:
        """Programme weeks whose Sunday has passed."""
        return tuple(w for w in self.weeks if week_is_complete(w, self.today))

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
        n, c = self.period.n_weeks, len(self.complete)
        extra = []
        if self.before_programme:
            extra.append(f"{self.before_programme} before the programme began")
        if self.in_progress is not None:
            extra.append("the current week, still in progress")
        if self.not_yet:
            extra.append(f"{self.not_yet} not yet begun")
        words = weeks_words(n) + (f"; {c} complete in the programme" if extra else "")
        return f"{self.period.dates} ({words}" + (", ".join([""] + extra) if extra else "") + ")"


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
        if self.comparable:
            return None
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

    @property
    def note(self) -> str:
        """One sentence for under the headline figures."""
        if self.comparable:
            return (f"Changes compare with the {weeks_words(self.before.period.n_weeks)} "
                    f"before ({self.before.period.dates}).")
        return f"No comparison: {self.reason}."


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

