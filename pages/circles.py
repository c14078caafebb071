"""Learning circle: a few members who meet regularly and hold each other to their actions."""

from datetime import date

import streamlit as st

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.peers import circles
from allyship.practice import tables
from allyship.ui import common

me = common.require_screen("circles")
db = common.get_db()
today = date.today()

st.title("Learning circle")
st.caption(f"A circle is {circles.MIN_MEMBERS} to {circles.MAX_MEMBERS} members who meet "
           "regularly, share what they did and talk through the practice questions. You are "
           "in one circle at a time and can leave whenever you like.")
common.show_flash()


def act(fn, *args, done: str, intro: str = "Nothing changed:") -> None:
    try:
        fn(db, me, *args)
    except ValidationError as exc:
        common.show_validation(exc, intro)
    except (access.PermissionDenied, LookupError) as exc:
        st.error(str(exc), icon=":material/block:")
    else:
        common.flash(done)
        st.rerun()


for circle, inviter in circles.invitations(db, me):
    with st.container(border=True):
        by = f" by {inert(inviter.name)}" if inviter else ""
        st.markdown(f"You are invited{by} to join **{inert(circle.name)}** "
                    f"(meets {circle.cadence_label.lower()}).")
        yes, no = st.columns(2)
        if yes.button("Join", key=f"join_{circle.id}", type="primary"):
            act(circles.respond, circle.id, True, done=f"You joined {inert(circle.name)}.")
        if no.button("Decline", key=f"decline_circle_{circle.id}"):
            act(circles.respond, circle.id, False, done="Invitation declined.")

mine = circles.my_circle(db, me)
if mine is None:
    st.info("You are not in a circle. Start one below and invite a few members of your "
            "chapter.")
    candidates = circles.invitable(db, me)
    with st.form("start_circle"):
        name = st.text_input("Circle name", max_chars=80,
                             placeholder="e.g. Tuesday evening circle")
        cadence = st.selectbox("How often you meet", list(circles.CADENCES),
                               index=list(circles.CADENCES).index("fortnightly"),
                               format_func=circles.CADENCES.get)
        invitees = st.multiselect("Invite", candidates, format_func=lambda m: m.name,
                                  max_selections=circles.MAX_MEMBERS - 1,
                                  placeholder="Choose members of your chapter")
        started = st.form_submit_button("Start the circle", type="primary")
    if started:
        act(circles.start_circle, name, cadence, [m.id for m in invitees],
            done="Circle started. Invitations are on their way.", intro="Not started:")
    st.stop()

page = circles.circle_page(db, me, mine.id, today=today)
st.header(inert(mine.name), anchor=False)
st.caption(f"Meets {mine.cadence_label.lower()} · members: "
           + ", ".join(inert(m.name) for m in page.members)
           + (f" · invited: {', '.join(inert(m.name) for m in page.invited)}" if page.invited else ""))
if len(page.members) < circles.MIN_MEMBERS:
    st.info("Nobody has joined yet. The circle comes alive once someone accepts.")

st.header("Shared with the circle")
if page.shared:
    st.dataframe(tables.shared_frame(page.shared), hide_index=True)
else:
    st.caption(f"Nothing shared with the circle since {page.since:%d %B}. When you log an "
               "action, choose “My learning circle” to share it here.")

st.header("Meeting agenda")
agenda = circles.agenda_markdown(page)
with st.container(border=True):
    st.markdown(circles.agenda_markdown(page, shown_under=2))  # under this h2
left, right = st.columns(2)
left.download_button("Download agenda (Markdown)", data=agenda,
                     file_name=f"circle-agenda-{today.isoformat()}.md", mime="text/markdown",
                     icon=":material/download:", on_click="ignore", key="agenda_md")
right.download_button("Download printable agenda (HTML)", data=circles.agenda_html(page),
                      file_name=f"circle-agenda-{today.isoformat()}.html", mime="text/html",
                      icon=":material/print:", on_click="ignore", key="agenda_html")

with st.expander("Invite more members"):
    candidates = circles.invitable(db, me)
    with st.form("invite_circle"):
        more = st.multiselect("Invite", candidates, format_func=lambda m: m.name,
                              placeholder="Choose members of your chapter")
        sent = st.form_submit_button("Send invitations")
    if sent:
        act(circles.invite, mine.id, [m.id for m in more], done="Invitations sent.",
            intro="Nothing sent:")

if st.button("Leave this circle"):
    act(circles.leave, mine.id, done=f"You left {inert(mine.name)}. What you shared with it is no "
                                     "longer shown there.")
