"""Streamlit sections for members' data rights: "Your data" on Account and
the "Your data" tab on Admin. Widgets and layout only; the rules live in
:mod:`allyship.rights.mydata`, :mod:`allyship.rights.erasure` and :mod:`allyship.rights.retention`."""

from __future__ import annotations

import functools
from datetime import date

import sqlite_utils
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.models import Member, ValidationError
from allyship.core.safe_text import inert
from allyship.i18n import N_, Translator, formatting, translate
from allyship.rights import erasure, mydata, retention
from allyship.ui import common, language

_KEEP_LABEL = N_("Until I delete them")


def _months_label(tr: Translator, months: int | None, none_label: str = _KEEP_LABEL) -> str:
    if months is None:
        return tr.gettext(none_label)
    return tr.ngettext("{count} month", "{count} months", months).format(count=months)


def _choices(current: int | None) -> list[int | None]:
    options: list[int | None] = [None, *retention.MONTH_CHOICES]
    if current not in options:
        options.append(current)
    return options


DIFFERENCE = N_("**Deactivated is not forgotten.** A deactivated member cannot sign in, but "
                "everything they wrote is kept and they can come back. A forgotten member is "
                "anonymised for good: their name becomes *Former member N* and every word "
                "they wrote is erased, while the counts that make up the chapter's figures "
                "stay.")


def account_section(db: sqlite_utils.Database, me: Member) -> None:
    """On Account: download my data, how long my reflections are kept, forget me."""
    tr = language.translator()
    _ = tr.gettext
    st.header(_("Your data"))
    st.markdown(_("One zip of everything the app holds about you: your plan and every earlier "
                  "version, actions, reflections, weeks away, settings and the audit log's "
                  "entries about you — as CSV (for a spreadsheet) and JSON, with a README."))
    st.download_button(
        _("Download my data (.zip)"), key="my_data_download", icon=":material/download:",
        # Built when clicked, on Streamlit's own thread: it opens its own connection.
        data=functools.partial(mydata.zip_bytes_at, str(common.db_path()), me.id,
                               tr.language),
        file_name=mydata.file_name(me), mime="application/zip", on_click="ignore")

    st.markdown(_("**How long to keep my reflections**"))
    today = date.today()
    chapter_rule = retention.chapter_months(db, me.chapter_id)
    current = retention.my_months(db, me)
    options = _choices(current)
    chosen = st.selectbox(_("Delete my reflections older than"), options, key="my_keep_months",
                          index=options.index(current),
                          format_func=lambda m: _months_label(tr, m))
    if chapter_rule is not None:
        st.caption(tr.ngettext(
            "Your chapter deletes reflections older than {count} month; where both are set, "
            "the shorter applies.",
            "Your chapter deletes reflections older than {count} months; where both are set, "
            "the shorter applies.", chapter_rule).format(count=chapter_rule))
    if chosen != current:
        due = retention.preview_mine(db, me, chosen, today=today)
        sure = True
        if due:
            sure = st.checkbox(tr.ngettext(
                "Delete {count} of my reflections now (older than {months})",
                "Delete {count} of my reflections now (older than {months})", due).format(
                count=due, months=_months_label(tr, chosen)), key="my_keep_confirm")
        if st.button(_("Save"), key="my_keep_save", type="primary", disabled=not sure):
            try:
                removed = retention.set_my_months(db, me, chosen, today=today)
            except ValidationError as exc:
                common.show_validation(exc)
            else:
                common.flash(tr.ngettext("Saved. {count} older reflection was deleted.",
                                         "Saved. {count} older reflections were deleted.",
                                         removed).format(count=removed)
                             if removed else _("Saved."))
                st.rerun()

    st.markdown(_("**Forget me**"))
    st.markdown(_(DIFFERENCE))
    asked = erasure.request_of(db, me)
    if asked:
        st.info(_("You asked to be forgotten on {day}. A chapter admin will confirm it; until "
                  "then nothing is erased and you can change your mind.").format(
                      day=_day(tr, asked)),
                icon=":material/hourglass_top:")
        if st.button(_("Withdraw my request"), key="forget_withdraw"):
            erasure.withdraw_request(db, me)
            common.flash(_("Your request was withdrawn."))
            st.rerun()
        return
    st.caption(_("Download your data first if you want to keep a copy: after the erasure "
                 "it cannot be recovered."))
    sure = st.checkbox(_("I understand that this cannot be undone"), key="forget_sure")
    if st.button(_("Ask to be forgotten"), key="forget_ask", disabled=not sure):
        erasure.request_erasure(db, me)
        common.flash(_("Your request was sent to your chapter's admins."))
        st.rerun()


