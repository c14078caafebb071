"""What the web server serves beside the Streamlit app: routes and background work.

``streamlit_app.py`` defines ``app = st.App("streamlit_app.py", routes=registry.routes(),
middleware=registry.middleware(), lifespan=registry.lifespan)``; ``streamlit run streamlit_app.py`` discovers it and serves
these routes from the same server. Routes are thin: they call the same feature functions,
with an actor, as pages do. Both lists are plain imports, so the import graph (and the
layer contract in the tests) sees every one of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

from allyship.web import (background, memory, origin_check, routes_rhythm, routes_voice,
                          session_routes, warmup)

LifespanHook = Callable[[Any], AbstractAsyncContextManager[None]]


async def _alive(request: Request) -> PlainTextResponse:
    """Our own liveness check (Streamlit's is ``/_stcore/health``)."""
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})


ROUTES: tuple[BaseRoute, ...] = (
    Route("/app/alive", _alive),
    *session_routes.ROUTES,
    *routes_rhythm.ROUTES,
    *routes_voice.ROUTES,
)

# Outermost first: a foreign websocket is refused before anything else sees it.
MIDDLEWARE: tuple[Middleware, ...] = (
    Middleware(origin_check.SameOriginWebsocket),
    Middleware(session_routes.BrowserCookie),
)

# Entered in this order for the server's lifetime, left in reverse.
LIFESPAN_HOOKS: tuple[LifespanHook, ...] = (
    warmup.preload,
    routes_rhythm.in_app_scheduler,
    background.retention_scheduler,
    memory.trimmer,
)


def routes() -> list[BaseRoute]:
    """Every route this app serves beside Streamlit's own."""
    return list(ROUTES)


def middleware() -> list[Middleware]:
    """What wraps every request and websocket, Streamlit's own included."""
    return list(MIDDLEWARE)


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Start each feature's background work with the server and stop it after."""
    async with contextlib.AsyncExitStack() as stack:
        for hook in LIFESPAN_HOOKS:
            await stack.enter_async_context(hook(app))
        yield
