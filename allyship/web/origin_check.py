"""Only the app's own pages may open its websocket (``/_stcore/stream``).

Streamlit accepts a websocket whose ``Origin`` names any port of an allowed host name
(``localhost``, the machine's addresses): a page served from another port of the same
host — where the browser sends the same cookies, which are per host, not per port —
could drive the app as the signed-in member. :class:`SameOriginWebsocket` refuses a
websocket whose ``Origin`` is not the address the browser asked for (scheme aside:
host and port, as ``Host`` — or a proxy's ``X-Forwarded-Host``, which no page can set —
names them), nor one the operator lists in ``server.corsAllowedOrigins`` (for a proxy that
rewrites ``Host``). Behind our nginx, which checks the port itself (``deploy/nginx.conf``)
and passes ``Host`` without it, the host name must match. A request without ``Origin``
(not a browser) is left to Streamlit's own rules.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send


def _host_port(netloc: str) -> tuple[str, str]:
    """(host, port) of ``host[:port]`` or ``[v6]:port``; port "" when absent."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        host, _, rest = netloc.partition("]")
        return host + "]", rest.lstrip(":")
    host, _, port = netloc.partition(":")
    return host, port


def same_origin(origin: str | None, host: str | None, *, proxied: bool = False) -> bool:
    """Whether a websocket's ``Origin`` is the address it was sent to (``Host``).
    ``proxied``: the request came through a proxy that names no port in ``Host``."""
    if origin is None:
        return True
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or not host:
        return False  # "null" (a sandboxed page, a file) and anything odd
    o_host, o_port = _host_port(parts.netloc)
    h_host, h_port = _host_port(host)
    if o_host != h_host:
        return False
    if proxied and not h_port:
        return True
    default = "443" if parts.scheme == "https" else "80"
    return (o_port or default) == (h_port or default)


def _listed(origin: str) -> bool:
    """``origin`` is one the operator allowed by name (``server.corsAllowedOrigins``)."""
    from streamlit import config

    wanted = origin.strip().rstrip("/").lower()
    return any(wanted == str(o).strip().rstrip("/").lower()
               for o in config.get_option("server.corsAllowedOrigins") or [])


def allowed(headers: Headers) -> bool:
    """Whether a websocket with these request headers may open."""
    origin = headers.get("origin")
    proxied = "x-forwarded-for" in headers
    hosts = [headers.get("host"), headers.get("x-forwarded-host", "").split(",")[0] or None]
    return (any(same_origin(origin, h, proxied=proxied) for h in hosts if h)
            or origin is None or _listed(origin))


class SameOriginWebsocket:
    """ASGI middleware: close a cross-origin websocket before it is accepted (HTTP 403)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if not allowed(Headers(scope=scope)):
                await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)
