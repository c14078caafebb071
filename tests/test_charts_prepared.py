"""Prepared charts (what pages and the report draw): a cached template filled in per chart,
plus the chart's rows — the same spec as the plain Altair builder, valid Vega-Lite, for
every chart and many shapes; the same rows Streamlit sent before; the same tables."""

from __future__ import annotations

import json
import logging
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from altair.utils.schemapi import validate_jsonschema
from apptest_helpers import goto, open_app
from streamlit import dataframe_util

from allyship import demo
from allyship.charts import builders, kinds, progress_charts
from allyship.core.handout import RESPONSIBILITIES
from allyship.db import store
from allyship.metrics import chapter_figures, overview, scopes
from allyship.metrics.periods import Period, period_options, programme_start
from allyship.people import roster
from allyship.ui.chart_display import arrow_table

FRAME_OF = {"participation": "participation", "responsibility_actions": "responsibilities",
            "coverage": "responsibilities", "consistency": "consistency",
            "follow_through": "follow_through", "minutes": "minutes"}
MONDAY = date(2026, 2, 2)
ROOT = Path(__file__).resolve().parent.parent


# --- frames of many shapes ------------------------------------------------------------------

def weeks(n: int) -> list[pd.Timestamp]:
    return [pd.Timestamp(MONDAY + timedelta(weeks=i)) for i in range(n)]


def participation(groups: list[str], n_weeks: int = 5, *, in_progress: bool = True,
                  gaps: bool = False) -> pd.DataFrame:
    rows = []
    for g, name in enumerate(groups):
        for w, week in enumerate(weeks(n_weeks)):
            counted = 3 + g + w
            share = (w % 3) / 3 if not (gaps and w == 0) else math.nan
            rows.append({"group": name, "week": week, "active_members": counted + 1, "away": 1,
                         "counted": counted, "participants": w % 3, "share": share,
                         "rolling_mean": math.nan if gaps and w < 2 else share,
                         "is_total": g == 0, "in_progress": in_progress and w == n_weeks - 1})
    frame = pd.DataFrame(rows).astype({"group": "str", "week": "datetime64[us]"})
    return frame if in_progress else frame.drop(columns="in_progress")


def responsibilities(n_weeks: int = 4, *, busiest: int = 7) -> pd.DataFrame:
    rows = [{"week": week, "responsibility": r.number, "title": r.title, "label": r.label,
             "full_text": r.text, "actions": (w * r.number) % (busiest + 1),
             "members": min(2, (w * r.number) % (busiest + 1)),
             "in_progress": w == n_weeks - 1}
            for w, week in enumerate(weeks(n_weeks)) for r in RESPONSIBILITIES]
    return pd.DataFrame(rows).astype({"week": "datetime64[us]", "title": "str", "label": "str",
                                      "full_text": "str"})


def consistency(n_weeks: int = 6) -> pd.DataFrame:
    return pd.DataFrame({"weeks_active": range(n_weeks + 1),
                         "members": [(7 * i) % 5 for i in range(n_weeks + 1)],
                         "weeks_in_period": n_weeks})


def follow_through(groups: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{"group": g, "members": 9 + i, "plans": 8, "revised_90_days": i % 3,
                          "done": 2 * i, "open": 5, "overdue": i % 2, "is_total": i == 0}
                         for i, g in enumerate(groups)]).astype({"group": "str"})


def minutes(n_weeks: int = 5) -> pd.DataFrame:
    return pd.DataFrame({"week": weeks(n_weeks), "minutes": [0, 45, 90, 7, 125][:n_weeks],
                         "actions": [0, 3, 4, 1, 6][:n_weeks],
                         "actions_with_minutes": [0, 2, 3, 1, 4][:n_weeks],
                         "members": [0, 2, 3, 1, 3][:n_weeks],
                         "in_progress": [False] * (n_weeks - 1) + [True]}
                        ).astype({"week": "datetime64[us]"})


# Names as people type them: quotes, backslashes, Markdown, accents, emoji, and the
# templates' own stand-in characters.
TRICKY = ['Whole chapter', 'Team "A"', "O'Brien \\ co", "*bold* [x](y)", "Équipe 🌍",
          "\ue0000\ue001", "Bird Counts", "x" * 60, "Nine", "Ten"]

