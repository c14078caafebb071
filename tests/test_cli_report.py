"""`python -m allyship report`: each format written and read back; a bad period, an
unknown team or a path it cannot write is refused with one line and a non-zero exit."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner
from tests_paths import ROOT

from allyship import cli
from allyship.core.models import ActionDraft, MemberDraft
from allyship.people import roster
from allyship.practice import journal
from tests.membership_helpers import belonged_all_along, took_part

PERIOD = ["--from", "2026-02-01", "--to", "2026-02-28"]


@pytest.fixture
def chapter_db(chapter, db_path):
    """The conftest chapter with two February actions, one shared with the chapter."""
    today = date(2026, 3, 18)
    took_part(chapter.db)  # people, not roster entries: every member has taken part
    journal.log_action(chapter.db, chapter.member, ActionDraft(
        date(2026, 2, 3), "Listened at the marsh meeting", (2,), visibility="chapter"),
        today=today)
    journal.log_action(chapter.db, chapter.teammate, ActionDraft(
        date(2026, 2, 10), "KeptPrivateWords", (4,)), today=today)
    return db_path


def run(*args: str):
    return CliRunner().invoke(cli.main, ["report", *args])


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "md", "csv"])
def test_report_writes_each_format(chapter_db, tmp_path, fmt):
    out = tmp_path / f"feb.{fmt}"
    result = run("--db", str(chapter_db), *PERIOD, "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"report written to {out}" in result.output
    text = out.read_text(encoding="utf-8-sig")
    assert "KeptPrivateWords" not in text
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "<svg" in text
        assert "Listened at the marsh meeting" in text
    elif fmt == "md":
        assert text.startswith("# Test Chapter: chapter report")
        assert "Listened at the marsh meeting" in text
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        total = next(r for r in rows if r["section"] == "team" and r["name"] == "Whole chapter")
        assert (total["members"], total["actions"]) == ("5", "2")


def test_a_team_whose_figures_would_single_someone_out_is_refused_in_words(chapter_db,
                                                                          tmp_path):
    # Chapter minus Team A would be Oz alone (besides the admin producing the report).
    out = tmp_path / "team.md"
    result = run("--db", str(chapter_db), *PERIOD, "--team", "Team A", "--format", "md",
                 "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert "would reveal what fewer than 3 people did" in result.output


def test_report_for_one_team_by_name_any_case(chapter, chapter_db, tmp_path):
    for n in (2, 3):  # Team B grows, so Team A's figures no longer single Oz out
        roster.add_member(chapter.db, chapter.admin, MemberDraft(
            f"B {n}", f"b{n}@example.org", "member", chapter.team_b))
    belonged_all_along(chapter.db)
    took_part(chapter.db)
    out = tmp_path / "team.md"
    result = run("--db", str(chapter_db), *PERIOD, "--team", "team a", "--format", "md",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "**Team A**" in out.read_text()


def test_report_replaces_an_existing_file(chapter_db, tmp_path):
    out = tmp_path / "feb.md"
    out.write_text("old")
    assert run("--db", str(chapter_db), *PERIOD, "--format", "md", "--out", str(out)).exit_code == 0
    assert out.read_text().startswith("# Test Chapter")


@pytest.mark.parametrize("args, words", [
    (["--from", "2026-02-28", "--to", "2026-02-01"], "end date is before the start date"),
    (["--from", "2026-02-30", "--to", "2026-03-01"], "Start date must be a date"),
    (["--from", "01/02/2026", "--to", "2026-03-01"], "YYYY-MM-DD"),
    ([*PERIOD, "--team", "Team Z"], "no team called 'Team Z'"),
])
def test_report_refuses_a_bad_period_or_unknown_team_in_one_line(chapter_db, tmp_path, args,
                                                                  words):
    out = tmp_path / "r.html"
    result = run("--db", str(chapter_db), *args, "--out", str(out))
    assert result.exit_code != 0
    assert words in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert not out.exists()


@pytest.mark.parametrize("where", ["missing_folder", "a_directory", "under_a_file"])
def test_report_refuses_a_path_it_cannot_write(chapter_db, tmp_path, where):
    (tmp_path / "file.txt").write_text("x")
    out = {"missing_folder": tmp_path / "nope" / "r.html",
           "a_directory": tmp_path,
           "under_a_file": tmp_path / "file.txt" / "r.html"}[where]
    result = run("--db", str(chapter_db), *PERIOD, "--out", str(out))
    assert result.exit_code != 0
    assert result.stderr.startswith(f"error: cannot write {out}")
    assert result.stderr.count("\n") == 1


def test_a_database_with_several_chapters_needs_chapter(chapter_db, chapter, tmp_path):
    second = roster.create_chapter(chapter.db, "Second Chapter")
    roster.bootstrap_admin(chapter.db, second, MemberDraft("Sec Admin", "sec@example.org"))
    out = tmp_path / "r.md"
    result = run("--db", str(chapter_db), *PERIOD, "--format", "md", "--out", str(out))
    assert result.exit_code != 0 and "--chapter" in result.stderr
    result = run("--db", str(chapter_db), *PERIOD, "--chapter", "test chapter", "--format", "md",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# Test Chapter")


@pytest.mark.slow
def test_python_dash_m_allyship_report_runs_end_to_end(chapter_db, tmp_path):
    out = tmp_path / "q.html"
    done = subprocess.run([sys.executable, "-m", "allyship", "report", "--db", str(chapter_db),
                           *PERIOD, "--format", "html", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "<svg" in out.read_text()


def test_a_period_with_no_complete_programme_week_is_refused_in_words(chapter_db, tmp_path):
    out = tmp_path / "early.md"
    # The conftest programme began on 5 Jan 2026; December holds none of it.
    result = run("--db", str(chapter_db), "--from", "2025-12-01", "--to", "2025-12-31",
                 "--format", "md", "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert "no complete week of the programme, which began on 05 Jan 2026" in result.output


@pytest.mark.slow
def test_the_html_report_command_never_imports_altair(chapter_db, tmp_path):
    """Altair (~0.3 s to import) defines the charts, but the command fills in templates
    generated from it (allyship/chart_templates.json) instead (issue 13: the report command
    as a whole process)."""
    out = tmp_path / "q.html"
    script = ("import sys\n"
              "from allyship.cli import main\n"
              "main(sys.argv[1:], standalone_mode=False)\n"
              "print('altair' in sys.modules, 'allyship.charts.builders' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script, "report", "--db", str(chapter_db),
                           *PERIOD, "--format", "html", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "<svg" in out.read_text()
    assert done.stdout.splitlines()[-1] == "False False"


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--format", "html"], ["--format", "md"], ["--format", "csv"],
                                  ["--organisation", "--format", "html"]])
def test_the_report_command_goes_without_pyarrow_and_writes_the_same_bytes(chapter_db, tmp_path,
                                                                         args):
    """``python -m allyship report`` starts faster without pyarrow (pandas then keeps text
    in Python objects): the report is byte for byte the one written with pyarrow loaded."""
    def write(name: str, preload: str) -> tuple[bytes, str]:
        out = tmp_path / name
        script = (f"import runpy, sys\n{preload}\n"
                  "sys.argv = ['allyship', *sys.argv[1:]]\n"
                  "runpy.run_module('allyship', run_name='__main__', alter_sys=True)\n")
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", script, "report",
                               "--db", str(chapter_db), *PERIOD, *args, "--out", str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return out.read_bytes(), done.stderr

    without, imported = write("without", "")
    assert "pyarrow.lib" not in imported  # the compiled core every use of pyarrow loads
    with_pyarrow, imported = write("with", "import pyarrow")
    assert "pyarrow.lib" in imported
    assert without == with_pyarrow
