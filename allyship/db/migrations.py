"""The schema's migrations: ordered functions, each run once, in its own transaction.

``MIGRATIONS[i]`` takes the schema from version ``i`` to ``i + 1``; a new migration is
appended at the end and never changes once released. :func:`allyship.db.store.connect`
applies the ones a database has not had yet.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from allyship.db import rollup
from allyship.db.audience_schema import (
    bind_sign_in_to_browser_and_fix_reflection_audience,
)
from allyship.db.figures_schema import (
    dated_membership,
    m12_figures,
    m13_member_week_figures,
    m14_team_week_figures,
)
from allyship.db.language_schema import add_language_settings
from allyship.db.partner_voice_schema import add_community_partners


def _m1_initial(db: sqlite_utils.Database) -> None:
    for stmt in _SCHEMA_V1:
        db.execute(stmt)
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('data_version', '0')")
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('demo', '0')")


_SCHEMA_V1: tuple[str, ...] = (
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE chapters (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        goal_label TEXT NOT NULL DEFAULT 'Audubon goal',
        started_on TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE teams (
        id INTEGER PRIMARY KEY,
        chapter_id INTEGER NOT NULL REFERENCES chapters(id),
        name TEXT NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_at TEXT NOT NULL,
        UNIQUE (chapter_id, name)
    )""",
    """CREATE TABLE members (
        id INTEGER PRIMARY KEY,
        chapter_id INTEGER NOT NULL REFERENCES chapters(id),
        team_id INTEGER REFERENCES teams(id),
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'lead', 'admin')),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        password_hash TEXT,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX members_chapter_team ON members (chapter_id, team_id)",
    "CREATE INDEX members_team ON members (team_id)",
    """CREATE TABLE plans (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL UNIQUE REFERENCES members(id),
        focus_group TEXT NOT NULL,
        motivation TEXT NOT NULL DEFAULT '',
        supports_goal TEXT NOT NULL DEFAULT '',
        feedback TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'paused')),
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE plan_revisions (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        saved_by INTEGER REFERENCES members(id),
        UNIQUE (plan_id, version)
    )""",
    """CREATE TABLE plan_items (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('learning_activity', 'next_step')),
        text TEXT NOT NULL,
        due_on TEXT,
        done_on TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX plan_items_plan ON plan_items (plan_id, kind, position)",
    "CREATE INDEX plan_items_due ON plan_items (kind, done_on, due_on)",
    """CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id),
        plan_item_id INTEGER REFERENCES plan_items(id) ON DELETE SET NULL,
        done_on TEXT NOT NULL,
        week_start TEXT NOT NULL,
        description TEXT NOT NULL,
        minutes INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 1440),
        kind TEXT NOT NULL CHECK (kind IN
            ('learning', 'conversation', 'organizing', 'access', 'feedback', 'other')),
        visibility TEXT NOT NULL DEFAULT 'private'
            CHECK (visibility IN ('private', 'team', 'chapter')),
        idempotency_key TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX actions_member_week ON actions (member_id, week_start)",
    "CREATE INDEX actions_week ON actions (week_start)",
    """CREATE TABLE action_responsibilities (
        action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
        responsibility INTEGER NOT NULL CHECK (responsibility BETWEEN 1 AND 8),
        PRIMARY KEY (action_id, responsibility)
    ) WITHOUT ROWID""",
    """CREATE TABLE away_weeks (
        member_id INTEGER NOT NULL REFERENCES members(id),
        week_start TEXT NOT NULL,
        PRIMARY KEY (member_id, week_start)
    ) WITHOUT ROWID""",
    """CREATE TABLE reflections (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id),
        week_start TEXT NOT NULL,
        question INTEGER NOT NULL CHECK (question BETWEEN 1 AND 5),
        answer TEXT NOT NULL,
        visibility TEXT NOT NULL DEFAULT 'private'
            CHECK (visibility IN ('private', 'team', 'chapter')),
        updated_at TEXT NOT NULL,
        UNIQUE (member_id, week_start, question)
    )""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id INTEGER,
        action TEXT NOT NULL,
        table_name TEXT NOT NULL,
        record_id TEXT,
        details TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX audit_log_at ON audit_log (at)",
    # The audit log is append-only: nothing in the app may rewrite history.
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
)

