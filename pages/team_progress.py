"""Team progress: how the team and the chapter practise over time, for leads and admins."""

from datetime import date

import streamlit as st

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.charts.chart_words import group_name
from allyship.core.safe_text import inert, verbatim
from allyship.i18n import N_, formatting, handout, translate
from allyship.metrics import chapter_figures, disclosure, overview, scopes
from allyship.metrics.periods import (
    MIN_CHART_WEEKS,
    QUIET_WEEKS,
    Period,
    period_name,
    period_options,
)
from allyship.ui import common, language
from allyship.ui.chart_display import show_chart

me = common.require_screen("team_progress")
today = date.today()
tr = language.translator()
_ = tr.gettext
MIN_OTHERS = disclosure.MIN_OTHERS

st.title(_("Team progress"))
st.caption(_("How steadily your team and the chapter practise the eight responsibilities, "
             "week by week. Group figures only — nobody is ranked, private entries count "
             "anonymously, and every figure covers at least {min} people besides you."
             ).format(min=MIN_OTHERS))

# --- filters ------------------------------------------------------------------------
teams = common.cached(scopes.team_choices, me, me.chapter_id)
team_names = {t.id: t.name for t in teams}
team_options = common.cached(scopes.scope_choices, me, me.chapter_id)  # a lead's team first
if not team_options:
    st.info(_("There are no figures to show yet: every figure here covers at least {min} "
              "members besides you, so that nobody is singled out. A chapter admin adds "
              "members on the *Admin* page.").format(min=MIN_OTHERS),
            icon=":material/group_add:")
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
    _("Team"), [WHOLE if t is None else t for t in team_options], key="tp_team",
    bind="query-params",
    format_func=lambda t: group_name(tr, scopes.WHOLE_CHAPTER) if t == WHOLE else team_names[t],
    help=_("Team leads see their own team and the whole chapter; admins any team. A team "
           "with fewer than {min} members besides you is not offered.").format(min=MIN_OTHERS))
team_id = None if chosen_team == WHOLE else chosen_team
groups = common.cached(scopes.focus_group_choices, me, me.chapter_id, team_id)
focus_group = col_group.selectbox(
    _("Group to be in allyship with"), [None, *groups], key=f"tp_focus_{team_id}",
    format_func=lambda g: _("All groups") if g is None else g,
    help=_("From members' action plans. A group is offered only when it, and everyone "
           "else here, each have at least {min} members besides you.").format(min=MIN_OTHERS))
# The choices' English names are their values in the address: a bookmark opens the same
# period in any language.
CUSTOM = N_("Custom dates")
names = [*periods, CUSTOM]
chosen_period = col_period.selectbox(
    _("Period"), names, index=names.index(default_period), key="tp_period",
    bind="query-params", format_func=lambda name: period_name(name, tr),
    help=_("Whole weeks, Monday to Sunday. The current week is not over, so it is shown "
           "apart, as this week so far."))
if chosen_period == CUSTOM:
    col_from, col_to = st.columns(2)
    suggested = periods[default_period]
    start = col_from.date_input(_("From"), value=suggested.start, max_value=today,
                                key="tp_from", bind="query-params")
    end = col_to.date_input(_("To"), value=min(suggested.end, today), max_value=today,
                            key="tp_to", bind="query-params")
    try:
        period = Period.between(start, end)
    except ValidationError as exc:
        # The period's own refusals are Messages: shown in the session's language.
        common.show_validation(ValidationError({k: translate(tr, v)
                                                for k, v in exc.errors.items()}),
                               _("Choose other dates:"))
        st.stop()
else:
    period = periods[chosen_period]

scope = scopes.Scope(me.chapter_id, team_id, focus_group)
try:
    frames = common.cached(overview.team_progress, me, scope, period, today=today)
except access.PermissionDenied as exc:
    common.show_denied(exc)
    st.stop()

# The Chapter report may open on another period: each screen names the one it shows.
# The scope in words from its parts (the figures' label is English).
scope_words = group_name(tr, scopes.WHOLE_CHAPTER) if team_id is None else team_names[team_id]
if focus_group:
    scope_words = f"{scope_words} · {focus_group}"
st.caption(tr.ngettext(
    "Period shown: **{period}**, {dates}. **{scope}**: {count} active members. {note}",
    "Period shown: **{period}**, {dates}. **{scope}**: {count} active members. {note}",
    frames.members).format(period=period_name(chosen_period, tr),
                           dates=frames.weeks.label_in(tr), scope=inert(scope_words),
                           count=frames.members, note=frames.comparison.note_in(tr)))

