"""Addresses are checked where they are entered with the rule the sender applies
(allyship.core.addresses), and names — of members, teams, chapters, regions and circles —
are one line of visible text: every entry point (forms through the models' validation,
CSV import, the admin's corrections, ``init``, the organisation's set-up) refuses the
issue's hostile examples in words and stores nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests_paths import ROOT

from allyship.core import addresses
from allyship.core.models import MemberDraft, ValidationError, clean_name
from allyship.peers import circles
from allyship.people import organisation, roster
from allyship.rhythm import mail
from allyship.transfer import csv_import

UNUSABLE = ["first.last.@example.org", "a..b@example.org", 'a"b@example.org',
            "a,b@example.org", ".first@example.org", "x@example.org (note)",
            "a\u2028b@example.org", "x@exa\u200bmple.org"]
USABLE = ["mo@example.org", "mo+tag@example.org", "o'brien@example.org",
          "josé@example.org", "ü.ß@example.org", "a@exämple.org"]
NOT_ONE_LINE = {"line separator": "Team\u2028North", "paragraph separator": "Team\u2029North",
                "newline": "Team\nNorth", "tab": "Team\tNorth",
                "right-to-left override": "Team \u202eNorth", "zero-width space": "Te\u200bam",
                "byte-order mark": "\ufeffTeam"}


def _emails(db) -> set[str]:  # noqa: ANN001
    return {r[0] for r in db.execute("SELECT email FROM members")}


@pytest.mark.parametrize("address", UNUSABLE + USABLE)
def test_entry_and_sender_apply_one_rule(address: str) -> None:
    at_entry = addresses.entry_problem(address.lower())
    assert (at_entry is None) == (mail.address_problem(address.lower()) is None), at_entry
    assert (at_entry is None) == (address in USABLE)
    assert mail.address_problem is addresses.address_problem  # the very same function


@pytest.mark.parametrize("address", UNUSABLE)
def test_a_form_refuses_an_address_no_email_can_reach_in_words(address: str) -> None:
    with pytest.raises(ValidationError) as exc:
        MemberDraft("New Person", address).validated()
    reason = exc.value.errors["email"]
    assert "cannot be used to send email" in reason or "does not look like" in reason


def test_international_addresses_are_accepted_as_the_sender_accepts_them() -> None:
    assert MemberDraft("José", "José@Example.org").validated().email == "josé@example.org"


def test_admin_adding_and_correcting_members_refuse_unusable_addresses(chapter) -> None:
    db = chapter.db
    before = _emails(db)
    for address in UNUSABLE:
        with pytest.raises(ValidationError) as exc:
            roster.add_member(db, chapter.admin, MemberDraft("New Person", address))
        assert "email" in exc.value.errors
        with pytest.raises(ValidationError) as exc:
            roster.correct_member(db, chapter.admin, chapter.member.id,
                                  name=chapter.member.name, email=address)
        assert "email" in exc.value.errors
    assert _emails(db) == before


def test_a_members_import_refuses_each_unusable_address_and_writes_nothing(chapter) -> None:
    db = chapter.db
    before = _emails(db)
    lines = ["name,email,role,team"] + [
        f'Person {i},"{a.replace(chr(34), chr(34) * 2)}",member,Team A'
        for i, a in enumerate(UNUSABLE[:5])] + ["Good Person,good@example.org,member,Team A"]
    report = csv_import.import_csv(db, chapter.admin, "\n".join(lines).encode(),
                                   kind="members")
    assert report.created == 0 and not report.ok
    assert sorted(e.row for e in report.errors if e.column == "email") == [2, 3, 4, 5, 6]
    assert all("send email" in e.reason for e in report.errors)
    assert _emails(db) == before


@pytest.mark.parametrize("label, name", NOT_ONE_LINE.items(), ids=list(NOT_ONE_LINE))
def test_names_must_be_one_line_of_visible_text_everywhere(chapter, label, name) -> None:
    db = chapter.db
    teams = db.execute("SELECT count(*) FROM teams").fetchone()[0]
    with pytest.raises(ValueError, match="a name must be one line of visible text"):
        roster.create_team(db, chapter.admin, name)
    with pytest.raises(ValueError, match="one line"):
        roster.rename_team(db, chapter.admin, chapter.team_a, name)
    with pytest.raises(ValidationError) as exc:
        roster.add_member(db, chapter.admin, MemberDraft(f"Mo {name}", "new@example.org"))
    assert "one line" in exc.value.errors["name"]
    with pytest.raises(ValidationError) as exc:
        roster.correct_member(db, chapter.admin, chapter.member.id, name=name,
                              email=chapter.member.email)
    with pytest.raises(ValidationError) as exc:
        roster.create_chapter(db, name)
    assert "one line" in exc.value.errors["name"]
    with pytest.raises(ValidationError):
        organisation.create_region(db, None, name, operator=True)
    with pytest.raises((ValidationError, ValueError), match="one line"):
        circles.start_circle(db, chapter.member, name, "weekly", [chapter.other.id])
    report = csv_import.import_csv(
        db, chapter.admin, f'name,email,role,team\nNew Person,new@example.org,member,"{name}"\n'
        .encode(), kind="members")
    assert report.created == 0 and [e.column for e in report.errors] == ["team"]
    assert db.execute("SELECT count(*) FROM teams").fetchone()[0] == teams
    assert "new@example.org" not in _emails(db)


def test_joiners_that_scripts_and_emoji_need_are_kept_in_names() -> None:
    for name in ("Mehrnāz \u200cKhāni", "Walk 🏳️\u200d🌈 group", "Zoë’s team 🌱", "עברית ودعم"):
        assert clean_name(name, "Name") == name


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "allyship", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("chapter_name, email, words", [
    ("Riverbend", "first.last.@example.org", "cannot be used to send email"),
    ("Riverbend", 'a"b@example.org', "cannot be used to send email"),
    ("River\u2028bend", "jo@example.org", "one line"),
])
def test_init_refuses_what_no_email_or_subject_can_carry(tmp_path, chapter_name, email, words):
    path = tmp_path / "bad.db"
    result = _cli("init", "--db", str(path), "--chapter", chapter_name, "--admin-name", "Jo",
                  "--admin-email", email)
    assert result.returncode != 0
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not path.exists()


def test_the_organisation_refuses_an_unusable_admin_address(chapter) -> None:
    with pytest.raises(ValidationError) as exc:
        organisation.create_chapter_with_admin(chapter.db, None, name="Lakeside",
                                               admin_name="Lee", admin_email="a,b@example.org",
                                               operator=True)
    assert "send email" in exc.value.errors["email"]
    assert chapter.db.execute("SELECT count(*) FROM chapters WHERE name = 'Lakeside'"
                              ).fetchone()[0] == 0
