"""The request and the report-back through a real SMTP server (aiosmtpd): in the
partner's language, the link printed as text, only the chapter's own words in the
report-back — never another partner's comment — and nothing sent to a partner who asked
not to be asked again."""

from __future__ import annotations

import pytest

from allyship.rhythm import mail
from allyship.voice import asks, mailing, report_back
from tests.smtp_server import smtp_server
from tests.voice_helpers import at, partner

pytestmark = pytest.mark.server


def test_the_request_reaches_the_partner_in_their_language_with_its_link(chapter) -> None:
    p = partner(chapter.db, chapter.lead, "Casa de la Comunidad", "es", "luis@casa.example.org")
    new = asks.create_ask(chapter.db, chapter.lead, p.id, thanks_note="Almuerzo <b>gracias</b>")
    with smtp_server() as inbox:
        status = mailing.send_request(chapter.db, new, mail.parse_smtp_url(inbox.url))
    assert status == "sent"
    [msg] = inbox.to("luis@casa.example.org")
    text, page = mail.text_part(msg), mail.html_part(msg)
    assert "tres preguntas breves" in msg["Subject"].lower()
    assert f"/voice/{new.token}" in text
    assert "&lt;b&gt;gracias&lt;/b&gt;" in page and "<b>gracias" not in page
    assert "<img" not in page and "<a " not in page
    assert chapter.db.execute("SELECT mail_status FROM community_partner_asks").fetchone()[0] \
        == "sent"


def test_without_email_settings_the_link_is_still_there_to_hand_over(chapter, monkeypatch,
                                                                      tmp_path) -> None:
    monkeypatch.setenv(mail.SECRETS_ENV, str(tmp_path / "none.toml"))
    monkeypatch.delenv(mail.SMTP_URL_ENV, raising=False)
    p = partner(chapter.db, chapter.lead)
    new = asks.create_ask(chapter.db, chapter.lead, p.id)
    assert mailing.send_request(chapter.db, new) == "not set up"
    assert asks.ask_for_token(chapter.db, new.token) is not None


def test_the_report_back_goes_to_those_who_answered_with_our_words_only(chapter) -> None:
    when = at("2026-10-05")
    said, silent, stopped = (partner(chapter.db, chapter.lead, n, lang, e) for n, lang, e in (
        ("Said", "es", "said@example.org"), ("Silent", "en", "silent@example.org"),
        ("Stopped", "en", "stopped@example.org")))
    for p, comment in ((said, "CANARY-THEIR-WORDS"), (stopped, "CANARY-STOPPED")):
        new = asks.create_ask(chapter.db, chapter.lead, p.id, now=when)
        asks.submit(chapter.db, new.ask, asks.Answer(2, comment=comment, consent="named"),
                    now=when)
    asks.create_ask(chapter.db, chapter.lead, silent.id, now=when)
    stopped_ask = asks.asks_of_partner(chapter.db, chapter.lead, stopped.id)[0]
    asks.do_not_ask_again(chapter.db, stopped_ask)
    report_back.write(chapter.db, chapter.lead, "2026Q4", "Trajimos intérprete.")
    with smtp_server() as inbox:
        assert mailing.send_report_back(chapter.db, chapter.lead, "2026Q4",
                                        mail.parse_smtp_url(inbox.url)) == 1
    assert inbox.recipients() == ["said@example.org"]
    [msg] = inbox.to("said@example.org")
    body = mail.text_part(msg)
    assert "Trajimos intérprete." in body and "Ustedes dijeron, nosotros hicimos" in body
    assert "CANARY" not in body + mail.html_part(msg)
    with pytest.raises(Exception, match="no longer changes"):
        report_back.write(chapter.db, chapter.lead, "2026Q4", "changed later")
