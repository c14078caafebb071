"""Members own their data (issue 18): My data, Forget me, retention.

Erasure is proven on the raw bytes of the database file and its WAL: canary strings
planted in every free-text field of a member are found there before, and nowhere
after, while another member's canaries stay.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from at_once import at_once
from click.testing import CliRunner

from allyship.cli import main as cli
from allyship.core import access
from allyship.core.handout import PRACTICE_QUESTIONS
from allyship.core.models import (
    ActionDraft,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ReflectionDraft,
    ValidationError,
)
from allyship.db import store
from allyship.metrics import overview, periods, scopes
from allyship.people import passwords, roster, sessions
from allyship.practice import journal, plans
from allyship.rights import erasure, mydata, retention
from allyship.transfer import csv_import

TODAY = date(2026, 6, 10)  # a Wednesday; the test chapter started 2026-01-05


def _raw_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as stored on disk."""
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _hits(path: Path, canaries: list[str]) -> dict[str, int]:
    raw = _raw_bytes(path)
    return {c: raw.count(c.encode("utf-8")) for c in canaries if raw.count(c.encode("utf-8"))}


def _plant(db, who, tag: str) -> list[str]:
    """Write ``tag``-marked words into every free-text field ``who`` can fill; returns
    the canaries (each distinct, so a hit names the field)."""
    c = lambda field: f"{tag}-{field}-zq"  # noqa: E731
    canaries: list[str] = []
    first = plans.save_plan(db, who, PlanDraft(
        c("focus1"), c("motivation1"), c("supports1"), c("feedback1"),
        (PlanItemDraft("learning_activity", c("learning1")),
         PlanItemDraft("next_step", c("step1"), due_on=TODAY + timedelta(days=30)))),
        today=TODAY)
    ids = [i.id for i in first.items]
    plans.save_plan(db, who, PlanDraft(
        c("focus2"), c("motivation2"), c("supports2"), c("feedback2"),
        (PlanItemDraft("learning_activity", c("learning2"), id=ids[0]),
         PlanItemDraft("next_step", c("step2"), due_on=TODAY - timedelta(days=20),
                       done_on=TODAY - timedelta(days=21), id=ids[1]))), today=TODAY)
    canaries += [c(f) for f in ("focus1", "motivation1", "supports1", "feedback1",
                                "learning1", "step1", "focus2", "motivation2", "supports2",
                                "feedback2", "learning2", "step2")]
    for week in range(6):
        day = TODAY - timedelta(weeks=week + 1)
        journal.log_action(db, who, ActionDraft(day, c(f"action{week}"), (week % 8 + 1, 8),
                                                minutes=30 + week), today=TODAY)
        canaries.append(c(f"action{week}"))
    shared = journal.log_action(db, who, ActionDraft(TODAY - timedelta(days=2), c("shared"),
                                                     (2,), visibility="chapter"), today=TODAY)
    edited = journal.log_action(db, who, ActionDraft(TODAY - timedelta(days=3),
                                                     c("before-edit"), (3,)), today=TODAY)
    journal.update_action(db, who, edited.id, ActionDraft(TODAY - timedelta(days=3),
                                                         c("after-edit"), (3, 4)), today=TODAY)
    gone = journal.log_action(db, who, ActionDraft(TODAY - timedelta(days=4), c("deleted"),
                                                   (5,)), today=TODAY)
    journal.delete_action(db, who, gone.id)
    canaries += [c("shared"), c("before-edit"), c("after-edit"), c("deleted")]
    for week in (1, 9):
        journal.save_reflection(db, who, ReflectionDraft(
            TODAY - timedelta(weeks=week), {1: c(f"reflect{week}q1"), 4: c(f"reflect{week}q4")},
            visibility="team" if week == 1 else "private"), today=TODAY)
        canaries += [c(f"reflect{week}q1"), c(f"reflect{week}q4")]
    journal.set_away(db, who, TODAY - timedelta(weeks=7))
    return canaries


