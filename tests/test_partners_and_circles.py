"""Partners, learning circles, activity ideas and if–then next steps (issue 15), and the
audience fixed when an action is written (issue 12 item 4) — against real SQLite files."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from allyship.core import access
from allyship.core.access import PermissionDenied
from allyship.core.models import (
    ActionDraft,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ReflectionDraft,
    ValidationError,
)
from allyship.db import audit, migrations, store
from allyship.peers import circles, partners
from allyship.people import roster
from allyship.practice import ideas, if_then, journal, plans
from allyship.reports import chapter_report, renderer
from allyship.transfer import export
from tests.membership_helpers import took_part

TODAY = date.today()


def log(ch, who, text, visibility, resp=(2,)):
    return journal.log_action(ch.db, who, ActionDraft(TODAY, text, resp, visibility=visibility),
                              today=TODAY)


def readable(ch, who) -> set[str]:
    return {a.description for _, a in journal.list_shared_actions(ch.db, who)}


def partner_up(ch, a, b):
    p = partners.invite(ch.db, a, b.id)
    partners.respond(ch.db, b, p.id, True)
    return p


def counts(db) -> dict[str, int]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                       " AND name NOT LIKE 'sqlite_%'")]
    return {t: db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}


# --- issue 12 item 4: the audience is fixed when written ------------------------------

def test_moving_a_member_neither_reexposes_nor_hides_their_old_team_actions(chapter):
    db = chapter.db
    log(chapter, chapter.member, "team-only before the move", "team")
    assert "team-only before the move" in readable(chapter, chapter.teammate)
    assert "team-only before the move" not in readable(chapter, chapter.other)

    roster.move_member(db, chapter.admin, chapter.member.id, chapter.team_b)
    moved = roster.get_member(db, chapter.member.id)
    assert "team-only before the move" in readable(chapter, chapter.teammate)  # old team keeps it
    assert "team-only before the move" not in readable(chapter, chapter.other)  # new team: no
    # Written after the move: the new team's.
    log(chapter, moved, "team-only after the move", "team")
    assert "team-only after the move" in readable(chapter, chapter.other)
    assert "team-only after the move" not in readable(chapter, chapter.teammate)


def test_an_admin_who_moves_into_a_team_does_not_read_what_it_shared_before(chapter):
    db = chapter.db
    log(chapter, chapter.teammate, "written before the admin arrived", "team")
    assert "written before the admin arrived" not in readable(chapter, chapter.admin)
    roster.move_member(db, chapter.admin, chapter.admin.id, chapter.team_a)
    admin = roster.get_member(db, chapter.admin.id)
    assert "written before the admin arrived" not in readable(chapter, admin)
    # What the team shares after the admin joined, the admin reads like any member.
    db.execute("UPDATE members SET team_since = '2000-01-01T00:00:00+00:00' WHERE id = ?",
               [admin.id])  # (joined long before the next write, without waiting a second)
    log(chapter, chapter.teammate, "written with the admin on the team", "team")
    assert "written with the admin on the team" in readable(chapter, admin)


def test_existing_team_actions_get_the_authors_team_at_migration(tmp_path):
    path = tmp_path / "old.db"
    db = store.connect(path, migrate=False)
    while store.schema_version(db) < 8:  # the schema just before this migration
        with store.transaction(db):
            migrations.MIGRATIONS[store.schema_version(db)](db)
            db.execute(f"PRAGMA user_version = {store.schema_version(db) + 1}")
    # Plain SQL, as an old version of the app wrote it: today's domain functions expect
    # today's schema (later migrations add tables they read).
    now = "2026-02-02T10:00:00+00:00"
    chapter = db.execute("INSERT INTO chapters (name, started_on, created_at)"
                         " VALUES ('Old', '2026-01-05', ?)", [now]).lastrowid
    team = db.execute("INSERT INTO teams (chapter_id, name, created_at) VALUES (?, 'T', ?)",
                      [chapter, now]).lastrowid
    member = db.execute("INSERT INTO members (chapter_id, team_id, name, email, created_at)"
                        " VALUES (?, ?, 'Mo', 'mo@example.org', ?)",
                        [chapter, team, now]).lastrowid
    db.execute("INSERT INTO actions (member_id, done_on, week_start, description, kind,"
               " visibility, created_at, updated_at) VALUES (?, '2026-02-02', '2026-02-02',"
               " 'old team action', 'other', 'team', ?, ?)", [member, now, now])
    store.apply_migrations(db)
    assert db.execute("SELECT audience_team_id FROM actions").fetchone()[0] == team
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(Exception, match="CHECK"):
        db.execute("UPDATE actions SET visibility = 'everyone'")


# --- partners --------------------------------------------------------------------------

def test_invite_accept_share_check_in_and_end(chapter):
    db, mo, oz = chapter.db, chapter.member, chapter.other
    p = partners.invite(db, mo, oz.id)
    assert p.status == "invited" and p.invited_by_me
    with pytest.raises(ValidationError, match="no partners yet"):  # an invitation is not one
        log(chapter, mo, "shared while only invited", "partners")
    partners.respond(db, oz, p.id, True)
    log(chapter, mo, "shared with partners", "partners")
    assert "shared with partners" in readable(chapter, oz)
    # Nobody else: not the team, not the lead, not the admin.
    for other in (chapter.teammate, chapter.lead, chapter.admin):
        assert "shared with partners" not in readable(chapter, other)

    view = partners.partner_view(db, oz, mo.id, today=TODAY)
    assert [a.description for a in view.this_week] == ["shared with partners"]
    assert view.plan is None and view.consistency is None  # not shared unless chosen
    action_id = view.this_week[0].id
    partners.check_in(db, oz, mo.id, "How did it go?", action_id=action_id, today=TODAY)
    assert [n.text for n in partners.notes_with(db, mo, oz.id)] == ["How did it go?"]
    with pytest.raises(PermissionDenied):
        partners.notes_with(db, chapter.teammate, mo.id)

    partners.end(db, mo, p.id)
    assert "shared with partners" not in readable(chapter, oz)  # stops at once
    with pytest.raises(PermissionDenied):
        partners.partner_view(db, oz, mo.id)
    with pytest.raises(PermissionDenied):
        partners.notes_with(db, oz, mo.id)
    told = partners.list_partnerships(db, oz, today=TODAY)
    assert [(x.other.id, x.status, x.ended_by_me) for x in told] == [(mo.id, "ended", False)]
    assert partners.list_partnerships(db, mo, today=TODAY) == []  # the one who ended it


def test_a_new_partner_does_not_read_what_was_shared_before_them(chapter):
    db, mo = chapter.db, chapter.member
    partner_up(chapter, mo, chapter.teammate)
    log(chapter, mo, "before Oz", "partners")
    partner_up(chapter, mo, chapter.other)
    assert "before Oz" in readable(chapter, chapter.teammate)
    assert "before Oz" not in readable(chapter, chapter.other)


@pytest.mark.parametrize("visibility,expected", [("partners", "no partners yet"),
                                                 ("circle", "not in a learning circle")])
def test_sharing_with_partners_or_a_circle_one_does_not_have_is_refused(chapter, visibility,
                                                                        expected):
    before = counts(chapter.db)
    with pytest.raises(ValidationError, match=expected):
        log(chapter, chapter.member, "to nobody", visibility)
    assert counts(chapter.db) == before
    kept = log(chapter, chapter.member, "private first", "private")
    with pytest.raises(ValidationError, match=expected):
        journal.update_action(chapter.db, chapter.member, kept.id, ActionDraft(
            TODAY, "private first", (2,), visibility=visibility), today=TODAY)


def test_a_declined_invitation_is_told_kindly_to_the_one_who_asked(chapter):
    p = partners.invite(chapter.db, chapter.member, chapter.other.id)
    partners.respond(chapter.db, chapter.other, p.id, False)
    seen = partners.list_partnerships(chapter.db, chapter.member, today=TODAY)
    assert [(x.other.id, x.status) for x in seen] == [(chapter.other.id, "declined")]
    assert partners.list_partnerships(chapter.db, chapter.other, today=TODAY) == []


def test_plan_consistency_and_one_reflection_are_shared_only_by_choice(chapter):
    db, mo, oz = chapter.db, chapter.member, chapter.other
    plans.save_plan(db, mo, PlanDraft("Focus PLAN-CANARY", items=(
        PlanItemDraft("next_step", "Talk to the centre"),)), today=TODAY)
    journal.save_reflection(db, mo, ReflectionDraft(TODAY, {1: "first answer", 2: "second"}),
                            today=TODAY)
    partner_up(chapter, mo, oz)
    assert partners.partner_view(db, oz, mo.id).plan is None
    partners.save_settings(db, mo, partners.PartnerSettings(True, True))
    view = partners.partner_view(db, oz, mo.id, today=TODAY)
    assert view.plan.focus_group == "Focus PLAN-CANARY"
    assert view.consistency.weeks_counted == 12
    assert view.reflections == ()
    first = journal.my_reflections(db, mo, TODAY)[0]
    partners.share_reflection(db, mo, first.id, True)
    assert [r.answer for r in partners.partner_view(db, oz, mo.id).reflections] == ["first answer"]
    with pytest.raises(PermissionDenied):
        partners.share_reflection(db, oz, first.id, False)  # not Oz's to change
    # Editing its words makes it private again.
    journal.save_reflection(db, mo, ReflectionDraft(TODAY, {1: "first answer, revised"}),
                            today=TODAY)
    assert partners.partner_view(db, oz, mo.id).reflections == ()
    with pytest.raises(PermissionDenied):
        partners.partner_view(db, chapter.teammate, mo.id)


@pytest.mark.parametrize("case,expected", [
    ("self", "other than yourself"),
    ("twice", "already partners"),
    ("inactive", "no longer active"),
    ("too_many", "at most 3"),
])
def test_bad_invitations_are_refused_in_words_and_write_nothing(chapter, case, expected):
    db, mo = chapter.db, chapter.member
    target = chapter.other.id
    if case == "self":
        target = mo.id
    elif case == "twice":
        partners.invite(db, mo, chapter.other.id)
    elif case == "inactive":
        roster.set_member_active(db, chapter.admin, chapter.other.id, False)
    elif case == "too_many":
        for who in (chapter.teammate, chapter.lead, chapter.admin):
            partners.invite(db, mo, who.id)
    before = counts(db)
    with pytest.raises(ValidationError, match=expected):
        partners.invite(db, mo, target)
    assert counts(db) == before


def test_only_the_invitee_answers_and_only_the_two_end(chapter):
    db = chapter.db
    p = partners.invite(db, chapter.member, chapter.other.id)
    with pytest.raises(PermissionDenied):
        partners.respond(db, chapter.member, p.id, True)
    with pytest.raises(PermissionDenied):
        partners.end(db, chapter.teammate, p.id)
    other_chapter = roster.create_chapter(db, "Elsewhere", started_on=date(2026, 1, 5))
    bea = roster.bootstrap_admin(db, other_chapter, MemberDraft("Bea", "bea@example.org"))
    with pytest.raises(PermissionDenied):
        partners.invite(db, bea, chapter.member.id)


@pytest.mark.parametrize("text,week,expected", [
    ("", None, "required"),
    ("x" * 1001, None, "limit is 1,000"),
    ("nul \x00 here", None, "control characters"),
    ("fine", TODAY + timedelta(days=8), "this week or one already past"),
])
def test_bad_check_ins_are_refused_in_words_and_write_nothing(chapter, text, week, expected):
    db = chapter.db
    partner_up(chapter, chapter.member, chapter.other)
    before = counts(db)
    with pytest.raises(ValidationError, match=expected):
        partners.check_in(db, chapter.other, chapter.member.id, text, week=week, today=TODAY)
    assert counts(db) == before


def test_a_check_in_needs_an_active_partner_and_a_readable_action(chapter):
    db = chapter.db
    with pytest.raises(PermissionDenied):
        partners.check_in(db, chapter.other, chapter.member.id, "hello", today=TODAY)
    partner_up(chapter, chapter.member, chapter.other)
    private = log(chapter, chapter.member, "private one", "private")
    with pytest.raises(PermissionDenied):
        partners.check_in(db, chapter.other, chapter.member.id, "about it",
                          action_id=private.id, today=TODAY)


# --- circles ---------------------------------------------------------------------------

@pytest.fixture
def crowd(chapter):
    """Three more members on team B, so a circle can reach five."""
    extra = [roster.add_member(chapter.db, chapter.admin, MemberDraft(
        f"Extra {n}", f"extra{n}@example.org", "member", chapter.team_b)) for n in range(3)]
    return chapter, extra


def test_a_circle_forms_shares_and_stops_showing_what_a_leaver_shared(crowd):
    ch, extra = crowd
    db, mo = ch.db, ch.member
    circle = circles.start_circle(db, mo, "Tuesday circle", "weekly", [ch.other.id, extra[0].id])
    assert circles.my_circle(db, ch.other) is None  # only invited so far
    circles.respond(db, ch.other, circle.id, True)
    circles.respond(db, extra[0], circle.id, False)
    log(ch, ch.other, "CIRCLE-CANARY from Oz", "circle")
    page = circles.circle_page(db, mo, circle.id, today=TODAY)
    assert [o.id for o, _ in page.shared] == [ch.other.id]
    assert [m.id for m in page.members] == sorted([mo.id, ch.other.id],
                                                  key=lambda i: roster.get_member(db, i).name)
    for outsider in (ch.teammate, ch.lead, ch.admin, extra[0]):
        assert "CIRCLE-CANARY from Oz" not in readable(ch, outsider)
        with pytest.raises(PermissionDenied):
            circles.circle_page(db, outsider, circle.id)
    circles.leave(db, ch.other, circle.id)
    assert "CIRCLE-CANARY from Oz" not in readable(ch, mo)


def test_least_practised_is_shown_only_when_three_others_are_in_the_circle(crowd):
    ch, extra = crowd
    db, mo = ch.db, ch.member
    circle = circles.start_circle(db, mo, "Circle", "monthly",
                                  [ch.other.id, *[e.id for e in extra]])
    for who in (ch.other, extra[0]):
        circles.respond(db, who, circle.id, True)
    for n in range(1, 8):  # every responsibility but 8 practised, 1 and 2 twice
        log(ch, mo, f"act {n}", "private", (n,))
    log(ch, extra[0], "again", "private", (1, 2))
    page = circles.circle_page(db, mo, circle.id, today=TODAY)
    assert page.least_practised is None  # two others: too few
    assert "at least 4 members" in circles.agenda_markdown(page)
    circles.respond(db, extra[1], circle.id, True)
    page = circles.circle_page(db, mo, circle.id, today=TODAY)
    assert page.least_practised == (8, 3, 4)  # fewest first; private actions count anonymously
    md, html = circles.agenda_markdown(page), circles.agenda_html(page)
    for q in ("How much space are we taking up", "Who are we leaving behind?"):
        assert q in md and q in html
    assert "8. No awards expected" in md


def test_the_agenda_escapes_members_words(crowd):
    ch, extra = crowd
    db = ch.db
    circle = circles.start_circle(db, ch.member, "<b>Circle</b> [x](https://evil.example)",
                                  "weekly", [ch.other.id])
    circles.respond(db, ch.other, circle.id, True)
    log(ch, ch.other, "<script>alert(1)</script> ![img](https://evil.example/i.png)", "circle")
    page = circles.circle_page(db, ch.member, circle.id, today=TODAY)
    html = circles.agenda_html(page)
    assert "<script>" not in html and "<b>Circle" not in html
    md = circles.agenda_markdown(page)
    assert "](https://evil.example" not in md and "![img]" not in md


@pytest.mark.parametrize("name,cadence,invite,expected", [
    ("", "weekly", "one", "Circle name is required"),
    ("Good", "daily", "one", "How often you meet"),
    ("Good", "weekly", "none", "Invite at least 1 other member"),
    ("Good", "weekly", "eleven", "at most 10 members"),
])
def test_bad_circles_are_refused_in_words_and_write_nothing(chapter, name, cadence, invite,
                                                            expected):
    db = chapter.db
    ids = {"one": [chapter.other.id], "none": [], "eleven": list(range(1000, 1011))}[invite]
    before = counts(db)
    with pytest.raises(ValidationError, match=expected):
        circles.start_circle(db, chapter.member, name, cadence, ids)
    assert counts(db) == before


def test_one_circle_at_a_time(chapter):
    db = chapter.db
    first = circles.start_circle(db, chapter.member, "First", "weekly", [chapter.other.id])
    second = circles.start_circle(db, chapter.teammate, "Second", "weekly", [chapter.member.id])
    with pytest.raises(ValidationError, match="already in a circle"):
        circles.respond(db, chapter.member, second.id, True)
    circles.leave(db, chapter.member, first.id)
    circles.respond(db, chapter.member, second.id, True)
    assert circles.my_circle(db, chapter.member).id == second.id


# --- ideas ----------------------------------------------------------------------------

def test_every_chapter_starts_with_the_starting_set_and_leads_curate_it(chapter):
    db = chapter.db
    found = ideas.list_ideas(db, chapter.member)
    assert len(found) == len(ideas.STARTER_IDEAS)
    assert all(i.link == "" or i.link.startswith("https://") for i in found)
    with pytest.raises(PermissionDenied):
        ideas.add_idea(db, chapter.member, ideas.IdeaDraft("Mine", "act", "", (1,)))
    added = ideas.add_idea(db, chapter.lead, ideas.IdeaDraft("Visit the centre", "connect",
                                                            "https://example.org/c", (3,)))
    assert added in ideas.list_ideas(db, chapter.member, responsibility=3)
    assert added not in ideas.list_ideas(db, chapter.member, responsibility=1)
    ideas.update_idea(db, chapter.admin, added.id, ideas.IdeaDraft("Visit the centre again",
                                                                  "connect", "", (3, 2)))
    ideas.set_retired(db, chapter.lead, added.id, True)
    assert all(i.id != added.id for i in ideas.list_ideas(db, chapter.member))
    assert any(i.id == added.id and i.retired
               for i in ideas.list_ideas(db, chapter.lead, include_retired=True))


@pytest.mark.parametrize("draft,field", [
    (ideas.IdeaDraft("", "act", "", (1,)), "title"),
    (ideas.IdeaDraft("T", "dance", "", (1,)), "kind"),
    (ideas.IdeaDraft("T", "act", "javascript:alert(1)", (1,)), "link"),
    (ideas.IdeaDraft("T", "act", "https://ex ample.org", (1,)), "link"),
    (ideas.IdeaDraft("T", "act", "", ()), "responsibilities"),
    (ideas.IdeaDraft("T", "act", "", (9,)), "responsibilities"),
])
def test_bad_ideas_are_refused_in_words_and_write_nothing(chapter, draft, field):
    ideas.list_ideas(chapter.db, chapter.lead)  # the starting set, first
    before = counts(chapter.db)
    with pytest.raises(ValidationError) as exc:
        ideas.add_idea(chapter.db, chapter.lead, draft)
    assert field in exc.value.errors and exc.value.errors[field]
    assert counts(chapter.db) == before


def test_add_to_my_plan_makes_a_next_step_and_if_then_shows_it(chapter):
    db, mo = chapter.db, chapter.member
    idea = ideas.list_ideas(db, mo)[0]
    with pytest.raises(ValidationError, match="Write your action plan"):
        ideas.add_to_plan(db, mo, idea.id, today=TODAY)
    plans.save_plan(db, mo, PlanDraft("Focus"), today=TODAY)
    plan = ideas.add_to_plan(db, mo, idea.id, today=TODAY)
    step = plan.next_steps[-1]
    assert step.text.startswith(idea.title) and plan.version == 2
    if_then.set_if_then(db, mo, step.id, "the outing is planned", "ask who it leaves out")
    step = plans.get_plan(db, mo).next_steps[-1]
    assert if_then.describe(step) == "When the outing is planned, I will ask who it leaves out"
    # Saving the plan from My plan keeps the if–then parts.
    again = plans.get_plan(db, mo)
    plans.save_plan(db, mo, PlanDraft("Focus, revised", items=tuple(
        PlanItemDraft(i.kind, i.text, i.due_on, i.done_on, i.id) for i in again.items)),
        today=TODAY)
    assert plans.get_plan(db, mo).next_steps[-1].if_then == "ask who it leaves out"
    with pytest.raises(PermissionDenied):
        if_then.set_if_then(db, chapter.other, step.id, "x", "y")
    with pytest.raises(ValidationError, match="limit is 300"):
        if_then.set_if_then(db, mo, step.id, "w" * 301, "")


# --- privacy canaries: never in team views, lead views, the report, admin exports -------

@pytest.mark.slow
def test_partner_and_circle_canaries_never_reach_team_lead_report_or_admin_exports(chapter):
    db, mo, oz = chapter.db, chapter.member, chapter.other
    took_part(db)  # (long before: the chapter's people, not roster entries, see its report)
    partner_up(chapter, mo, oz)
    circle = circles.start_circle(db, mo, "CANARY-CIRCLE-NAME", "weekly", [chapter.teammate.id])
    circles.respond(db, chapter.teammate, circle.id, True)
    log(chapter, mo, "CANARY-PARTNERS-ACTION", "partners")
    action = log(chapter, mo, "CANARY-CIRCLE-ACTION", "circle")
    partners.check_in(db, oz, mo.id, "CANARY-CHECK-IN-NOTE", today=TODAY)
    partners.check_in(db, oz, mo.id, "CANARY-NOTE-ON-ACTION", today=TODAY,
                      action_id=next(a.id for _, a in journal.list_shared_actions(db, oz)))
    assert action.id
    canaries = ("CANARY-PARTNERS-ACTION", "CANARY-CIRCLE-ACTION", "CANARY-CHECK-IN-NOTE",
                "CANARY-NOTE-ON-ACTION", "CANARY-CIRCLE-NAME")

    # Team views and the lead: the lead is on Mo's team but is neither partner nor in the circle.
    outputs = [repr(journal.list_shared_actions(db, chapter.lead)),
               repr(journal.list_shared_actions(db, chapter.admin)),
               repr(journal.list_shared_actions(db, chapter.lead, team_id=chapter.team_a))]
    for fmt in renderer.FORMATS:
        for viewer in (chapter.lead, chapter.admin):
            rep = chapter_report.assemble(db, viewer, start=TODAY - timedelta(days=28), end=TODAY,
                                  today=TODAY)
            rendered = chapter_report.render(rep, fmt)
            outputs.append(rendered.decode() if isinstance(rendered, bytes) else rendered)
    outputs.append(export.chapter_export_zip(db, chapter.admin).decode("latin-1"))
    outputs.append(audit.list_entries(db, chapter.admin).to_csv())
    # The raw audit log: it records that things changed, never the notes' words.
    outputs.append(json.dumps([tuple(r) for r in db.execute("SELECT * FROM audit_log")]))
    for text in outputs:
        for canary in canaries:
            if canary == "CANARY-CIRCLE-NAME" and text.startswith("[["):
                continue  # (the raw log is checked for notes below)
            assert canary not in text, canary
    raw_log = outputs[-1]
    assert "CANARY-CHECK-IN-NOTE" not in raw_log and "CANARY-NOTE-ON-ACTION" not in raw_log
    assert "CANARY-CIRCLE-NAME" not in raw_log


def test_group_figures_count_partner_and_circle_actions_anonymously(chapter):
    db, mo = chapter.db, chapter.member
    partner_up(chapter, mo, chapter.other)
    before = db.execute("SELECT count(*) FROM actions").fetchone()[0]
    log(chapter, mo, "counted anonymously", "partners")
    assert db.execute("SELECT count(*) FROM actions").fetchone()[0] == before + 1
    # The member's own consistency counts it like any other action.
    assert journal.my_consistency(db, mo, today=TODAY).weeks_active >= 1


def test_nothing_about_partners_is_ever_counted_on_the_pages():
    """No totals of notes, kudos or streaks of check-ins: the page sources name none."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for name in ("pages/partners.py", "pages/circles.py", "allyship/ui/peer_sections.py"):
        source = (root / name).read_text().lower()
        for word in ("kudos", "streak", "st.metric", "len(notes", "count(notes"):
            assert word not in source, (name, word)


