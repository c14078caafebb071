"""Community partners and asking them: kept by leads and admins, audited without words;
a 256-bit link stored only as its hash; at most one request per partner per quarter and
never again after "please don't ask us again", both refused in words; one answer per
request, changeable until it closes and then no more."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.voice import asks, partners, rules
from tests.voice_helpers import answered, at, partner


def test_leads_and_admins_keep_community_partners_and_members_may_not(chapter) -> None:
    p = partner(chapter.db, chapter.lead)
    assert [x.name for x in partners.list_partners(chapter.db, chapter.admin)] == [p.name]
    with pytest.raises(access.PermissionDenied):
        partners.list_partners(chapter.db, chapter.member)
    with pytest.raises(access.PermissionDenied):
        partner(chapter.db, chapter.member, "Not mine")
    changed = partners.update_partner(chapter.db, chapter.admin, p.id,
                                      partners.PartnerDraft(p.name, "New Contact",
                                                            p.contact_email, "es"))
    assert changed.language == "es" and changed.plan_groups == ()
    partners.archive_partner(chapter.db, chapter.lead, p.id)
    assert partners.list_partners(chapter.db, chapter.lead) == []


def test_partner_changes_are_audited_by_field_names_never_their_words(chapter) -> None:
    p = partner(chapter.db, chapter.lead)
    partners.update_partner(chapter.db, chapter.lead, p.id, partners.PartnerDraft(
        p.name, "Secret Contact", p.contact_email, "en", p.plan_groups, "private notes xyz"))
    rows = chapter.db.execute("SELECT action, details FROM audit_log WHERE table_name ="
                              " 'community_partners'").fetchall()
    assert [r[0] for r in rows] == ["community_partner.add", "community_partner.edit"]
    assert json.loads(rows[1][1]) == {"fields": ["contact_name", "notes"]}
    assert "Secret" not in str(rows) and "xyz" not in str(rows)


@pytest.mark.parametrize("field,value", [
    ("name", ""), ("name", "x" * (rules.NAME_MAX + 1)), ("contact_email", "not an address"),
    ("language", "fr"), ("notes", "n" * (rules.NOTES_MAX + 1)), ("name", "bad\x00name"),
])
def test_a_partner_that_does_not_validate_is_refused_by_field(chapter, field, value) -> None:
    good = dict(name="Org", contact_name="", contact_email="", language="en", notes="")
    good[field] = value
    with pytest.raises(ValidationError) as exc:
        partners.add_partner(chapter.db, chapter.lead, partners.PartnerDraft(**good))
    assert field in exc.value.errors


def test_the_link_is_256_bits_and_only_its_hash_is_stored(chapter) -> None:
    p = partner(chapter.db, chapter.lead)
    new = asks.create_ask(chapter.db, chapter.lead, p.id, now=at("2026-10-05"))
    assert len(new.token) == asks.TOKEN_LENGTH == 43  # 32 random bytes, URL-safe base64
    dump = "\n".join(chapter.db.conn.iterdump())
    assert new.token not in dump
    assert asks.token_hash(new.token) in dump
    assert asks.ask_for_token(chapter.db, new.token).id == new.ask.id
    assert new.ask.expires_at.startswith("2026-11-04")


def test_a_second_request_in_the_quarter_is_refused_in_words_with_the_next_date(chapter) -> None:
    p = partner(chapter.db, chapter.lead)
    asks.create_ask(chapter.db, chapter.lead, p.id, now=at("2026-10-05"))
    with pytest.raises(access.PermissionDenied) as exc:
        asks.create_ask(chapter.db, chapter.admin, p.id, now=at("2026-12-30"))
    words = str(exc.value)
    assert "already asked this quarter" in words and "Mon 5 Oct 2026" in words
    assert "the next request is possible from Fri 1 Jan 2027" in words
    assert asks.create_ask(chapter.db, chapter.lead, p.id, now=at("2027-01-01")).token


def test_the_refusal_is_in_the_leads_language(chapter) -> None:
    from allyship.i18n import translator_for

    p = partner(chapter.db, chapter.lead)
    asks.create_ask(chapter.db, chapter.lead, p.id, now=at("2026-10-05"))
    words = asks.budget_refusal(chapter.db, partners.get_partner(chapter.db, chapter.lead, p.id),
                                date(2026, 11, 1), translator_for("es"))
    assert "como máximo una vez por trimestre" in words and "2027" in words


def test_after_dont_ask_again_the_partner_is_never_asked_again(chapter) -> None:
    p = partner(chapter.db, chapter.lead)
    new = asks.create_ask(chapter.db, chapter.lead, p.id, now=at("2026-10-05"))
    asks.do_not_ask_again(chapter.db, new.ask, now=at("2026-10-06"))
    asks.do_not_ask_again(chapter.db, new.ask, now=at("2026-10-07"))  # repeating writes nothing
    for later in ("2027-01-01", "2030-06-01"):
        with pytest.raises(access.PermissionDenied, match="asked us not to ask them again"):
            asks.create_ask(chapter.db, chapter.lead, p.id, now=at(later))
    assert not asks.ask_for_token(chapter.db, new.token).is_open(at("2026-10-08"))
    rows = chapter.db.execute("SELECT count(*) FROM audit_log WHERE action ="
                              " 'voice.do_not_ask'").fetchone()[0]
    assert rows == 1


def test_one_answer_per_request_changeable_until_it_closes(chapter) -> None:
    p = partner(chapter.db, chapter.lead)
    new = asks.create_ask(chapter.db, chapter.lead, p.id, now=at("2026-10-05"))
    assert asks.submit(chapter.db, new.ask, asks.Answer(1), now=at("2026-10-06")) is True
    assert asks.submit(chapter.db, new.ask, asks.Answer(3, comment="better"),
                       now=at("2026-10-07")) is False
    assert asks.answer_of(chapter.db, new.ask) == asks.Answer(3, comment="better")
    assert chapter.db.execute("SELECT count(*) FROM community_partner_answers"
                              ).fetchone()[0] == 1
    with pytest.raises(asks.Closed):  # expiry: 30 days after asking
        asks.submit(chapter.db, new.ask, asks.Answer(2), now=at("2026-11-04", 13))
    assert asks.answer_of(chapter.db, new.ask).kept_word == 3


def test_replay_after_a_lead_closes_the_request_changes_nothing(chapter) -> None:
    [new] = answered(chapter.db, chapter.lead, 1, at("2026-10-05"))
    asks.close_ask(chapter.db, chapter.lead, new.ask.id)
    before = asks.answer_of(chapter.db, new.ask)
    with pytest.raises(asks.Closed):
        asks.submit(chapter.db, new.ask, asks.Answer(1, 1, 1, "replayed"))
    assert asks.answer_of(chapter.db, new.ask) == before


def test_an_answer_changes_at_most_max_edits_times(chapter) -> None:
    p = partner(chapter.db, chapter.lead)
    new = asks.create_ask(chapter.db, chapter.lead, p.id, now=at("2026-10-05"))
    for i in range(rules.MAX_EDITS):
        asks.submit(chapter.db, new.ask, asks.Answer(1 + i % 3), now=at("2026-10-06"))
    with pytest.raises(asks.Closed):
        asks.submit(chapter.db, new.ask, asks.Answer(1), now=at("2026-10-06"))


def test_every_step_is_audited_without_the_words(chapter) -> None:
    p = partner(chapter.db, chapter.lead)
    new = asks.create_ask(chapter.db, chapter.lead, p.id, now=at("2026-10-05"))
    asks.mark_opened(chapter.db, new.ask)
    asks.mark_opened(chapter.db, new.ask)  # once per request
    asks.submit(chapter.db, new.ask, asks.Answer(2, comment="CANARY-WORDS"), now=at("2026-10-06"))
    asks.submit(chapter.db, new.ask, asks.Answer(2, comment="CANARY-AGAIN"), now=at("2026-10-06"))
    asks.do_not_ask_again(chapter.db, new.ask)
    rows = chapter.db.execute("SELECT action, details FROM audit_log WHERE action LIKE 'voice.%'"
                              " ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["voice.ask", "voice.opened", "voice.answer", "voice.change",
                                    "voice.do_not_ask"]
    assert "CANARY" not in str(rows)


def test_answers_are_checked_in_the_partners_language() -> None:
    from allyship.i18n import translator_for

    errors = asks.validate(asks.Answer(7, comment="x" * (rules.COMMENT_MAX + 1),
                                       consent="everyone"), translator_for("es"))
    assert set(errors) == {"kept_word", "comment", "consent"}
    assert "límite" in errors["comment"]


def test_quarters_and_the_day_a_quarter_is_fixed() -> None:
    assert rules.quarter_of(date(2026, 12, 31)) == "2026Q4"
    assert rules.next_quarter_start("2026Q4") == date(2027, 1, 1)
    assert rules.quarter_end("2026Q1") == date(2026, 3, 31)
    # the last request of a quarter closes LINK_DAYS after its last day
    assert rules.quarter_fixed_on("2026Q3") == date(2026, 9, 30) + timedelta(days=31)


def test_the_demo_gains_partners_with_answers_to_see_it_working(demo_db) -> None:
    from allyship import demo
    from allyship.db import store
    from allyship.people import roster
    from allyship.voice import demo_partners, figures, report_back

    db = store.connect(demo_db)
    lead = roster.find_member_by_email(db, demo.PERSONAS["lead"])
    today = date.today()
    [shown] = figures.shown_totals(db, lead.chapter_id, today)
    names = {p.name for p in partners.list_partners(db, lead)}
    assert {name for name, *_ in demo_partners.DEMO_PARTNERS} <= names
    assert len(demo_partners.DEMO_PARTNERS) == 7 and shown.responses >= rules.MIN_RESPONSES
    assert report_back.get(db, lead.chapter_id, shown.quarter).sent_at
    mine = partners.list_partners(db, lead)
    assert sum(bool(p.do_not_ask_since) for p in mine) == 1
    assert {p.language for p in mine} == {"en", "es"}
    consents = {q.consent for q in figures.quotes(db, lead.chapter_id, today, for_leads=True)}
    assert consents == {"named", "anonymous", "lead"}
    db.conn.close()
