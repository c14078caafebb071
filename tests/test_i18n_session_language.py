"""The session's language in Streamlit (allyship.ui.language): negotiated per session and
kept in that session's state, the page marked with its ``lang`` and ``dir``."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def page() -> None:
    import streamlit as st

    from allyship.i18n import handout
    from allyship.ui import language

    language.use_language(st.session_state.get("member_language"),
                          st.session_state.get("chapter_language"))
    tr = language.translator()
    language.mark_document(tr)
    st.markdown(handout.responsibility(tr, 5).title)
    st.markdown(tr.language)


def run(**state: str | None) -> AppTest:
    at = AppTest.from_function(page, default_timeout=30)
    for name, value in state.items():
        at.session_state[name] = value
    return at.run()


def shown(at: AppTest) -> list[str]:
    assert not at.exception, at.exception
    return [m.value for m in at.markdown]


@pytest.mark.slow
def test_each_session_gets_its_own_language_from_its_own_settings():
    spanish = run(member_language="es")
    english = run(member_language=None, chapter_language=None)
    assert shown(spanish) == ["Recibir la crítica", "es"]
    assert shown(english) == ["Receive criticism", "en"]
    # Running one session again does not move the other.
    assert shown(spanish.run()) == ["Recibir la crítica", "es"]
    assert shown(english.run()) == ["Receive criticism", "en"]


@pytest.mark.slow
def test_the_chapters_default_applies_when_the_member_has_no_setting():
    assert shown(run(member_language=None, chapter_language="es"))[1] == "es"
    assert shown(run(member_language="en", chapter_language="es"))[1] == "en"


def test_a_session_override_can_choose_the_pseudo_locale():
    at = run(language_override="en_XA", member_language="es")
    title, code = shown(at)
    assert code == "en_XA" and title.startswith("⟦") and title.endswith("⟧")


def test_the_page_is_marked_with_the_language_and_its_direction():
    at = run(member_language="es")
    scripts = [h.proto.body for h in at.get("html")]
    assert any("setAttribute('lang', \"es\")" in s and "setAttribute('dir', \"ltr\")" in s
               for s in scripts), scripts


def test_languages_are_offered_in_their_own_names():
    from allyship.ui.language import language_names

    assert language_names() == {"en": "English", "es": "español"}


def picker() -> None:
    import streamlit as st

    from allyship.ui import language

    language.use_language(st.session_state.get("member_language"), None)
    chosen = language.language_picker(st.session_state.get("saved_setting"))
    st.markdown(f"chosen: {chosen}")


def test_the_language_picker_offers_automatic_and_each_language_in_its_own_words():
    at = AppTest.from_function(picker, default_timeout=30)
    at.session_state["member_language"] = "es"
    at.session_state["saved_setting"] = "es"
    at.run()
    box = at.selectbox[0]
    assert box.label == "Idioma"
    assert box.options == ["Automático: el idioma de tu navegador o, si no, el del capítulo",
                           "English", "español"]
    assert box.value == "es" and at.markdown[0].value == "chosen: es"
    box.select_index(0).run()
    assert at.markdown[0].value == "chosen: None"


def test_a_recipient_away_from_a_browser_gets_their_setting_then_the_chapters():
    from allyship.i18n import translator_for_recipient

    assert translator_for_recipient("es", "en").language == "es"
    assert translator_for_recipient(None, "es").language == "es"
    assert translator_for_recipient("de", None).language == "en"
