"""Member pages through AppTest: each renders, each form round-trips into the
database, and a bad entry shows an error, keeps the text and writes nothing."""

from datetime import date, timedelta

import pytest
from apptest_helpers import all_text, by_label, goto, open_app

from allyship import demo
from allyship.core.models import week_start
from allyship.db import store
from allyship.people import roster

MEMBER_PAGES = ["my_week", "my_plan", "log_actions", "reflect", "about"]


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    path = tmp_path / "app.db"
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    return path


def robin(path):
    db = store.connect(path)
    return db, roster.find_member_by_email(db, demo.PERSONAS["member"])


def test_first_run_with_no_database_creates_the_labelled_demo(app_db):
    assert not app_db.exists()
    at = open_app()
    assert app_db.exists()
    assert not at.exception
    assert any("DEMO" in w.value for w in at.sidebar.warning)
    db = store.connect(app_db)
    assert store.is_demo(db)
    counts = {t: db[t].count for t in ("teams", "members", "actions")}
    assert counts["teams"] >= 2 and counts["members"] >= 25 and counts["actions"] > 300
    weeks = db.execute("SELECT count(DISTINCT week_start) FROM actions").fetchone()[0]
    assert weeks >= 16
    resp = {r[0] for r in db.execute("SELECT DISTINCT responsibility FROM action_responsibilities")}
    assert resp == set(range(1, 9))


@pytest.mark.parametrize("persona", ["member", "lead", "admin"])
@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_every_member_page_renders_for_every_role(app_db, persona, page):
    at = goto(open_app(persona), page)
    assert at.title[0].value
    db = store.connect(app_db)
    acting = roster.get_member(db, at.session_state["member_id"])
    assert acting.email == demo.PERSONAS[persona]


def test_quick_log_on_my_week_lands_in_the_database_and_shows_on_the_page(app_db):
    at = goto(open_app(), "my_week")
    by_label(at.text_area, "What did you do?").input("Listened at the marsh clean-up")
    by_label(at.button_group, "Responsibilities practised").set_value([2, 7])
    next(b for b in at.button if b.label == "Log it").click().run()  # the form's submit
    assert not at.exception and not at.error
    db, me = robin(app_db)
    row = next(db.query("SELECT id FROM actions WHERE member_id = ? AND description = ?",
                        [me.id, "Listened at the marsh clean-up"]))
    resp = [r[0] for r in db.execute("SELECT responsibility FROM action_responsibilities "
                                      "WHERE action_id = ? ORDER BY 1", [row["id"]])]
    assert resp == [2, 7]
    assert "Listened at the marsh clean-up" in all_text(at)
    assert by_label(at.text_area, "What did you do?").value == ""  # ready for the next one


def test_a_bad_quick_log_shows_the_reason_keeps_the_text_and_writes_nothing(app_db):
    at = goto(open_app(), "my_week")
    db, _ = robin(app_db)
    before = db["actions"].count
    by_label(at.text_area, "What did you do?").input("Forgot to tick anything")
    next(b for b in at.button if b.label == "Log it").click().run()
    assert "at least one responsibility" in at.error[0].value
    assert by_label(at.text_area, "What did you do?").value == "Forgot to tick anything"
    assert db["actions"].count == before


def test_log_an_action_form_round_trips(app_db):
    at = goto(open_app(), "log_actions")
    form = at.tabs[0]  # "Log an action"; the edit form in another tab has the same labels
    by_label(form.text_area, "What I did").input("Read about the watershed's history")
    by_label(form.checkbox, "4. Do our own research").check()
    by_label(form.checkbox, "1. Acknowledge privilege").check()
    by_label(form.selectbox, "Kind").set_value("learning")
    by_label(form.number_input, "Minutes").set_value(45)
    by_label(form.radio, "Who can see this").set_value("team")
    next(b for b in form.button if b.label == "Log action").click().run()
    assert not at.exception and not at.error
    db, me = robin(app_db)
    row = next(db.query("SELECT * FROM actions WHERE description = ?",
                        ["Read about the watershed's history"]))
    assert (row["kind"], row["minutes"], row["visibility"], row["member_id"]) == \
        ("learning", 45, "team", me.id)
    form = at.tabs[0]
    assert by_label(form.text_area, "What I did").value == ""  # an empty form for the next
    assert not by_label(form.checkbox, "4. Do our own research").value


