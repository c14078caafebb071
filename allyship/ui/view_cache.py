"""Views shared by every session of a server process, kept only while their data is current.

A view is computed once per (scope, data version, arguments) and shared by every session
that asks for it. When a scope's data version changes (someone saved), its views of the
older version can never be asked for again: they are dropped at once rather than left
to age out of a fixed number of entries — with a view per save, that fixed number was
memory that grew with every save until it was full. A view computed for a version that
is no longer the newest is returned but not kept.

No Streamlit import: :mod:`allyship.ui.common` puts it behind ``common.cached``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MAX_ENTRIES = 512  # across scopes, least recently used first out


class ViewCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[Hashable, Hashable, Hashable], Any] = OrderedDict()
        self._current: dict[Hashable, Hashable] = {}  # scope → its newest version seen
        self._computing: dict[tuple[Hashable, Hashable, Hashable], threading.Lock] = {}

    def get(self, scope: Hashable, version: Hashable, key: Hashable,
            compute: Callable[[], Any]) -> Any:
        """The view ``key`` of ``scope`` at ``version``, computed once (concurrent askers
        wait for the first) and shared."""
        full = (scope, version, key)
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
            if self._current.get(scope, version) != version:
                self._forget_scope(scope)
            self._current[scope] = version
            computing = self._computing.setdefault(full, threading.Lock())
        with computing:
            with self._lock:
                if full in self._entries:
                    return self._entries[full]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(full, None)
            with self._lock:
                if self._current.get(scope) == version:
                    self._entries[full] = value
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            return value

    def _forget_scope(self, scope: Hashable) -> None:
        for full in [k for k in self._entries if k[0] == scope]:
            del self._entries[full]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._current.clear()

    def __len__(self) -> int:
        return len(self._entries)


VIEWS = ViewCache()
