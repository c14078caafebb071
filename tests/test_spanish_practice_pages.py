"""Shared with me, Partners, Learning circle, Activity ideas, Import & export and the
data-rights sections in Spanish and in the pseudo-locale: every role that can open a page
meets no English on it, nor in its forms' confirmations, refusals and validation errors;
an import's problems are listed in the reader's language; a CSV goes in and comes back
the same whatever the page's language, and a responsibility may be written in Spanish."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from apptest_helpers import persona
from babel import Locale
from i18n_helpers import PSEUDO, data_strings, open_in, shown_texts, untranslated
from streamlit.testing.v1 import AppTest

from allyship import demo
from allyship.core.safe_text import inert
from allyship.db import store
from allyship.i18n import Message, translator_for
from allyship.transfer import csv_files, csv_import

LANGUAGES = ["en_XA", "es"]
# The organisation personas are members of their own chapters: they see the empty states.
EVERYONE = ("member", "lead", "admin", "organisation", "region")
PAGES = {"shared": EVERYONE, "partners": EVERYONE, "circles": EVERYONE, "ideas": EVERYONE,
         "data": ("admin",)}
_INNER = re.compile(r"⟦[^⟦⟧]*⟧")
# Words that are spelled the same in Spanish and English, and the web's own token.
SAME_IN_SPANISH = {"Ideas", "ideas", "https"}


def _unnested(text: str) -> str:
    """A translated sentence with translated words filled in nests the pseudo-locale's
    marks (⟦… ⟦…⟧ …⟧); the inner ones are taken out first so the outer one is whole."""
    while text.count("⟦") > 1:
        fewer = _INNER.sub(" ", text)
        if fewer == text:
            break
        text = fewer
    return text


def _calendar_names() -> set[str]:
    """English month and day names: the pseudo-locale formats dates with English CLDR
    data by design (it is English, marked), so they are its proper nouns."""
    en = Locale.parse("en")
    names: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("abbreviated", "wide"):
            names |= set(en.months[context][width].values())
            names |= set(en.days[context][width].values())
    return names


def _shown_data(path: Path) -> list[str]:
    """What people wrote, as the pages show it: as stored, escaped for Markdown, and
    cut short where a choice list shortens it."""
    # A forgotten member's name is their pseudonym, stored as data; the text explaining
    # forgetting quotes it as shown.
    stored = [*data_strings(path), "Former member N"]
    shown = set(stored) | {inert(s) for s in stored} | {s[:80] for s in stored} | {
        s[:60] for s in stored}
    return sorted(shown, key=len, reverse=True)


def english_left(where, language: str, path: Path, extra: list[str] = ()) -> list[str]:
    texts = [_unnested(t) for t in [*shown_texts(where), *extra]]
    allowed = _calendar_names() | {"https"} if language == PSEUDO else SAME_IN_SPANISH
    return untranslated(texts, language, data=_shown_data(path), allowed=allowed)


def words(language: str, english: str) -> str:
    return translator_for(language).gettext(english)


def button(at: AppTest, language: str, english: str):
    label = words(language, english)
    found = [b for b in at.button if b.label == label]
    assert found, (label, [b.label for b in at.button])
    return found[0]


def labelled(elements, language: str, english: str):
    label = words(language, english)
    found = [e for e in elements if e.label.startswith(label)]
    assert found, (label, [e.label for e in elements])
    return found[0]


def boxes(at: AppTest) -> list[str]:
    return [e.value for e in [*at.error, *at.success, *at.info, *at.warning]]


# --- every page, every role -------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page, role", [(p, r) for p, roles in PAGES.items() for r in roles])
def test_every_practice_page_shows_no_english_to_anyone_who_can_open_it(demo_db, page, role,
                                                                        language):
    at = open_in(demo_db, role, language, f"pages/{page}.py")
    assert not at.error
    headers = [str(c) for table in at.dataframe for c in table.value.columns]
    assert english_left(at.main, language, demo_db, extra=headers) == []


# --- partners ---------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_inviting_nobody_is_refused_and_an_invitation_is_confirmed_in_the_language(
        demo_db, language):
    at = open_in(demo_db, "lead", language, "pages/partners.py")
    button(at, language, "Send invitation").click().run()
    assert at.error and english_left(at.main, language, demo_db) == []
    assert words(language, "Choose a member of your chapter") in at.error[0].value
    labelled(at.selectbox, language, "Member of your chapter").select_index(1)
    button(at, language, "Send invitation").click().run()
    assert not at.error and at.success
    assert english_left(at.main, language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_accepting_an_invitation_and_saving_what_partners_see_confirm_in_the_language(
        demo_db, language):
    at = open_in(demo_db, "member", language, "pages/partners.py")
    button(at, language, "Accept").click().run()
    assert not at.error and at.success
    assert english_left(at.main, language, demo_db) == []
    labelled(at.checkbox, language, "My action plan (read-only)").check()
    button(at, language, "Save").click().run()
    assert at.success[0].value == words(language, "Saved what your partners see.")
    assert english_left(at.main, language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_ending_a_partnership_is_told_in_the_language(demo_db, language):
    lead = open_in(demo_db, "lead", language, "pages/partners.py")
    button(lead, language, "Yes, end it").click().run()
    assert not lead.error and lead.success
    admin = open_in(demo_db, "admin", language, "pages/partners.py")
    assert english_left(admin.main, language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_empty_check_in_is_refused_in_the_language(demo_db, language):
    at = open_in(demo_db, "member", language, "pages/partners.py")
    button(at, language, "Send check-in").click().run()
    assert at.error
    assert english_left(at.main, language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_sharing_a_reflection_with_partners_confirms_in_the_language(demo_db, language):
    at = open_in(demo_db, "member", language, "pages/partners.py")
    button(at, language, "Share it with my partners").click().run()
    assert not at.error
    assert english_left(at.main, language, demo_db) == []


# --- learning circle --------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_starting_a_circle_without_invitees_is_refused_in_the_language(demo_db, language):
    at = open_in(demo_db, "admin", language, "pages/circles.py")  # invited, in no circle
    labelled(at.text_input, language, "Circle name").input("Saturday circle")
    button(at, language, "Start the circle").click().run()
    assert at.error and at.error[0].value.startswith(words(language, "Not started:"))
    assert english_left(at.main, language, demo_db) == []
    button(at, language, "Join").click().run()
    assert not at.error and at.success
    assert english_left(at.main, language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_circle_without_a_name_is_refused_in_the_language(demo_db, language):
    at = open_in(demo_db, "admin", language, "pages/circles.py")
    invite = labelled(at.multiselect, language, "Invite")
    invite.select(invite.options[0])
    button(at, language, "Start the circle").click().run()
    assert at.error
    assert english_left(at.main, language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_inviting_nobody_more_and_leaving_the_circle_speak_the_language(demo_db, language):
    at = open_in(demo_db, "member", language, "pages/circles.py")
    button(at, language, "Send invitations").click().run()
    assert at.error and words(language, "Choose at least one member to invite") in \
        at.error[0].value
    assert english_left(at.main, language, demo_db) == []
    button(at, language, "Leave this circle").click().run()
    assert not at.error and at.success
    assert english_left(at.main, language, demo_db) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_downloaded_agenda_is_in_the_language(demo_db, language):
    from allyship.peers import circles

    db, robin = persona(demo_db, "member")
    page = circles.circle_page(db, robin, circles.my_circle(db, robin).id, today=date.today())
    tr = translator_for(language)
    markdown, html = circles.agenda_markdown(page, tr=tr), circles.agenda_html(page, tr=tr)
    db.conn.close()
    assert english_left(AppTest.from_string(""), language, demo_db,
                        extra=markdown.splitlines()) == []
    assert f"<html lang='{language.replace('_', '-')}' dir='ltr'>" in html
    assert "meeting agenda" not in html


# --- activity ideas ---------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_adding_an_idea_to_my_plan_and_retiring_one_speak_the_language(demo_db, language):
    at = open_in(demo_db, "member", language, "pages/ideas.py")
    button(at, language, "Add to my plan").click().run()
    assert not at.error and at.success
    assert english_left(at.main, language, demo_db) == []
    lead = open_in(demo_db, "lead", language, "pages/ideas.py")
    button(lead, language, "Retire it").click().run()
    assert not lead.error and lead.success
    assert english_left(lead.main, language, demo_db) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_idea_without_a_title_is_refused_in_the_language(demo_db, language):
    at = open_in(demo_db, "lead", language, "pages/ideas.py")
    button(at, language, "Add idea").click().run()
    assert at.error
    assert english_left(at.main, language, demo_db) == []


# --- import & export --------------------------------------------------------------------

def _import(at: AppTest, language: str, name: str, data: bytes, *, write: bool) -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv"))
    if write:
        labelled(at.checkbox, language, "Check only — do not import yet").uncheck()
    return button(at, language, "Check and import").click().run()


def _actions_csv(rows: list[list[str]]) -> bytes:
    return csv_files.csv_bytes(csv_import.ACTION_COLUMNS, rows)


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_import_with_problems_lists_them_row_by_row_in_the_language(demo_db, language):
    at = open_in(demo_db, "admin", language, "pages/data.py")
    button(at, language, "Check and import").click().run()
    assert at.warning and english_left(at.main, language, demo_db) == []
    day = (date.today() - timedelta(days=2)).isoformat()
    bad = _actions_csv([["desconocida@example.org", day, "Walked the trail", "2", "", "", ""],
                        [demo.PERSONAS["member"], day, "Listened", "99", "", "", ""]])
    _import(at, language, "bad.csv", bad, write=False)
    assert at.error and len(at.dataframe) == 1
    problems = at.dataframe[0].value
    assert len(problems) == 2
    tr = translator_for(language)
    assert list(problems.columns) == [tr.pgettext("import problems table", c)
                                      for c in ("Row", "Column", "Problem")]
    # Column names are the file's own, the same in every language.
    assert problems.iloc[:, 1].tolist() == ["email", "responsibilities"]
    shown = [*problems.columns, *problems.iloc[:, 2]]
    assert english_left(at.main, language, demo_db, extra=shown) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_members_file_that_passes_its_check_says_so_in_the_language(demo_db, language):
    at = open_in(demo_db, "admin", language, "pages/data.py")
    _import(at, language, "new.csv", b"name,email,team\nNew Person,new.person@example.org,"
                                     b"Night walkers\n", write=False)
    assert not at.error and at.success and at.info  # the new team that would be created
    assert english_left(at.main, language, demo_db) == []


def _round_trip(path: Path, language: str, data: bytes) -> bytes:
    """``data`` imported on the page in ``language``, then the imported actions written
    back as the same template."""
    at = open_in(path, "admin", language, "pages/data.py")
    _import(at, language, "actions.csv", data, write=True)
    assert not at.exception and not at.error, [e.value for e in at.error]
    db = store.connect(path)
    rows = [[r["email"], r["done_on"], r["description"], r["resp"], r["kind"],
             r["minutes"], r["visibility"]] for r in db.query(
        "SELECT m.email, a.done_on, a.description, a.kind, a.minutes, a.visibility,"
        " (SELECT group_concat(responsibility, ';') FROM (SELECT responsibility FROM"
        " action_responsibilities WHERE action_id = a.id ORDER BY responsibility)) AS resp"
        " FROM actions a JOIN members m ON m.id = a.member_id"
        " WHERE a.idempotency_key LIKE 'import:%' ORDER BY a.id")]
    db.conn.close()
    return _actions_csv(rows)


@pytest.mark.slow
def test_a_csv_round_trip_is_byte_identical_in_english_and_spanish(demo_db, tmp_path,
                                                                 monkeypatch):
    day = (date.today() - timedelta(days=3)).isoformat()
    person = demo.PERSONAS["member"]
    by_number = _actions_csv([[person, day, "Asked who the walk leaves out", "2;5",
                               "conversation", 20, "private"],
                              [person, day, "Read about the park's name", "3", "learning",
                               15, "team"]])
    spanish_db = tmp_path / "es.db"
    shutil.copy(demo_db, spanish_db)
    assert _round_trip(demo_db, "en", by_number) == by_number
    monkeypatch.setenv("ALLYSHIP_DB", str(spanish_db))
    assert _round_trip(spanish_db, "es", by_number) == by_number


@pytest.mark.slow
def test_a_responsibility_written_in_spanish_imports_as_its_number(demo_db):
    day = (date.today() - timedelta(days=3)).isoformat()
    person = demo.PERSONAS["member"]
    # Kinds too may be written as the handout's words in either language.
    written = _actions_csv([[person, day, "Asked who the walk leaves out",
                             "Recibir la crítica; 2", "Conversation", 20, "private"],
                            [person, day, "Read about the park's name",
                             "3. Integridad y comunicación directa", "Aprendizaje", 15,
                             "team"]])
    numbers = _actions_csv([[person, day, "Asked who the walk leaves out", "2;5",
                             "conversation", 20, "private"],
                            [person, day, "Read about the park's name", "3", "learning", 15,
                             "team"]])
    assert _round_trip(demo_db, "es", written) == numbers


def test_responsibilities_are_read_in_either_language_and_refused_in_words():
    assert csv_import.parse_responsibilities("Recibir la crítica; 2") == (2, 5)
    assert csv_import.parse_responsibilities("receive criticism;5.") == (5,)
    assert csv_import.parse_responsibilities("2,4") == (2, 4)
    with pytest.raises(ValueError) as refused:
        csv_import.parse_responsibilities("2; Bailar")
    said = refused.value.args[0]
    assert said == "Unknown responsibility 'Bailar': use numbers 1–8 or the short titles, " \
                   "separated by ';'"
    assert said.in_language(translator_for("es")).startswith("Responsabilidad desconocida")


# --- the data-rights sections (on Account and Admin) -----------------------------------

def _rights_section(db_path: str, member_id: int, language: str, where: str) -> None:
    import streamlit as st

    from allyship.db import store
    from allyship.people import roster
    from allyship.ui import data_rights_sections

    st.session_state["language"] = language
    db = store.connect(db_path)
    me = roster.get_member(db, member_id)
    if where == "account":
        data_rights_sections.account_section(db, me)
    else:
        data_rights_sections.admin_tab(db, me)


def rights_section(path: Path, role: str, language: str, where: str) -> AppTest:
    db, me = persona(path, role)
    db.conn.close()
    at = AppTest.from_function(_rights_section, args=(str(path), me.id, language, where),
                               default_timeout=30)
    return at.run()


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["member", "lead", "admin"])
def test_your_data_on_account_speaks_the_language(demo_db, role, language):
    at = rights_section(demo_db, role, language, "account")
    assert not at.exception, [e.value for e in at.exception]
    assert english_left(at, language, demo_db) == []
    at.selectbox[0].select(3).run()  # a shorter time: older reflections would go
    assert english_left(at, language, demo_db) == []
    labelled(at.checkbox, language, "I understand that this cannot be undone").check().run()
    button(at, language, "Ask to be forgotten").click().run()
    at = rights_section(demo_db, role, language, "account")
    assert english_left(at, language, demo_db) == []  # the pending request


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_forgetting_with_the_wrong_email_is_refused_in_the_language(demo_db, language):
    rights_section(demo_db, "member", language, "account")
    member = rights_section(demo_db, "member", language, "account")
    labelled(member.checkbox, language, "I understand that this cannot be undone").check().run()
    button(member, language, "Ask to be forgotten").click().run()
    at = rights_section(demo_db, "admin", language, "admin")
    assert not at.exception, [e.value for e in at.exception]
    assert english_left(at, language, demo_db) == []
    at.text_input[0].input("not-their@example.org")
    button(at, language, "Forget this member").click().run()
    assert at.error and at.error[0].value.startswith(words(language, "Nothing was erased:"))
    assert english_left(at, language, demo_db) == []
    button(at, language, "Save").click().run()  # the chapter's rule, unchanged
    assert not at.exception


def test_my_data_download_speaks_the_language_and_keeps_its_columns(demo_db):
    import io
    import zipfile

    from allyship.rights import mydata

    db, robin = persona(demo_db, "member")
    db.conn.close()
    unzipped = {}
    for language in ("en", "es", PSEUDO):
        raw = mydata.zip_bytes_at(str(demo_db), robin.id, language)
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unzipped[language] = {n: z.read(n).decode("utf-8-sig") for n in z.namelist()}
    english, spanish = unzipped["en"], unzipped["es"]
    assert english.keys() == spanish.keys()
    for name in english:
        if name.endswith(".csv"):  # the same columns for a spreadsheet in any language
            assert english[name].splitlines()[0] == spanish[name].splitlines()[0]
    assert spanish["README.txt"].startswith("Tus datos del Allyship")
    readme = [line for line in unzipped[PSEUDO]["README.txt"].splitlines() if line.strip()]
    assert english_left(AppTest.from_string(""), PSEUDO, demo_db, extra=readme) == []
    # The practice questions' words beside their numbers, in the member's language.
    assert "¿" in spanish["reflections.csv"] and "¿" not in english["reflections.csv"]


def test_a_rows_problems_joined_for_a_form_stay_translatable():
    from allyship.i18n import translate

    report = csv_files.ImportReport(kind="members")
    report.error(3, "email", Message("{email} is already a member", email="a@example.org"))
    report.error(3, "email", Message("{email} is a member of another chapter",
                                     email="a@example.org"))
    joined = report.problems_by_line()["line 3: email"]
    assert joined == "a@example.org is already a member a@example.org is a member of " \
                     "another chapter"
    assert translate(translator_for("es"), joined) == (
        "a@example.org ya es integrante a@example.org es integrante de otro capítulo")

