"""Two members hold each other accountable, in two real browsers (issue 15): Robin invites
Avery, Avery accepts, Robin shares an action with partners, Avery checks in about it on
*My week*, Robin reads the note, Robin ends the partnership — and Avery's view empties at
once, with a kind word instead."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from allyship import demo
from allyship.people import roster

from .harness import go_to, open_home, view_demo_as

pytestmark = pytest.mark.browser


def alert(page: Page, text: str):  # noqa: ANN201
    return page.get_by_test_id("stAlert").filter(has_text=text)


def test_invite_accept_share_check_in_read_end(app, new_page, member_page: Page, db_reader):
    robin = member_page
    avery = new_page()
    open_home(avery, app.url)
    view_demo_as(avery, "Team lead")
    shared = f"Listened at the river clean-up without offering fixes [{uuid.uuid4().hex[:8]}]"
    note = f"How did it feel to stay quiet? [{uuid.uuid4().hex[:8]}]"

    # Robin invites Avery; Avery accepts.
    go_to(robin, "Partners")
    expect(robin.get_by_role("button", name="Send invitation")).to_be_visible()
    who = robin.get_by_role("combobox", name="Member of your chapter")
    who.click()
    who.press_sequentially("Avery Lind")  # the list is long: type to narrow it, as people do
    robin.get_by_role("option", name="Avery Lindqvist").click()
    expect(who).to_have_value("Avery Lindqvist")
    robin.get_by_role("button", name="Send invitation").click()
    expect(alert(robin, "Invitation sent to Avery Lindqvist.")).to_be_visible()
    go_to(avery, "Partners")
    expect(avery.get_by_text("Robin Okafor invited you to be partners.")).to_be_visible()
    avery.get_by_role("button", name="Accept", exact=True).click()  # her only invitation
    expect(alert(avery, "You and Robin Okafor are partners.")).to_be_visible()

    # Robin shares an action with partners.
    go_to(robin, "Log actions")
    form = robin.get_by_role("tabpanel", name="Log an action").get_by_test_id("stForm")
    form.get_by_label("What I did").fill(shared)
    form.get_by_text("2. Listen more, speak less", exact=True).click()
    form.get_by_text("My partners (the partners I have when I save it)").click()
    form.get_by_role("button", name="Log action").click()
    expect(alert(robin, "Action logged.")).to_be_visible()

    # Avery sees it on My week and checks in about it.
    go_to(avery, "My week")
    expect(avery.get_by_text(shared)).to_be_visible()
    checkin = avery.get_by_test_id("stForm").filter(
        has=avery.get_by_label("Check in with Robin Okafor"))
    checkin.get_by_label("Check in with Robin Okafor").fill(note)
    checkin.get_by_role("button", name="Send check-in").click()
    expect(alert(avery, "Check-in sent to Robin Okafor.")).to_be_visible()

    # Robin reads the note, then ends the partnership.
    go_to(robin, "Partners")
    with_avery = robin.get_by_test_id("stExpander").filter(has_text="Avery Lindqvist")
    expect(with_avery.get_by_text(note)).to_be_visible()
    with_avery.get_by_role("button", name="End this partnership").click()  # a popover
    robin.get_by_role("button", name="Yes, end it").click()
    expect(alert(robin, "Your partnership with Avery Lindqvist has ended.")).to_be_visible()

    # Avery's view empties at once; she is told kindly.
    go_to(avery, "Partners")
    expect(alert(avery, "Robin Okafor has ended your partnership.")).to_be_visible()
    expect(avery.get_by_text(shared)).to_have_count(0)
    expect(avery.get_by_text(note)).to_have_count(0)
    go_to(avery, "My week")
    expect(avery.get_by_text(shared)).to_have_count(0)

    # The audience was fixed when Robin saved it: his partners then, Avery among them.
    db = db_reader()
    avery_id = roster.find_member_by_email(db, demo.PERSONAS["lead"]).id
    row = next(db.query("SELECT audience_partners FROM actions WHERE description = ?", [shared]))
    assert f",{avery_id}," in row["audience_partners"]
    assert db.execute("SELECT count(*) FROM partner_notes WHERE text = ?", [note]).fetchone()[0] == 1
