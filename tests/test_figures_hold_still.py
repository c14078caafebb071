"""A completed period's figures hold still: no roster change moves them, so nobody can be
read by comparing a view with itself before and after one.

Membership is dated (allyship.db.memberships): a change takes effect from the next
Monday, every week already begun keeps the membership it had. The attacks below are
the ones the issue reproduced on the undated figures; each compares a view before and
after the change and now finds it unchanged.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from allyship import demo as demo_data
from allyship.core.access import PermissionDenied
from allyship.core.models import ActionDraft, MemberDraft, PlanDraft, PlanItemDraft, week_start
from allyship.db import store
from allyship.metrics import org_figures, overview, scopes
from allyship.metrics.periods import Period
from allyship.metrics.scopes import Scope
from allyship.people import organisation, roster
from allyship.practice import journal, plans
from allyship.reports import chapter_report, org_report
from allyship.rights import erasure
from tests.membership_helpers import belonged_all_along

# Each test builds reports or every view over the demo chapter: seconds, not milliseconds.
pytestmark = pytest.mark.slow

TODAY = date.today()
# The four complete weeks before this one.
DONE = Period(week_start(TODAY) - timedelta(weeks=4), week_start(TODAY) - timedelta(days=1))


@pytest.fixture
def demo(demo_db):
    db = store.connect(demo_db)
    yield db
    db.conn.close()


def by_email(db, key: str):
    return roster.find_member_by_email(db, demo_data.PERSONAS[key])


def figures(db, viewer, scope: Scope, period: Period = DONE) -> dict:
    """Every frame and figure Team progress shows for the scope and period."""
    frames = overview.team_progress(db, viewer, scope, period, today=TODAY)
    # (As text: NaN equals itself there.)
    out: dict = {name: getattr(frames, name).to_dict("list") for name in frames.columns}
    out = {k: {c: repr(v) for c, v in cols.items()} for k, cols in out.items()}
    out["headlines"] = repr([dataclasses.astuple(h) for h in frames.headlines])
    out["members"] = frames.members
    out["steadiness"] = repr(frames.steadiness)
    return out


def same_drawing(data: bytes) -> bytes:
    """A report with its charts' gradient ids made alike: the chart renderer numbers them
    by how many charts it drew before, in this process — not a figure."""
    return re.sub(rb"gradient_\d+", b"gradient_N", data)


def report(db, viewer, team_id: int | None = None) -> dict[str, bytes]:
    """The chapter report for the completed period, in every format."""
    assembled = chapter_report.assemble(db, viewer, start=DONE.start, end=DONE.end,
                                        team_id=team_id, today=TODAY)
    return {fmt: same_drawing(chapter_report.render(assembled, fmt))
            for fmt in ("html", "md", "csv")}


def new_group(plan, group: str) -> PlanDraft:
    """The member's plan as it is, naming another focus group."""
    items = tuple(PlanItemDraft(i.kind, i.text, i.due_on, i.done_on, i.id) for i in plan.items)
    return PlanDraft(group, plan.motivation, plan.supports_goal, plan.feedback, items)


def other_team_member(db, lead):
    """An active member (not an admin) of a team the lead cannot open."""
    return next(m for m in roster.list_members(db, lead.chapter_id)
                if m.active and m.team_id not in (None, lead.team_id) and m.role == "member")


# --- the attacks ----------------------------------------------------------------------

def test_a_leads_whole_chapter_view_holds_still_when_an_admin_deactivates_someone_in_another_team(
        demo):
    lead, admin = by_email(demo, "lead"), by_email(demo, "admin")
    scope = Scope(lead.chapter_id)
    before = figures(demo, lead, scope)
    roster.set_member_active(demo, admin, other_team_member(demo, lead).id, False)
    assert figures(demo, lead, scope) == before


