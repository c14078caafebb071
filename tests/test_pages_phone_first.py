"""The phone-first member pages through AppTest: the quick log comes first on My week, the
week can be marked away there, this week's question is answered in place, next steps are
cards whose Done button marks them done, the catch-up is one action at a time by default,
and every confirmation names what was saved — after reading it back."""

import re
from datetime import date

import pytest
from apptest_helpers import by_label, goto, open_app, open_log_tab

from allyship import demo
from allyship.core.dates import format_day_short
from allyship.core.models import week_start
from allyship.db import store
from allyship.people import roster
from allyship.practice import journal, plans
from allyship.rhythm import nudges


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    path = tmp_path / "app.db"
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    return path


def robin(path):
    db = store.connect(path)
    return db, roster.find_member_by_email(db, demo.PERSONAS["member"])


def success(at) -> str:
    return " ".join(s.value for s in at.success)


def test_my_week_opens_on_the_quick_log_with_no_grid(app_db):
    at = goto(open_app(), "my_week")
    headers = [h.value for h in at.header]
    assert headers[0] == "Quick log"
    assert not at.dataframe


def test_the_quick_log_confirms_by_the_words_and_day_it_read_back(app_db):
    at = goto(open_app(), "my_week")
    by_label(at.text_area, "What did you do?").input("Listened at the marsh clean-up")
    by_label(at.button_group, "Responsibilities practised").set_value([2])
    next(b for b in at.button if b.label == "Log it").click().run()
    assert f"Logged: *Listened at the marsh clean\\-up*, {format_day_short(date.today())}" \
        in success(at)


def test_the_away_switch_on_my_week_marks_this_week_away(app_db):
    at = goto(open_app(), "my_week")
    by_label(at.toggle, "I was away this week").set_value(True).run()
    db, me = robin(app_db)
    assert week_start(date.today()) in journal.away_weeks(db, me)
    assert "as away" in success(at)


def test_this_weeks_question_is_answered_on_my_week(app_db):
    at = goto(open_app(), "my_week")
    q = nudges.practice_question_for(week_start(date.today()))
    by_label(at.text_area, f"{q.title}: {q.text}").input("I waited before answering")
    next(b for b in at.button if b.label == "Save my answer").click().run()
    db, me = robin(app_db)
    answers = {r.question: r.answer for r in journal.my_reflections(db, me,
                                                                    week_start(date.today()))}
    assert answers[q.number] == "I waited before answering"
    assert "Reflections saved." in success(at)


@pytest.mark.parametrize("page", ["my_week", "my_plan"])
def test_a_next_step_card_is_marked_done_by_its_button(app_db, page):
    at = goto(open_app(), page)
    db, me = robin(app_db)
    open_before = [i for i in plans.get_plan(db, me).items
                   if i.kind == "next_step" and i.done_on is None]
    assert open_before, "the demo member has open next steps"
    done = [b for b in at.button if b.label == "Done"]
    assert len(done) == len(open_before)  # one card each, no grid needed
    done[0].click().run()
    after = {i.id: i.done_on for i in plans.get_plan(db, me).items}
    assert sum(after[i.id] == date.today() for i in open_before) == 1
    assert "Done: " in success(at) and format_day_short(date.today()) in success(at)


def test_due_dates_on_the_cards_read_in_full(app_db):
    at = goto(open_app(), "my_plan")
    captions = " ".join(c.value for c in at.caption)
    assert re.search(r"Due (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}", captions)
    assert "None" not in captions and not re.search(r"\d{4}-\d{2}-\d{2}", captions)


def test_a_next_step_is_added_from_the_short_form(app_db):
    at = goto(open_app(), "my_plan")
    by_label(at.text_input, "Next step").input("Ask the centre about step-free access")
    next(b for b in at.button if b.label == "Add next step").click().run()
    db, me = robin(app_db)
    texts = [i.text for i in plans.get_plan(db, me).items if i.kind == "next_step"]
    assert "Ask the centre about step-free access" in texts
    assert "Plan saved as version" in success(at)


def test_the_catch_up_is_one_action_at_a_time_unless_the_table_is_asked_for(app_db):
    at = open_log_tab(goto(open_app(), "log_actions"), "Catch up on a week")
    week_tab = next(t for t in at.tabs if t.label == "Catch up on a week")
    assert any(b.label == "Log action" for b in week_tab.button)
    assert not week_tab.get("arrow_data_frame")
    by_label(week_tab.toggle, "Several at once, in a table (for a wide screen)").set_value(
        True).run()
    week_tab = next(t for t in at.tabs if t.label == "Catch up on a week")
    assert any(b.label == "Log these actions" for b in week_tab.button)


def test_a_resubmitted_log_action_form_saves_once(app_db):
    at = goto(open_app(), "log_actions")
    token = at.session_state["_token_log_action"]
    form = at.tabs[0]
    by_label(form.text_area, "What I did").input("Read the watershed history")
    by_label(form.checkbox, "4. Do our own research").check()
    next(b for b in form.button if b.label == "Log action").click().run()
    db, me = robin(app_db)
    # The same filling-in sent again (a retry): the store writes no second row.
    from allyship.core.models import ActionDraft

    again = ActionDraft(done_on=date.today(), description="Read the watershed history",
                        responsibilities=(4,), idempotency_key=token)
    journal.log_action(db, me, again)
    assert db.execute("SELECT count(*) FROM actions WHERE description = ?",
                      ["Read the watershed history"]).fetchone()[0] == 1
    assert "Action logged. *Read the watershed history*" in success(at)