@pytest.fixture
def planted(chapter, db_path):
    """A member whose name, email and every free-text field carry canaries, with a
    password, a set-up code, an imported action and a failed sign-in; and a teammate
    with canaries of their own."""
    db = chapter.db
    who = roster.add_member(db, chapter.admin, MemberDraft(
        "Kanarie Vogelzq", "kanarie-mailzq@example.org", "member", chapter.team_a))
    mine = ["Kanarie Vogelzq", "kanarie-mailzq@example.org"] + _plant(db, who, "MINE")
    theirs = _plant(db, chapter.teammate, "THEIRS")
    code = passwords.issue_setup_code(db, chapter.admin, who.id)
    passwords.redeem_setup_code(db, who.email, code.code, "a long enough password 1")
    passwords.issue_setup_code(db, chapter.admin, who.id)  # pending, unused
    with pytest.raises(passwords.SignInFailed):
        passwords.sign_in_with_password(db, who.email, "wrong password entirely")
    hash_ = db.execute("SELECT password_hash FROM members WHERE id = ?", [who.id]).fetchone()[0]
    mine.append(hash_)
    report = csv_import.import_csv(
        db, chapter.admin,
        f"email,date,what,responsibilities\n{who.email},{TODAY - timedelta(days=8)},"
        "MINE-imported-zq,1;2\n".encode(), today=TODAY)
    assert report.written, report.errors
    key = db.execute("SELECT idempotency_key FROM actions WHERE description = ?",
                     ["MINE-imported-zq"]).fetchone()[0]
    mine += ["MINE-imported-zq", key]
    return who, mine, theirs


def _history(db, chapter_id: int) -> dict[str, list[tuple]]:
    """The chapter's recorded history as counts, every member included (active or not):
    what group figures are computed from."""
    q = lambda sql: [tuple(r) for r in db.execute(sql, [chapter_id])]  # noqa: E731
    return {
        "actions": q("SELECT a.week_start, m.team_id, a.kind, r.responsibility, count(*),"
                     " sum(a.minutes), count(DISTINCT a.member_id) FROM actions a"
                     " JOIN members m ON m.id = a.member_id JOIN action_responsibilities r"
                     " ON r.action_id = a.id WHERE m.chapter_id = ? GROUP BY 1, 2, 3, 4"
                     " ORDER BY 1, 2, 3, 4"),
        "away": q("SELECT w.week_start, m.team_id, count(*) FROM away_weeks w JOIN members m"
                  " ON m.id = w.member_id WHERE m.chapter_id = ? GROUP BY 1, 2 ORDER BY 1, 2"),
        "next_steps": q("SELECT m.team_id, i.kind, i.due_on, i.done_on, count(*) FROM plan_items i"
                        " JOIN plans p ON p.id = i.plan_id JOIN members m ON m.id = p.member_id"
                        " WHERE m.chapter_id = ? GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"),
        "members": q("SELECT team_id, count(*) FROM members WHERE chapter_id = ?"
                     " GROUP BY 1 ORDER BY 1"),
    }


# --- Forget me ---------------------------------------------------------------------------

def test_erasure_leaves_none_of_the_members_words_in_the_file_or_its_wal(chapter, db_path,
                                                                         planted):
    db = chapter.db
    who, mine, theirs = planted
    # Positive control: the search finds every canary while it is stored.
    assert set(_hits(db_path, mine + theirs)) == set(mine + theirs)
    history = _history(db, chapter.chapter.id)
    erasure.request_erasure(db, who)

    result = erasure.forget(db, chapter.admin, who.id, confirm_email=who.email)

    assert result.scrubbed and result.pseudonym == f"Former member {who.id}"
    assert _hits(db_path, mine) == {}
    assert set(_hits(db_path, theirs)) == set(theirs)  # the teammate's words are untouched
    db.conn.close()
    fresh = store.connect(db_path)
    assert _history(fresh, chapter.chapter.id) == history
    gone = roster.get_member(fresh, who.id)
    assert (gone.name, gone.active) == (f"Former member {who.id}", False)
    assert fresh.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fresh.conn.close()


