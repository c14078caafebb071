"""Altair chart builders for the progress views: one function per chart.

Each builder takes a frame made by :mod:`allyship.metrics` and returns an
``alt.Chart`` (or layer) whose Vega-Lite spec stretches to its container
(``width="container"``). The builders are the one definition of each chart, but pages and
the report do not run them: Altair validates against the JSON schema while it builds
(``from_dict``, ``infer_encoding_types``) even with ``to_dict(validate=False)``, which
cost ~25 ms a chart on every view. :func:`prepare` instead returns a
:class:`PreparedChart`: the builder's spec made once without data (a *template*, cached
per shape — the number of groups — with the names filled in per chart) and the chart's
rows written as Altair's sanitizer would write them. Its :meth:`PreparedChart.to_dict` is
exactly the builder's spec (tested for every chart and several shapes, and validated
against the schema there). Pages show one with :func:`allyship.ui_charts.show_chart`
(template plus the rows as Arrow) and offer the same numbers as a table (:func:`table`).

Charts people can read (issue 11, issue 17 item 3):

* every chart has a Vega-Lite ``description`` (its accessible name) and a title;
* every mark has a tooltip;
* colour is never the only cue: team lines differ by dash and point shape too and
  carry an end label; the heat map's "none" is an explicit light grey, distinct from
  the sequential blues of "some"; stacked bars keep the handout's order;
* palettes are chosen for the three common colour-vision deficiencies: the minimum
  pairwise distance (CAM02-UCS, simulated deuteranopia, protanopia and tritanopia at
  full severity, ``colorspacious``) is at least :data:`MIN_CVD_DISTANCE` — tested;
* the unfinished current week, when a period includes it, is drawn hollow / faded
  and labelled "in progress" in the tooltip.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from allyship.handout import RESPONSIBILITIES

# Okabe & Ito (2008), "Color Universal Design" (kept for single-colour marks).
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                              "#D55E00", "#F0E442", "#000000")
# Eight colours picked from the Okabe–Ito and Tol palettes so that every pair stays
# apart under normal vision and each simulated deficiency (min ΔE ≈ 18.9 in
# CAM02-UCS), ordered so neighbours in a stack differ most (adjacent ΔE ≥ 39).
RESPONSIBILITY_COLOURS: tuple[str, ...] = ("#0072B2", "#F0E442", "#994455", "#56B4E9",
                                           "#000000", "#999933", "#332288", "#EE99AA")
# Lines on white: the same colours, the pale yellow last.
GROUP_COLOURS: tuple[str, ...] = ("#0072B2", "#994455", "#000000", "#999933", "#332288",
                                  "#56B4E9", "#EE99AA", "#F0E442")
GROUP_DASHES: tuple[tuple[int, ...], ...] = ((1, 0), (8, 4), (2, 3), (10, 3, 2, 3), (4, 4),
                                             (12, 2), (1, 5), (6, 2, 2, 2))
GROUP_SHAPES: tuple[str, ...] = ("circle", "square", "triangle-up", "diamond", "cross",
                                 "triangle-down", "triangle-right", "triangle-left")
STATUS_COLOURS = {"Done": "#004488", "Open": "#88CCEE", "Overdue": "#D55E00"}
NONE_COLOUR = "#EEEEEE"  # a heat-map square where nobody practised: explicitly "none"
SOME_RANGE = ("#A6CEE3", "#08306B")  # 1 action … the most actions in a square
MIN_CVD_DISTANCE = 15.0  # the palettes' tested floor (CAM02-UCS ΔE under simulation)
HEIGHT = 280
_WEEK_FORMAT = "%d %b"
# Fit the width to the container but keep the plot's own height: Streamlit's default
# ("fit") squeezes the plot to make room for legends and rotated labels.
_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
_WEEK_TOOLTIP = alt.Tooltip("week:T", title="Week of", format="%a %d %b %Y")
_WEEK_STATE = alt.Tooltip("week_state:N", title="Week")


def spec(chart: alt.TopLevelMixin | PreparedChart) -> dict[str, Any]:
    """The chart's Vega-Lite spec, without re-validating it against the schema (the
    tests validate every chart once; on a page it only costs time)."""
    if isinstance(chart, PreparedChart):
        return chart.to_dict()
    return chart.to_dict(validate=False)


def description(chart: alt.TopLevelMixin | PreparedChart) -> str:
    """The chart's accessible name (its Vega-Lite ``description``)."""
    return str(chart.description)


