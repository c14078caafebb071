"""Dates as people read them: one format everywhere ("Mon 23 Nov 2026").

Pages, tables and messages format dates through these functions only, so the whole app
reads the same way. Pure functions, no Streamlit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

# For Streamlit's data grid columns (moment.js tokens): the same "Mon 23 Nov 2026".
GRID_FORMAT = "ddd D MMM YYYY"


def format_day(day: date | datetime | None, *, empty: str = "") -> str:
    """``Mon 23 Nov 2026`` (no leading zero on the day); ``empty`` for no date."""
    if day is None:
        return empty
    if isinstance(day, datetime):
        day = day.date()
    return f"{day:%a} {day.day} {day:%b %Y}"


def format_day_short(day: date | datetime) -> str:
    """``Mon 23 Nov``: for dates inside a week or period already named in full."""
    if isinstance(day, datetime):
        day = day.date()
    return f"{day:%a} {day.day} {day:%b}"


def format_week(monday: date) -> str:
    """``Week of Mon 16 Nov 2026``."""
    return f"Week of {format_day(monday)}"


def format_day_relative(day: date, today: date) -> str:
    """``Today — Fri 27 Nov 2026``, ``Yesterday — …``, else the plain day."""
    if day == today:
        return f"Today — {format_day(day)}"
    if day == today - timedelta(days=1):
        return f"Yesterday — {format_day(day)}"
    return format_day(day)


def recent_days(today: date, weeks: int = 12) -> list[date]:
    """Today and every day back to the Monday ``weeks - 1`` weeks before this week's,
    newest first: the days a member usually logs or catches up."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    return [today - timedelta(days=n) for n in range((today - first).days + 1)]


def days_of_week(monday: date, today: date) -> list[date]:
    """The days of the week starting ``monday`` that are not in the future."""
    return [d for d in (monday + timedelta(days=n) for n in range(7)) if d <= today]