def test_a_leads_team_view_holds_still_when_a_member_moves_out(demo):
    lead, admin = by_email(demo, "lead"), by_email(demo, "admin")
    scope = Scope(lead.chapter_id, lead.team_id)
    before = figures(demo, lead, scope)
    mover = next(m for m in roster.list_members(demo, lead.chapter_id, team_id=lead.team_id)
                 if m.id != lead.id and m.role == "member")
    other_team = next(t.id for t in roster.list_teams(demo, lead.chapter_id)
                      if t.id != lead.team_id)
    roster.move_member(demo, admin, mover.id, other_team)
    assert figures(demo, lead, scope) == before


def test_a_focus_group_view_holds_still_when_a_member_edits_their_plans_group(demo):
    admin = by_email(demo, "admin")
    group = scopes.focus_group_choices(demo, admin, admin.chapter_id)[0]
    scope = Scope(admin.chapter_id, focus_group=group)
    before = figures(demo, admin, scope)
    editor = next(m for m in roster.list_members(demo, admin.chapter_id)
                  if m.id != admin.id and (p := plans.stored_plan(demo, m.id)) is not None
                  and p.focus_group.strip().casefold() == group.strip().casefold())
    plans.save_plan(demo, editor, new_group(plans.stored_plan(demo, editor.id),
                                            "Somewhere else entirely"), today=TODAY)
    after = figures(demo, admin, scope)
    # "Plans revised in the last 90 days" is counted back from today, not from the
    # period: the one figure a plan edit may change (it says nothing of anyone's actions).
    for frame in (after, before):
        frame["follow_through"].pop("revised_90_days")
    assert after == before


def test_an_organisation_admins_chapter_line_holds_still_when_one_member_leaves(demo):
    dana = roster.find_member_by_email(demo, demo_org_admin())
    admin = by_email(demo, "admin")
    before = org_figures.org_progress(demo, dana, DONE, today=TODAY)
    leaver = next(m for m in roster.list_members(demo, admin.chapter_id)
                  if m.active and m.role == "member")
    roster.set_member_active(demo, admin, leaver.id, False)
    after = org_figures.org_progress(demo, dana, DONE, today=TODAY)
    assert repr(after.lines) == repr(before.lines)
    assert after.weekly.to_csv() == before.weekly.to_csv()


def demo_org_admin() -> str:
    return demo_data.ORG_PERSONAS["organisation"][0]


def test_placeholder_members_cannot_pad_other_small_chapters(demo):
    """An organisation admin makes a chapter of two placeholder members, a new region,
    and moves a one-member chapter into it: 'Other (small chapters)' would be that one
    member's record. Placeholders take no part, so the group is too small to show."""
    dana = roster.find_member_by_email(demo, demo_org_admin())
    region = organisation.create_region(demo, dana, "Padded")
    pads = organisation.create_chapter_with_admin(
        demo, dana, name="Pads", admin_name="Pad One", admin_email="pad1@example.org",
        region_id=region.id, started_on=TODAY - timedelta(weeks=30))
    roster.add_member(demo, pads.admin, MemberDraft("Pad Two", "pad2@example.org"))
    lone = organisation.create_chapter_with_admin(
        demo, dana, name="Lone", admin_name="Lone Member", admin_email="lone@example.org",
        region_id=None, started_on=TODAY - timedelta(weeks=30))
    for weeks_ago in range(1, 5):
        journal.log_action(demo, lone.admin, ActionDraft(
            week_start(TODAY) - timedelta(weeks=weeks_ago), "Read", (1,), minutes=30),
            today=TODAY)
    organisation.move_chapter(demo, dana, lone.chapter.id, region.id)
    progress = org_figures.org_progress(demo, dana, DONE, region_id=region.id, today=TODAY)
    for line in progress.lines:
        assert not line.shown, line  # nothing there describes fewer than 3 people


# --- a report for a completed period is the same whenever it is produced --------------

