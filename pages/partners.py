"""Partners: a few people who see what I share with them and check in with me."""

from datetime import date

import streamlit as st

from allyship.core import access, handout
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.peers import partners
from allyship.practice import if_then, journal
from allyship.ui import common, peer_sections

me = common.require_screen("partners")
db = common.get_db()
today = date.today()

st.title("Partners")
st.caption(f"Up to {partners.MAX_PARTNERS} accountability partners: people you trust to see "
           "what you share with them, read-only, and to check in with you. Nothing here is "
           "counted or ranked; check-in notes are read by that partner alone.")
common.show_flash()


def act(fn, *args, done: str) -> None:
    """Run one change; on success show ``done`` after the rerun."""
    try:
        fn(db, me, *args)
    except ValidationError as exc:
        common.show_validation(exc, "Nothing changed:")
    except (access.PermissionDenied, LookupError) as exc:
        st.error(str(exc), icon=":material/block:")
    else:
        common.flash(done)
        st.rerun()


links = partners.list_partnerships(db, me, today=today)
for p in links:
    if p.status == "ended":
        st.info(f"{inert(p.other.name)} has ended your partnership. Thank you for the weeks you "
                "walked alongside each other — you can invite someone else whenever you like.",
                icon=":material/favorite:")
    elif p.status == "declined":
        st.info(f"{inert(p.other.name)} is not able to be your partner just now. That is all right "
                "— you can invite someone else whenever you like.", icon=":material/favorite:")

invited_me = [p for p in links if p.status == "invited" and not p.invited_by_me]
if invited_me:
    st.header("Invitations to you")
    for p in invited_me:
        with st.container(border=True):
            st.markdown(f"**{inert(p.other.name)}** invited you to be partners.")
            yes, no = st.columns(2)
            if yes.button("Accept", key=f"accept_{p.id}", type="primary"):
                act(partners.respond, p.id, True, done=f"You and {inert(p.other.name)} are partners.")
            if no.button("Decline", key=f"decline_{p.id}"):
                act(partners.respond, p.id, False, done="Invitation declined.")

st.header("Your partners")
active = [p for p in links if p.status == "active" and p.other.active]
if not active:
    st.info("You have no partners yet. Invite someone below: they will see only what you "
            "choose to share with partners.")
for p in active:
    other = p.other
    with st.expander(inert(other.name), expanded=True):
        try:
            view = partners.partner_view(db, me, other.id, today=today)
        except access.PermissionDenied as exc:  # ended in another session meanwhile
            st.error(str(exc))
            continue
        st.markdown("**Shared with you this week**")
        peer_sections.actions_list(view.this_week, "Nothing shared with you yet this week.")
        if view.recent:
            st.markdown("**The weeks before**")
            peer_sections.actions_list(view.recent, "")
        if view.consistency is not None:
            c = view.consistency
            st.markdown(f"**Their consistency:** active {c.weeks_active} of the last "
                        f"{c.weeks_counted} weeks (their own measure, shared by choice).")
        if view.shares_plan:
            if view.plan is None:
                st.caption(f"{inert(other.name)} has not written a plan yet.")
            else:
                st.markdown("**Their plan** (read-only)")
                st.markdown(f"*Group to be in allyship with:* {inert(view.plan.focus_group)}")
                for step in view.plan.next_steps:
                    mark = "done" if step.done_on else (f"due {step.due_on:%d %b}"
                                                        if step.due_on else "open")
                    st.markdown(f"- {inert(if_then.describe(step))} ({mark})")
        for r in view.reflections:
            q = handout.practice_question(r.question)
            st.markdown(f"**A reflection they shared** ({q.title}, week of "
                        f"{r.week_start:%d %b}):  \n{inert(r.answer)}")
        st.markdown("**Check-ins between you**")
        peer_sections.notes_list(db, me, other)
        peer_sections.check_in_form(db, me, other, view, today)
        with st.popover("End this partnership"):
            st.caption(f"{inert(other.name)} will no longer see what you shared with partners, "
                       "and you will no longer see theirs. They will be told, kindly.")
            if st.button("Yes, end it", key=f"end_{p.id}"):
                act(partners.end, p.id, done=f"Your partnership with {inert(other.name)} has "
                                             "ended. They will be told kindly.")

pending = [p for p in links if p.status == "invited" and p.invited_by_me]
if pending:
    st.caption("Waiting for an answer:")
    for p in pending:
        left, right = st.columns([4, 1])
        left.markdown(f"- {inert(p.other.name)}")
        if right.button("Withdraw", key=f"withdraw_{p.id}"):
            act(partners.end, p.id, done="Invitation withdrawn.")

st.header("Invite a partner")
candidates = partners.invitable(db, me)
if not candidates:
    st.caption("There is nobody else in your chapter to invite right now.")
else:
    with st.form("invite_partner"):
        who = st.selectbox("Member of your chapter", [None, *candidates], index=0,
                           format_func=lambda m: "Choose someone" if m is None else m.name)
        sent = st.form_submit_button("Send invitation", type="primary")
    if sent:
        if who is None:
            common.show_validation(ValidationError({"partner": "Choose a member of your chapter"}),
                               "Nothing sent:")
        else:
            act(partners.invite, who.id, done=f"Invitation sent to {inert(who.name)}.")

st.header("What your partners see")
st.caption("Actions you log with “My partners” as who can see them. Besides those, you choose:")
current = partners.settings(db, me)
with st.form("partner_settings"):
    share_plan = st.checkbox("My action plan (read-only)", value=current.share_plan)
    share_consistency = st.checkbox("My own consistency (weeks active)",
                                    value=current.share_consistency)
    saved = st.form_submit_button("Save")
if saved:
    act(partners.save_settings, partners.PartnerSettings(share_plan, share_consistency),
        done="Saved what your partners see.")

weeks = journal.reflection_weeks(db, me)[:8]
mine = [r for w in weeks for r in journal.my_reflections(db, me, w)]
if mine:
    shared_ids = {r.id for r in partners.shared_reflections(db, me)}
    with st.expander("Share one reflection with your partners"):
        st.caption("Reflections are private. You can share a single answer with your partners; "
                   "changing its words later makes it private again.")
        pick = st.selectbox(
            "Reflection", mine, key="share_reflection_pick",
            format_func=lambda r: f"Week of {r.week_start:%d %b} · "
                                  f"{handout.practice_question(r.question).title}"
                                  f"{' · shared' if r.id in shared_ids else ''}")
        if pick.id in shared_ids:
            if st.button("Stop sharing it"):
                act(partners.share_reflection, pick.id, False, done="That reflection is private again.")
        elif st.button("Share it with my partners"):
            act(partners.share_reflection, pick.id, True, done="Shared with your partners.")
