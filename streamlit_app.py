"""Allyship Accountability Dashboard — entry point.

Page config, the database handle, who is acting, and the navigation built from
their role. Run with ``streamlit run streamlit_app.py`` (``-- --db PATH`` for
another database).
"""

import streamlit as st

from allyship import access, identity, ui

st.set_page_config(page_title="Allyship Accountability", page_icon=":material/diversity_3:",
                   layout="wide")

PAGES = {
    "my_week": st.Page("pages/my_week.py", title="My week", icon=":material/today:",
                       default=True),
    "my_plan": st.Page("pages/my_plan.py", title="My plan", icon=":material/flag:"),
    "log_actions": st.Page("pages/log_actions.py", title="Log actions",
                           icon=":material/edit_note:"),
    "reflect": st.Page("pages/reflect.py", title="Reflect", icon=":material/self_improvement:"),
    "about": st.Page("pages/about.py", title="About the practice", icon=":material/menu_book:"),
}
SECTIONS = {"Me": ["my_week", "my_plan", "log_actions", "reflect"], "Practice": ["about"]}

db = ui.get_db()
member = identity.sign_in(db)  # stops the run with a sign-in screen when nobody is signed in
ui.demo_banner(db)

nav = {
    section: [PAGES[key] for key in keys if key in PAGES and access.can_open(member, key)]
    for section, keys in SECTIONS.items()
}
st.navigation({s: p for s, p in nav.items() if p}).run()
