"""The app is complete on its own origin: walking every page of every demo role, the
browser requests nothing from any other host — no fonts, icons, scripts or images — so
members' addresses reach no third party and the app works on a closed network."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from . import accessibility as axe
from .harness import go_to, sidebar, view_demo_as

pytestmark = pytest.mark.browser

ROLES = {"Member": "My week", "Team lead": "Team progress", "Chapter admin": "Admin",
         "Organisation admin": "Organisation"}


def test_no_page_of_any_role_requests_anything_from_another_origin(app, new_page):
    own = urlsplit(app.url).netloc
    elsewhere: list[str] = []

    def note(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != own:
            elsewhere.append(f"{where[0]}: {request.url}")

    where = ["first visit"]
    for role, proof in ROLES.items():
        page: Page = new_page()
        page.on("request", note)
        page.goto(f"{app.url}/")
        expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible(
            timeout=60_000)
        if role != "Member":
            view_demo_as(page, role)
        expect(sidebar(page).get_by_role("link", name=proof, exact=True)).to_be_visible()
        titles = [link.inner_text().splitlines()[-1].strip()
                  for link in sidebar(page).get_by_role("link").all()]
        for title in titles:
            where[0] = f"{role} / {title}"
            go_to(page, title)
            axe.settle(page)
        page.close()
    assert elsewhere == []
