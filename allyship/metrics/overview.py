"""A view's headline numbers and its whole frame set (:func:`team_progress`): what the
Team progress page and the chapter report show for a scope and period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import pandas as pd
import sqlite_utils

from allyship.core.columns import Columns
from allyship.core.models import Member, week_start
from allyship.i18n import N_, Translator, formatting
from allyship.metrics import chapter_figures
from allyship.metrics.chapter_figures import PeriodFigures, ThisWeek
from allyship.metrics.frames import Steadiness
from allyship.metrics.periods import Comparison, Period, PeriodWeeks
from allyship.metrics.scopes import Scope, View, check, view_of


# Translators: said of a headline figure equal to the previous period's.
NO_CHANGE = N_("no change")


@dataclass(frozen=True)
class Headline:
    """One headline number with its value in the previous period of equal length."""

    key: str
    label: str
    value: float | None
    previous: float | None
    kind: str  # "share" (0–1), "count" or "minutes"
    help: str
    lower_is_better: bool = False

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def format_value(self, v: float | None) -> str:
        """A value of this measure as text: a share as %, time in hours (as the charts
        and tables give it) from two hours up, in minutes below."""
        if v is None:
            return "–"
        if self.kind == "share":
            return f"{v:.0%}"
        if self.kind == "minutes":
            return f"{v / 60:,.1f} h" if v >= 120 else f"{v:,.0f} min"
        return f"{v:,.0f}"

    @property
    def previous_display(self) -> str:
        """The previous period's value, formatted like the current one."""
        return self.format_value(self.previous)

    @property
    def display(self) -> str:
        return self.format_value(self.value)

    def _signed(self, change: float) -> str:
        if self.kind == "share":
            return f"{change * 100:+.0f} pts"
        if self.kind == "minutes":
            return f"{change / 60:+,.1f} h" if abs(change) >= 120 else f"{change:+,.0f} min"
        return f"{change:+,.0f}"

    @property
    def unchanged(self) -> bool:
        """Whether the change, as shown, is zero (a change that rounds to "+0" is none:
        it gets no arrow and no colour)."""
        change = self.change
        return change is not None and not any(c in "123456789" for c in self._signed(change))

    @property
    def delta_display(self) -> str | None:
        """The change as text for ``st.metric(delta=…)``; ``None`` when there is no
        comparison (a zero change is shown neutral: :attr:`delta_style`)."""
        change = self.change
        return None if change is None else self._signed(change)

    def shown(self, tr: Translator) -> dict[str, Any]:
        """``st.metric``'s arguments in ``tr``'s language: label, value, change and help,
        and the change's colour, arrow and words (:attr:`delta_style`)."""
        style = dict(self.delta_style)
        if "delta_description" in style:
            style["delta_description"] = tr.gettext(style["delta_description"])
        change = self.change
        return {"label": tr.gettext(self.label), "value": self.value_in(tr, self.value),
                "delta": None if change is None else self._signed_in(tr, change),
                "help": tr.gettext(self.help) if self.help else self.help, **style}

    def value_in(self, tr: Translator, v: float | None) -> str:
        """:meth:`format_value` with the language's numbers ("12,5 h", "42 %")."""
        if v is None:
            return "–"
        if self.kind == "share":
            return formatting.format_percent(tr, v)
        if self.kind == "minutes":
            return formatting.format_minutes(tr, v)
        return formatting.format_number(tr, v)

    def _signed_in(self, tr: Translator, change: float) -> str:
        """:meth:`_signed` with the language's numbers; the sign as in English."""
        sign = "-" if self._signed(change).startswith("-") else "+"
        if self.kind == "share":
            # Translators: a change in percentage points, {change} signed ("+5").
            return tr.gettext("{change} pts").format(change=f"{change * 100:+.0f}")
        if self.kind == "minutes":
            if abs(change) >= 120:
                return sign + formatting.format_hours(tr, abs(change) / 60)
            return sign + tr.pgettext("duration", "{minutes} min").format(
                minutes=formatting.format_number(tr, round(abs(change))))
        return sign + formatting.format_number(tr, round(abs(change)))

    @property
    def delta_style(self) -> dict[str, str]:
        """``st.metric``'s colour, arrow and words for the change: neutral, no arrow and
        "no change" when it shows as zero; red for a rise in what should fall
        (``lower_is_better``)."""
        if self.unchanged:
            return {"delta_color": "off", "delta_arrow": "off", "delta_description": NO_CHANGE}
        return {"delta_color": "inverse" if self.lower_is_better else "normal",
                "delta_arrow": "auto"}


HEADLINES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("participation", N_("Weekly participation"), "share",
     N_("Of active members not away, the share who logged at least one action, over the "
        "period's weeks together."), False),
    ("steady", N_("Steady members"), "share",
     N_("Members active in at least 3 of the last 4 weeks (weeks marked away left out)."),
     False),
    ("coverage", N_("Responsibilities practised"), "count",
     N_("How many of the eight responsibilities had at least one action in the period."),
     False),
    ("actions", N_("Actions logged"), "count", N_("Actions logged in the period."), False),
    ("minutes", N_("Time invested"), "minutes",
     N_("Minutes recorded on actions (recording minutes is optional)."), False),
    ("overdue", N_("Next steps overdue"), "count",
     N_("Plan next steps past their due date and not done, on the period's last day."), True),
)


def _compared(v: View, period: Period) -> tuple[Comparison, list[Period]]:
    """The comparison, and the periods to compute: this one, and the previous one when
    the two are comparable."""
    compared = Comparison(v.weeks(period), v.weeks(period.previous()))
    return compared, [period, period.previous()] if compared.comparable else [period]