def test_a_forgotten_member_cannot_sign_in(chapter, planted):
    db = chapter.db
    who, _, _ = planted
    pending = passwords.issue_setup_code(db, chapter.admin, who.id).code
    started = sessions.start(db, who)
    token, _age = sessions.collect(db, started.nonce)
    assert sessions.member_for_token(db, token)[1].id == who.id
    erasure.forget_by_email(db, who.email)
    assert sessions.member_for_token(db, token) is None
    assert db.execute("SELECT count(*) FROM sessions WHERE member_id = ?",
                      [who.id]).fetchone()[0] == 0
    with pytest.raises(passwords.SignInFailed):
        passwords.sign_in_with_password(db, who.email, "a long enough password 1")
    assert roster.find_member_by_email(db, who.email) is None  # no provider sign-in either
    assert db.execute("SELECT count(*) FROM setup_codes WHERE member_id = ?",
                      [who.id]).fetchone()[0] == 0
    with pytest.raises(passwords.SignInFailed):  # the code issued before is void
        passwords.redeem_setup_code(db, who.email, pending, "another long password 2")


def test_the_audit_log_records_the_erasure_but_not_the_words(chapter, planted):
    db = chapter.db
    who, mine, _ = planted
    erasure.request_erasure(db, who)
    erasure.forget(db, chapter.admin, who.id, confirm_email=who.email.upper())
    log = [dict(r) for r in db.query("SELECT * FROM audit_log ORDER BY id")]
    text = json.dumps(log)
    assert not [c for c in mine if c in text]
    last = log[-1]
    assert (last["action"], last["table_name"], last["record_id"], last["actor_id"]) == \
        ("forget", "members", str(who.id), chapter.admin.id)
    details = json.loads(last["details"])
    assert details["pseudonym"] == f"Former member {who.id}" and details["by"] == "app"
    assert details["requested_at"] and details["audit_entries_purged"] > 5
    # Every earlier entry is still there, in order: the history of *that* things happened.
    kinds = [(e["action"], e["table_name"]) for e in log if e["actor_id"] == who.id]
    assert ("delete", "actions") in kinds and ("update", "plans") in kinds
    edited = [json.loads(e["details"]) for e in log
              if e["actor_id"] == who.id and e["action"] == "update" and
              e["table_name"] == "actions"]
    assert edited == [{"erased": True, "previous": {
        "done_on": str(TODAY - timedelta(days=3)), "kind": "other", "minutes": None,
        "plan_item_id": None, "responsibilities": [3], "visibility": "private"}}]


def test_the_audit_log_stays_append_only_outside_the_erasure_path(chapter):
    db = chapter.db
    for sql in ("UPDATE audit_log SET details = '{}' WHERE id = 1",
                "DELETE FROM audit_log WHERE id = 1",
                "UPDATE audit_log SET at = '2000-01-01' WHERE id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="audit log cannot be changed"):
            db.execute(sql)
    # Even with the purge flag set, only details may change and nothing may be deleted.
    with store.transaction(db):
        db.execute("UPDATE meta SET value = '1' WHERE key = 'audit_purge'")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE audit_log SET actor_id = 99 WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("DELETE FROM audit_log WHERE id = 1")
        db.execute("UPDATE meta SET value = '0' WHERE key = 'audit_purge'")
    assert db.execute("SELECT value FROM meta WHERE key = 'audit_purge'").fetchone()[0] == "0"


def test_past_figures_are_unchanged_by_an_erasure(demo_db):
    """The chapter's figures for a past period, before and after forgetting a member who
    had left (deactivation alone already takes a member out of the active counts)."""
    db = store.connect(demo_db)
    admin = next(m for m in roster.list_members(db, 1) if m.is_admin and m.active)
    who = max((m for m in roster.list_members(db, 1) if m.role == "member"),
              key=lambda m: db.execute("SELECT count(*) FROM actions WHERE member_id = ?",
                                       [m.id]).fetchone()[0])
    roster.set_member_active(db, admin, who.id, False)
    last = db.execute("SELECT max(week_start) FROM actions").fetchone()[0]
    today = date.fromisoformat(last) + timedelta(days=2)
    period = periods.Period.last_weeks(12, today - timedelta(weeks=1))

    def figures():
        frames = overview.team_progress(db, admin, scopes.Scope(1), period, today=today)
        return {k: v for k, v in vars(frames).items()}

    before, history = figures(), _history(db, 1)
    erasure.forget(db, admin, who.id, confirm_email=who.email)
    after = figures()
    assert _history(db, 1) == history
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, after[key], check_like=True)
        else:
            assert value == after[key], key
    db.conn.close()


