"""What every page run pays for, kept small: no Streamlit "magic", and cached views keyed
cheaply but exactly."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

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
    import streamlit as st

    from allyship import ui
    from apptest_helpers import persona

    _, lead = persona(demo_db, "lead")
    ui.clear_cached_views()
    CALLS.clear()
    calls = [((lead, 1), {"today": "a"}), ((lead, 1), {"today": "b"}), ((lead, 2), {"today": "a"}),
             ((lead,), {"today": "a", "extra": None}),
             ((1, lead), {"today": "a"})]
    for args, kwargs in calls * 3:
        assert ui.cached(echo, *args, **kwargs) == (args, kwargs)
    assert CALLS == calls  # each distinct call computed once, none mistaken for another


# --- start-up: templates built and start-up's objects set aside from full GC passes -----------

def test_warm_up_builds_the_templates_and_freezes_start_ups_objects():
    """Streamlit collects garbage fully after every run; what start-up left for good is
    frozen so those passes skip it (a real server's warm view: ~110 → ~35 ms of CPU)."""
    import subprocess
    import sys

    script = ("import gc\n"
              "from allyship import charts, warmup\n"
              "assert gc.get_freeze_count() == 0\n"
              "warmup.preload_now()\n"
              "assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()\n"
              "assert charts._template.cache_info().currsize >= 20\n"
              "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"
