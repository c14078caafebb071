"""A printable sheet of set-up codes: one slip per member, to cut and hand out in person
when the chapter does not send email. Every piece of text is escaped; every word is in
the sheet's language (English without a translator)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from allyship.i18n import Translator, formatting
from allyship.people import passwords
from allyship.reports.wording import resolve

_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;margin:16px}
h1{font-size:20px;margin:0 0 4px}
.slip{border:1px dashed #888;padding:10px 14px;margin:0 0 10px;break-inside:avoid}
.code{font-family:monospace;font-size:20px;letter-spacing:2px;font-weight:bold}
p{margin:2px 0}
@page{margin:12mm}
"""


def _until(tr: Translator, at: datetime) -> str:
    return tr.gettext("{day} {time} UTC").format(day=formatting.format_day(tr, at),
                                                 time=f"{at:%H:%M}")


def sheet_html(codes: Sequence[passwords.IssuedCode], *, chapter: str, address: str,
               issued_on: datetime, tr: Translator | None = None) -> str:
    """The sheet as a standalone HTML page (print it from the browser)."""
    tr = resolve(tr)
    _ = tr.gettext
    e = html.escape
    where = e(address) if address else e(_("the chapter's Allyship app"), quote=False)
    # Translators: the words in <em> are the sign-in page's tab; {where} is an address.
    opening = _("Open {where}, choose <em>First time? Use a set-up code</em>, enter your email "
                "and this code:")
    expires = _("It works once and expires on {until}.")
    slips = "".join(
        '<section class="slip">'
        f"<p><strong>{e(c.member.name)}</strong> — {e(c.member.email)}</p>"
        f"<p>{opening.format(where=where)}</p><p class=\"code\">{e(c.code)}</p>"
        f"<p>{e(expires.format(until=_until(tr, c.expires_at)))}</p></section>"
        for c in codes)
    count = tr.ngettext("{count} code", "{count} codes", len(codes)).format(
        count=formatting.format_number(tr, len(codes)))
    title = e(_("Set-up codes — {chapter}").format(chapter=chapter))
    intro = e(_("{count}, issued {day}. Keep this sheet private and destroy it once the codes "
                "are handed out.").format(count=count, day=formatting.format_day(tr, issued_on)))
    lang = e(tr.language.replace("_", "-"))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{_STYLE}</style></head>"
            f"<body><main><h1>{title}</h1><p>{intro}</p>{slips}</main></body></html>")
