"""Hostile and malformed text wherever it enters — forms, CSV, the domain — gets a clear
message or is stored and shown as inert text. Nothing crashes; nothing is corrupted."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from apptest_helpers import all_text, by_label, goto, open_app, open_log_tab

from allyship import demo
from allyship.core.models import (
    TEXT_MAX,
    ActionDraft,
    MemberDraft,
    PlanDraft,
    ReflectionDraft,
    ValidationError,
    clean_text,
)
from allyship.db import store
from allyship.people import roster
from allyship.practice import journal, plans
from allyship.rights import mydata
from allyship.transfer import csv_files, csv_import

TODAY = date(2026, 6, 1)

# (name, text): what people paste, by accident or on purpose.
HOSTILE = [
    ("empty", ""),
    ("whitespace", " \t\n  "),
    ("over-long", "x" * (TEXT_MAX + 1)),
    ("nul byte", "before\x00after"),
    ("emoji and combining", "Walk 🌱🏳️‍🌈 with café and cafe\u0301"),
    ("right-to-left", "\u202eevil.exe\u202c and עברית ودعم"),
    ("html script", "<script>alert('x')</script><img src=x onerror=alert(1)>"),
    ("markdown link and image", "[click](javascript:alert(1)) ![img](http://evil.example/a.png)"),
    ("sql fragment", "Robert'); DROP TABLE actions;--"),
    ("spreadsheet formula", '=HYPERLINK("http://evil.example","Click me")'),
    ("markdown heading", "# Big\n---\n**bold** | table |"),
]
REJECTED = {"empty", "whitespace", "over-long", "nul byte"}


def accepted(name: str) -> bool:
    return name not in REJECTED


@pytest.mark.parametrize("name, text", HOSTILE, ids=[n for n, _ in HOSTILE])
def test_an_action_is_refused_with_a_reason_or_stored_as_typed(chapter, name, text):
    draft = ActionDraft(date(2026, 3, 2), text, (2,))
    if not accepted(name):
        with pytest.raises(ValidationError) as exc:
            journal.log_action(chapter.db, chapter.member, draft, today=TODAY)
        assert "What you did" in str(exc.value)
        assert chapter.db.execute("SELECT count(*) FROM actions").fetchone()[0] == 0
        return
    action = journal.log_action(chapter.db, chapter.member, draft, today=TODAY)
    assert action.description == clean_text(text, "x")
    assert chapter.db.execute("SELECT count(*) FROM actions").fetchone()[0] == 1
    assert chapter.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("name, text", HOSTILE, ids=[n for n, _ in HOSTILE])
def test_plans_reflections_and_member_names_take_the_same_care(chapter, name, text):
    db, me = chapter.db, chapter.member
    # A plan's motivation is optional: only over-long text and control characters fail.
    if name in {"over-long", "nul byte"}:
        with pytest.raises(ValidationError) as exc:
            plans.save_plan(db, me, PlanDraft("Black birders", motivation=text), today=TODAY)
        assert "motivation" in exc.value.errors
    else:
        plan = plans.save_plan(db, me, PlanDraft("Black birders", motivation=text), today=TODAY)
        assert plan.motivation == clean_text(text, "x", required=False)
    # A reflection needs at least one real answer.
    if accepted(name):
        saved = journal.save_reflection(db, me, ReflectionDraft(date(2026, 3, 2), {1: text}),
                                        today=TODAY)
        assert saved[0].answer == clean_text(text, "x")
    else:
        with pytest.raises(ValidationError):
            journal.save_reflection(db, me, ReflectionDraft(date(2026, 3, 2), {1: text}),
                                    today=TODAY)
    # A member's name is required, at most 120 characters, one line of visible text
    # (no line breaks, no invisible formatting such as a right-to-left override).
    short = text[:100]
    if name in {"empty", "whitespace", "nul byte", "right-to-left", "markdown heading"}:
        with pytest.raises(ValidationError) as exc:
            roster.add_member(db, chapter.admin, MemberDraft(short, "new@example.org"))
        assert "name" in exc.value.errors
    else:
        m = roster.add_member(db, chapter.admin, MemberDraft(short, "new@example.org"))
        assert m.name == clean_text(short, "x")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("day, words", [("2999-01-01", "in the future"),
                                        ("1900-01-01", "when this chapter's programme started"),
                                        ("0001-01-01", "when this chapter's programme started"),
                                        ("31/12/2026", "YYYY-MM-DD"), ("yesterday", "YYYY-MM-DD")])
def test_dates_in_the_future_the_far_past_or_another_format_are_refused(chapter, day, words):
    with pytest.raises(ValidationError) as exc:
        journal.log_action(chapter.db, chapter.member, ActionDraft(day, "Walk", (2,)),
                           today=TODAY)
    assert words in exc.value.errors["done_on"]


def test_hostile_text_imported_from_csv_is_stored_inert_and_exported_safe(chapter):
    good = [(n, t) for n, t in HOSTILE if accepted(n)]
    buf = io.StringIO(newline="")
    import csv

    w = csv.writer(buf)
    w.writerow(["email", "date", "what", "responsibilities"])
    for _, text in good:
        w.writerow(["mo@example.org", "2026-03-02", text, "2"])
    report = csv_import.import_csv(chapter.db, chapter.admin, buf.getvalue().encode(), today=TODAY)
    assert report.ok, report.errors
    stored = {r[0] for r in chapter.db.execute("SELECT description FROM actions")}
    assert stored == {clean_text(t, "x") for _, t in good}
    with zipfile.ZipFile(mydata.zip_file(chapter.db, chapter.member)) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("actions.csv").decode("utf-8-sig"))))
    assert all(not r["description"].startswith(csv_files.FORMULA_TRIGGERS) for r in rows)
    assert {csv_files.unsafe_cell(r["description"]) for r in rows} == stored


def test_a_csv_with_nul_bytes_and_over_long_cells_is_refused_row_by_row(chapter):
    data = ("email,date,what,responsibilities\n"
            "mo@example.org,2026-03-02,a\x00b,2\n"
            f"mo@example.org,2026-03-02,{'y' * (TEXT_MAX + 5)},2\n").encode()
    report = csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY)
    assert [(e.row, e.column) for e in report.errors] == [(2, "what"), (3, "what")]
    assert "control characters" in report.errors[0].reason
    assert chapter.db.execute("SELECT count(*) FROM actions").fetchone()[0] == 0


def test_a_gigantic_cell_is_a_clear_error_not_a_crash(chapter):
    data = b"email,date,what,responsibilities\nmo@example.org,2026-03-02," + b"z" * 200_000 + b",2\n"
    report = csv_import.import_csv(chapter.db, chapter.admin, data, today=TODAY)
    assert not report.ok and report.errors[0].reason


# --- the forms, through AppTest --------------------------------------------------------------

# Over-long text cannot come through a form: the widget's max_chars refuses it (as the
# browser does), so the form tests use the rest; the domain tests above cover it.
FORM_HOSTILE = [(n, t) for n, t in HOSTILE if n != "over-long"]


def assert_inert(at) -> None:
    """No exception, and nothing rendered as HTML."""
    assert not at.exception, [e.value for e in at.exception]
    assert "allow_html: true" not in all_text(at)


def robin(path):
    db = store.connect(path)
    return db, roster.find_member_by_email(db, demo.PERSONAS["member"])


@pytest.mark.slow
def test_hostile_text_in_the_log_an_action_form(demo_db):
    at = goto(open_app(), "log_actions")
    db, me = robin(demo_db)
    for name, text in FORM_HOSTILE:
        before = db.execute("SELECT count(*) FROM actions").fetchone()[0]
        form = at.tabs[0]
        by_label(form.text_area, "What I did").input(text)
        by_label(form.checkbox, "2. Listen more, speak less").check()
        next(b for b in form.button if b.label == "Log action").click().run()
        assert_inert(at)
        after = db.execute("SELECT count(*) FROM actions").fetchone()[0]
        if accepted(name):
            assert not at.error, (name, at.error[0].value)
            assert after == before + 1, name
            last = db.execute("SELECT description FROM actions ORDER BY id DESC").fetchone()[0]
            assert last == clean_text(text, "x")
        else:
            assert at.error and "What you did" in at.error[0].value, name
            assert after == before, name
    # The list of recent actions shows them as data, not markup.
    open_log_tab(at, "My recent actions")
    assert_inert(at)
    assert any("DROP TABLE" in o for o in at.tabs[2].selectbox[0].options)


def test_hostile_text_in_the_reflect_form(demo_db):
    at = goto(open_app(), "reflect")
    db, me = robin(demo_db)
    for name, text in FORM_HOSTILE:
        by_label(at.text_area, "1. How much space").input(text)
        by_label(at.text_area, "5. Who are we leaving behind?").input("Families without cars")
        next(b for b in at.button if b.label == "Save reflections").click().run()
        assert_inert(at)
        saved = db.execute("SELECT answer FROM reflections WHERE member_id = ? AND question = 1"
                           " AND week_start = (SELECT max(week_start) FROM reflections"
                           " WHERE member_id = ?)", [me.id, me.id]).fetchone()
        if accepted(name):
            assert not at.error, (name, at.error[0].value)
            assert saved[0] == clean_text(text, "x"), name
        elif name == "nul byte":
            assert at.error and "question 1" in at.error[0].value, name
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_hostile_text_in_my_plan(demo_db):
    at = goto(open_app(), "my_plan")
    db, me = robin(demo_db)
    for name, text in FORM_HOSTILE:
        by_label(at.text_input, "Group to be in allyship with").input(text[:120])
        by_label(at.text_area, "What is your personal motivation").input(text)
        next(b for b in at.button if b.label == "Save plan").click().run()
        assert_inert(at)
        row = db.execute("SELECT focus_group, motivation FROM plans WHERE member_id = ?",
                         [me.id]).fetchone()
        if accepted(name):
            assert not at.error, (name, at.error[0].value)
            assert tuple(row) == (clean_text(text[:120], "x"), clean_text(text, "x")), name
        else:
            assert at.error, name
    # Earlier versions are shown as plain text: the newest is the formula, as typed.
    assert_inert(at)
    assert any("Earlier versions" in e.label for e in at.expander)
    assert any(t.value.startswith("=HYPERLINK(") for t in at.text)