# --- headline numbers (deltas only between comparable periods) ------------------------
# Rows of three in wrapping horizontal containers, not st.columns: the same look on a
# wide screen (on a phone they pair up, then stack below ~340 px), and two blocks for
# the browser instead of eight (every element a page sends costs the server's event
# loop and the websocket a message).
for i, row in enumerate((frames.headlines[:3], frames.headlines[3:])):
    with st.container(horizontal=True, key=f"tp_headlines_{i}"):
        for h in row:
            st.metric(**h.shown(tr), border=True)
if frames.this_week is not None:
    st.caption(frames.this_week.words_in(tr))

# --- the lead's own team first: who has gone quiet ---------------------------------------
if frames.quiet is not None:
    st.header(_("Gone quiet on your team"))
    if not frames.quiet.n_rows:
        st.success(_("Everyone on your team has logged an action, or marked a week away, in "
                     "the last {count} weeks.").format(count=QUIET_WEEKS + 1),
                   icon=":material/check_circle:")
    else:
        st.caption(_("Members of your team with no action logged this week or the {count} "
                     "weeks before (and no week marked away). Sorted by name, not by "
                     "activity: this is for a kind check-in, not a ranking."
                     ).format(count=QUIET_WEEKS))
        quiet = frames.quiet
        last_col = _("Last logged (week of)")
        # A static table: it stays sorted by name (a grid can be sorted by any column,
        # activity included), and a lead's first view loads no grid script. Addresses
        # are text to copy, not links: no page links outside the app.
        st.table({_("Name"): [inert(name) for name in quiet["name"]],
                  _("Email"): [verbatim(e) for e in quiet["email"]],
                  last_col: ["" if w is None else formatting.format_day(tr, w)
                             for w in quiet["last_week"]]}, hide_index=True)
        if any(w is None for w in quiet["last_week"]):
            st.caption(_("An empty “{column}” means they have not logged anything yet."
                         ).format(column=last_col))

# --- charts -------------------------------------------------------------------------
CHART_TABS = [N_("Participation"), N_("Responsibilities"), N_("Members and time"),
              N_("Next steps")]


def shown_value(key: str) -> str:
    """A headline figure as the page shows it, in the session's language."""
    h = frames.headline(key)
    return h.value_in(tr, h.value)


def participation_tab() -> None:
    show_chart("participation", frames.columns["participation"],
               _("Each point is one week: the share of active members (not away that week) "
                 "who logged at least one action; the line is the 4-week average. Over the "
                 "period's complete weeks, participation was {share}."
                 ).format(share=shown_value("participation")), key="part")


def responsibilities_tab() -> None:
    show_chart("coverage", frames.columns["responsibilities"],
               _("Which of the eight responsibilities were practised, week by week: "
                 "{practised} of 8 at least once in this period. Grey squares are weeks "
                 "nobody practised that responsibility; darker blue means more actions."
                 ).format(practised=shown_value("coverage")), key="coverage")
    show_chart("responsibility_actions", frames.columns["responsibilities"],
               tr.ngettext("{count} actions were logged in the period, stacked by the "
                           "responsibility they practised. Consistency matters more than "
                           "volume: a steady height beats a spike.",
                           "{count} actions were logged in the period, stacked by the "
                           "responsibility they practised. Consistency matters more than "
                           "volume: a steady height beats a spike.",
                           frames.actions).format(count=shown_value("actions")),
               key="stacked")


def members_tab() -> None:
    left, right = st.columns(2)
    with left:
        steady = frames.steadiness
        show_chart("consistency", frames.columns["consistency"],
                   _("How many members showed up in how many weeks of the period (no names). "
                     "{steady} of {counted} members were active in at least 3 of the last 4 "
                     "complete weeks (weeks marked away left out)."
                     ).format(steady=steady.steady, counted=steady.counted),
                   key="consistency")
    with right:
        show_chart("minutes", frames.columns["minutes"],
                   _("Time members recorded on their actions each week, in hours (optional, "
                     "so this undercounts): {time} in the period."
                     ).format(time=shown_value("minutes")), key="minutes")


def next_steps_tab() -> None:
    total = frames.follow_through_total()
    show_chart("follow_through", frames.columns["follow_through"],
               _("Next steps from members' action plans: {done} done in the period, {open} "
                 "still open and {overdue} overdue on {day}. {plans} of {members} members "
                 "have a plan; {revised} revised it in the last 90 days."
                 ).format(done=total["done"], open=total["open"], overdue=total["overdue"],
                          day=formatting.format_day(tr, period.as_of(today)),
                          plans=total["plans"], members=total["members"],
                          revised=total["revised_90_days"]), key="follow")


