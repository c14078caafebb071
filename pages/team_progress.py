"""Team progress: how the team and the chapter practise over time, for leads and admins."""

from datetime import date

import streamlit as st

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.metrics import chapter_figures, disclosure, overview, scopes
from allyship.metrics.periods import (
    MIN_CHART_WEEKS,
    QUIET_WEEKS,
    Period,
    period_options,
)
from allyship.ui import common
from allyship.ui.chart_display import arrow_table, mailto, show_chart

me = common.require_screen("team_progress")
today = date.today()

st.title("Team progress")
st.caption("How steadily your team and the chapter practise the eight responsibilities, "
           "week by week. Group figures only — nobody is ranked, private entries count "
           f"anonymously, and every figure covers at least {disclosure.MIN_OTHERS} people "
           "besides you.")

# --- filters ------------------------------------------------------------------------
teams = common.cached(scopes.team_choices, me, me.chapter_id)
team_names = {t.id: t.name for t in teams}
team_options = common.cached(scopes.scope_choices, me, me.chapter_id)  # a lead's team first
if not team_options:
    st.info(f"There are no figures to show yet: every figure here covers at least "
            f"{disclosure.MIN_OTHERS} members besides you, so that nobody is singled out. A "
            "chapter admin adds members on the *Admin* page.", icon=":material/group_add:")
    st.stop()
periods, default_period = common.cached(period_options, me.chapter_id, today)
# Columns, not a wrapping row: on a phone they stack at full width, so a long team name
# still fits its box (a row wrapped two narrow boxes side by side at 320-390 px).
col_team, col_group, col_period = st.columns(3)
# The team, period (or dates) and chart tab live in the address, so a view can be
# bookmarked or sent to a co-lead; a value there that is not one of this viewer's choices
# is dropped by Streamlit and the default shown instead.
# The whole chapter is offered as 0, not None (no team has id 0): a selectbox seeded from
# the address with a None option drew an empty box, though it had chosen it.
WHOLE = 0
chosen_team = col_team.selectbox(
    "Team", [WHOLE if t is None else t for t in team_options], key="tp_team",
    bind="query-params",
    format_func=lambda t: scopes.WHOLE_CHAPTER if t == WHOLE else team_names[t],
    help="Team leads see their own team and the whole chapter; admins any team. A team "
         f"with fewer than {disclosure.MIN_OTHERS} members besides you is not offered.")
team_id = None if chosen_team == WHOLE else chosen_team
groups = common.cached(scopes.focus_group_choices, me, me.chapter_id, team_id)
focus_group = col_group.selectbox(
    "Group to be in allyship with", [None, *groups], key=f"tp_focus_{team_id}",
    format_func=lambda g: "All groups" if g is None else g,
    help=f"From members' action plans. A group is offered only when it, and everyone "
         f"else here, each have at least {disclosure.MIN_OTHERS} members besides you.")
names = [*periods, "Custom dates"]
period_name = col_period.selectbox("Period", names, index=names.index(default_period),
                                   key="tp_period", bind="query-params",
                                   help="Whole weeks, Monday to Sunday. The current week is "
                                        "not over, so it is shown apart, as this week so far.")
if period_name == "Custom dates":
    col_from, col_to = st.columns(2)
    suggested = periods[default_period]
    start = col_from.date_input("From", value=suggested.start, max_value=today, key="tp_from",
                               bind="query-params")
    end = col_to.date_input("To", value=min(suggested.end, today), max_value=today,
                            key="tp_to", bind="query-params")
    try:
        period = Period.between(start, end)
    except ValidationError as exc:
        common.show_validation(exc, "Choose other dates:")
        st.stop()
else:
    period = periods[period_name]

scope = scopes.Scope(me.chapter_id, team_id, focus_group)
try:
    frames = common.cached(overview.team_progress, me, scope, period, today=today)
except access.PermissionDenied as exc:
    common.show_denied(exc)
    st.stop()

# The Chapter report may open on another period: each screen names the one it shows.
st.caption(f"Period shown: **{period_name}**, {frames.weeks.label}. "
           f"**{inert(frames.scope_label)}**: {frames.members} active members. {frames.note}")

# --- headline numbers (deltas only between comparable periods) ------------------------
# Rows of three in wrapping horizontal containers, not st.columns: the same look on a
# wide screen (on a phone they pair up, then stack below ~340 px), and two blocks for
# the browser instead of eight (every element a page sends costs the server's event
# loop and the websocket a message).
for i, row in enumerate((frames.headlines[:3], frames.headlines[3:])):
    with st.container(horizontal=True, key=f"tp_headlines_{i}"):
        for h in row:
            st.metric(h.label, h.display, h.delta_display, help=h.help, border=True,
                      **h.delta_style)
if frames.this_week is not None:
    st.caption(frames.this_week.words)

# --- the lead's own team first: who has gone quiet ---------------------------------------
if frames.quiet is not None:
    st.header("Gone quiet on your team")
    if not frames.quiet.n_rows:
        st.success(f"Everyone on your team has logged an action, or marked a week away, in "
                   f"the last {QUIET_WEEKS + 1} weeks.", icon=":material/check_circle:")
    else:
        st.caption(f"Members of your team with no action logged this week or the "
                   f"{QUIET_WEEKS} weeks before (and no week marked away). Sorted by "
                   "name, not by activity: this is for a kind check-in, not a ranking.")
        quiet = frames.quiet
        # Sent as Arrow from the plain columns: reshaping a frame of a few rows in pandas
        # cost more than the rest of this part of the page.
        st.dataframe(
            arrow_table({"Name": quiet["name"], "Email": [mailto(e) for e in quiet["email"]],
                         "Last logged (week of)": quiet["last_week"]}),
            hide_index=True,
            column_config={
                "Email": st.column_config.LinkColumn(display_text=r"mailto:(.*)",
                                                     help="Opens your email to write to them"),
                "Last logged (week of)": st.column_config.DateColumn(
                    format="ddd D MMM YYYY", help="Empty if they have not logged anything yet")})

