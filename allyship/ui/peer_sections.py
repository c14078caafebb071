"""Streamlit pieces for partners and if–then next steps, shared by several pages:
*My week* shows each partner's week with a check-in box, and *My plan* lets a member write
a next step as "When …, I will …". Domain rules stay in :mod:`allyship.peers.partners` and
:mod:`allyship.practice.if_then`; this module only lays out widgets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
import sqlite_utils
import streamlit as st

from allyship.core import access
from allyship.core.models import Action, Member, Plan, ValidationError, week_start
from allyship.core.safe_text import inert
from allyship.i18n import N_, Translator, formatting, handout
from allyship.peers import partners
from allyship.peers.circles import agenda_day
from allyship.practice import if_then
from allyship.ui import common, language


def _text(text: str) -> str:
    return inert(text)


# --- words the peer pages share --------------------------------------------------------

def short_day(tr: Translator, day: date) -> str:
    """"07 Dec" / "07 dic"."""
    # Translators: a CLDR date pattern (dd day, MMM short month).
    return agenda_day(tr, day, tr.pgettext("CLDR date pattern", "dd MMM"))


def weekday_day(tr: Translator, day: date) -> str:
    """"Mon 07 Dec" / "lun 07 dic"."""
    # Translators: a CLDR date pattern (EEE weekday, dd day, MMM short month).
    return agenda_day(tr, day, tr.pgettext("CLDR date pattern", "EEE dd MMM"))


_SHARED_WITH = {"chapter": N_("the chapter"), "team": N_("the team"),
                "circle": N_("the circle"), "partners": N_("partners")}


def shared_table(tr: Translator, pairs: Iterable[tuple[Any, Action]]) -> pd.DataFrame:
    """Shared actions with who shared them, newest first, headers in ``tr``'s language
    (what members wrote stays as written)."""
    rows = [(formatting.format_day(tr, a.done_on), owner.name, a.description,
             ", ".join(handout.responsibility(tr, r).title for r in a.responsibilities),
             tr.gettext(_SHARED_WITH[a.visibility]) if a.visibility in _SHARED_WITH
             else a.visibility)
            for owner, a in pairs]
    return pd.DataFrame(rows, columns=[
        tr.pgettext("shared actions table", "Date"), tr.pgettext("shared actions table", "Who"),
        tr.pgettext("shared actions table", "What they did"),
        tr.pgettext("shared actions table", "Responsibilities"),
        tr.pgettext("shared actions table", "Shared with")])


def step_words(tr: Translator, item) -> str:
    """A next step as its author wrote it, joined by words in ``tr``'s language: "When …,
    I will …" where they gave one."""
    when, then = (item.if_when or "").strip(), (item.if_then or "").strip()
    if when and then:
        return tr.gettext("When {when}, I will {then}").format(when=when, then=then)
    if then:
        return tr.gettext("I will {then}").format(then=then)
    if when:
        return tr.gettext("When {when}: {text}").format(when=when, text=item.text)
    return item.text


# --- partners ------------------------------------------------------------------------

def notes_list(db: sqlite_utils.Database, me: Member, partner: Member) -> None:
    """Check-in notes between the member and one partner (never counted)."""
    tr = language.translator()
    notes = partners.notes_with(db, me, partner.id)
    if not notes:
        st.caption(tr.gettext("No check-in notes between you yet."))
        return
    for n in notes[:20]:
        mine = n.author_id == me.id
        if n.action_id:
            line = (tr.gettext("**You**, about one action:") if mine else
                    tr.gettext("**{name}**, about one action:").format(name=_text(partner.name)))
        else:
            day = short_day(tr, n.week_start)
            line = (tr.gettext("**You**, about the week of {day}:").format(day=day) if mine
                    else tr.gettext("**{name}**, about the week of {day}:").format(
                        name=_text(partner.name), day=day))
        st.markdown(f"{line}  \n{_text(n.text)}")


