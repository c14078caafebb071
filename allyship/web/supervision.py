"""Helpers for running the deployment under a real supervisor (systemd or supervisord).

``python -m allyship.web.supervision COMMAND`` — commands the units in ``deploy/`` call:

- ``render``: write nginx.conf, litestream.yml and supervisord.conf for one host from the
  templates in ``deploy/`` (supervisord only where systemd is not available).
- ``nginx``: clear what a killed nginx master left behind (its workers keep the port),
  then become nginx in the foreground — so a supervisor restarting nginx never meets an
  orphan holding the port.
- ``wait``: wait until a Streamlit worker answers its health check (systemd's
  ``ExecStartPost``: the unit counts as started, and nginx starts, only then).
- ``watch``: restart a worker that is alive but has not answered its health check for a
  whole grace period (a wedged process; a dead one is the supervisor's to restart).

No Streamlit import here: this module starts and watches processes.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from allyship.web import serve
from allyship.web.processes import (  # noqa: F401 - the tests reach them through here
    cmdline,
    describe_holders,
    group_members,
    holders,
    is_nginx,
    kill_group_of,
    listening_inodes,
    process_group,
)

DEPLOY = serve.ROOT / "deploy"
SUPERVISORD_TEMPLATE = DEPLOY / "supervisord.conf"
LITESTREAM_TEMPLATE = DEPLOY / "litestream.yml"
# The paths deploy/litestream.yml names; ``render`` puts the host's own in their place.
LITESTREAM_DB = "/var/lib/allyship/allyship.db"
LITESTREAM_REPLICA = "/var/backups/allyship-replica"
DEFAULT_GRACE = 60.0


# --- what a dead nginx left ----------------------------------------------------------------

def clear_stale_nginx(pid_file: Path, port: int | None = None, wait: float = 5.0) -> list[int]:
    """Kill what an nginx whose master died left: its group (from the master's stale pid
    file). Then wait until ``port`` is free; raise :class:`serve.ServeError` naming what
    holds it if it stays taken. The pids killed."""
    killed: list[int] = []
    try:
        old = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        old = 0
    if old > 1:
        killed = kill_group_of(old, is_nginx)
    if port is not None:
        deadline = time.monotonic() + wait
        while listening_inodes(port):
            if time.monotonic() > deadline:
                raise serve.ServeError(f"cannot start nginx: {describe_holders(port)}")
            time.sleep(0.1)
    return killed


def exec_nginx(nginx: str, prefix: Path, conf: Path, port: int | None) -> None:
    """Clear a dead master's leftovers, then replace this process by nginx (foreground),
    so the supervisor watches nginx itself."""
    prefix.mkdir(parents=True, exist_ok=True)
    killed = clear_stale_nginx(prefix / "nginx.pid", port)
    if killed:
        print(f"killed nginx processes left by a dead master: {killed}", file=sys.stderr,
              flush=True)
    args = [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"),
            "-g", "daemon off;"]
    os.execv(nginx, args)


# --- health ------------------------------------------------------------------------------

def wait_healthy(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}{serve.HEALTH_PATH}"
    while time.monotonic() < deadline:
        if serve.healthy(url, timeout=2):
            return True
        time.sleep(0.5)  # polling a process that is starting
    return False


class Watchdog:
    """Restart a worker that has not answered for ``grace`` seconds in a row. A worker
    that is starting (or being restarted by its supervisor) answers within the grace, so
    it is never counted; after a restart the worker gets the whole grace again."""

    def __init__(self, ports: Sequence[int], restart: Callable[[int], None], *,
                 grace: float = DEFAULT_GRACE, clock: Callable[[], float] = time.monotonic,
                 probe: Callable[[int], bool] | None = None) -> None:
        self.restart, self.grace, self.clock = restart, grace, clock
        self.probe = probe or (lambda port: serve.healthy(
            f"http://127.0.0.1:{port}{serve.HEALTH_PATH}", timeout=5))
        self.failing_since: dict[int, float | None] = {p: None for p in ports}

    def round(self) -> list[int]:
        """One check of every worker; the ports restarted."""
        restarted = []
        for port, since in self.failing_since.items():
            if self.probe(port):
                self.failing_since[port] = None
                continue
            now = self.clock()
            if since is None:
                self.failing_since[port] = now
            elif now - since >= self.grace:
                self.restart(port)
                restarted.append(port)
                self.failing_since[port] = self.clock()
        return restarted


def restart_by_command(template: str) -> Callable[[int], None]:
    """A restart from a command line in which ``PORT`` stands for the worker's port."""
    def restart(port: int) -> None:
        args = shlex.split(template.replace("PORT", str(port)))
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        print(f"worker on port {port} did not answer its health check; ran {' '.join(args)}:"
              f" exit {done.returncode} {done.stdout.strip()} {done.stderr.strip()}",
              file=sys.stderr, flush=True)
    return restart


# --- rendering the configuration for one host ----------------------------------------------