def _m2_sign_in(db: sqlite_utils.Database) -> None:
    """Password sign-in: failed attempts per email (for the lockout) and one-time
    set-up codes (stored as hashes, expiring, single use)."""
    db.execute("""CREATE TABLE login_failures (
        email TEXT PRIMARY KEY COLLATE NOCASE,
        failures INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        last_failure_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE setup_codes (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id),
        code_hash TEXT NOT NULL,
        created_by INTEGER REFERENCES members(id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    )""")
    db.execute("CREATE INDEX setup_codes_member ON setup_codes (member_id, used_at)")


def _m3_audit_by_actor(db: sqlite_utils.Database) -> None:
    """The audit log grows by a row per write; the Admin and Import & export pages read
    one chapter's share of it through its actors. Without this index both read the
    whole log (found by ``python -m bench``'s query-plan check)."""
    db.execute("CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor_id, at)")


def _m4_drop_plan_items_due(db: sqlite_utils.Database) -> None:
    """Every query on next steps starts from a plan (``plan_items_plan``). This index,
    led by ``kind`` (two values), tempted the planner into reading every next step of
    every chapter for the chapter-wide follow-through (``python -m bench`` measures it)."""
    db.execute("DROP INDEX IF EXISTS plan_items_due")


def _m5_sign_in_hardening(db: sqlite_utils.Database) -> None:
    """Sign-in: the lockout counted per time window (``login_attempts``: the
    name keeps it out of exports, as ``transfer`` leaves out any table named *login*;
    bounded emails, rows that expire) replaces ``login_failures``; server-side
    sessions (``sessions``: only hashes of the cookie token and of the one-time
    hand-over nonce), ended by sign-out and by deactivation (a trigger, so every way
    of deactivating someone — admin page, import, command line — ends their sessions)."""
    db.execute("""CREATE TABLE login_attempts (
        email TEXT PRIMARY KEY COLLATE NOCASE CHECK (length(email) <= 254),
        window_start TEXT NOT NULL,
        guesses INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        logged INTEGER NOT NULL DEFAULT 0,
        expires_at TEXT NOT NULL
    )""")
    db.execute("CREATE INDEX login_attempts_expiry ON login_attempts (expires_at)")
    # Carry over locks still running; counts below a lock are not worth keeping.
    db.execute("""INSERT INTO login_attempts
                  (email, window_start, guesses, locked_until, logged, expires_at)
                  SELECT lower(email), last_failure_at, 5, locked_until, 1, locked_until
                  FROM login_failures
                  WHERE length(email) <= 254 AND locked_until IS NOT NULL
                    AND locked_until > strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')""")
    db.execute("DROP TABLE login_failures")
    # AUTOINCREMENT: a session id is never reused, so a tab still holding an ended
    # session's id can never find someone else's new session under it.
    db.execute("""CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        token_hash TEXT UNIQUE,
        nonce_hash TEXT UNIQUE,
        nonce_expires_at TEXT,
        how TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    )""")
    db.execute("CREATE INDEX sessions_member ON sessions (member_id, revoked_at)")
    db.execute("CREATE INDEX sessions_expiry ON sessions (expires_at)")
    db.execute("""CREATE TRIGGER member_deactivated_ends_sessions
        AFTER UPDATE OF active ON members WHEN NEW.active = 0
        BEGIN
            UPDATE sessions SET revoked_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
            WHERE member_id = NEW.id AND revoked_at IS NULL;
        END""")


def _m6_hardening(db: sqlite_utils.Database) -> None:
    """Reserved (empty): kept so every database counts its versions the same."""


def _m7_per_chapter_versions(db: sqlite_utils.Database) -> None:
    """A data version per chapter plus one organisation-wide version, so a
    write in one chapter keeps every other chapter's cached views (see
    :func:`allyship.db.store.bump_data_version`). The total ``data_version`` stays: it still counts
    every write."""
    db.execute("""CREATE TABLE IF NOT EXISTS chapter_versions (
        chapter_id INTEGER PRIMARY KEY,
        version INTEGER NOT NULL DEFAULT 0
    )""")
    # Start the organisation-wide version at the total, so keys made before the
    # migration can never be confused with keys made after it.
    db.execute("INSERT OR IGNORE INTO meta (key, value) SELECT 'global_version', value"
               " FROM meta WHERE key = 'data_version'")
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('global_version', '0')")


