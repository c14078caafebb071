"""A real SMTP server for the tests: ``aiosmtpd`` on a free port, in a thread.

It keeps every message it accepted (as parsed :class:`email.message.EmailMessage`), can
refuse mail for a while ("451 try again later"), and can hold the N-th recipient
command open so a test can kill the sender at a known point mid-run.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.e2e.harness import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """What the server accepted, and switches the test flips."""

    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    refuse: bool = False  # answer DATA with 451
    hold_at_rcpt: int | None = None  # hold the n-th RCPT (1-based) until released
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    rcpt_seen: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}?from=Allyship%20App%20%3Callyship@example.org%3E"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.messages if address in r.rcpt_tos]

    def recipients(self) -> list[str]:
        return sorted(a for r in self.messages for a in r.rcpt_tos)


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        with self.inbox._lock:
            self.inbox.rcpt_seen += 1
            n = self.inbox.rcpt_seen
        if self.inbox.hold_at_rcpt == n:
            self.inbox.held.set()
            while not self.inbox.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        if self.inbox.refuse:
            return "451 4.3.0 Temporarily unable to accept mail, try again later"
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        with self.inbox._lock:
            self.inbox.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                                msg))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox("127.0.0.1", free_port())
    controller = Controller(_Handler(inbox), hostname=inbox.host, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        inbox.release.set()
        controller.stop()
