"""The admin's management of the chapter: teams, members, roles, bulk add, settings,
and the audit trail (with previous values) every change leaves."""

from __future__ import annotations

import json
from datetime import date

import pytest

from allyship.core.models import ActionDraft, PlanDraft, ValidationError
from allyship.db import audit, store
from allyship.people import roster
from allyship.practice import journal, plans
from allyship.transfer import csv_import

TODAY = date.today()


def last_audit(db, table: str) -> dict:
    row = next(db.query("SELECT * FROM audit_log WHERE table_name = ? ORDER BY id DESC LIMIT 1",
                        [table]))
    row["details"] = json.loads(row["details"])
    return row


def test_renaming_a_team_records_the_previous_name(chapter):
    roster.rename_team(chapter.db, chapter.admin, chapter.team_a, "Shorebirds")
    assert roster.get_team(chapter.db, chapter.team_a).name == "Shorebirds"
    entry = last_audit(chapter.db, "teams")
    assert entry["actor_id"] == chapter.admin.id
    assert entry["details"]["previous"] == {"name": "Team A"}


def test_two_teams_cannot_share_a_name(chapter):
    with pytest.raises(ValidationError) as exc:
        roster.rename_team(chapter.db, chapter.admin, chapter.team_a, "team b")
    assert "already a team" in exc.value.errors["name"]


def test_a_team_with_active_members_cannot_be_archived_until_they_move(chapter):
    db, admin = chapter.db, chapter.admin
    with pytest.raises(ValidationError):
        roster.set_team_archived(db, admin, chapter.team_b, True)
    roster.move_member(db, admin, chapter.other.id, chapter.team_a)
    team = roster.set_team_archived(db, admin, chapter.team_b, True)
    assert team.archived
    assert chapter.team_b not in [t.id for t in roster.list_teams(db, chapter.chapter.id)]
    with pytest.raises(ValidationError):  # nobody is moved into an archived team
        roster.move_member(db, admin, chapter.other.id, chapter.team_b)
    assert not roster.set_team_archived(db, admin, chapter.team_b, False).archived


def test_moving_a_member_records_the_previous_team(chapter):
    roster.move_member(chapter.db, chapter.admin, chapter.member.id, chapter.team_b)
    assert roster.get_member(chapter.db, chapter.member.id).team_id == chapter.team_b
    assert last_audit(chapter.db, "members")["details"] == {
        "team_id": chapter.team_b, "previous": {"team_id": chapter.team_a}}


def test_changing_a_role_records_who_and_the_previous_role(chapter):
    roster.change_role(chapter.db, chapter.admin, chapter.member.id, "lead")
    entry = last_audit(chapter.db, "members")
    assert entry["actor_id"] == chapter.admin.id and entry["action"] == "update"
    assert entry["details"] == {"role": "lead", "previous": {"role": "member"}}


def test_an_unknown_role_is_refused(chapter):
    with pytest.raises(ValidationError):
        roster.change_role(chapter.db, chapter.admin, chapter.member.id, "owner")


@pytest.mark.parametrize("how", ["demote", "deactivate"])
def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(chapter, how):
    db, admin = chapter.db, chapter.admin
    before = store.data_version(db)
    with pytest.raises(ValidationError) as exc:
        if how == "demote":
            roster.change_role(db, admin, admin.id, "member")
        else:
            roster.set_member_active(db, admin, admin.id, False)
    assert "last active admin" in exc.value.errors["role"]
    assert roster.get_member(db, admin.id) == admin and store.data_version(db) == before


def test_with_a_second_admin_the_first_may_step_down(chapter):
    db, admin = chapter.db, chapter.admin
    roster.change_role(db, admin, chapter.lead.id, "admin")
    assert roster.change_role(db, admin, admin.id, "member").role == "member"


def test_deactivation_keeps_history_and_leaves_the_active_count(chapter):
    db, admin, mo = chapter.db, chapter.admin, chapter.member
    journal.log_action(db, mo, ActionDraft(TODAY, "Listened", (2,)), today=TODAY)
    plans.save_plan(db, mo, PlanDraft("Black birders"), today=TODAY)
    roster.set_member_active(db, admin, mo.id, False)
    active = roster.list_members(db, chapter.chapter.id, include_inactive=False)
    assert mo.id not in [m.id for m in active]
    for table in ("actions", "plans"):
        assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE member_id = ?",
                          [mo.id]).fetchone()[0] == 1
    assert last_audit(db, "members")["details"]["previous"] == {"active": True}
    assert roster.set_member_active(db, admin, mo.id, True).active


def test_update_membership_is_all_or_nothing(chapter):
    db, admin = chapter.db, chapter.admin
    before = store.data_version(db)
    with pytest.raises(ValidationError):  # the move is fine, the admin demotion is not
        roster.update_membership(db, admin, admin.id, team_id=chapter.team_a, role="member",
                                 active=True)
    assert roster.get_member(db, admin.id).team_id is None and store.data_version(db) == before


def test_chapter_settings_change_with_their_previous_values_audited(chapter):
    ch = roster.update_chapter(chapter.db, chapter.admin, "Riverbend Audubon", "Audubon mission")
    assert (ch.name, ch.goal_label) == ("Riverbend Audubon", "Audubon mission")
    assert last_audit(chapter.db, "chapters")["details"]["previous"] == {
        "name": "Test Chapter", "goal_label": "Audubon goal"}
    with pytest.raises(ValidationError) as exc:
        roster.update_chapter(chapter.db, chapter.admin, "  ", "")
    assert set(exc.value.errors) == {"name", "goal_label"}


