"""Figures: timing statistics, the printed table, JSON and CSV files."""

from __future__ import annotations

import csv
import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measure at one scale: a median and 95th percentile (or a single value).

    ``value`` is ``None`` with a ``note`` when the measure could not be taken (for
    instance "n/a (report module missing)") — never a made-up number. ``load`` is the
    machine's 1-minute load average when the figure was taken (on a shared machine, wall
    times mean little without it).
    """

    scale: str
    measure: str
    unit: str
    median: float | None
    p95: float | None = None
    n: int = 1
    note: str = ""
    samples: list[float] = field(default_factory=list)
    load: float | None = field(default_factory=lambda: load_average())


def load_average() -> float | None:
    """The 1-minute load average now (``None`` where the system has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0–100), as numpy's default."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def timed(fn: Callable[[], Any], repeat: int,
          cpu: list[float] | None = None) -> tuple[list[float], Any]:
    """Run ``fn`` ``repeat`` times; the wall-clock durations in milliseconds and the last
    result. With ``cpu``, also append this process's CPU time per run to it (on a shared
    machine, CPU time shows the work itself; wall time adds waiting for a core)."""
    out: list[float] = []
    result = None
    for _ in range(repeat):
        cpu_started = time.process_time()
        started = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - cpu_started) * 1000)
    return out, result


def figure(scale: str, measure: str, samples_ms: list[float], note: str = "") -> Figure:
    return Figure(scale, measure, "ms", round(statistics.median(samples_ms), 2),
                  round(percentile(samples_ms, 95), 2), len(samples_ms), note,
                  [round(s, 3) for s in samples_ms])


def missing(scale: str, measure: str, unit: str, note: str) -> Figure:
    return Figure(scale, measure, unit, None, None, 0, note)


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    if unit == "ms":
        return f"{v / 1000:.2f} s" if v >= 10_000 else f"{v:,.1f} ms"
    if unit == "MB":
        return f"{v:,.0f} MB"
    if unit == "x":
        return f"{v:,.1f}×"
    return f"{v:,.2f} {unit}".strip()


def table_rows(figures: list[Figure]) -> list[list[str]]:
    return [[f.scale, f.measure, _fmt(f.median, f.unit),
             _fmt(f.p95, f.unit) if f.n > 1 else "", str(f.n) if f.n else "", f.note]
            for f in figures]


HEADER = ["scale", "measure", "median", "p95", "n", "note"]


def text_table(figures: list[Figure]) -> str:
    rows = [HEADER, *table_rows(figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  ".join(c.rjust(w) if i in (2, 3, 4) else c.ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |"
              for r in table_rows(figures)]
    return "\n".join(lines)


def pivot_markdown(figures: list[Figure]) -> str:
    """Measures down, scales across: "median (p95)" in each cell — the README's table."""
    scales: list[str] = []
    measures: list[str] = []
    for f in figures:
        if f.scale not in scales:
            scales.append(f.scale)
        if f.measure not in measures:
            measures.append(f.measure)
    cells = {(f.scale, f.measure): f for f in figures}

    def cell(f: Figure | None) -> str:
        if f is None:
            return ""
        if f.median is None:
            return f.note
        text = _fmt(f.median, f.unit)
        return f"{text} ({_fmt(f.p95, f.unit)})" if f.n > 1 and f.p95 is not None else text

    lines = ["| measure — median (p95) | " + " | ".join(scales) + " |",
             "|---|" + "---:|" * len(scales)]
    lines += [f"| {m} | " + " | ".join(cell(cells.get((s, m))) for s in scales) + " |"
              for m in measures]
    return "\n".join(lines)


def write(out: Path, figures: list[Figure], meta: dict[str, Any],
          extra: dict[str, Any]) -> dict[str, Path]:
    """``results.json`` (everything), ``results.csv`` (the table), ``results.md``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "results.json", "csv": out / "results.csv", "md": out / "results.md"}
    paths["json"].write_text(json.dumps(
        {"meta": meta, "figures": [asdict(f) for f in figures], **extra},
        indent=2, default=str), encoding="utf-8")
    with paths["csv"].open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["scale", "measure", "unit", "median", "p95", "n", "note", "load"])
        for f in figures:
            w.writerow([f.scale, f.measure, f.unit, f.median, f.p95, f.n, f.note, f.load])
    paths["md"].write_text(pivot_markdown(figures) + "\n\n" + markdown_table(figures) + "\n",
                           encoding="utf-8")
    return paths
