"""What erasure and archiving leave behind: nothing a forgotten member typed or was known
by (a circle's name, every address they signed in with), and no link of theirs that still
answers or writes; an archived chapter's calendar feeds stop."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from starlette.applications import Starlette

from allyship.core.models import MemberDraft
from allyship.db import store
from allyship.peers import circles
from allyship.people import organisation, passwords, roster
from allyship.rhythm import feeds, mail, nudges
from allyship.rights import erasure
from allyship.web import routes_rhythm

with warnings.catch_warnings():  # its note about httpx is for starlette's maintainers
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


def _raw(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture
def client(chapter, db_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    with TestClient(Starlette(routes=routes_rhythm.ROUTES)) as c:
        yield c


@pytest.fixture
def leaving(chapter):
    """A member who started a circle with a name of their own, signed in wrongly under
    an old address and a new one (an admin corrected it between), with an unsubscribe
    link and a calendar feed."""
    db, admin = chapter.db, chapter.admin
    who = roster.add_member(db, admin, MemberDraft("Vogel Leavezq", "old-leavezq@example.org",
                                                   "member", chapter.team_a))
    for address in ("old-leavezq@example.org", "new-leavezq@example.org"):
        if address.startswith("new"):
            who = roster.correct_member(db, admin, who.id, name=who.name, email=address)
        with pytest.raises(passwords.SignInFailed):
            passwords.sign_in_with_password(db, address.upper(), "wrong password entirely")
    circle = circles.start_circle(db, who, "Herons Circlezq", "weekly", [chapter.teammate.id])
    nudges.turn_on_again(db, who.id, "reminder", via="link")
    link = f"/unsubscribe/{mail.unsubscribe_token(db, who.id, 'reminder')}"
    feed = feeds.new_feed_token(db, who)
    return who, circle, link, feed


def test_a_forgotten_members_circle_name_and_every_sign_in_address_are_gone_from_the_file(
        chapter, db_path, leaving) -> None:
    db = chapter.db
    who, circle, _, _ = leaving
    canaries = [b"Herons Circlezq", b"old-leavezq", b"new-leavezq", b"Vogel Leavezq"]
    assert all(c in _raw(db_path) for c in canaries)  # the search finds them while stored

    erasure.forget(db, None, who.id, confirm_email=who.email)

    assert [c for c in canaries if c in _raw(db_path)] == []
    kept = circles.get_circle(db, circle.id)  # the circle stays for its other members
    assert kept.name == f"Circle {circle.id}"
    assert db.execute("SELECT count(*) FROM login_attempts").fetchone()[0] == 0


def test_a_forgotten_members_unsubscribe_link_answers_404_and_writes_nothing(
        chapter, client, leaving) -> None:
    db = chapter.db
    who, _, link, _ = leaving
    erasure.forget(db, None, who.id, confirm_email=who.email)
    before = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("nudge_settings", "audit_log")]

    answers = [client.request(m, link).status_code for m in ("GET", "HEAD", "POST")]
    answers.append(client.post(link, content=b"List-Unsubscribe=One-Click").status_code)
    answers.append(client.post(link + "/undo").status_code)

    assert answers == [404] * 5
    assert [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("nudge_settings", "audit_log")] == before


def test_an_archived_chapters_calendar_feeds_answer_404(chapter, client) -> None:
    db = chapter.db
    token = feeds.new_feed_token(db, chapter.member)
    assert client.get(f"/feeds/{token}.ics").status_code == 200

    organisation.archive_chapter(db, None, chapter.chapter.id, operator=True)

    assert client.get(f"/feeds/{token}.ics").status_code == 404
    assert client.head(f"/feeds/{token}.ics").status_code == 404
    organisation.archive_chapter(db, None, chapter.chapter.id, archived=False, operator=True)
    assert client.get(f"/feeds/{token}.ics").status_code == 200  # brought back, it answers