@st.fragment
def chart_tabs() -> None:
    """The charts in four tabs, one drawn at a time: a hidden tab's charts are neither
    computed nor sent, so the browser draws one or two charts a view and a phone scrolls
    a short page. Opening a tab (or a chart's table) reruns only this part: the figures
    and the quiet list above stay as drawn instead of being sent and drawn again."""
    tabs = st.tabs([_(t) for t in CHART_TABS], key="tp_tab", bind="query-params")
    for tab, draw in zip(tabs, (participation_tab, responsibilities_tab, members_tab,
                                next_steps_tab)):
        if tab.open:
            with tab:
                draw()


if frames.members == 0:
    st.info(_("There are no active members here yet. A chapter admin adds members and teams "
              "on the *Admin* page; their progress appears here once they log actions."),
            icon=":material/group_add:")
    st.stop()
if not frames.weeks.enough_for_charts:
    done = len(frames.weeks.complete)
    st.info(tr.ngettext(
        "Charts appear once there are {needed} complete weeks to compare — this period has "
        "{count} complete week of the programme (it began {day}). Until then, the figures "
        "above and *this week so far* tell the story; choose a longer period, or encourage "
        "your team to log this week.",
        "Charts appear once there are {needed} complete weeks to compare — this period has "
        "{count} complete weeks of the programme (it began {day}). Until then, the figures "
        "above and *this week so far* tell the story; choose a longer period, or encourage "
        "your team to log this week.", done).format(
            needed=MIN_CHART_WEEKS, count=done,
            day=formatting.format_day(tr, frames.weeks.started)), icon=":material/insights:")
    next_steps_tab()
elif frames.actions == 0:
    st.info(_("No actions have been logged here in this period yet, so there is nothing to "
              "chart. Members log what they did on *Log actions* (or the quick log on "
              "*My week*); try a longer period, or encourage your team to log their first "
              "action this week."), icon=":material/insights:")
    next_steps_tab()
else:
    chart_tabs()

# --- who are we leaving behind? ------------------------------------------------------
st.header(_("Who are we leaving behind?"))
st.caption(_("The handout's question for every progress view: what is under-practised, "
             "where participation is slipping, and who might welcome a check-in."))


def least_practised(r: dict) -> str:
    """One under-practised responsibility: its label, actions and the handout's words."""
    shown = handout.responsibility(tr, r["responsibility"])
    actions = tr.ngettext("{count} action in the period", "{count} actions in the period",
                          r["actions"]).format(count=r["actions"])
    return f"- **{shown.label}** — {actions}  \n  *{shown.full_text}*"


def pct(share: float) -> str:
    return f"{share:.0%}" if tr.language == "en" else formatting.format_percent(tr, share)


# Each part's heading and its words in one element (a heading, then one list of n items).
LEAST = "### " + _("Least-practised responsibilities") + "\n\n"
if frames.actions == 0:
    st.markdown(LEAST + _("Nothing logged in this period yet."))
else:
    st.markdown(LEAST + "\n".join(
        least_practised(r) for r in frames.columns["least_practised"].rows()))

FALLING = "### " + _("Teams with falling participation") + "\n\n"
if not frames.comparison.comparable:
    st.markdown(FALLING + _("Not compared: {reason}.").format(
        reason=frames.comparison.reason_in(tr)))
elif not frames.columns["falling_teams"].n_rows:
    st.markdown(FALLING + _("No team you can see fell by {points} percentage points or more "
                            "against the previous period.").format(
        points=f"{chapter_figures.FALLING_BY * 100:.0f}"))
else:
    st.markdown(FALLING + "\n".join(
        "- " + _("**{team}**: {now} of members took part each week, down from {before}."
                 ).format(team=inert(group_name(tr, t["team"])), now=pct(t["share_now"]),
                          before=pct(t["share_before"]))
        for t in frames.columns["falling_teams"].rows()))

overdue = frames.headline("overdue")
if overdue.value:
    st.write(tr.ngettext("{count} next steps are overdue — a good moment to ask what is in "
                         "the way, or to revise the plan together.",
                         "{count} next steps are overdue — a good moment to ask what is in "
                         "the way, or to revise the plan together.",
                         int(overdue.value)).format(count=shown_value("overdue")))

if frames.quiet is None:
    st.caption(_("Each team's own lead sees which of their members have gone quiet, for a "
                 "gentle check-in. Admins and other teams do not."))
