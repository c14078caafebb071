"""Words made below the pages and shown above them, translated by whoever shows them.

A domain function cannot know who will read its error: the member in a browser, an admin
in another language, the CLI's operator. It returns or raises a :class:`Message` (defined
in the core, :mod:`allyship.core.wording`, so every layer can make one), which *is* the
English text and keeps its template and fields; :func:`translate` renders any text in the
reader's language.
"""

from __future__ import annotations

from allyship.core.wording import Message
from allyship.i18n.catalogues import Translator

__all__ = ["Message", "translate"]


def translate(tr: Translator, text: str) -> str:
    """``text`` in ``tr``'s language: a :class:`Message` by its template and fields (its
    message fields translated too), any other string as a catalogue message (itself when
    the catalogue has no entry)."""
    if isinstance(text, Message):
        return text.in_language(tr)
    return tr.gettext(text) if text else text
