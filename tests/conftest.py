"""Shared fixtures: a real SQLite file per test, with a small hand-built chapter."""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from allyship import demo
from allyship.core.models import Chapter, Member, MemberDraft
from allyship.db import store
from allyship.people import roster
from tests.membership_helpers import belonged_all_along

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "allyship.db"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """An empty database with every migration applied, made once per test run: copying it
    is ten times quicker than migrating a new file for each test."""
    path = tmp_path_factory.mktemp("migrated") / "template.db"
    handle = store.connect(path)
    handle.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    handle.conn.close()
    return path


@pytest.fixture
def db(db_path: Path, migrated_template: Path) -> sqlite_utils.Database:
    """A new, empty, migrated database file of the test's own — with a secret of its own
    for signed links, as every new database has."""
    shutil.copy(migrated_template, db_path)
    handle = store.connect(db_path)
    with store.transaction(handle):
        handle.execute("UPDATE meta SET value = ? WHERE key = 'link_secret'",
                       [secrets.token_hex(32)])
    yield handle
    handle.conn.close()


@dataclass
class Chapterful:
    """A small real chapter: two teams, an admin, a lead and two members."""

    db: sqlite_utils.Database
    chapter: Chapter
    admin: Member
    lead: Member  # lead of team A
    member: Member  # team A
    teammate: Member  # team A
    other: Member  # team B
    team_a: int
    team_b: int


@pytest.fixture
def chapter(db: sqlite_utils.Database) -> Chapterful:
    ch = roster.create_chapter(db, "Test Chapter", started_on=date(2026, 1, 5))
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Ada Admin", "ada@example.org"))
    team_a = roster.create_team(db, admin, "Team A").id
    team_b = roster.create_team(db, admin, "Team B").id
    lead = roster.add_member(db, admin, MemberDraft("Lee Lead", "lee@example.org", "lead", team_a))
    member = roster.add_member(db, admin, MemberDraft("Mo Member", "mo@example.org", "member",
                                                      team_a))
    teammate = roster.add_member(db, admin, MemberDraft("Tam Mate", "tam@example.org", "member",
                                                        team_a))
    other = roster.add_member(db, admin, MemberDraft("Oz Other", "oz@example.org", "member",
                                                     team_b))
    # The tests read weeks of 2026 with members created now: they belonged all along.
    belonged_all_along(db)
    return Chapterful(db, ch, admin, lead, member, teammate, other, team_a, team_b)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo chapter, built once per test run; tests get their own copy."""
    path = tmp_path_factory.mktemp("demo") / "template.db"
    demo.create_demo_database(path)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database, and the app pointed at it (``ALLYSHIP_DB``)."""
    path = tmp_path / "app.db"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("ALLYSHIP_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with the public routes' rate limits unused: they are counted per
    server process, and one test's thousand requests must not refuse the next test's."""
    import sys

    if "allyship.voice.limits" in sys.modules:
        sys.modules["allyship.voice.limits"].clear_all()
    if "allyship.web.routes_rhythm" in sys.modules:
        sys.modules["allyship.web.routes_rhythm"].clear_limits()
