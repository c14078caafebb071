"""Every CSV entry point reads files the same way and applies the same rules, and no table
exports live spreadsheet formulas."""

from __future__ import annotations

import tomllib

import pytest
from apptest_helpers import ROOT, open_admin_tab, open_as

from allyship.core import safe_text
from allyship.core.models import ValidationError
from allyship.people import roster
from allyship.transfer import csv_files, csv_import

# --- one CSV reader, one validation -------------------------------------------------------

def _bulk_add(chapter, data):
    return csv_import.bulk_add_members(chapter.db, chapter.admin, data)


def test_add_from_csv_reads_excel_mac_cr_only_line_endings(chapter):
    data = b"name,email,role,team\rSam Cr,sam.cr@example.org,member,Team A\rKim Cr,kim.cr@example.org,,\r"
    added = _bulk_add(chapter, data)
    assert [m.name for m in added] == ["Sam Cr", "Kim Cr"]
    assert added[0].team_id == chapter.team_a


@pytest.mark.parametrize("entry", ["admin_text", "admin_bytes", "import"])
def test_a_cell_longer_than_the_csv_limit_is_a_clear_error_not_a_crash(chapter, entry):
    data = "name,email\n" + "x" * (csv_files.MAX_CELL_CHARS + 1) + ",big@example.org\n"
    before = chapter.db["members"].count
    if entry == "import":
        report = csv_import.import_csv(chapter.db, chapter.admin, data.encode(), kind="members")
        assert not report.ok and "131,072 characters" in report.errors[0].reason
    else:
        with pytest.raises(ValidationError) as exc:
            _bulk_add(chapter, data if entry == "admin_text" else data.encode())
        assert "131,072 characters" in " ".join(exc.value.errors.values())
    assert chapter.db["members"].count == before


def test_a_nul_byte_in_a_members_file_is_a_clear_error(chapter):
    with pytest.raises(ValidationError) as exc:
        _bulk_add(chapter, b"name,email\nNul\x00Person,nul@example.org\n")
    assert "NUL" in " ".join(exc.value.errors.values())


@pytest.mark.parametrize("team", ["Bad\x00Team", "Bell\x07", "Back\x08space",
                                  "\x1b[31mRed\x1b[0m"])
def test_the_members_import_refuses_team_names_the_forms_refuse(chapter, team):
    with pytest.raises(ValidationError):
        roster.create_team(chapter.db, chapter.admin, team)
    data = f"name,email,role,team\nNew One,new.one@example.org,member,{team}\n".encode()
    report = csv_import.import_csv(chapter.db, chapter.admin, data, kind="members")
    assert not report.ok and report.errors[0].column == "team"
    assert "control characters" in report.errors[0].reason
    assert chapter.db.execute("SELECT count(*) FROM teams WHERE name LIKE 'B%' OR name LIKE "
                              "'%Red%'").fetchone()[0] == 0


def test_the_members_import_stores_team_names_normalised_as_the_forms_do(chapter):
    decomposed = "Cafe\u0301 crew"  # "é" typed as e + combining accent
    data = f"name,email,team\nNew One,new.one@example.org,{decomposed}\n".encode()
    assert csv_import.import_csv(chapter.db, chapter.admin, data, kind="members").ok
    form = roster.create_team(chapter.db, chapter.admin, "Other " + decomposed)
    stored = {r[0] for r in chapter.db.execute("SELECT name FROM teams")}
    assert "Caf\u00e9 crew" in stored and form.name == "Other Caf\u00e9 crew"


def test_add_from_csv_page_shows_a_cr_only_file_added_and_a_huge_cell_refused(demo_db):
    at = open_as(demo_db, "admin", "pages/admin.py")
    open_admin_tab(at, "Add from CSV")
    at.text_area(key="members_csv_text").input(
        "name,email\r" + "y" * 140_000 + ",huge@example.org\r")
    at.button(key="bulk_add").click().run()
    assert not at.exception
    assert "131,072 characters" in safe_text.shown(at.error[0].value)
    at.text_area(key="members_csv_text").input("name,email\rCr Only,cr.only@example.org\r")
    at.button(key="bulk_add").click().run()
    assert not at.exception and "Added 1 member." in at.success[0].value


# --- no live formulas through Streamlit's own table download ------------------------------

def test_streamlits_own_table_download_is_off_because_it_does_not_neutralise_formulas():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
    # Our own downloads neutralise instead.
    assert csv_files.csv_bytes(["c"], [['=HYPERLINK("https://evil.example")']]).splitlines()[1] \
        == b"\"'=HYPERLINK(\"\"https://evil.example\"\")\""
