"""Scales, deterministic synthetic data and its on-disk cache."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from allyship import demo
from allyship.db import store

SEED = demo.DEFAULT_SEED


@dataclass(frozen=True)
class Scale:
    """A named data size. The action scales keep chapters of the same shape (4 teams of
    10) and grow by adding chapters, as a national organisation would: a team's own
    figures should then cost the same at every scale. The large-chapter scale is one
    chapter of 16,000 members instead (``one_chapter``): what a big chapter's lead and
    admin wait for."""

    name: str
    size: demo.DemoSize
    one_chapter: bool = False

    @property
    def members(self) -> int:
        s = self.size
        return s.chapters * s.teams_per_chapter * s.members_per_team


# Roughly one action per member-week (see demo._member_history): tuned to hit 10k,
# 100k and 1M actions.
SCALES: dict[str, Scale] = {
    "10k": Scale("10k", demo.DemoSize(chapters=5, teams_per_chapter=4, members_per_team=10,
                                      weeks=46)),
    "100k": Scale("100k", demo.DemoSize(chapters=47, teams_per_chapter=4, members_per_team=10,
                                        weeks=52)),
    "1M": Scale("1M", demo.DemoSize(chapters=470, teams_per_chapter=4, members_per_team=10,
                                    weeks=53)),
    # One chapter of 16,000 members (40 teams of 400), half a year of history.
    "16k-chapter": Scale("16k-chapter", demo.DemoSize(chapters=1, teams_per_chapter=40,
                                                      members_per_team=400, weeks=26),
                         one_chapter=True),
}
# What `python -m bench` runs without --scales.
DEFAULT_SCALES = "10k,100k,1M,16k-chapter"


def parse_scales(text: str) -> list[Scale]:
    """``"10k,100k"`` → the scales, in the order given; unknown names raise ValueError."""
    out = []
    for name in (p.strip() for p in text.split(",") if p.strip()):
        key = next((k for k in SCALES if k.lower() == name.lower()), None)
        if key is None:
            raise ValueError(f"unknown scale {name!r}; choose from {', '.join(SCALES)}")
        out.append(SCALES[key])
    if not out:
        raise ValueError("no scale given")
    return out


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def cached_db(scale: Scale, cache_dir: Path, today: date, *, seed: int = SEED) -> tuple[Path, float | None]:
    """The cached database for ``scale`` built as of ``today``; builds it if missing.

    Returns the path and the seconds generation took (``None`` when it came from the
    cache). The file appears whole or not at all (built under a temporary name).
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{scale.name}-seed{seed}-{today.isoformat()}.db"
    if path.exists() and _has_data(path):
        return path, None
    _remove(path)  # missing, or a file with no data in it (opened by a tool before it was built)
    tmp = path.with_name(path.name + ".creating")
    _remove(tmp)
    started = time.perf_counter()
    db = store.connect(tmp)
    try:
        demo.build(db, seed=seed, today=today, size=scale.size)
        # In real use every logged action leaves an audit entry (journal.log_action);
        # the demo writes none. Add them, so pages that read the audit log face a
        # national-scale log too.
        with store.transaction(db):
            db.execute(
                "INSERT INTO audit_log (at, actor_id, action, table_name, record_id, details)"
                " SELECT created_at, member_id, 'create', 'actions', CAST(id AS TEXT),"
                " json_object('done_on', done_on, 'visibility', visibility)"
                " FROM actions ORDER BY id")
        # Fold the WAL into the main file so a plain file copy is the whole database.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()
    seconds = time.perf_counter() - started
    Path(str(tmp) + "-wal").unlink(missing_ok=True)
    Path(str(tmp) + "-shm").unlink(missing_ok=True)
    os.replace(tmp, path)
    return path, seconds


def _has_data(path: Path) -> bool:
    """Whether a cached file holds generated data (members), not only an empty schema."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT EXISTS (SELECT 1 FROM members)").fetchone()[0] == 1
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def working_copy(cached: Path, work_dir: Path) -> Path:
    """A copy of the cached database to run against (the bench writes to it)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    target = work_dir / ("work-" + cached.name)
    _remove(target)
    shutil.copyfile(cached, target)
    return target


def remove_db(path: Path) -> None:
    _remove(path)


def row_counts(path: Path) -> dict[str, int]:
    db = store.connect(path)
    try:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("chapters", "teams", "members", "actions", "action_responsibilities", "audit_log")}
    finally:
        db.conn.close()
