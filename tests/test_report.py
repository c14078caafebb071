"""The chapter report: its figures on a small hand-built chapter, who may produce it,
what it never shows, and its three renderings (HTML offline and printable, Markdown,
CSV safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from allyship.core.access import PermissionDenied
from allyship.core.models import (
    ActionDraft,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ReflectionDraft,
    ValidationError,
)
from allyship.people import roster
from allyship.practice import journal, plans
from allyship.reports import chapter_report, presets
from tests.membership_helpers import belonged_all_along, took_part

TODAY = date(2026, 3, 18)
FEB = (date(2026, 2, 1), date(2026, 2, 28))  # whole weeks: Mon 26 Jan – Sun 1 Mar
SHARED = 'Shared MarkShared <script>alert("x")</script> [link](http://evil.example/x)'
# Plain letters, so that Markdown escaping cannot hide a marker from the check.
PRIVATE_MARKERS = ("MarkPrivateAction", "MarkPrivateReflection", "MarkTeamOnly",
                   "MarkPlanMotivation", "MarkStep")


@dataclass
class Data:
    ch: object  # conftest Chapterful

    @property
    def db(self):
        return self.ch.db


def log(db, who, day, resp, text="did something", visibility="private", minutes=None):
    journal.log_action(db, who, ActionDraft(done_on=day, description=text, responsibilities=resp,
                                            visibility=visibility, minutes=minutes), today=TODAY)


@pytest.fixture
def data(chapter) -> Data:
    """Team A (lead, member, teammate) and Team B (other + two quiet members), an admin
    without a team. February: member 2 actions, teammate 1 (team-only), other 1."""
    db, ch = chapter.db, chapter
    for n in (2, 3):
        roster.add_member(db, ch.admin, MemberDraft(f"Quiet {n}", f"q{n}@example.org", "member",
                                                    ch.team_b))
    belonged_all_along(db)  # the quiet members belonged before the weeks reported on
    took_part(db)  # (quiet in these weeks, but people who have taken part)
    # January (the previous period): all of Team A showed up once.
    log(db, ch.lead, date(2026, 1, 13), (1,))
    log(db, ch.member, date(2026, 1, 14), (1,))
    log(db, ch.teammate, date(2026, 1, 20), (1,))
    # February.
    log(db, ch.member, date(2026, 2, 3), (1, 2), SHARED, "chapter", 30)
    log(db, ch.member, date(2026, 2, 4), (2,), "MarkPrivateAction", "private", 15)
    log(db, ch.teammate, date(2026, 2, 11), (4,), "MarkTeamOnly", "team")
    log(db, ch.other, date(2026, 2, 18), (8,), "Oz shared this with everyone", "chapter")
    journal.save_reflection(db, ch.member, ReflectionDraft(
        date(2026, 2, 2), {5: "MarkPrivateReflection"}), today=TODAY)
    plans.save_plan(db, ch.member, PlanDraft("Black birders", motivation="MarkPlanMotivation",
                                             items=(
        PlanItemDraft("next_step", "MarkStep1", date(2026, 2, 10), date(2026, 2, 12)),  # done
        PlanItemDraft("next_step", "MarkStep2", date(2026, 2, 20)),  # overdue on 1 Mar
        PlanItemDraft("next_step", "MarkStep3", date(2026, 3, 10)),  # due in the coming weeks
        PlanItemDraft("next_step", "MarkStep4", date(2026, 5, 1)),  # due later
    )), today=TODAY)
    plans.save_plan(db, ch.lead, PlanDraft("Black birders"), today=TODAY)
    plans.save_plan(db, ch.teammate, PlanDraft("Black birders"), today=TODAY)
    return Data(ch)


def build(data: Data, actor=None, team_id=None, period=FEB):
    return chapter_report.assemble(data.db, actor or data.ch.admin, start=period[0], end=period[1],
                           team_id=team_id, today=TODAY)


def team_row(rep, name):
    rows = rep.teams[rep.teams["group"] == name]
    assert len(rows) == 1, rep.teams
    return rows.iloc[0].to_dict()


# --- the figures -------------------------------------------------------------------------

def test_the_period_is_the_whole_weeks_covering_the_dates_compared_with_the_weeks_before(data):
    rep = build(data)
    assert (rep.period.start, rep.period.end) == (date(2026, 1, 26), date(2026, 3, 1))
    assert (rep.previous.start, rep.previous.end) == (date(2025, 12, 22), date(2026, 1, 25))
    assert rep.requested == FEB and rep.ahead == (date(2026, 3, 2), date(2026, 4, 5))


def test_headlines_count_the_period_against_the_previous_one(data):
    rep = build(data)
    actions, coverage = rep.headline("actions"), rep.headline("coverage")
    # The previous 5 weeks start 22 Dec but the programme started 5 Jan: they hold only
    # 3 programme weeks against this period's 5, so nothing is compared.
    assert (actions.value, actions.previous) == (4, None)
    assert (coverage.value, coverage.previous) == (4, None)  # 1, 2, 4, 8
    assert not rep.comparison.comparable
    assert rep.comparison.note == ("No comparison: the previous 5 weeks (Mon 22 Dec 2025 – "
                                   "Sun 25 Jan 2026) include 2 before the programme began "
                                   "(Mon 5 Jan 2026).")
    # 7 active members × 5 weeks; 3 weeks had one member each.
    assert rep.headline("participation").value == pytest.approx(3 / 35)
    assert rep.headline("overdue").value == 1
    assert rep.members == 7 and rep.actions == 4


def test_the_team_table_has_members_activity_coverage_and_next_steps(data):
    rep = build(data)
    assert list(rep.teams["group"]) == ["Whole chapter", "Team A", "Team B"]
    assert team_row(rep, "Whole chapter") == {
        "group": "Whole chapter", "members": 7, "active_members": 3, "actions": 4,
        "responsibilities_covered": 4, "steps_done": 1, "steps_overdue": 1,
        "steps_due_ahead": 1, "is_total": True}
    a = team_row(rep, "Team A")
    assert (a["members"], a["active_members"], a["actions"], a["responsibilities_covered"]) == \
        (3, 2, 3, 3)
    assert (a["steps_done"], a["steps_overdue"], a["steps_due_ahead"]) == (1, 1, 1)
    b = team_row(rep, "Team B")
    assert (b["members"], b["active_members"], b["actions"], b["responsibilities_covered"]) == \
        (3, 1, 1, 1)


def test_the_whole_chapter_row_counts_members_without_a_team(data):
    log(data.db, data.ch.admin, date(2026, 2, 5), (3, 6))  # the admin has no team
    row = team_row(build(data), "Whole chapter")
    assert (row["members"], row["active_members"], row["actions"],
            row["responsibilities_covered"]) == (7, 4, 5, 6)


def test_the_weekly_figures_have_a_row_per_week_with_zeros(data):
    weeks = build(data).weeks
    assert [w.isoformat() for w in weeks["week"]] == \
        ["2026-01-26", "2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"]
    assert list(weeks["participants"]) == [0, 1, 1, 1, 0]
    assert list(weeks["actions"]) == [0, 2, 1, 1, 0]
    assert list(weeks["minutes"]) == [0, 45, 0, 0, 0]
    assert list(weeks["counted"]) == [7] * 5


def test_who_are_we_leaving_behind_names_groups_that_fell_and_counts_the_silent(data):
    # Weeks of 9, 16, 23 Feb against 19 Jan, 26 Jan, 2 Feb: three complete programme
    # weeks each, so they compare.
    rep = build(data, period=(date(2026, 2, 9), date(2026, 3, 1)))
    assert rep.comparison.comparable
    fell = {(f.kind, f.name) for f in rep.falling}
    # Team A and the "Black birders" group (the same three): 2 of 9 member-weeks before,
    # 1 of 9 now.
    assert fell == {("team", "Team A"), ("focus group", "Black birders")}
    assert rep.silent_members == 5  # all but the teammate and Oz
    points = " ".join(chapter_report.leaving_behind(rep))
    assert "Black birders" in points and "5 of 7 active members logged nothing" in points
    assert list(rep.least_practised["responsibility"]) == [1, 2, 3]  # none practised


def test_unequal_periods_are_not_compared_and_nothing_falls(data):
    rep = build(data)  # February: the previous 5 weeks hold 2 before the programme
    assert rep.falling == ()
    assert all(h.change is None for h in rep.headlines)


def test_highlights_are_only_actions_shared_with_the_chapter(data):
    rep = build(data)
    texts = [h.description for h in rep.highlights]
    assert texts == ["Oz shared this with everyone", SHARED]  # newest first
    first = rep.highlights[0]
    assert (first.member, first.team, first.done_on) == ("Oz Other", "Team B",
                                                         date(2026, 2, 18))
    assert rep.highlights[1].responsibilities[0].startswith("1.")


def test_the_practice_questions_are_the_meetings_prompts(data):
    rep = build(data)
    assert [q.number for q in rep.practice_questions] == [1, 2, 3, 4, 5]
    assert "Who are we leaving behind?" in chapter_report.to_markdown(rep)


# --- access --------------------------------------------------------------------------

def test_a_member_cannot_produce_the_report(data):
    with pytest.raises(PermissionDenied):
        build(data, data.ch.member)


def test_a_lead_reports_on_the_chapter_or_their_own_team_but_not_another(data):
    lead = data.ch.lead
    chapter_wide = build(data, lead)
    # Chapter aggregates; their own team (two people besides them) is too small to be
    # broken out, or reported on its own.
    assert list(chapter_wide.teams["group"]) == ["Whole chapter"]
    with pytest.raises(PermissionDenied, match="fewer than 3 people besides you"):
        build(data, lead, data.ch.team_a)
    with pytest.raises(PermissionDenied):
        build(data, lead, data.ch.team_b)
    # With a fourth member, Team A is theirs to report on, and is broken out.
    roster.add_member(data.db, data.ch.admin, MemberDraft("Fay Four", "fay@example.org",
                                                          "member", data.ch.team_a))
    belonged_all_along(data.db)
    took_part(data.db)
    assert list(build(data, lead).teams["group"]) == ["Whole chapter", "Team A"]
    assert build(data, lead, data.ch.team_a).scope_label == "Team A"


def test_an_admin_reports_on_any_team_of_their_chapter(data):
    rep = build(data, data.ch.admin, data.ch.team_b)
    assert rep.scope_label == "Team B" and list(rep.teams["group"]) == ["Team B"]
    assert [h.description for h in rep.highlights] == ["Oz shared this with everyone"]


# --- the period ------------------------------------------------------------------------

@pytest.mark.parametrize("today, month, quarter", [
    (date(2026, 3, 18), (date(2026, 2, 1), date(2026, 2, 28)),
     (date(2025, 10, 1), date(2025, 12, 31))),
    (date(2026, 1, 1), (date(2025, 12, 1), date(2025, 12, 31)),
     (date(2025, 10, 1), date(2025, 12, 31))),
    (date(2026, 11, 26), (date(2026, 10, 1), date(2026, 10, 31)),
     (date(2026, 7, 1), date(2026, 9, 30))),
])
def test_last_month_and_last_quarter_are_the_calendar_ones_before_today(today, month, quarter):
    assert presets.last_month(today) == month
    assert presets.last_quarter(today) == quarter
    assert presets.preset_dates("Last quarter", today) == quarter


@pytest.mark.parametrize("start, end, field", [
    ("2026-02-28", "2026-02-01", "end"),  # reversed
    ("2026-02-30", "2026-03-01", "start"),  # no such day
    ("last week", "2026-03-01", "start"),
    ("2026-04-01", "2026-04-30", "start"),  # has not started yet
])
def test_a_malformed_reversed_or_future_period_is_refused_in_words(data, start, end, field):
    with pytest.raises(ValidationError) as exc:
        build(data, period=(start, end))
    assert field in exc.value.errors


# --- what never appears ----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "md", "csv"])
@pytest.mark.parametrize("who", ["admin", "lead", "admin_team"])
def test_private_and_team_only_words_never_appear_in_any_format(data, fmt, who):
    actor = data.ch.lead if who == "lead" else data.ch.admin
    rep = build(data, actor, data.ch.team_a if who == "admin_team" else None)
    text = chapter_report.render(rep, fmt).decode("utf-8-sig")
    for marker in PRIVATE_MARKERS:
        assert marker not in text
    if fmt != "csv":  # the CSV holds figures only
        assert "MarkShared" in text


@pytest.mark.slow
def test_html_escapes_what_members_typed(data):
    page = chapter_report.to_html(build(data))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script" not in page.lower()


def test_markdown_escapes_what_members_typed(data):
    md = chapter_report.to_markdown(build(data))
    assert "<script>" not in md and "[link](" not in md
    assert r"\<script\>" in md and r"\[link\]\(http" in md


@pytest.mark.slow
def test_html_is_self_contained_with_inline_svg_charts(data):
    page = chapter_report.to_html(build(data))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 3  # participation, coverage, follow-through
    lower = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "@font-face"):
        assert forbidden not in lower
    # Nothing is fetched: no src/href/url() pointing anywhere but inside the page. (The
    # SVG namespace xmlns="http://www.w3.org/2000/svg" is a name, not a fetch.)
    assert not re.search(r"\bsrc\s*=", lower)
    assert all(h.startswith("#") for h in re.findall(r"\bhref\s*=\s*[\"']([^\"']*)", lower))
    assert all(u.startswith("#") for u in re.findall(r"url\(\s*[\"']?([^)\"']*)", lower))
    without_ns = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]*"', "", page)
    assert "http://" not in without_ns.replace("http://evil.example/x", "")
    assert "https://" not in without_ns


@pytest.mark.slow
def test_html_has_a_print_stylesheet_that_keeps_charts_and_tables_whole(data):
    page = chapter_report.to_html(build(data))
    assert "@media print" in page and "@page" in page
    assert "break-inside: avoid" in page


@pytest.mark.slow
def test_each_svg_keeps_its_own_ids_so_charts_do_not_borrow_each_others_gradients(data):
    page = chapter_report.to_html(build(data))
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]+)\)", page):
        assert ref in ids


def test_a_period_without_actions_renders_a_note_instead_of_charts(chapter):
    took_part(chapter.db)  # (long before the period, which holds no action)
    rep = chapter_report.assemble(chapter.db, chapter.admin, start=FEB[0], end=FEB[1], today=TODAY)
    page = chapter_report.to_html(rep)
    assert "<svg" not in page and "nothing to chart" in page
    assert "Nobody shared an action" in chapter_report.to_markdown(rep)


# --- CSV ----------------------------------------------------------------------------------

def read_csv(rep) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(chapter_report.to_csv(rep).decode("utf-8-sig"))))


def test_csv_holds_headline_team_week_and_responsibility_sections(data):
    rows = read_csv(build(data))
    sections = {r["section"] for r in rows}
    assert sections == {"comparison", "headline", "team", "week", "responsibility"}
    team_a = next(r for r in rows if r["section"] == "team" and r["name"] == "Team A")
    assert (team_a["members"], team_a["actions"], team_a["steps_overdue"]) == ("3", "3", "1")
    weeks = [r for r in rows if r["section"] == "week"]
    assert [r["actions"] for r in weeks] == ["0", "2", "1", "1", "0"]
    actions = next(r for r in rows if r["section"] == "headline" and r["name"] == "Actions logged")
    # The previous 5 weeks hold 2 before the programme: no comparison, said in words.
    assert (float(actions["value"]), actions["previous"], actions["change"]) == \
        (4, "", "No comparison")
    comparison = next(r for r in rows if r["section"] == "comparison")
    assert comparison["name"].startswith("No comparison: the previous 5 weeks")


@pytest.mark.parametrize("name", ["=1+2", "+SUM(A1)", "-2+3", "@SUM(A1)",
                                  '=HYPERLINK("http://evil.example","x")'])
def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(data, name):
    roster.rename_team(data.db, data.ch.admin, data.ch.team_b, name)
    raw = chapter_report.to_csv(build(data)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    names = [r["name"] for r in rows if r["section"] == "team"]
    assert "'" + name in names
    assert all(not (r["name"] or "x")[0] in "=+-@\t\r" for r in rows)


def test_file_names_say_the_scope_and_dates(data):
    assert chapter_report.file_name(build(data), "html") == \
        "chapter-report-2026-02-01-to-2026-02-28.html"
    assert chapter_report.file_name(build(data, team_id=data.ch.team_a), "csv") == \
        "chapter-report-team-a-2026-02-01-to-2026-02-28.csv"


# --- the printed charts' week labels ------------------------------------------------------

def test_week_labels_are_mondays_thinned_to_fit_with_the_year_where_it_changes():
    from allyship.reports import report_svg

    mondays = [date(2026, 11, 2) + timedelta(weeks=i) for i in range(20)]
    labels = report_svg.week_labels(mondays, span=300)
    shown = [t for t in labels if t]
    assert shown[0] == "2 Nov 2026" and 2 < len(shown) < 20  # thinned, never all 20
    assert any(t.endswith(" 2027") for t in shown[1:])  # the new year is named
    step = labels.index(shown[1])
    assert step * 300 / 20 >= max(len(t) for t in shown) * report_svg.CHAR_PX  # room for each
    assert report_svg.week_labels(mondays[:4], span=600) == ["2 Nov 2026", "9 Nov", "16 Nov",
                                                             "23 Nov"]
