"""My data in a real browser: the zip is built when the member clicks (Streamlit's
deferred download, on its own thread and connection) and holds their data."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from playwright.sync_api import Page

from allyship import demo
from allyship.people import roster

from .harness import go_to

pytestmark = pytest.mark.browser


def test_a_member_downloads_their_data_from_account(member_page: Page, db_reader):
    page = member_page
    go_to(page, "Account")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my data (.zip)").click()
    download = info.value
    assert download.suggested_filename.startswith("my-allyship-data-")
    data = open(download.path(), "rb").read()
    db = db_reader()
    me = roster.find_member_by_email(db, demo.PERSONAS["member"])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "README.txt" in zf.namelist()
        actions = json.loads(zf.read("actions.json"))["rows"]
        profile = zf.read("profile.csv").decode("utf-8-sig")
    assert len(actions) == db.execute("SELECT count(*) FROM actions WHERE member_id = ?",
                                      [me.id]).fetchone()[0] > 0
    assert me.email in profile
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'download' AND"
                      " actor_id = ?", [me.id]).fetchone()[0] >= 1
