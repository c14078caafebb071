"""Which statements the pages run, and how SQLite plans them.

:func:`capture` records every statement run on connections opened through
``store.connect`` while it is active (the sqlite3 trace callback gives the SQL with
its parameters filled in). :func:`explain` asks ``EXPLAIN QUERY PLAN`` for each
distinct statement and flags full reads of the large tables: a ``SCAN`` of
``actions`` (or of its responsibilities, members, plans …) means the cost of a
page grows with the whole organisation's data, not with the chapter's.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import sys
import time
from collections.abc import Iterator
from typing import Any

from allyship.db import store

BIG_TABLES = ("actions", "action_responsibilities", "members", "plans", "plan_items",
              "plan_revisions", "reflections", "away_weeks", "audit_log", "teams")

_captured: list[str] | None = None
_original_connect = store.connect


def _traced_connect(*args: Any, **kwargs: Any):
    db = _original_connect(*args, **kwargs)

    def trace(sql: str) -> None:
        if _captured is not None:
            _captured.append(sql)

    db.conn.set_trace_callback(trace)
    return db


def install() -> None:
    """Route ``store.connect`` through the tracer (a no-op until :func:`capture`)."""
    store.connect = _traced_connect  # type: ignore[assignment]


@contextlib.contextmanager
def capture() -> Iterator[list[str]]:
    """Collect the statements run inside the block."""
    global _captured
    _captured = []
    ui = sys.modules.get("allyship.ui.common")
    if ui is not None:  # the app hands connections on between runs: start from new ones
        ui.close_pooled_connections()
    try:
        yield _captured
    finally:
        _captured = None


_NUMBERS = re.compile(r"\b\d+(\.\d+)?\b")
_STRINGS = re.compile(r"'(?:[^']|'')*'")


def shape(sql: str) -> str:
    """A statement with its literal values replaced by ``?`` (to group repeats)."""
    return " ".join(_NUMBERS.sub("?", _STRINGS.sub("?", sql)).split())


def _aliases(sql: str) -> dict[str, str]:
    """alias → table for the large tables named in ``sql``."""
    out = {t: t for t in BIG_TABLES}
    for table in BIG_TABLES:
        for m in re.finditer(rf"\b(?:FROM|JOIN)\s+{table}\s+(?:AS\s+)?(\w+)", sql, re.I):
            alias = m.group(1)
            if alias.upper() not in ("WHERE", "ON", "JOIN", "LEFT", "INNER", "GROUP", "ORDER",
                                     "USING", "LIMIT", "SET", "VALUES"):
                out[alias] = table
    return out


def explain(conn: sqlite3.Connection, statements: list[str]) -> list[dict[str, Any]]:
    """``EXPLAIN QUERY PLAN`` for each distinct read, with ``full_scans`` listing the large
    tables read whole (empty is the goal)."""
    seen: dict[str, dict[str, Any]] = {}
    for sql in statements:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head not in ("SELECT", "WITH", "UPDATE", "DELETE", "INSERT"):
            continue
        key = shape(sql)
        if key in seen:
            seen[key]["count"] += 1
            continue
        try:
            plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        except sqlite3.Error as exc:  # e.g. a temp table that no longer exists
            plan = [f"(could not explain: {exc})"]
        ms = None
        if head in ("SELECT", "WITH"):
            # How long the statement itself takes here: a search on a barely selective
            # index prefix reads as "SEARCH" in the plan but still grows with the data.
            started = time.perf_counter()
            try:
                conn.execute(sql).fetchall()
                ms = round((time.perf_counter() - started) * 1000, 3)
            except sqlite3.Error:
                pass
        aliases = _aliases(sql)
        scans = sorted({aliases[m.group(1)] for line in plan
                        for m in [re.match(r"SCAN (\w+)", line)] if m and m.group(1) in aliases})
        seen[key] = {"sql": key, "plan": plan, "full_scans": scans, "count": 1, "ms": ms}
    return list(seen.values())


def plans_text(title: str, plans: list[dict[str, Any]]) -> str:
    lines = [f"== {title}: {len(plans)} distinct statements, "
             f"{sum(1 for p in plans if p['full_scans'])} with a full read of a large table"]
    for p in plans:
        flag = f"  !! FULL READ: {', '.join(p['full_scans'])}" if p["full_scans"] else ""
        took = "" if p.get("ms") is None else f" {p['ms']:.2f} ms"
        lines.append(f"-- ×{p['count']}{took}{flag}\n{p['sql']}")
        lines += [f"     {line}" for line in p["plan"]]
    return "\n".join(lines)


def slowest(plans: dict[str, list[dict[str, Any]]], n: int = 3) -> list[tuple[float, str, str]]:
    """The ``n`` slowest distinct reads over every page and measure: (ms, where, sql)."""
    rows = [(p["ms"], where, p["sql"]) for where, ps in plans.items() for p in ps
            if p.get("ms") is not None]
    return sorted(rows, reverse=True)[:n]
