"""A lead's view lives in the address: the team, the period and the chart tab of Team
progress (and the region, period and tab of Organisation) are query parameters, so an
address sent to a co-lead or bookmarked opens the same view, and an address that no
longer fits (a team renamed, a made-up period) opens the defaults without an error."""

from __future__ import annotations

import pytest
from apptest_helpers import APP, persona
from streamlit.testing.v1 import AppTest

from allyship.db import store
from allyship.metrics import scopes

FOLLOW_THROUGH = "Plan follow-through: next steps"


def open_at(role: str, page: str, params: dict[str, str]) -> AppTest:
    """The app as ``role``, opened on ``page`` with ``params`` in its address."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["demo_persona"] = role
    at.query_params.update(params)
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def co_lead(demo_db) -> str:  # noqa: ANN001 — the demo database's path
    """A second lead of the demo lead's team, made for the test: their co-lead."""
    db, lead = persona(demo_db, "lead")
    with store.transaction(db):
        other = db.execute("SELECT id, email FROM members WHERE team_id = ? AND role = 'member'"
                           " AND active = 1 ORDER BY id LIMIT 1", [lead.team_id]).fetchone()
        db.execute("UPDATE members SET role = 'lead' WHERE id = ?", [other[0]])
        store.bump_data_version(db)
    db.conn.close()
    return other[1]


def chart_titles(at: AppTest) -> list[str]:
    import json

    return [json.loads(c.proto.spec)["title"]["text"] for c in at.get("vega_lite_chart")]


def test_a_shared_team_progress_address_opens_the_same_view_for_a_co_lead(demo_db):
    db, lead = persona(demo_db, "lead")
    team = db.execute("SELECT name FROM teams WHERE id = ?", [lead.team_id]).fetchone()[0]
    db.conn.close()
    shared = {"tp_team": scopes.WHOLE_CHAPTER, "tp_period": "Last 12 weeks",
              "tp_tab": "Responsibilities"}
    mine = open_at("lead", "team_progress", shared)
    db = store.connect(demo_db)
    colead = db.execute("SELECT id FROM members WHERE email = ?", [co_lead(demo_db)]).fetchone()[0]
    db.conn.close()
    theirs = AppTest.from_file(APP, default_timeout=60)
    theirs.session_state["member_id"] = colead  # signed in as the co-lead
    theirs.query_params.update(shared)
    theirs.run()
    theirs.switch_page("pages/team_progress.py").run()
    assert not theirs.exception, [e.value for e in theirs.exception]
    assert theirs.session_state["member_id"] == colead != lead.id
    assert theirs.selectbox(key="tp_team").options == mine.selectbox(key="tp_team").options
    for at in (mine, theirs):
        assert at.selectbox(key="tp_team").value == 0  # the whole chapter (no team id)
        assert at.selectbox(key="tp_period").value == "Last 12 weeks"
        assert at.session_state["tp_tab"] == "Responsibilities"
        assert chart_titles(at) == ["Responsibility coverage",
                                    "Actions per week by responsibility"]
    assert [(m.label, m.value) for m in mine.metric] == [(m.label, m.value) for m in theirs.metric]
    # Their own team, by name, and another tab.
    own = open_at("lead", "team_progress", {"tp_team": team, "tp_tab": "Next steps"})
    assert own.selectbox(key="tp_team").value == lead.team_id
    assert chart_titles(own) == [FOLLOW_THROUGH]


@pytest.mark.parametrize("params", [
    {"tp_team": "No such team", "tp_period": "Last 400 weeks", "tp_tab": "Leaderboard"},
    {"tp_period": "", "tp_tab": ""},
    {"tp_from": "not-a-date", "tp_to": "2020-13-45"},
])
def test_an_address_that_does_not_fit_opens_the_default_view_without_an_error(demo_db, params):
    at = open_at("lead", "team_progress", params)
    default = open_at("lead", "team_progress", {})
    assert not at.exception and not at.error
    for key in ("tp_team", "tp_period"):
        assert at.selectbox(key=key).value == default.selectbox(key=key).value
    assert chart_titles(at) == chart_titles(default) == ["Weekly participation"]


def test_a_shared_chapter_report_address_opens_the_same_report(demo_db):
    db, lead = persona(demo_db, "lead")
    team = db.execute("SELECT name FROM teams WHERE id = ?", [lead.team_id]).fetchone()[0]
    db.conn.close()
    at = open_at("lead", "chapter_report", {"cr_team": team, "cr_period": "Last quarter"})
    assert at.selectbox(key="cr_team").value == lead.team_id
    assert at.selectbox(key="cr_period").value == "Last quarter"
    made_up = open_at("lead", "chapter_report", {"cr_team": "No such team",
                                                 "cr_period": "Last century"})
    assert made_up.selectbox(key="cr_period").value != "Last century"
    assert not made_up.error
