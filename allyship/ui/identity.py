"""Who is using the app in this browser session: the sign-in flow.

Three modes (README, "Signing in"):

* **OIDC** — Streamlit's own ``st.login`` / ``st.user``, when ``[auth]`` is
  configured in ``.streamlit/secrets.toml`` (Google, Microsoft, …). The signed-in
  email must belong to an active member; anyone else sees a polite page and nothing
  else.
* **Password** — accounts kept in the database (:mod:`allyship.people.passwords`), usable
  when a member has a password or a pending set-up code, or when switched on by
  ``ALLYSHIP_PASSWORD_SIGN_IN=1`` / ``[allyship] password_sign_in = true`` in secrets.
* **Demo** — the "viewing as" persona picker, only on the demo database.

A real (non-demo) database never opens without sign-in, and refuses to start when
no mode is usable, saying how to configure one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import sqlite_utils
import streamlit as st

from allyship import demo
from allyship.core.models import Member, ValidationError
from allyship.core.safe_text import inert
from allyship.core.wording import message_of
from allyship.db import store
from allyship.i18n import N_, Translator, handout
from allyship.people import language_settings, passwords, roster, sessions
from allyship.ui import language, navigation, session_links

_SESSION_KEYS = ("member_id", "auth_mode", "session_id", "session_handover")
_SIGNING_OUT = "session_signing_out"


def demo_personas(db: sqlite_utils.Database) -> dict[str, Member]:
    """The demo's personas by role, where they exist in this database."""
    found = {}
    for role, email in {**demo.PERSONAS, **demo.org_persona_emails()}.items():
        m = roster.find_member_by_email(db, email)
        if m is not None:
            found[role] = m
    return found


# --- configuration --------------------------------------------------------------------

def _secret(section: str) -> Mapping[str, Any] | None:
    # st.secrets raises when there is no secrets.toml at all.
    try:
        value = st.secrets.get(section)
    except Exception:  # StreamlitSecretNotFoundError, a malformed file …
        return None
    return value if isinstance(value, Mapping) else None


def oidc_providers() -> list[str | None]:
    """The identity providers configured under ``[auth]``; ``None`` is the default
    (settings directly under ``[auth]``), names are ``[auth.NAME]`` sections."""
    auth = _secret("auth")
    if not auth:
        return []
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    default = [None] if "client_id" in auth else []
    return default + named


def password_sign_in_enabled() -> bool:
    """Password sign-in switched on by configuration (even before anyone has one)."""
    env = os.environ.get("ALLYSHIP_PASSWORD_SIGN_IN", "").strip().lower()
    if env in ("1", "true", "yes", "on"):
        return True
    section = _secret("allyship")
    return bool(section and section.get("password_sign_in"))


def available_modes(db: sqlite_utils.Database) -> list[str]:
    """The sign-in modes usable for this (non-demo) database: "oidc", "password"."""
    modes = []
    if oidc_providers():
        modes.append("oidc")
    if password_sign_in_enabled() or passwords.password_accounts_exist(db):
        modes.append("password")
    return modes


NO_SIGN_IN_MESSAGE = N_(
    "This chapter's database has no way to sign in yet, so it will not open.\n\n"
    "Set one up:\n\n"
    "- **Password accounts**: give the first admin a one-time set-up code with "
    "`python -m allyship setup-code --db PATH --email ADMIN_EMAIL`, then open the app "
    "and choose *First time? Use a set-up code*.\n"
    "- **Google / Microsoft accounts**: copy `.streamlit/secrets.toml.example` to "
    "`.streamlit/secrets.toml` and fill in the `[auth]` section.\n\n"
    "See the README's *Signing in* section.")


# --- the session ------------------------------------------------------------------

def _clear_session() -> None:
    for key in _SESSION_KEYS:
        st.session_state.pop(key, None)


def _remember(member: Member, mode: str) -> Member:
    st.session_state["member_id"] = member.id
    st.session_state["auth_mode"] = mode
    return member


def _org_label(tr: Translator, persona: str) -> str:
    labels = {"organisation": tr.gettext("Organisation admin"),
              "region": tr.gettext("Region lead")}
    return labels.get(persona) or demo.ORG_PERSONA_LABELS.get(persona, persona)


def role_name(tr: Translator, role: str) -> str:
    """A chapter role as people read it, in ``tr``'s language ("Team lead")."""
    return handout.vocabulary(tr, "ROLES").get(role, role)


