"""Chapter report: a period's figures for the meeting — read here, download, print."""

from datetime import date, timedelta
from functools import partial

import streamlit as st

from allyship.core import access
from allyship.core.dates import GRID_FORMAT, format_day
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.metrics import disclosure, scopes
from allyship.people import roster
from allyship.reports import chapter_report, presets, renderer
from allyship.ui import common
from allyship.ui.chart_display import show_chart

me = common.require_screen("chapter_report")
today = date.today()

st.title("Chapter report")
st.caption("A report for a chosen period, to show at the meeting and send round: first "
           "the meeting (headline figures against the previous period, participation, who we "
           "may be leaving behind, the practice questions), then the detail (responsibilities, "
           "next steps, each team, week by week, what members shared with the chapter). Group "
           "figures only; private entries never appear.")

# --- what to report on ----------------------------------------------------------------
teams = common.cached(scopes.team_choices, me, me.chapter_id)
team_names = {t.id: t.name for t in teams}
team_options = common.cached(scopes.scope_choices, me, me.chapter_id)
if not team_options:
    st.info(f"There is nothing to report yet: every figure covers at least "
            f"{disclosure.MIN_OTHERS} members besides you, so that nobody is singled out. A "
            "chapter admin adds members on the *Admin* page.", icon=":material/group_add:")
    st.stop()
started_on = roster.get_chapter(common.get_db(), me.chapter_id).started_on
default = presets.default_preset(started_on, today)
col_period, col_team = st.columns(2)
# The period, team and dates live in the address, so a report can be bookmarked or sent
# to a co-lead (a value there that is not one of this viewer's choices gives the default).
preset = col_period.selectbox("Period", presets.PERIOD_PRESETS,
                              index=presets.PERIOD_PRESETS.index(default), key="cr_period",
                              bind="query-params",
                              help="Calendar month or quarter before this one, the weeks since "
                                   "the programme began, or your own dates. Figures cover the "
                                   "whole weeks (Monday–Sunday) containing them.")
# The whole chapter is offered as 0, not None (no team has id 0): a selectbox seeded from
# the address with a None option drew an empty box.
WHOLE = 0
chosen_team = col_team.selectbox(
    "Team", [WHOLE if t is None else t for t in team_options], key="cr_team",
    bind="query-params",
    format_func=lambda t: scopes.WHOLE_CHAPTER if t == WHOLE else team_names[t],
    help="Team leads report on the whole chapter or their own team; admins on any team. A "
         f"team with fewer than {disclosure.MIN_OTHERS} members besides you is not offered.")
team_id = None if chosen_team == WHOLE else chosen_team
if preset == "Custom dates":
    col_from, col_to = st.columns(2)
    start = col_from.date_input("From", value=max(today - timedelta(weeks=12), started_on),
                                max_value=today, key="cr_from", bind="query-params")
    end = col_to.date_input("To", value=today, key="cr_to", bind="query-params")
else:
    start, end = presets.preset_dates(preset, today, started_on)

try:
    with st.spinner("Building the report…"):
        rep = common.cached(chapter_report.assemble, me, start=start, end=end, team_id=team_id,
                            today=today)
except ValidationError as exc:
    common.show_validation(exc, "Choose other dates:")
    st.stop()
except access.PermissionDenied as exc:
    common.show_denied(exc)
    st.stop()

# Team progress may open on another period: each screen names the one it shows.
st.caption(f"Period shown: **{preset}**, {rep.comparison.now.label}. "
           f"**{inert(rep.scope_label)}**: {rep.members:,} active member"
           f"{'s' if rep.members != 1 else ''}. {rep.comparison.note}")

if rep.members == 0:
    st.info("There are no active members here yet, so the report has no figures. A chapter "
            "admin adds members and teams on the *Admin* page.", icon=":material/group_add:")
    st.stop()
if rep.empty:
    first = rep.comparison.now.started
    st.info("This period holds no complete week of the programme yet, so there is nothing to "
            f"download yet. The programme began on {format_day(first)}; the first week's report "
            "is ready once that week's Sunday has passed — or choose other dates.",
            icon=":material/event_upcoming:")
    st.stop()

# --- downloads ----------------------------------------------------------------------------
DOWNLOADS = {
    "html": ("Download HTML (print, opens offline)", ":material/print:"),
    "md": ("Download Markdown", ":material/description:"),
    "csv": ("Download CSV figures", ":material/table:"),
}
for col, (fmt, (label, icon)) in zip(st.columns(len(DOWNLOADS)), DOWNLOADS.items()):
    # Built only when clicked (the HTML draws its charts offline, which takes a moment).
    col.download_button(label, data=partial(chapter_report.render, rep, fmt),
                        file_name=chapter_report.file_name(rep, fmt), mime=renderer.FORMATS[fmt][1],
                        icon=icon, on_click="ignore", key=f"cr_download_{fmt}")

# --- headline figures -----------------------------------------------------------------------
st.header("Headline figures")
for row in (rep.headlines[:3], rep.headlines[3:]):
    for col, h in zip(st.columns(len(row)), row):
        col.metric(h.label, h.display, h.delta_display, help=h.help, border=True,
                   **h.delta_style)

# --- the meeting: participation, who we may be leaving behind, the questions ------------
views = chapter_report.chart_views(rep)
st.header("Participation")
if not views:
    st.info(chapter_report.no_charts_reason(rep), icon=":material/insights:")
for n, (chart, _kind, frame, caption) in enumerate(views[:1]):
    show_chart(chart, frame, caption, key=f"cr_{n}")

st.header("Who are we leaving behind?")
st.markdown("\n".join(f"- {inert(point)}" for point in chapter_report.leaving_behind(rep)))

st.header("For the meeting: the practice questions")
st.markdown("\n".join(f"{q.number}. **{q.title}.** {q.text}" for q in rep.practice_questions))

# --- the detail --------------------------------------------------------------------------------
st.header("Responsibilities and next steps")
for n, (chart, _kind, frame, caption) in enumerate(views[1:], start=1):
    show_chart(chart, frame, caption, key=f"cr_{n}")

st.header("Teams")
st.dataframe(rep.teams.drop(columns="is_total").rename(columns=chapter_report.TEAM_COLUMNS),
             hide_index=True)
st.caption(f"Next steps done in the period, overdue on its last day, and due in the coming "
           f"weeks ({chapter_report.ahead_words(rep)}) — counts only, no names: plans are "
           "personal.")

st.header("Week by week")
week_columns = chapter_report.WEEK_COLUMNS
st.dataframe(rep.weeks.rename(columns=week_columns), hide_index=True,
             column_config={
                 week_columns["share"]: st.column_config.NumberColumn(format="percent"),
                 week_columns["week"]: st.column_config.DateColumn(format=GRID_FORMAT),
             })

st.header("Highlights shared with the chapter")
if not rep.highlights:
    st.write("Nobody shared an action with the whole chapter in this period.")
for h in rep.highlights:
    with st.container(border=True):
        who = h.member + (f" ({h.team})" if h.team else "")
        st.caption(f"{format_day(h.done_on)} · {inert(who)} · {h.kind} · "
                   f"{'; '.join(h.responsibilities)}")
        st.text(h.description)  # as typed: never rendered as Markdown or HTML
if rep.more_highlights:
    n_more = rep.more_highlights
    st.caption(f"…and {n_more:,} more shared action{'s' if n_more != 1 else ''}.")

st.divider()
for note in chapter_report.notes(rep):
    st.caption(note)
