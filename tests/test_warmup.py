"""The server preloads pandas and the figure modules as it starts, so the first view
after a restart does not pay for them; Altair stays out (the charts' templates are
shipped as data, and no page needs it to draw a chapter's charts)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests_paths import ROOT

from allyship.web import registry, warmup

SCRIPT = """
import asyncio, sys
from allyship.web import warmup
heavy = ("pandas", "allyship.metrics.chapter_figures", "allyship.charts.progress_charts", "allyship.reports.chapter_report")
assert not any(m in sys.modules for m in heavy), [m for m in heavy if m in sys.modules]
async def main():
    async with warmup.preload(None):
        assert warmup.wait(120), "preloading did not finish"
asyncio.run(main())
missing = [m for m in heavy if m not in sys.modules]
assert not missing, missing
assert "altair" not in sys.modules, "the warm-up imported Altair"
print("preloaded")
"""


@pytest.mark.slow
def test_the_lifespan_hook_preloads_the_heavy_modules_in_the_background():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "preloaded" in done.stdout


def test_the_hook_is_registered_with_the_server():
    assert warmup.preload in registry.LIFESPAN_HOOKS
