"""My week: this week's actions, next steps due, my consistency, a quick log."""

from datetime import date

import streamlit as st

from allyship.core.dates import format_day, format_day_relative, recent_days
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import ActionDraft, ValidationError, week_start
from allyship.core.safe_text import inert
from allyship.metrics import my_weeks
from allyship.practice import journal, plans, tables
from allyship.ui import common

me = common.require_screen("my_week")
db = common.get_db()
today = date.today()
monday = week_start(today)

st.title("My week")
st.caption(f"Week of {monday:%A %d %B %Y}. Allyship is a consistent practice: "
           "what did you do this week, and what is next?")
common.show_flash()

mine = my_weeks.my_weeks(db, me, today=today)
this_week = journal.list_my_actions(db, me, since=monday)
away = monday in journal.away_weeks(db, me)
col1, col2, col3 = st.columns(3)
col1.metric(mine.label, mine.display,
            help="Complete weeks (Monday to Sunday, since the programme began) with at least "
                 "one logged action. Weeks you marked away are not counted. This week is not "
                 "over yet, so it is shown apart.")
col2.metric("Current run", f"{mine.run} week{'s' if mine.run != 1 else ''}",
            help="Consecutive weeks with an action, up to this one. Away weeks do not break "
                 "it, and this week does not break it while it is still under way.")
col3.metric("This week so far", f"{len(this_week)} action{'s' if len(this_week) != 1 else ''}",
            help=f"Since Monday {monday:%d %b}; the week is not over yet.")
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
        left.markdown(f"{'⚠️ ' if row.Overdue else ''}{inert(row[1])}{due}{flag}")
        if right.button("Mark done", key=f"done_{row.id}"):
            plans.set_next_step_done(db, me, int(row.id), today, today=today)
            common.flash("Next step marked done.")
            st.rerun()
# Each partner's shared actions this week, with a check-in box (none: nothing).
from allyship.ui import peer_sections  # noqa: E402 — beside its one use: a small, additive edit

peer_sections.partner_check_ins(db, me, today)

st.header("Quick log")
token = common.form_token("quick_log")  # a new token after each save gives an empty form
with st.form(f"quick_log_{token}"):
    what = st.text_area("What did you do?", max_chars=2000,
                        placeholder="e.g. Listened at the community group's meeting "
                                    "without offering solutions")
    picked = st.multiselect(
        "Responsibilities practised", [r.number for r in RESPONSIBILITIES],
        format_func=tables.responsibility_label, placeholder="Pick one or more of the eight",
        help="\n\n".join(f"**{r.number}. {r.title}** — {r.full_text}" for r in RESPONSIBILITIES))
    # Days as people read them ("Today — Fri 27 Nov 2026"), as on Log actions.
    done_on = st.selectbox("When", recent_days(today, weeks=2),
                           format_func=lambda d: format_day_relative(d, today))
    submitted = st.form_submit_button("Log it", type="primary")
if submitted:
    draft = ActionDraft(done_on=done_on, description=what, responsibilities=tuple(picked),
                        idempotency_key=token)
    try:
        journal.log_action(db, me, draft, today=today)
    except ValidationError as exc:
        common.show_validation(exc)
    else:
        common.new_form_token("quick_log")
        common.flash("Logged — kept private. Change who sees it on *Log actions*.")
        st.rerun()
