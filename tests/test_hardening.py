"""Issue 12's hardening items, as specifications: hostile text stays text, every CSV
entry point reads files the same way and applies the same rules, tables don't export
live formulas, a full disk or read-only database costs one sentence and nothing typed,
and an admin corrects a member's name or email."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import shutil
import sqlite3
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest

from allyship.core import safe_text
from allyship.db import backup, storage_errors, store
from allyship.people import passwords, roster
from allyship.transfer import csv_files, csv_import, export
from allyship.core.models import MemberDraft, ValidationError
from apptest_helpers import ROOT, open_as, persona

# --- item 3: one neutraliser for text people typed ------------------------------------

# What Streamlit's Markdown (mdast-util-gfm-autolink-literal, in the installed
# StreamlitMarkdown bundle) runs over text *after* backslash escapes are resolved: a
# match becomes a live link. The first two are copied from that bundle.
_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.I | re.A)
_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A)
_SHORTCODE = re.compile(r":[\w/+-]+:", re.A)  # remark-emoji, Streamlit's :material/…:
HOSTILE = ["[click](https://evil.example)", "![img](https://evil.example/x.png)",
           "https://evil.example/bare", "WWW.evil.example", "mallory@evil.example",
           "<img src=x onerror=alert(1)>", "[d](data:text/html;base64,PHA+)",
           "<https://evil.example>", ":red[alarm] :material/bolt: :smile:", "$x^2$",
           "# Heading\n- list\n> quote", "a\u202eevil", "line one\nline two"]


@pytest.mark.parametrize("typed", HOSTILE)
def test_inert_text_shows_as_typed_and_leaves_no_link_syntax(typed):
    md = safe_text.inert(typed)
    resolved = safe_text.shown(md)  # what Markdown makes of the escapes
    assert resolved == typed.replace("\u202e", "")  # bidi overrides dropped, rest as typed
    # Nothing the autolink pass could turn into a link, even after unescaping…
    text_node = re.sub(r"\\(.)", r"\1", md)
    assert not _URL.search(text_node) and not _EMAIL.search(text_node)
    assert not _SHORTCODE.search(text_node)
    # …and no unescaped Markdown or HTML syntax.
    for ch in "[]()<>!#*_`$":
        assert not re.search(r"(?<!\\)" + re.escape(ch), md), ch


def test_markdown_is_made_inert_by_one_function_only():
    from allyship.practice import tables

    assert not hasattr(tables, "escape_md")  # the old alias: every caller uses safe_text.inert
    assert safe_text.inert("www.x.org a@b.org") != "www.x.org a@b.org"


def test_admin_confirmations_show_a_hostile_name_as_text(demo_db):
    at = open_as(demo_db, "admin", "pages/admin.py")
    name = "Eve [x](https://evil.example) www.evil.example"
    at.text_input(key="add_member_name").input(name)
    at.text_input(key="add_member_email").input("eve@example.org")
    at.button(key="FormSubmitter:add_member-Add member").click().run()
    assert not at.exception
    shown = [s.value for s in at.success]
    assert shown and shown[0].startswith("Added " + safe_text.inert(name) + ".")
    at.text_input(key="create_team_name").input("Team https://evil.example")
    at.button(key="FormSubmitter:create_team-Create team").click().run()
    assert at.success[0].value == f"Created team {safe_text.inert('Team https://evil.example')}."


# --- items 5 and 6: one CSV reader, one validation -----------------------------------

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
    at.text_area(key="members_csv_text").input(
        "name,email\r" + "y" * 140_000 + ",huge@example.org\r")
    at.button(key="bulk_add").click().run()
    assert not at.exception
    assert "131,072 characters" in safe_text.shown(at.error[0].value)
    at.text_area(key="members_csv_text").input("name,email\rCr Only,cr.only@example.org\r")
    at.button(key="bulk_add").click().run()
    assert not at.exception and "Added 1 members." in at.success[0].value


# --- item 8: no live formulas through Streamlit's own table download ----------------

def test_streamlits_own_table_download_is_off_because_it_does_not_neutralise_formulas():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
    # Our own downloads neutralise instead.
    assert csv_files.csv_bytes(["c"], [['=HYPERLINK("https://evil.example")']]).splitlines()[1] \
        == b"\"'=HYPERLINK(\"\"https://evil.example\"\")\""


# --- item 9: disk full, read-only --------------------------------------------------

@contextlib.contextmanager
def small_disk(path: Path, size: str = "24m"):
    """A real tmpfs of ``size`` mounted at ``path``; skips where mounting is forbidden."""
    path.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(path)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path) -> None:
    """Write until the disk is full."""
    with open(disk / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    with contextlib.suppress(OSError):
        (disk / "filler").open("ab").write(b"\0" * 65536)


@contextlib.contextmanager
def read_only_view(source: Path, where: Path):
    """``source``'s folder mounted read-only at ``where`` (a real read-only file system:
    the tests run as root, whom file permissions do not stop)."""
    where.mkdir()
    try:
        done = subprocess.run(["mount", "--bind", str(source), str(where)],
                              capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({done.stderr.strip() or 'not root'})")
    try:
        ro = subprocess.run(["mount", "-o", "remount,bind,ro", str(where)],
                            capture_output=True, text=True)
        if ro.returncode != 0:
            pytest.skip(f"cannot make a read-only mount here ({ro.stderr.strip()})")
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_database_shows_one_sentence_not_a_traceback(
        demo_template, tmp_path, monkeypatch, caplog):
    (tmp_path / "rw").mkdir()
    shutil.copy(demo_template, tmp_path / "rw" / "app.db")
    with read_only_view(tmp_path / "rw", tmp_path / "ro") as ro:
        monkeypatch.setenv("ALLYSHIP_DB", str(ro / "app.db"))
        from streamlit.testing.v1 import AppTest
        from apptest_helpers import APP

        at = AppTest.from_file(APP, default_timeout=60)
        with caplog.at_level(logging.ERROR, logger="allyship.storage"):
            at.run()
        assert not at.exception
        assert [e.value for e in at.error] == [storage_errors.CANNOT_OPEN]
        assert "unable to open database file" in caplog.text


def test_a_backup_or_export_that_fills_the_disk_leaves_nothing_half_written(
        demo_template, tmp_path):
    with small_disk(tmp_path / "disk", "4m") as disk:
        fill(disk)
        with pytest.raises(sqlite3.OperationalError, match="full"):
            backup.backup(demo_template, disk / "backup.db")
        db = store.connect(demo_template)
        with pytest.raises(OSError):
            export.export_dir(db, disk / "export")
        with pytest.raises(OSError):
            export.export_zip_file(db, disk / "export.zip")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


# --- item 11: an admin corrects a member's name or email ----------------------------

def test_an_admin_corrects_a_members_email_audited_and_the_old_one_stops_signing_in(chapter):
    db = chapter.db
    issued = passwords.issue_setup_code(db, chapter.admin, chapter.member.id)
    passwords.redeem_setup_code(db, "mo@example.org", issued.code, "a long enough passphrase")
    assert passwords.sign_in_with_password(db, "mo@example.org",
                                           "a long enough passphrase").id == chapter.member.id
    fixed = roster.correct_member(db, chapter.admin, chapter.member.id,
                                  name=" Mo Membre ", email="Mo.New@Example.org")
    assert (fixed.name, fixed.email) == ("Mo Membre", "mo.new@example.org")
    assert roster.find_member_by_email(db, "mo@example.org") is None  # single sign-on too
    with pytest.raises(passwords.SignInFailed):
        passwords.sign_in_with_password(db, "mo@example.org", "a long enough passphrase")
    assert passwords.sign_in_with_password(db, "mo.new@example.org",
                                           "a long enough passphrase").id == chapter.member.id
    entry = db.execute("SELECT actor_id, details FROM audit_log WHERE table_name = 'members'"
                       " AND record_id = ? ORDER BY id DESC LIMIT 1", [chapter.member.id]
                       ).fetchone()
    assert entry[0] == chapter.admin.id and '"mo@example.org"' in entry[1]


def test_correcting_an_email_refuses_someone_elses_and_non_admins(chapter):
    with pytest.raises(ValidationError):
        roster.correct_member(chapter.db, chapter.admin, chapter.member.id,
                              name="Mo", email="lee@example.org")
    with pytest.raises(ValidationError):
        roster.correct_member(chapter.db, chapter.admin, chapter.member.id,
                              name="Mo\x00", email="mo@example.org")
    from allyship.core.access import PermissionDenied
    with pytest.raises(PermissionDenied):
        roster.correct_member(chapter.db, chapter.lead, chapter.member.id,
                              name="Mo", email="mo@example.org")


def test_the_admin_page_corrects_a_name_and_email(demo_db):
    db, robin = persona(demo_db, "member")
    at = open_as(demo_db, "admin", "pages/admin.py")
    at.selectbox(key="admin_member_pick").select(robin.id).run()
    at.text_input(key=f"member_name_{robin.id}").input("Robin O.")
    at.text_input(key=f"member_email_{robin.id}").input("robin.o@demo.example.org")
    at.button(key=f"FormSubmitter:member_details_{robin.id}-Save name and email").click().run()
    assert not at.exception and not at.error
    assert roster.get_member(db, robin.id).email == "robin.o@demo.example.org"


# --- issue 13 item 3: Import & export builds nothing until asked --------------------

def test_import_and_export_page_builds_no_export_until_the_button_is_pressed(
        demo_db, monkeypatch):
    built: list[int] = []
    real = export.write_export_zip
    monkeypatch.setattr(export, "write_export_zip",
                        lambda *a, **k: built.append(1) or real(*a, **k))
    at = open_as(demo_db, "admin", "pages/data.py")
    assert at.title[0].value == "Import & export" and not at.exception
    assert built == []
    # What the button runs when pressed: the whole chapter export, as a zip.
    _, admin = persona(demo_db, "admin")
    data = export.chapter_export_download(demo_db, admin.id)()
    assert built == [1]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {"manifest.json", "members.csv", "teams.csv"} <= set(z.namelist())


def test_the_export_download_rechecks_that_the_member_is_still_an_admin(chapter, tmp_path):
    from allyship.core.access import PermissionDenied

    path = tmp_path / "c.db"
    chapter.db.conn.execute(f"VACUUM INTO '{path}'")
    with pytest.raises(PermissionDenied):
        export.chapter_export_download(path, chapter.lead.id)()


def test_the_streamed_export_is_the_same_as_the_one_built_in_memory(chapter, tmp_path):
    db = chapter.db
    roster.add_member(db, chapter.admin, MemberDraft("=HYPERLINK(1)", "f@example.org"))
    in_memory = export.export_files(db, chapter_id=chapter.chapter.id)
    with zipfile.ZipFile(io.BytesIO(export.chapter_export_zip(db, chapter.admin))) as z:
        streamed = {n: z.read(n) for n in z.namelist()}
    strip = lambda b: re.sub(rb'"exported_at": "[^"]+"', b"", b)  # noqa: E731
    assert {n: strip(b) for n, b in streamed.items()} == {n: strip(b) for n, b in in_memory.items()}
    assert b"'=HYPERLINK(1)" in streamed["members.csv"]
