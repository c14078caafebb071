"""What people wait for, in a real browser: from a click until every chart on screen is
drawn and the page is idle, in headless Chromium against a real server.

``python -m bench.browser_views --scale 10k`` (options below). Each scenario starts a
**fresh server** (the first view after start: server caches empty) and opens a **fresh
browser context** (a new connection, an empty browser cache), signed in by the app's own
session cookie. For every view it prints, with its target and the load average:

* **click → drawn**: the click (a page link in the sidebar, or a tab) until every chart
  on screen has its canvas or SVG, Streamlit's "running" indicator is gone and the page
  has not changed for 300 ms — the time is that of the *last change*, not of the quiet;
* **server's share**: the click until the last websocket message of the run arrived
  (what the websocket bench measures: the server's part of the wait);
* **browser CPU**: the CPU time of every Chromium process over the same interval
  (renderer, GPU, network; the browser's own accounting through DevTools);
* **per chart**: each chart's time from its element appearing to its canvas/SVG drawn.

Scenarios (``--scenarios``): ``lead`` (one lead opens Team progress, then each of its
tabs), ``crowd`` (one Chromium lead among N websocket leads of different chapters, all
asking at once; repeated on fresh servers for a p95), ``writers`` (N members log an
action at the same moment, one of them in Chromium: submit → "Action logged." drawn),
``first`` (the first visit after a start: My week drawn with its page links),
``phone`` (how tall Team progress is on a 390 × 844 phone),
``organisation`` (an organisation admin opens Organisation), ``admin`` (a chapter admin
opens Admin) and ``report`` (Chapter report → Download HTML until the file arrives).
The browsers run on the server's own cores: on a shared 2-core machine they compete.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench import bytecode, concurrency, data
from bench.results import Figure, percentile

# Installed before any page script: when the last click happened, when the DOM last
# changed, and when each chart's element appeared and got its drawing.
OBSERVER_JS = """
(() => {
  window.__bench = {click: 0, mutated: 0, ran: 0, charts: []};
  document.addEventListener('click', () => { window.__bench.click = performance.now(); }, true);
  const seen = new Map();
  const look = () => {
    document.querySelectorAll('[data-testid="stVegaLiteChart"]').forEach((el) => {
      let c = seen.get(el);
      if (!c) { c = {added: performance.now(), drawn: 0}; seen.set(el, c); window.__bench.charts.push(c); }
      if (!c.drawn && el.querySelector('canvas, svg')) c.drawn = performance.now();
    });
  };
  new MutationObserver((records) => {
    window.__bench.mutated = performance.now();
    // A run began if the app's script state was or became "running" (both changes may
    // come in one batch of records).
    if (records.some(r => r.attributeName === 'data-test-script-state' &&
                     (r.oldValue === 'running' || r.target.dataset.testScriptState === 'running')))
      window.__bench.ran = performance.now();
    look();
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeOldValue: true, characterData: true});
})();
"""
RESET_JS = "() => { window.__bench.charts = window.__bench.charts.filter(c => !c.drawn); }"
DRAWN_JS = """([title, least]) => {
  const h1 = [...document.querySelectorAll('h1')].some(e => e.innerText.includes(title));
  const app = document.querySelector('[data-testid="stApp"]');
  const b = window.__bench;
  if (!h1 || !app || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter(c => c.offsetParent !== null);
  if (charts.length < least || !charts.every(c => c.querySelector('canvas, svg'))) return false;
  return performance.now() - b.mutated > 300;
}"""
LINKS_JS = """() => {
  const links = [...document.querySelectorAll('[data-testid="stSidebar"] a[href]')];
  return links.some(a => a.innerText.includes('Log actions'));
}"""
TIMEOUT_MS = 60_000

# (measure, unit, target, how): printed beside the figure.
TARGETS = {
    "lead among N, p95 click → drawn": ("ms p95", 800, "≤"),
    "browser CPU per Team progress view": ("ms", 150, "≤"),
    "members logging at once, p95 submit → confirmation": ("ms p95", 500, "≤"),
    "Admin page, open": ("ms", 1000, "≤"),
    "Organisation page, first open → drawn": ("ms", 1500, "≤"),
    "first visit after start, My week drawn with links": ("ms", 1000, "≤"),
    "chart render in Chromium, slowest chart": ("ms", 100, "≤"),
    "Chapter report, Download HTML": ("ms", 1000, "≤"),
}


def target_words(measure: str) -> str:
    if measure.startswith("browser CPU:"):  # CPU of a page with no CPU target
        return ""
    for key, (unit, target, how) in TARGETS.items():
        if key in measure:
            return f"{how} {target:g} {unit.split()[0]}"
    return ""


def target_met(measure: str, value: float | None) -> bool | None:
    if measure.startswith("browser CPU:"):
        return None
    for key, (_unit, target, how) in TARGETS.items():
        if key in measure and value is not None:
            return value <= target if how == "≤" else value >= target
    return None


class Server:
    """One fresh Streamlit process behind nginx on a copy of the bench data, settled."""

    def __init__(self, db_path: Path, processes: int = 1) -> None:
        from allyship.web import serve

        self.d = serve.Deployment(db_path, processes=processes, host="127.0.0.1",
                                  port=serve.free_port(), say=lambda _l: None)

    def __enter__(self) -> Server:
        self.d.start()
        self.pids = [b.proc.pid for b in self.d.backends]
        concurrency.settle(self.pids)
        return self

    def __exit__(self, *exc: object) -> None:
        self.d.stop()

    @property
    def url(self) -> str:
        return self.d.url


async def new_page(browser: Any, url: str, token: str, width: int = 1400,
                   height: int = 1000) -> tuple[Any, Any, Any]:
    """A fresh context (new connection, empty cache) signed in by cookie; its page and a
    DevTools session with the browser (for CPU figures)."""
    from allyship.people import sessions

    context = await browser.new_context(viewport={"width": width, "height": height},
                                        accept_downloads=True)
    await context.add_cookies([{"name": sessions.COOKIE_NAME, "value": token,
                                "url": url + "/"}])
    await context.add_init_script(OBSERVER_JS)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.frames_seen = []  # (perf_counter, bytes) of every websocket message received
    page.finished = []  # when each script run's "finished" message arrived

    def on_frame(payload: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        now = time.perf_counter()
        page.frames_seen.append((now, len(payload)))
        if isinstance(payload, bytes):
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            # A click inside a fragment (Team progress's tabs) reruns only the fragment.
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished in (
                    ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY"),
                    ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")):
                page.finished.append(now)

    def on_ws(ws: Any) -> None:
        ws.on("framereceived", on_frame)

    page.on("websocket", on_ws)
    cdp = await browser.new_browser_cdp_session()
    return context, page, cdp


async def task_ms(cdp: Any) -> float:
    """CPU time Chromium's renderer processes have used so far, in ms, from the browser's
    own accounting (DevTools ``SystemInfo.getProcessInfo``): the page's scripts, layout
    and Vega's drawing."""
    info = await cdp.send("SystemInfo.getProcessInfo")
    return sum(p["cpuTime"] for p in info["processInfo"] if p["type"] == "renderer") * 1000


async def idle_rate(cdp: Any, seconds: float = 1.0) -> float:
    """The renderers' CPU per second while nothing is asked of the page (an idle page
    still costs a little: timers, the websocket's heartbeat), printed beside a view's."""
    before, started = await task_ms(cdp), time.perf_counter()
    await asyncio.sleep(seconds)
    return (await task_ms(cdp) - before) / (time.perf_counter() - started)


async def page_clock(page: Any) -> float:
    """The page's ``performance.now()`` origin on this process's ``perf_counter`` clock."""
    before = time.perf_counter()
    now = await page.evaluate("performance.now()")
    after = time.perf_counter()
    return (before + after) / 2 - now / 1000


async def measure_click(page: Any, cdp: Any, target: Any, title: str,
                        least: int | None = None) -> dict[str, Any]:
    """Click ``target``; wait until ``title`` is drawn, charts and all (at least ``least``
    of them; default: as :func:`wait_drawn`), and idle."""
    await page.evaluate(RESET_JS)
    idle = await idle_rate(cdp)
    page.frames_seen.clear()
    cpu0 = await task_ms(cdp)
    page.finished.clear()
    clicked = time.perf_counter()
    await target.click()
    while not page.finished:  # the run the click asked for, finished on the server
        if time.perf_counter() - clicked > TIMEOUT_MS / 1000:
            raise RuntimeError(f"no finished run of {title} within {TIMEOUT_MS / 1000:.0f} s")
        await asyncio.sleep(0.02)
    await wait_drawn(page, title, least)
    # The whole of it, idle or not: an "idle" page's rate measured just before varied
    # too much on a loaded machine to subtract (it is printed beside the figure).
    raw = cpu = await task_ms(cdp) - cpu0
    origin = await page_clock(page)
    marks = await page.evaluate("window.__bench")
    click_at = origin + marks["click"] / 1000 if marks["click"] else clicked
    drawn = (origin + marks["mutated"] / 1000 - click_at) * 1000
    frames = [t for t, _ in page.frames_seen if t >= clicked]
    return {"ms": drawn, "server_ms": ((frames[-1] - click_at) * 1000) if frames else None,
            "cpu_ms": cpu, "cpu_raw_ms": raw, "idle_ms_per_s": idle,
            "bytes": sum(n for t, n in page.frames_seen if t >= clicked),
            "charts": [c["drawn"] - c["added"] for c in marks["charts"] if c["drawn"]]}


STATE_JS = """() => ({h1: [...document.querySelectorAll('h1')].map(e => e.innerText),
  state: (document.querySelector('[data-testid="stApp"]') || {dataset: {}}).dataset.testScriptState,
  status: !!document.querySelector('[data-testid="stStatusWidget"]'),
  now: performance.now(), bench: {...window.__bench, charts: window.__bench.charts.length}})"""


# Pages whose view always shows a chart (the bench data has enough weeks and actions).
CHARTED = ("Team progress", "Organisation")


async def wait_drawn(page: Any, title: str, least: int | None = None) -> None:
    """Wait for :data:`DRAWN_JS` with at least ``least`` charts drawn (default: one on a
    page that always has one); on a timeout, say what the page showed."""
    least = (1 if title in CHARTED else 0) if least is None else least
    try:
        await page.wait_for_function(DRAWN_JS, arg=[title, least], polling=50,
                                     timeout=TIMEOUT_MS)
    except Exception as exc:
        raise RuntimeError(f"{title} not drawn: {await page.evaluate(STATE_JS)}") from exc


def sidebar_link(page: Any, name: str) -> Any:
    return page.get_by_test_id("stSidebar").get_by_role("link", name=name, exact=True)


async def open_app(page: Any, url: str, title: str = "My week") -> None:
    await page.goto(url + "/")
    await wait_drawn(page, title)


# --- the scenarios --------------------------------------------------------------------------

async def lead(browser: Any, db: Path, token: str, scale: str,
               tabs: bool = True) -> list[Figure]:
    """One lead, fresh server: Team progress, then each of its tabs."""
    figs = []
    with Server(db) as srv:
        context, page, cdp = await new_page(browser, srv.url, token)
        try:
            await open_app(page, srv.url)
            load = _load()
            r = await measure_click(page, cdp, sidebar_link(page, "Team progress"),
                                    "Team progress")
            figs += view_figures(scale, "Team progress, first view after start", r, load)
            names = await page.get_by_role("tab").all_inner_texts() if tabs else []
            for name in names[1:]:
                r = await measure_click(page, cdp, page.get_by_role("tab", name=name),
                                        "Team progress")
                figs += view_figures(scale, f"Team progress, open the tab {name!r}", r, load)
        finally:
            await context.close()
    return figs


def view_figures(scale: str, what: str, r: dict[str, Any], load: float | None) -> list[Figure]:
    charts = r["charts"]
    figs = [
        Figure(scale, f"click → drawn: {what}", "ms", round(r["ms"], 1), None, 1,
               f"server's share (click → last websocket message) "
               f"{_fmt(r['server_ms'])} ms; {r['bytes'] / 1024:.0f} KB received; "
               f"{len(charts)} chart(s)", load=load),
        Figure(scale, f"browser CPU per Team progress view: {what}"
               if what.startswith("Team progress") else f"browser CPU: {what}", "ms",
               round(r["cpu_ms"], 1), None, 1,
               f"Chromium renderer CPU, click → drawn (DevTools SystemInfo); the page "
               f"before the click used {r['idle_ms_per_s']:.0f} ms/s",
               load=load)]
    if charts:
        figs.append(Figure(scale, f"chart render in Chromium, slowest chart: {what}", "ms",
                           round(max(charts), 1), None, len(charts),
                           "each chart: element added → canvas/SVG drawn (Vega draws a view's "
                           "charts in one batch); all: "
                           + ", ".join(f"{c:.0f}" for c in charts), [round(c, 1) for c in charts],
                           load=load))
    return figs


async def crowd(browser: Any, db: Path, tokens: list[str], scale: str,
                rounds: int) -> list[Figure]:
    """One Chromium lead among ``len(tokens) - 1`` websocket leads, all asking for Team
    progress at once; each round on a fresh server (cold), a fresh browser context."""
    from allyship.people import sessions
    from bench import wsclient

    browser_ms, server_ms, ws_ms, cpu, loads = [], [], [], [], []
    for _ in range(rounds):
        with Server(db) as srv:
            tabs = [wsclient.Tab(srv.url, {sessions.COOKIE_NAME: t}) for t in tokens[1:]]
            context, page, cdp = await new_page(browser, srv.url, tokens[0])
            try:
                await asyncio.gather(*(t.open() for t in tabs))
                await asyncio.gather(*(t.run() for t in tabs))
                await open_app(page, srv.url)
                loads.append(_load())
                link = sidebar_link(page, "Team progress")
                await link.wait_for()

                async def ws_view(t: Any) -> float:
                    run = await t.run("Team progress")
                    concurrency.check_page(run, "Team progress", "a websocket lead", charts=True)
                    return run.ms

                views = [asyncio.create_task(ws_view(t)) for t in tabs]
                r = await measure_click(page, cdp, link, "Team progress")
                ws_ms += await asyncio.gather(*views)
                browser_ms.append(r["ms"])
                server_ms.append(r["server_ms"] or 0)
                cpu.append(r["cpu_ms"])
            finally:
                await context.close()
                await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
    n = len(tokens)
    load = max(loads) if loads else None
    return [
        Figure(scale, f"lead among N, p95 click → drawn: one Chromium lead among {n} leads "
               "at once, 1 process, cold", "ms p95", round(statistics.median(browser_ms), 1),
               round(percentile(browser_ms, 95), 1), len(browser_ms),
               f"{rounds} rounds, each on a fresh server; the Chromium lead's server share "
               f"(click → last message) median {statistics.median(server_ms):.0f} ms; the "
               f"websocket leads (request → last chart sent) median "
               f"{statistics.median(ws_ms):.0f} ms, p95 {percentile(ws_ms, 95):.0f} ms",
               [round(x, 1) for x in browser_ms], load=load),
        Figure(scale, f"browser CPU per Team progress view: the Chromium lead among {n}",
               "ms", round(statistics.median(cpu), 1), None, len(cpu),
               "Chromium renderer CPU, click → drawn", load=load)]


async def writers(browser: Any, db: Path, tokens: list[str], scale: str) -> list[Figure]:
    """``len(tokens)`` members log an action at the same moment; the first in Chromium."""
    import uuid

    from allyship.people import sessions
    from bench import wsclient

    with Server(db) as srv:
        tabs = [wsclient.Tab(srv.url, {sessions.COOKIE_NAME: t}) for t in tokens[1:]]
        context, page, cdp = await new_page(browser, srv.url, tokens[0])
        try:
            await asyncio.gather(*(t.open() for t in tabs))
            await asyncio.gather(*(t.run() for t in tabs))
            forms = await asyncio.gather(*(t.run("Log actions") for t in tabs))
            await open_app(page, srv.url)
            load = _load()
            go = asyncio.Event()
            text = f"{concurrency.WRITE_TEXT} ({uuid.uuid4().hex[:8]})"
            tasks = [asyncio.create_task(concurrency.ws_write(t, f, go, f"{text} {i}"))
                     for i, (t, f) in enumerate(zip(tabs, forms))]
            cpu0 = concurrency.cpu_ms(srv.pids)
            mine = asyncio.create_task(concurrency.browser_write(page, go, f"{text} browser"))
            await asyncio.sleep(1.0)  # everyone at the barrier (the browser's form filled)
            go.set()
            browser_ms = await mine
            ws_ms = await asyncio.gather(*tasks)
            server_cpu = (concurrency.cpu_ms(srv.pids) - cpu0) / len(tokens)
        finally:
            await context.close()
            await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
    every = [browser_ms, *ws_ms]
    n = len(tokens)
    return [Figure(scale, f"members logging at once, p95 submit → confirmation: {n} members, "
                   "1 process (Chromium + websocket writers)", "ms p95",
                   round(statistics.median(every), 1), round(percentile(every, 95), 1), n,
                   f"the Chromium writer {browser_ms:.0f} ms (submit → 'Action logged.' "
                   f"drawn); websocket writers median {statistics.median(ws_ms):.0f} ms; "
                   f"server CPU per write (with the navigation) {server_cpu:.0f} ms",
                   [round(x, 1) for x in every], load=load)]


async def phone(browser: Any, db: Path, token: str, scale: str) -> list[Figure]:
    """How tall Team progress is on a 390 × 844 phone, in screens, once drawn."""
    with Server(db) as srv:
        context, page, cdp = await new_page(browser, srv.url, token, width=390, height=844)
        try:
            await open_app(page, srv.url)
            await page.goto(srv.url + "/team_progress")
            await wait_drawn(page, "Team progress")
            height = await page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('section, div')]"
                ".map(e => e.scrollHeight))")
        finally:
            await context.close()
    return [Figure(scale, "Team progress on a 390 × 844 phone, page height", "px", height,
                   None, 1, f"{height / 844:.1f} screens; the tallest scrolling area once "
                   "drawn", load=_load())]


