"""Previews of the weekly messages show only what the previewer may see: another member's
message keeps its layout, never their quiet list, their week (logged, away) or figures
the previewer's own pages would withhold. The page through AppTest on the demo database,
and the rule (nudges.preview_for) on a small chapter."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from apptest_helpers import by_label, open_as, persona

from allyship.core import access
from allyship.core.models import ActionDraft, MemberDraft, PlanDraft, PlanItemDraft
from allyship.db import store
from allyship.metrics import disclosure
from allyship.people import roster
from allyship.practice import journal, plans
from allyship.rhythm import mail, nudges
from allyship.ui import rhythm_sections
from tests.membership_helpers import belonged_all_along, took_part

QUIET_CANARY = "Quentin CANARY-QUIET-7f3a"
STEP_CANARY = "CANARY-NEXT-STEP-b41e"
STATE_WORDS = ("already logged", "away this week", "nothing would go out")


def _this_week() -> date:
    return nudges.local_week(datetime.now(timezone.utc), nudges.ZoneInfo("UTC"))


def _preview_text(at) -> str:
    """What the preview itself drew (captions, subject line, HTML and plain text) — not
    the member picker, which lists the roster the admin manages anyway."""
    parts = [c.value for c in at.caption] + [m.value for m in at.markdown]
    parts += [c.value for c in at.code] + [h.proto.body for h in at.get("html")]
    return "\n".join(parts).replace("\u2060", "")


def _open_preview(at, member_id: int, kind: str):
    by_label(at.selectbox, "Member").set_value(member_id).run()
    assert not at.exception, [e.value for e in at.exception]
    by_label(at.radio, "Message").set_value(kind).run()
    assert not at.exception, [e.value for e in at.exception]
    return _preview_text(at)


def _digest_text(db, member) -> str:
    return mail.text_part(mail.build_email(db, nudges.compose(db, member, "digest",
                                                              _this_week())))


# --- the three leaks, through the page ---------------------------------------------------

def test_an_admin_never_sees_a_leads_quiet_list_in_any_preview(demo_db) -> None:
    db, admin = persona(demo_db, "admin")
    _, lead = persona(demo_db, "lead")
    _, robin = persona(demo_db, "member")
    roster.add_member(db, admin, MemberDraft(QUIET_CANARY, "canary@demo.example.org",
                                             "member", lead.team_id))
    assert QUIET_CANARY in _digest_text(db, lead)  # the lead's own email names them
    db.conn.close()
    at = open_as(demo_db, "admin", "pages/messages.py")
    seen = [_open_preview(at, m.id, kind) for m, kind in
            [(lead, "digest"), (lead, "reminder"), (admin, "digest"), (admin, "reminder"),
             (robin, "reminder")]]
    assert all(QUIET_CANARY not in text for text in seen)
    assert "[Preview] Members of" in seen[0]  # the list's place, clearly labelled


def test_no_preview_tells_an_admin_whether_another_member_logged_or_was_away(demo_db) -> None:
    db, admin = persona(demo_db, "admin")
    _, lead = persona(demo_db, "lead")
    _, robin = persona(demo_db, "member")
    week = _this_week()
    journal.set_away(db, robin, week)
    for who in (lead, admin):
        journal.log_action(db, who, ActionDraft(week, "Listened at the planning call", (2,)))
    for who in (robin, lead, admin):
        nudges.save_setting(db, who, "reminder", enabled=True, weekday=0, hour=0)
    db.conn.close()
    at = open_as(demo_db, "admin", "pages/messages.py")
    for member in (robin, lead):
        text = _open_preview(at, member.id, "reminder").lower()
        assert not [w for w in STATE_WORDS if w in text], member.name
        assert "does not say whether" in text
    # The admin's own preview may say so of the admin.
    assert "already logged this week" in _open_preview(at, admin.id, "reminder")


def test_a_leads_digest_preview_has_no_figures_for_a_team_the_admin_may_not_open(
        demo_db) -> None:
    db, admin = persona(demo_db, "admin")
    _, lead = persona(demo_db, "lead")
    # Shrink a third team to one member: the admin's chapter, own team and the lead's
    # team would then give that one person away, so the admin's pages drop the lead's.
    third = next(t.id for t in roster.list_teams(db, admin.chapter_id)
                 if t.id not in (admin.team_id, lead.team_id))
    for m in roster.list_members(db, admin.chapter_id, team_id=third)[1:]:
        roster.set_member_active(db, admin, m.id, False)
        # A deactivation takes effect from the next Monday; these members left long ago.
        db.execute("UPDATE memberships SET to_week = '2000-01-03' WHERE member_id = ?", [m.id])
    db.conn.commit()
    # Every member a person who takes part (roster entries who never do describe nobody,
    # and the admin's own team would be the smaller to withdraw).
    took_part(db)
    assert disclosure.views_for(db, admin).refusal(lead.team_id, None) is not None
    real = _digest_text(db, lead)
    figure = next(line for line in real.splitlines() if "members logged" in line)
    db.conn.close()
    at = open_as(demo_db, "admin", "pages/messages.py")
    text = _open_preview(at, lead.id, "digest")
    assert figure.strip(" -") not in text and "members logged" not in text
    assert "Responsibilities nobody practised" not in text and "overdue:" not in text
    assert "[Preview]" in text and "not shown to you" in text


def test_previews_render_for_every_kind_and_role(demo_db) -> None:
    _, admin = persona(demo_db, "admin")
    _, lead = persona(demo_db, "lead")
    _, robin = persona(demo_db, "member")
    at = open_as(demo_db, "admin", "pages/messages.py")
    for member, kind in [(robin, "reminder"), (lead, "reminder"), (lead, "digest"),
                         (admin, "reminder"), (admin, "digest")]:
        text = _open_preview(at, member.id, kind)
        assert "Subject:" in text and "Hello " in text, (member.name, kind)
        own = member.id == admin.id
        assert ("/unsubscribe/" in text) is own, (member.name, kind)
        assert (rhythm_sections.HIDDEN_LINK in text) is not own, (member.name, kind)


# --- the rule -----------------------------------------------------------------------

NOW = datetime(2026, 11, 24, 9, tzinfo=timezone.utc)  # a Tuesday: the week of 23 Nov


def _items(message: nudges.Message) -> list[str]:
    return [i for b in message.blocks for i in (b.text, *b.items)]


def test_a_member_previews_their_own_reminder_as_sent_and_an_admin_sees_only_its_shape(
        chapter) -> None:
    db, mo = chapter.db, chapter.member
    plans.save_plan(db, mo, PlanDraft("Families", items=(
        PlanItemDraft("next_step", STEP_CANARY, due_on=date(2026, 11, 25)),)))
    own = nudges.preview_for(db, mo, mo.id, "reminder", now=NOW)
    assert own.own and any(STEP_CANARY in t for t in _items(own.message))
    seen = nudges.preview_for(db, chapter.admin, mo.id, "reminder", now=NOW)
    text = "\n".join(_items(seen.message) + list(seen.notes))
    assert not seen.own and STEP_CANARY not in text and "Wed 25 Nov" not in text
    assert nudges.PRIVATE_STEP in text
    # The same one placeholder whether they have steps or not: not even how many.
    empty = nudges.preview_for(db, chapter.admin, chapter.teammate.id, "reminder", now=NOW)
    assert _items(empty.message).count(nudges.PRIVATE_STEP) == 1


def test_the_check_in_list_is_the_leads_alone(chapter) -> None:
    db = chapter.db
    own = nudges.preview_for(db, chapter.lead, chapter.lead.id, "digest", now=NOW)
    assert any("Tam Mate" in t for t in _items(own.message))
    seen = nudges.preview_for(db, chapter.admin, chapter.lead.id, "digest", now=NOW)
    text = "\n".join(_items(seen.message))
    assert "Tam Mate" not in text and "Mo Member" not in text and "Nobody" not in text
    assert nudges.QUIET_PLACEHOLDER.format(where="Team A") in text


def test_notes_speak_of_the_week_only_to_its_own_member(chapter) -> None:
    db, mo = chapter.db, chapter.member
    nudges.save_setting(db, mo, "reminder", enabled=True, weekday=0, hour=0)
    journal.log_action(db, mo, ActionDraft(date(2026, 11, 23), "Listened", (2,)))
    seen = " ".join(nudges.preview_for(db, chapter.admin, mo.id, "reminder", now=NOW).notes)
    assert not [w for w in STATE_WORDS if w in seen.lower()]
    own = " ".join(nudges.preview_for(db, mo, mo.id, "reminder", now=NOW).notes)
    assert "already logged this week" in own
    journal.set_away(db, chapter.teammate, date(2026, 11, 23))
    seen = " ".join(nudges.preview_for(db, chapter.admin, chapter.teammate.id, "reminder",
                                       now=NOW).notes)
    assert "away this week" not in seen


def test_digest_figures_in_a_preview_follow_the_viewers_own_access(chapter) -> None:
    db = chapter.db
    # Team A big enough for the lead's own figures; Team B of two and the admin: the
    # admin's chapter view minus Team A would then describe Team B's two people.
    for i in range(3):
        roster.add_member(db, chapter.admin, MemberDraft(f"Extra {i}", f"x{i}@example.org",
                                                         "member", chapter.team_a))
    roster.add_member(db, chapter.admin, MemberDraft("B 0", "b0@example.org", "member",
                                                     chapter.team_b))
    belonged_all_along(db)
    took_part(db)  # (long before these weeks: people, not roster entries)
    journal.log_action(db, chapter.member, ActionDraft(date(2026, 11, 17), "Listened", (2,)))
    lead_text = "\n".join(_items(nudges.compose(db, chapter.lead, "digest", date(2026, 11, 23))))
    refusal = disclosure.views_for(db, chapter.admin).refusal(chapter.team_a, None)
    seen = "\n".join(_items(nudges.preview_for(db, chapter.admin, chapter.lead.id, "digest",
                                               now=NOW).message))
    assert refusal is not None and "members logged" in lead_text
    assert "members logged" not in seen and refusal in seen and "[Preview]" in seen


def test_who_may_preview_whose_message(chapter, db) -> None:
    with pytest.raises(access.PermissionDenied):
        nudges.preview_for(db, chapter.lead, chapter.member.id, "reminder", now=NOW)
    with pytest.raises(access.PermissionDenied):
        nudges.preview_for(db, chapter.member, chapter.teammate.id, "reminder", now=NOW)
    elsewhere = roster.create_chapter(db, "Elsewhere", started_on=date(2026, 1, 5))
    stranger = roster.bootstrap_admin(db, elsewhere, MemberDraft("Sam Stranger",
                                                                 "sam@example.org"))
    with pytest.raises(access.PermissionDenied):
        nudges.preview_for(db, stranger, chapter.member.id, "reminder", now=NOW)
    assert nudges.preview_for(db, chapter.member, chapter.member.id, "reminder",
                              now=NOW).own


def test_a_member_whose_address_no_email_can_carry_gets_a_plain_error_not_a_crash(
        demo_db) -> None:
    db, admin = persona(demo_db, "admin")
    # Refused at entry today; stored as an older version or an import could have stored it.
    odd = roster.add_member(db, admin, MemberDraft("Dot Trailing", "dot@example.org"))
    with store.transaction(db):
        db.execute("UPDATE members SET email = 'first.last.@example.org' WHERE id = ?", [odd.id])
    db.conn.close()
    at = open_as(demo_db, "admin", "pages/messages.py")
    _open_preview(at, odd.id, "reminder")
    assert any("Nothing can be sent to Dot Trailing" in e.value for e in at.error)
