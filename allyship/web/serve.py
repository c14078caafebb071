"""Several ``streamlit run`` processes on one host behind nginx: ``python -m allyship serve``.

Streamlit runs every session of a process in one Python interpreter, so one process uses
one core however many people are waiting. N processes (one per core) share the SQLite
file — safe on one host in WAL mode: readers never block, writers take turns through
``BEGIN IMMEDIATE`` and the busy timeout — and nginx spreads sessions over them, keeping
each browser on its process (a session lives in one process). See ``deploy/nginx.conf``
and the README's Performance section.

For production use a real supervisor (``deploy/systemd``, ``deploy/supervisord.conf``);
this command is a convenience that still never leaves an orphan: nginx runs in its own
process group and is stopped (or, if its master dies, cleaned up and restarted) with the
group; every child gets SIGTERM if this process dies; a leftover of an earlier run that
holds the port is cleared at start, or named. A worker gets :data:`START_GRACE` seconds
before a failed health check counts against it.

No Streamlit import here: this module starts and watches processes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
HEALTH_PATH = "/_stcore/health"
START_GRACE = 60.0  # seconds a (re)started worker may take before health checks count
PR_SET_PDEATHSIG = 1


class ServeError(RuntimeError):
    """Something kept the deployment from starting; the message says what."""


def find_nginx() -> str | None:
    for candidate in NGINX_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("nginx")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def streamlit_static() -> Path:
    """The installed Streamlit's own scripts, styles and fonts (served at ``/static/``)."""
    import importlib.util

    spec = importlib.util.find_spec("streamlit")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "static" / "static"


def render_nginx_conf(*, listen: str, backend_ports: list[int], run_dir: Path,
                      template: Path = TEMPLATE, user: str | None = None) -> str:
    """``deploy/nginx.conf`` with its placeholders filled in; ``user``: the user nginx's
    workers run as (only when its master starts as root; default: as below)."""
    def server(port: int, backup: bool = False) -> str:
        return (f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s"
                + (" backup;" if backup else ";"))

    servers = "\n".join(server(p) for p in backend_ports)
    # A browser's route cookie ends in the host:port that first answered it (the map
    # matches that ending exactly); its own group lists the others as backups.
    route_map = "\n".join(f"        ~\\.127\\.0\\.0\\.1:{p}$ allyship_{p};"
                          for p in backend_ports)
    pinned = "\n".join(
        f"    upstream allyship_{p} {{\n{server(p)}\n"
        + "".join(server(q, backup=True) + "\n" for q in backend_ports if q != p)
        + "    }" for p in backend_ports)
    # nginx refuses `user` unless its master runs as root; as root, run the worker as root
    # too so it can use the temp directories we created.
    user_line = "user root;" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    if user:
        user_line = f"user {user};"
    text = template.read_text(encoding="utf-8")
    for key, value in {"{user_line}": user_line, "{run_dir}": str(run_dir),
                       "{streamlit_static}": str(streamlit_static()),
                       "{upstream_servers}": servers, "{listen}": listen,
                       "{route_map}": route_map, "{pinned_upstreams}": pinned}.items():
        text = text.replace(key, value)
    return text


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def streamlit_command(script: Path, port: int) -> list[str]:
    """``streamlit run script`` as every server process here runs: headless, on
    127.0.0.1:``port``, no usage statistics, no file watcher."""
    return [sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]


