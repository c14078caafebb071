"""Start the real app and a real browser, for the end-to-end tests and the screenshots.

Both the pytest fixtures (``conftest.py``) and ``python -m tests.e2e.screenshots`` use
these, so the pictures in the README come from exactly the app the tests drive.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
# Streamlit reruns the script on every interaction; on a shared 2-core machine a rerun
# that draws charts can take a few seconds. Auto-waiting assertions wait up to this.
TIMEOUT_MS = 20_000


def chromium_path() -> str | None:
    """Debian's Chromium, if installed (Playwright's own download is not reachable here)."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    """A ``streamlit run`` we started: where it listens and which database it uses."""

    url: str
    db_path: Path
    pid: int
    log_path: Path  # the server's stdout and stderr


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling a server that is starting: not a test-side wait
    raise RuntimeError(f"streamlit not healthy after {timeout:.0f}s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started — by its own PID only."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def running_app(db_path: Path | None = None, *, extra_args: Sequence[str] = (),
                timeout: float = 60) -> Iterator[RunningApp]:
    """``streamlit run streamlit_app.py`` headless on a free port.

    By default on a fresh database file that does not exist yet, so the app's first
    run creates the demo chapter; pass ``db_path`` to serve a database prepared
    beforehand (e.g. a real chapter with password sign-in).
    """
    with tempfile.TemporaryDirectory(prefix="allyship-e2e-") as tmp:
        db_path = Path(db_path) if db_path else Path(tmp) / "allyship.db"
        log = Path(tmp) / "streamlit.log"
        port = free_port()
        env = {**os.environ, "ALLYSHIP_DB": str(db_path), "ALLYSHIP_FIRST_RUN_DEMO": "1",
               "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *extra_args]
        with open(log, "w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log, timeout)
            yield RunningApp(url, db_path, proc.pid, log)
        finally:
            _stop(proc)


def launch_chromium(playwright):  # noqa: ANN001, ANN201 — playwright types are optional here
    """Headless Debian Chromium driven by Playwright."""
    path = chromium_path()
    if path is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)


# --- driving the app like a person ----------------------------------------------------

# Injected before any page script: records the text and target of every navigation link
# the page ever shows (sidebar links, Streamlit's own page menu, a top menu), however
# briefly, so a test can prove a page outside the role never appeared — not even on the
# first paint, before the entry script has built the role's navigation.
NAV_RECORDER = """
(() => {
  const seen = [];
  window.__allyshipNavSeen = seen;
  const keys = new Set();
  const record = () => {
    document.querySelectorAll(
      '[data-testid="stSidebar"] a, [data-testid="stSidebarNav"] a, nav a, header a'
    ).forEach((a) => {
      const text = (a.innerText || a.textContent || '').trim();
      const href = a.getAttribute('href') || '';
      const key = text + '\\u0000' + href;
      if (!keys.has(key)) { keys.add(key); seen.push({text, href}); }
    });
  };
  new MutationObserver(record).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
  document.addEventListener('DOMContentLoaded', record);
})();
"""


def nav_links_seen(page) -> list[dict[str, str]]:  # noqa: ANN001
    """Every navigation link ``page`` has shown so far: ``{"text", "href"}``; the text
    is the visible label (a link's icon ligature, e.g. "today", dropped)."""
    seen = page.evaluate("window.__allyshipNavSeen || []")
    return [{"text": s["text"].splitlines()[-1].strip() if s["text"] else "",
             "href": s["href"]} for s in seen]


def sidebar(page):  # noqa: ANN001, ANN201
    return page.get_by_test_id("stSidebar")


def open_home(page, url: str) -> None:  # noqa: ANN001
    """Open the app's home page (*My week*) and wait until it has drawn."""
    from playwright.sync_api import expect

    page.goto(f"{url}/")
    # The first visit on a new server also creates the demo database.
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible(timeout=60_000)
    expect(sidebar(page).get_by_role("link", name="My week")).to_be_visible()


def go_to(page, title: str) -> None:  # noqa: ANN001
    """Click the page's link in the sidebar, as a person would, and wait for its title."""
    from playwright.sync_api import expect

    sidebar(page).get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def choose(page, label: str, option: str | re.Pattern[str], *, within=None) -> None:  # noqa: ANN001
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    scope = within or page
    scope.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()


# Each page's English title (streamlit_app.py), in the sidebar's order.
PAGE_TITLES = {
    "my_week": "My week", "my_plan": "My plan", "log_actions": "Log actions",
    "reflect": "Reflect", "shared": "Shared with me", "partners": "Partners",
    "circles": "Learning circle", "ideas": "Activity ideas", "about": "About the practice",
    "team_progress": "Team progress", "chapter_report": "Chapter report",
    "partner_voice": "Partner voice", "admin": "Admin", "data": "Import & export",
    "messages": "Email & reminders", "account": "Account",
}
CHAPTER_ROLES = {"Member": "member", "Team lead": "lead", "Chapter admin": "admin"}


def role_page_keys(role: str) -> list[str]:
    """The chapter pages ``role`` ("member", "lead", "admin") has, in the sidebar's order."""
    from allyship.core.access import SCREEN_ROLES

    return [key for key in PAGE_TITLES if role in SCREEN_ROLES[key]]


def wait_for_role_sidebar(page, role: str, gettext=None) -> None:  # noqa: ANN001
    """Wait until the sidebar lists exactly ``role``'s pages.

    A persona switch redraws the links on its rerun: a link found in the old list and
    clicked a moment later can land on whichever page the new list puts there."""
    from playwright.sync_api import expect

    words = gettext or (lambda text: text)
    titles = [words(PAGE_TITLES[key]) for key in role_page_keys(role)]
    links = sidebar(page).get_by_role("link")
    for title in titles:
        expect(sidebar(page).get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(links).to_have_count(len(titles))


def view_demo_as(page, role_title: str) -> None:  # noqa: ANN001
    """Switch the demo persona ("Member", "Team lead", "Chapter admin") and wait until the
    sidebar lists that role's pages."""
    from playwright.sync_api import expect

    choose(page, "Viewing the demo as", re.compile(rf"— {re.escape(role_title)}$"),
           within=sidebar(page))
    # The picker shows "Name — Role" once the choice has gone through.
    picker = sidebar(page).get_by_role("combobox", name="Viewing the demo as")
    expect(picker).to_have_value(re.compile(rf"— {re.escape(role_title)}$"))
    if role_title in CHAPTER_ROLES:
        wait_for_role_sidebar(page, CHAPTER_ROLES[role_title])


def open_as_role(page, url: str, role: str, proof: str) -> list[str]:  # noqa: ANN001
    """Open the demo as ``role`` ("Member", "Team lead", …), wait until the sidebar shows
    ``proof`` (a page that role has and the roles below it do not), and return the titles
    of every page in the sidebar, in order."""
    from playwright.sync_api import expect

    page.goto(f"{url}/")
    expect(page.get_by_role("heading", name="My week", level=1)).to_be_visible(timeout=60_000)
    if role != "Member":
        view_demo_as(page, role)
    expect(sidebar(page).get_by_role("link", name=proof, exact=True)).to_be_visible()
    return [link.inner_text().splitlines()[-1].strip()
            for link in sidebar(page).get_by_role("link").all()]
