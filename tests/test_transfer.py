"""Export, import and restore: all or nothing, no duplicates, no secrets, no formulas."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import date, timedelta

import pytest
from tests_paths import ROOT

from allyship.core import access
from allyship.core.models import ActionDraft, PlanDraft, PlanItemDraft, ReflectionDraft
from allyship.db import migrations, store
from allyship.people import roster
from allyship.practice import journal, plans
from allyship.rights import mydata
from allyship.transfer import csv_files, csv_import, export, restore

TODAY = date(2026, 6, 1)
SAMPLES = ROOT / "data" / "sample"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "allyship", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def actions_csv(n: int, email: str = "mo@example.org", bad_row: int | None = None,
                last_day: date = date(2026, 3, 28)) -> bytes:
    lines = ["email,date,what,responsibilities,kind,minutes,visibility"]
    for i in range(n):
        day = "2026-13-01" if i == bad_row else (last_day - timedelta(days=i % 28)).isoformat()
        lines.append(f"{email},{day},Did thing number {i},2;4,learning,30,private")
    return ("\n".join(lines) + "\n").encode("utf-8")


def count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- safe_cell --------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx",
                                  '=HYPERLINK("http://evil.example","click")', "'=1+1"])
def test_safe_cell_makes_formula_cells_start_with_an_apostrophe(text):
    cell = csv_files.safe_cell(text)
    assert cell.startswith("'") and cell[1:] == text
    assert csv_files.unsafe_cell(cell) == text


@pytest.mark.parametrize("value", ["plain words", "", "'quoted'", "a=b", 42, None, 3.5])
def test_safe_cell_leaves_ordinary_values_alone(value):
    assert csv_files.safe_cell(value) == value


# --- export -----------------------------------------------------------------------------

def rich_chapter(c):
    """A chapter with every kind of record, and text that is hard for CSV."""
    db = c.db
    hard = 'Line one, "quoted"\nline two — ünïcödé 🌱 עברית =SUM(A1)'
    journal.log_action(db, c.member, ActionDraft(date(2026, 3, 2), hard, (1, 2), "learning", 30,
                                                 "private"), today=TODAY)
    journal.log_action(db, c.member, ActionDraft(date(2026, 3, 3), "-starts with a minus", (5,),
                                                 "feedback", None, "chapter"), today=TODAY)
    gone = journal.log_action(db, c.other, ActionDraft(date(2026, 3, 4), "To be deleted", (8,)),
                              today=TODAY)
    journal.delete_action(db, c.other, gone.id)
    plans.save_plan(db, c.member, PlanDraft("Black birders", "'=quoted formula", items=(
        PlanItemDraft("learning_activity", "Reading circle"),
        PlanItemDraft("next_step", "Translate the flyer", date(2026, 7, 1)))), today=TODAY)
    plans.save_plan(db, c.member, PlanDraft("Black birders", "Revised motivation"), today=TODAY)
    journal.save_reflection(db, c.member, ReflectionDraft(date(2026, 3, 2), {5: hard}),
                            today=TODAY)
    journal.set_away(db, c.teammate, date(2026, 3, 9))
    db.execute("UPDATE members SET password_hash = 'SECRET-HASH-VALUE' WHERE id = ?", [c.admin.id])
    return hard


def table_contents(db, skip_audit_after: int | None = None) -> dict[str, list[tuple]]:
    out = {}
    for t in export.exported_tables(db):
        cols = export.exported_columns(db, t)
        rows = export.table_rows(db, t, cols)
        if t == "audit_log" and skip_audit_after is not None:
            rows = [r for r in rows if r[0] <= skip_audit_after]
        out[t] = rows
    return out


def test_export_writes_one_csv_per_table_and_a_manifest_without_secrets(chapter, tmp_path):
    rich_chapter(chapter)
    counts = export.export_dir(chapter.db, tmp_path / "out")
    files = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"chapters.csv", "teams.csv", "members.csv", "plans.csv", "plan_revisions.csv",
            "plan_items.csv", "actions.csv", "action_responsibilities.csv", "away_weeks.csv",
            "reflections.csv", "audit_log.csv", "manifest.json"} <= files
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["scope"] == "full" and manifest["schema_version"] == migrations.SCHEMA_VERSION
    assert counts["members"] == 5 and counts["actions"] == 2
    everything = b"".join(p.read_bytes() for p in (tmp_path / "out").iterdir())
    assert b"SECRET-HASH-VALUE" not in everything
    assert "password_hash" not in rows_of((tmp_path / "out" / "members.csv").read_bytes())[0]
    assert not any(n.startswith(("login", "setup_code", "meta")) for n in files)


def test_export_neutralises_spreadsheet_formulas_in_cells(chapter, tmp_path):
    rich_chapter(chapter)
    export.export_dir(chapter.db, tmp_path / "out")
    descriptions = [r["description"] for r in rows_of((tmp_path / "out" / "actions.csv")
                                                      .read_bytes())]
    assert "'-starts with a minus" in descriptions
    assert not any(d.startswith(csv_files.FORMULA_TRIGGERS) for d in descriptions)


def test_export_then_restore_into_a_new_database_gives_the_same_chapter(chapter, tmp_path):
    rich_chapter(chapter)
    before = table_contents(chapter.db)
    last_audit = max(r[0] for r in before["audit_log"])
    export.export_dir(chapter.db, tmp_path / "out")
    fresh = store.connect(tmp_path / "restored.db")
    report = restore.restore(fresh, restore.read_export(tmp_path / "out"))
    assert report.ok, report.errors
    assert table_contents(fresh, skip_audit_after=last_audit) == before
    # The restore itself is recorded, by the command-line operator.
    last = fresh.execute("SELECT action, actor_id FROM audit_log ORDER BY id DESC").fetchone()
    assert tuple(last) == ("restore", None)
    assert fresh.execute("PRAGMA foreign_key_check").fetchall() == []
    # Domain reads work on the restored data: the hard text survived byte for byte.
    robin = roster.get_member(fresh, chapter.member.id)
    assert journal.list_my_actions(fresh, robin)[-1].description.startswith("Line one")


@pytest.mark.slow
def test_the_demo_chapter_round_trips_through_export_and_restore(tmp_path):
    from allyship import demo

    demo.create_demo_database(tmp_path / "demo.db", today=TODAY)
    src = store.connect(tmp_path / "demo.db")
    before = table_contents(src)
    export.export_dir(src, tmp_path / "out")
    fresh = store.connect(tmp_path / "new.db")
    assert restore.restore(fresh, restore.read_export(tmp_path / "out")).ok
    assert table_contents(fresh, skip_audit_after=0)["actions"] == before["actions"]
    assert table_contents(fresh, skip_audit_after=0) == {**before, "audit_log": []}
    assert store.is_demo(fresh)


def test_a_restore_gives_partners_links_new_secrets_so_old_links_stop_working(tmp_path):
    from allyship import demo

    demo.create_demo_database(tmp_path / "demo.db", today=TODAY)
    src = store.connect(tmp_path / "demo.db")
    old = {r[0] for r in src.execute("SELECT token_hash FROM community_partner_asks")}
    export.export_dir(src, tmp_path / "out")
    assert not any(h in (tmp_path / "out" / "community_partner_asks.csv").read_text()
                   for h in old)
    fresh = store.connect(tmp_path / "new.db")
    assert restore.restore(fresh, restore.read_export(tmp_path / "out")).ok
    new = [r[0] for r in fresh.execute("SELECT token_hash FROM community_partner_asks")]
    assert len(new) == len(old) > 0 and not set(new) & old and len(set(new)) == len(new)


def test_restore_refuses_a_database_that_already_holds_data(chapter, tmp_path):
    export.export_dir(chapter.db, tmp_path / "out")
    before = count(chapter.db, "members")
    report = restore.restore(chapter.db, restore.read_export(tmp_path / "out"))
    assert not report.ok and "not empty" in report.errors[0].reason
    assert count(chapter.db, "members") == before


def test_restore_with_a_broken_reference_writes_nothing_and_names_the_row(chapter, tmp_path):
    rich_chapter(chapter)
    export.export_dir(chapter.db, tmp_path / "out")
    path = tmp_path / "out" / "actions.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    rows[2][1] = "999"  # member_id of the second action: nobody
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    fresh = store.connect(tmp_path / "new.db")
    report = restore.restore(fresh, restore.read_export(tmp_path / "out"))
    assert not report.ok
    assert any(e.row == 3 and "actions.csv" in e.column and "FOREIGN KEY" in e.reason
               for e in report.errors)
    assert all(count(fresh, t) == 0 for t in ("chapters", "members", "actions"))


def test_restore_refuses_the_admins_chapter_export(chapter, tmp_path):
    data = export.chapter_export_zip(chapter.db, chapter.admin)
    (tmp_path / "x.zip").write_bytes(data)
    fresh = store.connect(tmp_path / "new.db")
    report = restore.restore(fresh, restore.read_export(tmp_path / "x.zip"))
    assert not report.ok and "full export" in report.errors[0].reason
    assert count(fresh, "chapters") == 0


def test_the_chapter_export_leaves_out_private_entries_and_their_audit_words(chapter):
    hard = rich_chapter(chapter)
    with zipfile.ZipFile(io.BytesIO(export.chapter_export_zip(chapter.db, chapter.admin))) as z:
        names = set(z.namelist())
        text = b"".join(z.read(n) for n in names).decode("utf-8-sig", errors="replace")
        actions = rows_of(z.read("actions.csv"))
        assert json.loads(z.read("manifest.json"))["scope"] == "chapter"
    assert [a["visibility"] for a in actions] == ["chapter"]
    assert "Line one" not in text and "To be deleted" not in text and hard not in text
    assert "plans.csv" not in names and "away_weeks.csv" not in names
    assert "SECRET-HASH-VALUE" not in text and "audit_log.csv" in names


def test_only_an_admin_downloads_the_chapter_export(chapter):
    with pytest.raises(access.PermissionDenied):
        export.chapter_export_zip(chapter.db, chapter.lead)


def test_a_member_downloads_all_of_their_own_data_and_nobody_elses(chapter):
    hard = rich_chapter(chapter)
    journal.log_action(chapter.db, chapter.teammate, ActionDraft(
        date(2026, 3, 2), "Teammate private words", (3,)), today=TODAY)
    with zipfile.ZipFile(mydata.zip_file(chapter.db, chapter.member)) as z:
        names = set(z.namelist())
        actions = rows_of(z.read("actions.csv"))
        revisions = rows_of(z.read("plan_revisions.csv"))
        reflections = rows_of(z.read("reflections.csv"))
        everything = b"".join(z.read(n) for n in names).decode("utf-8-sig")
    assert {"profile.csv", "plan.csv", "plan_items.csv", "plan_revisions.csv", "actions.csv",
            "reflections.csv", "weeks_away.csv", "README.txt"} <= names
    assert [csv_files.unsafe_cell(a["description"]) for a in actions][0] == hard
    assert actions[0]["responsibilities"] == "1;2"
    assert len(revisions) == 1 and reflections[0]["answer"] == csv_files.safe_cell(hard)
    assert "Teammate private words" not in everything and "ada@example.org" not in everything


# --- import of one CSV --------------------------------------------------------------------

def test_one_bad_row_among_500_writes_nothing_and_names_the_row(chapter):
    before = count(chapter.db, "actions")
    report = csv_import.import_csv(chapter.db, chapter.admin, actions_csv(500, bad_row=250),
                                 today=TODAY)
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(252, "date")]
    assert "YYYY-MM-DD" in report.errors[0].reason
    assert count(chapter.db, "actions") == before
    assert count(chapter.db, "action_responsibilities") == 0


def test_the_same_file_imported_twice_is_stored_once(chapter):
    data = actions_csv(500)
    first = csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY)
    second = csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY)
    assert (first.created, first.skipped) == (500, 0)
    assert (second.created, second.skipped) == (0, 500)
    assert count(chapter.db, "actions") == 500
    assert count(chapter.db, "action_responsibilities") == 1000


def test_identical_rows_in_one_file_are_two_actions_and_still_import_once(chapter):
    data = ("email,date,what,responsibilities\n" + "mo@example.org,2026-03-02,Walk,2\n" * 2
            ).encode()
    assert csv_import.import_csv(chapter.db, None, data, today=TODAY).created == 2
    assert csv_import.import_csv(chapter.db, None, data, today=TODAY).created == 0
    assert count(chapter.db, "actions") == 2


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(chapter):
    audit_before, version = count(chapter.db, "audit_log"), store.data_version(chapter.db)
    report = csv_import.import_csv(chapter.db, chapter.admin, actions_csv(20), dry_run=True,
                                 today=TODAY)
    assert report.ok and report.created == 20 and report.dry_run and not report.written
    assert "would be added" in report.summary()
    assert count(chapter.db, "actions") == 0
    assert count(chapter.db, "audit_log") == audit_before
    assert store.data_version(chapter.db) == version


def test_the_progress_callback_reaches_the_end(chapter):
    seen: list[tuple[int, int]] = []
    csv_import.import_csv(chapter.db, chapter.admin, actions_csv(300), today=TODAY,
                        progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (300, 300) and 3 <= len(seen) <= 110
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_imported_actions_are_recorded_as_imported_by_the_admin(chapter):
    csv_import.import_csv(chapter.db, chapter.admin, actions_csv(2), today=TODAY)
    rows = chapter.db.execute("SELECT actor_id, action, table_name FROM audit_log"
                              " WHERE table_name = 'actions' ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [(chapter.admin.id, "create", "actions")] * 2 + \
        [(chapter.admin.id, "import", "actions")]


@pytest.mark.parametrize("cell, numbers", [
    ("2;4", (2, 4)), ("2,4", (2, 4)), ("Listen more, speak less; Do our own research", (2, 4)),
    ("4. Do our own research", (4,)), (" receive CRITICISM ", (5,)), ("8;8", (8,))])
def test_responsibilities_are_read_as_numbers_or_short_titles(cell, numbers):
    assert csv_import.parse_responsibilities(cell) == numbers


@pytest.mark.parametrize("cell", ["9", "Be an ally", "2;;x"])
def test_unknown_responsibilities_are_refused_with_a_reason(cell):
    with pytest.raises(ValueError, match="use numbers 1–8"):
        csv_import.parse_responsibilities(cell)


def test_each_bad_cell_is_reported_by_row_and_column(chapter):
    data = ("email,date,what,responsibilities,kind,minutes,visibility\n"
            "nobody@example.org,2026-03-02,Walk,2,learning,30,private\n"
            "mo@example.org,2030-01-01,Future,2,learning,30,private\n"
            "mo@example.org,1999-01-01,Far past,2,learning,30,private\n"
            "mo@example.org,2026-03-02,   ,2,learning,30,private\n"
            "mo@example.org,2026-03-02,Walk,12,partying,-5,everyone\n").encode()
    report = csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY)
    got = {(e.row, e.column) for e in report.errors}
    assert got == {(2, "email"), (3, "date"), (4, "date"), (5, "what"), (6, "responsibilities"),
                   (6, "kind"), (6, "minutes"), (6, "visibility")}
    assert count(chapter.db, "actions") == 0


def test_a_latin1_file_is_read_as_windows_1252_with_a_note(chapter):
    data = "name,email,role,team\nJosé Müller,jose@example.org,member,Équipe\n".encode("latin-1")
    report = csv_import.import_csv(chapter.db, chapter.admin, data)
    assert report.ok and report.created == 1
    assert any("Windows-1252" in n for n in report.notes)
    assert roster.find_member_by_email(chapter.db, "jose@example.org").name == "José Müller"
    assert roster.find_team_by_name(chapter.db, chapter.chapter.id, "Équipe") is not None


def test_a_utf8_file_with_a_byte_order_mark_imports_without_a_note(chapter):
    data = "name,email\nZoë 🌱,zoe@example.org\n".encode("utf-8-sig")
    report = csv_import.import_csv(chapter.db, chapter.admin, data)
    assert report.ok and report.notes == [] and report.kind == "members"
    assert roster.find_member_by_email(chapter.db, "zoe@example.org").name == "Zoë 🌱"


def test_a_utf16_file_from_excel_imports(chapter):
    data = "name\temail\nAnaïs\tanais@example.org\n".encode("utf-16")
    report = csv_import.import_csv(chapter.db, chapter.admin, data)
    assert report.ok and report.created == 1


def test_bytes_that_are_no_known_text_encoding_fail_with_a_clear_message(chapter):
    data = b"name,email\n\x81\x8d\x8f,x@example.org\n"
    report = csv_import.import_csv(chapter.db, chapter.admin, data)
    assert not report.ok and "CSV UTF-8" in report.errors[0].reason
    assert count(chapter.db, "members") == 5


@pytest.mark.parametrize("data, words", [
    (b"", "empty"), (b"   \n\n", "empty"), (b"colour,size\nred,3\n", "Cannot tell"),
    (b"email,what\nmo@example.org,x\n", "needs a column named 'date'"),
    (b"name,email\nA,a@example.org,extra,cells\n", "cells but the header"),
])
def test_malformed_files_get_a_reason_and_write_nothing(chapter, data, words):
    report = csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY)
    assert not report.ok and words in " ".join(e.reason for e in report.errors)
    assert count(chapter.db, "members") == 5


def test_members_are_matched_by_email_and_new_teams_created(chapter):
    data = ("name,email,role,team\n"
            "Mo Member,MO@example.org,member,Team A\n"
            "New Person,new@example.org,Team lead,Team C\n"
            "Other New,other.new@example.org,,team c\n").encode()
    report = csv_import.import_csv(chapter.db, chapter.admin, data)
    assert report.ok and (report.created, report.skipped) == (2, 1)
    new = roster.find_member_by_email(chapter.db, "new@example.org")
    other = roster.find_member_by_email(chapter.db, "other.new@example.org")
    assert new.role == "lead" and other.role == "member" and new.team_id == other.team_id
    assert roster.get_team(chapter.db, new.team_id).name == "Team C"
    assert csv_import.import_csv(chapter.db, chapter.admin, data).created == 0


def test_a_member_twice_in_one_file_is_reported_on_the_second_row(chapter):
    data = b"name,email\nA,a@example.org\nB,A@example.org\n"
    report = csv_import.import_csv(chapter.db, chapter.admin, data)
    assert [(e.row, e.column) for e in report.errors] == [(3, "email")]


def test_plans_import_once_and_never_overwrite_a_members_own_plan(chapter):
    data = ("email,focus_group,motivation,learning_activity,next_step,due,done\n"
            "mo@example.org,Black birders,Because,Reading circle,Translate flyer,2026-07-01,\n"
            "mo@example.org,,,,Visit the centre,,2026-05-01\n").encode()
    first = csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY)
    assert first.ok and first.created == 1
    plan = plans.get_plan(chapter.db, chapter.member)
    assert plan.focus_group == "Black birders" and len(plan.next_steps) == 2
    assert plan.next_steps[1].done_on == date(2026, 5, 1)
    assert csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY).skipped == 1
    changed = data.replace(b"Because", b"Other words")
    report = csv_import.import_csv(chapter.db, chapter.admin, changed, today=TODAY)
    assert not report.ok and "already has a plan" in report.errors[0].reason
    assert plans.get_plan(chapter.db, chapter.member).motivation == "Because"


def test_a_plan_row_with_a_date_but_no_next_step_is_refused(chapter):
    data = b"email,focus_group,next_step,due\nmo@example.org,X,,2026-07-01\n"
    report = csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY)
    assert [(e.row, e.column) for e in report.errors] == [(2, "next_step")]


def test_only_an_admin_imports_in_the_app(chapter):
    with pytest.raises(access.PermissionDenied):
        csv_import.import_csv(chapter.db, chapter.lead, actions_csv(1), today=TODAY)


def test_the_sample_templates_import_cleanly_into_a_new_chapter(db):
    roster.create_chapter(db, "Sample Chapter", started_on=date(2026, 1, 5))
    for kind in csv_import.KINDS:
        report = csv_import.import_csv(db, None, SAMPLES / f"{kind}.csv", today=TODAY)
        assert report.ok and report.kind == kind and report.created > 0, report.errors
    assert count(db, "members") == 5 and count(db, "actions") == 4 and count(db, "plans") == 2


# --- the command line -----------------------------------------------------------------------

@pytest.mark.slow
def test_cli_export_then_import_into_a_new_file_restores_the_chapter(chapter, tmp_path):
    rich_chapter(chapter)
    src = chapter.db.execute("PRAGMA database_list").fetchone()[2]
    out = cli("export", "--db", src, "--out", str(tmp_path / "exp"))
    assert out.returncode == 0, out.stderr
    res = cli("import", str(tmp_path / "exp"), "--db", str(tmp_path / "new.db"))
    assert res.returncode == 0, res.stderr
    fresh = store.connect(tmp_path / "new.db")
    assert count(fresh, "actions") == 2 and count(fresh, "members") == 5


@pytest.mark.slow
def test_cli_import_reports_bad_rows_and_exits_non_zero(chapter, tmp_path):
    src = chapter.db.execute("PRAGMA database_list").fetchone()[2]
    path = tmp_path / "actions.csv"
    path.write_bytes(actions_csv(5, bad_row=2))
    res = cli("import", str(path), "--db", src)
    assert res.returncode == 1 and "row 4, date" in res.stderr and "Nothing was imported" in res.stderr
    ok = tmp_path / "ok.csv"
    ok.write_bytes(actions_csv(5))
    dry = cli("import", str(ok), "--db", src, "--dry-run", "--kind", "actions")
    assert dry.returncode == 0 and "dry run" in dry.stdout and count(chapter.db, "actions") == 0


# --- the Data page and My plan's download, through AppTest ---------------------------------
# The persona is chosen through session state before the first run (see the note in
# test_page_admin.py: later runs execute the current page without the entry script).

@pytest.fixture
def app_db(tmp_path, monkeypatch):
    from allyship import demo

    path = tmp_path / "app.db"
    demo.create_demo_database(path)
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    return path


def open_as(path, role: str, page: str | None = None):
    from streamlit.testing.v1 import AppTest

    from allyship import demo

    db = store.connect(path)
    who = roster.find_member_by_email(db, demo.PERSONAS[role])
    db.conn.close()
    at = AppTest.from_file(str(ROOT / (page or "streamlit_app.py")), default_timeout=60)
    at.session_state["member_id"] = who.id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.slow
def test_the_data_page_is_for_admins_only(app_db):
    for role in ("member", "lead"):
        assert "pages/data.py" not in str(open_as(app_db, role)._registered_pages)
        at = open_as(app_db, role, "pages/data.py")  # opened by its path: refused
        assert "not available for your role" in at.error[0].value
        assert not at.get("download_button") and not at.get("file_uploader")
    at = open_as(app_db, "admin")
    at.switch_page("pages/data.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Import & export"
    labels = [b.label for b in at.get("download_button")]
    assert "Download chapter export (.zip)" in labels and "Members template" in labels


@pytest.mark.slow
def test_the_data_page_imports_a_file_and_shows_bad_rows_in_a_table(app_db):
    at = open_as(app_db, "admin")
    at.switch_page("pages/data.py").run()
    db = store.connect(app_db)
    before = count(db, "actions")
    email = "robin.member@demo.example.org"
    at.file_uploader[0].set_value(("actions.csv", actions_csv(30, email=email, bad_row=9,
                                                           last_day=date.today()),
                                   "text/csv"))
    next(c for c in at.checkbox if c.label.startswith("Check only")).uncheck()
    at.button[-1].click().run()
    assert not at.exception
    assert "Nothing was imported" in at.error[0].value
    table = at.dataframe[0].value
    assert list(table["Row"]) == [11] and list(table["Column"]) == ["date"]
    assert count(db, "actions") == before
    today = date.today().isoformat()
    good = f"email,date,what,responsibilities\n{email},{today},Imported walk,2\n".encode()
    at.file_uploader[0].set_value(("good.csv", good, "text/csv"))
    at.button[-1].click().run()
    assert not at.exception and not at.error
    assert "1 actions were added" in at.success[0].value
    assert count(db, "actions") == before + 1


@pytest.mark.slow
def test_my_plan_offers_all_my_data_as_a_zip(app_db):
    at = open_as(app_db, "member")
    at.switch_page("pages/my_plan.py").run()
    assert not at.exception
    at.switch_page("pages/account.py").run()  # one implementation: allyship.rights.mydata
    assert "Download my data (.zip)" in [b.label for b in at.get("download_button")]
