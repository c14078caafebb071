"""The handout as data: its eight responsibilities and five questions, in its words."""

from pathlib import Path

import pytest

from allyship.core import handout

HANDOUT = (Path(__file__).resolve().parents[2] / "shared" / "seed" / "allyship-handout.txt")


def test_there_are_eight_responsibilities_numbered_one_to_eight():
    assert [r.number for r in handout.RESPONSIBILITIES] == list(range(1, 9))
    assert len({r.title for r in handout.RESPONSIBILITIES}) == 8


def test_there_are_five_practice_questions():
    assert [q.number for q in handout.PRACTICE_QUESTIONS] == [1, 2, 3, 4, 5]
    assert handout.PRACTICE_QUESTIONS[4].text == "Who are we leaving behind?"


@pytest.mark.skipif(not HANDOUT.exists(), reason="the seed handout sits beside the checkout")
def test_every_responsibility_and_question_is_worded_as_in_the_handout():
    text = HANDOUT.read_text(encoding="utf-8").replace("**", "").replace("*", "")
    for r in handout.RESPONSIBILITIES:
        assert r.heading in text, r.number
        assert r.text in text, r.number
    for q in handout.PRACTICE_QUESTIONS:
        assert q.text in text
    for f in handout.PLAN_FIELDS:
        assert f.prompt.format(goal="Audubon goal") in text


def test_plan_prompt_uses_the_chapter_goal_label():
    assert handout.plan_prompt("supports_goal", "Sierra goal") == \
        "How does your personal motivation help support your Sierra goal?"


def test_plan_prompts_that_ask_a_question_end_with_a_question_mark():
    shown = {f.key: handout.plan_prompt(f.key, "Audubon goal")
             for f in (*handout.PLAN_FIELDS, handout.PLAN_FEEDBACK)}
    for key, text in shown.items():
        assert text.endswith("?") == (text.split()[0] in ("What", "How")), (key, text)
    assert shown["feedback"] == "What have the people you work with told you?"


@pytest.mark.parametrize("lookup, bad", [(handout.responsibility, 9),
                                          (handout.responsibility, 0),
                                          (handout.practice_question, 6)])
def test_unknown_numbers_are_refused(lookup, bad):
    with pytest.raises(KeyError):
        lookup(bad)
