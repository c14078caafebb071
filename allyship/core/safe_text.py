"""Text that came from a person, made inert before anything renders it as Markdown.

Streamlit renders most text it is given as Markdown (``st.markdown``, messages, captions,
labels, tooltips). Anything a person typed goes through :func:`inert` on its way into one
of those calls, or is shown with a call that renders no Markdown. Backslash escapes alone
are not enough — bare URLs, ``www.`` names and email addresses become links after escapes
are resolved — so :func:`inert` also puts an invisible WORD JOINER (U+2060) where those
patterns need two characters to touch. The text looks exactly as typed.
"""

from __future__ import annotations

import re
import string
from typing import Any

WORD_JOINER = "\u2060"

# Every ASCII punctuation character can be backslash-escaped in CommonMark, and the
# backslash then disappears: escaping them all leaves no Markdown syntax (links,
# images, emphasis, headings, lists, tables, HTML, math, directives) to act on.
_ESCAPED = frozenset(string.punctuation)
_WWW_DOT = re.compile(r"(?i)(?<=www)\.")
# A colon only matters where it starts "://" (a URL) or a ":name:" shortcode (emoji,
# Streamlit's ":material/icon:"); elsewhere it is left as typed.
_COLON_MATTERS = re.compile(r":(?://|[\w/+-]+:)")
# C0/C1 controls other than newline, and bidirectional overrides that could make a
# name display as something else.
_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def inert(text: Any) -> str:
    """``text`` as Markdown that shows exactly what was typed and does nothing else:
    no link, autolink, image, HTML, heading, list, emphasis, emoji or icon shortcode.

    Line breaks are kept as line breaks. ``None`` shows as an empty string.
    """
    if text is None:
        return ""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n")
    s = _INVISIBLE.sub("", s)
    s = _WWW_DOT.sub(WORD_JOINER + ".", s)
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch == ":" and not _COLON_MATTERS.match(s, i):
            out.append(ch)  # "Riverbend: report" reads as typed, even as a raw file
        elif ch == ":":
            # Joiners on both sides: "https:" no longer touches "//", and ":smile:" no
            # longer has a word right after its colon.
            out.append(WORD_JOINER + "\\:" + WORD_JOINER)
        elif ch in _ESCAPED:
            if ch == "@":
                out.append(WORD_JOINER)
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")  # a hard line break, never a new block
        else:
            out.append(ch)
    return "".join(out)


def verbatim(text: Any) -> str:
    """``text`` as a Markdown code span: shown exactly as typed, in code type, and copied
    exactly too (no invisible joiners, as :func:`inert` needs): for addresses people copy.
    ``None`` shows as an empty string."""
    if text is None:
        return ""
    s = _INVISIBLE.sub("", str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    if not s:
        return ""
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", s)), default=0))
    # CommonMark strips one space from each end of a code span that starts and ends with
    # one, and a backtick at an end would join the fence: pad those.
    pad = " " if s[0] == "`" or s[-1] == "`" or (s[0] == s[-1] == " " and s.strip()) else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def shown(markdown: str) -> str:
    """What a reader sees for Markdown made by :func:`inert` (for tests and logs):
    the escapes and word joiners removed."""
    s = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown.replace("  \n", "\n"))
    return s.replace(WORD_JOINER, "")