def test_only_an_admin_of_the_chapter_or_the_operator_confirms(chapter, planted):
    db = chapter.db
    who, _, _ = planted
    erasure.request_erasure(db, who)
    for not_admin in (chapter.lead, chapter.member, who):
        with pytest.raises(access.PermissionDenied):
            erasure.forget(db, not_admin, who.id, confirm_email=who.email)
    with pytest.raises(ValidationError, match="exactly"):
        erasure.forget(db, chapter.admin, who.id, confirm_email="someone@else.org")
    # An active member who has not asked cannot be forgotten by an admin.
    with pytest.raises(ValidationError, match="not asked"):
        erasure.forget(db, chapter.admin, chapter.other.id, confirm_email=chapter.other.email)
    with pytest.raises(access.PermissionDenied):  # an admin never confirms their own
        erasure.request_erasure(db, chapter.admin)
        erasure.forget(db, chapter.admin, chapter.admin.id, confirm_email=chapter.admin.email)
    assert not erasure.is_forgotten(db, who.id)
    erasure.forget(db, chapter.admin, who.id, confirm_email=who.email)
    with pytest.raises(ValidationError, match="already"):
        erasure.forget(db, None, who.id, confirm_email=f"former-member-{who.id}@forgotten.invalid")


def test_a_forgotten_member_cannot_be_reactivated(chapter, planted):
    db = chapter.db
    who, _, _ = planted
    erasure.forget_by_email(db, who.email, scrub=False)
    with pytest.raises(ValidationError, match="forgotten"):
        roster.set_member_active(db, chapter.admin, who.id, True)
    with pytest.raises(sqlite3.IntegrityError, match="forgotten"):  # nor behind the app's back
        db.execute("UPDATE members SET active = 1 WHERE id = ?", [who.id])


def test_request_withdraw_and_decline_are_audited(chapter):
    db, m = chapter.db, chapter.member
    erasure.request_erasure(db, m)
    erasure.request_erasure(db, m)  # asking twice is one request
    assert [x.id for x, _ in erasure.pending_requests(db, chapter.admin)] == [m.id]
    erasure.withdraw_request(db, m)
    assert erasure.pending_requests(db, chapter.admin) == []
    erasure.request_erasure(db, m)
    erasure.decline_request(db, chapter.admin, m.id)
    actions = [r[0] for r in db.execute(
        "SELECT action FROM audit_log WHERE table_name = 'members' AND record_id = ?"
        " AND action LIKE '%erasure%' ORDER BY id", [str(m.id)])]
    assert actions == ["request erasure", "withdraw erasure request", "request erasure",
                       "decline erasure request"]


def test_the_last_active_admin_cannot_be_forgotten(chapter):
    db = chapter.db
    with pytest.raises(ValidationError, match="last active admin"):
        erasure.forget(db, None, chapter.admin.id, confirm_email=chapter.admin.email)


