"""Altair chart builders for the progress views: one function per chart.

Each function takes a frame made by :mod:`allyship.metrics` and returns an
``alt.Chart`` (or layer) whose Vega-Lite spec stretches to its container
(``width="container"``; pages call ``st.altair_chart(chart, width="stretch")``).
Every mark has a tooltip, every chart a readable title, and colours come from the
Okabe–Ito palette (distinguishable with the common colour-vision deficiencies) or
the viridis ramp for amounts. Pages never build a chart themselves.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from allyship.handout import RESPONSIBILITIES

# Okabe & Ito (2008), "Color Universal Design": safe for colour-blind readers.
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                              "#D55E00", "#F0E442", "#000000")
STATUS_COLOURS = {"Done": "#009E73", "Open": "#56B4E9", "Overdue": "#D55E00"}
HEIGHT = 280
_WEEK_FORMAT = "%d %b"
# Fit the width to the container but keep the plot's own height: Streamlit's default
# ("fit") squeezes the plot to make room for legends and rotated labels.
_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
_WEEK_TOOLTIP = alt.Tooltip("week:T", title="Week of", format="%a %d %b %Y")


def _base(frame: pd.DataFrame, title: str, subtitle: str | None = None,
          height: int = HEIGHT) -> alt.Chart:
    heading = alt.TitleParams(title, subtitle=subtitle or [], anchor="start")
    return alt.Chart(frame).properties(title=heading, width="container", height=height,
                                       autosize=_AUTOSIZE)


def _layer(*layers: alt.Chart, title: str, subtitle: str) -> alt.LayerChart:
    """Layers sharing one title and size (set on the layer, where Vega-Lite reads it)."""
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start"),
        width="container", height=HEIGHT, autosize=_AUTOSIZE)


def participation_chart(participation: pd.DataFrame) -> alt.LayerChart:
    """Weekly participation share per group (dots) and its 4-week rolling mean (line).

    Fed by :func:`allyship.metrics.weekly_participation`.
    """
    frame = participation.copy()
    frame["share"] = frame["share"].astype(float)
    groups = list(dict.fromkeys(frame["group"]))
    colour = alt.Color("group:N", title="Group", sort=groups,
                       scale=alt.Scale(domain=groups, range=list(OKABE_ITO[:len(groups)] or
                                                                 OKABE_ITO[:1])),
                       legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip("group:N", title="Group"), _WEEK_TOOLTIP,
               alt.Tooltip("participants:Q", title="Members who logged"),
               alt.Tooltip("counted:Q", title="Active members not away"),
               alt.Tooltip("share:Q", title="Share that week", format=".0%"),
               alt.Tooltip("rolling_mean:Q", title="4-week average", format=".0%")]
    x = alt.X("week:T", title="Week", axis=alt.Axis(format=_WEEK_FORMAT, tickCount="week"))
    base = alt.Chart(frame)
    line = base.mark_line(strokeWidth=3, interpolate="monotone").encode(
        x=x, y=alt.Y("rolling_mean:Q", title="Share of members",
                     axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=colour, tooltip=tooltip)
    dots = base.mark_circle(size=45, opacity=0.6).encode(
        x=x, y="share:Q", color=colour, tooltip=tooltip)
    return _layer(line, dots, title="Weekly participation",
                  subtitle="Share of active members (not away) who logged at least one "
                           "action; line = 4-week average")


def responsibility_actions_chart(responsibilities: pd.DataFrame) -> alt.Chart:
    """Actions per week, stacked by the responsibility they practised.

    Fed by :func:`allyship.metrics.responsibility_weeks`.
    """
    labels = [r.label for r in RESPONSIBILITIES]
    return _base(responsibilities, "Actions per week by responsibility",
                 "An action that practised two responsibilities counts under each").mark_bar(
    ).encode(
        # One band per week (a temporal axis would draw one-day-wide bars).
        x=alt.X("yearmonthdate(week):O", title="Week",
                axis=alt.Axis(format=_WEEK_FORMAT, labelAngle=-45)),
        y=alt.Y("actions:Q", title="Actions", stack="zero"),
        color=alt.Color("label:N", title="Responsibility", sort=labels,
                        scale=alt.Scale(domain=labels, range=list(OKABE_ITO)),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        order=alt.Order("responsibility:Q"),
        tooltip=[_WEEK_TOOLTIP, alt.Tooltip("label:N", title="Responsibility"),
                 alt.Tooltip("full_text:N", title="From the handout"),
                 alt.Tooltip("actions:Q", title="Actions"),
                 alt.Tooltip("members:Q", title="Members")],
    )


def coverage_heatmap(responsibilities: pd.DataFrame) -> alt.Chart:
    """Responsibility coverage: 8 rows (short titles) × weeks, coloured by actions.

    The tooltip carries the handout's full text. Fed by
    :func:`allyship.metrics.responsibility_weeks`.
    """
    labels = [r.label for r in RESPONSIBILITIES]
    return _base(responsibilities, "Responsibility coverage",
                 "Each square is one responsibility in one week; darker = more actions",
                 height=30 * len(labels) + 40).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("yearmonthdate(week):O", title="Week",
                axis=alt.Axis(format=_WEEK_FORMAT, labelAngle=-45)),
        y=alt.Y("label:N", title=None, sort=labels, axis=alt.Axis(labelLimit=260)),
        color=alt.Color("actions:Q", title="Actions",
                        scale=alt.Scale(scheme="viridis", reverse=True, domainMin=0)),
        tooltip=[alt.Tooltip("label:N", title="Responsibility"),
                 alt.Tooltip("full_text:N", title="From the handout"), _WEEK_TOOLTIP,
                 alt.Tooltip("actions:Q", title="Actions"),
                 alt.Tooltip("members:Q", title="Members who practised it")],
    )


def consistency_histogram(consistency: pd.DataFrame) -> alt.Chart:
    """How many members were active in 0, 1, … n weeks of the period (no names).

    Fed by :func:`allyship.metrics.consistency`.
    """
    return _base(consistency, "Consistency: weeks active in the period",
                 "How many members showed up in how many weeks — no names").mark_bar(
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
                 height=max(90, 46 * len(groups) + 50)).transform_fold(
        statuses, as_=["status", "steps"]).mark_bar().encode(
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
    """Minutes invested per week (line with a dot per week).

    Fed by :func:`allyship.metrics.minutes_per_week`.
    """
    frame = minutes.assign(hours=minutes["minutes"] / 60)
    base = alt.Chart(frame)
    x = alt.X("week:T", title="Week", axis=alt.Axis(format=_WEEK_FORMAT, tickCount="week"))
    tooltip = [_WEEK_TOOLTIP, alt.Tooltip("minutes:Q", title="Minutes", format=","),
               alt.Tooltip("hours:Q", title="Hours", format=",.1f"),
               alt.Tooltip("actions:Q", title="Actions"),
               alt.Tooltip("actions_with_minutes:Q", title="Actions with minutes")]
    line = base.mark_line(color=OKABE_ITO[2], strokeWidth=3).encode(
        x=x, y=alt.Y("minutes:Q", title="Minutes", scale=alt.Scale(domainMin=0)),
        tooltip=tooltip)
    dots = base.mark_circle(color=OKABE_ITO[2], size=50).encode(
        x=x, y="minutes:Q", tooltip=tooltip)
    return _layer(line, dots, title="Time invested per week",
                  subtitle="Minutes recorded on actions (recording minutes is optional)")
