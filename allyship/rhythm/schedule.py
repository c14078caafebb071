"""The weekly rhythm's settings and rules: who gets which message when.

Two kinds of message, both opt-in: a ``reminder`` to a member on their chosen weekday and
hour, only if they are active, not away and have logged nothing that week; and a
``digest`` to a lead or admin about their team's last complete week. A message belongs
to a week, and the outbox sends each (member, kind, week) at most once. What a message
says is :mod:`allyship.rhythm.nudges` (which also offers every name here).
Words shown to people are marked for the catalogue: kinds and weekdays with ``N_`` (shown
with ``tr.gettext``), refusals as :class:`allyship.i18n.Message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlite_utils

from allyship.core import access
from allyship.core.models import Member, ValidationError, week_start
from allyship.db import store
from allyship.i18n import N_, Message
from allyship.people import roster

KINDS: dict[str, str] = {
    "reminder": N_("Weekly reminder to log my actions"),
    "digest": N_("Weekly digest for leads and admins"),
}
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))
# "Mondays at 09:00": a whole phrase per day, so a language words each its own way.
WEEKLY_AT = (N_("Mondays at {time}"), N_("Tuesdays at {time}"), N_("Wednesdays at {time}"),
             N_("Thursdays at {time}"), N_("Fridays at {time}"), N_("Saturdays at {time}"),
             N_("Sundays at {time}"))
DEFAULT_WEEKDAY, DEFAULT_HOUR = 4, 17  # Friday, 5 pm: late enough to have done something
DIGEST_DEFAULT_WEEKDAY, DIGEST_DEFAULT_HOUR = 0, 8  # Monday morning: last week is complete
DEFAULT_TIME_ZONE = "UTC"
STEPS_AHEAD_DAYS = 7


# --- settings ------------------------------------------------------------------------

@dataclass(frozen=True)
class NudgeSetting:
    """One member's choice for one kind of message."""

    member_id: int
    kind: str
    enabled: bool
    weekday: int  # 0 = Monday
    hour: int  # 0–23, chapter-local

    @property
    def when(self) -> str:
        """"Fridays at 17:00" (a :class:`Message`: shown translated where shown)."""
        clock = f"{self.hour:02d}:00"
        return Message(WEEKLY_AT[self.weekday], time=clock)


@dataclass(frozen=True)
class ChapterSettings:
    chapter_id: int
    time_zone: str
    public_url: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def may_receive(member: Member, kind: str) -> bool:
    """Digests are for leads and admins; reminders for everyone."""
    return kind == "reminder" or member.role in ("lead", "admin")


def _default(member_id: int, kind: str) -> NudgeSetting:
    if kind == "digest":
        return NudgeSetting(member_id, kind, False, DIGEST_DEFAULT_WEEKDAY, DIGEST_DEFAULT_HOUR)
    return NudgeSetting(member_id, kind, False, DEFAULT_WEEKDAY, DEFAULT_HOUR)


def get_setting(db: sqlite_utils.Database, actor: Member, kind: str,
                member_id: int | None = None) -> NudgeSetting:
    """A member's setting for ``kind`` (their own; admins may read any of the chapter's
    for previews). Off, Friday 17:00 (digest: Monday 08:00) until they choose."""
    member_id = actor.id if member_id is None else member_id
    check_kind(kind)
    if member_id != actor.id:
        access.require_admin(actor)
        access.require_same_chapter(actor, roster.get_member(db, member_id).chapter_id)
    else:
        access.require_active(actor)
    return stored_setting(db, member_id, kind)


def stored_setting(db: sqlite_utils.Database, member_id: int, kind: str) -> NudgeSetting:
    row = db.execute("SELECT enabled, weekday, hour FROM nudge_settings"
                     " WHERE member_id = ? AND kind = ?", [member_id, kind]).fetchone()
    if row is None:
        return _default(member_id, kind)
    return NudgeSetting(member_id, kind, bool(row[0]), int(row[1]), int(row[2]))


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError({"kind": Message("There is no message kind {kind}",
                                               kind=repr(kind))})


