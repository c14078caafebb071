"""The Admin page and navigation per role through AppTest, and the privacy promise:
a member's private words never reach any page their lead or admin can open.

Note on AppTest (Streamlit 1.67): because this app has a ``pages/`` folder, every
``AppTest.run()`` after the first executes the current page directly, without the
entry script — so the demo persona is chosen through session state *before* the
first run (the picker starts on whoever ``member_id`` names), not by changing the
sidebar picker afterwards.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest_helpers import (
    ADMIN_TABS,
    APP,
    ROOT,
    all_text,
    open_admin_tab,
    open_as,
    open_log_tab,
    persona,
)
from streamlit.testing.v1 import AppTest

from allyship.core import safe_text
from allyship.core.models import ActionDraft, PlanDraft, ReflectionDraft, week_start
from allyship.db import store
from allyship.people import passwords, roster
from allyship.practice import journal, plans

MARKER_REFLECTION = "MARKER-PRIVATE-REFLECTION-7f3a"
MARKER_ACTION = "MARKER-PRIVATE-ACTION-2b8e"
MARKER_PLAN = "MARKER-PRIVATE-PLAN-c51d"
PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def nav_titles(at: AppTest) -> set[str]:
    # AppTest keeps the pages st.navigation registered in its last full run.
    return {info["page_name"] for info in at._registered_pages.values()}


def test_navigation_shows_each_role_only_its_pages(demo_db):
    member, lead, admin = (nav_titles(open_as(demo_db, r)) for r in ("member", "lead", "admin"))
    assert {"My week", "My plan", "Log actions", "Reflect", "Account"} <= member
    assert "Admin" not in member and "Admin" not in lead
    assert "Admin" in admin
    assert member < lead or member == lead  # a lead has every member page
    assert member <= admin


def run_page_directly(path: Path, role: str, page: str) -> AppTest:
    """Run one page's script as ``role`` without the navigation — what opening a page
    the navigation does not offer amounts to (Streamlit itself would show the default
    page instead; the page's own check is the second line of defence)."""
    db, m = persona(path, role)
    db.conn.close()
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60)
    at.session_state["member_id"] = m.id
    at.session_state["auth_mode"] = "demo"
    return at.run()


@pytest.mark.parametrize("role", ["member", "lead"])
def test_opening_the_admin_page_by_its_path_is_refused(demo_db, role):
    assert "pages/admin.py" not in str(open_as(demo_db, role)._registered_pages)
    at = run_page_directly(demo_db, role, "admin.py")
    assert not at.exception
    assert "not available for your role" in at.error[0].value
    assert not at.dataframe and not at.tabs and not at.text_input
    assert "@demo.example.org" not in all_text(at)  # no member list leaked


def test_the_admin_page_renders_the_chapter_for_its_admin(demo_db):
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Admin"
    members = at.table[0].value
    assert len(members) == 27 and set(members.columns) >= {"Name", "Email", "Role", "Active"}


def test_adding_a_member_on_the_admin_page_lands_in_the_database(demo_db):
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    at.text_input(key="add_member_name").input("Casey New")
    at.text_input(key="add_member_email").input("casey.new@example.org")
    at.selectbox(key="add_member_role").set_value("lead")
    at.button(key="FormSubmitter:add_member-Add member").click().run()
    assert not at.exception and not at.error
    db, admin = persona(demo_db, "admin")
    added = roster.find_member_by_email(db, "casey.new@example.org")
    assert added.role == "lead" and added.chapter_id == admin.chapter_id
    assert "Added Casey New" in at.success[0].value


def test_a_bad_new_member_shows_the_error_and_adds_nobody(demo_db):
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    before = store.connect(demo_db)["members"].count
    at.text_input(key="add_member_name").input("No Email")
    at.text_input(key="add_member_email").input("not-an-email")
    at.button(key="FormSubmitter:add_member-Add member").click().run()
    assert "does not look like an email" in at.error[0].value
    assert at.text_input(key="add_member_name").value == "No Email"  # what was typed is kept
    assert store.connect(demo_db)["members"].count == before


def test_an_error_quoting_typed_markdown_shows_it_as_typed_not_as_a_link(demo_db):
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    at.text_input(key="add_member_name").input("Mallory")
    at.text_input(key="add_member_email").input("[click](javascript:alert(1))")
    at.button(key="FormSubmitter:add_member-Add member").click().run()
    message = at.error[0].value
    assert safe_text.inert("[click](javascript:alert(1))") in message  # escaped Markdown
    assert "[click](" not in message


def test_changing_a_members_role_and_deactivating_them_on_the_admin_page(demo_db):
    db, robin = persona(demo_db, "member")
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    at.selectbox(key="admin_member_pick").set_value(robin.id).run()
    at.selectbox(key=f"member_role_{robin.id}").set_value("lead")
    at.checkbox(key=f"member_active_{robin.id}").uncheck()
    at.button(key=f"FormSubmitter:member_{robin.id}-Save member").click().run()
    assert not at.exception and not at.error
    after = roster.get_member(db, robin.id)
    assert after.role == "lead" and not after.active


def test_the_last_admin_cannot_demote_themselves_on_the_page(demo_db):
    db, admin = persona(demo_db, "admin")
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    at.selectbox(key="admin_member_pick").set_value(admin.id).run()
    at.selectbox(key=f"member_role_{admin.id}").set_value("member")
    at.button(key=f"FormSubmitter:member_{admin.id}-Save member").click().run()
    assert "last active admin" in at.error[0].value
    assert roster.get_member(db, admin.id).role == "admin"


