"""Organisation figures: every chapter's practice over time, with no one exposed.

What an organisation admin (every region) or a region lead (their region) sees per
chapter, per region and for the organisation: the chapter view's measures, summed over
chapters from the weekly roll-ups (:mod:`allyship.db.rollup`), by the chapter's period
rule (:mod:`allyship.metrics.periods`). What may be shown is decided by
:mod:`allyship.metrics.disclosure`'s check: chapters with fewer than three people besides
the viewer are folded into "Other (small chapters)" of their region, and a total that
could be subtracted to reveal them is withheld. Chapters are listed by region and name,
never by a figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd
import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, week_start
from allyship.db.memberships import covers, takes_part, weeks_cte
from allyship.metrics import disclosure
from allyship.metrics.disclosure import MIN_OTHERS
from allyship.metrics.periods import (
    STEADY_OF_LAST,
    Comparison,
    Period,
    PeriodWeeks,
    weeks_words,
)
from allyship.people import organisation
from allyship.people.organisation import OrgChapter, Region

OTHER_CHAPTERS = "Other (small chapters)"


# --- summable figures ---------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """Figures for one chapter or a group of chapters; adding two adds the counts (and
    unites the responsibilities practised)."""

    members: int = 0  # active members
    counted: int = 0  # member-weeks counted: active, and not away without an action
    participant_weeks: int = 0  # member-weeks with at least one action
    steady: int = 0  # members active in ≥ 3 of the period's last 4 weeks
    steady_counted: int = 0
    practised_mask: int = 0  # bit r-1 set: responsibility r had an action
    actions: int = 0
    minutes: int = 0
    steps_done: int = 0  # next steps done in the period
    steps_overdue: int = 0  # next steps overdue on the period's last day
    people: int = 0  # members who take part by then (memberships.takes_part)

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.members + other.members, self.counted + other.counted,
                       self.participant_weeks + other.participant_weeks,
                       self.steady + other.steady, self.steady_counted + other.steady_counted,
                       self.practised_mask | other.practised_mask,
                       self.actions + other.actions, self.minutes + other.minutes,
                       self.steps_done + other.steps_done,
                       self.steps_overdue + other.steps_overdue, self.people + other.people)

    @property
    def participation(self) -> float | None:
        return self.participant_weeks / self.counted if self.counted else None

    @property
    def steady_share(self) -> float | None:
        return self.steady / self.steady_counted if self.steady_counted else None

    @property
    def practised(self) -> int:
        return bin(self.practised_mask).count("1")


def total(parts: Iterable[Figures]) -> Figures:
    """The figures of several chapters together."""
    parts = list(parts)
    return Figures(*(sum(getattr(p, name) for p in parts) for name in _SUMMED[:5]),
                   _union(p.practised_mask for p in parts),
                   *(sum(getattr(p, name) for p in parts) for name in _SUMMED[5:]))


_SUMMED = ("members", "counted", "participant_weeks", "steady", "steady_counted",
           "actions", "minutes", "steps_done", "steps_overdue", "people")


def _union(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


# --- the lines a viewer sees ----------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One row of the organisation view: a chapter, a region's small chapters together,
    a region's total, or the organisation's. ``figures`` is ``None`` when withheld, and
    ``note`` then says why in words."""

    label: str
    kind: str  # "chapter" | "other" | "region" | "organisation"
    region: str
    figures: Figures | None
    note: str = ""
    chapter_id: int | None = None
    chapters: int = 1  # how many chapters the line counts

    @property
    def shown(self) -> bool:
        return self.figures is not None



@dataclass(frozen=True)
class OrgComparison:
    """The scope total's previous period of equal length, or why there is none."""

    previous: Figures | None
    note: str

@dataclass(frozen=True)
class OrgProgress:
    period: Period
    today: date
    region: Region | None  # None: every region
    organisation: str
    lines: tuple[Line, ...]
    weekly: pd.DataFrame  # group, kind, week, participants, counted, share (shown groups only)
    comparison: OrgComparison
    archived: int  # archived chapters, left out

    @property
    def scope_label(self) -> str:
        return self.region.name if self.region else self.organisation

    @property
    def scope_total(self) -> Line:
        kind = "region" if self.region else "organisation"
        return next(line for line in self.lines if line.kind == kind)

    def regions(self) -> list[str]:
        return list(dict.fromkeys(line.region for line in self.lines
                                  if line.kind != "organisation"))

    def lines_of(self, region: str) -> list[Line]:
        return [line for line in self.lines
                if line.region == region and line.kind != "organisation"]

    @property
    def chapters(self) -> int:
        return sum(1 for line in self.lines if line.kind == "chapter")

    @property
    def folded(self) -> int:
        return sum(line.chapters for line in self.lines if line.kind == "other")



