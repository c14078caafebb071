"""What the chapter sees of partners' answers: totals only for a fixed quarter with at
least five answers (so a shown total never changes and a new answer can change what is
shown only by adding a whole quarter of five or more); comments exactly as each partner
consented, on every surface — the section for the chapter report and the export."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allyship.core.models import MemberDraft
from allyship.db import store
from allyship.metrics.periods import Period
from allyship.people import roster
from allyship.voice import asks, figures, rules
from tests.membership_helpers import took_part
from tests.voice_helpers import answered, at, partner

CANARIES = {"named": "CANARY-NAMED-7f3", "anonymous": "CANARY-ANON-2b9",
            "totals": "CANARY-TOTALS-c41", "lead": "CANARY-LEAD-e08"}


def consented(chapter, when: datetime) -> list[asks.NewAsk]:
    """Five answers in ``when``'s quarter, one comment per consent level (+ one without)."""
    made = []
    for i, consent in enumerate([*CANARIES, None]):
        p = partner(chapter.db, chapter.lead, f"Partner-{consent}-{when:%Y%m}")
        new = asks.create_ask(chapter.db, chapter.lead, p.id, now=when)
        comment = f"{CANARIES[consent]} {when:%Y%m}" if consent else ""
        asks.submit(chapter.db, new.ask, asks.Answer(1 + i % 3, 2, None, comment,
                                                     consent or "totals"),
                    now=when + timedelta(days=1))
        made.append(new)
    return made


def test_totals_wait_for_a_fixed_quarter_with_five_answers(chapter) -> None:
    answered(chapter.db, chapter.lead, 4, at("2026-07-10"))
    cid = chapter.chapter.id
    assert figures.shown_totals(chapter.db, cid, date(2027, 1, 1)) == []  # 4 < 5
    answered(chapter.db, chapter.lead, 1, at("2026-09-30"), prefix="Late")
    assert figures.shown_totals(chapter.db, cid, date(2026, 10, 30)) == []  # not fixed yet
    [shown] = figures.shown_totals(chapter.db, cid, date(2026, 10, 31))
    assert shown.quarter == "2026Q3" and shown.responses == 5
    assert shown.question("kept_word").counts == (0, 0, 5)
    assert shown.question("left_behind").counts == (5, 0, 0)


def test_each_consent_is_honoured_in_the_section_and_the_export(chapter) -> None:
    consented(chapter, at("2026-07-10"))  # a shown quarter
    consented(chapter, at("2026-10-10"))  # not fixed yet on the report's last day
    period = Period.between(date(2026, 10, 1), date(2026, 12, 6))
    section = figures.section(chapter.db, chapter.chapter.id, period)
    text = "\n".join(section.paragraphs)
    assert section.title == "What the people we work with told us, and what we did"
    assert f"“{CANARIES['named']} 202607” — Partner-named-202607" in text
    assert f"“{CANARIES['anonymous']} 202607” — a partner" in text
    assert "Partner-anonymous" not in text
    for hidden in ("totals", "lead"):
        assert CANARIES[hidden] not in text
    assert "202610" not in text  # its quarter became final after the period
    csv = figures.export_frame(chapter.db, chapter.lead, date(2026, 12, 6)).to_csv()
    assert CANARIES["named"] in csv and CANARIES["anonymous"] in csv
    assert CANARIES["totals"] not in csv and CANARIES["lead"] not in csv
    assert "Partner-anonymous" not in csv
    assert f"{CANARIES['anonymous']} 202610" not in csv  # anonymous: only from shown quarters


def test_leads_read_comments_for_their_eyes_and_never_totals_only_ones(chapter) -> None:
    consented(chapter, at("2026-10-10"))
    said = figures.quotes(chapter.db, chapter.chapter.id, date(2026, 12, 6), for_leads=True)
    texts = " ".join(q.text for q in said)
    assert CANARIES["lead"] in texts and CANARIES["named"] in texts
    assert CANARIES["totals"] not in texts
    assert CANARIES["anonymous"] not in texts  # its quarter is not shown yet
    assert figures.totals(chapter.db, chapter.chapter.id, "2026Q4").comments == 4


def test_intent_beside_impact_names_the_responsibility_and_how_many_answered(chapter) -> None:
    took_part(chapter.db)  # (long before the quarter: people, not roster entries)
    answered(chapter.db, chapter.lead, 5, at("2026-07-10"))
    [shown] = figures.shown_totals(chapter.db, chapter.chapter.id, date(2026, 11, 2))
    rows = figures.intent_beside_impact(chapter.db, chapter.lead, shown)
    assert [r.responsibility_label for r in rows] == [
        "3. Integrity and direct communication", "2. Listen more, speak less", None]
    assert all(r.partners.answered == 5 for r in rows)
    assert rows[0].practice_share == 0.0  # nobody logged an action in the quarter
    assert rows[2].practice_share is None and rows[2].practice_note


# --- the rule over time, as a property --------------------------------------------------

EVENT = st.tuples(st.integers(0, 200), st.integers(0, 29), st.integers(1, 3),
                  st.booleans())  # ask day, days until answered, answer, changed later


def fresh_chapter(template: Path):
    path = Path(tempfile.mkdtemp()) / "p.db"
    shutil.copy(template, path)
    db = store.connect(path)
    ch = roster.create_chapter(db, "Prop", started_on=date(2026, 1, 5))
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Ada", "ada@example.org"))
    return db, ch, admin


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(events=st.lists(EVENT, min_size=1, max_size=20))
def test_a_new_answer_changes_shown_totals_only_by_whole_quarters_of_five(
        migrated_template, events) -> None:
    db, ch, admin = fresh_chapter(migrated_template)
    start = at("2026-01-05")
    steps = []  # (moment, action)
    for i, (day, delay, value, changed) in enumerate(events):
        asked = start + timedelta(days=day)
        steps.append((asked, ("ask", i)))
        steps.append((asked + timedelta(days=delay), ("answer", i, value)))
        if changed:
            steps.append((asked + timedelta(days=min(delay + 5, 29)), ("answer", i, 4 - value)))
    steps.sort(key=lambda s: (s[0], s[1][0] != "ask"))
    made: dict[int, asks.NewAsk] = {}
    before: dict[str, figures.QuarterTotals] = {}
    for moment, action in [*steps, (start + timedelta(days=800), ("look",))]:
        if action[0] == "ask":
            p = partner(db, admin, f"P{action[1]}")
            made[action[1]] = asks.create_ask(db, admin, p.id, now=moment)
        elif action[0] == "answer":
            asks.submit(db, made[action[1]].ask, asks.Answer(action[2]), now=moment)
        now = {t.quarter: t for t in figures.shown_totals(db, ch.id, moment.date())}
        for quarter, t in now.items():
            assert t.responses >= rules.MIN_RESPONSES
            assert rules.quarter_fixed_on(quarter) <= moment.date()
            if quarter in before:
                assert t == before[quarter], "a shown total changed"
        assert set(before) <= set(now), "a shown quarter disappeared"
        grown = sum(now[q].responses for q in set(now) - set(before))
        assert grown == 0 or grown >= rules.MIN_RESPONSES
        before = now
    db.conn.close()
