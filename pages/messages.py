"""Email & reminders (admins): the chapter's time zone and public address, how mail is
sent, a test email, the outbox's last run and failures, and previews of every message
(another member's as the admin may see it: nudges.preview_for)."""

import pandas as pd
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.people import roster
from allyship.rhythm import mail, nudges, outbox
from allyship.ui import common, rhythm_sections

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
    if not current.public_url:
        st.warning("No public address yet: links in emails point to http://localhost:8501, "
                   "which works only on this computer.")

with tab_sending:
    smtp, sentence = rhythm_sections.smtp_state()
    (st.success if smtp else st.warning)(sentence)
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
        st.markdown(f"Last run started {r['started_at']}"
                    + ("" if r["finished_at"] else " (still running, or interrupted)")
                    + f": queued {r['queued']}, sent {r['sent']}, failed {r['failed']}, "
                      f"skipped {r['skipped']}." + (f" {inert(r['note'])}" if r['note'] else ""))
    if status.counts:
        st.caption(" · ".join(f"{k}: {v}" for k, v in sorted(status.counts.items())))
    if status.failures:
        st.markdown("**Waiting for a retry, or given up**")
        st.dataframe(pd.DataFrame(status.failures).rename(columns={
            "name": "Member", "kind": "Kind", "week_start": "Week", "status": "State",
            "attempts": "Attempts", "next_attempt_at": "Next try", "last_error": "Error"}),
            hide_index=True)

with tab_preview:
    members = [m for m in roster.list_members(db, me.chapter_id) if m.active]
    if not members:
        st.info("No active members yet.")
    else:
        ids = [m.id for m in members]
        names = {m.id: f"{m.name} ({m.email})" for m in members}
        who = st.selectbox("Member", ids, format_func=names.get, key="preview_member",
                           index=ids.index(me.id) if me.id in ids else 0)
        member = next(m for m in members if m.id == who)
        kinds = [k for k in nudges.KINDS if nudges.may_receive(member, k)]
        kind = st.radio("Message", kinds, format_func=nudges.KINDS.get, horizontal=True,
                        key="preview_kind")
        try:
            preview = nudges.preview_for(db, me, member.id, kind)
        except (ValidationError, PermissionDenied) as exc:
            st.error(inert(exc))
        else:
            rhythm_sections.show_preview(db, preview, rhythm_sections.smtp_state()[0])
