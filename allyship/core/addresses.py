"""Email addresses: the one rule for whether an email can be written to an address, used
where addresses are entered (:class:`allyship.core.models.MemberDraft`: forms, CSV
imports, admin corrections, ``init``) and where email is written (:mod:`allyship.rhythm.mail`),
so nothing is accepted that the sender will refuse. Also the folding of header text.

The rule is Python's email library itself: an address is usable when the library writes
it unchanged into a ``To:`` header (not read as another mailbox, no space or invisible
character). A non-ASCII local part (``josé@…``, RFC 6532) is usable; sending it needs a
mail server that offers SMTPUTF8, which the sender checks per message.
"""

from __future__ import annotations

import re
import unicodedata
from email import policy as email_policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage

from allyship.core.wording import Message

# Something @ something . something, no spaces: what a person would recognise as an address.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# atext (RFC 5322) plus any non-ASCII character (RFC 6532): a local part of these, dot-separated
_ATEXT = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")


class UnusableAddress(ValueError):
    """A member's address that no email can be written to; the message says why
    (``problem``: the email library's reason alone)."""

    def __init__(self, email: str, problem: str) -> None:
        self.email, self.problem = email, problem
        super().__init__(f"the address {email!r} cannot be used in an email ({problem}); "
                         "correct it on the Members page")


def one_line(text: str) -> str:
    """Header text on one line: line and paragraph separators, tabs and other control
    characters become single spaces, whatever was stored."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())


def mailbox(display_name: str, email: str) -> Address:
    """The header address for ``email``; :class:`UnusableAddress` when the email library
    cannot write it. A non-ASCII local part is written as is."""
    name = one_line(display_name)
    try:
        return _writable(Address(display_name=name, addr_spec=email), email)
    except (ValueError, IndexError, MessageError) as exc:
        problem = str(exc).rstrip(")").strip()
    local, _, domain = email.rpartition("@")
    if not local.isascii() and all(a and all(c in _ATEXT or _letter_like(c) for c in a)
                                   for a in local.split(".")):
        try:
            Address(addr_spec=f"x@{domain}")
            return _writable(Address(display_name=name, username=local, domain=domain), email)
        except (ValueError, IndexError, MessageError) as exc:
            problem = str(exc)
    raise UnusableAddress(email, problem)


def _letter_like(c: str) -> bool:
    """A non-ASCII character an address may hold: not a control, format or space."""
    return ord(c) > 127 and unicodedata.category(c)[0] not in "CZ"


def _writable(address: Address, email: str) -> Address:
    """``address`` if it is ``email`` unchanged (the parser drops comments and some
    separators: that would be another mailbox) and a header holding it can be written."""
    if address.addr_spec != email:
        raise ValueError(f"it would be read as {address.addr_spec!r}")
    if any(not (c.isprintable() and c != " ") for c in email):
        raise ValueError("it holds a space or an invisible character")
    probe = EmailMessage(policy=email_policy.SMTPUTF8)
    probe["To"] = address
    probe.as_bytes()
    return address


def address_problem(email: str) -> str | None:
    """Why no email can be written to ``email``, or ``None``."""
    try:
        mailbox("", email)
    except UnusableAddress as exc:
        return str(exc)
    return None


def entry_problem(email: str) -> str | None:
    """Why ``email`` (as it would be stored: trimmed, lower case) cannot be entered as a
    member's address, in plain words — the sender's rule, stated for the person typing
    it — or ``None``."""
    if not EMAIL_RE.match(email):
        return Message("Email {email} does not look like an email address", email=repr(email))
    try:
        mailbox("", email)
    except UnusableAddress as exc:
        return Message("Email {email} cannot be used to send email ({problem}); check for a "
                       "dot at the start or end of the part before @, two dots in a row, or "
                       "a comma, quote or space", email=repr(email), problem=exc.problem)
    return None
