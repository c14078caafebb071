"""Set-up codes by email: each member gets their own one-time code, sent straight through
the chapter's SMTP settings (never queued, so a code is never stored in clear), in the
member's language (their setting, else the chapter's default)."""

from __future__ import annotations

import html
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member
from allyship.db import store
from allyship.i18n import Translator, formatting, translator_for
from allyship.people import passwords, roster
from allyship.rhythm import mail, nudges, wording


@dataclass(frozen=True)
class Unsent:
    code: passwords.IssuedCode
    reason: str


def sign_in_address(db: sqlite_utils.Database, chapter_id: int) -> str:
    """The app's public address, or "" while the admin has not set one (a localhost link
    would work only on the server's own computer)."""
    return nudges.chapter_settings(db, chapter_id).public_url


def code_email(issued: passwords.IssuedCode, *, chapter: str, admin: str, address: str,
               sender: str, tr: Translator | None = None) -> EmailMessage:
    """The email carrying one member's code, in ``tr``'s language (English by default):
    plain text and a small accessible HTML part."""
    tr = tr or translator_for("en")
    _ = tr.gettext
    member = issued.member
    until = _("{day} {time} UTC").format(day=formatting.format_day(tr, issued.expires_at),
                                         time=f"{issued.expires_at:%H:%M}")
    enter = (_("Open {address}, choose “First time? Use a set-up code”, enter your email "
               "({email}) and this code to choose your password:") if address else
             _("Open the Allyship app, choose “First time? Use a set-up code”, enter your "
               "email ({email}) and this code to choose your password:"))
    lines = [_("Hello {name},").format(
                 name=member.name.split()[0] if member.name.split() else member.name),
             _("{admin} has set up your account in {chapter}'s Allyship app.").format(
                 admin=admin, chapter=chapter),
             enter.format(address=address, email=member.email), issued.code,
             _("The code works once and expires on {until}. If you did not expect it, "
               "ignore this email or tell your chapter admin.").format(until=until)]
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = Address(display_name=mail.one_line(member.name), addr_spec=member.email)
    msg["Subject"] = _("Your set-up code for {chapter}'s Allyship app").format(
        chapter=mail.one_line(chapter))
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="allyship.local")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n\n".join(lines) + "\n")
    e = html.escape
    heading = _("Your set-up code")
    paragraphs = "".join(f"<p>{e(line)}</p>" for line in (lines[1], lines[2]))
    msg.add_alternative(
        f'<!DOCTYPE html><html {mail.html_lang(tr)}><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(msg['Subject'])}</title></head>"
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;'
        'color:#1a1a1a"><main style="max-width:560px;margin:0 auto;padding:16px">'
        f'<h1 style="font-size:20px">{e(heading)}</h1><p>{e(lines[0])}</p>'
        f'{paragraphs}'
        '<p style="font-size:22px;font-family:monospace;letter-spacing:2px">'
        f"<strong>{e(issued.code)}</strong></p><p>{e(lines[4])}</p></main></body></html>",
        subtype="html")
    return msg


def email_codes(db: sqlite_utils.Database, actor: Member, codes: list[passwords.IssuedCode],
                settings: mail.SmtpSettings) -> list[Unsent]:
    """Send each code to its member over one SMTP connection. Returns the codes that did
    not go (an unusable address, a refusal, a connection failure), for the printable
    sheet. Each sent code is audited (the address, never the code)."""
    access.require_admin(actor)
    chapter = roster.get_chapter(db, actor.chapter_id).name
    address = sign_in_address(db, actor.chapter_id)
    unsent: list[Unsent] = []
    sender = mail.Sender(settings)
    try:
        for issued in codes:
            problem = mail.address_problem(issued.member.email)
            if problem:
                unsent.append(Unsent(issued, problem))
                continue
            try:
                sender.send(code_email(issued, chapter=chapter, admin=actor.name,
                                       address=address, sender=settings.sender,
                                       tr=wording.member_translator(db, issued.member)))
            except (smtplib.SMTPException, OSError) as exc:
                unsent.append(Unsent(issued, f"{type(exc).__name__}: {exc}"))
                continue
            with store.transaction(db):
                store.audit(db, actor.id, "mail.setup_code", "members", issued.member.id,
                            {"to": issued.member.email})
    finally:
        sender.close()
    return unsent