SHAPES: list[tuple[str, pd.DataFrame]] = [
    *[("participation", participation(TRICKY[:n])) for n in (1, 2, 3, 8, 10)],
    ("participation", participation(["Whole chapter", "Team B"], in_progress=False)),
    ("participation", participation(["Whole chapter", "Team B"], gaps=True)),
    ("participation", participation(["Whole chapter"], n_weeks=2)),
    # A name that reads like another group's stand-in, and one like the top-count's.
    ("participation", participation(["\ue0001\ue001", "987654321", "B"])),
    ("follow_through", follow_through(["\ue0001\ue001", "987654321", "B"])),
    *[(kind, responsibilities(n, busiest=b)) for kind in ("responsibility_actions", "coverage")
      for n, b in ((2, 1), (4, 7), (12, 40))],
    ("coverage", responsibilities(3, busiest=0)),  # nobody practised anything
    *[("consistency", consistency(n)) for n in (2, 12)],
    *[("follow_through", follow_through(TRICKY[:n])) for n in (1, 2, 5, 10)],
    *[("minutes", minutes(n)) for n in (2, 5)],
]


def shape_id(shape: tuple[str, pd.DataFrame]) -> str:
    return f"{shape[0]}-{len(shape[1])}rows"


# --- the same spec as the plain Altair builder, valid Vega-Lite --------------------------------

def vega_lite_schema() -> dict:
    return alt.vegalite.v6.schema.core.load_schema()


@pytest.mark.parametrize("shape", SHAPES, ids=[shape_id(s) for s in SHAPES])
def test_a_prepared_chart_is_exactly_the_builders_spec_and_valid_vega_lite(shape):
    kind, frame = shape
    built = builders.BUILDERS[kind](frame).to_dict()  # Altair validates this one
    prepared = progress_charts.prepare(kind, frame).to_dict()
    assert prepared == built
    validate_jsonschema(prepared, vega_lite_schema())  # and the prepared one, again


@pytest.mark.parametrize("shape", SHAPES, ids=[shape_id(s) for s in SHAPES])
def test_the_rows_a_page_sends_are_the_rows_streamlit_sent_for_the_builders_spec(shape):
    """Same Arrow columns, types and values as Streamlit made of the spec's inline rows."""
    kind, frame = shape
    built = builders.BUILDERS[kind](frame).to_dict(validate=False)
    inline = built["datasets"][built["data"]["name"]]  # the rows (not the handout's wording)
    before = pa.ipc.open_stream(dataframe_util.convert_anything_to_arrow_bytes(inline)).read_all()
    now = pa.ipc.open_stream(dataframe_util.convert_anything_to_arrow_bytes(
        arrow_table(progress_charts.prepare(kind, frame).columns))).read_all()
    assert [(f.name, f.type) for f in now.schema] == [(f.name, f.type) for f in before.schema]
    assert now.to_pylist() == before.to_pylist()


def test_dates_go_as_local_iso_strings_so_no_browser_shifts_the_day():
    rows = progress_charts.prepare("minutes", minutes()).records()
    assert [r["week"] for r in rows][:2] == ["2026-02-02T00:00:00", "2026-02-09T00:00:00"]


@pytest.mark.parametrize("kind", list(builders.BUILDERS))
def test_real_frames_of_the_demo_prepare_to_the_builders_spec(demo_db, kind):
    db = store.connect(demo_db)
    today = date.today()
    for persona in ("lead", "admin"):
        who = roster.find_member_by_email(db, demo.PERSONAS[persona])
        periods, default = period_options(db, who.chapter_id, today)
        for team in scopes.scope_choices(db, who, who.chapter_id)[:2]:
            frames = overview.team_progress(db, who, scopes.Scope(who.chapter_id, team),
                                           periods[default], today=today)
            frame = getattr(frames, FRAME_OF[kind])
            built = builders.BUILDERS[kind](frame).to_dict()
            assert progress_charts.prepare(kind, frame).to_dict() == built


