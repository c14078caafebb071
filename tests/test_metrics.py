"""Progress measures on a small hand-built chapter whose answers were worked out by hand.

The chapter (conftest ``chapter`` plus a third team), today = Monday 2 Mar 2026 (so the
four weeks of February are complete):

=========  ======  =====================================================================
member     team    actions (week of …) — responsibilities, minutes
=========  ======  =====================================================================
Ada        —       admin, never logs
Lee        A       lead; R6 in each week of Jan 5–26; Feb 9 R2 45m; Feb 16 R2; Feb 23 R3 10m
Mo         A       R6 in each week of Jan 5–26; Feb 2 R1+R2 30m; Feb 9 R1 15m; Feb 23 R4
Tam        A       R6 in each week of Jan 5–26; Feb 2 R1 60m; **away** the week of Feb 16
Oz         B       Jan 12 R5 30m
Cy, Di     C       Di: Feb 16 R1 20m
Gone       A       Feb 9 R8 100m; left before Jan 5 (never counted)
=========  ======  =====================================================================

So in the chapter (7 active members) the weeks of Feb 2, 9, 16, 23 have 2, 2, 2, 2
members logging, with 7, 7, 6 (Tam away), 7 counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import pytest

from allyship.core.access import PermissionDenied
from allyship.core.models import (
    ActionDraft,
    Member,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ValidationError,
)
from allyship.db import store
from allyship.metrics import chapter_figures, overview, rolling, scopes
from allyship.metrics.disclosure import OTHER_LABEL
from allyship.metrics.periods import Period
from allyship.metrics.scopes import WHOLE_CHAPTER, Scope
from allyship.people import roster
from allyship.practice import journal, plans
from tests.membership_helpers import belonged_all_along, took_part

TODAY = date(2026, 3, 2)  # a Monday: the four weeks of February are complete
FEB = {d: date(2026, 2, d) for d in (2, 9, 16, 23)}


@dataclass
class Data:
    db: object
    ch: object  # conftest Chapterful
    cy: Member
    di: Member
    gone: Member
    team_c: int

    @property
    def scope(self) -> Scope:
        return Scope(self.ch.chapter.id)


def log(db, who: Member, day: date, resp: tuple[int, ...], minutes: int | None = None) -> None:
    journal.log_action(db, who, ActionDraft(done_on=day, description="did something",
                                            responsibilities=resp, minutes=minutes), today=TODAY)


def step(text: str, due: date | None, done: date | None = None) -> PlanItemDraft:
    return PlanItemDraft("next_step", text, due, done)


def left_before_the_programme(db, member: Member) -> None:
    """Date a deactivation before the weeks these tests read: a deactivation takes effect
    from the next Monday after it happens (weeks already begun keep the member), and in
    these stories the member left before the programme began."""
    with store.transaction(db):
        db.execute("UPDATE memberships SET to_week = '2026-01-05' WHERE member_id = ?",
                   [member.id])


@pytest.fixture
def data(chapter) -> Data:
    db, ch = chapter.db, chapter
    team_c = roster.create_team(db, ch.admin, "Team C").id
    cy = roster.add_member(db, ch.admin, MemberDraft("Cy See", "cy@example.org", "member", team_c))
    di = roster.add_member(db, ch.admin, MemberDraft("Di Dee", "di@example.org", "member", team_c))
    gone = roster.add_member(db, ch.admin, MemberDraft("Gone Away", "gone@example.org", "member",
                                                       ch.team_a))
    belonged_all_along(db, cy, di, gone)
    took_part(db)  # people, not roster entries: every member here has taken part
    for monday in (date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)):
        for who in (ch.lead, ch.member, ch.teammate):
            log(db, who, monday + timedelta(days=1), (6,))
    log(db, ch.other, date(2026, 1, 13), (5,), 30)
    log(db, ch.member, date(2026, 2, 3), (1, 2), 30)
    log(db, ch.member, date(2026, 2, 10), (1,), 15)
    log(db, ch.member, date(2026, 2, 24), (4,))
    log(db, ch.teammate, date(2026, 2, 4), (1,), 60)
    journal.set_away(db, ch.teammate, FEB[16])
    log(db, ch.lead, date(2026, 2, 11), (2,), 45)
    log(db, ch.lead, date(2026, 2, 17), (2,))
    log(db, ch.lead, date(2026, 2, 23), (3,), 10)
    log(db, di, date(2026, 2, 18), (1,), 20)
    log(db, gone, date(2026, 2, 12), (8,), 100)
    roster.set_member_active(db, ch.admin, gone.id, False)
    left_before_the_programme(db, gone)
    # Plans: three of team A work with "Black birders" (a group big enough to filter on),
    # Di alone with "Disabled nature lovers" (too small to be offered).
    plans.save_plan(db, ch.member, PlanDraft("Black birders", items=(
        step("A", date(2026, 2, 10), date(2026, 2, 12)),  # done in the period
        step("B", date(2026, 2, 20)),  # overdue on Feb 21 onwards
        step("C", date(2026, 3, 10)),  # open
        step("D", date(2026, 1, 9), date(2026, 1, 10)),  # done before any period here
    )), today=TODAY)
    mo_plan = plans.get_plan(db, ch.member)
    plans.save_plan(db, ch.member, PlanDraft(  # a revision
        "Black birders", motivation="Revised after feedback",
        items=tuple(PlanItemDraft(i.kind, i.text, i.due_on, i.done_on, i.id)
                    for i in mo_plan.items)), today=TODAY)
    plans.save_plan(db, ch.lead, PlanDraft("Black birders", items=(
        step("E", date(2026, 2, 24)),  # overdue on the 25th, open on the 22nd
        step("F", None),  # open: no due date
    )), today=TODAY)
    plans.save_plan(db, ch.teammate, PlanDraft("black birders "), today=TODAY)
    plans.save_plan(db, di, PlanDraft("Disabled nature lovers"), today=TODAY)
    return Data(db, ch, cy, di, gone, team_c)


# --- the period ------------------------------------------------------------------------

def test_period_last_weeks_ends_with_the_sunday_of_this_week():
    p = Period.last_weeks(4, TODAY)
    assert (p.start, p.end) == (date(2026, 2, 2), date(2026, 3, 1))
    assert p.weeks == tuple(FEB.values())
    assert p.previous() == Period(date(2026, 1, 5), date(2026, 2, 1))


def test_period_between_snaps_to_whole_weeks_and_refuses_backwards_dates():
    assert Period.between("2026-02-04", date(2026, 2, 19)) == \
        Period(date(2026, 2, 2), date(2026, 2, 22))
    with pytest.raises(ValidationError) as exc:
        Period.between(date(2026, 2, 19), date(2026, 2, 4))
    assert "end" in exc.value.errors


@pytest.mark.parametrize("start, end", [(date(2026, 2, 3), date(2026, 2, 8)),
                                        (date(2026, 2, 2), date(2026, 2, 7))])
def test_period_must_be_monday_to_sunday(start, end):
    with pytest.raises(ValueError):
        Period(start, end)


# --- expectations per period, worked out by hand --------------------------------------------

P4 = Period.last_weeks(4, TODAY)
P2 = Period.last_weeks(2, TODAY)
PC = Period.between(date(2026, 2, 4), date(2026, 2, 19))  # weeks of Feb 2, 9, 16

EXPECTED = {
    "4 weeks": dict(
        period=P4,
        participants=[2, 2, 2, 2], counted=[7, 7, 6, 7],
        rolling=[2 / 7, 2 / 7, (4 / 7 + 1 / 3) / 3, (6 / 7 + 1 / 3) / 4],
        pooled=8 / 27, pooled_before=13 / 28,
        minutes=[90, 60, 20, 10],
        consistency={0: 3, 1: 2, 2: 0, 3: 2, 4: 0},
        steady=(2, 7),
        steps=dict(done=1, open=2, overdue=2),
        actions=8, actions_before=13, coverage=4,
    ),
    "2 weeks": dict(
        period=P2,
        participants=[2, 2], counted=[6, 7],
        rolling=[1 / 3, (1 / 3 + 2 / 7) / 2],
        pooled=4 / 13, pooled_before=4 / 14,
        minutes=[20, 10],
        consistency={0: 4, 1: 2, 2: 1},
        steady=(1, 7),  # of 2 weeks: only Lee was active in both
        steps=dict(done=0, open=2, overdue=2),
        actions=4, actions_before=4, coverage=4,
    ),
    "custom Feb 4-19": dict(
        period=PC,
        participants=[2, 2, 2], counted=[7, 7, 6],
        rolling=[2 / 7, 2 / 7, (4 / 7 + 1 / 3) / 3],
        pooled=6 / 20, pooled_before=10 / 21,
        minutes=[90, 60, 20],
        consistency={0: 3, 1: 2, 2: 2, 3: 0},
        steady=(0, 7),  # of 3 weeks, need 3 (Tam, away one, needs 2 and had 1)
        steps=dict(done=1, open=3, overdue=1),  # taken on Sunday Feb 22: E not yet due
        actions=6, actions_before=10, coverage=2,
    ),
}
CASES = pytest.mark.parametrize("case", list(EXPECTED))


@CASES
def test_weekly_participation_leaves_away_weeks_out_of_the_denominator(data, case):
    e = EXPECTED[case]
    frame = chapter_figures.weekly_participation(data.db, data.ch.admin, data.scope, e["period"],
                                         today=TODAY)
    total = frame[frame["group"] == WHOLE_CHAPTER]
    assert total["is_total"].all()
    assert list(total["week"].dt.date) == list(e["period"].weeks)
    assert total["participants"].tolist() == e["participants"]
    assert total["counted"].tolist() == e["counted"]
    assert (total["active_members"] == 7).all()  # Gone, deactivated, is not counted
    assert total["share"].tolist() == pytest.approx(
        [p / c for p, c in zip(e["participants"], e["counted"])])
    assert total["rolling_mean"].tolist() == pytest.approx(e["rolling"])


@CASES
def test_headlines_compare_with_the_previous_period_of_equal_length(data, case):
    e = EXPECTED[case]
    frames = overview.team_progress(data.db, data.ch.admin, data.scope, e["period"], today=TODAY)
    part = frames.headline("participation")
    assert part.value == pytest.approx(e["pooled"])
    assert part.previous == pytest.approx(e["pooled_before"])
    assert part.change == pytest.approx(e["pooled"] - e["pooled_before"])
    actions = frames.headline("actions")
    assert (actions.value, actions.previous) == (e["actions"], e["actions_before"])
    assert frames.headline("coverage").value == e["coverage"]
    assert frames.headline("overdue").value == e["steps"]["overdue"]
    assert frames.headline("steady").value == pytest.approx(e["steady"][0] / e["steady"][1])
    assert frames.actions == e["actions"] and frames.members == 7


@CASES
def test_minutes_per_week_counts_only_active_members(data, case):
    e = EXPECTED[case]
    frame = chapter_figures.minutes_per_week(data.db, data.ch.lead, data.scope, e["period"], today=TODAY)
    assert frame["minutes"].tolist() == e["minutes"]  # Gone's 100 minutes never appear


@CASES
def test_consistency_is_a_distribution_of_weeks_active_without_names(data, case):
    e = EXPECTED[case]
    frame = chapter_figures.consistency(data.db, data.ch.lead, data.scope, e["period"], today=TODAY)
    assert dict(zip(frame["weeks_active"], frame["members"])) == e["consistency"]
    assert frame["members"].sum() == 7
    assert set(frame.columns) == {"weeks_active", "members", "weeks_in_period"}


@CASES
def test_steadiness_is_three_of_the_last_four_weeks_with_away_weeks_forgiven(data, case):
    e = EXPECTED[case]
    s = chapter_figures.steadiness(data.db, data.ch.admin, data.scope, e["period"], today=TODAY)
    assert (s.steady, s.counted) == e["steady"]


@CASES
def test_follow_through_counts_done_open_and_overdue_on_the_periods_last_day(data, case):
    e = EXPECTED[case]
    frame = chapter_figures.follow_through(data.db, data.ch.admin, data.scope, e["period"], today=TODAY)
    rows = frame.set_index("group")
    for group in (WHOLE_CHAPTER, "Team A"):
        assert rows.loc[group, ["done", "open", "overdue"]].to_dict() == e["steps"]
    assert rows.loc[WHOLE_CHAPTER, "plans"] == 4 and rows.loc["Team A", "plans"] == 3
    assert rows.loc["Team A", "revised_90_days"] == 1  # Mo revised once


def test_zero_weeks_are_rows_of_zeros_not_gaps(data):
    # A third member for Team C (never logs), so its figures may be shown at all; and
    # two for Team B, else "chapter minus Team A minus Team C" would be Oz alone.
    roster.add_member(data.db, data.ch.admin, MemberDraft("Ed Three", "ed@example.org",
                                                          "member", data.team_c))
    for n in (2, 3):
        roster.add_member(data.db, data.ch.admin, MemberDraft(
            f"B {n}", f"b{n}@example.org", "member", data.ch.team_b))
    belonged_all_along(data.db)
    took_part(data.db)  # (before these weeks: people, not roster entries)
    scope = Scope(data.ch.chapter.id, team_id=data.team_c)  # only Di, in the week of Feb 16
    part = chapter_figures.weekly_participation(data.db, data.ch.admin, scope, P4, today=TODAY)
    assert part["participants"].tolist() == [0, 0, 1, 0]
    assert part["share"].tolist() == [0, 0, pytest.approx(1 / 3), 0]
    assert set(part["group"]) == {"Team C"}
    minutes = chapter_figures.minutes_per_week(data.db, data.ch.admin, scope, P4, today=TODAY)
    assert minutes["minutes"].tolist() == [0, 0, 20, 0]
    resp = chapter_figures.responsibility_weeks(data.db, data.ch.admin, scope, P4, today=TODAY)
    assert len(resp) == 4 * 8
    assert resp["actions"].sum() == 1


def test_weeks_that_have_not_started_are_left_out(data):
    period = Period(date(2026, 2, 16), date(2026, 3, 15))  # two weeks after TODAY's week
    part = chapter_figures.weekly_participation(data.db, data.ch.admin, data.scope, period, today=TODAY)
    assert sorted(set(part["week"].dt.date)) == [FEB[16], FEB[23], TODAY]
    # The unfinished current week is marked, and has no 4-week average.
    current = part[part["week"].dt.date == TODAY]
    assert current["in_progress"].all() and current["rolling_mean"].isna().all()
    assert not part[part["week"].dt.date < TODAY]["in_progress"].any()


def test_weeks_before_the_programme_started_are_no_weeks_not_zero_weeks(data):
    # The chapter's programme started on 5 Jan 2026 (conftest).
    period = Period(date(2025, 12, 22), date(2026, 1, 11))
    part = chapter_figures.weekly_participation(data.db, data.ch.admin, data.scope, period, today=TODAY)
    assert sorted(set(part["week"].dt.date)) == [date(2026, 1, 5)]
    before = Period(date(2025, 11, 3), date(2025, 11, 30))  # wholly before the start
    frames = overview.team_progress(data.db, data.ch.admin, data.scope, before, today=TODAY)
    assert frames.participation.empty and frames.minutes.empty
    # The first weeks of the programme have nothing before them to compare with.
    first = Period(date(2026, 1, 5), date(2026, 1, 18))
    frames = overview.team_progress(data.db, data.ch.admin, data.scope, first, today=TODAY)
    assert all(h.previous is None and h.change is None for h in frames.headlines)
    assert frames.note.startswith("No comparison")
    frames = overview.team_progress(data.db, data.ch.admin, data.scope, P4, today=TODAY)
    assert frames.note.startswith("Changes compare with the 4 weeks before")


def test_responsibility_weeks_is_eight_rows_per_week_with_the_handouts_words(data):
    resp = chapter_figures.responsibility_weeks(data.db, data.ch.lead, data.scope, P4, today=TODAY)
    assert len(resp) == 8 * 4
    feb2 = resp[resp["week"].dt.date == FEB[2]].set_index("responsibility")
    assert feb2.loc[1, ["actions", "members"]].tolist() == [2, 2]  # Mo and Tam
    assert feb2.loc[2, "actions"] == 1
    totals = resp.groupby("responsibility")["actions"].sum().to_dict()
    assert totals == {1: 4, 2: 3, 3: 1, 4: 1, 5: 0, 6: 0, 7: 0, 8: 0}
    assert feb2.loc[4, "full_text"].startswith("We do not expect to be educated by others:")


def test_least_practised_lists_the_responsibilities_nobody_practised(data):
    least = chapter_figures.least_practised(data.db, data.ch.lead, data.scope, P4, today=TODAY)
    assert least["responsibility"].tolist() == [5, 6, 7]
    assert least["actions"].tolist() == [0, 0, 0]


def test_falling_teams_names_team_a_whose_share_dropped(data):
    falling = chapter_figures.falling_teams(data.db, data.ch.admin, data.scope, P4, today=TODAY)
    assert falling["team"].tolist() == ["Team A"]
    row = falling.iloc[0]
    assert row["share_now"] == pytest.approx(7 / 11)  # 2+2+1+2 of 3+3+2+3
    assert row["share_before"] == pytest.approx(1.0)


# --- privacy in aggregates ----------------------------------------------------------------

def test_admin_breakdown_folds_small_teams_into_other(data):
    part = chapter_figures.weekly_participation(data.db, data.ch.admin, data.scope, P4, today=TODAY)
    assert set(part["group"]) == {WHOLE_CHAPTER, "Team A", OTHER_LABEL}
    other = part[part["group"] == OTHER_LABEL]  # Ada, Oz, Cy, Di
    assert (other["active_members"] == 4).all()
    assert other["participants"].tolist() == [0, 0, 1, 0]


def test_a_team_is_not_shown_when_the_rest_of_the_chapter_would_single_someone_out(data):
    for m in (data.cy, data.di):
        roster.set_member_active(data.db, data.ch.admin, m.id, False)
        left_before_the_programme(data.db, m)
    # Ada (the viewer) + Oz are the rest: chapter minus Team A would be Oz alone, so
    # Team A's own figures are withdrawn too (complementary suppression).
    part = chapter_figures.weekly_participation(data.db, data.ch.admin, data.scope, P4, today=TODAY)
    assert set(part["group"]) == {WHOLE_CHAPTER}
    assert scopes.team_choices(data.db, data.ch.admin, data.ch.chapter.id) == []
    with pytest.raises(PermissionDenied, match="would reveal"):
        overview.team_progress(data.db, data.ch.admin,
                              Scope(data.ch.chapter.id, data.ch.team_a), P4, today=TODAY)


def test_a_lead_sees_their_own_team_and_the_chapter_but_no_other_team(data):
    # Team A is Lee (the lead), Mo and Tam: two people besides Lee, too few to show.
    frames = overview.team_progress(data.db, data.ch.lead, data.scope, P4, today=TODAY)
    assert set(frames.participation["group"]) == {WHOLE_CHAPTER}
    assert scopes.team_choices(data.db, data.ch.lead, data.ch.chapter.id) == []
    with pytest.raises(PermissionDenied, match="fewer than 3 people besides you"):
        overview.team_progress(data.db, data.ch.lead, Scope(data.ch.chapter.id, data.ch.team_a),
                              P4, today=TODAY)
    # A fourth member makes Team A a team its lead may look at.
    fay = roster.add_member(data.db, data.ch.admin, MemberDraft("Fay Four", "fay@example.org",
                                                                "member", data.ch.team_a))
    belonged_all_along(data.db, fay)
    took_part(data.db, fay)
    frames = overview.team_progress(data.db, data.ch.lead, data.scope, P4, today=TODAY)
    assert set(frames.participation["group"]) == {WHOLE_CHAPTER, "Team A"}
    assert set(frames.follow_through["group"]) == {WHOLE_CHAPTER, "Team A"}
    with pytest.raises(PermissionDenied):
        chapter_figures.weekly_participation(data.db, data.ch.lead, Scope(data.ch.chapter.id,
                                                                  data.ch.team_b), P4)
    assert [t.name for t in scopes.team_choices(data.db, data.ch.lead,
                                                  data.ch.chapter.id)] == ["Team A"]
    assert scopes.scope_choices(data.db, data.ch.lead, data.ch.chapter.id) == \
        [data.ch.team_a, None]  # a lead opens on their own team
    # Teams B (1 member) and C (2) are too small for anyone.
    assert [t.name for t in scopes.team_choices(data.db, data.ch.admin, data.ch.chapter.id)] \
        == ["Team A"]


def test_only_focus_groups_with_three_members_are_offered_or_accepted(data):
    chapter_id = data.ch.chapter.id
    assert scopes.focus_group_choices(data.db, data.ch.admin, chapter_id) == ["Black birders"]
    with pytest.raises(PermissionDenied, match="singled out"):
        overview.team_progress(data.db, data.ch.admin,
                              Scope(chapter_id, focus_group="Disabled nature lovers"), P4,
                              today=TODAY)
    scope = Scope(chapter_id, focus_group="Black birders")  # Lee, Mo, Tam (case and spaces)
    part = chapter_figures.weekly_participation(data.db, data.ch.admin, scope, P4, today=TODAY)
    total = part[part["is_total"]]
    assert total["group"].iloc[0] == "Whole chapter · Black birders"
    assert total["counted"].tolist() == [3, 3, 2, 3]
    assert total["participants"].tolist() == [2, 2, 1, 2]


# --- who may call what ----------------------------------------------------------------------

PUBLIC = [chapter_figures.weekly_participation, chapter_figures.responsibility_weeks, chapter_figures.consistency,
          chapter_figures.steadiness, chapter_figures.minutes_per_week, chapter_figures.follow_through,
          chapter_figures.least_practised, chapter_figures.falling_teams, overview.headlines,
          overview.team_progress]


@pytest.mark.parametrize("fn", PUBLIC, ids=lambda f: f.__name__)
def test_a_member_gets_permission_denied_from_every_metric(data, fn):
    with pytest.raises(PermissionDenied):
        fn(data.db, data.ch.member, data.scope, P4, today=TODAY)


def test_a_lead_of_another_chapter_sees_nothing_here(data):
    other_chapter = roster.create_chapter(data.db, "Elsewhere")
    stranger = roster.bootstrap_admin(data.db, other_chapter,
                                      MemberDraft("Sol Stranger", "sol@example.org"))
    with pytest.raises(PermissionDenied):
        overview.team_progress(data.db, stranger, data.scope, P4, today=TODAY)
    with pytest.raises(PermissionDenied):
        overview.team_progress(data.db, stranger, Scope(other_chapter.id, data.ch.team_a), P4,
                              today=TODAY)


# --- quiet members -----------------------------------------------------------------------------

def test_quiet_members_are_the_leads_own_team_sorted_by_name_not_activity(data):
    db, ch = data.db, data.ch
    add = lambda name, email: roster.add_member(  # noqa: E731
        db, ch.admin, MemberDraft(name, email, "member", ch.team_a))
    _zed, bea, abe, al = (add("Zed Zero", "zed@example.org"), add("Bea Before", "bea@example.org"),
                         add("Abe Early", "abe@example.org"), add("Al Away", "al@example.org"))
    log(db, bea, date(2026, 1, 13), (1,))
    log(db, abe, date(2026, 1, 27), (1,))
    journal.set_away(db, al, FEB[23])  # said they would be away: not listed
    log(db, ch.other, date(2026, 1, 14), (1,))  # another team: never listed here
    quiet = chapter_figures.quiet_members(db, ch.lead, ch.team_a, today=TODAY)
    # Mo logged on Feb 24, Tam on Feb 4 (within the current week and the 3 before);
    # Gone is deactivated; Lee is the lead.
    assert quiet["name"].tolist() == ["Abe Early", "Bea Before", "Zed Zero"]
    assert quiet["last_week"].tolist() == [date(2026, 1, 26), date(2026, 1, 12), None]
    frames = overview.team_progress(db, ch.lead, data.scope, P4, today=TODAY)
    pd.testing.assert_frame_equal(frames.quiet_members, quiet)


def test_quiet_list_is_for_the_teams_own_lead_only(data):
    db, ch = data.db, data.ch
    for actor, team in [(ch.admin, ch.team_a), (ch.member, ch.team_a), (ch.lead, ch.team_b),
                        (ch.lead, None)]:
        with pytest.raises(PermissionDenied):
            chapter_figures.quiet_members(db, actor, team, today=TODAY)
    frames = overview.team_progress(db, ch.admin, data.scope, P4, today=TODAY)
    assert frames.quiet_members is None


def test_a_member_quiet_for_three_full_weeks_is_listed_the_week_after(data):
    db, ch = data.db, data.ch
    # Tam last logged in the week of Feb 2 and marked the week of Feb 16 away. On Mar 11
    # the window (weeks of Feb 16 to Mar 9) holds that away week, so Tam is not listed;
    # on Mar 18 (weeks of Feb 23 to Mar 16) Tam is.
    assert "Tam Mate" not in chapter_figures.quiet_members(db, ch.lead, ch.team_a,
                                                    today=date(2026, 3, 11))["name"].tolist()
    assert "Tam Mate" in chapter_figures.quiet_members(db, ch.lead, ch.team_a,
                                                today=date(2026, 3, 18))["name"].tolist()


def test_headline_text_shows_shares_in_points_and_minutes_in_hours():
    h = overview.Headline("participation", "Weekly participation", 0.5, 0.4, "share", "")
    assert (h.display, h.delta_display) == ("50%", "+10 pts")
    m = overview.Headline("minutes", "Time invested", 600, 30, "minutes", "")
    assert (m.display, m.delta_display) == ("10.0 h", "+9.5 h")
    none = overview.Headline("steady", "Steady", 0.5, None, "share", "")
    assert none.delta_display is None


def test_an_empty_chapter_gives_zero_frames_not_errors(db):
    ch = roster.create_chapter(db, "Empty", started_on=date(2026, 1, 5))
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Ada Admin", "ada@example.org"))
    # The admin alone: no figures at all (they would describe nobody but the viewer).
    with pytest.raises(PermissionDenied, match="fewer than 3 people besides you"):
        overview.team_progress(db, admin, Scope(ch.id), P4, today=TODAY)
    for n in range(3):
        roster.add_member(db, admin, MemberDraft(f"New {n}", f"new{n}@example.org"))
    belonged_all_along(db)
    took_part(db)  # (long before these weeks, which hold no action)
    frames = overview.team_progress(db, admin, Scope(ch.id), P4, today=TODAY)
    assert frames.actions == 0 and frames.members == 4
    assert frames.participation[frames.participation["is_total"]]["participants"].sum() == 0
    assert frames.headline("participation").value == 0
    assert frames.quiet_members is None


def test_metrics_use_the_action_indexes(data):
    cte, params = scopes._scope_cte(data.scope)
    plan = " ".join(r[-1] for r in data.db.execute(
        "EXPLAIN QUERY PLAN " + cte + "SELECT count(*) FROM scope s JOIN actions a"
        " ON a.member_id = s.id AND a.week_start BETWEEN ? AND ?", [*params, "a", "b"]))
    assert "actions_member_week" in plan and "SCAN a" not in plan
    assert store.schema_version(data.db) >= 1


# --- the 4-week rolling mean: pandas' own arithmetic, in plain Python ------------------------

def _bits(values: list[float]) -> list[object]:
    import math
    import struct

    return ["nan" if math.isnan(v) else struct.pack("<d", v) for v in values]


def _pandas_rolling(values: list[float]) -> list[float]:
    return pd.Series(values, dtype=float).rolling(rolling.ROLLING_WEEKS, min_periods=1) \
        .mean().tolist()


@pytest.mark.slow
def test_the_rolling_mean_is_pandas_bit_for_bit_on_five_thousand_series():
    """Shares, thirds that never add up exactly, gaps (NaN), runs of one value, negatives
    and extremes: every value equals pandas' to the last bit."""
    import random

    rnd = random.Random(2026)
    kinds = [rnd.random, lambda: rnd.choice([0.0, 1 / 3, 2 / 3, 0.5, 1.0, 0.1, 0.2, 0.3]),
             lambda: rnd.randint(0, 9) / rnd.randint(1, 9), lambda: float("nan"),
             lambda: rnd.uniform(-1, 1), lambda: rnd.choice([1e-300, 1e300, 0.1])]
    for _ in range(5_000):
        weights = [rnd.random() for _ in kinds]
        values = [rnd.choices(kinds, weights)[0]() for _ in range(rnd.randint(0, 60))]
        assert _bits(rolling.rolling_mean(values)) == _bits(_pandas_rolling(values)), values


def test_the_rolling_mean_of_weeks_with_gaps():
    """A week without a share (everyone away, or the unfinished week) is left out of the
    average; four such weeks in a row have no average."""
    nan = float("nan")
    assert _bits(rolling.rolling_mean([nan, 0.5, nan, nan, nan, nan, 1.0])) == \
        _bits([nan, 0.5, 0.5, 0.5, 0.5, nan, 1.0])
    assert rolling.rolling_mean([]) == []