def _m8_weekly_rhythm(db: sqlite_utils.Database) -> None:
    """The weekly rhythm: each chapter's time zone and public address; each
    member's opt-in per message kind (day and hour in the chapter's time zone); calendar
    feed tokens (only their SHA-256 is stored); the outbox, one row per due message,
    unique by (member, kind, week) so nothing is ever sent twice; and a log of sender
    runs for the admin page. The secret that signs unsubscribe links is made here, once
    per database."""
    import secrets as _secrets

    db.execute("""CREATE TABLE chapter_settings (
        chapter_id INTEGER PRIMARY KEY REFERENCES chapters(id),
        time_zone TEXT NOT NULL DEFAULT 'UTC',
        public_url TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE nudge_settings (
        member_id INTEGER NOT NULL REFERENCES members(id),
        kind TEXT NOT NULL CHECK (kind IN ('reminder', 'digest')),
        enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
        weekday INTEGER NOT NULL DEFAULT 4 CHECK (weekday BETWEEN 0 AND 6),
        hour INTEGER NOT NULL DEFAULT 17 CHECK (hour BETWEEN 0 AND 23),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (member_id, kind)
    ) WITHOUT ROWID""")
    db.execute("""CREATE TABLE feed_tokens (
        member_id INTEGER PRIMARY KEY REFERENCES members(id),
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id),
        kind TEXT NOT NULL CHECK (kind IN ('reminder', 'digest')),
        week_start TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        claimed_by TEXT,
        claimed_at TEXT,
        sent_at TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (member_id, kind, week_start)
    )""")
    db.execute("CREATE INDEX outbox_status ON outbox (status, next_attempt_at)")
    db.execute("""CREATE TABLE nudge_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        queued INTEGER NOT NULL DEFAULT 0,
        sent INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        note TEXT NOT NULL DEFAULT ''
    )""")
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('link_secret', ?)",
               [_secrets.token_hex(32)])


def _widen_check(db: sqlite_utils.Database, table: str, old: str, new: str) -> None:
    """Change a CHECK constraint's list in place (SQLite's documented procedure for schema
    changes that leave the stored rows valid: edit the schema text, bump the schema
    version). Rebuilding ``actions`` instead would cascade-delete its responsibilities,
    since foreign keys cannot be switched off inside a migration's transaction."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                     [table]).fetchone()[0]
    if new in sql:
        return
    if old not in sql:
        raise RuntimeError(f"unexpected schema for {table}: cannot widen its CHECK")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                   [sql.replace(old, new), table])
        db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")


# The audience an action is shared with, stamped by the database when it is written
# and again when its visibility changes (both triggers of migration 9 run this).
_STAMP_AUDIENCE = """
             UPDATE actions SET
               audience_team_id = CASE WHEN NEW.visibility = 'team' THEN
                 (SELECT team_id FROM members WHERE id = NEW.member_id) END,
               audience_circle_id = CASE WHEN NEW.visibility = 'circle' THEN
                 (SELECT circle_id FROM circle_members WHERE member_id = NEW.member_id
                  AND status = 'active' ORDER BY joined_at DESC LIMIT 1) END,
               audience_partners = CASE WHEN NEW.visibility = 'partners' THEN
                 (SELECT ',' || group_concat(pid, ',') || ',' FROM (
                    SELECT invitee_id AS pid FROM partnerships
                     WHERE inviter_id = NEW.member_id AND status = 'active'
                    UNION SELECT inviter_id FROM partnerships
                     WHERE invitee_id = NEW.member_id AND status = 'active')) END
             WHERE id = NEW.id;