def _changes(db):
    """Every kind of roster change, as (name, do-it)."""
    admin, lead = by_email(db, "admin"), by_email(db, "lead")
    members = [m for m in roster.list_members(db, admin.chapter_id)
               if m.active and m.role == "member" and m.id != by_email(db, "member").id]
    teams = [t.id for t in roster.list_teams(db, admin.chapter_id)]
    mover, leaver, returner, forgotten, editor = members[:5]

    def forget() -> None:
        roster.set_member_active(db, admin, forgotten.id, False)
        erasure.forget(db, admin, forgotten.id, confirm_email=forgotten.email, scrub=False)

    dana = roster.find_member_by_email(db, demo_org_admin())
    return [
        ("move", lambda: roster.move_member(
            db, admin, mover.id, next(t for t in teams if t != mover.team_id))),
        ("deactivate", lambda: roster.set_member_active(db, admin, leaver.id, False)),
        ("reactivate", lambda: (roster.set_member_active(db, admin, returner.id, False),
                                roster.set_member_active(db, admin, returner.id, True))),
        ("forget", forget),
        ("plan group", lambda: plans.save_plan(
            db, editor, new_group(plans.stored_plan(db, editor.id), "A new group"),
            today=TODAY)),
        ("lead leaves their team", lambda: roster.move_member(db, admin, lead.id, None)),
        ("new member", lambda: roster.add_member(db, admin, MemberDraft(
            "Newcomer", "newcomer@example.org", "member", lead.team_id))),
        ("chapter to another region", lambda: organisation.move_chapter(
            db, dana, admin.chapter_id, organisation.create_region(db, dana, "Elsewhere").id)),
        ("chapter archived", lambda: organisation.archive_chapter(db, dana, admin.chapter_id)),
    ]


def test_a_completed_periods_report_is_byte_identical_after_every_kind_of_roster_change(demo):
    admin, lead = by_email(demo, "admin"), by_email(demo, "lead")
    dana = roster.find_member_by_email(demo, demo_org_admin())

    def org() -> dict[str, bytes]:
        assembled = org_report.assemble(demo, dana, start=DONE.start.isoformat(),
                                        end=DONE.end.isoformat(), today=TODAY)
        return {fmt: same_drawing(org_report.render(assembled, fmt))
                for fmt in ("html", "md", "csv")}

    def unrevised(files: dict[str, bytes]) -> dict[str, bytes]:
        """Without "plans revised in the last 90 days", a count from today's date (a plan
        edit may change it; it says nothing of anyone's actions)."""
        return {f: re.sub(rb"revised in 90 days: \d+", b"", data) for f, data in files.items()}

    reports = {"admin": report(demo, admin), "lead": report(demo, lead, lead.team_id)}
    org_before = org()
    edited = False
    for name, change in _changes(demo):
        change()
        edited = edited or name == "plan group"
        same = unrevised if edited else (lambda files: files)
        assert same(report(demo, admin)) == same(reports["admin"]), name
        assert same(report(demo, lead, lead.team_id)) == same(reports["lead"]), name
        # (The chapter-to-region history is dated too: a move or an archiving is no
        # exception.)
        assert org() == org_before, name


# --- the property: random chapters, random changes, every view --------------------------

CHANGE = st.sampled_from(["move", "deactivate", "reactivate", "forget", "plan", "new"])


def _views(db, viewer, period: Period) -> dict:
    """Every scope the viewer may open (chapter, teams, focus groups) → its figures."""
    out = {}
    for team in scopes.scope_choices(db, viewer, viewer.chapter_id):
        for group in [None, *scopes.focus_group_choices(db, viewer, viewer.chapter_id, team)]:
            scope = Scope(viewer.chapter_id, team, group)
            try:
                out[scope] = figures(db, viewer, scope, period)
                # (Counted back from today, not from the period: see the report test.)
                out[scope]["follow_through"].pop("revised_90_days")
            except PermissionDenied:
                out[scope] = "refused"
    return out


@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), changes=st.lists(st.tuples(CHANGE, st.integers(0, 999)),
                                                     min_size=1, max_size=4))
