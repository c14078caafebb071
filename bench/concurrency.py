"""What users feel: N team leads of different chapters open *Team progress* at once,
against a real server (one Streamlit process, or several behind nginx).

Two kinds of client (``--clients``):

* ``ws`` (the default): each lead is a websocket client speaking Streamlit's own protocol
  (:mod:`bench.wsclient`) — what a browser tab says to the server, without drawing
  anything. The figures are what the *server* makes users wait for: the time from asking
  for *Team progress* to the run's ``script_finished`` (the last chart sent). Drawing six
  charts is then the user's own device's work, as it is in real life: leads open the app
  on their own laptops, not on the server's cores. The clients (one asyncio process)
  cost a few ms of CPU per view; the figures note it.
* ``browser``: real headless Chromium pages, time from the click to the last chart drawn.
  The browsers run on the server's machine and use the same cores: on a 2-core machine
  their own rendering (six Vega charts each) competes with the server, so the figures
  are far worse than what leads on their own devices would see.

For each configuration and each N, a fresh server is started (so the first round is
*cold*: the first *Team progress* view after the server started, with imports done by
the server's start-up preload and the figure caches empty), the leads sign in and land
on *My week* (untimed), then all open *Team progress* together. A second round (back to
*My week*, then *Team progress* again) is *warm*. With ``write_at`` leads a member also
logs an action at the moment the leads ask: time to "Action logged.", and the action is
checked in the database. Server CPU time (``/proc/PID/stat`` utime + stime of the
Streamlit processes) is read before and after each round: CPU per view is that ÷ N. RSS
is read per process when idle (after start-up settles), sampled during the rounds, and
read again after the clients have closed (after one round of the server's memory
trimmer, ``allyship.web.memory``).

A page that shows the sign-in screen, an exception, or no chart stops the run with an
error: a bench that silently measured an error page would be wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import sqlite3
import statistics
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.results import Figure, percentile

PASSWORD = "bench-password-long-enough"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
CHART_DONE_JS = """() => {
  const h1 = [...document.querySelectorAll('h1')].some(e => e.innerText.includes('Team progress'));
  if (!h1 || document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return charts.length > 0 && charts.every(c => c.querySelector('canvas, svg'));
}"""
TIMEOUT_MS = 180_000
CLIENTS = {"ws": "websocket clients", "browser": "Chromium pages"}
WRITE_TEXT = "Bench: asked how the walk could be quieter"
WRITE_TICK = "2. Listen more, speak less"


@contextlib.asynccontextmanager
async def headless_chromium(executable: str) -> AsyncIterator[Any]:
    """Debian's Chromium (``executable``), headless with the bench's flags, through
    Playwright; closed however the block ends."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, headless=True,
                                           args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Config:
    label: str
    processes: int


def prepare_database(source: Path, target: Path, readers: int) -> tuple[list[str], str]:
    """A copy of ``source`` as a real (non-demo) database where ``readers`` team leads,
    each of a different chapter where there are enough chapters, and one member have
    passwords. Passwords are set the way a member sets theirs (a set-up code)."""
    from allyship.db import store
    from allyship.people import passwords

    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    db = store.connect(target)
    try:
        with store.transaction(db):
            db.execute("UPDATE meta SET value = '0' WHERE key = 'demo'")
            store.bump_data_version(db)
        # One lead per chapter first, then more leads of the same chapters if needed.
        leads = [r[0] for r in db.execute(
            "SELECT email FROM (SELECT email, chapter_id, row_number() OVER"
            " (PARTITION BY chapter_id ORDER BY id) AS k FROM members"
            " WHERE role = 'lead' AND active = 1) ORDER BY k, chapter_id LIMIT ?", [readers])]
        writer = db.execute("SELECT email FROM members WHERE role = 'member' AND active = 1"
                            " ORDER BY id LIMIT 1").fetchone()[0]
        for email in [*leads, writer]:
            code = passwords.issue_setup_code_for_operator(db, email).code
            passwords.redeem_setup_code(db, email, code, PASSWORD)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()
    if len(leads) < readers:
        raise RuntimeError(f"only {len(leads)} team leads in the bench data, {readers} wanted")
    return leads, writer


def session_cookies(db_path: Path, emails: list[str]) -> list[str]:
    """A sign-in cookie (``allyship_session``) per member, made as the app makes one: a
    session opened at sign-in (:func:`allyship.people.sessions.start`) and its one-time nonce
    exchanged for the cookie's token (:func:`allyship.people.sessions.collect`, the route
    ``/app/session/start`` does that for a browser)."""
    from allyship.db import store
    from allyship.people import roster, sessions

    db = store.connect(db_path)
    try:
        tokens = []
        for email in emails:
            member = roster.find_member_by_email(db, email)
            if member is None:
                raise RuntimeError(f"no member {email} in the bench data")
            collected = sessions.collect(db, sessions.start(db, member).nonce)
            if collected is None:
                raise RuntimeError(f"the session of {email} gave no cookie")
            tokens.append(collected[0])
        return tokens
    finally:
        db.conn.close()


def chapters_of(db_path: Path, emails: list[str]) -> list[int]:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return [conn.execute("SELECT chapter_id FROM members WHERE email = ?", [e]).fetchone()[0]
                for e in emails]


# --- the server processes: memory and CPU ------------------------------------------------

def _rss_mb_each(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[pid] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return out


def _rss_mb(pids: list[int]) -> float:
    return sum(_rss_mb_each(pids).values())


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_ms(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far, in ms."""
    total = 0
    for pid in pids:
        try:
            # Fields after the command name (which may hold spaces): utime is the 14th
            # field of the line, stime the 15th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total * 1000 / _TICK


def settle(pids: list[int], timeout: float = 30.0) -> float:
    """Wait until the freshly started server is idle (its start-up preload done: under
    5 % of a core for two half-seconds in a row); the seconds waited."""
    started = time.monotonic()
    before, quiet = cpu_ms(pids), 0
    while time.monotonic() - started < timeout and quiet < 2:
        time.sleep(0.5)  # sampling the processes' CPU time
        now = cpu_ms(pids)
        quiet = quiet + 1 if now - before < 25 else 0
        before = now
    return time.monotonic() - started


class _Sampler:
    """The largest RSS of each server process seen while running."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self._stop = pids, threading.Event()
        self.peak: dict[int, float] = {pid: 0.0 for pid in pids}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid, mb in _rss_mb_each(self.pids).items():
                self.peak[pid] = max(self.peak[pid], mb)
            self._stop.wait(0.25)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def clients_per_process(access_log: Path, ports: list[int]) -> tuple[list[int], list[str]]:
    """From nginx's access log: how many websockets each process (by port) took, and any
    route cookie that reached more than one process (sticky sessions broken)."""
    routes: dict[str, set[str]] = {}
    streams: dict[str, int] = {}
    pattern = re.compile(r'"(\S+) (\S+)[^"]*" \d+ upstream=(\S+) route=(\S+)')
    try:
        lines = access_log.read_text(errors="replace").splitlines()
    except OSError:
        return [], []
    for line in lines:
        m = pattern.search(line)
        if not m or m.group(3) == "-":
            continue
        _method, path, upstream, route = m.groups()
        routes.setdefault(route, set()).add(upstream)
        if path.split("?")[0].endswith("/_stcore/stream"):
            streams[upstream] = streams.get(upstream, 0) + 1
    return ([streams.get(f"127.0.0.1:{p}", 0) for p in ports],
            sorted(r for r, u in routes.items() if len(u) > 1))


# --- websocket clients ---------------------------------------------------------------------

def check_page(run: Any, title: str, who: str, *, charts: bool = False) -> None:
    """Fail loudly unless the run drew the page ``title`` (with charts, if asked)."""
    from bench.wsclient import ProtocolError

    if run.exceptions:
        raise ProtocolError(f"{who}: {title} showed an exception: {run.exceptions[0]}")
    heads = run.headings
    if "Sign in" in heads:
        raise ProtocolError(f"{who}: got the sign-in page instead of {title} "
                            "(the session cookie did not sign in)")
    if not heads or heads[0] != title:
        raise ProtocolError(f"{who}: expected the page {title!r}, got headings {heads[:3]}")
    if charts and run.charts == 0:
        raise ProtocolError(f"{who}: {title} drew no chart")


async def ws_write(tab: Any, form: Any, go: asyncio.Event, text: str) -> float:
    from bench import wsclient

    states = [wsclient.value(form.widget("text_area", "What I did", "log_action_"), text),
              wsclient.value(form.widget("checkbox", WRITE_TICK, "log_action_"), True),
              wsclient.trigger(form.widget("button", "Log action", "log_action_"))]
    await go.wait()
    run = await tab.finish(await tab.request("Log actions", states))
    # The confirmation names what was saved after its first words.
    logged = [ms for body, ms in run.alert_ms.items() if body.startswith("Action logged.")]
    if not logged:
        check_page(run, "Log actions", "the writer")
        raise wsclient.ProtocolError(f"the writer saw no 'Action logged.' (alerts: "
                                     f"{run.alerts[:3]})")
    return logged[0]


async def _ws_view(tab: Any, page: str, go: asyncio.Event, who: str,
                   charts: bool) -> tuple[float, int, int]:
    await go.wait()
    run = await tab.run(page)
    check_page(run, page, who, charts=charts)
    return run.ms, run.charts, run.messages


async def _ws_round(url: str, tokens: list[str], writer_token: str | None,
                    pids: list[int], db_path: Path, close_wait: float,
                    expire_wait: float = 0.0) -> dict[str, Any]:
    from allyship.people import sessions
    from bench import wsclient

    tabs = [wsclient.Tab(url, {sessions.COOKIE_NAME: t}) for t in tokens]
    writer = wsclient.Tab(url, {sessions.COOKIE_NAME: writer_token}) if writer_token else None
    everyone = [*tabs, *([writer] if writer else [])]
    out: dict[str, Any] = {}
    try:
        # Open the app (untimed): each tab lands on My week, signed in by its cookie.
        await asyncio.gather(*(t.open() for t in everyone))
        firsts = await asyncio.gather(*(t.run() for t in everyone))
        for i, run in enumerate(firsts):
            check_page(run, "My week", f"client {i + 1}")
        form = None
        if writer is not None:
            form = await writer.run("Log actions")
            check_page(form, "Log actions", "the writer")
        out["rss_signed_in"] = _rss_mb_each(pids)
        text = f"{WRITE_TEXT} ({uuid.uuid4().hex[:8]})"
        with _Sampler(pids) as sampler:
            for phase in ("cold", "warm"):
                go = asyncio.Event()
                views = [asyncio.create_task(_ws_view(t, "Team progress", go,
                                                      f"lead {i + 1}", True))
                         for i, t in enumerate(tabs)]
                wtask = (asyncio.create_task(ws_write(writer, form, go, text))
                         if form is not None and phase == "cold" else None)
                await asyncio.sleep(0.2)  # every client waits at the barrier
                cpu0, mine0 = cpu_ms(pids), time.process_time()
                go.set()
                done = await asyncio.gather(*views)
                if wtask is not None:
                    out["write"] = await wtask
                out[phase + "_cpu"] = cpu_ms(pids) - cpu0
                out[phase + "_client_cpu"] = (time.process_time() - mine0) * 1000
                out[phase] = [ms for ms, _, _ in done]
                out[phase + "_charts"] = [c for _, c, _ in done]
                out[phase + "_messages"] = [m for _, _, m in done]
                if phase == "cold":
                    back = asyncio.Event()
                    back.set()
                    await asyncio.gather(*(_ws_view(t, "My week", back, f"lead {i + 1}",
                                                    False) for i, t in enumerate(tabs)))
        out["rss_peak"] = sampler.peak
    finally:
        await asyncio.gather(*(t.close() for t in everyone), return_exceptions=True)
    if writer is not None:
        with contextlib.closing(sqlite3.connect(db_path)) as conn:
            landed = conn.execute("SELECT count(*) FROM actions WHERE description = ?",
                                  [text]).fetchone()[0]
        if landed != 1:
            raise RuntimeError(f"the writer's action is in the database {landed} times, "
                               "not once")
        out["write_landed"] = True
    await asyncio.sleep(close_wait)  # the server notices the closed sessions, trims memory
    out["rss_after"] = _rss_mb_each(pids)
    if expire_wait:  # until Streamlit has dropped the closed sessions, and a trim after that
        await asyncio.sleep(expire_wait)
        out["rss_expired"] = _rss_mb_each(pids)
    return out


def expire_wait_after(close_wait: float) -> float:
    """Seconds more, after ``close_wait``, until Streamlit has dropped the closed sessions
    (``server.disconnectedSessionTTL``, kept so a phone that lost its connection for a
    moment gets its session back) and the memory trimmer has run once since."""
    from streamlit import config

    from allyship.web import memory

    ttl = float(config.get_option("server.disconnectedSessionTTL"))
    return max(ttl + (memory.interval() or 0) + 5 - close_wait, 0.0)


# --- real browsers ---------------------------------------------------------------------------

IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


async def _sign_in(context, url: str, email: str) -> Any:  # noqa: ANN001
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(url + "/")
    for attempt in range(3):
        # Type only once the sign-in form is drawn and the app idle: a rerun in flight
        # (the first run of a fresh server reruns once) redraws the form empty.
        await page.get_by_role("heading", name="Sign in", level=1).wait_for()
        await page.wait_for_function(IDLE_JS, polling=100)
        await page.wait_for_timeout(300)
        await page.get_by_label("Email", exact=True).first.fill(email)
        await page.get_by_label("Password", exact=True).first.fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        try:
            await page.get_by_role("heading", name="My week", level=1).wait_for(
                timeout=60_000)
            return page
        except Exception:
            if attempt == 2:
                raise
    return page


async def _open_team_progress(page, start: asyncio.Event) -> float:  # noqa: ANN001
    link = page.get_by_test_id("stSidebar").get_by_role("link", name="Team progress",
                                                         exact=True)
    await link.wait_for()
    await start.wait()
    started = time.perf_counter()
    await link.click()
    await page.wait_for_function(CHART_DONE_JS, polling=50, timeout=TIMEOUT_MS)
    return (time.perf_counter() - started) * 1000


async def _back_to_my_week(page) -> None:  # noqa: ANN001
    await page.get_by_test_id("stSidebar").get_by_role("link", name="My week",
                                                        exact=True).click()
    await page.get_by_role("heading", name="My week", level=1).wait_for()


async def browser_write(page, start: asyncio.Event, text: str) -> float:  # noqa: ANN001
    await page.get_by_test_id("stSidebar").get_by_role("link", name="Log actions",
                                                        exact=True).click()
    form = page.get_by_role("tabpanel", name="Log an action").get_by_test_id("stForm")
    await form.get_by_label("What I did").fill(text)
    await form.get_by_text(WRITE_TICK, exact=True).click()
    await start.wait()
    started = time.perf_counter()
    await form.get_by_role("button", name="Log action").click()
    await page.get_by_test_id("stAlert").filter(has_text="Action logged.").wait_for()
    return (time.perf_counter() - started) * 1000


async def _browser_round(browser, url: str, leads: list[str],  # noqa: ANN001
                         writer: str | None, pids: list[int], db_path: Path,
                         close_wait: float) -> dict[str, Any]:
    contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000})
                for _ in range(len(leads) + (1 if writer else 0))]
    text = f"{WRITE_TEXT} ({uuid.uuid4().hex[:8]})"
    try:
        # Sign in a few at a time (untimed): scrypt is deliberately slow.
        pages = []
        for i in range(0, len(leads), 5):
            pages += await asyncio.gather(*(_sign_in(c, url, e) for c, e in
                                            zip(contexts[i:i + 5], leads[i:i + 5])))
        writer_page = await _sign_in(contexts[-1], url, writer) if writer else None
        out: dict[str, Any] = {"rss_signed_in": _rss_mb_each(pids)}
        with _Sampler(pids) as sampler:
            for phase in ("cold", "warm"):
                start = asyncio.Event()
                tasks = [asyncio.create_task(_open_team_progress(p, start)) for p in pages]
                wtask = (asyncio.create_task(browser_write(writer_page, start, text))
                         if writer_page is not None and phase == "cold" else None)
                await asyncio.sleep(0.5)  # every page is waiting at the barrier
                cpu0 = cpu_ms(pids)
                start.set()
                out[phase] = await asyncio.gather(*tasks)
                if wtask is not None:
                    out["write"] = await wtask
                out[phase + "_cpu"] = cpu_ms(pids) - cpu0
                if phase == "cold":
                    await asyncio.gather(*(_back_to_my_week(p) for p in pages))
        out["rss_peak"] = sampler.peak
    finally:
        for c in contexts:
            await c.close()
    if writer is not None:
        with contextlib.closing(sqlite3.connect(db_path)) as conn:
            landed = conn.execute("SELECT count(*) FROM actions WHERE description = ?",
                                  [text]).fetchone()[0]
        if landed != 1:
            raise RuntimeError(f"the writer's action is in the database {landed} times")
        out["write_landed"] = True
    await asyncio.sleep(close_wait)  # the server notices the closed sessions, trims memory
    out["rss_after"] = _rss_mb_each(pids)
    return out


