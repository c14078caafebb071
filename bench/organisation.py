"""Benchmark of the organisation view (issue 16): ``python -m bench.organisation``.

On the benchmark's own synthetic data (``bench.data``: 1M actions = 470 chapters of 40
members, 53 weeks), grouped into 4 regions with an organisation admin, it measures

* the **organisation metric set** (:func:`allyship.metrics.org_figures.org_progress`, every
  chapter, region and total for 12 complete weeks and the previous 12 for the
  comparison) — cold (a fresh connection each time) and its CPU time;
* the **organisation page** through ``AppTest`` (server time to render it, cache cleared);
* the **organisation report** as HTML with its chart (assemble + render);

and prints each beside its target with the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from allyship.core.models import Member
from allyship.db import rollup, store
from allyship.metrics import org_figures
from allyship.metrics.periods import Period
from allyship.reports import org_report
from allyship.ui import common
from bench.data import SCALES, cached_db

TARGETS_MS = {"metric set": 200, "page": 1000, "report": 3000}
CACHE = Path(__file__).resolve().parent / "results" / "cache"


def prepare_organisation(path: Path) -> Member:
    """Regions and an organisation admin on a copy of the benchmark database."""
    db = store.connect(path)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'chapter_weeks'").fetchone():
            with store.transaction(db):  # a cache built before the roll-ups existed
                rollup.create(db)
        with store.transaction(db):
            for i in range(1, 5):
                db.execute("INSERT OR IGNORE INTO regions (name, created_at) VALUES (?, 'bench')",
                           [f"Region {i}"])
            db.execute("UPDATE chapters SET region_id = (SELECT id FROM regions"
                       " WHERE name = 'Region ' || (1 + chapters.id % 4))")
            member_id = db.execute("SELECT min(id) FROM members").fetchone()[0]
            db.execute("INSERT OR REPLACE INTO org_roles (member_id, role, region_id, granted_at)"
                       " VALUES (?, 'org_admin', NULL, 'bench')", [member_id])
        from allyship.people import roster

        return roster.get_member(db, member_id)
    finally:
        db.conn.close()


def _stats(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values):,.0f} ms (p95 {p95:,.0f} ms)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1M", choices=list(SCALES))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--today", default=None, help="YYYY-MM-DD (default: today)")
    args = parser.parse_args()
    today = date.fromisoformat(args.today) if args.today else date.today()
    cached, built = cached_db(SCALES[args.scale], CACHE, today)
    work = Path(tempfile.mkdtemp(prefix="bench-org-"))
    try:
        path = work / "org.db"
        shutil.copyfile(cached, path)
        admin = prepare_organisation(path)
        period = Period.last_weeks(12, today)
        print(f"organisation view, {args.scale} ({'built in %.0f s' % built if built else 'cached'}),"
              f" load average {os.getloadavg()[0]:.1f} at start")
        wall, cpu = [], []
        for _ in range(args.repeat):
            db = store.connect(path)
            t, c = time.perf_counter(), time.process_time()
            progress = org_figures.org_progress(db, admin, period, today=today)
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            db.conn.close()
        print(f"  metric set, cold: {_stats(wall)}; CPU {_stats(cpu)}"
              f" — target ≤ {TARGETS_MS['metric set']} ms"
              f" ({len(progress.lines)} lines, {progress.chapters} chapters)")

        from streamlit.testing.v1 import AppTest

        os.environ["ALLYSHIP_DB"] = str(path)
        page = []
        for _ in range(max(3, args.repeat // 3)):
            common.clear_cached_views()
            at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages"
                                       / "organisation.py"), default_timeout=120)
            at.session_state["member_id"] = admin.id
            t = time.perf_counter()
            at.run()
            page.append((time.perf_counter() - t) * 1000)
            assert not at.exception, at.exception
        print(f"  organisation page (AppTest, cache cleared): {_stats(page)}"
              f" — target ≤ {TARGETS_MS['page']} ms")

        rep = []
        for _ in range(max(3, args.repeat // 3)):
            db = store.connect(path)
            t = time.perf_counter()
            r = org_report.assemble(db, admin, start=period.start, end=period.end, today=today)
            org_report.render(r, "html")
            rep.append((time.perf_counter() - t) * 1000)
            db.conn.close()
        print(f"  organisation report (HTML with chart): {_stats(rep)}"
              f" — target ≤ {TARGETS_MS['report']} ms")
        print(f"  load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
