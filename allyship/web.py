"""The web process's own small HTTP routes, served beside the Streamlit app.

``streamlit_app.py`` defines ``app = st.App("streamlit_app.py", routes=web.routes(),
lifespan=web.lifespan)``; ``streamlit run streamlit_app.py`` discovers it and serves these
routes from the same server (Streamlit 1.67, ``st.App``). Routes are thin: they call the
same :mod:`allyship` functions, with an actor, as pages do.

Each feature contributes its routes through :data:`ROUTE_MODULES` (a module exposing
``ROUTES``, a list of Starlette routes), and background work started with the server
through :data:`LIFESPAN_HOOKS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

# Modules (under allyship.) whose ``ROUTES`` lists are served. Keep one per line.
ROUTE_MODULES: list[str] = [
    "session_routes",
    "routes_rhythm",
]

# Async context managers ``hook(app)`` entered for the server's lifetime. One per line.
LIFESPAN_HOOKS: list[str] = [
    "warmup.preload",
    "routes_rhythm.in_app_scheduler",
    "retention.scheduler",
    "memory.trimmer",
]


async def _alive(request: Request) -> PlainTextResponse:
    """Our own liveness check (Streamlit's is ``/_stcore/health``)."""
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})


def routes() -> list[BaseRoute]:
    """Every route this app serves beside Streamlit's own."""
    found: list[BaseRoute] = [Route("/app/alive", _alive)]
    for name in ROUTE_MODULES:
        found.extend(importlib.import_module(f"allyship.{name}").ROUTES)
    return found


def _hook(dotted: str) -> Any:
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(f"allyship.{module}"), attr)


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
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Start each feature's background work with the server and stop it after."""
    async with contextlib.AsyncExitStack() as stack:
        for dotted in LIFESPAN_HOOKS:
            await stack.enter_async_context(_hook(dotted)(app))
        yield
