"""The handout in Spanish: complete (eight responsibilities, five practice questions, the
action plan and the vocabularies), matched to the English by number, extracted from the
handout module itself, and a responsibility read from its number or either language's
short name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from allyship.core import handout as english
from allyship.i18n import handout, translator_for
from allyship.i18n.extract import extract_handout

ES, EN = translator_for("es"), translator_for("en")
HANDOUT_SOURCE = Path(english.__file__)


def test_the_eight_responsibilities_in_spanish_match_the_english_one_to_one_by_number():
    spanish = handout.responsibilities(ES)
    assert [r.number for r in spanish] == list(english.RESPONSIBILITY_NUMBERS) == list(
        range(1, 9))
    for es, en in zip(spanish, english.RESPONSIBILITIES, strict=True):
        assert es.number == en.number
        for part in ("title", "heading", "text"):
            assert getattr(es, part).strip() and getattr(es, part) != getattr(en, part)
    assert len({r.title for r in spanish}) == 8
    assert handout.responsibility(ES, 5).label == "5. Recibir la crítica"
    assert handout.responsibility(ES, 2).full_text.startswith(
        "Escuchamos más y hablamos menos: contenemos")
    with pytest.raises(KeyError):
        handout.responsibility(ES, 9)


def test_the_five_practice_questions_in_spanish_are_questions_numbered_as_in_english():
    spanish = handout.practice_questions(ES)
    assert [q.number for q in spanish] == [q.number for q in english.PRACTICE_QUESTIONS]
    for es, en in zip(spanish, english.PRACTICE_QUESTIONS, strict=True):
        assert es.title != en.title and es.text != en.text
        assert es.text.startswith("¿") and es.text.endswith("?")
    assert handout.practice_question(ES, 5).text == "¿A quién estamos dejando atrás?"


def test_the_action_plan_template_is_complete_in_spanish_with_the_chapters_goal():
    keys = [f.key for f in (*english.PLAN_FIELDS, english.PLAN_FEEDBACK)]
    prompts = {k: handout.plan_prompt(ES, k, "meta de Audubon") for k in keys}
    assert all(prompts[k] != handout.plan_prompt(EN, k, "meta de Audubon") for k in keys)
    assert prompts["supports_goal"] == \
        "¿Cómo ayuda tu motivación personal a apoyar tu meta de Audubon?"
    for field in (*english.PLAN_FIELDS, english.PLAN_FEEDBACK):
        assert prompts[field.key].startswith("¿") == field.question
    assert handout.handout_text(ES).plan_title == "Plan de acción para construir alianza"


def test_english_through_the_catalogue_is_the_handout_module_word_for_word():
    assert handout.responsibilities(EN) == english.RESPONSIBILITIES
    assert handout.practice_questions(EN) == english.PRACTICE_QUESTIONS
    for field in english.PLAN_FIELDS:
        assert handout.plan_prompt(EN, field.key, "Audubon goal") == english.plan_prompt(
            field.key, "Audubon goal")
    text = handout.handout_text(EN)
    assert (text.definition, text.principles, text.closing, text.roles_of_an_ally) == (
        english.DEFINITION, english.PRINCIPLES, english.CLOSING, english.ROLES_OF_AN_ALLY)
    for name in ("ACTION_KINDS", "VISIBILITIES", "PLAN_ITEM_KINDS", "ROLES"):
        assert handout.vocabulary(EN, name) == getattr(english, name)


def test_the_whole_handout_and_its_vocabularies_are_in_spanish():
    text = handout.handout_text(ES)
    english_text = handout.handout_text(EN)
    for field in ("definition", "responsibilities_intro", "practice_intro", "roles_intro",
                  "closing", "plan_title"):
        assert getattr(text, field) != getattr(english_text, field), field
    assert all(es != en for es, en in zip(text.principles, english_text.principles,
                                          strict=True))
    assert all(es != en for es, en in zip(text.roles_of_an_ally,
                                          english_text.roles_of_an_ally, strict=True))
    for name in ("ACTION_KINDS", "VISIBILITIES", "PLAN_ITEM_KINDS", "ROLES"):
        spanish = handout.vocabulary(ES, name)
        assert spanish.keys() == getattr(english, name).keys()  # stored keys never change
        assert all(spanish[k] != getattr(english, name)[k] for k in spanish), name


def test_the_spanish_uses_the_allyship_vocabulary_and_inclusive_forms():
    text = handout.handout_text(ES)
    everything = " ".join([text.definition, *text.principles, text.closing,
                           *text.roles_of_an_ally,
                           *(r.full_text for r in text.responsibilities)])
    assert "alianza" in everything and "aliado/a" in everything
    assert "nosotros/as" in everything and "honestos/as" in everything


def test_the_extractor_reads_every_handout_text_with_its_numbered_context():
    with HANDOUT_SOURCE.open("rb") as source:
        found = list(extract_handout(source, {}, [], {}))
    assert [m for _, _, m, _ in found] == [(m.context, m.msgid)
                                            for m in handout.handout_messages()]
    contexts = [ctx for _, _, (ctx, _), _ in found]
    assert len(contexts) == len(set(contexts))  # each text keyed once
    assert {f"responsibility {n} title" for n in range(1, 9)} <= set(contexts)
    assert {f"practice question {n} text" for n in range(1, 6)} <= set(contexts)
    assert all(funcname == "pgettext" and line >= 1 for line, funcname, _, _ in found)


def test_the_extractor_reads_the_file_it_is_given_not_the_imported_module():
    source = HANDOUT_SOURCE.read_text().replace('"Receive criticism"', '"Take criticism"')
    found = list(extract_handout(io.BytesIO(source.encode()), {}, [], {}))
    titles = {ctx: msgid for _, _, (ctx, msgid), _ in found}
    assert titles["responsibility 5 title"] == "Take criticism"


# --- a responsibility as typed -----------------------------------------------------------

@pytest.mark.parametrize("typed, number", [
    (3, 3), ("3", 3), (" 3. ", 3), ("Receive criticism", 5), ("Recibir la crítica", 5),
    ("recibir la critica", 5), ("RECEIVE CRITICISM.", 5), ("5. Recibir la crítica", 5),
    ("5. Receive criticism", 5), ("Escuchar más, hablar menos", 2),
    ("  no awards   expected ", 8), ("Sin esperar reconocimiento", 8),
])
def test_a_responsibility_is_read_from_its_number_or_either_languages_short_name(
        typed, number):
    assert handout.responsibility_number(typed) == number


@pytest.mark.parametrize("typed", ["9", "0", "", "criticism", "5. Escuchar más, hablar menos",
                                   "3.5"])
def test_anything_else_is_not_a_responsibility_and_the_error_says_what_is(typed):
    with pytest.raises(ValueError, match="give its number"):
        handout.responsibility_number(typed)


def test_short_names_are_unambiguous_across_languages():
    names = handout.responsibility_names()
    assert sorted(set(names.values())) == list(range(1, 9))
    assert len(names) == 16  # each of the eight in English and in Spanish