# --- SQL: per chapter, in a few passes -----------------------------------------------

def _chapter_filter(chapters: Sequence[OrgChapter]) -> tuple[str, list[Any]]:
    ids = [c.id for c in chapters]
    return f"m.chapter_id IN ({','.join('?' * len(ids))})", ids


def _weeks(chapter: OrgChapter, period: Period, today: date) -> PeriodWeeks:
    """The period's weeks as they stand in one chapter (the chapter's period rule)."""
    return PeriodWeeks(period, week_start(chapter.started_on), today)


def _week_members(db: sqlite_utils.Database, where: str, ids: list[Any],
                  weeks: list[str]) -> dict[tuple[int, str], int]:
    """(chapter, week) → its members in that week, for ``weeks`` (ISO Mondays, sorted).
    A membership row spanning every one of them counts in each without being joined to
    each: nearly every row does, and that join was a third of the organisation's figures."""
    if not weeks:
        return {}
    spans = ("(m.from_week IS NULL OR m.from_week <= ?)"
             " AND (m.to_week IS NULL OR m.to_week > ?)")
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for chapter_id, n in db.execute(
            f"SELECT m.chapter_id, count(*) FROM memberships m WHERE {where} AND {spans}"
            " GROUP BY m.chapter_id", [*ids, weeks[0], weeks[-1]]):
        for week in weeks:
            counts[(chapter_id, week)] += n
    wk, wk_params = weeks_cte(weeks)
    # The few other rows first (materialised), then each of them against each week.
    for chapter_id, week, n in db.execute(
            f"WITH {wk}, m AS MATERIALIZED (SELECT m.chapter_id, m.from_week, m.to_week"
            f" FROM memberships m WHERE {where} AND NOT ({spans}))"
            f" SELECT m.chapter_id, wk.w, count(*) FROM m JOIN wk ON {covers('m', 'wk.w')}"
            " GROUP BY m.chapter_id, wk.w", [*wk_params, *ids, weeks[0], weeks[-1]]):
        counts[(chapter_id, week)] += n
    return dict(counts)


