"""Fixtures for the browser tests: one app server and one Chromium for the package,
a fresh browser context (its own Streamlit session) for every test.

Chromium is Debian's (``/usr/bin/chromium``); Playwright's own browser download is not
used. Without it these tests skip — unless ``ALLYSHIP_REQUIRE_BROWSER=1`` (CI), where
a missing browser is a failure.

Playwright is driven through ``playwright.sync_api`` with package-scoped fixtures (not
pytest-playwright's session-wide ones), so the browser and its event loop are closed
when this package's tests end, before the rest of the suite runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from . import harness
from .harness import RunningApp

# Streamlit reruns the script on every interaction; on a shared 2-core machine a rerun
# that draws charts can take a few seconds. Auto-waiting assertions wait up to this.
TIMEOUT_MS = harness.TIMEOUT_MS
expect.set_options(timeout=TIMEOUT_MS)

RESULTS = harness.ROOT / "test-results" / "e2e"


def _browser_required() -> bool:
    return os.environ.get("ALLYSHIP_REQUIRE_BROWSER", "").strip() in ("1", "true", "yes")


@pytest.fixture(scope="package")
def chromium_browser() -> Iterator[Browser]:
    """Headless Chromium for the whole package; skip (or fail on CI) without it."""
    if harness.chromium_path() is None:
        message = "chromium is not installed (apt-get install chromium)"
        if _browser_required():
            pytest.fail(f"ALLYSHIP_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def app(chromium_browser: Browser) -> Iterator[RunningApp]:
    """The app on a fresh demo database, shared by the package's tests.

    One visit to the home page first: it creates the demo chapter (first run) and
    runs the entry script once, so every test starts from a warmed-up server.
    """
    with harness.running_app() as running:
        context = chromium_browser.new_context(viewport=harness.VIEWPORT)
        try:
            harness.open_home(context.new_page(), running.url)
        finally:
            context.close()
        yield running


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # noqa: ANN201
    # Remember each phase's outcome on the item, so page fixtures can keep a
    # screenshot of a failed test.
    report = yield
    setattr(item, f"_e2e_{report.when}", report)
    return report


@pytest.fixture
def new_page(chromium_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[[], Page]]:
    """Open pages in fresh browser contexts (separate cookies and Streamlit sessions).

    Every page records every navigation link it ever shows (see
    ``harness.NAV_RECORDER``). A failed test leaves a screenshot and the page's HTML
    under ``test-results/e2e/``.
    """
    contexts = []

    def open_page() -> Page:
        context = chromium_browser.new_context(viewport=harness.VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(harness.NAV_RECORDER)
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "_e2e_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", request.node.name)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(RESULTS / f"{stem}-{n}{m}.png"), full_page=True)
                    (RESULTS / f"{stem}-{n}{m}.html").write_text(page.content())
                except Exception:  # a crashed page must not hide the test's own error
                    pass
    for context in contexts:
        context.close()


@pytest.fixture
def member_page(app: RunningApp, new_page: Callable[[], Page]) -> Page:
    """The demo's member persona (the default) on *My week*."""
    page = new_page()
    harness.open_home(page, app.url)
    return page


@pytest.fixture
def fresh_app(chromium_browser: Browser) -> Iterator[RunningApp]:
    """A server of its own on a database that does not exist yet, never visited: for
    what only happens on a server's very first run."""
    with harness.running_app() as running:
        yield running


@pytest.fixture
def db_reader(app: RunningApp) -> Callable[[], "object"]:
    """Open the app's database file (what the server wrote) for assertions."""
    from allyship.db import store

    handles = []

    def open_db():
        handle = store.connect(Path(app.db_path))
        handles.append(handle)
        return handle

    yield open_db
    for handle in handles:
        handle.conn.close()
