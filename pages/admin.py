"""Admin: the chapter's teams, members and roles, sign-in codes, settings, audit log."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.handout import ROLES
from allyship.core.models import MemberDraft, ValidationError
from allyship.core.safe_text import inert
from allyship.db import audit
from allyship.people import organisation, passwords, roster
from allyship.transfer import csv_import
from allyship.ui import common, data_rights_sections

me = common.require_screen("admin")
db = common.get_db()

chapter = roster.get_chapter(db, me.chapter_id)
st.title("Admin")
st.caption(f"Manage {inert(chapter.name)}: teams, members and roles. You see who is in the chapter, "
           "never anyone's private plan, actions or reflections.")
common.show_flash()

teams_all = roster.list_teams(db, me.chapter_id, include_archived=True)
teams_open = [t for t in teams_all if not t.archived]
team_names = {t.id: t.name + (" (archived)" if t.archived else "") for t in teams_all}
members = roster.list_members(db, me.chapter_id)
status = passwords.account_status(db, me)


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


# A save's confirmation appears above the tabs on the next run: keyed and tracked by the
# server ("rerun"), the tab set reopens on the tab the admin was using (as Log actions).
(tab_members, tab_teams, tab_bulk, tab_codes, tab_chapter, tab_audit,
 tab_data_rights) = st.tabs(["Members", "Teams", "Add from CSV", "Sign-in codes", "Chapter",
                             "Audit log", "Members' data"], key="admin_tab", on_change="rerun")

with tab_members:
    def _sign_in_state(member_id: int) -> str:
        s = status.get(member_id)
        if s is None:
            return ""
        if s.has_password:
            return "password set"
        return "set-up code pending" if s.code_expires_at else "—"

    st.dataframe(pd.DataFrame([{
        "Name": m.name, "Email": m.email, "Team": team_names.get(m.team_id, "—"),
        "Role": ROLES.get(m.role, m.role), "Active": m.active,
        "Password sign-in": _sign_in_state(m.id),
    } for m in members], columns=["Name", "Email", "Team", "Role", "Active",
                                  "Password sign-in"]), hide_index=True)
    st.caption(f"{sum(m.active for m in members)} active members. Deactivated members keep "
               "their history but cannot sign in and are not counted as active.")

    st.header("Change a member")
    by_id = {m.id: m for m in members}
    picked = st.selectbox("Member", list(by_id), key="admin_member_pick",
                          format_func=lambda i: f"{by_id[i].name} <{by_id[i].email}>")
    if picked is not None:
        target = by_id[picked]
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
    counts = {t.id: sum(1 for m in members if m.team_id == t.id and m.active) for t in teams_all}
    st.dataframe(pd.DataFrame([{
        "Team": t.name, "Active members": counts[t.id], "Archived": t.archived,
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
                "Either every row is added, or none is and each problem is listed by row.")
    st.code("name,email,role,team\nSam Example,sam@example.org,member,Outreach", language="csv")
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
            common.flash(f"Added {len(added)} members.")
            st.rerun()

with tab_codes:
    st.markdown("For chapters that sign in with passwords: a **set-up code** lets a member "
                "choose their password (or reset a forgotten one). It is shown once, works "
                "once and expires. Give it to them in person or by a private message.")
    active_members = [m for m in members if m.active]
    with st.form("issue_code"):
        who = st.selectbox("Member", [m.id for m in active_members], key="code_member",
                           format_func=lambda i: by_id[i].name + f" <{by_id[i].email}>")
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
                       f"{issued.expires_at:%d %b %Y %H:%M} UTC. It will not be shown again; "
                       "any earlier code for them no longer works.")
            st.code(issued.code, language=None)

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
        with st.form("clear_lockout"):
            unlock = st.selectbox(
                "Member", list(locked), key="lockout_member",
                format_func=lambda i: f"{by_id[i].name} <{by_id[i].email}> — locked until "
                                      f"{locked[i]:%H:%M} UTC")
            lift = st.form_submit_button("Lift the lockout")
        if lift and unlock is not None:
            run(lambda: passwords.clear_lockout(db, me, unlock),
                f"Lifted the lockout for {inert(by_id[unlock].name)}.")

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
    table = f1.selectbox("Table", ["", *audit.audit_tables(db, me)], key="audit_table",
                         format_func=lambda t: t or "All")
    actor_id = f2.selectbox("Who", [0, *by_id], key="audit_actor",
                            format_func=lambda i: by_id[i].name if i else "Anyone")
    today = date.today()
    period = f3.date_input("Dates", value=(today - timedelta(days=30), today), key="audit_dates")
    since, until = (period if isinstance(period, tuple) and len(period) == 2
                    else (None, None))
    entries = audit.list_entries(db, me, table=table or None, actor_id=actor_id or None,
                                 since=since, until=until)
    st.dataframe(entries, hide_index=True)
    st.caption(f"{len(entries)} entries shown (at most 500, newest first).")

with tab_data_rights:
    data_rights_sections.admin_tab(db, me)  # requests to be forgotten, retention of reflections
