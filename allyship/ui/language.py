"""The session's language: which translator this browser tab uses, and telling the page.

``use_language`` runs once per script run in ``streamlit_app.py`` once the member and
chapter are known; it negotiates the language (member's setting → browser → chapter's
default → English), keeps the choice in ``st.session_state`` — so it is per session —
and returns the shared, immutable translator for it. Pages ask ``translator()``.
``language_picker`` is the member's setting on *Account*; ``mark_document`` puts
``lang`` and ``dir`` on the page's ``<html>`` for screen readers and right-to-left
languages.
"""

from __future__ import annotations

import json

import streamlit as st
from babel import Locale

from allyship.i18n import (
    PSEUDO_LOCALE,
    SOURCE_LANGUAGE,
    Translator,
    available_languages,
    negotiate,
    translator_for,
)
from allyship.i18n.negotiation import parse_accept_language

SESSION_KEY = "language"
# A language forced for this session (tests: the pseudo-locale; a future picker on the
# sign-in page); wins over the member's setting.
OVERRIDE_KEY = "language_override"


def browser_languages() -> list[str]:
    """The browser's languages, most wanted first: ``navigator.language`` as Streamlit
    reports it, then the ``Accept-Language`` of the page's first request."""
    wanted = [st.context.locale] if st.context.locale else []
    return wanted + parse_accept_language(st.context.headers.get("Accept-Language"))


def use_language(member_language: str | None = None,
                 chapter_language: str | None = None) -> Translator:
    """Negotiate this session's language, remember it for the run's pages, return its
    translator."""
    override = st.session_state.get(OVERRIDE_KEY)
    language = negotiate(available_languages(include_pseudo=bool(override)),
                         member=override or member_language, browser=browser_languages(),
                         chapter=chapter_language)
    st.session_state[SESSION_KEY] = language
    return translator_for(language)


def translator() -> Translator:
    """This session's translator (English until ``use_language`` has run)."""
    return translator_for(st.session_state.get(SESSION_KEY, SOURCE_LANGUAGE))


def language_names() -> dict[str, str]:
    """Each language a member may choose, named in itself ("English", "español")."""
    return {code: Locale.parse(code).get_display_name(code) or code
            for code in available_languages() if code != PSEUDO_LOCALE}


def language_picker(current: str | None, *, key: str = "language_setting") -> str | None:
    """The member's language setting as a select box (for *Account*): "Automatic" (None:
    the browser's language, else the chapter's) or a language named in itself."""
    tr = translator()
    names = language_names()
    options: list[str | None] = [None, *names]
    automatic = tr.gettext("Automatic: your browser's language, else the chapter's")
    return st.selectbox(tr.gettext("Language"), options,
                        index=options.index(current) if current in options else 0,
                        format_func=lambda code: automatic if code is None else names[code],
                        key=key)


def mark_document(tr: Translator) -> None:
    """Set ``<html lang=… dir=…>`` on the page: screen readers pronounce the language, and
    a right-to-left language lays the page out from the right.

    Sent on every run, at the same place: the browser runs the script only when the
    element first appears (or changes), so this costs one unchanged element a run. Sent
    once per session instead, a first run cut short by a rerun could drop it before the
    browser ran it, and the page stayed marked English for the whole session."""
    lang = json.dumps(tr.language.replace("_", "-"))
    direction = json.dumps(tr.dir)
    st.html(f"""<script>
(() => {{
  const root = (window.parent || window).document.documentElement;
  root.setAttribute('lang', {lang});
  root.setAttribute('dir', {direction});
}})();
</script>""", unsafe_allow_javascript=True, width="content")