def headlines(db: sqlite_utils.Database, actor: Member | None, scope: Scope, period: Period,
              *, today: date | None = None) -> tuple[Headline, ...]:
    """The headline numbers for the period, each with the previous period's value when
    the two are comparable (:class:`Comparison`), else with none."""
    actor = check(db, actor, scope, period, today)
    view = view_of(db, actor, scope, today or date.today(), period)
    _, periods = _compared(view, period)
    figures = chapter_figures.period_figures(view, periods)
    return _headlines(figures[0], figures[1] if len(figures) > 1 else None)


def comparison_note(compared: Comparison) -> str:
    """In words, what the headline changes compare with — or why there are none."""
    return compared.note


def _headlines(now: PeriodFigures, before: PeriodFigures | None) -> tuple[Headline, ...]:
    """This period's figures against the previous one's; ``before`` is ``None`` when the
    two periods are not comparable (then nothing is compared: never a change between
    unequal or unfinished periods)."""
    current = now.summary()
    previous = before.summary() if before is not None else dict.fromkeys(current)
    return tuple(Headline(key, label, current[key], previous[key], kind, help_, lower)
                 for key, label, kind, help_, lower in HEADLINES)

def _frame_of(name: str) -> property:
    """A :class:`ProgressFrames` table as a pandas frame (made on first use)."""
    def get(self: ProgressFrames) -> pd.DataFrame:
        return self.columns[name].frame
    get.__doc__ = f"The ``{name}`` table as a pandas frame (see :attr:`ProgressFrames.columns`)."
    return property(get)


@dataclass(frozen=True)
class ProgressFrames:
    """Everything the Team progress page (and the chapter report) shows for a scope and
    period. Frames are described on the functions that make them.

    The tables are kept as plain columns (``columns``: name → :class:`Columns`), which a
    page draws and lists as they are; each is also readable as a pandas frame under its
    name (``frames.participation``…), made on first use.
    """

    scope: Scope
    period: Period
    today: date
    scope_label: str
    members: int  # active members in the scope
    headlines: tuple[Headline, ...]
    comparison: Comparison  # the period's weeks, and whether changes are shown
    # participation (weekly_participation), responsibilities (responsibility_weeks),
    # consistency, minutes (minutes_per_week), follow_through, least_practised,
    # falling_teams: see the functions named.
    columns: dict[str, Columns]
    steadiness: Steadiness
    quiet: Columns | None = field(default=None)  # quiet_members: the lead's own team only
    this_week: ThisWeek | None = field(default=None)  # when the period leaves it out

    TABLES: ClassVar[tuple[str, ...]] = (
        "participation", "responsibilities", "consistency", "minutes", "follow_through",
        "least_practised", "falling_teams")
    participation = _frame_of("participation")
    responsibilities = _frame_of("responsibilities")
    consistency = _frame_of("consistency")
    minutes = _frame_of("minutes")
    follow_through = _frame_of("follow_through")
    least_practised = _frame_of("least_practised")
    falling_teams = _frame_of("falling_teams")

    @property
    def weeks(self) -> PeriodWeeks:
        return self.comparison.now

    @property
    def note(self) -> str:
        """What the headline changes compare with, or why there are none."""
        return self.comparison.note

    @property
    def actions(self) -> int:
        """Actions logged in the period (0 means: nothing to chart yet)."""
        return int(sum(self.columns["minutes"]["actions"]))

    def follow_through_total(self) -> dict[str, Any]:
        """The follow-through row of the scope as a whole (column → value)."""
        return next(r for r in self.columns["follow_through"].rows() if r["is_total"])

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)

    @property
    def quiet_members(self) -> pd.DataFrame | None:
        """The quiet list as a pandas frame (``None`` unless the lead's own team)."""
        return None if self.quiet is None else self.quiet.frame


def team_progress(db: sqlite_utils.Database, actor: Member | None, scope: Scope,
                  period: Period, *, today: date | None = None) -> ProgressFrames:
    """Every frame for the scope and period in one call (one access check).

    ``quiet_members`` is filled in when the actor is a lead and the scope is their own
    team or the whole chapter (it then lists their own team); otherwise ``None``.
    """
    actor = check(db, actor, scope, period, today)
    today = today or date.today()
    view = view_of(db, actor, scope, today, period)
    compared, periods = _compared(view, period)
    consistency_, steadiness_ = chapter_figures.per_member(view, period, periods)
    figures = chapter_figures.period_figures(view, periods, steadiness_)
    now, before = figures[0], (figures[1] if len(figures) > 1 else None)
    quiet = None
    if actor.is_lead and actor.team_id is not None and scope.team_id in (None, actor.team_id) \
            and scope.focus_group is None:
        quiet = chapter_figures.quiet_columns(db, actor, actor.team_id, today=today)
    this_week = None
    if compared.now.in_progress is None and period.end < today \
            and week_start(today) >= compared.now.started:
        this_week = chapter_figures.this_week_counts(db, scope, today)
    return ProgressFrames(
        scope=scope, period=period, today=today, scope_label=view.label,
        members=view.members,
        headlines=_headlines(now, before),
        comparison=compared,
        columns={
            "participation": now.participation.columns(),
            "responsibilities": now.responsibilities.columns(),
            "consistency": consistency_,
            "minutes": now.minutes.columns(),
            "follow_through": now.follow_through,
            "least_practised": now.responsibilities.least(3),
            "falling_teams": chapter_figures.falling_columns(now.participation, before.participation
                                      if before is not None else None, scope),
        },
        steadiness=now.steadiness,
        quiet=quiet,
        this_week=this_week,
    )

