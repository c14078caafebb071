"""Email: SMTP settings, rendering a :class:`nudges.Message` to text + HTML, signed
unsubscribe links, and sending.

SMTP settings come from ``ALLYSHIP_SMTP_URL`` if set (for servers), else from the
``[smtp]`` section of ``.streamlit/secrets.toml``::

    ALLYSHIP_SMTP_URL=smtp+starttls://user:password@smtp.example.org:587?from=Allyship%20<a@example.org>
    # schemes: smtp (plain, e.g. a local relay), smtp+starttls, smtps (TLS from the start)

Every message has a plain-text and an HTML part; every piece of user text (names,
next steps) is escaped in the HTML part. Header text is folded onto one line whatever is
stored (no header injection, no message refused for a name), and an address the email
library cannot write raises :class:`UnusableAddress` with a reason an admin can act on.
Every email is in its recipient's language (the message's own, see
:class:`allyship.rhythm.nudges.Message`); words for the admin's page (the settings'
description, why a message waits) are :class:`allyship.i18n.Message`, shown translated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import os
import smtplib
import ssl
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import sqlite_utils

from allyship.core.addresses import (  # noqa: F401 — callers use mail.UnusableAddress, …
    UnusableAddress, address_problem, mailbox, one_line)
from allyship.i18n import N_, Translator
from allyship import i18n
from allyship.rhythm import wording
from allyship.rhythm.nudges import ChapterSettings, Message, app_link, chapter_settings

SMTP_URL_ENV = "ALLYSHIP_SMTP_URL"
SECRETS_ENV = "ALLYSHIP_SECRETS"  # another secrets.toml (tests, servers)
ROOT = Path(__file__).resolve().parents[2]
SMTP_TIMEOUT = 30


class MailNotConfigured(RuntimeError):
    """No SMTP settings: say where to put them."""


# --- settings ------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "starttls", "ssl" or "none"
    username: str
    password: str
    sender: str  # the From address, optionally "Name <addr>"

    def describe(self) -> str:
        """For the admin page, e.g. "smtp.example.org:587 with STARTTLS, signed in as
        ann, from a@example.org" — never the password."""
        server = f"{self.host}:{self.port}"
        return i18n.Message(_DESCRIBE[self.security, bool(self.username)], server=server,
                            user=self.username, sender=self.sender)

    @property
    def on_this_machine(self) -> bool:
        return is_local_host(self.host)


_DESCRIBE = {
    ("starttls", False): N_("{server} with STARTTLS, from {sender}"),
    ("starttls", True): N_("{server} with STARTTLS, signed in as {user}, from {sender}"),
    ("ssl", False): N_("{server} with TLS, from {sender}"),
    ("ssl", True): N_("{server} with TLS, signed in as {user}, from {sender}"),
    ("none", False): N_("{server} without encryption (fit for a relay on this computer), "
                        "from {sender}"),
    ("none", True): N_("{server} without encryption (fit for a relay on this computer), "
                       "signed in as {user}, from {sender}"),
}


def secrets_paths() -> list[Path]:
    env = os.environ.get(SECRETS_ENV, "").strip()
    if env:
        return [Path(env)]
    return [Path.cwd() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml",
            Path.home() / ".streamlit" / "secrets.toml"]


def read_secrets() -> dict[str, Any]:
    """The first secrets.toml found (Streamlit's own places), as a dict."""
    for path in secrets_paths():
        if path.is_file():
            try:
                return tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise MailNotConfigured(f"{path} is not valid TOML: {exc}") from None
    return {}


