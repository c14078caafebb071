"""The organisation level (issue 16): who sees what, suppression at every level, the
figures against the chapter view, onboarding chapters, the report in three formats."""

from __future__ import annotations

import csv
import io
import itertools
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from apptest_helpers import all_text, open_as, open_org_tab
from apptest_helpers import persona as persona_of
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from tests_paths import ROOT

from allyship import demo
from allyship.core import access
from allyship.core.models import (
    ActionDraft,
    Member,
    MemberDraft,
    PlanDraft,
    ReflectionDraft,
    ValidationError,
)
from allyship.core.safe_text import inert
from allyship.db import store
from allyship.metrics import disclosure, org_figures, overview, scopes
from allyship.metrics.periods import Period
from allyship.people import organisation, passwords, roster
from allyship.people.organisation import OrgChapter
from allyship.practice import journal, plans
from allyship.reports import org_report

TODAY = date.today()
PERIOD = Period.last_weeks(12, TODAY)


def persona(db, key: str) -> Member:
    return roster.find_member_by_email(db, demo.ORG_PERSONAS[key][0])


@pytest.fixture
def org(demo_db):
    db = store.connect(demo_db)
    yield db
    db.conn.close()


# --- access -----------------------------------------------------------------------------

def test_roles_at_organisation_level(org):
    dana, sol = persona(org, "organisation"), persona(org, "region")
    south = organisation.find_region(org, "South")
    north = organisation.find_region(org, "North")
    chapter_admin = roster.find_member_by_email(org, "jordan.admin@demo.example.org")
    lead = roster.find_member_by_email(org, "avery.lead@demo.example.org")
    member = roster.find_member_by_email(org, "robin.member@demo.example.org")
    # organisation admin: every region and the whole organisation
    for region_id in (None, north.id, south.id):
        assert org_figures.org_progress(org, dana, PERIOD, region_id=region_id, today=TODAY)
    # region lead: their own region only
    assert org_figures.org_progress(org, sol, PERIOD, region_id=south.id, today=TODAY)
    for region_id in (None, north.id):
        with pytest.raises(access.PermissionDenied):
            org_figures.org_progress(org, sol, PERIOD, region_id=region_id, today=TODAY)
    # chapter roles see nothing above their chapter
    for who in (chapter_admin, lead, member):
        assert not access.can_open(who, "organisation")
        for region_id in (None, north.id, south.id):
            with pytest.raises(access.PermissionDenied):
                org_figures.org_progress(org, who, PERIOD, region_id=region_id, today=TODAY)
            with pytest.raises(access.PermissionDenied):
                org_report.assemble(org, who, start=PERIOD.start, end=PERIOD.end,
                                    region_id=region_id, today=TODAY)
    assert access.can_open(dana, "organisation") and access.can_open(sol, "organisation")
    # only an organisation admin changes the organisation
    chapter = roster.list_chapters(org)[0]
    for who in (sol, chapter_admin, lead, member):
        with pytest.raises(access.PermissionDenied):
            organisation.create_region(org, who, "East")
        with pytest.raises(access.PermissionDenied):
            organisation.move_chapter(org, who, chapter.id, south.id)
        with pytest.raises(access.PermissionDenied):
            organisation.archive_chapter(org, who, chapter.id)
        with pytest.raises(access.PermissionDenied):
            organisation.create_chapter_with_admin(org, who, name="X", admin_name="A",
                                                   admin_email="a@example.org")
        with pytest.raises(access.PermissionDenied):
            organisation.grant_org_role(org, who, member.email, "org_admin")


def test_an_organisation_role_ends_when_the_member_is_deactivated(org):
    dana = persona(org, "organisation")
    admin = roster.find_member_by_email(org, "dana.org@demo.example.org")
    org.execute("UPDATE members SET active = 0 WHERE id = ?", [admin.id])
    with pytest.raises(access.PermissionDenied):
        org_figures.org_progress(org, roster.get_member(org, dana.id), PERIOD, today=TODAY)


# --- suppression as a property ----------------------------------------------------------

def _chapters(sizes: list[tuple[int, int]]) -> tuple[list[OrgChapter], dict[int, org_figures.Figures]]:
    chapters, figures = [], {}
    for i, (region, members) in enumerate(sizes, start=1):
        chapters.append(OrgChapter(i, f"C{i}", region, f"R{region}", date(2026, 1, 5),
                                   False, True))
        figures[i] = org_figures.Figures(members=members, counted=members * 4,
                                         participant_weeks=members)
    return chapters, figures


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 6)), min_size=1, max_size=7),
       viewer_chapter=st.integers(0, 7))
