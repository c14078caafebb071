"""Give memory back to the machine after a busy spell.

After many views, CPython has freed their objects but the C library keeps the pages, so
the server's resident memory stays at its peak. :func:`trimmer` (a lifespan hook) runs
every :data:`DEFAULT_SECONDS`, in a worker thread: it drops sessions whose time to
reconnect is over (:func:`reap_expired_sessions`; Streamlit drops them only when a later
session arrives), closes the database connections no run is using
(:func:`close_idle_connections`), collects reference cycles and asks glibc
(``malloc_trim(0)``) to return free heap pages; without ``malloc_trim`` (macOS, musl) only
the collection runs. :func:`arrow_on_system_allocator` puts Arrow's buffers where the trim
reaches them.

What a connection keeps: SQLite's page cache and every statement it compiled, up to the
``sqlite3`` module's 128 per connection. A query asking for a list of ids has one text
per length of the list (``IN (?, ?, …)``), so each save that lengthens such a list (this
week's actions) compiles one more, and the cache fills with ever longer ones: with two
connections in the pool that was several MB outside Python's objects, where no
collection reaches. Closed, they are given back; the next run opens a fresh connection.

What a session keeps per save: Streamlit drops a widget's *value* once a run no longer
draws it, but keeps its *metadata* (with the closures that read its value: option lists,
format functions and what they hold) for the session's life. Forms whose key changes
after every save (a new form token) leave one such set per save.
:func:`let_go_of_stale_widgets` makes every run's end drop them too.

``ALLYSHIP_TRIM_SECONDS`` sets the interval; ``0`` switches it off.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

DEFAULT_SECONDS = 30.0
rounds = 0  # trims done by the hook since the process started (the tests read it)


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` where the C library has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def rss_bytes() -> int:
    """This process's resident memory now (Linux ``/proc``; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def trim_now() -> bool:
    """Collect reference cycles, then return free heap pages to the OS.

    Returns whether the allocator could be asked (``False`` without ``malloc_trim``)."""
    gc.collect()
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


def reap_expired_sessions() -> int:
    """Drop the disconnected sessions whose reconnect time is over, as Streamlit itself
    does on its next write to the session store; the number dropped (0 outside a
    server, or if this Streamlit keeps its sessions some other way).

    This reaches into Streamlit's session manager (``streamlit==1.67``, pinned in
    requirements.txt): there is no public call that expires stored sessions.
    ``tests/test_memory.py`` runs it against a real server, so an upgrade that moves
    these attributes fails a test instead of quietly keeping the sessions.
    """
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return 0
        manager = Runtime.instance()._session_mgr
        lock, cache = manager._storage_lock, manager._session_storage._cache
        expire = cache.expire
    except (ImportError, AttributeError):
        return 0
    with lock:  # the manager's own lock around its store
        return len(expire())


def close_idle_connections() -> int:
    """Close the database connections waiting in the page runs' pool (a run holding one
    keeps it; the next runs open new ones); how many were closed."""
    from allyship.ui import common  # the web layer may use the ui layer's pool

    return common.close_pooled_connections()


def let_go() -> None:
    """One round of the trimmer's work off the event loop: idle connections closed,
    then cycles collected and free heap pages returned."""
    close_idle_connections()
    trim_now()


def forget_stale_widget_metadata(state: Any) -> int:
    """Drop the metadata (and key mapping) of widgets whose value Streamlit has already
    dropped from session ``state`` (a ``SessionState``); the number dropped."""
    widgets = state._new_widget_state
    keys = state._key_id_mapper
    # A widget's value may be held under its own key (set through st.session_state).
    held = set(state._old_state) | set(state._new_session_state)
    live = set(widgets.states) | held | {wid for wid, key in keys.id_key_mapping.items()
                                          if key in held}
    gone = [wid for wid in widgets.widget_metadata if wid not in live]
    for wid in gone:
        del widgets.widget_metadata[wid]
        key = keys.id_key_mapping.pop(wid, None)
        if key is not None and keys.get_id_from_key(key) == wid:
            keys._key_id_mapping.pop(key, None)
    return len(gone)


def let_go_of_stale_widgets() -> bool:
    """From now on, at the end of every run, when Streamlit removes stale widgets' values
    it also drops their metadata (:func:`forget_stale_widget_metadata`). Whether it could.

    This wraps a method of Streamlit's ``SessionState`` (``streamlit==1.67``, pinned):
    there is no public hook at a run's end. ``tests/test_memory_per_save.py`` runs it
    against real pages, so an upgrade that moves these attributes fails a test."""
    try:
        from streamlit.runtime.state.session_state import SessionState

        original = SessionState._remove_stale_widgets
    except (ImportError, AttributeError):
        return False
    if getattr(original, "lets_go_of_metadata", False):
        return True

    def remove_stale_widgets(self: Any, active_widget_ids: frozenset[str]) -> None:
        original(self, active_widget_ids)
        try:
            forget_stale_widget_metadata(self)
        except AttributeError:  # a Streamlit that keeps widgets some other way
            pass

    remove_stale_widgets.lets_go_of_metadata = True  # type: ignore[attr-defined]
    SessionState._remove_stale_widgets = remove_stale_widgets
    return True


def arrow_on_system_allocator() -> bool:
    """Make the C library's allocator Arrow's default from now on; whether it could.

    ``streamlit_app.py`` already sets ``ARROW_DEFAULT_MEMORY_POOL=system`` before pyarrow
    loads, which also keeps pyarrow's mimalloc from reserving its arena at all; this
    covers a server whose pyarrow was imported first (AppTest, an embedding process)."""
    try:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
    except (ImportError, AttributeError, NotImplementedError):
        return False
    return True


def _log() -> Any:
    from streamlit.logger import get_logger  # the server's log, at its level

    return get_logger(__name__)


def interval() -> float:
    """Seconds between trims from ``ALLYSHIP_TRIM_SECONDS`` (0 = off); bad values fall
    back to the default rather than stop the server."""
    raw = os.environ.get("ALLYSHIP_TRIM_SECONDS", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_SECONDS
    except ValueError:
        return DEFAULT_SECONDS
    return max(value, 0.0) if value == value else DEFAULT_SECONDS  # NaN → default


@contextlib.asynccontextmanager
async def trimmer(app: Any) -> AsyncIterator[None]:
    """Lifespan hook: trim every :func:`interval` seconds while the server runs."""
    arrow_on_system_allocator()
    let_go_of_stale_widgets()
    every = interval()
    if not every:
        yield
        return

    async def loop() -> None:
        global rounds
        while True:
            await asyncio.sleep(every)
            dropped = reap_expired_sessions()  # on the event loop, where sessions live
            if dropped:
                _log().info("Let go of %d closed session%s whose time to reconnect was over.",
                            dropped, "" if dropped == 1 else "s")
            await asyncio.to_thread(let_go)
            rounds += 1

    from allyship.web import background

    async with background.while_serving(loop(), "allyship-memory-trim"):
        yield
