"""Activity ideas per responsibility: a chapter-curated list of things to read,
listen to, watch, notice, connect with, act on or reflect about, each tagged with the
responsibilities it practises. Every chapter starts with a small set written for this app
(links to outside guides, never their copied text); leads and admins add, edit and retire
ideas; any member turns one into a next step of their plan."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from allyship.core import access
from allyship.core.handout import RESPONSIBILITY_NUMBERS
from allyship.core.models import (
    Member,
    Plan,
    PlanDraft,
    PlanItemDraft,
    ValidationError,
    clean_text,
)
from allyship.core.wording import message_of
from allyship.db import store
from allyship.i18n import Message
from allyship.practice import plans

IDEA_KINDS: dict[str, str] = {
    "read": "Read",
    "listen": "Listen",
    "watch": "Watch",
    "notice": "Notice",
    "connect": "Connect",
    "act": "Act",
    "reflect": "Reflect",
}
TITLE_MAX = 200
LINK_MAX = 500


@dataclass(frozen=True)
class IdeaDraft:
    """An idea as typed by a lead or admin."""

    title: str
    kind: str
    link: str = ""
    responsibilities: tuple[int, ...] = ()

    def validated(self) -> IdeaDraft:
        errors: dict[str, str] = {}
        title = link = ""
        try:
            title = clean_text(self.title, Message("Title"), max_len=TITLE_MAX)
        except ValueError as exc:
            errors["title"] = message_of(exc)
        if self.kind not in IDEA_KINDS:
            errors["kind"] = Message("Kind must be one of: {kinds}",
                                     kinds=", ".join(IDEA_KINDS.values()))
        try:
            link = clean_text(self.link, Message("Link"), max_len=LINK_MAX, required=False)
        except ValueError as exc:
            errors["link"] = message_of(exc)
        if link:
            parts = urlsplit(link)
            if parts.scheme not in ("https", "http") or not parts.netloc or any(
                    ch.isspace() for ch in link):
                errors["link"] = Message("Link must be a web address starting with https:// "
                                         "(or leave it empty)")
        try:
            resp = tuple(sorted({int(r) for r in self.responsibilities or ()}))
        except (TypeError, ValueError):
            resp = ()
            errors["responsibilities"] = Message("Responsibilities are numbered 1 to 8")
        if not resp and "responsibilities" not in errors:
            errors["responsibilities"] = Message(
                "Choose at least one responsibility this idea practises")
        elif any(r not in RESPONSIBILITY_NUMBERS for r in resp):
            errors["responsibilities"] = Message("Responsibilities are numbered 1 to 8")
        if errors:
            raise ValidationError(errors)
        return replace(self, title=title, link=link, responsibilities=resp)


@dataclass(frozen=True)
class Idea:
    id: int
    title: str
    kind: str
    link: str
    responsibilities: tuple[int, ...]
    retired: bool

    @property
    def kind_label(self) -> str:
        return IDEA_KINDS.get(self.kind, self.kind)


# The starting set, written for this app. Links point to the outside guides themselves.
STARTER_IDEAS: tuple[IdeaDraft, ...] = (
    IdeaDraft("Read the handout's page on allyship again, slowly, and mark one sentence "
              "that unsettles you", "read", "https://theantioppressionnetwork.wordpress.com/"
              "allyship/", (1, 4)),
    IdeaDraft("Find out whose land your chapter meets and birds on, and what those nations "
              "ask of visitors today", "read", "https://native-land.ca/", (4, 1)),
    IdeaDraft("Take one implicit-association test and note what surprised you",
              "reflect", "https://implicit.harvard.edu/implicit/", (1, 5)),
    IdeaDraft("Check your next presentation or outing against a guide to accessible "
              "events, then fix one thing", "act",
              "https://www.w3.org/WAI/teach-advocate/accessible-presentations/", (3, 7)),
    IdeaDraft("At your next meeting, notice who speaks first, who is interrupted and who "
              "stays quiet — and speak less yourself", "notice", "", (2,)),
    IdeaDraft("Go to a meeting run by the community you seek to work with and only listen",
              "listen", "", (2, 3, 7)),
    IdeaDraft("Ask someone from the group you work with what you could do differently, and "
              "write down what you were told without defending it", "connect", "", (5, 3)),
    IdeaDraft("Write about a mistake you were called out on: what did it feel like, and what "
              "did you change?", "reflect", "", (5, 6)),
    IdeaDraft("Do a piece of behind-the-scenes work for a partner group and ask for no credit",
              "act", "", (8, 7)),
)


def _idea(r: dict[str, Any]) -> Idea:
    resp = tuple(int(x) for x in (r["responsibilities"] or "").split(",") if x.strip())
    return Idea(r["id"], r["title"], r["kind"], r["link"], resp, bool(r["retired"]))


def _seed_if_new(db: sqlite_utils.Database, chapter_id: int) -> None:
    """Give a chapter that has never had ideas the starting set (once: retired ideas stay
    rows, so a chapter that retired them all is not re-seeded)."""
    if db.execute("SELECT 1 FROM ideas WHERE chapter_id = ? LIMIT 1", [chapter_id]).fetchone():
        return
    with store.transaction(db):
        if db.execute("SELECT 1 FROM ideas WHERE chapter_id = ? LIMIT 1",
                      [chapter_id]).fetchone():
            return  # another session seeded it meanwhile
        now = store.now_iso()
        for idea in STARTER_IDEAS:
            db.execute("INSERT INTO ideas (chapter_id, title, kind, link, responsibilities,"
                       " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [chapter_id, idea.title, idea.kind, idea.link,
                        ",".join(map(str, idea.responsibilities)), now, now])
        store.audit(db, None, "create", "ideas", None,
                    {"chapter_id": chapter_id, "starting_set": len(STARTER_IDEAS)})
        store.bump_data_version(db)


def list_ideas(db: sqlite_utils.Database, actor: Member, *, responsibility: int | None = None,
               include_retired: bool = False) -> list[Idea]:
    """The chapter's ideas (current ones unless ``include_retired``), optionally for one
    responsibility."""
    actor = access.require_active(actor)
    if include_retired:
        access.require_idea_curator(actor)
    _seed_if_new(db, actor.chapter_id)
    sql = "SELECT * FROM ideas WHERE chapter_id = ?"
    if not include_retired:
        sql += " AND retired = 0"
    found = [_idea(r) for r in db.query(sql + " ORDER BY retired, kind, id", [actor.chapter_id])]
    return [i for i in found if responsibility is None or responsibility in i.responsibilities]


def _own_chapter_idea(db: sqlite_utils.Database, actor: Member, idea_id: int) -> dict[str, Any]:
    row = next(db.query("SELECT * FROM ideas WHERE id = ?", [idea_id]), None)
    if row is None:
        raise LookupError(Message("That idea no longer exists."))
    access.require_same_chapter(actor, row["chapter_id"])
    return row


def add_idea(db: sqlite_utils.Database, actor: Member, draft: IdeaDraft) -> Idea:
    """A lead or admin adds an idea to the chapter's list."""
    actor = access.require_idea_curator(actor)
    d = draft.validated()
    with store.transaction(db):
        now = store.now_iso()
        idea_id = db.execute(
            "INSERT INTO ideas (chapter_id, title, kind, link, responsibilities, created_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [actor.chapter_id, d.title, d.kind, d.link, ",".join(map(str, d.responsibilities)),
             actor.id, now, now]).lastrowid
        store.audit(db, actor.id, "create", "ideas", idea_id,
                    {"kind": d.kind, "responsibilities": list(d.responsibilities)})
        store.bump_data_version(db)
        return _idea(_own_chapter_idea(db, actor, idea_id))


