"""The action plan: saving keeps every earlier version; only its author touches it."""

from datetime import date

import pytest

from allyship.core.access import PermissionDenied
from allyship.core.models import PlanDraft, PlanItemDraft, ValidationError
from allyship.db import store
from allyship.practice import plans

TODAY = date(2026, 11, 26)


def draft(focus="Black birders", **kw):
    items = kw.pop("items", (PlanItemDraft("learning_activity", "Reading circle"),
                             PlanItemDraft("next_step", "Attend open meeting",
                                           due_on=date(2026, 12, 1))))
    return PlanDraft(focus, kw.pop("motivation", "Belonging"), "More eyes on the marsh", "",
                     items)


def test_a_member_writes_a_plan_with_activities_and_next_steps(chapter):
    plan = plans.save_plan(chapter.db, chapter.member, draft(), today=TODAY)
    assert plan.version == 1
    assert [i.text for i in plan.learning_activities] == ["Reading circle"]
    assert [(i.text, i.due_on) for i in plan.next_steps] == \
        [("Attend open meeting", date(2026, 12, 1))]


def test_saving_again_keeps_the_previous_version(chapter):
    db, me = chapter.db, chapter.member
    first = plans.save_plan(db, me, draft(), today=TODAY)
    step = first.next_steps[0]
    second = plans.save_plan(db, me, draft(motivation="Justice", items=(
        PlanItemDraft("next_step", step.text, step.due_on, TODAY, id=step.id),
        PlanItemDraft("next_step", "Translate the flyer"))), today=TODAY)
    assert second.version == 2 and second.motivation == "Justice"
    assert second.next_steps[0].id == step.id and second.next_steps[0].done_on == TODAY
    [rev] = plans.list_revisions(db, me)
    assert rev["version"] == 1 and rev["motivation"] == "Belonging"
    assert [i["text"] for i in rev["items"]] == ["Reading circle", "Attend open meeting"]


def test_saving_an_unchanged_plan_twice_makes_no_new_version(chapter):
    db, me = chapter.db, chapter.member
    plan = plans.save_plan(db, me, draft(), today=TODAY)
    same = PlanDraft(plan.focus_group, plan.motivation, plan.supports_goal, plan.feedback,
                     tuple(PlanItemDraft(i.kind, i.text, i.due_on, i.done_on, i.id)
                           for i in plan.items))
    assert plans.save_plan(db, me, same, today=TODAY).version == 1
    assert plans.list_revisions(db, me) == []


def test_items_are_kept_in_the_order_given(chapter):
    items = (PlanItemDraft("next_step", "B"), PlanItemDraft("next_step", "A"))
    plan = plans.save_plan(chapter.db, chapter.member, draft(items=items), today=TODAY)
    assert [i.text for i in plan.next_steps] == ["B", "A"]
    reordered = tuple(reversed([PlanItemDraft(i.kind, i.text, id=i.id) for i in plan.next_steps]))
    plan = plans.save_plan(chapter.db, chapter.member, draft(items=reordered), today=TODAY)
    assert [i.text for i in plan.next_steps] == ["A", "B"]


def test_a_bad_plan_writes_nothing(chapter):
    db = chapter.db
    v = store.data_version(db)
    with pytest.raises(ValidationError):
        plans.save_plan(db, chapter.member, draft(focus="  "), today=TODAY)
    assert store.data_version(db) == v and db["plans"].count == 0


def test_nobody_reads_or_ticks_off_someone_elses_plan(chapter):
    plan = plans.save_plan(chapter.db, chapter.member, draft(), today=TODAY)
    for other in (chapter.lead, chapter.admin, chapter.teammate):
        with pytest.raises(PermissionDenied):
            plans.get_plan(chapter.db, other, chapter.member.id)
        with pytest.raises(PermissionDenied):
            plans.set_next_step_done(chapter.db, other, plan.next_steps[0].id, TODAY, today=TODAY)
    assert plans.get_plan(chapter.db, chapter.member).next_steps[0].done_on is None


def test_an_item_id_from_another_plan_is_refused(chapter):
    theirs = plans.save_plan(chapter.db, chapter.teammate, draft(), today=TODAY)
    stolen = PlanItemDraft("next_step", "mine now", id=theirs.next_steps[0].id)
    with pytest.raises(ValidationError):
        plans.save_plan(chapter.db, chapter.member, draft(items=(stolen,)), today=TODAY)
    assert plans.get_plan(chapter.db, chapter.teammate).next_steps[0].text == "Attend open meeting"