def parse_smtp_url(url: str) -> SmtpSettings:
    """``smtp+starttls://user:pass@host:587?from=...`` → settings; ``ValueError`` if not."""
    parts = urlsplit(url.strip())
    schemes = {"smtp": ("none", 25), "smtp+starttls": ("starttls", 587), "smtps": ("ssl", 465)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"{SMTP_URL_ENV} must look like smtp+starttls://user:password@host:587"
                         "?from=you@example.org (schemes: smtp, smtp+starttls, smtps)")
    security, port = schemes[parts.scheme]
    query = parse_qs(parts.query)
    username = unquote(parts.username or "")
    sender = query.get("from", [username])[0]
    if not sender or "@" not in sender:
        raise ValueError(f"{SMTP_URL_ENV} needs ?from=address (the sender)")
    return SmtpSettings(parts.hostname, parts.port or port, security, username,
                        unquote(parts.password or ""), sender)


def smtp_settings() -> SmtpSettings:
    """The SMTP settings in force; :class:`MailNotConfigured` with a plain reason if none."""
    url = os.environ.get(SMTP_URL_ENV, "").strip()
    if url:
        try:
            return parse_smtp_url(url)
        except ValueError as exc:
            raise MailNotConfigured(str(exc)) from None
    smtp = read_secrets().get("smtp")
    if not isinstance(smtp, dict) or not smtp.get("host"):
        raise MailNotConfigured(i18n.Message(
            "Email is not set up: add an [smtp] section to .streamlit/secrets.toml (see "
            "secrets.toml.example) or set {variable}.", variable=SMTP_URL_ENV))
    security = str(smtp.get("security", "starttls")).lower()
    if security not in ("starttls", "ssl", "none"):
        raise MailNotConfigured('[smtp] security must be "starttls", "ssl" or "none"')
    port = int(smtp.get("port", {"starttls": 587, "ssl": 465, "none": 25}[security]))
    sender = str(smtp.get("from", smtp.get("username", "")))
    if "@" not in sender:
        raise MailNotConfigured("[smtp] needs from = \"you@example.org\" (the sender)")
    return SmtpSettings(str(smtp["host"]), port, security, str(smtp.get("username", "")),
                        str(smtp.get("password", "")), sender)


def is_local_host(host: str) -> bool:
    """``localhost``, a loopback address, or an unspecified one: reachable only from this
    computer."""
    import ipaddress

    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


class NoPublicAddress(RuntimeError):
    """The chapter's links would point to this computer: the admin sets the public
    address first."""


NO_PUBLIC_ADDRESS = N_("Not sent: its links would point to {base}, which opens only on the "
                     "server itself. An admin sets the chapter's public address (the "
                     "https:// address members open the app at) on Email & reminders → "
                     "Chapter settings; the message is sent at the next try after that.")


def links_problem(settings: ChapterSettings) -> str | None:
    """Why emails of this chapter must not go out yet (links to localhost), or ``None``."""
    base = app_link(settings)
    if is_local_host(urlsplit(base).hostname or "localhost"):
        return i18n.Message(NO_PUBLIC_ADDRESS, base=base)
    return None


def time_zone_chosen(db: sqlite_utils.Database, chapter_id: int) -> bool:
    """Has an admin saved the chapter's time zone (until then it is UTC by default)?"""
    return db.execute("SELECT 1 FROM chapter_settings WHERE chapter_id = ?",
                      [chapter_id]).fetchone() is not None


def scheduler_mode() -> str:
    """``"in-app"`` when ``[nudges] scheduler = "in-app"`` (or
    ``ALLYSHIP_NUDGES_SCHEDULER=in-app``); otherwise ``"cron"``."""
    env = os.environ.get("ALLYSHIP_NUDGES_SCHEDULER", "").strip().lower()
    if env:
        return env
    try:
        section = read_secrets().get("nudges", {})
    except MailNotConfigured:
        return "cron"
    return str(section.get("scheduler", "cron")).lower() if isinstance(section, dict) else "cron"


# --- signed unsubscribe links ---------------------------------------------------------------

def _secret(db: sqlite_utils.Database) -> bytes:
    row = db.execute("SELECT value FROM meta WHERE key = 'link_secret'").fetchone()
    if row is None:  # a database restored without its meta: links simply start afresh
        raise RuntimeError("this database has no link secret; run any command to migrate it")
    return row[0].encode()


