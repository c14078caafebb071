"""The set-up checklist drawn for an admin: open while something is left to do, folded
away once the chapter is set up. Ticks come from the data (people.setup_checklist)."""

from __future__ import annotations

import sqlite_utils
import streamlit as st

from allyship.core.models import Member
from allyship import i18n
from allyship.core.safe_text import inert
from allyship.people import setup_checklist
from allyship.rhythm import mail
from allyship.ui import common, language


def mail_configured() -> bool:
    try:
        mail.smtp_settings()
    except mail.MailNotConfigured:
        return False
    return True


def show(db: sqlite_utils.Database, me: Member, *, only_until_done: bool = False) -> None:
    """Draw the admin's chapter's checklist (nothing for anyone else; with
    ``only_until_done``, nothing once every step is done — My week's use)."""
    if me.role != "admin":
        return
    checklist = common.cached(setup_checklist.setup_checklist, me,
                              mail_configured=mail_configured())
    if only_until_done and checklist.complete:
        return
    tr = language.translator()
    total = len(checklist.steps)
    title = (tr.gettext("Set-up checklist: all {total} steps done").format(total=total)
             if checklist.complete else
             tr.gettext("Set up your chapter: {done} of {total} steps done").format(
                 done=checklist.done, total=total))
    with st.expander(title, expanded=not checklist.complete, icon=":material/checklist:"):
        lines = []
        for step in checklist.steps:
            mark = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
            # Translators: a step of the set-up checklist, done or not yet.
            state = tr.pgettext("set-up step", "done") if step.done else tr.pgettext(
                "set-up step", "to do")
            lines.append(f"- {mark} **{inert(i18n.translate(tr, step.title))}** ({state}) — "
                         f"{inert(i18n.translate(tr, step.detail))} "
                         f"*{inert(i18n.translate(tr, step.where))}*")
        st.markdown("\n".join(lines))