def test_access_decides_with_the_stored_audience():
    from allyship.core.models import Member

    a = Member(1, 1, 10, "A", "a@x.org")
    b = Member(2, 1, 10, "B", "b@x.org")
    admin = Member(3, 1, None, "C", "c@x.org", "admin")
    team = access.Audience(team_id=10, written_at="2026-01-01T00:00:00+00:00")
    assert access.can_read_shared(b, a, "team", team, access.Ties(team_since=None))
    assert not access.can_read_shared(b, a, "team", team,
                                      access.Ties(team_since="2026-02-01T00:00:00+00:00"))
    assert not access.can_read_shared(b, a, "team", None)  # no stored audience: no
    assert not access.can_read_shared(admin, a, "team", team)
    assert not access.can_read_shared(admin, a, "partners", access.Audience(partner_ids={3}))
    assert access.can_read_shared(admin, a, "partners", access.Audience(partner_ids={3}),
                                  access.Ties(partner_ids=frozenset({1})))
    assert not access.can_read_shared(b, a, "circle", access.Audience(circle_id=5),
                                      access.Ties(circles={5: frozenset({2})}))  # author left
    assert access.can_read_shared(b, a, "circle", access.Audience(circle_id=5),
                                  access.Ties(circles={5: frozenset({1, 2})}))
