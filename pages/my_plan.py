"""My plan: the handout's Action Plan for Creating Allyship, revised over time."""

from datetime import date

import streamlit as st

from allyship.core import handout
from allyship.core.models import PlanDraft, ValidationError
from allyship.core.safe_text import inert
from allyship.people import roster
from allyship.practice import plans, tables
from allyship.ui import common

me = common.require_screen("my_plan")
db = common.get_db()
today = date.today()
goal = inert(roster.get_chapter(db, me.chapter_id).goal_label)  # shown in labels


def prompt(key: str) -> str:
    """A plan prompt with the chapter's goal label (people's words: escaped)."""
    return handout.plan_prompt(key, inert(goal))


st.title("My plan")
st.caption(f"The {handout.PLAN_TITLE}. Revise it as you learn: every earlier version is kept.")
common.show_flash()

plan = plans.get_plan(db, me)
if plan is None:
    st.info("You have not written a plan yet. Start with the group you want to be in "
            "allyship with; everything else can come later.")
else:
    st.caption(f"Version {plan.version}, last saved {plan.updated_at[:16].replace('T', ' ')} UTC.")

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
        help="Allyship is not self-defined: record the guidance and feedback you received.")
    st.markdown(f"**{prompt('learning_activity')}**")
    learning_edit = st.data_editor(
        learning, num_rows="dynamic", hide_index=True, key="plan_learning",
        column_order=["Order", "Learning activity"],
        column_config={"Order": st.column_config.NumberColumn(min_value=1, step=1,
                                                              help="Change to reorder"),
                       "Learning activity": st.column_config.TextColumn(max_chars=2000,
                                                                        width="large")})
    st.markdown(f"**{prompt('next_step')}**")
    steps_edit = st.data_editor(
        steps, num_rows="dynamic", hide_index=True, key="plan_steps",
        column_order=["Order", "Next step", "Due", "Done on"],
        column_config={"Order": st.column_config.NumberColumn(min_value=1, step=1,
                                                              help="Change to reorder"),
                       "Next step": st.column_config.TextColumn(max_chars=2000, width="large"),
                       "Due": st.column_config.DateColumn(),
                       "Done on": st.column_config.DateColumn(max_value=today,
                                                              help="Fill in when done")})
    saved = st.form_submit_button("Save plan", type="primary")
if saved:
    draft = PlanDraft(focus, motivation, supports, feedback,
                      tables.plan_items_from_frames(learning_edit, steps_edit))
    try:
        new = plans.save_plan(db, me, draft, today=today)
    except ValidationError as exc:
        common.show_validation(exc)
    else:
        common.flash(f"Plan saved as version {new.version}.")
        st.rerun()

# Next steps as "When …, I will …".
from allyship.ui import peer_sections  # noqa: E402 — beside its one use: a small, additive edit

peer_sections.if_then_editor(db, me, plan)

revisions = plans.list_revisions(db, me)
if revisions:
    with st.expander(f"Earlier versions ({len(revisions)})"):
        chosen = st.selectbox("Version", revisions,
                              format_func=lambda r: f"Version {r['version']} — "
                                                    f"saved {r['saved_at'][:16].replace('T', ' ')}")
        # Every field the plan holds, in the form's order (as typed: never Markdown).
        for key in ("focus_group", "motivation", "supports_goal", "feedback"):
            st.markdown(f"**{prompt(key)}**")
            st.text(chosen.get(key) or "—")
        st.markdown("**Learning activities and next steps**")
        for item in chosen["items"]:
            due = f" (due {item['due_on']})" if item.get("due_on") else ""
            done = " — done" if item.get("done_on") else ""
            st.text(f"• {handout.PLAN_ITEM_KINDS[item['kind']]}: {item['text']}{due}{done}")

st.divider()
# One implementation of "all my data": the zip on Account (allyship.rights.mydata).
st.page_link("pages/account.py", label="Download all my data (on Account)",
             icon=":material/download:")