def demo_views(db) -> list[tuple[Any, overview.ProgressFrames]]:
    """Team progress of the demo as a lead and an admin: every scope they may choose, each
    named period, a custom week, and a period wholly before the programme began; each
    with the member who looked."""
    today = date.today()
    out = []
    for persona in ("lead", "admin"):
        who = roster.find_member_by_email(db, demo.PERSONAS[persona])
        periods, _default = period_options(db, who.chapter_id, today)
        start = programme_start(db, who.chapter_id)
        chosen = [*periods.values(), Period.this_week(today),
                  Period.last_weeks(3, start - timedelta(weeks=5))]
        for team in scopes.scope_choices(db, who, who.chapter_id):
            for period in chosen:
                out.append((who, overview.team_progress(
                    db, who, scopes.Scope(who.chapter_id, team), period, today=today)))
    return out


def test_charts_from_plain_columns_are_the_charts_of_their_frames(demo_db):
    """The page draws the tables as plain columns, never making their pandas frames: the
    spec, the rows and the Arrow sent are exactly those of the frame."""
    views = [frames for _who, frames in demo_views(store.connect(demo_db))]
    assert any(v.columns["participation"].n_rows == 0 for v in views)  # the empty period too
    for frames in views:
        for kind, name in FRAME_OF.items():
            columns = frames.columns[name]
            plain_chart = progress_charts.prepare(kind, columns)
            frame_chart = progress_charts.prepare(kind, columns.frame)
            assert plain_chart.to_dict() == frame_chart.to_dict(), (kind, frames.period)
            assert arrow_table(plain_chart.columns).equals(arrow_table(frame_chart.columns))


def test_the_tables_are_the_public_functions_frames(demo_db):
    """Each table of a view, as a frame, is what its own function returns."""
    db = store.connect(demo_db)
    for who, frames in demo_views(db)[::5]:
        for name, fn in (("participation", chapter_figures.weekly_participation),
                         ("responsibilities", chapter_figures.responsibility_weeks),
                         ("consistency", chapter_figures.consistency),
                         ("minutes", chapter_figures.minutes_per_week),
                         ("follow_through", chapter_figures.follow_through),
                         ("least_practised", chapter_figures.least_practised)):
            pd.testing.assert_frame_equal(
                frames.columns[name].frame,
                fn(db, who, frames.scope, frames.period, today=frames.today))


def test_a_views_tables_pickle_without_their_frames(demo_db):
    """Cached views are pickled: the frames made from the columns are not pickled with
    them, and are made again (the same) after."""
    import pickle

    _who, frames = demo_views(store.connect(demo_db))[0]
    before = frames.participation
    again = pickle.loads(pickle.dumps(frames))
    assert again.columns["participation"]._frame is None
    pd.testing.assert_frame_equal(again.participation, before)


# --- templates: built once per shape, never per chapter ---------------------------------------

@pytest.mark.slow
def test_the_shipped_templates_are_what_the_altair_builders_make_now():
    """allyship/chart_templates.json is generated; after changing a chart in
    chart_builders.py, run `python -m allyship.charts.builders` to write it again."""
    assert kinds.TEMPLATES_FILE.read_text(encoding="utf-8") == \
        builders.templates_file_text(), "run: python -m allyship.charts.builders"
    assert set(builders.BUILDERS) == set(kinds.KINDS)


def test_only_participation_and_follow_through_depend_on_the_groups():
    """Why the file holds one template for the other charts."""
    for kind in kinds.KINDS:
        by_groups = {builders.template_json(kind, n) for n in (0, 1, 3)}
        assert (len(by_groups) == 3) == (kind in kinds.GROUP_KINDS), kind


