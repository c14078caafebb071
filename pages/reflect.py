"""Reflect: the five practice questions for a week, private by default."""

from datetime import date, timedelta

import streamlit as st

from allyship.core.dates import format_day, format_week
from allyship.core.handout import PRACTICE_INTRO, PRACTICE_QUESTIONS, VISIBILITIES
from allyship.core.models import ReflectionDraft, ValidationError, week_start
from allyship.practice import journal
from allyship.ui import common

me = common.require_screen("reflect")
db = common.get_db()
today = date.today()

st.title("Reflect")
st.caption(f"{PRACTICE_INTRO} Answer any of the questions; your reflections are private "
           "unless you choose otherwise, and never shown in group charts or reports.")
common.show_flash()

weeks = [week_start(today) - timedelta(weeks=n) for n in range(0, 12)]
monday = st.selectbox("Week", weeks, format_func=format_week)
existing = {r.question: r for r in journal.my_reflections(db, me, monday)}

with st.form(f"reflect_{monday}"):
    answers = {}
    for q in PRACTICE_QUESTIONS:
        prior = existing.get(q.number)
        answers[q.number] = st.text_area(f"{q.number}. {q.text}",
                                         value=prior.answer if prior else "", max_chars=2000,
                                         key=f"q{q.number}_{monday}")
    # Reflections: private, team or chapter; one at a time reaches partners (Partners page).
    vis = [v for v in VISIBILITIES if v in ("private", "team", "chapter")]
    current = next(iter(existing.values())).visibility if existing else "private"
    visibility = st.radio("Who can see these reflections", vis, index=vis.index(current),
                          format_func=lambda v: "Only me (recommended)" if v == "private"
                          else VISIBILITIES[v])
    saved = st.form_submit_button("Save reflections", type="primary")
if saved:
    try:
        with common.save_failures_here():  # a full disk says so by this form's button
            journal.save_reflection(db, me, ReflectionDraft(monday, answers, visibility),
                                    today=today)
    except ValidationError as exc:
        common.show_validation(exc)
    else:
        stored = journal.my_reflections(db, me, monday)  # read back before confirming
        who = {"private": "only by you", "team": "by your team lead and team",
               "chapter": "by the chapter"}.get(visibility, "as you chose")
        common.flash(f"Reflections saved. {len(stored)} answer{'s' if len(stored) != 1 else ''}"
                     f" for the week of {format_day(monday)}, seen {who}.")
        st.rerun()

earlier = [w for w in journal.reflection_weeks(db, me) if w != monday]
if earlier:
    with st.expander(f"Earlier reflections ({len(earlier)} weeks)"):
        for w in earlier[:26]:
            st.markdown(f"**{format_week(w)}**")
            for r in journal.my_reflections(db, me, w):
                st.caption(PRACTICE_QUESTIONS[r.question - 1].text)
                st.text(r.answer)
