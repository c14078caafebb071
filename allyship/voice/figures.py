"""What the chapter sees of its partners' answers, and what leaves the app.

**The totals rule.** Answers count in the calendar quarter the request was made in. A
quarter's scale answers are shown only as totals for the whole chapter (never by partner,
plan group or team), only once the quarter is *fixed* — every request made in it has
closed (:func:`rules.quarter_fixed_on`) — and only if at least :data:`rules.MIN_RESPONSES`
partners answered. A fixed quarter's answers cannot change, so a shown total never
changes; a new answer can only ever change what is shown by adding a whole quarter of at
least five answers. Totals "over all quarters" add up shown quarters only.

**Comments, as the respondent chose.** ``named``: quoted with their organisation's name;
``anonymous``: quoted without it, and only from a shown quarter (so it stands among at
least five); ``totals``: never shown, only counted; ``lead``: shown on the Partner voice
page to the chapter's leads and admins, never in a report, export or email.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlite_utils

from allyship.core import access
from allyship.core.models import Member
from allyship.i18n import Translator, formatting, handout, translator_for
from allyship.metrics import chapter_figures
from allyship.metrics.periods import Period
from allyship.metrics.scopes import Scope
from allyship.voice import partners, rules


@dataclass(frozen=True)
class QuestionTotals:
    key: str
    counts: tuple[int, int, int]  # partners who chose option 1, 2, 3
    skipped: int

    @property
    def answered(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class QuarterTotals:
    quarter: str
    responses: int
    questions: tuple[QuestionTotals, ...]
    comments: int  # every comment, whatever its consent

    def question(self, key: str) -> QuestionTotals:
        return next(q for q in self.questions if q.key == key)


@dataclass(frozen=True)
class Quote:
    quarter: str
    text: str
    organisation: str | None  # only when they chose to be named (or for leads' eyes only)
    consent: str


@dataclass(frozen=True)
class QuarterState:
    """A quarter with requests, and whether and when its totals are shown."""

    quarter: str
    asked: int
    fixed_on: date
    shown: bool  # fixed, and at least MIN_RESPONSES answered


def _answer_rows(db: sqlite_utils.Database, chapter_id: int, quarter: str) -> list[tuple]:
    keys = ", ".join(rules.QUESTION_KEYS)
    return db.execute(f"SELECT {keys}, comment FROM community_partner_answers"
                      " WHERE chapter_id = ? AND quarter = ?", [chapter_id, quarter]).fetchall()


def quarter_states(db: sqlite_utils.Database, chapter_id: int, today: date) -> list[QuarterState]:
    """Every quarter in which the chapter asked, newest first."""
    out = []
    for quarter, asked, answered in db.execute(
            "SELECT a.quarter, count(*), count(r.ask_id) FROM community_partner_asks a"
            " LEFT JOIN community_partner_answers r ON r.ask_id = a.id"
            " WHERE a.chapter_id = ? GROUP BY a.quarter ORDER BY a.quarter DESC", [chapter_id]):
        fixed_on = rules.quarter_fixed_on(quarter)
        out.append(QuarterState(quarter, asked, fixed_on,
                                fixed_on <= today and answered >= rules.MIN_RESPONSES))
    return out


def totals(db: sqlite_utils.Database, chapter_id: int, quarter: str) -> QuarterTotals:
    """A quarter's totals as stored; callers show them only for a shown quarter."""
    rows = _answer_rows(db, chapter_id, quarter)
    questions = []
    for i, key in enumerate(rules.QUESTION_KEYS):
        values = [r[i] for r in rows]
        questions.append(QuestionTotals(key, (values.count(1), values.count(2),
                                              values.count(3)), values.count(None)))
    return QuarterTotals(quarter, len(rows), tuple(questions),
                         sum(1 for r in rows if r[-1]))


def shown_totals(db: sqlite_utils.Database, chapter_id: int, today: date) -> list[QuarterTotals]:
    """The totals that may be shown today, newest quarter first (the rule above)."""
    return [totals(db, chapter_id, s.quarter)
            for s in quarter_states(db, chapter_id, today) if s.shown]