@pytest.mark.slow
def test_preparing_a_chart_does_not_import_altair():
    """The report command and the pages never pay Altair's import (~0.3 s) for a chapter
    of up to charts.SHIPPED_GROUPS groups; more groups build their template with it."""
    import subprocess
    import sys

    script = ("import sys\n"
              "from allyship.charts import progress_charts as charts\n"
              "charts.warm_templates()\n"
              "import pandas as pd\n"
              "frame = pd.DataFrame({'group': [f'T{i}' for i in range(8)], 'done': 1, "
              "'open': 2, 'overdue': 0, 'plans': 3, 'revised_90_days': 1})\n"
              "charts.prepare('follow_through', frame)\n"
              "assert 'altair' not in sys.modules\n"
              "charts.prepare('follow_through', pd.concat([frame, frame.assign(group='U')]))\n"
              "assert 'altair' in sys.modules\n"
              "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"


def test_templates_are_cached_by_the_number_of_groups_not_their_names():
    progress_charts.prepare("participation", participation(["Whole chapter", "Team B"]))
    before = progress_charts._template.cache_info()
    for names in (["Whole chapter", "Robins"], ["Whole chapter", "Wrens"], ["x", "y"]):
        chart = progress_charts.prepare("participation", participation(names))
        assert names[1] in chart.description
        assert chart.spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == names
    after = progress_charts._template.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 3


def test_the_heat_maps_darkest_blue_is_filled_in_per_chart():
    for busiest in (1, 7, 40):
        spec = progress_charts.prepare("coverage", responsibilities(4, busiest=busiest)).spec
        top = max(2, int(responsibilities(4, busiest=busiest)["actions"].max()))
        assert spec["encoding"]["color"]["condition"]["scale"]["domain"] == [1, top]


def test_changing_a_prepared_spec_does_not_change_the_next_one():
    first = progress_charts.prepare("follow_through", follow_through(["Whole chapter", "Robins"]))
    first.spec["description"] = "changed"
    first.spec["encoding"]["y"]["sort"].append("intruder")
    again = progress_charts.prepare("follow_through", follow_through(["Whole chapter", "Robins"]))
    assert again.spec["description"].startswith("Stacked bar chart")
    assert again.spec["encoding"]["y"]["sort"] == ["Whole chapter", "Robins"]


def test_an_unknown_chart_is_refused():
    with pytest.raises(ValueError, match="no chart called"):
        progress_charts.prepare("pie", consistency())


# --- the tables ("Show as table"): as the pandas formulation made them -----------------------

def reference_table(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The tables as they were defined with pandas (pivot_table etc.): the specification."""
    def week(f: pd.DataFrame) -> pd.Series:
        when = pd.to_datetime(f["week"]).dt.strftime("%a %d %b %Y")
        if "in_progress" in f:
            when = when.where(~f["in_progress"].astype(bool), when + " (in progress)")
        return when

    pct = progress_charts._pct
    if kind == "participation":
        out = pd.DataFrame({"Group": frame["group"], "Week of": week(frame),
                            "Members who logged": frame["participants"],
                            "Active members not away": frame["counted"],
                            "Share that week": frame["share"].map(pct),
                            "4-week average": frame["rolling_mean"].map(pct)})
    elif kind in ("responsibility_actions", "coverage"):
        wide = frame.assign(when=week(frame)).pivot_table(
            index="label", columns="when", values="actions", aggfunc="sum", sort=False)
        out = wide.reindex([r.label for r in RESPONSIBILITIES]).fillna(0).astype(int)
        out = out.reset_index().rename(columns={"label": "Responsibility"})
        out.columns.name = None
    elif kind == "consistency":
        out = pd.DataFrame({"Weeks with at least one action": frame["weeks_active"],
                            "Members": frame["members"]})
    elif kind == "follow_through":
        out = pd.DataFrame({"Group": frame["group"], "Done": frame["done"],
                            "Open": frame["open"], "Overdue": frame["overdue"],
                            "Plans": frame["plans"]})
    else:
        out = pd.DataFrame({"Week of": week(frame), "Hours": (frame["minutes"] / 60).round(1),
                            "Actions": frame["actions"],
                            "Actions with minutes": frame["actions_with_minutes"]})
    return out.reset_index(drop=True)


@pytest.mark.parametrize("shape", SHAPES, ids=[shape_id(s) for s in SHAPES])
def test_each_table_is_what_the_pandas_formulation_gave(shape):
    kind, frame = shape
    pd.testing.assert_frame_equal(progress_charts.table(kind, frame), reference_table(kind, frame),
                                  check_dtype=False, check_column_type=False,
                                  check_index_type=False)
    # …with the same kinds of columns: text stays text, counts stay whole numbers.
    for (name, got), want in zip(progress_charts.table(kind, frame).dtypes.items(),
                                 reference_table(kind, frame).dtypes):
        assert got.kind == want.kind or {got.kind, want.kind} <= {"O", "T"}, name


@pytest.mark.parametrize("shape", SHAPES, ids=[shape_id(s) for s in SHAPES])
def test_a_pages_table_sends_what_streamlit_made_of_the_pandas_table(shape):
    """The page sends a table's columns as Arrow directly: the same columns, types and
    values as Streamlit's conversion of the pandas table."""
    kind, frame = shape
    before = pa.ipc.open_stream(dataframe_util.convert_anything_to_arrow_bytes(
        reference_table(kind, frame))).read_all()
    now = arrow_table(progress_charts.table_columns(kind, frame))
    assert [(f.name, f.type) for f in now.schema] == [(f.name, f.type) for f in before.schema]
    assert now.to_pylist() == before.to_pylist()


def test_the_coverage_table_sums_a_responsibility_logged_twice_in_a_week_and_fills_zeros():
    frame = responsibilities(2)
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # the same cell twice
    frame = frame[frame["responsibility"] != 5]  # a responsibility absent all period
    pd.testing.assert_frame_equal(progress_charts.table("coverage", frame),
                                  reference_table("coverage", frame), check_dtype=False)
    row = progress_charts.table("coverage", frame).set_index("Responsibility")
    assert row.loc[RESPONSIBILITIES[4].label].tolist() == [0, 0]


# --- on the page --------------------------------------------------------------------------------

class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_the_page_sends_each_chart_as_template_plus_arrow_rows_with_its_description(demo_db):
    warnings = Collect()
    streamlit_charts = logging.getLogger("streamlit.elements.vega_charts")  # no propagation
    streamlit_charts.addHandler(warnings)
    shown = []
    try:
        at = goto(open_app("lead"), "team_progress")
        for tab in [t.label for t in at.tabs]:  # a tab's charts are sent while it is open
            at.session_state["tp_tab"] = tab
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            shown += at.get("vega_lite_chart")
    finally:
        streamlit_charts.removeHandler(warnings)
    assert len(shown) == 6
    for element in shown:
        proto = element.proto
        spec = json.loads(proto.spec)
        assert "datasets" not in spec and "data" not in spec  # the rows go as Arrow
        rows = pa.ipc.open_stream(proto.data.data).read_all().to_pylist()
        assert rows and all(isinstance(r["week"], str) for r in rows if "week" in r)
        assert proto.alt and len(proto.alt) > 30  # the description, as the accessible name
    # Not both a description and alt: Streamlit logged a warning with a stack per chart.
    assert not [m for m in warnings.messages if "already sets description" in m]


def test_arrow_columns_keep_gaps_and_types():
    table = arrow_table({"n": [1, None], "x": [0.5, None], "s": ["a", None], "b": [True, False],
                         "none": [None, None], "i": [1, 2]})
    assert [f.type for f in table.schema] == [pa.float64(), pa.float64(), pa.large_string(),
                                             pa.bool_(), pa.null(), pa.int64()]
    assert table.to_pylist()[1] == {"n": None, "x": None, "s": None, "b": False, "none": None,
                                    "i": 2}
    assert np.isnan(pd.DataFrame({"n": [1, None]})["n"].iloc[1])  # pandas made that a float


def test_warmed_templates_serve_any_chapter_of_up_to_eight_groups_without_building():
    progress_charts.warm_templates()
    before = progress_charts._template.cache_info().misses
    for n in range(1, 9):
        progress_charts.prepare("participation", participation(TRICKY[:n]))
        progress_charts.prepare("follow_through", follow_through(TRICKY[:n]))
    for kind, frame in SHAPES:
        if kind not in ("participation", "follow_through"):
            progress_charts.prepare(kind, frame)
    assert progress_charts._template.cache_info().misses == before
