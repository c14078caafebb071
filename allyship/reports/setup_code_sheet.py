"""A printable sheet of set-up codes: one slip per member, to cut and hand out in person
when the chapter does not send email. Every piece of text is escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from allyship.core.dates import format_day
from allyship.people import passwords

_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;margin:16px}
h1{font-size:20px;margin:0 0 4px}
.slip{border:1px dashed #888;padding:10px 14px;margin:0 0 10px;break-inside:avoid}
.code{font-family:monospace;font-size:20px;letter-spacing:2px;font-weight:bold}
p{margin:2px 0}
@page{margin:12mm}
"""


def _until(at: datetime) -> str:
    return f"{format_day(at)} {at:%H:%M} UTC"


def sheet_html(codes: Sequence[passwords.IssuedCode], *, chapter: str, address: str,
               issued_on: datetime) -> str:
    """The sheet as a standalone HTML page (print it from the browser)."""
    e = html.escape
    where = e(address) if address else "the chapter's Allyship app"
    slips = "".join(
        '<section class="slip">'
        f"<p><strong>{e(c.member.name)}</strong> — {e(c.member.email)}</p>"
        f'<p>Open {where}, choose <em>First time? Use a set-up code</em>, enter your email '
        f'and this code:</p><p class="code">{e(c.code)}</p>'
        f"<p>It works once and expires on {e(_until(c.expires_at))}.</p></section>"
        for c in codes)
    count = f"{len(codes):,} code" + ("" if len(codes) == 1 else "s")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Set-up codes — {e(chapter)}</title><style>{_STYLE}</style></head>"
            f"<body><main><h1>Set-up codes — {e(chapter)}</h1>"
            f"<p>{count}, issued {e(format_day(issued_on))}. Keep this sheet private and "
            f"destroy it once the codes are handed out.</p>{slips}</main></body></html>")
