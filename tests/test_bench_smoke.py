"""The benchmark runs end to end in quick mode and reports every figure.

No timing thresholds here (the machines running tests are shared and noisy); the
full run with its targets is ``python -m bench``, documented in the README.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests_paths import ROOT

from bench import baseline
from bench.results import percentile

pytestmark = pytest.mark.server

MEASURES = [
    "naive baseline metric set, team",
    "naive baseline metric set, chapter",
    "strawman baseline metric set, team",
    "strawman baseline metric set, chapter",
    "analyst baseline metric set, team",
    "analyst baseline metric set, chapter",
    "metric set, team: cold",
    "metric set, team: warm",
    "metric set, chapter: cold",
    "metric set, chapter: warm",
    "Team progress page (AppTest), cache cleared",
    "Team progress page (AppTest), cache cleared, CPU time",
    "Import & export page open (AppTest)",
    "report CLI, whole process (HTML)",
    "My week page (AppTest)",
    "log one action (journal.log_action)",
    "bulk import of 1,000 actions",
    "chapter report (HTML with SVG charts)",
    "peak memory, our process",
    "naive / ours, metric set team (cold)",
    "naive / ours, metric set chapter (cold)",
    "strawman / ours, metric set team (cold)",
    "analyst / ours, metric set team (cold)",
    "analyst / ours, metric set chapter (cold)",
]


def test_quick_bench_completes_and_prints_every_figure(tmp_path):
    out = tmp_path / "bench"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--repeat", "2", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for measure in MEASURES:
        assert measure in result.stdout, measure
    # The baseline computes the same numbers as ours.
    assert "cross-check at 10k, team: baseline and ours agree" in result.stdout
    # So does the analyst's, which filters in SQL.
    assert ("cross-check at 10k, team (analyst's baseline): baseline and ours agree"
            in result.stdout)
    assert "analyst's SQL-filtered pandas ÷ ours, 40-member chapter" in result.stdout
    assert "MISMATCH" not in result.stdout
    assert "0 read a large table whole" in result.stdout
    # Every issue-13 target is printed beside its measure (or says it was not measured),
    # with the load average.
    assert "issue 13 targets (load average now" in result.stdout
    assert ("server CPU per cold Team progress view, 40-member chapter (AppTest: includes "
            "AppTest's own work) [10k]:") in result.stdout
    assert "20 leads of different chapters at once" in result.stdout
    # A smoke of the concurrency run: two websocket clients against a real server.
    assert "(quick smoke; the full run: python -m bench)" in result.stdout
    assert "Team progress to last chart, cold: 1 process, 2 leads at once (websocket " \
           "clients)" in result.stdout
    assert "server CPU per cold Team progress view, 40-member chapter (real server" \
           in result.stdout
    assert "load average" in result.stdout.split("issue 13 targets", 1)[1]

    saved = json.loads((out / "results.json").read_text())
    figures = {f["measure"]: f for f in saved["figures"]}
    for measure, f in figures.items():
        # A figure is a number, or says plainly why it is missing.
        assert f["median"] is not None or f["note"].startswith("n/a"), measure
    assert saved["meta"]["nproc"] and saved["meta"]["python"]
    assert saved["sizes"]["10k"]["actions"] > 5_000
    with (out / "results.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["measure"] for r in rows} == set(figures)
    assert (out / "plans.txt").read_text().count("SEARCH") > 10
    assert list((out / "cache").glob("10k-*.db")), "the generated data is cached for next time"
    assert not list((out / "work").glob("*.db")), "the working copy is removed"


def test_cross_check_reports_a_figure_that_differs():
    ours = {("participants", "2026-11-23"): 7, ("coverage",): 8}
    naive = {("participants", "2026-11-23"): 6, ("coverage",): 8}
    result = baseline.cross_check(ours, naive)
    assert not result["ok"] and result["compared"] == 2
    assert result["mismatches"] == [("('participants', '2026-11-23')", 7, 6)]


def test_percentile_interpolates_like_numpy():
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == 4.8
    assert percentile([7.0], 95) == 7.0


def test_the_bench_times_the_app_with_its_modules_compiled_as_a_deployment_has_them():
    import importlib.util

    from bench import bytecode

    assert bytecode.compile_app()
    sources = [*(ROOT / "allyship").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
               ROOT / "streamlit_app.py"]
    stale = [str(s.relative_to(ROOT)) for s in sources
             if not Path(importlib.util.cache_from_source(str(s))).exists()]
    assert len(sources) > 100 and not stale, stale[:5]
