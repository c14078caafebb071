"""The app's own measures at one scale (run inside a fresh process by :mod:`bench.worker`)."""

from __future__ import annotations

import csv
import io
import os
import resource
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import plans as qplans
from bench.results import Figure, figure, timed

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PERIOD_WEEKS = 12  # the Team progress page's default period


def _personas(db) -> dict[str, Any]:
    from allyship import demo
    from allyship.people import roster

    return {role: roster.find_member_by_email(db, email) for role, email in demo.PERSONAS.items()}


def metric_set(path: Path, scale: str, today: date, repeat: int) -> tuple[list[Figure], dict]:
    """metrics.team_progress for one team (as its lead) and one chapter (as its admin):
    first call in the process, cold (a fresh connection each time) and warm."""
    from allyship.db import store
    from allyship.metrics import overview, periods, scopes

    figs: list[Figure] = []
    db = store.connect(path)
    who = _personas(db)
    lead, admin = who["lead"], who["admin"]
    period = periods.Period.last_weeks(PERIOD_WEEKS, today)
    cases = {
        "team": (lead, scopes.Scope(lead.chapter_id, lead.team_id)),
        "chapter": (admin, scopes.Scope(admin.chapter_id)),
    }
    first, _ = timed(lambda: overview.team_progress(db, lead, cases["team"][1], period,
                                                   today=today), 1)
    figs.append(figure(scale, "metric set, team: first call in process", first,
                       "includes pandas' first-use set-up"))
    db.conn.close()
    frames: dict[str, Any] = {}
    for name, (actor, scope) in cases.items():
        def cold(make_frames: bool = True) -> Any:
            fresh = store.connect(path)
            try:
                view = overview.team_progress(fresh, actor, scope, period, today=today)
                if make_frames:
                    # The baselines return pandas frames: so does this measure (a page
                    # uses the plain columns and makes none; measured below).
                    for table in view.TABLES:
                        view.columns[table].frame  # noqa: B018 - made on first use
                return view
            finally:
                fresh.conn.close()
        cpu: list[float] = []
        samples, frames[name] = timed(cold, repeat, cpu)
        figs.append(figure(scale, f"metric set, {name}: cold", samples,
                           "fresh connection each time (incl. opening it), every table made "
                           "into a pandas frame as the baselines make them; OS file cache "
                           "not dropped"))
        figs.append(figure(scale, f"metric set, {name}: cold, CPU time", cpu,
                           "process CPU time of the same runs (excludes waiting for a core)"))
        samples, _ = timed(lambda: cold(make_frames=False), repeat)
        figs.append(figure(scale, f"metric set, {name}: cold, plain columns (as a page uses it)",
                           samples, "the same without making the pandas frames"))
        warm_db = store.connect(path)
        overview.team_progress(warm_db, actor, scope, period, today=today)
        samples, _ = timed(lambda: overview.team_progress(warm_db, actor, scope, period,
                                                         today=today), repeat)
        figs.append(figure(scale, f"metric set, {name}: warm", samples, "same connection"))
        warm_db.conn.close()
    return figs, frames


