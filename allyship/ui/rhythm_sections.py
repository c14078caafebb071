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
from allyship.core.wording import message_of
from allyship.i18n import N_, Translator, translate
from allyship.rhythm import feeds, mail, nudges
from allyship.ui import common, language

HIDDEN_LINK = N_("[Preview] their own unsubscribe link, not shown")


def _hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


def kind_label(tr: Translator, kind: str) -> str:
    """A message kind's name ("Weekly reminder to log my actions") in ``tr``'s language."""
    return tr.gettext(nudges.KINDS.get(kind, kind))


def weekday_name(tr: Translator, weekday: int) -> str:
    """Monday (0) to Sunday (6) in ``tr``'s language."""
    return tr.gettext(nudges.WEEKDAYS[weekday])


def reminder_settings_section(db: sqlite_utils.Database, me: Member) -> None:
    """Each message kind the member may receive: on/off, day and hour; and the private
    calendar feed (turn on, regenerate, turn off)."""
    tr = language.translator()
    _ = tr.gettext
    st.header(_("Email reminders & calendar"))
    st.caption(_("Off unless you turn them on. {time_zone} Every email has a link to stop "
                 "it.").format(time_zone=time_zone_sentence(db, me)))
    for kind in nudges.KINDS:
        if not nudges.may_receive(me, kind):
            continue
        label = kind_label(tr, kind)
        current = nudges.get_setting(db, me, kind)
        with st.form(f"nudge_{kind}"):
            on = st.toggle(label, value=current.enabled, key=f"nudge_{kind}_on")
            left, right = st.columns(2)
            weekday = left.selectbox(_("Day"), range(7), index=current.weekday,
                                     format_func=lambda d: weekday_name(tr, d),
                                     key=f"nudge_{kind}_day")
            hour = right.selectbox(_("Hour"), range(24), index=current.hour,
                                   format_func=_hour_label, key=f"nudge_{kind}_hour")
            if kind == "reminder":
                st.caption(_("Sent only in a week you have not logged yet and not marked "
                             "away: a link to Log actions, your next steps due soon and a "
                             "practice question. Nothing about anyone else."))
            elif me.role == "lead":
                st.caption(_("Your team's last complete week: how many took part, the "
                             "responsibilities nobody practised, next steps overdue, and who "
                             "has gone quiet, for a friendly check-in."))
            else:
                st.caption(_("The chapter's last complete week: how many took part, the "
                             "responsibilities nobody practised, next steps overdue."))
            saved = st.form_submit_button(_("Save"))
        if saved:
            try:
                result = nudges.save_setting(db, me, kind, enabled=on, weekday=weekday,
                                             hour=hour)
            except ValidationError as exc:
                common.show_validation(exc)
            except access.PermissionDenied as exc:
                common.show_denied(exc)
            else:
                common.flash(
                    _("{kind}: on, {when}.").format(kind=label,
                                                    when=translate(tr, result.when))
                    if result.enabled else _("{kind}: off.").format(kind=label))
                st.rerun()
    _calendar_feed(db, me)


def time_zone_sentence(db: sqlite_utils.Database, me: Member) -> str:
    """Which clock the chosen hours follow — or, until an admin has chosen the chapter's
    time zone, that it still has to be chosen (and by whom)."""
    _ = language.translator().gettext
    if mail.time_zone_chosen(db, me.chapter_id):
        zone = nudges.chapter_settings(db, me.chapter_id).time_zone
        return _("Times are in the chapter's time zone, {zone}.").format(zone=zone)
    if me.role == "admin":
        return _("The chapter's time zone is not chosen yet: choose it on *Email & "
                 "reminders* → Chapter settings (until then times are UTC).")
    return _("Your chapter's admin has not chosen its time zone yet, so times are UTC for "
             "now.")