def _with_week_state(frame: pd.DataFrame) -> pd.DataFrame:
    state = frame["in_progress"] if "in_progress" in frame else pd.Series(False, frame.index)
    return frame.assign(in_progress=state.astype(bool),
                        week_state=state.map(lambda p: "in progress" if p else "complete"))


def _base(data: Any, title: str, subtitle: str | None, about: str,
          height: int = HEIGHT) -> alt.Chart:
    heading = alt.TitleParams(title, subtitle=subtitle or [], anchor="start")
    return alt.Chart(data).properties(title=heading, width="container", height=height,
                                      autosize=_AUTOSIZE, description=about)


def _layer(*layers: alt.Chart, title: str, subtitle: str, about: str) -> alt.LayerChart:
    """Layers sharing one title and size (set on the layer, where Vega-Lite reads it)."""
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start"),
        width="container", height=HEIGHT, autosize=_AUTOSIZE, description=about)


def _cycle(values: tuple[Any, ...], n: int) -> list[Any]:
    return [values[i % len(values)] for i in range(max(n, 1))]


def _groups(frame: pd.DataFrame) -> list[str]:
    """The frame's groups in order of first appearance (their legend and line order)."""
    return list(dict.fromkeys(frame["group"]))


# --- the charts: each defined once, drawn with data (the builders) or without (templates)
#
# Each ``_chart_*`` function takes the chart's data (a frame, or a stand-in for the
# template) and its shape; everything else about the chart is fixed here.

