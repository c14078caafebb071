"""Who may read or change what. Every domain read and write calls in here.

The rules, from the handout's ethics (DESIGN.md §2):

* a **member** reads and changes only their own plan, actions and reflections;
* a **team lead** also reads their own team's *non-private* actions, their team's
  aggregate progress, the chapter's aggregates, and the quiet list of their own team;
* an **admin** manages the chapter (teams, members, roles), sees aggregates and
  what members shared with the chapter — never anyone's private entries;
* private reflections and private actions are read by their author alone;
* an action shared with **partners**, a **circle** or a **team** is read by the audience
  stored on it when it was written (:class:`Audience`) and only while the reader's tie
  still holds (:class:`Ties`) — an admin or lead gets nothing extra from these levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from allyship.core.models import Member
from allyship.core.wording import Message


class PermissionDenied(PermissionError):
    """The acting member may not do this; the message says why in plain words."""


def require_active(actor: Member | None) -> Member:
    """The actor, if signed in and active."""
    if actor is None:
        raise PermissionDenied(Message(
            "Please sign in first."))
    if not actor.active:
        raise PermissionDenied(Message(
            "This account has been deactivated; ask your chapter admin."))
    return actor


def require_self(actor: Member | None, member_id: int, what: str = "this") -> Member:
    """Only the member themselves may read or change their own ``what``."""
    actor = require_active(actor)
    if actor.id != member_id:
        raise PermissionDenied(Message("You can only see and change your own {what}.",
                                       what=what))
    return actor


def require_admin(actor: Member | None) -> Member:
    actor = require_active(actor)
    if not actor.is_admin:
        raise PermissionDenied(Message(
            "Only a chapter admin can do this."))
    return actor


def require_same_chapter(actor: Member, chapter_id: int) -> None:
    if actor.chapter_id != chapter_id:
        raise PermissionDenied(Message(
            "That belongs to another chapter."))


def _require_role(actor: Member | None, roles: tuple[str, ...], refusal: str) -> Member:
    """The actor, if active and holding one of ``roles``; else ``refusal`` as the reason."""
    actor = require_active(actor)
    if actor.role not in roles:
        raise PermissionDenied(refusal)
    return actor


def require_progress_viewer(actor: Member | None) -> Member:
    """Team leads and admins see group progress; members see only their own."""
    return _require_role(actor, ("lead", "admin"), Message(
        "Team progress is for team leads and chapter admins; your own progress is on My week."))


def require_team_view(actor: Member | None, team_id: int | None, chapter_id: int) -> Member:
    """May ``actor`` see aggregates for ``team_id`` (``None`` = the whole chapter)?

    Leads see the chapter as a whole and their own team; admins see any team of
    their chapter.
    """
    actor = require_progress_viewer(actor)
    require_same_chapter(actor, chapter_id)
    if team_id is not None and actor.is_lead and actor.team_id != team_id:
        raise PermissionDenied(Message(
            "Team leads see their own team's progress and the chapter's; not other teams'."))
    return actor


def require_quiet_list(actor: Member | None, team_id: int | None) -> Member:
    """The list of members gone quiet is for a lead, about their own team only."""
    actor = require_active(actor)
    if not actor.is_lead or team_id is None or actor.team_id != team_id:
        raise PermissionDenied(Message(
            "Only a team's own lead sees who on the team has gone quiet, to check in with "
            "them."))
    return actor


@dataclass(frozen=True)
class Audience:
    """Who an entry was shared with, stored on it when it was written :
    moving a member, or a partnership or circle changing later, never re-exposes it to
    people it was not written for."""

    team_id: int | None = None
    circle_id: int | None = None
    partner_ids: frozenset[int] = frozenset()
    written_at: str | None = None  # ISO time the audience was fixed


@dataclass(frozen=True)
class Ties:
    """The reader's relationships as they are *now* (an ended partnership or a circle left
    stops reads at once)."""

    partner_ids: frozenset[int] = frozenset()  # active partnerships
    circles: Mapping[int, frozenset[int]] = field(default_factory=dict)  # circle -> active members
    team_since: str | None = None  # when the reader joined their current team


NO_TIES = Ties()


def can_read_shared(actor: Member, owner: Member, visibility: str,
                    audience: Audience | None = None, ties: Ties | None = None) -> bool:
    """May ``actor`` read an entry of ``owner``'s with this visibility and stored audience?

    * ``chapter``: anyone active in the chapter;
    * ``team``: people on the team it was written for (``audience.team_id``) who were on it
      when it was written — whatever team the author is on now; an admin or lead is no
      exception;
    * ``circle``: people who are now, with the author, active members of the circle it
      was written for;
    * ``partners``: people who were the author's partners when it was written and still are;
    * ``private``: the author alone.

    Without a stored audience only ``chapter`` entries are readable by others.
    """
    if not actor.active:
        return False
    if actor.id == owner.id:
        return True
    if actor.chapter_id != owner.chapter_id or visibility == "private":
        return False
    if visibility == "chapter":
        return True
    if audience is None:
        return False
    ties = ties or NO_TIES
    if visibility == "team":
        if audience.team_id is None or actor.team_id != audience.team_id:
            return False
        return ties.team_since is None or audience.written_at is None or \
            ties.team_since <= audience.written_at
    if visibility == "circle":
        mates = ties.circles.get(audience.circle_id) if audience.circle_id is not None else None
        return bool(mates) and actor.id in mates and owner.id in mates
    if visibility == "partners":
        return actor.id in audience.partner_ids and owner.id in ties.partner_ids
    return False


def require_partner(actor: Member | None, other_id: int, ties: Ties) -> Member:
    """Only an active partner of ``other_id`` reads what they share with partners."""
    actor = require_active(actor)
    if other_id not in ties.partner_ids:
        raise PermissionDenied(Message(
            "Only this member's partners can see this, and only while the partnership "
            "lasts."))
    return actor


def require_circle_member(actor: Member | None, circle_id: int, ties: Ties) -> Member:
    """Only an active member of the circle reads the circle's page and agenda."""
    actor = require_active(actor)
    if actor.id not in ties.circles.get(circle_id, frozenset()):
        raise PermissionDenied(Message(
            "Only the circle's members see its page."))
    return actor


