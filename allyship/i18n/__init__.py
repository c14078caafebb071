"""Languages: gettext catalogues loaded per language, never process-wide.

A page, an email or a report gets a ``Translator`` (``translator_for(lang)``) and passes it
explicitly; nothing here installs a global ``_`` or calls ``locale.setlocale``. The
language is negotiated by a pure function (member setting, browser, chapter default,
English); dates and numbers are formatted by Babel for the translator's locale; the
handout's wording is translated by number from the same catalogues. Adding a language
is adding ``locale/<lang>/LC_MESSAGES/allyship.po`` (docs/translating.md).
"""

from allyship.i18n.catalogues import (
    N_,
    PSEUDO_LOCALE,
    SOURCE_LANGUAGE,
    Translator,
    available_languages,
    translator_for,
    translator_for_recipient,
)
from allyship.i18n.messages import Message, translate
from allyship.i18n.negotiation import direction, negotiate

__all__ = ["N_", "PSEUDO_LOCALE", "SOURCE_LANGUAGE", "Message", "Translator",
           "available_languages", "direction", "negotiate", "translate", "translator_for",
           "translator_for_recipient"]
