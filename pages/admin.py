"""Admin: the chapter's teams, members and roles, sign-in codes, settings, audit log."""

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from allyship.core.access import PermissionDenied
from allyship.core.handout import ROLES
from allyship.core.models import MemberDraft, ValidationError
from allyship.core.safe_text import inert, verbatim
from allyship.db import audit
from allyship.i18n import N_, SOURCE_LANGUAGE, formatting, handout, translate
from allyship.people import (
    language_settings,
    member_directory,
    organisation,
    passwords,
    roster,
)
from allyship.transfer import csv_import
from allyship.ui import (
    common,
    data_rights_sections,
    language,
    setup_checklist_section,
    setup_code_sections,
)

me = common.require_screen("admin")
db = common.get_db()
tr = language.translator()
_ = tr.gettext
role_names = handout.vocabulary(tr, "ROLES")

chapter = roster.get_chapter(db, me.chapter_id)
st.title(_("Admin"))
st.caption(_("Manage {chapter}: teams, members and roles. You see who is in the chapter, "
             "never anyone's private plan, actions or reflections.").format(
                 chapter=inert(chapter.name)))
common.show_flash()
# Drawn last, in its place at the top: a tab below may have just done a step (codes are
# shown once, so that tab cannot rerun the page to refresh it).
checklist_slot = st.container()

teams_all = roster.list_teams(db, me.chapter_id, include_archived=True)
teams_open = [t for t in teams_all if not t.archived]
team_names = {t.id: _("{team} (archived)").format(team=t.name) if t.archived else t.name
              for t in teams_all}
no_team = _("— no team")
# The audit log's "who" for changes made at set-up or from the command line.
OPERATOR = N_("set-up / command line")
# Head counts and one page of members, each from SQL and cached by the chapter's data
# version: a chapter of thousands opens as fast as a small one.
counts = common.cached(member_directory.chapter_counts, me)



def format_moment(at: datetime) -> str:
    """``Mon 7 Dec 2026 14:05``: the app's one date format, with the time."""
    return f"{formatting.format_day(tr, at)} {at:%H:%M}"


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


def member_search(key: str, *, only: str | None = None, team_filter: bool = False,
                  page_size: int = member_directory.PAGE_SIZE) -> member_directory.MemberPage:
    """A search box (and optional team filter) with previous/next buttons: one page of
    members, never the whole chapter."""
    page_key = f"{key}_page"

    def first_page() -> None:
        st.session_state[page_key] = 1

    c1, c2 = st.columns([2, 1]) if team_filter else (st.container(), None)
    query = c1.text_input(_("Search by name or email"), key=f"{key}_search",
                          on_change=first_page,
                          placeholder=_("Type part of a name or an email, then Enter"))
    team_id = None
    if c2 is not None:
        all_teams = _("All teams")
        team_id = c2.selectbox(_("Team"), [None, 0, *team_names], key=f"{key}_team",
                               on_change=first_page,
                               format_func=lambda i: all_teams if i is None
                               else no_team if i == 0 else team_names[i])
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

    def n(value: int) -> str:
        return formatting.format_number(tr, value)

    p1.button(tr.pgettext("pager", "Previous"), key=f"{key}_prev",
              disabled=found.page <= 1,
              on_click=move, args=(found.page - 1,), icon=":material/chevron_left:")
    p2.caption(_("Members {first}–{last} of {matching} · page {page} of {pages}").format(
        first=n(found.first), last=n(found.last), matching=n(found.matching),
        page=n(found.page), pages=n(found.pages)) if found.rows else
        _("Nobody matches this search."))
    p3.button(tr.pgettext("pager", "Next"), key=f"{key}_next",
              disabled=found.page >= found.pages,
              on_click=move, args=(found.page + 1,), icon=":material/chevron_right:")


