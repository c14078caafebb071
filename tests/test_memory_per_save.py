"""A worker's memory stays flat while members save: what a save leaves behind in a
session (stale widgets' metadata) and in the shared views (views of data versions that
are gone) is let go of. The full soak (5,000 saves) is ``python -m bench.memory_soak``;
here a shorter one against a real ``streamlit run`` worker."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from allyship.ui import view_cache
from allyship.web import memory


def test_a_new_data_version_drops_the_views_of_the_old_one():
    cache = view_cache.ViewCache()
    assert cache.get("chapter 1", 1, "week", lambda: "old") == "old"
    assert cache.get("chapter 2", 7, "week", lambda: "other") == "other"
    assert cache.get("chapter 1", 1, "week", lambda: "recomputed") == "old"  # shared
    assert cache.get("chapter 1", 2, "week", lambda: "new") == "new"
    assert len(cache) == 2  # chapter 1's old view gone, chapter 2's kept
    assert cache.get("chapter 2", 7, "week", lambda: "recomputed") == "other"


def test_a_view_computed_for_a_version_already_replaced_is_returned_but_not_kept():
    cache = view_cache.ViewCache()

    def compute_while_someone_saves() -> str:
        cache.get("chapter 1", 2, "week", lambda: "newer")
        return "older"

    assert cache.get("chapter 1", 1, "week", compute_while_someone_saves) == "older"
    assert len(cache) == 1 and cache.get("chapter 1", 2, "week", lambda: "x") == "newer"


@pytest.mark.slow
def test_a_session_keeps_no_widget_metadata_for_forms_of_earlier_saves(demo_template, tmp_path,
                                                                       monkeypatch):
    from tests import apptest_helpers as h

    db = tmp_path / "a.db"
    db.write_bytes(demo_template.read_bytes())
    monkeypatch.setenv("ALLYSHIP_DB", str(db))
    assert memory.let_go_of_stale_widgets()
    at = h.open_as(db, "member", "pages/log_actions.py")

    def save(i: int) -> int:
        at.switch_page("pages/log_actions.py").run()
        form = [t for t in at.text_area if t.label.startswith("What I did")][0]  # the log form
        form.input(f"Save {i}: read about allyship")
        [b for b in at.button if b.label == "Log action"][0].click().run()
        assert not at.exception, [e.value for e in at.exception]
        at.switch_page("pages/my_week.py").run()
        state = at.session_state._state._state if hasattr(at.session_state._state, "_state") \
            else at.session_state._state
        return len(state._new_widget_state.widget_metadata)

    first = [save(i) for i in range(3)][-1]
    later = [save(i) for i in range(3, 15)][-1]
    assert later <= first


@pytest.mark.server
@pytest.mark.slow
def test_a_workers_memory_stays_within_10_percent_while_members_save(tmp_path: Path):
    """Several sessions save in turn, each opening My week after its save, and a lead of
    their chapter opens Team progress after every save."""
    from bench import memory_soak

    saves = int(os.environ.get("ALLYSHIP_SOAK_SAVES", "300"))
    db, tokens, lead = memory_soak.prepare(tmp_path, 3)
    proc, url = memory_soak.start_worker(db, tmp_path / "worker.log")
    try:
        result = asyncio.run(memory_soak.soak(url, tokens, proc.pid, saves, saves // 6,
                                              baseline_after=saves // 6, then="My week",
                                              lead_token=lead))
    finally:
        proc.terminate()
        proc.wait(30)
    assert result.growth() <= 0.10, "\n".join(result.lines())
    print("\n".join(result.lines()))
