"""Partners, Learning circle and Activity ideas pages (issue 15) through AppTest on the demo
database: every page renders for every role, every form round-trips into the database,
and bad input is refused in words with nothing written."""

from __future__ import annotations

import re
from datetime import date

import pytest
from apptest_helpers import all_text, by_label, open_as
from streamlit.testing.v1 import AppTest

from allyship import demo
from allyship.core.models import ActionDraft, ReflectionDraft
from allyship.db import store
from allyship.people import roster
from allyship.practice import journal


def member(path, role_or_email: str):
    db = store.connect(path)
    email = demo.PERSONAS.get(role_or_email, role_or_email)
    return db, roster.find_member_by_email(db, email)


def counts(db) -> dict[str, int]:
    return {t: db[t].count for t in ("partnerships", "partner_notes", "partner_settings",
                                     "circles", "circle_members", "ideas", "plan_items")}


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, (label, [b.label for b in at.button])
    return found[0]


@pytest.mark.parametrize("persona", ["member", "lead", "admin"])
@pytest.mark.parametrize("page", ["partners", "circles", "ideas"])
def test_every_peer_page_renders_for_every_role(demo_db, persona, page):
    at = open_as(demo_db, persona, f"pages/{page}.py")
    assert at.title[0].value in ("Partners", "Learning circle", "Activity ideas")
    assert not at.error


# --- partners -------------------------------------------------------------------------

def test_an_invitation_is_accepted_on_the_partners_page(demo_db):
    db, robin = member(demo_db, "member")
    invite = next(db.query("SELECT id FROM partnerships WHERE invitee_id = ? AND"
                           " status = 'invited'", [robin.id]))
    at = open_as(demo_db, "member", "pages/partners.py")
    assert "invited you to be partners" in all_text(at)
    button(at, "Accept").click().run()
    assert not at.exception and not at.error
    assert db.execute("SELECT status FROM partnerships WHERE id = ?",
                      [invite["id"]]).fetchone()[0] == "active"
    assert "are partners" in at.success[0].value


def test_inviting_nobody_is_refused_in_words_and_inviting_someone_writes_one_row(demo_db):
    db, avery = member(demo_db, "lead")
    at = open_as(demo_db, "lead", "pages/partners.py")
    before = counts(db)
    button(at, "Send invitation").click().run()
    assert "Choose a member of your chapter" in at.error[0].value
    assert counts(db) == before
    by_label(at.selectbox, "Member of your chapter").select_index(1)
    button(at, "Send invitation").click().run()
    assert not at.error
    assert counts(db)["partnerships"] == before["partnerships"] + 1
    assert "Invitation sent" in at.success[0].value


def test_a_check_in_round_trips_and_an_empty_one_is_refused(demo_db):
    db, robin = member(demo_db, "member")
    at = open_as(demo_db, "member", "pages/partners.py")
    box = by_label(at.text_area, "Check in with")
    before = counts(db)
    button(at, "Send check-in").click().run()
    assert "Your note is required" in at.error[0].value
    assert counts(db) == before
    box = by_label(at.text_area, "Check in with")
    box.input("Thinking of you before Thursday's walk")
    button(at, "Send check-in").click().run()
    assert not at.error
    row = next(db.query("SELECT author_id, text FROM partner_notes ORDER BY id DESC LIMIT 1"))
    assert row == {"author_id": robin.id, "text": "Thinking of you before Thursday's walk"}
    assert "Thinking of you before Thursday" in all_text(at)


def test_what_partners_see_is_saved(demo_db):
    db, avery = member(demo_db, "lead")
    at = open_as(demo_db, "lead", "pages/partners.py")
    by_label(at.checkbox, "My action plan").check()
    by_label(at.checkbox, "My own consistency").check()
    button(at, "Save").click().run()
    assert db.execute("SELECT share_plan, share_consistency FROM partner_settings WHERE"
                      " member_id = ?", [avery.id]).fetchone() == (1, 1)


def test_ending_a_partnership_tells_the_other_kindly_and_empties_their_view(demo_db):
    # In the demo the lead (Avery) and the admin (Jordan) are partners.
    db, avery = member(demo_db, "lead")
    journal.log_action(db, avery, ActionDraft(date.today(), "PARTNER-ONLY walk notes", (2,),
                                              visibility="partners"))
    jordan_page = open_as(demo_db, "admin", "pages/partners.py")
    assert "PARTNER-ONLY walk notes" in all_text(jordan_page)
    avery_page = open_as(demo_db, "lead", "pages/partners.py")
    button(avery_page, "Yes, end it").click().run()
    assert not avery_page.error
    text = all_text(open_as(demo_db, "admin", "pages/partners.py"))
    assert "Avery Lindqvist has ended your partnership" in text
    assert "PARTNER-ONLY walk notes" not in text


