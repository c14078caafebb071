"""Streamlit pieces of the weekly rhythm: the member's "Email reminders & calendar"
section on *Account* (a function of its own, so the page's other sections stay apart)
and the shared widgets of the admin's *Email & reminders* page, its previews included."""

from __future__ import annotations

from html import escape

import sqlite_utils
import streamlit as st

from allyship.core import access
from allyship.core.models import Member, ValidationError
from allyship.core.safe_text import inert
from allyship.rhythm import feeds, mail, nudges
from allyship.ui import common


def _hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


def reminder_settings_section(db: sqlite_utils.Database, me: Member) -> None:
    """Each message kind the member may receive: on/off, day and hour; and the private
    calendar feed (turn on, regenerate, turn off)."""
    st.header("Email reminders & calendar")
    st.caption(f"Off unless you turn them on. {time_zone_sentence(db, me)} Every email has "
               "a link to stop it.")
    for kind, label in nudges.KINDS.items():
        if not nudges.may_receive(me, kind):
            continue
        current = nudges.get_setting(db, me, kind)
        with st.form(f"nudge_{kind}"):
            on = st.toggle(label, value=current.enabled, key=f"nudge_{kind}_on")
            left, right = st.columns(2)
            weekday = left.selectbox("Day", range(7), index=current.weekday,
                                     format_func=lambda d: nudges.WEEKDAYS[d],
                                     key=f"nudge_{kind}_day")
            hour = right.selectbox("Hour", range(24), index=current.hour,
                                   format_func=_hour_label, key=f"nudge_{kind}_hour")
            if kind == "reminder":
                st.caption("Sent only in a week you have not logged yet and not marked away: "
                           "a link to Log actions, your next steps due soon and a practice "
                           "question. Nothing about anyone else.")
            elif me.role == "lead":
                st.caption("Your team's last complete week: how many took part, the "
                           "responsibilities nobody practised, next steps overdue, and who "
                           "has gone quiet, for a friendly check-in.")
            else:
                st.caption("The chapter's last complete week: how many took part, the "
                           "responsibilities nobody practised, next steps overdue.")
            saved = st.form_submit_button("Save")
        if saved:
            try:
                result = nudges.save_setting(db, me, kind, enabled=on, weekday=weekday,
                                             hour=hour)
            except ValidationError as exc:
                common.show_validation(exc)
            except access.PermissionDenied as exc:
                common.show_denied(exc)
            else:
                common.flash(f"{label}: " + (f"on, {result.when}." if result.enabled else "off."))
                st.rerun()
    _calendar_feed(db, me)


def time_zone_sentence(db: sqlite_utils.Database, me: Member) -> str:
    """Which clock the chosen hours follow — or, until an admin has chosen the chapter's
    time zone, that it still has to be chosen (and by whom)."""
    if mail.time_zone_chosen(db, me.chapter_id):
        zone = nudges.chapter_settings(db, me.chapter_id).time_zone
        return f"Times are in the chapter's time zone, {zone}."
    if me.role == "admin":
        return ("The chapter's time zone is not chosen yet: choose it on *Email & "
                "reminders* → Chapter settings (until then times are UTC).")
    return ("Your chapter's admin has not chosen its time zone yet, so times are UTC for "
            "now.")


def _calendar_feed(db: sqlite_utils.Database, me: Member) -> None:
    st.markdown("**My calendar feed**")
    st.caption("A private address your calendar app (Google, Outlook, Apple) subscribes to: "
               "your next steps on their due dates and a weekly \u201cLog my week\u201d at "
               "your reminder time. Anyone with the address can read it, so keep it to "
               "yourself; regenerate it if it ever leaks.")
    new_token = st.session_state.get("feed_token_shown")
    if feeds.has_feed(db, me):
        if new_token:
            st.success("Copy this address into your calendar app (\u201cAdd calendar from "
                       "URL\u201d / \u201cSubscribe\u201d). It is shown only now.")
            st.code(feeds.feed_url(db, me, new_token), language=None)
        else:
            st.caption("Your feed is on. Its address was shown when you turned it on; "
                       "regenerate to see a new one (the old one stops working).")
        left, right = st.columns(2)
        if left.button("Regenerate address", key="feed_regenerate"):
            st.session_state["feed_token_shown"] = feeds.new_feed_token(db, me)
            st.rerun()
        if right.button("Turn off my calendar feed", key="feed_off"):
            feeds.revoke_feed(db, me)
            st.session_state.pop("feed_token_shown", None)
            common.flash("Calendar feed turned off; its address no longer works.")
            st.rerun()
    elif st.button("Turn on my calendar feed", key="feed_on"):
        st.session_state["feed_token_shown"] = feeds.new_feed_token(db, me)
        st.rerun()


def smtp_state() -> tuple[mail.SmtpSettings | None, str]:
    """The SMTP settings and a plain sentence about them, for the admin page."""
    try:
        s = mail.smtp_settings()
    except mail.MailNotConfigured as exc:
        return None, str(exc)
    return s, f"Sending through {s.describe()}."


HIDDEN_LINK = "[Preview] their own unsubscribe link, not shown"


def show_preview(db: sqlite_utils.Database, preview: nudges.Preview,
                 smtp: mail.SmtpSettings | None) -> None:
    """A preview (:func:`allyship.rhythm.nudges.preview_for`) as the email looks: its
    notes, subject and recipient, the HTML and the plain text. Someone else's signed
    unsubscribe link is replaced: it would let the viewer turn their messages off."""
    for note in preview.notes:
        st.caption(inert(note))
    m = preview.message
    settings = nudges.chapter_settings(db, m.member.chapter_id)
    problem = mail.links_problem(settings)
    if problem:
        st.warning(problem.replace("Not sent:", "Emails will not be sent:", 1),
                   icon=":material/link_off:")
    try:
        email = mail.build_email(db, m, smtp, check_links=False, with_replies=preview.own)
    except mail.UnusableAddress as exc:
        st.error(f"Nothing can be sent to {inert(m.member.name)}: {inert(str(exc))}.")
        return
    html, text = mail.html_part(email), mail.text_part(email)
    if not preview.own:  # their signed link would act for them
        link = mail.unsubscribe_url(db, settings, m.member.id, m.kind)
        text = text.replace(link, HIDDEN_LINK)
        html = html.replace(escape(link, quote=True), "#").replace(link, "#")
    st.markdown(f"**Subject:** {inert(str(email['Subject']))}  \n"
                f"**To:** {inert(str(email['To']))}")
    html_tab, text_tab = st.tabs(["As most people see it", "Plain text"])
    with html_tab:
        # Our own template, every piece of user text escaped by mail.render_html;
        # st.html sanitises it once more. Inside the page the email's own landmark and
        # top heading would be a second main and a second h1: shown as plain blocks.
        embedded = (html.replace("<main ", "<div ").replace("</main>", "</div>")
                    .replace("<h1 ", "<p ").replace("</h1>", "</p>"))
        st.html(embedded)
    with text_tab:
        st.code(text, language=None, wrap_lines=True)