def database_tag(db: sqlite_utils.Database) -> str:
    """A short tag unique to this database, derived one-way from its link secret (which it
    never reveals): it keeps two databases' Message-IDs apart."""
    return hmac.new(_secret(db), b"message-id", hashlib.sha256).hexdigest()[:16]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsubscribe_token(db: sqlite_utils.Database, member_id: int, kind: str) -> str:
    """``<member>.<kind>.<signature>``: HMAC-SHA256 with the database's link secret, so a
    link cannot be forged for another member or kind."""
    body = f"{member_id}.{kind}"
    sig = hmac.new(_secret(db), body.encode(), hashlib.sha256).digest()[:18]
    return f"{body}.{_b64(sig)}"


def read_unsubscribe_token(db: sqlite_utils.Database, token: str) -> tuple[int, str] | None:
    """(member id, kind) for a genuine token, else ``None``."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    expected = unsubscribe_token(db, int(parts[0]), parts[1])
    if not hmac.compare_digest(expected.encode(), token.encode()):
        return None
    return int(parts[0]), parts[1]


def unsubscribe_url(db: sqlite_utils.Database, settings: ChapterSettings, member_id: int,
                    kind: str) -> str:
    return app_link(settings, f"unsubscribe/{unsubscribe_token(db, member_id, kind)}")


# One-tap answers to a reminder, signed like the unsubscribe link but for a purpose and
# a week, so a link for one week or one answer cannot be used for another.
ONE_TAP = {"away": N_("I was away this week"), "later": N_("Remind me on another day")}


def one_tap_token(db: sqlite_utils.Database, member_id: int, answer: str, week: date) -> str:
    """``<member>.<answer>-<yyyymmdd>.<signature>``."""
    return unsubscribe_token(db, member_id, f"{answer}-{week:%Y%m%d}")


def read_one_tap_token(db: sqlite_utils.Database, token: str) -> tuple[int, str, date] | None:
    """(member id, answer, week) for a genuine one-tap token, else ``None``."""
    found = read_unsubscribe_token(db, token)
    if found is None:
        return None
    answer, _, day = found[1].partition("-")
    if answer not in ONE_TAP or len(day) != 8 or not day.isdigit():
        return None
    try:
        week = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return None
    return found[0], answer, week


def one_tap_url(db: sqlite_utils.Database, settings: ChapterSettings, member_id: int,
                answer: str, week: date) -> str:
    return app_link(settings, f"reply/{one_tap_token(db, member_id, answer, week)}")


# --- rendering --------------------------------------------------------------------------

KIND_OFF = {"reminder": N_("Stop these weekly reminders"),
            "digest": N_("Stop this weekly digest")}
ONE_TAP_INTRO = N_("One tap, no sign-in needed:")
WHY_YOU_GET_IT = N_("You get this because you turned it on in the Allyship app (Account).")


def render_text(message: Message, unsubscribe: str,
                replies: tuple[tuple[str, str], ...] = ()) -> str:
    """The plain-text part, in the message's language; ``replies`` are one-tap answers
    (label, address), labels already in that language."""
    _ = message.tr.gettext
    lines = [message.greeting, ""]
    for b in message.blocks:
        if b.kind == "p":
            lines += [b.text, ""]
        elif b.kind == "link":
            lines += [f"{b.text}: {b.url}", ""]
        elif b.kind == "list":
            lines += [f"{b.text}:", *[f"  - {item}" for item in b.items], ""]
        elif b.kind == "quote":
            lines += [f"{b.text}:", *[f"  \u201c{item}\u201d" for item in b.items], ""]
        elif b.kind == "small":
            lines += [b.text, ""]
    if replies:
        lines += [_(ONE_TAP_INTRO),
                  *[f"  {label}: {url}" for label, url in replies], ""]
    lines += ["--", f"{_(KIND_OFF[message.kind])}: {unsubscribe}", _(WHY_YOU_GET_IT)]
    return "\n".join(lines) + "\n"


_e = html.escape  # every piece of text in the HTML part goes through this


def render_html(message: Message, unsubscribe: str,
                replies: tuple[tuple[str, str], ...] = ()) -> str:
    """The HTML part: one column, inline styles (mail clients drop style sheets); a
    viewport, a main landmark and a heading, so it reads well on a phone and to a screen
    reader. In the message's language, its ``lang`` and ``dir`` on the document."""
    tr = message.tr
    _ = tr.gettext
    out = [f'<h1 style="font-size:20px;line-height:1.3;margin:0 0 16px">'
           f'{_e(message.subject)}</h1>',
           f'<p style="margin:0 0 16px">{_e(message.greeting)}</p>']
    for b in message.blocks:
        if b.kind == "p":
            out.append(f'<p style="margin:0 0 16px">{_e(b.text)}</p>')
        elif b.kind == "link":
            out.append(f'<p style="margin:0 0 20px"><a href="{_e(b.url, quote=True)}" '
                       'style="display:inline-block;background:#1b5e20;color:#ffffff;'
                       'padding:10px 18px;border-radius:6px;text-decoration:none;'
                       f'font-weight:600">{_e(b.text)}</a></p>')
        elif b.kind == "list":
            items = "".join(f'<li style="margin:0 0 4px">{_e(i)}</li>' for i in b.items)
            out.append(f'<p style="margin:0 0 6px;font-weight:600">{_e(b.text)}</p>'
                       f'<ul style="margin:0 0 16px;padding-left:20px">{items}</ul>')
        elif b.kind == "quote":
            body = "".join(f"<p style=\"margin:0\">{_e(i)}</p>" for i in b.items)
            out.append(f'<div style="margin:0 0 16px;padding:10px 14px;border-left:4px solid '
                       f'#1b5e20;background:#f1f8e9"><p style="margin:0 0 4px;font-weight:600">'
                       f'{_e(b.text)}</p>{body}</div>')
        elif b.kind == "small":
            out.append(f'<p style="margin:0 0 16px;color:#555;font-size:14px">{_e(b.text)}</p>')
    if replies:
        links = "".join(
            f'<a href="{_e(url, quote=True)}" style="display:inline-block;margin:0 8px 8px 0;'
            'padding:12px 16px;border:1px solid #1b5e20;border-radius:6px;color:#1b5e20;'
            f'text-decoration:none;font-weight:600">{_e(label)}</a>' for label, url in replies)
        out.append('<p style="margin:0 0 6px;color:#555;font-size:14px">'
                   f'{_e(_(ONE_TAP_INTRO))}</p><p style="margin:0 0 16px">{links}</p>')
    out.append(f'<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px">'
               f'<p style="color:#555;font-size:13px;margin:0">'
               f'<a href="{_e(unsubscribe, quote=True)}" style="color:#555">'
               f'{_e(_(KIND_OFF[message.kind]))}</a> · {_e(_(WHY_YOU_GET_IT))}</p>')
    return (f"<!DOCTYPE html><html {html_lang(tr)}><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(message.subject)}</title></head>"
            '<body style="margin:0;padding:16px;background:#fafafa">'
            '<main style="display:block;max-width:560px;margin:0 auto;background:#ffffff;'
            'padding:20px;border:1px solid #e0e0e0;border-radius:8px;font-family:Arial,'
            'Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">'
            + "".join(out) + "</main></body></html>")