def _chart_participation(data: Any, groups: Sequence[str], top: int = 0) -> alt.LayerChart:
    groups = list(groups)
    n = len(groups)
    colour = alt.Color("group:N", title="Group", sort=groups,
                       scale=alt.Scale(domain=groups, range=_cycle(GROUP_COLOURS, n)),
                       legend=alt.Legend(orient="bottom"))
    dash = alt.StrokeDash("group:N", sort=groups, legend=None,
                          scale=alt.Scale(domain=groups,
                                          range=[list(d) for d in _cycle(GROUP_DASHES, n)]))
    shape = alt.Shape("group:N", sort=groups, legend=None,
                      scale=alt.Scale(domain=groups, range=_cycle(GROUP_SHAPES, n)))
    tooltip = [alt.Tooltip("group:N", title="Group"), _WEEK_TOOLTIP, _WEEK_STATE,
               alt.Tooltip("participants:Q", title="Members who logged"),
               alt.Tooltip("counted:Q", title="Active members not away"),
               alt.Tooltip("share:Q", title="Share that week", format=".0%"),
               alt.Tooltip("rolling_mean:Q", title="4-week average", format=".0%")]
    x = alt.X("week:T", title="Week", axis=alt.Axis(format=_WEEK_FORMAT, tickCount="week"))
    y = alt.Y("rolling_mean:Q", title="Share of members", axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    base = alt.Chart(data)
    complete = base.transform_filter("!datum.in_progress")
    line = complete.mark_line(strokeWidth=3, interpolate="monotone").encode(
        x=x, y=y, color=colour, strokeDash=dash, tooltip=tooltip)
    dots = complete.mark_point(size=60, filled=True, opacity=0.75).encode(
        x=x, y="share:Q", color=colour, shape=shape, tooltip=tooltip)
    # The unfinished week: a hollow point, left out of the line.
    # aria=False: the layer is empty whenever the period holds no unfinished week, and an
    # empty mark group with a graphics role and no name fails axe (svg-img-alt); the week
    # in progress is in the chart's table and tooltip anyway.
    unfinished = base.transform_filter("datum.in_progress").mark_point(
        size=70, filled=False, strokeWidth=2, aria=False).encode(
        x=x, y="share:Q", color=colour, shape=shape, tooltip=tooltip)
    ends = complete.transform_filter("isValid(datum.rolling_mean)").transform_window(
        rank="rank()", sort=[alt.SortField("week", order="descending")], groupby=["group"]
    ).transform_filter("datum.rank == 1").mark_text(
        align="left", dx=6, fontWeight="bold").encode(
        x=x, y=y, text="group:N", color=colour, tooltip=tooltip)
    names = ", ".join(groups) if groups else "no group"
    return _layer(line, dots, unfinished, ends, title="Weekly participation",
                  subtitle="Share of active members (not away) who logged at least one "
                           "action; line = 4-week average; hollow = week in progress",
                  about=f"Line chart: weekly share of members who logged an action, with "
                        f"its 4-week average, for {names}.")


def _chart_responsibility_actions(data: Any, groups: Sequence[str] = (),
                                  top: int = 0) -> alt.Chart:
    labels = [r.label for r in RESPONSIBILITIES]
    return _base(data, "Actions per week by responsibility",
                 "An action that practised two responsibilities counts under each; "
                 "faded = week in progress",
                 "Stacked bar chart: actions logged each week, split by the eight "
                 "responsibilities in the handout's order.").mark_bar(
        stroke="white", strokeWidth=0.5).encode(
        # One band per week (a temporal axis would draw one-day-wide bars).
        x=alt.X("yearmonthdate(week):O", title="Week",
                axis=alt.Axis(format=_WEEK_FORMAT, labelAngle=-45)),
        y=alt.Y("actions:Q", title="Actions", stack="zero"),
        color=alt.Color("label:N", title="Responsibility", sort=labels,
                        scale=alt.Scale(domain=labels, range=list(RESPONSIBILITY_COLOURS)),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        opacity=alt.condition("datum.in_progress", alt.value(0.4), alt.value(1.0)),
        order=alt.Order("responsibility:Q"),
        tooltip=[_WEEK_TOOLTIP, _WEEK_STATE, alt.Tooltip("label:N", title="Responsibility"),
                 alt.Tooltip("full_text:N", title="From the handout"),
                 alt.Tooltip("actions:Q", title="Actions"),
                 alt.Tooltip("members:Q", title="Members")],
    )


def _chart_coverage(data: Any, groups: Sequence[str] = (), top: int = 1) -> alt.Chart:
    labels = [r.label for r in RESPONSIBILITIES]
    some = alt.Color("actions:Q", title="Actions (grey = none)",
                     scale=alt.Scale(domain=[1, max(top, 2)], range=list(SOME_RANGE)),
                     legend=alt.Legend(orient="bottom", tickMinStep=1))
    return _base(data, "Responsibility coverage",
                 "Each square is one responsibility in one week: grey = nobody practised "
                 "it, darker blue = more actions",
                 "Heat map: for each of the eight responsibilities and each week, how many "
                 "actions practised it; grey squares are none.",
                 height=30 * len(labels) + 40).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("yearmonthdate(week):O", title="Week",
                axis=alt.Axis(format=_WEEK_FORMAT, labelAngle=-45)),
        y=alt.Y("label:N", title=None, sort=labels, axis=alt.Axis(labelLimit=260)),
        color=alt.condition("datum.actions > 0", some, alt.value(NONE_COLOUR)),
        opacity=alt.condition("datum.in_progress", alt.value(0.5), alt.value(1.0)),
        tooltip=[alt.Tooltip("label:N", title="Responsibility"),
                 alt.Tooltip("full_text:N", title="From the handout"), _WEEK_TOOLTIP,
                 _WEEK_STATE, alt.Tooltip("actions:Q", title="Actions"),
                 alt.Tooltip("members:Q", title="Members who practised it")],
    )


def _chart_consistency(data: Any, groups: Sequence[str] = (), top: int = 0) -> alt.Chart:
    return _base(data, "Consistency: weeks active in the period",
                 "How many members showed up in how many weeks — no names",
                 "Bar chart: number of members by how many weeks of the period they "
                 "logged at least one action.").mark_bar(
        color=OKABE_ITO[0]).encode(
        x=alt.X("weeks_active:O", title="Weeks with at least one action",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("members:Q", title="Members", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("weeks_active:O", title="Weeks active"),
                 alt.Tooltip("weeks_in_period:Q", title="Weeks in period"),
                 alt.Tooltip("members:Q", title="Members")],
    )


def _chart_follow_through(data: Any, groups: Sequence[str], top: int = 0) -> alt.Chart:
    statuses = list(STATUS_COLOURS)
    groups = list(groups)
    return _base(data, "Plan follow-through: next steps",
                 "Done in the period, still open, and past their due date",
                 "Stacked bar chart: plan next steps done, open and overdue, per group.",
                 height=max(90, 46 * len(groups) + 50)).transform_fold(
        statuses, as_=["status", "steps"]).mark_bar(stroke="white", strokeWidth=1).encode(
        y=alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=220)),
        x=alt.X("steps:Q", title="Next steps", stack="zero"),
        color=alt.Color("status:N", title="Status", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=list(STATUS_COLOURS.values())),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("steps:Q", title="Next steps"),
                 alt.Tooltip("plans:Q", title="Plans"),
                 alt.Tooltip("revised_90_days:Q", title="Plans revised in 90 days")],
    ).transform_calculate(
        status_order=f"indexof({statuses!r}, datum.status)")


