"""About the practice: the handout, readable, in the reader's language."""

import streamlit as st

from allyship.core import handout as english
from allyship.core.safe_text import inert
from allyship.i18n import handout
from allyship.people import roster
from allyship.ui import common, language

me = common.require_screen("about")
tr = language.translator()
_ = tr.gettext
# The chapter's own label for its goal, as on *My plan* (people's words: escaped).
goal = inert(roster.get_chapter(common.get_db(), me.chapter_id).goal_label)
text = handout.handout_text(tr)

st.title(_("About the practice"))
st.caption(_("From the allyship handout this programme is built on (taken from {source})."
             ).format(source=english.SOURCE))
st.markdown(f"> {text.definition}")
for p in text.principles:
    st.markdown(f"- {p}")

st.header(_("Responsibilities"))
st.markdown(f"*{text.responsibilities_intro}*")
for r in text.responsibilities:
    st.markdown(f"{r.number}. **{r.heading}** {r.text}")

st.header(_("Practising every day"))
st.markdown(text.practice_intro)
for q in text.practice_questions:
    st.markdown(f"- {q.text}")

st.header(_("Roles"))
st.markdown(f"*{text.roles_intro}*")
for role in text.roles_of_an_ally:
    st.markdown(f"- {role}")
st.info(text.closing)

st.header(text.plan_title)
st.markdown(_("Write yours on *My plan*:"))
for f in english.PLAN_FIELDS:
    st.markdown(f"- {handout.plan_prompt(tr, f.key, goal)}")
st.markdown("- " + _("{prompt} *(this app's addition: allyship is not self-defined)*").format(
    prompt=handout.plan_prompt(tr, english.PLAN_FEEDBACK.key, goal)))
st.caption(_("Why this app never ranks or rewards anyone: allyship is not self-defined, "
             "and we do not expect awards or special recognition."))
