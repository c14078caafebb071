"""Only the app's own pages open its websocket. A page served from another port of the
same host (whose requests carry the same cookies: cookies are per host, not per port)
or from another host is refused at ``/_stcore/stream`` — by ``streamlit run`` itself
(allyship/web/origin_check.py) and by nginx under ``python -m allyship serve``; the
app's own origin connects. Through both, too, the page load gives the browser its
sign-in cookie and the hand-over works only for the browser that signed in."""

from __future__ import annotations

import http.client
import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from allyship.db import store
from allyship.people import roster, sessions
from allyship.web import serve
from allyship.web.origin_check import same_origin


def test_an_origin_is_the_same_only_with_the_same_host_and_port() -> None:
    assert same_origin("http://127.0.0.1:8501", "127.0.0.1:8501")
    assert same_origin("https://Allyship.Example.org", "allyship.example.org")
    assert same_origin("https://allyship.example.org", "allyship.example.org:443")
    assert same_origin(None, "127.0.0.1:8501")  # not a browser: Streamlit's rules apply
    assert not same_origin("http://127.0.0.1:9999", "127.0.0.1:8501")
    assert not same_origin("http://localhost:8501", "127.0.0.1:8501")
    assert not same_origin("http://evil.example:8501", "127.0.0.1:8501")
    assert not same_origin("null", "127.0.0.1:8501")
    assert not same_origin("http://127.0.0.1:8501", None)
    assert same_origin("http://[::1]:8501", "[::1]:8501")
    assert not same_origin("http://[::1]:9999", "[::1]:8501")
    # Behind our proxy (which checks the port itself and sends Host without it).
    assert same_origin("http://127.0.0.1:8080", "127.0.0.1", proxied=True)
    assert not same_origin("http://evil.example:8080", "127.0.0.1", proxied=True)


def _opens(url: str, origin: str | None) -> bool:
    parts = urlsplit(url)
    try:
        with connect(f"ws://{parts.netloc}/_stcore/stream", subprotocols=["streamlit"],
                     origin=origin, open_timeout=20):
            return True
    except InvalidStatus as refused:
        assert refused.response.status_code == 403
        return False


needs_nginx = pytest.mark.skipif(serve.find_nginx() is None and
                                 os.environ.get("ALLYSHIP_REQUIRE_BROWSER") != "1",
                                 reason="nginx is not installed (apt-get install nginx)")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[serve.Deployment]:
    tmp = tmp_path_factory.mktemp("origin")
    with serve.Deployment(tmp / "a.db", processes=1, host="127.0.0.1",
                          port=serve.free_port(), run_dir=tmp / "run",
                          say=lambda _l: None) as d:
        yield d


@pytest.mark.server
@pytest.mark.slow
@needs_nginx
def test_a_page_from_another_origin_cannot_open_the_websocket(deployment) -> None:
    d = deployment
    for url in (d.backends[0].url, d.url):  # streamlit run itself; behind nginx
        own = f"http://{urlsplit(url).netloc}"
        assert _opens(url, own), url
        assert _opens(url, own.replace("127.0.0.1", "LOCALHOST").lower()) is False
        other_port = f"http://127.0.0.1:{serve.free_port()}"
        assert not _opens(url, other_port), url
        assert not _opens(url, "http://evil.example"), url
        assert not _opens(url, "null"), url


def _get(url: str, path: str, cookie: str | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.mark.server
@pytest.mark.slow
@needs_nginx
def test_the_hand_over_is_bound_to_the_browser_directly_and_behind_nginx(deployment) -> None:
    d = deployment
    db = store.connect(d.db_path, migrate=False)
    try:
        member = roster.list_members(db, roster.list_chapters(db)[0].id)[0]
        for url in (d.backends[0].url, d.url):
            page = _get(url, "/")
            [browser] = [c.split(";")[0].split("=", 1)[1] for c in
                         page.headers.get_all("Set-Cookie")
                         if c.startswith(f"{sessions.BROWSER_COOKIE}=")]
            started = sessions.start(db, member, browser=browser)
            elsewhere = _get(url, f"/app/session/start?t={started.nonce}",
                             f"{sessions.BROWSER_COOKIE}={sessions.new_browser_id()}")
            assert elsewhere.status == 403, url
            assert sessions.COOKIE_NAME not in str(elsewhere.headers.get_all("Set-Cookie"))
            mine = _get(url, f"/app/session/start?t={started.nonce}",
                        f"{sessions.BROWSER_COOKIE}={browser}")
            assert mine.status == 303, url
            assert any(c.startswith(f"{sessions.COOKIE_NAME}=")
                       for c in mine.headers.get_all("Set-Cookie"))
    finally:
        db.conn.close()


def test_a_proxys_forwarded_host_or_an_origin_the_operator_lists_is_accepted(
        monkeypatch) -> None:
    from starlette.datastructures import Headers
    from streamlit import config

    from allyship.web.origin_check import allowed

    def headers(**h: str) -> Headers:
        return Headers({k.replace("_", "-"): v for k, v in h.items()})

    public = "https://allyship.example.org"
    rewritten = headers(origin=public, host="127.0.0.1:8501", x_forwarded_for="10.0.0.1")
    assert not allowed(rewritten)
    assert allowed(headers(origin=public, host="127.0.0.1:8501", x_forwarded_for="10.0.0.1",
                           x_forwarded_host="allyship.example.org"))
    monkeypatch.setattr(config, "get_option", lambda name: [public + "/"]
                        if name == "server.corsAllowedOrigins" else None)
    assert allowed(rewritten)
    assert not allowed(headers(origin="http://127.0.0.1:9999", host="127.0.0.1:8501"))


def test_the_shipped_config_keeps_streamlits_own_origin_and_xsrf_checks_on() -> None:
    import tomllib

    from tests_paths import ROOT

    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["enableCORS"] is True and server["enableXsrfProtection"] is True