def audit_view(entries: pd.DataFrame) -> pd.DataFrame:
    """The audit log as shown: times in the reader's format, headers in their language;
    the entries themselves (tables, fields, values) as recorded."""
    shown = entries.assign(**{"When (UTC)": entries["When (UTC)"].map(format_when)})
    if "Who" in shown:
        shown["Who"] = shown["Who"].map(
            lambda who: _(OPERATOR) if who == OPERATOR else who)
    headers = {"When (UTC)": _("When (UTC)"), "Who": _("Who"), "What": _("What"),
               "Table": _("Table"), "Record": _("Record"), "Details": _("Details")}
    return shown.rename(columns=headers)


def language_section() -> None:
    """The chapter's default language: what members without their own setting read the
    app in when their browser asks for none we have, and their emails and reports."""
    names = language.language_names()
    current = language_settings.chapter_language(db, me.chapter_id)
    options = list(names)
    default = current if current in names else (
        SOURCE_LANGUAGE if SOURCE_LANGUAGE in names else options[0])
    st.header(_("Default language"))
    with st.form("chapter_language"):
        picked = st.selectbox(
            _("Default language of the chapter"), options, index=options.index(default),
            format_func=names.get, key="chapter_default_language",
            help=_("Languages are named in themselves, so everyone can find their own."))
        st.caption(_("Members who have not chosen a language on their Account page read the "
                     "app in their browser's language when we have it, and otherwise in this "
                     "one. Their emails and reports are in this language too. What people "
                     "write is never translated."))
        save_language = st.form_submit_button(_("Save the default language"))
    if save_language:
        run(lambda: language_settings.set_chapter_language(db, me, picked),
            _("The chapter's default language is now {language}.").format(
                language=names[picked]))


# A save's confirmation appears above the tabs on the next run: keyed and tracked by the
# server ("rerun"), the tab set reopens on the tab the admin was using (as Log actions).
# The tabs are found by their position (a translated label is not a key). Only the open
# tab runs and is sent: at 16,000 members the closed six were most of the page's work.
(tab_members, tab_teams, tab_bulk, tab_codes, tab_chapter, tab_audit,
 tab_data_rights) = st.tabs([_("Members"), _("Teams"), _("Add from CSV"), _("Sign-in codes"),
                             _("Chapter"), _("Audit log"), _("Members' data")],
                            key="admin_tab", on_change="rerun")