def test_no_shown_figure_or_difference_of_figures_describes_one_or_two_people(sizes,
                                                                             viewer_chapter):
    chapters, figures = _chapters(sizes)
    viewer = Member(999, viewer_chapter, None, "viewer", "v@example.org", "member", True,
                    "org_admin")

    def people_in(ids: set[int]) -> int:
        return sum(max(0, figures[i].members - (1 if i == viewer_chapter else 0))
                   for i in ids)

    by_region: dict[str, set[int]] = {}
    for c in chapters:
        by_region.setdefault(c.region, set()).add(c.id)
    lines = org_figures.disclose(chapters, figures, viewer, with_organisation_total=True,
                                 organisation_name="Org")
    shown: list[set[int]] = []
    for line in lines:
        if not line.shown:
            continue
        if line.kind == "chapter":
            ids = {line.chapter_id}
        elif line.kind == "region":
            ids = by_region[line.region]
        elif line.kind == "organisation":
            ids = {c.id for c in chapters}
        else:  # other: the region's chapters not shown on their own line
            ids = by_region[line.region] - {x.chapter_id for x in lines
                                            if x.kind == "chapter" and x.region == line.region}
        shown.append(ids)
        # every figure shown describes at least 3 people other than the viewer (or nobody)
        assert people_in(ids) == 0 or people_in(ids) >= disclosure.MIN_OTHERS, line
    # no shown figure minus other shown figures inside it isolates 1 or 2 people
    for whole in shown:
        inner = [s for s in shown if s < whole]
        for k in range(1, len(inner) + 1):
            for parts in itertools.combinations(inner, k):
                if any(a & b for a, b in itertools.combinations(parts, 2)):
                    continue
                rest = whole - set().union(*parts)
                assert people_in(rest) == 0 or people_in(rest) >= disclosure.MIN_OTHERS, \
                    (whole, parts)


def test_the_demo_folds_its_small_chapter_and_withholds_the_totals_that_would_reveal_it(org):
    dana = persona(org, "organisation")
    progress = org_figures.org_progress(org, dana, PERIOD, today=TODAY)
    by_label = {line.label: line for line in progress.lines}
    assert "Canyon Audubon (DEMO)" not in by_label  # 2 members: folded
    other = [line for line in progress.lines if line.kind == "other"]
    assert len(other) == 1 and not other[0].shown and other[0].region == "South"
    assert not by_label["South (all chapters)"].shown
    assert not progress.scope_total.shown  # the organisation total would reveal Canyon
    assert by_label["North (all chapters)"].shown
    assert "reveal" in progress.scope_total.note
    # listed by region and name, never by a figure
    chapters = [line.label for line in progress.lines if line.kind == "chapter"]
    assert chapters == ["Lakeside Audubon (DEMO)", "Riverbend Audubon (DEMO)",
                        "Prairie Audubon (DEMO)"]


def test_with_two_small_chapters_together_the_totals_are_shown(org):
    dana = persona(org, "organisation")
    south = organisation.find_region(org, "South")
    made = organisation.create_chapter_with_admin(
        org, dana, name="Mesa Audubon", admin_name="Mo Admin", admin_email="mo@example.org",
        region_id=south.id, started_on=TODAY - timedelta(weeks=30))
    pat = roster.add_member(org, made.admin, MemberDraft("Pat Two", "pat2@example.org"))
    # Both take part (a group's size counts people who do, not roster entries).
    for who in (made.admin, pat):
        journal.log_action(org, who, ActionDraft(PERIOD.start, "Read", (1,)), today=TODAY)
    progress = org_figures.org_progress(org, dana, PERIOD, today=TODAY)
    other = next(line for line in progress.lines if line.kind == "other")
    assert other.shown and other.chapters == 2 and other.figures.members == 4
    assert progress.scope_total.shown
    assert progress.scope_total.figures.members == sum(
        line.figures.members for line in progress.lines
        if line.kind in ("chapter", "other"))


# --- the figures against the chapter view -----------------------------------------------