"""


def _m9_peers(db: sqlite_utils.Database) -> None:
    """Peers: visibility fixed when written, partners, learning
    circles, activity ideas, if–then next steps.

    * ``actions.visibility`` gains ``partners`` and ``circle``; the audience is stored on
      the row when it is written (``audience_team_id``, ``audience_circle_id``,
      ``audience_partners`` = ``,id,id,``) by triggers, so every path that writes an
      action (forms, CSV import, demo, benchmarks) stamps it the same way, and a restore
      that brings its own audience keeps it. Existing team actions get the author's team
      as it is now (the best record there is).
    * ``members.team_since``: when the member joined their current team, so team-shared
      actions are read by people who were on the team when they were written.
    * ``reflections.partners_see``: one reflection shared with partners, explicitly;
      editing its words un-shares it.
    * ``plan_items.if_when`` / ``if_then``: "When …, I will …".
    """
    _widen_check(db, "actions", "CHECK (visibility IN ('private', 'team', 'chapter'))",
                 "CHECK (visibility IN ('private', 'partners', 'circle', 'team', 'chapter'))")
    for stmt in (
        "ALTER TABLE actions ADD COLUMN audience_team_id INTEGER",
        "ALTER TABLE actions ADD COLUMN audience_circle_id INTEGER",
        "ALTER TABLE actions ADD COLUMN audience_partners TEXT",
        "ALTER TABLE members ADD COLUMN team_since TEXT",
        "ALTER TABLE reflections ADD COLUMN partners_see INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE plan_items ADD COLUMN if_when TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE plan_items ADD COLUMN if_then TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE partnerships (
            id INTEGER PRIMARY KEY,
            chapter_id INTEGER NOT NULL REFERENCES chapters(id),
            inviter_id INTEGER NOT NULL REFERENCES members(id),
            invitee_id INTEGER NOT NULL REFERENCES members(id),
            status TEXT NOT NULL DEFAULT 'invited'
                CHECK (status IN ('invited', 'active', 'declined', 'ended')),
            created_at TEXT NOT NULL,
            answered_at TEXT,
            ended_at TEXT,
            ended_by INTEGER REFERENCES members(id),
            CHECK (inviter_id != invitee_id)
        )""",
        "CREATE INDEX partnerships_inviter ON partnerships (inviter_id, status)",
        "CREATE INDEX partnerships_invitee ON partnerships (invitee_id, status)",
        """CREATE TABLE partner_settings (
            member_id INTEGER PRIMARY KEY REFERENCES members(id),
            share_plan INTEGER NOT NULL DEFAULT 0 CHECK (share_plan IN (0, 1)),
            share_consistency INTEGER NOT NULL DEFAULT 0 CHECK (share_consistency IN (0, 1))
        )""",
        """CREATE TABLE partner_notes (
            id INTEGER PRIMARY KEY,
            partnership_id INTEGER NOT NULL REFERENCES partnerships(id),
            author_id INTEGER NOT NULL REFERENCES members(id),
            recipient_id INTEGER NOT NULL REFERENCES members(id),
            week_start TEXT NOT NULL,
            action_id INTEGER REFERENCES actions(id) ON DELETE SET NULL,
            text TEXT NOT NULL,
            idempotency_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX partner_notes_partnership ON partner_notes (partnership_id, week_start)",
        """CREATE TABLE circles (
            id INTEGER PRIMARY KEY,
            chapter_id INTEGER NOT NULL REFERENCES chapters(id),
            name TEXT NOT NULL,
            cadence TEXT NOT NULL DEFAULT 'fortnightly'
                CHECK (cadence IN ('weekly', 'fortnightly', 'monthly')),
            created_by INTEGER REFERENCES members(id),
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE circle_members (
            circle_id INTEGER NOT NULL REFERENCES circles(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'declined', 'left')),
            invited_by INTEGER REFERENCES members(id),
            invited_at TEXT NOT NULL,
            joined_at TEXT,
            left_at TEXT,
            PRIMARY KEY (circle_id, member_id)
        )""",
        "CREATE INDEX circle_members_member ON circle_members (member_id, status)",
        # The circle page reads what was written for one circle.
        "CREATE INDEX actions_audience_circle ON actions (audience_circle_id)"
        " WHERE audience_circle_id IS NOT NULL",
        """CREATE TABLE ideas (
            id INTEGER PRIMARY KEY,
            chapter_id INTEGER NOT NULL REFERENCES chapters(id),
            title TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN
                ('read', 'listen', 'watch', 'notice', 'connect', 'act', 'reflect')),
            link TEXT NOT NULL DEFAULT '',
            responsibilities TEXT NOT NULL DEFAULT '',
            retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
            created_by INTEGER REFERENCES members(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX ideas_chapter ON ideas (chapter_id, retired)",
        # Existing team actions: the author's team as it is now.
        "UPDATE actions SET audience_team_id = (SELECT team_id FROM members m"
        " WHERE m.id = actions.member_id) WHERE visibility = 'team'",
        "UPDATE members SET team_since = created_at WHERE team_id IS NOT NULL",
        # --- the audience, stamped when written -------------------------------------
        """CREATE TRIGGER actions_audience_on_insert AFTER INSERT ON actions
           WHEN NEW.visibility IN ('team', 'circle', 'partners')
                AND NEW.audience_team_id IS NULL AND NEW.audience_circle_id IS NULL
                AND NEW.audience_partners IS NULL
           BEGIN """ + _STAMP_AUDIENCE + " END",
        """CREATE TRIGGER actions_audience_on_change AFTER UPDATE OF visibility ON actions
           WHEN NEW.visibility IS NOT OLD.visibility
           BEGIN """ + _STAMP_AUDIENCE + " END",
        """CREATE TRIGGER members_team_since_on_insert AFTER INSERT ON members
           WHEN NEW.team_id IS NOT NULL AND NEW.team_since IS NULL
           BEGIN UPDATE members SET team_since = NEW.created_at WHERE id = NEW.id; END""",
        """CREATE TRIGGER members_team_since_on_move AFTER UPDATE OF team_id ON members
           WHEN NEW.team_id IS NOT OLD.team_id
           BEGIN
             -- Milliseconds: an action written earlier in the same second counts as
             -- before the move (ISO text compares '.' after '+'), the private side.
             UPDATE members SET team_since = strftime('%Y-%m-%dT%H:%M:%f', 'now')
              WHERE id = NEW.id;
           END""",
        """CREATE TRIGGER reflections_unshare_on_edit AFTER UPDATE OF answer ON reflections
           WHEN NEW.answer IS NOT OLD.answer AND NEW.partners_see = 1
           BEGIN UPDATE reflections SET partners_see = 0 WHERE id = NEW.id; END""",
    ):
        db.execute(stmt)