def pages(path: Path, scale: str, repeat: int) -> tuple[list[Figure], dict[str, list[str]]]:
    """A full *Team progress* run (lead persona, cached views cleared first, so every
    frame is computed) and a *My week* run (member persona), through AppTest."""
    from streamlit.testing.v1 import AppTest

    from allyship.ui import common

    os.environ["ALLYSHIP_DB"] = str(path)
    figs: list[Figure] = []
    statements: dict[str, list[str]] = {}

    def check(at: AppTest, what: str) -> None:
        if at.exception:
            raise RuntimeError(f"{what} raised: {[e.value for e in at.exception]}")

    def open_as(persona: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        # Preset the demo picker (see tests/test_page_team_progress.py for why not
        # set_value: AppTest keeps rerunning the open page).
        at.session_state["demo_persona"] = persona
        at.run()
        check(at, "the app")
        return at

    # One untimed warm-up pays for importing Streamlit, Altair and the pages once.
    warm = open_as("lead")
    warm.switch_page("pages/team_progress.py").run()
    check(warm, "Team progress")

    samples: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        at = open_as("lead")
        common.clear_cached_views()
        cpu_started = time.process_time()
        started = time.perf_counter()
        at.switch_page("pages/team_progress.py").run()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        check(at, "Team progress")
        if not at.get("vega_lite_chart"):  # the open tab's chart (the others a tab away)
            raise RuntimeError("Team progress drew no charts: "
                               f"{[e.value for e in at.get('error')]}")
    figs.append(figure(scale, "Team progress page (AppTest), cache cleared", samples,
                       "lead persona; whole chapter, last 12 weeks"))
    figs.append(figure(scale, "Team progress page (AppTest), cache cleared, CPU time", cpu,
                       "process CPU time of the same runs: the server's cost of one cold "
                       "view (incl. AppTest's own work)"))
    cached, _ = timed(lambda: at.run(), repeat)
    check(at, "Team progress rerun")
    figs.append(figure(scale, "Team progress page (AppTest), cached rerun", cached,
                       "same session, data version unchanged"))

    me = open_as("member")
    my_week, _ = timed(lambda: me.switch_page("pages/my_week.py").run(), repeat)
    check(me, "My week")
    figs.append(figure(scale, "My week page (AppTest)", my_week, "member persona"))

    admin = open_as("admin")
    data_page, _ = timed(lambda: admin.switch_page("pages/data.py").run(), max(1, repeat // 3))
    check(admin, "Import & export")
    figs.append(figure(scale, "Import & export page open (AppTest)", data_page,
                       "admin persona; cache not cleared between runs"))

    # The statements each page runs, for EXPLAIN QUERY PLAN (untimed).
    with qplans.capture() as sql:
        t = open_as("lead")
        common.clear_cached_views()
        sql.clear()
        t.switch_page("pages/team_progress.py").run()
    statements["Team progress page"] = list(sql)
    with qplans.capture() as sql:
        m = open_as("member")
        sql.clear()
        m.switch_page("pages/my_week.py").run()
    statements["My week page"] = list(sql)
    # Every other page each persona can open, once, for the "no full-table reads on
    # any page" check (untimed).
    for persona in ("member", "lead", "admin"):
        for page in sorted((ROOT / "pages").glob("*.py")):
            name = f"page {page.stem} ({persona})"
            with qplans.capture() as sql:
                at = open_as(persona)
                common.clear_cached_views()
                sql.clear()
                try:
                    at.switch_page(f"pages/{page.name}").run()
                except ValueError:  # not in this persona's navigation
                    continue
                check(at, name)
            statements[name] = list(sql)
    return figs, statements


def writes(path: Path, scale: str, today: date, repeat: int) -> tuple[list[Figure], dict[str, list[str]]]:
    """Logging one action, and 1,000 actions in one bulk import."""
    from allyship.core.models import ActionDraft
    from allyship.db import store
    from allyship.practice import journal

    figs: list[Figure] = []
    db = store.connect(path)
    who = _personas(db)
    member = who["member"]
    counter = iter(range(10**9))

    def log_one() -> None:
        journal.log_action(db, member, ActionDraft(
            done_on=today, description=f"Bench: listened at the partner meeting #{next(counter)}",
            responsibilities=(2, 3), minutes=30), today=today)

    samples, _ = timed(log_one, max(20, repeat * 10))
    figs.append(figure(scale, "log one action (journal.log_action)", samples,
                       "one BEGIN IMMEDIATE transaction incl. audit entry"))
    statements: dict[str, list[str]] = {}
    with qplans.capture() as sql:
        log_one()
    statements["log one action"] = list(sql)

    chapter_members = [r[0] for r in db.execute(
        "SELECT email FROM members WHERE chapter_id = ? AND active = 1 ORDER BY id",
        [member.chapter_id])]
    batch = iter(range(10**9))

    from allyship.transfer import csv_import

    def bulk() -> None:
        b = next(batch)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["email", "date", "what", "responsibilities", "kind", "minutes",
                    "visibility"])
        for i in range(1000):
            w.writerow([chapter_members[i % len(chapter_members)],
                        (today - timedelta(days=i % 60)).isoformat(),
                        f"Bench import {b}-{i}: read about the watershed's history",
                        "4;1" if i % 3 else "2", "learning", 30, "private"])
        report = csv_import.import_csv(db, None, buf.getvalue().encode("utf-8"),
                                       kind="actions", chapter_id=member.chapter_id,
                                       today=today, source="bench.csv")
        if not report.ok or report.created != 1000:
            raise RuntimeError(f"bulk import failed: {report.summary()} {report.errors[:3]}")

    label, note = "bulk import of 1,000 actions (csv_import.import_csv)", "CSV bytes → DB, all or nothing"
    samples, _ = timed(bulk, max(2, repeat // 2))
    figs.append(figure(scale, label, samples, note))
    db.conn.close()
    return figs, statements


def chapter_report(path: Path, scale: str, today: date,
                   repeat: int) -> tuple[list[Figure], dict[str, list[str]]]:
    """The chapter report as HTML with SVG charts (:mod:`allyship.reports.chapter_report`)."""
    measure = "chapter report (HTML with SVG charts)"
    from allyship.db import store
    from allyship.metrics import periods
    from allyship.reports.chapter_report import assemble, to_html

    db = store.connect(path)
    admin = _personas(db)["admin"]
    period = periods.Period.last_weeks(PERIOD_WEEKS, today)

    def once() -> None:
        html = to_html(assemble(db, admin, start=period.start, end=today, today=today))
        if "<svg" not in html:
            raise RuntimeError("the report has no SVG chart")

    samples, _ = timed(once, max(2, repeat // 2))
    with qplans.capture() as sql:
        traced = store.connect(path)
        assemble(traced, admin, start=period.start, end=today, today=today)
        traced.conn.close()
    db.conn.close()
    return [figure(scale, measure, samples, "admin, whole chapter, last 12 weeks")], \
        {"chapter report": list(sql)}


def report_cli(path: Path, scale: str, today: date, repeat: int) -> list[Figure]:
    """``python -m allyship report`` as a whole process (start-up included), for the
    persona's chapter, last 12 weeks, HTML with charts."""
    import subprocess
    import sys
    import tempfile

    from allyship.db import store
    from allyship.metrics import periods
    from allyship.people import roster

    db = store.connect(path)
    chapter = roster.get_chapter(db, _personas(db)["admin"].chapter_id)
    db.conn.close()
    period = periods.Period.last_weeks(PERIOD_WEEKS, today)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "allyship", "report", "--db", str(path), "--from",
               period.start.isoformat(), "--to", today.isoformat(), "--chapter", chapter.name,
               "--format", "html", "--out", str(Path(tmp) / "report.html")]

        def once() -> None:
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"report CLI failed: {done.stderr[-2000:]}")
        # At least 3 runs: one whole process on this shared host varies by ±10 %.
        samples, _ = timed(once, max(3, repeat // 3))
    return [figure(scale, "report CLI, whole process (HTML)", samples,
                   "python -m allyship report, start-up included; admin's chapter")]


def peak_memory(scale: str) -> Figure:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return Figure(scale, "peak memory, our process", "MB", round(kb / 1024, 1), None, 1,
                  "ru_maxrss (whole process RSS: Python, pandas, Streamlit AppTest, SQLite cache)")


def query_plans(path: Path, today: date) -> dict[str, list[str]]:
    """The statements the metric set runs (team and chapter), for EXPLAIN."""
    from allyship.db import store
    from allyship.metrics import overview, periods, scopes

    db = store.connect(path)
    who = _personas(db)
    period = periods.Period.last_weeks(PERIOD_WEEKS, today)
    out: dict[str, list[str]] = {}
    for name, actor, scope in (
            ("metric set, team", who["lead"], scopes.Scope(who["lead"].chapter_id,
                                                            who["lead"].team_id)),
            ("metric set, chapter", who["admin"], scopes.Scope(who["admin"].chapter_id))):
        with qplans.capture() as sql:
            traced = store.connect(path)
            overview.team_progress(traced, actor, scope, period, today=today)
            traced.conn.close()
        out[name] = list(sql)
    db.conn.close()
    return out


def run(path: Path, scale: str, today: date, repeat: int) -> dict[str, Any]:
    """Every measure of ours at one scale; the figures plus the query plans.

    Reads are explained (and timed once more) right after they are captured, before the
    write measures add rows to the demo chapter.
    """
    from allyship.db import store

    qplans.install()
    plans: dict[str, Any] = {}

    def explain(statements: dict[str, list[str]]) -> None:
        db = store.connect(path)
        try:
            plans.update({name: qplans.explain(db.conn, sql) for name, sql in statements.items()})
        finally:
            db.conn.close()

    figs, _ = metric_set(path, scale, today, repeat)
    explain(query_plans(path, today))
    page_figs, page_sql = pages(path, scale, repeat)
    figs += page_figs
    explain(page_sql)
    report_figs, report_sql = chapter_report(path, scale, today, repeat)
    figs += report_figs
    explain(report_sql)
    figs += report_cli(path, scale, today, repeat)
    write_figs, write_sql = writes(path, scale, today, repeat)
    figs += write_figs
    explain(write_sql)
    figs.append(peak_memory(scale))
    return {"figures": figs, "plans": plans}