def _demo_picker(db: sqlite_utils.Database) -> Member | None:
    personas = demo_personas(db)
    if not personas:
        return None
    roles = list(personas)
    current = st.session_state.get("member_id")
    index = next((i for i, r in enumerate(roles) if personas[r].id == current), 0)
    # The picker speaks the language of the persona being viewed (their own setting),
    # read before it is drawn: its label cannot change once it is on the page.
    shown = personas.get(st.session_state.get("demo_persona") or roles[index])
    tr = (language.use_language(language_settings.member_language(db, shown.id),
                                language_settings.chapter_language(db, shown.chapter_id))
          if shown is not None else language.translator())
    chapter_roles = handout.vocabulary(tr, "ROLES")
    role = st.sidebar.selectbox(
        tr.gettext("Viewing the demo as"), roles, index=index, key="demo_persona",
        format_func=lambda r: f"{personas[r].name} — "
                              f"{chapter_roles.get(r) or _org_label(tr, r)}",
        help=tr.gettext("Demo only: switch persona to see the app as a member, a team lead "
                        "or a chapter admin. A real chapter signs in instead."))
    return _remember(personas[role], "demo")


def sign_in(db: sqlite_utils.Database) -> Member:
    """The acting member; renders the sign-in UI and stops the run until there is one."""
    if store.is_demo(db):
        member = _demo_picker(db)
        if member is not None:
            return member
        _ = language.translator().gettext
        st.title(_("Allyship Accountability"))
        st.error(_("This demo database has none of the demo personas. Recreate it with "
                   "`python -m allyship demo --force`."))
        st.stop()

    if st.session_state.pop(_SIGNING_OUT, False):
        # Signed out on the last run (the session already ended): remove the cookie too.
        _go_to(session_links.end_url())
    else:
        member = _password_session(db)
        if member is not None:
            return member

    modes = available_modes(db)
    if not modes:
        _clear_session()
        _ = language.translator().gettext
        st.title(_("Allyship Accountability"))
        st.error(_(NO_SIGN_IN_MESSAGE), icon=":material/lock:")
        st.stop()

    if "oidc" in modes and st.user.get("is_logged_in"):
        email = str(st.user.get("email") or "")
        # A provider that says the address is unverified does not prove who this is.
        verified = st.user.get("email_verified") is not False
        member = roster.find_member_by_email(db, email) if email and verified else None
        if member is None or not member.active:
            _clear_session()
            _not_a_member(email, deactivated=member is not None)
            st.stop()
        return _remember(member, "oidc")

    _clear_session()
    _sign_in_page(db, modes)
    st.stop()
    raise RuntimeError("unreachable")


def _go_to(url: str) -> None:
    """Send this browser to one of our own routes (a server-built path with our own
    random nonce — never text from a person), replacing the current history entry."""
    st.html(f"<script>window.location.replace({json.dumps(url)});</script>",
            unsafe_allow_javascript=True)


def _cookie(name: str) -> str | None:
    try:
        return st.context.cookies.get(name)
    except Exception:  # no browser behind this run (bare script, tests)
        return None


def _start_session(db: sqlite_utils.Database, member: Member, how: str) -> None:
    """A password sign-in succeeded: open a server-side session bound to this browser
    (its ``allyship_browser`` cookie, set when the page loaded); the next run sends the
    browser to collect its cookie (so a reload or a new tab stays signed in). Only this
    browser can: the same link opened elsewhere signs nobody in."""
    started = sessions.start(db, member, how, browser=_cookie(sessions.BROWSER_COOKIE))
    _remember(member, "password")
    st.session_state["session_id"] = started.session_id
    st.session_state["session_handover"] = started.nonce


def _password_session(db: sqlite_utils.Database) -> Member | None:
    """The member of this tab's live password session: the one this tab opened, else
    the one its cookie names. ``None`` once it has ended (sign-out in any tab, expiry,
    deactivation)."""
    if st.session_state.get("auth_mode") == "password":
        member = sessions.member_for_session(db, st.session_state.get("session_id"),
                                             st.session_state.get("member_id"))
        if member is not None:
            nonce = st.session_state.pop("session_handover", None)
            if nonce:
                _go_to(session_links.start_url(nonce))
            return member
    found = sessions.member_for_token(db, _cookie(sessions.COOKIE_NAME))
    if found is None:
        return None
    session_id, member = found
    _remember(member, "password")
    st.session_state["session_id"] = session_id
    return member


def _not_a_member(email: str, *, deactivated: bool) -> None:
    _ = language.translator().gettext
    st.title(_("Allyship Accountability"))
    if deactivated:
        st.info(_("This account has been deactivated. If you would like to take part again, "
                  "ask your chapter admin to reactivate you."), icon=":material/person_off:")
    else:
        who = inert(email or _("an account without an email"))
        st.info(_("You are signed in as **{who}**, which is not on this chapter's member "
                  "list yet. Please ask your chapter admin to add you with this email "
                  "address.").format(who=who), icon=":material/waving_hand:")
    if st.button(_("Sign out"), key="oidc_sign_out"):
        st.logout()


