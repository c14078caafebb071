"""The organisation report's words in the reader's language: its headline figures, the
table of chapters and regions, the lines' labels and notes, the comparison, the footer
and the points about who we may be leaving behind.

The figures come from :mod:`allyship.metrics.org_figures`, which names its lines and
explains withheld totals in English; those words are recognised here by their shape
and said again in the reader's language (a :class:`~allyship.i18n.Message` is
translated by its template; anything not recognised is looked up as it is).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from allyship.i18n import N_, Message, Translator, formatting, translate
from allyship.metrics import disclosure, org_figures
from allyship.metrics.org_figures import Line, OrgProgress
from allyship.reports import wording
from allyship.reports.wording import resolve

# An org_report.OrgReport: that module imports this one, so it is not named here.
Report = Any


N_("Other (small chapters)")  # org_figures.OTHER_CHAPTERS, for the catalogue
# The table's columns: English keys (the page's, and the Markdown's before it spoke other
# languages), each heading translated where shown.
COLUMNS: dict[str, str] = {
    "Chapter": N_("Chapter"),
    "Active members": N_("Active members"),
    "Weekly participation": N_("Weekly participation"),
    "Steady members": N_("Steady members"),
    "Responsibilities practised (of 8)": N_("Responsibilities practised (of 8)"),
    "Next steps done": N_("Next steps done"),
    "Next steps overdue": N_("Next steps overdue"),
    "Actions": N_("Actions"),
    "Time invested (h)": N_("Time invested (h)"),
    "Note": N_("Note"),
}
NUMERIC = {"Active members", "Responsibilities practised (of 8)", "Next steps done",
           "Next steps overdue", "Actions", "Time invested (h)"}


# --- lines -----------------------------------------------------------------------------------

def line_label(tr: Translator, line: Line, organisation: str) -> str:
    """A line's name: a chapter's as written; the app's words for the others."""
    if line.kind == "other":
        return tr.gettext(org_figures.OTHER_CHAPTERS)
    if line.kind == "region":
        return tr.gettext("{name} (all chapters)").format(name=line.region)
    if line.kind == "organisation":
        return tr.gettext("{name} (all chapters)").format(name=organisation)
    return line.label


def group_label(tr: Translator, group: str, progress: OrgProgress) -> str:
    """A weekly frame's group (a line's label) as :func:`line_label` says it."""
    line = next((x for x in progress.lines if x.label == group), None)
    return group if line is None else line_label(tr, line, progress.organisation)


_COUNTED = re.compile(r"^(\d+) chapters? with fewer than (\d+) active members each, "
                      r"counted together$")
_TOO_FEW = re.compile(r"^(\d+) small chapters?: too few people to show, even together$")
_TOO_SMALL = re.compile(r"^Total not shown: fewer than (\d+) people besides you$")
_LATE = re.compile(r"^No comparison: (\d+) chapters? began the programme during or after ")


def line_note(tr: Translator, note: str) -> str:
    """Why a line's figures are counted together or withheld, in ``tr``'s language."""
    if not note or isinstance(note, Message):
        return translate(tr, note)
    if m := _COUNTED.match(note):
        n = int(m[1])
        return tr.ngettext("{count} chapter with fewer than {minimum} active members each, "
                           "counted together",
                           "{count} chapters with fewer than {minimum} active members each, "
                           "counted together", n).format(count=n, minimum=m[2])
    if m := _TOO_FEW.match(note):
        n = int(m[1])
        return tr.ngettext("{count} small chapter: too few people to show, even together",
                           "{count} small chapters: too few people to show, even together",
                           n).format(count=n)
    if m := _TOO_SMALL.match(note):
        return tr.gettext("Total not shown: fewer than {minimum} people besides you").format(
            minimum=m[1])
    return translate(tr, note)


N_("Total not shown: with the chapters above it would reveal the small chapters' figures")
N_("Total not shown: with the figures above it would reveal a small chapter's")
N_("No chapters in this region.")
N_("No comparison: the total is not shown.")


def comparison_note(tr: Translator, p: OrgProgress) -> str:
    """What the headline changes compare with, or why there are none."""
    note = p.comparison.note
    before = p.period.previous()
    weeks = formatting.count_weeks(tr, before.n_weeks)
    if note and p.comparison.previous is not None:
        return tr.gettext("Changes compare with the {weeks} before ({dates}).").format(
            weeks=weeks, dates=wording.period_dates(tr, before))
    if m := _LATE.match(note):
        n = int(m[1])
        return tr.ngettext("No comparison: {count} chapter began the programme during or after "
                           "the {weeks} before ({dates}), so the periods are not alike.",
                           "No comparison: {count} chapters began the programme during or "
                           "after the {weeks} before ({dates}), so the periods are not alike.",
                           n).format(count=n, weeks=weeks,
                                     dates=wording.period_dates(tr, before))
    return translate(tr, note)


# --- headlines and the table -----------------------------------------------------------------

