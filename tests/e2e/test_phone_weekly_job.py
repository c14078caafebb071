"""The member's weekly job on a 390×844 phone, counted: three actions (one of them last
week), this week's question answered and a next step done — in at most 15 taps and 270
typed characters, with no grid on screen. Every checkbox, radio, switch and button on the
member's pages is at least 44×44 CSS px there, and axe finds nothing serious. A link from
an email, followed signed out, opens its page and tab once signed in."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from allyship import demo
from allyship.core.dates import format_day
from allyship.core.models import week_start
from allyship.people import roster
from allyship.practice import plans

from . import accessibility as axe
from .harness import ROOT, TIMEOUT_MS, RunningApp, running_app

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MAX_TAPS, MAX_TYPED = 15, 270
MIN_TARGET = 44


class Thumb:
    """Taps and typing as a person does them on a phone, counted."""

    def __init__(self) -> None:
        self.taps = 0
        self.typed = 0

    def tap(self, target: Locator) -> None:
        target.click()
        self.taps += 1

    def type_into(self, field: Locator, text: str) -> None:
        self.tap(field)  # the tap that puts the cursor there
        field.fill(text)
        self.typed += len(text)


def no_grid_on_screen(page: Page) -> None:
    assert page.locator('[data-testid="stDataFrame"]:visible').count() == 0, "a grid is shown"


def phone_page(chromium_browser) -> tuple[object, Page]:  # noqa: ANN001
    context = chromium_browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def settled(page: Page) -> None:
    """The run is over and the page's phone rules have arrived (they come with the run)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.wait_for_function("""() => [...document.querySelectorAll('style')]
      .some((s) => s.textContent.includes('min-height: 44px'))""")
    page.wait_for_timeout(300)  # the browser applies the rules at its next layout


def test_the_weekly_job_on_a_phone_takes_few_taps_and_little_typing(app, chromium_browser,
                                                                   db_reader):
    context, page = phone_page(chromium_browser)
    tag = uuid.uuid4().hex[:6]
    texts = [f"Listened first at the meeting [{tag}]", f"Asked what the group needs [{tag}]",
             f"Read about the marsh's history [{tag}]"]
    reflection = f"I noticed I wanted to fix things; I waited instead [{tag}]"
    last_friday = week_start(date.today()) - timedelta(days=3)
    thumb = Thumb()
    try:
        page.goto(f"{app.url}/")
        expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible(
            timeout=60_000)
        settled(page)
        no_grid_on_screen(page)
        # The quick log is the first thing under the title: on the first screen.
        box = page.get_by_label("What did you do?").bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box

        for n, text in enumerate(texts):
            thumb.type_into(page.get_by_label("What did you do?"), text)
            thumb.tap(page.get_by_role("button", name="2. Listen more, speak less"))
            if n == 2:  # the third one was last week
                when = page.get_by_test_id("stForm").filter(
                    has=page.get_by_label("What did you do?")).get_by_role("combobox",
                                                                           name="When")
                # A thumb scrolls the field up first, so the list opens with room below it
                # (a list opened at the screen's foot closes as soon as the page scrolls).
                when.evaluate("(el) => el.scrollIntoView({block: 'center'})")
                thumb.tap(when)
                thumb.tap(page.get_by_role("option", name=format_day(last_friday)))
            thumb.tap(page.get_by_role("button", name="Log it"))
            expect(page.get_by_test_id("stAlert").filter(has_text=f"Logged: {text[:20]}")
                   ).to_be_visible()
            settled(page)
            no_grid_on_screen(page)

        question = page.get_by_test_id("stForm").filter(
            has=page.get_by_role("button", name="Save my answer")).get_by_role("textbox")
        thumb.type_into(question, reflection)
        thumb.tap(page.get_by_role("button", name="Save my answer"))
        expect(page.get_by_test_id("stAlert").filter(has_text="Reflections saved")
               ).to_be_visible()
        settled(page)

        thumb.tap(page.get_by_role("button", name="Done").first)
        expect(page.get_by_test_id("stAlert").filter(has_text="Done:")).to_be_visible()
        settled(page)
        no_grid_on_screen(page)
    finally:
        context.close()

    print(f"weekly job on a phone: {thumb.taps} taps, {thumb.typed} characters typed")
    assert thumb.taps <= MAX_TAPS and thumb.typed <= MAX_TYPED, (thumb.taps, thumb.typed)
    db = db_reader()
    robin = roster.find_member_by_email(db, demo.PERSONAS["member"])
    weeks = dict(db.execute("SELECT description, week_start FROM actions WHERE member_id = ?"
                            " AND description LIKE ?", [robin.id, f"%[{tag}]"]).fetchall())
    this_monday = week_start(date.today())
    assert weeks == {texts[0]: this_monday.isoformat(), texts[1]: this_monday.isoformat(),
                     texts[2]: week_start(last_friday).isoformat()}
    assert db.execute("SELECT count(*) FROM reflections WHERE member_id = ? AND answer = ?",
                      [robin.id, reflection]).fetchone()[0] == 1
    steps = [i for i in plans.get_plan(db, robin).items if i.kind == "next_step"]
    assert any(i.done_on == date.today() for i in steps)


# Everything a thumb can hit in the page's main area, with its size (hidden ones left out).
TARGETS_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const picks = main.querySelectorAll(
    'button, label[data-baseweb="checkbox"], label[data-baseweb="radio"], ' +
    '[data-testid="stPageLink"] a, summary, [data-baseweb="select"] > div');
  const out = [];
  for (const el of picks) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    const name = (el.getAttribute('aria-label') || el.innerText || el.tagName).trim();
    out.push({name: name.slice(0, 50), w: Math.round(r.width * 10) / 10,
              h: Math.round(r.height * 10) / 10});
  }
  return out;
}"""

