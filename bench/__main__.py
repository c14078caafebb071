"""``python -m bench``: measure the app at 10k, 100k and 1M actions against a naive baseline.

Examples::

    python -m bench --quick                  # 10k actions only, under a minute
    python -m bench                          # 10k, 100k and 1M (generating 1M takes ~1 min once)
    python -m bench --scales 10k,100k --repeat 3 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bench import data
from bench.plans import plans_text, slowest
from bench.results import Figure, text_table, write

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results"

# (measure, unit, target, how to compare) — checked at the largest scale run.
TARGETS: list[tuple[str, str, float, str]] = [
    ("metric set, team: cold", "ms", 100, "≤"),
    ("Team progress page (AppTest), cache cleared", "ms", 1000, "≤"),
    ("log one action (journal.log_action)", "ms", 10, "≤"),
    ("chapter report (HTML with SVG charts)", "ms", 3000, "≤"),
    ("peak memory, our process", "MB", 500, "≤"),
    ("growth of metric set, team: cold (largest / smallest scale)", "x", 3, "≤"),
    ("naive / ours, metric set team (cold)", "x", 20, "≥"),
]


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    import pandas
    import streamlit

    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "nproc": os.cpu_count(), "cpu": cpu or platform.processor(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "pandas": pandas.__version__, "streamlit": streamlit.__version__,
            "platform": platform.platform(), "loadavg_start": os.getloadavg()}


def _worker(mode: str, db: Path, scale: str, today: date, repeat: int, out: Path,
            check: bool = False) -> dict[str, Any]:
    target = out / f"_{mode}-{scale}.json"
    cmd = [sys.executable, "-m", "bench.worker", mode, "--db", str(db), "--scale", scale,
           "--today", today.isoformat(), "--repeat", str(repeat), "--json", str(target)]
    if check:
        cmd.append("--check")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} at {scale} failed:\n{proc.stderr[-4000:]}")
    result = json.loads(target.read_text(encoding="utf-8"))
    target.unlink()
    result["figures"] = [Figure(**f) for f in result["figures"]]
    return result


def _find(figures: list[Figure], scale: str, measure: str) -> Figure | None:
    return next((f for f in figures if f.scale == scale and f.measure == measure), None)


def _ratio(scale: str, name: str, naive: Figure | None, ours: Figure | None) -> Figure | None:
    if naive is None or ours is None or not ours.median:
        return None
    return Figure(scale, f"naive / ours, metric set {name} (cold)", "x",
                  round(naive.median / ours.median, 1), None, 1,
                  "baseline median ÷ our cold median")


def check_targets(figures: list[Figure], scales: list[str]) -> list[dict[str, Any]]:
    big, small = scales[-1], scales[0]
    out = []
    for measure, unit, target, how in TARGETS:
        f = _find(figures, big, measure)
        value = f.median if f else None
        out.append({"scale": big, "measure": measure, "target": f"{how} {target:g} {unit}",
                    "median": value,
                    "met": None if value is None else
                    (value <= target if how == "≤" else value >= target)})
    if len(scales) == 1 or small == big:
        out[5]["note"] = "needs two scales"
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="10k actions only, fewer repeats (a smoke run, under a minute)")
    p.add_argument("--scales", default=None,
                   help=f"comma-separated, from {', '.join(data.SCALES)} (default: all)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="where results go; the data cache is OUT/cache (default bench/results)")
    p.add_argument("--repeat", type=int, default=None,
                   help="timed repeats per measure (default 10; 3 with --quick)")
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="the day the synthetic data ends (default: today); pins the data")
    p.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    args = p.parse_args(argv)

    try:
        scales = data.parse_scales(args.scales or ("10k" if args.quick else ",".join(data.SCALES)))
    except ValueError as exc:
        p.error(str(exc))
    repeat = args.repeat or (3 if args.quick else 10)
    if repeat < 1:
        p.error("--repeat must be at least 1")
    today = args.today or date.today()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    meta = {**machine(), "scales": [s.name for s in scales], "repeat": repeat,
            "data_today": today.isoformat(), "seed": data.SEED, "quick": args.quick}
    print(f"bench: {meta['date']} · {meta['nproc']} CPU ({meta['cpu']}) · Python "
          f"{meta['python']} · SQLite {meta['sqlite']} · load average "
          f"{' '.join(f'{x:.2f}' for x in meta['loadavg_start'])}", flush=True)

    figures: list[Figure] = []
    plans: dict[str, Any] = {}
    checks: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    for scale in scales:
        cached, gen_seconds = data.cached_db(scale, out / "cache", today)
        counts = data.row_counts(cached)
        sizes[scale.name] = {**counts, "file_mb": round(cached.stat().st_size / 2**20, 1),
                             "generated_seconds": gen_seconds}
        print(f"[{scale.name}] {counts['actions']:,} actions, {counts['members']:,} members, "
              f"{counts['chapters']:,} chapters; data "
              + (f"generated in {gen_seconds:.1f} s" if gen_seconds is not None
                 else f"from cache ({cached.name})"), flush=True)
        if gen_seconds is not None:
            figures.append(Figure(scale.name, "generate synthetic data (one-off, then cached)",
                                  "ms", round(gen_seconds * 1000, 1), None, 1,
                                  f"{counts['actions']:,} actions"))
        work = data.working_copy(cached, out / "work")
        try:
            started = time.perf_counter()
            if not args.no_baseline:
                # The baseline only reads, so it runs first on the same copy.
                naive = _worker("baseline", work, scale.name, today, min(repeat, 3), out,
                                check=True)
                figures += naive["figures"]
                if naive.get("cross_check"):
                    checks[scale.name] = naive["cross_check"]
            mine = _worker("ours", work, scale.name, today, repeat, out)
            figures += mine["figures"]
            plans[scale.name] = mine["plans"]
            for name in ("team", "chapter"):
                r = _ratio(scale.name, name,
                           _find(figures, scale.name, f"naive baseline metric set, {name}"),
                           _find(figures, scale.name, f"metric set, {name}: cold"))
                if r:
                    figures.append(r)
            print(f"[{scale.name}] measured in {time.perf_counter() - started:.0f} s", flush=True)
        finally:
            data.remove_db(work)

    names = [s.name for s in scales]
    if len(names) > 1:
        a = _find(figures, names[0], "metric set, team: cold")
        b = _find(figures, names[-1], "metric set, team: cold")
        if a and b and a.median:
            figures.append(Figure(names[-1], "growth of metric set, team: cold (largest / "
                                  "smallest scale)", "x", round(b.median / a.median, 2), None, 1,
                                  f"{names[-1]} ÷ {names[0]}"))
    meta["loadavg_end"] = os.getloadavg()

    print()
    print(text_table(figures))
    for scale, result in checks.items():
        for name, c in result.items():
            status = "OK" if c["ok"] else f"MISMATCH {c['mismatches'][:3]}"
            print(f"cross-check at {scale}, {name}: baseline and ours agree on "
                  f"{c['compared']} figures — {status}")
    plan_lines = []
    for scale, by_name in plans.items():
        for name, ps in by_name.items():
            plan_lines.append(f"[{scale}] " + plans_text(name, ps))
    full = {f"{s}: {n}": [p["sql"] for p in ps if p["full_scans"]]
            for s, by_name in plans.items() for n, ps in by_name.items()}
    scans = sum(len(v) for v in full.values())
    print(f"query plans: {sum(len(ps) for b in plans.values() for ps in b.values())} distinct "
          f"statements explained; {scans} read a large table whole"
          + ("" if not scans else ": " + "; ".join(f"{k} ×{len(v)}" for k, v in full.items() if v)))
    for scale, by_name in plans.items():
        for ms, where, sql in slowest(by_name):
            print(f"  slowest read at {scale}: {ms:.1f} ms in {where}: {sql[:110]}…")
    targets = check_targets(figures, names)
    print(f"\ntargets at {names[-1]}:")
    for t in targets:
        state = {True: "met", False: "NOT MET", None: "n/a"}[t["met"]]
        value = "–" if t["median"] is None else f"{t['median']:g}"
        print(f"  {t['measure']}: {value} (target {t['target']}) — {state}"
              + (f" ({t['note']})" if t.get("note") else ""))
    paths = write(out, figures, meta, {"sizes": sizes, "cross_check": checks, "plans": plans,
                                       "targets": targets})
    (out / "plans.txt").write_text("\n\n".join(plan_lines) + "\n", encoding="utf-8")
    print(f"\nwrote {paths['json']}, {paths['csv']}, {paths['md']} and {out / 'plans.txt'}")
    bad = [c for r in checks.values() for c in r.values() if not c["ok"]]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
