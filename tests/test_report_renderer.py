"""The one report renderer and the organisation's chart: both reports write through
allyship.reports.renderer, draw their SVG through charts.svg_render, use the tested
palettes, and share one rule for the weeks a report covers."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date, timedelta

import altair as alt
import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from tests_paths import ROOT

from allyship import demo
from allyship.charts import builders, palette, progress_charts, svg_render
from allyship.core.models import ValidationError
from allyship.db import store
from allyship.metrics.periods import Period
from allyship.people import roster
from allyship.reports import chapter_report, org_report, presets, renderer

TODAY = date.today()
MONDAY = date(2026, 2, 2)
TRICKY = ["North (all chapters)", 'Team "A"', "O'Brien \\ co", "*bold* [x](y)", "Équipe 🌍",
          "\ue0000\ue001", "987654321", "Organisation", "Nine", "Ten"]


def weekly(groups: list[str], n_weeks: int = 5, *, gaps: bool = False) -> pd.DataFrame:
    """A frame shaped like OrgProgress.weekly."""
    rows = []
    for g, name in enumerate(groups):
        for w in range(n_weeks):
            counted = 0 if gaps and w == 0 else 4 + g + w
            participants = w % 4 if counted else 0
            rows.append({"group": name, "kind": "region", "region": name,
                         "week": pd.Timestamp(MONDAY + timedelta(weeks=w)),
                         "participants": participants, "counted": counted,
                         "share": participants / counted if counted else math.nan})
    frame = pd.DataFrame(rows)
    frame["share"] = frame["share"].astype(float)
    return frame


# --- the organisation's chart -------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 8, 10])
def test_the_organisation_chart_prepared_is_the_builders_spec_and_valid_vega_lite(n):
    frame = weekly(TRICKY[:n], gaps=n == 2)
    built = builders.org_participation_chart(frame).to_dict()  # Altair validates this one
    prepared = progress_charts.prepare("org_participation", frame).to_dict()
    assert prepared == built
    validate_jsonschema(prepared, alt.vegalite.v6.schema.core.load_schema())


def test_the_organisation_chart_uses_the_tested_palette_dashes_and_shapes():
    groups = ["North (all chapters)", "South (all chapters)", "Organisation"]
    spec = org_report.participation_chart(weekly(groups)).spec
    line = spec["layer"][0]["encoding"]
    assert line["color"]["scale"] == {"domain": groups, "range": list(palette.GROUP_COLOURS[:3])}
    assert line["strokeDash"]["scale"]["range"] == [list(d) for d in palette.GROUP_DASHES[:3]]
    assert line["shape"]["scale"]["range"] == list(palette.GROUP_SHAPES[:3])
    assert "scheme" not in str(spec)  # no Altair scheme such as dark2
    assert spec["description"].endswith("North (all chapters), South (all chapters), "
                                         "Organisation.")
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])


def test_the_organisation_chart_as_a_table():
    frame = weekly(["North (all chapters)"], n_weeks=2, gaps=True)
    table = progress_charts.table("org_participation", frame)
    assert list(table.columns) == ["Group", "Week starting", "Members who logged",
                                   "Active, not away", "Participation"]
    assert table["Week starting"].tolist() == ["Mon 02 Feb 2026", "Mon 09 Feb 2026"]
    assert table["Participation"].tolist() == ["–", "20%"]


def test_the_chart_builders_do_not_import_the_prepared_charts():
    """No cycle between the builders and progress_charts: both read charts.kinds and
    charts.palette."""
    script = ("import sys\nimport allyship.charts.builders\n"
              "print('allyship.charts.progress_charts' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


# --- both reports on the one renderer ------------------------------------------------------

@pytest.fixture
def org(demo_db):
    db = store.connect(demo_db)
    yield db
    db.conn.close()


def test_the_organisation_report_draws_its_chart_through_svg_render(org, monkeypatch):
    drawn = []
    real = svg_render.to_svg

    def counted(spec):
        drawn.append(spec)
        return real(spec)

    monkeypatch.setattr(svg_render, "to_svg", counted)
    admin = roster.find_member_by_email(org, demo.ORG_PERSONAS["organisation"][0])
    period = Period.last_weeks(12, TODAY)
    rep = org_report.assemble(org, admin, start=period.start, end=period.end, today=TODAY)
    page = org_report.to_html(rep)
    assert len(drawn) == 1 and page.count("<svg") == 1
    assert drawn[0]["width"] == renderer.CHART_WIDTH
    assert renderer.CSS in page and '<figure role="group" aria-label="Line chart' in page
    assert "@media print" in page and page.startswith("<!DOCTYPE html>")


def test_formats_and_file_names_are_the_renderers():
    assert set(renderer.FORMATS) == {"html", "md", "csv"}
    dates = (date(2026, 7, 1), date(2026, 9, 30))
    assert renderer.file_name("organisation-report", "North & East", dates, "md",
                              unnamed="region") == \
        "organisation-report-north-east-2026-07-01-to-2026-09-30.md"
    assert renderer.file_name("chapter-report", "Équipe 🌍", dates, "csv", unnamed="team") == \
        "chapter-report-quipe-2026-07-01-to-2026-09-30.csv"
    assert renderer.file_name("chapter-report", "🌍", dates, "html", unnamed="team") == \
        "chapter-report-team-2026-07-01-to-2026-09-30.html"
    with pytest.raises(ValueError, match="unknown report format"):
        renderer.render(None, "pdf", html=str, md=str, csv=bytes)


def test_both_reports_render_through_the_renderer():
    for module in (chapter_report, org_report):
        source = (ROOT / "allyship" / "reports" / f"{module.__name__.rsplit('.', 1)[1]}.py"
                  ).read_text(encoding="utf-8")
        assert "import html" not in source and "vl_convert" not in source
        assert "import altair" not in source and "<style>" not in source


def test_escaping_in_html_and_markdown_cells():
    assert renderer.escape('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert renderer.md_cell("[w](https://e.x) www.e.x a@b *c*") == \
        r"\[w\](https:\/\/e.x) www\.e.x a\@b \*c\*"
    assert renderer.md_cell(None) == renderer.md_cell(math.nan) == ""
    assert renderer.percent(None) == renderer.percent(math.nan) == "–"
    assert renderer.percent(0.456) == "46%"


# --- one rule for the weeks a report covers ------------------------------------------------

def test_the_chapter_report_covers_whole_weeks_the_organisation_report_complete_ones():
    today = date(2026, 3, 4)  # a Wednesday
    chapter = presets.report_period("2026-02-01", "2026-03-04", today=today)
    org = presets.report_period("2026-02-01", "2026-03-04", today=today, complete_weeks=True)
    assert chapter.start == org.start == date(2026, 1, 26)
    assert chapter.end == date(2026, 3, 8) and org.end == date(2026, 3, 1)
    with pytest.raises(ValidationError, match="after today"):
        presets.report_period("2026-03-10", "2026-03-20", today=today)
    with pytest.raises(ValidationError, match="no complete week"):
        presets.report_period("2026-03-02", "2026-03-04", today=today, complete_weeks=True)
