"""The charts, ready to draw without Altair, and the same numbers as tables.

Each chart is defined once, with Altair, in :mod:`allyship.charts.builders`. Pages and the
reports do not run the builders: :func:`prepare` fills in the builder's spec made without
data (a *template* from ``chart_templates.json``, per kind of chart and number of groups)
with the chart's names and rows, written as Altair's sanitizer would write them. A chart
with more groups than the file holds has its template built by Altair on first use.
:meth:`PreparedChart.to_dict` is exactly the builder's spec (tested for every chart).
Pages show one with :func:`allyship.ui.chart_display.show_chart`, which offers the same
numbers as a table (:func:`table_columns`). The colours are :mod:`allyship.charts.palette`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from allyship.charts.kinds import (
    GROUP_KINDS,
    KINDS,
    ORG_KINDS,
    SHIPPED_GROUPS,
    STATUS_COLUMNS,
    TEMPLATES_FILE,
    TOP_STAND_IN,
)
from allyship.charts.chart_words import COMPLETE, IN_PROGRESS, group_name, is_source, localise
from allyship.core.columns import Columns, plain
from allyship.core.handout import RESPONSIBILITIES
from allyship.i18n import Translator, formatting, handout, translator_for

ALL_KINDS: tuple[str, ...] = KINDS + ORG_KINDS

def spec(chart: Any) -> dict[str, Any]:
    """The chart's Vega-Lite spec (a :class:`PreparedChart`, or an Altair chart of
    :mod:`allyship.charts.builders`), without re-validating it against the schema (the
    tests validate every chart once; on a page it only costs time)."""
    if isinstance(chart, PreparedChart):
        return chart.to_dict()
    return chart.to_dict(validate=False)


def description(chart: Any) -> str:
    """The chart's accessible name (its Vega-Lite ``description``)."""
    return str(chart.description)


# --- prepared charts: templates + rows, without Altair ----------------------------------

# A group's stand-in name (kinds.NAME_STAND_IN) as it reads in the template's JSON text
# (json.dumps escapes non-ASCII).
_NAME_IN_JSON = re.compile(r"\\ue000([0-9]+)\\ue001")


@lru_cache(maxsize=1)
def _shipped() -> dict[str, dict[str, Any]]:
    """The templates file (kind → number of groups as text → template)."""
    return json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))["templates"]


@lru_cache(maxsize=64)
def _template(kind: str, n_groups: int) -> str:
    """The chart's spec without data, as JSON, with stand-in group names and top count:
    from the templates file, or built by Altair (with a number of groups the file does
    not hold) once per kind and number of groups — not per chapter: team names differ
    everywhere, the number of lines does not."""
    shipped = _shipped()[kind].get(str(n_groups if kind in GROUP_KINDS else 0))
    if shipped is not None:
        return json.dumps(shipped)
    from allyship.charts import (
        builders,  # imports Altair: a chapter of many teams, once
    )

    return builders.template_json(kind, n_groups)


def template(kind: str, names: Sequence[str] = (), top: int = 1) -> dict[str, Any]:
    """The chart's Vega-Lite spec without data, for these group names (participation,
    follow-through) and the heat map's top count: a fresh copy of a cached template, the
    caller's to change."""
    if kind not in ALL_KINDS:
        raise ValueError(f"no chart called {kind!r}")
    text = _template(kind, len(names))
    # The top count first, while the text holds no names (a team may be called
    # "987654321"); then every name in one pass (a name may look like a stand-in).
    text = text.replace(str(TOP_STAND_IN), str(max(top, 2)))
    if names:
        escaped = [json.dumps(str(n))[1:-1] for n in names]  # as the name reads in JSON
        text = _NAME_IN_JSON.sub(lambda m: escaped[int(m.group(1))], text)
    return json.loads(text)


def warm_templates(max_groups: int = SHIPPED_GROUPS) -> None:
    """Read the templates for up to ``max_groups`` groups now (server start-up), so no
    first view waits for them."""
    for kind in ALL_KINDS:
        for n in range(max_groups + 1) if kind in GROUP_KINDS else (0,):
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
        # The template's own datasets (the handout's wording a chart looks up) stay.
        return {**self.spec, "data": {"name": name},
                "datasets": {**self.spec.get("datasets", {}), name: values}}


def _dataset_name(values: list[dict[str, Any]]) -> str:
    # As Altair names an inline dataset (altair.vegalite.v6.api._dataset_name).
    if values == [{}]:
        return "empty"
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def prepare(kind: str, frame: pd.DataFrame | Columns, tr: Translator | None = None
            ) -> PreparedChart:
    """The chart ``kind`` (one of :data:`ALL_KINDS`) of ``frame`` (a pandas frame, or the
    same table as :class:`~allyship.core.columns.Columns`), ready to draw: the same spec as
    its builder's (:data:`allyship.charts.builders.BUILDERS`), made from a cached template
    in plain Python; its words in ``tr``'s language (English without one), its rows the
    same in every language."""
    if kind not in ALL_KINDS:
        raise ValueError(f"no chart called {kind!r}")
    if isinstance(frame, Columns) and not frame.from_frame:
        columns = {name: plain(values) for name, values in frame.items()}
        n_rows = frame.n_rows
    else:
        table = frame.frame if isinstance(frame, Columns) else frame
        columns, n_rows = _columns(table), len(table)
    names: list[str] = []
    top = 1
    if kind in ("participation", "responsibility_actions", "coverage", "minutes"):
        _add_week_state(columns, n_rows)
    if kind == "participation":
        for col in ("share", "rolling_mean"):
            columns[col] = [None if v is None else float(v) for v in columns[col]]
        names = list(dict.fromkeys(columns["group"]))
    elif kind == "coverage":
        actions = [v for v in columns["actions"] if v is not None]
        top = max(int(max(actions)) if actions else 1, 1)
    elif kind == "follow_through":
        columns = {STATUS_COLUMNS.get(k, k): v for k, v in columns.items()}
        names = list(dict.fromkeys(columns["group"]))
    elif kind == "org_participation":
        names = list(dict.fromkeys(columns["group"]))
    elif kind == "minutes":
        columns["hours"] = [m / 60 for m in columns["minutes"]]
    spec = template(kind, names, top)
    return PreparedChart(kind, localise(spec, kind, names, tr), columns)