def quotes(db: sqlite_utils.Database, chapter_id: int, today: date, *,
           for_leads: bool = False, quarters: set[str] | None = None) -> list[Quote]:
    """Comments as their writers allowed: named ones, anonymous ones from shown quarters,
    and — only with ``for_leads`` (the Partner voice page) — those for the leads' eyes.
    Newest quarter first; within a quarter in an order that says nothing of who answered
    when."""
    shown = {s.quarter for s in quarter_states(db, chapter_id, today) if s.shown}
    out = []
    for quarter, text, consent, name in db.execute(
            "SELECT r.quarter, r.comment, r.consent, p.name FROM community_partner_answers r"
            " JOIN community_partner_asks a ON a.id = r.ask_id"
            " JOIN community_partners p ON p.id = a.partner_id"
            " WHERE r.chapter_id = ? AND r.comment != ''"
            " ORDER BY r.quarter DESC, r.comment", [chapter_id]):
        if quarters is not None and quarter not in quarters:
            continue
        if consent == "named" or (consent == "lead" and for_leads):
            out.append(Quote(quarter, text, name, consent))
        elif consent == "anonymous" and quarter in shown:
            out.append(Quote(quarter, text, None, consent))
    return out


# --- intent beside impact -----------------------------------------------------------------

@dataclass(frozen=True)
class IntentImpact:
    question: rules.Question
    responsibility_label: str | None
    practice_share: float | None  # members' weekly share practising it, over the quarter
    practice_note: str  # why there is no share, if there is none
    partners: QuestionTotals


def practice_share(db: sqlite_utils.Database, actor: Member, quarter: str,
                   responsibility: int) -> float | None:
    """The chapter's own practice: members practising ``responsibility`` in a week, over
    active members counted, pooled over the quarter's weeks (the chapter's own figures)."""
    period = Period.between(rules.quarter_start(quarter), rules.quarter_end(quarter))
    scope = Scope(actor.chapter_id)
    grid = chapter_figures.responsibility_weeks(db, actor, scope, period)
    weekly = chapter_figures.weekly_participation(db, actor, scope, period)
    counted = weekly[weekly["is_total"] & ~weekly["in_progress"]]["counted"].sum()
    if not counted:
        return None
    done = set(pd.to_datetime(weekly[weekly["is_total"] & ~weekly["in_progress"]]["week"]))
    rows = grid[(grid["responsibility"] == responsibility)
                & pd.to_datetime(grid["week"]).isin(done)]
    return float(rows["members"].sum()) / float(counted)


def intent_beside_impact(db: sqlite_utils.Database, actor: Member | None,
                         shown: QuarterTotals, tr: Translator | None = None
                         ) -> list[IntentImpact]:
    """For each question tied to a responsibility: the chapter's practice of it in the
    quarter beside how partners saw it (a shown quarter's totals only)."""
    actor = partners.require_keeper(actor)
    tr = tr or translator_for("en")
    out = []
    for question in rules.QUESTIONS:
        label, share, note = None, None, ""
        if question.responsibility is None:
            note = tr.gettext("No single responsibility: this is the handout's own question.")
        else:
            label = handout.responsibility(tr, question.responsibility).label
            try:
                share = practice_share(db, actor, shown.quarter, question.responsibility)
            except access.PermissionDenied as exc:
                note = str(exc)
            if share is None and not note:
                note = tr.gettext("No weeks with members counted in this quarter.")
        out.append(IntentImpact(question, label, share, note, shown.question(question.key)))
    return out


# --- what leaves the app: the report section and the export ----------------------------

@dataclass(frozen=True)
class VoiceSection:
    """The chapter report's section: consented quotes, shown totals and what we did."""

    title: str
    totals: tuple[QuarterTotals, ...]
    quotes: tuple[Quote, ...]
    report_backs: tuple[tuple[str, str], ...]  # (quarter, what we did)
    paragraphs: tuple[str, ...] = field(default=())  # the whole section as plain text