def check_in_form(db: sqlite_utils.Database, me: Member, partner: Member,
                  view: partners.PartnerView, today: date) -> None:
    """A note to one partner about this week or one of their shared actions."""
    tr = language.translator()
    _ = tr.gettext
    token = common.form_token(f"checkin_{partner.id}")
    options: list[int | None] = [None, *[a.id for a in view.this_week + view.recent]]
    labels = {a.id: f"{short_day(tr, a.done_on)}: {a.description[:60]}"
              for a in view.this_week + view.recent}
    with st.form(f"checkin_{partner.id}_{token}"):
        about = st.selectbox(_("About"), options, key=f"checkin_about_{partner.id}_{token}",
                             format_func=lambda i: _("Their week") if i is None else labels[i])
        text = st.text_area(_("Check in with {name}").format(name=_text(partner.name)),
                            max_chars=partners.NOTE_MAX,
                            key=f"checkin_text_{partner.id}_{token}",
                            placeholder=_("e.g. How did the conversation go? Anything I can do "
                                          "to help you keep at it?"))
        sent = st.form_submit_button(_("Send check-in"))
    if sent:
        try:
            partners.check_in(db, me, partner.id, text, week=today, action_id=about,
                              today=today, idempotency_key=token)
        except ValidationError as exc:
            common.show_validation(exc, _("Not sent:"))
        except access.PermissionDenied as exc:
            common.show_denied(exc)
        else:
            common.new_form_token(f"checkin_{partner.id}")
            common.flash(_("Check-in sent to {name}. Only they can read it.").format(
                name=_text(partner.name)))
            st.rerun()


def actions_list(actions: tuple, empty: str) -> None:
    """Shared actions, one a line (``empty``, already translated, when there are none)."""
    if not actions:
        st.caption(empty)
        return
    tr = language.translator()
    for a in actions:
        st.markdown(f"- {weekday_day(tr, a.done_on)} · {_text(a.description)}")


def partner_check_ins(db: sqlite_utils.Database, me: Member, today: date | None = None) -> None:
    """*My week*'s partner section: each partner's shared actions this week and a check-in
    box. Shows nothing when the member has no partners."""
    today = today or date.today()
    found = partners.active_partners(db, me)
    if not found:
        return
    _ = language.translator().gettext
    st.header(_("Your partners this week"))
    st.caption(_("What your partners shared with you this week. A check-in note is read by "
                 "that partner alone; nothing here is counted."))
    for partner in found:
        view = partners.partner_view(db, me, partner.id, today=today)
        with st.container(border=True):
            st.markdown(f"**{_text(partner.name)}**")
            actions_list(view.this_week, _("Nothing shared with you yet this week."))
            check_in_form(db, me, partner, view, today)


# --- if–then plans -----------------------------------------------------------------------

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
    _ = language.translator().gettext
    with st.expander(_("Write a next step as an if–then plan")):
        st.caption(_("Plans of the form “When …, I will …” are easier to keep: name the "
                     "moment, then the action. Both parts are optional and sit beside the "
                     "step's text."))
        chosen = st.selectbox(_("Next step"), open_steps, format_func=lambda i: i.text[:80],
                              key="if_then_step")
        with st.form(f"if_then_{chosen.id}"):
            when = st.text_input(_("When …"), value=chosen.if_when, max_chars=if_then.PART_MAX,
                                 placeholder=_("e.g. the chapter plans its next outing"))
            then = st.text_input(_("I will …"), value=chosen.if_then,
                                 max_chars=if_then.PART_MAX,
                                 placeholder=_("e.g. ask who the outing leaves out, and listen"))
            saved = st.form_submit_button(_("Save if–then plan"))
        if saved:
            try:
                if_then.set_if_then(db, me, chosen.id, when, then)
            except ValidationError as exc:
                common.show_validation(exc)
            else:
                common.flash(_("If–then plan saved."))
                st.rerun()


def week_label(day: date) -> str:
    """"week of 07 Dec 2026" in the session's language."""
    tr = language.translator()
    # Translators: a CLDR date pattern (dd day, MMM short month, y year).
    day_text = agenda_day(tr, week_start(day), tr.pgettext("CLDR date pattern", "dd MMM y"))
    return tr.gettext("week of {day}").format(day=day_text)
