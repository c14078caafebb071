"""Shared set-up for the Partner voice tests: partners, requests and answers made through
the same functions the page and the form use, at chosen moments."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from allyship.voice import asks, partners


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)


def partner(db, actor, name: str = "Riverbend Tenants Union", language: str = "en",
            email: str = "contact@partner.example.org") -> partners.CommunityPartner:
    return partners.add_partner(db, actor, partners.PartnerDraft(
        name, "Dana Brooks", email, language, ("Renters",), "met at the spring fair"))


def answered(db, actor, n: int, when: datetime, *, answer: asks.Answer | None = None,
             prefix: str = "Org") -> list[asks.NewAsk]:
    """``n`` new partners, each asked at ``when`` and answering a day later."""
    made = []
    for i in range(n):
        p = partner(db, actor, f"{prefix} {when:%Y%m%d} {i}")
        new = asks.create_ask(db, actor, p.id, now=when)
        asks.submit(db, new.ask, answer or asks.Answer(3, 2, 1), now=when + timedelta(days=1))
        made.append(new)
    return made
