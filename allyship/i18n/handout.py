"""The handout in the reader's language, keyed by number, from the catalogues.

The English wording stays in ``allyship.core.handout``; each of its texts is a catalogue
message with a context naming what it is and its number ("responsibility 3 title"), so a
translation is looked up by number, never by English text, and two identical English
words may be translated differently. ``handout_messages`` lists them for the extractor
(babel.cfg) and for the completeness tests. ``responsibility_number`` reads a
responsibility as a person may type it in a spreadsheet: its number or its short name
in any language we have.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from types import ModuleType

from allyship.core import handout as english
from allyship.core.handout import PracticeQuestion, Responsibility
from allyship.i18n.catalogues import Translator, available_languages, translator_for


@dataclass(frozen=True)
class HandoutMessage:
    """One text of the handout as a catalogue entry."""

    context: str
    msgid: str
    comment: str = ""


def responsibility_context(number: int, part: str) -> str:
    return f"responsibility {number} {part}"


def question_context(number: int, part: str) -> str:
    return f"practice question {number} {part}"


def plan_context(key: str) -> str:
    return f"plan field {key}"


def shown_prompt(field: english.PlanField) -> str:
    """A plan field's prompt as shown, before the goal is filled in ("…{goal}?"): the
    translation carries its own question marks (Spanish opens with "¿")."""
    return field.prompt + "?" if field.question else field.prompt


_SHORT = "Short name, used on chart axes, checkboxes and imports; keep it short."
_GOAL = "{goal} is the chapter's own goal label, e.g. 'Audubon goal'; keep it."
_VOCABULARIES = ("ACTION_KINDS", "VISIBILITIES", "PLAN_ITEM_KINDS", "ROLES")
_VOCABULARY_CONTEXT = {"ACTION_KINDS": "action kind", "VISIBILITIES": "visibility",
                       "PLAN_ITEM_KINDS": "plan item kind", "ROLES": "role"}


def handout_messages(source: ModuleType = english) -> list[HandoutMessage]:
    """Every text of the handout module ``source`` as (context, English), in its order."""
    out = [HandoutMessage("handout definition", source.DEFINITION)]
    out += [HandoutMessage(f"handout principle {i}", text)
            for i, text in enumerate(source.PRINCIPLES, 1)]
    out.append(HandoutMessage("handout responsibilities intro", source.RESPONSIBILITIES_INTRO))
    for r in source.RESPONSIBILITIES:
        out += [HandoutMessage(responsibility_context(r.number, "title"), r.title, _SHORT),
                HandoutMessage(responsibility_context(r.number, "heading"), r.heading,
                               "The bold lead of the sentence; the text follows it."),
                HandoutMessage(responsibility_context(r.number, "text"), r.text)]
    out.append(HandoutMessage("handout practice intro", source.PRACTICE_INTRO))
    for q in source.PRACTICE_QUESTIONS:
        out += [HandoutMessage(question_context(q.number, "title"), q.title, _SHORT),
                HandoutMessage(question_context(q.number, "text"), q.text)]
    out.append(HandoutMessage("handout roles intro", source.ROLES_INTRO))
    out += [HandoutMessage(f"handout role of an ally {i}", text)
            for i, text in enumerate(source.ROLES_OF_AN_ALLY, 1)]
    out.append(HandoutMessage("handout closing", source.CLOSING))
    out.append(HandoutMessage("plan title", source.PLAN_TITLE))
    for field in (*source.PLAN_FIELDS, source.PLAN_FEEDBACK):
        out.append(HandoutMessage(plan_context(field.key), shown_prompt(field),
                                  _GOAL if "{goal}" in field.prompt else ""))
    for name in _VOCABULARIES:
        for key, text in getattr(source, name).items():
            out.append(HandoutMessage(f"{_VOCABULARY_CONTEXT[name]} {key}", text))
    return out


# --- the handout in a language -----------------------------------------------------------

def responsibilities(tr: Translator) -> tuple[Responsibility, ...]:
    """The eight responsibilities in ``tr``'s language, numbered as in English."""
    return tuple(replace(r, title=tr.pgettext(responsibility_context(r.number, "title"), r.title),
                         heading=tr.pgettext(responsibility_context(r.number, "heading"),
                                             r.heading),
                         text=tr.pgettext(responsibility_context(r.number, "text"), r.text))
                 for r in english.RESPONSIBILITIES)


def responsibility(tr: Translator, number: int) -> Responsibility:
    """Responsibility ``number`` (1–8) in ``tr``'s language; ``KeyError`` otherwise."""
    english.responsibility(number)  # the one place that says which numbers exist
    return responsibilities(tr)[number - 1]