def _provider_label(tr: Translator, name: str | None) -> str:
    if name is None:
        return tr.gettext("Sign in with your organisation account")
    return tr.gettext("Sign in with {provider}").format(
        provider=name.replace("-", " ").title())


def _sign_in_page(db: sqlite_utils.Database, modes: list[str]) -> None:
    navigation.remember_wanted_page()  # back to the page a link named, once signed in
    tr = language.translator()  # nobody signed in yet: the browser's language
    _ = tr.gettext
    st.title(_("Sign in"))
    st.caption(_("Allyship Accountability — your plan, actions and reflections are yours; "
                 "sign in to see them."))
    if "oidc" in modes:
        for provider in oidc_providers():
            if st.button(_provider_label(tr, provider), key=f"login_{provider or 'default'}",
                         type="primary"):
                if provider is None:
                    st.login()
                else:
                    st.login(provider)
    if "password" not in modes:
        return
    tab_pw, tab_code = st.tabs([_("Email and password"), _("First time? Use a set-up code")])
    with tab_pw:
        with st.form("password_sign_in"):
            email = st.text_input(_("Email"), key="signin_email", autocomplete="username")
            password = st.text_input(_("Password"), type="password", key="signin_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button(_("Sign in"), type="primary")
        if submitted:
            try:
                member = passwords.sign_in_with_password(db, email, password)
            except passwords.SignInFailed as exc:
                st.error(_words(tr, message_of(exc)), icon=":material/lock:")
            else:
                _start_session(db, member, "password")
                st.rerun()
        st.caption(_("Forgot your password? Ask your chapter admin for a set-up code."))
    with tab_code:
        with st.form("setup_code"):
            st.caption(_("Your chapter admin gave you a one-time set-up code. Use it to choose "
                         "your password (at least {count} characters).").format(
                             count=passwords.PASSWORD_MIN))
            c_email = st.text_input(_("Email"), key="setup_email", autocomplete="username")
            code = st.text_input(_("Set-up code"), key="setup_code_value")
            new = st.text_input(_("New password"), type="password", key="setup_new_password",
                                autocomplete="new-password")
            again = st.text_input(_("New password again"), type="password",
                                  key="setup_new_password_again", autocomplete="new-password")
            done = st.form_submit_button(_("Set my password and sign in"), type="primary")
        if done:
            if new != again:
                st.error(_("The two new passwords are not the same."))
            else:
                try:
                    member = passwords.redeem_setup_code(db, c_email, code, new)
                except passwords.SignInFailed as exc:
                    st.error(_words(tr, message_of(exc)), icon=":material/lock:")
                except ValidationError as exc:
                    st.error(" ".join(_words(tr, m) for m in exc.errors.values()))
                else:
                    _start_session(db, member, "set-up code")
                    st.rerun()


def _words(tr: Translator, text: str) -> str:
    # Imported where used, as sign_out does: the sign-in screen rarely needs it.
    from allyship.ui import common

    return common.words(tr, text)


# --- signed in ------------------------------------------------------------------------

def auth_mode() -> str | None:
    """How this session signed in: "oidc", "password" or "demo"."""
    return st.session_state.get("auth_mode")


def session_id() -> int | None:
    """This browser's password session, if it signed in with a password."""
    return st.session_state.get("session_id")


def sign_out(db: sqlite_utils.Database | None = None) -> None:
    """End this sign-in: for a password session, server-side first (so every tab of
    this browser, which share its cookie, is signed out on its next run), then the
    next run removes the cookie; for OIDC, the identity provider's cookie."""
    mode = auth_mode()
    sid = session_id()
    _clear_session()
    if mode == "oidc":
        st.logout()
        return
    if mode == "password" and sid is not None:
        from allyship.ui import common

        sessions.end(db if db is not None else common.get_db(), sid)
        st.session_state[_SIGNING_OUT] = True
    st.rerun()


def sidebar(member: Member) -> None:
    """Who is signed in, and a way out (not on the demo, where the picker is)."""
    if auth_mode() == "demo":
        return
    tr = language.translator()
    st.sidebar.caption(tr.gettext("Signed in as **{name}** · {role}").format(
        name=inert(member.name), role=role_name(tr, member.role)))
    if st.sidebar.button(tr.gettext("Sign out"), key="sign_out", icon=":material/logout:"):
        sign_out()
