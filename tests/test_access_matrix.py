"""The permission matrix: roles × operations × whose record, against the domain
functions directly (not the pages).

Every cell says allowed or denied. A denied cell must raise ``PermissionDenied``
and change nothing: the data version, every table's row count and the chapter
structure are compared before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from allyship.core import access
from allyship.core.access import PermissionDenied
from allyship.core.models import (
    ActionDraft,
    Member,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ValidationError,
    week_start,
)
from allyship.db import audit, store
from allyship.peers import circles, partners
from allyship.people import passwords, roster
from allyship.practice import journal, plans
from allyship.transfer import csv_import

TODAY = date.today()


@dataclass
class World:
    db: object
    roster: dict[str, Member]  # by short name
    plan_item: dict[str, int]  # each person's next step
    actions: dict[tuple[str, str], int]  # (person, visibility) -> action id
    team_a: int
    team_b: int
    team_c: int  # empty, so archiving it is allowed


def _fill(db, m: Member, world: World, name: str) -> None:
    plan = plans.save_plan(db, m, PlanDraft(
        f"Focus of {name}", motivation=f"Motivation of {name}",
        items=(PlanItemDraft("next_step", f"Next step of {name}"),)), today=TODAY)
    world.plan_item[name] = plan.items[0].id
    for vis in ("private", "partners", "circle", "team", "chapter"):
        draft = ActionDraft(TODAY, f"{vis} action of {name}", (2,), visibility=vis)
        try:
            world.actions[(name, vis)] = journal.log_action(db, m, draft, today=TODAY).id
        except ValidationError:
            # No partners or circle to share with: the forms refuse it; an import stores it
            # with an empty audience, which only the author reads.
            world.actions[(name, vis)] = db.execute(
                "INSERT INTO actions (member_id, done_on, week_start, description, kind,"
                " visibility, created_at, updated_at) VALUES (?, ?, ?, ?, 'other', ?, ?, ?)",
                [m.id, TODAY.isoformat(), week_start(TODAY).isoformat(), draft.description,
                 vis, store.now_iso(), store.now_iso()]).lastrowid


PARTNERS = {("member", "other"), ("admin", "teammate")}
CIRCLE = {"lead", "teammate", "admin"}


@pytest.fixture
def world(chapter) -> World:
    db = chapter.db
    w = World(db, {}, {}, {}, chapter.team_a, chapter.team_b, 0)
    w.team_c = roster.create_team(db, chapter.admin, "Team C").id
    dee = roster.add_member(db, chapter.admin, MemberDraft("Dee Gone", "dee@example.org",
                                                           "member", chapter.team_a))
    other_ch = roster.create_chapter(db, "Other Chapter", started_on=date(2026, 1, 5))
    bea = roster.bootstrap_admin(db, other_ch, MemberDraft("Bea Beyond", "bea@example.org"))
    w.people = {"admin": chapter.admin, "lead": chapter.lead, "member": chapter.member,
                "teammate": chapter.teammate, "other": chapter.other, "dee": dee,
                "foreign_admin": bea}
    # Partners and a circle, formed before anything is written (the audience is fixed
    # when an action is written): member + other (across teams), admin + teammate; a
    # circle of lead, teammate and admin.
    for a, b in PARTNERS:
        link = partners.invite(db, w.people[a], w.people[b].id)
        partners.respond(db, w.people[b], link.id, True)
    circle = circles.start_circle(db, w.people["lead"], "Circle", "weekly",
                                  [w.people[n].id for n in CIRCLE if n != "lead"])
    for n in CIRCLE:
        if n != "lead":
            circles.respond(db, w.people[n], circle.id, True)
    for name in ("admin", "lead", "member", "teammate", "other", "dee", "foreign_admin"):
        _fill(db, w.people[name], w, name)
    w.people["dee"] = roster.set_member_active(db, chapter.admin, dee.id, False)
    return w


def snapshot(db) -> tuple:
    tables = sorted(r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
    counts = tuple((t, db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0]) for t in tables)
    structure = tuple(tuple(r) for r in db.execute(
        "SELECT id, chapter_id, team_id, name, email, role, active, password_hash FROM members"
        " ORDER BY id")) + tuple(tuple(r) for r in db.execute("SELECT * FROM teams ORDER BY id")) \
        + tuple(tuple(r) for r in db.execute("SELECT id, name, goal_label FROM chapters"))
    content = tuple(tuple(r) for r in db.execute(
        "SELECT id, description, visibility FROM actions ORDER BY id")) + tuple(
        tuple(r) for r in db.execute("SELECT id, done_on FROM plan_items ORDER BY id"))
    return store.data_version(db), counts, structure, content


# --- operations on a member's own records ------------------------------------------
# Each takes (world, actor, target_name).

def op_read_plan(w, actor, t):
    plans.get_plan(w.db, actor, w.people[t].id)


def op_read_plan_revisions(w, actor, t):
    plans.list_revisions(w.db, actor, w.people[t].id)


def op_read_private_action(w, actor, t):
    journal.get_action(w.db, actor, w.actions[(t, "private")])


def op_read_team_action(w, actor, t):
    journal.get_action(w.db, actor, w.actions[(t, "team")])


def op_read_chapter_action(w, actor, t):
    journal.get_action(w.db, actor, w.actions[(t, "chapter")])


def op_read_partners_action(w, actor, t):
    journal.get_action(w.db, actor, w.actions[(t, "partners")])


def op_read_circle_action(w, actor, t):
    journal.get_action(w.db, actor, w.actions[(t, "circle")])


def op_read_partner_view(w, actor, t):
    partners.partner_view(w.db, actor, w.people[t].id)


def op_tick_next_step(w, actor, t):
    plans.set_next_step_done(w.db, actor, w.plan_item[t], TODAY, today=TODAY)


def op_edit_action(w, actor, t):
    journal.update_action(w.db, actor, w.actions[(t, "private")],
                          ActionDraft(TODAY, "rewritten", (3,)), today=TODAY)


def op_delete_action(w, actor, t):
    journal.delete_action(w.db, actor, w.actions[(t, "private")])


def op_read_shared_list(w, actor, t):
    # The list only ever holds what may be read; denied only for an inactive actor.
    got = journal.list_shared_actions(w.db, actor)
    assert all(a.visibility != "private" or a.member_id == actor.id for _, a in got)


OWN_RECORD_OPS = [op_read_plan, op_read_plan_revisions, op_read_private_action,
                  op_read_team_action, op_read_chapter_action, op_read_partners_action,
                  op_read_circle_action, op_read_partner_view, op_tick_next_step,
                  op_edit_action, op_delete_action]

ACTORS = ["member", "lead", "admin", "foreign_admin", "dee"]
TARGETS = ["self", "teammate", "other"]  # teammate: team A; other: team B


def own_record_allowed(w: World, actor_name: str, target: str, op) -> bool:
    actor = w.people[actor_name]
    owner = actor if target == "self" else w.people[target]
    if not actor.active:
        return False
    if op is op_read_partner_view and actor.id == owner.id:
        return False  # one is not one's own partner: the Partners page shows one's own choices
    if actor.id == owner.id:
        return True
    if actor.chapter_id != owner.chapter_id:
        return False
    if op is op_read_chapter_action:
        return True
    if op is op_read_team_action:
        return actor.team_id is not None and actor.team_id == owner.team_id
    names = {n for n, m in w.people.items() if m.id in (actor.id, owner.id)}
    if op in (op_read_partners_action, op_read_partner_view):
        return any({a, b} == names for a, b in PARTNERS)
    if op is op_read_circle_action:
        return names <= CIRCLE and len(names) == 2
    return False  # plans, private actions and every write: the author alone


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("op", OWN_RECORD_OPS, ids=lambda f: f.__name__[3:])
def test_member_records_matrix(world, op, actor_name, target):
    actor = world.people[actor_name]
    target_name = actor_name if target == "self" else target
    if own_record_allowed(world, actor_name, target, op):
        op(world, actor, target_name)
    else:
        before = snapshot(world.db)
        with pytest.raises(PermissionDenied):
            op(world, actor, target_name)
        assert snapshot(world.db) == before


# --- the admin's operations on the chapter ------------------------------------------

def adm_change_role(w, actor):
    roster.change_role(w.db, actor, w.people["teammate"].id, "lead")


def adm_move_member(w, actor):
    roster.move_member(w.db, actor, w.people["teammate"].id, w.team_b)


def adm_deactivate(w, actor):
    roster.set_member_active(w.db, actor, w.people["teammate"].id, False)


def adm_reactivate(w, actor):
    roster.set_member_active(w.db, actor, w.people["dee"].id, True)


def adm_issue_setup_code(w, actor):
    passwords.issue_setup_code(w.db, actor, w.people["teammate"].id)


def adm_rename_team(w, actor):
    roster.rename_team(w.db, actor, w.team_a, "Team Alpha")


def adm_archive_team(w, actor):
    roster.set_team_archived(w.db, actor, w.team_c, True)


def adm_update_membership(w, actor):
    roster.update_membership(w.db, actor, w.people["other"].id, team_id=w.team_a,
                             role="member", active=True)


CHAPTER_A_ADMIN_OPS = [adm_change_role, adm_move_member, adm_deactivate, adm_reactivate,
                       adm_issue_setup_code, adm_rename_team, adm_archive_team,
                       adm_update_membership]


def own_chapter_create_team(w, actor):
    roster.create_team(w.db, actor, "Brand New Team")


def own_chapter_add_member(w, actor):
    roster.add_member(w.db, actor, MemberDraft("New Person", "new@example.org"))


def own_chapter_bulk_add(w, actor):
    csv_import.bulk_add_members(w.db, actor, "name,email\nBulk One,bulk1@example.org\n")


def own_chapter_settings(w, actor):
    roster.update_chapter(w.db, actor, "Renamed Chapter", "Conservation goal")


def own_chapter_audit_log(w, actor):
    audit.list_entries(w.db, actor)


def own_chapter_audit_tables(w, actor):
    audit.audit_tables(w.db, actor)


def own_chapter_account_status(w, actor):
    passwords.account_status(w.db, actor)


OWN_CHAPTER_ADMIN_OPS = [own_chapter_create_team, own_chapter_add_member, own_chapter_bulk_add,
                         own_chapter_settings, own_chapter_audit_log, own_chapter_audit_tables,
                         own_chapter_account_status]


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("op", CHAPTER_A_ADMIN_OPS, ids=lambda f: f.__name__[4:])
def test_chapter_management_matrix(world, op, actor_name):
    """Only chapter A's own active admin manages chapter A's teams and members."""
    actor = world.people[actor_name]
    if actor_name == "admin":
        op(world, actor)
    else:
        before = snapshot(world.db)
        with pytest.raises(PermissionDenied):
            op(world, actor)
        assert snapshot(world.db) == before


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("op", OWN_CHAPTER_ADMIN_OPS, ids=lambda f: f.__name__[12:])
def test_admin_only_operations_matrix(world, op, actor_name):
    """Admin-only operations act on the admin's own chapter; nobody else may use them."""
    actor = world.people[actor_name]
    if actor_name in ("admin", "foreign_admin"):
        op(world, actor)
    else:
        before = snapshot(world.db)
        with pytest.raises(PermissionDenied):
            op(world, actor)
        assert snapshot(world.db) == before


