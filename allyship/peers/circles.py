"""Learning circles: a few members (2–10) who meet regularly and hold each other
to their actions. Any member starts one and invites others; invitations are accepted or
declined; anyone leaves at any time. A member is in one circle at a time, so "my circle"
always names one audience.

The circle page shows what members shared with the circle, a meeting agenda built from
the handout's five practice questions and — only when the circle is large enough that no
one's practice can be singled out — the responsibilities it practised least lately (an
aggregate of every member's actions, private ones included, with no numbers). The agenda
can be downloaded as Markdown or printable HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlite_utils
from babel import dates as babel_dates

from allyship.core import access
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import Action, Member, ValidationError, clean_name, week_start
from allyship.core.safe_text import inert
from allyship.db import store
from allyship.i18n import N_, Message, Translator, translator_for
from allyship.i18n import handout as handout_words
from allyship.metrics.disclosure import (
    MIN_OTHERS,  # least-practised: the whole circle's figure
)
from allyship.people import roster
from allyship.practice import journal

MIN_MEMBERS, MAX_MEMBERS = 2, 10
CADENCES: dict[str, str] = {
    "weekly": N_("Every week"),
    "fortnightly": N_("Every two weeks"),
    "monthly": N_("Once a month"),
}
RECENT_WEEKS = 4


@dataclass(frozen=True)
class Circle:
    id: int
    chapter_id: int
    name: str
    cadence: str

    @property
    def cadence_label(self) -> str:
        return CADENCES.get(self.cadence, self.cadence)


@dataclass(frozen=True)
class CirclePage:
    """Everything the circle page and its agenda show to one member."""

    circle: Circle
    members: tuple[Member, ...]  # active, by name
    invited: tuple[Member, ...]  # invitations not yet answered
    shared: tuple[tuple[Member, Action], ...]  # shared with the circle, recent, newest first
    least_practised: tuple[int, ...] | None  # None: too few members to say
    since: date
    today: date


def _circle(row: dict[str, Any]) -> Circle:
    return Circle(row["id"], row["chapter_id"], row["name"], row["cadence"])


def get_circle(db: sqlite_utils.Database, circle_id: int) -> Circle:
    row = next(db.query("SELECT * FROM circles WHERE id = ?", [circle_id]), None)
    if row is None:
        raise LookupError(Message("That circle no longer exists."))
    return _circle(row)


def _active_circle_id(db: sqlite_utils.Database, member_id: int) -> int | None:
    row = db.execute("SELECT circle_id FROM circle_members WHERE member_id = ? AND"
                     " status = 'active'", [member_id]).fetchone()
    return row[0] if row else None


def _seats_taken(db: sqlite_utils.Database, circle_id: int) -> int:
    return db.execute("SELECT count(*) FROM circle_members WHERE circle_id = ? AND"
                      " status IN ('active', 'invited')", [circle_id]).fetchone()[0]


def my_circle(db: sqlite_utils.Database, actor: Member) -> Circle | None:
    """The circle the actor is an active member of, if any."""
    actor = access.require_active(actor)
    circle_id = _active_circle_id(db, actor.id)
    return None if circle_id is None else get_circle(db, circle_id)


def invitations(db: sqlite_utils.Database, actor: Member) -> list[tuple[Circle, Member | None]]:
    """Circles the actor is invited to, with who invited them."""
    actor = access.require_active(actor)
    out = []
    for r in db.query("SELECT c.*, cm.invited_by FROM circle_members cm JOIN circles c"
                      " ON c.id = cm.circle_id WHERE cm.member_id = ? AND cm.status = 'invited'"
                      " ORDER BY cm.invited_at", [actor.id]):
        inviter = roster.get_member(db, r["invited_by"]) if r["invited_by"] else None
        out.append((_circle(r), inviter))
    return out


def invitable(db: sqlite_utils.Database, actor: Member) -> list[Member]:
    """Active members of the actor's chapter who could be invited to the actor's circle
    (or a new one): not the actor, not already in or invited to it."""
    actor = access.require_active(actor)
    circle_id = _active_circle_id(db, actor.id)
    taken = {actor.id} | ({r[0] for r in db.execute(
        "SELECT member_id FROM circle_members WHERE circle_id = ? AND status IN"
        " ('active', 'invited')", [circle_id])} if circle_id else set())
    return [m for m in roster.list_members(db, actor.chapter_id, include_inactive=False)
            if m.id not in taken]


def _check_invitees(db: sqlite_utils.Database, actor: Member,
                    member_ids: list[int]) -> list[Member]:
    found = []
    for member_id in dict.fromkeys(int(i) for i in member_ids):
        try:
            m = roster.get_member(db, member_id)
        except LookupError:
            raise ValidationError({"members": Message("Choose members of your chapter")}) from None
        access.require_same_chapter(actor, m.chapter_id)
        if m.id == actor.id:
            continue
        if not m.active:
            raise ValidationError({"members": Message("{name} is no longer active",
                                                          name=m.name)})
        found.append(m)
    return found


def _invite(db: sqlite_utils.Database, actor: Member, circle_id: int,
            invitees: list[Member]) -> None:
    now = store.now_iso()
    for m in invitees:
        db.execute("INSERT INTO circle_members (circle_id, member_id, status, invited_by,"
                   " invited_at) VALUES (?, ?, 'invited', ?, ?) ON CONFLICT (circle_id, member_id)"
                   " DO UPDATE SET status = 'invited', invited_by = excluded.invited_by,"
                   " invited_at = excluded.invited_at, left_at = NULL"
                   " WHERE circle_members.status IN ('declined', 'left')",
                   [circle_id, m.id, actor.id, now])
    if _seats_taken(db, circle_id) > MAX_MEMBERS:
        raise ValidationError({"members": Message(
            "A circle holds at most {limit} members, invitations included", limit=MAX_MEMBERS)})


def start_circle(db: sqlite_utils.Database, actor: Member, name: str, cadence: str,
                 invite_ids: list[int]) -> Circle:
    """Start a circle with the actor as its first member, inviting others to join."""
    actor = access.require_active(actor)
    errors: dict[str, str] = {}
    try:
        name = clean_name(name, Message("Circle name"), max_len=80)
    except ValueError as exc:
        errors["name"] = exc.args[0] if exc.args else str(exc)
    if cadence not in CADENCES:
        errors["cadence"] = Message("How often you meet must be one of: {choices}",
                                     choices=", ".join(CADENCES.values()))
    if not invite_ids:
        errors["members"] = Message(
            "Invite at least {count} other member: a circle has {least} to {most} people",
            count=MIN_MEMBERS - 1, least=MIN_MEMBERS, most=MAX_MEMBERS)
    elif len(set(invite_ids)) > MAX_MEMBERS - 1:
        errors["members"] = Message("A circle holds at most {limit} members, you included",
                                     limit=MAX_MEMBERS)
    if errors:
        raise ValidationError(errors)
    with store.transaction(db):
        if _active_circle_id(db, actor.id) is not None:
            raise ValidationError({"circle": Message(
                "You are already in a circle; leave it before starting another")})
        invitees = _check_invitees(db, actor, invite_ids)
        if not invitees:
            raise ValidationError({"members": Message("Invite at least one other member")})
        now = store.now_iso()
        circle_id = db.execute("INSERT INTO circles (chapter_id, name, cadence, created_by,"
                               " created_at) VALUES (?, ?, ?, ?, ?)",
                               [actor.chapter_id, name, cadence, actor.id, now]).lastrowid
        db.execute("INSERT INTO circle_members (circle_id, member_id, status, invited_by,"
                   " invited_at, joined_at) VALUES (?, ?, 'active', ?, ?, ?)",
                   [circle_id, actor.id, actor.id, now, now])
        _invite(db, actor, circle_id, invitees)
        # The circle's name is the members' words: the audit keeps the event and ids.
        store.audit(db, actor.id, "create", "circles", circle_id,
                    {"cadence": cadence, "invited": [m.id for m in invitees]})
        store.bump_data_version(db)
    return get_circle(db, circle_id)


def invite(db: sqlite_utils.Database, actor: Member, circle_id: int,
           member_ids: list[int]) -> None:
    """An active member invites more members to their circle."""
    actor = access.require_active(actor)
    if not member_ids:
        raise ValidationError({"members": Message("Choose at least one member to invite")})
    with store.transaction(db):
        access.require_circle_member(actor, circle_id, journal.reader_ties(db, actor))
        invitees = _check_invitees(db, actor, member_ids)
        _invite(db, actor, circle_id, invitees)
        store.audit(db, actor.id, "update", "circle_members", circle_id,
                    {"invited": [m.id for m in invitees]})
        store.bump_data_version(db)


def _require_status(db: sqlite_utils.Database, circle_id: int, member_id: int, status: str,
                    refusal: str) -> None:
    """``ValidationError(refusal)`` unless the member's place in the circle is ``status``."""
    row = db.execute("SELECT status FROM circle_members WHERE circle_id = ? AND"
                     " member_id = ?", [circle_id, member_id]).fetchone()
    if row is None or row[0] != status:
        raise ValidationError({"circle": refusal})


