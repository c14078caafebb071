"""A few community partners with answers for the demo chapter, so a new user sees Partner
voice working: a fixed quarter with enough answers to show totals, comments at every
consent level, a report-back, a request still open and a partner who asked not to be
asked again. Made through the same functions the page uses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import sqlite_utils

from allyship.people import roster
from allyship.voice import asks, partners, report_back, rules

DEMO_PARTNERS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("Coalición Latina del Valle", "Marisol Reyes", "marisol@coalicion.example.org", "es",
     ("Latinx neighbours",)),
    ("Riverbend Tenants Union", "Dana Brooks", "dana@tenants.example.org", "en",
     ("Renters",)),
    ("Casa de la Comunidad", "Luis Ortega", "luis@casa.example.org", "es",
     ("Latinx neighbours", "Newcomers")),
    ("Northside Youth Garden", "Keisha Grant", "keisha@garden.example.org", "en",
     ("Young people",)),
    ("Red de Promotoras de Salud", "Ana Beltrán", "ana@promotoras.example.org", "es", ()),
    ("Eastside Mutual Aid", "Sam Whitehorse", "sam@mutualaid.example.org", "en", ()),
    ("Asociación de Jornaleros", "Pedro Díaz", "pedro@jornaleros.example.org", "es", ()),
)
# (kept word, space taken, left behind, comment, consent) per partner, in order.
DEMO_ANSWERS: tuple[asks.Answer, ...] = (
    asks.Answer(3, 2, 2, "Cumplieron lo que prometieron en la limpieza del río.", "named"),
    asks.Answer(2, 1, 2, "You talked over our members at the planning meeting.", "anonymous"),
    asks.Answer(3, 2, None, "Faltó traducción en la reunión de agosto.", "lead"),
    asks.Answer(2, 2, 3, "Good to work with you.", "totals"),
    asks.Answer(3, None, 1, "", "totals"),
    asks.Answer(1, 1, 2, "Please bring fewer people and listen more.", "anonymous"),
)
DEMO_REPORT_BACK = ("We now send at most two people to partner meetings, we bring a "
                    "Spanish interpreter to every joint meeting, and we asked the tenants' "
                    "union to set the agenda for our next joint event.")


def demo_quarter(today: date) -> str:
    """The latest quarter whose answers are final by ``today``."""
    day = today
    while rules.quarter_fixed_on(rules.quarter_of(day)) > today:
        day = rules.quarter_start(rules.quarter_of(day)) - timedelta(days=1)
    return rules.quarter_of(day)


def add_demo_partners(db: sqlite_utils.Database, lead_email: str, *,
                      today: date | None = None) -> int:
    """Add the demo partners to ``lead_email``'s chapter; returns how many."""
    today = today or date.today()
    lead = roster.find_member_by_email(db, lead_email)
    if lead is None:
        raise LookupError(f"no member {lead_email}")
    asked = datetime.combine(rules.quarter_start(demo_quarter(today)) + timedelta(days=20),
                             time(15), timezone.utc)
    made = [partners.add_partner(db, lead, partners.PartnerDraft(
        name, contact, email, lang, groups)) for name, contact, email, lang, groups in
        DEMO_PARTNERS]
    for i, (partner, answer) in enumerate(zip(made, DEMO_ANSWERS)):
        new = asks.create_ask(db, lead, partner.id, now=asked + timedelta(days=i),
                              thanks_note="Gift card for the volunteers' lunch" if i == 0
                              else "")
        asks.submit(db, new.ask, answer, now=asked + timedelta(days=i + 3))
    quarter = rules.quarter_of(asked.date())
    report_back.write(db, lead, quarter, DEMO_REPORT_BACK)
    report_back.mark_sent(db, lead, quarter, len(DEMO_ANSWERS))
    now = datetime.combine(today, time(9), timezone.utc)
    asks.create_ask(db, lead, made[0].id, now=now)  # this quarter's, not answered yet
    last = made[-1]
    declined = asks.create_ask(db, lead, last.id, now=asked)
    asks.do_not_ask_again(db, declined.ask, now=asked + timedelta(days=2))
    return len(made)
