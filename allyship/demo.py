"""The deterministic synthetic demo: a chapter (also data for benchmarks) and the
organisation above it, with more chapters in two regions.

Same seed and same ``today`` → the same rows. Rows are written with bulk SQL in one
transaction (the benchmarks build up to a million actions); every value still
satisfies :mod:`allyship.core.models` and the schema's CHECK constraints.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import sqlite_utils

from allyship.core.handout import ACTION_KINDS, PRACTICE_QUESTIONS
from allyship.core.models import week_start
from allyship.db import memberships, store
from allyship.voice import demo_partners

DEMO_LABEL = "Demo chapter — invented people and data, for trying the app"
DEFAULT_SEED = 2026

# Who the "viewing as" picker offers on the demo database.
PERSONAS: dict[str, str] = {
    "member": "robin.member@demo.example.org",
    "lead": "avery.lead@demo.example.org",
    "admin": "jordan.admin@demo.example.org",
}

FIRST = ["Robin", "Avery", "Jordan", "Sam", "Alex", "Kai", "Morgan", "Riley", "Quinn", "Jamie",
         "Casey", "Drew", "Emery", "Finley", "Harper", "Jules", "Lee", "Micah", "Noor", "Oakley",
         "Parker", "Reese", "Sage", "Tatum", "Wren", "Yael", "Zion", "Ari", "Blair", "Cruz"]
LAST = ["Okafor", "Lindqvist", "Haddad", "Nakamura", "Moreno", "Byrne", "Achebe", "Kowalski",
        "Singh", "Tremblay", "Osei", "Ferreira", "Novak", "Duarte", "Begay", "Yazzie", "Ng",
        "Castillo", "Abara", "Holm"]
TEAMS = ["Bird Counts", "Outreach", "Habitat Restoration", "Field Trips"]
FOCUS_GROUPS = ["Black birders", "Indigenous communities of the watershed",
                "Disabled nature lovers", "Spanish-speaking families", "LGBTQ+ youth",
                "Low-income neighbourhoods near the reserve"]

# Plausible things a member might log, by the responsibility they mostly practise.
ACTIVITIES: dict[int, list[str]] = {
    1: ["Talked openly with my team about how privilege shapes who feels welcome on walks",
        "Wrote down the privileges I bring to field trips and shared them at the meeting"],
    2: ["Sat in on the community meeting and only listened",
        "Held back my suggestions during the planning call so others could lead"],
    3: ["Followed through on the sign-up sheet I promised the community group",
        "Asked the partner organisation what they want from us, and did that"],
    4: ["Read a history of segregated parks in our state",
        "Watched a talk on the barriers Black birders face outdoors",
        "Researched the land's original stewards before the bird count"],
    5: ["Was told our flyer excluded non-English speakers; thanked them and fixed it",
        "Asked for honest feedback on how I ran the walk"],
    6: ["Sat with the discomfort after a hard conversation instead of defending myself",
        "Journaled about feeling challenged at the workshop"],
    7: ["Arranged my own support after a tough meeting rather than leaning on partners",
        "Changed the walk time to suit the group, not me"],
    8: ["Credited the community organisers in our newsletter, not our chapter",
        "Declined to be featured in the local paper and pointed them to the organisers"],
}
NEXT_STEPS = ["Attend the partner group's open meeting", "Translate the walk flyer",
              "Check the accessibility of the Riverside trail", "Read 'The Color of Nature'",
              "Ask the community centre what they need from us", "Fund bus passes for field trips",
              "Share meeting notes in plain language"]
LEARNING = ["Monthly reading circle on environmental justice", "Listening sessions",
            "Local history walk led by community historians", "Accessibility training"]


@dataclass(frozen=True)
class DemoSize:
    chapters: int = 1
    teams_per_chapter: int = 3
    members_per_team: int = 9
    weeks: int = 20


def build(db: sqlite_utils.Database, *, seed: int = DEFAULT_SEED, today: date | None = None,
          size: DemoSize = DemoSize(), label_as_demo: bool = True) -> dict[str, int]:
    """Fill an empty database with synthetic chapters; returns row counts."""
    if db.execute("SELECT count(*) FROM chapters").fetchone()[0]:
        raise RuntimeError("the database already holds a chapter; the demo needs an empty one")
    rng = random.Random(seed)
    today = today or date.today()
    this_week = week_start(today)
    first_week = this_week - timedelta(weeks=size.weeks - 1)
    now = store.now_iso()
    counts = {"chapters": 0, "teams": 0, "members": 0, "actions": 0, "reflections": 0}
    conn = db.conn
    with store.transaction(db):
        member_seq = 0
        for c in range(size.chapters):
            name = "Riverbend Audubon (DEMO)" if c == 0 else f"Demo Chapter {c + 1:04d}"
            chapter_id = conn.execute(
                "INSERT INTO chapters (name, goal_label, started_on, created_at) VALUES (?,?,?,?)",
                # The programme starts with the first week of data: comparisons with a
                # period before it show "no comparison", not a rise from zero.
                [name, "Audubon goal", first_week.isoformat(), now]
            ).lastrowid
            counts["chapters"] += 1
            for t in range(size.teams_per_chapter):
                team_name = TEAMS[t % len(TEAMS)] + ("" if t < len(TEAMS) else f" {t + 1}")
                team_id = conn.execute(
                    "INSERT INTO teams (chapter_id, name, created_at) VALUES (?,?,?)",
                    [chapter_id, team_name, now]).lastrowid
                counts["teams"] += 1
                for m in range(size.members_per_team):
                    member_seq += 1
                    role = "lead" if m == 0 else "member"
                    if c == 0 and t == 0 and m == 1:
                        email, person = PERSONAS["member"], "Robin Okafor"
                    elif c == 0 and t == 0 and m == 0:
                        email, person = PERSONAS["lead"], "Avery Lindqvist"
                    elif c == 0 and t == 1 and m == 1:
                        email, person, role = PERSONAS["admin"], "Jordan Haddad", "admin"
                    else:
                        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                        email = f"member{member_seq}@demo.example.org"
                    member_id = conn.execute(
                        "INSERT INTO members (chapter_id, team_id, name, email, role, created_at)"
                        " VALUES (?,?,?,?,?,?)",
                        [chapter_id, team_id, person, email, role, now]).lastrowid
                    counts["members"] += 1
                    a, r = _member_history(conn, rng, member_id, first_week, this_week, today,
                                           size.weeks, now, persona=email in PERSONAS.values())
                    counts["actions"] += a
                    counts["reflections"] += r
        memberships.since_programme_start(db)  # the demo's members were there all along
        _weekly_rhythm_opt_ins(conn, now)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'demo'",
                     ["1" if label_as_demo else "0"])
        _peers(conn, today, now, random.Random(seed + 15))  # partners and circles, first chapter
        store.bump_data_version(db)
    return counts


def _member_history(conn, rng: random.Random, member_id: int, first_week: date, this_week: date,
                    today: date, weeks: int, now: str, *, persona: bool) -> tuple[int, int]:
    """One member's plan, weekly actions, weeks away and reflections."""
    steadiness = 0.9 if persona else rng.choice([0.95, 0.85, 0.7, 0.5, 0.3])
    # A few members go quiet for the last 3–6 weeks: "who are we leaving behind?"
    quiet_from = None if persona or rng.random() > 0.15 else \
        this_week - timedelta(weeks=rng.randint(3, 6))
    favourite = rng.sample(range(1, 9), 3)
    focus = rng.choice(FOCUS_GROUPS)
    plan_id = conn.execute(
        "INSERT INTO plans (member_id, focus_group, motivation, supports_goal, version,"
        " created_at, updated_at) VALUES (?,?,?,?,1,?,?)",
        [member_id, focus,
         "Our chapter's walks have looked the same for years; I want to change who feels welcome.",
         "Birds belong to everyone: a chapter that reflects its community protects more habitat.",
         now, now]).lastrowid
    items = [("learning_activity", rng.choice(LEARNING), None, None, 0)]
    for pos, text in enumerate(rng.sample(NEXT_STEPS, 3)):
        due = this_week + timedelta(days=rng.randint(-35, 35))
        done = due - timedelta(days=rng.randint(0, 6)) if rng.random() < 0.5 else None
        if done and done > today:
            done = today
        items.append(("next_step", text, due.isoformat(), done and done.isoformat(), pos))
    conn.executemany(
        "INSERT INTO plan_items (plan_id, kind, text, due_on, done_on, position, created_at)"
        " VALUES (?,?,?,?,?,?,?)", [(plan_id, *i, now) for i in items])
    actions = reflections = 0
    resp_rows: list[tuple[int, int]] = []
    for w in range(weeks):
        monday = first_week + timedelta(weeks=w)
        if quiet_from and monday >= quiet_from:
            continue
        if rng.random() < 0.04:
            conn.execute("INSERT INTO away_weeks (member_id, week_start) VALUES (?,?)",
                         [member_id, monday.isoformat()])
            continue
        if rng.random() > steadiness:
            continue
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            day = monday + timedelta(days=rng.randint(0, 6))
            if day > today:
                day = today
            main = rng.choice(favourite) if rng.random() < 0.7 else rng.randint(1, 8)
            resps = {main} | ({rng.randint(1, 8)} if rng.random() < 0.3 else set())
            visibility = rng.choices(["private", "team", "chapter"], [6, 3, 1])[0]
            kind = "feedback" if main == 5 else rng.choice(list(ACTION_KINDS))
            action_id = conn.execute(
                "INSERT INTO actions (member_id, done_on, week_start, description, minutes, kind,"
                " visibility, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                [member_id, day.isoformat(), monday.isoformat(), rng.choice(ACTIVITIES[main]),
                 rng.choice([None, 15, 30, 45, 60, 90, 120]), kind, visibility, now, now]
            ).lastrowid
            resp_rows.extend((action_id, r) for r in sorted(resps))
            actions += 1
        if rng.random() < 0.25:
            q = rng.choice(PRACTICE_QUESTIONS)
            conn.execute(
                "INSERT INTO reflections (member_id, week_start, question, answer, updated_at)"
                " VALUES (?,?,?,?,?)",
                [member_id, monday.isoformat(), q.number,
                 "I noticed I spoke first again in the planning meeting; next time I will wait.",
                 now])
            reflections += 1
    conn.executemany("INSERT INTO action_responsibilities (action_id, responsibility)"
                     " VALUES (?,?)", resp_rows)
    return actions, reflections


