"""Shared with me: what others chose to share with my team or the whole chapter."""

from datetime import date, timedelta

import streamlit as st

from allyship.i18n import formatting
from allyship.practice import journal
from allyship.ui import common, language, peer_sections

me = common.require_screen("shared")
db = common.get_db()
tr = language.translator()
_ = tr.gettext

st.title(_("Shared with me"))
st.caption(_("Actions others chose to share with you as a partner, your learning circle, your "
             "team or the whole chapter — to learn from each other and give credit where "
             "credit is due. Private entries never appear here, and nothing is counted per "
             "person."))

weeks = st.segmented_control(_("Show the last"), [4, 12, 26], default=4,
                             format_func=lambda n: formatting.count_weeks(tr, n))
since = date.today() - timedelta(weeks=weeks or 4)
shared = journal.shared_with_me(db, me, since=since)
if not shared:
    st.info(_("Nothing has been shared with you in this period yet. When you log an action, "
              "you can choose to share it with your team or the chapter."))
else:
    st.dataframe(peer_sections.shared_table(tr, shared), hide_index=True, placeholder="",
                 alt=_("Actions shared with you, newest first"))
