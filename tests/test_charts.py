"""Chart builders (allyship.charts.builders, Altair): valid Vega-Lite with the expected
encodings, tooltips on every mark, readable titles, colour-blind-safe colours, stretching
to their container."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import vl_convert

from allyship.charts import builders, progress_charts
from allyship.charts import palette as chart_palette
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import ActionDraft, MemberDraft
from allyship.metrics import overview, periods, scopes
from allyship.people import roster
from allyship.practice import journal
from tests.membership_helpers import belonged_all_along

TODAY = date(2026, 2, 25)  # a Wednesday: the week of 23 Feb is still in progress
PERIOD = periods.Period(date(2026, 2, 2), date(2026, 3, 1))  # includes that week
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def frames(chapter) -> overview.ProgressFrames:
    db = chapter.db
    for n in (2, 3):  # Team B grows to three, so both teams get their own lines
        roster.add_member(db, chapter.admin, MemberDraft(f"B {n}", f"b{n}@example.org",
                                                         "member", chapter.team_b))
    belonged_all_along(db)
    for who, day, resp, minutes in [(chapter.member, date(2026, 2, 3), (1, 2), 30),
                                    (chapter.lead, date(2026, 2, 10), (4,), None),
                                    (chapter.teammate, date(2026, 2, 24), (8,), 45)]:
        journal.log_action(db, who, ActionDraft(done_on=day, description="x",
                                                responsibilities=resp, minutes=minutes),
                           today=TODAY)
    return overview.team_progress(db, chapter.admin, scopes.Scope(chapter.chapter.id), PERIOD,
                                 today=TODAY)


BUILDERS = {
    "participation": (builders.participation_chart, "participation"),
    "responsibility_actions": (builders.responsibility_actions_chart,
                               "responsibilities"),
    "coverage": (builders.coverage_heatmap, "responsibilities"),
    "consistency": (builders.consistency_histogram, "consistency"),
    "follow_through": (builders.follow_through_chart, "follow_through"),
    "minutes": (builders.minutes_chart, "minutes"),
}


def lightness(colour: str) -> float:
    """CIECAM02 lightness J' of an sRGB hex colour."""
    from colorspacious import cspace_convert

    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return float(cspace_convert(rgb, "sRGB1", "CAM02-UCS")[0])


def spec_of(frames, name: str) -> dict:
    build, attr = BUILDERS[name]
    return build(getattr(frames, attr)).to_dict()  # to_dict validates against the schema


@pytest.mark.parametrize("name", list(BUILDERS))
def test_the_unvalidated_spec_pages_draw_is_the_validated_one(frames, name):
    build, attr = BUILDERS[name]
    chart = build(getattr(frames, attr))
    assert progress_charts.spec(chart) == chart.to_dict()  # validated once, here


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_chart_has_an_accessible_description_and_a_table_of_its_numbers(frames, name):
    build, attr = BUILDERS[name]
    chart = build(getattr(frames, attr))
    about = spec_of(frames, name)["description"]
    assert about == progress_charts.description(chart) and len(about) > 30
    table = progress_charts.table(name, getattr(frames, attr))
    assert not table.empty and all(isinstance(c, str) and c.strip() for c in table.columns)


def units(spec: dict) -> list[dict]:
    """The single-view specs (a layer's layers, or the chart itself)."""
    return spec.get("layer", [spec])


def enc(unit: dict, channel: str) -> dict:
    return unit["encoding"][channel]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_chart_is_vega_lite_that_compiles_and_stretches(frames, name):
    spec = spec_of(frames, name)
    assert "vega-lite" in spec["$schema"]
    assert spec["width"] == "container"
    vega = vl_convert.vegalite_to_vega(spec)  # the Vega-Lite compiler accepts it
    vega = json.loads(vega) if isinstance(vega, str) else vega
    assert vega["marks"]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_mark_has_a_tooltip_and_the_chart_a_title(frames, name):
    spec = spec_of(frames, name)
    title = spec.get("title") or spec["layer"][0].get("title")
    assert title["text"] and title["subtitle"]
    for unit in units(spec):
        assert len(enc(unit, "tooltip")) >= 3
        assert all(t.get("title") for t in enc(unit, "tooltip"))


def test_participation_plots_the_share_and_its_rolling_mean_per_group(frames):
    line, dots, unfinished, ends = units(spec_of(frames, "participation"))
    assert line["mark"]["type"] == "line" and dots["mark"]["type"] == "point"
    assert enc(line, "y")["field"] == "rolling_mean" and enc(dots, "y")["field"] == "share"
    assert enc(line, "x") == enc(dots, "x") and enc(line, "x")["type"] == "ordinal"
    assert enc(line, "x")["timeUnit"] == "yearmonthdate"  # one point per week, by its Monday
    assert enc(line, "color")["field"] == "group"
    assert enc(line, "y")["axis"]["format"] == "%"
    assert set(enc(line, "color")["scale"]["range"]) <= set(chart_palette.GROUP_COLOURS)


