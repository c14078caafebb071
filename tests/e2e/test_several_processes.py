"""Several Streamlit processes behind real nginx (``python -m allyship serve``): browsers
reach the app through nginx, each stays on one process, both processes serve, and the
writes made through both land in the one SQLite file."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from allyship.db import store
from allyship.web import serve

from . import harness
from .harness import go_to, open_home

pytestmark = pytest.mark.browser

MAX_BROWSERS = 10  # new browsers take turns: the second one reaches the other process


def log_an_action(page, what: str) -> None:  # noqa: ANN001
    go_to(page, "Log actions")
    form = page.get_by_role("tabpanel", name="Log an action").get_by_test_id("stForm")
    form.get_by_label("What I did").fill(what)
    form.get_by_text("2. Listen more, speak less", exact=True).click()
    form.get_by_role("button", name="Log action").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Action logged.")).to_be_visible()


def upstreams_by_route(access_log: Path) -> dict[str, set[str]]:
    """route cookie → every process (host:port) nginx sent that route's requests to."""
    seen: dict[str, set[str]] = {}
    for line in access_log.read_text().splitlines():
        m = re.search(r"upstream=(\S+) route=(\S+)", line)
        if m and m.group(1) != "-":
            seen.setdefault(m.group(2), set()).add(m.group(1))
    return seen


def test_two_processes_behind_nginx_both_serve_and_share_one_database(
        chromium_browser: Browser, tmp_path: Path):
    db_path = tmp_path / "allyship.db"
    deployment = serve.Deployment(db_path, processes=2, host="127.0.0.1",
                                  port=harness.free_port(), run_dir=tmp_path / "run",
                                  say=lambda _line: None)
    with deployment:
        ports = {f"127.0.0.1:{b.port}" for b in deployment.backends}
        written: dict[str, str] = {}  # route cookie → what that browser logged
        served: set[str] = set()
        for _ in range(MAX_BROWSERS):
            context = chromium_browser.new_context(viewport=harness.VIEWPORT)
            try:
                page = context.new_page()
                open_home(page, deployment.url)
                what = f"Through nginx {uuid.uuid4().hex[:8]}"
                log_an_action(page, what)
                route = next(c["value"] for c in context.cookies()
                             if c["name"] == "allyship_route")
                written[route] = what
            finally:
                context.close()  # closes the websocket, so nginx logs where it went
            routes = upstreams_by_route(deployment.run_dir / "access.log")
            served = set().union(*(routes.get(r, set()) for r in written))
            if served == ports:
                break

        assert served == ports, f"only {served} of {ports} served after {len(written)} browsers"
        routes = upstreams_by_route(deployment.run_dir / "access.log")
        for route in written:
            # Sticky: every request of one browser (page, websocket, assets) went to one
            # process.
            assert len(routes[route]) == 1, (route, routes[route])

        db = store.connect(db_path)
        landed = {r["description"] for r in db.query(
            "SELECT description FROM actions WHERE description LIKE 'Through nginx %'")}
        db.conn.close()
        assert landed == set(written.values())

    # Stopped cleanly: every process we started has exited, and nginx no longer answers.
    assert all(b.proc.poll() is not None for b in deployment.backends)
    assert deployment.nginx_proc.poll() is not None
    assert not serve.healthy(deployment.url + "/nginx-health", timeout=1)
