"""What users feel: N team leads of different chapters open *Team progress* at once,
against a real server (one Streamlit process, or several behind nginx), in real headless
Chromium pages.

For each configuration and each N, a fresh server is started (so the first round is
*cold*: the first view after the server started, imports and caches empty), N browser
contexts sign in with a password (untimed), then all click *Team progress* together;
the time from the click to the last chart drawn is measured per page. A second round
(back to *My week*, then *Team progress* again) is *warm*. With ``write_with`` readers a
member also logs an action at the moment the leads click: time to "Action logged.".
Server RSS (all Streamlit processes together) is sampled during the rounds and read
again after the browsers have closed.

The browsers run on the same machine as the server and use the same cores: on a
2-core machine the figures include the browsers' own rendering, as the issue's own
measurements did.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import threading
import time
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


@dataclass
class Config:
    label: str
    processes: int


def prepare_database(source: Path, target: Path, readers: int) -> tuple[list[str], str]:
    """A copy of ``source`` as a real (non-demo) database where ``readers`` team leads,
    each of a different chapter where there are enough chapters, and one member have
    passwords. Passwords are set the way a member sets theirs (a set-up code)."""
    from allyship import passwords, store

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


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class _Sampler:
    """The largest RSS of the server processes seen while running."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak, self._stop = pids, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_mb(self.pids))
            self._stop.wait(0.25)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


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


async def _write(page, start: asyncio.Event) -> float:  # noqa: ANN001
    await page.get_by_test_id("stSidebar").get_by_role("link", name="Log actions",
                                                        exact=True).click()
    form = page.get_by_role("tabpanel", name="Log an action").get_by_test_id("stForm")
    await form.get_by_label("What I did").fill("Bench: asked how the walk could be quieter")
    await form.get_by_text("2. Listen more, speak less", exact=True).click()
    await start.wait()
    started = time.perf_counter()
    await form.get_by_role("button", name="Log action").click()
    await page.get_by_test_id("stAlert").filter(has_text="Action logged.").wait_for()
    return (time.perf_counter() - started) * 1000


async def _round(browser, url: str, leads: list[str], writer: str | None,  # noqa: ANN001
                 pids: list[int]) -> dict[str, Any]:
    contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000})
                for _ in range(len(leads) + (1 if writer else 0))]
    try:
        # Sign in a few at a time (untimed): scrypt is deliberately slow.
        pages = []
        for i in range(0, len(leads), 5):
            pages += await asyncio.gather(*(_sign_in(c, url, e) for c, e in
                                            zip(contexts[i:i + 5], leads[i:i + 5])))
        writer_page = await _sign_in(contexts[-1], url, writer) if writer else None
        rss_idle = _rss_mb(pids)
        out: dict[str, Any] = {"rss_signed_in": rss_idle}
        with _Sampler(pids) as sampler:
            for phase in ("cold", "warm"):
                start = asyncio.Event()
                tasks = [asyncio.create_task(_open_team_progress(p, start)) for p in pages]
                wtask = (asyncio.create_task(_write(writer_page, start))
                         if writer_page is not None and phase == "cold" else None)
                await asyncio.sleep(0.5)  # every page is waiting at the barrier
                start.set()
                out[phase] = await asyncio.gather(*tasks)
                if wtask is not None:
                    out["write"] = await wtask
                if phase == "cold":
                    await asyncio.gather(*(_back_to_my_week(p) for p in pages))
        out["rss_peak"] = sampler.peak
    finally:
        for c in contexts:
            await c.close()
    await asyncio.sleep(10)  # let the server notice the closed sessions
    out["rss_after"] = _rss_mb(pids)
    return out


def run(source_db: Path, scale: str, work_dir: Path, ns: list[int], configs: list[Config],
        *, write_at: int | None = 10, say=print) -> list[Figure]:  # noqa: ANN001
    """The concurrency figures for every configuration and N."""
    from playwright.async_api import async_playwright

    from allyship import serve

    chromium = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "")
                     if p and os.access(p, os.X_OK)), None)
    if chromium is None:
        return [Figure(scale, "concurrency run", "ms", None, None, 0,
                       "n/a (chromium not installed)")]
    if serve.find_nginx() is None:
        configs = [c for c in configs if c.processes == 1]
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "concurrency.db"
    leads, writer = prepare_database(source_db, db_path, max(ns))
    figs: list[Figure] = []

    async def main() -> None:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, headless=True,
                                               args=CHROMIUM_ARGS)
            try:
                for cfg in configs:
                    for n in ns:
                        d = serve.Deployment(db_path, processes=cfg.processes,
                                             host="127.0.0.1", port=serve.free_port(),
                                             say=lambda _l: None)
                        d.start()
                        try:
                            pids = [b.proc.pid for b in d.backends]
                            rss_start = _rss_mb(pids)
                            load = os.getloadavg()[0]
                            r = await _round(browser, d.url, leads[:n],
                                             writer if n == write_at else None, pids)
                        finally:
                            d.stop()
                        figs.extend(_figures(scale, cfg, n, r, rss_start, load))
                        say(f"[concurrency] {cfg.label}, {n} lead(s): cold median "
                            f"{statistics.median(r['cold']):.0f} ms, p95 "
                            f"{percentile(r['cold'], 95):.0f} ms; warm median "
                            f"{statistics.median(r['warm']):.0f} ms; RSS peak "
                            f"{r['rss_peak']:.0f} MB, after {r['rss_after']:.0f} MB; "
                            f"load {load:.2f}")
            finally:
                await browser.close()

    try:
        asyncio.run(main())
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    return figs


def _figures(scale: str, cfg: Config, n: int, r: dict[str, Any], rss_start: float,
             load: float) -> list[Figure]:
    where = f"{cfg.label}, {n} lead{'s' if n != 1 else ''} at once"
    note = f"Chromium pages on the same machine; load average {load:.2f} at start"
    figs = []
    for phase in ("cold", "warm"):
        s = r[phase]
        figs.append(Figure(scale, f"Team progress to last chart, {phase}: {where}", "ms",
                           round(statistics.median(s), 1), round(percentile(s, 95), 1),
                           len(s), note + ("; first view after server start" if phase == "cold"
                                           else "; second view, same sessions"),
                           [round(x, 1) for x in s]))
    if "write" in r:
        figs.append(Figure(scale, f"log an action while leads read: {where}", "ms",
                           round(r["write"], 1), None, 1,
                           "click on Log action → 'Action logged.' shown, during the cold round"))
    figs.append(Figure(scale, f"server RSS, peak during: {where}", "MB", round(r["rss_peak"], 1),
                       None, 1, f"all Streamlit processes; {rss_start:.0f} MB at start"))
    figs.append(Figure(scale, f"server RSS, 10 s after the browsers closed: {where}", "MB",
                       round(r["rss_after"], 1), None, 1,
                       "Streamlit keeps a closed session for server.disconnectedSessionTTL"))
    return figs
