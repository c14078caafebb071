"""A member's own weeks for *My week*: their consistency by the same period rule as every
group figure. Nobody else's rows are read, so no disclosure question arises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, week_start
from allyship.i18n import Translator, translator_for
from allyship.metrics.periods import MY_WEEKS, Period, PeriodWeeks, period_weeks


@dataclass(frozen=True)
class MyWeeks:
    """A member's own consistency, by the same period rule as every group figure: the
    last complete programme weeks, and the unfinished current week apart."""

    weeks: PeriodWeeks  # the last MY_WEEKS complete weeks, clipped to the programme
    active: int  # complete weeks with at least one action (weeks marked away left out)
    counted: int  # complete weeks counted (not away, or away but active anyway)
    run: int  # consecutive weeks with an action, back from this week (if active) or last
    this_week_actions: int

    @property
    def label(self) -> str:
        return self.label_in()

    @property
    def display(self) -> str:
        return self.display_in()

    def label_in(self, tr: Translator | None = None) -> str:
        """"Weeks active, last 12 complete", in ``tr``'s language (English by default)."""
        tr = tr or translator_for("en")
        n = self.weeks.period.n_weeks
        return tr.ngettext("Weeks active, last {count} complete",
                           "Weeks active, last {count} complete", n).format(count=n)

    def display_in(self, tr: Translator | None = None) -> str:
        """"5 of 12", or "No complete week yet", in ``tr``'s language."""
        tr = tr or translator_for("en")
        if not self.counted:
            return tr.gettext("No complete week yet")
        return tr.gettext("{active} of {counted}").format(active=self.active,
                                                          counted=self.counted)



def my_weeks(db: sqlite_utils.Database, actor: Member | None, *,
             today: date | None = None) -> MyWeeks:
    """The actor's own weeks (nobody else's: no disclosure question arises)."""
    actor = access.require_active(actor)
    today = today or date.today()
    period = Period.last_weeks(MY_WEEKS, today)
    weeks = period_weeks(db, actor.chapter_id, period, today)
    monday = week_start(today)
    rows = db.execute("SELECT week_start, count(*) FROM actions WHERE member_id = ?"
                      " AND week_start >= ? GROUP BY week_start",
                      [actor.id, period.start.isoformat()]).fetchall()
    per_week = {date.fromisoformat(w): int(n) for w, n in rows}
    away = {date.fromisoformat(r[0]) for r in db.execute(
        "SELECT week_start FROM away_weeks WHERE member_id = ? AND week_start >= ?",
        [actor.id, period.start.isoformat()])}
    counted = [w for w in weeks.complete if w not in away or w in per_week]
    run = 1 if monday in per_week else 0
    for w in reversed(weeks.complete):  # newest first; away weeks do not break a run
        if w in per_week:
            run += 1
        elif w not in away:
            break
    return MyWeeks(weeks, sum(1 for w in counted if w in per_week), len(counted), run,
                   per_week.get(monday, 0))