def test_my_week_shows_each_partners_week_and_a_check_in_box(demo_db):
    at = open_as(demo_db, "member", "pages/my_week.py")
    assert any(s.value == "Your partners this week" for s in at.header)
    assert "Read about the history of the park" in all_text(at)
    assert by_label(at.text_area, "Check in with")


# --- circles --------------------------------------------------------------------------

def test_the_circle_page_shows_shared_actions_the_agenda_and_downloads(demo_db):
    at = open_as(demo_db, "member", "pages/circles.py")
    text = all_text(at)
    assert "Thursday learning circle" in text
    assert "Moved the outing start" in text  # shared with the circle by another member
    assert "Who are we leaving behind?" in text
    assert "these responsibilities were practised least" in text  # five members
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download agenda (Markdown)", "Download printable agenda (HTML)"]


def test_an_invitation_to_a_circle_is_accepted(demo_db):
    db, jordan = member(demo_db, "admin")
    at = open_as(demo_db, "admin", "pages/circles.py")
    button(at, "Join").click().run()
    assert not at.error
    assert db.execute("SELECT status FROM circle_members WHERE member_id = ?",
                      [jordan.id]).fetchone()[0] == "active"


def test_starting_a_circle_refuses_a_missing_name_and_round_trips(demo_db):
    db, jordan = member(demo_db, "admin")
    at = open_as(demo_db, "admin", "pages/circles.py")
    before = counts(db)
    by_label(at.multiselect, "Invite").select(by_label(at.multiselect, "Invite").options[0])
    button(at, "Start the circle").click().run()
    assert "Circle name is required" in at.error[0].value
    assert counts(db) == before
    by_label(at.text_input, "Circle name").input("Saturday circle")
    button(at, "Start the circle").click().run()
    assert not at.error
    row = next(db.query("SELECT id, name, cadence FROM circles WHERE created_by = ?",
                        [jordan.id]))
    assert (row["name"], row["cadence"]) == ("Saturday circle", "fortnightly")
    assert db.execute("SELECT count(*) FROM circle_members WHERE circle_id = ?",
                      [row["id"]]).fetchone()[0] == 2


def test_leaving_the_circle(demo_db):
    db, robin = member(demo_db, "member")
    at = open_as(demo_db, "member", "pages/circles.py")
    button(at, "Leave this circle").click().run()
    assert db.execute("SELECT status FROM circle_members WHERE member_id = ?",
                      [robin.id]).fetchone()[0] == "left"
    assert "not in a circle" in all_text(at)


# --- ideas and if–then ------------------------------------------------------------------

def test_add_an_idea_to_my_plan(demo_db):
    db, robin = member(demo_db, "member")
    at = open_as(demo_db, "member", "pages/ideas.py")
    assert "Curate the chapter" not in all_text(at)  # members do not curate
    first = next(b for b in at.button if b.label == "Add to my plan")
    before = counts(db)["plan_items"]
    first.click().run()
    assert not at.error
    assert counts(db)["plan_items"] == before + 1
    assert "Added to your plan" in at.success[0].value


def test_a_lead_adds_an_idea_and_a_bad_link_is_refused(demo_db):
    db, avery = member(demo_db, "lead")
    at = open_as(demo_db, "lead", "pages/ideas.py")
    before = counts(db)
    at.text_input[0].input("Listen to the elders' radio hour")
    at.text_input[1].input("javascript:alert(1)")
    at.multiselect[0].select(3)
    button(at, "Add idea").click().run()
    assert "Link must be a web address" in at.error[0].value
    assert counts(db) == before
    at.text_input[1].input("https://example.org/radio")
    button(at, "Add idea").click().run()
    assert not at.error
    row = next(db.query("SELECT title, link, responsibilities, created_by FROM ideas"
                        " ORDER BY id DESC LIMIT 1"))
    assert row == {"title": "Listen to the elders' radio hour",
                   "link": "https://example.org/radio", "responsibilities": "3",
                   "created_by": avery.id}


def test_a_lead_retires_an_idea(demo_db):
    db, _ = member(demo_db, "lead")
    at = open_as(demo_db, "lead", "pages/ideas.py")
    picked = by_label(at.selectbox, "Idea").value
    button(at, "Retire it").click().run()
    assert db.execute("SELECT retired FROM ideas WHERE id = ?", [picked.id]).fetchone()[0] == 1