# --- bulk add from CSV -------------------------------------------------------------

GOOD_CSV = ("name,email,role,team\n"
            "Sam Example,sam@example.org,,Team A\n"
            "Kai Example,KAI@example.org,lead,team b\n"
            "\n"
            "Noor Example,noor@example.org,member,\n")


def test_bulk_add_adds_every_row_with_its_team_and_role(chapter):
    added = csv_import.bulk_add_members(chapter.db, chapter.admin, "\ufeff" + GOOD_CSV)
    assert [(m.name, m.email, m.role, m.team_id) for m in added] == [
        ("Sam Example", "sam@example.org", "member", chapter.team_a),
        ("Kai Example", "kai@example.org", "lead", chapter.team_b),
        ("Noor Example", "noor@example.org", "member", None)]
    assert chapter.db.execute("SELECT COUNT(*) FROM audit_log WHERE table_name = 'members'"
                              " AND actor_id = ?", [chapter.admin.id]).fetchone()[0] >= 7


@pytest.mark.parametrize("csv_text,expected_keys", [
    ("name,email\nSam,not-an-email\n", {"line 2: email"}),
    ("name,email,team\nSam,sam@example.org,Nowhere\n", {"line 2: team"}),
    ("name,email,role\nSam,sam@example.org,boss\n", {"line 2: role"}),
    ("name,email\n,sam@example.org\n", {"line 2: name"}),
    ("name,email\nSam,mo@example.org\n", {"line 2: email"}),  # already a member
    ("name,email\nSam,sam@example.org\nSammy,SAM@example.org\n", {"line 3: email"}),
    ("email\nsam@example.org\n", {"header"}),
    ("name,email,shoe_size\nSam,sam@example.org,9\n", {"header"}),
    ("name,email\n", {"rows"}),
])
def test_bulk_add_reports_each_bad_row_and_adds_nobody(chapter, csv_text, expected_keys):
    before = (chapter.db["members"].count, store.data_version(chapter.db))
    with pytest.raises(ValidationError) as exc:
        csv_import.bulk_add_members(chapter.db, chapter.admin, csv_text)
    assert set(exc.value.errors) == expected_keys
    assert (chapter.db["members"].count, store.data_version(chapter.db)) == before


def test_one_bad_row_among_good_ones_adds_none_of_them(chapter):
    text = GOOD_CSV + "Bad Row,bad-email,member,Team A\n"
    with pytest.raises(ValidationError) as exc:
        csv_import.bulk_add_members(chapter.db, chapter.admin, text)
    assert list(exc.value.errors) == ["line 6: email"]
    assert roster.find_member_by_email(chapter.db, "sam@example.org") is None


# --- the audit log as admins see it -------------------------------------------------

MARKER = "MARKER-PRIVATE-ACTION-41c9"


def test_the_admins_audit_view_never_shows_private_words(chapter):
    db, mo = chapter.db, chapter.member
    a = journal.log_action(db, mo, ActionDraft(TODAY, MARKER, (2,)), today=TODAY)
    journal.update_action(db, mo, a.id, ActionDraft(TODAY, MARKER + " again", (2,)), today=TODAY)
    journal.delete_action(db, mo, a.id)
    plans.save_plan(db, mo, PlanDraft("Focus " + MARKER, motivation=MARKER), today=TODAY)
    plans.save_plan(db, mo, PlanDraft("Another focus", motivation="changed"), today=TODAY)
    # The log keeps the words (so the file's holder can recover a deletion) …
    assert MARKER in "".join(r[0] for r in db.execute("SELECT details FROM audit_log"))
    # … but the admin's view shows only the shape of each change.
    shown = audit.list_entries(db, chapter.admin)
    assert MARKER not in shown.to_csv()
    assert {"actions", "plans", "members"} <= set(shown["Table"])
    deleted = shown[(shown["Table"] == "actions") & (shown["What"] == "delete")].iloc[0]
    details = json.loads(deleted["Details"])
    assert details["previous"]["description"] == audit.HIDDEN
    assert details["previous"]["visibility"] == "private"


def test_the_audit_view_filters_by_table_actor_and_date(chapter):
    db, admin = chapter.db, chapter.admin
    roster.change_role(db, admin, chapter.member.id, "lead")
    journal.log_action(db, chapter.member, ActionDraft(TODAY, "x", (1,)), today=TODAY)
    only_members = audit.list_entries(db, admin, table="members")
    assert set(only_members["Table"]) == {"members"}
    by_mo = audit.list_entries(db, admin, actor_id=chapter.member.id)
    assert set(by_mo["Who"]) == {"Mo Member"} and set(by_mo["Table"]) == {"actions"}
    assert audit.list_entries(db, admin, since=TODAY, until=TODAY).shape[0] > 0
    assert audit.list_entries(db, admin, until=date(2000, 1, 1)).empty
    assert "members" in audit.audit_tables(db, admin)


def test_nobody_can_edit_the_audit_log(chapter):
    import sqlite3

    with pytest.raises(sqlite3.DatabaseError):
        chapter.db.execute("UPDATE audit_log SET details = '{}'")
    with pytest.raises(sqlite3.DatabaseError):
        chapter.db.execute("DELETE FROM audit_log")
