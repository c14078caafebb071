"""The Chapter report page through AppTest on the demo chapter: it renders for a lead
and an admin with the three downloads, offers each only the teams they may report on,
refuses a member, and shows nobody's private words.

As in test_page_admin: the persona is chosen through session state before the first
run (with a pages/ folder, AppTest reruns execute the page without the entry script).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from apptest_helpers import ROOT, all_text, open_as, persona
from streamlit.testing.v1 import AppTest

from allyship.core.models import ActionDraft
from allyship.people import roster
from allyship.practice import journal
from allyship.reports import presets

PAGE = "pages/chapter_report.py"
DOWNLOADS = ["Download HTML (print, opens offline)", "Download Markdown",
             "Download CSV figures"]


def open_report(path: Path, role: str) -> AppTest:
    return open_as(path, role, PAGE)


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_the_report_renders_with_three_downloads_for_leads_and_admins(demo_db, role):
    at = open_report(demo_db, role)
    assert not at.error
    assert at.title[0].value == "Chapter report"
    assert [b.label for b in at.get("download_button")] == DOWNLOADS
    assert len(at.metric) == 6
    assert len(at.get("vega_lite_chart")) == 3
    headings = [s.value for s in at.header]
    assert "Who are we leaving behind?" in headings and "Teams" in headings
    # The demo's programme began after last quarter started: the report opens on the
    # weeks since it began, never on a period reaching before the chapter existed.
    assert at.selectbox(key="cr_period").value == "Since the programme began"
    assert "before the programme began" not in at.caption[1].value


def test_a_lead_reports_on_the_chapter_or_their_own_team_an_admin_on_any(demo_db):
    db, lead = persona(demo_db, "lead")
    own = roster.get_team(db, lead.team_id).name
    all_teams = [t.name for t in roster.list_teams(db, lead.chapter_id)]
    assert open_report(demo_db, "lead").selectbox(key="cr_team").options == \
        [own, "Whole chapter"]  # a lead's own team first
    assert open_report(demo_db, "admin").selectbox(key="cr_team").options == \
        ["Whole chapter", *sorted(all_teams)]


def test_choosing_a_team_reports_on_that_team(demo_db):
    at = open_report(demo_db, "admin")
    db, _ = persona(demo_db, "admin")
    team = roster.list_teams(db, _.chapter_id)[-1]
    at.selectbox(key="cr_team").set_value(team.id).run()
    assert not at.exception and not at.error
    assert team.name in at.caption[1].value
    assert len(at.get("download_button")) == 3


def test_a_member_is_refused(demo_db):
    db, m = persona(demo_db, "member")
    db.conn.close()
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["member_id"] = m.id
    at.session_state["auth_mode"] = "demo"
    at.run()
    assert not at.exception
    assert "not available for your role" in at.error[0].value
    assert not at.get("download_button") and not at.metric


def test_reversed_custom_dates_are_refused_in_words(demo_db):
    at = open_report(demo_db, "admin")
    at.selectbox(key="cr_period").set_value("Custom dates").run()
    at.date_input(key="cr_from").set_value(date.today() - timedelta(days=3)).run()
    at.date_input(key="cr_to").set_value(date.today() - timedelta(days=30)).run()
    assert not at.exception
    assert "end date is before the start date" in at.error[0].value
    assert not at.get("download_button")


def test_private_and_team_only_actions_never_show_but_chapter_shared_ones_do(demo_db):
    db, robin = persona(demo_db, "member")
    _, day = presets.last_quarter(date.today())  # the newest: highlights are newest first
    for text, visibility in [("MarkPagePrivate", "private"), ("MarkPageTeamOnly", "team"),
                             ("MarkPageShared", "chapter")]:
        journal.log_action(db, robin, ActionDraft(day, text, (2,), visibility=visibility))
    db.conn.close()
    at = open_report(demo_db, "admin")
    at.selectbox(key="cr_period").set_value("Last quarter").run()
    shown = all_text(at)
    assert "MarkPageShared" in shown
    assert "MarkPagePrivate" not in shown and "MarkPageTeamOnly" not in shown
