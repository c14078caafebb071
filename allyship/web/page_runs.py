"""One page run at a time in a server process, with a bounded wait.

Streamlit runs each session's page script in a thread of its own, all in one Python
process. When twenty leads open *Team progress* at once, twenty threads take turns
holding Python's GIL: every SQLite step and every message handed to the event loop lets
it go, and each hand-over is a context switch (on a 2-core VM, a cross-core wake-up).
Measured on a real server (issue 13, 20 leads, one process): **62–65 ms of server CPU a
cold view when the runs interleave, 36 ms when they take turns** — system time 24 → 7 ms
a view. Taking turns also serves people sooner: the first in line is done after one
view's work instead of everyone finishing together at the end.

So the entry script holds this process's slot for the whole run (:func:`hold`). A run
that cannot have it within :data:`MAX_WAIT` seconds goes ahead anyway, so a slow run (a
large chapter's report, an import) holds the others up by at most that long. Several
server processes behind nginx (``python -m allyship serve``) each have their own slot:
one run at a time per core.

``ALLYSHIP_PAGE_RUNS`` sets how many runs may go at once (default 1; 0 for no limit)
and ``ALLYSHIP_PAGE_RUN_WAIT`` the longest wait in seconds (default 1).
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Iterator


def _setting(name: str, default: float) -> float:
    """A number from the environment; ``default`` unless it is a finite number ≥ 0 (an
    infinite wait would make every run's wait fail with OverflowError)."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if math.isfinite(value) and value >= 0 else default


class Turns:
    """At most ``at_once`` holders at a time (``0``: no limit); a holder waits at most
    ``max_wait`` seconds for its turn, then goes ahead without one."""

    def __init__(self, at_once: int, max_wait: float) -> None:
        self.max_wait = max_wait
        self._slots = threading.BoundedSemaphore(at_once) if at_once > 0 else None

    @contextlib.contextmanager
    def hold(self) -> Iterator[bool]:
        """Hold a turn while the block runs (released however it ends: an error,
        ``st.stop()``, ``st.rerun()``); yields whether a turn was had."""
        got = self._slots is not None and self._slots.acquire(timeout=self.max_wait)
        try:
            yield got
        finally:
            if got:
                self._slots.release()


AT_ONCE = int(_setting("ALLYSHIP_PAGE_RUNS", 1))
MAX_WAIT = _setting("ALLYSHIP_PAGE_RUN_WAIT", 1.0)
_turns = Turns(AT_ONCE, MAX_WAIT)


def hold() -> contextlib.AbstractContextManager[bool]:
    """This process's page-run turn (see the module's docstring)."""
    return _turns.hold()
