"""Streamlit's own floor in a real browser on this machine: what a page doing (almost) no
work costs in headless Chromium.

``python -m bench.browser_floor [--repeat N]``. A tiny app (a page of text, a page of
text as long as *My week*, a page of three tabs with one small chart each but the last) is
served by a real ``streamlit run`` with the app's own ``.streamlit/config.toml``, its pages
linked in the sidebar as the app's are, and timed exactly as ``bench/browser_views.py``
times the app: a fresh server and a fresh browser context each time, until the page is
drawn and idle. No page of the app can be faster than these on this machine, so they are
printed beside the app's browser lines: the reader sees how much of a browser figure is
Streamlit's own and how much is the app's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import browser_views, concurrency, floor
from bench.browser_views import TIMEOUT_MS, page_clock
from bench.results import Figure, load_average

ROOT = Path(__file__).resolve().parent.parent
M = "Streamlit browser floor: "
FIRST = M + "first visit, a page of text with sidebar links drawn"
FIRST_LONG = M + "first visit, a page of as many elements as My week (text) drawn"
OPEN = M + "first open of a page with one chart (click → drawn)"
OPEN_CPU = M + "renderer CPU, first open of a page with one chart"
TAB = M + "a tab drawing one chart (click → drawn)"
TAB_CPU = M + "renderer CPU, a tab drawing one chart"
TAB_TEXT_CPU = M + "renderer CPU, a tab drawing one line of text"
OPEN_CHART = M + "chart render, the first chart of a session"
TAB_CHART = M + "chart render, a tab's chart"
MEASURES = (FIRST, FIRST_LONG, OPEN, OPEN_CPU, TAB, TAB_CPU, TAB_TEXT_CPU, OPEN_CHART,
            TAB_CHART)
# My week sends 88 elements in the bench's data (its sidebar included); the long page
# sends as many, all of them plain lines of text: lighter than forms, metrics and buttons.
LONG_LINES = 84

# The app's config hides st.navigation's own menu (showSidebarNavigation = false), so,
# as streamlit_app.py does, the navigation is hidden and the pages drawn as page links.
# As there, the server imports the file to find ``app`` and runs it as ``__main__``; its
# start-up preload imports pandas and Altair, as the app's (allyship.web.warmup) spares
# its first views the imports: settle() then waits for it.
APP = '''import contextlib
import threading

import streamlit as st


def imports() -> None:
    import altair  # noqa: F401
    import pandas  # noqa: F401


@contextlib.asynccontextmanager
async def preload(app):
    threading.Thread(target=imports, daemon=True).start()
    yield


def home() -> None:
    st.title("Home")
    st.write("A page of text, and nothing else.")
    st.write("Two short lines, drawn as the app draws its own.")


def lines() -> None:
    st.title("Lines")
    for i in range(LONG_LINES_HERE):
        st.write(f"Line {i + 1} of a page as long as My week, in plain text.")


@st.fragment
def chart_tabs() -> None:
    import altair as alt
    import pandas as pd

    tabs = st.tabs(["A", "B", "C"], key="t", bind="query-params")
    for name, tab in zip("ABC", tabs):
        if tab.open:
            with tab:
                if name == "C":
                    st.write("no chart")
                else:
                    frame = pd.DataFrame({"week": [f"{name}{i:02d}" for i in range(12)],
                                          "actions": [i % 5 + 1 for i in range(12)]})
                    st.altair_chart(alt.Chart(frame).mark_bar().encode(x="week", y="actions"))


def charts() -> None:
    st.title("Charts")
    chart_tabs()


if __name__ == "__main__":
    pages = [st.Page(home, title="Home", default=True), st.Page(charts, title="Charts"),
             st.Page(lines, title="Lines")]
    page = st.navigation(pages, position="hidden")
    with st.sidebar:
        for p in pages:
            st.page_link(p)
    page.run()
else:
    app = st.App("floor_app.py", lifespan=preload)
'''
LINKS_JS = """() => document.querySelectorAll('[data-testid="stSidebar"] a[href]').length >= 2"""


@contextmanager
def floor_server() -> Iterator[str]:
    """A fresh ``streamlit run`` of :data:`APP`, settled; its URL (stopped however the
    block ends)."""
    text = APP.replace("LONG_LINES_HERE", str(LONG_LINES))
    with floor.streamlit_page("floor_app.py", text, prefix="allyship-browser-floor-") as (
            url, _pid, _dir):
        yield url


async def first_visit(browser: Any, title: str = "Home", path: str = "") -> float:
    """Navigation → the page ``title`` (at ``path``) and its sidebar links drawn, idle
    (``browser_views.first_visit``)."""
    with floor_server() as url:
        # browser_views' page: its observer and run hooks; the app's cookie goes unread.
        context, page, _cdp = await browser_views.new_page(browser, url, "none")
        try:
            started = time.perf_counter()
            await page.goto(f"{url}/{path}")
            await page.wait_for_function(LINKS_JS, polling=50, timeout=TIMEOUT_MS)
            await browser_views.wait_drawn(page, title, 0)
            origin = await page_clock(page)
            marks = await page.evaluate("window.__bench")
            return (origin + marks["mutated"] / 1000 - started) * 1000
        finally:
            await context.close()


async def charts_and_tabs(browser: Any, got: dict[str, list[float]]) -> None:
    """Home → click "Charts" (its first open), then tabs B, C and A, one click each."""
    with floor_server() as url:
        context, page, cdp = await browser_views.new_page(browser, url, "none")
        try:
            await page.goto(url + "/")
            await browser_views.wait_drawn(page, "Home", 0)
            r = await browser_views.measure_click(
                page, cdp, browser_views.sidebar_link(page, "Charts"), "Charts", least=1)
            got[OPEN].append(r["ms"])
            got[OPEN_CPU].append(r["cpu_ms"])
            got[OPEN_CHART] += r["charts"]
            for name in "BCA":
                tab = page.get_by_role("tab", name=name, exact=True)
                r = await browser_views.measure_click(page, cdp, tab, "Charts",
                                                      least=0 if name == "C" else 1)
                if name == "C":
                    got[TAB_TEXT_CPU].append(r["cpu_ms"])
                else:
                    got[TAB].append(r["ms"])
                    got[TAB_CPU].append(r["cpu_ms"])
                    got[TAB_CHART] += r["charts"]
        finally:
            await context.close()


NOTES = {
    FIRST: "navigation → Home (a title, two lines) and its sidebar links drawn, idle",
    FIRST_LONG: f"navigation → Lines (a title and {LONG_LINES} lines of text) and its "
                "sidebar links drawn, idle",
    OPEN: "click on the sidebar link → Charts and its 12-bar chart drawn, idle",
    OPEN_CPU: "Chromium renderer CPU over that click → drawn (DevTools SystemInfo)",
    TAB: "click on tab B or A → the fragment's 12-bar chart drawn, idle",
    TAB_CPU: "Chromium renderer CPU over that click → drawn",
    TAB_TEXT_CPU: "Chromium renderer CPU, click on tab C (one st.write) → drawn",
    OPEN_CHART: "the 12-bar chart's element added → its canvas/SVG drawn, on Charts' first "
                "open (Vega's script just loaded)",
    TAB_CHART: "the 12-bar chart's element added → its canvas/SVG drawn, on tabs B and A",
}

HOW = {True: "each on a fresh server and browser context",
       False: "rounds of tabs B, C, A: one on each fresh server, after Charts' first open"}


def run(scale: str, repeat: int = 3, say: Callable[[str], object] = print) -> list[Figure]:
    """The floor's figures, medians of ``repeat`` fresh servers (and a fresh browser
    context each); the tabs are clicked once each after every first open of Charts."""
    chromium = browser_views.chromium_path()
    if chromium is None:
        return [Figure(scale, M.rstrip(": "), "ms", None, None, 0,
                       "n/a (chromium not installed)")]
    got: dict[str, list[float]] = {m: [] for m in MEASURES}
    loads: list[float] = []

    async def main() -> None:
        async with concurrency.headless_chromium(chromium) as browser:
            for _ in range(repeat):
                loads.append(load_average() or 0.0)
                got[FIRST].append(await first_visit(browser))
                got[FIRST_LONG].append(await first_visit(browser, "Lines", "lines"))
                loads.append(load_average() or 0.0)
                await charts_and_tabs(browser, got)

    try:
        asyncio.run(main())
    except Exception as exc:  # noqa: BLE001 — said as a figure, as browser_views does:
        # a failed floor must not stop the bench that prints it (servers already stopped)
        figs = [Figure(scale, M + "failed", "ms", None, None, 0,
                       f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")]
    else:
        load = max(loads) if loads else None
        # Floats always: a browser's clock may give whole milliseconds.
        figs = [Figure(scale, m, "ms", round(float(statistics.median(xs)), 1) if xs else None,
                       None, len(xs),
                       f"{NOTES[m]}; median of {len(xs)} "
                       f"({HOW[m in (FIRST, FIRST_LONG, OPEN, OPEN_CPU, OPEN_CHART)]})"
                       f"; all: {', '.join(f'{x:.0f}' for x in xs)}",
                       [round(float(x), 1) for x in xs], load=load)
                for m, xs in got.items()]
    for f in figs:
        say(browser_views.line(f))
    return figs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.browser_floor",
                                description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3, help="fresh servers per measure")
    p.add_argument("--scale", default="floor", help="the scale name printed with each line")
    args = p.parse_args(argv)
    la = os.getloadavg()
    print(f"Streamlit's browser floor: {os.cpu_count()} CPU, load average {la[0]:.2f} "
          f"{la[1]:.2f} {la[2]:.2f}; Chromium and the server share these cores", flush=True)
    run(args.scale, args.repeat, say=lambda s: print(s, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
