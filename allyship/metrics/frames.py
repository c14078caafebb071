"""The measures' rows held plainly, and made into the columns and pandas frames pages,
charts and reports read (with the dtypes and order they expect)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd

from allyship.core.columns import Columns
from allyship.core.handout import RESPONSIBILITIES
from allyship.metrics.periods import week_is_complete


def week_column(weeks: Sequence[date]) -> Any:
    """Mondays as the frames' ``week`` column (what ``pd.to_datetime`` of ISO text gives)."""
    import numpy as np

    return np.array([w.isoformat() for w in weeks], dtype="datetime64[us]")



_PARTICIPATION = ["group", "week", "active_members", "away", "counted", "participants",
                  "share", "rolling_mean", "is_total", "in_progress"]


@dataclass(frozen=True)
class Participation:
    """One period's participation rows (plain values), and the frame made from them."""

    rows: tuple[tuple, ...]  # in _PARTICIPATION's order, as the frame's rows

    def frame(self) -> pd.DataFrame:
        if not self.rows:  # a period wholly before the programme began, or not yet started
            return pd.DataFrame(columns=_PARTICIPATION).astype(
                {"week": "datetime64[ns]", "share": float, "is_total": bool,
                 "in_progress": bool})
        cols = list(zip(*self.rows))
        data = {name: list(col) for name, col in zip(_PARTICIPATION, cols)}
        data["week"] = week_column(cols[1])
        return pd.DataFrame(data)

    def columns(self) -> Columns:
        """The rows as plain columns (weeks as dates); :meth:`frame` on demand."""
        return Columns.of_rows(_PARTICIPATION, self.rows, self.frame)

    def pooled(self, group: str | None = None, total: bool = False) -> float | None:
        """Participants over members counted over the complete weeks (of one group, or of
        the rows flagged as the scope's own)."""
        participants = counted = 0
        for r in self.rows:
            if (r[8] if total else r[0] == group) and not r[9]:
                participants += r[5]
                counted += r[4]
        return participants / counted if counted else None



@dataclass(frozen=True)
class Responsibilities:
    weeks: tuple[date, ...]
    counts: dict[tuple[str, int], tuple[int, int]]  # (week, responsibility) → actions, members
    today: date

    def frame(self) -> pd.DataFrame:
        if not self.weeks:
            return responsibility_frame_empty()
        data = self._data()
        data["week"] = week_column(data["week"])
        return pd.DataFrame(data)

    def columns(self) -> Columns:
        """The week × responsibility grid as plain columns; :meth:`frame` on demand."""
        return Columns(self._data(), self.frame)

    def _data(self) -> dict[str, list[Any]]:
        n = len(RESPONSIBILITIES)
        cells = [self.counts.get((w.isoformat(), r.number), (0, 0))
                 for w in self.weeks for r in RESPONSIBILITIES]
        return {
            "week": [w for w in self.weeks for _ in range(n)],
            "responsibility": [r.number for r in RESPONSIBILITIES] * len(self.weeks),
            "title": [r.title for r in RESPONSIBILITIES] * len(self.weeks),
            "label": [r.label for r in RESPONSIBILITIES] * len(self.weeks),
            "full_text": [r.full_text for r in RESPONSIBILITIES] * len(self.weeks),
            "actions": [c[0] for c in cells],
            "members": [c[1] for c in cells],
            "in_progress": [not week_is_complete(w, self.today) for w in self.weeks
                            for _ in range(n)],
        }

    def totals(self) -> dict[int, tuple[int, int]]:
        """responsibility → (actions in the period, most members in one week)."""
        return dict(self._totals)

    @cached_property
    def _totals(self) -> dict[int, tuple[int, int]]:
        # One pass over the cells, once: a view asks three times (practised, least).
        keys = {w.isoformat() for w in self.weeks}
        actions = {r.number: 0 for r in RESPONSIBILITIES}
        most = dict.fromkeys(actions, 0)
        for (week, number), (acted, members) in self.counts.items():
            if week in keys and number in actions:
                actions[number] += acted
                most[number] = max(most[number], members)
        return {n: (actions[n], most[n]) for n in actions}

    def practised(self) -> int:
        return sum(1 for actions, _ in self.totals().values() if actions > 0)

    def least(self, n: int) -> Columns:
        if not self.weeks:
            return Columns.of_frame(least_practised_frame(self.frame(), n))
        totals = self.totals()
        picked = sorted(RESPONSIBILITIES, key=lambda r: (totals[r.number][0], r.number))[:n]
        return Columns({
            "responsibility": [r.number for r in picked],
            "title": [r.title for r in picked],
            "label": [r.label for r in picked],
            "full_text": [r.full_text for r in picked],
            "actions": [totals[r.number][0] for r in picked],
            "most_members_in_a_week": [totals[r.number][1] for r in picked],
        })


