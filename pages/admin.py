"""Admin: the chapter's teams, members and roles, sign-in codes, settings, audit log."""

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.dates import format_day
from allyship.core.handout import ROLES
from allyship.core.models import MemberDraft, ValidationError
from allyship.core.safe_text import inert
from allyship.db import audit
from allyship.people import member_directory, organisation, passwords, roster
from allyship.transfer import csv_import
from allyship.ui import (
    common,
    data_rights_sections,
    setup_checklist_section,
    setup_code_sections,
)

me = common.require_screen("admin")
db = common.get_db()

chapter = roster.get_chapter(db, me.chapter_id)
st.title("Admin")
st.caption(f"Manage {inert(chapter.name)}: teams, members and roles. You see who is in the chapter, "
           "never anyone's private plan, actions or reflections.")
common.show_flash()
# Drawn last, in its place at the top: a tab below may have just done a step (codes are
# shown once, so that tab cannot rerun the page to refresh it).
checklist_slot = st.container()

teams_all = roster.list_teams(db, me.chapter_id, include_archived=True)
teams_open = [t for t in teams_all if not t.archived]
team_names = {t.id: t.name + (" (archived)" if t.archived else "") for t in teams_all}
# Head counts and one page of members, each from SQL and cached by the chapter's data
# version: a chapter of thousands opens as fast as a small one.
counts = common.cached(member_directory.chapter_counts, me)



def format_moment(at: datetime) -> str:
    """``Mon 7 Dec 2026 14:05``: the app's one date format, with the time."""
    return f"{format_day(at)} {at:%H:%M}"


