"""The production supervisors: under supervisord (``deploy/supervisord.conf``, run for
real) a SIGKILL of any one process — nginx's master, an nginx worker, a Streamlit worker —
is recovered with no manual step within 15 s and loses no acknowledged write; the systemd
units in ``deploy/systemd`` pass ``systemd-analyze verify``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from tests_paths import ROOT

from allyship.web import serve, supervision
from tests import deployment_helpers as dh

RECOVERY_SECONDS = 15
UNITS = ROOT / "deploy" / "systemd"

needs_nginx = pytest.mark.skipif(
    serve.find_nginx() is None and os.environ.get("ALLYSHIP_REQUIRE_BROWSER") != "1",
    reason="nginx is not installed (apt-get install nginx)")


def _nginx_worker_of(master: int) -> int:
    """A live worker of the nginx ``master`` (0 if it has none just now)."""
    for pid in supervision.group_members(master):
        if supervision.cmdline(pid).startswith("nginx: worker") and not _zombie(pid):
            return pid
    return 0


@pytest.mark.server
@pytest.mark.slow
@needs_nginx
def test_a_sigkill_of_any_one_process_is_recovered_within_15_s_and_loses_no_write(
        demo_template, tmp_path: Path) -> None:
    from bench import concurrency

    db = tmp_path / "allyship.db"
    _leads, writer = concurrency.prepare_database(demo_template, db, 1)
    (token,) = concurrency.session_cookies(db, [writer])
    acknowledged: list[str] = []
    recovery: dict[str, float] = {}
    with dh.supervised(db, tmp_path) as d:
        acknowledged.append(dh.acknowledged_write(d, token))
        kills = {
            "nginx master": lambda: d.pid("nginx"),
            "nginx worker": lambda: _nginx_worker_of(d.pid("nginx")),
            "Streamlit worker": lambda: d.pid(f"worker:worker-{d.worker_ports[0]}"),
        }
        for kind, find in kills.items():
            victim = find()
            assert victim > 0, f"no {kind} to kill:\n{d.ctl('status')}"
            os.kill(victim, signal.SIGKILL)
            port = d.worker_ports[0]

            def back() -> bool:
                if not d.answers():
                    return False
                if kind == "Streamlit worker":  # its own port, not just the other worker
                    return serve.healthy(f"http://127.0.0.1:{port}{serve.HEALTH_PATH}", 1)
                if kind == "nginx master":  # a new master, and the old one's workers gone
                    new = d.pid("nginx")
                    return (new not in (0, victim)
                            and supervision.cmdline(new).startswith("nginx: master")
                            and not _leftovers(victim))
                if kind == "nginx worker":  # the master has started another
                    return _nginx_worker_of(d.pid("nginx")) not in (0, victim)
                return True

            seconds = dh.wait_for(back, RECOVERY_SECONDS, 0.1)
            assert seconds is not None, (
                f"not back {RECOVERY_SECONDS} s after a SIGKILL of the {kind}:\n"
                + d.ctl("status") + d.log("supervisord.log") + d.log("nginx.out"))
            recovery[kind] = seconds
            assert not Path(f"/proc/{victim}").exists() or _zombie(victim)
            assert _leftovers(victim) == []  # nothing of the old nginx holds the port
            acknowledged.append(dh.acknowledged_write(d, token))
        assert dh.found(db, acknowledged) == acknowledged
    assert dh.found(db, acknowledged) == acknowledged
    print("recovery seconds:", {k: round(v, 1) for k, v in recovery.items()})


def _leftovers(master: int) -> list[int]:
    return [p for p in supervision.group_members(master)
            if supervision.cmdline(p).startswith("nginx") and not _zombie(p)]


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_the_supervisord_template_has_no_placeholder_left_once_rendered(tmp_path: Path) -> None:
    files = supervision.write_host_files(tmp_path, db=tmp_path / "a.db",
                                         replica=tmp_path / "replica", listen="127.0.0.1:8080",
                                         first_port=8501, processes=3)
    text = files["supervisord.conf"].read_text()
    assert "{" not in text.replace("%(process_num)d", "")
    assert "numprocs=3" in text and "numprocs_start=8501" in text
    assert "--ports 8501 8502 8503" in text
    assert oct(files["supervisord.conf"].stat().st_mode & 0o777) == "0o600"  # cookie secret
    lite = files["litestream.yml"].read_text()
    assert f"path: {tmp_path / 'a.db'}" in lite and f"file://{tmp_path / 'replica'}" in lite


@pytest.mark.slow
def test_supervisord_accepts_the_rendered_configuration(tmp_path: Path) -> None:
    files = supervision.write_host_files(tmp_path, db=tmp_path / "a.db",
                                         replica=tmp_path / "replica", listen="127.0.0.1:8080")
    from supervisor import datatypes, options

    opts = options.ServerOptions()
    opts.realize(["-c", str(files["supervisord.conf"])])
    names = sorted(p.name for group in opts.process_group_configs for p in group.process_configs)
    assert names == ["litestream", "nginx", "watchdog", "worker-8501", "worker-8502"]
    for group in opts.process_group_configs:
        for p in group.process_configs:
            assert p.autorestart is datatypes.RestartUnconditionally, p.name
            assert p.stopasgroup and p.killasgroup or p.name == "watchdog", p.name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (Debian: apt-get install systemd)")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """Verified as installed on a host whose code is this checkout (so every ExecStart
    binary exists): unknown keys, bad values and missing programs all fail."""
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(
            unit.read_text().replace("/opt/allyship", str(ROOT)))
    names = [p.name.replace("@.service", "@8501.service") for p in sorted(tmp_path.iterdir())]
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *names], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    complaints = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == 0 and complaints == [], "\n".join(complaints)


def test_the_systemd_units_restart_every_long_running_process_and_give_a_start_grace() -> None:
    import configparser

    def unit(name: str) -> configparser.ConfigParser:
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read_string((UNITS / name).read_text())
        return parser

    for name in ("allyship@.service", "allyship-nginx.service", "allyship-litestream.service",
                 "allyship-watchdog.service"):
        service = unit(name)["Service"]
        assert service["Restart"] == "always", name
        assert float(service["RestartSec"]) <= 5, name
    worker = unit("allyship@.service")["Service"]
    assert "supervision wait --port %i" in worker["ExecStartPost"]
    assert worker["ReadWritePaths"] == "/var/lib/allyship"
    wants = unit("allyship.target")["Unit"]["Wants"]
    for name in ("allyship-nginx.service", "allyship-litestream.service", "allyship@8501.service"):
        assert name in (UNITS / "allyship.target").read_text(), name
    assert wants