def responsibility_frame_empty() -> pd.DataFrame:
    """The frame of a period without programme weeks (as the pandas version made it)."""
    grid = pd.DataFrame([], columns=["week_start", "responsibility", "title", "label",
                                     "full_text"])
    counts = pd.DataFrame([], columns=["week_start", "responsibility", "actions", "members"])
    grid = grid.merge(counts, on=["week_start", "responsibility"], how="left")
    grid[["actions", "members"]] = grid[["actions", "members"]].fillna(0).astype(int)
    grid.insert(0, "week", pd.to_datetime(grid.pop("week_start")))
    grid["in_progress"] = grid["week"].map(lambda w: False).astype(bool)
    return grid



def least_practised_frame(resp: pd.DataFrame, n: int) -> pd.DataFrame:
    totals = (resp.groupby(["responsibility", "title", "label", "full_text"], as_index=False)
              [["actions"]].sum())
    members = resp.groupby("responsibility")["members"].max().rename("most_members_in_a_week")
    totals = totals.merge(members, on="responsibility")
    return totals.sort_values(["actions", "responsibility"]).head(n).reset_index(drop=True)



@dataclass(frozen=True)
class Steadiness:
    """Members active in at least 3 of the period's last 4 weeks.

    Weeks a member marked away (and logged nothing) are left out: someone away for
    one of the four weeks is steady with 3 of the other 3; someone away all four is
    not counted at all.
    """

    steady: int
    counted: int

    @property
    def share(self) -> float | None:
        return self.steady / self.counted if self.counted else None



_MINUTES = ["minutes", "actions", "actions_with_minutes", "members"]


@dataclass(frozen=True)
class Minutes:
    weeks: tuple[date, ...]
    counts: dict[str, tuple[int, int, int, int]]  # week → minutes, actions, with minutes, members
    today: date

    def frame(self) -> pd.DataFrame:
        if not self.weeks:
            out = pd.DataFrame({"week_start": pd.Series([], dtype=object)})
            for c in _MINUTES:
                out[c] = pd.Series([], dtype=int)
            out.insert(0, "week", pd.to_datetime(out.pop("week_start")))
            out["in_progress"] = pd.Series([], dtype=bool)
            return out
        data = self._data()
        data["week"] = week_column(self.weeks)
        return pd.DataFrame(data)

    def columns(self) -> Columns:
        """Week by week, as plain columns; :meth:`frame` on demand."""
        return Columns(self._data(), self.frame)

    def _data(self) -> dict[str, Any]:
        cells = [self.counts.get(w.isoformat(), (0, 0, 0, 0)) for w in self.weeks]
        data: dict[str, Any] = {"week": list(self.weeks)}
        for i, name in enumerate(_MINUTES):
            data[name] = [c[i] for c in cells]
        data["in_progress"] = [not week_is_complete(w, self.today) for w in self.weeks]
        return data

    def total(self, i: int) -> int:
        keys = {w.isoformat() for w in self.weeks}
        return sum(c[i] for w, c in self.counts.items() if w in keys)

