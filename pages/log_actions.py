"""Log actions: record what I did, tagged with the responsibilities it practised."""

from datetime import date, timedelta

import streamlit as st

from allyship.core.dates import recent_days
from allyship.core.handout import ACTION_KINDS, RESPONSIBILITIES, VISIBILITIES
from allyship.core.models import ActionDraft, ValidationError, week_start
from allyship.i18n import N_, handout
from allyship.practice import days as reader_days
from allyship.practice import journal, plans, tables
from allyship.ui import common, language, member_forms

me = common.require_screen("log_actions")
db = common.get_db()
today = date.today()
tr = language.translator()
_ = tr.gettext

st.title(_("Log actions"), anchor=False)  # no "link to heading" stop for keyboards
st.caption(_("Log what you actually did, and which of the eight responsibilities it "
             "practised. Everything is private unless you choose to share it."))
# A save further down confirms here in the same run (see new_action_form).
flash_slot = st.empty()
common.show_flash(flash_slot)

plan = plans.get_plan(db, me)
plan_items = {i.id: i.text for i in plan.items} if plan else {}


def submitted_draft(key: str) -> ActionDraft | None:
    """What form ``key`` holds if this run is its submit, else ``None``.

    Read from the fields' keyed values, which the browser sent with the submit: so the
    page can save before it draws the form, and a save takes one run instead of a run and
    a rerun (half the server's work while many members log at once)."""
    if not common.submitted(key):
        return None
    state = st.session_state
    return ActionDraft(
        done_on=state.get(f"{key}_date"), description=state.get(f"{key}_what") or "",
        responsibilities=tuple(r.number for r in RESPONSIBILITIES
                               if state.get(f"{key}_r{r.number}")),
        kind=state.get(f"{key}_kind", "other"), minutes=state.get(f"{key}_minutes"),
        visibility=state.get(f"{key}_visibility", next(iter(VISIBILITIES))),
        plan_item_id=state.get(f"{key}_plan_item"))


def action_form(key: str, initial=None, days: list[date] | None = None) -> ActionDraft | None:
    """The action form; returns a draft (:func:`submitted_draft`) when submitted.

    The date is picked from a list of days read as people read them ("Today — Fri 27 Nov
    2026"): one keyboard stop instead of a date field's three, and no tiny day/month
    targets. ``days`` defaults to the last 12 weeks (what the catch-up offers too).
    """
    days = list(days or recent_days(today))
    if initial and initial.done_on not in days:
        days = sorted({*days, initial.done_on}, reverse=True)
    default_day = initial.done_on if initial else days[0]
    with st.form(key):
        st.selectbox(_("Date"), days, index=days.index(default_day), key=f"{key}_date",
                     format_func=lambda d: reader_days.day_relative(tr, d, today))
        st.text_area(_("What I did"), value=initial.description if initial else "",
                     max_chars=2000, key=f"{key}_what")
        # One column, in the handout's order 1–8: two columns were read (and tabbed)
        # 1, 3, 5, 7, 2, 4, 6, 8.
        # No help icon per box: each was an extra keyboard stop (16 instead of 8); the
        # handout's full wording is one link away.
        st.markdown(_("**Responsibilities practised** (one or more) — the handout's full "
                      "wording is on *About the practice*."))
        for r in handout.responsibilities(tr):
            st.checkbox(r.label, value=bool(initial and r.number in initial.responsibilities),
                        key=f"{key}_r{r.number}")
        left, right = st.columns(2)
        kinds = list(ACTION_KINDS)
        kind_names = handout.vocabulary(tr, "ACTION_KINDS")
        left.selectbox(_("Kind"), kinds, format_func=kind_names.get, key=f"{key}_kind",
                              index=kinds.index(initial.kind) if initial else kinds.index("other"),
                              help=_("'Feedback received' records what the people you work "
                                     "with told you: allyship is not self-defined."))
        right.number_input(_("Minutes (optional)"), min_value=0, max_value=1440, step=5,
                           value=initial.minutes if initial else None, key=f"{key}_minutes")
        vis = list(VISIBILITIES)
        st.radio(_("Who can see this"), vis, key=f"{key}_visibility",
                 format_func=handout.vocabulary(tr, "VISIBILITIES").get,
                 index=vis.index(initial.visibility) if initial else 0)
        options = [None, *plan_items]
        st.selectbox(_("Part of my plan (optional)"), options, key=f"{key}_plan_item",
                     format_func=lambda i: "—" if i is None else plan_items[i],
                     index=options.index(initial.plan_item_id)
                     if initial and initial.plan_item_id in options else 0)
        label = _("Save changes") if initial else _("Log action")
        st.form_submit_button(label, type="primary", key=common.submit_key(key))
    return submitted_draft(key)


