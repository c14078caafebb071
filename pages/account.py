"""Account: who I am signed in as, my language, change my password, sign out, my data."""

import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.people import language_settings, passwords, roster
from allyship.ui import (
    common,
    data_rights_sections,
    identity,
    language,
    rhythm_sections,
)

me = common.require_screen("account")
db = common.get_db()
tr = language.translator()
_ = tr.gettext

st.title(_("Account"))
common.show_flash()
team = inert(roster.get_team(db, me.team_id).name) if me.team_id else _("no team")
st.markdown(f"**{inert(me.name)}** · {inert(me.email)} · {identity.role_name(tr, me.role)} · "
            f"{team}")

# The member's language: their own setting wins over the browser's and the chapter's.
st.header(_("Language"))
setting = language_settings.member_language(db, me.id)
with st.form("language_setting_form"):
    chosen = language.language_picker(setting)
    st.caption(_("“Automatic” uses your browser's language when the app has it, else your "
                 "chapter's language, else English. Choosing a language here keeps the app "
                 "in it on every device you sign in on, and your emails follow it too."))
    save_language = st.form_submit_button(_("Save language"))
if save_language:
    try:
        with common.save_failures_here():
            stored = language_settings.set_member_language(db, me, chosen)
    except ValidationError as exc:
        common.show_validation(exc, _("Your language was not changed:"))
    else:
        # The confirmation in the language the page will now be in.
        now = language.use_language(stored, language_settings.chapter_language(
            db, me.chapter_id))
        common.flash(now.gettext("Language saved: the app now speaks {language}.").format(
            language=language.language_names().get(now.language, now.language))
            if stored else now.gettext("Language saved: automatic."))
        st.rerun()

mode = identity.auth_mode()
if mode == "demo":
    st.info(_("This is the demo: switch persona in the sidebar. A real chapter signs in "
              "with Google/Microsoft accounts or passwords."))
elif passwords.has_password(db, me):
    st.header(_("Change my password"))
    with st.form("change_password"):
        current = st.text_input(_("Current password"), type="password", key="pw_current",
                                autocomplete="current-password")
        new = st.text_input(_("New password (at least {count} characters)").format(
                                count=passwords.PASSWORD_MIN),
                            type="password", key="pw_new", autocomplete="new-password")
        again = st.text_input(_("New password again"), type="password", key="pw_again",
                              autocomplete="new-password")
        change = st.form_submit_button(_("Change password"), type="primary")
    if change:
        if new != again:
            st.error(_("The two new passwords are not the same."))
        else:
            try:
                passwords.change_password(db, me, current, new,
                                          keep_session=identity.session_id())
            except ValidationError as exc:
                common.show_validation(exc, _("Your password was not changed:"))
            except PermissionDenied as exc:
                common.show_denied(exc)
            else:
                common.flash(_("Password changed. You stay signed in here; every other "
                               "browser signed in as you has been signed out."))
                st.rerun()
else:
    st.caption(_("You sign in with your organisation's account; there is no password here."))

rhythm_sections.reminder_settings_section(db, me)  # reminders, digest, calendar feed

if mode != "demo" and st.button(_("Sign out"), key="account_sign_out"):
    identity.sign_out()

data_rights_sections.account_section(db, me)  # download my data, keep reflections, forget me
