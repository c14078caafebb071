"""Words made below the pages and shown above them, translated by whoever shows them.

A domain function cannot know who will read its error: the member in a browser, an admin
in another language, the CLI's operator. It returns or raises a :class:`Message`, which
*is* the English text (so logs, the command line and every ``str`` use are unchanged) and
also keeps its template and fields; :func:`translate` renders it in the reader's language.
"""

from __future__ import annotations

from typing import Any

from allyship.i18n.catalogues import Translator


class Message(str):
    """English text that can be shown in another language: ``Message("At most {limit}
    characters.", limit=200)`` reads "At most 200 characters." and translates by its
    template. The template is a catalogue message (the extractor knows ``Message``)."""

    template: str
    fields: dict[str, Any]

    def __new__(cls, template: str, **fields: Any) -> Message:
        text = super().__new__(cls, template.format(**fields) if fields else template)
        text.template = template
        text.fields = fields
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # pickles and copies keep the template
        return (_rebuild, (self.template, self.fields))

    def in_language(self, tr: Translator) -> str:
        """The message in ``tr``'s language, its fields filled in (fields that are
        Messages themselves translated too)."""
        fields = {k: translate(tr, v) if isinstance(v, Message) else v
                  for k, v in self.fields.items()}
        wording = tr.gettext(self.template)
        return wording.format(**fields) if fields else wording


def _rebuild(template: str, fields: dict[str, Any]) -> Message:
    return Message(template, **fields)


def translate(tr: Translator, text: str) -> str:
    """``text`` in ``tr``'s language: a :class:`Message` by its template and fields, any
    other string as a catalogue message (itself when the catalogue has no entry)."""
    if isinstance(text, Message):
        return text.in_language(tr)
    return tr.gettext(text) if text else text