# --- the run ---------------------------------------------------------------------------------

def run(source_db: Path, scale: str, work_dir: Path, ns: list[int], configs: list[Config],
        *, write_at: int | None = 10, clients: str = "ws", close_wait: float | None = None,
        expire: bool = True, say=print) -> list[Figure]:  # noqa: ANN001
    """The concurrency figures for every configuration and N. ``close_wait``: seconds
    between the clients closing and the "after" RSS reading (default: one round of the
    server's memory trimmer and 5 s, so "after close" sees what the server gives back).
    ``expire``: for the largest N (websocket clients), also wait until Streamlit has
    dropped the closed sessions and read RSS again (about two minutes more)."""
    from allyship.web import serve

    if close_wait is None:
        close_wait = default_close_wait()

    if clients not in CLIENTS:
        raise ValueError(f"clients must be one of {', '.join(CLIENTS)}")
    kind = CLIENTS[clients]
    if serve.find_nginx() is None:
        return [Figure(scale, "concurrency run", "ms", None, None, 0,
                       "n/a (nginx not installed; the run starts the app behind nginx)")]
    chromium = None
    if clients == "browser":
        chromium = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "")
                         if p and os.access(p, os.X_OK)), None)
        if chromium is None:
            return [Figure(scale, "concurrency run", "ms", None, None, 0,
                           "n/a (chromium not installed)")]
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "concurrency.db"
    leads, writer = prepare_database(source_db, db_path, max(ns))
    chapters = chapters_of(db_path, leads)
    figs: list[Figure] = []
    rounds: dict[tuple[str, int], dict[str, Any]] = {}

    async def one(browser, cfg: Config, n: int) -> None:  # noqa: ANN001
        d = serve.Deployment(db_path, processes=cfg.processes, host="127.0.0.1",
                             port=serve.free_port(), say=lambda _l: None)
        d.start()
        try:
            pids = [b.proc.pid for b in d.backends]
            await asyncio.to_thread(settle, pids)
            idle = _rss_mb_each(pids)
            load = round(os.getloadavg()[0], 2)
            w = writer if n == write_at else None
            if clients == "ws":
                tokens = session_cookies(db_path, leads[:n] + ([w] if w else []))
                r = await _ws_round(d.url, tokens[:n], tokens[n] if w else None, pids,
                                    db_path, close_wait,
                                    expire_wait_after(close_wait) if expire and n == max(ns) else 0.0)
            else:
                r = await _browser_round(browser, d.url, leads[:n], w, pids, db_path,
                                         close_wait)
            r["spread"], r["unsticky"] = clients_per_process(d.run_dir / "access.log",
                                                             [b.port for b in d.backends])
        finally:
            d.stop()
        if r["unsticky"]:
            raise RuntimeError(f"sticky sessions broken: route cookies {r['unsticky'][:3]} "
                               "reached more than one process")
        r["idle"], r["load"], r["close_wait"] = idle, load, close_wait
        r["chapters"] = len(set(chapters[:n]))
        r["distinct"] = r["chapters"] == n
        rounds[(cfg.label, n)] = r
        figs.extend(_figures(scale, cfg, n, r, kind))
        say(f"[concurrency] {cfg.label}, {n} lead(s), {kind}: cold median "
            f"{statistics.median(r['cold']):.0f} ms, p95 {percentile(r['cold'], 95):.0f} ms; "
            f"warm median {statistics.median(r['warm']):.0f} ms; server CPU per cold view "
            f"{r['cold_cpu'] / n:.0f} ms"
            + (f"; write {r['write']:.0f} ms" if "write" in r else "")
            + f"; RSS per process idle {max(idle.values()):.0f}, peak "
            f"{max(r['rss_peak'].values()):.0f}, after {max(r['rss_after'].values()):.0f} MB"
            + (f", once the sessions expired {max(r['rss_expired'].values()):.0f} MB"
               if r.get("rss_expired") else "")
            + (f"; websockets per process {'/'.join(map(str, r['spread']))}"
               if cfg.processes > 1 else "") + f"; load {load:.2f}")

    async def main() -> None:
        if clients == "ws":
            for cfg in configs:
                for n in ns:
                    await one(None, cfg, n)
            return
        async with headless_chromium(chromium) as browser:
            for cfg in configs:
                for n in ns:
                    await one(browser, cfg, n)

    try:
        asyncio.run(main())
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    cpu = _cpu_per_cold_view(scale, rounds, kind)
    if cpu is not None and clients == "ws":
        # Beside it, Streamlit's own floor for a page sending as many messages.
        from bench import floor

        n, r = _cold_round(rounds)
        figs.append(floor.measure(scale, n, round(statistics.median(r["cold_messages"])),
                                  say=say))
    return figs + ([cpu] if cpu else [])


