"""Team progress: how the team and the chapter practise over time, for leads and admins."""

from datetime import date, timedelta

import streamlit as st

from allyship import access, charts, metrics, ui
from allyship.models import ValidationError
from allyship.tables import escape_md

me = ui.require_screen("team_progress")
today = date.today()

st.title("Team progress")
st.caption("How steadily your team and the chapter practise the eight responsibilities, "
           "week by week. Group figures only — nobody is ranked, and private entries stay "
           "private (they count here anonymously).")

# --- filters ------------------------------------------------------------------------
teams = ui.cached(metrics.team_choices, me, me.chapter_id)
team_names = {t.id: t.name for t in teams}
team_options: list[int | None] = [None, *team_names]
col_team, col_group, col_period = st.columns(3)
team_id = col_team.selectbox(
    "Team", team_options, key="tp_team",
    format_func=lambda t: metrics.WHOLE_CHAPTER if t is None else team_names[t],
    help="Team leads see their own team and the whole chapter; admins any team.")
groups = ui.cached(metrics.focus_group_choices, me, me.chapter_id, team_id)
focus_group = col_group.selectbox(
    "Group to be in allyship with", [None, *groups], key=f"tp_focus_{team_id}",
    format_func=lambda g: "All groups" if g is None else g,
    help=f"From members' action plans. Only groups with at least {metrics.MIN_GROUP} "
         "members are offered, so nobody is singled out.")
period_name = col_period.selectbox("Period", [*metrics.PERIOD_CHOICES, "Custom dates"],
                                   index=1, key="tp_period")
if period_name == "Custom dates":
    col_from, col_to = st.columns(2)
    start = col_from.date_input("From", value=today - timedelta(weeks=11), max_value=today,
                                key="tp_from")
    end = col_to.date_input("To", value=today, max_value=today, key="tp_to")
    try:
        period = metrics.Period.between(start, end)
    except ValidationError as exc:
        ui.show_validation(exc, "Choose other dates:")
        st.stop()
else:
    period = metrics.Period.last_weeks(metrics.PERIOD_CHOICES[period_name], today)

scope = metrics.Scope(me.chapter_id, team_id, focus_group)
try:
    frames = ui.cached(metrics.team_progress, me, scope, period, today=today)
except access.PermissionDenied as exc:
    ui.show_denied(exc)
    st.stop()

st.caption(f"**{escape_md(frames.scope_label)}**, {period.label}: {frames.members} active members. "
           + metrics.comparison_note(period, frames.headlines))

if frames.members == 0:
    st.info("There are no active members here yet. A chapter admin adds members and teams "
            "on the *Admin* page; their progress appears here once they log actions.",
            icon=":material/group_add:")
    st.stop()

# --- headline numbers ---------------------------------------------------------------
for row in (frames.headlines[:3], frames.headlines[3:]):
    for col, h in zip(st.columns(len(row)), row):
        col.metric(h.label, h.display, h.delta_display, help=h.help, border=True,
                   delta_color="inverse" if h.lower_is_better else "normal")

# --- charts -------------------------------------------------------------------------
if frames.actions == 0:
    st.info("No actions have been logged here in this period yet, so there is nothing to "
            "chart. Members log what they did on *Log actions* (or the quick log on "
            "*My week*); try a longer period, or encourage your team to log their first "
            "action this week.", icon=":material/insights:")
