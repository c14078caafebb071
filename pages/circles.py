"""Learning circle: a few members who meet regularly and hold each other to their actions."""

from datetime import date

import streamlit as st

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.peers import circles
from allyship.ui import common, language, peer_sections

me = common.require_screen("circles")
db = common.get_db()
today = date.today()
tr = language.translator()
_ = tr.gettext

st.title(_("Learning circle"))
st.caption(_("A circle is {least} to {most} members who meet regularly, share what they did "
             "and talk through the practice questions. You are in one circle at a time and "
             "can leave whenever you like.").format(least=circles.MIN_MEMBERS,
                                                     most=circles.MAX_MEMBERS))
common.show_flash()


def act(fn, *args, done: str, intro: str | None = None) -> None:
    try:
        fn(db, me, *args)
    except ValidationError as exc:
        common.show_validation(exc, intro or _("Nothing changed:"))
    except (access.PermissionDenied, LookupError) as exc:
        common.show_denied(exc)
    else:
        common.flash(done)
        st.rerun()


def cadence(key: str) -> str:
    """How often a circle meets, in the reader's language, lower case."""
    return _(circles.CADENCES.get(key, key)).lower()


for circle, inviter in circles.invitations(db, me):
    with st.container(border=True):
        if inviter:
            invited = _("You are invited by {name} to join **{circle}** (meets {cadence}).")
        else:
            invited = _("You are invited to join **{circle}** (meets {cadence}).")
        st.markdown(invited.format(name=inert(inviter.name) if inviter else "",
                                   circle=inert(circle.name), cadence=cadence(circle.cadence)))
        yes, no = st.columns(2)
        if yes.button(_("Join"), key=f"join_{circle.id}", type="primary"):
            act(circles.respond, circle.id, True,
                done=_("You joined {circle}.").format(circle=inert(circle.name)))
        if no.button(_("Decline"), key=f"decline_circle_{circle.id}"):
            act(circles.respond, circle.id, False, done=_("Invitation declined."))

mine = circles.my_circle(db, me)
if mine is None:
    st.info(_("You are not in a circle. Start one below and invite a few members of your "
              "chapter."))
    candidates = circles.invitable(db, me)
    with st.form("start_circle"):
        name = st.text_input(_("Circle name"), max_chars=80,
                             placeholder=_("e.g. Tuesday evening circle"))
        how_often = st.selectbox(_("How often you meet"), list(circles.CADENCES),
                                 index=list(circles.CADENCES).index("fortnightly"),
                                 format_func=lambda k: _(circles.CADENCES[k]))
        invitees = st.multiselect(_("Invite"), candidates, format_func=lambda m: m.name,
                                  max_selections=circles.MAX_MEMBERS - 1,
                                  placeholder=_("Choose members of your chapter"))
        started = st.form_submit_button(_("Start the circle"), type="primary")
    if started:
        act(circles.start_circle, name, how_often, [m.id for m in invitees],
            done=_("Circle started. Invitations are on their way."), intro=_("Not started:"))
    st.stop()

page = circles.circle_page(db, me, mine.id, today=today)
st.header(inert(mine.name), anchor=False)
members = ", ".join(inert(m.name) for m in page.members)
if page.invited:
    st.caption(_("Meets {cadence} · members: {members} · invited: {invited}").format(
        cadence=cadence(mine.cadence), members=members,
        invited=", ".join(inert(m.name) for m in page.invited)))
else:
    st.caption(_("Meets {cadence} · members: {members}").format(cadence=cadence(mine.cadence),
                                                               members=members))
if len(page.members) < circles.MIN_MEMBERS:
    st.info(_("Nobody has joined yet. The circle comes alive once someone accepts."))

st.header(_("Shared with the circle"))
if page.shared:
    st.dataframe(peer_sections.shared_table(tr, page.shared), hide_index=True)
else:
    # Translators: a CLDR date pattern (dd day, MMMM month).
    since = circles.agenda_day(tr, page.since, tr.pgettext("CLDR date pattern", "dd MMMM"))
    st.caption(_("Nothing shared with the circle since {day}. When you log an action, choose "
                 "“My learning circle” to share it here.").format(day=since))

st.header(_("Meeting agenda"))
agenda = circles.agenda_markdown(page, tr=tr)
with st.container(border=True):
    st.markdown(circles.agenda_markdown(page, shown_under=2, tr=tr))  # under this h2
left, right = st.columns(2)
left.download_button(_("Download agenda (Markdown)"), data=agenda,
                     file_name=f"circle-agenda-{today.isoformat()}.md", mime="text/markdown",
                     icon=":material/download:", on_click="ignore", key="agenda_md")
right.download_button(_("Download printable agenda (HTML)"),
                      data=circles.agenda_html(page, tr=tr),
                      file_name=f"circle-agenda-{today.isoformat()}.html", mime="text/html",
                      icon=":material/print:", on_click="ignore", key="agenda_html")

with st.expander(_("Invite more members")):
    candidates = circles.invitable(db, me)
    with st.form("invite_circle"):
        more = st.multiselect(_("Invite"), candidates, format_func=lambda m: m.name,
                              placeholder=_("Choose members of your chapter"))
        sent = st.form_submit_button(_("Send invitations"))
    if sent:
        act(circles.invite, mine.id, [m.id for m in more], done=_("Invitations sent."),
            intro=_("Nothing sent:"))

if st.button(_("Leave this circle")):
    act(circles.leave, mine.id, done=_("You left {circle}. What you shared with it is no longer "
                                       "shown there.").format(circle=inert(mine.name)))
