"""Streamlit's own floor for one page view on this machine: the fair baseline for
"server CPU per cold *Team progress* view".

A page view costs the server its script's work **and** Streamlit's work per message it
sends: each element crosses from the script's thread to the event loop, is serialised
and goes out as its own websocket frame (a system call, and a wake-up of whoever reads
it). This measures the second part alone: a page that sends **as many messages as a
*Team progress* view did** in the same bench run, made of empty captions, doing nothing
else, served by a real ``streamlit run`` with the app's own ``.streamlit/config.toml``,
and viewed by the same number of websocket clients at once. Its server CPU per view is
what no page of that size can go below here, however little work it does itself.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.results import Figure

ROOT = Path(__file__).resolve().parent.parent
MIN_CPU_MS, MAX_ROUNDS = 200, 50  # enough ticks of /proc's CPU clock to mean something
MEASURE = "Streamlit floor: server CPU per view of a page of as many messages doing no work"

# The page: n empty captions, n read from a file beside it on every run, so the bench can
# match the message count of a real view once it has seen how many messages a run of
# this page adds around its elements.
PAGE = '''import pathlib

import streamlit as st

for _ in range(int(pathlib.Path(__file__).with_name("n.txt").read_text())):
    st.caption("·")
'''


@contextmanager
def streamlit_page(script: str, text: str, beside: dict[str, str] | None = None,
                   prefix: str = "allyship-floor-") -> Iterator[tuple[str, int, Path]]:
    """A fresh ``streamlit run`` of ``text`` saved as ``script`` (with ``beside``'s files
    next to it and the app's own ``.streamlit/config.toml``) in a temporary directory,
    healthy and settled: its URL, process id and directory. Stopped however the block
    ends."""
    from allyship.web import serve
    from bench.concurrency import settle

    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        app_dir = Path(tmp)
        (app_dir / ".streamlit").mkdir()
        shutil.copy(ROOT / ".streamlit" / "config.toml", app_dir / ".streamlit" / "config.toml")
        (app_dir / script).write_text(text, encoding="utf-8")
        for name, content in (beside or {}).items():
            (app_dir / name).write_text(content, encoding="utf-8")
        port, log = serve.free_port(), app_dir / "streamlit.log"
        with open(log, "a") as out:  # the same server as the app's, serving this page
            proc = subprocess.Popen(serve.streamlit_command(app_dir / script, port),
                                    cwd=app_dir, stdout=out, stderr=subprocess.STDOUT,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})
        url = f"http://127.0.0.1:{port}"
        try:
            serve.wait_until_healthy(proc, url, log, time.monotonic() + 90)
            settle([proc.pid])
            yield url, proc.pid, app_dir
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def measure(scale: str, clients: int, messages: int, *, say=print) -> Figure:  # noqa: ANN001
    """The floor for a page of ``messages`` messages a run, ``clients`` views at once:
    server CPU time ÷ views, over rounds of every client at once until the time read
    spans at least :data:`MIN_CPU_MS`."""
    from bench import wsclient
    from bench.concurrency import cpu_ms

    with streamlit_page("floor.py", PAGE, {"n.txt": str(messages)}) as (url, pid, app_dir):
        count = app_dir / "n.txt"

        async def rounds() -> tuple[float, int]:
            tabs = [wsclient.Tab(url, {}) for _ in range(clients)]
            try:
                await asyncio.gather(*(t.open() for t in tabs))
                await asyncio.gather(*(t.run() for t in tabs))  # landing (untimed)
                again = await asyncio.gather(*(t.run() for t in tabs))
                around = again[0].messages - messages  # what a rerun adds around them
                count.write_text(str(max(1, messages - around)), encoding="utf-8")
                await asyncio.gather(*(t.run() for t in tabs))  # the new size, untimed
                # Rounds until the CPU time read spans at least MIN_CPU_MS: /proc counts
                # in 10 ms ticks, and two clients' round can cost less than one.
                cpu0, done, rounds_run = cpu_ms([pid]), 0, 0
                while True:
                    views = await asyncio.gather(*(t.run() for t in tabs))
                    done, rounds_run = done + len(views), rounds_run + 1
                    spent = cpu_ms([pid]) - cpu0
                    if spent >= MIN_CPU_MS or rounds_run >= MAX_ROUNDS:
                        return spent / done, views[0].messages
            finally:
                await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)

        cpu_per_view, sent = asyncio.run(rounds())
    load = round(os.getloadavg()[0], 2)
    per_view = round(cpu_per_view, 1)
    say(f"[floor] a page of {sent} messages doing no work (Team progress sent {messages}), "
        f"{clients} clients at once: server CPU {per_view:.0f} ms a view; load {load:.2f}")
    return Figure(scale, MEASURE, "ms", per_view, None, 1,
                  f"{sent} messages a run (a Team progress view: {messages}), empty "
                  f"captions, 1 Streamlit process with the app's config, {clients} "
                  f"websocket clients at once; server CPU (utime+stime) ÷ views; "
                  f"load average {load:.2f}", load=load)