def test_no_roster_change_moves_any_view_of_a_completed_period(migrated_template,
                                                               tmp_path_factory, seed, changes):
    """A random small chapter (three teams, random actions over eight weeks), then random
    changes; after each, every view the admin and the lead could open for each completed
    period is unchanged or withdrawn (and a new member changes nothing at all)."""
    import random
    import shutil

    from allyship.core.models import Chapter

    path = tmp_path_factory.mktemp("hold") / "h.db"
    shutil.copy(migrated_template, path)
    db = store.connect(path)
    rng = random.Random(seed)
    today = date(2026, 3, 4)
    ch: Chapter = roster.create_chapter(db, "Held", started_on=date(2026, 1, 5))
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Ada Admin", "ada@example.org"))
    teams = [roster.create_team(db, admin, name).id for name in ("A", "B", "C")]
    lead = roster.add_member(db, admin, MemberDraft("Lee", "lee@example.org", "lead", teams[0]))
    people = [lead]
    for n in range(rng.randint(6, 10)):
        people.append(roster.add_member(db, admin, MemberDraft(
            f"P{n}", f"p{n}@example.org", "member", rng.choice([*teams, None]))))
    for p in people:
        plans.save_plan(db, p, PlanDraft(rng.choice(["Neighbours", "Students"])), today=today)
        for w in range(1, 9):
            if rng.random() < 0.6:
                journal.log_action(db, p, ActionDraft(
                    week_start(today) - timedelta(weeks=w) + timedelta(days=rng.randint(0, 6)),
                    "did", (rng.randint(1, 8),), minutes=rng.choice([None, 10, 45])),
                    today=today)
    belonged_all_along(db)  # a chapter that was there before these weeks
    periods = [Period(week_start(today) - timedelta(weeks=n), week_start(today)
                      - timedelta(days=1)) for n in (2, 4, 8)]
    viewers = [roster.get_member(db, admin.id), roster.get_member(db, lead.id)]
    baseline = {(v.id, i): _views(db, v, p) for v in viewers for i, p in enumerate(periods)}
    assert any(f != "refused" for views in baseline.values() for f in views.values())

    for kind, pick in changes:
        who = people[pick % len(people)]
        if kind == "move" and who.id != lead.id:  # (the lead's own access is not a figure)
            roster.move_member(db, admin, who.id, rng.choice([*teams, None]))
        elif kind == "deactivate":
            roster.set_member_active(db, admin, who.id, False)
        elif kind == "reactivate" and not erasure.is_forgotten(db, who.id) \
                and not roster.get_member(db, who.id).active:
            roster.set_member_active(db, admin, who.id, True)
        elif kind == "forget" and who.id != lead.id and not erasure.is_forgotten(db, who.id):
            roster.set_member_active(db, admin, who.id, False)
            erasure.forget(db, admin, who.id, confirm_email=roster.get_member(db, who.id).email,
                           scrub=False)
        elif kind == "plan" and roster.get_member(db, who.id).active:
            plans.save_plan(db, roster.get_member(db, who.id), new_group(
                plans.stored_plan(db, who.id), rng.choice(["Neighbours", "Students", "Elders"])),
                today=today)
        elif kind == "new":
            roster.add_member(db, admin, MemberDraft(
                "Newcomer", f"new{pick}.{rng.random()}@example.org", "member", teams[0]))
        for (vid, i), views in baseline.items():
            viewer = roster.get_member(db, vid)
            if not viewer.active:
                continue
            now = baseline[(vid, i)] = _views(db, viewer, periods[i])
            for scope, before in views.items():
                # Not offered any more (the lead moved, say): withdrawn, which shows nothing.
                after = now.get(scope, "refused")
                if kind != "new":
                    assert after in ("refused", before), (kind, scope)
                else:  # a newcomer belongs from the next Monday: no completed week moves
                    assert after == before, (kind, scope)
    db.conn.close()
