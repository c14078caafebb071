"""The report's charts drawn by a renderer process started early (issue 13): the same
SVG as drawing in this process, also for charts sent ahead of being asked for, and when
the renderer cannot help — a spec it refuses, a renderer gone — the caller still gets its
charts, or vl-convert's own error. No renderer outlives its command."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner
from tests_paths import ROOT

from allyship import cli
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


@pytest.fixture(autouse=True)
def no_renderer_left():
    """Each test starts without a renderer and leaves none running."""
    svg_render._renderer = None
    yield
    renderer, svg_render._renderer = svg_render._renderer, None
    if renderer is not None:
        renderer.proc.kill()
        renderer.proc.wait()
    assert not any("allyship.charts.svg_render" in " ".join(p) for p in _processes()), \
        "a renderer outlived the command that started it"


def _processes() -> list[list[str]]:
    """This machine's processes that are children of this one, as argument lists."""
    import os
    from pathlib import Path

    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(status.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.append((status.parent / "cmdline").read_bytes().decode().split("\0"))
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.mark.slow
def test_the_renderer_draws_what_this_process_draws():
    svg_render.start()
    renderer = svg_render._renderer
    drawn = [svg_render.to_svg(BARS), svg_render.to_svg(LINE)]
    assert renderer.proc.poll() is None and svg_render._renderer is renderer  # it drew them
    svg_render._renderer = None  # from here on, this process draws
    assert drawn == [svg_render.to_svg(BARS), svg_render.to_svg(LINE)]
    assert all(svg.startswith("<svg") for svg in drawn)
    svg_render._renderer = renderer
    svg_render.stop()  # as the command does when it ends: the renderer exits
    assert renderer.proc.wait(timeout=30) == 0 and svg_render._renderer is None


@pytest.mark.slow
def test_charts_sent_ahead_are_drawn_meanwhile_and_taken_in_any_order():
    """The report sends its charts as soon as their figures are known and takes them when
    it writes them out; a spec not sent ahead is sent when asked for."""
    svg_render.start()
    renderer = svg_render._renderer
    svg_render.send(BARS)
    svg_render.send(LINE)
    svg_render.send(BARS)  # the same chart twice: two drawings
    drawn = [svg_render.to_svg(LINE), svg_render.to_svg(BARS), svg_render.to_svg(BARS)]
    assert svg_render.to_svg({**BARS, "description": "not sent ahead"}).startswith("<svg")
    assert not renderer.unanswered and not any(renderer.answers.values())
    svg_render.stop()
    assert renderer.proc.returncode == 0  # it was idle: its input closed, it exited
    assert drawn == [svg_render.to_svg(LINE), svg_render.to_svg(BARS), svg_render.to_svg(BARS)]


def test_sending_without_a_renderer_does_nothing_and_drawing_happens_here():
    svg_render.send(BARS)
    assert not svg_render.started()
    assert svg_render.to_svg(BARS).startswith("<svg")


def test_charts_sent_but_never_taken_do_not_keep_the_renderer_alive():
    """A command that fails after sending its charts (say, an unwritable file) must not
    wait for drawings nobody will take, nor leave the renderer drawing them."""
    big = {**LINE, "data": {"values": [{"week": f"2026-{m:02d}-{d:02d}", "share": d / 31}
                                       for m in range(1, 13) for d in range(1, 29)]}}
    svg_render.start()
    renderer = svg_render._renderer
    for _ in range(40):  # more than a pipe holds, in both directions
        svg_render.send(big)
    svg_render.stop()
    assert renderer.proc.returncode is not None and svg_render._renderer is None


@pytest.mark.slow
def test_a_spec_the_renderer_refuses_raises_vl_converts_own_error_here():
    svg_render.start()
    with pytest.raises(ValueError, match="Vega-Lite to SVG conversion failed"):
        svg_render.to_svg({"mark": 12})
    assert svg_render.to_svg(BARS).startswith("<svg")  # and it still draws the next


def test_a_spec_that_is_not_json_is_drawn_here():
    import vl_convert

    odd = {**BARS, "description": {"Next steps"}}  # a set: not JSON
    svg_render.start()
    svg_render.send(odd)
    assert svg_render.to_svg(odd) == vl_convert.vegalite_to_svg(odd)
    assert svg_render._renderer.outbox is None  # nothing was sent to the renderer


def test_a_renderer_that_is_gone_only_loses_the_head_start():
    svg_render.start()
    svg_render._renderer.proc.kill()
    svg_render._renderer.proc.wait()
    drawn = svg_render.to_svg(BARS)
    assert svg_render._renderer is None
    assert drawn == svg_render.to_svg(BARS)


def test_a_renderer_that_dies_with_charts_sent_ahead_only_loses_the_head_start():
    svg_render.start()
    svg_render.send(BARS)
    svg_render.send(LINE)
    svg_render._renderer.proc.kill()
    assert [svg_render.to_svg(BARS), svg_render.to_svg(LINE)] == \
        [svg_render.to_svg(BARS), svg_render.to_svg(LINE)]
    assert svg_render._renderer is None


def with_actions(chapter) -> None:
    """Three January–February actions: enough for the report's charts (every member
    having taken part before: people, not roster entries)."""
    took_part(chapter.db)
    for day, member in ((date(2026, 1, 6), chapter.member),
                        (date(2026, 1, 14), chapter.teammate),
                        (date(2026, 2, 3), chapter.member)):
        journal.log_action(chapter.db, member, ActionDraft(day, "Listened first", (2, 4)),
                           today=date(2026, 3, 18))


@pytest.mark.slow
def test_the_report_command_lets_its_renderer_go_when_it_ends(chapter, db_path, tmp_path):
    with_actions(chapter)
    done = CliRunner().invoke(cli.main, [
        "report", "--db", str(db_path), "--from", "2026-01-05", "--to", "2026-03-01",
        "--format", "html", "--out", str(tmp_path / "r.html")])
    assert done.exit_code == 0, done.output
    assert svg_render._renderer is None  # and no renderer process is left (the fixture)


def test_a_failing_report_command_leaves_no_renderer_behind(chapter, db_path, tmp_path):
    done = CliRunner().invoke(cli.main, [
        "report", "--db", str(db_path), "--from", "2026-01-05", "--to", "2026-03-01",
        "--chapter", "No Such Chapter", "--out", str(tmp_path / "r.html")])
    assert done.exit_code == 1 and "no chapter called" in done.output
    assert svg_render._renderer is None  # and no renderer process is left (the fixture)


# The app's way: assemble and render in one process, charts drawn in it (no renderer).
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
    """``python -m allyship report`` (renderer started before the imports) writes, byte
    for byte, the report the app's download button gives (drawn in its own process).
    Both run in fresh processes: in this test process, after the rest of the suite, one
    digit of an SVG differed (vl-convert's runtime keeps process-wide state that earlier
    tests can change; which state was not pinned down)."""
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
