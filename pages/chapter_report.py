"""Chapter report: a period's figures for the meeting — read here, download, print."""

from datetime import date, timedelta
from functools import partial

import streamlit as st

from allyship.core import access
from allyship.core.dates import GRID_FORMAT
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.i18n import SOURCE_LANGUAGE, handout, translate
from allyship.metrics import disclosure, scopes
from allyship.people import roster
from allyship.reports import chapter_report, chapter_words, presets, renderer, wording
from allyship.ui import common, language
from allyship.ui.chart_display import show_chart

me = common.require_screen("chapter_report")
today = date.today()
tr = language.translator()
_ = tr.gettext

st.title(_("Chapter report"))
st.caption(_("A report for a chosen period, to show at the meeting and send round: first the "
             "meeting (headline figures against the previous period, participation, who we "
             "may be leaving behind, the practice questions), then the detail "
             "(responsibilities, next steps, each team, week by week, what members shared "
             "with the chapter). Group figures only; private entries never appear."))

# --- what to report on ----------------------------------------------------------------
teams = common.cached(scopes.team_choices, me, me.chapter_id)
team_names = {t.id: t.name for t in teams}
team_options = common.cached(scopes.scope_choices, me, me.chapter_id)
if not team_options:
    st.info(_("There is nothing to report yet: every figure covers at least {minimum} members "
              "besides you, so that nobody is singled out. A chapter admin adds members on "
              "the *Admin* page.").format(minimum=disclosure.MIN_OTHERS),
            icon=":material/group_add:")
    st.stop()
started_on = roster.get_chapter(common.get_db(), me.chapter_id).started_on
default = presets.default_preset(started_on, today)
col_period, col_team = st.columns(2)
# The period, team, dates and report language live in the address, so a report can be
# bookmarked or sent to a co-lead (a value there that is not one of this viewer's choices
# gives the default). The presets are kept in English there, and shown translated.
preset = col_period.selectbox(_("Period"), presets.PERIOD_PRESETS,
                              index=presets.PERIOD_PRESETS.index(default), key="cr_period",
                              bind="query-params", format_func=_,
                              help=_("Calendar month or quarter before this one, the weeks "
                                     "since the programme began, or your own dates. Figures "
                                     "cover the whole weeks (Monday–Sunday) containing them."))
# The whole chapter is offered as 0, not None (no team has id 0): a selectbox seeded from
# the address with a None option drew an empty box.
WHOLE = 0
chosen_team = col_team.selectbox(
    _("Team"), [WHOLE if t is None else t for t in team_options], key="cr_team",
    bind="query-params",
    format_func=lambda t: _(scopes.WHOLE_CHAPTER) if t == WHOLE else team_names[t],
    help=_("Team leads report on the whole chapter or their own team; admins on any team. A "
           "team with fewer than {minimum} members besides you is not offered.").format(
        minimum=disclosure.MIN_OTHERS))
team_id = None if chosen_team == WHOLE else chosen_team
if preset == "Custom dates":
    col_from, col_to = st.columns(2)
    start = col_from.date_input(_("From"), value=max(today - timedelta(weeks=12), started_on),
                                max_value=today, key="cr_from", bind="query-params")
    end = col_to.date_input(_("To"), value=today, key="cr_to", bind="query-params")
else:
    start, end = presets.preset_dates(preset, today, started_on)

try:
    with st.spinner(_("Building the report…")):
        rep = common.cached(chapter_report.assemble, me, start=start, end=end, team_id=team_id,
                            today=today, language=tr.language)
except ValidationError as exc:
    common.show_validation(ValidationError({k: translate(tr, v) for k, v in exc.errors.items()}),
                           _("Choose other dates:"))
    st.stop()
except access.PermissionDenied as exc:
    common.show_denied(exc)
    st.stop()

# Team progress may open on another period: each screen names the one it shows.
st.caption(_("Period shown: **{period}**, {weeks}. **{scope}**: {members}. {comparison}").format(
    period=_(preset), weeks=wording.weeks_label(tr, rep.comparison.now),
    scope=inert(wording.group_label(tr, rep.scope_label)),
    members=chapter_words.members(tr, rep.members),
    comparison=wording.comparison_note(tr, rep.comparison)))

if rep.members == 0:
    st.info(_("There are no active members here yet, so the report has no figures. A chapter "
              "admin adds members and teams on the *Admin* page."), icon=":material/group_add:")
    st.stop()
if rep.empty:
    st.info(_("This period holds no complete week of the programme yet, so there is nothing "
              "to download yet. The programme began on {day}; the first week's report is "
              "ready once that week's Sunday has passed — or choose other dates.").format(
        day=wording.day(tr, rep.comparison.now.started)), icon=":material/event_upcoming:")
    st.stop()

