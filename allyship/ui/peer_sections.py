"""Streamlit pieces for partners and if–then next steps, shared by several pages:
*My week* shows each partner's week with a check-in box, and *My plan* lets a member write
a next step as "When …, I will …". Domain rules stay in :mod:`allyship.peers.partners` and
:mod:`allyship.practice.if_then`; this module only lays out widgets."""

from __future__ import annotations

from datetime import date

import sqlite_utils
import streamlit as st

from allyship.core import access
from allyship.core.models import Member, Plan, ValidationError, week_start
from allyship.core.safe_text import inert
from allyship.peers import partners
from allyship.practice import if_then
from allyship.ui import common


def _text(text: str) -> str:
    return inert(text)


def notes_list(db: sqlite_utils.Database, me: Member, partner: Member) -> None:
    """Check-in notes between the member and one partner (never counted)."""
    notes = partners.notes_with(db, me, partner.id)
    if not notes:
        st.caption("No check-in notes between you yet.")
        return
    for n in notes[:20]:
        who = "You" if n.author_id == me.id else _text(partner.name)
        about = "one action" if n.action_id else f"the week of {n.week_start:%d %b}"
        st.markdown(f"**{who}**, about {about}:  \n{_text(n.text)}")


def check_in_form(db: sqlite_utils.Database, me: Member, partner: Member,
                  view: partners.PartnerView, today: date) -> None:
    """A note to one partner about this week or one of their shared actions."""
    token = common.form_token(f"checkin_{partner.id}")
    options: list[int | None] = [None, *[a.id for a in view.this_week + view.recent]]
    labels = {a.id: f"{a.done_on:%d %b}: {a.description[:60]}"
              for a in view.this_week + view.recent}
    with st.form(f"checkin_{partner.id}_{token}"):
        about = st.selectbox("About", options, key=f"checkin_about_{partner.id}_{token}",
                             format_func=lambda i: "Their week" if i is None else labels[i])
        text = st.text_area(f"Check in with {_text(partner.name)}", max_chars=partners.NOTE_MAX,
                            key=f"checkin_text_{partner.id}_{token}",
                            placeholder="e.g. How did the conversation go? Anything I can do "
                                        "to help you keep at it?")
        sent = st.form_submit_button("Send check-in")
    if sent:
        try:
            partners.check_in(db, me, partner.id, text, week=today, action_id=about,
                              today=today, idempotency_key=token)
        except ValidationError as exc:
            common.show_validation(exc, "Not sent:")
        except access.PermissionDenied as exc:
            common.show_denied(exc)
        else:
            common.new_form_token(f"checkin_{partner.id}")
            common.flash(f"Check-in sent to {_text(partner.name)}. Only they can read it.")
            st.rerun()


def actions_list(actions: tuple, empty: str) -> None:
    if not actions:
        st.caption(empty)
        return
    for a in actions:
        st.markdown(f"- {a.done_on:%a %d %b} · {_text(a.description)}")


def partner_check_ins(db: sqlite_utils.Database, me: Member, today: date | None = None) -> None:
    """*My week*'s partner section: each partner's shared actions this week and a check-in
    box. Shows nothing when the member has no partners."""
    today = today or date.today()
    found = partners.active_partners(db, me)
    if not found:
        return
    st.header("Your partners this week")
    st.caption("What your partners shared with you this week. A check-in note is read by "
               "that partner alone; nothing here is counted.")
    for partner in found:
        view = partners.partner_view(db, me, partner.id, today=today)
        with st.container(border=True):
            st.markdown(f"**{_text(partner.name)}**")
            actions_list(view.this_week, "Nothing shared with you yet this week.")
            check_in_form(db, me, partner, view, today)


def step_text(item) -> str:
    """A next step as written: "When …, I will …" where the member gave one."""
    return if_then.describe(item)


def if_then_editor(db: sqlite_utils.Database, me: Member, plan: Plan | None) -> None:
    """Write open next steps as if–then plans ("When …, I will …", both optional)."""
    if plan is None:
        return
    open_steps = [i for i in plan.next_steps if i.done_on is None]
    if not open_steps:
        return
    with st.expander("Write a next step as an if–then plan"):
        st.caption("Plans of the form “When …, I will …” are easier to keep: name the moment, "
                   "then the action. Both parts are optional and sit beside the step's text.")
        chosen = st.selectbox("Next step", open_steps, format_func=lambda i: i.text[:80],
                              key="if_then_step")
        with st.form(f"if_then_{chosen.id}"):
            when = st.text_input("When …", value=chosen.if_when, max_chars=if_then.PART_MAX,
                                 placeholder="e.g. the chapter plans its next outing")
            then = st.text_input("I will …", value=chosen.if_then, max_chars=if_then.PART_MAX,
                                 placeholder="e.g. ask who the outing leaves out, and listen")
            saved = st.form_submit_button("Save if–then plan")
        if saved:
            try:
                if_then.set_if_then(db, me, chosen.id, when, then)
            except ValidationError as exc:
                common.show_validation(exc)
            else:
                common.flash("If–then plan saved.")
                st.rerun()


def week_label(day: date) -> str:
    return f"week of {week_start(day):%d %b %Y}"