def render_litestream_conf(db: Path, replica: Path, template: Path = LITESTREAM_TEMPLATE) -> str:
    """``deploy/litestream.yml`` for ``db`` replicated to the directory ``replica``."""
    text = template.read_text(encoding="utf-8")
    return (text.replace(LITESTREAM_DB, str(db))
            .replace(f"file://{LITESTREAM_REPLICA}", f"file://{replica}"))


def render_supervisord_conf(*, conf_dir: Path, root: Path, python: str, db: Path,
                            first_port: int, processes: int, nginx: str, litestream: str,
                            cookie_secret: str, listen_port: int, scheduler: str = "in-app",
                            template: Path = SUPERVISORD_TEMPLATE) -> str:
    ports = " ".join(str(first_port + i) for i in range(processes))
    text = template.read_text(encoding="utf-8")
    for key, value in {"{conf_dir}": str(conf_dir), "{root}": str(root), "{python}": python,
                       "{db}": str(db), "{first_port}": str(first_port),
                       "{processes}": str(processes), "{ports}": ports, "{nginx}": nginx,
                       "{litestream}": litestream, "{cookie_secret}": cookie_secret,
                       "{scheduler}": scheduler, "{listen_port}": str(listen_port)}.items():
        text = text.replace(key, value)
    return text


def write_host_files(conf_dir: Path, *, db: Path, replica: Path, listen: str,
                     first_port: int = 8501, processes: int = 2, root: Path = serve.ROOT,
                     python: str = sys.executable, nginx: str | None = None,
                     litestream: str | None = None, nginx_user: str | None = None
                     ) -> dict[str, Path]:
    """Write nginx.conf, litestream.yml and supervisord.conf into ``conf_dir`` (mode 0600:
    supervisord.conf holds the cookie secret); returns their paths by name."""
    conf_dir.mkdir(parents=True, exist_ok=True)
    nginx = nginx or serve.find_nginx() or "/usr/sbin/nginx"
    litestream = litestream or str(Path(python).parent / "litestream")
    ports = [first_port + i for i in range(processes)]
    files = {
        "nginx.conf": serve.render_nginx_conf(listen=listen, backend_ports=ports,
                                              run_dir=conf_dir, user=nginx_user),
        "litestream.yml": render_litestream_conf(db, replica),
        "supervisord.conf": render_supervisord_conf(
            conf_dir=conf_dir, root=root, python=python, db=db, first_port=first_port,
            processes=processes, nginx=nginx, litestream=litestream,
            cookie_secret=secrets.token_hex(32), listen_port=int(listen.rsplit(":", 1)[1])),
    }
    out = {}
    for name, text in files.items():
        path = conf_dir / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        out[name] = path
    return out


# --- command line --------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m allyship.web.supervision",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="write nginx.conf, litestream.yml, supervisord.conf")
    r.add_argument("--conf-dir", type=Path, required=True)
    r.add_argument("--db", type=Path, default=Path(LITESTREAM_DB))
    r.add_argument("--replica", type=Path, default=Path(LITESTREAM_REPLICA))
    r.add_argument("--listen", default="0.0.0.0:80")
    r.add_argument("--first-port", type=int, default=8501)
    r.add_argument("--processes", type=int, default=2)
    r.add_argument("--nginx-user", default=None, help="nginx's worker user (www-data)")
    n = sub.add_parser("nginx", help="clear a dead nginx's leftovers, then run nginx")
    n.add_argument("--nginx", default=None)
    n.add_argument("--prefix", type=Path, required=True)
    n.add_argument("--conf", type=Path, required=True)
    n.add_argument("--port", type=int, default=None, help="the port nginx listens on")
    w = sub.add_parser("wait", help="wait until a worker answers its health check")
    w.add_argument("--port", type=int, required=True)
    w.add_argument("--timeout", type=float, default=90)
    d = sub.add_parser("watch", help="restart workers that stop answering")
    d.add_argument("--ports", type=int, nargs="+", required=True)
    d.add_argument("--restart", required=True, help="command; PORT is the worker's port")
    d.add_argument("--grace", type=float, default=DEFAULT_GRACE)
    d.add_argument("--interval", type=float, default=10)
    args = parser.parse_args(argv)

    if args.command == "render":
        files = write_host_files(args.conf_dir, db=args.db, replica=args.replica,
                                 listen=args.listen, first_port=args.first_port,
                                 processes=args.processes, nginx_user=args.nginx_user)
        for path in files.values():
            print(path)
        return 0
    if args.command == "nginx":
        nginx = args.nginx or serve.find_nginx()
        if nginx is None:
            print("nginx is not installed (Debian: apt-get install nginx)", file=sys.stderr)
            return 1
        try:
            exec_nginx(nginx, args.prefix, args.conf, args.port)
        except serve.ServeError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 1  # not reached: exec replaced this process
    if args.command == "wait":
        if wait_healthy(args.port, args.timeout):
            return 0
        print(f"the worker on port {args.port} did not answer {serve.HEALTH_PATH} within "
              f"{args.timeout:g} s", file=sys.stderr)
        return 1
    dog = Watchdog(args.ports, restart_by_command(args.restart), grace=args.grace)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        dog.round()
        time.sleep(args.interval)


if __name__ == "__main__":
    raise SystemExit(main())