# --- downloads ----------------------------------------------------------------------------
names = language.language_names()
codes = list(names)
report_language = st.selectbox(
    _("Report language"), codes, index=codes.index(tr.language) if tr.language in codes else 0,
    format_func=names.get, key="cr_lang", bind="query-params",
    help=_("The language of the downloaded files: for a meeting held in another language, or "
           "a co-lead who reads it. What members wrote stays as they wrote it."))
for_download = rep if report_language == tr.language else common.cached(
    chapter_report.assemble, me, start=start, end=end, team_id=team_id, today=today,
    language=report_language)
DOWNLOADS = {
    "html": (_("Download HTML (print, opens offline)"), ":material/print:"),
    "md": (_("Download Markdown"), ":material/description:"),
    "csv": (_("Download CSV figures"), ":material/table:"),
}
for col, (fmt, (label, icon)) in zip(st.columns(len(DOWNLOADS)), DOWNLOADS.items()):
    # Built only when clicked (the HTML draws its charts offline, which takes a moment).
    col.download_button(label, data=partial(chapter_report.render, for_download, fmt),
                        file_name=chapter_report.file_name(for_download, fmt),
                        mime=renderer.FORMATS[fmt][1], icon=icon, on_click="ignore",
                        key=f"cr_download_{fmt}")

# --- headline figures -----------------------------------------------------------------------
st.header(_("Headline figures"))
for row in (rep.headlines[:3], rep.headlines[3:]):
    for col, h in zip(st.columns(len(row)), row):
        style = dict(h.delta_style)
        if "delta_description" in style:
            style["delta_description"] = _(style["delta_description"])
        col.metric(wording.headline_label(tr, h), wording.figure(tr, h, h.value),
                   wording.signed_change(tr, h), help=wording.headline_help(tr, h),
                   border=True, **style)

# --- the meeting: participation, who we may be leaving behind, the questions ------------
views = chapter_report.chart_views(rep, tr)
st.header(_("Participation"))
if not views:
    st.info(chapter_words.no_charts_reason(rep, tr), icon=":material/insights:")
for n, (chart, _kind, frame, caption) in enumerate(views[:1]):
    show_chart(chart, frame, caption, key=f"cr_{n}")

st.header(_("Who are we leaving behind?"))
st.markdown("\n".join(f"- {inert(point)}" for point in chapter_words.leaving_behind(rep, tr)))

st.header(_("For the meeting: the practice questions"))
st.markdown("\n".join(f"{q.number}. **{q.title}.** {q.text}"
                      for q in handout.practice_questions(tr)))

# --- the detail --------------------------------------------------------------------------------
st.header(_("Responsibilities and next steps"))
for n, (chart, _kind, frame, caption) in enumerate(views[1:], start=1):
    show_chart(chart, frame, caption, key=f"cr_{n}")

st.header(_("Teams"))
team_table = rep.teams.drop(columns="is_total")
team_table["group"] = [wording.group_label(tr, g) for g in team_table["group"]]
st.dataframe(team_table.rename(columns=chapter_report.columns_in(tr, chapter_report.TEAM_COLUMNS)),
             hide_index=True)
st.caption(_("Next steps done in the period, overdue on its last day, and due in the coming "
             "weeks ({dates}) — counts only, no names: plans are personal.").format(
    dates=chapter_words.ahead_words(rep, tr)))

st.header(_("Week by week"))
week_columns = chapter_report.columns_in(tr, chapter_report.WEEK_COLUMNS)
weeks = rep.weeks
config = {week_columns["share"]: st.column_config.NumberColumn(format="percent")}
if tr.language == SOURCE_LANGUAGE:
    config[week_columns["week"]] = st.column_config.DateColumn(format=GRID_FORMAT)
else:  # the browser writes a date column's day and month names in English
    weeks = weeks.assign(week=[wording.grid_day(tr, w) for w in weeks["week"]])
st.dataframe(weeks.rename(columns=week_columns), hide_index=True, column_config=config)

st.header(_("Highlights shared with the chapter"))
if not rep.highlights:
    st.write(_("Nobody shared an action with the whole chapter in this period."))
for h in rep.highlights:
    with st.container(border=True):
        who = h.member + (f" ({h.team})" if h.team else "")
        st.caption(f"{wording.day(tr, h.done_on)} · {inert(who)} · {h.kind_in(tr)} · "
                   f"{'; '.join(h.responsibilities_in(tr))}")
        st.text(h.description)  # as typed: never rendered as Markdown or HTML
if rep.more_highlights:
    n_more = rep.more_highlights
    st.caption(tr.ngettext("…and {count} more shared action.", "…and {count} more shared "
                           "actions.", n_more).format(count=wording.number(tr, n_more)))

st.divider()
for note in chapter_words.notes(rep, tr):
    st.caption(note)
