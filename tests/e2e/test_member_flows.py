"""A member's week in a real browser: logging, correcting a mistake, revising the plan,
catching up on a past week in the table editor. Each test writes text of its own (a
unique marker), so the tests share one server and database without depending on order."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from allyship import demo
from allyship.core.dates import format_day
from allyship.core.models import week_start
from allyship.people import roster

from .harness import go_to

pytestmark = pytest.mark.browser


def marker(what: str) -> str:
    return f"{what} [{uuid.uuid4().hex[:8]}]"


def robin_id(db) -> int:  # noqa: ANN001
    return roster.find_member_by_email(db, demo.PERSONAS["member"]).id


def action_rows(db, description: str) -> list[dict]:  # noqa: ANN001
    return list(db.query(
        "SELECT a.id, a.member_id, a.week_start, a.done_on, group_concat(r.responsibility) AS resp"
        " FROM actions a JOIN action_responsibilities r ON r.action_id = a.id"
        " WHERE a.description = ? GROUP BY a.id", [description]))


def test_a_member_logs_an_action_for_two_responsibilities_and_sees_it_on_my_week(
        member_page: Page, db_reader):
    page = member_page
    what = marker("Read about the history of the reserve's land")
    go_to(page, "Log actions")
    form = page.get_by_role("tabpanel", name="Log an action").get_by_test_id("stForm")
    form.get_by_label("What I did").fill(what)
    for label in ("2. Listen more, speak less", "4. Do our own research"):
        form.get_by_text(label, exact=True).click()  # the label, as a person clicks it
        expect(form.get_by_role("checkbox", name=label)).to_be_checked()
    form.get_by_role("button", name="Log action").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Action logged.")).to_be_visible()

    go_to(page, "My week")
    # This week's actions are a list (no grid on a phone): the words, then the
    # responsibilities practised.
    row = page.locator('[class*="st-key-this_week_action_"]').filter(has_text=what)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Listen more, speak less, Do our own research")

    rows = action_rows(db_reader(), what)
    assert len(rows) == 1
    assert sorted(rows[0]["resp"].split(",")) == ["2", "4"]
    assert rows[0]["member_id"] == robin_id(db_reader())


def test_a_member_who_forgets_the_responsibilities_sees_why_and_keeps_their_text(
        member_page: Page, db_reader):
    page = member_page
    what = marker("Asked the partner group what they need")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_label("What did you do?"))
    form.get_by_label("What did you do?").fill(what)
    form.get_by_role("button", name="Log it").click()  # no responsibility picked

    error = page.get_by_test_id("stAlert").filter(has_text="Nothing was saved")
    expect(error).to_be_visible()
    expect(error).to_contain_text("responsibilit")
    expect(page.get_by_label("What did you do?")).to_have_value(what)
    assert db_reader().execute("SELECT count(*) FROM actions WHERE description = ?",
                               [what]).fetchone()[0] == 0


def test_a_member_revises_their_plan_and_the_earlier_version_is_kept(member_page: Page, db_reader):
    page = member_page
    go_to(page, "My plan")
    focus = page.get_by_label("Group to be in allyship with")
    expect(focus).not_to_have_value("")  # the demo member has a plan to revise
    before = focus.input_value()
    version_before = page.get_by_text("Version ").first.inner_text()
    after = marker("Disabled birders")
    focus.fill(after)
    page.get_by_role("button", name="Save plan").click()

    expect(page.get_by_test_id("stAlert").filter(has_text="Plan saved as version")).to_be_visible()
    expect(page.get_by_label("Group to be in allyship with")).to_have_value(after)
    earlier = page.get_by_test_id("stExpander").filter(has_text="Earlier versions")
    earlier.get_by_text("Earlier versions").click()
    expect(earlier.get_by_text(before, exact=True)).to_be_visible()

    db = db_reader()
    plan = db.execute("SELECT id, focus_group, version FROM plans WHERE member_id = ?",
                      [robin_id(db)]).fetchone()
    assert plan[1] == after
    kept = [r[0] for r in db.execute("SELECT snapshot FROM plan_revisions WHERE plan_id = ?",
                                     [plan[0]])]
    assert any(before in snapshot for snapshot in kept)
    assert f"Version {plan[2]}" != version_before


def test_a_member_catches_up_on_last_week_by_typing_into_the_table(member_page: Page, db_reader):
    """The catch-up table is a Glide data grid drawn on a canvas: cells are reached by
    clicking the grid and moving with the keyboard; an open cell editor is real DOM."""
    page = member_page
    what = marker("Listened at the partners' meeting")
    go_to(page, "Log actions")
    page.get_by_role("tab", name="Catch up on a week").click()
    panel = page.get_by_role("tabpanel", name="Catch up on a week")
    # One action at a time is the default; the table is a switch away.
    panel.get_by_text("Several at once, in a table (for a wide screen)").click()
    grid = panel.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    expect(grid.get_by_role("button", name="Add row")).to_be_attached()
    box = grid.bounding_box()
    assert box is not None

    # Row 1, "Date" column (past the row-marker column): pick Tuesday from the week's days.
    last_monday = week_start(date.today()) - timedelta(weeks=1)
    tuesday = last_monday + timedelta(days=1)
    page.mouse.click(box["x"] + 60, box["y"] + 35 + 17)
    page.keyboard.press("Enter")
    day_choice = page.locator("#portal").get_by_role("combobox")
    day_choice.fill(format_day(tuesday))
    page.keyboard.press("Enter")
    expect(page.locator("#portal").get_by_role("combobox")).to_have_count(0)
    page.keyboard.press("ArrowUp")  # choosing moved down a row, as Enter does
    page.keyboard.press("ArrowRight")  # "What I did"
    page.keyboard.press("Enter")
    editor = page.locator("#portal textarea")
    editor.fill(what)
    page.keyboard.press("Enter")  # saves the cell and moves down a row
    expect(editor).to_have_count(0)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")  # "Responsibilities"
    page.keyboard.press("Enter")
    choices = page.locator("#portal").get_by_role("combobox")
    for typed in ("Listen more", "own research"):
        choices.fill(typed)
        page.keyboard.press("Enter")
    panel.get_by_text("Fill in one row per action").click()  # leaving the cell keeps its value
    expect(page.locator("#portal").get_by_role("combobox")).to_have_count(0)

    panel.get_by_role("button", name="Log these actions").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Logged 1 action")).to_be_visible()
    # Still on the catch-up tab after saving.
    expect(page.get_by_role("tab", name="Catch up on a week")).to_have_attribute(
        "aria-selected", "true")

    rows = action_rows(db_reader(), what)
    assert len(rows) == 1
    assert rows[0]["week_start"] == last_monday.isoformat()
    assert rows[0]["done_on"] == tuesday.isoformat()
    assert sorted(rows[0]["resp"].split(",")) == ["2", "4"]
