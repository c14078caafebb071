"""My week: a quick log first, then this week's actions, next steps due and my
consistency."""

from datetime import date

import streamlit as st

from allyship.core.dates import recent_days
from allyship.core.handout import RESPONSIBILITIES
from allyship.core.models import ActionDraft, ReflectionDraft, ValidationError, week_start
from allyship.i18n import formatting, handout
from allyship.metrics import my_weeks
from allyship.practice import days, journal, plans, tables
from allyship.rhythm import nudges
from allyship.ui import common, language, member_forms, setup_checklist_section

me = common.require_screen("my_week")
db = common.get_db()
today = date.today()
monday = week_start(today)
tr = language.translator()
_ = tr.gettext

st.title(_("My week"))
st.caption(_("Week of {day}. Allyship is a consistent practice: what did you do this week, "
             "and what is next?").format(day=days.day(tr, monday)))
# A quick log confirms here in the same run it is saved in (below).
flash_slot = st.empty()
common.show_flash(flash_slot)
# A new chapter's admin lands here: the set-up steps first, until they are all done.
setup_checklist_section.show(db, me, only_until_done=True)


def save_quick_log(key: str, token: str, early: common.EarlySave) -> None:
    """Save the quick log if this run is its submit — before the form and the week below
    are drawn, so they show it without a second run — and confirm it at the top."""
    if not common.submitted(key):
        return
    state = st.session_state
    draft = ActionDraft(done_on=state.get(f"{key}_when"),
                        description=state.get(f"{key}_what") or "",
                        responsibilities=tuple(state.get(f"{key}_picked") or ()),
                        idempotency_key=token)
    logged = early.run(lambda: journal.log_action(db, me, draft, today=today))
    if logged is None:
        return
    saved = journal.get_action(db, me, logged.id)  # read back before confirming
    common.new_form_token("quick_log")
    common.flash(_("Logged: {action}, {day} — kept private. Change who sees it on "
                   "*Log actions*.").format(action=common.quoted(saved.description),
                                            day=days.day_short(tr, saved.done_on)))
    common.show_flash(flash_slot)


# The quick log first: on a phone it is what a member came for, one screen from the link.
st.header(_("Quick log"))
early = common.EarlySave()
token = common.form_token("quick_log")
save_quick_log(f"quick_log_{token}", token, early)
token = common.form_token("quick_log")  # a new token after each save gives an empty form
with st.form(f"quick_log_{token}"):
    st.text_area(_("What did you do?"), max_chars=2000, key=f"quick_log_{token}_what",
                 placeholder=_("e.g. Listened at the community group's meeting "
                               "without offering solutions"))
    # Pills: one tap each, big enough for a thumb, all eight in view (a menu took two
    # taps per choice and hid the others).
    st.pills(
        _("Responsibilities practised"), [r.number for r in RESPONSIBILITIES],
        selection_mode="multi", format_func=lambda n: tables.responsibility_label(n, tr),
        key=f"quick_log_{token}_picked",
        help=_("One or more of the eight. Their full wording is on *About the practice*."))
    # Days as people read them ("Today — Fri 27 Nov 2026"), as on Log actions.
    st.selectbox(_("When"), recent_days(today, weeks=2), key=f"quick_log_{token}_when",
                 format_func=lambda d: days.day_relative(tr, d, today))
    st.form_submit_button(_("Log it"), type="primary",
                          key=common.submit_key(f"quick_log_{token}"))
early.say()

member_forms.away_switch(db, me, monday, today)

# This week's practice question, answered here (all five are on *Reflect*).
question = handout.practice_question(tr, nudges.practice_question_for(monday).number)
prior = {r.question: r for r in journal.my_reflections(db, me, monday)}.get(question.number)
st.header(_("This week's question"))
with st.form(f"week_question_{monday}"):
    answer = st.text_area(f"{question.title}: {question.text}",
                          value=prior.answer if prior else "", max_chars=2000,
                          help=_("Private unless you share it on *Reflect*."))
    answered = st.form_submit_button(_("Save my answer"))
if answered:
    try:
        with common.save_failures_here():
            journal.save_reflection(db, me, ReflectionDraft(
                monday, {question.number: answer},
                prior.visibility if prior else "private"), today=today)
    except ValidationError as exc:
        common.show_validation(exc)
    else:
        kept = {r.question for r in journal.my_reflections(db, me, monday)}  # read back
        common.flash(_("Reflections saved. Your answer to “{question}” for the week of {day}."
                       ).format(question=question.title, day=days.day(tr, monday))
                     if question.number in kept else
                     _("Your answer to this week's question was removed."))
        st.rerun()

mine = my_weeks.my_weeks(db, me, today=today)
# The newest few: a phone's screen or two, and a page whose size does not grow with a week
# of many entries (every action drawn was sent, and kept by the session, on every visit).
THIS_WEEK_SHOWN = 10
this_week = journal.list_my_actions(db, me, since=monday, limit=THIS_WEEK_SHOWN)
away = monday in journal.away_weeks(db, me)

st.header(_("This week"))
if away:
    st.info(_("You marked this week as away. Take care — it does not count against you."))
if this_week:
    # A list, not a grid: it reads on a phone. The words as typed (never Markdown).
    for row in tables.actions_frame(this_week, tr).itertuples(index=False):
        with st.container(key=f"this_week_action_{row.id}", gap="small"):
            st.text(f"{row.Date} · {row[2]}")
            st.caption(f"{row.Responsibilities} · {row[6]}")
    if mine.this_week_actions > len(this_week):
        st.caption(tr.ngettext(
            "The newest {shown} of this week's {count} action are shown here. *Log actions* "
            "→ *My recent actions* lists more.",
            "The newest {shown} of this week's {count} actions are shown here. *Log actions* "
            "→ *My recent actions* lists more.", mine.this_week_actions).format(
                shown=len(this_week), count=formatting.format_number(tr, mine.this_week_actions)))
else:
    st.info(_("Nothing logged yet this week. Use the quick log above, or *Log actions* "
              "to catch up on several at once."))

st.header(_("Next steps due"))
plan = plans.get_plan(db, me)
if plan is None:
    st.info(_("You have not written your action plan yet. Start it on *My plan*."))
elif not any(i.kind == "next_step" and i.done_on is None for i in plan.items):
    st.success(_("No open next steps. Add your next steps on *My plan*."))
else:
    member_forms.next_step_cards(db, me, plan, today, where="my_week")

col1, col2, col3 = st.columns(3)
col1.metric(mine.label_in(tr), mine.display_in(tr),
            help=_("Complete weeks (Monday to Sunday, since the programme began) with at "
                   "least one logged action. Weeks you marked away are not counted. This week "
                   "is not over yet, so it is shown apart."))
col2.metric(_("Current run"), formatting.count_weeks(tr, mine.run),
            help=_("Consecutive weeks with an action, up to this one. Away weeks do not break "
                   "it, and this week does not break it while it is still under way."))
col3.metric(_("This week so far"), formatting.count_actions(tr, mine.this_week_actions),
            help=_("Since {day}; the week is not over yet.").format(
                day=days.day_short(tr, monday)))
st.caption(_("These numbers are yours alone: nobody is ranked, and no one else sees them."))

# Each partner's shared actions this week, with a check-in box (none: nothing).
from allyship.ui import peer_sections  # noqa: E402 — beside its one use: a small, additive edit

peer_sections.partner_check_ins(db, me, today)
