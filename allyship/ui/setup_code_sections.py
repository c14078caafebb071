"""Set-up codes for many members at once (Admin → Sign-in codes): the members picked
from a search, or everyone active without a password or a live code. Emailed when the
chapter sends email; otherwise (and for any that could not be sent) a printable sheet."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
import sqlite_utils
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.models import Member, ValidationError
from allyship.core.safe_text import inert
from allyship.i18n import formatting, translate
from allyship.people import member_directory, passwords, roster
from allyship.reports import setup_code_sheet
from allyship.rhythm import mail, setup_code_mail
from allyship.ui import common, language

EVERYONE = "everyone"
PICKED = "picked"


def _smtp() -> mail.SmtpSettings | None:
    try:
        return mail.smtp_settings()
    except mail.MailNotConfigured:
        return None


def _issue_all(db: sqlite_utils.Database, me: Member, ids: list[int],
               hours: int) -> tuple[list[passwords.IssuedCode], list[str]]:
    tr = language.translator()
    issued: list[passwords.IssuedCode] = []
    problems: list[str] = []
    bar = st.progress(0.0, text=tr.gettext("Issuing codes…")) if len(ids) > 20 else None
    for n, member_id in enumerate(ids, 1):
        try:
            issued.append(passwords.issue_setup_code(db, me, member_id, hours=hours))
        except ValidationError as exc:
            problems.extend(exc.errors.values())
        if bar is not None and (n % 25 == 0 or n == len(ids)):
            bar.progress(n / len(ids), text=tr.gettext("Issued {done} of {total}").format(
                done=formatting.format_number(tr, n),
                total=formatting.format_number(tr, len(ids))))
    if bar is not None:
        bar.empty()
    return issued, problems


def _show_sheet(db: sqlite_utils.Database, me: Member, codes: list[passwords.IssuedCode],
                intro: str) -> None:
    tr = language.translator()
    chapter = roster.get_chapter(db, me.chapter_id).name
    now = datetime.now(UTC)
    sheet = setup_code_sheet.sheet_html(
        codes, chapter=chapter, address=setup_code_mail.sign_in_address(db, me.chapter_id),
        issued_on=now)
    st.warning(intro + " " + tr.gettext("They are shown only now: download the printable "
                                        "sheet, or copy them from the table."),
               icon=":material/print:")
    st.download_button(tr.gettext("Printable sheet of set-up codes (.html)"), data=sheet,
                       file_name=f"set-up-codes-{now:%Y-%m-%d}.html", mime="text/html",
                       icon=":material/print:", on_click="ignore", key="codes_sheet")
    columns = [tr.gettext("Name"), tr.gettext("Email"), tr.gettext("Code"),
               tr.gettext("Valid until (UTC)")]
    with st.expander(tr.ngettext("Show the {count} code", "Show the {count} codes",
                                 len(codes)).format(
                                     count=formatting.format_number(tr, len(codes)))):
        st.dataframe(pd.DataFrame([[
            c.member.name, c.member.email, c.code,
            f"{formatting.format_day(tr, c.expires_at)} {c.expires_at:%H:%M}",
        ] for c in codes], columns=columns), hide_index=True)


def many_codes(db: sqlite_utils.Database, me: Member,
               choices: Mapping[int, member_directory.MemberRow], without: int) -> None:
    """The "many at once" form, under the one-member form."""
    tr = language.translator()
    _ = tr.gettext
    st.header(_("Set-up codes for many members"))
    smtp = _smtp()
    st.caption(_("Each member gets their own code by email.") if smtp else
               _("Email is not set up, so you get a printable sheet with one slip per member "
                 "to hand out in person."))
    everyone = _("Everyone active without a password or a code ({count})").format(
        count=formatting.format_number(tr, without))
    with st.form("many_codes"):
        whom = st.radio(_("Who"), [PICKED, EVERYONE], key="codes_whom",
                        format_func=lambda w: _("The members I pick below") if w == PICKED
                        else everyone)
        picked = st.multiselect(_("Members (from the search above)"), list(choices),
                                key="codes_many_pick",
                                format_func=lambda i: choices[i].label())
        hours = st.number_input(_("Valid for (hours)"), min_value=1, max_value=24 * 14,
                                value=passwords.CODE_HOURS, step=1, key="codes_many_hours")
        go = st.form_submit_button(_("Email the codes") if smtp else _("Issue the codes"),
                                   type="primary")
    if not go:
        return
    try:
        ids = (member_directory.member_ids(db, me, only="no_password") if whom == EVERYONE
               else list(picked))
    except PermissionDenied as exc:
        common.show_denied(exc)
        return
    if not ids:
        st.info(_("Nobody to give a code to: pick members, or everyone already has a "
                  "password or a live code."), icon=":material/info:")
        return
    issued, problems = _issue_all(db, me, ids, int(hours))
    for problem in problems:
        st.warning(inert(translate(tr, problem)), icon=":material/warning:")
    if not issued:
        return
    if smtp is None:
        _show_sheet(db, me, issued, tr.ngettext(
            "Issued {count} set-up code.", "Issued {count} set-up codes.", len(issued)).format(
                count=formatting.format_number(tr, len(issued))))
        return
    with st.spinner(_("Sending…")):
        unsent = setup_code_mail.email_codes(db, me, issued, smtp)
    sent = len(issued) - len(unsent)
    if sent:
        # Two sentences, each with its own count, so each takes its own plural form.
        st.success(tr.ngettext("Emailed {count} set-up code.", "Emailed {count} set-up codes.",
                               sent).format(count=formatting.format_number(tr, sent)) + " "
                   + tr.ngettext("Each works once and expires after {count} hour.",
                                 "Each works once and expires after {count} hours.",
                                 int(hours)).format(
                                     count=formatting.format_number(tr, int(hours))),
                   icon=":material/mail:")
    if unsent:
        for u in unsent:
            st.caption(_("Not sent to {name}: {reason}").format(
                name=inert(u.code.member.name), reason=inert(translate(tr, u.reason))))
        _show_sheet(db, me, [u.code for u in unsent], tr.ngettext(
            "{count} could not be emailed.", "{count} could not be emailed.",
            len(unsent)).format(count=formatting.format_number(tr, len(unsent))))
