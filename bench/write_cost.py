"""Where a write's server CPU goes: one action logged, in the data layer and as a page.

``python -m bench.write_cost --scale 10k`` prints, on a copy of the bench data:

* ``journal.log_action`` alone (CPU per call), and the same with the roll-up triggers
  dropped (the difference is the triggers' share), with the audit entry left out, and
  with the data-version bump (the caches' invalidation) left out;
* the *Log actions* page submitting its form through AppTest (CPU per submit run, the
  page's own script included), beside a rerun of the same page with no submit: the
  difference is the write's own share of what a member's submit costs the server.

Nothing here changes the app: the variants run on throwaway copies.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import data

WRITES = 60


def _member(db: Any) -> Any:
    from allyship.people import roster

    row = db.execute("SELECT email FROM members WHERE role = 'member' AND active = 1"
                     " ORDER BY id LIMIT 1").fetchone()
    return roster.find_member_by_email(db, row[0])


def log_cpu(path: Path, today: date, variant: str) -> list[float]:
    """CPU ms per ``log_action`` on ``path``, for one variant (see the module doc)."""
    from allyship.core.models import ActionDraft
    from allyship.db import store
    from allyship.practice import journal

    db = store.connect(path)
    try:
        if variant == "no roll-up triggers":
            names = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rollup%'")]
            for name in names:
                db.execute(f"DROP TRIGGER {name}")
        me = _member(db)
        out = []
        with _without(store, variant):
            for i in range(WRITES):
                draft = ActionDraft(today - timedelta(days=i % 6), f"Bench write {i}",
                                    (1 + i % 8,))
                started = time.process_time()
                journal.log_action(db, me, draft, today=today)
                out.append((time.process_time() - started) * 1000)
        return out
    finally:
        db.conn.close()


@contextmanager
def _without(store: Any, variant: str):  # noqa: ANN202 — a context manager
    """Leave out the audit entry or the data-version bump for one variant."""
    name = {"no audit entry": "audit", "no data-version bump": "bump_data_version"}.get(variant)
    if name is None:
        yield
        return
    original = getattr(store, name)
    setattr(store, name, lambda *a, **k: None)
    try:
        yield
    finally:
        setattr(store, name, original)


def page_runs(path: Path, runs: int = 8) -> tuple[list[float], list[float]]:
    """CPU ms per *Log actions* submit through AppTest (the page's own script run
    included; process CPU, so AppTest's script thread counts), and per rerun of the same
    page without a submit (what drawing the page costs, the write aside)."""
    from streamlit.testing.v1 import AppTest

    from allyship.db import store

    os.environ["ALLYSHIP_DB"] = str(path)
    db = store.connect(path)
    me = _member(db)
    db.conn.close()
    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=120)
    at.session_state["member_id"] = me.id
    at.run()
    at.switch_page("pages/log_actions.py").run()
    submits, reruns = [], []
    for i in range(runs):
        started = time.process_time()
        at.run()
        reruns.append((time.process_time() - started) * 1000)
        form = at.tabs[0]
        next(t for t in form.text_area if t.label == "What I did").input(f"Bench page write {i}")
        next(c for c in form.checkbox if c.label.startswith("2.")).check()
        next(b for b in form.button if b.label == "Log action").click()
        started = time.process_time()
        at.run()
        submits.append((time.process_time() - started) * 1000)
        if at.exception or not any("Action logged." in s.value for s in at.success):
            raise RuntimeError(f"the submit did not log: {[e.value for e in at.exception]}")
    return submits, reruns


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.write_cost",
                                description=__doc__.splitlines()[0])
    p.add_argument("--scale", default="10k", choices=list(data.SCALES))
    p.add_argument("--today", type=date.fromisoformat, default=None)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = p.parse_args(argv)
    today = args.today or date.today()
    cached, _ = data.cached_db(data.SCALES[args.scale], args.out / "cache", today)
    print(f"write cost at {args.scale}; load average {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for variant in ("as shipped", "no roll-up triggers", "no audit entry",
                        "no data-version bump"):
            copy = Path(tmp) / "w.db"
            shutil.copyfile(cached, copy)
            ms = log_cpu(copy, today, variant)
            print(f"  log_action, {variant}: median {statistics.median(ms):.2f} ms CPU "
                  f"({WRITES} writes); load average {os.getloadavg()[0]:.2f}", flush=True)
            data.remove_db(copy)
        copy = Path(tmp) / "p.db"
        shutil.copyfile(cached, copy)
        submits, reruns = page_runs(copy)
        print(f"  Log actions page, one submit (AppTest, the page's run included): median "
              f"{statistics.median(submits):.1f} ms CPU over {len(submits)} submits; the same "
              f"page rerun without a submit {statistics.median(reruns):.1f} ms; load average "
              f"{os.getloadavg()[0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
