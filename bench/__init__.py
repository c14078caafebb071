"""Benchmarks at national scale: the app's reads and writes at 10k, 100k and 1M actions,
measured against a naive pandas baseline in the same run.

Run ``python -m bench`` (``--help`` for options; ``--quick`` is 10k only, under a
minute). Synthetic data comes from :mod:`allyship.demo` (deterministic for a seed and
a day) and is cached under ``<out>/cache/``; every run works on a copy, so the writes
it measures never change the cache. Each scale is measured in a fresh Python process
(:mod:`bench.worker`), so peak memory (``ru_maxrss``) is per scale, and the naive
baseline runs in a process of its own so its memory does not count against ours.

Modules: :mod:`bench.data` (scales, generation, cache), :mod:`bench.ours` (the app's
measures), :mod:`bench.baseline` (load everything into pandas, aggregate there),
:mod:`bench.plans` (``EXPLAIN QUERY PLAN`` of every statement the pages run),
:mod:`bench.results` (statistics, table, JSON and CSV).
"""
