"""Rate limits for the public form, per link and per client address, kept in memory by
each server process. Bounded in size: at most ``max_keys`` keys are remembered (the
oldest forgotten first), so a flood of new addresses or guessed links cannot grow it."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class RateLimit:
    """At most ``limit`` events per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count one event for ``key``; ``False`` when it is over the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = [t for t in self._hits.pop(key, []) if now - t < self.window]
            allowed = len(hits) < self.limit
            if allowed:
                hits.append(now)
            self._hits[key] = hits
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return allowed

    def exhausted(self, key: str, now: float | None = None) -> bool:
        """Has ``key`` used up its events for now? (Counts nothing.)"""
        now = time.monotonic() if now is None else now
        with self._lock:
            return sum(now - t < self.window for t in self._hits.get(key, ())) >= self.limit

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()

    def __len__(self) -> int:
        return len(self._hits)


# Generous for a person on a phone, tight for a script.
PER_LINK = RateLimit(limit=60, window=600)  # any request naming one link
PER_LINK_WRITES = RateLimit(limit=10, window=600)  # answers sent on one link
PER_ADDRESS = RateLimit(limit=120, window=600)  # any request from one address
PER_ADDRESS_MISSES = RateLimit(limit=20, window=600)  # links that are not valid, by address


def clear_all() -> None:
    for limit in (PER_LINK, PER_LINK_WRITES, PER_ADDRESS, PER_ADDRESS_MISSES):
        limit.clear()