def _peers(conn, today: date, now: str, rng: random.Random) -> None:
    """On first run: two partnerships and an invitation, a check-in, one learning
    circle with things shared with it, the starting ideas plus one of the chapter's own, and
    an if–then next step. A separate random stream keeps the rest of the demo unchanged."""
    chapter_id = conn.execute("SELECT min(id) FROM chapters").fetchone()[0]
    ids = [r[0] for r in conn.execute("SELECT id FROM members WHERE chapter_id = ? ORDER BY id",
                                      [chapter_id])]
    by_email = {r[1]: r[0] for r in conn.execute(
        "SELECT id, email FROM members WHERE chapter_id = ?", [chapter_id])}
    robin, avery, jordan = (by_email[PERSONAS[k]] for k in ("member", "lead", "admin"))
    others = [i for i in ids if i not in (robin, avery, jordan)]
    sam, kai, lee, noor = others[0], others[1], others[2], others[-1]
    monday = week_start(today)

    def partnership(a: int, b: int, status: str) -> None:
        conn.execute("INSERT INTO partnerships (chapter_id, inviter_id, invitee_id, status,"
                     " created_at, answered_at) VALUES (?,?,?,?,?,?)",
                     [chapter_id, a, b, status, now, now if status == "active" else None])

    partnership(robin, sam, "active")
    partnership(avery, jordan, "active")
    partnership(noor, robin, "invited")
    conn.execute("INSERT INTO partner_settings (member_id, share_plan, share_consistency)"
                 " VALUES (?, 1, 1)", [robin])
    conn.execute("INSERT INTO partner_settings (member_id, share_plan, share_consistency)"
                 " VALUES (?, 1, 0)", [sam])
    # The circle: five members and one open invitation.
    circle_id = conn.execute(
        "INSERT INTO circles (chapter_id, name, cadence, created_by, created_at)"
        " VALUES (?, 'Thursday learning circle', 'fortnightly', ?, ?)",
        [chapter_id, avery, now]).lastrowid
    for member_id in (avery, robin, sam, kai, lee):
        conn.execute("INSERT INTO circle_members (circle_id, member_id, status, invited_by,"
                     " invited_at, joined_at) VALUES (?, ?, 'active', ?, ?, ?)",
                     [circle_id, member_id, avery, now, now])
    conn.execute("INSERT INTO circle_members (circle_id, member_id, status, invited_by,"
                 " invited_at) VALUES (?, ?, 'invited', ?, ?)", [circle_id, jordan, avery, now])
    shared = [
        (robin, "partners", "Asked the community centre what would make our walks welcoming, "
                            "and wrote down what they said", (3, 5)),
        (sam, "partners", "Read about the history of the park's name before leading the walk",
         (4,)),
        (robin, "circle", "Noticed I spoke first at the planning call; held back the second "
                          "time", (2,)),
        (kai, "circle", "Moved the outing start so the bus from the east side arrives in time",
         (7, 3)),
        (lee, "circle", "Credited the youth group for the bird count results in our newsletter",
         (8,)),
    ]
    first_action = None
    for member_id, visibility, text, resps in shared:
        day = max(monday, today - timedelta(days=rng.randint(0, 3)))
        action_id = conn.execute(
            "INSERT INTO actions (member_id, done_on, week_start, description, minutes, kind,"
            " visibility, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [member_id, day.isoformat(), monday.isoformat(), text, 30, "other", visibility, now,
             now]).lastrowid
        first_action = first_action or action_id
        conn.executemany("INSERT INTO action_responsibilities (action_id, responsibility)"
                         " VALUES (?,?)", [(action_id, r) for r in resps])
    partnership_id = conn.execute("SELECT id FROM partnerships WHERE inviter_id = ? AND"
                                  " invitee_id = ?", [robin, sam]).fetchone()[0]
    conn.execute("INSERT INTO partner_notes (partnership_id, author_id, recipient_id, week_start,"
                 " action_id, text, created_at) VALUES (?,?,?,?,?,?,?)",
                 [partnership_id, sam, robin, monday.isoformat(), first_action,
                  "That sounds like a real conversation. What will you do with what they said?",
                  now])
    # Ideas: the starting set, and one the chapter added itself.
    from allyship.practice.ideas import STARTER_IDEAS

    for idea in STARTER_IDEAS:
        conn.execute("INSERT INTO ideas (chapter_id, title, kind, link, responsibilities,"
                     " created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                     [chapter_id, idea.title, idea.kind, idea.link,
                      ",".join(map(str, idea.responsibilities)), now, now])
    conn.execute("INSERT INTO ideas (chapter_id, title, kind, link, responsibilities, created_by,"
                 " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                 [chapter_id, "Walk the Riverside trail with a wheelchair user who offered to "
                  "show us its barriers, and list what they point out", "connect", "", "3,7",
                  avery, now, now])
    # Robin's first open next step, as an if–then plan.
    conn.execute("UPDATE plan_items SET if_when = ?, if_then = ? WHERE id = (SELECT i.id FROM"
                 " plan_items i JOIN plans p ON p.id = i.plan_id WHERE p.member_id = ? AND"
                 " i.kind = 'next_step' AND i.done_on IS NULL ORDER BY i.position LIMIT 1)",
                 ["the chapter plans its next outing",
                  "ask the partner group what time and place suit them, before we decide", robin])


