"""The documentation keeps up with the code: every command-line command and option is
described in the operator guide's command reference, README starts with the two commands
and stays short, and the links between the docs lead somewhere."""

from __future__ import annotations

import re

import click
import pytest
from tests_paths import ROOT

from tests.cli_helpers import every_command

DOCS = ROOT / "docs"
REFERENCE = DOCS / "operator-guide.md"


COMMANDS = every_command()


def test_there_are_commands_to_document():
    assert len(COMMANDS) >= 14


@pytest.mark.parametrize("words,command", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_every_command_and_option_is_in_the_command_reference(words, command):
    reference = REFERENCE.read_text(encoding="utf-8")
    rows = [line for line in reference.splitlines()
            if line.startswith(f"| `{' '.join(words)}") and line.endswith("|")]
    assert rows, f"`{' '.join(words)}` has no row in {REFERENCE.name}'s command reference"
    row = "\n".join(rows)
    for param in command.params:
        if isinstance(param, click.Option):
            names = [o for o in param.opts if o.startswith("--")]
            if names and names[0] not in ("--db", "--help"):
                assert any(f"`{n}" in row for n in names), \
                    f"{names[0]} of `{' '.join(words)}` is not in its row of the reference"


def test_readme_starts_with_the_two_commands_and_fits_a_screenful_of_scrolling():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    assert "pip install -r requirements.txt" in blocks[0] and \
        "streamlit run streamlit_app.py" in blocks[0]
    assert "pip install -r requirements-dev.txt" in blocks[1] and "pytest" in blocks[1]
    assert len(readme.splitlines()) <= 250


def test_ci_runs_the_readmes_test_command_word_for_word():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    second = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)[1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    wanted = second.replace("pip install -r", "pip install --quiet --disable-pip-version-check -r")
    assert wanted in ci


@pytest.mark.parametrize("doc", sorted([ROOT / "README.md", ROOT / "CHANGELOG.md",
                                        *DOCS.glob("*.md")]), ids=lambda p: p.name)
def test_links_between_the_docs_lead_to_files_that_exist(doc):
    text = doc.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which is missing"
