"""The charts, defined with Altair: one function per chart.

This module is the one definition of each chart. Each builder takes a frame made by
:mod:`allyship.metrics` and returns an ``alt.Chart`` (or layer) whose Vega-Lite spec
stretches to its container. Every chart has a description and a title, a tooltip on
every mark, colours from :mod:`allyship.charts.palette`, and never colour as the only cue;
the unfinished current week is drawn hollow or faded.

Pages and the reports do not run these builders (Altair is slow to import and validates
as it builds): they fill in a *template*, a builder's spec made without data
(:func:`allyship.charts.progress_charts.prepare`). ``python -m allyship.charts.builders``
writes the templates to ``chart_templates.json`` after a change to a chart; a test
rebuilds them and fails if the file differs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from allyship.charts.kinds import (
    GROUP_KINDS,
    KINDS,
    NAME_STAND_IN,
    ORG_KINDS,
    SHIPPED_GROUPS,
    STATUS_COLUMNS,
    TEMPLATES_FILE,
    TOP_STAND_IN,
)
from allyship.charts.palette import (
    GROUP_COLOURS,
    GROUP_DASHES,
    GROUP_SHAPES,
    HEIGHT,
    NONE_COLOUR,
    OKABE_ITO,
    RESPONSIBILITY_COLOURS,
    SOME_RANGE,
    STATUS_COLOURS,
)
from allyship.charts.chart_words import COMPLETE, IN_PROGRESS, describe, is_source, localise
from allyship.core.handout import RESPONSIBILITIES
from allyship.i18n import N_, Translator

_WEEK_FORMAT = "%d %b"
# Fit the width to the container but keep the plot's own height: Streamlit's default
# ("fit") squeezes the plot to make room for legends and rotated labels.
_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
_WEEK_TOOLTIP = alt.Tooltip("week:T", title=N_("Week of"), format="%a %d %b %Y")
# Every chart names a week by its Monday: one band or point per week, labelled with the
# week's own date (a time axis would put its ticks on Sundays, Vega's weeks).
_WEEK_X = alt.X("yearmonthdate(week):O", title=N_("Week (from Monday)"),
                axis=alt.Axis(format=_WEEK_FORMAT, labelAngle=-45))
# Counts of things (actions, members, next steps) in whole numbers on the axis.
_COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")
_WEEK_STATE = alt.Tooltip("week_state:N", title=N_("Week"))
def _with_week_state(frame: pd.DataFrame) -> pd.DataFrame:
    state = frame["in_progress"] if "in_progress" in frame else pd.Series(False, frame.index)
    return frame.assign(in_progress=state.astype(bool),
                        week_state=state.map(lambda p: IN_PROGRESS if p else COMPLETE))


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


def _group_cues(groups: list[str], title: str | None
                ) -> tuple[alt.Color, alt.StrokeDash, alt.Shape]:
    """A group's colour (with the legend), dash and point shape: colour is never the
    only cue."""
    n = len(groups)
    colour = alt.Color("group:N", title=title, sort=groups,
                       scale=alt.Scale(domain=groups, range=_cycle(GROUP_COLOURS, n)),
                       legend=alt.Legend(orient="bottom"))
    dash = alt.StrokeDash("group:N", sort=groups, legend=None,
                          scale=alt.Scale(domain=groups,
                                          range=[list(d) for d in _cycle(GROUP_DASHES, n)]))
    shape = alt.Shape("group:N", sort=groups, legend=None,
                      scale=alt.Scale(domain=groups, range=_cycle(GROUP_SHAPES, n)))
    return colour, dash, shape


def _last_of_each_group(chart: alt.Chart) -> alt.Chart:
    """Each group's latest week (where its name goes, at the line's end)."""
    return chart.transform_window(
        rank="rank()", sort=[alt.SortField("week", order="descending")], groupby=["group"]
    ).transform_filter("datum.rank == 1")


# --- the charts: each defined once, drawn with data (the builders) or without (templates)
#
# Each ``_chart_*`` function takes the chart's data (a frame, or a stand-in for the
# template) and its shape; everything else about the chart is fixed here.

def _chart_participation(data: Any, groups: Sequence[str], top: int = 0) -> alt.LayerChart:
    groups = list(groups)
    colour, dash, shape = _group_cues(groups, N_("Group"))
    tooltip = [alt.Tooltip("group:N", title=N_("Group")), _WEEK_TOOLTIP, _WEEK_STATE,
               alt.Tooltip("participants:Q", title=N_("Members who logged")),
               alt.Tooltip("counted:Q", title=N_("Active members not away")),
               alt.Tooltip("share:Q", title=N_("Share that week"), format=".0%"),
               alt.Tooltip("rolling_mean:Q", title=N_("4-week average"), format=".0%")]
    x = _WEEK_X
    y = alt.Y("rolling_mean:Q", title=N_("Share of members"), axis=alt.Axis(format="%"),
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
    ends = _last_of_each_group(complete.transform_filter("isValid(datum.rolling_mean)")
                               ).mark_text(align="left", dx=6, fontWeight="bold").encode(
        x=x, y=y, text="group:N", color=colour, tooltip=tooltip)
    return _layer(line, dots, unfinished, ends, title=N_("Weekly participation"),
                  subtitle=N_("Share of active members (not away) who logged at least one "
                              "action; line = 4-week average; hollow = week in progress"),
                  about=describe("participation", groups))


def _chart_responsibility_actions(data: Any, groups: Sequence[str] = (),
                                  top: int = 0) -> alt.Chart:
    labels = [r.label for r in RESPONSIBILITIES]
    return _base(data, N_("Actions per week by responsibility"),
                 N_("An action that practised two responsibilities counts under each; "
                    "faded = week in progress"),
                 describe("responsibility_actions", ())).mark_bar(
        stroke="white", strokeWidth=0.5).encode(
        x=_WEEK_X,
        y=alt.Y("actions:Q", title=N_("Actions"), stack="zero", axis=_COUNT_AXIS),
        color=alt.Color("label:N", title=N_("Responsibility"), sort=labels,
                        scale=alt.Scale(domain=labels, range=list(RESPONSIBILITY_COLOURS)),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        opacity=alt.condition("datum.in_progress", alt.value(0.4), alt.value(1.0)),
        order=alt.Order("responsibility:Q"),
        tooltip=[_WEEK_TOOLTIP, _WEEK_STATE, alt.Tooltip("label:N", title=N_("Responsibility")),
                 alt.Tooltip("full_text:N", title=N_("From the handout")),
                 alt.Tooltip("actions:Q", title=N_("Actions")),
                 alt.Tooltip("members:Q", title=N_("Members"))],
    )


def _chart_coverage(data: Any, groups: Sequence[str] = (), top: int = 1) -> alt.Chart:
    labels = [r.label for r in RESPONSIBILITIES]
    some = alt.Color("actions:Q", title=N_("Actions (grey = none)"),
                     scale=alt.Scale(domain=[1, max(top, 2)], range=list(SOME_RANGE)),
                     legend=alt.Legend(orient="bottom", tickMinStep=1))
    return _base(data, N_("Responsibility coverage"),
                 N_("Each square is one responsibility in one week: grey = nobody practised "
                    "it, darker blue = more actions"),
                 describe("coverage", ()),
                 height=30 * len(labels) + 40).mark_rect(stroke="white", strokeWidth=1).encode(
        x=_WEEK_X,
        y=alt.Y("label:N", title=None, sort=labels, axis=alt.Axis(labelLimit=260)),
        color=alt.condition("datum.actions > 0", some, alt.value(NONE_COLOUR)),
        opacity=alt.condition("datum.in_progress", alt.value(0.5), alt.value(1.0)),
        tooltip=[alt.Tooltip("label:N", title=N_("Responsibility")),
                 alt.Tooltip("full_text:N", title=N_("From the handout")), _WEEK_TOOLTIP,
                 _WEEK_STATE, alt.Tooltip("actions:Q", title=N_("Actions")),
                 alt.Tooltip("members:Q", title=N_("Members who practised it"))],
    )


def _chart_consistency(data: Any, groups: Sequence[str] = (), top: int = 0) -> alt.Chart:
    return _base(data, N_("Consistency: weeks active in the period"),
                 N_("How many members showed up in how many weeks — no names"),
                 describe("consistency", ())).mark_bar(
        color=OKABE_ITO[0]).encode(
        x=alt.X("weeks_active:O", title=N_("Weeks with at least one action"),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("members:Q", title=N_("Members"), axis=_COUNT_AXIS),
        tooltip=[alt.Tooltip("weeks_active:O", title=N_("Weeks active")),
                 alt.Tooltip("weeks_in_period:Q", title=N_("Weeks in period")),
                 alt.Tooltip("members:Q", title=N_("Members"))],
    )


def _chart_follow_through(data: Any, groups: Sequence[str], top: int = 0) -> alt.Chart:
    statuses = list(STATUS_COLOURS)
    groups = list(groups)
    return _base(data, N_("Plan follow-through: next steps"),
                 N_("Done in the period, still open, and past their due date"),
                 describe("follow_through", groups),
                 height=max(90, 46 * len(groups) + 50)).transform_fold(
        statuses, as_=["status", "steps"]).mark_bar(stroke="white", strokeWidth=1).encode(
        y=alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=220)),
        x=alt.X("steps:Q", title=N_("Next steps"), stack="zero", axis=_COUNT_AXIS),
        color=alt.Color("status:N", title=N_("Status"), sort=statuses,
                        scale=alt.Scale(domain=statuses, range=list(STATUS_COLOURS.values())),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip("group:N", title=N_("Group")), alt.Tooltip("status:N", title=N_("Status")),
                 alt.Tooltip("steps:Q", title=N_("Next steps")),
                 alt.Tooltip("plans:Q", title=N_("Plans")),
                 alt.Tooltip("revised_90_days:Q", title=N_("Plans revised in 90 days"))],
    ).transform_calculate(
        status_order=f"indexof({statuses!r}, datum.status)")


def _chart_minutes(data: Any, groups: Sequence[str] = (), top: int = 0) -> alt.LayerChart:
    base = alt.Chart(data)
    x = _WEEK_X
    # Hours, as the headline beside it: one unit of time per screen.
    tooltip = [_WEEK_TOOLTIP, _WEEK_STATE,
               alt.Tooltip("hours:Q", title=N_("Hours"), format=",.1f"),
               alt.Tooltip("actions:Q", title=N_("Actions")),
               alt.Tooltip("actions_with_minutes:Q", title=N_("Actions with minutes"))]
    complete = base.transform_filter("!datum.in_progress")
    line = complete.mark_line(color=OKABE_ITO[0], strokeWidth=3).encode(
        x=x, y=alt.Y("hours:Q", title=N_("Hours"), scale=alt.Scale(domainMin=0)),
        tooltip=tooltip)
    dots = complete.mark_point(color=OKABE_ITO[0], size=50, filled=True).encode(
        x=x, y="hours:Q", tooltip=tooltip)
    unfinished = base.transform_filter("datum.in_progress").mark_point(
        color=OKABE_ITO[0], size=60, filled=False, strokeWidth=2, aria=False).encode(
        x=x, y="hours:Q", tooltip=tooltip)
    return _layer(line, dots, unfinished, title=N_("Time invested per week"),
                  subtitle=N_("Hours recorded on actions (recording time is optional)"),
                  about=describe("minutes", ()))


def _chart_org_participation(data: Any, groups: Sequence[str], top: int = 0) -> alt.LayerChart:
    groups = list(groups)
    colour, dash, shape = _group_cues(groups, None)
    x = _WEEK_X
    y = alt.Y("share:Q", title=N_("Members who logged"), axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    tooltip = [alt.Tooltip("group:N", title=N_("Group")),
               _WEEK_TOOLTIP,
               alt.Tooltip("share:Q", title=N_("Participation"), format=".0%"),
               alt.Tooltip("participants:Q", title=N_("Members who logged")),
               alt.Tooltip("counted:Q", title=N_("Active, not away"))]
    shown = alt.Chart(data).transform_filter("isValid(datum.share)")
    line = shown.mark_line(point=True).encode(x=x, y=y, color=colour, strokeDash=dash,
                                              shape=shape, tooltip=tooltip)
    ends = _last_of_each_group(shown).mark_text(align="left", dx=6, fontSize=11).encode(
        x=x, y=y, text="group:N", color=colour, tooltip=tooltip)
    return _layer(line, ends, title=N_("Weekly participation by region"),
                  subtitle=N_("Share of active members (not away) who logged"),
                  about=describe("org_participation", groups))


# --- the builders: the plain Altair charts (what the templates are tested against) --------

def participation_chart(participation: pd.DataFrame, tr: Translator | None = None
                        ) -> alt.LayerChart:
    """Weekly participation share per group (points) and its 4-week rolling mean (line),
    each group with its own colour, dash and point shape, and its name at the line's end.

    Fed by :func:`allyship.metrics.chapter_figures.weekly_participation`.
    """
    frame = _with_week_state(participation)
    frame["share"] = frame["share"].astype(float)
    frame["rolling_mean"] = frame["rolling_mean"].astype(float)
    return _in_language(_chart_participation(frame, _groups(frame)), "participation",
                        _groups(frame), tr)


def responsibility_actions_chart(responsibilities: pd.DataFrame,
                                 tr: Translator | None = None) -> alt.Chart:
    """Actions per week, stacked by the responsibility they practised (handout order,
    bottom up; the unfinished week faded).

    Fed by :func:`allyship.metrics.chapter_figures.responsibility_weeks`.
    """
    return _in_language(_chart_responsibility_actions(_with_week_state(responsibilities)),
                        "responsibility_actions", (), tr)


def coverage_heatmap(responsibilities: pd.DataFrame, tr: Translator | None = None
                     ) -> alt.Chart:
    """Responsibility coverage: 8 rows (short titles) × weeks. A square nobody practised
    is an explicit light grey ("none"); squares with actions run from light to dark
    blue by the number of actions. The tooltip carries the handout's full text.

    Fed by :func:`allyship.metrics.chapter_figures.responsibility_weeks`.
    """
    frame = _with_week_state(responsibilities)
    return _in_language(_chart_coverage(frame, top=_top(frame)), "coverage", (), tr)


def _top(frame: pd.DataFrame) -> int:
    """The most actions in one square (the heat map's darkest blue), at least 1."""
    return max(int(frame["actions"].max()) if not frame.empty else 1, 1)


def consistency_histogram(consistency: pd.DataFrame, tr: Translator | None = None
                          ) -> alt.Chart:
    """How many members were active in 0, 1, … n weeks of the period (no names).

    Fed by :func:`allyship.metrics.chapter_figures.consistency`.
    """
    return _in_language(_chart_consistency(consistency), "consistency", (), tr)


def follow_through_chart(follow_through: pd.DataFrame, tr: Translator | None = None
                         ) -> alt.Chart:
    """Plan next steps done in the period, still open and overdue, per group.

    Fed by :func:`allyship.metrics.chapter_figures.follow_through`.
    """
    frame = follow_through.rename(columns=STATUS_COLUMNS)
    return _in_language(_chart_follow_through(frame, _groups(frame)), "follow_through",
                        _groups(frame), tr)


def minutes_chart(minutes: pd.DataFrame, tr: Translator | None = None) -> alt.LayerChart:
    """Hours invested per week (line with a point per week; the unfinished week is a
    hollow point off the line).

    Fed by :func:`allyship.metrics.chapter_figures.minutes_per_week`.
    """
    frame = _with_week_state(minutes)
    frame = frame.assign(hours=frame["minutes"] / 60)
    return _in_language(_chart_minutes(frame), "minutes", (), tr)


def org_participation_chart(weekly: pd.DataFrame, tr: Translator | None = None
                            ) -> alt.LayerChart:
    """Weekly participation of each group (a region's chapters together, the organisation,
    or one chapter): a line per group with its own colour, dash and point shape, and its
    name at the line's end. Weeks without a share are left out.

    Fed by rows of :attr:`allyship.metrics.org_figures.OrgProgress.weekly`.
    """
    return _in_language(_chart_org_participation(weekly, _groups(weekly)),
                        "org_participation", _groups(weekly), tr)


def _in_language(chart: Any, kind: str, groups: Sequence[str], tr: Translator | None) -> Any:
    """The chart in ``tr``'s language (:func:`allyship.charts.chart_words.localise`):
    the English chart as it is, else the same spec with its words translated."""
    if is_source(tr):
        return chart
    spec = localise(chart.to_dict(validate=False), kind, groups, tr)
    return (alt.LayerChart if "layer" in spec else alt.Chart).from_dict(spec, validate=False)


BUILDERS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    "participation": participation_chart,
    "responsibility_actions": responsibility_actions_chart,
    "coverage": coverage_heatmap,
    "consistency": consistency_histogram,
    "follow_through": follow_through_chart,
    "minutes": minutes_chart,
}
ORG_BUILDERS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    "org_participation": org_participation_chart,
}


