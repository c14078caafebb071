"""Team progress page through AppTest, on a real demo database file.

Personas are chosen by presetting the sidebar picker's state before the first run
(``at.session_state["demo_persona"]``): once a page is open, AppTest reruns the page
script on its own, so changing the picker afterwards would not reach it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from apptest_helpers import APP, all_text, goto, open_app, persona
from streamlit.testing.v1 import AppTest

from allyship.core import safe_text
from allyship.core.models import ActionDraft
from allyship.db import store
from allyship.metrics import chapter_figures, disclosure, overview, scopes
from allyship.metrics.periods import PERIOD_CHOICES, period_options
from allyship.people import roster
from allyship.practice import journal

N_CHARTS = 6


def open_page(persona: str) -> AppTest:
    return goto(open_app(persona), "team_progress")


def over_every_tab(at: AppTest, collect) -> list:  # noqa: ANN001 — AppTest → list
    """What ``collect`` finds on the page, with each chart tab opened in turn (a tab's
    charts are drawn only while it is open, as in a browser); the open tab is left as
    it was."""
    if not at.tabs:
        return collect(at)
    labels = [t.label for t in at.tabs]
    was = at.session_state["tp_tab"] if "tp_tab" in at.session_state else labels[0]
    found = []
    for label in labels:
        at.session_state["tp_tab"] = label  # what clicking the tab sets
        at.run()
        found += collect(at)
    at.session_state["tp_tab"] = was
    at.run()
    return found


def charts_shown(at: AppTest) -> list:
    """Every chart of the view, over all its tabs."""
    return over_every_tab(at, lambda page: list(page.get("vega_lite_chart")))


@pytest.mark.parametrize("role", ["lead", "admin"])
@pytest.mark.parametrize("period", [*PERIOD_CHOICES])
def test_page_renders_headlines_and_every_chart_for_each_period(demo_db, role, period):
    at = open_page(role)
    at.selectbox(key="tp_period").set_value(period).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert len(charts_shown(at)) == N_CHARTS
    assert [m.label for m in at.metric] == [label for _, label, *_ in overview.HEADLINES]
    assert at.header[-1].value == "Who are we leaving behind?"


def test_custom_dates_render_the_charts_and_backwards_dates_explain_themselves(demo_db):
    at = open_page("admin")
    at.selectbox(key="tp_period").set_value("Custom dates").run()
    at.date_input(key="tp_from").set_value(date.today() - timedelta(weeks=5)).run()
    assert not at.exception and len(charts_shown(at)) == N_CHARTS
    at.date_input(key="tp_to").set_value(date(2020, 1, 1)).run()
    assert not at.exception
    assert "end date is before the start date" in at.error[0].value
    assert not charts_shown(at)


def test_a_lead_opens_on_their_own_team_and_may_choose_the_whole_chapter(demo_db):
    db, lead = persona(demo_db, "lead")
    own = roster.get_team(db, lead.team_id).name
    at = open_page("lead")
    team = at.selectbox(key="tp_team")
    assert team.options == [own, scopes.WHOLE_CHAPTER]
    assert team.value == lead.team_id  # their own team first
    assert not at.exception and len(charts_shown(at)) == N_CHARTS
    assert f"**{own}**" in at.caption[1].value
    team.select_index(1).run()
    assert not at.exception and f"**{scopes.WHOLE_CHAPTER}**" in at.caption[1].value


def test_the_lead_sees_headlines_and_the_quiet_list_before_any_chart(demo_db):
    at = open_page("lead")
    order = [type(e).__name__ for e in at.main if type(e).__name__ in
             ("Metric", "Dataframe", "UnknownElement", "Header")]
    kinds = []
    for node in at.main:
        name = type(node).__name__
        proto = getattr(node, "proto", None)
        if name == "Header" and node.value == "Gone quiet on your team":
            kinds.append("quiet")
        elif getattr(node, "type", "") == "vega_lite_chart" or "vega_lite_chart" in str(
                type(proto)).lower():
            kinds.append("chart")
    assert order and "quiet" in kinds and "chart" in kinds
    assert kinds.index("quiet") < kinds.index("chart")
    first_chart = next(i for i, n in enumerate(at.main) if getattr(n, "type", "") ==
                       "vega_lite_chart")
    metrics_at = [i for i, n in enumerate(at.main) if type(n).__name__ == "Metric"]
    assert metrics_at and max(metrics_at) < first_chart


def test_an_admin_chooses_any_team(demo_db):
    db, admin = persona(demo_db, "admin")
    at = open_page("admin")
    names = [t.name for t in roster.list_teams(db, admin.chapter_id)]
    # Every demo team has 9 members: each one passes the disclosure rule.
    assert at.selectbox(key="tp_team").options == [scopes.WHOLE_CHAPTER, *sorted(names)]


def test_focus_group_filter_offers_only_groups_of_three_or_more(demo_db):
    db, admin = persona(demo_db, "admin")
    offered = scopes.focus_group_choices(db, admin, admin.chapter_id)
    sizes = dict(db.execute("SELECT p.focus_group, count(*) FROM plans p JOIN members m"
                            " ON m.id = p.member_id WHERE m.chapter_id = ? AND m.active = 1"
                            " GROUP BY p.focus_group", [admin.chapter_id]).fetchall())
    assert offered and all(sizes[g] >= disclosure.MIN_OTHERS for g in offered)
    at = open_page("admin")
    select = at.selectbox(key="tp_focus_None")
    assert select.options == ["All groups", *offered]
    select.set_value(offered[0]).run()
    assert not at.exception and len(charts_shown(at)) == N_CHARTS


def test_the_lead_sees_the_quiet_members_of_their_own_team_by_name(demo_db):
    db, lead = persona(demo_db, "lead")
    expected = chapter_figures.quiet_members(db, lead, lead.team_id, today=date.today())
    team = {m.name for m in roster.list_members(db, lead.chapter_id, team_id=lead.team_id)}
    assert not expected.empty  # the demo (fixed seed) has members who went quiet
    at = open_page("lead")
    shown = at.table[0].value
    names = [safe_text.shown(n) for n in shown["Name"]]
    assert names == sorted(names, key=str.lower) == expected["name"].tolist()
    assert set(names) <= team
    # Addresses are shown as stored, to copy: no link leaves the app.
    assert shown["Email"].tolist() == [f"`{e}`" for e in expected["email"]]


def test_the_quiet_list_is_a_static_table_of_days_in_the_readers_language(demo_db):
    """No grid a lead could sort by activity: a static table, sorted by name, each
    member's last week written as a day, or empty with a sentence saying what that means."""
    db, lead = persona(demo_db, "lead")
    quiet = chapter_figures.quiet_members(db, lead, lead.team_id, today=date.today())
    at = open_page("lead")
    assert not at.dataframe  # every chart's table is closed; the quiet list is no grid
    shown = at.table[0].value["Last logged (week of)"].tolist()
    assert shown == ["" if w is None else f"{w:%a} {w.day} {w:%b %Y}"
                     for w in quiet["last_week"]]
    empty_note = any("means they have not logged anything yet" in c.value for c in at.caption)
    assert empty_note == any(w is None for w in quiet["last_week"])


