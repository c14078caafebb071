"""For one scope and one completed week, Team progress, the chapter report (HTML,
Markdown, CSV), ``python -m allyship report`` and the weekly digest give the same
figures; the digest's check-in list is the page's Gone quiet list on the digest's Monday."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, timedelta

import pytest
from tests_paths import ROOT

from allyship import demo
from allyship.core.models import week_start
from allyship.db import store
from allyship.metrics import chapter_figures, overview
from allyship.metrics.periods import Period
from allyship.metrics.scopes import Scope
from allyship.people import roster
from allyship.reports import chapter_report
from allyship.rhythm import mail, nudges

MONDAY = week_start(date.today())
LAST_WEEK = Period(MONDAY - timedelta(weeks=1), MONDAY - timedelta(days=1))


@pytest.fixture
def db(demo_db):
    handle = store.connect(demo_db)
    yield handle
    handle.conn.close()


def first_admin(db, chapter_id: int):
    """The admin the command line reports as."""
    return min((m for m in roster.list_members(db, chapter_id) if m.is_admin and m.active),
               key=lambda m: m.id)


def headline_rows(data: bytes) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return {r["name"]: r["value"] for r in rows if r["section"] == "headline"}


@pytest.mark.slow
def test_the_page_the_report_the_command_line_and_the_digest_agree(db, demo_db, tmp_path):
    lead = roster.find_member_by_email(db, demo.PERSONAS["lead"])
    admin = first_admin(db, lead.chapter_id)
    scope = Scope(lead.chapter_id)
    page = overview.team_progress(db, admin, scope, LAST_WEEK, today=MONDAY)
    own = page.participation[page.participation["is_total"]].iloc[0]
    took, counted = int(own["participants"]), int(own["counted"])

    # The report, in each format, as the admin and as the command line makes it.
    assembled = chapter_report.assemble(db, admin, start=LAST_WEEK.start, end=LAST_WEEK.end,
                                        today=MONDAY)
    assert assembled.members == page.members
    report_csv = chapter_report.render(assembled, "csv")
    out = tmp_path / "r.csv"
    done = subprocess.run(
        [sys.executable, "-m", "allyship", "report", "--db", str(demo_db), "--from",
         LAST_WEEK.start.isoformat(), "--to", LAST_WEEK.end.isoformat(), "--format", "csv",
         "--chapter", str(lead.chapter_id), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert headline_rows(out.read_bytes()) == headline_rows(report_csv)
    md = chapter_report.render(assembled, "md").decode()
    html = chapter_report.render(assembled, "html").decode()
    for h in page.headlines:
        assert f"| {h.label} | {h.display} |" in md
        assert h.display in html

    # The admin's digest for this Monday speaks of the same week.
    text = mail.text_part(mail.build_email(db, nudges.compose(db, admin, "digest", MONDAY)))
    assert f"{took} of {counted} members logged at least one action" in text

    # The lead's check-in list is the page's Gone quiet list on the digest's Monday.
    lead_text = mail.text_part(mail.build_email(db, nudges.compose(db, lead, "digest", MONDAY)))
    quiet = chapter_figures.quiet_columns(db, lead, lead.team_id, today=MONDAY)
    for name in quiet["name"]:
        assert name in lead_text
    if not quiet.n_rows:
        assert "Nobody — everyone has logged recently" in lead_text


def test_the_digests_check_in_list_is_the_pages_gone_quiet_list(db):
    lead = roster.find_member_by_email(db, demo.PERSONAS["lead"])
    message = nudges.compose(db, lead, "digest", MONDAY)
    listed = next(b.items for b in message.blocks if b.kind == "list"
                  and b.text.startswith("A gentle check-in list"))
    page = overview.team_progress(db, lead, Scope(lead.chapter_id, lead.team_id),
                                  Period.last_weeks(4, MONDAY), today=MONDAY)
    names = tuple(page.quiet["name"]) if page.quiet is not None else ()
    assert listed == (names or ("Nobody — everyone has logged recently or said they were "
                                "away.",))
