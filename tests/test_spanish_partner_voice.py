"""Partner voice, the page, in the session's language for everyone who may open it
(leads and admins): in the pseudo-locale nothing is left unmarked, in Spanish no English
is left; the partners' names, contacts, comments and what the chapter wrote stay as
written."""

from __future__ import annotations

import calendar
import re
from pathlib import Path

import pytest

from tests.i18n_helpers import data_strings, open_in, shown_texts, untranslated

PAGE = "pages/partner_voice.py"
# Each language is offered by its own name, the same in every language.
LANGUAGE_NAMES = ["English", "Español"]
# The pseudo-locale formats dates as English does (CLDR's names, not catalogue words).
DATE_NAMES = {*calendar.month_abbr[1:], *calendar.day_abbr}


def as_read(texts: list[str]) -> list[str]:
    """Markdown's escapes taken out (what was typed is escaped so it shows as typed)."""
    return [re.sub(r"\\(.)", r"\1", t) for t in texts]


@pytest.mark.slow
@pytest.mark.parametrize("role", ["lead", "admin"])
@pytest.mark.parametrize("language", ["en_XA", "es"])
def test_partner_voice_leaves_no_english(demo_db: Path, role: str, language: str) -> None:
    at = open_in(demo_db, role, language, PAGE)
    data = [*data_strings(demo_db), *LANGUAGE_NAMES]
    assert untranslated(as_read(shown_texts(at.main)), language, data=data,
                        allowed=DATE_NAMES) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en_XA", "es"])
def test_partner_voice_forms_and_refusals_leave_no_english(demo_db: Path,
                                                           language: str) -> None:
    at = open_in(demo_db, "lead", language, PAGE)
    data = [*data_strings(demo_db), *LANGUAGE_NAMES]
    # A partner with too many plan groups: refused in words, in the session's language.
    inputs = list(at.text_input)
    name = next(i for i, w in enumerate(inputs) if w.key == "voice_add_name")
    inputs[name].input("Unión de Vecinos")
    inputs[name + 3].input(", ".join(f"grupo {i}" for i in range(9)))  # the plan groups
    next(b for b in at.button if b.proto.form_id == "voice_add").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, "the form was refused"
    shown = as_read(shown_texts(at.main))
    assert untranslated(shown, language, data=data, allowed=DATE_NAMES) == []
