"""The two emails Partner voice sends — the request and the report-back — in the
partner's language, through the app's SMTP settings (:mod:`allyship.rhythm.mail`),
sent at once when the lead asks (the link exists in clear only at that moment)."""

from __future__ import annotations

import html
import smtplib
from datetime import date, datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import sqlite_utils

from allyship.core.models import Member
from allyship.i18n import Message, Translator, formatting, translator_for
from allyship.people import roster
from allyship.rhythm import mail, nudges
from allyship.voice import asks, partners, report_back, rules


def link(db: sqlite_utils.Database, chapter_id: int, token: str) -> str:
    """The request's full address, on the chapter's public address."""
    return nudges.app_link(nudges.chapter_settings(db, chapter_id), asks.link_path(token))


def _message(settings: mail.SmtpSettings, partner: partners.CommunityPartner, subject: str,
             paragraphs: list[str]) -> EmailMessage:
    """Plain text and the same paragraphs escaped as HTML (no links or images in it: the
    address is printed as text for the partner to open)."""
    name, addr = parseaddr(settings.sender)
    local, _, domain = addr.rpartition("@")
    msg = EmailMessage()
    msg["From"] = Address(display_name=mail.one_line(name), username=local, domain=domain)
    to_local, _, to_domain = partner.contact_email.rpartition("@")
    msg["To"] = Address(display_name=mail.one_line(partner.contact_name or partner.name),
                        username=to_local, domain=to_domain)
    msg["Subject"] = mail.one_line(subject)
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain="allyship.local")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n\n".join(paragraphs) + "\n")
    msg.add_alternative("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
                        subtype="html")
    return msg


def _send(settings: mail.SmtpSettings, msg: EmailMessage) -> None:
    sender = mail.Sender(settings)
    try:
        sender.send(msg)
    finally:
        sender.close()


def request_email(db: sqlite_utils.Database, new: asks.NewAsk, partner: partners.CommunityPartner,
                  settings: mail.SmtpSettings, tr: Translator) -> EmailMessage:
    chapter = roster.get_chapter(db, partner.chapter_id)
    closes = formatting.format_day(tr, date.fromisoformat(new.ask.expires_at[:10]))
    paragraphs = [
        tr.gettext("Hello {name},").format(name=partner.contact_name or partner.name),
        tr.gettext("{chapter} works with {organisation}. Our allyship only counts if the "
                   "people we work with recognise it, so we would value your view: three "
                   "short questions, all optional, under three minutes, on a phone too. "
                   "No account is needed.").format(chapter=chapter.name,
                                                   organisation=partner.name),
        tr.gettext("Open this address in your browser (it works until {day}):").format(
            day=closes),
        link(db, partner.chapter_id, new.token),
        tr.gettext("You choose how we may use any comment. We ask at most once a quarter, "
                   "and the page has a button to ask us never to ask again."),
    ]
    if new.ask.thanks_note:
        paragraphs.append(tr.gettext("With thanks: {note}").format(note=new.ask.thanks_note))
    return _message(settings, partner,
                    tr.gettext("{chapter}: how did we do? Three short questions").format(
                        chapter=chapter.name), paragraphs)


def send_request(db: sqlite_utils.Database, new: asks.NewAsk,
                 settings: mail.SmtpSettings | None = None) -> str:
    """Email the request to the partner's contact; returns the mail status kept on it
    (``sent``, ``failed``, ``not set up``, or ``none`` without an address)."""
    partner = partners.from_row(db.execute(
        f"SELECT {partners.COLUMNS} FROM community_partners WHERE id = ?",
        [new.ask.partner_id]).fetchone())
    status = "none"
    if partner.contact_email and mail.address_problem(partner.contact_email) is None:
        try:
            settings = settings or mail.smtp_settings()
            _send(settings, request_email(db, new, partner, settings,
                                          translator_for(partner.language)))
            status = "sent"
        except mail.MailNotConfigured:
            status = "not set up"
        except (smtplib.SMTPException, OSError, ValueError):
            status = "failed"
    asks.set_mail_status(db, new.ask.id, status)
    return status


def report_back_email(db: sqlite_utils.Database, partner: partners.CommunityPartner,
                      back: report_back.ReportBack, settings: mail.SmtpSettings,
                      tr: Translator) -> EmailMessage:
    chapter = roster.get_chapter(db, partner.chapter_id)
    paragraphs = [
        tr.gettext("Hello {name},").format(name=partner.contact_name or partner.name),
        tr.gettext("Thank you for telling {chapter} how we did in {quarter}. You said — we "
                   "did: this is what we did about it.").format(
            chapter=chapter.name, quarter=rules.quarter_label(tr, back.quarter)),
        back.text,
        tr.gettext("You can read this again at the address in our request."),
    ]
    return _message(settings, partner, tr.gettext("{chapter}: you said — we did").format(
        chapter=chapter.name), paragraphs)


def send_report_back(db: sqlite_utils.Database, actor: Member | None, quarter: str,
                     settings: mail.SmtpSettings | None = None) -> int:
    """Email the quarter's report-back to every partner who answered (and may be written
    to), mark it sent (it no longer changes) and return how many emails left."""
    actor = partners.require_keeper(actor)
    back = report_back.get(db, actor.chapter_id, quarter)
    if back is None:
        raise LookupError(Message("Write what the chapter did first."))
    sent = 0
    people = report_back.recipients(db, actor.chapter_id, quarter)
    if people:
        settings = settings or mail.smtp_settings()
        for r in people:
            if mail.address_problem(r.partner.contact_email) is None:
                _send(settings, report_back_email(db, r.partner, back, settings,
                                                  translator_for(r.partner.language)))
                sent += 1
    report_back.mark_sent(db, actor, quarter, sent)
    return sent