def test_if_then_on_my_plan_round_trips_and_shows_on_my_week(demo_db):
    db, robin = member(demo_db, "member")
    at = open_as(demo_db, "member", "pages/my_plan.py")
    by_label(at.text_input, "When …").input("bad \x07 bell")
    button(at, "Save if–then plan").click().run()
    assert "control characters" in at.error[0].value
    by_label(at.text_input, "When …").input("the walk is announced")
    by_label(at.text_input, "I will …").input("ask who it leaves out")
    button(at, "Save if–then plan").click().run()
    assert not at.error
    week = open_as(demo_db, "member", "pages/my_week.py")
    assert "When the walk is announced, I will ask who it leaves out" in "\n".join(
        m.value for m in week.markdown).replace("\\", "")


HOSTILE = "Av [click](https://evil.example/x) ![i](https://evil.example/i.png) <b>bold</b>"


@pytest.mark.parametrize("page", ["partners", "circles", "my_week"])
def test_hostile_names_and_words_show_as_typed_never_as_links(demo_db, page):
    """Avery (the admin's partner, and the circle's inviter) renamed to a string holding a
    link, an image and HTML; her partner-shared action holds them too."""
    db, avery = member(demo_db, "lead")
    db.execute("UPDATE members SET name = ? WHERE id = ?", [HOSTILE, avery.id])
    avery = roster.get_member(db, avery.id)
    journal.log_action(db, avery, ActionDraft(date.today(), HOSTILE, (2,), visibility="partners"))
    at = open_as(demo_db, "admin", f"pages/{page}.py")
    # Choices in a select box are plain text, never Markdown: left out of the check.
    text = "\n".join(line for line in all_text(at).splitlines()
                     if not line.strip().startswith("options:"))
    assert "evil" in text and "click" in text  # it is shown …
    # … but every "](" of it is escaped, and no HTML tag survives unescaped.
    assert not re.search(r"(?<!\\)\]\(https://evil", text)
    assert "<b>bold" not in text


def test_declining_an_invitation(demo_db):
    db, robin = member(demo_db, "member")
    at = open_as(demo_db, "member", "pages/partners.py")
    button(at, "Decline").click().run()
    assert db.execute("SELECT status FROM partnerships WHERE invitee_id = ? AND"
                      " answered_at IS NOT NULL AND status != 'active'",
                      [robin.id]).fetchone()[0] == "declined"


def test_sharing_one_reflection_with_partners_and_taking_it_back(demo_db):
    db, robin = member(demo_db, "member")
    journal.save_reflection(db, robin, ReflectionDraft(date.today(), {5: "REFLECTION-SHARED"}))
    at = open_as(demo_db, "member", "pages/partners.py")
    by_label(at.selectbox, "Reflection").select_index(0).run()
    button(at, "Share it with my partners").click().run()
    row = next(db.query("SELECT id, partners_see FROM reflections WHERE answer = ?",
                        ["REFLECTION-SHARED"]))
    assert row["partners_see"] == 1
    button(at, "Stop sharing it").click().run()
    assert db.execute("SELECT partners_see FROM reflections WHERE id = ?",
                      [row["id"]]).fetchone()[0] == 0


def test_inviting_more_members_to_the_circle(demo_db):
    db, robin = member(demo_db, "member")
    at = open_as(demo_db, "member", "pages/circles.py")
    before = db["circle_members"].count
    button(at, "Send invitations").click().run()
    assert "Choose at least one member" in at.error[0].value
    assert db["circle_members"].count == before
    invite = by_label(at.multiselect, "Invite")
    invite.select(invite.options[0])
    button(at, "Send invitations").click().run()
    assert not at.error
    assert db["circle_members"].count == before + 1


def test_a_lead_corrects_an_idea_and_an_empty_title_is_refused(demo_db):
    db, _ = member(demo_db, "lead")
    at = open_as(demo_db, "lead", "pages/ideas.py")
    picked = by_label(at.selectbox, "Idea").value
    title = at.text_input[2]  # the correction form's title (after the new-idea form's two)
    assert title.value == picked.title
    title.input("")
    button(at, "Save idea").click().run()
    assert "Title is required" in at.error[0].value
    assert db.execute("SELECT title FROM ideas WHERE id = ?", [picked.id]).fetchone()[0] == \
        picked.title
    at.text_input[2].input("A corrected idea")
    button(at, "Save idea").click().run()
    assert not at.error
    assert db.execute("SELECT title FROM ideas WHERE id = ?", [picked.id]).fetchone()[0] == \
        "A corrected idea"