def _per_chapter(db: sqlite_utils.Database, chapters: Sequence[OrgChapter], period: Period,
                 today: date
                 ) -> tuple[dict[int, Figures], dict[tuple[int, str], tuple[int, int]]]:
    """Figures per chapter, and (chapter, week) → (participants, counted)."""
    if not chapters:
        return {}, {}
    where, ids = _chapter_filter(chapters)
    first, last = period.start.isoformat(), period.end.isoformat()
    as_of = period.as_of(today).isoformat()
    in_chapter = {c.id: _weeks(c, period, today) for c in chapters}
    weeks = {cid: {w.isoformat() for w in pw.weeks} for cid, pw in in_chapter.items()}

    # Membership as it stood: each week's members, and the members of the period's last
    # week (or this week's, while it runs) for the per-member figures.
    as_of_week = week_start(period.as_of(today)).isoformat()
    in_week = covers("m", "?")
    dated = f"{where} AND {in_week}"
    members: dict[int, int] = {}
    people: dict[int, int] = {}
    for chapter_id, n, taking_part in db.execute(
            f"SELECT m.chapter_id, count(*), coalesce(sum({takes_part('m.member_id', '?')}),"
            f" 0) FROM memberships m WHERE {dated} GROUP BY m.chapter_id",
            [as_of_week, as_of_week, *ids, as_of_week, as_of_week]).fetchall():
        members[chapter_id] = n
        people[chapter_id] = taking_part
    week_members = _week_members(db, where, ids, sorted({w for ws in weeks.values()
                                                         for w in ws}))

    # The weekly roll-up: one row per chapter-week, of the chapter's programme weeks.
    active: dict[tuple[int, str], int] = {}
    away: dict[tuple[int, str], int] = {}
    actions: dict[int, int] = defaultdict(int)
    minutes: dict[int, int] = defaultdict(int)
    mask: dict[int, int] = defaultdict(int)
    practised = " | ".join(f"((w.r{n} > 0) << {n - 1})" for n in range(1, 9))
    for chapter_id, week, participants, n, mins, away_silent, bits in db.execute(
            "SELECT w.chapter_id, w.week_start, w.participants, w.actions, w.minutes,"
            f" w.away_silent, {practised} FROM chapter_weeks w"
            f" WHERE {where.replace('m.', 'w.')} AND w.week_start BETWEEN ? AND ?",
            [*ids, first, last]):
        if week not in weeks[chapter_id]:
            continue
        active[(chapter_id, week)] = participants
        away[(chapter_id, week)] = away_silent
        actions[chapter_id] += n
        minutes[chapter_id] += mins
        mask[chapter_id] |= bits

    # Steadiness over the period's last 4 complete programme weeks, per chapter: each
    # active member's weeks with an action and weeks away without one, counted in SQL.
    # Chapters are grouped by those weeks (nearly always one group).
    need, of_last = STEADY_OF_LAST
    last4 = {cid: pw.complete[-of_last:] for cid, pw in in_chapter.items()}
    steady: dict[int, int] = defaultdict(int)
    steady_counted: dict[int, int] = defaultdict(int)
    by_window: dict[tuple[date, date], list[int]] = defaultdict(list)
    for cid, ws in last4.items():
        if ws:
            by_window[(ws[0], ws[-1])].append(cid)
    for (s_first, s_last), cids in by_window.items():
        of = len(last4[cids[0]])
        window = [s_first.isoformat(), s_last.isoformat()]
        marks = ",".join("?" * len(cids))
        for chapter_id, counted, n_steady in db.execute(
                "WITH mw AS (SELECT member_id, count(*) AS n FROM member_weeks"
                "  WHERE week_start BETWEEN ? AND ? GROUP BY member_id),"
                " aw AS (SELECT y.member_id, count(*) AS n FROM away_weeks y"
                "  WHERE y.week_start BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM member_weeks w"
                "  WHERE w.member_id = y.member_id AND w.week_start = y.week_start)"
                "  GROUP BY y.member_id)"
                " SELECT m.chapter_id, coalesce(sum(coalesce(aw.n, 0) < ?), 0),"
                " coalesce(sum(coalesce(aw.n, 0) < ? AND coalesce(mw.n, 0)"
                "  >= min(?, ? - coalesce(aw.n, 0))), 0)"
                " FROM memberships m LEFT JOIN mw ON mw.member_id = m.member_id"
                " LEFT JOIN aw ON aw.member_id = m.member_id"
                f" WHERE {in_week} AND m.chapter_id IN ({marks}) GROUP BY m.chapter_id",
                [*window, *window, of, of, need, of, as_of_week, as_of_week, *cids]):
            steady[chapter_id] = n_steady
            steady_counted[chapter_id] = counted

    # Plan follow-through, a snapshot on the period's last day (or today, if sooner).
    steps: dict[int, tuple[int, int]] = {}
    for chapter_id, done, overdue in db.execute(
            "SELECT m.chapter_id, coalesce(sum(i.done_on BETWEEN ? AND ?), 0),"
            " coalesce(sum((i.done_on IS NULL OR i.done_on > ?) AND i.due_on < ?), 0)"
            " FROM memberships m JOIN plans p ON p.member_id = m.member_id"
            " JOIN plan_items i ON i.plan_id = p.id AND i.kind = 'next_step'"
            f" WHERE {dated} GROUP BY m.chapter_id",
            [first, as_of, as_of, as_of, *ids, as_of_week, as_of_week]):
        steps[chapter_id] = (done, overdue)

    figures: dict[int, Figures] = {}
    weekly: dict[tuple[int, str], tuple[int, int]] = {}
    for c in chapters:
        n = members.get(c.id, 0)
        complete = {w.isoformat() for w in in_chapter[c.id].complete}
        counted = participants = 0
        for week in sorted(weeks[c.id]):
            key = (c.id, week)
            week_counted = week_members.get(key, 0) - away.get(key, 0)
            week_active = active.get(key, 0)
            weekly[key] = (week_active, week_counted)
            if week in complete:  # participation pools complete weeks only
                counted += week_counted
                participants += week_active
        done, overdue = steps.get(c.id, (0, 0))
        figures[c.id] = Figures(n, counted, participants, steady[c.id], steady_counted[c.id],
                                mask[c.id], actions[c.id], minutes[c.id], done, overdue,
                                people.get(c.id, 0))
    return figures, weekly