def test_a_catch_up_table_becomes_actions_for_a_past_week_logged_once(app_db):
    """AppTest cannot type into a data editor (the browser tests do); this drives the
    same parsing and domain call the page makes with the frame the editor returns."""
    from allyship.practice import journal, tables

    at = goto(open_app(), "log_actions")
    assert any(t.label == "Catch up on a week" for t in at.tabs)
    db, me = robin(app_db)
    before = db["actions"].count
    monday = week_start(date.today()) - timedelta(weeks=1)
    frame = tables.catch_up_frame(monday, rows=3)
    days = tables.catch_up_days(monday, date.today())
    assert list(days.values()) == [monday + timedelta(days=n) for n in range(7)]
    frame.loc[0, "Date"] = list(days)[1]  # the label the grid offers, "Tue 17 Nov 2026"
    frame.loc[0, "What I did"] = "Asked the partner group what they need"
    frame.at[0, "Responsibilities"] = ["3. Integrity and direct communication"]
    frame.loc[1, "Date"] = list(days)[4]
    frame.loc[1, "What I did"] = "Sat with the discomfort"
    frame.at[1, "Responsibilities"] = ["6. Embrace the emotions", "5. Receive criticism"]
    frame.loc[1, "Shared with"] = "My team"
    drafts = tables.drafts_from_catch_up(frame, "tok", days)
    assert [d.responsibilities for d in drafts] == [(3,), (6, 5)]
    assert [d.done_on for d in drafts] == [monday + timedelta(days=1), monday + timedelta(days=4)]
    assert [d.visibility for d in drafts] == ["private", "team"]
    assert [d.kind for d in drafts] == ["other", "other"]
    journal.log_actions(db, me, drafts)
    journal.log_actions(db, me, drafts)  # submitted twice: logged once
    assert db["actions"].count == before + 2


def test_my_plan_saves_and_keeps_the_previous_version(app_db):
    at = goto(open_app(), "my_plan")
    by_label(at.text_input, "Group to be in allyship with").input("Disabled nature lovers")
    by_label(at.text_area, "What is your personal motivation").input("My sister uses a wheelchair")
    next(b for b in at.button if b.label == "Save plan").click().run()
    assert not at.exception and not at.error
    db, me = robin(app_db)
    plan = next(db.query("SELECT * FROM plans WHERE member_id = ?", [me.id]))
    assert plan["focus_group"] == "Disabled nature lovers" and plan["version"] == 2
    assert db.execute("SELECT count(*) FROM plan_revisions WHERE plan_id = ?",
                      [plan["id"]]).fetchone()[0] == 1
    assert any("Earlier versions" in e.label for e in at.expander)


@pytest.mark.slow
def test_my_plan_refuses_an_empty_focus_group_and_keeps_the_text(app_db):
    at = goto(open_app(), "my_plan")
    by_label(at.text_input, "Group to be in allyship with").input("   ")
    by_label(at.text_area, "What is your personal motivation").input("Kept text")
    next(b for b in at.button if b.label == "Save plan").click().run()
    assert "Group to be in allyship with is required" in at.error[0].value
    assert by_label(at.text_area, "What is your personal motivation").value == "Kept text"
    db, me = robin(app_db)
    assert next(db.query("SELECT version FROM plans WHERE member_id = ?", [me.id]))["version"] == 1


def test_reflect_saves_private_answers(app_db):
    at = goto(open_app(), "reflect")
    by_label(at.text_area, "5. Who are we leaving behind?").input("Families without cars")
    next(b for b in at.button if b.label == "Save reflections").click().run()
    assert not at.exception and not at.error
    db, me = robin(app_db)
    row = next(db.query("SELECT * FROM reflections WHERE member_id = ? AND question = 5 "
                        "AND week_start = ?", [me.id, week_start(date.today()).isoformat()]))
    assert (row["answer"], row["visibility"]) == ("Families without cars", "private")


def test_about_shows_all_eight_responsibilities_in_full(app_db):
    from allyship.core.handout import RESPONSIBILITIES

    text = all_text(goto(open_app(), "about"))
    for r in RESPONSIBILITIES:
        assert r.text[:40] in text


@pytest.mark.slow
def test_shared_with_me_lists_a_teammates_shared_action_and_no_private_one(app_db):
    from allyship.core.models import ActionDraft
    from allyship.practice import journal

    open_app()  # first run creates the demo
    db, me = robin(app_db)
    mate = next(m for m in roster.list_members(db, me.chapter_id, team_id=me.team_id)
                if m.id != me.id and m.role == "member")
    journal.log_action(db, mate, ActionDraft(date.today(), "SHARED-MARKER-1", (3,),
                                             visibility="team"))
    journal.log_action(db, mate, ActionDraft(date.today(), "PRIVATE-MARKER-1", (3,)))
    text = all_text(goto(open_app(), "shared"))
    assert "SHARED-MARKER-1" in text and "PRIVATE-MARKER-1" not in text


def test_my_week_lists_the_newest_ten_of_a_long_week_and_counts_them_all(app_db):
    from allyship.core.models import ActionDraft
    from allyship.practice import journal

    open_app()  # the demo, created on first run
    db, me = robin(app_db)
    today = date.today()
    for k in range(1, 13):
        journal.log_action(db, me, ActionDraft(today, f"Marker action {k}", (1,)), today=today)
    total = db.execute("SELECT count(*) FROM actions WHERE member_id = ? AND week_start = ?",
                       [me.id, week_start(today).isoformat()]).fetchone()[0]
    at = goto(open_app(), "my_week")
    shown = [t.value for t in at.text if "Marker action" in t.value]
    assert [s.rsplit("Marker action ", 1)[1] for s in shown] == [str(k) for k in range(12, 2, -1)]
    assert any(c.value.startswith(f"The newest 10 of this week's {total} actions are shown")
               for c in at.caption)
    assert [m.value for m in at.metric if m.label == "This week so far"] == [f"{total} actions"]