async def first_visit(browser: Any, db: Path, token: str, scale: str) -> list[Figure]:
    with Server(db) as srv:
        context, page, _cdp = await new_page(browser, srv.url, token)
        try:
            load = _load()
            started = time.perf_counter()
            await page.goto(srv.url + "/")
            await page.wait_for_function(LINKS_JS, polling=50, timeout=TIMEOUT_MS)
            await wait_drawn(page, "My week")
            origin = await page_clock(page)
            marks = await page.evaluate("window.__bench")
            ms = (origin + marks["mutated"] / 1000 - started) * 1000
        finally:
            await context.close()
    return [Figure(scale, "first visit after start, My week drawn with links", "ms",
                   round(ms, 1), None, 1, "navigation → My week and its sidebar links drawn, "
                   "idle; fresh server, settled", load=load)]


async def open_page(browser: Any, db: Path, token: str, scale: str, link: str, title: str,
                    measure: str) -> list[Figure]:
    with Server(db) as srv:
        context, page, cdp = await new_page(browser, srv.url, token)
        try:
            await open_app(page, srv.url)
            load = _load()
            r = await measure_click(page, cdp, sidebar_link(page, link), title)
        finally:
            await context.close()
    return view_figures(scale, measure, r, load)[:1] + [
        Figure(scale, f"browser CPU: {measure}", "ms", round(r["cpu_ms"], 1), None, 1,
               "Chromium renderer CPU, click → drawn", load=load)]


