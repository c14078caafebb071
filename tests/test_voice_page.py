"""The Partner voice page through AppTest on the demo chapter with its demo partners: it
renders for leads and admins (refused to members), shows comments exactly as consented
(canaries per level), and its forms add a partner and make a request whose link is shown
to hand over in person."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from apptest_helpers import ROOT, all_text, open_as, persona
from streamlit.testing.v1 import AppTest

from allyship.voice import asks, demo_partners, partners, rules

PAGE = "pages/partner_voice.py"
CANARIES = {"named": "CANARYPAGENAMED", "anonymous": "CANARYPAGEANON",
            "totals": "CANARYPAGETOTALS", "lead": "CANARYPAGELEAD"}


@pytest.fixture
def voice_demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("ALLYSHIP_SECRETS", str(tmp_path / "no-secrets.toml"))
    monkeypatch.delenv("ALLYSHIP_SMTP_URL", raising=False)
    db, lead = persona(demo_db, "lead")
    quarter = demo_partners.demo_quarter(date.today())
    when = asks.utcnow().replace(year=int(quarter[:4]), month=rules.quarter_start(quarter).month,
                                 day=25)
    for consent, text in CANARIES.items():
        p = partners.add_partner(db, lead, partners.PartnerDraft(f"Canary {consent}"))
        new = asks.create_ask(db, lead, p.id, now=when)
        asks.submit(db, new.ask, asks.Answer(2, 2, 2, text, consent),
                    now=when + timedelta(days=1))
    db.conn.close()
    return demo_db


def test_members_are_refused(voice_demo: Path) -> None:
    db, m = persona(voice_demo, "member")
    db.conn.close()
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["member_id"] = m.id
    at.session_state["auth_mode"] = "demo"
    at.run()
    assert not at.exception
    assert "not available for your role" in at.error[0].value
    assert "Coalición" not in all_text(at)


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_the_page_shows_comments_as_consented(voice_demo: Path, role: str) -> None:
    at = open_as(voice_demo, role, PAGE)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Partner voice"
    text = all_text(at)
    assert CANARIES["named"] in text and "Canary named" in text
    [anonymous] = [m.value for m in at.markdown if CANARIES["anonymous"] in m.value]
    assert "Canary" not in anonymous.replace(CANARIES["anonymous"], "")  # not beside its name
    assert CANARIES["lead"] in text  # for the chapter's leads' eyes, on this page only
    assert CANARIES["totals"] not in text
    assert "Partners who answered" in text  # intent beside impact, labelled


def test_a_lead_adds_a_partner_and_gets_the_link_to_hand_over(voice_demo: Path) -> None:
    at = open_as(voice_demo, "lead", PAGE)
    at.text_input(key="voice_add_name").set_value("Westside Food Pantry")
    at.text_input(key="voice_add_email").set_value("pantry@example.org")
    at.button(key="FormSubmitter:voice_add-Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    db, lead = persona(voice_demo, "lead")
    added = [p for p in partners.list_partners(db, lead) if p.name == "Westside Food Pantry"]
    assert added and added[0].contact_email == "pantry@example.org"
    at.selectbox(key="voice_ask_pick").set_value(added[0]).run()
    at.button(key="FormSubmitter:voice_ask-Send the request").click().run()
    assert not at.exception, [e.value for e in at.exception]
    code = [c.value for c in at.code]
    assert code and "/voice/" in code[0]
    token = code[0].rsplit("/", 1)[1]
    assert asks.ask_for_token(db, token).partner_id == added[0].id
    assert "Email is not set up" in all_text(at)
    at.selectbox(key="voice_ask_pick").set_value(added[0]).run()
    assert "already asked this quarter" in all_text(at)
    db.conn.close()
