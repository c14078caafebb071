"""One page run at a time in a server process, with a bounded wait.

Streamlit runs each session's page script in a thread of its own; interleaved runs hand
the GIL back and forth at every SQLite step and message, costing markedly more CPU a view
than runs that take turns, and serving everyone later. So the entry script holds this
process's slot for the whole run (:func:`hold`); a run that cannot have it within
:data:`MAX_WAIT` seconds goes ahead anyway. Several processes behind nginx
(``python -m allyship serve``) each have their own slot: one run at a time per core.

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
