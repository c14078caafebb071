"""A member's private calendar feed (iCalendar, RFC 5545, built with ``icalendar``).

A member turns the feed on and gets a private address ``<public url>/feeds/<token>.ics``
to subscribe to in their calendar app. The token is 32 random bytes; only its SHA-256
is stored, so a copy of the database does not reveal anyone's feed address.
"Regenerate" replaces the token (the old address stops working at once); "turn off"
deletes it.

The feed lists the member's own open next steps that have a due date (all-day events
on the due date) and a weekly "Log my week" event at their reminder day and hour, in
the chapter's time zone (with its VTIMEZONE, so calendar apps follow daylight saving).
Nothing about anyone else. Its words are in the member's language (their setting, else
their chapter's default); their next steps stay as they wrote them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta, timezone

import icalendar
import sqlite_utils

from allyship.core import access
from allyship.core.models import Member
from allyship.db import store
from allyship.i18n import Translator
from allyship.people import roster
from allyship.practice.if_then import phrase as if_then_phrase
from allyship.rhythm import nudges, wording

TOKEN_BYTES = 32
PRODID = "-//Allyship Accountability//Weekly rhythm//EN"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(db: sqlite_utils.Database, actor: Member) -> bool:
    actor = access.require_active(actor)
    return db.execute("SELECT 1 FROM feed_tokens WHERE member_id = ?",
                      [actor.id]).fetchone() is not None


def new_feed_token(db: sqlite_utils.Database, actor: Member) -> str:
    """Turn the feed on, or regenerate it: returns the new token (shown once; only its
    hash is kept). Any previous address stops working."""
    actor = access.require_active(actor)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.transaction(db):
        replaced = db.execute("DELETE FROM feed_tokens WHERE member_id = ?", [actor.id]).rowcount
        db.execute("INSERT INTO feed_tokens (member_id, token_hash, created_at) VALUES (?,?,?)",
                   [actor.id, _hash(token), store.now_iso()])
        store.audit(db, actor.id, "feed.regenerate" if replaced else "feed.on", "feed_tokens",
                    actor.id)
        store.bump_data_version(db)
    return token


def revoke_feed(db: sqlite_utils.Database, actor: Member) -> bool:
    """Turn the feed off; the address stops working. True if there was one."""
    actor = access.require_active(actor)
    with store.transaction(db):
        gone = db.execute("DELETE FROM feed_tokens WHERE member_id = ?", [actor.id]).rowcount
        if gone:
            store.audit(db, actor.id, "feed.off", "feed_tokens", actor.id)
            store.bump_data_version(db)
    return bool(gone)


def feed_url(db: sqlite_utils.Database, member: Member, token: str) -> str:
    return nudges.app_link(nudges.chapter_settings(db, member.chapter_id), f"feeds/{token}.ics")


def member_for_token(db: sqlite_utils.Database, token: str) -> Member | None:
    """The active member whose feed this token opens, or ``None`` (unknown, revoked,
    regenerated, the member was deactivated, or their chapter was archived)."""
    if not token or len(token) > 200:
        return None
    row = db.execute("SELECT t.member_id FROM feed_tokens t JOIN members m ON m.id = t.member_id"
                     " JOIN chapters c ON c.id = m.chapter_id"
                     " WHERE t.token_hash = ? AND m.active = 1 AND c.archived = 0",
                     [_hash(token)]).fetchone()
    return None if row is None else roster.get_member(db, row[0])


def step_phrase(tr: Translator, text: str, if_when: str | None, if_then: str | None) -> str:
    """A next step as the calendar shows it: as its if–then plan when it has one (the
    member's words kept, the frame in ``tr``'s language)."""
    return if_then_phrase(text, if_when, if_then, tr)


def calendar(db: sqlite_utils.Database, member: Member, *, today: date | None = None,
             tr: Translator | None = None) -> bytes:
    """The member's feed as iCalendar bytes, in ``tr``'s language (by default the
    member's own)."""
    today = today or date.today()
    tr = tr or wording.member_translator(db, member)
    _ = tr.gettext
    lang = {"parameters": {"LANGUAGE": tr.language.replace("_", "-")}}
    settings = nudges.chapter_settings(db, member.chapter_id)
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("My allyship practice"))
    cal.add("x-wr-timezone", settings.time_zone)
    # Calendar apps re-fetch a subscription about this often.
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    steps = db.execute(
        "SELECT i.id, i.text, i.due_on, i.if_when, i.if_then FROM plan_items i"
        " JOIN plans p ON p.id = i.plan_id"
        " WHERE p.member_id = ? AND i.kind = 'next_step' AND i.done_on IS NULL"
        " AND i.due_on IS NOT NULL ORDER BY i.due_on, i.position, i.id", [member.id]).fetchall()
    log_link = nudges.app_link(settings, "log_actions")
    for item_id, text, due, if_when, if_then in steps:
        ev = icalendar.Event()
        ev.add("uid", f"next-step-{item_id}-{member.id}@allyship")
        ev.add("dtstamp", stamp)
        # A step written as an if–then plan reads that way in the calendar too.
        ev.add("summary", _("Next step: {step}").format(
            step=step_phrase(tr, text, if_when, if_then)), **lang)
        day = date.fromisoformat(due)
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
        ev.add("description", _("A next step in your action plan, due {day}.").format(
            day=wording.full_day(tr, day)) + f"\n{nudges.app_link(settings, 'my_plan')}",
            **lang)
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    setting = nudges.stored_setting(db, member.id, "reminder")
    week = nudges.week_start(today)
    start = datetime.combine(week + timedelta(days=setting.weekday), time(setting.hour),
                             tzinfo=settings.tz)
    ev = icalendar.Event()
    ev.add("uid", f"log-my-week-{member.id}@allyship")
    ev.add("dtstamp", stamp)
    ev.add("summary", _("Log my week"), **lang)
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(minutes=15))
    ev.add("rrule", {"freq": "weekly"})
    ev.add("description", _("A few minutes to log this week's actions.") + f"\n{log_link}",
           **lang)
    ev.add("url", log_link)
    ev.add("transp", "TRANSPARENT")
    cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
