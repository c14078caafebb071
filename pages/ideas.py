"""Activity ideas: things to read, listen to, notice or do, by responsibility."""

from datetime import date

import streamlit as st

from allyship.core import access
from allyship.core.handout import RESPONSIBILITIES, responsibility
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.practice import ideas, tables
from allyship.ui import common

me = common.require_screen("ideas")
db = common.get_db()
today = date.today()
curator = me.role in ("lead", "admin")

st.title("Activity ideas")
st.caption("Ideas your chapter collected for practising each responsibility. Pick one and add "
           "it to your plan as a next step. Links lead to outside guides.")
common.show_flash()

picked = st.selectbox("Responsibility", [None, *[r.number for r in RESPONSIBILITIES]],
                      format_func=lambda n: "All responsibilities" if n is None
                      else responsibility(n).label)
found = ideas.list_ideas(db, me, responsibility=picked)
if not found:
    st.info("No ideas for this responsibility yet."
            + (" Add one below." if curator else " Ask a team lead to add some."))
for idea in found:
    with st.container(border=True):
        st.markdown(f"**{inert(idea.title)}**")
        st.caption(f"{idea.kind_label} · "
                   + ", ".join(responsibility(n).title for n in idea.responsibilities))
        cols = st.columns([1, 1, 3])
        if idea.link:
            cols[0].link_button("Open the guide", idea.link, icon=":material/open_in_new:")
        if cols[1].button("Add to my plan", key=f"idea_add_{idea.id}"):
            try:
                ideas.add_to_plan(db, me, idea.id, today=today)
            except ValidationError as exc:
                common.show_validation(exc, "Not added:")
            except (access.PermissionDenied, LookupError) as exc:
                st.error(str(exc))
            else:
                common.flash("Added to your plan as a next step. Give it a due date on My plan.")
                st.rerun()

if not curator:
    st.stop()

st.divider()
st.header("Curate the chapter's ideas")
st.caption("Team leads and chapter admins add, correct and retire ideas. Write ideas in your "
           "own words and link to outside guides rather than copying them.")


def idea_form(key: str, initial: ideas.Idea | None = None) -> ideas.IdeaDraft | None:
    with st.form(key):
        title = st.text_input("Idea", value=initial.title if initial else "",
                              max_chars=ideas.TITLE_MAX)
        kinds = list(ideas.IDEA_KINDS)
        kind = st.selectbox("Kind", kinds, format_func=ideas.IDEA_KINDS.get,
                            index=kinds.index(initial.kind) if initial else 0)
        link = st.text_input("Link (optional)", value=initial.link if initial else "",
                             max_chars=ideas.LINK_MAX, placeholder="https://…")
        resp = st.multiselect("Responsibilities it practises",
                              [r.number for r in RESPONSIBILITIES],
                              default=list(initial.responsibilities) if initial else [],
                              format_func=tables.responsibility_label)
        if not st.form_submit_button("Save idea" if initial else "Add idea", type="primary"):
            return None
    return ideas.IdeaDraft(title, kind, link, tuple(resp))


with st.expander("Add an idea"):
    token = common.form_token("idea_add")
    draft = idea_form(f"idea_new_{token}")
    if draft is not None:
        try:
            ideas.add_idea(db, me, draft)
        except ValidationError as exc:
            common.show_validation(exc)
        else:
            common.new_form_token("idea_add")
            common.flash("Idea added.")
            st.rerun()

every = ideas.list_ideas(db, me, include_retired=True)
with st.expander("Correct or retire an idea"):
    chosen = st.selectbox("Idea", every, key="idea_pick",
                          format_func=lambda i: ("(retired) " if i.retired else "") + i.title[:80])
    if chosen is not None:
        draft = idea_form(f"idea_edit_{chosen.id}", chosen)
        if draft is not None:
            try:
                ideas.update_idea(db, me, chosen.id, draft)
            except ValidationError as exc:
                common.show_validation(exc)
            else:
                common.flash("Idea saved.")
                st.rerun()
        label = "Bring it back" if chosen.retired else "Retire it"
        if st.button(label, key=f"idea_retire_{chosen.id}"):
            ideas.set_retired(db, me, chosen.id, not chosen.retired)
            common.flash("Idea brought back." if chosen.retired else
                     "Idea retired: members no longer see it.")
            st.rerun()
