"""Who is using the app in this browser session.

For now: on the demo database, a clearly labelled "viewing as" persona picker.
A real (non-demo) database never opens without sign-in.
"""

from __future__ import annotations

import sqlite_utils
import streamlit as st

from allyship import demo, people, store
from allyship.handout import ROLES
from allyship.models import Member


def demo_personas(db: sqlite_utils.Database) -> dict[str, Member]:
    """The demo's personas by role, where they exist in this database."""
    found = {}
    for role, email in demo.PERSONAS.items():
        m = people.find_member_by_email(db, email)
        if m is not None:
            found[role] = m
    return found


def sign_in(db: sqlite_utils.Database) -> Member:
    """The acting member; renders the sign-in UI and stops the run until there is one."""
    if store.is_demo(db):
        personas = demo_personas(db)
        if personas:
            roles = list(personas)
            current = st.session_state.get("member_id")
            index = next((i for i, r in enumerate(roles) if personas[r].id == current), 0)
            role = st.sidebar.selectbox(
                "Viewing the demo as", roles, index=index, key="demo_persona",
                format_func=lambda r: f"{personas[r].name} — {ROLES[r]}",
                help="Demo only: switch persona to see the app as a member, a team lead "
                     "or a chapter admin. A real chapter signs in instead.")
            st.session_state["member_id"] = personas[role].id
            return personas[role]
    st.title("Allyship Accountability")
    st.error("Sign-in is not configured for this database yet. Ask your chapter admin, "
             "or see the README's Sign-in section.")
    st.stop()
    raise RuntimeError("unreachable")
