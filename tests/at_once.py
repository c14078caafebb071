"""Running the same call in many threads released together: how the tests check that
what counts holds when a request arrives 16 times at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from allyship.db import store


def at_once(n: int, db_path: Path, call: Callable[[Any, int], Any]) -> list[Any]:
    """Run ``call(db, i)`` in ``n`` threads released together by a barrier, each on its
    own connection (one per thread, as in the app); each thread's result or the exception
    it raised, in thread order."""
    start = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        db = store.connect(db_path)
        try:
            start.wait()
            results[i] = call(db, i)
        except BaseException as exc:  # noqa: BLE001 - the outcome under test
            results[i] = exc
        finally:
            db.conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def failures(results: list[Any]) -> list[BaseException]:
    """The exceptions among :func:`at_once`'s results."""
    return [r for r in results if isinstance(r, BaseException)]