MEMBER_PAGES = [("My week", "/"), ("My plan", "/my_plan"), ("Log actions", "/log_actions"),
                ("Log actions", "/log_actions?tab=Catch+up+on+a+week"),
                ("Reflect", "/reflect"), ("Account", "/account")]


def test_every_target_on_the_members_pages_is_44_px_at_phone_size(app, chromium_browser):
    context, page = phone_page(chromium_browser)
    sizes: dict[str, tuple[float, float, int]] = {}
    problems: list[str] = []
    try:
        for title, path in MEMBER_PAGES:
            page.goto(f"{app.url}{path}")
            expect(page.get_by_role("heading", name=title, level=1)).to_be_visible(
                timeout=60_000)
            settled(page)
            no_grid_on_screen(page)
            found = page.evaluate(TARGETS_JS)
            small = [t for t in found if t["w"] < MIN_TARGET or t["h"] < MIN_TARGET]
            problems += [f"{path}: {t}" for t in small]
            if found:
                sizes[path] = (min(t["w"] for t in found), min(t["h"] for t in found),
                               len(found))
            blocking = axe.blocking(axe.scan(page))
            problems += [f"{path}: axe {p}" for p in blocking]
    finally:
        context.close()
    print("smallest target per page (width, height, targets measured):", sizes)
    assert not problems, "\n".join(problems)


EMAIL = "jordan@example.org"
PASSWORD = "a long walk by the river"


def cli(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "allyship", *args], cwd=ROOT, check=True,
                          capture_output=True, text=True, timeout=60).stdout


@pytest.fixture
def chapter_app(chromium_browser, tmp_path: Path) -> Iterator[tuple[RunningApp, str]]:
    """A real chapter with password sign-in and the first admin's set-up code."""
    db = tmp_path / "chapter.db"
    cli("init", "--db", str(db), "--chapter", "Riverbend Audubon", "--admin-name", "Jordan",
        "--admin-email", EMAIL)
    code = re.search(r"set-up code for .*?: (\S+)",
                     cli("setup-code", "--db", str(db), "--email", EMAIL)).group(1)
    with running_app(db) as running:
        yield running, code


def test_an_email_link_followed_signed_out_opens_its_page_and_tab_after_sign_in(
        chapter_app, chromium_browser):
    app, code = chapter_app
    context, page = phone_page(chromium_browser)
    try:
        page.goto(f"{app.url}/log_actions?tab=Catch+up+on+a+week")
        expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible(
            timeout=60_000)
        page.get_by_role("tab", name="First time? Use a set-up code").click()
        form = page.get_by_role("tabpanel", name="First time? Use a set-up code")
        form.get_by_label("Email").fill(EMAIL)
        form.get_by_label("Set-up code").fill(code)
        form.get_by_label("New password", exact=True).fill(PASSWORD)
        form.get_by_label("New password again").fill(PASSWORD)
        form.get_by_role("button", name="Set my password and sign in").click()

        expect(page.get_by_role("heading", name="Log actions", level=1)).to_be_visible()
        expect(page.get_by_role("tab", name="Catch up on a week")).to_have_attribute(
            "aria-selected", "true")
        assert "/log_actions" in page.url
    finally:
        context.close()
