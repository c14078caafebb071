"""Showing a chart on a page: the chart, its one-sentence summary, and the same numbers
as a table for anyone who cannot (or would rather not) read the chart.

The charts are defined in :mod:`allyship.charts`, their numbers in :mod:`allyship.metrics`.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from allyship.charts import progress_charts
from allyship.core.columns import Columns
from allyship.ui import language


def show_chart(chart: str | progress_charts.PreparedChart, frame: pd.DataFrame | Columns,
               summary: str, *, key: str) -> None:
    """Draw the chart of ``frame`` (a pandas frame, or the same table as plain
    :class:`~allyship.core.columns.Columns`) — ``chart`` names it (one of
    :data:`allyship.charts.progress_charts.ALL_KINDS`) or is it, prepared — with its
    description as the accessible name, ``summary`` under it, and a "Show as table"
    expander holding :func:`allyship.charts.progress_charts.table_columns` of the same
    ``frame`` (drawn only while the expander is open). Everything in the session's
    language: a chart named here is prepared in it; one given prepared already is (see
    :func:`allyship.charts.progress_charts.prepare`'s ``tr``).

    The spec goes without its rows, which go beside it as Arrow (Streamlit's own wire
    format for chart data); Vega-Lite's layers inherit them as top-level data. The
    description travels as ``alt``, which the browser puts back as the spec's
    ``description`` (passing both made Streamlit log a warning for every chart drawn).
    """
    tr = language.translator()
    if isinstance(chart, str):
        chart = progress_charts.prepare(chart, frame, tr)
        spec = dict(chart.spec)  # prepared here: only its top level is ours to change
    else:
        # Given prepared, it may belong to a cached view that every session shares, and
        # Streamlit patches some nested parts of a spec in place (null legend titles).
        spec = copy.deepcopy(chart.spec)
    about = spec.pop("description")
    st.vega_lite_chart(arrow_table(chart.columns), spec, width="stretch", alt=about,
                       key=f"chart_{key}")
    st.caption(summary)
    # The table is built and sent only while its expander is open (opening it reruns
    # the page, from the cache): most people never open it.
    with st.expander(tr.gettext("Show as table"), icon=":material/table:", key=f"chart_table_open_{key}",
                     on_change="rerun") as table:
        if table.open:
            # charts.table's columns, sent as Arrow without a pandas frame in between.
            table_of = frame.frame if isinstance(frame, Columns) else frame
            st.dataframe(arrow_table(progress_charts.table_columns(chart.kind, table_of, tr)),
                         hide_index=True, key=f"chart_table_{key}")


def arrow_table(columns: dict[str, list[Any]]) -> Any:
    """Columns of plain values (a prepared chart's ``columns``, or its table,
    :func:`allyship.charts.progress_charts.table_columns`) as an Arrow table with the
    column types Streamlit gave the same values when they came through pandas: text
    ``large_string``, whole numbers ``int64`` (``double`` with a gap), other numbers
    ``double``, days (``date``) ``date32``, a column with no values ``null``."""
    import pyarrow as pa

    arrays = {}
    for name, values in columns.items():
        present = [v for v in values if v is not None]
        if not present:
            kind = pa.null()
        elif all(isinstance(v, bool) for v in present):
            kind = pa.bool_()
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            kind = pa.int64() if len(present) == len(values) else pa.float64()
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            kind = pa.float64()
        elif all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
            kind = pa.date32()
        else:
            kind = pa.large_string()
        # from_pandas=False is what pa.array does with a list anyway, said outright:
        # without it, text columns took a much slower path.
        arrays[name] = pa.array(values, type=kind, from_pandas=False)
    return pa.table(arrays)

