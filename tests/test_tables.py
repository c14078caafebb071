"""Tables on the member pages: records ⇄ frames."""

from datetime import date

import pandas as pd
import pytest

from allyship.core import safe_text
from allyship.core.models import Plan, PlanItem, ValidationError
from allyship.core.safe_text import inert
from allyship.practice import tables


def plan_with(*items):
    return Plan(1, 1, "G", "", "", "", "active", 1, "now", tuple(items))


def test_plan_lists_round_trip_in_the_order_set_by_the_order_column():
    plan = plan_with(PlanItem(1, "learning_activity", "Read", None, None, 0),
                     PlanItem(2, "next_step", "A", date(2026, 12, 1), None, 0),
                     PlanItem(3, "next_step", "B", None, None, 1))
    learning, steps = tables.plan_item_frames(plan)
    steps.loc[steps["Next step"] == "A", "Order"] = 5  # move A after B
    new_row = pd.DataFrame([{"Order": None, "Next step": "C", "Due": None, "Done on": None,
                             "id": None}])
    steps = pd.concat([steps, new_row], ignore_index=True)
    items = tables.plan_items_from_frames(learning, steps)
    assert [(i.kind, i.text, i.id) for i in items] == [
        ("learning_activity", "Read", 1), ("next_step", "B", 3), ("next_step", "A", 2),
        ("next_step", "C", None)]


def test_blank_added_rows_are_dropped():
    learning, steps = tables.plan_item_frames(None)
    steps = pd.concat([steps, pd.DataFrame([{"Next step": None}])], ignore_index=True)
    assert tables.plan_items_from_frames(learning, steps) == ()


def test_next_steps_are_listed_soonest_first_with_overdue_marked():
    plan = plan_with(PlanItem(1, "next_step", "later", date(2026, 12, 20), None, 0),
                     PlanItem(2, "next_step", "late", date(2026, 11, 1), None, 1),
                     PlanItem(3, "next_step", "done", date(2026, 11, 2), date(2026, 11, 2), 2))
    frame = tables.next_steps_frame(plan, date(2026, 11, 26))
    assert list(frame["Next step"]) == ["late", "later"]
    assert list(frame["Overdue"]) == [True, False]


def test_an_unknown_responsibility_in_a_catch_up_row_is_refused():
    frame = tables.catch_up_frame(date(2026, 11, 16), rows=1)
    frame.loc[0, "What I did"] = "x"
    frame.at[0, "Responsibilities"] = ["9. Made up"]
    with pytest.raises(ValidationError):
        tables.drafts_from_catch_up(frame, "t")


@pytest.mark.parametrize("typed", ["[click](http://evil.example)", "![img](x.png)",
                                   "<script>alert(1)</script>", "# Heading", "**bold**"])
def test_escaped_markdown_keeps_every_character_and_no_syntax(typed):
    escaped = inert(typed)
    assert safe_text.shown(escaped) == typed
    for ch in "[]()<>#*!":
        assert ch not in escaped.replace("\\" + ch, "")


def test_a_catch_up_table_starts_undated_and_reads_as_labels_not_codes():
    frame = tables.catch_up_frame(date(2026, 11, 16), rows=2)
    assert frame["Date"].isna().all()  # blank, not every row pre-dated to the Monday
    assert set(frame["Kind"]) == {"Other"}
    assert set(frame["Shared with"]) == {"Private — only me"}
    days = tables.catch_up_days(date(2026, 11, 16), today=date(2026, 11, 19))
    assert list(days) == ["Mon 16 Nov 2026", "Tue 17 Nov 2026", "Wed 18 Nov 2026",
                          "Thu 19 Nov 2026"]  # the week's days, none in the future


def test_a_filled_catch_up_row_without_a_day_is_refused_naming_the_row():
    frame = tables.catch_up_frame(date(2026, 11, 16), rows=2)
    frame.loc[1, "What I did"] = "Listened"
    frame.at[1, "Responsibilities"] = ["2. Listen more, speak less"]
    with pytest.raises(ValidationError) as caught:
        tables.drafts_from_catch_up(frame, "t", tables.catch_up_days(date(2026, 11, 16),
                                                                     date(2026, 11, 22)))
    assert any("Row 2" in m and "day" in m for m in caught.value.errors.values())
