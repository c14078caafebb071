"""Streamlit's own floor in a real browser (``bench/browser_floor.py``): a tiny app on a
real ``streamlit run`` server, timed in headless Chromium as the app's browser bench times
the app. No timing thresholds (shared, noisy machines): only that every figure was taken.

Without Chromium this skips — unless ``ALLYSHIP_REQUIRE_BROWSER=1`` (CI), where a missing
browser is a failure (as in ``tests/e2e/conftest.py``).
"""

from __future__ import annotations

import os

import pytest

from bench import browser_floor, browser_views


@pytest.mark.browser
@pytest.mark.slow
def test_the_browser_floor_times_a_text_page_a_chart_page_and_its_tabs():
    if browser_views.chromium_path() is None:
        message = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("ALLYSHIP_REQUIRE_BROWSER", "").strip() in ("1", "true", "yes"):
            pytest.fail(f"ALLYSHIP_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    said: list[str] = []
    figs = browser_floor.run("test", repeat=1, say=said.append)
    by = {f.measure: f for f in figs}
    assert set(by) == set(browser_floor.MEASURES), [f.note for f in figs]
    for f in figs:
        assert f.measure.startswith("Streamlit browser floor:") and f.unit == "ms"
        assert isinstance(f.median, float) and f.median > 0, (f.measure, f.note)
        assert f.samples and all(s > 0 for s in f.samples), (f.measure, f.samples)
    for cpu in (browser_floor.OPEN_CPU, browser_floor.TAB_CPU, browser_floor.TAB_TEXT_CPU):
        assert by[cpu].median > 0, by[cpu].note
    # One round of tabs: two clicks on a tab with a chart (B, A), one without (C).
    assert by[browser_floor.TAB].n == 2 and by[browser_floor.TAB_TEXT_CPU].n == 1
    assert by[browser_floor.OPEN_CHART].n == 1 and by[browser_floor.TAB_CHART].n == 2
    assert len(said) == len(figs), "one printed line a figure"
