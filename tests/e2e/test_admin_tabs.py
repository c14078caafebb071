"""An admin who saves something on a tab stays on that tab (the confirmation appears
above the tab set, which used to make the browser open the first tab again)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from .harness import go_to, open_home, view_demo_as

pytestmark = pytest.mark.browser


def test_an_admin_stays_on_the_teams_tab_after_creating_a_team(app, new_page):
    page = new_page()
    open_home(page, app.url)
    view_demo_as(page, "Chapter admin")
    go_to(page, "Admin")
    teams = page.get_by_role("tab", name="Teams")
    teams.click()
    expect(teams).to_have_attribute("aria-selected", "true")

    name = f"Tab keepers {uuid.uuid4().hex[:6]}"
    panel = page.get_by_role("tabpanel", name="Teams")
    panel.get_by_label("New team name").fill(name)
    panel.get_by_role("button", name="Create team").click()
    expect(page.get_by_test_id("stAlert").filter(has_text=f"Created team {name}.")
           ).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)  # the rerun is over
    expect(teams).to_have_attribute("aria-selected", "true")
