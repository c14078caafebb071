"""The Admin page in a chapter of many members: it searches and pages, drawing one page
of members (never a table or a picker of the whole chapter); the set-up checklist ticks
itself; set-up codes go to many members at once (by email, or on a printable sheet)."""

from __future__ import annotations

import pytest
from apptest_helpers import open_admin_tab, open_as, persona

from allyship.core.models import Member
from allyship.people import member_directory, passwords, roster, setup_checklist
from allyship.reports import setup_code_sheet
from allyship.rhythm import mail, nudges
from allyship.transfer import csv_import

EXTRA = 130


def add_many(path) -> list[Member]:
    db, admin = persona(path, "admin")
    rows = "".join(f"Zed Bulk {i:03d},zed.bulk{i:03d}@example.org\n" for i in range(EXTRA))
    added = csv_import.bulk_add_members(db, admin, "name,email\n" + rows)
    db.conn.close()
    return added


def no_mail(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(mail.SMTP_URL_ENV, raising=False)
    monkeypatch.setenv(mail.SECRETS_ENV, str(tmp_path / "absent.toml"))


def test_the_directory_pages_and_searches_in_sql(demo_db):
    add_many(demo_db)
    db, admin = persona(demo_db, "admin")
    total = db["members"].count_where("chapter_id = ?", [admin.chapter_id])
    first = member_directory.find_members(db, admin)
    assert first.matching == total and len(first.rows) == member_directory.PAGE_SIZE
    assert first.pages == -(-total // member_directory.PAGE_SIZE)
    last = member_directory.find_members(db, admin, page=999)  # clamped to the last page
    assert last.page == last.pages and last.last == total
    found = member_directory.find_members(db, admin, query="bulk 077")
    assert [r.email for r in found.rows] == ["zed.bulk077@example.org"]
    assert member_directory.find_members(db, admin, query="100%").matching == 0  # % is literal
    counts = member_directory.chapter_counts(db, admin)
    assert counts.members == total and counts.without_password >= EXTRA
    db.conn.close()


def test_the_admin_page_shows_one_page_of_members_and_finds_anyone(demo_db):
    add_many(demo_db)
    at = open_as(demo_db, "admin", "pages/admin.py")
    assert not at.exception and not at.error
    shown = at.table[0].value
    assert len(shown) == member_directory.PAGE_SIZE
    # No picker holds the chapter: every selectbox offers at most a page of members.
    assert max(len(s.options) for s in at.selectbox) <= member_directory.PAGE_SIZE + 1
    assert any(c.value.startswith("Members 1–50 of") for c in at.caption)
    at.button(key="admin_members_next").click().run()
    second = at.table[0].value
    assert len(second) == member_directory.PAGE_SIZE
    assert not set(second["Email"]) & set(shown["Email"])  # the next page, not the same
    assert any(c.value.startswith("Members 51–100 of") for c in at.caption)
    at.text_input(key="admin_members_search").input("zed.bulk129").run()
    assert list(at.table[0].value["Name"]) == ["Zed Bulk 129"]  # back to page 1
    assert len(at.selectbox(key="admin_member_pick").options) == 1
    db, _ = persona(demo_db, "admin")
    zed = roster.find_member_by_email(db, "zed.bulk129@example.org")
    assert at.selectbox(key="admin_member_pick").value == zed.id
    at.text_input(key="admin_members_search").input("nobody-has-this-name").run()
    assert at.table[0].value.empty
    assert any("Nobody matches" in c.value for c in at.caption)
    db.conn.close()


def test_the_set_up_checklist_ticks_itself_as_the_chapter_is_set_up(chapter):
    db, admin = chapter.db, chapter.admin
    before = {s.key: s.done for s in setup_checklist.setup_checklist(
        db, admin, mail_configured=False).steps}
    assert before == {"place": False, "teams": True, "members": True, "codes": False,
                      "reminders": False}
    nudges.save_chapter_settings(db, admin, time_zone="Europe/Dublin",
                                 public_url="https://ally.example.org")
    for m in roster.list_members(db, admin.chapter_id):
        passwords.issue_setup_code(db, admin, m.id)
    nudges.save_setting(db, chapter.member, "reminder", enabled=True, weekday=4, hour=17)
    after = setup_checklist.setup_checklist(db, admin, mail_configured=True)
    assert after.complete and after.done == 5


def test_the_admin_page_draws_the_checklist_open_until_it_is_done(demo_db, monkeypatch,
                                                                 tmp_path):
    no_mail(monkeypatch, tmp_path)
    at = open_as(demo_db, "admin", "pages/admin.py")
    checklist = at.expander[0]
    assert checklist.label.startswith("Set up your chapter:")
    text = " ".join(m.value for m in checklist.markdown)
    assert "Create the teams** (done)" in text and "Set up weekly reminders** (to do)" in text


def test_a_new_chapters_admin_lands_on_my_week_with_the_checklist_and_others_do_not(
        demo_db, monkeypatch, tmp_path):
    no_mail(monkeypatch, tmp_path)
    admin_week = open_as(demo_db, "admin", "pages/my_week.py")
    assert admin_week.expander[0].label.startswith("Set up your chapter:")
    lead_week = open_as(demo_db, "lead", "pages/my_week.py")
    assert not any(e.label.startswith("Set up") for e in lead_week.expander)


def checklist_text(at) -> str:
    return " ".join(m.value for m in at.expander[0].markdown)


def test_codes_for_everyone_without_one_on_a_printable_sheet(demo_db, monkeypatch, tmp_path):
    no_mail(monkeypatch, tmp_path)
    add_many(demo_db)
    db, admin = persona(demo_db, "admin")
    waiting = member_directory.member_ids(db, admin, only="no_password")
    at = open_as(demo_db, "admin", "pages/admin.py")
    open_admin_tab(at, "Sign-in codes")
    assert "Give everyone a way to sign in** (to do)" in checklist_text(at)
    at.radio(key="codes_whom").set_value("everyone")
    at.button(key="FormSubmitter:many_codes-Issue the codes").click().run()
    assert not at.exception and not at.error
    # The checklist at the top already counts the codes just issued.
    assert "Give everyone a way to sign in** (done)" in checklist_text(at)
    assert any(f"Issued {len(waiting):,} set-up codes" in w.value for w in at.warning)
    codes = next(d.value for d in at.dataframe if "Code" in d.value.columns)
    assert len(codes) == len(waiting)
    row = codes[codes["Email"] == "zed.bulk005@example.org"].iloc[0]
    assert passwords.redeem_setup_code(db, row["Email"], row["Code"], "a long enough phrase")
    assert member_directory.member_ids(db, admin, only="no_password") == []
    db.conn.close()


def test_the_printable_sheet_escapes_names_and_holds_one_slip_per_code(chapter):
    issued = [passwords.issue_setup_code(chapter.db, chapter.admin, m.id)
              for m in roster.list_members(chapter.db, chapter.admin.chapter_id)]
    sheet = setup_code_sheet.sheet_html(issued, chapter="<Ours>", address="",
                                        issued_on=issued[0].expires_at)
    assert sheet.count('class="slip"') == len(issued) and "&lt;Ours&gt;" in sheet
    assert all(c.code in sheet for c in issued) and "<main>" in sheet


@pytest.mark.server
def test_codes_for_picked_members_are_emailed_through_a_real_smtp_server(demo_db,
                                                                        monkeypatch):
    from tests.smtp_server import smtp_server

    add_many(demo_db)
    with smtp_server() as inbox:
        monkeypatch.setenv(mail.SMTP_URL_ENV, inbox.url)
        at = open_as(demo_db, "admin", "pages/admin.py")
        open_admin_tab(at, "Sign-in codes")
        at.text_input(key="code_members_search").input("zed.bulk01").run()
        options = at.multiselect(key="codes_many_pick").options
        assert len(options) == 10  # Zed Bulk 010–019
        db, admin = persona(demo_db, "admin")
        picked = [roster.find_member_by_email(db, f"zed.bulk01{i}@example.org").id
                  for i in range(3)]
        at.multiselect(key="codes_many_pick").set_value(picked)
        at.button(key="FormSubmitter:many_codes-Email the codes").click().run()
        assert not at.exception and not at.error
        assert any("Emailed 3 set-up codes" in s.value for s in at.success)
        assert inbox.recipients() == [f"zed.bulk01{i}@example.org" for i in range(3)]
        message = inbox.to("zed.bulk011@example.org")[0]
        text = message.get_body(preferencelist=("plain",)).get_content()
        code = text.split("choose your password:", 1)[1].split()[0]
        assert passwords.redeem_setup_code(db, "zed.bulk011@example.org", code,
                                           "a long enough phrase")
        html = message.get_body(preferencelist=("html",)).get_content()
        assert 'name="viewport"' in html and "<main" in html and "<h1" in html
        db.conn.close()