def save_setting(db: sqlite_utils.Database, actor: Member, kind: str, *, enabled: bool,
                 weekday: int, hour: int) -> NudgeSetting:
    """Turn a message kind on or off for oneself, with its day and hour."""
    actor = access.require_active(actor)
    check_kind(kind)
    errors: dict[str, str] = {}
    if enabled and not may_receive(actor, kind):
        raise access.PermissionDenied(
            Message("The weekly digest is for team leads and chapter admins."))
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        errors["weekday"] = Message("Choose a day of the week")
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        errors["hour"] = Message("Choose an hour from 0 to 23")
    if errors:
        raise ValidationError(errors)
    with store.transaction(db):
        _write_setting(db, actor.id, kind, enabled=enabled, weekday=weekday, hour=hour)
        store.audit(db, actor.id, "nudge.setting", "nudge_settings", actor.id,
                    {"kind": kind, "enabled": enabled, "weekday": weekday, "hour": hour})
        store.bump_data_version(db)
    return stored_setting(db, actor.id, kind)


def _write_setting(db: sqlite_utils.Database, member_id: int, kind: str, *, enabled: bool,
                   weekday: int, hour: int) -> None:
    db.execute("INSERT INTO nudge_settings (member_id, kind, enabled, weekday, hour, updated_at)"
               " VALUES (?,?,?,?,?,?) ON CONFLICT (member_id, kind) DO UPDATE SET"
               " enabled = excluded.enabled, weekday = excluded.weekday, hour = excluded.hour,"
               " updated_at = excluded.updated_at",
               [member_id, kind, int(enabled), weekday, hour, store.now_iso()])


def turn_off(db: sqlite_utils.Database, member_id: int, kind: str, *, via: str) -> bool:
    """Stop a kind of message for a member (an unsubscribe link: the signed link is the
    member's authority, so no signed-in actor). True if it was on."""
    check_kind(kind)
    with store.transaction(db):
        was = stored_setting(db, member_id, kind)
        if was.enabled:
            _link_change(db, member_id, kind, enabled=False, was=was,
                         details={"kind": kind, "via": via, "was_on": True})
    return was.enabled


def _link_change(db: sqlite_utils.Database, member_id: int, kind: str, *, enabled: bool,
                 was: NudgeSetting, details: dict[str, Any]) -> None:
    # Anyone holding the link can repeat it: at most one audit row per member, kind and
    # day, and only the member's own chapter's cached views are invalidated.
    _write_setting(db, member_id, kind, enabled=enabled, weekday=was.weekday, hour=was.hour)
    if db.execute("SELECT 1 FROM audit_log WHERE actor_id = ? AND table_name = 'nudge_settings'"
                  " AND action IN ('nudge.unsubscribe', 'nudge.resubscribe')"
                  " AND substr(at, 1, 10) = ? AND json_extract(details, '$.kind') = ?",
                  [member_id, store.now_iso()[:10], kind]).fetchone() is None:
        store.audit(db, member_id, "nudge.unsubscribe" if not enabled else "nudge.resubscribe",
                    "nudge_settings", member_id, details)
    store.bump_data_version(db, roster.get_member(db, member_id).chapter_id)


def turn_on_again(db: sqlite_utils.Database, member_id: int, kind: str, *, via: str) -> None:
    """Undo :func:`turn_off` from the same signed link ("that was a mistake")."""
    check_kind(kind)
    member = roster.get_member(db, member_id)
    if not member.active or not may_receive(member, kind):
        raise access.PermissionDenied(
            Message("This message cannot be turned on for this account."))
    with store.transaction(db):
        was = stored_setting(db, member_id, kind)
        if not was.enabled:
            _link_change(db, member_id, kind, enabled=True, was=was,
                         details={"kind": kind, "via": via})


def chapter_settings(db: sqlite_utils.Database, chapter_id: int) -> ChapterSettings:
    row = db.execute("SELECT time_zone, public_url FROM chapter_settings WHERE chapter_id = ?",
                     [chapter_id]).fetchone()
    if row is None:
        return ChapterSettings(chapter_id, DEFAULT_TIME_ZONE, "")
    return ChapterSettings(chapter_id, row[0], row[1])


def time_zone_choices() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


