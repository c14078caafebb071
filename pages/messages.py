"""Email & reminders (admins): the chapter's time zone and public address, how mail is
sent, a test email, the outbox's last run and failures, and previews of every message
(another member's as the admin may see it: nudges.preview_for)."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.core.wording import message_of
from allyship.i18n import Translator, formatting, translate
from allyship.people import member_directory, roster, setup_checklist
from allyship.rhythm import mail, nudges, outbox
from allyship.ui import common, language, rhythm_sections

PICK_ALL_UP_TO = 200  # active members offered in one picker; more, and it is a search


def sending_through(tr: Translator, s: mail.SmtpSettings) -> str:
    """"Sending through smtp.example.org:587 with STARTTLS, as …, from …" (no password)."""
    _ = tr.gettext
    security = {"starttls": _("with STARTTLS"), "ssl": _("over TLS"),
                "none": _("without encryption")}.get(s.security, s.security)
    if s.username:
        return _("Sending through {host}:{port} {security}, signed in as {username}, from "
                 "{sender}.").format(host=s.host, port=s.port, security=security,
                                     username=s.username, sender=s.sender)
    return _("Sending through {host}:{port} {security}, from {sender}.").format(
        host=s.host, port=s.port, security=security, sender=s.sender)


def when(tr: Translator, value: object) -> str:
    """An ISO date or time from the outbox as "Mon 7 Dec 2026" (and "14:05 UTC")."""
    if not value:
        return ""
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if len(str(value)) <= 10:
        return formatting.format_day(tr, date.fromisoformat(str(value)))
    return f"{formatting.format_day(tr, at)} {at:%H:%M} UTC"


def state_words(tr: Translator) -> dict[str, str]:
    """The outbox's states as stored, in the reader's words."""
    return {"pending": tr.pgettext("outbox state", "pending"),
            "sending": tr.pgettext("outbox state", "sending"),
            "sent": tr.pgettext("outbox state", "sent"),
            "skipped": tr.pgettext("outbox state", "skipped"),
            "failed": tr.pgettext("outbox state", "failed")}


me = common.require_screen("messages")
db = common.get_db()
tr = language.translator()
_ = tr.gettext


def number(value: int) -> str:
    return formatting.format_number(tr, value)


st.title(_("Email & reminders"))
st.caption(_("Members and leads choose their own reminders and digests on their Account "
             "page; nothing is sent to anyone who has not turned it on."))
common.show_flash()

# Kept across a save's confirmation, as on Admin and Log actions.
tab_preview, tab_sending, tab_chapter = st.tabs([_("Previews"), _("Sending & outbox"),
                                                 _("Chapter settings")],
                                                key="messages_tab", on_change="rerun")

with tab_chapter:
    current = nudges.chapter_settings(db, me.chapter_id)
    zones = nudges.time_zone_choices()
    with st.form("rhythm_chapter"):
        tz = st.selectbox(_("Time zone (everyone's chosen day and hour are in it)"), zones,
                          index=zones.index(current.time_zone) if current.time_zone in zones
                          else 0)
        url = st.text_input(_("Public address of this app (for links in emails and calendar "
                              "feeds)"), value=current.public_url,
                            placeholder="https://allyship.example.org")
        save = st.form_submit_button(_("Save chapter settings"), type="primary")
    if save:
        try:
            nudges.save_chapter_settings(db, me, time_zone=tz, public_url=url)
        except ValidationError as exc:
            common.show_validation(exc)
        except PermissionDenied as exc:
            common.show_denied(exc)
        else:
            common.flash(_("Chapter settings saved."))
            st.rerun()
    if not setup_checklist.chapter_settings_saved(db, me.chapter_id):
        st.warning(_("Choose the chapter's time zone and save: until then reminders and "
                     "digests go out by UTC, which may be the wrong hour for your members."))
    if not current.public_url:
        st.warning(_("No public address yet: links in emails point to {address}, which works "
                     "only on this computer.").format(address="http://localhost:8501"))

with tab_sending:
    smtp, sentence = rhythm_sections.smtp_state()
    (st.success if smtp else st.warning)(sending_through(tr, smtp) if smtp else sentence)
    mode = mail.scheduler_mode()
    st.markdown(_("Scheduler: in-app — this server sends what is due every few minutes.")
                if mode == "in-app" else
                _("Scheduler: cron — run `{command}` every 15 minutes (see the README).").format(
                    command="python -m allyship nudges run"))
    if st.button(_("Send me a test email ({email})").format(email=me.email),
                 disabled=smtp is None, key="test_mail"):
        with st.spinner(_("Sending…")):
            try:
                sent_to = mail.send_test_email(db, me, smtp)
            except Exception as exc:  # any SMTP or network failure: say it plainly
                st.error(_("The test email was not sent: {error}").format(
                    error=f"{type(exc).__name__}: {inert(translate(tr, str(exc)))}"))
            else:
                st.success(_("Sent to {address}. Check the inbox (and the spam folder).").format(
                    address=inert(sent_to)))
    status = outbox.status(db, me)
    states = state_words(tr)
    st.header(_("Outbox"))
    if status.last_run is None:
        st.info(_("No run yet. Messages go out when the scheduler or the cron job first runs."))
    else:
        r = status.last_run
        figures = dict(started=when(tr, r["started_at"]), queued=number(r["queued"]),
                       sent=number(r["sent"]), failed=number(r["failed"]),
                       skipped=number(r["skipped"]))
        line = (_("Last run started {started}: queued {queued}, sent {sent}, failed {failed}, "
                  "skipped {skipped}.") if r["finished_at"] else
                _("Last run started {started} (still running, or interrupted): queued "
                  "{queued}, sent {sent}, failed {failed}, skipped {skipped}.")).format(**figures)
        st.markdown(line + (f" {inert(translate(tr, r['note']))}" if r["note"] else ""))
    if status.counts:
        st.caption(" · ".join(f"{states.get(k, k)}: {number(v)}"
                              for k, v in sorted(status.counts.items())))
    if status.failures:
        st.markdown(_("**Waiting for a retry, or given up**"))
        failures = pd.DataFrame(status.failures)
        for column in ("week_start", "next_attempt_at"):
            if column in failures:
                failures[column] = failures[column].map(lambda v: when(tr, v))
        if "status" in failures:
            failures["status"] = failures["status"].map(lambda v: states.get(v, v))
        if "kind" in failures:
            failures["kind"] = failures["kind"].map(lambda k: rhythm_sections.kind_label(tr, k))
        st.dataframe(failures.rename(columns={
            "name": _("Member"), "kind": _("Kind"), "week_start": _("Week"),
            "status": _("State"), "attempts": _("Attempts"), "next_attempt_at": _("Next try"),
            "last_error": _("Error")}), hide_index=True)

with tab_preview:
    # A small chapter's active members are all offered; a large chapter's through a
    # search (a picker of thousands helps nobody and costs every run).
    small = common.cached(member_directory.chapter_counts, me).active <= PICK_ALL_UP_TO
    query = "" if small else st.text_input(
        _("Preview the messages of (search by name or email)"), key="preview_search",
        placeholder=_("Leave empty for your own"))
    found = (common.cached(member_directory.find_members, me, query=query.strip(),
                           only="active", page_size=PICK_ALL_UP_TO if small else
                           member_directory.MATCHES_MAX).rows
             if small or query.strip() else ())
    names = {r.id: r.label() for r in found}
    ids = [me.id, *[i for i in names if i != me.id]]
    names.setdefault(me.id, f"{me.name} <{me.email}>")
    if query.strip() and not found:
        st.caption(_("Nobody active matches this search."))
    who = st.selectbox(_("Member"), ids, format_func=names.get, key="preview_member")
    member = roster.get_member(db, who)
    kinds = [k for k in nudges.KINDS if nudges.may_receive(member, k)]
    kind = st.radio(_("Message"), kinds, format_func=lambda k: rhythm_sections.kind_label(tr, k),
                    horizontal=True, key="preview_kind")
    try:
        preview = nudges.preview_for(db, me, member.id, kind)
    except (ValidationError, PermissionDenied) as exc:
        st.error(inert(translate(tr, message_of(exc))))
    else:
        rhythm_sections.show_preview(db, preview, rhythm_sections.smtp_state()[0])
