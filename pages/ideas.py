"""Activity ideas: things to read, listen to, notice or do, by responsibility."""

from datetime import date

import streamlit as st

from allyship.core import access
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.i18n import handout
from allyship.practice import ideas
from allyship.ui import common, language

me = common.require_screen("ideas")
db = common.get_db()
today = date.today()
curator = me.role in ("lead", "admin")
tr = language.translator()
_ = tr.gettext

st.title(_("Activity ideas"))
st.caption(_("Ideas your chapter collected for practising each responsibility. Pick one and "
             "add it to your plan as a next step. Links lead to outside guides."))
common.show_flash()


def kind_label(key: str) -> str:
    """An idea's kind in the reader's language (the key is what is stored)."""
    words = {"read": tr.pgettext("idea kind", "Read"),
             "listen": tr.pgettext("idea kind", "Listen"),
             "watch": tr.pgettext("idea kind", "Watch"),
             "notice": tr.pgettext("idea kind", "Notice"),
             "connect": tr.pgettext("idea kind", "Connect"),
             "act": tr.pgettext("idea kind", "Act"),
             "reflect": tr.pgettext("idea kind", "Reflect")}
    return words.get(key) or ideas.IDEA_KINDS.get(key, key)


def label(number: int) -> str:
    return handout.responsibility(tr, number).label


picked = st.selectbox(_("Responsibility"), [None, *[r.number for r in RESPONSIBILITIES]],
                      format_func=lambda n: _("All responsibilities") if n is None
                      else label(n))
found = ideas.list_ideas(db, me, responsibility=picked)
if not found:
    st.info(_("No ideas for this responsibility yet. Add one below.") if curator else
            _("No ideas for this responsibility yet. Ask a team lead to add some."))
for idea in found:
    with st.container(border=True):
        st.markdown(f"**{inert(idea.title)}**")
        st.caption(f"{kind_label(idea.kind)} · "
                   + ", ".join(handout.responsibility(tr, n).title
                               for n in idea.responsibilities))
        cols = st.columns([1, 1, 3])
        if idea.link:
            cols[0].link_button(_("Open the guide"), idea.link, icon=":material/open_in_new:")
        if cols[1].button(_("Add to my plan"), key=f"idea_add_{idea.id}"):
            try:
                ideas.add_to_plan(db, me, idea.id, today=today)
            except ValidationError as exc:
                common.show_validation(exc, _("Not added:"))
            except (access.PermissionDenied, LookupError) as exc:
                common.show_denied(exc)
            else:
                common.flash(_("Added to your plan as a next step. Give it a due date on My "
                               "plan."))
                st.rerun()

if not curator:
    st.stop()

st.divider()
st.header(_("Curate the chapter's ideas"))
st.caption(_("Team leads and chapter admins add, correct and retire ideas. Write ideas in "
             "your own words and link to outside guides rather than copying them."))


def idea_form(key: str, initial: ideas.Idea | None = None) -> ideas.IdeaDraft | None:
    with st.form(key):
        title = st.text_input(_("Idea"), value=initial.title if initial else "",
                              max_chars=ideas.TITLE_MAX)
        kinds = list(ideas.IDEA_KINDS)
        kind = st.selectbox(_("Kind"), kinds, format_func=kind_label,
                            index=kinds.index(initial.kind) if initial else 0)
        link = st.text_input(_("Link (optional)"), value=initial.link if initial else "",
                             max_chars=ideas.LINK_MAX, placeholder="https://…")
        resp = st.multiselect(_("Responsibilities it practises"),
                              [r.number for r in RESPONSIBILITIES],
                              default=list(initial.responsibilities) if initial else [],
                              format_func=label)
        if not st.form_submit_button(_("Save idea") if initial else _("Add idea"),
                                     type="primary"):
            return None
    return ideas.IdeaDraft(title, kind, link, tuple(resp))


with st.expander(_("Add an idea")):
    token = common.form_token("idea_add")
    draft = idea_form(f"idea_new_{token}")
    if draft is not None:
        try:
            ideas.add_idea(db, me, draft)
        except ValidationError as exc:
            common.show_validation(exc)
        else:
            common.new_form_token("idea_add")
            common.flash(_("Idea added."))
            st.rerun()

every = ideas.list_ideas(db, me, include_retired=True)
with st.expander(_("Correct or retire an idea")):
    chosen = st.selectbox(_("Idea"), every, key="idea_pick",
                          format_func=lambda i: _("(retired) {title}").format(title=i.title[:80])
                          if i.retired else i.title[:80])
    if chosen is not None:
        draft = idea_form(f"idea_edit_{chosen.id}", chosen)
        if draft is not None:
            try:
                ideas.update_idea(db, me, chosen.id, draft)
            except ValidationError as exc:
                common.show_validation(exc)
            else:
                common.flash(_("Idea saved."))
                st.rerun()
        if st.button(_("Bring it back") if chosen.retired else _("Retire it"),
                     key=f"idea_retire_{chosen.id}"):
            ideas.set_retired(db, me, chosen.id, not chosen.retired)
            common.flash(_("Idea brought back.") if chosen.retired else
                         _("Idea retired: members no longer see it."))
            st.rerun()