# --- charts -------------------------------------------------------------------------
CHART_TABS = ["Participation", "Responsibilities", "Members and time", "Next steps"]


def participation_tab() -> None:
    part = frames.headline("participation")
    show_chart("participation", frames.columns["participation"],
               f"Each point is one week: the share of active members (not away that week) "
               f"who logged at least one action; the line is the 4-week average. Over the "
               f"period's complete weeks, participation was {part.display}.", key="part")


def responsibilities_tab() -> None:
    practised = frames.headline("coverage")
    show_chart("coverage", frames.columns["responsibilities"],
               f"Which of the eight responsibilities were practised, week by week: "
               f"{practised.display} of 8 at least once in this period. Grey squares are "
               "weeks nobody practised that responsibility; darker blue means more actions.",
               key="coverage")
    show_chart("responsibility_actions", frames.columns["responsibilities"],
               f"{frames.headline('actions').display} actions were logged in the period, "
               "stacked by the responsibility they practised. Consistency matters more than "
               "volume: a steady height beats a spike.", key="stacked")


def members_tab() -> None:
    left, right = st.columns(2)
    with left:
        steady = frames.steadiness
        show_chart("consistency", frames.columns["consistency"],
                   f"How many members showed up in how many weeks of the period (no names). "
                   f"{steady.steady} of {steady.counted} members were active in at least 3 "
                   "of the last 4 complete weeks (weeks marked away left out).",
                   key="consistency")
    with right:
        show_chart("minutes", frames.columns["minutes"],
                   f"Time members recorded on their actions each week, in hours (optional, "
                   f"so this undercounts): {frames.headline('minutes').display} in the "
                   "period.", key="minutes")


def next_steps_tab() -> None:
    total = frames.follow_through_total()
    show_chart("follow_through", frames.columns["follow_through"],
               f"Next steps from members' action plans: {total['done']} done in the period, "
               f"{total['open']} still open and {total['overdue']} overdue on "
               f"{period.as_of(today):%a %-d %b %Y}. {total['plans']} of {total['members']} "
               f"members have a plan; {total['revised_90_days']} revised it in the last 90 "
               "days.", key="follow")


if frames.members == 0:
    st.info("There are no active members here yet. A chapter admin adds members and teams "
            "on the *Admin* page; their progress appears here once they log actions.",
            icon=":material/group_add:")
    st.stop()
if not frames.weeks.enough_for_charts:
    done = len(frames.weeks.complete)
    st.info(f"Charts appear once there are {MIN_CHART_WEEKS} complete weeks to "
            f"compare — this period has {done} complete week{'s' if done != 1 else ''} of the "
            f"programme (it began {frames.weeks.started:%a %-d %b %Y}). Until then, the "
            "figures above and *this week so far* tell the story; choose a longer period, "
            "or encourage your team to log this week.", icon=":material/insights:")
    next_steps_tab()
elif frames.actions == 0:
    st.info("No actions have been logged here in this period yet, so there is nothing to "
            "chart. Members log what they did on *Log actions* (or the quick log on "
            "*My week*); try a longer period, or encourage your team to log their first "
            "action this week.", icon=":material/insights:")
    next_steps_tab()
else:
    # One tab drawn at a time: a hidden tab's charts are neither computed nor sent, so
    # the browser draws one or two charts a view and a phone scrolls a short page.
    tabs = st.tabs(CHART_TABS, key="tp_tab", bind="query-params")
    for tab, draw in zip(tabs, (participation_tab, responsibilities_tab, members_tab,
                                next_steps_tab)):
        if tab.open:
            with tab:
                draw()

# --- who are we leaving behind? ------------------------------------------------------
st.header("Who are we leaving behind?")
st.caption("The handout's question for every progress view: what is under-practised, "
           "where participation is slipping, and who might welcome a check-in.")

# Each part's heading and its words in one element (a heading, then one list of n items).
LEAST = "### Least-practised responsibilities\n\n"
if frames.actions == 0:
    st.markdown(LEAST + "Nothing logged in this period yet.")
else:
    st.markdown(LEAST + "\n".join(
        f"- **{r['label']}** — {r['actions']} action{'s' if r['actions'] != 1 else ''} "
        f"in the period  \n  *{r['full_text']}*"
        for r in frames.columns["least_practised"].rows()))

FALLING = "### Teams with falling participation\n\n"
if not frames.comparison.comparable:
    st.markdown(FALLING + f"Not compared: {frames.comparison.reason}.")
elif not frames.columns["falling_teams"].n_rows:
    st.markdown(FALLING + f"No team you can see fell by {chapter_figures.FALLING_BY * 100:.0f} "
                          "percentage points or more against the previous period.")
else:
    st.markdown(FALLING + "\n".join(
        f"- **{inert(t['team'])}**: {t['share_now']:.0%} of members took part each "
        f"week, down from {t['share_before']:.0%}."
        for t in frames.columns["falling_teams"].rows()))

overdue = frames.headline("overdue")
if overdue.value:
    st.write(f"{overdue.display} next steps are overdue — a good moment to ask what is "
             "in the way, or to revise the plan together.")

if frames.quiet is None:
    st.caption("Each team's own lead sees which of their members have gone quiet, for a "
               "gentle check-in. Admins and other teams do not.")
