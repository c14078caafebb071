"""Limits that count hold when the same request arrives 16 times at once (issue 15): at
most 3 partners, at most 10 people in a circle, a check-in sent twice is one note, and a
chapter's starting ideas are written once. Each thread has its own connection to the
same real SQLite file, as each Streamlit session does."""

from __future__ import annotations

from datetime import date

from at_once import at_once

from allyship.core.models import MemberDraft, ValidationError
from allyship.peers import circles, partners
from allyship.people import roster
from allyship.practice import ideas

N = 16


def _crowd(db, admin, n: int):
    return [roster.add_member(db, admin, MemberDraft(f"Person {i}", f"p{i}@example.org"))
            for i in range(n)]


def test_sixteen_simultaneous_invitations_make_at_most_three_partners(chapter, db_path):
    crowd = _crowd(chapter.db, chapter.admin, N)
    me = chapter.member
    got = at_once(N, db_path, lambda db, n: partners.invite(db, me, crowd[n].id))
    made = [g for g in got if isinstance(g, partners.Partnership)]
    refused = [g for g in got if isinstance(g, ValidationError)]
    assert len(made) == partners.MAX_PARTNERS and len(refused) == N - partners.MAX_PARTNERS
    assert chapter.db.execute("SELECT count(*) FROM partnerships WHERE inviter_id = ?",
                              [me.id]).fetchone()[0] == partners.MAX_PARTNERS


def test_sixteen_simultaneous_acceptances_leave_at_most_three_active(chapter, db_path):
    crowd = _crowd(chapter.db, chapter.admin, N)
    me = chapter.member
    invites = [partners.invite(chapter.db, c, me.id) for c in crowd]  # 16 invitations to me
    got = at_once(N, db_path, lambda db, n: partners.respond(db, me, invites[n].id, True))
    assert sum(isinstance(g, partners.Partnership) for g in got) == partners.MAX_PARTNERS
    assert chapter.db.execute("SELECT count(*) FROM partnerships WHERE invitee_id = ? AND"
                              " status = 'active'", [me.id]).fetchone()[0] == partners.MAX_PARTNERS


def test_sixteen_simultaneous_invitations_keep_a_circle_at_ten(chapter, db_path):
    crowd = _crowd(chapter.db, chapter.admin, N + 1)
    circle = circles.start_circle(chapter.db, chapter.member, "Circle", "weekly", [crowd[0].id])
    got = at_once(N, db_path, lambda db, n: circles.invite(db, chapter.member, circle.id,
                                                      [crowd[n + 1].id]))
    assert sum(g is None for g in got) == circles.MAX_MEMBERS - 2  # 8 more seats were free
    assert chapter.db.execute("SELECT count(*) FROM circle_members WHERE circle_id = ? AND"
                              " status IN ('active', 'invited')",
                              [circle.id]).fetchone()[0] == circles.MAX_MEMBERS


def test_the_same_check_in_sent_sixteen_times_is_one_note(chapter, db_path):
    link = partners.invite(chapter.db, chapter.member, chapter.other.id)
    partners.respond(chapter.db, chapter.other, link.id, True)
    got = at_once(N, db_path, lambda db, n: partners.check_in(
        db, chapter.other, chapter.member.id, "Same note", idempotency_key="form-1"))
    assert len({g.id for g in got}) == 1
    assert chapter.db["partner_notes"].count == 1


def test_sixteen_first_visits_write_the_starting_ideas_once(db, db_path):
    ch = roster.create_chapter(db, "New", started_on=date(2026, 1, 5))
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Ada", "ada@example.org"))
    got = at_once(N, db_path, lambda d, n: len(ideas.list_ideas(d, admin)))
    assert got == [len(ideas.STARTER_IDEAS)] * N
    assert db["ideas"].count == len(ideas.STARTER_IDEAS)
