"""Pieces two member pages share: next steps as cards with a Done button, and the
"I was away this week" switch.

Cards rather than a grid: on a phone a grid's columns fall off the screen and a tap opens
nothing; a card shows the step, its due day ("Mon 7 Dec 2026") and one big button.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils
import streamlit as st

from allyship.core.models import Member, Plan, week_start
from allyship.core.safe_text import inert
from allyship.core.wording import message_of
from allyship.practice import days, if_then, journal, plans
from allyship.ui import common, language


def next_step_cards(db: sqlite_utils.Database, me: Member, plan: Plan | None, today: date,
                    *, where: str, show_done: bool = False) -> None:
    """The plan's open next steps (and, with ``show_done``, the done ones) as cards; the
    Done button marks one done today and confirms by the step's words."""
    tr = language.translator()
    _ = tr.gettext
    steps = [i for i in (plan.items if plan else ()) if i.kind == "next_step"]
    open_steps = sorted((i for i in steps if i.done_on is None),
                        key=lambda i: (i.due_on is None, i.due_on or date.max, i.position))
    for item in open_steps:
        with st.container(border=True, key=f"{where}_step_{item.id}"):
            st.markdown(inert(if_then.describe(item, tr)))
            if item.due_on is not None:
                due = days.day(tr, item.due_on)
                st.caption(_("Due {day} · **overdue**").format(day=due)
                           if item.is_overdue(today) else _("Due {day}").format(day=due))
            if st.button(_("Done"), key=f"{where}_done_{item.id}", icon=":material/check:",
                         help=_("Mark this next step done today")):
                try:
                    plans.set_next_step_done(db, me, item.id, today, today=today)
                except LookupError as exc:  # removed meanwhile (another tab, an edit)
                    st.error(common.words(tr, message_of(exc)), icon=":material/error:")
                    continue
                saved = plans.get_plan(db, me)  # read back before saying it is done
                done = next((i for i in saved.items if i.id == item.id), None) if saved else None
                if done is not None and done.done_on is not None:
                    common.flash(_("Done: {step}, {day}.").format(
                        step=common.quoted(done.text), day=days.day_short(tr, done.done_on)))
                st.rerun()
    if show_done:
        for item in sorted((i for i in steps if i.done_on is not None),
                           key=lambda i: i.done_on, reverse=True):
            st.caption(_("✓ {step} — done {day}").format(step=inert(item.text),
                                                         day=days.day(tr, item.done_on)))


def away_switch(db: sqlite_utils.Database, me: Member, monday: date, today: date) -> None:
    """A switch that marks the week starting ``monday`` away (or not), named for it."""
    tr = language.translator()
    _ = tr.gettext
    away = monday in journal.away_weeks(db, me)
    label = (_("I was away this week") if monday == week_start(today)
             else _("I was away the week of {day}").format(day=days.day_short(tr, monday)))
    if st.toggle(label, value=away, key=f"away_{monday}",
                 help=_("Holidays, illness, caring: an away week does not count against your "
                        "consistency, and no reminder comes for it.")) != away:
        journal.set_away(db, me, monday, not away)
        now_away = monday in journal.away_weeks(db, me)  # read back before confirming
        day = days.day_short(tr, monday)
        common.flash(_("Marked the week of {day} as away.").format(day=day) if now_away
                     else _("Marked the week of {day} as not away.").format(day=day))
        st.rerun()
