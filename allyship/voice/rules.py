"""What Partner voice asks and the limits it keeps: the three questions and their scales,
the consent levels for a comment, the length limits, the ask budget's calendar quarters,
and how long a link stays open. Plain data; words are marked for the catalogue and
translated where shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from allyship.i18n import N_, Translator

LINK_DAYS = 30  # a request's link accepts answers for this long
MIN_RESPONSES = 5  # scale answers are shown only as totals over at least this many answers
MAX_EDITS = 20  # an answer may be changed this often before it is kept as it is
COMMENT_MAX = 1000
THANKS_MAX = 300
NAME_MAX = 120
NOTES_MAX = 1000
REPORT_BACK_MAX = 1500
PLAN_GROUPS_MAX = 5
PLAN_GROUP_MAX = 80
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Question:
    key: str  # the answers table's column
    text: str  # N_-marked English
    options: tuple[str, str, str]  # scale 1..3, N_-marked English
    responsibility: int | None  # the handout's responsibility it asks about, if one


QUESTIONS: tuple[Question, ...] = (
    Question("kept_word", N_("Did we keep our word?"),
             (N_("No"), N_("Partly"), N_("Yes")), 3),
    Question("space_taken", N_("How much space did we take up?"),
             (N_("Too much"), N_("About right"), N_("Too little")), 2),
    Question("left_behind", N_("Are we leaving anyone behind?"),
             (N_("Yes, many people"), N_("Yes, some people"), N_("No one we can see")), None),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)

# The respondent's choice for their comment, from most shown to least.
CONSENTS: dict[str, str] = {
    "named": N_("Quote it with our organisation's name"),
    "anonymous": N_("Quote it without our name"),
    "totals": N_("Do not quote it: only count that we commented"),
    "lead": N_("Only for the chapter's leads to read; never quoted"),
}
DEFAULT_CONSENT = "totals"
QUOTABLE = frozenset({"named", "anonymous"})


def question_text(tr: Translator, question: Question) -> str:
    return tr.gettext(question.text)


def option_text(tr: Translator, question: Question, value: int) -> str:
    return tr.gettext(question.options[value - 1])


# --- calendar quarters: the ask budget and the totals' periods ---------------------------

def quarter_of(day: date) -> str:
    """``"2026Q4"`` for any day of October–December 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_start(quarter: str) -> date:
    year, q = int(quarter[:4]), int(quarter[5])
    return date(year, 3 * q - 2, 1)


def next_quarter_start(quarter: str) -> date:
    start = quarter_start(quarter)
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year,
                                                                      start.month + 3, 1)


def quarter_end(quarter: str) -> date:
    return next_quarter_start(quarter) - timedelta(days=1)


def quarter_fixed_on(quarter: str) -> date:
    """The day a quarter's answers can no longer change: every request made in it has
    closed (its last possible request, made on its last day, closes :data:`LINK_DAYS`
    later). Its totals are shown from this day and never change after."""
    return quarter_end(quarter) + timedelta(days=LINK_DAYS + 1)


def quarter_label(tr: Translator, quarter: str) -> str:
    # Translators: a calendar quarter, e.g. "Q4 2026" (October to December).
    return tr.gettext("Q{number} {year}").format(number=quarter[5], year=quarter[:4])
