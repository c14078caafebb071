"""What a page still shows in English, read the way a person reads it — shared by the
Spanish page tests in AppTest and in Chromium.

On top of ``i18n_helpers.untranslated``: Markdown escapes and the invisible joiners put
inside addresses are taken out (a person sees neither), and what people wrote counts as
data also where a page shortens it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from i18n_helpers import data_strings, untranslated

_ESCAPE = re.compile(r"\\(.)")


def data_in(db_path: Path) -> list[str]:
    """What people wrote, whole and as the pages shorten it (a menu shows 60 characters
    of an action, a list 40)."""
    whole = data_strings(db_path)
    shortened = {s[:n].rstrip() for s in whole for n in (40, 60, 70) if len(s) > n}
    return sorted({*whole, *shortened}, key=len, reverse=True)


def readable(texts: Iterable[str]) -> list[str]:
    """The texts as a person reads them: no Markdown escapes, no word joiners."""
    return [_ESCAPE.sub(r"\1", t).replace("\u2060", "") for t in texts]


def english_in(texts: Iterable[str], language: str, db_path: Path) -> list[str]:
    """The texts that still show English in ``language`` (data taken out)."""
    return untranslated(readable(texts), language, data=data_in(db_path))
