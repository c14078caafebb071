"""Words made in the domain layer and shown to people, translatable where they are shown.

The core sits below the language machinery (``allyship.i18n``), so it cannot use
``allyship.i18n.Message``; :class:`Message` here is the same idea in the core: a ``str``
that *is* the English text (logs, the CLI and every existing check see it unchanged) and
remembers its template and fields, so the page that shows it can translate it
(``allyship.ui.common.words``). The extractor finds ``Message("…")`` by name, so these
templates are catalogue messages like any other.
"""

from __future__ import annotations

from typing import Any, Protocol


class Gettext(Protocol):
    """What a translator offers that a message needs (``allyship.i18n.Translator``)."""

    def gettext(self, message: str) -> str: ...


class Message(str):
    """English text that can be shown in another language: ``Message("{label} is
    required", label=Message("Date"))`` reads "Date is required". Fields that are
    messages themselves are translated too; other fields (what people typed, numbers)
    are shown as they are."""

    template: str
    fields: dict[str, Any]

    def __new__(cls, template: str, **fields: Any) -> Message:
        text = super().__new__(cls, template.format(**fields) if fields else template)
        text.template = template
        text.fields = fields
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # pickles and copies keep the template
        return (_rebuild, (self.template, self.fields))

    def in_language(self, tr: Gettext) -> str:
        """The message in ``tr``'s language, its message fields translated too."""
        fields = {k: v.in_language(tr) if hasattr(v, "in_language") else v
                  for k, v in self.fields.items()}
        wording = tr.gettext(self.template)
        return wording.format(**fields) if fields else wording


def _rebuild(template: str, fields: dict[str, Any]) -> Message:
    return Message(template, **fields)


def message_of(exc: BaseException) -> str:
    """An exception's message keeping its template (``str(exc)`` would lose it)."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, str) and len(exc.args) == 1 else str(exc)
