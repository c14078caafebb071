"""The weekly rhythm's messages: what each says, in its recipient's language.

A ``reminder`` to a member (a link to log, their next steps due soon, one practice
question — nothing about anyone else) and a ``digest`` to a lead or admin about their
team's last complete week (who took part, the responsibilities nobody practised, overdue
steps; for a team's own lead, who has gone quiet). No private text, no ranking. Building
a message never sends or writes anything. A preview (:func:`preview_for`) shows someone
else's message only as far as the viewer may see it. Every message is written in its
recipient's language (their setting, else their chapter's default); what people wrote
(next steps, names, team names) stays as written. Who gets which message when is
:mod:`allyship.rhythm.schedule`; its names are offered here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo  # noqa: F401 — callers read nudges.ZoneInfo

import sqlite_utils

from allyship.core import access
from allyship.core.handout import PRACTICE_QUESTIONS
from allyship.core.models import Member, ValidationError, week_start  # noqa: F401
from allyship.i18n import N_, Translator, formatting, handout, translate, translator_for
from allyship import i18n
from allyship.metrics import chapter_figures, disclosure, periods, scopes
from allyship.people import roster
from allyship.rhythm import wording
from allyship.rhythm.schedule import (  # noqa: F401 — callers read them as nudges.X
    DEFAULT_HOUR, DEFAULT_TIME_ZONE, DEFAULT_WEEKDAY, DIGEST_DEFAULT_HOUR,
    DIGEST_DEFAULT_WEEKDAY, KINDS, STEPS_AHEAD_DAYS, WEEKDAYS, WEEKLY_AT, ChapterSettings, Due,
    NudgeSetting, chapter_settings, check_kind, due_at, due_messages, get_setting, local_week,
    may_receive, save_chapter_settings, save_setting, skip_reason, stored_setting,
    time_zone_choices, turn_off, turn_on_again)


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
    """What one email says, before it is rendered (:mod:`allyship.rhythm.mail`), and the
    language it says it in (the renderer's own words follow it)."""

    member: Member
    kind: str
    week: date
    subject: str
    greeting: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    language: str = "en"

    @property
    def tr(self) -> Translator:
        return translator_for(self.language)


def practice_question_for(week: date):  # noqa: ANN201 — a handout PracticeQuestion
    """The week's practice question: the five in turn, by ISO week number."""
    return PRACTICE_QUESTIONS[(week.isocalendar()[1] - 1) % len(PRACTICE_QUESTIONS)]


def app_link(settings: ChapterSettings, page: str = "") -> str:
    """A link into the app (``page`` is a page's URL path such as ``log_actions``)."""
    base = settings.public_url or "http://localhost:8501"
    return f"{base}/{page}" if page else base


STEPS_TITLE = N_("Your next steps due soon (and any overdue)")
PRIVATE_STEP = N_("[Preview] Their next steps due soon, if any, go here: a plan is private "
                  "to its member, so not even how many is shown.")
FIGURES_WITHHELD = N_("[Preview] {where}'s figures go here in {name}'s email. They are not "
                      "shown to you: {reason}")
CHAPTER_FIGURES_WITHHELD = N_("[Preview] The whole chapter's figures go here in {name}'s "
                              "email. They are not shown to you: {reason}")
QUIET_PLACEHOLDER = N_("[Preview] Members of {where} quiet for three weeks or more are "
                       "named here: only the team's own lead sees who, so no names are shown.")


def compose(db: sqlite_utils.Database, member: Member, kind: str, week: date, *,
            today: date | None = None, viewer: Member | None = None,
            tr: Translator | None = None) -> Message:
    """The message ``member`` gets for ``week`` (no access check: the caller is the
    sender, or :func:`preview_for`, which has checked), in ``tr``'s language — by
    default the member's own (their setting, else their chapter's default). With a
    ``viewer`` other than the member, the message as that viewer may see it: the layout,
    with placeholders for what is the member's alone (their next steps, a lead's check-in
    list) and the figures as the viewer's own pages would show them."""
    check_kind(kind)
    tr = tr or wording.member_translator(db, member)
    settings = chapter_settings(db, member.chapter_id)
    other = viewer if viewer is not None and viewer.id != member.id else None
    if kind == "reminder":
        return _reminder(db, tr, member, week, settings, today or week, other is not None)
    return _digest(db, tr, member, week, settings, other)


def _first_name(member: Member) -> str:
    return member.name.split()[0] if member.name.split() else member.name


def _hello(tr: Translator, member: Member) -> str:
    return tr.gettext("Hello {name},").format(name=_first_name(member))


def _reminder(db: sqlite_utils.Database, tr: Translator, member: Member, week: date,
              settings: ChapterSettings, today: date, hide_private: bool) -> Message:
    _ = tr.gettext
    horizon = max(today, week) + timedelta(days=STEPS_AHEAD_DAYS)
    steps = db.execute(
        "SELECT i.text, i.due_on FROM plan_items i JOIN plans p ON p.id = i.plan_id"
        " WHERE p.member_id = ? AND i.kind = 'next_step' AND i.done_on IS NULL"
        " AND i.due_on IS NOT NULL AND i.due_on <= ? ORDER BY i.due_on, i.position, i.id",
        [member.id, horizon.isoformat()]).fetchall()
    q = handout.practice_question(tr, practice_question_for(week).number)
    blocks = [
        Block("p", text=_("A gentle nudge for the week of {day}: nothing is logged for it "
                          "yet. A few minutes now keeps your practice in view — anything "
                          "counts, however small.").format(
            day=wording.day_and_month(tr, week))),
        Block("link", text=_("Log this week's actions"), url=app_link(settings, "log_actions")),
    ]
    if hide_private:  # neither the words, nor how many, nor their dates
        blocks.append(Block("list", text=_(STEPS_TITLE), items=(_(PRIVATE_STEP),)))
    elif steps:
        # Translators: a next step as its member wrote it, then the day it is due.
        due = _("{step} — due {day}")
        blocks.append(Block("list", text=_(STEPS_TITLE), items=tuple(
            due.format(step=text, day=wording.weekday_and_day(tr, date.fromisoformat(day)))
            for text, day in steps)))
    blocks.append(Block("quote", text=_("This week's practice question — {title}").format(
        title=q.title), items=(q.text,)))
    blocks.append(Block("small", text=_("If this week was not one for logging, mark it away "
                                        "on My week and no reminder comes.")))
    return Message(member, "reminder", week, _("Your allyship week: a gentle reminder"),
                   _hello(tr, member), tuple(blocks), tr.language)


def _taking_part(tr: Translator, took: int, counted: int, away: int) -> Block:
    if counted:
        logged = tr.ngettext(
            "{took} of {counted} member logged at least one action ({share})",
            "{took} of {counted} members logged at least one action ({share})", counted,
        ).format(took=formatting.format_number(tr, took),
                 counted=formatting.format_number(tr, counted),
                 share=formatting.format_percent(tr, took / counted))
    else:
        logged = tr.gettext("0 of 0 members logged at least one action")
    marked = (tr.ngettext("{count} marked the week away", "{count} marked the week away",
                          away).format(count=formatting.format_number(tr, away))
              if away else tr.gettext("Nobody marked the week away"))
    return Block("list", text=tr.gettext("Taking part"), items=(logged, marked))


def _digest(db: sqlite_utils.Database, tr: Translator, member: Member, week: date,
            settings: ChapterSettings, viewer: Member | None = None) -> Message:
    _ = tr.gettext
    last = week - timedelta(weeks=1)
    period = periods.Period(last, last + timedelta(days=6))
    # The digest speaks only of the last complete week: no comparison with another period.
    today = week
    team_id = member.team_id if member.role == "lead" else None
    scope = scopes.Scope(member.chapter_id, team_id=team_id)
    team = roster.get_team(db, team_id).name if team_id else None
    start, end = (wording.short_day(tr, period.start),
                  wording.short_day_with_year(tr, period.end))
    blocks: list[Block] = [Block("p", text=(
        _("Last week, {start} – {end}, in {team}:").format(start=start, end=end, team=team)
        if team else _("Last week, {start} – {end}, in the whole chapter:").format(
            start=start, end=end)))]
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
        blocks.append(Block("p", text=tr.ngettext(
            "Fewer than {count} other member, so no group figures are shown — nobody "
            "should be singled out.",
            "Fewer than {count} other members, so no group figures are shown — nobody "
            "should be singled out.", disclosure.MIN_OTHERS).format(
            count=disclosure.MIN_OTHERS)))
    elif refusal is not None:
        blocks.append(Block("p", text=translate(tr, refusal)))
    elif withheld is not None:
        reason = translate(tr, withheld)
        blocks.append(Block("p", text=(
            _(FIGURES_WITHHELD).format(where=team[0].upper() + team[1:],
                                       name=_first_name(member), reason=reason)
            if team else _(CHAPTER_FIGURES_WITHHELD).format(name=_first_name(member),
                                                            reason=reason))))
    else:
        reader = viewer or member  # every figure read with the reader's own access
        part = chapter_figures.weekly_participation(db, reader, scope, period, today=today)
        own = part[part["is_total"]] if not part.empty else part
        if own.empty:
            blocks.append(Block("p", text=_("The programme had not started that week.")))
        else:
            row = own.iloc[0]
            blocks.append(_taking_part(tr, int(row["participants"]), int(row["counted"]),
                                       int(row["away"])))
            resp = chapter_figures.responsibility_weeks(db, reader, scope, period, today=today)
            practised = set(resp.loc[resp["actions"] > 0, "responsibility"])
            unpractised = [r.label for r in handout.responsibilities(tr)
                           if r.number not in practised]
            blocks.append(Block("list", text=_("Responsibilities nobody practised"),
                                items=tuple(unpractised) or (
                                    _("Every responsibility was practised by someone."),)))
            follow = chapter_figures.follow_through(db, reader, scope, period, today=today)
            overdue = int(follow.loc[follow["is_total"], "overdue"].sum()) if not follow.empty \
                else 0
            blocks.append(Block("p", text=_("Next steps overdue: {count}.").format(
                count=formatting.format_number(tr, overdue))))
    lead = member.role == "lead" and member.team_id is not None
    if lead:
        if viewer is not None:  # the list is the lead's alone, even whether it is empty
            names: tuple[str, ...] = (_(QUIET_PLACEHOLDER).format(where=team),)
        else:
            # The list Team progress shows on the digest's Monday: one definition.
            names = tuple(chapter_figures.quiet_members(
                db, member, member.team_id, today=week)["name"]) or (
                _("Nobody — everyone has logged recently or said they were away."),)
        blocks.append(Block("list", text=_("A gentle check-in list: quiet for three weeks "
                                           "or more"), items=names))
    blocks.append(Block("link", text=_("Open Team progress"),
                        url=app_link(settings, "team_progress")))
    blocks.append(Block("small", text=(
        _("Figures are for the group; nobody is ranked. Names on the check-in list are for "
          "a friendly word, not a chase.") if lead else
        _("Figures are for the group; nobody is ranked."))))
    subject = (_("Your team's week in allyship: {team}").format(team=team) if team_id
               else _("Your chapter's week in allyship"))
    return Message(member, "digest", week, subject, _hello(tr, member), tuple(blocks),
                   tr.language)


@dataclass(frozen=True)
class Preview:
    """A message as one viewer may see it, and what the page says about it."""

    message: Message
    own: bool  # the viewer's own message: exactly as sent, live links included
    # Plain sentences for the page, about what the preview shows: Messages (English as
    # str), shown with allyship.i18n.translate in the viewer's language.
    notes: tuple[str, ...]


def _setting_note(own: bool, member: Member, setting: NudgeSetting) -> i18n.Message:
    if own:
        return (i18n.Message("You have this on, {when}.", when=setting.when)
                if setting.enabled else
                i18n.Message("You have this off; this is what would come if it were turned on."))
    return (i18n.Message("{name} has this on, {when}.", name=member.name, when=setting.when)
            if setting.enabled else
            i18n.Message("{name} has this off; this is what would come if it were turned "
                         "on.", name=member.name))


def preview_for(db: sqlite_utils.Database, viewer: Member, recipient_id: int, kind: str, *,
                now: datetime | None = None) -> Preview:
    """What ``recipient_id`` would get of ``kind`` this week, as ``viewer`` may see it
    (nothing is sent or written), in the recipient's language (it is their email).

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
    check_kind(kind)
    if not may_receive(member, kind):
        raise ValidationError({"kind": i18n.Message(
            "The weekly digest is for team leads and chapter admins; this member is "
            "neither.")})
    now = now or datetime.now(timezone.utc)
    tz = chapter_settings(db, member.chapter_id).tz
    week = local_week(now, tz)
    message = compose(db, member, kind, week, today=now.astimezone(tz).date(), viewer=viewer)
    notes = [_setting_note(own, member, stored_setting(db, member.id, kind))]
    if own:
        why_not = skip_reason(db, member, kind, week)
        if why_not and why_not != "turned off":
            notes.append(i18n.Message("This week nothing would go out to you: {reason}.",
                                      reason=why_not))
    elif kind == "reminder":
        notes.append(i18n.Message(
            "You see the reminder's layout. {name}'s next steps are private to them, and "
            "whether they have logged or marked this week away is theirs, so the preview "
            "does not say whether this week's reminder goes out.", name=_first_name(member)))
    else:
        notes.append(i18n.Message(
            "You see the digest's layout with the figures your own pages show you for the "
            "same team and week; where your access or the privacy rules would withhold them, "
            "and for the check-in list (the lead's alone), a placeholder marked [Preview] "
            "stands in."))
    if not own:
        notes.append(i18n.Message("Their unsubscribe link is theirs alone and is not shown."))
    return Preview(message, own, tuple(notes))


def preview(db: sqlite_utils.Database, actor: Member, member_id: int, kind: str, *,
            now: datetime | None = None) -> Message:
    """An admin's preview of what ``member_id`` would get this week: the message of
    :func:`preview_for`."""
    access.require_admin(actor)
    return preview_for(db, actor, member_id, kind, now=now).message