def _m10_organisation(db: sqlite_utils.Database) -> None:
    """The level above chapters: one organisation per database, optional regions (named
    groups of chapters), organisation roles granted to members (an *organisation admin*
    sees every chapter's aggregates, a *region lead* their region's — aggregates only),
    archived chapters, and each chapter's consent to appear by name in organisation
    reports."""
    db.execute("""CREATE TABLE organisation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE regions (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
    )""")
    db.execute("ALTER TABLE chapters ADD COLUMN region_id INTEGER REFERENCES regions(id)")
    db.execute("ALTER TABLE chapters ADD COLUMN archived INTEGER NOT NULL DEFAULT 0"
               " CHECK (archived IN (0, 1))")
    db.execute("ALTER TABLE chapters ADD COLUMN named_in_org_reports INTEGER NOT NULL"
               " DEFAULT 1 CHECK (named_in_org_reports IN (0, 1))")
    db.execute("CREATE INDEX chapters_region ON chapters (region_id)")
    db.execute("""CREATE TABLE org_roles (
        member_id INTEGER PRIMARY KEY REFERENCES members(id),
        role TEXT NOT NULL CHECK (role IN ('org_admin', 'region_lead')),
        region_id INTEGER REFERENCES regions(id),
        granted_at TEXT NOT NULL,
        CHECK ((role = 'region_lead') = (region_id IS NOT NULL))
    )""")
    rollup.create(db)  # weekly roll-ups for figures across many chapters


# The member an audit entry's details name (``{"member_id": N}``), as indexed by migration
# 11; queries must spell it exactly so to use the index.
AUDIT_MEMBER_ID = ("(CASE WHEN json_valid(details) THEN json_extract(details, '$.member_id')"
                   " END)")