# --- disclosure: folding, and totals that would reveal the folded -----------------------

def _people(chapter: OrgChapter, figures: Figures, viewer: Member) -> int:
    """People taking part whom a chapter's figures describe, other than the viewer: roster
    entries that never logged an action nor marked a week away cannot make a chapter,
    or a group of small chapters, look big enough."""
    return max(0, figures.people - (1 if viewer.chapter_id == chapter.id else 0))


VIEWER = 0  # the viewer's stand-in in the member sets below


def _stand_ins(chapters: Sequence[OrgChapter], figures: dict[int, Figures],
               viewer: Member) -> dict[int, frozenset[int]]:
    """chapter id → stand-ins for the people its figures describe, for
    :func:`disclosure.kept_views`: the viewer as :data:`VIEWER`, and three for any more
    besides them (sets of three or more people can single nobody out)."""
    out, next_id = {}, VIEWER + 1
    for c in chapters:
        n = min(_people(c, figures[c.id], viewer), MIN_OTHERS)
        ids = set(range(next_id, next_id + n))
        next_id += n
        if viewer.chapter_id == c.id and figures[c.id].members:
            ids.add(VIEWER)
        out[c.id] = frozenset(ids)
    return out


def _withdraw(key: Any, ids: frozenset[int]) -> tuple | None:
    """Which views go when one must: a region's total before the organisation's, smaller
    first; never a chapter or its region's small chapters together."""
    if key[0] == "region":
        return 0, len(ids), repr(key)
    if key[0] == "organisation":
        return 1, len(ids), repr(key)
    return None


def disclose(chapters: Sequence[OrgChapter], figures: dict[int, Figures], viewer: Member,
             *, with_organisation_total: bool, organisation_name: str) -> list[Line]:
    """Every line the viewer may see, with withheld figures as ``None`` and a note why."""
    by_region: dict[str, list[OrgChapter]] = defaultdict(list)
    for c in chapters:
        by_region[c.region].append(c)
    ids = _stand_ins(chapters, figures, viewer)

    def union(cs: Iterable[OrgChapter]) -> frozenset[int]:
        return frozenset().union(*(ids[c.id] for c in cs))

    small = {c.id for c in chapters if not disclosure.enough(ids[c.id], VIEWER)}
    # A region's chapters shown on their own enter as one view: each holds three or
    # more people besides the viewer and lies only in its region's and the organisation's
    # totals, so a sum or difference that singles someone out takes them all alike —
    # the same answer as one view per chapter, without a matrix as wide as the chapters.
    candidates: list[tuple[Any, frozenset[int]]] = []
    for region, cs in by_region.items():
        candidates.append((("chapters", region), union(c for c in cs if c.id not in small)))
        candidates.append((("other", region), union(c for c in cs if c.id in small)))
        candidates.append((("region", region), union(cs)))
    if with_organisation_total:
        candidates.append((("organisation",), union(chapters)))
    kept = set(disclosure.kept_views(VIEWER, tuple(candidates), _withdraw))

    lines: list[Line] = []
    hidden_anywhere = False
    for region, cs in by_region.items():
        for c in cs:
            if c.id not in small:
                lines.append(Line(c.name, "chapter", region, figures[c.id], chapter_id=c.id))
        folded = [c for c in cs if c.id in small]
        hidden = False
        if folded:
            word = "chapter" if len(folded) == 1 else "chapters"
            if ("other", region) in kept:
                lines.append(Line(OTHER_CHAPTERS, "other", region,
                                  total(figures[c.id] for c in folded),
                                  f"{len(folded)} {word} with fewer than {MIN_OTHERS} active "
                                  "members each, counted together", chapters=len(folded)))
            else:
                hidden = any(_people(c, figures[c.id], viewer) for c in folded)
                lines.append(Line(OTHER_CHAPTERS, "other", region, None,
                                  f"{len(folded)} small {word}: too few people to show, even "
                                  "together", chapters=len(folded)))
        hidden_anywhere = hidden_anywhere or hidden
        label = f"{region} (all chapters)"
        if ("region", region) in kept:
            lines.append(Line(label, "region", region, total(figures[c.id] for c in cs),
                              chapters=len(cs)))
        else:
            lines.append(Line(label, "region", region, None, _withheld(
                hidden, "with the chapters above it would reveal the small chapters' figures"),
                chapters=len(cs)))
    if with_organisation_total:
        label = f"{organisation_name} (all chapters)"
        if ("organisation",) in kept:
            lines.append(Line(label, "organisation", "", total(figures[c.id] for c in chapters),
                              chapters=len(chapters)))
        else:
            lines.append(Line(label, "organisation", "", None, _withheld(
                hidden_anywhere, "with the figures above it would reveal a small chapter's"),
                chapters=len(chapters)))
    return lines


