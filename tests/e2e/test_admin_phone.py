"""The chapter admin's pages on a phone (390×844), in a real browser: every tab of Admin,
Email & reminders, Chapter report and Import & export has no serious or critical
axe-core finding."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import accessibility as axe
from .harness import open_as_role
from .test_phone import PHONE, open_from_menu

pytestmark = pytest.mark.browser

ADMIN_PAGES = ["Admin", "Email & reminders", "Chapter report", "Import & export"]


def test_the_admins_pages_and_tabs_have_no_serious_axe_finding_on_a_phone(app, new_page):
    page = new_page()
    open_as_role(page, app.url, "Chapter admin", "Admin")
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    seen = 0
    for title in ADMIN_PAGES:
        open_from_menu(page, title)
        tabs = page.get_by_test_id("stMain").get_by_role("tab")
        names = [t.inner_text().strip() for t in tabs.all()] or [""]
        for name in names:
            if name:
                tab = page.get_by_test_id("stMain").get_by_role("tab", name=name,
                                                                exact=True).first
                if not tab.is_visible():
                    continue
                tab.click()
                expect(tab).to_have_attribute("aria-selected", "true")
            axe.settle(page)
            seen += 1
            problems += [f"{title} / {name}: {f}" for f in axe.scan(page)
                         if f.impact in ("serious", "critical")]
    assert seen >= 12
    assert not problems, "\n".join(problems)
