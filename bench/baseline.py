"""Naive baselines: load actions (joined to members and responsibilities) into pandas
on every view, and aggregate there. Two, labelled for what they are:

* the **fair** naive baseline loads only the chapter's own rows
  (``WHERE m.chapter_id = ?``) — what a sensible first version would do;
* the **strawman** loads every chapter's actions, then filters in pandas. It was the
  bench's only baseline until issue 13 and made us look far faster than we were;
* the **analyst's** baseline is what a competent analyst writes: the scope (chapter,
  team, active members) and the period's weeks in the SQL ``WHERE``, then pandas'
  grouped aggregates reindexed to every week — no per-cell loop. Its frames are turned
  into the cross-check's keys outside the timing (:func:`analyst_keys`).

It computes the action-derived figures of the metric set — weekly participants,
responsibility × week (actions, members), minutes per week (minutes, actions,
actions with minutes, members), the consistency distribution, per-team weekly
participants — for the period and the previous one. That is a subset of what
``metrics.team_progress`` returns (no away weeks, follow-through or steadiness), so
the ratio baseline / ours understates our advantage.

:func:`cross_check` compares these numbers with ours, figure by figure.
"""

from __future__ import annotations

import resource
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from bench.results import Figure, figure, timed

LOAD_SQL = ("SELECT a.id AS action_id, a.member_id, a.week_start, a.minutes,"
            " m.chapter_id, m.team_id, m.active, r.responsibility"
            " FROM actions a JOIN members m ON m.id = a.member_id"
            " JOIN action_responsibilities r ON r.action_id = a.id")