def require_idea_curator(actor: Member | None) -> Member:
    """Leads and admins curate the chapter's activity ideas."""
    return _require_role(actor, ("lead", "admin"), Message(
        "Team leads and chapter admins add, edit and retire ideas; anyone can add an idea to "
        "their own plan."))


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
    "partners": ALL_ROLES,  # partners and check-ins
    "circles": ALL_ROLES,  # learning circles
    "ideas": ALL_ROLES,  # activity ideas (leads and admins curate)
    "team_progress": frozenset({"lead", "admin"}),
    "chapter_report": frozenset({"lead", "admin"}),
    "partner_voice": frozenset({"lead", "admin"}),  # community partners' feedback
    "admin": frozenset({"admin"}),
    "account": ALL_ROLES,  # change password, sign out
    "data": frozenset({"admin"}),  # import & export
    "messages": frozenset({"admin"}),  # email & reminders
}


# Screens above the chapter, opened by organisation role (held beside the chapter role).
ORG_SCREEN_ROLES: dict[str, frozenset[str]] = {
    "organisation": frozenset({"org_admin", "region_lead"}),
}


def can_open(actor: Member | None, screen: str) -> bool:
    if actor is None or not actor.active:
        return False
    if screen in ORG_SCREEN_ROLES:
        return actor.org_role in ORG_SCREEN_ROLES[screen]
    return actor.role in SCREEN_ROLES.get(screen, ())


# --- the organisation level ------------------------------------------------------------
# Organisation admins and region leads see aggregates only — never a member's name,
# record, quiet list or shared text. Chapter roles see nothing of other chapters.

def require_org_view(actor: Member | None, region_id: int | None) -> Member:
    """May ``actor`` see organisation aggregates for ``region_id`` (``None`` = every
    region)? Organisation admins see all; a region lead only their own region."""
    actor = require_active(actor)
    if actor.org_role == "org_admin":
        return actor
    if actor.org_role == "region_lead":
        if region_id is None or region_id != actor.org_region_id:
            raise PermissionDenied(Message(
                "Region leads see their own region's chapters, not other regions' or the whole "
                "organisation's."))
        return actor
    raise PermissionDenied(Message(
        "The organisation view is for organisation admins and region leads."))


def require_org_admin(actor: Member | None) -> Member:
    """Creating, moving and archiving chapters, regions and organisation roles."""
    actor = require_active(actor)
    if actor.org_role != "org_admin":
        raise PermissionDenied(Message(
            "Only an organisation admin can do this."))
    return actor


def require_screen(actor: Member | None, screen: str) -> Member:
    """Refuse a screen the actor's role may not use."""
    actor = require_active(actor)
    if not can_open(actor, screen):
        raise PermissionDenied(Message(
            "This page is not available for your role. Use the pages listed in the sidebar."))
    return actor
