"""Who may read or change what. Every domain read and write calls in here.

The rules, from the handout's ethics (DESIGN.md §2):

* a **member** reads and changes only their own plan, actions and reflections;
* a **team lead** also reads their own team's *non-private* actions, their team's
  aggregate progress, the chapter's aggregates, and the quiet list of their own team;
* an **admin** manages the chapter (teams, members, roles), sees aggregates and
  what members shared with the chapter — never anyone's private entries;
* private reflections and private actions are read by their author alone.
"""

from __future__ import annotations

from allyship.models import Member


class PermissionDenied(PermissionError):
    """The acting member may not do this; the message says why in plain words."""


def require_active(actor: Member | None) -> Member:
    """The actor, if signed in and active."""
    if actor is None:
        raise PermissionDenied("Please sign in first.")
    if not actor.active:
        raise PermissionDenied("This account has been deactivated; ask your chapter admin.")
    return actor


def require_self(actor: Member | None, member_id: int, what: str = "this") -> Member:
    """Only the member themselves may read or change their own ``what``."""
    actor = require_active(actor)
    if actor.id != member_id:
        raise PermissionDenied(f"You can only see and change your own {what}.")
    return actor


def require_admin(actor: Member | None) -> Member:
    actor = require_active(actor)
    if not actor.is_admin:
        raise PermissionDenied("Only a chapter admin can do this.")
    return actor


def require_same_chapter(actor: Member, chapter_id: int) -> None:
    if actor.chapter_id != chapter_id:
        raise PermissionDenied("That belongs to another chapter.")


def require_progress_viewer(actor: Member | None) -> Member:
    """Team leads and admins see group progress; members see only their own."""
    actor = require_active(actor)
    if actor.role not in ("lead", "admin"):
        raise PermissionDenied("Team progress is for team leads and chapter admins; "
                               "your own progress is on My week.")
    return actor


def require_team_view(actor: Member | None, team_id: int | None, chapter_id: int) -> Member:
    """May ``actor`` see aggregates for ``team_id`` (``None`` = the whole chapter)?

    Leads see the chapter as a whole and their own team; admins see any team of
    their chapter.
    """
    actor = require_progress_viewer(actor)
    require_same_chapter(actor, chapter_id)
    if team_id is not None and actor.is_lead and actor.team_id != team_id:
        raise PermissionDenied("Team leads see their own team's progress and the chapter's; "
                               "not other teams'.")
    return actor


def require_quiet_list(actor: Member | None, team_id: int | None) -> Member:
    """The list of members gone quiet is for a lead, about their own team only."""
    actor = require_active(actor)
    if not actor.is_lead or team_id is None or actor.team_id != team_id:
        raise PermissionDenied("Only a team's own lead sees who on the team has gone quiet, "
                               "to check in with them.")
    return actor


def can_read_shared(actor: Member, owner: Member, visibility: str) -> bool:
    """May ``actor`` read an entry of ``owner``'s with this visibility?"""
    if not actor.active:
        return False
    if actor.id == owner.id:
        return True
    if actor.chapter_id != owner.chapter_id or visibility == "private":
        return False
    if visibility == "chapter":
        return True
    # visibility == "team": the author's own team (lead included)
    return owner.team_id is not None and actor.team_id == owner.team_id


# --- screens ---------------------------------------------------------------------
# Which roles may open which screen. Navigation is built from this, and every page
# checks it again on entry (a page opened by its URL is refused, not just hidden).
ALL_ROLES = frozenset({"member", "lead", "admin"})
SCREEN_ROLES: dict[str, frozenset[str]] = {
    "my_week": ALL_ROLES,
    "my_plan": ALL_ROLES,
    "log_actions": ALL_ROLES,
    "reflect": ALL_ROLES,
    "about": ALL_ROLES,
    "shared": ALL_ROLES,
    "team_progress": frozenset({"lead", "admin"}),
    "chapter_report": frozenset({"lead", "admin"}),
    "admin": frozenset({"admin"}),
    "account": ALL_ROLES,  # change password, sign out
    "data": frozenset({"admin"}),  # import & export
    "messages": frozenset({"admin"}),  # email & reminders
}


def can_open(actor: Member | None, screen: str) -> bool:
    return actor is not None and actor.active and actor.role in SCREEN_ROLES.get(screen, ())


def require_screen(actor: Member | None, screen: str) -> Member:
    """Refuse a screen the actor's role may not use."""
    actor = require_active(actor)
    if not can_open(actor, screen):
        raise PermissionDenied("This page is not available for your role. "
                               "Use the pages listed in the sidebar.")
    return actor