def _withheld(reveals: bool, why: str) -> str:
    """Why a total is not shown: it would reveal hidden people, or it is too small itself."""
    return (f"Total not shown: {why}" if reveals else
            f"Total not shown: fewer than {MIN_OTHERS} people besides you")


def _weekly_frame(lines: Sequence[Line], chapters: Sequence[OrgChapter],
                  weekly: dict[tuple[int, str], tuple[int, int]]) -> pd.DataFrame:
    """Weekly participation of every shown chapter, region total and organisation total."""
    in_region: dict[str, list[int]] = defaultdict(list)
    for c in chapters:
        in_region[c.region].append(c.id)
    by_chapter: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for (cid, week), value in weekly.items():
        by_chapter[cid][week] = value
    cols: dict[str, list[Any]] = {k: [] for k in ("group", "kind", "region", "week",
                                                  "participants", "counted")}
    for line in lines:
        if not line.shown or line.kind == "other":
            continue
        if line.kind == "chapter":
            ids = [line.chapter_id]
        elif line.kind == "region":
            ids = in_region[line.region]
        else:
            ids = [c.id for c in chapters]
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for cid in ids:
            for week, (p, n) in by_chapter[cid].items():
                acc = sums[week]
                acc[0] += p
                acc[1] += n
        for week in sorted(sums):
            p, n = sums[week]
            for key, value in (("group", line.label), ("kind", line.kind),
                               ("region", line.region), ("week", week),
                               ("participants", p), ("counted", n)):
                cols[key].append(value)
    frame = pd.DataFrame(cols)
    frame["week"] = pd.to_datetime(frame["week"])
    counted = frame["counted"].where(frame["counted"] > 0)
    frame["share"] = (frame["participants"] / counted).astype(float)
    return frame



def _comparison(db: sqlite_utils.Database, chapters: Sequence[OrgChapter], period: Period,
                scope_total: Line, today: date) -> OrgComparison:
    """The previous period of equal length, when every chapter may compare the two by
    the chapter's rule (:class:`allyship.metrics.periods.Comparison`)."""
    if not scope_total.shown:
        return OrgComparison(None, "No comparison: the total is not shown.")
    before = period.previous()
    compared = [Comparison(_weeks(c, period, today), _weeks(c, before, today))
                for c in chapters]
    unfinished = next((x for x in compared if x.now.in_progress or x.now.not_yet), None)
    if unfinished is not None:
        return OrgComparison(None, unfinished.note)
    late = [x for x in compared if not x.comparable]
    if late:
        word = "chapter" if len(late) == 1 else "chapters"
        return OrgComparison(None, f"No comparison: {len(late)} {word} began the programme "
                                   f"during or after the {weeks_words(before.n_weeks)} before "
                                   f"({before.dates}), so the periods are not alike.")
    # Who may be shown depends on membership, not on the period: a total shown now is
    # shown for the previous period too, and is the sum of its chapters.
    figures, _ = _per_chapter(db, chapters, before, today)
    note = compared[0].note if compared else ""
    return OrgComparison(total(figures.values()), note)


