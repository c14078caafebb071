"""What every page run pays for, kept small: no Streamlit "magic", and cached views keyed
cheaply but exactly."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").glob("*.py"))]


def test_magic_is_off_in_the_config():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False


def displayed_by_magic(tree: ast.Module) -> list[int]:
    """Lines of bare expressions Streamlit's magic would have written to the page: any
    expression statement but a call, an await or a yield, and but docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docstrings.add(id(first))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and id(node) not in docstrings
            and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_no_page_relies_on_magic(script):
    tree = ast.parse(script.read_text(encoding="utf-8"))
    assert displayed_by_magic(tree) == []


def test_the_check_finds_what_magic_would_show():
    tree = ast.parse('"""Doc."""\nimport x\nx.y\n"shown"\nf()\ndef g():\n    """doc"""\n')
    assert displayed_by_magic(tree) == [3, 4]


# --- ui.cached: one computation per distinct call, whatever the arguments --------------------

CALLS: list[tuple] = []


def echo(db, *args, **kwargs):
    """A view function for ui.cached: records each real computation."""
    CALLS.append((args, kwargs))
    return args, kwargs


def test_cached_views_are_keyed_by_every_argument_and_computed_once_each(demo_db):
    from apptest_helpers import persona

    from allyship.ui import common

    _, lead = persona(demo_db, "lead")
    common.clear_cached_views()
    CALLS.clear()
    calls = [((lead, 1), {"today": "a"}), ((lead, 1), {"today": "b"}), ((lead, 2), {"today": "a"}),
             ((lead,), {"today": "a", "extra": None}),
             ((1, lead), {"today": "a"})]
    for args, kwargs in calls * 3:
        assert common.cached(echo, *args, **kwargs) == (args, kwargs)
    assert CALLS == calls  # each distinct call computed once, none mistaken for another


def test_sixteen_sessions_asking_at_once_share_one_computation(demo_db):
    """Cached views are shared by the server's sessions: sixteen asking for the same view
    at once get one computation and the very same object."""
    import threading

    from apptest_helpers import persona

    from allyship.ui import common

    _, lead = persona(demo_db, "lead")
    common.clear_cached_views()
    CALLS.clear()
    start, results = threading.Barrier(16), [None] * 16

    def ask(i: int) -> None:
        start.wait()
        results[i] = common.cached(slow_echo, lead, "same view", today="a")

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(CALLS) == 1
    assert all(r is results[0] for r in results)


def slow_echo(db, *args, **kwargs):
    """:func:`echo`, slow enough that every caller arrives while it computes."""
    import time

    time.sleep(0.2)
    return echo(db, *args, **kwargs)


def test_a_page_never_changes_the_cached_view_it_shows(demo_db):
    """A cached view is shared, so pages only read it: after Team progress has drawn it —
    every chart's table opened too — the view is exactly as it was computed."""
    import pickle
    from datetime import date

    from apptest_helpers import open_as, persona

    from allyship.metrics import overview, periods, scopes
    from allyship.ui import common

    common.clear_cached_views()
    at = open_as(demo_db, "lead", "pages/team_progress.py")
    db, lead = persona(demo_db, "lead")
    periods, _ = periods.period_options(db, lead.chapter_id, date.today())
    period = periods[at.selectbox(key="tp_period").value]
    scope = scopes.Scope(lead.chapter_id, at.selectbox(key="tp_team").value)
    shown = common.cached(overview.team_progress, lead, scope, period, today=date.today())
    assert common.cached(overview.team_progress, lead, scope, period, today=date.today()) is shown
    before = pickle.dumps(shown)
    frames_before = {name: shown.columns[name].frame.copy() for name in shown.TABLES}
    for key in ("part", "coverage", "stacked", "consistency", "minutes", "follow"):
        at.session_state[f"chart_table_open_{key}"] = True
    # Each tab in turn, every table under its charts open: the six tables in all.
    for tab, tables in (("Participation", 1), ("Responsibilities", 2),
                        ("Members and time", 2), ("Next steps", 1)):
        at.session_state["tp_tab"] = tab
        at.run()
        # The charts' tables are grids (the quiet list is a static table).
        assert not at.exception and len(at.dataframe) == tables, tab
    assert common.cached(overview.team_progress, lead, scope, period, today=date.today()) is shown
    assert pickle.dumps(shown) == before
    for name, frame in frames_before.items():
        pd.testing.assert_frame_equal(shown.columns[name].frame, frame)


# --- start-up: templates built and start-up's objects set aside from full GC passes -----------

@pytest.mark.slow
def test_warm_up_builds_the_templates_and_freezes_start_ups_objects():
    """Streamlit collects garbage fully after every run; what start-up left for good is
    frozen so those passes skip it (a real server's warm view: ~110 → ~35 ms of CPU)."""
    import subprocess
    import sys

    script = ("import gc\n"
              "from allyship.charts import progress_charts as charts\n"
              "from allyship.web import warmup\n"
              "assert gc.get_freeze_count() == 0\n"
              "warmup.preload_now()\n"
              "assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()\n"
              "assert charts._template.cache_info().currsize >= 20\n"
              "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"


@pytest.mark.slow
def test_the_chapter_report_page_and_its_downloads_never_change_the_cached_report(
        demo_db, monkeypatch):
    """The chapter report is a cached view too: drawing its page (again, from the cache)
    and rendering each download leave every report exactly as it was assembled."""
    import functools
    import pickle

    from apptest_helpers import open_as

    from allyship.reports import chapter_report, renderer
    from allyship.ui import common

    assembled = []  # (report, its pickle when it was made)
    real = chapter_report.assemble

    @functools.wraps(real)
    def recorded(*args, **kwargs):
        made = real(*args, **kwargs)
        assembled.append((made, pickle.dumps(made)))
        return made

    monkeypatch.setattr(chapter_report, "assemble", recorded)
    common.clear_cached_views()
    at = open_as(demo_db, "lead", "pages/chapter_report.py")
    at.run()  # the same report again, from the cache
    assert not at.exception and at.get("vega_lite_chart") and len(assembled) == 1
    for fmt in renderer.FORMATS:
        chapter_report.render(assembled[0][0], fmt)
    at.session_state["cr_period"] = "Custom dates"
    at.run()
    assert not at.exception and len(assembled) == 2
    for made, when_made in assembled:
        assert pickle.dumps(made) == when_made