async def report_download(browser: Any, db: Path, token: str, scale: str) -> list[Figure]:
    with Server(db) as srv:
        context, page, cdp = await new_page(browser, srv.url, token)
        try:
            await open_app(page, srv.url)
            await measure_click(page, cdp, sidebar_link(page, "Chapter report"),
                                "Chapter report")
            load = _load()
            button = page.get_by_role("button", name="Download HTML (print, opens offline)")
            started = time.perf_counter()
            async with page.expect_download(timeout=TIMEOUT_MS) as info:
                await button.click()
            download = await info.value
            await download.path()
            ms = (time.perf_counter() - started) * 1000
        finally:
            await context.close()
    return [Figure(scale, "Chapter report, Download HTML", "ms", round(ms, 1), None, 1,
                   "click → the file downloaded (built on click), first after start", load=load)]


# --- the run --------------------------------------------------------------------------------

SCENARIOS = ("first", "lead", "phone", "crowd", "writers", "organisation", "admin",
             "report")


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.0f}"


def chromium_path() -> str | None:
    return next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "")
                 if p and os.access(p, os.X_OK)), None)


def run(source_db: Path, scale: str, work_dir: Path, scenarios: list[str], *, n: int = 20,
        rounds: int = 3, say=print) -> list[Figure]:  # noqa: ANN001
    """The browser figures of ``scenarios`` on a copy of ``source_db``."""
    from allyship.web import serve

    chromium = chromium_path()
    if chromium is None or serve.find_nginx() is None:
        return [Figure(scale, "browser views", "ms", None, None, 0,
                       "n/a (chromium or nginx not installed)")]
    work_dir.mkdir(parents=True, exist_ok=True)
    db = work_dir / f"browser-{scale}.db"
    leads, _writer = concurrency.prepare_database(source_db, db, n)
    people = roles(db, n)
    if "organisation" in scenarios:
        from bench import organisation

        people["org_admin"] = organisation.prepare_organisation(db).email
    emails = [*leads, *people["members"], people["admin"], *([people["org_admin"]]
                                                          if "org_admin" in people else [])]
    tokens = dict(zip(emails, concurrency.session_cookies(db, emails)))
    figs: list[Figure] = []

    async def main() -> None:
        async with concurrency.headless_chromium(chromium) as browser:
            for s in scenarios:
                started = len(figs)
                try:
                    await scenario(browser, s)
                except Exception as exc:  # one scenario failing says so, the rest run
                    figs.append(Figure(scale, f"browser scenario {s}", "ms", None, None, 0,
                                       f"failed: {type(exc).__name__}: "
                                       f"{str(exc).splitlines()[0][:200]}"))
                for f in figs[started:]:
                    say(line(f))

    async def scenario(browser: Any, s: str) -> None:  # noqa: C901 — one branch a scenario
        if s == "lead":
            figs.extend(await lead(browser, db, tokens[leads[0]], scale))
        elif s == "crowd":
            figs.extend(await crowd(browser, db, [tokens[e] for e in leads],
                                    scale, rounds))
        elif s == "writers":
            figs.extend(await writers(browser, db, [tokens[e] for e in
                                                    people["members"]], scale))
        elif s == "first":
            figs.extend(await first_visit(browser, db, tokens[leads[0]], scale))
        elif s == "phone":
            figs.extend(await phone(browser, db, tokens[leads[0]], scale))
        elif s == "organisation":
            figs.extend(await open_page(
                browser, db, tokens[people["org_admin"]], scale, "Organisation",
                "Organisation", f"Organisation page, first open → drawn "
                f"({people['chapters']} chapters)"))
        elif s == "admin":
            figs.extend(await open_page(
                browser, db, tokens[people["admin"]], scale, "Admin", "Admin",
                f"Admin page, open ({people['chapter_members']:,}-member chapter)"))
        elif s == "report":
            figs.extend(await report_download(browser, db, tokens[people["admin"]],
                                              scale))

    try:
        asyncio.run(main())
    finally:
        data.remove_db(db)
    return figs