def test_an_admin_sees_no_names_of_quiet_members(demo_db):
    at = open_page("admin")
    assert not at.exception
    assert "Gone quiet on your team" not in [h.value for h in at.header]
    names = {m.name for m in roster.list_members(persona(demo_db, "admin")[0],
                                                 persona(demo_db, "admin")[1].chapter_id)}
    assert not any(name in all_text(at) for name in names)
    assert any("Each team's own lead" in c.value for c in at.caption)


def test_a_member_is_not_offered_the_page_and_is_refused_when_opening_it_directly(demo_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["demo_persona"] = "member"
    at.run()
    with pytest.raises(ValueError, match="team_progress"):  # not in the member's navigation
        at.switch_page("pages/team_progress.py")
    # Opened by its URL: the page script itself refuses.
    _, member = persona(demo_db, "member")
    page = AppTest.from_file(str(Path(APP).parent / "pages" / "team_progress.py"),
                             default_timeout=60)
    page.session_state["member_id"] = member.id
    page.run()
    assert not page.exception
    assert "not available for your role" in page.error[0].value
    assert not charts_shown(page) and not page.metric


def this_week_words(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("This week so far"))


def test_a_new_action_shows_at_once_in_this_week_so_far_not_a_stale_cached_number(demo_db):
    at = open_page("lead")
    db, lead = persona(demo_db, "lead")
    scope = scopes.Scope(lead.chapter_id, lead.team_id)
    before = chapter_figures.this_week_so_far(db, lead, scope)
    assert this_week_words(at) == before.words
    logged = int(next(m for m in at.metric if m.label == "Actions logged").value
                 .replace(",", ""))
    journal.log_action(db, lead, ActionDraft(done_on=date.today(), description="Listened",
                                             responsibilities=(2,)))
    at.run()
    after = chapter_figures.this_week_so_far(db, lead, scope)
    assert after.actions == before.actions + 1 and this_week_words(at) == after.words
    # The unfinished week is not mixed into the period's figures.
    assert int(next(m for m in at.metric if m.label == "Actions logged").value
               .replace(",", "")) == logged


def test_a_chapter_with_no_actions_yet_explains_what_to_do(demo_db):
    db = store.connect(demo_db)
    with store.transaction(db):
        db.execute("DELETE FROM action_responsibilities")
        db.execute("DELETE FROM actions")
        store.bump_data_version(db)
    at = open_page("lead")
    assert not at.exception
    infos = " ".join(i.value for i in at.info)
    assert "No actions have been logged here in this period yet" in infos
    assert "Log actions" in infos
    assert len(charts_shown(at)) == 1  # only plan follow-through, which needs no actions
    assert "Nothing logged in this period yet." in all_text(at)


def test_no_ranking_words_on_the_page(demo_db):
    text = all_text(open_page("lead")).lower()
    for word in ("leaderboard", "badge", "top member", "most active", "rank #", "points earned"):
        assert word not in text


def test_a_charts_table_is_sent_only_when_its_expander_is_opened(demo_db):
    """Each chart's "Show as table" expander is drawn closed and empty; opening it reruns
    the page with that chart's table in it (the same numbers charts.table gives)."""
    from allyship.charts import progress_charts

    at = open_page("admin")
    assert not at.exception
    assert over_every_tab(at, lambda page: [e.label for e in page.expander]).count(
        "Show as table") == N_CHARTS
    assert not at.dataframe  # an admin has no quiet list; every table is closed
    at.session_state["chart_table_open_part"] = True  # what opening it in a browser sets
    at.run()
    assert not at.exception and len(at.dataframe) == 1
    db, admin = persona(demo_db, "admin")
    period_name = at.selectbox(key="tp_period").value
    periods, _ = period_options(db, admin.chapter_id, date.today())
    frames = overview.team_progress(db, admin, scopes.Scope(admin.chapter_id),
                                   periods[period_name], today=date.today())
    expected = progress_charts.table("participation", frames.participation)
    shown = at.dataframe[0].value
    assert list(shown.columns) == list(expected.columns)
    assert shown.astype(str).values.tolist() == expected.astype(str).values.tolist()
