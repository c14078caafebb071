"""An organisation report for a region (or an organisation) with no chapters says so
plainly, from the library and from the command line, instead of failing."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from tests_paths import ROOT

from allyship.core.models import Member, ValidationError
from allyship.db import store
from allyship.metrics.periods import Period
from allyship.people import organisation
from allyship.reports import org_report

TODAY = date.today()
PERIOD = Period.last_weeks(4, TODAY)
OPERATOR = Member(0, 0, None, "operator", "", "member", True, "org_admin", None)


def test_a_report_for_a_region_without_chapters_is_refused_with_a_reason(demo_db):
    db = store.connect(demo_db)
    empty = organisation.create_region(db, None, "Empty Quarter", operator=True)
    with pytest.raises(ValidationError) as refused:
        org_report.assemble(db, OPERATOR, start=PERIOD.start, end=PERIOD.end,
                            region_id=empty.id, today=TODAY)
    assert "'Empty Quarter' has no chapters yet" in refused.value.errors["region"]
    # A region with chapters still reports.
    south = organisation.find_region(db, "South")
    assert org_report.assemble(db, OPERATOR, start=PERIOD.start, end=PERIOD.end,
                               region_id=south.id, today=TODAY).progress.lines
    db.conn.close()


@pytest.mark.slow
def test_the_report_command_for_a_region_without_chapters_exits_with_the_reason(demo_db,
                                                                                 tmp_path):
    db = store.connect(demo_db)
    organisation.create_region(db, None, "Empty Quarter", operator=True)
    db.conn.close()
    out = tmp_path / "empty.md"
    done = subprocess.run(
        [sys.executable, "-m", "allyship", "report", "--organisation", "--region",
         "Empty Quarter", "--db", str(demo_db), "--from", PERIOD.start.isoformat(), "--to",
         PERIOD.end.isoformat(), "--format", "md", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1
    assert "has no chapters yet" in done.stderr and "StopIteration" not in done.stderr
    assert not out.exists()
