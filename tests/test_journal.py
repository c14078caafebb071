"""The journal: actions, weeks away, consistency and reflections."""

from datetime import date, timedelta

import pytest

from allyship.core.access import PermissionDenied
from allyship.core.models import ActionDraft, ReflectionDraft, ValidationError
from allyship.db import store
from allyship.practice import journal

TODAY = date(2026, 11, 26)  # a Thursday; its week starts Monday 23 November
MONDAY = date(2026, 11, 23)


def act(day=TODAY, text="Listened more", resp=(2,), **kw):
    return ActionDraft(done_on=day, description=text, responsibilities=resp, **kw)


def test_an_action_is_stored_with_its_week_and_responsibilities(chapter):
    a = journal.log_action(chapter.db, chapter.member, act(resp=(2, 5), kind="feedback"),
                           today=TODAY)
    assert a.week_start == MONDAY and a.responsibilities == (2, 5)
    assert a.visibility == "private"  # private by default
    assert journal.list_my_actions(chapter.db, chapter.member) == [a]


def test_the_same_form_submitted_twice_is_logged_once(chapter):
    first = journal.log_action(chapter.db, chapter.member, act(idempotency_key="k1"), today=TODAY)
    again = journal.log_action(chapter.db, chapter.member, act(idempotency_key="k1"), today=TODAY)
    assert first.id == again.id and chapter.db["actions"].count == 1


def test_a_bad_action_writes_nothing(chapter):
    v = store.data_version(chapter.db)
    with pytest.raises(ValidationError):
        journal.log_action(chapter.db, chapter.member, act(resp=()), today=TODAY)
    assert chapter.db["actions"].count == 0 and store.data_version(chapter.db) == v


def test_catching_up_on_a_week_is_all_or_nothing(chapter):
    rows = [act(MONDAY, "Read a history"), act(MONDAY, "", resp=(4,))]
    with pytest.raises(ValidationError) as err:
        journal.log_actions(chapter.db, chapter.member, rows, today=TODAY)
    assert "row 2: description" in err.value.errors
    assert chapter.db["actions"].count == 0
    done = journal.log_actions(chapter.db, chapter.member, rows[:1] * 3, today=TODAY)
    assert len(done) == 3


def test_only_the_author_edits_or_deletes_an_action(chapter):
    a = journal.log_action(chapter.db, chapter.member, act(visibility="chapter"), today=TODAY)
    for other in (chapter.lead, chapter.admin, chapter.teammate):
        with pytest.raises(PermissionDenied):
            journal.update_action(chapter.db, other, a.id, act(text="changed"), today=TODAY)
        with pytest.raises(PermissionDenied):
            journal.delete_action(chapter.db, other, a.id)
    journal.update_action(chapter.db, chapter.member, a.id, act(text="changed", resp=(1, 8)),
                          today=TODAY)
    assert journal.get_action(chapter.db, chapter.member, a.id).responsibilities == (1, 8)
    journal.delete_action(chapter.db, chapter.member, a.id)
    assert chapter.db["actions"].count == 0 and chapter.db["action_responsibilities"].count == 0


@pytest.mark.parametrize("visibility, readers", [
    ("private", set()),
    ("team", {"lead", "teammate"}),
    ("chapter", {"lead", "teammate", "admin", "other"}),
])
def test_who_reads_an_action_follows_its_visibility(chapter, visibility, readers):
    a = journal.log_action(chapter.db, chapter.member, act(visibility=visibility), today=TODAY)
    for name in ("lead", "teammate", "admin", "other"):
        reader = getattr(chapter, name)
        shared = [x.id for _, x in journal.list_shared_actions(chapter.db, reader)]
        if name in readers:
            assert a.id in shared
            assert journal.get_action(chapter.db, reader, a.id).id == a.id
        else:
            assert a.id not in shared
            with pytest.raises(PermissionDenied):
                journal.get_action(chapter.db, reader, a.id)


