"""Small tables as plain columns, with their pandas frame made only when asked for.

A progress view's tables are a few dozen rows. The page sends them as they are (a
chart's rows go to the browser as Arrow, :mod:`allyship.ui.chart_display`), so building a
pandas frame for each and reading it back into lists cost more than the figures
themselves. The chapter report, the
"Show as table" views and the tests still read frames: :attr:`Columns.frame` makes the
frame on first use, exactly as before, and keeps it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd


class Columns(Mapping[str, list[Any]]):
    """Column name → plain values (all columns the same length), in order.

    ``frame`` makes the pandas frame of the same rows (with the dtypes its callers
    expect); it is called at most once, on first use of :attr:`frame`. A picklable
    callable (a function, or a bound method of a picklable object) keeps the table
    cacheable; the frame itself is never pickled.
    """

    __slots__ = ("_data", "_frame", "_given", "_make")

    def __init__(self, data: Mapping[str, Sequence[Any]],
                 frame: Callable[[], pd.DataFrame] | None = None) -> None:
        self._data = {name: list(values) for name, values in data.items()}
        self._make = frame
        self._frame: pd.DataFrame | None = None
        self._given = False  # read from an existing frame (of_frame)

    @classmethod
    def of_rows(cls, names: Sequence[str], rows: Sequence[Sequence[Any]],
                frame: Callable[[], pd.DataFrame] | None = None) -> Columns:
        """The columns ``names`` of ``rows`` (each row's values in that order; none
        gives empty columns)."""
        return cls(dict(zip(names, zip(*rows))) if rows else {n: [] for n in names}, frame)

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> Columns:
        """The columns of an existing frame (which :attr:`frame` then returns)."""
        out = cls({name: frame[name].tolist() for name in frame.columns})
        out._frame, out._given = frame, True
        return out

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a pandas frame (made once, then kept)."""
        if self._frame is None:
            self._frame = (self._make() if self._make is not None
                           else pd.DataFrame(self._data))
        return self._frame

    @property
    def from_frame(self) -> bool:
        """Whether these columns were read from a frame (:meth:`of_frame`)."""
        return self._given

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __getitem__(self, name: str) -> list[Any]:
        return self._data[name]

    @property
    def n_rows(self) -> int:
        return len(next(iter(self._data.values()), []))

    def rows(self) -> list[dict[str, Any]]:
        """The rows, each as column name → value."""
        names = list(self._data)
        return [dict(zip(names, row)) for row in zip(*self._data.values())]

    def __getstate__(self) -> tuple[dict[str, list[Any]], Any, pd.DataFrame | None]:
        # A frame made from the columns is left behind (made again on use); a frame the
        # columns were read from is all there is of its types, so it travels along.
        return self._data, self._make, self._frame if self._given else None

    def __setstate__(self, state: tuple[dict[str, list[Any]], Any, pd.DataFrame | None]
                     ) -> None:
        self._data, self._make, self._frame = state
        self._given = self._frame is not None

    def __repr__(self) -> str:
        return f"Columns({list(self._data)}, {self.n_rows} rows)"


def plain(values: Sequence[Any]) -> list[Any]:
    """One column's values as Altair's ``sanitize_pandas_dataframe`` writes them: a date
    as ``Timestamp.isoformat()`` would ("2026-02-02T00:00:00"), NaN and infinities as
    ``None``; other values as they are."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            out.append(None)
        elif isinstance(v, datetime):
            out.append(v.isoformat())
        elif isinstance(v, date):
            out.append(v.isoformat() + "T00:00:00")
        else:
            out.append(v)
    return out
