"""The demo's chapter report, printed by Chromium, fits a meeting: at most three pages of
A4 and of Letter, the meeting's part (headline figures, participation, who we may be
leaving behind, the practice questions) ahead of the detail."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from allyship import demo
from allyship.db import store
from allyship.people import roster
from allyship.reports import chapter_report, presets

pytestmark = pytest.mark.browser

MAX_PAGES = 3


def pages_in(pdf: bytes) -> int:
    """Page objects in a PDF Chromium wrote (not the /Pages tree nodes)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    """The demo chapter's report as the page opens it (its default period), as HTML."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "demo.db"
    demo.create_demo_database(path)
    db = store.connect(path)
    admin = roster.find_member_by_email(db, demo.PERSONAS["admin"])
    today = date.today()
    started = roster.get_chapter(db, admin.chapter_id).started_on
    start, end = presets.preset_dates(presets.default_preset(started, today), today, started)
    rep = chapter_report.assemble(db, admin, start=start, end=end, today=today)
    db.conn.close()
    out = folder / "report.html"
    out.write_bytes(chapter_report.render(rep, "html"))
    return out


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_demo_report_prints_on_at_most_three_pages(chromium_browser: Browser,
                                                       demo_report: Path, paper: str):
    page = chromium_browser.new_page()
    try:
        page.goto(demo_report.as_uri())
        assert pages_in(page.pdf(format=paper)) <= MAX_PAGES
        # The meeting comes first, in this order; the detail after it.
        headings = page.locator("h2").all_inner_texts()
        meeting = ["Headline figures", "Participation", "Who are we leaving behind?",
                   "For the meeting: the practice questions"]
        assert headings[:4] == meeting and headings.index("Teams") > 3
        # Week labels on the participation chart are Monday dates that do not overlap.
        boxes = page.locator("figure").first.locator("svg text").evaluate_all(
            "els => els.filter(e => /^\\d{1,2} [A-Z][a-z]{2}/.test(e.textContent))"
            ".map(e => { const b = e.getBBox(); return [b.x, b.x + b.width]; })")
        assert len(boxes) >= 3
        assert all(a[1] < b[0] for a, b in zip(boxes, boxes[1:]))
    finally:
        page.close()