def practice_questions(tr: Translator) -> tuple[PracticeQuestion, ...]:
    """The five practice questions in ``tr``'s language, numbered as in English."""
    return tuple(replace(q, title=tr.pgettext(question_context(q.number, "title"), q.title),
                         text=tr.pgettext(question_context(q.number, "text"), q.text))
                 for q in english.PRACTICE_QUESTIONS)


def practice_question(tr: Translator, number: int) -> PracticeQuestion:
    """Practice question ``number`` (1–5) in ``tr``'s language; ``KeyError`` otherwise."""
    english.practice_question(number)
    return practice_questions(tr)[number - 1]


@dataclass(frozen=True)
class HandoutText:
    """The handout's prose in one language, for the page that shows it whole."""

    definition: str
    principles: tuple[str, ...]
    responsibilities_intro: str
    responsibilities: tuple[Responsibility, ...]
    practice_intro: str
    practice_questions: tuple[PracticeQuestion, ...]
    roles_intro: str
    roles_of_an_ally: tuple[str, ...]
    closing: str
    plan_title: str


def handout_text(tr: Translator) -> HandoutText:
    """The whole handout in ``tr``'s language."""
    p = tr.pgettext
    return HandoutText(
        definition=p("handout definition", english.DEFINITION),
        principles=tuple(p(f"handout principle {i}", t)
                         for i, t in enumerate(english.PRINCIPLES, 1)),
        responsibilities_intro=p("handout responsibilities intro",
                                 english.RESPONSIBILITIES_INTRO),
        responsibilities=responsibilities(tr),
        practice_intro=p("handout practice intro", english.PRACTICE_INTRO),
        practice_questions=practice_questions(tr),
        roles_intro=p("handout roles intro", english.ROLES_INTRO),
        roles_of_an_ally=tuple(p(f"handout role of an ally {i}", t)
                               for i, t in enumerate(english.ROLES_OF_AN_ALLY, 1)),
        closing=p("handout closing", english.CLOSING),
        plan_title=p("plan title", english.PLAN_TITLE),
    )


def plan_prompt(tr: Translator, key: str, goal_label: str = "Audubon goal") -> str:
    """A plan field's prompt in ``tr``'s language with the chapter's goal label (which is
    the chapter's own words, shown as written)."""
    for field in (*english.PLAN_FIELDS, english.PLAN_FEEDBACK):
        if field.key == key:
            return tr.pgettext(plan_context(key), shown_prompt(field)).format(goal=goal_label)
    raise KeyError(key)


def vocabulary(tr: Translator, name: str) -> dict[str, str]:
    """One of the handout module's vocabularies (``"ACTION_KINDS"``, ``"VISIBILITIES"``,
    ``"PLAN_ITEM_KINDS"``, ``"ROLES"``) with its labels in ``tr``'s language; keys as stored."""
    labels = {}
    for key, text in getattr(english, name).items():
        context = f"{_VOCABULARY_CONTEXT[name]} {key}"
        labels[key] = tr.pgettext(context, text)
    return labels


# --- reading a responsibility as typed ---------------------------------------------------

def _folded(text: str) -> str:
    """Case, accents, punctuation at the ends and runs of spaces ignored."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c))
    return " ".join(plain.casefold().strip(" .:;,-–—").split())


def responsibility_names() -> dict[str, int]:
    """Each responsibility's short name, folded, in English and every catalogue we have."""
    names: dict[str, int] = {}
    for language in available_languages():
        for r in responsibilities(translator_for(language)):
            names.setdefault(_folded(r.title), r.number)
    return names


def responsibility_number(value: int | str) -> int:
    """The number of the responsibility ``value`` names: its number ("3", "3."), its short
    name in any language ("Receive criticism", "recibir la critica"), or its label
    ("5. Recibir la crítica"). ``ValueError`` saying what is accepted otherwise."""
    text = str(value).strip()
    head, _, rest = text.partition(".")
    if head.strip().isdigit():
        number = int(head)
        if number in english.RESPONSIBILITY_NUMBERS and (
                not rest.strip() or responsibility_names().get(_folded(rest)) == number):
            return number
    else:
        found = responsibility_names().get(_folded(text))
        if found is not None:
            return found
    raise ValueError(
        f"{text!r} is not a responsibility: give its number (1 to "
        f"{len(english.RESPONSIBILITIES)}) or its short name, e.g. "
        f"{english.RESPONSIBILITIES[0].title!r}")
