"""What a page still shows in English, read the way a person reads it — shared by the
Spanish page tests in AppTest and in Chromium.

On top of ``i18n_helpers.untranslated``: Markdown escapes and the invisible joiners put
inside addresses are taken out (a person sees neither), what people wrote counts as data
also where a page shortens it, a word with a letter outside ASCII is never English
("perpetúan" holds no "an"), and the pseudo-locale may show Babel's English day and
month names in its dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from babel import Locale
from i18n_helpers import PSEUDO, data_strings, untranslated

# The pseudo-locale formats dates with English CLDR names ("Mon 7 Dec 2026"): Babel's
# words, not messages, and the only English it may show.
CLDR_ENGLISH = {*Locale("en").days["format"]["abbreviated"].values(),
                *Locale("en").months["format"]["abbreviated"].values()}
# Spanish words spelled like words in i18n_helpers.ENGLISH_WORDS.
SPANISH_TWINS = {"ideas", "Ideas"}
_NOT_ASCII_WORD = re.compile(r"\w*[^\W\d_\x00-\x7f]\w*")
_ESCAPE = re.compile(r"\\(.)")


def data_in(db_path: Path) -> list[str]:
    """What people wrote, whole and as the pages shorten it (a menu shows 60 characters
    of an action, a list 40)."""
    whole = data_strings(db_path)
    shortened = {s[:n].rstrip() for s in whole for n in (40, 60, 70) if len(s) > n}
    return sorted({*whole, *shortened}, key=len, reverse=True)


def readable(texts: Iterable[str]) -> list[str]:
    """The texts as a person reads them: no Markdown escapes, no word joiners, and no
    word with a letter outside ASCII."""
    return [_NOT_ASCII_WORD.sub(" ", _ESCAPE.sub(r"\1", t).replace("\u2060", ""))
            for t in texts]


def english_in(texts: Iterable[str], language: str, db_path: Path) -> list[str]:
    """The texts that still show English in ``language`` (data taken out)."""
    allowed = CLDR_ENGLISH if language == PSEUDO else SPANISH_TWINS
    return untranslated(readable(texts), language, data=data_in(db_path), allowed=allowed)