def org_progress(db: sqlite_utils.Database, actor: Member | None, period: Period, *,
                 region_id: int | None = None, today: date | None = None) -> OrgProgress:
    """Every figure of the organisation view for the period, for every region or one."""
    viewer = access.require_org_view(actor, region_id)
    today = today or date.today()
    # The chapters, their regions and standing as they were in the period's last week
    # (this week's while it runs), like the members each chapter counts.
    as_of = week_start(period.as_of(today))
    chapters = organisation.list_chapters(db, viewer, region_id=region_id, as_of=as_of)
    archived = sum(c.archived for c in organisation.list_chapters(
        db, viewer, region_id=region_id, include_archived=True, as_of=as_of))
    region = next((r for r in organisation.list_regions(db) if r.id == region_id), None)
    org_name = organisation.organisation_name(db)
    figures, weekly = _per_chapter(db, chapters, period, today)
    with_org = region_id is None
    lines = disclose(chapters, figures, viewer, with_organisation_total=with_org,
                     organisation_name=org_name)
    if region is not None and not chapters:  # a region without chapters still has a total
        lines = [Line(f"{region.name} (all chapters)", "region", region.name, None,
                      "No chapters in this region.", chapters=0)]
    progress = OrgProgress(period, today, region, org_name, tuple(lines),
                           _weekly_frame(lines, chapters, weekly), OrgComparison(None, ""),
                           archived)
    comparison = _comparison(db, chapters, period, progress.scope_total, today)
    return replace(progress, comparison=comparison)


# --- headline numbers -------------------------------------------------------------------

@dataclass(frozen=True)
class OrgHeadline:
    label: str
    value: str
    delta: str | None
    help: str


def fmt_share(v: float | None) -> str:
    return "–" if v is None else f"{v:.0%}"


def headlines(progress: OrgProgress) -> list[OrgHeadline]:
    """The scope total's headline numbers, with a change only when the previous period
    is alike (see :class:`Comparison`)."""
    f = progress.scope_total.figures
    if f is None:
        return []
    p = progress.comparison.previous

    def pts(now: float | None, before: float | None) -> str | None:
        if p is None or now is None or before is None:
            return None
        return f"{(now - before) * 100:+.0f} pts"

    def count(now: int, before: int | None) -> str | None:
        return None if p is None or before is None else f"{now - before:+,}"

    return [
        OrgHeadline("Chapters counted", f"{progress.scope_total.chapters:,}", None,
                    "Active (not archived) chapters in the figures."),
        OrgHeadline("Active members", f"{f.members:,}", count(f.members, p and p.members),
                    "Members marked active in their chapter."),
        OrgHeadline("Weekly participation", fmt_share(f.participation),
                    pts(f.participation, p and p.participation),
                    "Of active members not away, the share who logged at least one action, "
                    "over the period's complete weeks together."),
        OrgHeadline("Steady members", fmt_share(f.steady_share),
                    pts(f.steady_share, p and p.steady_share),
                    "Members active in at least 3 of the period's last 4 weeks."),
        OrgHeadline("Responsibilities practised", f"{f.practised} of 8",
                    count(f.practised, p and p.practised),
                    "Responsibilities with at least one action anywhere in the scope."),
        OrgHeadline("Next steps done", f"{f.steps_done:,}",
                    count(f.steps_done, p and p.steps_done),
                    "Plan next steps marked done in the period."),
        OrgHeadline("Time invested", f"{f.minutes / 60:,.0f} h",
                    None if p is None else f"{(f.minutes - p.minutes) / 60:+,.0f} h",
                    "Minutes recorded on actions (recording minutes is optional)."),
    ]


def table(lines: Sequence[Line]) -> pd.DataFrame:
    """The lines as a table for the page, the report and CSV (withheld figures blank)."""
    rows = []
    for line in lines:
        f = line.figures
        rows.append({
            "Region": line.region or "—",
            "Chapter": line.label,
            "Active members": f.members if f else None,
            "Weekly participation": fmt_share(f.participation) if f else "not shown",
            "Steady members": fmt_share(f.steady_share) if f else "not shown",
            "Responsibilities practised (of 8)": f.practised if f else None,
            "Next steps done": f.steps_done if f else None,
            "Next steps overdue": f.steps_overdue if f else None,
            "Actions": f.actions if f else None,
            "Time invested (h)": round(f.minutes / 60, 1) if f else None,
            "Note": line.note,
        })
    # object dtype: a withheld figure stays blank instead of turning counts into floats
    return pd.DataFrame(rows, dtype=object)


__all__ = ["Figures", "Line", "OrgComparison", "OrgProgress", "disclose", "fmt_share",
           "headlines", "org_progress", "table", "OTHER_CHAPTERS"]
