"""The catalogues: one immutable ``Translator`` per language, loaded once per process.

``locale/<lang>/LC_MESSAGES/allyship.po`` is the source of each language. A compiled
``allyship.mo`` beside it is used when it is at least as new as the ``.po`` (a deploy that
runs ``pybabel compile``); otherwise the ``.po`` is compiled in memory on first use, so a
clean clone needs no build step and a stale ``.mo`` never shows old wording. English is the
source language: its translator returns every message as written.
"""

from __future__ import annotations

import functools
import gettext
import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from allyship.i18n import negotiation, pseudo

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
DOMAIN = "allyship"
TEMPLATE = "messages.pot"
SOURCE_LANGUAGE = "en"
# Accented and longer, generated from the template; for tests, never offered to members.
PSEUDO_LOCALE = "en_XA"


@dataclass(frozen=True)
class Translator:
    """One language's messages and formats. Shared between sessions: nothing in it changes.

    Conventions: ``_ = tr.gettext`` then ``_("Log actions")``; counts through
    ``tr.ngettext("{count} week", "{count} weeks", n).format(count=...)``; a word that
    means two things in English gets a context: ``tr.pgettext("chart axis", "Week")``.
    Placeholders are named ``{fields}`` filled after translation, never f-strings (the
    extractor cannot see inside an f-string).
    """

    language: str
    locale: Locale  # for dates and numbers
    translations: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.translations.npgettext(context, singular, plural, n)

    @property
    def dir(self) -> str:
        """``"ltr"`` or ``"rtl"``: the way the language is written."""
        return negotiation.direction(self.language)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where no translator is at hand (a module
    constant); it is translated where shown, ``tr.gettext(CONSTANT)``."""
    return message


def catalogue_path(language: str, locale_dir: Path = LOCALE_DIR, suffix: str = ".po") -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def available_languages(locale_dir: Path = LOCALE_DIR, *, include_pseudo: bool = False
                        ) -> tuple[str, ...]:
    """English and every language with a catalogue, in order (the pseudo-locale if asked);
    read once per process, like the catalogues themselves."""
    found = sorted(p.parents[1].name for p in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    languages = [SOURCE_LANGUAGE, *(f for f in found if f != SOURCE_LANGUAGE)]
    if include_pseudo:
        languages.append(PSEUDO_LOCALE)
    return tuple(languages)


def compile_po(po: bytes, language: str) -> bytes:
    """A ``.po`` catalogue compiled to ``.mo`` bytes (fuzzy entries left out, as gettext does)."""
    catalogue = read_po(io.BytesIO(po), locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    return compiled.getvalue()


def load_translations(language: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The messages of ``language``: its ``.mo`` if up to date, else its ``.po`` compiled
    here; the pseudo-locale from the template; nothing to translate for English."""
    if language == PSEUDO_LOCALE:
        return pseudo.pseudo_translations((locale_dir / TEMPLATE).read_bytes())
    po, mo = catalogue_path(language, locale_dir), catalogue_path(language, locale_dir, ".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if po.exists():
        return Translations(io.BytesIO(compile_po(po.read_bytes(), language)), domain=DOMAIN)
    return gettext.NullTranslations()


def formatting_locale(language: str) -> Locale:
    """The Babel locale for dates and numbers: the language's own, or its base language's
    (the pseudo-locale formats as English), else English."""
    for tag in (language, language.split("_")[0], SOURCE_LANGUAGE):
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(SOURCE_LANGUAGE)


def make_translator(language: str, locale_dir: Path = LOCALE_DIR) -> Translator:
    """A new translator for ``language`` from the catalogues in ``locale_dir``."""
    return Translator(language, formatting_locale(language),
                      load_translations(language, locale_dir))


def translator_for(language: str | None) -> Translator:
    """The translator for ``language``, built once per process and shared: it is immutable,
    so sessions in different languages never meet. A tag we have no catalogue for gets
    its base language's ("es-MX" → "es"), else English."""
    found = negotiation.match(language, available_languages(include_pseudo=True))
    return _cached_translator(found or SOURCE_LANGUAGE)


def translator_for_recipient(member: str | None, chapter: str | None) -> Translator:
    """The translator for someone reading away from a browser (an email, a calendar feed,
    a report made on the command line): their own setting, else their chapter's default,
    else English."""
    return translator_for(negotiation.negotiate(available_languages(), member=member,
                                                chapter=chapter))


@functools.cache
def _cached_translator(language: str) -> Translator:
    return make_translator(language)
