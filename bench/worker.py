"""One scale's measures in a fresh process: ``python -m bench.worker ours|baseline …``.

Started by ``python -m bench``; writes its figures as JSON to ``--json``. A process of
its own per scale keeps each scale's peak memory (``ru_maxrss``) its own, and keeps the
baseline's pandas frames out of our figures.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.worker")
    p.add_argument("mode", choices=["ours", "baseline"])
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("--scale", required=True)
    p.add_argument("--today", required=True, type=date.fromisoformat)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--check", action="store_true", help="baseline: cross-check against ours")
    p.add_argument("--json", required=True, type=Path)
    args = p.parse_args(argv)
    if args.mode == "ours":
        from bench import ours

        out = ours.run(args.db, args.scale, args.today, args.repeat)
    else:
        from bench import baseline

        out = baseline.run(args.db, args.scale, args.today, args.repeat, args.check)
    out["figures"] = [asdict(f) for f in out["figures"]]
    args.json.write_text(json.dumps(out, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