def test_a_foreign_admins_changes_land_in_their_own_chapter_only(world):
    bea = world.people["foreign_admin"]
    team = roster.create_team(world.db, bea, "Beyond Team")
    added = roster.add_member(world.db, bea, MemberDraft("Newcomer", "newcomer@example.org"))
    assert team.chapter_id == added.chapter_id == bea.chapter_id != world.people["admin"].chapter_id
    entries = audit.list_entries(world.db, world.people["admin"])
    assert "Newcomer" not in entries.to_csv() and "Beyond Team" not in entries.to_csv()


# --- group progress gates (what metrics and the lead's page call) --------------------

@pytest.mark.parametrize("actor_name,team,allowed", [
    ("member", "a", False), ("member", None, False),
    ("lead", "a", True), ("lead", "b", False), ("lead", None, True),
    ("admin", "a", True), ("admin", "b", True), ("admin", None, True),
    ("foreign_admin", "a", False), ("foreign_admin", None, False),
    ("dee", "a", False),
])
def test_team_aggregates_matrix(world, actor_name, team, allowed):
    actor = world.people[actor_name]
    team_id = {"a": world.team_a, "b": world.team_b, None: None}[team]
    chapter_id = world.people["admin"].chapter_id
    if allowed:
        access.require_team_view(actor, team_id, chapter_id)
    else:
        with pytest.raises(PermissionDenied):
            access.require_team_view(actor, team_id, chapter_id)