def respond(db: sqlite_utils.Database, actor: Member, circle_id: int, accept: bool) -> None:
    """Accept or decline an invitation to a circle."""
    actor = access.require_active(actor)
    with store.transaction(db):
        _require_status(db, circle_id, actor.id, "invited",
                        Message("There is no open invitation to this circle"))
        if accept and _active_circle_id(db, actor.id) is not None:
            raise ValidationError({"circle": Message(
                "You are already in a circle; leave it before joining another")})
        now = store.now_iso()
        db.execute("UPDATE circle_members SET status = ?, joined_at = ? WHERE circle_id = ?"
                   " AND member_id = ?", ["active" if accept else "declined",
                                          now if accept else None, circle_id, actor.id])
        store.audit(db, actor.id, "update", "circle_members", circle_id,
                    {"status": "active" if accept else "declined"})
        store.bump_data_version(db)


def leave(db: sqlite_utils.Database, actor: Member, circle_id: int) -> None:
    """Leave a circle. What the actor shared with it stops being shown at once."""
    actor = access.require_active(actor)
    with store.transaction(db):
        _require_status(db, circle_id, actor.id, "active",
                        Message("You are not a member of this circle"))
        db.execute("UPDATE circle_members SET status = 'left', left_at = ? WHERE"
                   " circle_id = ? AND member_id = ?", [store.now_iso(), circle_id, actor.id])
        store.audit(db, actor.id, "update", "circle_members", circle_id, {"status": "left"})
        store.bump_data_version(db)