CPU_MEASURE = "server CPU per cold Team progress view, real server"


def default_close_wait() -> float:
    """One interval of the server's memory trimmer (``allyship.web.memory``) and 5 s; 10 s if
    the server has none."""
    try:
        from allyship.web import memory
    except ImportError:
        return 10.0
    every = memory.interval()
    return every + 5 if every else 10.0


def _cold_round(rounds: dict[tuple[str, int], dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """The round the issue's "server CPU per cold view" is read from: one process, the
    largest round whose leads are all of different chapters (no cache shared between
    them) and with no write in it; ``(0, {})`` if there is none."""
    fit = [(n, r) for (label, n), r in rounds.items()
           if label == "1 process" and r["distinct"] and "write" not in r]
    return max(fit, key=lambda x: x[0]) if fit else (0, {})


def _cpu_per_cold_view(scale: str, rounds: dict[tuple[str, int], dict[str, Any]],
                       kind: str) -> Figure | None:
    """That round's server CPU time ÷ its views (see :func:`_cold_round`)."""
    n, r = _cold_round(rounds)
    if not n:
        return None
    return Figure(scale, CPU_MEASURE, "ms", round(r["cold_cpu"] / n, 1), None, 1,
                  f"Streamlit process CPU time (utime+stime) during the cold round of 1 "
                  f"process, {n} leads of different chapters ({kind}) ÷ {n} views; "
                  f"load average {r['load']:.2f}", load=r["load"])


def _figures(scale: str, cfg: Config, n: int, r: dict[str, Any], kind: str) -> list[Figure]:
    where = f"{cfg.label}, {n} lead{'s' if n != 1 else ''} at once ({kind})"
    load = r["load"]
    shared = ("Chromium pages on the server's own cores (their rendering competes with the "
              "server)" if kind == CLIENTS["browser"] else
              "websocket clients: request → script finished (last chart sent)")
    note = f"{shared}; leads of {r['chapters']} chapter(s); load average {load:.2f} at start"
    if r.get("spread") and cfg.processes > 1:
        note += f"; websockets per process {'/'.join(map(str, r['spread']))}"
    figs = []
    for phase in ("cold", "warm"):
        s = r[phase]
        extra = ("; first view after server start" if phase == "cold"
                 else "; second view, same sessions")
        if r.get(phase + "_charts"):
            extra += f"; {min(r[phase + '_charts'])}–{max(r[phase + '_charts'])} charts a view"
        figs.append(Figure(scale, f"Team progress to last chart, {phase}: {where}", "ms",
                           round(statistics.median(s), 1), round(percentile(s, 95), 1),
                           len(s), note + extra, [round(x, 1) for x in s], load=load))
        client = (f"; the clients' own CPU {r[phase + '_client_cpu'] / n:.0f} ms a view"
                  if phase + "_client_cpu" in r else "")
        figs.append(Figure(scale, f"server CPU per Team progress view, {phase}: {where}", "ms",
                           round(r[phase + "_cpu"] / n, 1), None, 1,
                           "Streamlit processes' utime+stime during the round ÷ views"
                           + ("; includes the write" if phase == "cold" and "write" in r
                              else "") + client, load=load))
    if "write" in r:
        figs.append(Figure(scale, f"log an action while leads read: {where}", "ms",
                           round(r["write"], 1), None, 1,
                           "Log action submitted → 'Action logged.' received, during the cold "
                           "round; the action checked in the database", load=load))
    idle, peak, after = r["idle"], r["rss_peak"], r["rss_after"]
    figs.append(Figure(scale, f"server RSS per process, idle at start: {where}", "MB",
                       round(max(idle.values()), 1), None, 1,
                       "largest process, after start-up settled, before any client",
                       load=load))
    figs.append(Figure(scale, f"server RSS per process, peak during: {where}", "MB",
                       round(max(peak.values()), 1), None, 1,
                       f"largest process; all {cfg.processes} together "
                       f"{sum(peak.values()):.0f} MB", load=load))
    figs.append(Figure(scale, f"server RSS per process after the clients closed: {where}", "MB",
                       round(max(after.values()), 1), None, 1,
                       f"largest process, {r['close_wait']:g} s after the clients closed "
                       "(time for a round of the server's memory trimmer; Streamlit keeps a "
                       "closed session for server.disconnectedSessionTTL, 120 s)", load=load))
    expired = r.get("rss_expired")
    if expired:
        figs.append(Figure(scale, f"server RSS per process after the closed sessions expired: "
                           f"{where}", "MB", round(max(expired.values()), 1), None, 1,
                           "largest process, once Streamlit dropped the closed sessions "
                           "(disconnectedSessionTTL) and the trimmer ran", load=load))
    settled = expired or after
    growth = max((settled.get(pid, 0) / idle[pid]) for pid in idle if idle[pid])
    figs.append(Figure(scale, f"server RSS per process after close ÷ idle: {where}", "x",
                       round(growth, 2), None, 1, "largest ratio over the processes, "
                       + ("after the closed sessions expired" if expired else
                          f"{r['close_wait']:g} s after the clients closed"), load=load))
    return figs
