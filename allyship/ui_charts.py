"""Showing a chart on a page: the chart, its one-sentence summary, and the same numbers
as a table for anyone who cannot (or would rather not) read the chart.

Streamlit-aware, so it lives beside :mod:`allyship.ui`; the charts themselves are built
in :mod:`allyship.charts` and the numbers in :mod:`allyship.metrics`.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from allyship import charts


def show_chart(chart: alt.TopLevelMixin, kind: str, frame: pd.DataFrame, summary: str,
               *, key: str) -> None:
    """Draw ``chart`` (its spec unvalidated: the tests validate every chart once), with
    its description as the accessible name, ``summary`` under it, and a "Show as table"
    expander holding :func:`allyship.charts.table` of the same ``frame``."""
    about = charts.description(chart)
    st.vega_lite_chart(charts.spec(chart), width="stretch", alt=about, key=f"chart_{key}")
    st.caption(summary)
    with st.expander("Show as table", icon=":material/table:"):
        st.dataframe(charts.table(kind, frame), hide_index=True, key=f"chart_table_{key}")


def mailto(email: Any) -> str:
    """A ``mailto:`` link for an address we stored (percent-encoded, so nothing in it
    can turn into another kind of link)."""
    from urllib.parse import quote

    return "mailto:" + quote(str(email), safe="@.+-_")