def _chart_minutes(data: Any, groups: Sequence[str] = (), top: int = 0) -> alt.LayerChart:
    base = alt.Chart(data)
    x = alt.X("week:T", title="Week", axis=alt.Axis(format=_WEEK_FORMAT, tickCount="week"))
    tooltip = [_WEEK_TOOLTIP, _WEEK_STATE,
               alt.Tooltip("minutes:Q", title="Minutes", format=","),
               alt.Tooltip("hours:Q", title="Hours", format=",.1f"),
               alt.Tooltip("actions:Q", title="Actions"),
               alt.Tooltip("actions_with_minutes:Q", title="Actions with minutes")]
    complete = base.transform_filter("!datum.in_progress")
    line = complete.mark_line(color=OKABE_ITO[0], strokeWidth=3).encode(
        x=x, y=alt.Y("minutes:Q", title="Minutes", scale=alt.Scale(domainMin=0)),
        tooltip=tooltip)
    dots = complete.mark_point(color=OKABE_ITO[0], size=50, filled=True).encode(
        x=x, y="minutes:Q", tooltip=tooltip)
    unfinished = base.transform_filter("datum.in_progress").mark_point(
        color=OKABE_ITO[0], size=60, filled=False, strokeWidth=2, aria=False).encode(
        x=x, y="minutes:Q", tooltip=tooltip)
    return _layer(line, dots, unfinished, title="Time invested per week",
                  subtitle="Minutes recorded on actions (recording minutes is optional)",
                  about="Line chart: minutes members recorded on their actions, per week.")


# --- the builders: the plain Altair charts (what the templates are tested against) --------

def participation_chart(participation: pd.DataFrame) -> alt.LayerChart:
    """Weekly participation share per group (points) and its 4-week rolling mean (line),
    each group with its own colour, dash and point shape, and its name at the line's end.

    Fed by :func:`allyship.metrics.weekly_participation`.
    """
    frame = _with_week_state(participation)
    frame["share"] = frame["share"].astype(float)
    frame["rolling_mean"] = frame["rolling_mean"].astype(float)
    return _chart_participation(frame, _groups(frame))


def responsibility_actions_chart(responsibilities: pd.DataFrame) -> alt.Chart:
    """Actions per week, stacked by the responsibility they practised (handout order,
    bottom up; the unfinished week faded).

    Fed by :func:`allyship.metrics.responsibility_weeks`.
    """
    return _chart_responsibility_actions(_with_week_state(responsibilities))