# --- the templates (``charts.prepare``'s starting point), and the file they are shipped in

_CHARTS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    "participation": _chart_participation,
    "responsibility_actions": _chart_responsibility_actions,
    "coverage": _chart_coverage,
    "consistency": _chart_consistency,
    "follow_through": _chart_follow_through,
    "minutes": _chart_minutes,
    "org_participation": _chart_org_participation,
}


def template_json(kind: str, n_groups: int) -> str:
    """The chart's spec without data, as JSON text, with stand-in group names
    (:data:`~allyship.charts.kinds.NAME_STAND_IN`) and top count
    (:data:`~allyship.charts.kinds.TOP_STAND_IN`): what
    :func:`allyship.charts.progress_charts.template` fills in."""
    names = [NAME_STAND_IN.format(i) for i in range(n_groups)]
    # Named (not absent) data, so that Altair lifts it out of a layer's charts to the
    # top, as it does real rows; the rows replace it (:meth:`PreparedChart.to_dict`) or
    # the page passes them beside the spec, which Vega-Lite's layers inherit.
    spec = _CHARTS[kind](alt.NamedData(name="rows"), names, TOP_STAND_IN).to_dict(validate=False)
    spec.pop("data")
    return json.dumps(spec)


def shipped_templates() -> dict[str, Any]:
    """What ``allyship/chart_templates.json`` holds: every chart's template, for 0 to
    :data:`~allyship.charts.kinds.SHIPPED_GROUPS` groups where the chart has groups, else
    one (the others do not depend on the groups)."""
    return {
        "about": "Generated by `python -m allyship.charts.builders` from the Altair "
                 "builders in allyship/charts/builders.py; do not edit. "
                 "tests/test_charts_prepared.py checks that it matches them.",
        "templates": {
            kind: {str(n): json.loads(template_json(kind, n))
                   for n in (range(SHIPPED_GROUPS + 1) if kind in GROUP_KINDS else (0,))}
            for kind in KINDS + ORG_KINDS},
    }


def templates_file_text() -> str:
    """:func:`shipped_templates` as the file's text (one template per line, so a change
    to a chart reads as a short diff)."""
    shipped = shipped_templates()
    lines = ["{", f'"about": {json.dumps(shipped["about"])},', '"templates": {']
    kinds = list(shipped["templates"].items())
    for k, (kind, by_groups) in enumerate(kinds):
        lines.append(f"{json.dumps(kind)}: {{")
        items = list(by_groups.items())
        for i, (n, spec) in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            lines.append(f"{json.dumps(n)}: {json.dumps(spec)}{comma}")
        lines.append("}" + ("," if k < len(kinds) - 1 else ""))
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    # python -m allyship.charts.builders: write the templates file after changing a chart.
    TEMPLATES_FILE.write_text(templates_file_text(), encoding="utf-8")
    print(f"wrote {TEMPLATES_FILE}", file=sys.stderr)
