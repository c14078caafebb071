"""Helpers for the language tests: open a page in a language, read every word it shows,
and find what was left in English.

Two nets, used together:

* **the pseudo-locale** (``en_XA``): every message from the catalogue comes out between
  ``⟦`` and ``⟧``; any word outside the marks that is not data was never translated;
* **Spanish** (``es``): no common English word outside data and the allow-list.

What people wrote (names, actions, plans, reflections, team and chapter names, the goal
label) is data: it is never translated, so every text value stored in the database is
taken out of the page's words before they are checked.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from apptest_helpers import APP, persona

PSEUDO = "en_XA"
# Proper nouns and tokens that are the same in every language.
ALLOWED = {
    "Allyship", "Accountability", "Dashboard", "Audubon", "CSV", "HTML", "Markdown", "PDF",
    "SVG", "ICS", "iCalendar", "SMTP", "URL", "ID", "OK", "Streamlit", "Litestream", "UTC",
    "English", "español", "Email", "email",
}
# Words that are English and not Spanish: one of these outside data means English was
# left on a Spanish page.
ENGLISH_WORDS = {
    "the", "and", "your", "you", "with", "this", "that", "from", "for", "are", "is",
    "was", "have", "has", "will", "what", "which", "who", "of", "to", "in", "on", "at",
    "by", "an", "it", "be", "or", "all", "each", "every", "week", "weeks", "team",
    "teams", "action", "actions", "member", "members", "chapter", "report", "save",
    "sign", "show", "shown", "here", "there", "they", "their", "them", "when", "how",
    "not", "yet", "no one", "nobody", "none", "open", "close", "download", "send", "sent",
    "log", "logged", "goal", "step", "steps", "next", "last", "first", "today", "days",
    "month", "months", "year", "people", "person", "share", "shared", "private", "add",
    "remove", "change", "choose", "settings", "account", "help", "about", "progress",
    "partner", "partners", "circle", "reflect", "reflection", "my", "our", "we",
    "can", "cannot", "only", "more", "less", "than", "see", "new", "back", "done",
}
# The pseudo-locale formats dates as English (CLDR "en"): its day and month names are not
# messages, so they are not marked.
_ENGLISH_DATE_WORDS = {
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "January", "February", "March",
    "April", "June", "July", "August", "September", "October", "November", "December",
}
# A word in any script: accented letters belong to their word ("anónima" is one word).
_WORD = re.compile(r"[^\W\d_][\w'’]*")
# Chart spec keys whose values are settings or data, not words a person reads.
_SPEC_SETTINGS = {
    "data", "datasets", "values", "field", "name", "type", "$schema", "format", "mark",
    "scale", "signal", "expr", "test", "fieldTitle", "timeUnit", "filter", "orient",
    "anchor", "op", "as", "groupby", "order", "contains", "width", "height", "calculate",
    "fold", "align", "baseline", "fontWeight", "interpolate", "stroke", "color", "fill",
    "value", "stack", "window", "sort", "domain", "range", "scheme", "locale", "font",
    "labelExpr", "param", "bind", "aggregate", "bin", "impute", "key", "id", "shape",
    "strokeDash", "legendX", "legendY", "formatType", "encoding",
}
_MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
_ICON = re.compile(r":material/[a-z0-9_]+:")
_CSS_CONTENT = re.compile(r'content:\s*"([^"]*)"')


def open_in(path: Path, role: str, language: str, page: str | None = None) -> AppTest:
    """The demo app at ``path`` signed in as ``role``, this session in ``language``
    (forced, as a member's setting would), optionally on ``page`` ("pages/admin.py")."""
    db, member = persona(path, role)
    db.conn.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["member_id"] = member.id
    at.session_state["language_override"] = language
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page is not None:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def _strings_in(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            # Chart data rows are data; their field names are code, not words.
            if key in _SPEC_SETTINGS:
                continue
            yield from _strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings_in(item)


def shown_texts(where: AppTest | object) -> list[str]:
    """Every piece of text the last run shows a person — in the whole app (an AppTest) or
    one part of it (``at.main``, ``at.sidebar``): bodies, labels, options, help,
    placeholders, captions, tab and expander labels, table headers and the words in
    chart specs (titles, axes, legends, tooltips)."""
    texts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            for field in ("body", "label", "help", "placeholder", "value", "default_value",
                          "text", "caption"):
                value = getattr(proto, field, None)
                if isinstance(value, str) and value:
                    texts.append(value)
            for field in ("options", "display_values"):
                values = getattr(proto, field, None)
                if values is not None:
                    try:
                        texts.extend(str(v) for v in values)
                    except TypeError:
                        pass
            spec = getattr(proto, "spec", None)
            if isinstance(spec, str) and spec.startswith("{"):
                texts.extend(_strings_in(json.loads(spec)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(where._tree if isinstance(where, AppTest) else where)
    return texts


def data_strings(path: Path) -> list[str]:
    """Every text value stored in the database at ``path``, longest first: what people
    wrote, which stays in its own language."""
    con = sqlite3.connect(path)
    found: set[str] = set()
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                for (value,) in con.execute(
                        f'SELECT DISTINCT "{column}" FROM "{table}" WHERE typeof("{column}") = '
                        "'text' AND length(\"{column}\") >= 3".replace("{column}", column)):
                    found.add(value)
    finally:
        con.close()
    return sorted(found, key=len, reverse=True)


def _without_data(text: str, data: Iterable[str]) -> str:
    for value in data:
        if value in text:  # whole words only: "act" is data, "practice" is not
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    return text


def untranslated(texts: Iterable[str], language: str, *, data: Iterable[str] = (),
                 allowed: Iterable[str] = ()) -> list[str]:
    """The texts that still show English: outside the pseudo-locale's marks (``en_XA``), or
    with an English word (any other language); data and allowed words taken out first."""
    data = list(data)
    allow = ALLOWED | set(allowed)
    left = []
    for text in texts:
        if text.lstrip().startswith(("<script", "<style")):
            continue  # code for the browser; words it shows (CSS content) are checked apart
        rest = _without_data(_ICON.sub(" ", _CSS_CONTENT.sub(r"\1", text)), data)
        if language == PSEUDO:
            while _MARKED.search(rest):  # a message may hold another (a question in a line)
                rest = _MARKED.sub(" ", rest)
            # Pseudo words are accented; a message split by a tag loses its marks on one
            # side, so only plain-ASCII words can be English left untranslated.
            words = [w for w in _WORD.findall(rest) if w.isascii() and w not in allow
                     and w not in _ENGLISH_DATE_WORDS and len(w) > 1]
        else:
            words = [w for w in _WORD.findall(rest)
                     if w not in allow and w.lower() in ENGLISH_WORDS]
        if words:
            left.append(f"{text!r} ({', '.join(sorted(set(words)))})")
    return left