def test_lines_differ_by_dash_and_marker_and_carry_an_end_label(frames):
    line, dots, unfinished, ends = units(spec_of(frames, "participation"))
    groups = list(dict.fromkeys(frames.participation["group"]))
    assert len(groups) >= 2
    dashes = enc(line, "strokeDash")["scale"]["range"]
    shapes = enc(dots, "shape")["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == len(groups) == len(set(shapes))
    assert ends["mark"]["type"] == "text" and enc(ends, "text")["field"] == "group"
    # The unfinished week is a hollow point, and the line leaves it out.
    assert unfinished["mark"]["filled"] is False
    assert any(t.get("filter") == "!datum.in_progress" for t in line["transform"])


def test_stacked_actions_are_coloured_by_responsibility_in_handout_order(frames):
    spec = spec_of(frames, "responsibility_actions")
    assert spec["mark"]["type"] == "bar"
    assert enc(spec, "y")["field"] == "actions" and enc(spec, "y")["stack"] == "zero"
    colour = enc(spec, "color")
    assert colour["field"] == "label"
    assert colour["scale"]["domain"] == [r.label for r in RESPONSIBILITIES]
    assert colour["scale"]["range"] == list(chart_palette.RESPONSIBILITY_COLOURS)


def test_coverage_heatmap_has_eight_rows_of_short_titles_and_full_text_in_the_tooltip(frames):
    spec = spec_of(frames, "coverage")
    assert spec["mark"]["type"] == "rect"
    assert enc(spec, "y")["field"] == "label"
    assert enc(spec, "y")["sort"] == [r.label for r in RESPONSIBILITIES]
    colour = enc(spec, "color")
    # Zero is an explicit "none" grey, lighter than the lightest blue of "some".
    assert colour["condition"]["test"] == "datum.actions > 0"
    assert colour["condition"]["field"] == "actions" and colour["value"] == chart_palette.NONE_COLOUR
    assert lightness(chart_palette.NONE_COLOUR) > lightness(chart_palette.SOME_RANGE[0]) > \
        lightness(chart_palette.SOME_RANGE[1])
    assert "full_text" in [t["field"] for t in enc(spec, "tooltip")]
    data = spec["datasets"][spec["data"]["name"]]
    assert len(data) == 8 * PERIOD.n_weeks
    assert {row["title"] for row in data} == {r.title for r in RESPONSIBILITIES}


def test_consistency_histogram_counts_members_by_weeks_active(frames):
    spec = spec_of(frames, "consistency")
    assert enc(spec, "x")["field"] == "weeks_active" and enc(spec, "x")["type"] == "ordinal"
    assert enc(spec, "y")["field"] == "members"
    data = spec["datasets"][spec["data"]["name"]]
    assert "name" not in data[0] and "email" not in data[0]  # a distribution, no names


def test_follow_through_stacks_done_open_overdue_per_group(frames):
    spec = spec_of(frames, "follow_through")
    fold = next(t for t in spec["transform"] if "fold" in t)
    assert fold["fold"] == ["Done", "Open", "Overdue"]
    assert enc(spec, "y")["field"] == "group" and enc(spec, "x")["field"] == "steps"
    assert enc(spec, "color")["scale"]["range"] == list(chart_palette.STATUS_COLOURS.values())


def test_minutes_line_shows_minutes_per_week(frames):
    line, dots, unfinished = units(spec_of(frames, "minutes"))
    # In hours, the unit of the headline beside it (the rows keep the minutes).
    assert enc(line, "y")["field"] == "hours" and enc(line, "x")["field"] == "week"
    data_name = spec_of(frames, "minutes")["data"]["name"]
    rows = spec_of(frames, "minutes")["datasets"][data_name]
    assert [r["minutes"] for r in rows] == [30, 0, 0, 45]
    assert [r["in_progress"] for r in rows] == [False, False, False, True]


def test_pages_never_build_charts_themselves():
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert "alt.Chart" not in text and "import altair" not in text, page.name


# --- colour-vision deficiencies -----------------------------------------------------------

PALETTES = {"responsibilities": chart_palette.RESPONSIBILITY_COLOURS,
            "groups": chart_palette.GROUP_COLOURS,
            "next-step status": tuple(chart_palette.STATUS_COLOURS.values())}


@pytest.mark.parametrize("deficiency", ["deuteranomaly", "protanomaly", "tritanomaly", None])
@pytest.mark.parametrize("palette", list(PALETTES))
def test_palettes_stay_apart_under_simulated_colour_vision_deficiencies(palette, deficiency):
    """Every pair of colours in a palette is at least MIN_CVD_DISTANCE apart in CAM02-UCS
    (ΔE′; about 15 is plainly different side by side) after simulating deuteranopia,
    protanopia and tritanopia at full severity — and with normal vision."""
    import itertools

    import numpy as np
    from colorspacious import cspace_convert

    rgb = np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for c in PALETTES[palette]])
    if deficiency is not None:
        cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    ucs = cspace_convert(rgb, "sRGB1", "CAM02-UCS")
    closest = min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(ucs, 2))
    assert closest >= chart_palette.MIN_CVD_DISTANCE, (palette, deficiency, closest)


def test_the_check_can_fail_okabe_ito_eight_colours_fall_under_the_floor():
    """The check can fail: Okabe–Ito's eight colours (the stacked bars before) fall
    under the floor with tritanopia."""
    import itertools

    import numpy as np
    from colorspacious import cspace_convert

    rgb = np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for c in chart_palette.OKABE_ITO])
    sim = np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": "tritanomaly",
                                       "severity": 100}, "sRGB1"), 0, 1)
    ucs = cspace_convert(sim, "sRGB1", "CAM02-UCS")
    assert min(float(np.linalg.norm(a - b))
               for a, b in itertools.combinations(ucs, 2)) < chart_palette.MIN_CVD_DISTANCE