def headlines(tr: Translator, p: OrgProgress) -> list[tuple[str, str, str | None, str]]:
    """The scope total's headline numbers as (label, value, change, help): a change only
    when the previous period is alike (as :func:`org_figures.headlines`)."""
    f = p.scope_total.figures
    if f is None:
        return []
    before = p.comparison.previous
    _ = tr.gettext

    def signed(now: float | None, then: float | None, scale: float = 1) -> str | None:
        if before is None or now is None or then is None:
            return None
        return wording.signed(tr, (now - then) * scale)

    def pts(now: float | None, then: float | None) -> str | None:
        change = signed(now, then, 100)
        return None if change is None else tr.pgettext("change", "{points} pts").format(
            points=change)

    hours = None if before is None else tr.pgettext("duration", "{hours} h").format(
        hours=wording.signed(tr, (f.minutes - before.minutes) / 60))
    return [
        (_("Chapters counted"), wording.number(tr, p.scope_total.chapters), None,
         _("Active (not archived) chapters in the figures.")),
        (_("Active members"), wording.number(tr, f.members),
         signed(f.members, before and before.members),
         _("Members marked active in their chapter.")),
        (_("Weekly participation"), wording.share(tr, f.participation),
         pts(f.participation, before and before.participation),
         _("Of active members not away, the share who logged at least one action, over the "
           "period's complete weeks together.")),
        (_("Steady members"), wording.share(tr, f.steady_share),
         pts(f.steady_share, before and before.steady_share),
         _("Members active in at least 3 of the period's last 4 weeks.")),
        (_("Responsibilities practised"), _("{count} of 8").format(count=f.practised),
         signed(f.practised, before and before.practised),
         _("Responsibilities with at least one action anywhere in the scope.")),
        (_("Next steps done"), wording.number(tr, f.steps_done),
         signed(f.steps_done, before and before.steps_done),
         _("Plan next steps marked done in the period.")),
        (_("Time invested"), tr.pgettext("duration", "{hours} h").format(
            hours=wording.number(tr, f.minutes / 60)), hours,
         _("Minutes recorded on actions (recording minutes is optional).")),
    ]


def table(tr: Translator, lines: Sequence[Line], organisation: str) -> list[dict[str, object]]:
    """The lines as table rows keyed by :data:`COLUMNS` (withheld figures blank), with
    ``is_total`` on a region's line."""
    rows = []
    not_shown = tr.gettext("not shown")
    for line in lines:
        f = line.figures
        rows.append({
            "Chapter": line_label(tr, line, organisation),
            "Active members": wording.number(tr, f.members) if f else None,
            "Weekly participation": wording.share(tr, f.participation) if f else not_shown,
            "Steady members": wording.share(tr, f.steady_share) if f else not_shown,
            "Responsibilities practised (of 8)": f.practised if f else None,
            "Next steps done": wording.number(tr, f.steps_done) if f else None,
            "Next steps overdue": wording.number(tr, f.steps_overdue) if f else None,
            "Actions": wording.number(tr, f.actions) if f else None,
            "Time invested (h)": wording.decimal(tr, f.minutes / 60) if f else None,
            "Note": line_note(tr, line.note),
            "is_total": line.kind == "region",
        })
    return rows


def columns(tr: Translator) -> dict[str, str]:
    return {key: tr.gettext(heading) for key, heading in COLUMNS.items()}


# --- sentences -------------------------------------------------------------------------------

def notes(r: Report, tr: Translator | None = None) -> list[str]:
    """What the figures cover and leave out, in plain words (the report's footer)."""
    tr = resolve(tr)
    p = r.progress
    out = [tr.gettext("Period: {period}, complete weeks only (the week in progress is never "
                      "included). Weeks before a chapter's programme began are left out of its "
                      "figures.").format(period=wording.period_label(tr, p.period)),
           comparison_note(tr, p),
           tr.gettext("Chapters with fewer than {minimum} active members are counted together "
                      "as \"{other}\"; a group or total that would reveal fewer than 3 people "
                      "is not shown. Chapters are listed by region and name, not ranked."
                      ).format(minimum=disclosure.MIN_OTHERS,
                               other=tr.gettext(org_figures.OTHER_CHAPTERS))]
    if p.archived:
        out.append(tr.gettext("{count} archived chapter(s) left out.").format(count=p.archived))
    if r.not_named:
        out.append(tr.gettext("{count} chapter(s) chose not to appear by name in highlights."
                              ).format(count=r.not_named))
    out.append(tr.gettext("No member is named anywhere in this report; it holds no private "
                          "entries, reflections or plans."))
    return out


def practised_least(r: Report, tr: Translator) -> str:
    f = r.progress.scope_total.figures
    if f is None:
        return ""
    missing = [wording.responsibility_label(tr, n) for n in range(1, 9)
               if not f.practised_mask & (1 << (n - 1))]
    if not missing:
        return tr.gettext("Every one of the eight responsibilities was practised somewhere in "
                          "the scope.")
    return tr.gettext("Not practised anywhere in the scope: {responsibilities}.").format(
        responsibilities="; ".join(missing))


def leaving_behind(r: Report, tr: Translator | None = None) -> list[str]:
    """Who are we leaving behind, at organisation level: responsibilities practised
    nowhere, chapters where nobody logged, next steps overdue."""
    tr = resolve(tr)
    p = r.progress
    least = practised_least(r, tr)
    points = [least] if least else []
    silent = [line.label for line in p.lines
              if line.kind == "chapter" and line.figures and line.figures.participant_weeks == 0]
    points += [tr.gettext("{chapter}: nobody logged an action in the period — worth a call to "
                          "its admin.").format(chapter=name) for name in silent]
    overdue = p.scope_total.figures.steps_overdue if p.scope_total.figures else None
    if overdue:
        points.append(tr.gettext("{count} plan next steps overdue on the period's last day."
                                 ).format(count=wording.number(tr, overdue)))
    if not points:
        points.append(tr.gettext("Nothing stands out: every chapter shown logged actions, and "
                                 "no total can be shown to count overdue next steps."))
    return points