def update_idea(db: sqlite_utils.Database, actor: Member, idea_id: int, draft: IdeaDraft) -> Idea:
    """A lead or admin corrects an idea."""
    actor = access.require_idea_curator(actor)
    d = draft.validated()
    with store.transaction(db):
        row = _own_chapter_idea(db, actor, idea_id)
        db.execute("UPDATE ideas SET title = ?, kind = ?, link = ?, responsibilities = ?,"
                   " updated_at = ? WHERE id = ?",
                   [d.title, d.kind, d.link, ",".join(map(str, d.responsibilities)),
                    store.now_iso(), idea_id])
        store.audit(db, actor.id, "update", "ideas", idea_id,
                    {"previous": {k: row[k] for k in ("title", "kind", "link",
                                                      "responsibilities")}})
        store.bump_data_version(db)
        return _idea(_own_chapter_idea(db, actor, idea_id))


def set_retired(db: sqlite_utils.Database, actor: Member, idea_id: int, retired: bool) -> None:
    """Retire an idea (members no longer see it) or bring it back."""
    actor = access.require_idea_curator(actor)
    with store.transaction(db):
        _own_chapter_idea(db, actor, idea_id)
        db.execute("UPDATE ideas SET retired = ?, updated_at = ? WHERE id = ?",
                   [int(bool(retired)), store.now_iso(), idea_id])
        store.audit(db, actor.id, "update", "ideas", idea_id, {"retired": bool(retired)})
        store.bump_data_version(db)


def add_to_plan(db: sqlite_utils.Database, actor: Member, idea_id: int, *,
                due_on: date | None = None, today: date | None = None) -> Plan:
    """Turn an idea into a next step of the actor's own plan (a new plan version)."""
    actor = access.require_active(actor)
    row = _own_chapter_idea(db, actor, idea_id)
    if row["retired"]:
        raise ValidationError({"idea": Message("This idea has been retired")})
    plan = plans.get_plan(db, actor)
    if plan is None:
        raise ValidationError({"plan": Message(
            "Write your action plan on My plan first; then ideas can be added to it as next "
            "steps")})
    text = row["title"] + (f" ({row['link']})" if row["link"] else "")
    items = tuple(PlanItemDraft(i.kind, i.text, i.due_on, i.done_on, i.id) for i in plan.items)
    draft = PlanDraft(plan.focus_group, plan.motivation, plan.supports_goal, plan.feedback,
                      items + (PlanItemDraft("next_step", text, due_on),))
    return plans.save_plan(db, actor, draft, today=today)
