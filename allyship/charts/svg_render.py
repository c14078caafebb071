"""Vega-Lite specs to SVG with vl-convert, for the reports' offline HTML.

vl-convert draws with Vega in an embedded JavaScript runtime. Starting that runtime is
the costly part (once per process), and vl-convert holds Python's GIL
while it works, so a thread cannot hide it. A short-lived command that knows it will
draw charts (``python -m allyship report``, HTML) calls :func:`start` first thing: a
renderer process (``python -m allyship.charts.svg_render``) starts the runtime on the other
core while the command imports pandas and runs its SQL. The command then hands it each
chart as soon as the chart's figures are known (:func:`send`), so the renderer draws
while the command assembles the rest of the report, and :func:`to_svg` collects the
drawing (or sends the spec then, if it was not sent before). :func:`stop` ends the
renderer. Without :func:`start` (the app), or if the renderer is gone, :func:`to_svg`
draws in this process: the same SVG.

The renderer reads one spec per line (JSON) and answers one line each, in order: the SVG,
or ``{"error": ...}``. Specs go to it from a writer thread, so the command never waits
for the pipe (a renderer still warming up reads nothing). It exits when its input
closes: at :func:`stop`, or when the command that started it ends without calling it.
This module imports only the standard library at the top, so starting early costs the
command nothing up front.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

# The smallest chart that makes vl-convert start its runtime and compile Vega-Lite.
_WARM_UP_SPEC = {"data": {"values": [{"x": 1}]}, "mark": "point",
                 "encoding": {"x": {"field": "x", "type": "quantitative"}}}

_renderer: _Renderer | None = None  # the started renderer, while it answers


class _RendererGone(Exception):
    """The renderer stopped answering: draw here."""


class _Renderer:
    """A started renderer process, the specs sent to it and the answers not yet taken."""

    def __init__(self, proc: Any) -> None:
        self.proc = proc
        self.unanswered: list[bytes] = []  # requests sent whose answers are not read, in order
        self.answers: dict[bytes, list[Any]] = {}  # answers read, not yet taken
        self.outbox: Any = None  # lines for the writer thread (made on the first send)
        self.writer: Any = None

    def send(self, request: bytes) -> None:
        if self.outbox is None:
            import queue
            import threading

            self.outbox = queue.SimpleQueue()
            self.writer = threading.Thread(target=self._write, name="svg-render-writer",
                                           daemon=True)
            self.writer.start()
        self.unanswered.append(request)
        self.outbox.put(request)

    def _write(self) -> None:
        """The writer thread: each line as it comes; at ``None``, close the input."""
        try:
            for line in iter(self.outbox.get, None):
                self.proc.stdin.write(line)
                self.proc.stdin.flush()
            self.proc.stdin.close()
        except (OSError, ValueError):  # the renderer is gone: reading its answers says so
            pass

    def take(self, request: bytes) -> Any:
        """The answer to ``request`` (sent now if it was not sent before)."""
        if request not in self.unanswered and not self.answers.get(request):
            self.send(request)
        while not self.answers.get(request):
            try:
                line = self.proc.stdout.readline()
                answer = json.loads(line) if line else None
            except (OSError, ValueError):
                answer = None
            if answer is None:
                raise _RendererGone
            self.answers.setdefault(self.unanswered.pop(0), []).append(answer)
        return self.answers[request].pop(0)

    def end(self) -> None:
        """Let the renderer go: an idle one exits as its input closes; one still drawing
        or warming up for charts nobody will take (the command failed first) is killed."""
        import subprocess

        if self.unanswered or self.outbox is None:
            self.proc.kill()
        if self.outbox is not None:
            self.outbox.put(None)  # the writer ends, closing the input after the last line
            self.writer.join(timeout=0.5)
        try:
            self.proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except (OSError, ValueError):  # unsent bytes of a killed renderer
                pass


def start() -> None:
    """Start the renderer process (vl-convert's runtime warming up), if not started."""
    global _renderer
    if _renderer is not None:
        return
    import subprocess
    from pathlib import Path

    # -S: the renderer skips `site` (its .pth files slow a start that is the report
    # command's critical path) and finds vl-convert on this process's own import path
    # instead, which `site` has already worked out.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        proc = subprocess.Popen(
            [sys.executable, "-S", "-m", "allyship.charts.svg_render"],
            cwd=Path(__file__).resolve().parents[2],  # where this package is importable
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:  # no head start: to_svg draws in this process
        return
    _renderer = _Renderer(proc)


def started() -> bool:
    """Whether a renderer process is drawing for this one."""
    return _renderer is not None


def stop() -> None:
    """End the renderer (see :meth:`_Renderer.end`); drawing goes on in this process."""
    global _renderer
    renderer, _renderer = _renderer, None
    if renderer is not None:
        renderer.end()


def _request(spec: dict[str, Any]) -> bytes | None:
    try:
        return json.dumps(spec).encode() + b"\n"
    except (TypeError, ValueError):  # not JSON: let vl-convert say what it makes of it
        return None


def send(spec: dict[str, Any]) -> None:
    """Have the started renderer start drawing ``spec`` now, for a later :func:`to_svg`
    of the same spec. Without a renderer, nothing (:func:`to_svg` draws it then)."""
    if _renderer is not None and (request := _request(spec)) is not None:
        _renderer.send(request)


def to_svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec (a dict) as an SVG document: by the started renderer if there
    is one, else in this process. A spec the renderer refuses is drawn here, so the
    caller gets vl-convert's own error."""
    global _renderer
    request = _request(spec) if _renderer is not None else None
    if request is not None:
        try:
            answer = _renderer.take(request)
        except _RendererGone:  # carry on without it
            stop()
        else:
            if isinstance(answer, str):
                return answer
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def _serve() -> None:
    """The renderer process: warm up, then answer specs until stdin closes."""
    import vl_convert

    try:
        vl_convert.vegalite_to_svg(_WARM_UP_SPEC)
    except Exception:  # noqa: BLE001, S110 - a failed warm-up only loses the head start
        pass
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        try:
            answer: Any = vl_convert.vegalite_to_svg(json.loads(line))
        except Exception as exc:  # noqa: BLE001 - the caller redraws it and raises
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer).encode() + b"\n")
        out.flush()
    # Every answer is written: skip the interpreter's and the JavaScript runtime's
    # teardown, which the command would wait for at stop().
    os._exit(0)


if __name__ == "__main__":
    _serve()