def html_lang(tr: Translator) -> str:
    """The ``lang`` and ``dir`` attributes of a document in ``tr``'s language."""
    return f'lang="{tr.language.replace("_", "-")}" dir="{tr.dir}"'


def _sender(settings: SmtpSettings) -> Address:
    name, addr = parseaddr(settings.sender)
    return mailbox(name or "Allyship Accountability", addr)


def build_email(db: sqlite_utils.Database, message: Message, sender: SmtpSettings | None = None,
                *, message_id: str | None = None, now: datetime | None = None,
                check_links: bool = True, with_replies: bool = True) -> EmailMessage:
    """The email exactly as it is sent (previews show this too, with ``check_links``
    off). Raises :class:`UnusableAddress` when the member's address cannot be written,
    and :class:`NoPublicAddress` when it would go out through a mail server elsewhere
    with links to this computer (a sink or relay on this computer may carry them: that
    is a developer's or a test's set-up). ``with_replies`` off leaves out a reminder's
    one-tap answers (someone else's preview: they would act for the member)."""
    settings = chapter_settings(db, message.member.chapter_id)
    if check_links and sender is not None and not sender.on_this_machine:
        problem = links_problem(settings)
        if problem:
            raise NoPublicAddress(problem)
    unsub = unsubscribe_url(db, settings, message.member.id, message.kind)
    replies = (tuple((message.tr.gettext(label),
                      one_tap_url(db, settings, message.member.id, answer, message.week))
                     for answer, label in ONE_TAP.items())
               if message.kind == "reminder" and with_replies else ())
    msg = EmailMessage()
    msg["From"] = _sender(sender) if sender else mailbox("Allyship Accountability",
                                                          "allyship@localhost")
    msg["To"] = mailbox(message.member.name, message.member.email)
    msg["Subject"] = one_line(message.subject)
    msg["Date"] = format_datetime(now or datetime.now(timezone.utc))
    msg["Message-ID"] = message_id or make_msgid(domain="allyship.local")
    # RFC 2369 and RFC 8058: mail clients offer their own one-click "unsubscribe".
    msg["List-Unsubscribe"] = f"<{''.join(one_line(unsub).split())}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(render_text(message, unsub, replies))
    msg.add_alternative(render_html(message, unsub, replies), subtype="html")
    return msg