def _least_practised(db: sqlite_utils.Database, member_ids: list[int],
                     since: date) -> tuple[int, ...]:
    """The responsibilities the members practised least since ``since`` (fewest actions
    first, at most three), counting every action anonymously."""
    marks = ",".join("?" * len(member_ids))
    counts = {r.number: 0 for r in RESPONSIBILITIES}
    for number, n in db.execute(
            f"SELECT ar.responsibility, count(*) FROM action_responsibilities ar JOIN actions a"
            f" ON a.id = ar.action_id WHERE a.member_id IN ({marks}) AND a.done_on >= ?"
            f" GROUP BY ar.responsibility", [*member_ids, since.isoformat()]):
        counts[number] = n
    return tuple(sorted(counts, key=lambda k: (counts[k], k))[:3])


def circle_page(db: sqlite_utils.Database, actor: Member, circle_id: int, *,
                today: date | None = None) -> CirclePage:
    """The circle as one of its active members sees it."""
    actor = access.require_active(actor)
    ties = journal.reader_ties(db, actor)
    access.require_circle_member(actor, circle_id, ties)
    today = today or date.today()
    since = week_start(today) - timedelta(weeks=RECENT_WEEKS - 1)
    circle = get_circle(db, circle_id)
    active_ids = sorted(ties.circles[circle_id])
    members = tuple(sorted((roster.get_member(db, i) for i in active_ids),
                           key=lambda m: (m.name.casefold(), m.id)))
    invited = tuple(roster.get_member(db, r[0]) for r in db.execute(
        "SELECT member_id FROM circle_members WHERE circle_id = ? AND status = 'invited'"
        " ORDER BY invited_at", [circle_id]))
    shared = tuple(journal.list_shared_actions(db, actor, since=since, limit=200,
                                               circle_id=circle_id))
    others = [i for i in active_ids if i != actor.id]
    least = _least_practised(db, active_ids, since) \
        if len(others) >= MIN_OTHERS else None
    return CirclePage(circle, members, invited, shared, least, since, today)


