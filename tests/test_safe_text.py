"""Text people typed stays text: one function makes it inert wherever Streamlit renders
Markdown."""

from __future__ import annotations

import re

import pytest
from apptest_helpers import open_admin_tab, open_as

from allyship.core import safe_text

# --- one function makes typed text inert --------------------------------------------------

# What Streamlit's Markdown (mdast-util-gfm-autolink-literal, in the installed
# StreamlitMarkdown bundle) runs over text *after* backslash escapes are resolved: a
# match becomes a live link. The first two are copied from that bundle.
_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.I | re.A)
_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A)
_SHORTCODE = re.compile(r":[\w/+-]+:", re.A)  # remark-emoji, Streamlit's :material/…:
HOSTILE = ["[click](https://evil.example)", "![img](https://evil.example/x.png)",
           "https://evil.example/bare", "WWW.evil.example", "mallory@evil.example",
           "<img src=x onerror=alert(1)>", "[d](data:text/html;base64,PHA+)",
           "<https://evil.example>", ":red[alarm] :material/bolt: :smile:", "$x^2$",
           "# Heading\n- list\n> quote", "a\u202eevil", "line one\nline two"]


@pytest.mark.parametrize("typed", HOSTILE)
def test_inert_text_shows_as_typed_and_leaves_no_link_syntax(typed):
    md = safe_text.inert(typed)
    resolved = safe_text.shown(md)  # what Markdown makes of the escapes
    assert resolved == typed.replace("\u202e", "")  # bidi overrides dropped, rest as typed
    # Nothing the autolink pass could turn into a link, even after unescaping…
    text_node = re.sub(r"\\(.)", r"\1", md)
    assert not _URL.search(text_node) and not _EMAIL.search(text_node)
    assert not _SHORTCODE.search(text_node)
    # …and no unescaped Markdown or HTML syntax.
    for ch in "[]()<>!#*_`$":
        assert not re.search(r"(?<!\\)" + re.escape(ch), md), ch


@pytest.mark.parametrize("typed", [*HOSTILE, "mallory@evil.example", "a`b@c.org",
                                   "``x``", "` starts", "ends `", " both ", "tab\there"])
def test_verbatim_text_is_one_code_span_of_exactly_what_was_typed(typed):
    import html

    from markdown_it import MarkdownIt

    md = safe_text.verbatim(typed)
    # As inert: bidirectional overrides and control characters dropped; a line break is
    # a space inside a code span.
    expected = typed.replace("\u202e", "").replace("\t", "").replace("\n", " ")
    assert MarkdownIt("commonmark").renderInline(md) == f"<code>{html.escape(expected)}</code>"
    assert safe_text.WORD_JOINER not in md  # copied from the page, it pastes as typed


def test_verbatim_of_nothing_is_nothing():
    assert safe_text.verbatim(None) == safe_text.verbatim("") == ""


def test_markdown_is_made_inert_by_one_function_only():
    from allyship.practice import tables

    assert not hasattr(tables, "escape_md")  # the old alias: every caller uses safe_text.inert
    assert safe_text.inert("www.x.org a@b.org") != "www.x.org a@b.org"


def test_admin_confirmations_and_the_member_list_show_a_hostile_name_as_text(demo_db):
    at = open_as(demo_db, "admin", "pages/admin.py")
    name = "Eve [x](https://evil.example) www.evil.example :material/bolt:"
    at.text_input(key="add_member_name").input(name)
    at.text_input(key="add_member_email").input("eve@example.org")
    at.button(key="FormSubmitter:add_member-Add member").click().run()
    assert not at.exception
    shown = [s.value for s in at.success]
    assert shown and shown[0].startswith("Added " + safe_text.inert(name) + ".")
    # The member list: the name inert, the address verbatim (it copies as typed).
    at.text_input(key="admin_members_search").input("eve@").run()
    listed = at.table[0].value
    assert list(listed["Name"]) == [safe_text.inert(name)]
    assert list(listed["Email"]) == ["`eve@example.org`"]
    open_admin_tab(at, "Teams")
    at.text_input(key="create_team_name").input("Team https://evil.example")
    at.button(key="FormSubmitter:create_team-Create team").click().run()
    assert at.success[0].value == f"Created team {safe_text.inert('Team https://evil.example')}."
