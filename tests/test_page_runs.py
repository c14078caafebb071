"""Page runs take turns in a server process, and nobody waits for long: a run that
cannot have a turn within the bounded wait goes ahead anyway (issue 13)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time

import pytest
from tests_paths import ROOT

from allyship.web.page_runs import Turns


def test_sixteen_runs_at_once_take_turns_one_by_one():
    turns = Turns(1, max_wait=60)
    inside, most, lock = 0, 0, threading.Lock()
    start = threading.Barrier(16)
    had: list[bool] = []

    def run() -> None:
        nonlocal inside, most
        start.wait()
        with turns.hold() as got:
            with lock:
                inside += 1
                most = max(most, inside)
                had.append(got)
            time.sleep(0.005)  # a run's work, long enough for the others to pile up
            with lock:
                inside -= 1

    threads = [threading.Thread(target=run) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1 and had == [True] * 16


def test_a_run_that_waits_too_long_goes_ahead_without_a_turn():
    turns = Turns(1, max_wait=0.05)
    holding, let_go = threading.Event(), threading.Event()

    def slow_run() -> None:
        with turns.hold():
            holding.set()
            let_go.wait(30)

    slow = threading.Thread(target=slow_run)
    slow.start()
    try:
        assert holding.wait(30)
        with turns.hold() as got:  # the slow run still holds the turn
            assert got is False
    finally:
        let_go.set()
        slow.join()
    with turns.hold() as got:
        assert got is True  # and the turn is free again once it ended


@pytest.mark.parametrize("ending", [RuntimeError, KeyboardInterrupt])
def test_a_run_that_ends_in_an_error_gives_its_turn_back(ending):
    turns = Turns(1, max_wait=0.05)
    with pytest.raises(ending), turns.hold():
        raise ending("st.stop(), st.rerun() and errors all leave this way")
    with turns.hold() as got:
        assert got is True


def test_no_limit_means_no_turns():
    turns = Turns(0, max_wait=0.05)
    with turns.hold() as first, turns.hold() as second:
        assert (first, second) == (False, False)


def test_the_settings_come_from_the_environment_and_bad_values_fall_back():
    probe = "from allyship.web import page_runs; print(page_runs.AT_ONCE, page_runs.MAX_WAIT)"

    def settings(**env: str) -> str:
        done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, text=True,
                              capture_output=True, env={"PATH": "/usr/bin:/bin", **env},
                              timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.split("\n")[0]

    assert settings() == "1 1.0"
    assert settings(ALLYSHIP_PAGE_RUNS="3", ALLYSHIP_PAGE_RUN_WAIT="0.5") == "3 0.5"
    assert settings(ALLYSHIP_PAGE_RUNS="many", ALLYSHIP_PAGE_RUN_WAIT="-2") == "1 1.0"
    assert settings(ALLYSHIP_PAGE_RUNS="nan", ALLYSHIP_PAGE_RUN_WAIT="inf") == "1 1.0"


def test_every_run_of_the_app_holds_a_turn_while_the_page_draws(demo_db, monkeypatch):
    from apptest_helpers import open_app

    from allyship.web import page_runs

    class Recording(Turns):
        def __init__(self) -> None:
            super().__init__(1, max_wait=5)
            self.runs = 0
            self.holding = False

        @contextlib.contextmanager
        def hold(self):
            with super().hold() as got:
                self.runs += 1
                self.holding = got
                try:
                    yield got
                finally:
                    self.holding = False

    recording = Recording()
    monkeypatch.setattr(page_runs, "_turns", recording)
    seen_inside: list[bool] = []
    import allyship.ui.a11y as a11y

    real_nav = a11y.narrow_screen_nav

    def nav(*args, **kwargs):  # drawn by every run, inside the entry script
        seen_inside.append(recording.holding)
        return real_nav(*args, **kwargs)

    monkeypatch.setattr(a11y, "narrow_screen_nav", nav)
    at = open_app("lead")
    assert not at.exception
    assert recording.runs >= 1 and seen_inside and all(seen_inside)
    assert recording.holding is False  # given back when the run ended
