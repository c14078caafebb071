"""Does a worker's memory stay flat while members save? ``python -m bench.memory_soak``.

One real ``streamlit run`` worker on a copy of the demo chapter; several members' sessions
(websocket clients, :mod:`bench.wsclient`) stay open and log actions in turn, each save a
whole *Log actions* run that ends in the database. The worker's RSS is read after the
first ``--baseline`` saves and every ``--every`` saves after, each reading printed as it
is taken with the time since the start and the machine's load average (a soak takes long
enough to be read while it runs); the run fails (exit 1) if the last reading is more than
``--tolerance`` above the baseline. ``--log`` keeps the worker's log. The tests run a
shorter version (``tests/test_memory_per_save.py``).

Examples::

    python -m bench.memory_soak                       # 5,000 saves from 4 sessions
    python -m bench.memory_soak --saves 1500 --sessions 3 --every 250
    nice -n 10 python -m bench.memory_soak --every 100 --log /tmp/soak-worker.log > soak.txt
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Soak:
    saves: int
    baseline_after: int
    readings: list[tuple[int, float]] = field(default_factory=list)  # (saves done, RSS MB)
    seconds: float = 0.0
    loads: list[float] = field(default_factory=list)  # 1-minute load average at each reading

    @property
    def baseline(self) -> float:
        return next(mb for n, mb in self.readings if n >= self.baseline_after)

    @property
    def last(self) -> float:
        return self.readings[-1][1]

    def growth(self) -> float:
        """The last reading over the baseline, as a fraction."""
        return self.last / self.baseline - 1

    def per_save_kb(self) -> float:
        n0 = next(n for n, _ in self.readings if n >= self.baseline_after)
        done = self.readings[-1][0] - n0
        return (self.last - self.baseline) * 1024 / done if done else 0.0

    def lines(self) -> list[str]:
        out = [f"{n:>6} saves: {mb:7.1f} MB" for n, mb in self.readings]
        out.append(f"baseline (after {self.baseline_after}) {self.baseline:.1f} MB, last "
                   f"{self.last:.1f} MB: {self.growth():+.1%}, {self.per_save_kb():+.1f} KB "
                   f"per save; {self.saves} saves in {self.seconds:.0f} s")
        if self.loads:
            out.append(f"load average (1 min) at the readings: {min(self.loads):.1f}–"
                       f"{max(self.loads):.1f}, mean {sum(self.loads) / len(self.loads):.1f}")
        return out


def start_worker(db: Path, log: Path, env: dict[str, str] | None = None
                 ) -> tuple[subprocess.Popen, str]:
    from allyship.web import serve

    port = serve.free_port()
    out = open(log, "w")
    proc = subprocess.Popen(serve.streamlit_command(ROOT / "streamlit_app.py", port), cwd=ROOT,
                            env={**os.environ, "ALLYSHIP_DB": str(db), "PYTHONUNBUFFERED": "1",
                                 **(env or {})},
                            stdout=out, stderr=subprocess.STDOUT)
    out.close()
    url = f"http://127.0.0.1:{port}"
    serve.wait_until_healthy(proc, url, log, time.monotonic() + 120)
    return proc, url


async def soak(url: str, tokens: list[str], pid: int, saves: int, every: int,
               say: Callable[[str], None] = lambda _l: None, baseline_after: int = 500,
               then: str | None = None, lead_token: str | None = None,
               lead_page: str = "Team progress") -> Soak:
    """``saves`` saves spread over one open session per token; RSS read every ``every``.
    ``then``: a page each member opens after each save (as a member checks *My week*);
    ``lead_token``: a lead's session that opens ``lead_page`` after every save (the
    chapter's figures change with every save)."""
    from allyship.people import sessions
    from bench import concurrency, wsclient

    result = Soak(saves, baseline_after)
    tabs = [wsclient.Tab(url, {sessions.COOKIE_NAME: t}) for t in tokens]
    lead = wsclient.Tab(url, {sessions.COOKIE_NAME: lead_token}) if lead_token else None
    started = time.monotonic()
    try:
        if lead is not None:
            await lead.open()
            await lead.run()
        forms = []
        for tab in tabs:
            await tab.open()
            await tab.run()
            form = await tab.run("Log actions")
            concurrency.check_page(form, "Log actions", "a member")
            forms.append(form)
        tag = uuid.uuid4().hex[:6]
        for i in range(1, saves + 1):
            k = i % len(tabs)
            tab, form = tabs[k], forms[k]
            states = [
                wsclient.value(form.widget("text_area", "What I did", "log_action_"),
                               f"Soak {tag} save {i}: read about allyship at work"),
                wsclient.value(form.widget("checkbox", concurrency.WRITE_TICK, "log_action_"),
                               True),
                wsclient.trigger(form.widget("button", "Log action", "log_action_"))]
            run = await tab.finish(await tab.request("Log actions", states))
            if run.exceptions:
                raise wsclient.ProtocolError(f"save {i}: {run.exceptions[0]}")
            if then:
                concurrency.check_page(await tab.run(then), then, "a member")
                forms[k] = await tab.run("Log actions")
            if lead is not None:
                concurrency.check_page(await lead.run(lead_page), lead_page, "the lead")
            if i % every == 0 or i == saves:
                await asyncio.sleep(0.5)  # let the worker finish the run's work
                result.readings.append((i, rss_mb(pid)))
                result.loads.append(os.getloadavg()[0])
                say(f"{i:>6} saves: {result.readings[-1][1]:7.1f} MB  "
                    f"({time.monotonic() - started:.0f} s, load {result.loads[-1]:.1f})")
    finally:
        for tab in [*tabs, *([lead] if lead else [])]:
            await tab.close()
    result.seconds = time.monotonic() - started
    return result