@pytest.mark.parametrize("actor_name,team,allowed", [
    ("lead", "a", True), ("lead", "b", False), ("lead", None, False),
    ("member", "a", False), ("admin", "a", False), ("admin", "b", False),
    ("foreign_admin", "a", False), ("dee", "a", False),
])
def test_quiet_list_matrix(world, actor_name, team, allowed):
    """Only a team's own lead sees who on the team has gone quiet (to check in)."""
    actor = world.people[actor_name]
    team_id = {"a": world.team_a, "b": world.team_b, None: None}[team]
    if allowed:
        access.require_quiet_list(actor, team_id)
    else:
        with pytest.raises(PermissionDenied):
            access.require_quiet_list(actor, team_id)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_the_shared_list_never_holds_anyone_elses_private_action(world, actor_name):
    actor = world.people[actor_name]
    if not actor.active:
        with pytest.raises(PermissionDenied):
            op_read_shared_list(world, actor, actor_name)
    else:
        op_read_shared_list(world, actor, actor_name)


@pytest.mark.parametrize("screen,roles", [
    ("my_week", {"member", "lead", "admin"}), ("account", {"member", "lead", "admin"}),
    ("team_progress", {"lead", "admin"}), ("admin", {"admin"}),
    ("partners", {"member", "lead", "admin"}), ("circles", {"member", "lead", "admin"}),
    ("ideas", {"member", "lead", "admin"}),
])
def test_screens_open_per_role_and_never_for_a_deactivated_member(world, screen, roles):
    for name in ("member", "lead", "admin"):
        assert access.can_open(world.people[name], screen) == (name in roles)
    assert not access.can_open(world.people["dee"], screen)
    with pytest.raises(PermissionDenied):
        access.require_screen(world.people["dee"], screen)