def test_a_chapters_figures_match_the_chapter_view(org):
    dana = persona(org, "organisation")
    admin = roster.find_member_by_email(org, "jordan.admin@demo.example.org")
    progress = org_figures.org_progress(org, dana, PERIOD, today=TODAY)
    line = next(x for x in progress.lines if x.label == "Riverbend Audubon (DEMO)")
    frames = overview.team_progress(org, admin, scopes.Scope(admin.chapter_id), PERIOD,
                                   today=TODAY)
    f = line.figures
    assert f.members == frames.members
    assert f.participation == pytest.approx(frames.headline("participation").value)
    assert f.steady_share == pytest.approx(frames.headline("steady").value)
    assert f.practised == frames.headline("coverage").value
    assert f.actions == frames.headline("actions").value
    assert f.minutes == frames.headline("minutes").value
    assert f.steps_overdue == frames.headline("overdue").value
    # and against plain SQL, independently of both
    actions = org.execute(
        "SELECT count(*) FROM actions a JOIN members m ON m.id = a.member_id"
        " WHERE m.chapter_id = ? AND m.active = 1 AND a.week_start BETWEEN ? AND ?",
        [admin.chapter_id, PERIOD.start.isoformat(), PERIOD.end.isoformat()]).fetchone()[0]
    assert f.actions == actions


def test_the_week_in_progress_is_never_counted():
    period = Period.last_weeks(4, date(2026, 11, 27))  # a Friday
    assert period.end == date(2026, 11, 22) and period.start == date(2026, 10, 26)
    assert Period.last_weeks(1, date(2026, 11, 23)).end == date(2026, 11, 22)


def test_comparison_only_when_every_chapter_ran_through_both_periods(org):
    dana = persona(org, "organisation")
    north = organisation.find_region(org, "North")
    # North's chapters began 20 weeks ago: 4 + 4 weeks fit, 12 + 12 do not.
    short = Period.last_weeks(4, TODAY)
    progress = org_figures.org_progress(org, dana, short, region_id=north.id, today=TODAY)
    assert progress.comparison.previous is not None
    heads = {h.label: h for h in org_figures.headlines(progress)}
    before = Period(short.start - timedelta(weeks=4), short.start - timedelta(days=1))
    previous_actions = org.execute(
        "SELECT count(*) FROM actions a JOIN members m ON m.id = a.member_id"
        " JOIN chapters c ON c.id = m.chapter_id WHERE c.region_id = ? AND m.active = 1"
        " AND a.week_start BETWEEN ? AND ?",
        [north.id, before.start.isoformat(), before.end.isoformat()]).fetchone()[0]
    assert progress.comparison.previous.actions == previous_actions
    assert heads["Weekly participation"].delta is not None
    long = org_figures.org_progress(org, dana, PERIOD, region_id=north.id, today=TODAY)
    assert long.comparison.previous is None
    assert "began the programme" in long.comparison.note
    assert all(h.delta is None for h in org_figures.headlines(long))


# --- onboarding -----------------------------------------------------------------------

def test_an_organisation_admin_creates_a_chapter_whose_admin_signs_in_with_the_code(org):
    dana = persona(org, "organisation")
    south = organisation.find_region(org, "South")
    made = organisation.create_chapter_with_admin(
        org, dana, name="Delta Audubon", admin_name="Lee Delta", admin_email="lee@example.org",
        region_id=south.id)
    member = passwords.redeem_setup_code(org, "lee@example.org", made.code,
                                         "a long enough passphrase 42")
    assert member.is_admin and member.chapter_id == made.chapter.id
    # all or nothing: a bad admin email creates no chapter
    with pytest.raises(ValidationError):
        organisation.create_chapter_with_admin(org, dana, name="Echo", admin_name="E",
                                               admin_email="not an email")
    assert not [c for c in roster.list_chapters(org) if c.name == "Echo"]
    with pytest.raises(ValidationError):  # a duplicate name
        organisation.create_chapter_with_admin(org, dana, name="delta audubon",
                                               admin_name="F", admin_email="f@example.org")
    organisation.move_chapter(org, dana, made.chapter.id, None)
    organisation.archive_chapter(org, dana, made.chapter.id)
    listed = organisation.list_chapters(org, dana)
    assert made.chapter.id not in [c.id for c in listed]
    archived = organisation.list_chapters(org, dana, include_archived=True)
    assert next(c for c in archived if c.id == made.chapter.id).region == organisation.NO_REGION
    audited = org.execute("SELECT action, details FROM audit_log WHERE table_name = 'chapters'"
                          " AND record_id = ? AND actor_id = ?",
                          [str(made.chapter.id), dana.id]).fetchall()
    assert len(audited) == 3  # created, moved, archived — each by the organisation admin


# --- privacy: canaries never reach organisation views or reports ---------------------------

CANARY = "ZEBRA-CANARY-7731"


