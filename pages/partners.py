"""Partners: a few people who see what I share with them and check in with me."""

from datetime import date

import streamlit as st

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.i18n import handout
from allyship.peers import partners
from allyship.practice import journal
from allyship.ui import common, language, peer_sections

me = common.require_screen("partners")
db = common.get_db()
today = date.today()
tr = language.translator()
_ = tr.gettext

st.title(_("Partners"))
st.caption(_("Up to {limit} accountability partners: people you trust to see what you share "
             "with them, read-only, and to check in with you. Nothing here is counted or "
             "ranked; check-in notes are read by that partner alone.").format(
    limit=partners.MAX_PARTNERS))
common.show_flash()


def act(fn, *args, done: str) -> None:
    """Run one change; on success show ``done`` after the rerun."""
    try:
        fn(db, me, *args)
    except ValidationError as exc:
        common.show_validation(exc, _("Nothing changed:"))
    except (access.PermissionDenied, LookupError) as exc:
        common.show_denied(exc)
    else:
        common.flash(done)
        st.rerun()


links = partners.list_partnerships(db, me, today=today)
for p in links:
    if p.status == "ended":
        st.info(_("{name} has ended your partnership. Thank you for the weeks you walked "
                  "alongside each other — you can invite someone else whenever you like.")
                .format(name=inert(p.other.name)), icon=":material/favorite:")
    elif p.status == "declined":
        st.info(_("{name} is not able to be your partner just now. That is all right — you can "
                  "invite someone else whenever you like.").format(name=inert(p.other.name)),
                icon=":material/favorite:")

invited_me = [p for p in links if p.status == "invited" and not p.invited_by_me]
if invited_me:
    st.header(_("Invitations to you"))
    for p in invited_me:
        with st.container(border=True):
            st.markdown(_("**{name}** invited you to be partners.").format(
                name=inert(p.other.name)))
            yes, no = st.columns(2)
            if yes.button(_("Accept"), key=f"accept_{p.id}", type="primary"):
                act(partners.respond, p.id, True,
                    done=_("You and {name} are partners.").format(name=inert(p.other.name)))
            if no.button(_("Decline"), key=f"decline_{p.id}"):
                act(partners.respond, p.id, False, done=_("Invitation declined."))

st.header(_("Your partners"))
active = [p for p in links if p.status == "active" and p.other.active]
if not active:
    st.info(_("You have no partners yet. Invite someone below: they will see only what you "
              "choose to share with partners."))
for p in active:
    other = p.other
    with st.expander(inert(other.name), expanded=True):
        try:
            view = partners.partner_view(db, me, other.id, today=today)
        except access.PermissionDenied as exc:  # ended in another session meanwhile
            common.show_denied(exc)
            continue
        st.markdown(_("**Shared with you this week**"))
        peer_sections.actions_list(view.this_week, _("Nothing shared with you yet this week."))
        if view.recent:
            st.markdown(_("**The weeks before**"))
            peer_sections.actions_list(view.recent, "")
        if view.consistency is not None:
            c = view.consistency
            st.markdown(tr.ngettext(
                "**Their consistency:** active {active} of the last {count} week (their own "
                "measure, shared by choice).",
                "**Their consistency:** active {active} of the last {count} weeks (their own "
                "measure, shared by choice).", c.weeks_counted).format(
                active=c.weeks_active, count=c.weeks_counted))
        if view.shares_plan:
            if view.plan is None:
                st.caption(_("{name} has not written a plan yet.").format(name=inert(other.name)))
            else:
                st.markdown(_("**Their plan** (read-only)"))
                st.markdown(_("*Group to be in allyship with:* {group}").format(
                    group=inert(view.plan.focus_group)))
                for step in view.plan.next_steps:
                    mark = (_("done") if step.done_on else
                            _("due {day}").format(day=peer_sections.short_day(tr, step.due_on))
                            if step.due_on else _("open"))
                    st.markdown(f"- {inert(peer_sections.step_words(tr, step))} ({mark})")
        for r in view.reflections:
            q = handout.practice_question(tr, r.question)
            st.markdown(_("**A reflection they shared** ({question}, week of {day}):").format(
                question=q.title, day=peer_sections.short_day(tr, r.week_start))
                + f"  \n{inert(r.answer)}")
        st.markdown(_("**Check-ins between you**"))
        peer_sections.notes_list(db, me, other)
        peer_sections.check_in_form(db, me, other, view, today)
        with st.popover(_("End this partnership")):
            st.caption(_("{name} will no longer see what you shared with partners, and you will "
                         "no longer see theirs. They will be told, kindly.").format(
                name=inert(other.name)))
            if st.button(_("Yes, end it"), key=f"end_{p.id}"):
                act(partners.end, p.id, done=_("Your partnership with {name} has ended. They "
                                               "will be told kindly.").format(
                    name=inert(other.name)))

pending = [p for p in links if p.status == "invited" and p.invited_by_me]
if pending:
    st.caption(_("Waiting for an answer:"))
    for p in pending:
        left, right = st.columns([4, 1])
        left.markdown(f"- {inert(p.other.name)}")
        if right.button(_("Withdraw"), key=f"withdraw_{p.id}"):
            act(partners.end, p.id, done=_("Invitation withdrawn."))

st.header(_("Invite a partner"))
candidates = partners.invitable(db, me)
if not candidates:
    st.caption(_("There is nobody else in your chapter to invite right now."))
else:
    with st.form("invite_partner"):
        who = st.selectbox(_("Member of your chapter"), [None, *candidates], index=0,
                           format_func=lambda m: _("Choose someone") if m is None else m.name)
        sent = st.form_submit_button(_("Send invitation"), type="primary")
    if sent:
        if who is None:
            common.show_validation(
                ValidationError({"partner": _("Choose a member of your chapter")}),
                _("Nothing sent:"))
        else:
            act(partners.invite, who.id,
                done=_("Invitation sent to {name}.").format(name=inert(who.name)))

st.header(_("What your partners see"))
st.caption(_("Actions you log with “My partners” as who can see them. Besides those, you "
             "choose:"))
current = partners.settings(db, me)
with st.form("partner_settings"):
    share_plan = st.checkbox(_("My action plan (read-only)"), value=current.share_plan)
    share_consistency = st.checkbox(_("My own consistency (weeks active)"),
                                    value=current.share_consistency)
    saved = st.form_submit_button(_("Save"))
if saved:
    act(partners.save_settings, partners.PartnerSettings(share_plan, share_consistency),
        done=_("Saved what your partners see."))

weeks = journal.reflection_weeks(db, me)[:8]
mine = [r for w in weeks for r in journal.my_reflections(db, me, w)]
if mine:
    shared_ids = {r.id for r in partners.shared_reflections(db, me)}

    def reflection_label(r) -> str:
        title = handout.practice_question(tr, r.question).title
        day = peer_sections.short_day(tr, r.week_start)
        if r.id in shared_ids:
            return _("Week of {day} · {question} · shared").format(day=day, question=title)
        return _("Week of {day} · {question}").format(day=day, question=title)

    with st.expander(_("Share one reflection with your partners")):
        st.caption(_("Reflections are private. You can share a single answer with your "
                     "partners; changing its words later makes it private again."))
        pick = st.selectbox(_("Reflection"), mine, key="share_reflection_pick",
                            format_func=reflection_label)
        if pick.id in shared_ids:
            if st.button(_("Stop sharing it")):
                act(partners.share_reflection, pick.id, False,
                    done=_("That reflection is private again."))
        elif st.button(_("Share it with my partners")):
            act(partners.share_reflection, pick.id, True, done=_("Shared with your partners."))