def wait_until_healthy(proc: subprocess.Popen, url: str, log: Path, deadline: float) -> None:
    """Wait until the Streamlit process at ``url`` answers its health check; raise
    :class:`ServeError` (with the end of its ``log``) if it exits or the ``deadline``
    (``time.monotonic()``) passes first."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServeError(f"a Streamlit process exited with {proc.returncode}; "
                             f"see {log}:\n{_tail(log)}")
        if healthy(url + HEALTH_PATH):
            return
        time.sleep(0.2)  # polling a process that is starting
    raise ServeError(f"a Streamlit process was not healthy in time; see {log}")


def _die_with_parent() -> None:
    """In a child before it runs: its own session (a group to stop as one), and SIGTERM
    when the parent dies, even by SIGKILL (Linux; elsewhere only the session)."""
    os.setsid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return


def state_file(port: int) -> Path:
    """Where a running ``serve`` on ``port`` notes its children, for the next one to clear."""
    return Path(tempfile.gettempdir()) / f"allyship-serve-{port}.json"


@dataclass
class Backend:
    port: int
    log: Path
    proc: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Deployment:
    """N Streamlit processes and one nginx, started and stopped together."""

    db_path: Path
    processes: int = 2
    host: str = "0.0.0.0"
    port: int = 8080
    run_dir: Path | None = None
    nginx: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    say: Callable[[str], None] = print
    backends: list[Backend] = field(default_factory=list)
    nginx_proc: subprocess.Popen | None = None
    _own_run_dir: bool = False

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    # --- start -------------------------------------------------------------------

    def start(self, timeout: float = 90) -> None:
        if self.processes < 1:
            raise ServeError("--processes must be at least 1")
        self.nginx = self.nginx or find_nginx()
        if self.nginx is None:
            raise ServeError("nginx is not installed (Debian: apt-get install nginx)")
        if self.run_dir is None:
            self.run_dir = Path(tempfile.mkdtemp(prefix="allyship-serve-"))
            self._own_run_dir = True
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._clear_leftovers()
        self._prepare_database()
        # One cookie secret for all processes: Streamlit's XSRF cookie (uploads) and
        # st.login's cookie must verify in whichever process the browser reaches.
        self.extra_env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
        try:
            for i in range(self.processes):
                b = Backend(free_port(), self.run_dir / f"streamlit-{i + 1}.log")
                self.backends.append(b)
                self._start_backend(b)
            deadline = time.monotonic() + timeout
            for b in self.backends:
                self._wait_healthy(b, deadline)
            self._start_nginx(deadline)
            self._note_children()
        except BaseException:
            self.stop()
            raise
        self.say(f"serving {self.url} — nginx in front of {self.processes} Streamlit "
                 f"process{'es' if self.processes != 1 else ''} "
                 f"(ports {', '.join(str(b.port) for b in self.backends)}) on {self.db_path}; "
                 f"logs in {self.run_dir}")

    def _prepare_database(self) -> None:
        """Create (first run: the demo, as the app itself would) and migrate the database
        once, before any process opens it, so N processes never race to create it."""
        from allyship import demo
        from allyship.db import store

        path = self.db_path
        if not path.exists():
            if os.environ.get("ALLYSHIP_FIRST_RUN_DEMO", "1").strip() in ("0", "false", "no"):
                raise ServeError(f"no database at {path}; create one with "
                                 "`python -m allyship init` first")
            self.say(f"first run: creating the demo chapter in {path}")
            demo.create_demo_database(path)
        db = store.connect(path)
        db.conn.close()

    def _clear_leftovers(self) -> None:
        """Stop what an earlier ``serve`` on this port left running (it was killed before
        it could stop its children); then, if something else holds the port, say what."""
        from allyship.web import processes

        try:
            noted = json.loads(state_file(self.port).read_text())
        except (OSError, ValueError):
            noted = {}
        for pid in noted.get("nginx", []):
            processes.kill_group_of(int(pid), processes.is_nginx)
        for pid in noted.get("workers", []):
            processes.kill_group_of(int(pid), lambda cmd: "streamlit" in cmd)
        deadline = time.monotonic() + 5
        while processes.holders(self.port) or _port_taken(self.host, self.port):
            if time.monotonic() > deadline:
                raise ServeError(f"cannot listen on {self.host}:{self.port}: "
                                 + processes.describe_holders(self.port))
            time.sleep(0.1)

    def _note_children(self) -> None:
        procs = [b.proc for b in self.backends if b.proc is not None]
        state = {"serve": os.getpid(), "workers": [p.pid for p in procs],
                 "nginx": [self.nginx_proc.pid] if self.nginx_proc else []}
        with contextlib.suppress(OSError):
            state_file(self.port).write_text(json.dumps(state))

    def _start_backend(self, b: Backend) -> None:
        env = {**os.environ, **self.extra_env, "ALLYSHIP_DB": str(self.db_path),
               "PYTHONUNBUFFERED": "1"}
        with open(b.log, "a") as out:
            b.proc = subprocess.Popen(streamlit_command(ROOT / "streamlit_app.py", b.port),
                                      cwd=ROOT, env=env, stdout=out,
                                      stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        b.started_at = time.monotonic()

    def _wait_healthy(self, b: Backend, deadline: float) -> None:
        assert b.proc is not None
        wait_until_healthy(b.proc, b.url, b.log, deadline)

    def _start_nginx(self, deadline: float) -> None:
        assert self.run_dir is not None and self.nginx is not None
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / sub).mkdir(exist_ok=True)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(render_nginx_conf(listen=f"{self.host}:{self.port}",
                                          backend_ports=[b.port for b in self.backends],
                                          run_dir=self.run_dir), encoding="utf-8")
        base = [self.nginx, "-p", str(self.run_dir), "-c", str(conf),
                "-e", str(self.run_dir / "error.log")]
        check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise ServeError(f"nginx refused its configuration: {check.stderr.strip()}")
        log = open(self.run_dir / "nginx.out", "a")
        with log:
            # Its own group: a master that dies leaves workers holding the port, and the
            # group is how we find and stop them.
            self.nginx_proc = subprocess.Popen([*base, "-g", "daemon off;"], stdout=log,
                                               stderr=subprocess.STDOUT,
                                               preexec_fn=_die_with_parent)
        while time.monotonic() < deadline:
            if self.nginx_proc.poll() is not None:
                raise ServeError("nginx exited at start: "
                                 + _tail(self.run_dir / "error.log")
                                 + _tail(self.run_dir / "nginx.out"))
            if healthy(self.url + "/nginx-health") and healthy(self.url + HEALTH_PATH):
                return
            time.sleep(0.2)
        raise ServeError(f"nginx did not answer on {self.url}")

    # --- run ---------------------------------------------------------------------

    def check(self, grace: float = START_GRACE) -> list[str]:
        """One health round: restart any Streamlit process that has exited, or stopped
        answering its health check more than ``grace`` seconds after it started, and
        nginx if it has exited; report what was done."""
        events = []
        for b in self.backends:
            dead = b.proc is None or b.proc.poll() is not None
            if not dead and healthy(b.url + HEALTH_PATH, timeout=5):
                continue
            if not dead and time.monotonic() - b.started_at < grace:
                continue  # still starting: not counted yet
            if not dead:
                # Alive but not answering for 5 s after its grace: wedged. Replace it.
                _terminate(b.proc)
            b.restarts += 1
            events.append(f"process on port {b.port} "
                          f"{'exited' if dead else 'stopped answering'}; restarting "
                          f"(restart {b.restarts}, log {b.log})")
            self._start_backend(b)
        if self.nginx_proc is not None and self.nginx_proc.poll() is not None:
            events.append(f"nginx exited with {self.nginx_proc.returncode}; restarting: "
                          + _tail(self.run_dir / "error.log", 300).strip())
            self._stop_nginx()
            self._start_nginx(time.monotonic() + 30)
        if events:
            self._note_children()
        return events

    def serve_forever(self, interval: float = 5.0) -> None:
        """Watch the processes until SIGINT or SIGTERM, then stop everything."""
        stop = {"signal": None}

        def handler(signum, _frame):  # noqa: ANN001
            stop["signal"] = signum

        previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            while stop["signal"] is None:
                for event in self.check():
                    self.say(event)
                waited = 0.0
                while waited < interval and stop["signal"] is None:
                    time.sleep(0.1)
                    waited += 0.1
        finally:
            for s, h in previous.items():
                signal.signal(s, h)
            self.say("stopping nginx and the Streamlit processes…")
            self.stop()
            self.say("stopped")

    # --- stop --------------------------------------------------------------------

    def stop(self) -> None:
        """Stop nginx first (no new requests), then every Streamlit process we started —
        each by its own PID."""
        self._stop_nginx()
        for b in self.backends:
            if b.proc is not None:
                _terminate(b.proc)
        with contextlib.suppress(OSError):
            noted = json.loads(state_file(self.port).read_text())
            if noted.get("serve") == os.getpid():
                state_file(self.port).unlink()
        if self._own_run_dir and self.run_dir is not None and os.environ.get(
                "ALLYSHIP_SERVE_KEEP_LOGS", "") != "1":
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def _stop_nginx(self) -> None:
        """Stop nginx's master (fast: open websockets would hold a graceful stop), then
        whatever of its group is left — the workers of a master that was killed."""
        from allyship.web import processes

        if self.nginx_proc is None:
            return
        _terminate(self.nginx_proc)
        processes.kill_group_of(self.nginx_proc.pid, processes.is_nginx)

    def __enter__(self) -> Deployment:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _terminate(proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 10) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=wait)


def _port_taken(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def _tail(path: Path, n: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return ""