# The member stays on the tab they were using after a save. A key alone is not enough:
# the open tab is then the browser's own state, and a save's confirmation above the tabs
# moves them down one place, so the browser draws the tab set anew; if it draws before
# all three tabs have arrived, it falls back to the first one. Tracked as a widget
# ("rerun"), the server knows the open tab and sends it with every run, so a redrawn tab
# set opens on it; and only the open tab runs and is sent: the closed two (a second form,
# the recent list with its edit form) were two thirds of every save's run.
# Bound to the address (``?tab=Catch+up+on+a+week``), so a link can open a tab, and a
# member sent to sign in first comes back to the same tab.
# The address names a tab by its label in the reader's language; a link made in English
# (an email's) opens the same tab in any language.
TABS = [N_("Log an action"), N_("Catch up on a week"), N_("My recent actions")]
tab_labels = [_(t) for t in TABS]
if st.query_params.get("tab") in TABS and st.query_params["tab"] not in tab_labels:
    st.query_params["tab"] = tab_labels[TABS.index(st.query_params["tab"])]
log_tab, week_tab, mine_tab = st.tabs(tab_labels, key="tab", on_change="rerun",
                                      bind="query-params")


def new_action_form(token_name: str, prefix: str, confirmation: str,
                    days: list[date] | None = None, week: str = "") -> None:
    """A form for a new action, saved in the run that submits it.

    The save comes first and the form after it: empty once saved (a new token makes it a
    new form), as typed when refused, with what was wrong (or a full disk) under it. A
    form is saved once per filling-in (its token: a resubmitted form saves nothing new);
    the saved action is read back and confirmed at the top by its words and day.
    ``confirmation`` is a whole sentence naming the {action}, its {day} (and {week})."""
    token = common.form_token(token_name)
    draft = submitted_draft(prefix + token)
    early = common.EarlySave()
    logged = None if draft is None else early.run(lambda: journal.log_action(
        db, me, ActionDraft(**{**draft.__dict__, "idempotency_key": token}), today=today))
    if logged is not None:
        saved = journal.get_action(db, me, logged.id)  # what is in the database now
        common.new_form_token(token_name)
        token = common.form_token(token_name)
        common.flash(confirmation.format(action=common.quoted(saved.description),
                                         day=reader_days.day_short(tr, saved.done_on),
                                         week=week))
        common.show_flash(flash_slot)
    action_form(prefix + token, days=days)
    early.say()


if log_tab.open:
    with log_tab:
        new_action_form("log_action", "log_action_", _("Action logged. {action}, {day}."))

