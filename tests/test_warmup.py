"""The server preloads pandas and the figure modules as it starts, so the first view
after a restart does not pay for them; Altair stays out (the charts' templates are
shipped as data, and no page needs it to draw a chapter's charts)."""

from __future__ import annotations

import os
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


FIRST_VISIT = """
import os, sys
from streamlit.testing.v1 import AppTest
from allyship import demo
from allyship.db import store
from allyship.people import roster
from allyship.web import warmup

warmup.preload_now()
db = store.connect(os.environ["ALLYSHIP_DB"])
email = demo.PERSONAS.get(sys.argv[1]) or demo.org_persona_emails()[sys.argv[1]]
member = roster.find_member_by_email(db, email)
db.conn.close()
at = AppTest.from_file("streamlit_app.py", default_timeout=120)
at.session_state["member_id"] = member.id
if len(sys.argv) > 2:  # the first page, then the one asked about
    at.run()
    before = set(sys.modules)
    at.switch_page(sys.argv[2])
else:
    before = set(sys.modules)
at.run()
assert not at.exception, [e.value for e in at.exception]
ours = ("allyship", "pandas", "pyarrow", "numpy", "babel", "PIL", "streamlit")
late = sorted(m for m in set(sys.modules) - before
              if m.split(".")[0] in ours and not m.startswith("streamlit.testing"))
print(late)
"""


@pytest.mark.slow
@pytest.mark.parametrize("visit", [["member"], ["lead"], ["admin"],
                                   ["lead", "pages/team_progress.py"],
                                   ["admin", "pages/admin.py"],
                                   ["organisation", "pages/organisation.py"]])
def test_after_the_warm_up_a_first_visit_imports_nothing_more(demo_db, visit):
    """What a first page after a restart would import (a member's, a lead's or an admin's
    landing page; a lead's Team progress, an admin's Admin page, an organisation admin's
    Organisation page), the warm-up imported
    already: the first visitor does not wait for it."""
    done = subprocess.run([sys.executable, "-c", FIRST_VISIT, *visit], cwd=ROOT,
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "ALLYSHIP_DB": str(demo_db)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


REPL_CHECK = """
from streamlit import delta_generator, runtime
from allyship.web import warmup

assert delta_generator._use_warning_has_been_displayed is False
warmup._check_for_a_repl_now()  # outside a server: nothing to answer for
assert delta_generator._use_warning_has_been_displayed is False
runtime.exists = lambda: True  # as in a `streamlit run` process
warmup._check_for_a_repl_now()
assert delta_generator._use_warning_has_been_displayed is True  # not asked again
print("asked once")
"""


def test_in_a_server_the_warm_up_answers_streamlits_repl_check_so_no_visitor_waits_for_it():
    done = subprocess.run([sys.executable, "-c", REPL_CHECK], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "asked once"
