"""Shared with me: what others chose to share with my team or the whole chapter."""

from datetime import date, timedelta

import streamlit as st

from allyship.practice import journal, tables
from allyship.ui import common

me = common.require_screen("shared")
db = common.get_db()

st.title("Shared with me")
st.caption("Actions others chose to share with you as a partner, your learning circle, your "
           "team or the whole chapter — to learn "
           "from each other and give credit where credit is due. Private entries never "
           "appear here, and nothing is counted per person.")

weeks = st.segmented_control("Show the last", [4, 12, 26], default=4,
                             format_func=lambda n: f"{n} weeks")
since = date.today() - timedelta(weeks=weeks or 4)
shared = journal.shared_with_me(db, me, since=since)
if not shared:
    st.info("Nothing has been shared with you in this period yet. When you log an action, "
            "you can choose to share it with your team or the chapter.")
else:
    st.dataframe(tables.shared_frame(shared), hide_index=True, placeholder="",
                 alt="Actions shared with you, newest first")