def _m11_data_rights(db: sqlite_utils.Database) -> None:
    """Members own their data (:mod:`allyship.rights.erasure`, :mod:`allyship.rights.retention`).

    * ``members.forgotten_at``: set when a member is forgotten (anonymised); a forgotten
      member can never be made active again (trigger). Deactivated is not forgotten.
    * ``erasure_requests``: a member's pending "forget me" request, until an admin (or the
      operator) confirms or declines it.
    * ``reflections_keep_months`` on ``chapters`` (the chapter's rule) and on ``members``
      (the member's own choice); NULL keeps reflections until their author deletes them.
    * The audit log stays append-only, with one controlled exception: while the
      ``meta`` flag ``audit_purge`` is ``'1'`` — set and cleared again inside the erasure
      transaction by :func:`allyship.rights.erasure.forget`, so no other connection ever sees
      it — the ``details`` of a row may be rewritten. Nothing else about a row may ever
      change, and rows can never be deleted.
    """
    db.execute("ALTER TABLE members ADD COLUMN forgotten_at TEXT")
    db.execute("ALTER TABLE members ADD COLUMN reflections_keep_months INTEGER"
               " CHECK (reflections_keep_months IS NULL OR reflections_keep_months BETWEEN 1 AND 600)")
    db.execute("ALTER TABLE chapters ADD COLUMN reflections_keep_months INTEGER"
               " CHECK (reflections_keep_months IS NULL OR reflections_keep_months BETWEEN 1 AND 600)")
    db.execute("""CREATE TABLE erasure_requests (
        member_id INTEGER PRIMARY KEY REFERENCES members(id),
        requested_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TRIGGER members_forgotten_stay_inactive BEFORE UPDATE OF active ON members
       WHEN OLD.forgotten_at IS NOT NULL AND NEW.active = 1
       BEGIN SELECT RAISE(ABORT, 'a forgotten member cannot be made active again'); END""")
    # A member's download and erasure find the audit entries about them without reading
    # the whole log: entries about their membership, and
    # entries naming them as ``member_id`` (set-up codes, imports). Both partial: small.
    db.execute("CREATE INDEX audit_log_members_record ON audit_log (record_id)"
               " WHERE table_name = 'members'")
    db.execute(f"CREATE INDEX audit_log_member_id ON audit_log ({AUDIT_MEMBER_ID})"
               f" WHERE {AUDIT_MEMBER_ID} IS NOT NULL")
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('audit_purge', '0')")
    db.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    db.execute("""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       WHEN (SELECT value FROM meta WHERE key = 'audit_purge') IS NOT '1'
         OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor_id IS NOT OLD.actor_id
         OR NEW.action IS NOT OLD.action OR NEW.table_name IS NOT OLD.table_name
         OR NEW.record_id IS NOT OLD.record_id
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""")


def index_chapter_changes(db: sqlite_utils.Database) -> None:
    """The audit log's changes to chapters (region moves, archiving), indexed by time:
    the organisation's figures read them for every period they show
    (:func:`allyship.people.organisation.standing_in`), and a busy chapter's log holds a
    million other entries. Partial: small."""
    db.execute("CREATE INDEX IF NOT EXISTS audit_log_chapter_changes ON audit_log (at, id)"
               " WHERE table_name = 'chapters' AND action = 'update'")


# Ordered: MIGRATIONS[i] takes the schema from version i to i + 1.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m1_initial, _m2_sign_in, _m3_audit_by_actor, _m4_drop_plan_items_due,
    _m5_sign_in_hardening,
    _m6_hardening,
    _m7_per_chapter_versions,
    _m8_weekly_rhythm,
    _m9_peers,
    _m10_organisation,
    _m11_data_rights,
    m12_figures,
    m13_member_week_figures,
    m14_team_week_figures,
    bind_sign_in_to_browser_and_fix_reflection_audience,
    add_community_partners,
    dated_membership,
    add_language_settings,
    index_chapter_changes,
]
SCHEMA_VERSION = len(MIGRATIONS)
