"""``python -m allyship serve``: the command starts nginx and N processes, health-checks
them, restarts one that dies, and stops everything on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests_paths import ROOT

from allyship.web import serve

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(serve.find_nginx() is None and
                                 os.environ.get("ALLYSHIP_REQUIRE_BROWSER") != "1",
                                 reason="nginx is not installed (apt-get install nginx)")]


def test_the_nginx_template_is_accepted_by_nginx(tmp_path: Path):
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(serve.render_nginx_conf(listen="127.0.0.1:1", backend_ports=[2, 3],
                                            run_dir=tmp_path))
    check = subprocess.run([serve.find_nginx(), "-t", "-p", str(tmp_path), "-c", str(conf),
                            "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "{" + "run_dir}" not in conf.read_text()


def test_a_process_that_dies_is_restarted(tmp_path: Path):
    with serve.Deployment(tmp_path / "a.db", processes=1, host="127.0.0.1",
                          port=serve.free_port(), run_dir=tmp_path / "run",
                          say=lambda _l: None) as d:
        backend = d.backends[0]
        first = backend.proc
        first.kill()  # our own child, by its own handle
        first.wait()
        events = d.check()
        assert events and "exited; restarting" in events[0]
        assert backend.proc is not first and backend.proc.poll() is None
        d._wait_healthy(backend, time.monotonic() + 60)
        assert serve.healthy(d.url + serve.HEALTH_PATH)


def test_the_command_serves_and_stops_everything_on_sigterm(tmp_path: Path):
    port = serve.free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "allyship", "serve", "--db", str(tmp_path / "a.db"),
         "--processes", "2", "--port", str(port), "--host", "127.0.0.1"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("serving "):
                break
        assert any(line.startswith("serving ") for line in lines), "".join(lines)
        assert serve.healthy(f"http://127.0.0.1:{port}/_stcore/health")
        children = _children(proc.pid)
        assert len(children) >= 3  # two Streamlit processes and nginx
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
        assert proc.returncode == 0, rest
        assert "stopped" in rest
        assert not serve.healthy(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
        assert all(not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _zombie(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# --- routing: new browsers spread evenly, each stays on its process --------------------

class _Whoami:
    """A tiny HTTP server answering with its own port (a stand-in for a Streamlit
    process: the routing is nginx's, whatever answers behind it)."""

    def __init__(self) -> None:
        import http.server
        import threading

        port_box: list[int] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                body = str(port_box[0]).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_a) -> None:  # noqa: ANN002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        port_box.append(self.port)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _get(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """(which backend answered, the route cookie nginx set, if any)."""
    import urllib.request

    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        set_cookie = resp.headers.get("Set-Cookie")
        route = set_cookie.split(";")[0] if set_cookie else None
        return resp.read().decode(), route


def test_new_browsers_take_turns_and_each_keeps_its_process(tmp_path: Path):
    backends = [_Whoami(), _Whoami()]
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    port = serve.free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(serve.render_nginx_conf(listen=f"127.0.0.1:{port}",
                                            backend_ports=[b.port for b in backends],
                                            run_dir=tmp_path))
    nginx = subprocess.Popen([serve.find_nginx(), "-p", str(tmp_path), "-c", str(conf),
                              "-e", str(tmp_path / "error.log"), "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                _get(url)
                break
            except OSError:
                time.sleep(0.05)
        firsts = [_get(url) for _ in range(10)]
        # Ten new browsers: five on each process (a hash of a random id gave 9 to 2).
        assert sorted(answered for answered, _ in firsts).count(str(backends[0].port)) == 5
        for answered, route in firsts:
            assert route is not None and route.endswith(f":{answered}"), route
            # Every later request of that browser reaches the same process.
            assert {_get(url, route)[0] for _ in range(4)} == {answered}
        # A browser whose process is down is served by the other one meanwhile.
        gone = next(route for answered, route in firsts if answered == str(backends[1].port))
        backends[1].stop()
        assert _get(url, gone)[0] == str(backends[0].port)
    finally:
        nginx.terminate()
        nginx.wait(10)
        backends[0].stop()


def test_streamlits_own_files_come_from_disk_compressed_and_cached_for_a_year(tmp_path: Path):
    import gzip
    import re
    import urllib.request

    with serve.Deployment(tmp_path / "a.db", processes=1, host="127.0.0.1",
                          port=serve.free_port(), run_dir=tmp_path / "run",
                          say=lambda _l: None) as d:
        index = urllib.request.urlopen(d.url + "/").read().decode()
        script = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', index).group(1)
        asked = urllib.request.Request(f"{d.url}/{script}", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(asked) as answer:
            body, headers = answer.read(), answer.headers
    on_disk = (serve.streamlit_static() / script.removeprefix("static/")).read_bytes()
    assert headers["Content-Encoding"] == "gzip" and len(body) < len(on_disk) / 2
    assert gzip.decompress(body) == on_disk
    assert "immutable" in headers["Cache-Control"] and "31536000" in headers["Cache-Control"]
    # nginx's own ETag (modification time and size), not the Streamlit process's digest.
    assert re.fullmatch(r'W?/?"[0-9a-f]+-[0-9a-f]+"', headers["ETag"])



def test_every_kind_of_streamlit_file_is_sent_with_its_type(tmp_path: Path):
    import urllib.request

    kinds = {".js": "application/javascript", ".css": "text/css", ".woff2": "font/woff2",
             ".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}
    found = {}
    for path in serve.streamlit_static().rglob("*"):
        if path.suffix in kinds and path.suffix not in found:
            found[path.suffix] = path.relative_to(serve.streamlit_static()).as_posix()
    assert set(found) == set(kinds)
    with serve.Deployment(tmp_path / "a.db", processes=1, host="127.0.0.1",
                          port=serve.free_port(), run_dir=tmp_path / "run",
                          say=lambda _l: None) as d:
        for suffix, name in found.items():
            with urllib.request.urlopen(f"{d.url}/static/{name}") as answer:
                assert answer.headers["Content-Type"].split(";")[0] == kinds[suffix], name