def create_demo_database(path, *, seed: int = DEFAULT_SEED, today: date | None = None,
                         replace: bool = False) -> dict[str, int]:
    """(Re)create the demo database file at ``path``."""
    from pathlib import Path

    path = Path(path)
    if path.exists() and replace:
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                p.unlink()
    db = store.connect(path)
    try:
        counts = build(db, seed=seed, today=today)
        demo_partners.add_demo_partners(db, PERSONAS["lead"], today=today)
        more = build_organisation(db, seed=seed, today=today)
        return {k: v + more.get(k, 0) for k, v in counts.items()}
    finally:
        db.conn.close()


def _weekly_rhythm_opt_ins(conn, now: str) -> None:
    """Some of the first chapter's members have turned on the weekly reminder,
    and its lead and admin personas the digest — due from the start of each week, so the
    admin's previews and ``nudges run --dry-run`` show something on the first run."""
    rows = conn.execute("SELECT id, email, role FROM members WHERE chapter_id ="
                        " (SELECT min(id) FROM chapters) ORDER BY id").fetchall()
    settings = []
    for i, (member_id, email, role) in enumerate(rows):
        if email in PERSONAS.values() or i % 3 == 0:
            settings.append((member_id, "reminder", 1, 0, 0, now))
        if email in (PERSONAS["lead"], PERSONAS["admin"]):
            settings.append((member_id, "digest", 1, 0, 0, now))
    conn.executemany("INSERT OR IGNORE INTO nudge_settings (member_id, kind, enabled, weekday,"
                     " hour, updated_at) VALUES (?,?,?,?,?,?)", settings)


