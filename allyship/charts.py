"""Altair chart builders for the progress views: one function per chart.

Each function takes a frame made by :mod:`allyship.metrics` and returns an
``alt.Chart`` (or layer) whose Vega-Lite spec stretches to its container
(``width="container"``). Pages never build a chart themselves; they show one with
:func:`allyship.ui_charts.show_chart`, which draws :func:`spec` (the spec without
Altair's schema validation, done once by the tests instead) and offers the same
numbers as a table (:func:`table`).

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

from typing import Any

import altair as alt
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


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec, without re-validating it against the schema (the
    tests validate every chart once; on a page it only costs time)."""
    return chart.to_dict(validate=False)


def description(chart: alt.TopLevelMixin) -> str:
    """The chart's accessible name (its Vega-Lite ``description``)."""
    return str(chart.description)


def _with_week_state(frame: pd.DataFrame) -> pd.DataFrame:
    state = frame["in_progress"] if "in_progress" in frame else pd.Series(False, frame.index)
    return frame.assign(in_progress=state.astype(bool),
                        week_state=state.map(lambda p: "in progress" if p else "complete"))


def _base(frame: pd.DataFrame, title: str, subtitle: str | None, about: str,
          height: int = HEIGHT) -> alt.Chart:
    heading = alt.TitleParams(title, subtitle=subtitle or [], anchor="start")
    return alt.Chart(frame).properties(title=heading, width="container", height=height,
                                       autosize=_AUTOSIZE, description=about)


def _layer(*layers: alt.Chart, title: str, subtitle: str, about: str) -> alt.LayerChart:
    """Layers sharing one title and size (set on the layer, where Vega-Lite reads it)."""
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start"),
        width="container", height=HEIGHT, autosize=_AUTOSIZE, description=about)


def _cycle(values: tuple[Any, ...], n: int) -> list[Any]:
    return [values[i % len(values)] for i in range(max(n, 1))]


def participation_chart(participation: pd.DataFrame) -> alt.LayerChart:
    """Weekly participation share per group (points) and its 4-week rolling mean (line),
    each group with its own colour, dash and point shape, and its name at the line's end.

    Fed by :func:`allyship.metrics.weekly_participation`.
    """
    frame = _with_week_state(participation)
    frame["share"] = frame["share"].astype(float)
    frame["rolling_mean"] = frame["rolling_mean"].astype(float)
    groups = list(dict.fromkeys(frame["group"]))
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
    base = alt.Chart(frame)
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


def responsibility_actions_chart(responsibilities: pd.DataFrame) -> alt.Chart:
    """Actions per week, stacked by the responsibility they practised (handout order,
    bottom up; the unfinished week faded).

    Fed by :func:`allyship.metrics.responsibility_weeks`.
    """
    labels = [r.label for r in RESPONSIBILITIES]
    frame = _with_week_state(responsibilities)
    return _base(frame, "Actions per week by responsibility",
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


def coverage_heatmap(responsibilities: pd.DataFrame) -> alt.Chart:
    """Responsibility coverage: 8 rows (short titles) × weeks. A square nobody practised
    is an explicit light grey ("none"); squares with actions run from light to dark
    blue by the number of actions. The tooltip carries the handout's full text.

    Fed by :func:`allyship.metrics.responsibility_weeks`.
    """
    labels = [r.label for r in RESPONSIBILITIES]
    frame = _with_week_state(responsibilities)
    top = max(int(frame["actions"].max()) if not frame.empty else 1, 1)
    some = alt.Color("actions:Q", title="Actions (grey = none)",
                     scale=alt.Scale(domain=[1, max(top, 2)], range=list(SOME_RANGE)),
                     legend=alt.Legend(orient="bottom", tickMinStep=1))
    return _base(frame, "Responsibility coverage",
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


def consistency_histogram(consistency: pd.DataFrame) -> alt.Chart:
    """How many members were active in 0, 1, … n weeks of the period (no names).

    Fed by :func:`allyship.metrics.consistency`.
    """
    return _base(consistency, "Consistency: weeks active in the period",
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


def follow_through_chart(follow_through: pd.DataFrame) -> alt.Chart:
    """Plan next steps done in the period, still open and overdue, per group.

    Fed by :func:`allyship.metrics.follow_through`.
    """
    statuses = list(STATUS_COLOURS)
    frame = follow_through.rename(columns={"done": "Done", "open": "Open",
                                           "overdue": "Overdue"})
    groups = list(dict.fromkeys(frame["group"]))
    return _base(frame, "Plan follow-through: next steps",
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


def minutes_chart(minutes: pd.DataFrame) -> alt.LayerChart:
    """Minutes invested per week (line with a point per week; the unfinished week is a
    hollow point off the line).

    Fed by :func:`allyship.metrics.minutes_per_week`.
    """
    frame = _with_week_state(minutes)
    frame = frame.assign(hours=frame["minutes"] / 60)
    base = alt.Chart(frame)
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


# --- the same numbers as a table ("Show as table") ------------------------------------

def _week(frame: pd.DataFrame) -> pd.Series:
    when = pd.to_datetime(frame["week"]).dt.strftime("%a %d %b %Y")
    if "in_progress" in frame:
        when = when.where(~frame["in_progress"].astype(bool), when + " (in progress)")
    return when


def table(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers a chart draws, as a plain table with readable column names.

    ``kind`` names the chart: ``participation``, ``responsibility_actions``,
    ``coverage``, ``consistency``, ``follow_through`` or ``minutes``.
    """
    if kind == "participation":
        out = pd.DataFrame({"Group": frame["group"], "Week of": _week(frame),
                            "Members who logged": frame["participants"],
                            "Active members not away": frame["counted"],
                            "Share that week": frame["share"].map(_pct),
                            "4-week average": frame["rolling_mean"].map(_pct)})
    elif kind in ("responsibility_actions", "coverage"):
        wide = frame.assign(when=_week(frame)).pivot_table(
            index="label", columns="when", values="actions", aggfunc="sum", sort=False)
        order = [r.label for r in RESPONSIBILITIES]
        out = wide.reindex(order).fillna(0).astype(int).reset_index().rename(
            columns={"label": "Responsibility"})
        out.columns.name = None
    elif kind == "consistency":
        out = pd.DataFrame({"Weeks with at least one action": frame["weeks_active"],
                            "Members": frame["members"]})
    elif kind == "follow_through":
        out = pd.DataFrame({"Group": frame["group"], "Done": frame["done"],
                            "Open": frame["open"], "Overdue": frame["overdue"],
                            "Plans": frame["plans"]})
    elif kind == "minutes":
        out = pd.DataFrame({"Week of": _week(frame), "Minutes": frame["minutes"],
                            "Actions": frame["actions"],
                            "Actions with minutes": frame["actions_with_minutes"]})
    else:
        raise ValueError(f"no chart called {kind!r}")
    return out.reset_index(drop=True)


def _pct(v: Any) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:.0%}"