def format_when(iso: str) -> str:
    try:
        return format_moment(datetime.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso or ""


def run(action, success: str) -> bool:
    """Call a domain function; flash on success, show the refusal or the field errors."""
    try:
        action()
    except ValidationError as exc:
        common.show_validation(exc)
        return False
    except PermissionDenied as exc:
        common.show_denied(exc)
        return False
    common.flash(success)
    st.rerun()
    return True


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def member_search(key: str, *, only: str | None = None, team_filter: bool = False,
                  page_size: int = member_directory.PAGE_SIZE) -> member_directory.MemberPage:
    """A search box (and optional team filter) with previous/next buttons: one page of
    members, never the whole chapter."""
    page_key = f"{key}_page"

    def first_page() -> None:
        st.session_state[page_key] = 1

    c1, c2 = st.columns([2, 1]) if team_filter else (st.container(), None)
    query = c1.text_input("Search by name or email", key=f"{key}_search", on_change=first_page,
                          placeholder="Type part of a name or an email, then Enter")
    team_id = None
    if c2 is not None:
        team_id = c2.selectbox("Team", [None, 0, *team_names], key=f"{key}_team",
                               on_change=first_page,
                               format_func=lambda i: "All teams" if i is None
                               else "— no team" if i == 0 else team_names[i])
    found = common.cached(member_directory.find_members, me, query=query.strip(),
                          team_id=team_id, only=only, page=st.session_state.get(page_key, 1),
                          page_size=page_size)
    return found


def pager(key: str, found: member_directory.MemberPage) -> None:
    """"Members 51–100 of 16,000 · page 2 of 320" and the buttons to move."""
    page_key = f"{key}_page"

    def move(to: int) -> None:
        st.session_state[page_key] = to

    p1, p2, p3 = st.columns([1, 3, 1], vertical_alignment="center")
    p1.button("Previous", key=f"{key}_prev", disabled=found.page <= 1,
              on_click=move, args=(found.page - 1,), icon=":material/chevron_left:")
    p2.caption(f"Members {found.first:,}–{found.last:,} of {found.matching:,} · "
               f"page {found.page:,} of {found.pages:,}" if found.rows else
               "Nobody matches this search.")
    p3.button("Next", key=f"{key}_next", disabled=found.page >= found.pages,
              on_click=move, args=(found.page + 1,), icon=":material/chevron_right:")


# A save's confirmation appears above the tabs on the next run: keyed and tracked by the
# server ("rerun"), the tab set reopens on the tab the admin was using (as Log actions).
(tab_members, tab_teams, tab_bulk, tab_codes, tab_chapter, tab_audit,
 tab_data_rights) = st.tabs(["Members", "Teams", "Add from CSV", "Sign-in codes", "Chapter",
                             "Audit log", "Members' data"], key="admin_tab", on_change="rerun")

with tab_members:
    st.caption(f"{plural(counts.members, 'member')}, {counts.active:,} active. Deactivated "
               "members keep their history but cannot sign in and are not counted as active.")
    found = member_search("admin_members", team_filter=True)
    st.dataframe(pd.DataFrame([{
        "Name": r.name, "Email": r.email, "Team": r.team, "Role": r.role, "Active": r.active,
        "Password sign-in": r.sign_in,
    } for r in found.rows], columns=["Name", "Email", "Team", "Role", "Active",
                                     "Password sign-in"]), hide_index=True)
    pager("admin_members", found)

    st.header("Change a member")
    shown = {r.id: r for r in found.rows}
    picked = st.selectbox("Member (from the list above: search to find someone)", list(shown),
                          key="admin_member_pick", format_func=lambda i: shown[i].label())
    if picked is not None:
        target = roster.get_member(db, picked)
        # 0 stands for "no team": a None option would show as an empty choice.
        team_options = [0, *[t.id for t in teams_open]]
        if (target.team_id or 0) not in team_options:
            team_options.append(target.team_id)
        roles = list(ROLES)
        with st.form(f"member_{picked}"):
            team_id = st.selectbox("Team", team_options,
                                   index=team_options.index(target.team_id or 0),
                                   format_func=lambda i: "— no team" if not i
                                   else team_names[i], key=f"member_team_{picked}")
            role = st.selectbox("Role", roles, index=roles.index(target.role),
                                format_func=ROLES.get, key=f"member_role_{picked}")
            active = st.checkbox("Active", value=target.active, key=f"member_active_{picked}",
                                 help="Untick to deactivate: they can no longer sign in; "
                                      "what they recorded is kept.")
            save = st.form_submit_button("Save member", type="primary")
        if save:
            run(lambda: roster.update_membership(db, me, picked, team_id=team_id or None, role=role,
                                                 active=active),
                f"Saved {inert(target.name)}.")

        with st.form(f"member_details_{picked}"):
            st.markdown("**Correct their name or email**")
            d1, d2 = st.columns(2)
            new_name = d1.text_input("Name", value=target.name, key=f"member_name_{picked}")
            new_email = d2.text_input(
                "Email", value=target.email, key=f"member_email_{picked}",
                help="They sign in with this address from now on; the old one stops working.")
            correct = st.form_submit_button("Save name and email")
        if correct:
            run(lambda: roster.correct_member(db, me, picked, name=new_name, email=new_email),
                f"Saved {inert(new_name.strip())} <{inert(new_email.strip().lower())}>.")

    st.header("Add a member")
    with st.form("add_member"):
        c1, c2 = st.columns(2)
        name = c1.text_input("Name", key="add_member_name")
        email = c2.text_input("Email", key="add_member_email")
        c3, c4 = st.columns(2)
        new_team = c3.selectbox("Team", [0, *[t.id for t in teams_open]], key="add_member_team",
                                format_func=lambda i: "— no team" if not i else team_names[i])
        new_role = c4.selectbox("Role", list(ROLES), format_func=ROLES.get, key="add_member_role")
        add = st.form_submit_button("Add member", type="primary")
    if add:
        run(lambda: roster.add_member(db, me, MemberDraft(name, email, new_role, new_team or None)),
            f"Added {inert(name.strip())}. Give them a set-up code if your chapter uses passwords.")

with tab_teams:
    st.dataframe(pd.DataFrame([{
        "Team": t.name, "Active members": counts.active_by_team.get(t.id, 0),
        "Archived": t.archived,
    } for t in teams_all], columns=["Team", "Active members", "Archived"]), hide_index=True)

    with st.form("create_team"):
        team_name = st.text_input("New team name", key="create_team_name")
        create = st.form_submit_button("Create team", type="primary")
    if create:
        run(lambda: roster.create_team(db, me, team_name), f"Created team {inert(team_name.strip())}.")

    if teams_all:
        st.header("Rename or archive a team")
        team_pick = st.selectbox("Team", [t.id for t in teams_all], key="admin_team_pick",
                                 format_func=team_names.get)
        chosen = next(t for t in teams_all if t.id == team_pick)
        with st.form(f"rename_team_{team_pick}"):
            renamed = st.text_input("Name", value=chosen.name, key=f"team_name_{team_pick}")
            rename = st.form_submit_button("Rename")
        if rename:
            run(lambda: roster.rename_team(db, me, team_pick, renamed), "Team renamed.")
        label = "Bring the team back" if chosen.archived else "Archive the team"
        if st.button(label, key=f"archive_{team_pick}",
                     help="An archived team keeps its history and is no longer offered. "
                          "Move its members first."):
            run(lambda: roster.set_team_archived(db, me, team_pick, not chosen.archived),
                f"{inert(chosen.name)}: {'restored' if chosen.archived else 'archived'}.")

with tab_bulk:
    st.markdown("Add many members at once from a CSV file with a header line "
                f"`{','.join(csv_import.MEMBER_COLUMNS)}`. `role` is member, lead or admin "
                "(empty means member); `team` is the name of an existing team (or empty). "
                "Either every row is added, or none is and each problem is listed by row. A file "
                "naming teams that do not exist yet, or people already in the chapter (such as "
                "the repository's `data/sample/members.csv`), goes in through *Import & "
                "export*: it checks first, lists the teams it would create and the members it "
                "would skip, and adds them when you untick *Check only*.")
    st.code("name,email,role,team\nSam Example,sam@example.org,member,Outreach", language="csv",
            wrap_lines=True)  # no sideways-scrolling box on a phone
    upload = st.file_uploader("CSV file", type=["csv"], key="members_csv_file")
    pasted = st.text_area("…or paste the rows here", key="members_csv_text", height=150)
    if st.button("Add these members", type="primary", key="bulk_add"):
        # The file's bytes go to the one CSV reader, which decodes them (UTF-8, else
        # Windows-1252) the way Import & export does.
        data = upload.getvalue() if upload else pasted
        try:
            added = csv_import.bulk_add_members(db, me, data)
        except ValidationError as exc:
            # Name the line of each problem, so it can be found in the file.
            st.error("Nobody was added:\n\n" + "\n".join(
                f"- {inert(key)}: {inert(msg)}" for key, msg in exc.errors.items()),
                icon=":material/error:")
        except PermissionDenied as exc:
            common.show_denied(exc)
        else:
            common.flash(f"Added {plural(len(added), 'member')}.")
            st.rerun()

with tab_codes:
    st.markdown("For chapters that sign in with passwords: a **set-up code** lets a member "
                "choose their password (or reset a forgotten one). It is shown once, works "
                "once and expires. Give it to them in person or by a private message.")
    found_codes = member_search("code_members", only="active")
    code_choices = {r.id: r for r in found_codes.rows}
    pager("code_members", found_codes)
    with st.form("issue_code"):
        who = st.selectbox("Member", list(code_choices), key="code_member",
                           format_func=lambda i: code_choices[i].label())
        hours = st.number_input("Valid for (hours)", min_value=1, max_value=24 * 14,
                                value=passwords.CODE_HOURS, step=1)
        issue = st.form_submit_button("Issue a set-up code", type="primary")
    if issue and who is not None:
        try:
            issued = passwords.issue_setup_code(db, me, who, hours=int(hours))
        except ValidationError as exc:
            common.show_validation(exc)
        except PermissionDenied as exc:
            common.show_denied(exc)
        else:
            st.success(f"Set-up code for {inert(issued.member.name)}, valid until "
                       f"{format_moment(issued.expires_at)} UTC. It will not be shown again; "
                       "any earlier code for them no longer works.")
            st.code(issued.code, language=None)

    setup_code_sections.many_codes(db, me, code_choices, counts.without_password)

    # Lockouts: five wrong passwords in 15 minutes lock an email for 15
    # minutes. A set-up code works regardless; lifting the lock here is audited.
    st.header("Locked out")
    locked = passwords.lockouts(db, me)
    if not locked:
        st.caption("Nobody is locked out of password sign-in right now.")
    else:
        st.caption("These members' password sign-in is paused after too many wrong "
                   "attempts. If it was them, lift the lock; if it may not have been, "
                   "a set-up code lets them choose a new password.")
        locked_names = {i: m.name + f" <{m.email}>"
                        for i, m in roster.get_members(db, locked).items()}
        with st.form("clear_lockout"):
            unlock = st.selectbox(
                "Member", list(locked), key="lockout_member",
                format_func=lambda i: f"{locked_names[i]} — locked until "
                                      f"{locked[i]:%H:%M} UTC")
            lift = st.form_submit_button("Lift the lockout")
        if lift and unlock is not None:
            run(lambda: passwords.clear_lockout(db, me, unlock),
                f"Lifted the lockout for {inert(locked_names[unlock])}.")

with tab_chapter:
    with st.form("chapter_settings"):
        ch_name = st.text_input("Chapter name", value=chapter.name, key="chapter_name")
        goal = st.text_input("What the plan calls the organisation's goal",
                             value=chapter.goal_label, key="chapter_goal",
                             help="Shown in the plan as 'How does your personal motivation "
                                  "help support your … ?'")
        save_ch = st.form_submit_button("Save settings", type="primary")
    if save_ch:
        run(lambda: roster.update_chapter(db, me, ch_name, goal), "Chapter settings saved.")
    # The organisation level: the chapter's consent to be named there.
    named = organisation.named_in_org_reports(db, me.chapter_id)
    if st.toggle("Name our chapter in organisation reports", value=named, key="org_named",
                 help="On: the organisation's report may name this chapter beside actions "
                      "members shared with the whole chapter (never members' names). Off: "
                      "the chapter still counts in the organisation's figures, and none of "
                      "its actions is quoted there.") != named:
        run(lambda: organisation.set_named_in_org_reports(db, me, not named),
            "Organisation report setting saved.")

with tab_audit:
    st.caption("Every change to plans, actions, memberships and roles: who, when, what, and "
               "the previous value. Nobody can edit it. Words from members' own plans, "
               "actions and reflections are never shown here.")
    f1, f2, f3 = st.columns(3)
    table = f1.selectbox("Table", ["", *common.cached(audit.audit_tables, me)],
                         key="audit_table", format_func=lambda t: t or "All")
    # "Who" offers the members matching a search, never the whole chapter.
    who_search = f2.text_input("Who (search by name or email)", key="audit_actor_search")
    actors = ({r.id: r.name for r in common.cached(
        member_directory.find_members, me, query=who_search.strip(),
        page_size=member_directory.MATCHES_MAX).rows} if who_search.strip() else {})
    actor_id = f2.selectbox("Who", [0, *actors], key="audit_actor",
                            format_func=lambda i: actors[i] if i else "Anyone",
                            label_visibility="collapsed")
    today = date.today()
    period = f3.date_input("Dates", value=(today - timedelta(days=30), today), key="audit_dates")
    since, until = (period if isinstance(period, tuple) and len(period) == 2
                    else (None, None))
    entries = common.cached(audit.list_entries, me, table=table or None,
                            actor_id=actor_id or None, since=since, until=until)
    st.dataframe(entries.assign(**{"When (UTC)": entries["When (UTC)"].map(format_when)}),
                 hide_index=True)
    st.caption(f"{plural(len(entries), 'entry', 'entries')} shown (at most 500, newest "
               "first).")

with tab_data_rights:
    data_rights_sections.admin_tab(db, me)  # requests to be forgotten, retention of reflections

with checklist_slot:
    setup_checklist_section.show(db, me)
