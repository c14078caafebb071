"""A member whose own setting is Spanish meets no English, in Chromium: every page of
every role (member, team lead, chapter admin), the sidebar included, read from what the
browser shows; the page marked ``<html lang="es">``; axe-core finds nothing serious or
critical on it.

The personas' setting is stored in the database before the server starts, as *Account*
would store it, so the language comes from the member's setting and not from a test-only
switch. One server for the module; each case a fresh browser context, as a person
opening the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from spanish_words import english_in

from allyship import demo
from allyship.core.access import SCREEN_ROLES
from allyship.db import store
from allyship.i18n import handout, translator_for
from allyship.people import roster

from . import accessibility as axe
from .harness import (
    PAGE_TITLES,
    RunningApp,
    running_app,
    sidebar,
    wait_for_role_sidebar,
)

pytestmark = pytest.mark.browser

ES = translator_for("es")
TITLES = PAGE_TITLES
ROLES = ("member", "lead", "admin")
CASES = [pytest.param(role, key, id=f"{role}-{key}")
         for role in ROLES for key in TITLES if role in SCREEN_ROLES[key]]


@pytest.fixture(scope="module")
def spanish_app(chromium_browser, tmp_path_factory) -> Iterator[RunningApp]:  # noqa: ANN001
    """The demo on a server of its own, its member, lead and admin reading in Spanish."""
    path = tmp_path_factory.mktemp("spanish") / "allyship.db"
    demo.create_demo_database(path)
    db = store.connect(path)
    for role in ROLES:
        member = roster.find_member_by_email(db, demo.PERSONAS[role])
        db.execute("UPDATE members SET language = 'es' WHERE id = ?", [member.id])
    db.conn.commit()
    db.conn.close()
    with running_app(path) as running:
        yield running


def open_as(page: Page, url: str, role: str) -> None:
    """The demo in Spanish, as ``role`` (the member is the demo's first persona)."""
    page.goto(f"{url}/")
    expect(page.get_by_role("heading", name=ES.gettext("My week"), level=1)).to_be_visible(
        timeout=60_000)
    if role == "member":
        return
    role_name = handout.vocabulary(ES, "ROLES")[role]
    picker = sidebar(page).get_by_role("combobox", name=ES.gettext("Viewing the demo as"))
    picker.click()
    page.get_by_role("option", name=re.compile(rf"— {re.escape(role_name)}$")).click()
    expect(picker).to_have_value(re.compile(rf"— {re.escape(role_name)}$"))
    wait_for_role_sidebar(page, role, ES.gettext)


def english_shown(page: Page, db_path: Path) -> list[str]:
    """The lines of the page's main part and sidebar that still read as English."""
    text, icons = page.evaluate("""() => [
        ['[data-testid="stMain"]', '[data-testid="stSidebar"]']
          .map((s) => document.querySelector(s)?.innerText || '').join('\\n'),
        Array.from(document.querySelectorAll('[data-testid="stIconMaterial"]'))
          .map((i) => (i.innerText || '').trim())]""")
    # An icon is a ligature: its name ("today") is in the text but shows as a picture.
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and line.strip() not in set(icons)]
    return english_in(lines, "es", db_path)


@pytest.mark.parametrize("role, key", CASES)
def test_a_spanish_member_meets_no_english_and_no_serious_axe_finding(
        spanish_app, new_page, role, key):
    page = new_page()
    open_as(page, spanish_app.url, role)
    title = ES.gettext(TITLES[key])
    sidebar(page).get_by_role("link", name=title, exact=True).click()
    # While a page replaces itself its old and new title can both be in the document for
    # a moment; the page has arrived once its (last) title shows. A loaded machine can
    # take longer than the default to run a page: the same 60 s as the first page.
    expect(page.get_by_role("heading", name=title, level=1).last).to_be_visible(
        timeout=60_000)
    axe.settle(page)
    assert page.evaluate("document.documentElement.lang") == "es"
    assert english_shown(page, spanish_app.db_path) == []
    assert [str(f) for f in axe.blocking(axe.scan(page))] == []