def html_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


def text_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


# --- sending -------------------------------------------------------------------------

class Sender:
    """One SMTP connection for a run, opened on first use."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=SMTP_TIMEOUT,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT)
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.username:
            smtp.login(s.username, s.password)
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Hand one message to the server; raises ``smtplib.SMTPException``/``OSError``
        (``smtplib.SMTPNotSupportedError`` for a non-ASCII address the server cannot
        take: it does not offer SMTPUTF8)."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(msg)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None


def send_test_email(db: sqlite_utils.Database, actor, settings: SmtpSettings | None = None,  # noqa: ANN001
                    tr: Translator | None = None) -> str:
    """"Send me a test email": an admin checks the SMTP settings (in ``tr``'s language,
    by default the admin's own as an email would be). Returns the address."""
    from allyship.core import access
    from allyship.core.models import Member
    from allyship.db import store

    actor = access.require_admin(actor)
    assert isinstance(actor, Member)
    settings = settings or smtp_settings()
    msg = EmailMessage()
    msg["From"] = _sender(settings)
    msg["To"] = mailbox(actor.name, actor.email)
    tr = tr or wording.member_translator(db, actor)
    msg["Subject"] = tr.gettext("Allyship app: test email")
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain="allyship.local")
    msg["Auto-Submitted"] = "auto-generated"
    body = tr.gettext("This is a test from the Allyship app's Email & reminders page. If you "
                      "can read it, reminders and digests can be sent.")
    msg.set_content(body + "\n")
    msg.add_alternative(f"<!DOCTYPE html><html {html_lang(tr)}><head><meta charset=\"utf-8\">"
                        f"</head><body><p>{_e(body)}</p></body></html>", subtype="html")
    sender = Sender(settings)
    try:
        sender.send(msg)
    finally:
        sender.close()
    with store.transaction(db):
        store.audit(db, actor.id, "mail.test", "members", actor.id, {"to": actor.email})
    return actor.email
