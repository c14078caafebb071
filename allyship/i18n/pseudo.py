"""The pseudo-locale: every message accented, a third longer and marked, for tests.

``⟦Ŀǿɠ ȧƈŧīǿƞş ·····⟧`` is still readable, so a page in the pseudo-locale can be used;
any text on it *without* the marks was never looked up in the catalogue, and the extra
length shows where a longer language would break a layout. Placeholders (``{name}``,
``%(name)s``), HTML tags and entities, URLs and Markdown link targets are kept as they
are, so formatting and links still work.
"""

from __future__ import annotations

import io
import math
import re

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

START, END = "⟦", "⟧"
EXPANSION = 0.3
PADDING = "·"
# Messages whose context starts so are machine patterns (dates): kept as written.
VERBATIM_CONTEXT = "CLDR"

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ",
)
# What must survive untouched: format fields, printf fields, tags, entities, URLs,
# Markdown link targets and code spans.
_KEEP = re.compile(
    r"\{[^{}]*\}|%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]|%[#0 +-]*\d*(?:\.\d+)?"
    r"[diouxXeEfFgGcrsa%]|<[^<>]+>|&[#\w]+;|https?://\S+|\]\([^)]*\)|`[^`]*`"
)


def pseudo(text: str) -> str:
    """``text`` accented, padded to at least 30 % longer, between ``⟦`` and ``⟧``."""
    if not text:
        return text
    out, last = [], 0
    for kept in _KEEP.finditer(text):
        out.append(text[last:kept.start()].translate(_ACCENTED))
        out.append(kept.group())
        last = kept.end()
    out.append(text[last:].translate(_ACCENTED))
    # The marks count towards the length: pad the rest of the third.
    padding = max(1, math.ceil(len(text) * EXPANSION) - 3)
    return f"{START}{''.join(out)} {PADDING * padding}{END}"


def is_pseudo(text: str) -> bool:
    """Whether ``text`` came through the pseudo-locale (starts and ends with its marks)."""
    return text.startswith(START) and text.endswith(END)


def pseudo_catalogue(template: bytes | str) -> Catalog:
    """A catalogue translating every message of ``template`` (a ``.pot``) into pseudo."""
    source = template.encode() if isinstance(template, str) else template
    catalogue = read_po(io.BytesIO(source), locale="en")
    for message in catalogue:
        if not message.id:
            continue
        if (message.context or "").startswith(VERBATIM_CONTEXT):
            message.string = message.id  # a pattern for Babel, not words
            continue
        if isinstance(message.id, (list, tuple)):
            forms = [pseudo(message.id[0])] + [pseudo(message.id[1])] * (
                catalogue.num_plurals - 1)
            message.string = tuple(forms)
        else:
            message.string = pseudo(message.id)
    return catalogue


def pseudo_translations(template: bytes | str) -> Translations:
    """The pseudo-locale's translations, compiled in memory from a ``.pot``."""
    compiled = io.BytesIO()
    write_mo(compiled, pseudo_catalogue(template))
    compiled.seek(0)
    return Translations(compiled)
