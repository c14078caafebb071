"""Background loops that live exactly as long as the server: started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from allyship.db import store
from allyship.rights import retention

RETENTION_EVERY_SECONDS = 6 * 3600


@contextlib.asynccontextmanager
async def while_serving(work: Coroutine[Any, Any, None], name: str) -> AsyncIterator[None]:
    """Run ``work`` (a loop of a lifespan hook's) as a background task for the body's
    duration, then cancel it and wait until it has stopped."""
    task = asyncio.create_task(work, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def retention_scheduler(app: Any) -> AsyncIterator[None]:
    """Lifespan hook: run retention at start and every few hours while the server runs
    (a day's runs after the first delete nothing). Several processes may run it at once:
    each chapter's deletion is one ``BEGIN IMMEDIATE`` transaction, so they take turns
    and the second finds nothing left."""
    log = logging.getLogger(retention.__name__)

    async def loop() -> None:
        while True:
            try:
                await asyncio.to_thread(retention.run_at, store.server_db_path())
            except Exception:  # never take the server down; say so in the log
                log.exception("retention run failed")
            await asyncio.sleep(RETENTION_EVERY_SECONDS)

    async with while_serving(loop(), "allyship-retention"):
        yield