def _add_week_state(columns: dict[str, list[Any]], n: int) -> None:
    """:func:`_with_week_state` on columns: ``in_progress`` as booleans (False when the
    frame has none), then ``week_state`` in words."""
    state = columns.get("in_progress", [False] * n)
    columns["in_progress"] = [bool(p) for p in state]
    columns["week_state"] = [IN_PROGRESS if p else COMPLETE for p in state]


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

def _week(frame: pd.DataFrame, tr: Translator | None = None) -> list[str | None]:
    """Each row's week as people read it ("Mon 02 Feb 2026", "lun 2 feb 2026"), "(in
    progress)" after the unfinished one."""
    weeks = frame["week"]
    if weeks.dtype.kind != "M":
        weeks = pd.to_datetime(weeks)
    labels: dict[str, str | None] = {"": None}  # a few weeks, many rows: each once
    when = []
    for iso in _iso(weeks):
        if iso not in labels:
            day = datetime.fromisoformat(iso)
            labels[iso] = (day.strftime("%a %d %b %Y") if is_source(tr)
                           else formatting.format_day(tr, day))
        when.append(labels[iso])
    if "in_progress" in frame:
        # Translators: a week in a chart's table that is not over yet; {week} is its Monday.
        in_progress = _words(tr).gettext("{week} (in progress)")
        when = [in_progress.format(week=w) if p and w is not None else w
                for w, p in zip(when, frame["in_progress"].astype(bool).tolist())]
    return when


def _words(tr: Translator | None) -> Translator:
    return translator_for("en") if tr is None else tr


def table(kind: str, frame: pd.DataFrame, tr: Translator | None = None) -> pd.DataFrame:
    """The numbers a chart draws, as a plain table with readable column names.

    ``kind`` names the chart: one of :data:`ALL_KINDS`.
    """
    return pd.DataFrame(table_columns(kind, frame, tr))


def table_columns(kind: str, frame: pd.DataFrame, tr: Translator | None = None
                  ) -> dict[str, list[Any]]:
    """:func:`table` as columns of plain values (column name → values), which a page can
    send as they are; headers and words in ``tr``'s language (English without one).
    Built in plain Python: the frames are a few dozen rows, too few for pandas'
    reshaping to pay off."""
    _ = _words(tr).gettext

    def col(name: str) -> list[Any]:
        return frame[name].tolist()

    def groups() -> list[Any]:
        return [group_name(tr, g) for g in col("group")]

    def pct(values: list[Any]) -> list[str]:
        return [_pct(v, tr) for v in values]

    if kind == "participation":
        out = {_("Group"): groups(), _("Week of"): _week(frame, tr),
               _("Members who logged"): col("participants"),
               _("Active members not away"): col("counted"),
               _("Share that week"): pct(col("share")),
               _("4-week average"): pct(col("rolling_mean"))}
    elif kind in ("responsibility_actions", "coverage"):
        # Responsibilities down (the handout's order), weeks across (as they come).
        cells: dict[tuple[str, str | None], int] = {}
        weeks: dict[str | None, None] = {}
        for label, when, n in zip(col("label"), _week(frame, tr), col("actions")):
            weeks[when] = None
            cells[label, when] = cells.get((label, when), 0) + n
        order = [r.label for r in RESPONSIBILITIES]
        out = {_("Responsibility"): [r.label for r in handout.responsibilities(_words(tr))]}
        for when in weeks:
            out[when] = [int(cells.get((label, when), 0)) for label in order]
    elif kind == "consistency":
        out = {_("Weeks with at least one action"): col("weeks_active"),
               _("Members"): col("members")}
    elif kind == "follow_through":
        out = {_("Group"): groups(), _("Done"): col("done"), _("Open"): col("open"),
               _("Overdue"): col("overdue"), _("Plans"): col("plans")}
    elif kind == "org_participation":
        out = {_("Group"): groups(), _("Week starting"): _week(frame, tr),
               _("Members who logged"): col("participants"),
               _("Active, not away"): col("counted"), _("Participation"): pct(col("share"))}
    elif kind == "minutes":
        out = {_("Week of"): _week(frame, tr),
               _("Hours"): [round(m / 60, 1) for m in col("minutes")],
               _("Actions"): col("actions"),
               _("Actions with minutes"): col("actions_with_minutes")}
    else:
        raise ValueError(f"no chart called {kind!r}")
    return out


def _pct(v: Any, tr: Translator | None = None) -> str:
    if v is None or pd.isna(v):
        return "–"
    return f"{v:.0%}" if is_source(tr) else formatting.format_percent(tr, v)
