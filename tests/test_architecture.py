"""The package's architecture: the layers, the Streamlit boundary and acyclic imports held
by the import-linter contracts in ``.importlinter``; and no private name crossing modules."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the package under ``root`` with its ``.importlinter``."""
    code = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run([sys.executable, "-c", code, "--no-cache", "--no-logo"], cwd=root,
                          capture_output=True, text=True, timeout=120)


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module, line, broken", [
    ("core/dates.py", "from allyship.db import store", "Layers"),
    ("db/audit.py", "from allyship.people import roster", "Layers"),
    ("metrics/disclosure.py", "import streamlit", "Only allyship.ui and allyship.web"),
    ("rhythm/mail.py", "from allyship.web import serve", "Layers"),
    ("core/handout.py", "from allyship.core import access", "No import cycles"),
], ids=["core-imports-db", "db-imports-people", "metrics-imports-streamlit",
        "feature-imports-web", "cycle-in-core"])
def test_a_wrong_import_breaks_a_contract(tmp_path, module, line, broken):
    shutil.copytree(ROOT / "allyship", tmp_path / "allyship",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    target = tmp_path / "allyship" / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout.split("Broken contracts")[-1], result.stdout


# --- private names -----------------------------------------------------------------------

SOURCES = sorted([*ROOT.glob("allyship/**/*.py"), *ROOT.glob("pages/*.py"),
                  ROOT / "streamlit_app.py"])

def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _crossings(path: Path) -> tuple[set[str], set[str]]:
    """Private names ``path`` imports from our modules, and private attributes it reads
    from names it imported from them (``module._helper``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    imported, reached, ours = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("allyship"):
            for alias in node.names:
                if _private(alias.name):
                    imported.add(f"{node.module}.{alias.name}")
                ours.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("allyship"):
                    if any(_private(part) for part in alias.name.split(".")):
                        imported.add(alias.name)
                    ours.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in ours and _private(node.attr)):
            reached.add(f"{node.value.id}.{node.attr}")
    return imported, reached


def _all_crossings() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    imported, reached = set(), set()
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        names, attributes = _crossings(path)
        imported |= {(rel, n) for n in names}
        reached |= {(rel, a) for a in attributes}
    return imported, reached


def test_no_private_name_is_imported_from_another_module():
    imported, _ = _all_crossings()
    assert imported == set()


def test_no_private_name_of_another_module_is_used_through_it():
    _, reached = _all_crossings()
    assert reached == set()


def test_the_private_name_check_sees_both_kinds_of_crossing(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from allyship.db.store import _x, connect\n"
                     "from allyship.core import access\n"
                     "access._rule(connect.__doc__)\n")
    assert _crossings(probe) == ({"allyship.db.store._x"}, {"access._rule"})