def test_linking_an_action_to_someone_elses_plan_item_is_refused(chapter):
    from allyship.core.models import PlanDraft, PlanItemDraft
    from allyship.practice import plans

    theirs = plans.save_plan(chapter.db, chapter.teammate,
                             PlanDraft("G", items=(PlanItemDraft("next_step", "x"),)), today=TODAY)
    with pytest.raises(ValidationError):
        journal.log_action(chapter.db, chapter.member, act(plan_item_id=theirs.items[0].id),
                           today=TODAY)


def test_consistency_counts_active_weeks_and_forgives_away_weeks(chapter):
    db, me = chapter.db, chapter.member
    for weeks_ago in (1, 2, 4):  # active last week, two weeks ago, four weeks ago
        journal.log_action(db, me, act(MONDAY - timedelta(weeks=weeks_ago)), today=TODAY)
    c = journal.my_consistency(db, me, today=TODAY)
    # This week is still open, so the run counts weeks 1 and 2 ago; week 3 ago breaks it.
    assert (c.weeks_active, c.weeks_counted, c.current_run) == (3, 12, 2)
    journal.set_away(db, me, MONDAY - timedelta(weeks=3))
    c = journal.my_consistency(db, me, today=TODAY)
    assert (c.weeks_active, c.weeks_counted, c.current_run) == (3, 11, 3)
    journal.log_action(db, me, act(TODAY), today=TODAY)
    assert journal.my_consistency(db, me, today=TODAY).current_run == 4


def test_reflections_are_saved_per_week_and_private_by_default(chapter):
    db, me = chapter.db, chapter.member
    journal.save_reflection(db, me, ReflectionDraft(TODAY, {1: "I spoke first", 5: "New folk"}),
                            today=TODAY)
    saved = journal.save_reflection(db, me, ReflectionDraft(TODAY, {1: "", 5: "Newcomers"}),
                                    today=TODAY)
    assert [(r.question, r.answer, r.visibility) for r in saved] == [(5, "Newcomers", "private")]
    assert journal.my_reflections(db, chapter.lead, TODAY) == []
    assert journal.reflection_weeks(db, me) == [MONDAY]


def test_reflection_words_never_reach_the_audit_log(chapter):
    journal.save_reflection(chapter.db, chapter.member,
                            ReflectionDraft(TODAY, {2: "MARKER-REFLECTION-91x"}), today=TODAY)
    assert not list(chapter.db.query(
        "SELECT * FROM audit_log WHERE details LIKE '%MARKER-REFLECTION-91x%'"))


def test_shared_with_me_shows_others_team_and_chapter_entries_never_private_or_my_own(chapter):
    db = chapter.db
    journal.log_action(db, chapter.teammate, act(text="TEAM-SHARED", visibility="team"),
                       today=TODAY)
    journal.log_action(db, chapter.other, act(text="CHAPTER-SHARED", visibility="chapter"),
                       today=TODAY)
    journal.log_action(db, chapter.other, act(text="OTHER-TEAM-ONLY", visibility="team"),
                       today=TODAY)
    journal.log_action(db, chapter.teammate, act(text="PRIVATE-MARKER"), today=TODAY)
    journal.log_action(db, chapter.member, act(text="MINE", visibility="chapter"), today=TODAY)
    seen = {a.description for _, a in journal.shared_with_me(db, chapter.member)}
    assert seen == {"TEAM-SHARED", "CHAPTER-SHARED"}


def test_several_members_are_looked_up_in_one_go_and_unknown_ids_are_left_out(chapter):
    from allyship.people import roster
    found = roster.get_members(chapter.db, [chapter.member.id, chapter.other.id,
                                            chapter.member.id, 10**9])
    assert found == {chapter.member.id: roster.get_member(chapter.db, chapter.member.id),
                     chapter.other.id: roster.get_member(chapter.db, chapter.other.id)}