def prepare(work: Path, sessions_n: int) -> tuple[Path, list[str], str]:
    """The demo chapter as a real database, one member signed in ``sessions_n`` times
    (several tabs of several devices: each its own Streamlit session); the tokens, and
    a team lead's of the same chapter."""
    from allyship import demo
    from bench import concurrency

    source = work / "demo.db"
    demo.create_demo_database(source)
    db = work / "soak.db"
    _leads, writer = concurrency.prepare_database(source, db, 1)
    lead = _lead_of(db, writer)
    tokens = concurrency.session_cookies(db, [writer] * sessions_n + [lead])
    return db, tokens[:-1], tokens[-1]


def _lead_of(db: Path, email: str) -> str:
    """A team lead of ``email``'s chapter, signed in with a password as the bench's are."""
    from allyship.db import store
    from allyship.people import passwords
    from bench import concurrency

    conn = store.connect(db)
    try:
        lead = conn.execute(
            "SELECT l.email FROM members l JOIN members m ON m.chapter_id = l.chapter_id"
            " WHERE m.email = ? AND l.role = 'lead' AND l.active = 1 ORDER BY l.id LIMIT 1",
            [email]).fetchone()[0]
        code = passwords.issue_setup_code_for_operator(conn, lead).code
        passwords.redeem_setup_code(conn, lead, code, concurrency.PASSWORD)
    finally:
        conn.conn.close()
    return lead


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory_soak",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--baseline", type=int, default=500)
    parser.add_argument("--tolerance", type=float, default=0.10)
    parser.add_argument("--then", default="My week",
                        help="the page a member opens after each save ('' for none)")
    parser.add_argument("--lead", action=argparse.BooleanOptionalAction, default=True,
                        help="a lead of the chapter opens Team progress after every save")
    parser.add_argument("--log", type=Path, default=None,
                        help="keep the worker's log in this file (it goes with the run's "
                             "temporary directory otherwise)")
    args = parser.parse_args(argv)
    # Stopped with SIGTERM (kill, a timeout), still stop the worker: the default action
    # ends this process at once and leaves the worker running with nobody to stop it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="allyship-soak-") as tmp:
        work = Path(tmp)
        db, tokens, lead = prepare(work, args.sessions)
        proc, url = start_worker(db, args.log or work / "worker.log")
        try:
            result = asyncio.run(soak(url, tokens, proc.pid, args.saves, args.every,
                                      say=lambda line: print(line, flush=True),
                                      baseline_after=args.baseline,
                                      then=args.then or None,
                                      lead_token=lead if args.lead else None))
        finally:
            proc.terminate()
            proc.wait(30)
    for line in result.lines():
        print(line)
    return 0 if result.growth() <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
