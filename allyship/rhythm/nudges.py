"""The weekly rhythm's rules: who gets which message when, and what it says.

Two kinds of message, both opt-in: a ``reminder`` to a member on their chosen weekday and
hour, only if they are active, not away and have logged nothing that week (a link to log,
their next steps due soon, one practice question — nothing about anyone else); and a
``digest`` to a lead or admin about their team's last complete week (who took part, the
responsibilities nobody practised, overdue steps; for a team's own lead, who has gone
quiet). No private text, no ranking. A message belongs to a week, and the outbox sends each
(member, kind, week) at most once. Building a message never sends or writes anything.
A preview (:func:`preview_for`) shows someone else's message only as far as the viewer
may see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlite_utils

from allyship.core import access
from allyship.core.handout import PRACTICE_QUESTIONS, RESPONSIBILITIES
from allyship.core.models import Member, ValidationError, week_start
from allyship.db import store
from allyship.metrics import chapter_figures, disclosure, periods, scopes
from allyship.people import roster

KINDS: dict[str, str] = {
    "reminder": "Weekly reminder to log my actions",
    "digest": "Weekly digest for leads and admins",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
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
        return f"{WEEKDAYS[self.weekday]}s at {self.hour:02d}:00"


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
    _check_kind(kind)
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


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError({"kind": f"There is no message kind {kind!r}"})


def save_setting(db: sqlite_utils.Database, actor: Member, kind: str, *, enabled: bool,
                 weekday: int, hour: int) -> NudgeSetting:
    """Turn a message kind on or off for oneself, with its day and hour."""
    actor = access.require_active(actor)
    _check_kind(kind)
    errors: dict[str, str] = {}
    if enabled and not may_receive(actor, kind):
        raise access.PermissionDenied("The weekly digest is for team leads and chapter admins.")
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        errors["weekday"] = "Choose a day of the week"
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        errors["hour"] = "Choose an hour from 0 to 23"
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
    _check_kind(kind)
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
    _check_kind(kind)
    member = roster.get_member(db, member_id)
    if not member.active or not may_receive(member, kind):
        raise access.PermissionDenied("This message cannot be turned on for this account.")
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
        errors["time_zone"] = f"{time_zone!r} is not a time zone name such as Europe/London"
    url = (public_url or "").strip().rstrip("/")
    if url and not (url.startswith("https://") or url.startswith("http://")) or " " in url:
        errors["public_url"] = ("The public address starts with https:// (or http://), e.g. "
                                "https://allyship.example.org")
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
        return "deactivated"
    if not setting.enabled:
        return "turned off"
    if not may_receive(member, kind):
        return "not a lead or admin"
    if kind == "reminder":
        w = week.isoformat()
        if db.execute("SELECT 1 FROM away_weeks WHERE member_id = ? AND week_start = ?",
                      [member.id, w]).fetchone():
            return "away this week"
        if db.execute("SELECT 1 FROM actions WHERE member_id = ? AND week_start = ? LIMIT 1",
                      [member.id, w]).fetchone():
            return "already logged this week"
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


# --- what it says ------------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A piece of a message: ``p`` (paragraph), ``list`` (title + items), ``link``
    (label + url), ``quote`` (title + text), ``small`` (fine print). All text is plain:
    the renderer escapes it."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    url: str = ""


@dataclass(frozen=True)
class Message:
    """What one email says, before it is rendered (:mod:`allyship.rhythm.mail`)."""

    member: Member
    kind: str
    week: date
    subject: str
    greeting: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def practice_question_for(week: date):  # noqa: ANN201 — a handout PracticeQuestion
    """The week's practice question: the five in turn, by ISO week number."""
    return PRACTICE_QUESTIONS[(week.isocalendar()[1] - 1) % len(PRACTICE_QUESTIONS)]


def app_link(settings: ChapterSettings, page: str = "") -> str:
    """A link into the app (``page`` is a page's URL path such as ``log_actions``)."""
    base = settings.public_url or "http://localhost:8501"
    return f"{base}/{page}" if page else base


STEPS_TITLE = "Your next steps due soon (and any overdue)"
PRIVATE_STEP = ("[Preview] Their next steps due soon, if any, go here: a plan is private "
                "to its member, so not even how many is shown.")
FIGURES_WITHHELD = ("[Preview] {where}'s figures go here in {name}'s email. They are not "
                    "shown to you: {reason}")
QUIET_PLACEHOLDER = ("[Preview] Members of {where} quiet for three weeks or more are named "
                     "here: only the team's own lead sees who, so no names are shown.")