def _plant_canaries(db) -> None:
    robin = roster.find_member_by_email(db, "robin.member@demo.example.org")
    journal.log_action(db, robin, ActionDraft(TODAY - timedelta(days=7), f"private {CANARY}",
                                              (1,), visibility="private"))
    journal.log_action(db, robin, ActionDraft(TODAY - timedelta(days=7), f"team {CANARY}",
                                              (2,), visibility="team"))
    journal.save_reflection(db, robin, ReflectionDraft(TODAY - timedelta(days=7),
                                                       {1: f"reflection {CANARY}"}))
    current = plans.get_plan(db, robin, robin.id)
    plans.save_plan(db, robin, PlanDraft(focus_group=current.focus_group,
                                         motivation=f"motivation {CANARY}"))


def test_canaries_and_names_never_reach_organisation_views_or_reports(org, demo_db):
    _plant_canaries(org)
    dana = persona(org, "organisation")
    rep = org_report.assemble(org, dana, start=PERIOD.start, end=TODAY, today=TODAY)
    outputs = [org_report.render(rep, fmt).decode("utf-8-sig") for fmt in ("html", "md", "csv")]
    at = open_as(demo_db, "organisation", "pages/organisation.py")
    outputs.append(all_text(at))
    for text in outputs:
        assert CANARY not in text
        assert "Robin Okafor" not in text and "robin.member" not in text


# --- the page ---------------------------------------------------------------------------

def test_the_organisation_page_for_each_organisation_role(demo_db):
    at = open_as(demo_db, "organisation", "pages/organisation.py")
    rows = [name for table in at.table for name in table.value.index]
    assert rows == [inert(n) for n in (
        "Lakeside Audubon (DEMO)", "Riverbend Audubon (DEMO)", "North (all chapters)",
        "Prairie Audubon (DEMO)", "Other (small chapters)", "South (all chapters)")]
    assert any("Total not shown" in i.value for i in at.info)
    at = open_as(demo_db, "region", "pages/organisation.py")
    rows = [name for table in at.table for name in table.value.index]
    assert rows == [inert(n) for n in (
        "Prairie Audubon (DEMO)", "Other (small chapters)", "South (all chapters)")]
    assert "Riverbend" not in all_text(at)

@pytest.mark.parametrize("role", ["member", "lead", "admin"])
def test_chapter_roles_are_refused_the_organisation_page_by_its_path(demo_db, role):
    assert "pages/organisation.py" not in str(open_as(demo_db, role)._registered_pages)
    db, m = persona_of(demo_db, role)
    db.conn.close()
    at = AppTest.from_file(str(ROOT / "pages" / "organisation.py"), default_timeout=60)
    at.session_state["member_id"] = m.id
    at.session_state["auth_mode"] = "demo"
    at.run()
    assert not at.exception
    assert "not available for your role" in at.error[0].value
    assert not at.table and not at.tabs and "Audubon" not in all_text(at)


def test_the_chapters_tab_is_drawn_only_once_opened(demo_db):
    at = open_as(demo_db, "organisation", "pages/organisation.py")
    assert [t.label for t in at.tabs][:3] == ["Progress", "Report", "Chapters"]
    assert not at.dataframe and "org_rg_name" not in [t.key for t in at.text_input]
    open_org_tab(at, "Chapters")
    listed = at.dataframe[0].value
    assert "Chapter" in listed.columns and len(listed) >= 1
    assert "org_rg_name" in [t.key for t in at.text_input]


def test_the_report_tab_is_drawn_only_once_opened(demo_db):
    at = open_as(demo_db, "organisation", "pages/organisation.py")
    assert not at.date_input and not [b for b in at.button if b.key == "org_rep_go"]
    open_org_tab(at, "Report")
    assert [d.key for d in at.date_input] == ["org_rep_from", "org_rep_to"]
    assert at.button(key="org_rep_go")


def test_a_region_without_chapters_still_leaves_the_chapters_tab_to_make_one(demo_db):
    db, dana = persona_of(demo_db, "organisation")
    empty = organisation.create_region(db, dana, "North, not started")
    at = open_as(demo_db, "organisation", "pages/organisation.py")
    at.selectbox(key="org_region").select(empty).run()
    assert "There are no chapters here yet" in at.info[0].value
    open_org_tab(at, "Chapters")
    assert not at.exception
    assert "org_nc_name" in [t.key for t in at.text_input]  # the form to create one