def save_chapter_settings(db: sqlite_utils.Database, actor: Member, *, time_zone: str,
                          public_url: str) -> ChapterSettings:
    """The chapter's time zone (for everyone's chosen hour) and the public address of the
    app (for links in emails and the calendar feed). Admins only."""
    actor = access.require_admin(actor)
    errors: dict[str, str] = {}
    time_zone = (time_zone or "").strip()
    try:
        ZoneInfo(time_zone)
        if not time_zone:
            raise ValueError
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = Message("{zone} is not a time zone name such as Europe/London",
                                       zone=repr(time_zone))
    url = (public_url or "").strip().rstrip("/")
    if url and not (url.startswith("https://") or url.startswith("http://")) or " " in url:
        errors["public_url"] = Message("The public address starts with https:// (or "
                                       "http://), e.g. https://allyship.example.org")
    if errors:
        raise ValidationError(errors)
    with store.transaction(db):
        db.execute("INSERT INTO chapter_settings (chapter_id, time_zone, public_url, updated_at)"
                   " VALUES (?,?,?,?) ON CONFLICT (chapter_id) DO UPDATE SET"
                   " time_zone = excluded.time_zone, public_url = excluded.public_url,"
                   " updated_at = excluded.updated_at",
                   [actor.chapter_id, time_zone, url, store.now_iso()])
        store.audit(db, actor.id, "chapter.rhythm_settings", "chapter_settings",
                    actor.chapter_id, {"time_zone": time_zone, "public_url": url})
        store.bump_data_version(db)
    return chapter_settings(db, actor.chapter_id)


# --- when ---------------------------------------------------------------------------

def local_week(now: datetime, tz: ZoneInfo) -> date:
    """The Monday of the chapter-local week that contains ``now``."""
    return week_start(now.astimezone(tz).date())


def due_at(week: date, setting: NudgeSetting, tz: ZoneInfo) -> datetime:
    """The moment (UTC) a message of ``week`` falls due: the chosen weekday and hour,
    chapter-local. An hour that does not exist that day (clocks go forward) is read
    with the offset before the change, i.e. an hour later on the new clock."""
    day = week + timedelta(days=setting.weekday)
    return datetime.combine(day, time(setting.hour), tzinfo=tz).astimezone(timezone.utc)


# --- who is due ------------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    """A message that is due now: who, which kind, which week."""

    member: Member
    kind: str
    week: date
    due_at: datetime


def _member_from_row(row: dict[str, Any]) -> Member:
    return Member(id=row["id"], chapter_id=row["chapter_id"], team_id=row["team_id"],
                  name=row["name"], email=row["email"], role=row["role"],
                  active=bool(row["active"]))


def skip_reason(db: sqlite_utils.Database, member: Member, kind: str, week: date) -> str | None:
    """Why ``member`` should *not* get ``kind`` for ``week`` now, or ``None``.

    Checked when a message is queued and again just before it is sent (a member who
    logs in between, or marks the week away, gets nothing)."""
    setting = stored_setting(db, member.id, kind)
    if not member.active:
        return Message("deactivated")
    if not setting.enabled:
        return Message("turned off")
    if not may_receive(member, kind):
        return Message("not a lead or admin")
    if kind == "reminder":
        w = week.isoformat()
        if db.execute("SELECT 1 FROM away_weeks WHERE member_id = ? AND week_start = ?",
                      [member.id, w]).fetchone():
            return Message("away this week")
        if db.execute("SELECT 1 FROM actions WHERE member_id = ? AND week_start = ? LIMIT 1",
                      [member.id, w]).fetchone():
            return Message("already logged this week")
    return None


def due_messages(db: sqlite_utils.Database, now: datetime) -> list[Due]:
    """Every message due at ``now`` (aware datetime) whose rules hold, whatever the
    outbox already holds (the outbox's uniqueness makes queueing twice harmless)."""
    rows = db.execute(
        "SELECT m.id, m.chapter_id, m.team_id, m.name, m.email, m.role, m.active,"
        " s.kind, s.weekday, s.hour, coalesce(c.time_zone, ?) AS tz"
        " FROM nudge_settings s JOIN members m ON m.id = s.member_id"
        " LEFT JOIN chapter_settings c ON c.chapter_id = m.chapter_id"
        " WHERE s.enabled = 1 AND m.active = 1 ORDER BY m.id, s.kind",
        [DEFAULT_TIME_ZONE]).fetchall()
    found: list[Due] = []
    for r in rows:
        row = dict(zip(["id", "chapter_id", "team_id", "name", "email", "role", "active",
                        "kind", "weekday", "hour", "tz"], r))
        member = _member_from_row(row)
        tz = _zone(row["tz"])
        setting = NudgeSetting(member.id, row["kind"], True, row["weekday"], row["hour"])
        week = local_week(now, tz)
        when = due_at(week, setting, tz)
        if now < when:
            continue
        if skip_reason(db, member, row["kind"], week) is None:
            found.append(Due(member, row["kind"], week, when))
    return found


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)