if tab_members.open:
    with tab_members:
        st.caption(tr.ngettext(
            "{count} member, {active} active. Deactivated members keep their history but cannot "
            "sign in and are not counted as active.",
            "{count} members, {active} active. Deactivated members keep their history but cannot "
            "sign in and are not counted as active.", counts.members).format(
                count=formatting.format_number(tr, counts.members),
                active=formatting.format_number(tr, counts.active)))
        found = member_search("admin_members", team_filter=True)
        # A static table: the page holds a few dozen rows, and the interactive grid cost
        # the browser most of the page's time to load and draw. Its cells are Markdown:
        # names made inert, addresses shown verbatim (so that they copy as typed).
        yes, no = _("yes"), _("no")
        st.table(pd.DataFrame([[
            inert(r.name), verbatim(r.email), inert(translate(tr, r.team)),
            inert(role_names.get(r.role_key, r.role)), yes if r.active else no,
            inert(translate(tr, r.sign_in)),
        ] for r in found.rows], columns=[_("Name"), _("Email"), _("Team"), _("Role"), _("Active"),
                                         _("Password sign-in")]), hide_index=True)
        pager("admin_members", found)

        st.header(_("Change a member"))
        shown = {r.id: r for r in found.rows}
        picked = st.selectbox(_("Member (from the list above: search to find someone)"),
                              list(shown), key="admin_member_pick",
                              format_func=lambda i: shown[i].label())
        if picked is not None:
            target = roster.get_member(db, picked)
            # 0 stands for "no team": a None option would show as an empty choice.
            team_options = [0, *[t.id for t in teams_open]]
            if (target.team_id or 0) not in team_options:
                team_options.append(target.team_id)
            roles = list(ROLES)
            with st.form(f"member_{picked}"):
                team_id = st.selectbox(_("Team"), team_options,
                                       index=team_options.index(target.team_id or 0),
                                       format_func=lambda i: no_team if not i
                                       else team_names[i], key=f"member_team_{picked}")
                role = st.selectbox(_("Role"), roles, index=roles.index(target.role),
                                    format_func=role_names.get, key=f"member_role_{picked}")
                active = st.checkbox(_("Active"), value=target.active,
                                     key=f"member_active_{picked}",
                                     help=_("Untick to deactivate: they can no longer sign in; "
                                            "what they recorded is kept."))
                save = st.form_submit_button(_("Save member"), type="primary")
            if save:
                run(lambda: roster.update_membership(db, me, picked, team_id=team_id or None,
                                                     role=role, active=active),
                    _("Saved {name}.").format(name=inert(target.name)))

            with st.form(f"member_details_{picked}"):
                st.markdown(_("**Correct their name or email**"))
                d1, d2 = st.columns(2)
                new_name = d1.text_input(_("Name"), value=target.name, key=f"member_name_{picked}")
                new_email = d2.text_input(
                    _("Email"), value=target.email, key=f"member_email_{picked}",
                    help=_("They sign in with this address from now on; the old one stops "
                           "working."))
                correct = st.form_submit_button(_("Save name and email"))
            if correct:
                run(lambda: roster.correct_member(db, me, picked, name=new_name, email=new_email),
                    _("Saved {name} <{email}>.").format(name=inert(new_name.strip()),
                                                        email=inert(new_email.strip().lower())))

        st.header(_("Add a member"))
        with st.form("add_member"):
            c1, c2 = st.columns(2)
            name = c1.text_input(_("Name"), key="add_member_name")
            email = c2.text_input(_("Email"), key="add_member_email")
            c3, c4 = st.columns(2)
            new_team = c3.selectbox(_("Team"), [0, *[t.id for t in teams_open]],
                                    key="add_member_team",
                                    format_func=lambda i: no_team if not i else team_names[i])
            new_role = c4.selectbox(_("Role"), list(ROLES), format_func=role_names.get,
                                    key="add_member_role")
            add = st.form_submit_button(_("Add member"), type="primary")
        if add:
            run(lambda: roster.add_member(db, me, MemberDraft(name, email, new_role,
                                                              new_team or None)),
                _("Added {name}. Give them a set-up code if your chapter uses passwords.").format(
                    name=inert(name.strip())))

if tab_teams.open:
    with tab_teams:
        st.dataframe(pd.DataFrame([[
            t.name, counts.active_by_team.get(t.id, 0), t.archived,
        ] for t in teams_all], columns=[_("Team"), _("Active members"),
                                        tr.pgettext("team column", "Archived")]),
            hide_index=True)

        with st.form("create_team"):
            team_name = st.text_input(_("New team name"), key="create_team_name")
            create = st.form_submit_button(_("Create team"), type="primary")
        if create:
            run(lambda: roster.create_team(db, me, team_name),
                _("Created team {team}.").format(team=inert(team_name.strip())))

        if teams_all:
            st.header(_("Rename or archive a team"))
            team_pick = st.selectbox(_("Team"), [t.id for t in teams_all], key="admin_team_pick",
                                     format_func=team_names.get)
            chosen = next(t for t in teams_all if t.id == team_pick)
            with st.form(f"rename_team_{team_pick}"):
                renamed = st.text_input(_("Name"), value=chosen.name, key=f"team_name_{team_pick}")
                rename = st.form_submit_button(_("Rename"))
            if rename:
                run(lambda: roster.rename_team(db, me, team_pick, renamed), _("Team renamed."))
            label = _("Bring the team back") if chosen.archived else _("Archive the team")
            if st.button(label, key=f"archive_{team_pick}",
                         help=_("An archived team keeps its history and is no longer offered. "
                                "Move its members first.")):
                run(lambda: roster.set_team_archived(db, me, team_pick, not chosen.archived),
                    (_("{team}: restored.") if chosen.archived else _("{team}: archived.")).format(
                        team=inert(chosen.name)))

