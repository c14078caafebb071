"""Account: who I am signed in as, change my password, sign out, my data."""

import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.handout import ROLES
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.people import passwords, roster
from allyship.ui import common, data_rights_sections, identity, rhythm_sections

me = common.require_screen("account")
db = common.get_db()

st.title("Account")
common.show_flash()
team = roster.get_team(db, me.team_id).name if me.team_id else "no team"
st.markdown(f"**{inert(me.name)}** · {inert(me.email)} · {ROLES.get(me.role, me.role)} · "
            f"{inert(team)}")

mode = identity.auth_mode()
if mode == "demo":
    st.info("This is the demo: switch persona in the sidebar. A real chapter signs in "
            "with Google/Microsoft accounts or passwords.")
elif passwords.has_password(db, me):
    st.header("Change my password")
    with st.form("change_password"):
        current = st.text_input("Current password", type="password", key="pw_current",
                                autocomplete="current-password")
        new = st.text_input(f"New password (at least {passwords.PASSWORD_MIN} characters)",
                            type="password", key="pw_new", autocomplete="new-password")
        again = st.text_input("New password again", type="password", key="pw_again",
                              autocomplete="new-password")
        change = st.form_submit_button("Change password", type="primary")
    if change:
        if new != again:
            st.error("The two new passwords are not the same.")
        else:
            try:
                passwords.change_password(db, me, current, new,
                                          keep_session=identity.session_id())
            except ValidationError as exc:
                common.show_validation(exc, "Your password was not changed:")
            except PermissionDenied as exc:
                common.show_denied(exc)
            else:
                common.flash("Password changed. You stay signed in here; every other browser "
                         "signed in as you has been signed out.")
                st.rerun()
else:
    st.caption("You sign in with your organisation's account; there is no password here.")

rhythm_sections.reminder_settings_section(db, me)  # reminders, digest, calendar feed

if mode != "demo" and st.button("Sign out", key="account_sign_out"):
    identity.sign_out()

data_rights_sections.account_section(db, me)  # download my data, keep reflections, forget me