def compose(db: sqlite_utils.Database, member: Member, kind: str, week: date, *,
            today: date | None = None, viewer: Member | None = None) -> Message:
    """The message ``member`` gets for ``week`` (no access check: the caller is the
    sender, or :func:`preview_for`, which has checked). With a ``viewer`` other than the
    member, the message as that viewer may see it: the layout, with placeholders for
    what is the member's alone (their next steps, a lead's check-in list) and the
    figures as the viewer's own pages would show them (see :func:`preview_for`)."""
    _check_kind(kind)
    settings = chapter_settings(db, member.chapter_id)
    other = viewer if viewer is not None and viewer.id != member.id else None
    if kind == "reminder":
        return _reminder(db, member, week, settings, today or week, other is not None)
    return _digest(db, member, week, settings, other)


def _first_name(member: Member) -> str:
    return member.name.split()[0] if member.name.split() else member.name


def _reminder(db: sqlite_utils.Database, member: Member, week: date,
              settings: ChapterSettings, today: date, hide_private: bool) -> Message:
    horizon = max(today, week) + timedelta(days=STEPS_AHEAD_DAYS)
    steps = db.execute(
        "SELECT i.text, i.due_on FROM plan_items i JOIN plans p ON p.id = i.plan_id"
        " WHERE p.member_id = ? AND i.kind = 'next_step' AND i.done_on IS NULL"
        " AND i.due_on IS NOT NULL AND i.due_on <= ? ORDER BY i.due_on, i.position, i.id",
        [member.id, horizon.isoformat()]).fetchall()
    q = practice_question_for(week)
    blocks = [
        Block("p", text=f"A gentle nudge for the week of {week:%d %B}: nothing is logged for "
                        "it yet. A few minutes now keeps your practice in view — anything "
                        "counts, however small."),
        Block("link", text="Log this week's actions", url=app_link(settings, "log_actions")),
    ]
    if hide_private:  # neither the words, nor how many, nor their dates
        blocks.append(Block("list", text=STEPS_TITLE, items=(PRIVATE_STEP,)))
    elif steps:
        blocks.append(Block("list", text=STEPS_TITLE,
                            items=tuple(f"{text} — due {date.fromisoformat(due):%a %d %b}"
                                        for text, due in steps)))
    blocks.append(Block("quote", text=f"This week's practice question — {q.title}",
                        items=(q.text,)))
    blocks.append(Block("small", text="If this week was not one for logging, mark it away on "
                                      "My week and no reminder comes."))
    return Message(member, "reminder", week, "Your allyship week: a gentle reminder",
                   f"Hello {_first_name(member)},", tuple(blocks))


def _digest(db: sqlite_utils.Database, member: Member, week: date,
            settings: ChapterSettings, viewer: Member | None = None) -> Message:
    last = week - timedelta(weeks=1)
    period = periods.Period(last, last + timedelta(days=6))
    # The digest speaks only of the last complete week: no comparison with another period.
    today = week
    team_id = member.team_id if member.role == "lead" else None
    scope = scopes.Scope(member.chapter_id, team_id=team_id)
    where = roster.get_team(db, team_id).name if team_id else "the whole chapter"
    blocks: list[Block] = [Block("p", text=f"Last week, {period.start:%d %b} – "
                                           f"{period.end:%d %b %Y}, in {where}:")]
    others = db.execute("SELECT count(*) FROM members WHERE chapter_id = ? AND active = 1"
                        " AND id != ?" + (" AND team_id = ?" if team_id else ""),
                        [member.chapter_id, member.id, *([team_id] if team_id else [])]
                        ).fetchone()[0]
    # The one disclosure rule (allyship/metrics/disclosure.py) also refuses a scope whose figures
    # could be subtracted from another view's to single someone out.
    refusal = (disclosure.views_for(db, member).refusal(team_id, None)
               if others >= disclosure.MIN_OTHERS else None)
    # Someone else's preview: the figures only if the viewer's own pages would show them.
    withheld = (disclosure.views_for(db, viewer).refusal(team_id, None)
                if viewer is not None else None)
    if others < disclosure.MIN_OTHERS:
        blocks.append(Block("p", text=f"Fewer than {disclosure.MIN_OTHERS} other members, so no "
                                      "group figures are shown — nobody should be singled out."))
    elif refusal is not None:
        blocks.append(Block("p", text=refusal))
    elif withheld is not None:
        blocks.append(Block("p", text=FIGURES_WITHHELD.format(
            where=where[0].upper() + where[1:], name=_first_name(member), reason=withheld)))
    else:
        reader = viewer or member  # every figure read with the reader's own access
        part = chapter_figures.weekly_participation(db, reader, scope, period, today=today)
        own = part[part["is_total"]] if not part.empty else part
        if own.empty:
            blocks.append(Block("p", text="The programme had not started that week."))
        else:
            row = own.iloc[0]
            counted, took = int(row["counted"]), int(row["participants"])
            away = int(row["away"])
            blocks.append(Block("list", text="Taking part", items=(
                f"{took} of {counted} members logged at least one action"
                + (f" ({took / counted:.0%})" if counted else ""),
                f"{away} marked the week away" if away else "Nobody marked the week away",
            )))
            resp = chapter_figures.responsibility_weeks(db, reader, scope, period, today=today)
            practised = set(resp.loc[resp["actions"] > 0, "responsibility"])
            unpractised = [r.label for r in RESPONSIBILITIES if r.number not in practised]
            blocks.append(Block("list", text="Responsibilities nobody practised",
                                items=tuple(unpractised) or ("Every responsibility was "
                                                             "practised by someone.",)))
            follow = chapter_figures.follow_through(db, reader, scope, period, today=today)
            overdue = int(follow.loc[follow["is_total"], "overdue"].sum()) if not follow.empty \
                else 0
            blocks.append(Block("p", text=f"Next steps overdue: {overdue}."))
    if member.role == "lead" and member.team_id is not None:
        if viewer is not None:  # the list is the lead's alone, even whether it is empty
            names: tuple[str, ...] = (QUIET_PLACEHOLDER.format(where=where),)
        else:
            # The list Team progress shows on the digest's Monday: one definition.
            names = tuple(chapter_figures.quiet_members(
                db, member, member.team_id, today=week)["name"]) or (
                "Nobody — everyone has logged recently or said they were away.",)
        blocks.append(Block("list", text="A gentle check-in list: quiet for three weeks or more",
                            items=names))
    blocks.append(Block("link", text="Open Team progress", url=app_link(settings,
                                                                        "team_progress")))
    fine_print = "Figures are for the group; nobody is ranked."
    if member.role == "lead" and member.team_id is not None:
        fine_print += " Names on the check-in list are for a friendly word, not a chase."
    blocks.append(Block("small", text=fine_print))
    subject = (f"Your team's week in allyship: {where}" if team_id
               else "Your chapter's week in allyship")
    return Message(member, "digest", week, subject,
                   f"Hello {_first_name(member)},", tuple(blocks))


