"""An organisation admin in a real browser: every chapter's practice without a ranking,
hostile chapter and region names shown as text, and the organisation report downloaded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from .harness import go_to, view_demo_as

pytestmark = pytest.mark.browser

HOSTILE = ("[w](https://evil.example/x) ![i](https://evil.example/i.png) "
           "<img src=//evil.example/j> www.evil.example a@ev.il")


def _add_hostile_chapter(open_db) -> None:
    """A region and a chapter (big enough to be shown) whose names are hostile text."""
    from allyship.core.models import MemberDraft
    from allyship.people import organisation, roster

    db = open_db()
    dana = roster.find_member_by_email(db, "dana.org@demo.example.org")
    region = organisation.create_region(db, dana, f"R {HOSTILE}")
    made = organisation.create_chapter_with_admin(
        db, dana, name=f"C {HOSTILE}", admin_name="Hostile Admin",
        admin_email="hostile.admin@example.org", region_id=region.id,
        started_on=date.today() - timedelta(weeks=20))
    for i in range(3):
        roster.add_member(db, made.admin, MemberDraft(f"Person {i}", f"p{i}@hostile.example"))


def outside_links(page: Page) -> list[str]:
    """Links and images in the page pointing anywhere but the app itself."""
    return page.evaluate(
        """() => [...document.querySelectorAll('a[href], img[src]')]
             .map(e => e.getAttribute('href') || e.getAttribute('src'))
             .filter(u => /^(https?:)?\\/\\//.test(u) && !u.startsWith(location.origin))
             .filter(u => !/^https:\\/\\/(docs\\.)?streamlit\\.io/.test(u))""")


def test_an_organisation_admin_sees_every_chapter_and_downloads_the_report(member_page: Page,
                                                                          db_reader, tmp_path):
    _add_hostile_chapter(db_reader)
    page = member_page
    view_demo_as(page, "Organisation admin")
    go_to(page, "Organisation")
    main = page.get_by_role("main")
    for name in ("Lakeside Audubon (DEMO)", "Riverbend Audubon (DEMO)",
                 "Prairie Audubon (DEMO)", "Other (small chapters)"):
        expect(main.get_by_text(name, exact=True).first).to_be_visible()
    expect(main.get_by_text("Total not shown", exact=False).first).to_be_visible()
    # hostile names are text, never links or remote images
    # (shown as typed; invisible word joiners keep "https://", "www." and "@" from
    # becoming links, so match a part that holds none of them)
    expect(main.get_by_text("evil.example/x) ![i]", exact=False).first).to_be_visible()
    assert outside_links(page) == []
    # no member is named anywhere on the page
    assert "Robin Okafor" not in main.inner_text()

    page.get_by_role("tab", name="Report").click()
    page.get_by_role("button", name="Prepare the report").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="HTML (prints)").click()
    path = tmp_path / "org.html"
    download.value.save_as(path)
    html = path.read_text()
    assert "<main>" in html and "<svg" in html and "Lakeside Audubon (DEMO)" in html
    # hostile names arrive escaped: no live link, no image, in the downloaded file either
    assert "<img" not in html and "<a " not in html and "&lt;img src=" in html
    assert "Robin Okafor" not in html
