"""The concurrency bench's websocket clients (``bench/wsclient.py``) talk to a real
``streamlit run`` server behind nginx as a browser tab does: a lead signed in by the
app's session cookie sees *Team progress* with its charts, a member's action logged
through the form lands in the database, and a tab that is not signed in is refused as a
measurement rather than timed.

No timing thresholds beyond "took some time and finished" (shared, noisy machines): the
figures themselves come from ``python -m bench``.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import pytest

from allyship.people import sessions
from allyship.web import serve
from bench import browser_views, concurrency, wsclient

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(serve.find_nginx() is None and
                                 os.environ.get("ALLYSHIP_REQUIRE_BROWSER") != "1",
                                 reason="nginx is not installed (apt-get install nginx)")]


def test_websocket_clients_see_the_page_a_lead_sees_and_refuse_a_sign_in_page(
        demo_template: Path, tmp_path: Path):
    db_path = tmp_path / "bench.db"
    leads, writer = concurrency.prepare_database(demo_template, db_path, 1)
    lead_token, writer_token = concurrency.session_cookies(db_path, [leads[0], writer])
    with serve.Deployment(db_path, processes=1, host="127.0.0.1", port=serve.free_port(),
                          say=lambda _line: None) as d:
        pids = [b.proc.pid for b in d.backends]

        async def scenario() -> dict:
            # Without the cookie the app shows its sign-in page: never measured as a view.
            async with wsclient.Tab(d.url, {}) as stranger:
                page = await stranger.run()
                assert "Sign in" in page.headings
                with pytest.raises(wsclient.ProtocolError, match="sign-in page"):
                    concurrency.check_page(page, "My week", "stranger")
            # A tab of Team progress named in the address: its two charts, and only them.
            async with wsclient.Tab(d.url, {sessions.COOKIE_NAME: lead_token}) as lead:
                await lead.run()
                tab = await lead.run("Team progress", query="tp_tab=Responsibilities")
                concurrency.check_page(tab, "Team progress", "lead", charts=True)
                assert tab.charts == 2
            return await concurrency._ws_round(d.url, [lead_token], writer_token, pids,
                                               db_path, close_wait=0)

        r = asyncio.run(scenario())
        spread, unsticky = concurrency.clients_per_process(d.run_dir / "access.log",
                                                           [b.port for b in d.backends])

    for phase in ("cold", "warm"):
        assert len(r[phase]) == 1 and 0 < r[phase][0] < 120_000
        # The open tab's chart only: the others are drawn when their tab is opened.
        assert r[phase + "_charts"][0] == 1, "Team progress draws its first tab's chart"
        assert r[phase + "_messages"][0] > 20, "every message of the view is counted"
        assert r[phase + "_cpu"] > 0, "the server's CPU time is read from /proc"
    assert 0 < r["write"] < 120_000 and r["write_landed"]
    with sqlite3.connect(db_path) as conn:
        (text,) = conn.execute("SELECT a.description FROM actions a JOIN members m"
                               " ON m.id = a.member_id WHERE m.email = ? ORDER BY a.id DESC"
                               " LIMIT 1", [writer]).fetchone()
    assert text.startswith(concurrency.WRITE_TEXT)
    assert all(mb > 50 for mb in r["rss_peak"].values())
    # nginx saw the websockets (stranger, the lead's tab from an address, lead, writer) on
    # the one process, each route cookie on one process.
    assert spread == [4] and unsticky == []


def test_the_floor_page_sends_as_many_messages_as_the_view_it_stands_beside():
    from bench import floor

    said: list[str] = []
    fig = floor.measure("test", 2, 60, say=said.append)
    # The page is resized to the view's message count.
    assert fig.note.startswith("60 messages a run"), fig.note
    assert fig.median is not None and fig.median > 0, "the server's CPU time is read"
    assert said and "doing no work" in said[0]


@pytest.mark.skipif(browser_views.chromium_path() is None, reason="chromium is not installed")
def test_the_browser_bench_times_a_lead_from_click_to_every_chart_drawn(demo_template: Path,
                                                                        tmp_path: Path):
    figs = browser_views.run(demo_template, "demo", tmp_path, ["lead"], n=1,
                             say=lambda _line: None)
    by = {f.measure: f for f in figs}
    first = by["click → drawn: Team progress, first view after start"]
    assert first.median and first.median > 0, first.note
    assert "server's share" in first.note and "1 chart(s)" in first.note
    # Each other tab is timed when opened, its charts drawn then.
    opened = [f for m, f in by.items() if m.startswith("click → drawn: Team progress, open")]
    assert len(opened) == 3 and all(f.median for f in opened)
    assert "2 chart(s)" in by["click → drawn: Team progress, open the tab 'Responsibilities'"].note
    cpu = by["browser CPU per Team progress view: Team progress, first view after start"]
    assert cpu.median is not None and "renderer CPU" in cpu.note
    # Every line says its target and the load average.
    line = browser_views.line(cpu)
    assert "target ≤ 150 ms" in line and "load average" in line
    assert not [f for f in figs if f.median is None]
