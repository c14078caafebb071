"""Where one cold *Team progress* view spends its time: ``python -m bench.profile_view``.

Runs the page once through AppTest (lead persona of the demo's first chapter, cache
cleared) under cProfile and prints the cost centres: the domain functions, SQL
statements executed, pandas, Altair spec building and schema validation.

    python -m bench.profile_view --db bench/results/cache/10k-….db [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile_view")
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("--page", default="pages/team_progress.py")
    p.add_argument("--persona", default="lead")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--filter", default=r"allyship|altair/utils|vega_charts",
                   help="regex of the functions listed (empty: all)")
    args = p.parse_args(argv)
    os.environ["ALLYSHIP_DB"] = str(args.db)

    from streamlit.testing.v1 import AppTest

    from allyship.ui import common
    from bench import plans as qplans

    def open_page() -> AppTest:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
        at.session_state["demo_persona"] = args.persona
        at.run()
        return at

    warm = open_page()  # imports and first-use set-up, untimed
    warm.switch_page(args.page).run()
    at = open_page()
    common.clear_cached_views()
    qplans.install()
    prof = cProfile.Profile()
    import sys
    import threading

    def start_in_thread(*_a) -> None:  # noqa: ANN002
        # AppTest runs the page in a thread of its own: profile that thread.
        sys.setprofile(None)
        prof.enable()

    with qplans.capture() as sql:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        threading.setprofile(start_in_thread)
        try:
            at.switch_page(args.page).run()
        finally:
            threading.setprofile(None)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    if at.exception:
        raise SystemExit(f"the page raised: {[e.value for e in at.exception]}")
    print(f"{args.page} as {args.persona}, cold: {wall * 1000:.0f} ms wall, "
          f"{cpu * 1000:.0f} ms CPU, {len(sql)} SQL statements, load average "
          f"{os.getloadavg()[0]:.2f}")
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]

    def cum(pattern: str) -> float:
        """Cumulative seconds of the outermost functions whose location matches."""
        best = 0.0
        for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            if pattern in f"{file}:{name}":
                best = max(best, ct)
        return best

    centres = {
        "metrics.team_progress": "allyship/metrics/overview.py:team_progress",
        "sqlite3 execute (all)": "execute' of 'sqlite3",
        "Altair to_dict (incl. validation)": "altair/utils/schemapi.py:to_dict",
        "jsonschema validate": "altair/utils/schemapi.py:validate",
        "st.vega_lite_chart / altair_chart": "streamlit/elements/vega_charts.py:altair_chart",
        "pandas merge": "pandas/core/reshape/merge.py:merge",
        "pandas groupby": "pandas/core/groupby/groupby.py:_agg_general",
    }
    print(f"\ncost centres (cumulative, of {total * 1000:.0f} ms profiled):")
    for label, pattern in centres.items():
        print(f"  {label:<40} {cum(pattern) * 1000:8.1f} ms")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(
        *( [args.filter] if args.filter else []), args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