def _confirm_form(db: sqlite_utils.Database, me: Member, target: Member, key: str) -> None:
    _ = language.translator().gettext
    with st.form(f"forget_{key}_{target.id}"):
        typed = st.text_input(_("Type {name}'s email address to confirm").format(
            name=target.name), key=f"forget_confirm_{key}_{target.id}")
        go = st.form_submit_button(_("Forget this member"), type="primary")
    if go:
        try:
            with st.spinner(_("Erasing and rewriting the database file…")):
                result = erasure.forget(db, me, target.id, confirm_email=typed)
        except ValidationError as exc:
            common.show_validation(exc, _("Nothing was erased:"))
        except PermissionDenied as exc:
            common.show_denied(exc)
        else:
            common.flash(translate(language.translator(), result.summary()))
            st.rerun()


def _day(tr: Translator, iso: str) -> str:
    """An ISO date or time as "Mon 7 Dec 2026" in ``tr``'s language."""
    try:
        return formatting.format_day(tr, date.fromisoformat(str(iso)[:10]))
    except ValueError:
        return str(iso)


def admin_tab(db: sqlite_utils.Database, me: Member) -> None:
    """On Admin: requests to be forgotten, forgetting someone who left, retention."""
    tr = language.translator()
    _ = tr.gettext
    st.markdown(_(DIFFERENCE))
    st.header(_("Requests to be forgotten"))
    pending = erasure.pending_requests(db, me)
    if not pending:
        st.caption(_("No member is waiting to be forgotten."))
    for target, asked in pending:
        with st.container(border=True):
            st.markdown(_("**{name}** · {email} · asked on {day}").format(
                name=inert(target.name), email=inert(target.email), day=_day(tr, asked)))
            if target.id == me.id:
                st.caption(_("Your own request: another admin, or the server's operator, "
                             "confirms it."))
                continue
            _confirm_form(db, me, target, "req")
            if st.button(_("Decline the request"), key=f"forget_decline_{target.id}",
                         help=_("E.g. asked by mistake: talk with them first.")):
                erasure.decline_request(db, me, target.id)
                common.flash(_("Declined {name}'s request.").format(name=target.name))
                st.rerun()

    left = erasure.forgettable_without_request(db, me)
    if left:
        st.header(_("Forget a member who has left"))
        st.caption(_("For a deactivated member who asked by letter or email. Active members "
                     "ask for themselves on their Account page."))
        pick = st.selectbox(_("Member"), [m.id for m in left], key="forget_left_pick",
                            format_func=lambda i: next(f"{m.name} <{m.email}>"
                                                       for m in left if m.id == i))
        if pick is not None:
            _confirm_form(db, me, next(m for m in left if m.id == pick), "left")

    st.header(_("How long reflections are kept"))
    current = retention.chapter_months(db, me.chapter_id)
    options = _choices(current)
    with st.form("chapter_keep"):
        chosen = st.selectbox(_("Delete members' reflections older than"), options,
                              index=options.index(current), key="chapter_keep_months",
                              format_func=lambda m: _months_label(tr, m, N_("Keep them (off)")))
        save = st.form_submit_button(_("Save"), type="primary")
    # Body text, not a caption: inline code in a caption falls below 4.5:1 contrast.
    st.markdown(_("Off by default. Members can choose a shorter time for their own. Deletion "
                  "runs with `python -m allyship retention run` (e.g. daily from cron) and in "
                  "the app's background; the audit log records how many, never what."))
    if save:
        try:
            retention.set_chapter_months(db, me, chosen)
        except ValidationError as exc:
            common.show_validation(exc)
        except PermissionDenied as exc:
            common.show_denied(exc)
        else:
            due = retention.count_due(db, date.today(), chapter_id=me.chapter_id)
            common.flash(tr.ngettext(
                "Saved. {count} reflection is past the limit and will be deleted at the next "
                "run.", "Saved. {count} reflections are past the limit and will be deleted at "
                "the next run.", due).format(count=formatting.format_number(tr, due))
                if due else _("Saved."))
            st.rerun()
    st.caption(_("Backups and exports made before an erasure or a deletion still hold what "
                 "they held: see README, “Your data”."))
