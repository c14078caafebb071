"""One definition of a comparable period (issue 11), checked three ways: a table of cases
for the rule itself, the Team progress page (AppTest) on the demo and on a chapter made
with ``init`` three weeks ago, and the chapter report's three formats."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from apptest_helpers import APP, goto, open_app, persona
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from allyship import cli
from allyship.core.models import ActionDraft, MemberDraft, week_start
from allyship.db import store
from allyship.metrics import my_weeks, periods
from allyship.metrics.periods import Comparison, Period, PeriodWeeks
from allyship.people import passwords, roster, sessions
from allyship.practice import journal
from allyship.reports import chapter_report, presets
from tests.membership_helpers import took_part

MON = date(2026, 7, 13)  # a programme's first Monday in the table below


def with_password(db, member) -> None:
    """The chapter can be signed in to (else the app will not open it)."""
    issued = passwords.issue_setup_code_for_operator(db, member.email)
    passwords.redeem_setup_code(db, member.email, issued.code, "correct horse battery")


def signed_in(at: AppTest, path, member) -> None:
    """The AppTest session signed in with a password session, as the sign-in page does."""
    db = store.connect(path)
    started = sessions.start(db, member)
    db.conn.close()
    at.session_state["member_id"] = member.id
    at.session_state["auth_mode"] = "password"
    at.session_state["session_id"] = started.session_id


def weeks(start: date, n: int) -> Period:
    return Period(start, start + timedelta(weeks=n, days=-1))


def compare(period: Period, started: date, today: date) -> Comparison:
    return Comparison(PeriodWeeks(period, started, today),
                      PeriodWeeks(period.previous(), started, today))


# (what, period, programme start, today, comparable, words in the reason)
CASES = [
    ("both periods wholly inside the programme, complete",
     weeks(MON + timedelta(weeks=12), 12), MON, MON + timedelta(weeks=24, days=2), True, None),
    ("the programme starts inside the previous period (the demo's report)",
     weeks(MON + timedelta(weeks=7), 12), MON, MON + timedelta(weeks=20),
     False, "the previous 12 weeks (Mon 8 Jun 2026 – Sun 30 Aug 2026) include 5 before the "
            "programme"),
    ("the programme starts exactly where this period does",
     weeks(MON, 4), MON, MON + timedelta(weeks=6), False,
     "the programme had not begun in the previous 4 weeks"),
    ("the programme starts inside this period",
     weeks(MON - timedelta(weeks=2), 4), MON, MON + timedelta(weeks=6), False,
     "this period includes 2 weeks before the programme began (Mon 13 Jul 2026)"),
    ("the programme starts after this period",
     weeks(MON - timedelta(weeks=8), 4), MON, MON + timedelta(weeks=6), False,
     "wholly before the programme began"),
    ("this period includes the unfinished current week",
     weeks(MON + timedelta(weeks=8), 4), MON, MON + timedelta(weeks=11, days=4), False,
     "includes the current week, which is not over yet"),
    ("this period ends on today's Sunday: still not over",
     weeks(MON + timedelta(weeks=8), 4), MON, MON + timedelta(weeks=11, days=6), False,
     "not over yet"),
    ("the Monday after: the same period is now complete",
     weeks(MON + timedelta(weeks=8), 4), MON, MON + timedelta(weeks=12), True, None),
    ("a one-week-old chapter",
     weeks(MON, 1), MON, MON + timedelta(days=3), False, "not over yet"),
    ("a one-week period, both weeks complete",
     weeks(MON + timedelta(weeks=1), 1), MON, MON + timedelta(weeks=3), True, None),
]


@pytest.mark.parametrize("what, period, started, today, comparable, words", CASES,
                         ids=[c[0] for c in CASES])
def test_comparable_period_rule(what, period, started, today, comparable, words):
    c = compare(period, started, today)
    assert c.comparable is comparable
    if comparable:
        assert c.reason is None and c.note.startswith("Changes compare with the")
        assert len(c.now.complete) == len(c.before.complete) == period.n_weeks
    else:
        assert words in c.reason and c.note == f"No comparison: {c.reason}."


def test_last_weeks_ends_with_the_last_complete_week_never_today():
    wednesday = date(2026, 11, 25)
    p = Period.last_weeks(12, wednesday)
    assert p.end == date(2026, 11, 22) and p.n_weeks == 12
    sunday = date(2026, 11, 29)  # the week is not over on its Sunday
    assert Period.last_weeks(12, sunday) == p
    assert Period.this_week(wednesday) == Period(date(2026, 11, 23), date(2026, 11, 29))


def test_a_young_chapter_opens_since_the_programme_began_never_before_it(chapter):
    db, ch = chapter.db, chapter
    today = ch.chapter.started_on + timedelta(weeks=3, days=2)
    options, default = periods.period_options(db, ch.chapter.id, today)
    assert default == periods.SINCE_START
    since = options[default]
    assert since.start == week_start(ch.chapter.started_on) and since.end < today
    # Old enough for twelve weeks: those are the default.
    later = ch.chapter.started_on + timedelta(weeks=20)
    assert periods.period_options(db, ch.chapter.id, later)[1] == periods.DEFAULT_CHOICE
    # A chapter on its first day: the current week, marked as such.
    first, _ = periods.period_options(db, ch.chapter.id, ch.chapter.started_on)
    weeks_now = periods.period_weeks(db, ch.chapter.id, first[periods.SINCE_START],
                                     ch.chapter.started_on)
    assert weeks_now.complete == () and weeks_now.in_progress is not None
    assert not weeks_now.enough_for_charts


def test_the_report_opens_on_since_the_programme_began_for_a_young_chapter():
    today = date(2026, 11, 27)
    assert presets.default_preset(date(2026, 11, 6), today) == periods.SINCE_START
    assert presets.default_preset(date(2026, 1, 5), today) == "Last quarter"
    start, end = presets.preset_dates(periods.SINCE_START, today, date(2026, 11, 6))
    assert (start, end) == (date(2026, 11, 6), date(2026, 11, 22))


# --- the page: no delta between unequal periods ---------------------------------------------

def deltas(at: AppTest) -> list:
    return [m.delta for m in at.metric if m.delta]


def page_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption) + " " + " ".join(i.value for i in at.info)


def test_demo_with_a_26_week_period_shows_no_delta_and_says_why(demo_db):
    at = goto(open_app("admin"), "team_progress")
    at.selectbox(key="tp_period").set_value("Last 26 weeks").run()
    assert not at.exception and at.metric
    assert deltas(at) == []
    assert "No comparison: this period includes 7 weeks before the programme began" \
        in page_text(at)
    assert "better" not in page_text(at) and "worse" not in page_text(at)


@pytest.fixture
def young_chapter(tmp_path, monkeypatch):
    """A chapter made with ``init --started-on`` three weeks ago, four members logging."""
    path = tmp_path / "young.db"
    started = date.today() - timedelta(weeks=3)
    result = CliRunner().invoke(cli.main, [
        "init", "--db", str(path), "--chapter", "Young Chapter", "--admin-name", "Ada Admin",
        "--admin-email", "ada@example.org", "--started-on", started.isoformat()])
    assert result.exit_code == 0, result.output
    db = store.connect(path)
    admin = roster.find_member_by_email(db, "ada@example.org")
    with_password(db, admin)
    team = roster.create_team(db, admin, "Marsh")
    members = [roster.add_member(db, admin, MemberDraft(f"Member {n}", f"m{n}@example.org",
                                                        "member", team.id)) for n in range(4)]
    for n, m in enumerate(members):
        for day in (started + timedelta(days=1 + n), date.today()):
            if day <= date.today():
                journal.log_action(db, m, ActionDraft(done_on=day, description="did it",
                                                      responsibilities=(n % 8 + 1,)))
    db.conn.close()
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    return path, admin


def test_a_chapter_started_three_weeks_ago_shows_no_delta_and_says_why(young_chapter):
    path, admin = young_chapter
    at = AppTest.from_file(APP, default_timeout=60)
    signed_in(at, path, admin)
    at.run()
    at.switch_page("pages/team_progress.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="tp_period").value == periods.SINCE_START
    assert at.metric and deltas(at) == []
    assert "No comparison: the programme had not begun in the previous" in page_text(at)
    # Never a period before the programme: the caption names its first week.
    assert "before the programme began" not in at.caption[1].value.split("No comparison")[0]
    at.selectbox(key="tp_period").set_value("Last 12 weeks").run()
    assert deltas(at) == [] and "No comparison: this period includes" in page_text(at)


def test_a_chapter_on_its_first_day_gets_a_helpful_empty_state_not_a_one_dot_chart(
        tmp_path, monkeypatch):
    path = tmp_path / "new.db"
    assert CliRunner().invoke(cli.main, [
        "init", "--db", str(path), "--chapter", "New", "--admin-name", "Ada Admin",
        "--admin-email", "ada@example.org"]).exit_code == 0
    db = store.connect(path)
    admin = roster.find_member_by_email(db, "ada@example.org")
    with_password(db, admin)
    for n in range(3):
        roster.add_member(db, admin, MemberDraft(f"M {n}", f"n{n}@example.org"))
    took_part(db)  # (people, not roster entries; long before the programme began)
    db.conn.close()
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    signed_in(at, path, admin)
    at.run()
    at.switch_page("pages/team_progress.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "(12 weeks)" not in page_text(at)
    assert "Charts appear once there are 2 complete weeks" in page_text(at)
    charts_drawn = at.get("vega_lite_chart")
    assert len(charts_drawn) <= 1  # only plan follow-through: no weekly chart of one dot
    at.switch_page("pages/chapter_report.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("download_button")  # an empty period is not offered for download
    assert any("nothing to download yet" in i.value for i in at.info)


def test_two_equal_complete_periods_show_deltas_equal_to_an_independent_count(demo_db):
    at = goto(open_app("admin"), "team_progress")
    at.selectbox(key="tp_period").set_value("Last 4 weeks").run()
    assert not at.exception
    shown = {m.label: m for m in at.metric}
    assert all(m.delta for m in shown.values() if m.label != "Next steps overdue"
               or m.delta is not None)
    db, admin = persona(demo_db, "admin")
    period = Period.last_weeks(4, date.today())
    before = period.previous()

    def count(sql: str, p: Period) -> int:
        return db.execute(sql, [admin.chapter_id, p.start.isoformat(),
                                p.end.isoformat()]).fetchone()[0]

    actions = ("SELECT count(*) FROM actions a JOIN members m ON m.id = a.member_id"
               " WHERE m.chapter_id = ? AND m.active = 1 AND a.week_start BETWEEN ? AND ?")
    practised = ("SELECT count(DISTINCT r.responsibility) FROM actions a"
                 " JOIN members m ON m.id = a.member_id"
                 " JOIN action_responsibilities r ON r.action_id = a.id"
                 " WHERE m.chapter_id = ? AND m.active = 1 AND a.week_start BETWEEN ? AND ?")
    expected = count(actions, period) - count(actions, before)
    assert shown["Actions logged"].delta == f"{expected:+,}"
    expected = count(practised, period) - count(practised, before)
    assert shown["Responsibilities practised"].delta == f"{expected:+,}"
    assert "Changes compare with the 4 weeks before" in page_text(at)


# --- the report: "No comparison", never better or worse ----------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "md", "csv"])
def test_report_formats_say_no_comparison_and_never_better_or_worse(demo_db, fmt):
    db, admin = persona(demo_db, "admin")
    today = date.today()
    started = roster.get_chapter(db, admin.chapter_id).started_on
    # The demo's case: 13 weeks whose previous 13 reach back before the programme.
    end = week_start(today) - timedelta(days=1)
    rep = chapter_report.assemble(db, admin, start=end - timedelta(weeks=13, days=-1), end=end,
                          today=today)
    assert rep.previous.start < started
    text = chapter_report.render(rep, fmt).decode("utf-8-sig")
    assert "No comparison" in text
    # (The handout's own words say "better person"; no change is ever called so.)
    assert not re.search(r"\((better|worse)\)", text)
    assert not re.search(r"[+−-]\d[\d,.]*( pts| min| h)? \(", text)


def test_my_week_counts_complete_programme_weeks_and_shows_this_week_apart(chapter):
    db, ch = chapter.db, chapter
    started = ch.chapter.started_on  # conftest: Mon 5 Jan 2026
    today = started + timedelta(weeks=3, days=2)  # a Wednesday in the 4th week
    for day in (started + timedelta(days=1), started + timedelta(weeks=2, days=1), today):
        journal.log_action(db, ch.member, ActionDraft(day, "did it", (1,)), today=today)
    journal.set_away(db, ch.member, started + timedelta(weeks=1))
    mine = my_weeks.my_weeks(db, ch.member, today=today)
    # Three complete weeks (none before the programme): active in 2, away in 1.
    assert (mine.active, mine.counted, mine.display) == (2, 2, "2 of 2")
    assert mine.this_week_actions == 1
    assert mine.run == 3  # this week, week 3, (away week 2 does not break it), week 1
    first_day = my_weeks.my_weeks(db, ch.teammate, today=started)
    assert first_day.display == "No complete week yet"
