"""Admin and Email & reminders for a chapter admin in Spanish and in the pseudo-locale:
every tab, the forms' confirmations and their refusals show no English; the chapter's
default language is set on Admin → Chapter, named in each language itself.

The email previewed is in its recipient's language, not the reader's: it is taken out.
Words other modules make (the data-rights tab, a core rule about addresses) are checked
by those modules' own language tests: here they are taken out in their English form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from apptest_helpers import ADMIN_TABS, open_admin_tab, persona
from i18n_helpers import data_strings, open_in, shown_texts, untranslated

from allyship.core.safe_text import inert
from allyship.i18n import translator_for
from allyship.people import language_settings, passwords, roster
from allyship.rhythm import mail, nudges
from allyship.transfer import csv_import
from allyship.ui.language import language_names

LANGUAGES = ["en_XA", "es"]
ICON = re.compile(r":material/[a-z_]+:")  # an icon's name is code, not words
TABS_ADMIN = 7
DATA_RIGHTS_TAB = 6  # its words belong to the data-rights sections


def no_mail(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv(mail.SMTP_URL_ENV, raising=False)
    monkeypatch.setenv(mail.SECRETS_ENV, str(tmp_path / "absent.toml"))


def both_forms(words: Iterable[str]) -> list[str]:
    """Each text as written and as shown in Markdown (escaped by ``inert``)."""
    found: set[str] = set()
    for word in words:
        if word:
            found |= {str(word), inert(str(word))}
    return sorted(found, key=len, reverse=True)


def left_in_english(texts: Iterable[str], language: str, path, *,
                    others: Iterable[str] = ()) -> list[str]:
    """What ``texts`` still say in English: data (what people wrote, time zone names, the
    languages named in themselves, example addresses, CSV column names, which stay the
    same in every language) and ``others`` taken out first."""
    data = [*data_strings(path), *language_names().values(), *nudges.time_zone_choices(),
            "https://allyship.example.org", ",".join(csv_import.MEMBER_COLUMNS),
            "data/sample/members.csv", *both_forms(others)]
    # The email previewed, as a whole HTML document, is in its recipient's language.
    words = [ICON.sub(" ", t) for t in texts if not t.startswith("<!DOCTYPE html>")]
    return untranslated(words, language, data=sorted(data, key=len, reverse=True))


def submit(at, form: str, label_en: str, language: str):
    """Press a form's submit button, found by its label in ``language``."""
    label = translator_for(language).gettext(label_en)
    return at.button(key=f"FormSubmitter:{form}-{label}").click().run()


def errors(at) -> list[str]:
    return [e.value for e in at.error]