def roles(db_path: Path, n: int) -> dict[str, Any]:
    """``n`` members of the first chapter who are not leads, and its admin."""
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        chapter = conn.execute("SELECT min(id) FROM chapters").fetchone()[0]
        members = [r[0] for r in conn.execute(
            "SELECT email FROM members WHERE role = 'member' AND active = 1 AND chapter_id = ?"
            " ORDER BY id LIMIT ?", [chapter, n])]
        admin = conn.execute("SELECT email FROM members WHERE role = 'admin' AND active = 1"
                             " AND chapter_id = ? ORDER BY id LIMIT 1", [chapter]).fetchone()[0]
        size = conn.execute("SELECT count(*) FROM members WHERE chapter_id = ?",
                            [chapter]).fetchone()[0]
        chapters = conn.execute("SELECT count(*) FROM chapters").fetchone()[0]
    return {"members": members, "admin": admin, "chapter_members": size,
            "chapters": chapters}


def line(f: Figure) -> str:
    """One printed line: the figure, its target and whether it is met, the load average."""
    value = f.p95 if f.unit.endswith("p95") else f.median
    target = target_words(f.measure)
    met = target_met(f.measure, value)
    state = "" if met is None else (" — met" if met else " — NOT MET")
    shown = "–" if value is None else f"{value:,.0f}"
    extra = f" (median {f.median:,.0f})" if f.unit.endswith("p95") and f.median else ""
    load = "" if f.load is None else f"; load average {f.load:.2f}"
    return (f"  [{f.scale}] {f.measure}: {shown} {f.unit}{extra}"
            + (f" (target {target}){state}" if target else "") + f"{load} — {f.note}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.browser_views",
                                description=__doc__.splitlines()[0])
    p.add_argument("--scale", default="10k", choices=list(data.SCALES))
    p.add_argument("--scenarios", default="first,lead,crowd,writers",
                   help=f"comma-separated, from {', '.join(SCENARIOS)}")
    p.add_argument("--n", type=int, default=20, help="leads (crowd) or writers at once")
    p.add_argument("--rounds", type=int, default=3, help="crowd rounds (fresh server each)")
    p.add_argument("--today", type=date.fromisoformat, default=None)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = p.parse_args(argv)
    bytecode.compile_app()
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        p.error(f"unknown scenario(s) {', '.join(sorted(unknown))}")
    cached, _ = data.cached_db(data.SCALES[args.scale], args.out / "cache",
                               args.today or date.today())
    la = os.getloadavg()
    print(f"browser views at {args.scale}: {os.cpu_count()} CPU, load average "
          f"{la[0]:.2f} {la[1]:.2f} {la[2]:.2f}; Chromium and the server share these cores",
          flush=True)
    run(cached, args.scale, args.out / "work", scenarios, n=args.n, rounds=args.rounds,
        say=lambda s: print(s, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