# --- the organisation: more chapters in two regions -------------------------------

ORGANISATION_NAME = "Audubon Society (DEMO)"
# name, region, started weeks ago, teams × members per team
ORG_CHAPTERS: tuple[tuple[str, str, int, tuple[int, int]], ...] = (
    ("Lakeside Audubon (DEMO)", "North", 20, (2, 6)),
    ("Prairie Audubon (DEMO)", "South", 14, (2, 7)),
    ("Canyon Audubon (DEMO)", "South", 8, (1, 2)),
)
HOME_REGION = "North"  # the demo chapter's region
ORG_PERSONAS: dict[str, tuple[str, str, str, str]] = {
    # persona key → (email, name, chapter, organisation role)
    "organisation": ("dana.org@demo.example.org", "Dana Mbeki", "Lakeside Audubon (DEMO)",
                     "org_admin"),
    "region": ("sol.region@demo.example.org", "Sol Ferreira", "Prairie Audubon (DEMO)",
               "region_lead"),
}
ORG_PERSONA_LABELS: dict[str, str] = {"organisation": "Organisation admin",
                                  "region": "Region lead"}


def org_persona_emails() -> dict[str, str]:
    """The organisation personas the demo picker offers, by key."""
    return {key: email for key, (email, *_rest) in ORG_PERSONAS.items()}


