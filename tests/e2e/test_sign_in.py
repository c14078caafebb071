"""Password sign-in on a real chapter, in a real browser: the first admin sets their
password with the set-up code the command line printed, signs out, and signs in again.
Before sign-in the sidebar lists no page at all."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import accessibility as axe
from .harness import ROOT, RunningApp, nav_links_seen, running_app, sidebar

pytestmark = pytest.mark.browser

EMAIL = "jordan@example.org"
PASSWORD = "a long walk by the river"


def cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "allyship", *args], cwd=ROOT, check=True,
                          capture_output=True, text=True, timeout=60)
    return done.stdout


@pytest.fixture
def chapter_app(chromium_browser, tmp_path: Path) -> Iterator[tuple[RunningApp, str]]:
    """A new real chapter (not the demo) as its operator would set it up, served by a
    server of its own; with the first admin's one-time set-up code."""
    db = tmp_path / "chapter.db"
    cli("init", "--db", str(db), "--chapter", "Riverbend Audubon", "--admin-name", "Jordan",
        "--admin-email", EMAIL)
    out = cli("setup-code", "--db", str(db), "--email", EMAIL)
    code = re.search(r"set-up code for .*?: (\S+)", out).group(1)
    with running_app(db) as app:
        yield app, code


def sign_in_page(page: Page) -> None:
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def test_the_first_admin_sets_a_password_signs_out_and_signs_in_again(chapter_app, new_page):
    app, code = chapter_app
    page = new_page()
    page.goto(f"{app.url}/")
    sign_in_page(page)
    assert nav_links_seen(page) == [], "pages were listed before anyone signed in"
    # Accessible from the first screen on: nothing critical or serious for axe-core.
    problems = axe.blocking(axe.scan(page))
    assert not problems, "\n".join(map(str, problems))

    page.get_by_role("tab", name="First time? Use a set-up code").click()
    form = page.get_by_role("tabpanel", name="First time? Use a set-up code")
    expect(form.get_by_label("Set-up code")).to_be_visible()
    problems = axe.blocking(axe.scan(page))
    assert not problems, "\n".join(map(str, problems))
    form.get_by_label("Email").fill(EMAIL)
    form.get_by_label("Set-up code").fill(code)
    form.get_by_label("New password", exact=True).fill(PASSWORD)
    form.get_by_label("New password again").fill(PASSWORD)
    form.get_by_role("button", name="Set my password and sign in").click()

    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    expect(sidebar(page)).to_contain_text("Signed in as Jordan")
    expect(sidebar(page).get_by_role("link", name="Admin", exact=True)).to_be_visible()


    # Another browser: sign in with the password just chosen, then sign out.
    page = new_page()
    page.goto(f"{app.url}/")
    sign_in_page(page)
    form = page.get_by_role("tabpanel", name="Email and password")
    form.get_by_label("Email").fill(EMAIL)
    form.get_by_role("textbox", name="Password", exact=True).fill("not the password")
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("stAlert").first).to_be_visible()
    sign_in_page(page)
    expect(sidebar(page).get_by_role("link")).to_have_count(0)

    form.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible()
    expect(sidebar(page)).to_contain_text("Signed in as Jordan")

    sidebar(page).get_by_role("button", name="Sign out").click()
    sign_in_page(page)
    expect(sidebar(page).get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("heading", name="My week", level=1)).to_have_count(0)