# --- Admin ----------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_tab_is_in_the_admins_language(demo_db, monkeypatch, tmp_path, language):
    no_mail(monkeypatch, tmp_path)
    at = open_in(demo_db, "admin", language, "pages/admin.py")
    assert len(at.tabs) == TABS_ADMIN
    outside_tabs = [t for t in shown_texts(at.main)]
    for tab in at.tabs:
        for text in shown_texts(tab):
            if text in outside_tabs:
                outside_tabs.remove(text)
    # The title, caption and the set-up checklist above the tabs.
    assert left_in_english(outside_tabs, language, demo_db) == []
    for number, name in enumerate(ADMIN_TABS):  # each tab is drawn only while open
        tab = open_admin_tab(at, name).tabs[number]
        assert tab.children, name
        texts = [tab.label] if number == DATA_RIGHTS_TAB else shown_texts(tab)
        assert left_in_english(texts, language, demo_db) == [], tab.label


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_members_tab_refusals_and_confirmations_are_translated(demo_db, language):
    db, admin = persona(demo_db, "admin")
    _, robin = persona(demo_db, "member")
    db.conn.close()
    at = open_in(demo_db, "admin", language, "pages/admin.py")

    # Add a member whose address is already in the chapter: roster refuses it.
    at.text_input(key="add_member_name").input("Robin Again")
    at.text_input(key="add_member_email").input(robin.email)
    submit(at, "add_member", "Add member", language)
    assert len(errors(at)) == 1
    assert left_in_english(errors(at), language, demo_db) == []

    # An address that is no address: the rule is core's (its own language tests).
    at.text_input(key="add_member_email").input("not an address")
    submit(at, "add_member", "Add member", language)
    # What was typed is quoted back as typed.
    assert errors(at) and left_in_english(errors(at), language, demo_db,
                                          others=["not an address"]) == []

    # The chapter's last admin cannot stop being one.
    at.selectbox(key="admin_member_pick").set_value(admin.id).run()
    at.selectbox(key=f"member_role_{admin.id}").set_value("member")
    submit(at, f"member_{admin.id}", "Save member", language)
    assert len(errors(at)) == 1
    assert left_in_english(errors(at), language, demo_db) == []

    # A corrected address that belongs to someone else.
    at.selectbox(key="admin_member_pick").set_value(admin.id).run()
    at.text_input(key=f"member_email_{admin.id}").input(robin.email)
    submit(at, f"member_details_{admin.id}", "Save name and email", language)
    assert len(errors(at)) == 1
    assert left_in_english(errors(at), language, demo_db) == []

    # A member added: the confirmation is in the admin's language too.
    at.text_input(key="add_member_name").input("Sam Nuevo")
    at.text_input(key="add_member_email").input("sam.nuevo@example.org")
    submit(at, "add_member", "Add member", language)
    assert not errors(at)
    assert left_in_english([s.value for s in at.success], language, demo_db) == []
    assert at.success and "Sam Nuevo" in at.success[0].value


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_teams_tab_refusals_are_translated(demo_db, language):
    db, admin = persona(demo_db, "admin")
    teams = roster.list_teams(db, admin.chapter_id)
    db.conn.close()
    busy = teams[0]
    at = open_in(demo_db, "admin", language, "pages/admin.py")
    open_admin_tab(at, "Teams")

    at.text_input(key="create_team_name").input(busy.name)
    submit(at, "create_team", "Create team", language)
    assert len(errors(at)) == 1
    assert left_in_english(errors(at), language, demo_db) == []

    at.selectbox(key="admin_team_pick").set_value(busy.id).run()
    at.text_input(key=f"team_name_{busy.id}").input(teams[1].name)
    submit(at, f"rename_team_{busy.id}", "Rename", language)
    assert len(errors(at)) == 1
    assert left_in_english(errors(at), language, demo_db) == []

    # A team with active members cannot be archived.
    at.selectbox(key="admin_team_pick").set_value(busy.id).run()
    at.button(key=f"archive_{busy.id}").click().run()
    assert len(errors(at)) == 1
    assert left_in_english(errors(at), language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_codes_and_lockouts_are_translated(demo_db, monkeypatch, tmp_path, language):
    no_mail(monkeypatch, tmp_path)
    db, _ = persona(demo_db, "admin")
    _, robin = persona(demo_db, "member")
    now = datetime.now(UTC)
    for attempt in range(passwords.MAX_FAILURES):
        with pytest.raises(passwords.SignInFailed):
            passwords.sign_in_with_password(db, robin.email, "wrong guess",
                                            now=now + timedelta(seconds=attempt))
    db.conn.close()
    at = open_in(demo_db, "admin", language, "pages/admin.py")
    open_admin_tab(at, "Sign-in codes")
    codes_tab = at.tabs[3]
    assert left_in_english(shown_texts(codes_tab), language, demo_db) == []
    assert at.selectbox(key="lockout_member").options  # the locked member is offered

    # One code: its confirmation and the day it expires, in the admin's language.
    at.selectbox(key="code_member").set_value(robin.id)
    submit(at, "issue_code", "Issue a set-up code", language)
    assert not errors(at) and at.success
    assert left_in_english([s.value for s in at.success], language, demo_db) == []

    # Codes for everyone waiting, without email: a printable sheet and its table.
    at.radio(key="codes_whom").set_value("everyone")
    submit(at, "many_codes", "Issue the codes", language)
    assert not errors(at) and at.warning
    assert left_in_english(shown_texts(at.tabs[3]), language, demo_db) == []

    at.button(key="FormSubmitter:clear_lockout-"
                  + translator_for(language).gettext("Lift the lockout")).click().run()
    assert not errors(at)
    assert left_in_english([s.value for s in at.success], language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_audit_log_filters_are_translated(demo_db, language):
    at = open_in(demo_db, "admin", language, "pages/admin.py")
    open_admin_tab(at, "Audit log")
    at.text_input(key="audit_actor_search").input("zzz nobody").run()
    assert left_in_english(shown_texts(at.tabs[5]), language, demo_db) == []
    headers = list(at.dataframe[-1].value.columns)
    assert left_in_english(headers, language, demo_db) == []


# --- the chapter's default language ---------------------------------------------------

@pytest.mark.slow
def test_the_admin_sets_the_chapters_default_language_named_in_itself(demo_db):
    db, admin = persona(demo_db, "admin")
    assert language_settings.chapter_language(db, admin.chapter_id) is None
    at = open_in(demo_db, "admin", "en", "pages/admin.py")
    open_admin_tab(at, "Chapter")
    picker = at.selectbox(key="chapter_default_language")
    assert picker.value == "en"
    assert set(picker.options) >= {"English", "español"}
    caption = " ".join(c.value for c in at.tabs[4].caption)
    assert "browser's language" in caption and "emails and reports" in caption

    picker.set_value("es")
    at.button(key="FormSubmitter:chapter_language-Save the default language").click().run()
    assert not at.exception and not at.error
    assert language_settings.chapter_language(db, admin.chapter_id) == "es"
    assert "The chapter's default language is now español." in at.success[0].value
    assert at.selectbox(key="chapter_default_language").value == "es"
    db.conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter_tab_and_its_saves_are_translated(demo_db, language):
    at = open_in(demo_db, "admin", language, "pages/admin.py")
    open_admin_tab(at, "Chapter")
    at.selectbox(key="chapter_default_language").set_value("en")
    submit(at, "chapter_language", "Save the default language", language)
    assert not errors(at)
    assert left_in_english([s.value for s in at.success], language, demo_db) == []
    at.text_input(key="chapter_name").input("Riverbend Audubon")
    submit(at, "chapter_settings", "Save settings", language)
    assert not errors(at)
    assert left_in_english([s.value for s in at.success], language, demo_db) == []


# --- Email & reminders ----------------------------------------------------------------

def previewed_email(path) -> list[str]:
    """The admin's own emails as previewed: their subject, address line and plain text
    are in the recipient's language (the chapter's default here: English), not the
    reader's."""
    db, admin = persona(path, "admin")
    words: list[str] = []
    for kind in nudges.KINDS:
        if nudges.may_receive(admin, kind):
            preview = nudges.preview_for(db, admin, admin.id, kind)
            email = mail.build_email(db, preview.message, None, check_links=False,
                                     with_replies=True)
            words += [str(email["Subject"]), str(email["To"]), mail.text_part(email)]
    db.conn.close()
    return words


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_email_and_reminders_tab_is_in_the_admins_language(demo_db, monkeypatch,
                                                                 tmp_path, language):
    no_mail(monkeypatch, tmp_path)
    db, admin = persona(demo_db, "admin")
    kinds = [k for k in nudges.KINDS if nudges.may_receive(admin, k)]
    db.conn.close()
    others = previewed_email(demo_db)
    at = open_in(demo_db, "admin", language, "pages/messages.py")
    assert len(at.tabs) >= 3 and len(kinds) == 2
    # Every tab, then each kind of message previewed (its name, the words around it).
    for kind in kinds:
        at.radio(key="preview_kind").set_value(kind).run()
        assert not at.exception
        assert left_in_english(shown_texts(at.main), language, demo_db, others=others) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_email_chapter_settings_refusal_and_save_are_translated(demo_db, monkeypatch, tmp_path,
                                                               language):
    no_mail(monkeypatch, tmp_path)
    at = open_in(demo_db, "admin", language, "pages/messages.py")
    at.text_input[0].input("not a web address")
    submit(at, "rhythm_chapter", "Save chapter settings", language)
    assert errors(at)
    assert left_in_english(errors(at), language, demo_db) == []

    at.text_input[0].input("https://allyship.example.org")
    submit(at, "rhythm_chapter", "Save chapter settings", language)
    assert not errors(at) and at.success
    assert left_in_english([s.value for s in at.success], language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_outbox_runs_and_delivery_states_are_translated(demo_db, monkeypatch, tmp_path,
                                                        language):
    no_mail(monkeypatch, tmp_path)
    db, admin = persona(demo_db, "admin")
    _, robin = persona(demo_db, "member")
    started = datetime.now(UTC).replace(microsecond=0)
    db.execute("INSERT INTO nudge_runs (started_at, finished_at, queued, sent, failed,"
               " skipped) VALUES (?, ?, 3, 1, 1, 1)",
               [started.isoformat(), (started + timedelta(seconds=5)).isoformat()])
    db.execute("INSERT INTO outbox (member_id, kind, week_start, status, attempts,"
               " next_attempt_at, last_error, created_at) VALUES (?, 'reminder', ?,"
               " 'failed', 3, ?, 'Connection refused by the server', ?)",
               [robin.id, (started.date() - timedelta(days=started.weekday())).isoformat(),
                started.isoformat(), started.isoformat()])
    db.conn.commit()
    db.conn.close()
    at = open_in(demo_db, "admin", language, "pages/messages.py")
    sending = shown_texts(at.tabs[1])
    assert left_in_english(sending, language, demo_db) == []
    failures = next(d.value for d in at.dataframe)
    assert len(failures) == 1
    row = failures.iloc[0]
    kind, state = row.iloc[1], row.iloc[3]  # the days beside them are CLDR's
    assert left_in_english([*failures.columns, kind, state], language, demo_db) == []


@pytest.mark.slow
def test_a_spanish_chapters_admin_previews_their_emails_in_spanish(demo_db, monkeypatch,
                                                                   tmp_path):
    no_mail(monkeypatch, tmp_path)
    db, admin = persona(demo_db, "admin")
    language_settings.set_chapter_language(db, admin, "es")
    db.conn.close()
    at = open_in(demo_db, "admin", "es", "pages/messages.py")
    texts = shown_texts(at.main)
    emails = [t for t in texts if t.startswith("<!DOCTYPE html>")]
    assert len(emails) == 1 and 'lang="es"' in emails[0]
    # The email's words, without its markup and styles.
    words = [re.sub(r"<[^>]+>", " ", t) if t in emails else t for t in texts]
    assert left_in_english(words, "es", demo_db) == []