@dataclass(frozen=True)
class Preview:
    """A message as one viewer may see it, and what the page says about it."""

    message: Message
    own: bool  # the viewer's own message: exactly as sent, live links included
    notes: tuple[str, ...]  # plain sentences for the page, about what the preview shows


def preview_for(db: sqlite_utils.Database, viewer: Member, recipient_id: int, kind: str, *,
                now: datetime | None = None) -> Preview:
    """What ``recipient_id`` would get of ``kind`` this week, as ``viewer`` may see it
    (nothing is sent or written).

    A member's preview of their own message is the message as sent. An admin's preview
    of another member's (admins of the same chapter only) keeps the layout and shows
    only what the admin could see on their own pages: a digest's figures as Team
    progress would show them to the admin, or a placeholder where the admin's access or
    the disclosure rule withholds them; placeholders for the member's next steps and a
    lead's check-in list; and nothing of the member's week — whether they have logged or
    marked it away, and so whether this week's reminder goes out, is theirs.
    """
    viewer = access.require_active(viewer)
    own = viewer.id == recipient_id
    if not own:
        access.require_admin(viewer)
    member = roster.get_member(db, recipient_id)
    access.require_same_chapter(viewer, member.chapter_id)
    _check_kind(kind)
    if not may_receive(member, kind):
        raise ValidationError({"kind": "The weekly digest is for team leads and chapter "
                                       "admins; this member is neither."})
    now = now or datetime.now(timezone.utc)
    tz = chapter_settings(db, member.chapter_id).tz
    week = local_week(now, tz)
    message = compose(db, member, kind, week, today=now.astimezone(tz).date(), viewer=viewer)
    setting = stored_setting(db, member.id, kind)
    who = "You have" if own else f"{member.name} has"
    notes = [f"{who} this " + (f"on, {setting.when}." if setting.enabled else
                               "off; this is what would come if it were turned on.")]
    if own:
        why_not = skip_reason(db, member, kind, week)
        if why_not and why_not != "turned off":
            notes.append(f"This week nothing would go out to you: {why_not}.")
    elif kind == "reminder":
        notes.append(f"You see the reminder's layout. {_first_name(member)}'s next steps are "
                     "private to them, and whether they have logged or marked this week away "
                     "is theirs, so the preview does not say whether this week's reminder "
                     "goes out.")
    else:
        notes.append("You see the digest's layout with the figures your own pages show you "
                     "for the same team and week; where your access or the privacy rules "
                     "would withhold them, and for the check-in list (the lead's alone), a "
                     "placeholder marked [Preview] stands in.")
    if not own:
        notes.append("Their unsubscribe link is theirs alone and is not shown.")
    return Preview(message, own, tuple(notes))


def preview(db: sqlite_utils.Database, actor: Member, member_id: int, kind: str, *,
            now: datetime | None = None) -> Message:
    """An admin's preview of what ``member_id`` would get this week: the message of
    :func:`preview_for`."""
    access.require_admin(actor)
    return preview_for(db, actor, member_id, kind, now=now).message
