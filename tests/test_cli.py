"""The command line: `demo` and `init`, with one-line reasons on bad arguments."""

import subprocess
import sys

import pytest
from tests_paths import ROOT

from allyship.db import store
from allyship.people import roster


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "allyship", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.slow
def test_demo_creates_a_demo_database(tmp_path):
    path = tmp_path / "demo.db"
    result = cli("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    db = store.connect(path)
    assert store.is_demo(db) and db["actions"].count > 300


def test_demo_is_deterministic_for_a_seed(tmp_path):
    from datetime import date

    from allyship import demo

    a, b = tmp_path / "a.db", tmp_path / "b.db"
    demo.create_demo_database(a, seed=5, today=date(2026, 11, 26))
    demo.create_demo_database(b, seed=5, today=date(2026, 11, 26))
    rows = "SELECT member_id, done_on, description, kind, visibility FROM actions ORDER BY id"
    assert store.connect(a).execute(rows).fetchall() == store.connect(b).execute(rows).fetchall()


@pytest.mark.slow
def test_init_creates_an_empty_real_chapter_with_its_admin(tmp_path):
    path = tmp_path / "real.db"
    result = cli("init", "--db", str(path), "--chapter", "Riverbend Audubon",
                 "--admin-name", "Jordan", "--admin-email", "Jordan@Example.org")
    assert result.returncode == 0, result.stderr
    db = store.connect(path)
    assert not store.is_demo(db)
    admin = roster.find_member_by_email(db, "jordan@example.org")
    assert admin.role == "admin" and db["actions"].count == 0


@pytest.mark.slow
@pytest.mark.parametrize("args, words", [
    (["init", "--chapter", "X", "--admin-name", "A", "--admin-email", "nope"], "email"),
    (["init", "--chapter", "  ", "--admin-name", "A", "--admin-email", "a@b.org"], "Chapter name"),
])
def test_init_refuses_bad_arguments_in_one_line(tmp_path, args, words):
    path = tmp_path / "bad.db"
    result = cli(*args[:1], "--db", str(path), *args[1:])
    assert result.returncode != 0
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not path.exists()


@pytest.mark.slow
def test_init_can_start_the_programme_in_the_past_and_refuses_a_bad_date(tmp_path):
    good = tmp_path / "past.db"
    result = cli("init", "--db", str(good), "--chapter", "C", "--admin-name", "A",
                 "--admin-email", "a@b.org", "--started-on", "2025-09-01")
    assert result.returncode == 0, result.stderr
    assert str(roster.list_chapters(store.connect(good))[0].started_on) == "2025-09-01"
    bad = tmp_path / "bad.db"
    result = cli("init", "--db", str(bad), "--chapter", "C", "--admin-name", "A",
                 "--admin-email", "a@b.org", "--started-on", "1 Sept")
    assert result.returncode != 0 and "YYYY-MM-DD" in result.stderr and not bad.exists()


@pytest.mark.slow
def test_demo_refuses_to_overwrite_a_real_chapter(tmp_path):
    path = tmp_path / "real.db"
    cli("init", "--db", str(path), "--chapter", "C", "--admin-name", "A",
        "--admin-email", "a@b.org")
    result = cli("demo", "--db", str(path))
    assert result.returncode != 0 and "real chapter" in result.stderr
    assert not store.is_demo(store.connect(path))


@pytest.mark.slow
def test_every_command_has_help():
    for command in ("demo", "init"):
        result = cli(command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout


@pytest.mark.slow
def test_unforeseen_failures_end_in_one_line_not_a_traceback(tmp_path):
    path = tmp_path / "demo.db"
    cli("demo", "--db", str(path))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cases = [
        # undecodable bytes in an argument arrive as lone surrogates
        ["report", "--db", str(path), "--from", "2026-01-05", "--to", "2026-02-01",
         "--team", "\udcff", "--format", "md", "--out", str(tmp_path / "r.md")],
        ["backup", "--db", str(path), "--out", str(blocker / "b.db")],  # under a file
    ]
    for args in cases:
        env = {**__import__("os").environ, "PYTHONIOENCODING": "utf-8:surrogateescape"}
        result = subprocess.run([sys.executable, "-m", "allyship", *args], cwd=ROOT,
                                capture_output=True, timeout=120, env=env)
        err = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 1, err
        assert "Traceback" not in err and err.startswith("error: ")
        assert len(err.strip().splitlines()) == 1