def test_every_table_says_what_erasure_does_to_it(db):
    """A table added later must be classified in erasure.TABLES (delete, blank, keep…),
    or a forgotten member's data could stay behind in it unnoticed."""
    tables = {r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    assert tables - set(erasure.TABLES) == set()


def test_forget_on_the_command_line(chapter, db_path, planted):
    who, mine, _ = planted
    chapter.db.conn.close()
    runner = CliRunner()
    refused = runner.invoke(cli, ["forget", "--email", who.email, "--db", str(db_path)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    unknown = runner.invoke(cli, ["forget", "--email", "nobody@example.org", "--db",
                                  str(db_path), "--yes"])
    assert unknown.exit_code == 1 and "No member" in unknown.output
    done = runner.invoke(cli, ["forget", "--email", who.email, "--db", str(db_path), "--yes"])
    assert done.exit_code == 0, done.output
    assert f"Former member {who.id}" in done.output
    assert _hits(db_path, mine) == {}
    db = store.connect(db_path)
    last = db.execute("SELECT actor_id, action, details FROM audit_log ORDER BY id DESC"
                      " LIMIT 1").fetchone()
    assert last[0] is None and last[1] == "forget" and json.loads(last[2])["by"] == "cli"


# --- My data --------------------------------------------------------------------------------

def _zip(db, who) -> dict[str, bytes]:
    buf = io.BytesIO()
    mydata.write_zip(db, who, buf)
    with zipfile.ZipFile(buf) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_my_data_holds_every_canary_of_mine_and_none_of_anyone_elses(chapter, planted):
    db = chapter.db
    who, mine, theirs = planted
    files = _zip(db, who)
    everything = b"\n".join(files.values()).decode("utf-8")
    secrets = {mine[-3]}  # the password hash never leaves
    keys = {mine[-1]}  # an import key is bookkeeping, not data (kept: it is their row's)
    assert [c for c in mine if c not in everything and c not in secrets | keys] == []
    assert [c for c in secrets if c in everything] == []
    assert [c for c in theirs if c in everything] == []
    assert "Tam Mate" not in everything and "tam@example.org" not in everything
    names = {n.rsplit(".", 1)[0] for n in files if n != "README.txt"}
    assert names == {d.name for d in mydata.available_datasets(db)}
    assert all(f"{n}.csv" in files and f"{n}.json" in files for n in names)
    readme = files["README.txt"].decode()
    assert all(d.name in readme for d in mydata.available_datasets(db))


def test_my_data_files_read_back_as_csv_and_json(chapter, planted):
    db = chapter.db
    who, _, _ = planted
    files = _zip(db, who)
    actions = pd.read_csv(io.BytesIO(files["actions.csv"]), encoding="utf-8-sig")
    assert len(actions) == db.execute("SELECT count(*) FROM actions WHERE member_id = ?",
                                      [who.id]).fetchone()[0]
    revisions = json.loads(files["plan_revisions.json"])
    assert [r["version"] for r in revisions["rows"]] == [1]
    assert revisions["rows"][0]["snapshot"]["focus_group"] == "MINE-focus1-zq"
    reflections = json.loads(files["reflections.json"])["rows"]
    texts = {q.number: q.text for q in PRACTICE_QUESTIONS}
    assert reflections and all(r["question_text"] == texts[r["question"]] for r in reflections)
    audit_rows = json.loads(files["audit_log.json"])["rows"]
    assert any(r["action"] == "delete" and r["details"]["previous"]["description"] ==
               "MINE-deleted-zq" for r in audit_rows)


def test_an_admins_data_leaves_out_the_members_they_manage(chapter, planted):
    db = chapter.db
    who, mine, _ = planted
    everything = b"".join(_zip(db, chapter.admin).values()).decode("utf-8")
    assert "Kanarie" not in everything and "kanarie-mailzq" not in everything
    assert "Tam Mate" not in everything and "oz@example.org" not in everything
    assert "Ada Admin" in everything


def test_a_formula_in_my_words_opens_as_text(chapter):
    db, m = chapter.db, chapter.member
    journal.log_action(db, m, ActionDraft(TODAY, "=HYPERLINK(\"http://x\")", (1,)), today=TODAY)
    csv_text = _zip(db, m)["actions.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text


def test_only_the_member_downloads_their_data_and_it_is_audited(chapter):
    db = chapter.db
    gone = roster.set_member_active(db, chapter.admin, chapter.member.id, False)
    with pytest.raises(access.PermissionDenied):
        mydata.write_zip(db, gone, io.BytesIO())
    # No function takes someone else's id: the actor *is* whose data it is.
    out = mydata.zip_file(db, chapter.other)
    assert zipfile.ZipFile(out).read("profile.csv").decode("utf-8-sig").count("oz@example.org") == 1
    row = db.execute("SELECT actor_id, action, table_name, record_id FROM audit_log"
                     " ORDER BY id DESC LIMIT 1").fetchone()
    assert tuple(row) == (chapter.other.id, "download", "my_data", str(chapter.other.id))


@pytest.mark.slow
def test_my_data_is_streamed_in_one_snapshot_and_works_at_size(chapter, db_path):
    """Thousands of actions: the zip is written from the cursor to a temporary file."""
    db, m = chapter.db, chapter.member
    drafts = [ActionDraft(date(2026, 1, 5) + timedelta(days=i % 150), f"row {i} " + "x" * 200,
                          (i % 8 + 1,)) for i in range(2000)]
    journal.log_actions(db, m, drafts, today=TODAY)
    out = mydata.zip_file_at(str(db_path), m.id)
    with zipfile.ZipFile(out) as zf:
        assert zf.read("actions.csv").count(b"\n") == 2001
        assert len(json.loads(zf.read("actions.json"))["rows"]) == 2000


# --- retention --------------------------------------------------------------------------------

def _reflect(db, who, weeks_ago: int) -> None:
    journal.save_reflection(db, who, ReflectionDraft(TODAY - timedelta(weeks=weeks_ago),
                                                     {2: f"week -{weeks_ago}"}), today=TODAY)


def test_months_before_clamps_to_the_end_of_a_shorter_month():
    assert retention.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert retention.months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    assert retention.oldest_kept_week(date(2026, 6, 10), 3) == date(2026, 3, 9)


def test_retention_removes_exactly_the_reflections_past_the_limit(chapter):
    db = chapter.db
    for weeks in range(0, 22):
        for who in (chapter.member, chapter.other, chapter.teammate):
            _reflect(db, who, weeks)
    retention.set_chapter_months(db, chapter.admin, 3)
    # The teammate keeps theirs for 1 month: the shorter limit wins.
    retention.set_my_months(db, chapter.teammate, 1, today=TODAY - timedelta(weeks=40))
    keep_from = retention.oldest_kept_week(TODAY, 3).isoformat()
    keep_from_1 = retention.oldest_kept_week(TODAY, 1).isoformat()
    expected = {
        m.id: [r[0] for r in db.execute(
            "SELECT week_start FROM reflections WHERE member_id = ? AND week_start >= ?"
            " ORDER BY 1", [m.id, keep_from_1 if m is chapter.teammate else keep_from])]
        for m in (chapter.member, chapter.other, chapter.teammate)}
    due = retention.count_due(db, TODAY)
    total_before = db["reflections"].count

    first = retention.run(db, today=TODAY)

    assert first.total == due == total_before - sum(len(v) for v in expected.values()) > 0
    for m_id, weeks in expected.items():
        assert [r[0] for r in db.execute("SELECT week_start FROM reflections WHERE member_id = ?"
                                         " ORDER BY 1", [m_id])] == weeks
    assert min(expected[chapter.member.id]) == keep_from  # the boundary week is kept
    assert retention.run(db, today=TODAY).total == 0  # the next run removes nothing
    entry = db.execute("SELECT actor_id, details FROM audit_log WHERE action = 'retention'"
                       " ORDER BY id DESC LIMIT 1").fetchone()
    assert entry[0] is None and json.loads(entry[1])["count"] == first.total
    assert "week -" not in entry[1]


def test_retention_is_off_by_default(chapter):
    for w in (1, 40, 100):
        _reflect(chapter.db, chapter.member, w)
    assert retention.run(chapter.db, today=TODAY).total == 0
    assert chapter.db["reflections"].count == 3


def test_my_own_choice_applies_at_once_to_my_reflections_only(chapter):
    db = chapter.db
    for w in (1, 20, 40):
        _reflect(db, chapter.member, w)
        _reflect(db, chapter.other, w)
    assert retention.set_my_months(db, chapter.member, 6, today=TODAY) == 1
    assert db.execute("SELECT count(*) FROM reflections WHERE member_id = ?",
                      [chapter.other.id]).fetchone()[0] == 3
    with pytest.raises(ValidationError):
        retention.set_my_months(db, chapter.member, 0, today=TODAY)
    with pytest.raises(access.PermissionDenied):
        retention.set_chapter_months(db, chapter.member, 6)


def test_retention_on_the_command_line(chapter, db_path):
    for w in (1, 60):
        _reflect(chapter.db, chapter.member, w)
    retention.set_chapter_months(chapter.db, chapter.admin, 12)
    runner = CliRunner()
    dry = runner.invoke(cli, ["retention", "run", "--db", str(db_path), "--dry-run",
                              "--today", str(TODAY)])
    assert dry.exit_code == 0 and "1 reflection" in dry.output
    assert chapter.db["reflections"].count == 2
    done = runner.invoke(cli, ["retention", "run", "--db", str(db_path), "--today", str(TODAY)])
    assert done.exit_code == 0 and "deleted 1 reflection" in done.output
    again = runner.invoke(cli, ["retention", "run", "--db", str(db_path), "--today", str(TODAY)])
    assert again.exit_code == 0 and "no reflections" in again.output


def test_the_in_app_scheduler_runs_retention_when_the_server_starts(chapter, db_path,
                                                                    monkeypatch):
    import asyncio

    from allyship.web import background, registry

    assert background.retention_scheduler in registry.LIFESPAN_HOOKS
    for w in (1, 200):
        _reflect(chapter.db, chapter.member, w)
    retention.set_chapter_months(chapter.db, chapter.admin, 12)
    monkeypatch.setenv("ALLYSHIP_DB", str(db_path))

    async def serve_briefly() -> None:
        async with registry.lifespan(None):
            for _ in range(100):
                if chapter.db["reflections"].count == 1:
                    break
                await asyncio.sleep(0.05)

    asyncio.run(serve_briefly())
    assert chapter.db["reflections"].count == 1


def test_an_erasure_is_reapplied_to_a_backup_restored_from_before_it(chapter, db_path,
                                                                    planted, tmp_path):
    from allyship.db import backup

    who, mine, _ = planted
    old = tmp_path / "before-erasure.db"
    backup.backup(db_path, old)
    erasure.forget_by_email(chapter.db, who.email)
    assert set(_hits(old, mine)) == set(mine)  # the backup still holds everything
    runner = CliRunner()
    listed = runner.invoke(cli, ["forget", "--list", "--db", str(db_path)])
    assert f"Former member {who.id} (member id {who.id})" in listed.output
    again = runner.invoke(cli, ["forget", "--db", str(old), "--again-from", str(db_path),
                                "--yes"])
    assert again.exit_code == 0 and "1 erasure re-applied" in again.output, again.output
    assert _hits(old, mine) == {}
    twice = runner.invoke(cli, ["forget", "--db", str(old), "--again-from", str(db_path),
                                "--yes"])
    assert "0 erasures re-applied" in twice.output


def test_a_reader_holding_the_file_is_reported_and_scrub_finishes_later(chapter, db_path,
                                                                        planted, monkeypatch):
    monkeypatch.setattr(erasure, "SCRUB_WAIT_MS", 200)  # how long it waits for the reader
    who, mine, _ = planted
    reader = sqlite3.connect(db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM actions").fetchone()  # holds an old snapshot
    result = erasure.forget_by_email(chapter.db, who.email)
    assert not result.scrubbed and "--scrub" in result.summary()
    assert roster.get_member(chapter.db, who.id).name == f"Former member {who.id}"
    reader.rollback()
    reader.close()
    chapter.db.conn.close()
    done = CliRunner().invoke(cli, ["forget", "--scrub", "--db", str(db_path)])
    assert done.exit_code == 0 and "rewritten" in done.output
    assert _hits(db_path, mine) == {}


def test_the_same_confirmation_sent_16_times_at_once_forgets_once(chapter, db_path, planted):
    who, mine, _ = planted
    erasure.request_erasure(chapter.db, who)
    admin = chapter.admin
    results = at_once(16, db_path, lambda db, _i: erasure.forget(db, admin, who.id,
                                                              confirm_email=who.email))
    done = [r for r in results if isinstance(r, erasure.ErasureResult)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1 and len(refused) == 15, results
    assert all("already been forgotten" in str(r) for r in refused)
    assert chapter.db.execute("SELECT count(*) FROM audit_log WHERE action = 'forget'"
                              ).fetchone()[0] == 1
    erasure.scrub_file(chapter.db)
    assert _hits(db_path, mine) == {}


def test_asking_16_times_at_once_is_one_request(chapter, db_path):
    m = chapter.member
    results = at_once(16, db_path, lambda db, _i: erasure.request_erasure(db, m))
    assert not [r for r in results if isinstance(r, Exception)]
    assert chapter.db.execute("SELECT count(*) FROM audit_log WHERE action = 'request erasure'"
                              ).fetchone()[0] == 1


def test_retention_run_16_times_at_once_deletes_each_reflection_once(chapter, db_path):
    for w in range(1, 30):
        _reflect(chapter.db, chapter.member, w)
    retention.set_chapter_months(chapter.db, chapter.admin, 3)
    due = retention.count_due(chapter.db, TODAY)
    results = at_once(16, db_path, lambda db, _i: retention.run(db, today=TODAY).total)
    assert sorted(results, reverse=True)[0] == due and sum(results) == due, results
    counted = sum(json.loads(r[0])["count"] for r in chapter.db.execute(
        "SELECT details FROM audit_log WHERE action = 'retention'"))
    assert counted == due


def test_the_operator_writes_the_data_of_a_member_who_cannot_sign_in(chapter, db_path,
                                                                    planted, tmp_path):
    who, mine, theirs = planted
    roster.set_member_active(chapter.db, chapter.admin, who.id, False)
    out = tmp_path / "their-data.zip"
    runner = CliRunner()
    done = runner.invoke(cli, ["my-data", "--email", who.email, "--out", str(out), "--db",
                               str(db_path)])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as zf:
        everything = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8")
    assert "MINE-reflect9q4-zq" in everything and "THEIRS-reflect9q4-zq" not in everything
    again = runner.invoke(cli, ["my-data", "--email", who.email, "--out", str(out), "--db",
                                str(db_path)])
    assert again.exit_code == 1 and "exists" in again.output
    entry = chapter.db.execute("SELECT actor_id, record_id, details FROM audit_log"
                               " WHERE action = 'download' ORDER BY id DESC").fetchone()
    assert entry[0] is None and entry[1] == str(who.id) and '"by": "cli"' in entry[2]


def test_forgetting_an_admin_keeps_what_they_recorded_about_others(chapter):
    db = chapter.db
    second = roster.add_member(db, chapter.admin, MemberDraft("Second Admin", "two@example.org",
                                                              "admin"))
    newcomer = roster.add_member(db, second, MemberDraft("New Comer", "newcomer@example.org"))
    roster.change_role(db, second, chapter.member.id, "lead")
    erasure.forget(db, None, second.id, confirm_email=second.email)
    created = json.loads(db.execute(
        "SELECT details FROM audit_log WHERE action = 'create' AND table_name = 'members'"
        " AND record_id = ?", [str(newcomer.id)]).fetchone()[0])
    assert created["name"] == "New Comer" and created["email"] == "newcomer@example.org"
    about_second = json.loads(db.execute(
        "SELECT details FROM audit_log WHERE action = 'create' AND table_name = 'members'"
        " AND record_id = ?", [str(second.id)]).fetchone()[0])
    assert about_second == {"erased": True, "role": "admin", "team_id": None}
    assert "two@example.org" not in json.dumps([tuple(r) for r in db.execute(
        "SELECT * FROM audit_log")])


def test_reminders_and_calendar_feed_go_with_the_erasure(chapter, planted):
    from allyship.rhythm import feeds, nudges

    db = chapter.db
    who, _, _ = planted
    nudges.save_setting(db, who, "reminder", enabled=True, weekday=4, hour=17)
    feeds.new_feed_token(db, who)
    files = _zip(db, who)
    assert "reminders.csv" in files and b"reminder" in files["reminders.csv"]
    erasure.forget_by_email(db, who.email, scrub=False)
    for table in ("nudge_settings", "feed_tokens", "outbox"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE member_id = ?",
                          [who.id]).fetchone()[0] == 0, table
