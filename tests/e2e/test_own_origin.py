"""The app is complete on its own origin: walking every page of every demo role, the
browser requests nothing from any other host — no fonts, icons, scripts or images — so
members' addresses reach no third party and the app works on a closed network."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request

from . import accessibility as axe
from .harness import go_to, open_as_role

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
        for title in open_as_role(page, app.url, role, proof):
            where[0] = f"{role} / {title}"
            go_to(page, title)
            axe.settle(page)
        page.close()
    assert elsewhere == []
