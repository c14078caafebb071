"""A lead's Team progress view is its address: chosen in one browser, sent to a co-lead,
opened in another browser signed in as them — the same team, period, tab and figures.

Runs a real server on a copy of the demo made real (passwords, sign-in cookies), as the
bench does (``bench.browser_views``), so two different people are signed in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from allyship.db import store
from allyship.people import sessions
from bench import concurrency
from bench.browser_views import Server, chromium_path

from . import harness

pytestmark = [pytest.mark.browser, pytest.mark.server,
              pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed")]

CHART = '[data-testid="stVegaLiteChart"]'


def two_leads_of_one_team(demo_template: Path, db_path: Path) -> tuple[list[str], list[str]]:
    """The demo made real, a lead and a co-lead of the same team: emails and cookies."""
    (lead,), _writer = concurrency.prepare_database(demo_template, db_path, 1)
    db = store.connect(db_path)
    try:
        team = db.execute("SELECT team_id FROM members WHERE email = ?", [lead]).fetchone()[0]
        other = db.execute("SELECT email FROM members WHERE team_id = ? AND role = 'member'"
                           " AND active = 1 ORDER BY id LIMIT 1", [team]).fetchone()[0]
        with store.transaction(db):
            db.execute("UPDATE members SET role = 'lead' WHERE email = ?", [other])
            store.bump_data_version(db)
    finally:
        db.conn.close()
    emails = [lead, other]
    return emails, concurrency.session_cookies(db_path, emails)


def signed_in(browser, url: str, token: str) -> Page:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    context.add_cookies([{"name": sessions.COOKIE_NAME, "value": token, "url": url + "/"}])
    page = context.new_page()
    page.set_default_timeout(harness.TIMEOUT_MS)
    return page


def selected(page: Page, label: str) -> str:
    """The option a selectbox shows."""
    return page.get_by_role("combobox", name=label).input_value()


def view_of(page: Page) -> dict:
    """What the view shows: its filters, open tab, headline figures and charts drawn."""
    expect(page.locator(CHART).first.locator("canvas, svg.marks").first).to_be_visible()
    return {
        "team": selected(page, "Team"),
        "period": selected(page, "Period"),
        "tab": page.get_by_role("tab", selected=True).inner_text().strip(),
        "figures": page.get_by_test_id("stMetricValue").all_inner_texts(),
        "charts": page.locator(CHART).count(),
    }


def test_a_shared_team_progress_address_opens_the_same_view_for_a_co_lead(
        chromium_browser: Browser, demo_template: Path, tmp_path: Path):
    emails, (mine, theirs) = two_leads_of_one_team(demo_template, tmp_path / "shared.db")
    assert emails[0] != emails[1]
    browser = chromium_browser
    with Server(tmp_path / "shared.db") as srv:
        pages = []
        try:
            page = signed_in(browser, srv.url, mine)
            pages.append(page)
            page.goto(srv.url + "/")
            harness.go_to(page, "Team progress")
            harness.choose(page, "Team", "Whole chapter")
            harness.choose(page, "Period", "Last 4 weeks")
            page.get_by_role("tab", name="Responsibilities").click()
            for param in ("tp_team=Whole", "tp_period=Last", "tp_tab=Responsibilities"):
                expect(page).to_have_url(re.compile(re.escape(param)))
            expect(page.locator(CHART)).to_have_count(2)
            chosen = view_of(page)
            assert chosen["team"] == "Whole chapter" and chosen["period"] == "Last 4 weeks"
            assert chosen["tab"] == "Responsibilities" and chosen["charts"] == 2

            other = signed_in(browser, srv.url, theirs)
            pages.append(other)
            other.goto(page.url)  # the address the lead sent
            expect(other.get_by_role("heading", name="Team progress", level=1)).to_be_visible()
            expect(other.locator(CHART)).to_have_count(2)
            assert view_of(other) == chosen

            # An address that no longer fits opens the default view, without an error.
            stale = signed_in(browser, srv.url, theirs)
            pages.append(stale)
            stale.goto(srv.url + "/team_progress?tp_team=Gone&tp_period=Someday&tp_tab=Nope")
            expect(stale.get_by_role("heading", name="Team progress", level=1)).to_be_visible()
            expect(stale.locator(CHART)).to_have_count(1)
            assert view_of(stale)["tab"] == "Participation"
            expect(stale.get_by_test_id("stException")).to_have_count(0)
        finally:
            for p in pages:
                p.context.close()
