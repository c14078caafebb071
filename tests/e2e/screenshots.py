"""Regenerate the README's pictures: ``python -m tests.e2e.screenshots``.

Starts the app exactly as the browser tests do (headless, free port, a fresh demo
database), opens each page as a person would, and saves a 1400×1000 PNG per page into
``docs/``, plus one 390×844 phone view. Pages that do not exist yet are skipped, saying so.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from . import harness

DOCS = harness.ROOT / "docs"

# (file in docs/, page title in the sidebar, page file, persona, what must be drawn first)
SHOTS = [
    ("my-week.png", "My week", "my_week", "Member", '[data-testid="stForm"]'),
    ("log-actions.png", "Log actions", "log_actions", "Member", '[data-testid="stForm"]'),
    ("team-progress.png", "Team progress", "team_progress", "Team lead",
     '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'),
    ("chapter-report.png", "Chapter report", "chapter_report", "Team lead",
     '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'),
]


# A phone (390×844): the member's Log actions page as the weekly job is done between
# meetings — opened from the page menu at the top, the sidebar closed.
PHONE = {"width": 390, "height": 844}
PHONE_SHOTS = [
    ("my-week-phone.png", "My week", '[data-testid="stForm"]'),
    ("log-actions-phone.png", "Log actions", '[data-testid="stForm"]'),
]


def settle(page: Page, ready: str) -> None:
    """Wait until the page has finished its run and drawn what the picture is about."""
    expect(page.locator(ready).first).to_be_visible()
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.evaluate("document.fonts.ready.then(() => true)")
    # Charts animate in and the data grid paints on the next frame: wait two frames.
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def main(out_dir: Path = DOCS) -> int:
    if harness.chromium_path() is None:
        print("chromium is not installed (apt-get install chromium); no screenshots taken.")
        return 1
    expect.set_options(timeout=harness.TIMEOUT_MS)
    out_dir.mkdir(parents=True, exist_ok=True)
    with harness.running_app() as app, sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        page = browser.new_context(viewport=harness.VIEWPORT).new_page()
        harness.open_home(page, app.url)
        persona = "Member"
        for filename, title, page_file, role, ready in SHOTS:
            if not (harness.ROOT / "pages" / f"{page_file}.py").exists():
                print(f"skipped {filename}: pages/{page_file}.py does not exist yet")
                continue
            if role != persona:
                harness.view_demo_as(page, role)
                persona = role
            harness.go_to(page, title)
            settle(page, ready)
            page.mouse.move(0, 0)  # no hover tooltip in the picture
            # Team progress opens on one chart, in tabs below its filters and headline
            # figures: a taller picture, so the chart is in it (the app scrolls inside its
            # own main area, so a "full page" picture would not be any longer).
            tall = page_file == "team_progress"
            if tall:
                page.set_viewport_size({**harness.VIEWPORT, "height": 1560})
                settle(page, ready)
            page.screenshot(path=str(out_dir / filename))
            if tall:
                page.set_viewport_size(harness.VIEWPORT)
            print(f"wrote {(out_dir / filename).relative_to(harness.ROOT)} ({title}, as {role})")
        phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        phone.goto(f"{app.url}/")
        expect(phone.get_by_role("heading", name="My week", level=1)).to_be_visible()
        for filename, title, ready in PHONE_SHOTS:
            if title != "My week":  # the page it opens on
                phone.get_by_test_id("stMain").get_by_role("button", name="Pages").click()
                phone.get_by_test_id("stPopoverBody").get_by_role("link", name=title,
                                                                   exact=True).click()
            expect(phone.get_by_role("heading", name=title, level=1)).to_be_visible()
            expect(phone.get_by_test_id("stPopoverBody")).to_be_hidden()
            settle(phone, ready)
            phone.screenshot(path=str(out_dir / filename))
            print(f"wrote {(out_dir / filename).relative_to(harness.ROOT)} ({title}, on a phone)")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
