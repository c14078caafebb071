"""Which weeks a report covers: the periods the report page offers by name, and the one
rule from the dates asked for to the whole weeks (Monday–Sunday) reported."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from allyship.core.models import ValidationError, week_start
from allyship.i18n import N_, Message
from allyship.metrics import periods
from allyship.metrics.periods import Period

# Kept in English (they go in the page's address) and translated where shown.
PERIOD_PRESETS: tuple[str, ...] = (N_("Last month"), N_("Last quarter"), periods.SINCE_START,
                                   N_("Custom dates"))
N_("Since the programme began")  # periods.SINCE_START, for the catalogue


def last_month(today: date) -> tuple[date, date]:
    """The calendar month before the one containing ``today``: (first day, last day)."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def last_quarter(today: date) -> tuple[date, date]:
    """The calendar quarter before the one containing ``today``: (first day, last day)."""
    first_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = first_this - timedelta(days=1)
    return date(last.year, last.month - 2, 1), last


def preset_dates(preset: str, today: date, started_on: date | None = None) -> tuple[date, date]:
    """Dates of a named preset from :data:`PERIOD_PRESETS` (not "Custom dates");
    "since the programme began" needs the programme's first day."""
    if preset == "Last month":
        return last_month(today)
    if preset == "Last quarter":
        return last_quarter(today)
    if preset == periods.SINCE_START and started_on is not None:
        last_sunday = today - timedelta(days=today.weekday() + 1)
        return started_on, max(last_sunday, min(started_on, today))
    raise ValueError(f"no preset called {preset!r}")


def default_preset(started_on: date, today: date) -> str:
    """The preset a report opens on: last quarter, unless the programme began after that
    quarter started (a young chapter) — then "since the programme began"."""
    return "Last quarter" if last_quarter(today)[0] >= started_on else periods.SINCE_START


def report_period(start: Any, end: Any, *, today: date, complete_weeks: bool = False) -> Period:
    """The whole weeks covering ``start``–``end`` (dates or ``YYYY-MM-DD``).

    With ``complete_weeks`` (the organisation report), the week in progress is left out.
    Raises :class:`ValidationError` in plain words for a malformed or reversed period, one
    that has not started by ``today``, or (``complete_weeks``) one with no complete week.
    """
    period = Period.between(start, end)
    if not complete_weeks:
        if period.start > today:
            starts = period.start.strftime("%d %b %Y")
            raise ValidationError({"start": Message(
                "The period starts on {day}, after today; there is nothing to report yet",
                day=starts)})
        return period
    last_complete = week_start(today) - timedelta(days=1)
    if period.end > last_complete:
        if period.start > last_complete:
            last = last_complete.strftime("%d %b %Y")
            raise ValidationError({"end": Message(
                "The period has no complete week yet; choose dates up to {day}", day=last)})
        period = Period(period.start, last_complete)
    return period
