"""About the practice: the handout, readable."""

import streamlit as st

from allyship.core import handout
from allyship.core.safe_text import inert
from allyship.people import roster
from allyship.ui import common

me = common.require_screen("about")
# The chapter's own label for its goal, as on *My plan* (people's words: escaped).
goal = inert(roster.get_chapter(common.get_db(), me.chapter_id).goal_label)

st.title("About the practice")
st.caption(f"From the allyship handout this programme is built on (taken from {handout.SOURCE}).")
st.markdown(f"> {handout.DEFINITION}")
for p in handout.PRINCIPLES:
    st.markdown(f"- {p}")

st.header("Responsibilities")
st.markdown(f"*{handout.RESPONSIBILITIES_INTRO}*")
for r in handout.RESPONSIBILITIES:
    st.markdown(f"{r.number}. **{r.heading}** {r.text}")

st.header("Practising every day")
st.markdown(handout.PRACTICE_INTRO)
for q in handout.PRACTICE_QUESTIONS:
    st.markdown(f"- {q.text}")

st.header("Roles")
st.markdown(f"*{handout.ROLES_INTRO}*")
for role in handout.ROLES_OF_AN_ALLY:
    st.markdown(f"- {role}")
st.info(handout.CLOSING)

st.header(handout.PLAN_TITLE)
st.markdown("Write yours on *My plan*:")
for f in handout.PLAN_FIELDS:
    st.markdown(f"- {f.text(goal)}")
st.markdown(f"- {handout.PLAN_FEEDBACK.text(goal)} *(this app's addition: allyship is not "
            "self-defined)*")
st.caption("Why this app never ranks or rewards anyone: allyship is not self-defined, "
           "and we do not expect awards or special recognition.")
