"""A small Streamlit protocol client: what a browser tab says over ``/_stcore/stream``,
without the browser.

A browser tab loads the page (``GET /``: nginx's route cookie comes back here), opens a
websocket to ``/_stcore/stream`` with the subprotocol ``streamlit`` and the site's cookies
(our sign-in cookie ``allyship_session`` among them), and asks for a script run with a
``BackMsg.rerun_script`` carrying its ``ClientState``: which page (``page_script_hash``,
learnt from the ``navigation`` message of an earlier run), the query string, the widget
values, and the hashes of the large messages it already holds (Streamlit then sends a
``ref_hash`` instead of the whole message, as it does to a browser). The server answers
with ``ForwardMsg``s: ``new_session`` at the start of each run, ``delta``s (elements),
``navigation``, and ``script_finished``. A run the script ends with ``st.rerun()`` finishes
``FINISHED_EARLY_FOR_RERUN`` and the next run follows by itself.

:meth:`Tab.run` returns what the page showed (headings, charts, alerts, exceptions,
widgets) once the run finished successfully, and how long that took from sending the
request. What the browser adds after that (drawing six Vega charts) is not included:
that is the user's device's work, not the server's.

Streamlit 1.67 (``streamlit/web/server/starlette/starlette_websocket.py``): the
subprotocol list is ``streamlit[, xsrf token[, session id to resume]]``; the XSRF token
only matters for ``st.login``'s own cookie, which this app's password sign-in does not use.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

STREAM_PATH = "/_stcore/stream"
TIMEOUT = 300.0  # seconds a run may take before the client gives up (a stuck server)


class ProtocolError(RuntimeError):
    """The server said something a browser would show as a failure (or nothing at all)."""


@dataclass
class Widget:
    """A widget as the page drew it: enough to send a value back."""

    id: str
    kind: str  # the Element field: "text_area", "checkbox", "button", …
    label: str
    form_id: str = ""


@dataclass
class Run:
    """What one successful script run put on the page (the run's final elements)."""

    ms: float  # request sent → script_finished, across any st.rerun() in between
    reruns: int  # runs that ended early for a rerun (st.rerun()) before this one
    elements: dict[tuple[int, ...], Any] = field(default_factory=dict)  # delta path → Element
    pages: dict[str, str] = field(default_factory=dict)  # page title → page script hash
    page_hash: str = ""  # the page the server ran (navigation.page_script_hash)
    alert_ms: dict[str, float] = field(default_factory=dict)  # alert text → ms it arrived
    messages: int = 0  # ForwardMsgs the server sent for this request (all runs)

    def of_kind(self, kind: str) -> list[Any]:
        return [getattr(e, kind) for e in self.elements.values()
                if e.WhichOneof("type") == kind]

    @property
    def headings(self) -> list[str]:
        return [h.body for h in self.of_kind("heading")]

    @property
    def charts(self) -> int:
        return len(self.of_kind("vega_lite_chart"))

    @property
    def exceptions(self) -> list[str]:
        return [f"{x.type}: {x.message}" for x in self.of_kind("exception")]

    @property
    def alerts(self) -> list[str]:
        return [a.body for a in self.of_kind("alert")]

    def widgets(self) -> list[Widget]:
        out = []
        for e in self.elements.values():
            kind = e.WhichOneof("type")
            proto = getattr(e, kind)
            wid = getattr(proto, "id", "")
            if isinstance(wid, str) and wid:
                out.append(Widget(wid, kind, getattr(proto, "label", ""),
                                  getattr(proto, "form_id", "")))
        return out

    def widget(self, kind: str, label: str, form: str = "") -> Widget:
        """The one widget of ``kind`` labelled ``label`` (in a form whose key starts with
        ``form``, if given)."""
        found = [w for w in self.widgets() if w.kind == kind and w.label == label
                 and w.form_id.startswith(form)]
        if len(found) != 1:
            raise ProtocolError(f"{len(found)} {kind} widgets labelled {label!r} on the page")
        return found[0]


def route_cookie(base_url: str) -> dict[str, str]:
    """Load the app's page as a browser does first; the cookies it sets (behind nginx:
    the route cookie that keeps this tab on one Streamlit process)."""
    with urllib.request.urlopen(base_url + "/", timeout=60) as resp:
        resp.read()
        jar: dict[str, str] = {}
        for header in resp.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(header)
            jar.update({k: m.value for k, m in parsed.items()})
    return jar


class Tab:
    """One browser tab's conversation with the server: a websocket and its session."""

    def __init__(self, base_url: str, cookies: dict[str, str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = dict(cookies)
        self.ws: ClientConnection | None = None
        self.pages: dict[str, str] = {}
        self._cache: dict[str, ForwardMsg] = {}  # what a browser's message cache holds

    async def open(self, *, load_page: bool = True) -> None:
        if load_page:
            self.cookies.update(await asyncio.to_thread(route_cookie, self.base_url))
        parts = urllib.parse.urlsplit(self.base_url)
        ws_url = urllib.parse.urlunsplit(("ws" if parts.scheme == "http" else "wss",
                                          parts.netloc, parts.path + STREAM_PATH, "", ""))
        self.ws = await connect(
            ws_url, subprotocols=["streamlit"], origin=f"{parts.scheme}://{parts.netloc}",
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in
                                                    self.cookies.items())},
            max_size=None, open_timeout=120)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def __aenter__(self) -> Tab:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def run(self, page: str | None = None,
                  widget_states: list[WidgetState] | None = None, query: str = "") -> Run:
        """Ask for a script run of ``page`` (a title from the navigation; ``None``: the
        default page), with ``query`` as the address's query string, and wait until a
        run finishes successfully."""
        return await self.finish(await self.request(page, widget_states, query))

    async def request(self, page: str | None = None,
                      widget_states: list[WidgetState] | None = None,
                      query: str = "") -> float:
        """Send the rerun request; the moment it was sent (for :meth:`finish`)."""
        assert self.ws is not None, "open() first"
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        if page is not None:
            if page not in self.pages:
                raise ProtocolError(f"no page {page!r} in the navigation "
                                    f"({', '.join(self.pages) or 'none seen yet'})")
            state.page_script_hash = self.pages[page]
        state.widget_states.widgets.extend(widget_states or [])
        state.cached_message_hashes.extend(self._cache)
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-GB"
        state.context_info.url = self.base_url + "/"
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return started

    async def finish(self, started: float) -> Run:
        """Read the server's messages until a run finishes successfully."""
        assert self.ws is not None
        run = Run(0.0, 0)
        deadline = started + TIMEOUT
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"no script_finished within {TIMEOUT:.0f} s")
            try:
                raw = await asyncio.wait_for(self.ws.recv(), timeout=left)
            except TimeoutError:
                raise ProtocolError(f"no script_finished within {TIMEOUT:.0f} s") from None
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            run.messages += 1
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(msg.ref_hash)
                if cached is None:
                    raise ProtocolError("the server referred to a message this tab never got")
                ref, msg = msg, ForwardMsg()
                msg.CopyFrom(cached)
                msg.metadata.CopyFrom(ref.metadata)
                kind = msg.WhichOneof("type")
            elif msg.metadata.cacheable and msg.hash:
                self._cache[msg.hash] = msg
            if kind == "new_session":
                run.elements.clear()  # a new run draws the page afresh
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                run.elements[tuple(msg.metadata.delta_path)] = element
                if element.WhichOneof("type") == "alert":
                    run.alert_ms.setdefault(element.alert.body,
                                            (time.perf_counter() - started) * 1000)
            elif kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash
                              for p in msg.navigation.app_pages}
                run.pages = dict(self.pages)
                run.page_hash = msg.navigation.page_script_hash
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    run.reruns += 1
                    continue
                if status != "FINISHED_SUCCESSFULLY":
                    raise ProtocolError(f"the script run ended {status}")
                run.ms = (time.perf_counter() - started) * 1000
                return run


def trigger(widget: Widget) -> WidgetState:
    """A button press (a form's submit button included)."""
    return WidgetState(id=widget.id, trigger_value=True)


def value(widget: Widget, v: str | bool | int | float) -> WidgetState:
    """A widget's value as the browser sends it."""
    s = WidgetState(id=widget.id)
    if isinstance(v, bool):
        s.bool_value = v
    elif isinstance(v, str):
        s.string_value = v
    elif isinstance(v, int):
        s.int_value = v
    else:
        s.double_value = v
    return s
