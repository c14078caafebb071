"""The member pages, the sign-in screen and the sidebar speak the session's language:
every page a member, a team lead and a chapter admin open on the member side, in Spanish
and in the pseudo-locale, with no English left outside what people wrote — also after
opening their forms and getting a validation error from each."""

from __future__ import annotations

from pathlib import Path

import pytest
from i18n_helpers import PSEUDO, open_in, shown_texts
from spanish_words import english_in
from streamlit.testing.v1 import AppTest

from apptest_helpers import APP, open_log_tab, persona
from allyship.core.models import MemberDraft
from allyship.db import store
from allyship.people import language_settings, passwords, roster

PAGES = ["my_week", "my_plan", "log_actions", "reflect", "account", "about"]
ROLES = ["member", "lead", "admin"]
LANGUAGES = [PSEUDO, "es"]
pytestmark = pytest.mark.slow


def english_left(at: AppTest, language: str, db_path: Path) -> list[str]:
    """What the page's main part and its sidebar still show in English."""
    assert not at.exception, [e.value for e in at.exception]
    return english_in(shown_texts(at.main) + shown_texts(at.sidebar), language, db_path)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_every_member_page_shows_no_english_for_every_role(demo_db, page, role, language):
    at = open_in(demo_db, role, language, f"pages/{page}.py")
    assert english_left(at, language, demo_db) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_weeks_forms_refuse_in_the_sessions_language(demo_db, monkeypatch, language):
    at = open_in(demo_db, "member", language, "pages/my_week.py")
    quick = next(b for b in at.button if b.key.startswith("quick_log_") and b.key.endswith("_save"))
    quick.click().run()
    assert errors(at), "an empty quick log is refused"
    assert english_left(at, language, demo_db) == []
    question = next(b for b in at.button if b.key.startswith("FormSubmitter:week_question_"))
    question.click().run()
    assert errors(at), "an empty answer is refused"
    assert english_left(at, language, demo_db) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_log_actions_tabs_and_forms_refuse_in_the_sessions_language(demo_db, language):
    at = open_in(demo_db, "member", language, "pages/log_actions.py")
    submit = next(b for b in at.button if b.key.startswith("log_action_") and b.key.endswith("_save"))
    submit.click().run()
    assert errors(at), "an empty action is refused"
    assert english_left(at, language, demo_db) == []
    # The catch-up tab as a table, and the member's recent actions with the edit form.
    open_log_tab(at, "Catch up on a week")
    at.toggle(key="catch_up_as_table").set_value(True).run()
    assert english_left(at, language, demo_db) == []
    open_log_tab(at, "My recent actions")
    edit = next(b for b in at.button if b.key.startswith("edit_") and b.key.endswith("_save"))
    at.text_area[-1].set_value("")
    edit.click().run()
    assert errors(at), "an action emptied is refused"
    assert english_left(at, language, demo_db) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_plan_forms_refuse_in_the_sessions_language(demo_db, monkeypatch, language):
    at = open_in(demo_db, "member", language, "pages/my_plan.py")
    add = next(b for b in at.button if b.key.startswith("FormSubmitter:add_next_step"))
    add.click().run()
    assert errors(at), "an empty next step is refused"
    assert english_left(at, language, demo_db) == []
    # The plan's group to be in allyship with, emptied.
    next(t for t in at.text_input if t.key != "new_step_text").set_value("")
    next(b for b in at.button if b.key.startswith("FormSubmitter:plan-")).click().run()
    assert errors(at), "a plan without its group is refused"
    assert english_left(at, language, demo_db) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_reflect_refuses_in_the_sessions_language(demo_db, language):
    at = open_in(demo_db, "admin", language, "pages/reflect.py")
    for area in at.text_area:
        area.set_value("")
    next(b for b in at.button if b.key.startswith("FormSubmitter:reflect_")).click().run()
    assert errors(at), "a week with no answer is refused"
    assert english_left(at, language, demo_db) == []


def test_choosing_spanish_on_account_turns_the_app_spanish_and_automatic_turns_it_back(
        demo_db, monkeypatch):
    db, member = persona(demo_db, "member")
    db.conn.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["member_id"] = member.id
    at.run()
    at.switch_page("pages/account.py").run()
    assert at.title[0].value == "Account"
    at.selectbox(key="language_setting").set_value("es")
    at.button(key="FormSubmitter:language_setting_form-Save language").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Cuenta"
    assert "español" in at.success[0].value
    # The page's own words (AppTest reruns only the page after a save: its sidebar is
    # the last run's; a browser redraws both).
    assert english_in(shown_texts(at.main), "es", demo_db) == []
    db = store.connect(demo_db)
    assert language_settings.member_language(db, member.id) == "es"
    # The next runs and pages stay Spanish.
    at.switch_page("pages/my_week.py").run()
    assert at.title[0].value == "Mi semana"
    at.switch_page("pages/account.py").run()
    at.selectbox(key="language_setting").select_index(0)  # "Automatic"
    at.button(key="FormSubmitter:language_setting_form-Guardar idioma").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["Language saved: automatic."], at.error
    assert at.title[0].value == "Account"
    assert language_settings.member_language(db, member.id) is None
    db.conn.close()


# --- the sign-in screen: before anyone is signed in, in the browser's language ----------

@pytest.fixture
def real_chapter(tmp_path, monkeypatch) -> Path:
    """A chapter that signs in with passwords (not the demo)."""
    path = tmp_path / "real.db"
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    db = store.connect(path)
    ch = roster.create_chapter(db, "Riverbend")
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Jordan Admin", "jordan@example.org"))
    issued = passwords.issue_setup_code_for_operator(db, admin.email)
    passwords.redeem_setup_code(db, admin.email, issued.code, "correct horse battery")
    db.conn.close()
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_screen_and_its_forms_speak_the_browsers_language(real_chapter, language):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["language_override"] = language  # as the browser's language would
    at.run().run()
    assert not at.exception, [e.value for e in at.exception]
    assert english_left(at, language, real_chapter) == []
    at.text_input(key="setup_email").input("jordan@example.org")
    at.text_input(key="setup_code_value").input("ABCD-EFGH")
    at.text_input(key="setup_new_password").input("one long password")
    at.text_input(key="setup_new_password_again").input("another long password")
    next(b for b in at.button if b.key.startswith("FormSubmitter:setup_code-")).click().run()
    assert errors(at), "two different passwords are refused"
    assert english_left(at, language, real_chapter) == []