if week_tab.open:
    with week_tab:
        weeks = [week_start(today) - timedelta(weeks=n) for n in range(0, 12)]
        monday = st.selectbox(_("Week"), weeks, index=1 if len(weeks) > 1 else 0,
                              format_func=lambda w: reader_days.week(tr, w))
        week_days = tables.catch_up_days(monday, today, tr)
        member_forms.away_switch(db, me, monday, today)  # names the week chosen above
        # One action at a time is the default for everyone: the server cannot know the
        # screen's width, and on a phone the table's columns fall off the screen. The table
        # stays one switch away for a wide screen and many rows.
        as_table = st.toggle(
            _("Several at once, in a table (for a wide screen)"), key="catch_up_as_table",
            help=_("A row per action instead of one short form at a time; saves the same way."))
        if not as_table:
            new_action_form("catch_up_one", f"catch_up_one_{monday}_",
                            _("Action logged for the week of {week}: {action}, {day}."),
                            days=sorted(week_days.values(), reverse=True),
                            week=reader_days.day_short(tr, monday))
            st.caption(_("Add another, or pick another week above."))
        else:
            st.markdown(_("Fill in one row per action and pick its day. Blank rows are ignored; "
                          "if any row has a problem, nothing is saved."))
            catch_up_token = common.form_token("catch_up")
            with st.form(f"catch_up_{catch_up_token}"):
                edited = st.data_editor(
                    tables.catch_up_frame(monday, tr=tr), num_rows="dynamic", hide_index=True,
                    key=f"catch_up_{monday}_{catch_up_token}", placeholder="",  # not "None"
                    alt=_("Actions to log for the week of {day}, one per row").format(
                        day=reader_days.day(tr, monday)),
                    column_config={
                        "Date": st.column_config.SelectboxColumn(
                            _("Date"), options=list(week_days), width=135,
                            help=_("The day you did it, within the week chosen above")),
                        "What I did": st.column_config.TextColumn(_("What I did"), max_chars=2000,
                                                                  width=230),
                        "Responsibilities": st.column_config.MultiselectColumn(
                            _("Responsibilities"), options=tables.responsibility_labels(tr),
                            width=300,
                            help=_("One or more of the eight responsibilities; see About the "
                                   "practice")),
                        "Kind": st.column_config.SelectboxColumn(
                            _("Kind"), options=list(tables.kind_labels(tr).values()),
                            required=True, width=130),
                        "Minutes": st.column_config.NumberColumn(_("Minutes"), min_value=0,
                                                                 max_value=1440, width=75),
                        "Shared with": st.column_config.SelectboxColumn(
                            _("Shared with"), options=list(tables.visibility_labels(tr).values()),
                            required=True, width=140,
                            help=_("Private — only you; your team; or the whole chapter")),
                    })
                saved = st.form_submit_button(_("Log these actions"), type="primary")
            if saved:
                try:
                    drafts = tables.drafts_from_catch_up(edited, catch_up_token, week_days, tr)
                    with common.save_failures_here():
                        done = journal.log_actions(db, me, drafts, today=today)
                except ValidationError as exc:
                    common.show_validation(exc)
                else:
                    common.new_form_token("catch_up")
                    saved_rows = [journal.get_action(db, me, a.id) for a in done]  # read back
                    names = "; ".join(f"{common.quoted(a.description, 40)}, "
                                      f"{reader_days.day_short(tr, a.done_on)}"
                                      for a in saved_rows[:5])
                    n = len(saved_rows)
                    common.flash(tr.ngettext("Logged {count} action for the week of {week}: "
                                             "{actions}.",
                                             "Logged {count} actions for the week of {week}: "
                                             "{actions}.", n).format(
                        count=n, week=reader_days.day_short(tr, monday),
                        actions=names + ("…" if n > 5 else "")))
                    st.rerun()

if mine_tab.open:
    with mine_tab:
        recent = journal.list_my_actions(db, me, limit=50)
        if not recent:
            st.info(_("You have not logged anything yet. Start with *Log an action*."))
        else:
            headers = {"Date": _("Date"), "What I did": _("What I did"),
                       "Responsibilities": _("Responsibilities"), "Kind": _("Kind"),
                       "Minutes": _("Minutes"), "Shared with": _("Shared with")}
            st.dataframe(tables.actions_frame(recent, tr).drop(columns=["id"]), hide_index=True,
                         placeholder="", alt=_("My recent actions, newest first"),
                         column_config={key: st.column_config.Column(label)
                                        for key, label in headers.items()})
            by_id = {a.id: a for a in recent}
            chosen_id = st.selectbox(
                _("Edit or delete"), list(by_id),
                format_func=lambda i: f"{reader_days.day(tr, by_id[i].done_on)} — "
                                      f"{by_id[i].description[:60]}")
            action = by_id[chosen_id]
            draft = action_form(f"edit_{action.id}", initial=action)
            if draft is not None:
                try:
                    with common.save_failures_here():
                        journal.update_action(db, me, action.id, draft, today=today)
                except ValidationError as exc:
                    common.show_validation(exc)
                else:
                    saved = journal.get_action(db, me, action.id)  # read back before confirming
                    common.flash(_("Action updated: {action}, {day}.").format(
                        action=common.quoted(saved.description),
                        day=reader_days.day_short(tr, saved.done_on)))
                    st.rerun()
            confirm = st.checkbox(_("Yes, delete this action"), key=f"confirm_del_{action.id}")
            if st.button(_("Delete action"), disabled=not confirm, key=f"del_{action.id}"):
                journal.delete_action(db, me, action.id)
                common.flash(_("Action deleted."))
                st.rerun()