def coverage_heatmap(responsibilities: pd.DataFrame) -> alt.Chart:
    """Responsibility coverage: 8 rows (short titles) × weeks. A square nobody practised
    is an explicit light grey ("none"); squares with actions run from light to dark
    blue by the number of actions. The tooltip carries the handout's full text.

    Fed by :func:`allyship.metrics.responsibility_weeks`.
    """
    frame = _with_week_state(responsibilities)
    return _chart_coverage(frame, top=_top(frame))


def _top(frame: pd.DataFrame) -> int:
    """The most actions in one square (the heat map's darkest blue), at least 1."""
    return max(int(frame["actions"].max()) if not frame.empty else 1, 1)


def consistency_histogram(consistency: pd.DataFrame) -> alt.Chart:
    """How many members were active in 0, 1, … n weeks of the period (no names).

    Fed by :func:`allyship.metrics.consistency`.
    """
    return _chart_consistency(consistency)


def follow_through_chart(follow_through: pd.DataFrame) -> alt.Chart:
    """Plan next steps done in the period, still open and overdue, per group.

    Fed by :func:`allyship.metrics.follow_through`.
    """
    frame = follow_through.rename(columns=_STATUS_COLUMNS)
    return _chart_follow_through(frame, _groups(frame))


_STATUS_COLUMNS = {"done": "Done", "open": "Open", "overdue": "Overdue"}


def minutes_chart(minutes: pd.DataFrame) -> alt.LayerChart:
    """Minutes invested per week (line with a point per week; the unfinished week is a
    hollow point off the line).

    Fed by :func:`allyship.metrics.minutes_per_week`.
    """
    frame = _with_week_state(minutes)
    frame = frame.assign(hours=frame["minutes"] / 60)
    return _chart_minutes(frame)


BUILDERS: dict[str, Callable[[pd.DataFrame], alt.TopLevelMixin]] = {
    "participation": participation_chart,
    "responsibility_actions": responsibility_actions_chart,
    "coverage": coverage_heatmap,
    "consistency": consistency_histogram,
    "follow_through": follow_through_chart,
    "minutes": minutes_chart,
}


# --- prepared charts: cached templates + rows, without Altair on the page ----------------

_CHARTS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    "participation": _chart_participation,
    "responsibility_actions": _chart_responsibility_actions,
    "coverage": _chart_coverage,
    "consistency": _chart_consistency,
    "follow_through": _chart_follow_through,
    "minutes": _chart_minutes,
}
# Stand-ins the templates are built with, filled in per chart. A group's name: private-use
# characters nobody types, numbered; the heat map's top count: a number no week reaches.
_NAME = "\ue000{}\ue001"
_TOP = 987_654_321
# …a name as it appears in the template's JSON text (json.dumps escapes non-ASCII).
_NAME_IN_JSON = re.compile(r"\\ue000([0-9]+)\\ue001")


@lru_cache(maxsize=64)
def _template(kind: str, n_groups: int) -> str:
    """The chart's spec without data, as JSON, with stand-in group names and top count:
    built (and validated by Altair's constructors) once per kind and number of groups,
    not per chapter — team names differ everywhere, the number of lines does not."""
    names = [_NAME.format(i) for i in range(n_groups)]
    # Named (not absent) data, so that Altair lifts it out of a layer's charts to the
    # top, as it does real rows; the rows replace it (:meth:`PreparedChart.to_dict`) or
    # the page passes them beside the spec, which Vega-Lite's layers inherit.
    spec = _CHARTS[kind](alt.NamedData(name="rows"), names, _TOP).to_dict(validate=False)
    spec.pop("data")
    return json.dumps(spec)


def template(kind: str, names: Sequence[str] = (), top: int = 1) -> dict[str, Any]:
    """The chart's Vega-Lite spec without data, for these group names (participation,
    follow-through) and the heat map's top count: a fresh copy of a cached template, the
    caller's to change."""
    if kind not in _CHARTS:
        raise ValueError(f"no chart called {kind!r}")
    text = _template(kind, len(names))
    # The top count first, while the text holds no names (a team may be called
    # "987654321"); then every name in one pass (a name may look like a stand-in).
    text = text.replace(str(_TOP), str(max(top, 2)))
    if names:
        escaped = [json.dumps(str(n))[1:-1] for n in names]  # as the name reads in JSON
        text = _NAME_IN_JSON.sub(lambda m: escaped[int(m.group(1))], text)
    return json.loads(text)


