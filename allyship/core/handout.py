"""The allyship handout as data: the single source of truth for its wording.

Everything that names a responsibility, a practice question or a field of the
Action Plan reads it from here. The words are the handout's own
(``shared/seed/allyship-handout.txt``); short titles are ours, for axes and
checkboxes, and always travel with the full text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SOURCE = "theantioppressionnetwork.wordpress.com"

DEFINITION = (
    "An active, consistent, and arduous practice of unlearning and re-evaluating, "
    "in which a person of privilege seeks to operate in solidarity with a "
    "marginalized group of people"
)

PRINCIPLES: tuple[str, ...] = (
    "Allyship is not an identity—it is a lifelong process of building relationships "
    "based on trust, consistency, and accountability with marginalized individuals "
    "and/or groups of people",
    "Allyship is not self-defined—our work and our efforts must be recognized by the "
    "people we seek to ally ourselves with",
    "It is important to be intentional in how we frame the work we do, i.e. we are "
    "showing support for..., we are showing our commitment to ending [a system of "
    "oppression] by..., we are using our privilege to help by...",
)

RESPONSIBILITIES_INTRO = "We are not acting out of guilt, but rather out of responsibility"


@dataclass(frozen=True)
class Responsibility:
    """One of the eight responsibilities of an ally."""

    number: int
    title: str  # short label for axes and checkboxes
    heading: str  # the handout's bold lead sentence
    text: str  # the rest of the handout's sentence

    @property
    def full_text(self) -> str:
        """The responsibility exactly as the handout states it."""
        return f"{self.heading} {self.text}".strip()

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


RESPONSIBILITIES: tuple[Responsibility, ...] = (
    Responsibility(
        1,
        "Acknowledge privilege",
        "We actively acknowledge our privileges and openly discuss them:",
        "we recognize that as recipients of privilege we will always be capable of "
        "perpetuating systems of oppression from which our privilege came.",
    ),
    Responsibility(
        2,
        "Listen more, speak less",
        "We listen more and speak less:",
        "we hold back on our ideas, opinions, and ideologies, and resist the urge to "
        "“save” the people we seek to work with as they will figure out their own "
        "solutions that meet their needs.",
    ),
    Responsibility(
        3,
        "Integrity and direct communication",
        "We do our work with integrity and direct communication:",
        "we take guidance and direction from the people we seek to work with (not the "
        "other way around), and we keep our word.",
    ),
    Responsibility(
        4,
        "Do our own research",
        "We do not expect to be educated by others:",
        "we continuously do our own research on the oppressions experienced by the "
        "people we seek to work with, including herstory/history, current news, and "
        "what realities created by systems of oppression look, feel, smell, taste and "
        "sound like.",
    ),
    Responsibility(
        5,
        "Receive criticism",
        "We build our capacity to receive criticism,",
        "to be honest and accountable with our mistakes, and recognize that being "
        "called out for making a mistake is a gift—that it is an honour of trust to "
        "receive a chance to be a better person, to learn, to grow, and to do things "
        "differently.",
    ),
    Responsibility(
        6,
        "Embrace the emotions",
        "We embrace the emotions that come out of the process of allyship,",
        "understanding that we will feel uncomfortable, challenged, and hurt.",
    ),
    Responsibility(
        7,
        "Our needs are secondary",
        "Our needs are secondary to the people we seek to work with:",
        "we are responsible for our self-care and recognize that part of the privilege "
        "of our identity is that we have a choice about whether or not to resist "
        "oppression; we do not expect the people we seek to work with to provide "
        "emotional support.",
    ),
    Responsibility(
        8,
        "No awards expected",
        "We do not expect awards or special recognition",
        "for confronting issues that people have to live with every day.",
    ),
)

RESPONSIBILITY_NUMBERS: tuple[int, ...] = tuple(r.number for r in RESPONSIBILITIES)


def _numbered(items: tuple[Any, ...], number: int, what: str) -> Any:
    """The item of ``items`` numbered ``number``; ``KeyError`` naming ``what`` otherwise."""
    for item in items:
        if item.number == number:
            return item
    raise KeyError(f"there is no {what} number {number!r}; they run 1 to {len(items)}")


def responsibility(number: int) -> Responsibility:
    """The responsibility with this number (1–8); ``KeyError`` otherwise."""
    return _numbered(RESPONSIBILITIES, number, "responsibility")


PRACTICE_INTRO = "We have opportunities to practice allyship every day:"


@dataclass(frozen=True)
class PracticeQuestion:
    """One of the five everyday practice questions."""

    number: int
    title: str
    text: str


PRACTICE_QUESTIONS: tuple[PracticeQuestion, ...] = (
    PracticeQuestion(
        1, "Space we take up",
        "How much space are we taking up in conversations? in rooms? in organizing?",
    ),
    PracticeQuestion(
        2, "Access", "How do we actively improve access to our meetings? our actions?"
    ),
    PracticeQuestion(
        3, "Our identities",
        "How are our identities taking up space? physically? verbally?",
    ),
    PracticeQuestion(
        4, "What we know",
        "How much do we know about the people we seek to work with? What are our "
        "assumptions and from where did they originate?",
    ),
    PracticeQuestion(5, "Who is left behind", "Who are we leaving behind?"),
)


def practice_question(number: int) -> PracticeQuestion:
    """The practice question with this number (1–5); ``KeyError`` otherwise."""
    return _numbered(PRACTICE_QUESTIONS, number, "practice question")


ROLES_INTRO = "We act out of a genuine interest in challenging larger oppressive power structures"

ROLES_OF_AN_ALLY: tuple[str, ...] = (
    "We are here to support and make use of our privilege for the people we seek to "
    "work with",
    "We turn the spotlight we are given away from ourselves and towards the voices of "
    "those who are continuously marginalized, silenced, and ignored; we give credit "
    "where credit is due",
    "We use opportunities to engage people with whom we share identity and privilege "
    "in conversations about oppression experienced by those we seek to work with",
    "It is important to talk about allyship in this way, as much confusion has come "
    "out of problematic ideologies of “being an ally”. these may be well-meaning, but "
    "they often recreate the same oppressions or perpetuate new ones.",
)

CLOSING = (
    "Allyship is greatly valued and a huge step towards challenging oppression, "
    "however, we must understand possible feelings of resentment, bitterness, and even "
    "resistance towards us from the people we seek to work with. these feelings are "
    "not personal to us, but are reflective of peoples’ experiences with allyship with "
    "others like us (past and present.) building trust takes time, so we must "
    "recognize that what we can offer may not always be immediately needed or accepted."
)


@dataclass(frozen=True)
class PlanField:
    """A field of the handout's Action Plan for Creating Allyship."""

    key: str
    prompt: str  # the handout's question; ``{goal}`` is the chapter's goal label
    question: bool = False  # asked as a question: shown with its question mark

    def text(self, goal_label: str) -> str:
        """The prompt as the app shows it: the goal label filled in, and a question mark
        where the handout asks a question (its form ends each with a colon instead)."""
        words = self.prompt.format(goal=goal_label)
        return words + "?" if self.question else words