if tab_bulk.open:
    with tab_bulk:
        st.markdown(_("Add many members at once from a CSV file with a header line `{columns}`. "
                      "`role` is member, lead or admin (empty means member); `team` is the name "
                      "of an existing team (or empty). Either every row is added, or none is and "
                      "each problem is listed by row. A file naming teams that do not exist yet, "
                      "or people already in the chapter (such as the repository's `{sample}`), "
                      "goes in through *{page}*: it checks first, lists the teams it would create "
                      "and the members it would skip, and adds them when you untick "
                      "*{check_only}*.").format(
                          columns=",".join(csv_import.MEMBER_COLUMNS),
                          sample="data/sample/members.csv", page=_("Import & export"),
                          # Translators: the start of the checkbox "Check only — do not import
                          # yet" on Import & export, as that page words it.
                          check_only=_("Check only")))
        st.code("name,email,role,team\nSam Example,sam@example.org,member,Outreach", language="csv",
                wrap_lines=True)  # no sideways-scrolling box on a phone
        upload = st.file_uploader(_("CSV file"), type=["csv"], key="members_csv_file")
        pasted = st.text_area(_("…or paste the rows here"), key="members_csv_text", height=150)
        if st.button(_("Add these members"), type="primary", key="bulk_add"):
            # The file's bytes go to the one CSV reader, which decodes them (UTF-8, else
            # Windows-1252) the way Import & export does.
            data = upload.getvalue() if upload else pasted
            try:
                added = csv_import.bulk_add_members(db, me, data)
            except ValidationError as exc:
                # Name the line of each problem, so it can be found in the file.
                st.error(_("Nobody was added:") + "\n\n" + "\n".join(
                    f"- {inert(translate(tr, key))}: {inert(translate(tr, msg))}"
                    for key, msg in exc.errors.items()), icon=":material/error:")
            except PermissionDenied as exc:
                common.show_denied(exc)
            else:
                common.flash(tr.ngettext("Added {count} member.", "Added {count} members.",
                                         len(added)).format(
                                             count=formatting.format_number(tr, len(added))))
                st.rerun()

if tab_codes.open:
    with tab_codes:
        st.markdown(_("For chapters that sign in with passwords: a **set-up code** lets a member "
                      "choose their password (or reset a forgotten one). It is shown once, works "
                      "once and expires. Give it to them in person or by a private message."))
        found_codes = member_search("code_members", only="active")
        code_choices = {r.id: r for r in found_codes.rows}
        pager("code_members", found_codes)
        with st.form("issue_code"):
            who = st.selectbox(_("Member"), list(code_choices), key="code_member",
                               format_func=lambda i: code_choices[i].label())
            hours = st.number_input(_("Valid for (hours)"), min_value=1, max_value=24 * 14,
                                    value=passwords.CODE_HOURS, step=1)
            issue = st.form_submit_button(_("Issue a set-up code"), type="primary")
        if issue and who is not None:
            try:
                issued = passwords.issue_setup_code(db, me, who, hours=int(hours))
            except ValidationError as exc:
                common.show_validation(exc)
            except PermissionDenied as exc:
                common.show_denied(exc)
            else:
                st.success(_("Set-up code for {name}, valid until {moment} UTC. It will not be "
                             "shown again; any earlier code for them no longer works.").format(
                                 name=inert(issued.member.name),
                                 moment=format_moment(issued.expires_at)))
                st.code(issued.code, language=None)

        setup_code_sections.many_codes(db, me, code_choices, counts.without_password)

        # Lockouts: five wrong passwords in 15 minutes lock an email for 15
        # minutes. A set-up code works regardless; lifting the lock here is audited.
        st.header(_("Locked out"))
        locked = passwords.lockouts(db, me)
        if not locked:
            st.caption(_("Nobody is locked out of password sign-in right now."))
        else:
            st.caption(_("These members' password sign-in is paused after too many wrong "
                         "attempts. If it was them, lift the lock; if it may not have been, "
                         "a set-up code lets them choose a new password."))
            locked_names = {i: m.name + f" <{m.email}>"
                            for i, m in roster.get_members(db, locked).items()}
            with st.form("clear_lockout"):
                unlock = st.selectbox(
                    _("Member"), list(locked), key="lockout_member",
                    format_func=lambda i: _("{member} — locked until {time} UTC").format(
                        member=locked_names[i], time=f"{locked[i]:%H:%M}"))
                lift = st.form_submit_button(_("Lift the lockout"))
            if lift and unlock is not None:
                run(lambda: passwords.clear_lockout(db, me, unlock),
                    _("Lifted the lockout for {member}.").format(
                        member=inert(locked_names[unlock])))