def describe_totals(tr: Translator, t: QuarterTotals) -> list[str]:
    """A quarter's totals in sentences (plain text; the caller escapes)."""
    lines = [tr.ngettext("{quarter}: {count} partner answered.",
                         "{quarter}: {count} partners answered.", t.responses).format(
        quarter=rules.quarter_label(tr, t.quarter), count=t.responses)]
    for q in rules.QUESTIONS:
        qt = t.question(q.key)
        parts = "; ".join(f"{rules.option_text(tr, q, i + 1)} {formatting.format_number(tr, n)}"
                          for i, n in enumerate(qt.counts))
        lines.append(tr.gettext("{question} {answers} (skipped: {skipped})").format(
            question=rules.question_text(tr, q), answers=parts, skipped=qt.skipped))
    return lines


def describe_quote(tr: Translator, quote: Quote) -> str:
    if quote.organisation:
        return tr.gettext("“{text}” — {organisation}").format(text=quote.text,
                                                            organisation=quote.organisation)
    return tr.gettext("“{text}” — a partner").format(text=quote.text)


def section(db: sqlite_utils.Database, chapter_id: int, period: Period,
            tr: Translator | None = None) -> VoiceSection:
    """"What the people we work with told us, and what we did" for a report on ``period``:
    the quarters whose answers became final within the period (so a completed period's
    section never changes), their totals if shown, quotes as consented (never those for
    the leads' eyes or totals only) and the chapter's report-backs for them."""
    tr = tr or translator_for("en")
    states = [s for s in quarter_states(db, chapter_id, period.end)
              if period.start <= s.fixed_on <= period.end]
    quarters = {s.quarter for s in states}
    shown = tuple(totals(db, chapter_id, s.quarter) for s in states if s.shown)
    said = tuple(q for q in quotes(db, chapter_id, period.end, quarters=quarters)
                 if q.consent in rules.QUOTABLE)
    backs = tuple((q, text) for q, text in db.execute(
        "SELECT quarter, text FROM community_partner_report_backs WHERE chapter_id = ?"
        " AND sent_at IS NOT NULL ORDER BY quarter DESC", [chapter_id]) if q in quarters)
    lines: list[str] = []
    for t in shown:
        lines += describe_totals(tr, t)
    for s in states:
        if not s.shown:
            lines.append(tr.gettext("{quarter}: fewer than {minimum} partners answered, so "
                                    "no totals are shown.").format(
                quarter=rules.quarter_label(tr, s.quarter), minimum=rules.MIN_RESPONSES))
    lines += [describe_quote(tr, q) for q in said]
    lines += [tr.gettext("What we did ({quarter}): {text}").format(
        quarter=rules.quarter_label(tr, q), text=text) for q, text in backs]
    if not lines:
        lines.append(tr.gettext("No partner feedback became final in this period."))
    return VoiceSection(tr.gettext("What the people we work with told us, and what we did"),
                        shown, said, backs, tuple(lines))


def export_frame(db: sqlite_utils.Database, actor: Member | None,
                 today: date | None = None) -> pd.DataFrame:
    """What may leave the app as a file: shown totals and quotable comments only."""
    actor = partners.require_keeper(actor)
    today = today or date.today()
    rows = []
    for t in shown_totals(db, actor.chapter_id, today):
        for q in t.questions:
            for i, n in enumerate(q.counts):
                rows.append({"quarter": t.quarter, "kind": "total", "question": q.key,
                             "answer": i + 1, "partners": n, "comment": "",
                             "organisation": ""})
    for quote in quotes(db, actor.chapter_id, today):
        if quote.consent in rules.QUOTABLE:
            rows.append({"quarter": quote.quarter, "kind": "quote", "question": "",
                         "answer": None, "partners": None, "comment": quote.text,
                         "organisation": quote.organisation or ""})
    return pd.DataFrame(rows, columns=["quarter", "kind", "question", "answer", "partners",
                                       "comment", "organisation"])
