"""The unsubscribe link over HTTP: opening it (GET, HEAD) changes nothing; only a POST
— the page's button or a mail client's RFC 8058 one-click — turns a message kind off;
repeating it writes at most one audit row and invalidates only the member's chapter."""

from __future__ import annotations

import warnings

import pytest
from starlette.applications import Starlette

from allyship.db import store
from allyship.rhythm import mail, nudges
from allyship.web import routes_rhythm

with warnings.catch_warnings():  # its note about httpx is for starlette's maintainers
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


@pytest.fixture
def client(chapter, db_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    with TestClient(Starlette(routes=routes_rhythm.ROUTES)) as c:
        yield c


def _reminder_on(chapter) -> str:
    """The member's weekly reminder turned on; their unsubscribe link's path."""
    db, m = chapter.db, chapter.member
    nudges.save_setting(db, m, "reminder", enabled=True, weekday=0, hour=9)
    return f"/unsubscribe/{mail.unsubscribe_token(db, m.id, 'reminder')}"


def _audit_rows(db) -> int:
    return db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def _versions(db) -> tuple:
    return (db.execute("SELECT value FROM meta WHERE key = 'global_version'").fetchone(),
            db.execute("SELECT chapter_id, version FROM chapter_versions ORDER BY 1").fetchall())


def test_opening_the_link_with_get_or_head_shows_a_button_and_changes_nothing(
        chapter, client) -> None:
    db = chapter.db
    path = _reminder_on(chapter)
    rows = _audit_rows(db)

    got = client.get(path)
    head = client.head(path)

    assert got.status_code == 200 and head.status_code == 200
    assert '<form method="post"' in got.text and "Turn them off" in got.text
    assert got.headers["cache-control"] == "no-store"
    assert nudges.get_setting(db, chapter.member, "reminder").enabled
    assert _audit_rows(db) == rows


def test_the_pages_button_posts_and_turns_only_that_kind_off(chapter, client) -> None:
    db, m = chapter.db, chapter.member
    path = _reminder_on(chapter)

    done = client.post(path)

    assert done.status_code == 200 and "Turned off" in done.text
    assert "/undo" in done.text  # the way back
    assert nudges.get_setting(db, m, "reminder").enabled is False
    back = client.post(path + "/undo")
    assert back.status_code == 200 and nudges.get_setting(db, m, "reminder").enabled


def test_a_mail_clients_rfc_8058_one_click_post_turns_it_off(chapter, client) -> None:
    db, m = chapter.db, chapter.member
    path = _reminder_on(chapter)

    done = client.post(path, content=b"List-Unsubscribe=One-Click",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert done.status_code == 200
    assert nudges.get_setting(db, m, "reminder").enabled is False
    via = db.execute("SELECT json_extract(details, '$.via') FROM audit_log"
                     " WHERE action = 'nudge.unsubscribe'").fetchall()
    assert via == [("one-click",)]


def test_a_tampered_link_answers_404_on_every_method(chapter, client) -> None:
    path = _reminder_on(chapter)[:-3] + "xyz"
    assert [client.request(m, path).status_code for m in ("GET", "HEAD", "POST")] == [404] * 3


@pytest.mark.slow
def test_a_thousand_unauthenticated_requests_add_at_most_one_audit_row(chapter,
                                                                       client) -> None:
    db = chapter.db
    path = _reminder_on(chapter)
    undo = path + "/undo"
    rows = _audit_rows(db)
    others = {cid: v for cid, v in _versions(db)[1] if cid != chapter.chapter.id}
    global_before = _versions(db)[0]

    for i in range(1000):
        if i % 4 == 0:
            client.get(path)
        elif i % 4 == 3:
            client.post(undo)
        else:
            client.post(path, content=b"List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert _audit_rows(db) - rows <= 1
    # Only the member's chapter's cached views were invalidated.
    assert _versions(db)[0] == global_before
    assert {cid: v for cid, v in _versions(db)[1] if cid != chapter.chapter.id} == others


def test_the_calendar_feed_writes_nothing(chapter, client) -> None:
    from allyship.rhythm import feeds

    db = chapter.db
    token = feeds.new_feed_token(db, chapter.member)
    rows, versions = _audit_rows(db), _versions(db)
    for _ in range(50):
        assert client.get(f"/feeds/{token}.ics").status_code == 200
    assert (_audit_rows(db), _versions(db)) == (rows, versions)
