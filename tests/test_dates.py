"""One date format people read, everywhere: "Mon 23 Nov 2026"."""

from datetime import date, datetime

from allyship.core import dates


def test_a_day_reads_weekday_day_month_year_without_a_leading_zero():
    assert dates.format_day(date(2026, 11, 23)) == "Mon 23 Nov 2026"
    assert dates.format_day(date(2026, 11, 2)) == "Mon 2 Nov 2026"
    assert dates.format_day(datetime(2026, 11, 2, 14, 5)) == "Mon 2 Nov 2026"
    assert dates.format_day(None) == ""
    assert dates.format_week(date(2026, 11, 9)) == "Week of Mon 9 Nov 2026"
    assert dates.format_day_short(date(2026, 11, 9)) == "Mon 9 Nov"


def test_recent_days_are_newest_first_and_reach_back_twelve_weeks_to_a_monday():
    today = date(2026, 11, 27)  # a Friday
    days = dates.recent_days(today)
    assert days[0] == today and days[1] == date(2026, 11, 26)
    assert days[-1] == date(2026, 9, 7) and days[-1].weekday() == 0
    assert dates.format_day_relative(today, today) == "Today — Fri 27 Nov 2026"
    assert dates.format_day_relative(date(2026, 11, 26), today) == "Yesterday — Thu 26 Nov 2026"
