"""A real deployment under supervisord for the tests: configuration rendered into a
temporary directory, supervisord in the foreground in its own process group, and writes
made the way a member makes them (a websocket session through nginx)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator

from allyship.web import serve, supervision

VENV_BIN = Path(sys.executable).parent
SUPERVISORD = VENV_BIN / "supervisord"
LITESTREAM = VENV_BIN / "litestream"


def consecutive_free_ports(n: int) -> int:
    """The first of ``n`` consecutive free local ports (supervisord numbers its workers)."""
    for _ in range(200):
        first = serve.free_port()
        if first + n > 65535:
            continue
        socks = []
        try:
            for port in range(first, first + n):
                s = socket.socket()
                s.bind(("127.0.0.1", port))
                socks.append(s)
            return first
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no run of free ports")


def wait_for(check, timeout: float, step: float = 0.1) -> float | None:  # noqa: ANN001
    """Seconds until ``check()`` is true, or ``None`` if ``timeout`` passed first."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(step)
    return None


@dataclass
class Supervised:
    conf_dir: Path
    conf: Path
    db: Path
    replica: Path
    url: str
    worker_ports: list[int]
    proc: subprocess.Popen

    def ctl(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "supervisor.supervisorctl", "-c",
                               str(self.conf), *args], capture_output=True, text=True,
                              timeout=60)
        return done.stdout.strip()

    def pid(self, name: str) -> int:
        return int(self.ctl("pid", name))

    def answers(self) -> bool:
        return (serve.healthy(self.url + "/nginx-health", timeout=1)
                and serve.healthy(self.url + serve.HEALTH_PATH, timeout=1))

    def log(self, name: str) -> str:
        try:
            return (self.conf_dir / name).read_text(errors="replace")[-3000:]
        except OSError:
            return ""


@contextmanager
def supervised(db: Path, work: Path, processes: int = 2) -> Iterator[Supervised]:
    """supervisord running ``deploy/supervisord.conf`` for ``db``: workers, nginx,
    Litestream (replica in ``work/replica``) and the watchdog; stopped (and its process
    group killed, should it hang) at the end."""
    first = consecutive_free_ports(processes)
    listen = serve.free_port()
    conf_dir, replica = work / "conf", work / "replica"
    files = supervision.write_host_files(conf_dir, db=db, replica=replica,
                                         listen=f"127.0.0.1:{listen}", first_port=first,
                                         processes=processes, litestream=str(LITESTREAM))
    conf = files["supervisord.conf"]
    proc = subprocess.Popen([str(SUPERVISORD), "-n", "-c", str(conf)], cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    d = Supervised(conf_dir, conf, db, replica, f"http://127.0.0.1:{listen}",
                   [first + i for i in range(processes)], proc)
    try:
        if wait_for(d.answers, 120, 0.25) is None:
            raise AssertionError("the deployment did not answer within 120 s:\n"
                                 + d.ctl("status") + d.log("supervisord.log"))
        for port in d.worker_ports:
            assert supervision.wait_healthy(port, 60), d.log(f"worker-{port}.log")
        yield d
    finally:
        d.ctl("shutdown")
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # our own group: anything left behind
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def found(db: Path, texts: list[str]) -> list[str]:
    """Which of ``texts`` are descriptions of stored actions."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        rows = {r[0] for r in conn.execute("SELECT description FROM actions")}
    finally:
        conn.close()
    return [t for t in texts if t in rows]


async def write_through(url: str, token: str, text: str) -> None:
    """Log one action as a member does: open the app through nginx, go to Log actions,
    type, tick one responsibility, press the button."""
    from allyship.people import sessions
    from bench import concurrency, wsclient

    async with wsclient.Tab(url, {sessions.COOKIE_NAME: token}) as tab:
        await tab.run()
        form = await tab.run("Log actions")
        concurrency.check_page(form, "Log actions", "the writer")
        states = [
            wsclient.value(form.widget("text_area", "What I did", "log_action_"), text),
            wsclient.value(form.widget("checkbox", concurrency.WRITE_TICK, "log_action_"),
                           True),
            wsclient.trigger(form.widget("button", "Log action", "log_action_"))]
        run = await tab.finish(await tab.request("Log actions", states))
        if run.exceptions:
            raise AssertionError(f"the save showed an exception: {run.exceptions[0]}")


def acknowledged_write(d: Supervised, token: str) -> str:
    """One write through the service, read back from the database (acknowledged: the
    page finished and the row is there); returns its text."""
    text = f"Supervised write {uuid.uuid4().hex[:10]}"
    asyncio.run(write_through(d.url, token, text))
    assert found(d.db, [text]) == [text], f"{text!r} was not stored"
    return text
