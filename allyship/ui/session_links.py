"""Where the browser goes to collect or drop its sign-in cookie: the paths of the session
routes (:mod:`allyship.web.session_routes`) and the links a page sends the browser to."""

from __future__ import annotations

import re

START_PATH = "/app/session/start"
END_PATH = "/app/session/end"

_NONCE_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def app_root() -> str:
    """The app's root path as this server serves it (``server.baseUrlPath`` included)."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def start_url(nonce: str) -> str:
    """Where the page sends the browser to collect its cookie (our own nonce only)."""
    if not _NONCE_SHAPE.fullmatch(nonce):
        raise ValueError("not a hand-over nonce")
    return f"{app_root()}{START_PATH.lstrip('/')}?t={nonce}"


def end_url() -> str:
    """Where the page sends the browser to remove its cookie at sign-out."""
    return f"{app_root()}{END_PATH.lstrip('/')}"
