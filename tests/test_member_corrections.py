"""An admin corrects a member's name or email: checked, audited, and seen everywhere at once."""

from __future__ import annotations

import pytest
from apptest_helpers import open_as, persona

from allyship.core.models import ValidationError
from allyship.people import passwords, roster

# --- an admin corrects a member's name or email -------------------------------------------

def test_an_admin_corrects_a_members_email_audited_and_the_old_one_stops_signing_in(chapter):
    db = chapter.db
    issued = passwords.issue_setup_code(db, chapter.admin, chapter.member.id)
    passwords.redeem_setup_code(db, "mo@example.org", issued.code, "a long enough passphrase")
    assert passwords.sign_in_with_password(db, "mo@example.org",
                                           "a long enough passphrase").id == chapter.member.id
    fixed = roster.correct_member(db, chapter.admin, chapter.member.id,
                                  name=" Mo Membre ", email="Mo.New@Example.org")
    assert (fixed.name, fixed.email) == ("Mo Membre", "mo.new@example.org")
    assert roster.find_member_by_email(db, "mo@example.org") is None  # single sign-on too
    with pytest.raises(passwords.SignInFailed):
        passwords.sign_in_with_password(db, "mo@example.org", "a long enough passphrase")
    assert passwords.sign_in_with_password(db, "mo.new@example.org",
                                           "a long enough passphrase").id == chapter.member.id
    entry = db.execute("SELECT actor_id, details FROM audit_log WHERE table_name = 'members'"
                       " AND record_id = ? ORDER BY id DESC LIMIT 1", [chapter.member.id]
                       ).fetchone()
    assert entry[0] == chapter.admin.id and '"mo@example.org"' in entry[1]


def test_correcting_an_email_refuses_someone_elses_and_non_admins(chapter):
    with pytest.raises(ValidationError):
        roster.correct_member(chapter.db, chapter.admin, chapter.member.id,
                              name="Mo", email="lee@example.org")
    with pytest.raises(ValidationError):
        roster.correct_member(chapter.db, chapter.admin, chapter.member.id,
                              name="Mo\x00", email="mo@example.org")
    from allyship.core.access import PermissionDenied
    with pytest.raises(PermissionDenied):
        roster.correct_member(chapter.db, chapter.lead, chapter.member.id,
                              name="Mo", email="mo@example.org")


def test_the_admin_page_corrects_a_name_and_email(demo_db):
    db, robin = persona(demo_db, "member")
    at = open_as(demo_db, "admin", "pages/admin.py")
    at.selectbox(key="admin_member_pick").select(robin.id).run()
    at.text_input(key=f"member_name_{robin.id}").input("Robin O.")
    at.text_input(key=f"member_email_{robin.id}").input("robin.o@demo.example.org")
    at.button(key=f"FormSubmitter:member_details_{robin.id}-Save name and email").click().run()
    assert not at.exception and not at.error
    assert roster.get_member(db, robin.id).email == "robin.o@demo.example.org"
