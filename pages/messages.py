"""Email & reminders (admins): the chapter's time zone and public address, how mail is
sent, a test email, the outbox's last run and failures, and previews of every message
(another member's as the admin may see it: nudges.preview_for)."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.dates import format_day
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.people import member_directory, roster, setup_checklist
from allyship.rhythm import mail, nudges, outbox
from allyship.ui import common, rhythm_sections

PICK_ALL_UP_TO = 200  # active members offered in one picker; more, and it is a search
SECURITY_WORDS = {"starttls": "with STARTTLS", "ssl": "over TLS",
                  "none": "without encryption"}


def sending_through(s: mail.SmtpSettings) -> str:
    """"Sending through smtp.example.org:587 with STARTTLS, as …, from …" (no password)."""
    login = f", signed in as {s.username}" if s.username else ""
    return (f"Sending through {s.host}:{s.port} {SECURITY_WORDS.get(s.security, s.security)}"
            f"{login}, from {s.sender}.")


def when(value: object) -> str:
    """An ISO date or time from the outbox as "Mon 7 Dec 2026" (and "14:05 UTC")."""
    if not value:
        return ""
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if len(str(value)) <= 10:
        return format_day(date.fromisoformat(str(value)))
    return f"{format_day(at)} {at:%H:%M} UTC"


me = common.require_screen("messages")
db = common.get_db()

st.title("Email & reminders")
st.caption("Members and leads choose their own reminders and digests on their Account page; "
           "nothing is sent to anyone who has not turned it on.")
common.show_flash()

# Kept across a save's confirmation, as on Admin and Log actions.
tab_preview, tab_sending, tab_chapter = st.tabs(["Previews", "Sending & outbox",
                                                 "Chapter settings"],
                                                key="messages_tab", on_change="rerun")

with tab_chapter:
    current = nudges.chapter_settings(db, me.chapter_id)
    zones = nudges.time_zone_choices()
    with st.form("rhythm_chapter"):
        tz = st.selectbox("Time zone (everyone's chosen day and hour are in it)", zones,
                          index=zones.index(current.time_zone) if current.time_zone in zones
                          else 0)
        url = st.text_input("Public address of this app (for links in emails and calendar "
                            "feeds)", value=current.public_url,
                            placeholder="https://allyship.example.org")
        save = st.form_submit_button("Save chapter settings", type="primary")
    if save:
        try:
            nudges.save_chapter_settings(db, me, time_zone=tz, public_url=url)
        except ValidationError as exc:
            common.show_validation(exc)
        except PermissionDenied as exc:
            common.show_denied(exc)
        else:
            common.flash("Chapter settings saved.")
            st.rerun()
    if not setup_checklist.chapter_settings_saved(db, me.chapter_id):
        st.warning("Choose the chapter's time zone and save: until then reminders and "
                   "digests go out by UTC, which may be the wrong hour for your members.")
    if not current.public_url:
        st.warning("No public address yet: links in emails point to http://localhost:8501, "
                   "which works only on this computer.")

with tab_sending:
    smtp, sentence = rhythm_sections.smtp_state()
    (st.success if smtp else st.warning)(sending_through(smtp) if smtp else sentence)
    mode = mail.scheduler_mode()
    st.markdown("Scheduler: " + ("in-app — this server sends what is due every few minutes."
                                if mode == "in-app" else
                                "cron — run `python -m allyship nudges run` every 15 minutes "
                                "(see the README)."))
    if st.button(f"Send me a test email ({me.email})", disabled=smtp is None, key="test_mail"):
        with st.spinner("Sending…"):
            try:
                sent_to = mail.send_test_email(db, me, smtp)
            except Exception as exc:  # any SMTP or network failure: say it plainly
                st.error(f"The test email was not sent: {type(exc).__name__}: "
                         f"{inert(exc)}")
            else:
                st.success(f"Sent to {inert(sent_to)}. Check the inbox (and the spam "
                           "folder).")
    status = outbox.status(db, me)
    st.header("Outbox")
    if status.last_run is None:
        st.info("No run yet. Messages go out when the scheduler or the cron job first runs.")
    else:
        r = status.last_run
        st.markdown(f"Last run started {when(r['started_at'])}"
                    + ("" if r["finished_at"] else " (still running, or interrupted)")
                    + f": queued {r['queued']:,}, sent {r['sent']:,}, failed {r['failed']:,}, "
                      f"skipped {r['skipped']:,}." + (f" {inert(r['note'])}" if r['note'] else ""))
    if status.counts:
        st.caption(" · ".join(f"{k}: {v:,}" for k, v in sorted(status.counts.items())))
    if status.failures:
        st.markdown("**Waiting for a retry, or given up**")
        failures = pd.DataFrame(status.failures)
        for column in ("week_start", "next_attempt_at"):
            if column in failures:
                failures[column] = failures[column].map(when)
        st.dataframe(failures.rename(columns={
            "name": "Member", "kind": "Kind", "week_start": "Week", "status": "State",
            "attempts": "Attempts", "next_attempt_at": "Next try", "last_error": "Error"}),
            hide_index=True)

with tab_preview:
    # A small chapter's active members are all offered; a large chapter's through a
    # search (a picker of thousands helps nobody and costs every run).
    small = common.cached(member_directory.chapter_counts, me).active <= PICK_ALL_UP_TO
    query = "" if small else st.text_input(
        "Preview the messages of (search by name or email)", key="preview_search",
        placeholder="Leave empty for your own")
    found = (common.cached(member_directory.find_members, me, query=query.strip(),
                           only="active", page_size=PICK_ALL_UP_TO if small else
                           member_directory.MATCHES_MAX).rows
             if small or query.strip() else ())
    names = {r.id: r.label() for r in found}
    ids = [me.id, *[i for i in names if i != me.id]]
    names.setdefault(me.id, f"{me.name} <{me.email}>")
    if query.strip() and not found:
        st.caption("Nobody active matches this search.")
    who = st.selectbox("Member", ids, format_func=names.get, key="preview_member")
    member = roster.get_member(db, who)
    kinds = [k for k in nudges.KINDS if nudges.may_receive(member, k)]
    kind = st.radio("Message", kinds, format_func=nudges.KINDS.get, horizontal=True,
                    key="preview_kind")
    try:
        preview = nudges.preview_for(db, me, member.id, kind)
    except (ValidationError, PermissionDenied) as exc:
        st.error(inert(exc))
    else:
        rhythm_sections.show_preview(db, preview, rhythm_sections.smtp_state()[0])