if tab_chapter.open:
    with tab_chapter:
        with st.form("chapter_settings"):
            ch_name = st.text_input(_("Chapter name"), value=chapter.name, key="chapter_name")
            goal = st.text_input(_("What the plan calls the organisation's goal"),
                                 value=chapter.goal_label, key="chapter_goal",
                                 help=_("Shown in the plan as 'How does your personal motivation "
                                        "help support your … ?'"))
            save_ch = st.form_submit_button(_("Save settings"), type="primary")
        if save_ch:
            run(lambda: roster.update_chapter(db, me, ch_name, goal), _("Chapter settings saved."))
        # The organisation level: the chapter's consent to be named there.
        named = organisation.named_in_org_reports(db, me.chapter_id)
        if st.toggle(_("Name our chapter in organisation reports"), value=named, key="org_named",
                     help=_("On: the organisation's report may name this chapter beside actions "
                            "members shared with the whole chapter (never members' names). Off: "
                            "the chapter still counts in the organisation's figures, and none of "
                            "its actions is quoted there.")) != named:
            run(lambda: organisation.set_named_in_org_reports(db, me, not named),
                _("Organisation report setting saved."))
        language_section()

if tab_audit.open:
    with tab_audit:
        st.caption(_("Every change to plans, actions, memberships and roles: who, when, what, and "
                     "the previous value. Nobody can edit it. Words from members' own plans, "
                     "actions and reflections are never shown here."))
        f1, f2, f3 = st.columns(3)
        everything, anyone = tr.pgettext("audit tables", "All"), _("Anyone")
        table = f1.selectbox(_("Table"), ["", *common.cached(audit.audit_tables, me)],
                             key="audit_table", format_func=lambda t: t or everything)
        # "Who" offers the members matching a search, never the whole chapter.
        who_search = f2.text_input(_("Who (search by name or email)"), key="audit_actor_search")
        actors = ({r.id: r.name for r in common.cached(
            member_directory.find_members, me, query=who_search.strip(),
            page_size=member_directory.MATCHES_MAX).rows} if who_search.strip() else {})
        actor_id = f2.selectbox(_("Who"), [0, *actors], key="audit_actor",
                                format_func=lambda i: actors[i] if i else anyone,
                                label_visibility="collapsed")
        today = date.today()
        period = f3.date_input(_("Dates"), value=(today - timedelta(days=30), today),
                               key="audit_dates")
        since, until = (period if isinstance(period, tuple) and len(period) == 2
                        else (None, None))
        entries = common.cached(audit.list_entries, me, table=table or None,
                                actor_id=actor_id or None, since=since, until=until)
        st.dataframe(audit_view(entries), hide_index=True)
        st.caption(tr.ngettext("{count} entry shown (at most 500, newest first).",
                               "{count} entries shown (at most 500, newest first).",
                               len(entries)).format(
                                   count=formatting.format_number(tr, len(entries))))

if tab_data_rights.open:
    with tab_data_rights:
        data_rights_sections.admin_tab(db, me)  # requests to be forgotten, retention of reflections

with checklist_slot:
    setup_checklist_section.show(db, me)
