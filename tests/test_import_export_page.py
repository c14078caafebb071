"""The Import & export page builds nothing until its button is pressed."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from apptest_helpers import open_as, persona

from allyship.core.models import MemberDraft
from allyship.people import roster
from allyship.transfer import export

# --- Import & export builds nothing until asked -------------------------------------------

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


# --- Check only is ticked again after every import that wrote -----------------------------

def check_only(at):
    return next(c for c in at.checkbox if c.label.startswith("Check only"))


def test_check_only_is_ticked_again_after_an_import_that_wrote(demo_db):
    at = open_as(demo_db, "admin", "pages/data.py")
    assert check_only(at).value is True
    first = b"name,email\nFirst Import,first.import@example.org\n"
    at.file_uploader[0].set_value(("first.csv", first, "text/csv"))
    check_only(at).uncheck()
    at.button[-1].click().run()
    assert not at.exception and not at.error
    assert any("added" in s.value for s in at.success)
    db, _ = persona(demo_db, "admin")
    assert roster.find_member_by_email(db, "first.import@example.org")
    # The form starts again: ticked, no file chosen, so the next file is only checked.
    assert check_only(at).value is True and not at.file_uploader[0].value
    second = b"name,email\nSecond Import,second.import@example.org\n"
    at.file_uploader[0].set_value(("second.csv", second, "text/csv"))
    at.button[-1].click().run()
    assert any(s.value.startswith("Check passed") for s in at.success)
    assert roster.find_member_by_email(db, "second.import@example.org") is None
    db.conn.close()


def test_the_sample_members_file_goes_into_a_new_chapter_after_a_check(db, db_path,
                                                                        monkeypatch):
    from apptest_helpers import APP, ROOT
    from streamlit.testing.v1 import AppTest

    from allyship.people import passwords, sessions

    chapter = roster.create_chapter(db, "New Chapter")
    admin = roster.bootstrap_admin(db, chapter, MemberDraft("Jordan Haddad",
                                                            "jordan@example.org"))
    issued = passwords.issue_setup_code_for_operator(db, admin.email)
    passwords.redeem_setup_code(db, admin.email, issued.code, "correct horse battery")
    monkeypatch.setenv("ALLYSHIP_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["member_id"] = admin.id
    at.session_state["auth_mode"] = "password"  # signed in, as the sign-in page does
    at.session_state["session_id"] = sessions.start(db, admin).session_id
    at.run()
    at.switch_page("pages/data.py").run()
    sample = (ROOT / "data" / "sample" / "members.csv").read_bytes()
    at.file_uploader[0].set_value(("members.csv", sample, "text/csv"))
    at.button[-1].click().run()  # Check only, as the form starts
    assert not at.error
    assert any("would be created" in i.value for i in at.info)  # the teams, to confirm
    assert any(s.value.startswith("Check passed") and "1 already there" in s.value
               for s in at.success)  # the admin, who exists, is skipped with a note
    assert roster.list_teams(db, chapter.id) == []  # nothing written by the check
    at.file_uploader[0].set_value(("members.csv", sample, "text/csv"))
    check_only(at).uncheck()
    at.button[-1].click().run()
    assert not at.error and any("was created" in i.value for i in at.info)
    rows = sample.decode().strip().splitlines()[1:]
    assert len(roster.list_members(db, chapter.id)) == len(rows)
    assert check_only(at).value is True