def warm_templates(max_groups: int = 8) -> None:
    """Build the templates for up to ``max_groups`` groups now (server start-up), so no
    first view waits for Altair."""
    for kind in _CHARTS:
        for n in range(max_groups + 1) if kind in ("participation", "follow_through") else (0,):
            _template(kind, n)


@dataclass(frozen=True)
class PreparedChart:
    """A chart ready to draw: its spec without data (:func:`template`) and its rows as
    columns, each value as Altair writes it into the spec (dates as ISO strings without a
    time zone, so a browser anywhere reads the same day; NaN as ``None``)."""

    kind: str
    spec: dict[str, Any]  # the template, filled in: no data
    columns: dict[str, list[Any]]  # column name → values, in Altair's column order

    @property
    def description(self) -> str:
        """The accessible name (the spec's ``description``)."""
        return str(self.spec["description"])

    def records(self) -> list[dict[str, Any]]:
        """The rows, as Altair inlines them."""
        names = list(self.columns)
        return [dict(zip(names, row)) for row in zip(*self.columns.values())]

    def to_dict(self) -> dict[str, Any]:
        """The whole spec with the rows inlined — exactly what the Altair builder's
        ``to_dict()`` gives (same dataset name and all)."""
        values = self.records()
        name = _dataset_name(values)
        return {**self.spec, "data": {"name": name}, "datasets": {name: values}}


def _dataset_name(values: list[dict[str, Any]]) -> str:
    # As Altair names an inline dataset (altair.vegalite.v6.api._dataset_name).
    if values == [{}]:
        return "empty"
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def prepare(kind: str, frame: pd.DataFrame) -> PreparedChart:
    """The chart ``kind`` (a key of :data:`BUILDERS`) of ``frame``, ready to draw: the
    same spec as the builder's, built from a cached template in plain Python."""
    if kind not in _CHARTS:
        raise ValueError(f"no chart called {kind!r}")
    columns = _columns(frame)
    names: list[str] = []
    top = 1
    if kind in ("participation", "responsibility_actions", "coverage", "minutes"):
        _add_week_state(columns, len(frame))
    if kind == "participation":
        for col in ("share", "rolling_mean"):
            columns[col] = [None if v is None else float(v) for v in columns[col]]
        names = list(dict.fromkeys(columns["group"]))
    elif kind == "coverage":
        actions = [v for v in columns["actions"] if v is not None]
        top = max(int(max(actions)) if actions else 1, 1)
    elif kind == "follow_through":
        columns = {_STATUS_COLUMNS.get(k, k): v for k, v in columns.items()}
        names = list(dict.fromkeys(columns["group"]))
    elif kind == "minutes":
        columns["hours"] = [m / 60 for m in columns["minutes"]]
    return PreparedChart(kind, template(kind, names, top), columns)


def _add_week_state(columns: dict[str, list[Any]], n: int) -> None:
    """:func:`_with_week_state` on columns: ``in_progress`` as booleans (False when the
    frame has none), then ``week_state`` in words."""
    state = columns.get("in_progress", [False] * n)
    columns["in_progress"] = [bool(p) for p in state]
    columns["week_state"] = ["in progress" if p else "complete" for p in state]


def _columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """The frame's columns as lists of plain values, as Altair's
    ``sanitize_pandas_dataframe`` writes them: datetimes as ``Timestamp.isoformat()``
    (no time zone: Vega reads them as local time, so the day never shifts), a missing
    date as ``""``; NaN and infinities as ``None``; numpy scalars as Python ones."""
    out: dict[str, list[Any]] = {}
    for name, col in frame.items():
        dtype = col.dtype
        plain = isinstance(dtype, np.dtype)  # not a pandas extension type (str, Int64, …)
        if dtype.kind == "M":
            out[name] = _iso(col)
        elif plain and dtype.kind == "f":
            out[name] = [None if v != v or v in (math.inf, -math.inf) else v
                         for v in col.to_numpy().tolist()]
        elif plain and dtype.kind in "iub":
            out[name] = col.to_numpy().tolist()
        else:  # text, nullable numbers, objects
            out[name] = [None if _missing(v) else v for v in col.tolist()]
    return out