def test_bulk_add_on_the_admin_page_lists_row_errors_and_adds_nobody(demo_db):
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    open_admin_tab(at, "Add from CSV")
    at.text_area(key="members_csv_text").input(
        "name,email,team\nGood One,good.one@example.org,\nBad Team,bad.team@example.org,Nowhere\n")
    at.button(key="bulk_add").click().run()
    assert "Nobody was added" in at.error[0].value and "line 3" in at.error[0].value
    assert roster.find_member_by_email(store.connect(demo_db), "good.one@example.org") is None
    at.text_area(key="members_csv_text").input("name,email\nGood One,good.one@example.org\n")
    at.button(key="bulk_add").click().run()
    assert not at.error
    assert roster.find_member_by_email(store.connect(demo_db), "good.one@example.org")


def test_issuing_a_set_up_code_shows_it_once_and_it_works(demo_db):
    db, robin = persona(demo_db, "member")
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    open_admin_tab(at, "Sign-in codes")
    at.selectbox(key="code_member").set_value(robin.id)
    at.button(key="FormSubmitter:issue_code-Issue a set-up code").click().run()
    assert not at.exception and not at.error
    code = at.code[-1].value
    assert passwords.redeem_setup_code(db, robin.email, code, "a long enough phrase")
    at.run()  # the next run no longer shows it
    assert code not in all_text(at)


def test_creating_a_team_and_chapter_settings_on_the_admin_page(demo_db):
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    open_admin_tab(at, "Teams")
    at.text_input(key="create_team_name").input("Night Owls")
    at.button(key="FormSubmitter:create_team-Create team").click().run()
    open_admin_tab(at, "Chapter")
    at.text_input(key="chapter_goal").input("Audubon mission")
    at.button(key="FormSubmitter:chapter_settings-Save settings").click().run()
    assert not at.exception and not at.error
    db, admin = persona(demo_db, "admin")
    assert roster.find_team_by_name(db, admin.chapter_id, "Night Owls")
    assert roster.get_chapter(db, admin.chapter_id).goal_label == "Audubon mission"


def test_the_audit_log_on_the_admin_page_filters_by_table(demo_db):
    db, admin = persona(demo_db, "admin")
    _, robin = persona(demo_db, "member")
    roster.change_role(db, admin, robin.id, "lead")
    at = open_as(demo_db, "admin")
    at.switch_page("pages/admin.py").run()
    open_admin_tab(at, "Audit log")
    at.selectbox(key="audit_table").set_value("members").run()
    log = at.dataframe[-1].value
    assert set(log["Table"]) == {"members"}
    assert any('"previous": {"role": "member"}' in d for d in log["Details"])


# --- the privacy promise -------------------------------------------------------------

def write_private_words(path: Path) -> None:
    db, robin = persona(path, "member")
    today = date.today()
    journal.save_reflection(db, robin, ReflectionDraft(week_start(today),
                                                       {1: MARKER_REFLECTION}), today=today)
    a = journal.log_action(db, robin, ActionDraft(today, MARKER_ACTION, (2,)), today=today)
    journal.update_action(db, robin, a.id, ActionDraft(today, MARKER_ACTION + " edited", (2,)),
                          today=today)
    journal.log_action(db, robin, ActionDraft(today, MARKER_ACTION + " kept", (4,)), today=today)
    plans.save_plan(db, robin, PlanDraft("Black birders", motivation=MARKER_PLAN), today=today)
    plans.save_plan(db, robin, PlanDraft("Black birders", motivation=MARKER_PLAN + " v2"),
                    today=today)
    db.conn.close()


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_a_members_private_words_appear_on_no_page_their_lead_or_admin_opens(demo_db, role):
    write_private_words(demo_db)
    nav = open_as(demo_db, role)
    registered = str(nav._registered_pages)
    rendered = 0
    for page in PAGE_FILES:
        if f"pages/{page}" in registered:
            at = nav.switch_page(f"pages/{page}").run()
        else:  # not offered to this role: its own check must refuse, showing nothing
            at = run_page_directly(demo_db, role, page)
        assert not at.exception, (page, [e.value for e in at.exception])
        text = all_text(at)
        if page == "admin.py" and at.tabs:  # every tab, each drawn only while open
            text += "".join(all_text(open_admin_tab(at, tab)) for tab in ADMIN_TABS)
        for marker in (MARKER_REFLECTION, MARKER_ACTION, MARKER_PLAN):
            assert marker not in text, (role, page, marker)
        rendered += 1
    assert rendered >= 7


def test_the_member_does_see_their_own_private_words(demo_db):
    """The other half of the privacy check: the markers are really on the pages."""
    write_private_words(demo_db)
    at = open_as(demo_db, "member")
    at.switch_page("pages/log_actions.py").run()
    open_log_tab(at, "My recent actions")
    assert MARKER_ACTION in all_text(at)


def test_a_stale_session_never_opens_a_real_database_without_sign_in(tmp_path, monkeypatch):
    path = tmp_path / "real.db"
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    monkeypatch.setenv("ALLYSHIP_PASSWORD_SIGN_IN", "1")
    db = store.connect(path)
    ch = roster.create_chapter(db, "Riverbend")
    admin = roster.bootstrap_admin(db, ch, roster.MemberDraft("Jordan", "jordan@example.org"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["member_id"] = admin.id  # e.g. left over from the demo
    at.session_state["auth_mode"] = "demo"
    at.run()
    assert at.title[0].value == "Sign in" and "member_id" not in at.session_state
