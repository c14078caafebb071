"""The chapter report's sentences, in the reader's language: what each format and the
Chapter report page say about the figures — the points about who we may be leaving
behind, the charts' captions, the footer's notes.

Each function takes the assembled report and a translator (``None``: English, as the
report has always read). Only words are made here; the figures come from the report.
"""

from __future__ import annotations

from typing import Any

from allyship.i18n import Translator, formatting
from allyship.metrics import chapter_figures, disclosure, periods
from allyship.metrics.overview import Headline
from allyship.reports import wording
from allyship.reports.chapter_measures import FallingGroup
from allyship.reports.wording import resolve

# A chapter_report.ChapterReport: that module imports this one, so it is not named here.
Report = Any



def change_words(h: Headline, tr: Translator | None = None) -> str:
    """The change against the previous period in plain words ("no comparison" whenever
    the periods are not comparable: the headline then has no previous value)."""
    return wording.change_words(resolve(tr), h)


def title(r: Report, tr: Translator | None = None) -> str:
    return resolve(tr).gettext("{chapter}: chapter report").format(chapter=r.chapter)


def subtitle(r: Report, tr: Translator | None = None) -> str:
    tr = resolve(tr)
    return f"{wording.group_label(tr, r.scope_label)} · {wording.period_label(tr, r.period)}"


def members(tr: Translator, n: int) -> str:
    """"12 active members"."""
    return tr.ngettext("{count} active member", "{count} active members", n).format(
        count=formatting.format_number(tr, n))


def ahead_words(r: Report, tr: Translator | None = None) -> str:
    """The coming weeks in which next steps fall due, as dates."""
    tr = resolve(tr)
    return tr.gettext("{start} – {end}").format(start=wording.day_short(tr, r.ahead[0]),
                                                end=wording.day(tr, r.ahead[1]))


def notes(r: Report, tr: Translator | None = None) -> list[str]:
    """What the figures cover and leave out, in plain words (the report's footer)."""
    tr = resolve(tr)
    asked = tr.gettext("{start} – {end}").format(start=wording.day(tr, r.requested[0]),
                                                 end=wording.day(tr, r.requested[1]))
    return [
        tr.gettext("Dates asked for: {dates}; figures cover the whole weeks (Monday to "
                   "Sunday) {weeks}. {comparison}").format(
            dates=asked, weeks=wording.weeks_label(tr, r.comparison.now),
            comparison=wording.comparison_note(tr, r.comparison)),
        tr.gettext("Figures count active members only, everyone anonymously, private entries "
                   "included only as counts. Teams with fewer than {minimum} members are "
                   "grouped together (or left out) so that nobody is singled out. Nobody is "
                   "ranked.").format(minimum=disclosure.MIN_OTHERS),
        tr.gettext("Highlights are only actions their authors chose to share with the whole "
                   "chapter."),
    ]


def falling_point(tr: Translator, f: FallingGroup) -> str:
    """A team or focus group whose participation fell, as one sentence."""
    fields = {"name": f.name, "now": wording.share(tr, f.share_now),
              "before": wording.share(tr, f.share_before)}
    if f.kind == "team":
        return tr.gettext("Team {name}: {now} took part each week, down from {before}."
                          ).format(**fields)
    return tr.gettext("Focus group {name}: {now} took part each week, down from {before}."
                      ).format(**fields)


def leaving_behind(r: Report, tr: Translator | None = None) -> list[str]:
    """The "Who are we leaving behind?" points, as plain sentences (no markup)."""
    tr = resolve(tr)
    points = []
    for p in r.least_practised.itertuples(index=False):
        n = int(p.actions)
        points.append(tr.ngettext("Less practised: {responsibility} — {count} action in the "
                                  "period.",
                                  "Less practised: {responsibility} — {count} actions in the "
                                  "period.", n).format(
            responsibility=wording.responsibility_label(tr, p.responsibility),
            count=formatting.format_number(tr, n)))
    points += [falling_point(tr, f) for f in r.falling]
    if not r.falling:
        points.append(tr.gettext("No team or focus group shown here fell by {points} points "
                                 "or more in participation.").format(
            points=f"{chapter_figures.FALLING_BY * 100:.0f}"))
    if r.silent_members:
        points.append(tr.gettext("{silent} of {members} active members logged nothing in the "
                                 "period — a reason to check in, not to blame.").format(
            silent=formatting.format_number(tr, r.silent_members),
            members=formatting.format_number(tr, r.members)))
    overdue = r.headline("overdue")
    if overdue.value:
        points.append(tr.gettext("{count} next steps were overdue at the end of the period."
                                 ).format(count=wording.figure(tr, overdue, overdue.value)))
    return points


def chart_captions(r: Report, tr: Translator | None = None) -> list[str]:
    """One sentence under each chart: participation, coverage, next steps."""
    tr = resolve(tr)
    participation, practised = r.headline("participation"), r.headline("coverage")
    total = r.follow_through[r.follow_through["is_total"]].iloc[0]
    return [
        tr.gettext("Each point is one week: the share of active members (not away that week) "
                   "who logged at least one action; the line is the 4-week average. Over the "
                   "period's complete weeks: {participation}.").format(
            participation=wording.figure(tr, participation, participation.value)),
        tr.gettext("Which of the eight responsibilities were practised, week by week: "
                   "{practised} of 8 in the period. Grey squares are weeks nobody practised "
                   "that responsibility; darker blue means more actions.").format(
            practised=wording.figure(tr, practised, practised.value)),
        tr.gettext("Plan next steps: {done} done in the period, {open} still open and "
                   "{overdue} past their due date on the period's last day.").format(
            done=total["done"], open=total["open"], overdue=total["overdue"]),
    ]


def no_charts_reason(r: Report, tr: Translator | None = None) -> str:
    """Why the report has no charts, in words (when it has none)."""
    tr = resolve(tr)
    if r.actions == 0:
        return tr.gettext("No actions were logged in this period, so there is nothing to "
                          "chart.")
    return tr.gettext("Charts need at least {minimum} complete weeks of the programme; this "
                      "period has {count}.").format(minimum=periods.MIN_CHART_WEEKS,
                                                    count=len(r.comparison.now.complete))
