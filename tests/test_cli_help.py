"""The command line's help and its ``--chapter`` option: every command and subcommand
answers ``--help`` with a description, and ``--chapter`` takes a name or an id alike
on every command that looks a chapter up."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from allyship import cli
from allyship.core.models import ActionDraft, MemberDraft
from allyship.db import store
from allyship.people import roster
from allyship.practice import journal
from tests.cli_helpers import every_command
from tests.membership_helpers import belonged_all_along


EVERY_COMMAND = every_command()


def test_the_walk_finds_every_command_and_subcommand():
    names = {" ".join(p) for p, _ in EVERY_COMMAND}
    assert len([p for p, _ in EVERY_COMMAND if len(p) == 1]) >= 14
    assert {"demo", "init", "report", "import", "export", "backup", "check", "setup-code",
            "forget", "my-data", "retention run", "nudges run", "serve", "org grant",
            "org move-chapter", "org archive-chapter"} <= names


@pytest.mark.parametrize("path, command", EVERY_COMMAND,
                         ids=[" ".join(p) for p, _ in EVERY_COMMAND])
def test_every_command_answers_help_with_a_description(path, command):
    result = CliRunner().invoke(cli.main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    summary = " ".join((command.help or "").split()[:8])
    assert summary and summary in " ".join(result.output.split())
    for option in command.params:
        if isinstance(option, click.Option):
            assert option.help, f"{' '.join(path)} {option.opts[0]} has no help text"


CHAPTER_OPTION_TAKERS = [p for p, c in EVERY_COMMAND
                         if any("--chapter" in getattr(o, "opts", ()) for o in c.params)]


def test_the_commands_with_a_chapter_option_are_known():
    # ``init`` and ``org create-chapter`` name a chapter to create; every other
    # --chapter looks one up and is tested below by name and by id.
    assert set(CHAPTER_OPTION_TAKERS) == {
        ("init",), ("org", "create-chapter"), ("report",), ("import",),
        ("org", "move-chapter"), ("org", "archive-chapter")}


@pytest.fixture
def two_chapters(tmp_path: Path) -> Path:
    """A database with two chapters; the second, "Harbour Audubon", has five members
    who each logged an action in February."""
    path = tmp_path / "two.db"
    db = store.connect(path)
    for name, email in (("River Audubon", "river@example.org"),
                        ("Harbour Audubon", "harbour@example.org")):
        chapter = roster.create_chapter(db, name, started_on=date(2026, 1, 5))
        admin = roster.bootstrap_admin(db, chapter, MemberDraft("Ada " + name, email))
    people = [admin] + [roster.add_member(db, admin, MemberDraft(f"Member {i}",
                                                                 f"m{i}@example.org"))
                        for i in range(4)]
    for person in people:
        journal.log_action(db, person, ActionDraft(date(2026, 2, 3), "Listened", (2,),
                                                   visibility="chapter"),
                           today=date(2026, 3, 1))
    belonged_all_along(db)  # the members belonged before the weeks reported on
    from allyship.people import organisation

    organisation.create_region(db, None, "Coast", operator=True)
    db.conn.close()
    return path


def _by_name_and_by_id(two_chapters: Path, tmp_path: Path, args: list[str],
                       out_name: str | None = None):
    """Run the command on two copies of the database, once with ``--chapter`` as the
    name and once as the id; their outputs and the databases after them."""
    results = []
    for how, value in (("name", "Harbour Audubon"), ("id", "2")):
        path = tmp_path / f"{how}.db"
        shutil.copy(two_chapters, path)
        extra = ["--out", str(tmp_path / f"{how}-{out_name}")] if out_name else []
        result = CliRunner().invoke(cli.main, [*args, "--db", str(path), "--chapter", value,
                                               *extra])
        assert result.exit_code == 0, result.output
        db = store.connect(path)
        state = [tuple(r) for r in db.execute(
            "SELECT c.id, c.region_id, c.archived, m.email FROM chapters c"
            " LEFT JOIN members m ON m.chapter_id = c.id ORDER BY c.id, m.id")]
        file = (tmp_path / f"{how}-{out_name}").read_bytes() if out_name else None
        results.append((result.output.replace(str(path), "DB")
                        .replace(str(tmp_path / f"{how}-{out_name}"), "OUT"), state, file))
    return results


def test_report_takes_the_chapter_by_name_or_by_id(two_chapters, tmp_path):
    by_name, by_id = _by_name_and_by_id(
        two_chapters, tmp_path, ["report", "--from", "2026-02-01", "--to", "2026-02-28",
                                 "--format", "md"], out_name="r.md")
    assert by_name == by_id
    assert b"Harbour Audubon" in by_name[2]


def test_import_takes_the_chapter_by_name_or_by_id(two_chapters, tmp_path):
    members = tmp_path / "members.csv"
    members.write_text("name,email\nNew One,new.one@example.org\n")
    by_name, by_id = _by_name_and_by_id(two_chapters, tmp_path, ["import", str(members)])
    assert by_name == by_id
    assert (2, None, 0, "new.one@example.org") in by_name[1]


@pytest.mark.parametrize("args", [["org", "move-chapter", "--region", "Coast"],
                                  ["org", "archive-chapter"]])
def test_org_commands_take_the_chapter_by_name_or_by_id(two_chapters, tmp_path, args):
    by_name, by_id = _by_name_and_by_id(two_chapters, tmp_path, args)
    assert by_name == by_id
    assert by_name[1] != [tuple(r) for r in store.connect(two_chapters).execute(
        "SELECT c.id, c.region_id, c.archived, m.email FROM chapters c"
        " LEFT JOIN members m ON m.chapter_id = c.id ORDER BY c.id, m.id")]


@pytest.mark.parametrize("args", [
    ["report", "--from", "2026-02-01", "--to", "2026-02-28", "--format", "md", "--out", "x.md"],
    ["import", "MEMBERS"], ["org", "archive-chapter"]])
@pytest.mark.parametrize("value", ["9", "Nowhere"])
def test_a_chapter_that_is_neither_an_id_nor_a_name_is_one_clear_line(two_chapters, tmp_path,
                                                                       args, value):
    members = tmp_path / "members.csv"
    members.write_text("name,email\nNew One,new.one@example.org\n")
    args = [str(members) if a == "MEMBERS" else str(tmp_path / a) if a == "x.md" else a
            for a in args]
    result = CliRunner().invoke(cli.main, [*args, "--db", str(two_chapters),
                                           "--chapter", value])
    assert result.exit_code == 1
    assert f"no chapter called {value!r}" in result.output
    assert "'Harbour Audubon' (id 2)" in result.output


def test_an_all_digit_chapter_name_is_found_when_no_chapter_has_that_id(tmp_path):
    path = tmp_path / "digits.db"
    db = store.connect(path)
    chapter = roster.create_chapter(db, "2026", started_on=date(2026, 1, 5))
    roster.bootstrap_admin(db, chapter, MemberDraft("Ada Admin", "ada@example.org"))
    result = CliRunner().invoke(cli.main, ["org", "archive-chapter", "--db", str(path),
                                           "--chapter", "2026"])
    assert result.exit_code == 0 and "archived '2026'" in result.output
