"""The private Streamlit flag :mod:`allyship.ui.navigation` relies on: what it does in the
installed Streamlit. If an upgrade changes it, these fail and the workaround needs a look
(perhaps it can go: see that module's docstring)."""

from __future__ import annotations

import inspect

import pytest
from streamlit.commands import navigation as st_navigation
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from allyship.ui import navigation


@pytest.fixture
def unset_flag(monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)


def test_a_pages_folder_beside_the_entry_script_turns_the_legacy_mode_on(tmp_path, unset_flag):
    (tmp_path / "pages").mkdir()
    PagesManager(str(tmp_path / "streamlit_app.py"))
    assert PagesManager.uses_pages_directory is True


def test_without_a_pages_folder_the_legacy_mode_stays_off(tmp_path, unset_flag):
    PagesManager(str(tmp_path / "streamlit_app.py"))
    assert PagesManager.uses_pages_directory is False


def test_the_flag_is_read_once_per_process_not_per_session(tmp_path, monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)
    (tmp_path / "pages").mkdir()
    PagesManager(str(tmp_path / "streamlit_app.py"))
    assert PagesManager.uses_pages_directory is False


def test_in_legacy_mode_the_runner_runs_the_folder_instead_of_the_entry_script():
    source = inspect.getsource(script_runner.ScriptRunner)
    assert "if PagesManager.uses_pages_directory:" in source
    assert "_mpa_v1(self._main_script_path)" in source


def test_st_navigation_is_what_leaves_the_legacy_mode():
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(st_navigation)


def test_leaving_the_legacy_mode_clears_the_flag(monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    monkeypatch.setattr(navigation, "_rerun_done", True)  # outside a script run: no rerun
    navigation.leave_legacy_pages_mode()
    assert PagesManager.uses_pages_directory is False
