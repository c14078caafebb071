"""No stored address or name can stop the outbox: a message that cannot be written fails
alone, with a reason the admin sees, and every other message goes out once — against a
real SMTP server. Also: header text on one line, Message-IDs unique to the database, and
one run lock for a database however it is named."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from allyship.core.models import MemberDraft
from allyship.db import store
from allyship.people import roster
from allyship.rhythm import mail, nudges, outbox
from tests.e2e.harness import free_port
from tests.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
MONDAY = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # reminders set for Monday 00:00 are due

# Each accepted by the app at some point, each refused by Python's email library.
BAD = ["first.last.@example.org", "a..b@example.org", 'a"b@example.org', "a,b@example.org"]
NON_ASCII = "josé@example.org"


def _stored_with_address(db, admin, team: int, name: str, address: str):  # noqa: ANN001, ANN202
    """A member whose stored address is ``address`` (written as an older version or an
    import could have stored it, whatever today's forms accept)."""
    safe = f"{name.split()[0].lower()}@example.org"
    member = roster.add_member(db, admin, MemberDraft(name, safe, "member", team))
    with store.transaction(db):
        db.execute("UPDATE members SET email = ? WHERE id = ?", [address, member.id])
    return roster.get_member(db, member.id)


def _interleaved(chapter) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """Good and bad addresses in turn, every one with the reminder on; returns both lists."""
    db, good, bad = chapter.db, [], []
    for i, address in enumerate([*BAD, NON_ASCII]):
        ok = roster.add_member(db, chapter.admin, MemberDraft(
            f"Good{i} Person", f"good{i}@example.org", "member", chapter.team_a))
        worse = _stored_with_address(db, chapter.admin, chapter.team_a, f"Bad{i} Person",
                                     address)
        for m in (ok, worse):
            nudges.save_setting(db, m, "reminder", enabled=True, weekday=0, hour=0)
        good.append(ok.email)
        bad.append(address)
    return good, bad


def _rows(path: Path) -> dict[str, tuple[str, str | None]]:
    db = store.connect(path)
    try:
        return {e: (s, err) for e, s, err in db.execute(
            "SELECT m.email, o.status, o.last_error FROM outbox o"
            " JOIN members m ON m.id = o.member_id").fetchall()}
    finally:
        db.conn.close()


@pytest.mark.server
def test_unusable_addresses_fail_alone_and_every_other_member_gets_theirs(
        chapter, db_path: Path) -> None:
    good, bad = _interleaved(chapter)
    good.append(NON_ASCII)  # this server offers SMTPUTF8
    bad.remove(NON_ASCII)
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        report = outbox.run(db_path, now=MONDAY, smtp=smtp)
        assert Counter(inbox.recipients()) == Counter(good)  # each good one exactly once
        assert (report.sent, report.failed, report.gave_up) == (len(good), len(bad), len(bad))
        assert f"sent {len(good)}, failed {len(bad)} ({len(bad)} given up)" in report.summary()
        rows = _rows(db_path)
        for address in bad:
            status, error = rows[address]
            assert status == "failed" and error.startswith("not sent: ")
            assert f"the address {address!r} cannot be used in an email" in error
            assert "Members page" in error
        # The admin sees each one, by name, with its reason.
        shown = {f["name"]: f for f in outbox.status(chapter.db, chapter.admin).failures}
        assert {f"Bad{i} Person" for i in range(len(bad))} <= set(shown)
        assert all(shown[f"Bad{i} Person"]["status"] == "failed" for i in range(len(bad)))
        # Given up: a later run neither retries them nor sends anything twice.
        later = outbox.run(db_path, now=MONDAY + timedelta(hours=7), smtp=smtp)
        assert (later.sent, later.failed) == (0, 0)
        assert Counter(inbox.recipients()) == Counter(good)


@pytest.mark.server
@pytest.mark.slow
def test_the_command_says_how_many_failed_and_exits_3(chapter, db_path: Path) -> None:
    good, bad = _interleaved(chapter)
    with smtp_server() as inbox:
        env = {**os.environ, mail.SMTP_URL_ENV: inbox.url}
        out = subprocess.run([sys.executable, "-m", "allyship", "nudges", "run", "--db",
                              str(db_path), "--now", MONDAY.isoformat()], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 3, out.stdout + out.stderr
        assert "Traceback" not in out.stderr
        sent, failed = len(good) + 1, len(bad) - 1  # the server offers SMTPUTF8
        assert f"sent {sent}, failed {failed} ({failed} given up)" in out.stdout
        assert out.stdout.count("FAILED") == failed and "gave up" in out.stdout
        assert Counter(inbox.recipients()) == Counter([*good, NON_ASCII])


class _Handler:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        # Headers may be UTF-8 (RFC 6532) when the client used SMTPUTF8.
        msg = email.message_from_string(envelope.content.decode("utf-8"),
                                        policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


def _run_against(db_path: Path, smtputf8: bool) -> tuple[outbox.RunReport, _Handler]:
    handler, port = _Handler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port,
                            enable_SMTPUTF8=smtputf8, decode_data=False)
    controller.start()
    try:
        return outbox.run(db_path, now=MONDAY, smtp=mail.parse_smtp_url(
            f"smtp://127.0.0.1:{port}?from=allyship@example.org")), handler
    finally:
        controller.stop()


@pytest.mark.server
def test_a_non_ascii_address_is_sent_with_smtputf8_when_the_server_offers_it(
        chapter, db_path: Path) -> None:
    jose = _stored_with_address(chapter.db, chapter.admin, chapter.team_a, "José Ruiz",
                                NON_ASCII)
    nudges.save_setting(chapter.db, jose, "reminder", enabled=True, weekday=0, hour=0)
    report, handler = _run_against(db_path, smtputf8=True)
    assert (report.sent, report.failed) == (1, 0)
    [(rcpts, msg)] = handler.received
    assert rcpts == [NON_ASCII] and msg["To"].addresses[0].addr_spec == NON_ASCII
    assert msg["To"].addresses[0].display_name == "José Ruiz"


@pytest.mark.server
def test_without_smtputf8_a_non_ascii_address_fails_alone_and_plainly(
        chapter, db_path: Path) -> None:
    jose = _stored_with_address(chapter.db, chapter.admin, chapter.team_a, "José Ruiz",
                                NON_ASCII)
    for m in (chapter.member, jose, chapter.teammate):
        nudges.save_setting(chapter.db, m, "reminder", enabled=True, weekday=0, hour=0)
    report, handler = _run_against(db_path, smtputf8=False)
    assert (report.sent, report.failed, report.gave_up) == (2, 1, 1)
    assert sorted(r for rcpts, _ in handler.received for r in rcpts) == [
        chapter.member.email, chapter.teammate.email]
    status, error = _rows(db_path)[NON_ASCII]
    assert status == "failed"
    assert error == ("not sent: the mail server does not accept addresses with non-ASCII "
                     "characters (it does not offer SMTPUTF8)")


def test_the_preview_of_an_unusable_address_raises_one_plain_error(chapter) -> None:
    db = chapter.db
    for address in BAD:
        member = _stored_with_address(db, chapter.admin, chapter.team_a,
                                      f"P{len(address)}{address[0]} X", address)
        message = nudges.preview(db, chapter.admin, member.id, "reminder", now=MONDAY)
        with pytest.raises(mail.UnusableAddress, match="cannot be used in an email"):
            mail.build_email(db, message)
        assert mail.address_problem(address)
    assert mail.address_problem(NON_ASCII) is None  # written as is; SMTPUTF8 decides
    assert mail.address_problem("mo@example.org") is None


SEPARATORS = {"line separator": "\u2028", "paragraph separator": "\u2029",
              "carriage return": "\r", "newline": "\n"}


@pytest.mark.server
def test_team_names_with_line_breaks_reach_the_subject_on_one_line(chapter, db_path: Path) -> None:
    db = chapter.db
    leads = []
    for i, (label, sep) in enumerate(SEPARATORS.items()):
        team = roster.create_team(db, chapter.admin, f"Team {i}")
        with store.transaction(db):  # stored as an older version let it be
            db.execute("UPDATE teams SET name = ? WHERE id = ?",
                       [f"Team{sep}{i}{sep}Bcc: evil@example.org", team.id])
        lead = roster.add_member(db, chapter.admin, MemberDraft(
            f"Lead {i}", f"lead{i}@example.org", "lead", team.id))
        with store.transaction(db):
            db.execute("UPDATE members SET name = ? WHERE id = ?", [f"Lead{sep}{i}", lead.id])
        nudges.save_setting(db, lead, "digest", enabled=True, weekday=0, hour=0)
        leads.append(lead.email)
    with smtp_server() as inbox:
        report = outbox.run(db_path, now=MONDAY, smtp=mail.parse_smtp_url(inbox.url))
        assert (report.sent, report.failed) == (4, 0)
        assert sorted(inbox.recipients()) == sorted(leads)  # nobody else (no Bcc smuggled)
        for i, address in enumerate(leads):
            [msg] = inbox.to(address)
            assert msg["Subject"] == (f"Your team's week in allyship: Team {i} "
                                      "Bcc: evil@example.org")
            assert msg["To"].addresses[0].display_name == f"Lead {i}"
            assert msg["Bcc"] is None


def test_header_text_is_folded_to_one_line() -> None:
    for sep in [*SEPARATORS.values(), "\x0b", "\x0c", "\x1c", "\x85", "\t", "\x00"]:
        assert mail.one_line(f" a{sep}{sep}b ") == "a b"
    assert mail.one_line("Zoë’s team 🌱") == "Zoë’s team 🌱"


@pytest.mark.server
def test_message_ids_differ_between_databases_and_stay_fixed_per_row(
        chapter, db_path: Path, tmp_path: Path) -> None:
    nudges.save_setting(chapter.db, chapter.member, "reminder", enabled=True, weekday=0, hour=0)
    other = tmp_path / "other.db"
    # A second database with the same rows: same row ids, its own secret (as every
    # database has from its first migration).
    chapter.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    other.write_bytes(db_path.read_bytes())
    handle = store.connect(other)
    with store.transaction(handle):
        handle.execute("UPDATE meta SET value = 'another secret' WHERE key = 'link_secret'")
    handle.conn.close()
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        for path in (db_path, other):
            assert outbox.run(path, now=MONDAY, smtp=smtp).sent == 1
        ids = [str(m.message["Message-ID"]) for m in inbox.messages]
    assert len(set(ids)) == 2
    secret = chapter.db.execute("SELECT value FROM meta WHERE key = 'link_secret'").fetchone()[0]
    assert all(secret not in i and secret[:16] not in i for i in ids)
    row = chapter.db.execute("SELECT id FROM outbox").fetchone()[0]
    tag = mail.database_tag(chapter.db)
    assert ids[0] == outbox.message_id(row, smtp, tag) == outbox.message_id(row, smtp, tag)
    assert ids[0] == f"<allyship-outbox-{row}.{tag}@example.org>"


@pytest.mark.server
def test_two_runs_naming_one_database_by_two_paths_share_one_lock(
        chapter, db_path: Path, tmp_path: Path) -> None:
    """Run A holds its first message half-way through SMTP; run B, through a symlink,
    must not take A's claim for an abandoned one and send it too."""
    everyone = (chapter.admin, chapter.lead, chapter.member, chapter.teammate, chapter.other)
    for m in everyone:
        nudges.save_setting(chapter.db, m, "reminder", enabled=True, weekday=0, hour=0)
    link = tmp_path / "elsewhere" / "same.db"
    link.parent.mkdir()
    link.symlink_to(db_path)
    with smtp_server() as inbox:
        smtp = mail.parse_smtp_url(inbox.url)
        inbox.hold_at_rcpt = 1
        reports: list[outbox.RunReport] = []
        a = threading.Thread(target=lambda: reports.append(outbox.run(db_path, now=MONDAY,
                                                                      smtp=smtp)))
        a.start()
        assert inbox.held.wait(timeout=60)
        b = outbox.run(link, now=MONDAY, smtp=smtp)
        inbox.release.set()
        a.join(timeout=60)
        assert b.recovered == 0
        assert b.sent + reports[0].sent == len(everyone)
        assert Counter(inbox.recipients()) == Counter(m.email for m in everyone)


@pytest.mark.parametrize("address", ["x@exa\u2028mple.org", "x@example.org (note)",
                                     '"x"@example.org', "a\u2028b@example.org",
                                     "x@exa\u200bmple.org", "a\u00a0b@example.org"])
def test_an_address_the_parser_would_change_or_hide_is_refused(address: str) -> None:
    """Never a message to another mailbox than the one stored, or one with hidden marks."""
    assert "cannot be used in an email" in (mail.address_problem(address) or "")


@pytest.mark.parametrize("address", ["mo+tag@example.org", "o'brien@example.org",
                                     "Mo@Example.org", "é@example.org", "ü.ß@example.org",
                                     "a@exämple.org"])
def test_ordinary_and_international_addresses_are_usable(address: str) -> None:
    assert mail.address_problem(address) is None


def test_a_stored_public_address_with_a_line_break_cannot_break_a_header(chapter) -> None:
    db = chapter.db
    with store.transaction(db):
        db.execute("INSERT INTO chapter_settings (chapter_id, time_zone, public_url, updated_at)"
                   " VALUES (?, 'UTC', ?, '')", [chapter.chapter.id,
                                                 "https://ally.example.org\u2028/x\r\nBcc: e"])
    message = nudges.compose(db, chapter.member, "reminder", MONDAY.date())
    msg = mail.build_email(db, message)
    assert msg["Bcc"] is None
    raw = msg.as_bytes()
    header = raw.split(b"\n\n", 1)[0].replace(b"\r\n", b"\n")
    assert b"\nBcc:" not in header and "\u2028".encode() not in header
