"""My plan and About (issue 11 item 6): earlier versions show every field, prompts keep
their question marks, and both pages use the chapter's own goal label."""

from __future__ import annotations

import pytest
from apptest_helpers import all_text, by_label, goto, open_app

from allyship.core import handout
from allyship.db import store


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    path = tmp_path / "app.db"
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    return path


def relabel(path, label: str) -> None:
    db = store.connect(path)
    with store.transaction(db):
        db.execute("UPDATE chapters SET goal_label = ?", [label])
        store.bump_data_version(db)
    db.conn.close()


def test_earlier_versions_show_every_field_including_what_people_told_you(app_db):
    at = goto(open_app(), "my_plan")
    by_label(at.text_area, "What have the people you work with told you?").input(
        "MarkFeedbackV2: ask before bringing binoculars")
    next(b for b in at.button if b.label == "Save plan").click().run()
    assert not at.exception and not at.error
    # Save once more, so version 2 (with the feedback) is an earlier version.
    by_label(at.text_area, "What is your personal motivation").input("Changed again")
    next(b for b in at.button if b.label == "Save plan").click().run()
    assert not at.exception and not at.error
    versions = next(e for e in at.expander if e.label.startswith("Earlier versions"))
    versions.selectbox[0].set_value(next(
        o for o in versions.selectbox[0].options if o.startswith("Version 2"))).run()
    text = all_text(at)
    expander = next(e for e in at.expander if e.label.startswith("Earlier versions"))
    shown = [m.value for m in expander.markdown]
    for key in ("focus_group", "motivation", "supports_goal", "feedback"):
        assert f"**{handout.plan_prompt(key, 'Audubon goal')}**" in shown, key
    assert "MarkFeedbackV2" in text


def test_plan_prompts_carry_their_question_marks_and_the_chapters_goal_label(app_db):
    open_app()  # creates the demo
    relabel(app_db, "Riverbend goal")
    at = goto(open_app(), "my_plan")
    labels = [t.label for t in at.text_area]
    assert "What is your personal motivation for wanting to be in allyship with this " \
           "group?" in labels
    assert "How does your personal motivation help support your Riverbend goal?" in labels
    about = all_text(goto(open_app(), "about"))
    assert "help support your Riverbend goal?" in about
    assert "organisation goal" not in about