def build_organisation(db: sqlite_utils.Database, *, seed: int = DEFAULT_SEED,
                       today: date | None = None) -> dict[str, int]:
    """Add the organisation above the demo chapter: two regions and three more chapters
    (one too small to be shown on its own), an organisation admin and a region lead."""
    rng = random.Random(seed + 16)
    today = today or date.today()
    this_week = week_start(today)
    now = store.now_iso()
    conn = db.conn
    counts = {"chapters": 0, "members": 0, "actions": 0}
    with store.transaction(db):
        conn.execute("INSERT INTO organisation (id, name, created_at) VALUES (1, ?, ?)",
                     [ORGANISATION_NAME, now])
        regions = {}
        for name in ("North", "South"):
            regions[name] = conn.execute("INSERT INTO regions (name, created_at) VALUES (?, ?)",
                                         [name, now]).lastrowid
        conn.execute("UPDATE chapters SET region_id = ?", [regions[HOME_REGION]])
        chapter_ids: dict[str, int] = {}
        for name, region, weeks, (n_teams, per_team) in ORG_CHAPTERS:
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
                    [chapter_id, TEAMS[t], now]).lastrowid
                for m in range(per_team):
                    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                    email = f"{name.split()[0].lower()}{t}{m}@demo.example.org"
                    role = "admin" if t == 0 and m == 0 else "lead" if m == 0 else "member"
                    member_id = conn.execute(
                        "INSERT INTO members (chapter_id, team_id, name, email, role, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        [chapter_id, team_id, person, email, role, now]).lastrowid
                    counts["members"] += 1
                    a, _ = _member_history(conn, rng, member_id, first_week, this_week,
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
        memberships.since_programme_start(db)  # the demo's members were there all along
        store.bump_data_version(db)
    return counts