# --- the meeting agenda -------------------------------------------------------------------

def agenda_markdown(page: CirclePage, *, shown_under: int = 0,
                    tr: Translator | None = None) -> str:
    """The circle's meeting agenda as Markdown (members' words escaped), in ``tr``'s
    language (English by default).

    ``shown_under``: the heading level the agenda is shown beneath on a page (its own
    headings start one level lower, so a page keeps one h1 and headings in order); 0 for
    the downloaded file, which starts at h1."""
    text = _agenda_markdown(page, tr or translator_for("en"))
    if shown_under:
        text = re.sub(r"(?m)^(#+) ", lambda m: "#" * (len(m.group(1)) + shown_under) + " ", text)
    return text


@dataclass(frozen=True)
class _Words:
    """Words shown as they are in Markdown and escaped in HTML (labels, the handout)."""

    text: str


@dataclass(frozen=True)
class _Typed:
    """Someone's words: escaped in both formats."""

    text: str


@dataclass(frozen=True)
class _Strong:
    """The handout's words, in bold."""

    text: str


_Span = str | _Words | _Typed | _Strong  # a plain str is the app's own text, never escaped
_Line = tuple[_Span, ...]


@dataclass(frozen=True)
class _Section:
    """A numbered part of the agenda: heading, intro, a paragraph, a list."""

    heading: str
    intro: str = ""
    paragraph: _Line = ()
    items: tuple[_Line, ...] = ()
    numbered: bool = False


def _filled(template: str, **spans: _Span) -> _Line:
    """A translated sentence with its placeholders replaced by spans, so members' words
    stay escaped wherever the translation puts them."""
    line: list[_Span] = []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2:
            line.append(spans[piece])
        elif piece:
            line.append(piece)
    return tuple(line)


def agenda_day(tr: Translator, day: date, pattern: str) -> str:
    """A date by a CLDR pattern already looked up in the catalogue (so a language may
    reorder it): "Monday 07 December 2026"."""
    return babel_dates.format_date(day, pattern, locale=tr.locale)


def _agenda(page: CirclePage, tr: Translator) -> tuple[_Line, _Line, list[_Section]]:
    """The agenda's title, the line under it and its four parts, in either format."""
    _ = tr.gettext
    c = page.circle
    # Translators: the title of a learning circle's meeting agenda; {name} is the circle's.
    title = _filled(_("{name}: meeting agenda"), name=_Typed(c.name))
    # Translators: a CLDR date pattern (EEEE weekday, dd day, MMMM month, y year).
    day = agenda_day(tr, page.today, tr.pgettext("CLDR date pattern", "EEEE dd MMMM y"))
    count = len(page.members)
    meta = _filled(tr.ngettext("Meeting of {day} · meets {cadence} · {count} member",
                               "Meeting of {day} · meets {cadence} · {count} members", count),
                   day=day, cadence=_Words(_(c.cadence_label).lower()), count=str(count))
    # Translators: a CLDR date pattern (dd day, MMMM month).
    since = agenda_day(tr, page.since, tr.pgettext("CLDR date pattern", "dd MMMM"))
    check_in = _("1. Check-in round")
    check_in_intro = _("Each person says in a sentence or two what they did since the last "
                       "meeting.")
    # Translators: a CLDR date pattern (dd day, MMM short month).
    short = tr.pgettext("CLDR date pattern", "dd MMM")
    if page.shared:
        shared = _Section(
            check_in, check_in_intro,
            (_("Shared with the circle since {day}:").format(day=since),),
            tuple((f"{agenda_day(tr, a.done_on, short)} · ", _Typed(owner.name), ": ",
                   _Typed(a.description)) for owner, a in page.shared))
    else:
        shared = _Section(check_in, check_in_intro,
                          (_("Nothing has been shared with the circle lately."),))
    questions = _Section(
        _("2. The practice questions"),
        _("Take one or two questions; nobody has to answer every one."),
        items=tuple((_Strong(q.title), " — ", _Words(q.text))
                    for q in handout_words.practice_questions(tr)),
        numbered=True)
    least_heading = _("3. What we practised least")
    if page.least_practised is None:
        least = _Section(least_heading, paragraph=(
            _("Shown once the circle has at least {count} members, so that no one's practice "
              "is singled out.").format(count=MIN_OTHERS + 1),))
    else:
        least = _Section(least_heading, paragraph=(
            _("Across the circle since {day}, these responsibilities were practised least. "
              "Which could we take up together?").format(day=since),), items=tuple(
            (_Words(r.label), " — ", _Words(r.full_text))
            for r in (handout_words.responsibility(tr, number)
                      for number in page.least_practised)))
    steps = _Section(_("4. Next steps"),
                     _("Each person names one next step as an if–then plan: “When …, I will …”, "
                       "and writes it in their plan."))
    return title, meta, [shared, questions, least, steps]