def _calendar_feed(db: sqlite_utils.Database, me: Member) -> None:
    _ = language.translator().gettext
    st.markdown(_("**My calendar feed**"))
    st.caption(_("A private address your calendar app (Google, Outlook, Apple) subscribes "
                 "to: your next steps on their due dates and a weekly \u201cLog my "
                 "week\u201d at your reminder time. Anyone with the address can read it, so "
                 "keep it to yourself; regenerate it if it ever leaks."))
    new_token = st.session_state.get("feed_token_shown")
    if feeds.has_feed(db, me):
        if new_token:
            st.success(_("Copy this address into your calendar app (\u201cAdd calendar "
                         "from URL\u201d / \u201cSubscribe\u201d). It is shown only now."))
            st.code(feeds.feed_url(db, me, new_token), language=None)
        else:
            st.caption(_("Your feed is on. Its address was shown when you turned it on; "
                         "regenerate to see a new one (the old one stops working)."))
        left, right = st.columns(2)
        if left.button(_("Regenerate address"), key="feed_regenerate"):
            st.session_state["feed_token_shown"] = feeds.new_feed_token(db, me)
            st.rerun()
        if right.button(_("Turn off my calendar feed"), key="feed_off"):
            feeds.revoke_feed(db, me)
            st.session_state.pop("feed_token_shown", None)
            common.flash(_("Calendar feed turned off; its address no longer works."))
            st.rerun()
    elif st.button(_("Turn on my calendar feed"), key="feed_on"):
        st.session_state["feed_token_shown"] = feeds.new_feed_token(db, me)
        st.rerun()


def smtp_state() -> tuple[mail.SmtpSettings | None, str]:
    """The SMTP settings and a plain sentence about them, for the admin page."""
    tr = language.translator()
    try:
        s = mail.smtp_settings()
    except mail.MailNotConfigured as exc:
        return None, translate(tr, message_of(exc))
    return s, tr.gettext("Sending through {server}.").format(server=s.describe())


def show_preview(db: sqlite_utils.Database, preview: nudges.Preview,
                 smtp: mail.SmtpSettings | None) -> None:
    """A preview (:func:`allyship.rhythm.nudges.preview_for`) as the email looks: its
    notes, subject and recipient, the HTML and the plain text. Someone else's signed
    unsubscribe link is replaced: it would let the viewer turn their messages off."""
    tr = language.translator()
    _ = tr.gettext
    for note in preview.notes:
        st.caption(inert(translate(tr, note)))
    m = preview.message
    settings = nudges.chapter_settings(db, m.member.chapter_id)
    problem = mail.links_problem(settings)
    if problem:
        # The outbox's reason ("Not sent: …") read as a warning about what will happen.
        st.warning(translate(tr, problem).replace(_("Not sent:"), _("Emails will not be sent:"),
                                                  1), icon=":material/link_off:")
    try:
        email = mail.build_email(db, m, smtp, check_links=False, with_replies=preview.own)
    except mail.UnusableAddress as exc:
        st.error(_("Nothing can be sent to {name}: {reason}.").format(
            name=inert(m.member.name), reason=inert(translate(tr, str(exc)))))
        return
    html, text = mail.html_part(email), mail.text_part(email)
    if not preview.own:  # their signed link would act for them
        link = mail.unsubscribe_url(db, settings, m.member.id, m.kind)
        text = text.replace(link, _(HIDDEN_LINK))
        html = html.replace(escape(link, quote=True), "#").replace(link, "#")
    st.markdown(_("**Subject:** {subject}  \n**To:** {to}").format(
        subject=inert(str(email["Subject"])), to=inert(str(email["To"]))))
    html_tab, text_tab = st.tabs([_("As most people see it"), _("Plain text")])
    with html_tab:
        # Our own template, every piece of user text escaped by mail.render_html;
        # st.html sanitises it once more. Inside the page the email's own landmark and
        # top heading would be a second main and a second h1: shown as plain blocks.
        embedded = (html.replace("<main ", "<div ").replace("</main>", "</div>")
                    .replace("<h1 ", "<p ").replace("</h1>", "</p>"))
        st.html(embedded)
    with text_tab:
        st.code(text, language=None, wrap_lines=True)
