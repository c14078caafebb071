"""Vega-Lite specs to SVG with vl-convert, for the reports' offline HTML.

vl-convert draws with Vega in an embedded JavaScript runtime. Starting that runtime is
the costly part (~0.4 s of CPU, once per process), and vl-convert holds Python's GIL
while it works, so a thread cannot hide it. A short-lived command that knows it will
draw charts (``python -m allyship report``, HTML) calls :func:`start` first thing: a
renderer process (``python -m allyship.svg_render``) starts the runtime on the other
core while the command imports pandas and Altair and runs its SQL, and then draws the
specs :func:`to_svg` sends it, until :func:`stop`. Without :func:`start` (the app),
or if the renderer is gone, :func:`to_svg` draws in this process: the same SVG.

The renderer reads one spec per line (JSON) and answers one line: the SVG, or
``{"error": ...}``. It exits when its input closes: at :func:`stop`, or when the
command that started it ends without calling it. This module imports only the standard library at the
top, so starting early costs the command nothing up front.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# The smallest chart that makes vl-convert start its runtime and compile Vega-Lite.
_WARM_UP_SPEC = {"data": {"values": [{"x": 1}]}, "mark": "point",
                 "encoding": {"x": {"field": "x", "type": "quantitative"}}}

_renderer = None  # the subprocess.Popen of the started renderer, while it answers


def start() -> None:
    """Start the renderer process (vl-convert's runtime warming up), if not started."""
    global _renderer
    if _renderer is not None:
        return
    import subprocess
    from pathlib import Path

    try:
        _renderer = subprocess.Popen(
            [sys.executable, "-m", "allyship.svg_render"],
            cwd=Path(__file__).resolve().parents[1],  # where this package is importable
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8")
    except OSError:  # no head start: to_svg draws in this process
        _renderer = None


def stop() -> None:
    """End the renderer: it exits as its input closes (at once when idle); one still
    warming up for charts nobody asked for (the command failed first) is killed."""
    global _renderer
    proc, _renderer = _renderer, None
    if proc is None:
        return
    import subprocess

    try:
        proc.stdin.close()
        proc.wait(timeout=0.5)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()


def to_svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec (a dict) as an SVG document: by the started renderer if there
    is one, else in this process. A spec the renderer refuses is drawn here, so the
    caller gets vl-convert's own error."""
    global _renderer
    try:
        request = json.dumps(spec) if _renderer is not None else None
    except (TypeError, ValueError):  # not JSON: let vl-convert say what it makes of it
        request = None
    if request is not None:
        try:
            _renderer.stdin.write(request + "\n")
            _renderer.stdin.flush()
            answer = json.loads(_renderer.stdout.readline() or "null")
        except (OSError, ValueError):
            answer = None
        if isinstance(answer, str):
            return answer
        if answer is None:  # the renderer is gone: carry on without it
            _renderer = None
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def _serve() -> None:
    """The renderer process: warm up, then answer specs until stdin closes."""
    import vl_convert

    try:
        vl_convert.vegalite_to_svg(_WARM_UP_SPEC)
    except Exception:  # noqa: BLE001, S110 - a failed warm-up only loses the head start
        pass
    for line in sys.stdin:
        try:
            answer: Any = vl_convert.vegalite_to_svg(json.loads(line))
        except Exception as exc:  # noqa: BLE001 - the caller redraws it and raises
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
