"""The same figure reads the same way on every screen: no change is "no change" (no arrow,
no colour), count axes count whole things, weeks are named by their Monday, one unit of
time per screen, and each screen says which period it shows."""

from __future__ import annotations

import pandas as pd
import pytest

from allyship.charts import builders
from allyship.metrics import overview
from allyship.metrics.overview import Headline
from allyship.reports import chapter_report


@pytest.mark.parametrize("kind,value,previous", [
    ("share", 0.66, 0.66), ("share", 0.664, 0.661), ("count", 3, 3), ("minutes", 45, 45),
    ("minutes", 600, 600)])
def test_a_change_that_shows_as_zero_is_no_change_without_arrow_or_colour(kind, value,
                                                                           previous):
    h = Headline("x", "X", value, previous, kind, "")
    assert h.unchanged
    assert h.delta_display.lstrip("+-")[0] == "0"
    assert h.delta_style == {"delta_color": "off", "delta_arrow": "off",
                             "delta_description": overview.NO_CHANGE}
    assert chapter_report.change_words(h) == "no change"


def test_overdue_with_no_change_is_not_red_and_a_rise_still_is():
    same = Headline("overdue", "Next steps overdue", 2, 2, "count", "", lower_is_better=True)
    assert same.delta_style["delta_color"] == "off"
    more = Headline("overdue", "Next steps overdue", 3, 2, "count", "", lower_is_better=True)
    assert (more.delta_display, more.delta_style["delta_color"]) == ("+1", "inverse")
    assert chapter_report.change_words(more) == "+1 (worse)"


def test_a_real_change_keeps_its_sign_arrow_and_colour():
    h = Headline("participation", "Weekly participation", 0.7, 0.6, "share", "")
    assert not h.unchanged
    assert h.delta_display == "+10 pts"
    assert h.delta_style == {"delta_color": "normal", "delta_arrow": "auto"}
    assert Headline("steady", "Steady", 0.5, None, "share", "").unchanged is False


# --- the charts, drawn as the report draws them (vl-convert) -------------------------------

WEEKS = ["2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"]  # Mondays


def _texts(chart) -> list[str]:  # noqa: ANN001 — an Altair chart
    import re

    import vl_convert

    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _weekly(**columns) -> pd.DataFrame:
    return pd.DataFrame({"week": pd.to_datetime(WEEKS), "in_progress": [False] * 4, **columns})


@pytest.mark.slow
@pytest.mark.parametrize("name", ["participation", "minutes", "org_participation"])
def test_line_charts_label_each_week_by_its_monday(name):
    frame = _weekly(group=["Chapter"] * 4, participants=[3, 4, 3, 5], counted=[6] * 4,
                    share=[0.5, 0.66, 0.5, 0.83], rolling_mean=[0.5, 0.58, 0.55, 0.62],
                    minutes=[30, 0, 45, 60], actions=[1, 0, 2, 2],
                    actions_with_minutes=[1, 0, 1, 2])
    build = {"participation": builders.participation_chart, "minutes": builders.minutes_chart,
             "org_participation": builders.org_participation_chart}[name]
    texts = _texts(build(frame))
    assert [t for t in texts if t.endswith(" Feb")] == ["02 Feb", "09 Feb", "16 Feb", "23 Feb"]


@pytest.mark.slow
def test_the_follow_through_axis_counts_next_steps_in_whole_numbers():
    frame = pd.DataFrame({"group": ["Chapter", "Marsh"], "done": [1, 0], "open": [1, 1],
                          "overdue": [0, 1], "plans": [3, 2], "revised_90_days": [1, 1]})
    ticks = [t for t in _texts(builders.follow_through_chart(frame))
             if t.replace(".", "").isdigit()]
    assert ticks and all("." not in t for t in ticks), ticks


# --- the pages: each names the period it shows ---------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("page,key", [("team_progress", "tp_period"),
                                      ("chapter_report", "cr_period")])
def test_each_screen_names_the_period_its_figures_cover(demo_db, page, key):
    from apptest_helpers import all_text, goto, open_app

    at = goto(open_app("lead"), page)
    assert not at.exception, [e.value for e in at.exception]
    shown = at.selectbox(key=key).value
    assert f"Period shown: **{shown}**" in "\n".join(c.value for c in at.caption)
    assert "Period shown:" in all_text(at)


# --- one unit of time per screen: hours --------------------------------------------------

def test_the_time_chart_and_its_table_are_in_hours_like_the_headline():
    from allyship.charts import progress_charts

    frame = _weekly(minutes=[30, 0, 45, 90], actions=[1, 0, 2, 2],
                    actions_with_minutes=[1, 0, 1, 2])
    spec = builders.minutes_chart(frame).to_dict()
    assert {u["encoding"]["y"]["field"] for u in spec["layer"]} == {"hours"}
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Hours"
    table = progress_charts.table_columns("minutes", frame)
    assert "Minutes" not in table and table["Hours"] == [0.5, 0.0, 0.8, 1.5]


def test_the_reports_week_table_names_weeks_by_monday_and_time_in_hours():
    weeks = pd.DataFrame({"week": [pd.Timestamp("2026-02-02").date()], "counted": [4],
                          "participants": [2], "share": [0.5], "actions": [3],
                          "minutes": [90]})
    from allyship.reports import renderer

    html = renderer.table(weeks.to_dict("records"), chapter_report.WEEK_COLUMNS,
                          set(chapter_report.WEEK_COLUMNS) - {"week"},
                          chapter_report.WEEK_FORMATS)
    assert "Hours" in html and "Minutes" not in html
    assert "Mon 02 Feb 2026" in html and ">1.5<" in html


@pytest.mark.slow
def test_a_headline_that_did_not_change_is_grey_with_no_arrow_on_the_page(demo_db):
    from apptest_helpers import goto, open_app
    from streamlit.proto.Metric_pb2 import Metric

    at = goto(open_app("admin"), "team_progress")
    at.selectbox(key="tp_period").set_value("Last 4 weeks").run()  # compared: deltas
    assert not at.exception, [e.value for e in at.exception]
    shown = [m.proto for m in at.metric if m.proto.delta]
    assert shown, "no headline with a change to check"
    for m in shown:
        zero = not any(c in "123456789" for c in m.delta)
        assert (m.direction == Metric.MetricDirection.NONE) == zero, (m.label, m.delta)
        assert (m.color == Metric.MetricColor.GRAY) == zero, (m.label, m.delta)
        assert (m.delta_description == "no change") == zero, (m.label, m.delta)
