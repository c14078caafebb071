"""Small tables as plain columns (allyship/core/columns.py): read as they are, the pandas frame
made only when asked for, once, and never pickled with them."""

from __future__ import annotations

import math
import pickle
from datetime import date, datetime

import pandas as pd

from allyship.core.columns import Columns, plain

MADE: list[str] = []


def make_frame() -> pd.DataFrame:
    MADE.append("frame")
    return pd.DataFrame({"group": ["Hawks", "Owls"], "share": [0.5, math.nan]})


def table() -> Columns:
    return Columns({"group": ["Hawks", "Owls"], "share": [0.5, math.nan]}, make_frame)


def test_columns_read_as_lists_and_rows_without_a_frame():
    MADE.clear()
    t = table()
    assert list(t) == ["group", "share"] and t["group"] == ["Hawks", "Owls"]
    assert t.n_rows == 2 and len(t) == 2
    assert t.rows()[0] == {"group": "Hawks", "share": 0.5}
    assert MADE == []  # no frame was made to read them


def test_the_frame_is_made_once_on_first_use():
    MADE.clear()
    t = table()
    assert t.frame is t.frame
    assert MADE == ["frame"]


def test_without_a_maker_the_frame_is_the_columns():
    t = Columns({"weeks_active": [0, 1, 2], "members": [3, 0, 4]})
    pd.testing.assert_frame_equal(t.frame, pd.DataFrame({"weeks_active": [0, 1, 2],
                                                         "members": [3, 0, 4]}))
    assert not t.from_frame  # made from the columns, not read from a frame


def test_pickled_columns_leave_their_frame_behind_and_make_it_again():
    MADE.clear()
    t = table()
    t.frame  # noqa: B018 - made before pickling
    again = pickle.loads(pickle.dumps(t))
    assert again._frame is None and again["group"] == ["Hawks", "Owls"]
    pd.testing.assert_frame_equal(again.frame, t.frame)
    assert MADE == ["frame", "frame"]


def test_columns_of_an_existing_frame_keep_that_frame_even_pickled():
    frame = pd.DataFrame({"team": ["Hawks"], "share_now": [0.25]})
    t = Columns.of_frame(frame)
    assert t.frame is frame and t.from_frame and t["share_now"] == [0.25]
    again = pickle.loads(pickle.dumps(t))
    assert again.from_frame
    pd.testing.assert_frame_equal(again.frame, frame)


def test_columns_of_rows_and_of_no_rows():
    t = Columns.of_rows(["group", "share"], [("Hawks", 0.5), ("Owls", 0.25)])
    assert t["share"] == [0.5, 0.25] and t.rows()[1] == {"group": "Owls", "share": 0.25}
    empty = Columns.of_rows(["group", "share"], [])
    assert list(empty) == ["group", "share"] and empty.n_rows == 0


def test_an_empty_table_has_no_rows():
    assert Columns({"team": [], "change": []}).n_rows == 0
    assert Columns({}).n_rows == 0 and Columns({}).rows() == []


def test_plain_values_are_written_as_altair_writes_them():
    assert plain([date(2026, 2, 2), datetime(2026, 2, 2, 9, 30), math.nan, math.inf,
                  -math.inf, 3, "Owls", None, True]) == [
        "2026-02-02T00:00:00", "2026-02-02T09:30:00", None, None, None, 3, "Owls", None, True]
