"""``python -m bench``: measure the app at 10k, 100k and 1M actions and in one chapter of
16,000 members, against naive baselines, and what N leads feel against a real server.

Examples::

    python -m bench --quick                  # 10k only + a 2-client websocket smoke, < 1 min
    python -m bench                          # every scale + the concurrency run (~15 min)
    python -m bench --scales 10k,100k --repeat 3 --out /tmp/bench
    python -m bench --scales 10k --concurrency 1,5 --processes 1,2
    python -m bench --scales 10k --concurrency-only --clients browser   # real Chromium pages

The concurrency run's clients are websocket clients speaking Streamlit's protocol by
default (what the server makes users wait for); ``--clients browser`` uses headless
Chromium pages on the same machine, whose rendering competes with the server's cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bench import browser_floor, browser_views, bytecode, concurrency, data, floor
from bench.plans import plans_text, slowest
from bench.results import Figure, text_table, write

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results"

# The server-side targets, as set when the bench was first written (the report CLI's is the
# browser round's 0.8 s): (which scale, measure, unit, target, how to compare, in words).
# Scales: "small" = the smallest chapter-of-40 scale run, "largest" = the largest such,
# "chapter" = the one-chapter scale, "concurrency" = the concurrency run. In a measure,
# {config} is the configuration with the most processes ("2 processes behind nginx") and
# {clients} the kind of client (websocket clients where measured, else Chromium pages).
# A line that repeats another (a run of one process only) is shown once.
TARGETS: list[tuple[str, str, str, float, str, str]] = [
    ("concurrency", concurrency.CPU_MEASURE, "ms", 30, "≤",
     "server CPU per cold Team progress view, 40-member chapter (real server, /proc CPU "
     "time ÷ views)"),
    ("small", "Team progress page (AppTest), cache cleared, CPU time", "ms", 30, "≤",
     "server CPU per cold Team progress view, 40-member chapter (AppTest: includes "
     "AppTest's own work)"),
    ("largest", "metric set, team: cold", "ms", 20, "≤", "team metric set, cold"),
    ("concurrency", "Team progress to last chart, cold: {config}, "
     "20 leads at once ({clients})", "ms p95", 1500, "≤",
     "20 leads of different chapters at once, p95 to last chart ({clients})"),
    ("concurrency", "log an action while leads read: {config}, "
     "10 leads at once ({clients})", "ms", 500, "≤", "a write while 10 leads read ({clients})"),
    ("small", "naive / ours, metric set chapter (cold)", "x", 3, "≥",
     "fair naive baseline ÷ ours, 40-member chapter"),
    ("chapter", "naive / ours, metric set chapter (cold)", "x", 3, "≥",
     "fair naive baseline ÷ ours, 16,000-member chapter"),
    ("small", "analyst / ours, metric set chapter (cold)", "x", 3, "≥",
     "analyst's SQL-filtered pandas ÷ ours, 40-member chapter"),
    ("chapter", "analyst / ours, metric set team (cold)", "x", 3, "≥",
     "analyst's SQL-filtered pandas ÷ ours, 400-member team"),
    ("chapter", "Team progress page (AppTest), cache cleared", "ms", 1000, "≤",
     "large chapter: Team progress"),
    ("chapter", "chapter report (HTML with SVG charts)", "ms", 2000, "≤",
     "large chapter: report"),
    ("chapter", "Import & export page open (AppTest)", "ms", 1000, "≤",
     "large chapter: Import & export open"),
    ("concurrency", "server RSS per process, peak during: 1 process, 20 leads at once "
     "({clients})", "MB", 300, "≤", "server RSS per process, 20 sessions in 1 process"),
    ("concurrency", "server RSS per process after the clients closed: 1 process, 20 leads at "
     "once ({clients})", "MB", 300, "≤", "server RSS per process after the 20 close, 1 process"),
    ("concurrency", "server RSS per process after close ÷ idle: 1 process, 20 leads at once "
     "({clients})", "x", 1.1, "≤",
     "server RSS per process once the 20 closed sessions expired ÷ idle at server start "
     "(back near idle), 1 process"),
    ("concurrency", "server RSS per process, peak during: {config}, "
     "20 leads at once ({clients})", "MB", 300, "≤",
     "server RSS per process, 20 sessions over {config}"),
    ("concurrency", "server RSS per process after close ÷ idle: {config}, 20 leads at once "
     "({clients})", "x", 1.1, "≤",
     "server RSS per process once the 20 closed sessions expired ÷ idle at server start, "
     "{config}"),
    ("small", "report CLI, whole process (HTML)", "ms", 800, "≤",
     "report CLI, whole process, 40-member chapter"),
    ("largest", "log one action (journal.log_action)", "ms", 10, "≤", "log one action"),
    ("largest", "peak memory, our process", "MB", 500, "≤", "peak memory, bench process"),
    ("largest", "growth of metric set, team: cold (largest / smallest scale)", "x", 3, "≤",
     "a team's figures cost the same at every scale"),
]


def speed_probe(loops: int = 5_000_000, tries: int = 3) -> float:
    """CPU seconds for a fixed pure-Python loop (the fastest of ``tries``): how fast this
    machine runs Python right now. A shared host's speed drifts (the same loop took
    0.41–0.65 s within a minute), so compare figures from runs with similar probes."""
    best = math.inf
    for _ in range(tries):
        start, total = time.process_time(), 0
        for i in range(loops):
            total += i
        best = min(best, time.process_time() - start)
    return round(best, 3)


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
            "platform": platform.platform(), "loadavg_start": os.getloadavg(),
            "speed_probe_s": speed_probe()}


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


def _ratio(scale: str, name: str, naive: Figure | None, ours: Figure | None,
           label: str = "naive") -> Figure | None:
    if naive is None or ours is None or not ours.median:
        return None
    what = {"naive": "fair baseline (chapter's own rows)",
            "analyst": "analyst's baseline (scope and weeks in SQL)"}.get(
        label, "strawman baseline (every chapter loaded)")
    return Figure(scale, f"{label} / ours, metric set {name} (cold)", "x",
                  round(naive.median / ours.median, 1), None, 1,
                  f"{what} median ÷ our cold median")


def check_targets(figures: list[Figure], scales: list[data.Scale],
                  processes: int) -> list[dict[str, Any]]:
    """Each target beside its measure (``met`` is None when the measure was not taken)."""
    multi = [s.name for s in scales if not s.one_chapter]
    where = {"small": multi[0] if multi else None, "largest": multi[-1] if multi else None,
             "chapter": next((s.name for s in scales if s.one_chapter), None),
             "concurrency": multi[-1] if multi else None}
    config = "1 process" if processes == 1 else f"{processes} processes behind nginx"
    out, seen = [], set()
    for which, measure, unit, target, how, words in TARGETS:
        scale = where[which]
        f, clients = None, concurrency.CLIENTS["ws"]
        for clients in concurrency.CLIENTS.values():  # websocket clients first
            name = measure.format(config=config, clients=clients)
            f = _find(figures, scale, name) if scale else None
            if f is not None:
                break
        if f is None:
            clients = concurrency.CLIENTS["ws"]
            name = measure.format(config=config, clients=clients)
        if name in seen:
            continue
        seen.add(name)
        value = None if f is None else (f.p95 if unit.endswith("p95") else f.median)
        words = words.format(config=config, clients=clients)
        spread = re.search(r"leads of \d+ chapter\(s\)", f.note) if f else None
        if spread:  # the data may have fewer chapters than leads (10k: 5)
            words += f" [{spread.group(0)}]"
        out.append({"scale": scale or "–", "measure": name, "words": words,
                    "target": f"{how} {target:g} {unit}", "value": value,
                    "load": None if f is None else f.load,
                    "met": None if value is None else
                    (value <= target if how == "≤" else value >= target)})
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="10k actions only, fewer repeats, and a smoke of the concurrency run "
                        "(2 websocket clients, 1 process); no browsers; under a minute")
    p.add_argument("--scales", default=None,
                   help=f"comma-separated, from {', '.join(data.SCALES)} (default: all)")
    p.add_argument("--concurrency", default=None, metavar="N,N,…",
                   help="leads at once in the concurrency run (default 1,5,10,20; with "
                        "--quick a smoke of 2 websocket clients on 1 process); 0 skips it")
    p.add_argument("--clients", choices=sorted(concurrency.CLIENTS), default="ws",
                   help="concurrency run: websocket clients speaking Streamlit's protocol "
                        "(ws, default: what the server makes users wait for) or headless "
                        "Chromium pages on this machine (browser: their rendering shares "
                        "the server's cores)")
    p.add_argument("--processes", default=None, metavar="P,P,…",
                   help="server processes per concurrency configuration (default: 1 and one "
                        "per core behind nginx)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="where results go; the data cache is OUT/cache (default bench/results)")
    p.add_argument("--repeat", type=int, default=None,
                   help="timed repeats per measure (default 10; 3 with --quick)")
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="the day the synthetic data ends (default: today); pins the data")
    p.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    p.add_argument("--browser", default=None, metavar="SCENARIO,…",
                   help="what people wait for in headless Chromium (bench.browser_views): "
                        f"from {', '.join(browser_views.SCENARIOS)}; default all of them "
                        "(admin and report at the one-chapter scale, organisation at the "
                        "largest), none with --quick; 'none' skips them; followed by "
                        "Streamlit's own floor in the browser (bench.browser_floor)")
    p.add_argument("--concurrency-only", action="store_true",
                   help="only the concurrency run (on the largest multi-chapter scale given)")
    args = p.parse_args(argv)

    try:
        scales = data.parse_scales(args.scales or ("10k" if args.quick else data.DEFAULT_SCALES))
        ns = [int(x) for x in (args.concurrency or ("2" if args.quick else "1,5,10,20"))
              .split(",") if int(x) > 0]
        procs = [int(x) for x in (args.processes or ("1" if args.quick else
                                                     f"1,{max(2, os.cpu_count() or 2)}"))
                 .split(",") if int(x) > 0]
    except ValueError as exc:
        p.error(str(exc))
    repeat = args.repeat or (3 if args.quick else 10)
    if repeat < 1:
        p.error("--repeat must be at least 1")
    today = args.today or date.today()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not bytecode.compile_app():
        print("bench: some of the app's modules did not compile to bytecode; their imports "
              "are timed with compiling", flush=True)
    meta = {**machine(), "scales": [s.name for s in scales], "repeat": repeat,
            "data_today": today.isoformat(), "seed": data.SEED, "quick": args.quick,
            "clients": args.clients}
    print(f"bench: {meta['date']} · {meta['nproc']} CPU ({meta['cpu']}) · Python "
          f"{meta['python']} · SQLite {meta['sqlite']} · load average "
          f"{' '.join(f'{x:.2f}' for x in meta['loadavg_start'])} · speed probe "
          f"{meta['speed_probe_s']:.3f} s (CPU for a 5M-step Python loop; lower is faster)",
          flush=True)

    figures: list[Figure] = []
    plans: dict[str, Any] = {}
    checks: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    for scale in ([] if args.concurrency_only else scales):
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
                for label, measure in (("naive", "naive baseline metric set"),
                                       ("analyst", "analyst baseline metric set"),
                                       ("strawman", "strawman baseline metric set")):
                    r = _ratio(scale.name, name,
                               _find(figures, scale.name, f"{measure}, {name}"),
                               _find(figures, scale.name, f"metric set, {name}: cold"), label)
                    if r:
                        figures.append(r)
            print(f"[{scale.name}] measured in {time.perf_counter() - started:.0f} s", flush=True)
        finally:
            data.remove_db(work)

    multi = [s.name for s in scales if not s.one_chapter]
    if len(multi) > 1:
        a = _find(figures, multi[0], "metric set, team: cold")
        b = _find(figures, multi[-1], "metric set, team: cold")
        if a and b and a.median:
            figures.append(Figure(multi[-1], "growth of metric set, team: cold (largest / "
                                  "smallest scale)", "x", round(b.median / a.median, 2), None, 1,
                                  f"{multi[-1]} ÷ {multi[0]}"))
    if ns and multi:
        # N leads of different chapters against a real server: the largest multi-chapter
        # scale, from its cached file (a copy is made real, with passwords).
        conc_scale = next(s for s in scales if s.name == multi[-1])
        cached, _ = data.cached_db(conc_scale, out / "cache", today)
        configs = [concurrency.Config("1 process" if p == 1 else
                                      f"{p} processes behind nginx", p) for p in procs]
        smoke = args.quick and args.concurrency is None
        print(f"[concurrency] {conc_scale.name}: {', '.join(map(str, ns))} leads at once; "
              f"{'; '.join(c.label for c in configs)}; {concurrency.CLIENTS[args.clients]}"
              + (" (quick smoke; the full run: python -m bench)" if smoke else "")
              + ("; the browsers share this machine's cores with the server"
                 if args.clients == "browser" else ""), flush=True)
        figures += concurrency.run(cached, conc_scale.name, out / "work", ns, configs,
                                   write_at=None if smoke else (10 if 10 in ns else max(ns)),
                                   clients=args.clients, close_wait=2 if smoke else None,
                                   expire=not smoke,
                                   say=lambda line: print(line, flush=True))
    elif not ns:
        print("[concurrency] skipped (--concurrency 0); `python -m bench` runs it", flush=True)
    wanted = [x for x in (args.browser or ("none" if args.quick else
                                           ",".join(browser_views.SCENARIOS))).split(",")
              if x.strip() and x.strip() != "none"]
    if wanted:
        # The headline lines: click → every chart drawn, in Chromium, at each kind of scale.
        one = next((s for s in scales if s.one_chapter), None)
        places = [(next(s for s in scales if s.name == multi[-1]) if multi else None,
                   [w for w in wanted if w not in ("admin", "report", "organisation")]),
                  (next(s for s in scales if s.name == multi[-1]) if multi else None,
                   [w for w in wanted if w == "organisation"]),
                  (one, [w for w in wanted if w in ("admin", "report")])]
        for scale, which in places:
            if scale is None or not which:
                continue
            cached, _ = data.cached_db(scale, out / "cache", today)
            print(f"[browser] {scale.name}: {', '.join(which)} (headless Chromium on this "
                  "machine's cores, beside the server)", flush=True)
            figures += browser_views.run(cached, scale.name, out / "work", which,
                                         say=lambda line: print(line, flush=True))
        # Beside them, the same measures of a Streamlit page doing almost nothing: what no
        # page can go below on this machine.
        print("[browser] Streamlit's own floor: a page of text, a page of one chart and its "
              "tabs (headless Chromium, fresh servers)", flush=True)
        figures += browser_floor.run("floor", say=lambda line: print(line, flush=True))
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
    targets = check_targets(figures, scales, max(procs))
    load_now = os.getloadavg()
    print(f"\nissue 13 targets (load average now {' '.join(f'{x:.2f}' for x in load_now)}; "
          f"at start {' '.join(f'{x:.2f}' for x in meta['loadavg_start'])}; speed probe "
          f"{meta['speed_probe_s']:.3f} s at start, {speed_probe():.3f} s now):")
    for t in targets:
        state = {True: "met", False: "NOT MET", None: "not measured in this run"}[t["met"]]
        value = "–" if t["value"] is None else f"{t['value']:g}"
        load = "" if t["load"] is None else f"; load average {t['load']:.2f} when measured"
        print(f"  {t['words']} [{t['scale']}]: {value} (target {t['target']}) — {state}{load}")
        if t["measure"] == concurrency.CPU_MEASURE and (
                low := _find(figures, t["scale"], floor.MEASURE)) is not None:
            # The fair baseline for this target: Streamlit's own cost of a page this size.
            print(f"    beside it, Streamlit's floor on this machine: {low.median:g} ms a view "
                  f"for a page of as many messages doing no work ({low.note.split(';')[0]})")
    paths = write(out, figures, meta, {"sizes": sizes, "cross_check": checks, "plans": plans,
                                       "targets": targets})
    (out / "plans.txt").write_text("\n\n".join(plan_lines) + "\n", encoding="utf-8")
    print(f"\nwrote {paths['json']}, {paths['csv']}, {paths['md']} and {out / 'plans.txt'}")
    bad = [c for r in checks.values() for c in r.values() if not c["ok"]]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
