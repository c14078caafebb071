"""My week: this week's actions, next steps due, my consistency, a quick log."""

from datetime import date

import streamlit as st

from allyship import journal, plans, tables, ui
from allyship.handout import RESPONSIBILITIES
from allyship.dates import format_day
from allyship.models import ActionDraft, ValidationError, week_start

me = ui.require_screen("my_week")
db = ui.get_db()
today = date.today()
monday = week_start(today)

st.title("My week")
st.caption(f"Week of {monday:%A %d %B %Y}. Allyship is a consistent practice: "
           "what did you do this week, and what is next?")
ui.show_flash()

c = journal.my_consistency(db, me, today=today)
this_week = journal.list_my_actions(db, me, since=monday)
away = monday in journal.away_weeks(db, me)
col1, col2, col3 = st.columns(3)
col1.metric("Weeks active, last 12", f"{c.weeks_active} of {c.weeks_counted}",
            help="Weeks with at least one logged action. Weeks you marked away are not counted.")
col2.metric("Current run", f"{c.current_run} week{'s' if c.current_run != 1 else ''}",
            help="Consecutive weeks with an action, up to this one. Away weeks do not break it.")
col3.metric("Actions this week", len(this_week))
st.caption("These numbers are yours alone: nobody is ranked, and no one else sees them.")

st.header("This week")
if away:
    st.info("You marked this week as away. Take care — it does not count against you.")
if this_week:
    st.dataframe(tables.actions_frame(this_week).drop(columns=["id"]), hide_index=True)
else:
    st.info("Nothing logged yet this week. Use the quick log below, or *Log actions* "
            "to catch up on several at once.")

st.header("Next steps due")
plan = plans.get_plan(db, me)
steps = tables.next_steps_frame(plan, today)
if plan is None:
    st.info("You have not written your action plan yet. Start it on *My plan*.")
elif steps.empty:
    st.success("No open next steps. Add your next steps on *My plan*.")
else:
    for row in steps.itertuples(index=False):
        due = f" — due {format_day(row.Due)}" if row.Due else ""
        flag = " · **overdue**" if row.Overdue else ""
        left, right = st.columns([5, 1])
        left.markdown(f"{'⚠️ ' if row.Overdue else ''}{tables.escape_md(row[1])}{due}{flag}")
        if right.button("Mark done", key=f"done_{row.id}"):
            plans.set_next_step_done(db, me, int(row.id), today, today=today)
            ui.flash("Next step marked done.")
            st.rerun()

st.header("Quick log")
token = ui.form_token("quick_log")  # a new token after each save gives an empty form
with st.form(f"quick_log_{token}"):
    what = st.text_area("What did you do?", max_chars=2000,
                        placeholder="e.g. Listened at the community group's meeting "
                                    "without offering solutions")
    picked = st.multiselect(
        "Responsibilities practised", [r.number for r in RESPONSIBILITIES],
        format_func=tables.responsibility_label, placeholder="Pick one or more of the eight",
        help="\n\n".join(f"**{r.number}. {r.title}** — {r.full_text}" for r in RESPONSIBILITIES))
    done_on = st.date_input("When", value=today, max_value=today)
    submitted = st.form_submit_button("Log it", type="primary")
if submitted:
    draft = ActionDraft(done_on=done_on, description=what, responsibilities=tuple(picked),
                        idempotency_key=token)
    try:
        journal.log_action(db, me, draft, today=today)
    except ValidationError as exc:
        ui.show_validation(exc)
    else:
        ui.new_form_token("quick_log")
        ui.flash("Logged — kept private. Change who sees it on *Log actions*.")
        st.rerun()
