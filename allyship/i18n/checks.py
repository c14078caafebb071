"""What makes a catalogue shippable, as a list of problems (empty when it is).

Complete against the template (every message, no leftovers), nothing fuzzy, every plural
form filled, the language's own plural rule, and placeholders kept: a translation may
leave a ``{count}`` out of a plural form ("una semana") but never adds a field or drops
one from a plain message; date patterns must be CLDR patterns. The tests run it on every shipped catalogue.
"""

from __future__ import annotations

import re
import string
from datetime import date

from babel.dates import format_date
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

FIELD = re.compile(r"\{(\w*)[^{}]*\}")
DATE_PATTERN_CONTEXT = "CLDR date pattern"


def message_key(message: Message) -> tuple[str | None, str]:
    ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    return message.context, ids[0]


def translated_forms(message: Message) -> list[str]:
    return (list(message.string) if isinstance(message.string, (tuple, list))
            else [message.string or ""])


def _placeholder_problems(message: Message) -> list[str]:
    ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    wanted = set(FIELD.findall(ids[-1]))
    problems = []
    for text in translated_forms(message):
        got = set(FIELD.findall(text))
        if not got <= wanted or (len(ids) == 1 and got != wanted):
            problems.append(f"placeholders {sorted(got)} instead of {sorted(wanted)}: {text!r}")
    return problems


def _pattern_fields(pattern: str) -> set[str]:
    """The field letters of a CLDR pattern, quoted literals left out."""
    return set(re.sub(r"'[^']*'", "", pattern)) & set(string.ascii_letters)


def _pattern_problems(message: Message, language: str) -> list[str]:
    """A date pattern Babel cannot use would fail every page showing a date; one that
    leaves out a field (the weekday, the year) loses what the English shows."""
    if message.context != DATE_PATTERN_CONTEXT:
        return []
    pattern = translated_forms(message)[0]
    try:
        format_date(date(2026, 12, 7), pattern, locale=language)
    except (ValueError, TypeError, KeyError) as error:
        return [f"not a CLDR date pattern: {error}"]
    got, wanted = sorted(_pattern_fields(pattern)), sorted(_pattern_fields(str(message.id)))
    if got != wanted:
        return [f"date pattern fields {got} instead of {wanted}"]
    return []


def catalogue_problems(template: Catalog, catalogue: Catalog) -> list[str]:
    """Everything wrong with ``catalogue`` (a language's ``.po``) against ``template``."""
    problems = []
    if catalogue.fuzzy:
        problems.append("the header is marked fuzzy")
    expected = get_plural(str(catalogue.locale))
    if (catalogue.num_plurals, catalogue.plural_expr) != (expected.num_plurals,
                                                          expected.plural_expr):
        problems.append(f"Plural-Forms is not the language's own: {expected}")
    wanted = {message_key(m) for m in template if m.id}
    have = {message_key(m): m for m in catalogue if m.id}
    problems += [f"missing: {k}" for k in sorted(wanted - have.keys(), key=str)]
    problems += [f"not in the template: {k}" for k in sorted(have.keys() - wanted, key=str)]
    for k, message in have.items():
        forms = translated_forms(message)
        if message.fuzzy:
            problems.append(f"fuzzy: {k}")
        if not all(f.strip() for f in forms):
            problems.append(f"untranslated: {k}")
        elif isinstance(message.id, (tuple, list)) and len(forms) != expected.num_plurals:
            problems.append(f"{len(forms)} plural forms, not {expected.num_plurals}: {k}")
        else:
            problems += [f"{k}: {p}" for p in _placeholder_problems(message)]
            problems += [f"{k}: {p}" for p in _pattern_problems(message, str(catalogue.locale))]
    problems += [f"{message_key(m)}: {e}" for m, errors in catalogue.check() for e in errors]
    return problems