PLAN_TITLE = "Action Plan for Creating Allyship"

PLAN_FIELDS: tuple[PlanField, ...] = (
    PlanField("focus_group", "Group to be in allyship with"),
    PlanField(
        "motivation",
        "What is your personal motivation for wanting to be in allyship with this group",
        question=True,
    ),
    PlanField("supports_goal", "How does your personal motivation help support your {goal}",
              question=True),
    PlanField(
        "learning_activity",
        "What learning activities will you apply to support your creation of your allyship",
        question=True,
    ),
    PlanField("next_step", "Your next steps"),
)
# The app's own addition to the handout's plan (allyship is not self-defined: the plan
# keeps what the people we work with said). Shown after the handout's "supports" field.
PLAN_FEEDBACK = PlanField("feedback", "What have the people you work with told you",
                          question=True)


def plan_prompt(key: str, goal_label: str = "Audubon goal") -> str:
    """The prompt for a plan field as shown (chapter's goal label, question marks)."""
    for f in (*PLAN_FIELDS, PLAN_FEEDBACK):
        if f.key == key:
            return f.text(goal_label)
    raise KeyError(key)


# Vocabularies used by the journal. Kept here so every form, import and report
# agrees on the same words.
ACTION_KINDS: dict[str, str] = {
    "learning": "Learning",
    "conversation": "Conversation",
    "organizing": "Organizing",
    "access": "Improving access",
    "feedback": "Feedback received",
    "other": "Other",
}

VISIBILITIES: dict[str, str] = {
    "private": "Private — only me (counts anonymously in group figures)",
    "partners": "My partners (the partners I have when I save it)",
    "circle": "My learning circle",
    "team": "My team lead and team (the team I am on when I save it)",
    "chapter": "The chapter (may appear as a highlight in the report)",
}
# Reflections stay private unless shared with the team or chapter as before; one
# reflection at a time can be shared with partners explicitly (Partners page).
REFLECTION_VISIBILITIES: dict[str, str] = {
    k: v for k, v in VISIBILITIES.items() if k in ("private", "team", "chapter")}

PLAN_ITEM_KINDS: dict[str, str] = {
    "learning_activity": "Learning activity",
    "next_step": "Next step",
}

ROLES: dict[str, str] = {
    "member": "Member",
    "lead": "Team lead",
    "admin": "Chapter admin",
}
