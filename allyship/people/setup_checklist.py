"""A new chapter's set-up checklist: the five things an admin does before members can
take part, each ticked from what the database already holds (nothing to tick by hand).

Pure reads, no Streamlit: the Admin page (and My week, for an admin) draws the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member
from allyship.i18n import Message


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    detail: str  # what is there now, or what to do next
    where: str  # the page (and tab) where it is done


@dataclass(frozen=True)
class Checklist:
    steps: tuple[Step, ...]

    @property
    def done(self) -> int:
        return sum(s.done for s in self.steps)

    @property
    def complete(self) -> bool:
        return all(s.done for s in self.steps)


def chapter_settings_saved(db: sqlite_utils.Database, chapter_id: int) -> bool:
    """Whether an admin has saved the chapter's time zone (until then it is UTC by
    default, not by choice)."""
    return db.execute("SELECT 1 FROM chapter_settings WHERE chapter_id = ?",
                      [chapter_id]).fetchone() is not None


def setup_checklist(db: sqlite_utils.Database, actor: Member, *,
                    mail_configured: bool) -> Checklist:
    """The admin's chapter's checklist. ``mail_configured``: whether SMTP settings exist
    (they live in the server's secrets, not in the database)."""
    access.require_admin(actor)
    cid = actor.chapter_id
    settings = db.execute("SELECT time_zone, public_url FROM chapter_settings"
                          " WHERE chapter_id = ?", [cid]).fetchone()
    teams = db.execute("SELECT COUNT(*) FROM teams WHERE chapter_id = ? AND archived = 0",
                       [cid]).fetchone()[0]
    active, in_teams = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(team_id IS NOT NULL), 0) FROM members"
        " WHERE chapter_id = ? AND active = 1", [cid]).fetchone()
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    no_code = db.execute(
        "SELECT COUNT(*) FROM members m WHERE m.chapter_id = ? AND m.active = 1"
        " AND m.password_hash IS NULL AND NOT EXISTS (SELECT 1 FROM setup_codes c"
        " WHERE c.member_id = m.id AND (c.used_at IS NULL AND c.expires_at > ?))",
        [cid, now]).fetchone()[0]
    reminders = db.execute(
        "SELECT COUNT(*) FROM nudge_settings n JOIN members m ON m.id = n.member_id"
        " WHERE m.chapter_id = ? AND m.active = 1 AND n.kind = 'reminder' AND n.enabled = 1",
        [cid]).fetchone()[0]
    where_settings = Message("Email & reminders → Chapter settings")
    steps = (
        Step("place", Message("Choose the time zone and the app's public address"),
             settings is not None and bool(settings[1]),
             (Message("Time zone {zone}, address {address}", zone=settings[0],
                      address=settings[1]) if settings and settings[1]
              else Message("Reminders go out at members' chosen hour in the chapter's time "
                           "zone, and links in emails need the address people open the app "
                           "at.")),
             where_settings),
        Step("teams", Message("Create the teams"), teams > 0,
             (Message("{count:,} team", count=teams) if teams == 1 else
              Message("{count:,} teams", count=teams) if teams else Message("No team yet.")),
             Message("Admin → Teams")),
        Step("members", Message("Add the members"), active > 1,
             (Message("{count:,} active members, {in_teams:,} in a team", count=active,
                      in_teams=in_teams) if active > 1 else Message("Only you so far.")),
             Message("Admin → Add from CSV, or Admin → Members")),
        Step("codes", Message("Give everyone a way to sign in"), active > 1 and no_code == 0,
             (Message("Everyone has a password or a live set-up code.") if no_code == 0 else
              Message("{count:,} member has no password and no live set-up code (not needed "
                      "if your chapter signs in through an identity provider).",
                      count=no_code) if no_code == 1 else
              Message("{count:,} members have no password and no live set-up code (not "
                      "needed if your chapter signs in through an identity provider).",
                      count=no_code)),
             Message("Admin → Sign-in codes")),
        Step("reminders", Message("Set up weekly reminders"), mail_configured and reminders > 0,
             (Message("Email is not set up yet (see the operator guide).")
              if not mail_configured else
              Message("{count:,} member gets the weekly reminder", count=reminders)
              if reminders == 1 else
              Message("{count:,} members get the weekly reminder", count=reminders)
              if reminders else
              Message("Email works; no member has turned the weekly reminder on yet (each "
                      "chooses it on their Account page).")),
             Message("Email & reminders")),
    )
    return Checklist(steps)
