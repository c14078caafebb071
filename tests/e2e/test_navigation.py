"""Navigation in a real browser: the sidebar offers each role only its own pages —
from the very first paint on — and a page outside the role cannot be opened by URL."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from allyship.core import access

from .harness import (
    ROOT,
    choose,
    go_to,
    nav_links_seen,
    open_home,
    sidebar,
    view_demo_as,
)

pytestmark = pytest.mark.browser

# What Streamlit's own listing of the pages/ folder calls the files ("my week",
# "log actions", "streamlit app" for the entry script): if any of these ever shows,
# the raw folder listing — every page, admin included — reached the screen.
RAW_FOLDER_LABELS = {p.stem.replace("_", " ") for p in (ROOT / "pages").glob("*.py")}
RAW_FOLDER_LABELS.add("streamlit app")


def screens_outside(role: str) -> set[str]:
    """URL paths of the screens ``role`` may not use (a page's URL is its file name)."""
    return {screen for screen, roles in access.SCREEN_ROLES.items() if role not in roles}


def assert_never_showed_outside_role(page: Page, role: str) -> None:
    seen = nav_links_seen(page)
    assert seen, "the recorder saw no navigation link at all"
    raw = [s["text"] for s in seen if s["text"] in RAW_FOLDER_LABELS]
    assert not raw, f"the raw pages/ folder listing was shown: {raw}"
    outside = screens_outside(role)
    shown = [s for s in seen if urlparse(s["href"]).path.strip("/") in outside]
    assert not shown, f"a {role} was shown links to pages they may not use: {shown}"


def test_sidebar_never_lists_pages_outside_the_role_even_on_a_new_servers_first_paint(
        fresh_app, new_page):
    page = new_page()
    open_home(page, fresh_app.url)  # the server's very first run
    nav = sidebar(page)
    for title in ("My week", "My plan", "Log actions", "Reflect"):
        expect(nav.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Team progress")).to_have_count(0)
    expect(nav.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    assert_never_showed_outside_role(page, "member")

    # The same first visitor switches persona: their first change must take.
    view_demo_as(page, "Team lead")
    nav = sidebar(page)
    expect(nav.get_by_role("link", name="Team progress")).to_be_visible()
    expect(nav.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    assert_never_showed_outside_role(page, "lead")

    view_demo_as(page, "Chapter admin")
    expect(nav.get_by_role("link", name="Admin", exact=True)).to_be_visible()


# Because the layout has a pages/ folder, Streamlit 1.67 starts a new server in its
# legacy multipage mode until st.navigation has run once: the server's first run skipped
# streamlit_app.py for a page link and lost the first widget change.
# allyship.ui.navigation fixes that; these two tests pin it. (They wait as long as
# any other step: the bug showed as a change that never took, not as a slow one, and a
# new server's first run includes its imports, which take seconds on a busy machine.)



def test_the_first_visitor_of_a_new_server_can_switch_persona(fresh_app, new_page):
    page = new_page()
    open_home(page, fresh_app.url)
    choose(page, "Viewing the demo as", re.compile("— Team lead$"), within=sidebar(page))
    expect(sidebar(page).get_by_role("link", name="Team progress")).to_be_visible()



def test_a_link_to_a_page_opened_first_on_a_new_server_shows_that_page(fresh_app, new_page):
    page = new_page()
    page.goto(f"{fresh_app.url}/log_actions")
    expect(page.get_by_role("heading", name="Log actions", level=1)).to_be_visible()
    expect(sidebar(page).get_by_role("link", name="My week")).to_be_visible()


def test_sidebar_stays_within_the_role_while_a_member_moves_between_pages(member_page):
    for title in ("Log actions", "My plan", "Reflect", "My week"):
        go_to(member_page, title)
    assert_never_showed_outside_role(member_page, "member")


def test_a_member_cannot_open_the_admin_page_by_its_address(app, member_page):
    for screen in sorted(screens_outside("member")):
        member_page.goto(f"{app.url}/{screen}")
        # Streamlit runs the role's default page instead; the refused page never draws.
        expect(member_page.get_by_role("heading", name="My week", level=1)).to_be_visible()
        expect(member_page.get_by_role("heading", name="Admin", level=1)).to_have_count(0)
        expect(member_page.get_by_role("heading", name="Team progress", level=1)).to_have_count(0)
        expect(sidebar(member_page).get_by_role("link", name="My week")).to_be_visible()
        expect(sidebar(member_page).get_by_role("link", name="Admin", exact=True)).to_have_count(0)
        assert_never_showed_outside_role(member_page, "member")