_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def _iso(col: pd.Series) -> list[str]:
    """Datetimes as ``Timestamp.isoformat()`` writes them ("2026-02-02T00:00:00"), a
    missing one as ``""``. Whole seconds (weeks always are) in one numpy call."""
    values = col.to_numpy()
    if isinstance(col.dtype, np.dtype):
        unit = np.datetime_data(values.dtype)[0]
        ticks = values.view("i8")
        missing = np.isnat(values)
        if unit in _PER_SECOND and not (ticks[~missing] % _PER_SECOND[unit]).any():
            text = np.datetime_as_string(values, unit="s").tolist()
            return ["" if gap else t for t, gap in zip(text, missing.tolist())]
    return ["" if v is pd.NaT else v.isoformat() for v in col]


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


# --- the same numbers as a table ("Show as table") ------------------------------------

def _week(frame: pd.DataFrame) -> list[str | None]:
    """Each row's week as people read it ("Mon 02 Feb 2026"), "(in progress)" after the
    unfinished one."""
    weeks = frame["week"]
    if weeks.dtype.kind != "M":
        weeks = pd.to_datetime(weeks)
    labels: dict[str, str | None] = {"": None}  # a few weeks, many rows: each once
    when = []
    for iso in _iso(weeks):
        if iso not in labels:
            labels[iso] = datetime.fromisoformat(iso).strftime("%a %d %b %Y")
        when.append(labels[iso])
    if "in_progress" in frame:
        when = [w + " (in progress)" if p and w is not None else w
                for w, p in zip(when, frame["in_progress"].astype(bool).tolist())]
    return when


def table(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers a chart draws, as a plain table with readable column names.

    ``kind`` names the chart: ``participation``, ``responsibility_actions``,
    ``coverage``, ``consistency``, ``follow_through`` or ``minutes``.
    """
    return pd.DataFrame(table_columns(kind, frame))


def table_columns(kind: str, frame: pd.DataFrame) -> dict[str, list[Any]]:
    """:func:`table` as columns of plain values (column name → values), which a page can
    send as they are. Built in plain Python: the frames are a few dozen rows, where
    pandas' reshaping cost milliseconds."""
    def col(name: str) -> list[Any]:
        return frame[name].tolist()

    if kind == "participation":
        out = {"Group": col("group"), "Week of": _week(frame),
               "Members who logged": col("participants"),
               "Active members not away": col("counted"),
               "Share that week": [_pct(v) for v in col("share")],
               "4-week average": [_pct(v) for v in col("rolling_mean")]}
    elif kind in ("responsibility_actions", "coverage"):
        # Responsibilities down (the handout's order), weeks across (as they come).
        cells: dict[tuple[str, str | None], int] = {}
        weeks: dict[str | None, None] = {}
        for label, when, n in zip(col("label"), _week(frame), col("actions")):
            weeks[when] = None
            cells[label, when] = cells.get((label, when), 0) + n
        order = [r.label for r in RESPONSIBILITIES]
        out = {"Responsibility": order}
        for when in weeks:
            out[when] = [int(cells.get((label, when), 0)) for label in order]
    elif kind == "consistency":
        out = {"Weeks with at least one action": col("weeks_active"),
               "Members": col("members")}
    elif kind == "follow_through":
        out = {"Group": col("group"), "Done": col("done"), "Open": col("open"),
               "Overdue": col("overdue"), "Plans": col("plans")}
    elif kind == "minutes":
        out = {"Week of": _week(frame), "Minutes": col("minutes"), "Actions": col("actions"),
               "Actions with minutes": col("actions_with_minutes")}
    else:
        raise ValueError(f"no chart called {kind!r}")
    return out


def _pct(v: Any) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:.0%}"
