"""Charts drawn offline as SVG: vl-convert's drawing (the organisation report's chart) is
the same each time and says what it cannot draw, and the report command writes, byte for
byte, the HTML report the app's download gives."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from tests_paths import ROOT

from allyship.charts import svg_render
from allyship.core.models import ActionDraft
from allyship.practice import journal
from tests.membership_helpers import took_part

BARS = {"data": {"values": [{"team": "Marsh", "steps": 3}, {"team": "Meadow", "steps": 5}]},
        "mark": "bar", "description": "Next steps per team",
        "encoding": {"x": {"field": "steps", "type": "quantitative"},
                     "y": {"field": "team", "type": "nominal"}}}
LINE = {"data": {"values": [{"week": "2026-02-02", "share": 0.4},
                            {"week": "2026-02-09", "share": 0.6}]},
        "mark": {"type": "line", "point": True},
        "encoding": {"x": {"field": "week", "type": "temporal"},
                     "y": {"field": "share", "type": "quantitative"}}}


def test_a_spec_drawn_twice_is_the_same_svg():
    drawn = svg_render.to_svg(BARS)
    assert drawn.startswith("<svg") and drawn == svg_render.to_svg(BARS)


def test_a_spec_vl_convert_refuses_raises_its_own_error():
    with pytest.raises(ValueError, match="Vega-Lite to SVG conversion failed"):
        svg_render.to_svg({"mark": 12})
    assert svg_render.to_svg(LINE).startswith("<svg")  # and it still draws the next


def with_actions(chapter) -> None:
    """Three January–February actions: enough for the report's charts (every member
    having taken part before: people, not roster entries)."""
    took_part(chapter.db)
    for day, member in ((date(2026, 1, 6), chapter.member),
                        (date(2026, 1, 14), chapter.teammate),
                        (date(2026, 2, 3), chapter.member)):
        journal.log_action(chapter.db, member, ActionDraft(day, "Listened first", (2, 4)),
                           today=date(2026, 3, 18))


# The app's way: assemble and render in one process.
IN_PROCESS = """
import sys
from datetime import date
from allyship.commands import reports
from allyship.db import store
from allyship.reports import chapter_report as report
db = store.connect(sys.argv[1])
_, actor = reports.report_actor(db, None)
assembled = report.assemble(db, actor, start="2026-01-05", end="2026-03-01",
                            today=date.today())
assert report.chart_list(assembled), "the period must have charts to compare"
open(sys.argv[2], "wb").write(report.render(assembled, "html"))
"""


@pytest.mark.slow
def test_the_command_writes_the_same_html_report_as_the_app(chapter, db_path, tmp_path):
    """``python -m allyship report`` writes, byte for byte, the report the app's download
    button gives. Both run in fresh processes, as they do in use."""
    with_actions(chapter)
    out, expected = tmp_path / "report.html", tmp_path / "in_process.html"
    done = subprocess.run(
        [sys.executable, "-m", "allyship", "report", "--db", str(db_path), "--from",
         "2026-01-05", "--to", "2026-03-01", "--format", "html", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    drawn = subprocess.run([sys.executable, "-c", IN_PROCESS, str(db_path), str(expected)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert drawn.returncode == 0, drawn.stderr
    assert out.read_bytes() == expected.read_bytes()