def _markdown_line(line: _Line) -> str:
    return "".join(s if isinstance(s, str) else inert(s.text) if isinstance(s, _Typed)
                   else f"**{s.text}**" if isinstance(s, _Strong) else s.text for s in line)


def _html_line(line: _Line) -> str:
    return "".join(s if isinstance(s, str) else f"<strong>{html.escape(s.text)}</strong>"
                   if isinstance(s, _Strong) else html.escape(s.text) for s in line)


def _agenda_markdown(page: CirclePage, tr: Translator) -> str:
    title, meta, sections = _agenda(page, tr)
    lines = [f"# {_markdown_line(title)}", "", _markdown_line(meta), ""]
    for i, section in enumerate(sections):
        lines += [""] if i else []
        lines.append(f"## {section.heading}")
        lines += [section.intro, ""] if section.intro else []
        lines += [_markdown_line(section.paragraph)] if section.paragraph else []
        lines += [f"{n}. {_markdown_line(item)}" if section.numbered
                  else f"- {_markdown_line(item)}" for n, item in enumerate(section.items, 1)]
    return "\n".join(lines)


_AGENDA_HEAD = (
    "<!doctype html><html lang='{lang}' dir='{dir}'><head><meta charset='utf-8'>",
    "<title>{title}</title>",
    "<style>body{{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;"
    "line-height:1.5;color:#1a1a1a}}h1{{font-size:1.6em}}h2{{font-size:1.2em;margin-top:1.5em}}"
    "@media print{{body{{margin:0}}}}</style></head><body>",
)


def agenda_html(page: CirclePage, tr: Translator | None = None) -> str:
    """The agenda as a self-contained, printable HTML page (every text escaped), in
    ``tr``'s language (English by default)."""
    tr = tr or translator_for("en")
    title, meta, sections = _agenda(page, tr)
    parts = [line.format(title=_html_line(title), lang=tr.language.replace("_", "-"),
                         dir=tr.dir) for line in _AGENDA_HEAD]
    parts += [f"<h1>{_html_line(title)}</h1>", f"<p>{_html_line(meta)}</p>"]
    for section in sections:
        parts.append(f"<h2>{section.heading}</h2>")
        parts += [f"<p>{section.intro}</p>"] if section.intro else []
        parts += [f"<p>{_html_line(section.paragraph)}</p>"] if section.paragraph else []
        if section.items:
            tag = "ol" if section.numbered else "ul"
            parts[-1] += f"<{tag}>"
            parts += [f"<li>{_html_line(item)}</li>" for item in section.items]
            parts.append(f"</{tag}>")
    parts.append("</body></html>")
    return "\n".join(parts)
