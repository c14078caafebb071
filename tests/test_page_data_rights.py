"""Data rights on the pages (AppTest, demo database): a member asks to be forgotten on
Account and chooses how long their reflections are kept; an admin confirms on Admin."""

from __future__ import annotations

from datetime import date, timedelta

from apptest_helpers import all_text, by_label, open_admin_tab, open_as, persona

from allyship.core.models import ReflectionDraft
from allyship.db import store
from allyship.people import roster
from allyship.practice import journal
from allyship.rights import erasure, retention


def _tab(at, label: str):
    return next(t for t in at.tabs if t.label == label)


def test_account_offers_my_data_and_forget_me_for_every_role(demo_db):
    for role in ("member", "lead", "admin"):
        at = open_as(demo_db, role, "pages/account.py")
        assert "Your data" in [h.value for h in at.header]
        text = all_text(at)
        assert "Download my data (.zip)" in text and "Deactivated is not forgotten" in text


def test_a_member_asks_to_be_forgotten_and_can_withdraw(demo_db):
    at = open_as(demo_db, "member", "pages/account.py")
    ask = next(b for b in at.button if b.label == "Ask to be forgotten")
    assert ask.disabled  # until the member ticks that they understand
    by_label(at.checkbox, "I understand that this cannot be undone").check().run()
    next(b for b in at.button if b.label == "Ask to be forgotten").click().run()
    assert not at.exception
    db, me = persona(demo_db, "member")
    assert erasure.request_of(db, me)
    assert "You asked to be forgotten" in all_text(at)
    next(b for b in at.button if b.label == "Withdraw my request").click().run()
    assert erasure.request_of(db, me) is None


def test_an_admin_confirms_with_the_email_and_the_member_is_forgotten(demo_db):
    db, member = persona(demo_db, "member")
    erasure.request_erasure(db, member)
    at = open_as(demo_db, "admin", "pages/admin.py")
    open_admin_tab(at, "Members' data")
    tab = _tab(at, "Members' data")
    assert member.name in all_text(at)
    field = next(t for t in tab.text_input if t.label.startswith("Type"))
    field.input("wrong@example.org")
    next(b for b in tab.button if b.label == "Forget this member").click().run()
    assert not at.exception
    assert "Nothing was erased" in at.error[0].value
    assert not erasure.is_forgotten(db, member.id)
    tab = _tab(at, "Members' data")
    next(t for t in tab.text_input if t.label.startswith("Type")).input(member.email)
    next(b for b in tab.button if b.label == "Forget this member").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert erasure.is_forgotten(db, member.id)
    assert f"Former member {member.id}" in at.success[0].value
    assert roster.get_member(db, member.id).name == f"Former member {member.id}"


def test_my_reflections_choice_deletes_older_ones_after_confirmation(demo_db):
    db, me = persona(demo_db, "member")
    today = date.today()
    for weeks in (1, 30):
        journal.save_reflection(db, me, ReflectionDraft(today - timedelta(weeks=weeks),
                                                        {3: f"kept {weeks}"}), today=today)
    before = db.execute("SELECT count(*) FROM reflections WHERE member_id = ?",
                        [me.id]).fetchone()[0]
    due = retention.preview_mine(db, me, 3, today=today)
    assert due >= 1
    at = open_as(demo_db, "member", "pages/account.py")
    by_label(at.selectbox, "Delete my reflections older than").set_value(3).run()
    save = at.button(key="my_keep_save")
    assert save.disabled  # deleting needs a tick first
    by_label(at.checkbox, f"Delete {due} of my reflections now").check().run()
    at.button(key="my_keep_save").click().run()
    assert not at.exception
    after = db.execute("SELECT count(*) FROM reflections WHERE member_id = ?",
                       [me.id]).fetchone()[0]
    assert after == before - due and retention.my_months(db, me) == 3


def test_the_chapter_rule_is_set_on_admin(demo_db):
    at = open_as(demo_db, "admin", "pages/admin.py")
    open_admin_tab(at, "Members' data")
    tab = _tab(at, "Members' data")
    by_label(tab.selectbox, "Delete members' reflections older than").set_value(12)
    next(b for b in tab.button if b.label == "Save").click().run()
    assert not at.exception
    db = store.connect(demo_db)
    assert retention.chapter_months(db, 1) == 12


def test_my_plan_points_to_the_one_download(demo_db):
    at = open_as(demo_db, "member", "pages/my_plan.py")
    assert "Download all my data (on Account)" in all_text(at)


def test_an_admin_forgets_a_member_who_left_without_a_request_in_the_app(demo_db):
    db, admin = persona(demo_db, "admin")
    gone = next(m for m in roster.list_members(db, admin.chapter_id)
                if m.role == "member" and m.active)
    roster.set_member_active(db, admin, gone.id, False)
    at = open_as(demo_db, "admin", "pages/admin.py")
    open_admin_tab(at, "Members' data")
    tab = _tab(at, "Members' data")
    by_label(tab.selectbox, "Member").set_value(gone.id).run()
    tab = _tab(at, "Members' data")
    next(t for t in tab.text_input if t.label.startswith("Type")).input(gone.email)
    next(b for b in tab.button if b.label == "Forget this member").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert erasure.is_forgotten(db, gone.id)
    log = db.execute("SELECT actor_id, action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert tuple(log) == (admin.id, "forget")
