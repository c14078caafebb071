"""My plan: the handout's Action Plan for Creating Allyship, revised over time."""

from datetime import date, timedelta

import streamlit as st

from allyship.core.models import PlanDraft, PlanItemDraft, ValidationError
from allyship.core.safe_text import inert
from allyship.i18n import handout
from allyship.people import roster
from allyship.practice import days, plans, tables
from allyship.ui import common, language, member_forms

me = common.require_screen("my_plan")
db = common.get_db()
today = date.today()
tr = language.translator()
_ = tr.gettext
goal = inert(roster.get_chapter(db, me.chapter_id).goal_label)  # shown in labels


def saved_on(stamp: str) -> str:
    """A stored UTC time stamp as "Mon 7 Dec 2026, 14:05 UTC"."""
    return _("{day}, {time} UTC").format(day=days.day(tr, date.fromisoformat(stamp[:10])),
                                         time=stamp[11:16])


def prompt(key: str) -> str:
    """A plan prompt with the chapter's goal label (people's words: escaped)."""
    return handout.plan_prompt(tr, key, inert(goal))


st.title(_("My plan"))
st.caption(_("The {title}. Revise it as you learn: every earlier version is kept.").format(
    title=handout.handout_text(tr).plan_title))
common.show_flash()

plan = plans.get_plan(db, me)
if plan is None:
    st.info(_("You have not written a plan yet. Start with the group you want to be in "
              "allyship with; everything else can come later."))
else:
    st.caption(_("Version {version}, last saved {when}.").format(
        version=plan.version, when=saved_on(plan.updated_at)))

# Next steps first, as cards: each with its due day and a Done button (no grid to scroll
# sideways on a phone).
if plan is not None and any(i.kind == "next_step" for i in plan.items):
    st.header(_("My next steps"))
    member_forms.next_step_cards(db, me, plan, today, where="my_plan", show_done=True)


def items_kept(with_new: PlanItemDraft | None = None) -> tuple[PlanItemDraft, ...]:
    """The plan's items as they are (ids kept), and one more at the end."""
    kept = tuple(PlanItemDraft(i.kind, i.text, i.due_on, i.done_on, id=i.id)
                 for i in (plan.items if plan else ()))
    return kept + ((with_new,) if with_new else ())


def save(draft: PlanDraft) -> None:
    try:
        with common.save_failures_here():  # a full disk says so by this form's button
            new = plans.save_plan(db, me, draft, today=today)
    except ValidationError as exc:
        common.show_validation(exc)
    else:
        stored = plans.get_plan(db, me)  # read back before confirming
        common.flash(_("Plan saved as version {version}.").format(
            version=stored.version if stored else new.version))
        st.rerun()


if plan is not None:
    with st.form("add_next_step", clear_on_submit=False):
        st.markdown(_("**Add a next step** — {prompt}").format(prompt=prompt("next_step")))
        step_text = st.text_input(_("Next step"), max_chars=2000, key="new_step_text")
        # Days as people read them ("Mon 7 Dec 2026"), one tap: no ambiguous 07/12.
        step_due = st.selectbox(_("Due (optional)"), [None, *(today + timedelta(days=n)
                                                            for n in range(0, 91))],
                                format_func=lambda d: _("No due date") if d is None
                                else days.day_relative(tr, d, today), key="new_step_due")
        add = st.form_submit_button(_("Add next step"))
    if add:
        if not step_text.strip():
            st.error(_("Nothing was saved: write the next step first."),
                     icon=":material/error:")
        else:
            save(PlanDraft(plan.focus_group, plan.motivation, plan.supports_goal, plan.feedback,
                           items_kept(PlanItemDraft("next_step", step_text.strip(),
                                                    step_due, None))))

learning, steps = tables.plan_item_frames(plan)
with st.form("plan"):
    focus = st.text_input(prompt("focus_group"),
                          value=plan.focus_group if plan else "", max_chars=120)
    motivation = st.text_area(prompt("motivation"),
                              value=plan.motivation if plan else "", max_chars=2000)
    supports = st.text_area(prompt("supports_goal"),
                            value=plan.supports_goal if plan else "", max_chars=2000)
    feedback = st.text_area(
        prompt("feedback"), value=plan.feedback if plan else "",
        max_chars=2000,
        help=_("Allyship is not self-defined: record the guidance and feedback you "
               "received."))
    # The tables edit, reorder and remove items; closed by default, so a phone shows no
    # grid (adding a step and marking it done need no table: the cards above).
    with st.expander(_("Edit learning activities and next steps as a table (wide screens)"),
                     expanded=plan is None):
        st.markdown(f"**{prompt('learning_activity')}**")
        learning_edit = st.data_editor(
            learning, num_rows="dynamic", hide_index=True, key="plan_learning",
            placeholder="", column_order=["Order", "Learning activity"],
            column_config={"Order": st.column_config.NumberColumn(
                               _("Order"), min_value=1, step=1, help=_("Change to reorder")),
                           "Learning activity": st.column_config.TextColumn(
                               _("Learning activity"), max_chars=2000, width="large")})
        st.markdown(f"**{prompt('next_step')}**")
        steps_edit = st.data_editor(
            steps, num_rows="dynamic", hide_index=True, key="plan_steps", placeholder="",
            column_order=["Order", "Next step", "Due", "Done on"],
            column_config={"Order": st.column_config.NumberColumn(
                               _("Order"), min_value=1, step=1, help=_("Change to reorder")),
                           "Next step": st.column_config.TextColumn(
                               _("Next step"), max_chars=2000, width="large"),
                           "Due": st.column_config.DateColumn(
                               _("Due"), format=days.grid_format(tr)),
                           "Done on": st.column_config.DateColumn(
                               _("Done on"), max_value=today, format=days.grid_format(tr),
                               help=_("Fill in when done"))})
    saved = st.form_submit_button(_("Save plan"), type="primary")
if saved:
    save(PlanDraft(focus, motivation, supports, feedback,
                   tables.plan_items_from_frames(learning_edit, steps_edit)))

# Next steps as "When …, I will …".
from allyship.ui import peer_sections  # noqa: E402 — beside its one use: a small, additive edit

peer_sections.if_then_editor(db, me, plan)

revisions = plans.list_revisions(db, me)
if revisions:
    with st.expander(_("Earlier versions ({count})").format(count=len(revisions))):
        chosen = st.selectbox(_("Version"), revisions,
                              format_func=lambda r: _("Version {version} — saved {when}").format(
                                  version=r["version"], when=saved_on(r["saved_at"])))
        # Every field the plan holds, in the form's order (as typed: never Markdown).
        for key in ("focus_group", "motivation", "supports_goal", "feedback"):
            st.markdown(f"**{prompt(key)}**")
            st.text(chosen.get(key) or "—")
        st.markdown(_("**Learning activities and next steps**"))
        kinds = handout.vocabulary(tr, "PLAN_ITEM_KINDS")
        for item in chosen["items"]:
            due = (_(" (due {day})").format(day=days.day(tr, date.fromisoformat(item["due_on"])))
                   if item.get("due_on") else "")
            done = (_(" — done {day}").format(
                        day=days.day(tr, date.fromisoformat(item["done_on"])))
                    if item.get("done_on") else "")
            st.text(f"• {kinds[item['kind']]}: {item['text']}{due}{done}")

st.divider()
# One implementation of "all my data": the zip on Account (allyship.rights.mydata).
st.page_link("pages/account.py", label=_("Download all my data (on Account)"),
             icon=":material/download:")
