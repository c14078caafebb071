"""The links in emails (a reminder's one-tap answers, unsubscribe, the calendar feed) are
rate-limited before any work is done: a link asked for too often, or a visitor trying
too many links that are not valid, gets a "please wait" page that writes nothing; a
calendar service polling a turned-off feed locks nobody else's feed out."""

from __future__ import annotations

import warnings
from datetime import date

import pytest
from starlette.applications import Starlette

from allyship.core.models import week_start
from allyship.db import store
from allyship.rhythm import feeds, mail
from allyship.web import routes_rhythm

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


@pytest.fixture
def app(db_path, monkeypatch: pytest.MonkeyPatch) -> Starlette:
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    return Starlette(routes=routes_rhythm.ROUTES)


def visitor(app: Starlette, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def away_link(chapter) -> str:
    week = week_start(date.today())
    return f"/reply/{mail.one_tap_token(chapter.db, chapter.member.id, 'away', week)}"


def test_a_link_asked_for_too_often_gets_please_wait_and_writes_nothing(chapter, app):
    path = away_link(chapter)
    with visitor(app, "203.0.113.5") as one:
        answers = [one.get(path).status_code for _ in range(routes_rhythm.PER_LINK.limit)]
        over = one.post(path)
    assert set(answers) == {200}
    assert over.status_code == 429 and over.headers["retry-after"] == "600"
    assert "Please wait a few minutes" in over.text
    assert chapter.db["away_weeks"].count == 0


def test_too_many_links_that_are_not_valid_lock_out_that_address_only(chapter, app):
    path = away_link(chapter)
    with visitor(app, "203.0.113.6") as guesser, visitor(app, "198.51.100.7") as member:
        misses = [guesser.get(f"/reply/guess{i}").status_code
                  for i in range(routes_rhythm.PER_ADDRESS_MISSES.limit)]
        locked = guesser.get(path)
        theirs = member.post(path)
    assert set(misses) == {404}
    assert locked.status_code == 429
    assert theirs.status_code == 200 and chapter.db["away_weeks"].count == 1


def test_one_address_asking_for_many_links_is_slowed(chapter, app):
    with visitor(app, "203.0.113.8") as one:
        codes = [one.get(f"/unsubscribe/x{i}").status_code
                 for i in range(routes_rhythm.PER_ADDRESS.limit + 1)]
    assert codes[-1] == 429


def test_a_turned_off_feed_polled_from_a_shared_address_locks_out_no_other_feed(chapter,
                                                                                app):
    token = feeds.new_feed_token(chapter.db, chapter.member)
    feeds.revoke_feed(chapter.db, chapter.member)
    other = feeds.new_feed_token(chapter.db, chapter.lead)
    with visitor(app, "192.0.2.44") as calendar_service:
        polls = [calendar_service.get(f"/feeds/{token}.ics").status_code for _ in range(50)]
        still = calendar_service.get(f"/feeds/{other}.ics")
    assert set(polls[:routes_rhythm.PER_LINK.limit]) == {404}
    assert still.status_code == 200 and still.text.startswith("BEGIN:VCALENDAR")
