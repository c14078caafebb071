"""``python -m allyship serve`` never leaves an orphan and never refuses to start because
of one: a killed nginx master is cleaned up (its workers too) and restarted, children die
with ``serve``, a leftover of an earlier run is cleared at start and anything else holding
the port is named; a starting worker gets a grace period before health checks count."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests_paths import ROOT

from allyship.web import serve, supervision

needs_nginx = pytest.mark.skipif(
    serve.find_nginx() is None and os.environ.get("ALLYSHIP_REQUIRE_BROWSER") != "1",
    reason="nginx is not installed (apt-get install nginx)")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(check, timeout: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


class _Sleeper:
    """A stand-in worker: alive, never healthy."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def test_a_worker_that_is_still_starting_is_not_counted_until_its_grace_is_over(
        tmp_path: Path, monkeypatch) -> None:
    d = serve.Deployment(tmp_path / "a.db", say=lambda _l: None)
    sleeper = _Sleeper()
    restarted: list[int] = []
    monkeypatch.setattr(d, "_start_backend", lambda b: restarted.append(b.port))
    try:
        d.backends.append(serve.Backend(serve.free_port(), tmp_path / "w.log", sleeper.proc,
                                        started_at=time.monotonic()))
        assert d.check(grace=60) == [] and restarted == []  # starting: not counted
        assert sleeper.proc.poll() is None
        events = d.check(grace=0)  # its grace is over: wedged, replaced
        assert events and "stopped answering" in events[0] and len(restarted) == 1
        assert sleeper.proc.poll() is not None
    finally:
        sleeper.stop()


def test_something_else_holding_the_port_is_named_at_start(tmp_path: Path) -> None:
    port = serve.free_port()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import socket, time\ns = socket.socket()\n"
         f"s.bind(('127.0.0.1', {port})); s.listen(); print('up', flush=True)\n"
         "time.sleep(120)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "up"
        d = serve.Deployment(tmp_path / "a.db", host="127.0.0.1", port=port,
                             nginx=sys.executable, say=lambda _l: None)
        with pytest.raises(serve.ServeError) as err:
            d._clear_leftovers()
        assert f"port {port} is held by pid {holder.pid}" in str(err.value)
        assert "time.sleep(120)" in str(err.value)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.server
@pytest.mark.slow
@needs_nginx
def test_a_killed_nginx_master_is_cleaned_up_and_restarted_with_no_orphan(
        tmp_path: Path) -> None:
    with serve.Deployment(tmp_path / "a.db", processes=1, host="127.0.0.1",
                          port=serve.free_port(), run_dir=tmp_path / "run",
                          say=lambda _l: None) as d:
        master = d.nginx_proc.pid
        workers = [p for p in supervision.group_members(master) if p != master]
        assert workers, "nginx has no worker in its group"
        os.kill(master, signal.SIGKILL)
        d.nginx_proc.wait()
        started = time.monotonic()
        events = d.check()
        assert events and "nginx exited" in events[0]
        assert not any(_alive(p) for p in workers), "the dead master's workers live on"
        assert d.nginx_proc.pid != master and d.nginx_proc.poll() is None
        assert _wait(lambda: serve.healthy(d.url + serve.HEALTH_PATH), 15)
        assert time.monotonic() - started < 15


@pytest.mark.server
@pytest.mark.slow
@needs_nginx
def test_serve_killed_by_sigkill_takes_its_children_and_a_new_serve_starts_on_its_port(
        tmp_path: Path) -> None:
    port = serve.free_port()

    def start() -> tuple[subprocess.Popen, list[str]]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "allyship", "serve", "--db", str(tmp_path / "a.db"),
             "--processes", "1", "--port", str(port), "--host", "127.0.0.1"],
            cwd=ROOT, stderr=subprocess.PIPE, text=True)
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("serving ") or "Error" in line:
                break
        return proc, lines

    first, lines = start()
    second = None
    try:
        assert any(line.startswith("serving ") for line in lines), "".join(lines)
        children = [p for p in _descendants(first.pid)]
        assert len(children) >= 3  # a Streamlit process, nginx's master and worker
        first.kill()
        first.wait()
        assert _wait(lambda: not any(_alive(p) for p in children), 15), \
            [(p, supervision.cmdline(p)) for p in children if _alive(p)]
        second, lines = start()
        assert any(line.startswith("serving ") for line in lines), "".join(lines)
        assert serve.healthy(f"http://127.0.0.1:{port}{serve.HEALTH_PATH}")
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.communicate(timeout=60)


def _descendants(pid: int) -> list[int]:
    out, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                out.append(int(entry.name))
                frontier.append(int(entry.name))
    return out