def load(path: Path, chapter_id: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per action × responsibility, and members: the chapter's own rows, or
    (``chapter_id=None``, the strawman) every chapter's."""
    conn = sqlite3.connect(str(path))
    try:
        if chapter_id is None:
            rows = pd.read_sql_query(LOAD_SQL, conn)
            members = pd.read_sql_query("SELECT id, chapter_id, team_id, active FROM members",
                                        conn)
        else:
            rows = pd.read_sql_query(LOAD_SQL + " WHERE m.chapter_id = ?", conn,
                                     params=[chapter_id])
            members = pd.read_sql_query("SELECT id, chapter_id, team_id, active FROM members"
                                        " WHERE chapter_id = ?", conn, params=[chapter_id])
    finally:
        conn.close()
    return rows, members


def _weeks(start: date, end: date, today: date) -> list[str]:
    from datetime import timedelta

    out, w = [], start
    while w <= end and w <= today:
        out.append(w.isoformat())
        w += timedelta(weeks=1)
    return out


def figures(rows: pd.DataFrame, members: pd.DataFrame, chapter_id: int, team_id: int | None,
            start: date, end: date, today: date) -> dict[str, Any]:
    """The action-derived figures for one scope and period, aggregated in pandas."""
    weeks = _weeks(start, end, today)
    in_scope = (rows["chapter_id"] == chapter_id) & (rows["active"] == 1)
    scope_members = members[(members["chapter_id"] == chapter_id) & (members["active"] == 1)]
    if team_id is not None:
        in_scope &= rows["team_id"] == team_id
        scope_members = scope_members[scope_members["team_id"] == team_id]
    sel = rows[in_scope & rows["week_start"].isin(weeks)]
    actions = sel.drop_duplicates("action_id")
    participants = actions.groupby("week_start")["member_id"].nunique()
    resp = sel.groupby(["week_start", "responsibility"]).agg(
        actions=("action_id", "size"), members=("member_id", "nunique"))
    minutes = actions.groupby("week_start").agg(
        minutes=("minutes", "sum"), actions=("action_id", "size"),
        actions_with_minutes=("minutes", "count"), members=("member_id", "nunique"))
    per_member = actions.groupby("member_id")["week_start"].nunique()
    per_member = per_member.reindex(scope_members["id"], fill_value=0)
    consistency = per_member.value_counts().reindex(range(len(weeks) + 1), fill_value=0)
    by_team = actions.groupby(["team_id", "week_start"])["member_id"].nunique()
    out: dict[str, Any] = {}
    for w in weeks:
        out[("participants", w)] = int(participants.get(w, 0))
        for r in range(1, 9):
            got = resp.loc[(w, r)] if (w, r) in resp.index else None
            out[("resp_actions", w, r)] = int(got["actions"]) if got is not None else 0
            out[("resp_members", w, r)] = int(got["members"]) if got is not None else 0
        row = minutes.loc[w] if w in minutes.index else None
        for col in ("minutes", "actions", "actions_with_minutes", "members"):
            out[(f"week_{col}", w)] = int(row[col]) if row is not None else 0
    for n, count in consistency.items():
        out[("consistency", int(n))] = int(count)
    out[("actions_total",)] = int(len(actions))
    out[("minutes_total",)] = int(actions["minutes"].sum())
    out[("coverage",)] = int(sel["responsibility"].nunique())
    out["_by_team_rows"] = len(by_team)  # computed as the page would; not cross-checked
    return out


def metric_set(path: Path, chapter_id: int, team_id: int | None, today: date, start: date,
               end: date, prev_start: date, prev_end: date, *,
               strawman: bool = False) -> dict[str, Any]:
    """One naive view: load the chapter's rows (the strawman: everything), aggregate the
    period and the previous one."""
    rows, members = load(path, None if strawman else chapter_id)
    return {"now": figures(rows, members, chapter_id, team_id, start, end, today),
            "before": figures(rows, members, chapter_id, team_id, prev_start, prev_end, today)}


def analyst_figures(conn: sqlite3.Connection, chapter_id: int, team_id: int | None,
                    start: date, end: date, today: date) -> dict[str, Any]:
    """The same figures as :func:`figures`, as frames, with the filtering done in SQL."""
    weeks = _weeks(start, end, today)
    where = " WHERE m.chapter_id = ? AND m.active = 1 AND a.week_start BETWEEN ? AND ?"
    params: list[Any] = [chapter_id, weeks[0], weeks[-1]]
    member_sql = "SELECT id FROM members WHERE chapter_id = ? AND active = 1"
    member_params: list[Any] = [chapter_id]
    if team_id is not None:
        where += " AND m.team_id = ?"
        params.append(team_id)
        member_sql += " AND team_id = ?"
        member_params.append(team_id)
    sel = pd.read_sql_query(LOAD_SQL + where, conn, params=params)
    members = pd.read_sql_query(member_sql, conn, params=member_params)
    actions = sel.drop_duplicates("action_id")
    by_week = pd.Index(weeks, name="week_start")
    per_member = actions.groupby("member_id")["week_start"].nunique().reindex(
        members["id"], fill_value=0)
    return {
        "participants": actions.groupby("week_start")["member_id"].nunique().reindex(
            by_week, fill_value=0),
        "responsibilities": sel.groupby(["week_start", "responsibility"]).agg(
            actions=("action_id", "size"), members=("member_id", "nunique")).reindex(
            pd.MultiIndex.from_product([weeks, range(1, 9)]), fill_value=0),
        "minutes": actions.groupby("week_start").agg(
            minutes=("minutes", "sum"), actions=("action_id", "size"),
            actions_with_minutes=("minutes", "count"),
            members=("member_id", "nunique")).reindex(by_week, fill_value=0),
        "consistency": per_member.value_counts().reindex(range(len(weeks) + 1), fill_value=0),
        "by_team": actions.groupby(["team_id", "week_start"])["member_id"].nunique(),
        "totals": (len(actions), actions["minutes"].sum(), sel["responsibility"].nunique()),
    }


def analyst_metric_set(path: Path, chapter_id: int, team_id: int | None, today: date,
                       start: date, end: date, prev_start: date,
                       prev_end: date) -> dict[str, Any]:
    """One analyst's view on a fresh connection: the period and the previous one."""
    conn = sqlite3.connect(str(path))
    try:
        return {"now": analyst_figures(conn, chapter_id, team_id, start, end, today),
                "before": analyst_figures(conn, chapter_id, team_id, prev_start, prev_end,
                                          today)}
    finally:
        conn.close()


def analyst_keys(f: dict[str, Any]) -> dict[str, Any]:
    """:func:`analyst_figures` in :func:`figures`' keys, for :func:`cross_check`."""
    out: dict[str, Any] = {}
    for w, n in f["participants"].items():
        out[("participants", w)] = int(n)
    for (w, r), row in f["responsibilities"].iterrows():
        out[("resp_actions", w, int(r))] = int(row["actions"])
        out[("resp_members", w, int(r))] = int(row["members"])
    for w, row in f["minutes"].iterrows():
        for col in ("minutes", "actions", "actions_with_minutes", "members"):
            out[(f"week_{col}", w)] = int(row[col])
    for n, count in f["consistency"].items():
        out[("consistency", int(n))] = int(count)
    actions, minutes, coverage = f["totals"]
    out[("actions_total",)] = int(actions)
    out[("minutes_total",)] = int(0 if pd.isna(minutes) else minutes)
    out[("coverage",)] = int(coverage)
    return out


def ours_as_baseline_keys(frames: Any) -> dict[str, Any]:
    """Our ``ProgressFrames`` in the baseline's keys, for :func:`cross_check`."""
    out: dict[str, Any] = {}
    part = frames.participation[frames.participation["is_total"]]
    for r in part.itertuples(index=False):
        out[("participants", r.week.date().isoformat())] = int(r.participants)
    for r in frames.responsibilities.itertuples(index=False):
        w = r.week.date().isoformat()
        out[("resp_actions", w, int(r.responsibility))] = int(r.actions)
        out[("resp_members", w, int(r.responsibility))] = int(r.members)
    for r in frames.minutes.itertuples(index=False):
        w = r.week.date().isoformat()
        for col in ("minutes", "actions", "actions_with_minutes", "members"):
            out[(f"week_{col}", w)] = int(getattr(r, col))
    for r in frames.consistency.itertuples(index=False):
        out[("consistency", int(r.weeks_active))] = int(r.members)
    out[("actions_total",)] = int(frames.headline("actions").value)
    out[("minutes_total",)] = int(frames.headline("minutes").value)
    out[("coverage",)] = int(frames.headline("coverage").value)
    return out


def cross_check(ours: dict[str, Any], naive: dict[str, Any]) -> dict[str, Any]:
    keys = sorted((set(ours) | set(naive)) - {"_by_team_rows"}, key=str)
    bad = [(str(k), ours.get(k), naive.get(k)) for k in keys if ours.get(k) != naive.get(k)]
    return {"compared": len(keys), "mismatches": bad[:20], "ok": not bad}


def run(path: Path, scale: str, today: date, repeat: int, check: bool) -> dict[str, Any]:
    """The baseline's timings at one scale (and, with ``check``, the cross-check)."""
    from allyship import demo
    from allyship.db import store
    from allyship.metrics import overview, periods, scopes
    from allyship.people import roster

    db = store.connect(path)
    lead = roster.find_member_by_email(db, demo.PERSONAS["lead"])
    admin = roster.find_member_by_email(db, demo.PERSONAS["admin"])
    period = periods.Period.last_weeks(12, today)
    prev = period.previous()
    cases = {"team": (lead, lead.chapter_id, lead.team_id),
             "chapter": (admin, admin.chapter_id, None)}
    figs: list[Figure] = []
    checks: dict[str, Any] = {}
    for name, (actor, chapter_id, team_id) in cases.items():
        samples, naive = timed(lambda: metric_set(path, chapter_id, team_id, today, period.start,
                                                  period.end, prev.start, prev.end), repeat)
        figs.append(figure(scale, f"naive baseline metric set, {name}", samples,
                           "fair: pandas on the chapter's own rows (WHERE chapter_id = ?)"))
        straw, _ = timed(lambda: metric_set(path, chapter_id, team_id, today, period.start,
                                            period.end, prev.start, prev.end, strawman=True),
                         repeat)
        figs.append(figure(scale, f"strawman baseline metric set, {name}", straw,
                           "pandas: load every chapter's actions, then filter"))
        fair, analyst = timed(lambda: analyst_metric_set(
            path, chapter_id, team_id, today, period.start, period.end, prev.start, prev.end),
            repeat)
        figs.append(figure(scale, f"analyst baseline metric set, {name}", fair,
                           "fair, as a competent analyst writes it: scope and weeks in the "
                           "SQL WHERE, grouped pandas aggregates, no per-cell loop; fresh "
                           "connection"))
        if check:
            frames = overview.team_progress(db, actor, scopes.Scope(chapter_id, team_id), period,
                                           today=today)
            result = cross_check(ours_as_baseline_keys(frames), naive["now"])
            # The previous period's headline figures too.
            before = {("actions_total",): frames.headline("actions").previous,
                      ("minutes_total",): frames.headline("minutes").previous,
                      ("coverage",): frames.headline("coverage").previous}
            naive_before = {k: naive["before"][k] for k in before}
            prev_check = cross_check({k: int(v) for k, v in before.items()}, naive_before)
            mine = cross_check(ours_as_baseline_keys(frames), analyst_keys(analyst["now"]))
            checks[f"{name} (analyst's baseline)"] = mine
            checks[name] = {"compared": result["compared"] + prev_check["compared"],
                            "mismatches": result["mismatches"] + prev_check["mismatches"],
                            "ok": result["ok"] and prev_check["ok"]}
    db.conn.close()
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figs.append(Figure(scale, "peak memory, naive baseline process", "MB", round(kb / 1024, 1),
                       None, 1, "ru_maxrss"))
    return {"figures": figs, "cross_check": checks}
