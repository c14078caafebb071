"""The demo organisation: the demo chapter plus three more, in two regions.

Built after :func:`allyship.demo.build` on the first-run demo database, so the
organisation view has something to show: 2 regions, 4 chapters — one of them too small
to be shown on its own (it is folded, and its region's total is withheld) — an
organisation admin and a region lead among the personas. Deterministic like the rest
of the demo (same seed and day → same rows).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlite_utils

from allyship import demo
from allyship.db import store
from allyship.core.models import week_start

ORGANISATION = "Audubon Society (DEMO)"
# name, region, started weeks ago, teams × members per team
CHAPTERS: tuple[tuple[str, str, int, tuple[int, int]], ...] = (
    ("Lakeside Audubon (DEMO)", "North", 20, (2, 6)),
    ("Prairie Audubon (DEMO)", "South", 14, (2, 7)),
    ("Canyon Audubon (DEMO)", "South", 8, (1, 2)),
)
HOME_REGION = "North"  # the demo chapter's
ORG_PERSONAS: dict[str, tuple[str, str, str, str]] = {
    # persona key → (email, name, chapter, organisation role)
    "organisation": ("dana.org@demo.example.org", "Dana Mbeki", "Lakeside Audubon (DEMO)",
                     "org_admin"),
    "region": ("sol.region@demo.example.org", "Sol Ferreira", "Prairie Audubon (DEMO)",
               "region_lead"),
}
PERSONA_LABELS: dict[str, str] = {"organisation": "Organisation admin",
                                  "region": "Region lead"}


def persona_emails() -> dict[str, str]:
    """The organisation personas the demo picker offers, by key."""
    return {key: email for key, (email, *_rest) in ORG_PERSONAS.items()}


def build(db: sqlite_utils.Database, *, seed: int = demo.DEFAULT_SEED,
          today: date | None = None) -> dict[str, int]:
    """Add the organisation, its regions and three more chapters to the demo database."""
    rng = random.Random(seed + 16)
    today = today or date.today()
    this_week = week_start(today)
    now = store.now_iso()
    conn = db.conn
    counts = {"chapters": 0, "members": 0, "actions": 0}
    with store.transaction(db):
        conn.execute("INSERT INTO organisation (id, name, created_at) VALUES (1, ?, ?)",
                     [ORGANISATION, now])
        regions = {}
        for name in ("North", "South"):
            regions[name] = conn.execute("INSERT INTO regions (name, created_at) VALUES (?, ?)",
                                         [name, now]).lastrowid
        conn.execute("UPDATE chapters SET region_id = ?", [regions[HOME_REGION]])
        chapter_ids: dict[str, int] = {}
        for name, region, weeks, (n_teams, per_team) in CHAPTERS:
            first_week = this_week - timedelta(weeks=weeks - 1)
            chapter_id = conn.execute(
                "INSERT INTO chapters (name, goal_label, started_on, created_at, region_id)"
                " VALUES (?, 'Audubon goal', ?, ?, ?)",
                [name, first_week.isoformat(), now, regions[region]]).lastrowid
            chapter_ids[name] = chapter_id
            counts["chapters"] += 1
            for t in range(n_teams):
                team_id = conn.execute(
                    "INSERT INTO teams (chapter_id, name, created_at) VALUES (?, ?, ?)",
                    [chapter_id, demo.TEAMS[t], now]).lastrowid
                for m in range(per_team):
                    person = f"{rng.choice(demo.FIRST)} {rng.choice(demo.LAST)}"
                    email = f"{name.split()[0].lower()}{t}{m}@demo.example.org"
                    role = "admin" if t == 0 and m == 0 else "lead" if m == 0 else "member"
                    member_id = conn.execute(
                        "INSERT INTO members (chapter_id, team_id, name, email, role, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        [chapter_id, team_id, person, email, role, now]).lastrowid
                    counts["members"] += 1
                    a, _ = demo._member_history(conn, rng, member_id, first_week, this_week,
                                                today, weeks, now, persona=False)
                    counts["actions"] += a
        for email, person, chapter, role in ORG_PERSONAS.values():
            chapter_id = chapter_ids[chapter]
            member_id = conn.execute(
                "INSERT INTO members (chapter_id, team_id, name, email, role, created_at)"
                " VALUES (?, NULL, ?, ?, 'member', ?)",
                [chapter_id, person, email, now]).lastrowid
            region_id = regions["South"] if role == "region_lead" else None
            conn.execute("INSERT INTO org_roles (member_id, role, region_id, granted_at)"
                         " VALUES (?, ?, ?, ?)", [member_id, role, region_id, now])
            counts["members"] += 1
        store.bump_data_version(db)
    return counts
