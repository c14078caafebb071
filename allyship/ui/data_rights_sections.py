"""Streamlit sections for members' data rights: "Your data" on Account and
the "Your data" tab on Admin. Widgets and layout only; the rules live in
:mod:`allyship.rights.mydata`, :mod:`allyship.rights.erasure` and :mod:`allyship.rights.retention`."""

from __future__ import annotations

import functools
from datetime import date

import sqlite_utils
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.dates import format_day
from allyship.core.models import Member, ValidationError
from allyship.core.safe_text import inert
from allyship.rights import erasure, mydata, retention
from allyship.ui import common

_KEEP_LABEL = "Until I delete them"


def _months_label(months: int | None, none_label: str = _KEEP_LABEL) -> str:
    return none_label if months is None else f"{months} months"


def _choices(current: int | None) -> list[int | None]:
    options: list[int | None] = [None, *retention.MONTH_CHOICES]
    if current not in options:
        options.append(current)
    return options


DIFFERENCE = ("**Deactivated is not forgotten.** A deactivated member cannot sign in, but "
              "everything they wrote is kept and they can come back. A forgotten member is "
              "anonymised for good: their name becomes *Former member N* and every word they "
              "wrote is erased, while the counts that make up the chapter's figures stay.")


def account_section(db: sqlite_utils.Database, me: Member) -> None:
    """On Account: download my data, how long my reflections are kept, forget me."""
    st.header("Your data")
    st.markdown("One zip of everything the app holds about you: your plan and every earlier "
                "version, actions, reflections, weeks away, settings and the audit log's "
                "entries about you — as CSV (for a spreadsheet) and JSON, with a README.")
    st.download_button(
        "Download my data (.zip)", key="my_data_download", icon=":material/download:",
        # Built when clicked, on Streamlit's own thread: it opens its own connection.
        data=functools.partial(mydata.zip_bytes_at, str(common.db_path()), me.id),
        file_name=mydata.file_name(me), mime="application/zip", on_click="ignore")

    st.markdown("**How long to keep my reflections**")
    today = date.today()
    chapter_rule = retention.chapter_months(db, me.chapter_id)
    current = retention.my_months(db, me)
    options = _choices(current)
    chosen = st.selectbox("Delete my reflections older than", options, key="my_keep_months",
                          index=options.index(current), format_func=_months_label)
    if chapter_rule is not None:
        st.caption(f"Your chapter deletes reflections older than {chapter_rule} months; "
                   "where both are set, the shorter applies.")
    if chosen != current:
        due = retention.preview_mine(db, me, chosen, today=today)
        sure = True
        if due:
            sure = st.checkbox(f"Delete {due} of my reflections now (older than "
                               f"{_months_label(chosen)})", key="my_keep_confirm")
        if st.button("Save", key="my_keep_save", type="primary", disabled=not sure):
            try:
                removed = retention.set_my_months(db, me, chosen, today=today)
            except ValidationError as exc:
                common.show_validation(exc)
            else:
                common.flash("Saved." + (f" {removed} older reflections were deleted."
                                     if removed else ""))
                st.rerun()

    st.markdown("**Forget me**")
    st.markdown(DIFFERENCE)
    asked = erasure.request_of(db, me)
    if asked:
        st.info(f"You asked to be forgotten on {asked[:10]}. A chapter admin will confirm it; "
                "until then nothing is erased and you can change your mind.",
                icon=":material/hourglass_top:")
        if st.button("Withdraw my request", key="forget_withdraw"):
            erasure.withdraw_request(db, me)
            common.flash("Your request was withdrawn.")
            st.rerun()
        return
    st.caption("Download your data first if you want to keep a copy: after the erasure "
               "it cannot be recovered.")
    sure = st.checkbox("I understand that this cannot be undone", key="forget_sure")
    if st.button("Ask to be forgotten", key="forget_ask", disabled=not sure):
        erasure.request_erasure(db, me)
        common.flash("Your request was sent to your chapter's admins.")
        st.rerun()


def _confirm_form(db: sqlite_utils.Database, me: Member, target: Member, key: str) -> None:
    with st.form(f"forget_{key}_{target.id}"):
        typed = st.text_input(f"Type {target.name}'s email address to confirm",
                              key=f"forget_confirm_{key}_{target.id}")
        go = st.form_submit_button("Forget this member", type="primary")
    if go:
        try:
            with st.spinner("Erasing and rewriting the database file…"):
                result = erasure.forget(db, me, target.id, confirm_email=typed)
        except ValidationError as exc:
            common.show_validation(exc, "Nothing was erased:")
        except PermissionDenied as exc:
            common.show_denied(exc)
        else:
            common.flash(result.summary())
            st.rerun()


def _day(iso: str) -> str:
    """An ISO date or time as "Mon 7 Dec 2026"."""
    try:
        return format_day(date.fromisoformat(str(iso)[:10]))
    except ValueError:
        return str(iso)


def admin_tab(db: sqlite_utils.Database, me: Member) -> None:
    """On Admin: requests to be forgotten, forgetting someone who left, retention."""
    st.markdown(DIFFERENCE)
    st.header("Requests to be forgotten")
    pending = erasure.pending_requests(db, me)
    if not pending:
        st.caption("No member is waiting to be forgotten.")
    for target, asked in pending:
        with st.container(border=True):
            st.markdown(f"**{inert(target.name)}** · {inert(target.email)} · asked on "
                        f"{_day(asked)}")
            if target.id == me.id:
                st.caption("Your own request: another admin, or the server's operator, "
                           "confirms it.")
                continue
            _confirm_form(db, me, target, "req")
            if st.button("Decline the request", key=f"forget_decline_{target.id}",
                         help="E.g. asked by mistake: talk with them first."):
                erasure.decline_request(db, me, target.id)
                common.flash(f"Declined {target.name}'s request.")
                st.rerun()

    left = erasure.forgettable_without_request(db, me)
    if left:
        st.header("Forget a member who has left")
        st.caption("For a deactivated member who asked by letter or email. Active members "
                   "ask for themselves on their Account page.")
        pick = st.selectbox("Member", [m.id for m in left], key="forget_left_pick",
                            format_func=lambda i: next(f"{m.name} <{m.email}>"
                                                       for m in left if m.id == i))
        if pick is not None:
            _confirm_form(db, me, next(m for m in left if m.id == pick), "left")

    st.header("How long reflections are kept")
    current = retention.chapter_months(db, me.chapter_id)
    options = _choices(current)
    with st.form("chapter_keep"):
        chosen = st.selectbox("Delete members' reflections older than", options,
                              index=options.index(current), key="chapter_keep_months",
                              format_func=lambda m: _months_label(m, "Keep them (off)"))
        save = st.form_submit_button("Save", type="primary")
    # Body text, not a caption: inline code in a caption falls below 4.5:1 contrast.
    st.markdown("Off by default. Members can choose a shorter time for their own. Deletion "
                "runs with `python -m allyship retention run` (e.g. daily from cron) and in "
                "the app's background; the audit log records how many, never what.")
    if save:
        try:
            retention.set_chapter_months(db, me, chosen)
        except (ValidationError, PermissionDenied) as exc:
            (common.show_validation if isinstance(exc, ValidationError) else common.show_denied)(exc)
        else:
            due = retention.count_due(db, date.today(), chapter_id=me.chapter_id)
            common.flash("Saved." + (f" {due:,} reflection{'s are' if due != 1 else ' is'} past "
                                 "the limit and will be deleted at the next run."
                                 if due else ""))
            st.rerun()
    st.caption("Backups and exports made before an erasure or a deletion still hold what "
               "they held: see README, “Your data”.")
