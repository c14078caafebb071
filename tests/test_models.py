"""Validation: every bad entry gets a plain-words message for its field."""

from datetime import date

import pytest

from allyship.core.models import (
    ActionDraft,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ReflectionDraft,
    ValidationError,
    clean_text,
    week_start,
)

TODAY = date(2026, 11, 26)
START = date(2026, 1, 5)


def good_action(**overrides):
    base = dict(done_on=date(2026, 11, 20), description="Listened at the meeting",
                responsibilities=(2,), kind="conversation", minutes=30, visibility="private")
    base.update(overrides)
    return ActionDraft(**base)


def test_a_good_action_is_cleaned_not_refused():
    d = good_action(description="  Listened  ", responsibilities=(4, 2, 2), minutes="45")
    v = d.validated(today=TODAY, earliest=START)
    assert v.description == "Listened"
    assert v.responsibilities == (2, 4)
    assert v.minutes == 45


@pytest.mark.parametrize("overrides, field, words", [
    ({"description": ""}, "description", "required"),
    ({"description": "   \n "}, "description", "required"),
    ({"description": "x" * 2001}, "description", "limit is 2,000"),
    ({"description": "bad\x00byte"}, "description", "control characters"),
    ({"description": "undecodable \udcff byte"}, "description", "not valid text"),
    ({"responsibilities": ()}, "responsibilities", "at least one"),
    ({"responsibilities": (9,)}, "responsibilities", "1 to 8"),
    ({"responsibilities": ("two",)}, "responsibilities", "numbers"),
    ({"done_on": date(2026, 11, 27)}, "done_on", "future"),
    ({"done_on": date(2025, 12, 31)}, "done_on", "before"),
    ({"done_on": "26/11/2026"}, "done_on", "YYYY-MM-DD"),
    ({"done_on": None}, "done_on", "required"),
    ({"minutes": -1}, "minutes", "between 0 and 1440"),
    ({"minutes": 1441}, "minutes", "between 0 and 1440"),
    ({"minutes": "lots"}, "minutes", "whole number"),
    ({"minutes": 2.5}, "minutes", "whole number"),
    ({"kind": "party"}, "kind", "one of"),
    ({"visibility": "public"}, "visibility", "one of"),
])
def test_a_bad_action_names_the_field_and_says_why(overrides, field, words):
    with pytest.raises(ValidationError) as err:
        good_action(**overrides).validated(today=TODAY, earliest=START)
    assert field in err.value.errors
    assert words in err.value.errors[field]


def test_all_problems_are_reported_at_once():
    with pytest.raises(ValidationError) as err:
        good_action(description="", responsibilities=(), minutes=-5).validated(today=TODAY)
    assert set(err.value.errors) == {"description", "responsibilities", "minutes"}


def test_text_is_normalised_but_kept_as_typed():
    assert clean_text("e\u0301 — שלום 🐦 <b>x</b>", "T") == "é — שלום 🐦 <b>x</b>"
    assert clean_text("a\r\nb", "T") == "a\nb"


@pytest.mark.parametrize("draft, field", [
    (MemberDraft("", "a@b.org"), "name"),
    (MemberDraft("A" * 121, "a@b.org"), "name"),
    (MemberDraft("Ann", "not-an-email"), "email"),
    (MemberDraft("Ann", "a@b.org", role="owner"), "role"),
])
def test_bad_members_are_refused(draft, field):
    with pytest.raises(ValidationError) as err:
        draft.validated()
    assert field in err.value.errors


def test_member_email_is_lower_cased():
    assert MemberDraft("Ann", " Ann@Example.ORG ").validated().email == "ann@example.org"


def test_a_plan_needs_a_focus_group_and_valid_items():
    with pytest.raises(ValidationError) as err:
        PlanDraft("", items=(PlanItemDraft("next_step", "", due_on="soon"),)).validated(today=TODAY)
    assert "focus_group" in err.value.errors
    assert "items.1" in err.value.errors


def test_a_next_step_cannot_be_done_in_the_future():
    with pytest.raises(ValidationError) as err:
        PlanDraft("Group", items=(PlanItemDraft("next_step", "x", done_on=date(2027, 1, 1)),)) \
            .validated(today=TODAY)
    assert "future" in err.value.errors["items.1"]


def test_a_reflection_needs_one_answer_and_lands_on_a_monday():
    with pytest.raises(ValidationError):
        ReflectionDraft(date(2026, 11, 25), {1: " ", 2: ""}).validated(today=TODAY)
    v = ReflectionDraft(date(2026, 11, 25), {5: "Newer members"}).validated(today=TODAY)
    assert v.week_start == date(2026, 11, 23)


def test_weeks_start_on_monday():
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)  # a Sunday
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)