def test_the_organisation_admin_creates_a_region_on_the_page(demo_db):
    at = open_org_tab(open_as(demo_db, "organisation", "pages/organisation.py"), "Chapters")
    at.text_input(key="org_rg_name").set_value("East  ")
    next(b for b in at.button if b.label == "Add region").click().run()
    assert not at.exception
    db = store.connect(demo_db)
    assert organisation.find_region(db, "East") is not None
    at.text_input(key="org_rg_name").set_value("")
    next(b for b in at.button if b.label == "Add region").click().run()
    assert at.error  # an empty name is refused in words
    assert len(organisation.list_regions(db)) == 3


# --- the command line -------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "allyship", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


@pytest.mark.slow
def test_the_organisation_report_from_the_command_line(demo_db, tmp_path: Path):
    start, end = PERIOD.start.isoformat(), PERIOD.end.isoformat()
    for fmt in ("html", "md", "csv"):
        out = tmp_path / f"org.{fmt}"
        result = cli("report", "--organisation", "--db", str(demo_db), "--from", start,
                     "--to", end, "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        text = out.read_text(encoding="utf-8-sig")
        assert "Lakeside Audubon (DEMO)" in text and "Robin" not in text
    rows = list(csv.DictReader(io.StringIO((tmp_path / "org.csv").read_text("utf-8-sig"))))
    assert {r["section"] for r in rows} >= {"chapter", "other", "region", "organisation", "week"}
    html = (tmp_path / "org.html").read_text()
    assert "<main>" in html and "<svg" in html and "better" not in html
    out = tmp_path / "south.md"
    result = cli("report", "--organisation", "--region", "South", "--db", str(demo_db),
                 "--from", start, "--to", end, "--format", "md", "--out", str(out))
    assert result.returncode == 0 and "Riverbend" not in out.read_text()
    result = cli("report", "--organisation", "--region", "Atlantis", "--db", str(demo_db),
                 "--from", start, "--to", end, "--out", str(tmp_path / "x.html"))
    assert result.returncode == 1 and "no region called 'Atlantis'" in result.stderr
    monday = (TODAY - timedelta(days=TODAY.weekday())).isoformat()
    result = cli("report", "--organisation", "--db", str(demo_db), "--from", monday,
                 "--to", TODAY.isoformat(), "--out", str(tmp_path / "y.html"))
    assert result.returncode == 1 and "no complete week" in result.stderr


@pytest.mark.slow
def test_onboarding_from_the_command_line(demo_db):
    db_arg = ("--db", str(demo_db))
    assert cli("org", "region", "East", *db_arg).returncode == 0
    result = cli("org", "create-chapter", *db_arg, "--chapter", "Harbour Audubon",
                 "--admin-name", "Hana", "--admin-email", "hana@example.org", "--region", "East")
    assert result.returncode == 0, result.stderr
    assert "one-time set-up code" in result.stdout
    assert cli("org", "move-chapter", *db_arg, "--chapter", "Harbour Audubon",
               "--region", "North").returncode == 0
    assert cli("org", "archive-chapter", *db_arg, "--chapter", "harbour audubon").returncode == 0
    result = cli("org", "grant", *db_arg, "--email", "robin.member@demo.example.org",
                 "--role", "region_lead")
    assert result.returncode == 1 and "needs a region" in result.stderr
    db = store.connect(demo_db)
    harbour = next(c for c in organisation.list_chapters(db, persona(db, "organisation"),
                                                         include_archived=True)
                   if c.name == "Harbour Audubon")
    assert harbour.archived and harbour.region == "North"
    assert db.execute("SELECT count(*) FROM audit_log WHERE table_name IN ('chapters', 'regions')"
                      " AND details LIKE '%'").fetchone()[0] >= 4


def test_the_organisation_page_shows_another_chapters_new_action_at_once(demo_db):
    at = open_as(demo_db, "organisation", "pages/organisation.py")
    prairie = inert("Prairie Audubon (DEMO)")

    def prairie_actions() -> int:
        for table in at.table:
            if prairie in table.value.index:
                return int(table.value.loc[prairie, "Actions"])
        raise AssertionError("Prairie is not shown")

    before = prairie_actions()
    db = store.connect(demo_db)
    someone = next(m for m in roster.list_members(db, roster.list_chapters(db)[2].id)
                   if m.active and m.org_role is None)
    assert roster.get_chapter(db, someone.chapter_id).name == "Prairie Audubon (DEMO)"
    last_week = Period.last_weeks(1, TODAY).start
    journal.log_action(db, someone, ActionDraft(last_week, "Listened at the meeting", (2,)))
    at.run()
    assert prairie_actions() == before + 1  # a write in another chapter, not cached over
