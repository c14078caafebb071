"""The private calendar feed: tokens stored hashed, revocable, valid RFC 5545."""

from __future__ import annotations

from datetime import date, datetime

import icalendar
import pytest

from allyship.core import access
from allyship.core.models import PlanDraft, PlanItemDraft
from allyship.people import roster
from allyship.practice import plans
from allyship.rhythm import feeds, nudges


@pytest.fixture
def with_steps(chapter):
    db = chapter.db
    plans.save_plan(db, chapter.member, PlanDraft("Disabled nature lovers", items=(
        PlanItemDraft("next_step", "Check the trail's ramps", due_on=date(2026, 12, 3)),
        PlanItemDraft("next_step", "No date yet"),
        PlanItemDraft("next_step", "Done already", due_on=date(2026, 11, 2),
                      done_on=date(2026, 11, 2)),
    )))
    plans.save_plan(db, chapter.teammate, PlanDraft("Families", items=(
        PlanItemDraft("next_step", "TEAMMATE STEP", due_on=date(2026, 12, 1)),)))
    return chapter


def test_the_token_is_stored_only_as_a_hash_and_regenerating_replaces_it(chapter) -> None:
    db, m = chapter.db, chapter.member
    assert not feeds.has_feed(db, m)
    first = feeds.new_feed_token(db, m)
    stored = db.execute("SELECT token_hash FROM feed_tokens").fetchall()
    assert len(stored) == 1 and first not in stored[0][0] and len(stored[0][0]) == 64
    assert feeds.member_for_token(db, first) == m
    second = feeds.new_feed_token(db, m)
    assert feeds.member_for_token(db, first) is None  # the old address stops working
    assert feeds.member_for_token(db, second) == m
    assert feeds.revoke_feed(db, m) is True
    assert feeds.member_for_token(db, second) is None and not feeds.has_feed(db, m)


def test_a_deactivated_members_feed_stops(chapter) -> None:
    token = feeds.new_feed_token(chapter.db, chapter.member)
    roster.set_member_active(chapter.db, chapter.admin, chapter.member.id, False)
    assert feeds.member_for_token(chapter.db, token) is None
    with pytest.raises(access.PermissionDenied):
        feeds.new_feed_token(chapter.db, roster.get_member(chapter.db, chapter.member.id))


def test_the_calendar_is_valid_and_holds_only_the_members_own_steps(with_steps) -> None:
    db, m = with_steps.db, with_steps.member
    nudges.save_chapter_settings(db, with_steps.admin, time_zone="Europe/London",
                                 public_url="https://ally.example.org")
    nudges.save_setting(db, m, "reminder", enabled=True, weekday=4, hour=17)
    raw = feeds.calendar(db, m, today=date(2026, 11, 25))
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Next step: Check the trail's ramps", "Log my week"}
    step = events["Next step: Check the trail's ramps"]
    assert step.decoded("DTSTART") == date(2026, 12, 3)
    weekly = events["Log my week"]
    start = weekly.decoded("DTSTART")
    assert isinstance(start, datetime) and (start.weekday(), start.hour) == (4, 17)
    assert str(start.tzinfo) == "Europe/London"
    assert weekly["RRULE"]["FREQ"] == ["WEEKLY"]
    assert "https://ally.example.org/log_actions" in str(weekly["DESCRIPTION"])
    assert [str(t["TZID"]) for t in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"TEAMMATE" not in raw
    # Every event has the properties RFC 5545 requires.
    for e in cal.walk("VEVENT"):
        assert e["UID"] and e["DTSTAMP"]
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")


def test_a_next_step_written_as_if_then_reads_that_way_in_the_calendar(with_steps) -> None:
    from allyship.practice import if_then

    db, m = with_steps.db, with_steps.member
    step = next(i for i in plans.get_plan(db, m).items if i.text == "Check the trail's ramps")
    if_then.set_if_then(db, m, step.id, "I plan the next walk", "check the trail's ramps first")
    cal = icalendar.Calendar.from_ical(feeds.calendar(db, m, today=date(2026, 11, 25)))
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert ("Next step: When I plan the next walk, I will check the trail's ramps first"
            in summaries)