else:
    part = frames.headline("participation")
    st.altair_chart(charts.participation_chart(frames.participation), width="stretch",
                    alt="Line chart of the weekly share of members who logged an action")
    st.caption(f"Each dot is one week: the share of active members (not away that week) who "
               f"logged at least one action. The line smooths it over 4 weeks. Over the "
               f"whole period, participation was {part.display}.")

    st.altair_chart(charts.coverage_heatmap(frames.responsibilities), width="stretch",
                    alt="Heat map of actions per responsibility and week")
    practised = frames.headline("coverage")
    st.caption(f"Which of the eight responsibilities were practised, week by week. "
               f"{practised.display} of 8 were practised at least once in this period; "
               "pale squares are weeks nobody practised that responsibility. Hover a square "
               "for the handout's words.")

    st.altair_chart(charts.responsibility_actions_chart(frames.responsibilities),
                    width="stretch", alt="Stacked bar chart of actions per week by responsibility")
    st.caption("How many actions were logged each week, coloured by the responsibility they "
               "practised. Consistency matters more than volume: a steady height beats a spike.")

    left, right = st.columns(2)
    with left:
        st.altair_chart(charts.consistency_histogram(frames.consistency), width="stretch",
                        alt="Bar chart of members by number of weeks active")
        steady = frames.steadiness
        st.caption(f"How many members showed up in how many weeks of the period (no names). "
                   f"{steady.steady} of {steady.counted} members were active in at least 3 "
                   "of the last 4 weeks (weeks marked away left out).")
    with right:
        st.altair_chart(charts.minutes_chart(frames.minutes), width="stretch",
                        alt="Line chart of minutes invested per week")
        st.caption(f"Time members recorded on their actions each week (optional, so this "
                   f"undercounts): {frames.headline('minutes').display} in the period.")

st.altair_chart(charts.follow_through_chart(frames.follow_through), width="stretch",
                alt="Bar chart of plan next steps done, open and overdue per group")
total = frames.follow_through[frames.follow_through["is_total"]].iloc[0]
st.caption(f"Next steps from members' action plans: done in the period, still open, and "
           f"overdue on {period.as_of(today):%d %b %Y}. {total['plans']} of "
           f"{total['members']} members have a plan; {total['revised_90_days']} revised it in "
           "the last 90 days.")

# --- who are we leaving behind? ------------------------------------------------------
st.header("Who are we leaving behind?")
st.caption("The handout's question for every progress view: what is under-practised, "
           "where participation is slipping, and who might welcome a check-in.")

st.subheader("Least-practised responsibilities")
if frames.actions == 0:
    st.write("Nothing logged in this period yet.")
else:
    for r in frames.least_practised.itertuples(index=False):
        st.markdown(f"- **{r.label}** — {r.actions} action{'s' if r.actions != 1 else ''} "
                    f"in the period  \n  *{r.full_text}*")

st.subheader("Teams with falling participation")
if frames.falling_teams.empty:
    st.write(f"No team you can see fell by {metrics.FALLING_BY * 100:.0f} percentage points "
             "or more against the previous period.")
else:
    for t in frames.falling_teams.itertuples(index=False):
        st.markdown(f"- **{escape_md(t.team)}**: {t.share_now:.0%} of members took part each week, "
                    f"down from {t.share_before:.0%}.")

overdue = frames.headline("overdue")
if overdue.value:
    st.write(f"{overdue.display} next steps are overdue — a good moment to ask what is "
             "in the way, or to revise the plan together.")

st.subheader("Gone quiet on your team")
if frames.quiet_members is None:
    st.caption("Each team's own lead sees which of their members have gone quiet, for a "
               "gentle check-in. Admins and other teams do not.")
elif frames.quiet_members.empty:
    st.success(f"Everyone on your team has logged an action, or marked a week away, in the "
               f"last {metrics.QUIET_WEEKS + 1} weeks.", icon=":material/check_circle:")
else:
    st.caption(f"Members of your team with no action logged this week or the "
               f"{metrics.QUIET_WEEKS} weeks before (and no week marked away). Sorted by "
               "name, not by activity: this is for a kind check-in, not a ranking.")
    st.dataframe(
        frames.quiet_members.rename(columns={"name": "Name", "email": "Email",
                                             "last_week": "Last logged (week of)"}),
        hide_index=True,
        column_config={"Last logged (week of)": st.column_config.DateColumn(
            format="D MMM YYYY", help="Empty if they have not logged anything yet")})
