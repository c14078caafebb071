"""Optional filters of a query: each condition added only when its value is given."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def and_where(sql: str, params: list[Any], conditions: Iterable[tuple[str, Any]]) -> str:
    """``sql`` with `` AND <condition>`` for each ``(condition, value)`` whose value is not
    ``None``; each value is appended to ``params`` for the condition's one ``?``."""
    for condition, value in conditions:
        if value is not None:
            sql += f" AND {condition}"
            params.append(value)
    return sql
