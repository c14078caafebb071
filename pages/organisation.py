"""Organisation: every chapter's practice over time, for organisation admins and region
leads — aggregates only, no ranking, nobody identifiable."""

import math
import re
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

import streamlit as st

from allyship.charts import progress_charts
from allyship.charts.chart_words import group_name
from allyship.core import access
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.i18n import N_, Message, formatting, translate
from allyship.metrics import disclosure, org_figures, periods
from allyship.people import organisation
from allyship.reports import org_report, renderer
from allyship.ui import common, language
from allyship.ui.chart_display import show_chart

tr = language.translator()
_ = tr.gettext
ENGLISH = tr.language == "en"
MIN_OTHERS = disclosure.MIN_OTHERS

# Words the organisation's figures come with in English (allyship.metrics.org_figures,
# allyship.people.organisation), marked here for the catalogue and translated where shown.
FIGURE_WORDS = (
    N_("Chapters counted"), N_("Active (not archived) chapters in the figures."),
    N_("Active members"), N_("Members marked active in their chapter."),
    N_("Weekly participation"),
    N_("Of active members not away, the share who logged at least one action, over the "
       "period's complete weeks together."),
    N_("Steady members"), N_("Members active in at least 3 of the period's last 4 weeks."),
    N_("Responsibilities practised"),
    N_("Responsibilities with at least one action anywhere in the scope."),
    N_("Next steps done"), N_("Plan next steps marked done in the period."),
    N_("Time invested"), N_("Minutes recorded on actions (recording minutes is optional)."),
    N_("Chapter"), N_("Responsibilities practised (of 8)"), N_("Next steps overdue"),
    N_("Actions"), N_("Time invested (h)"), N_("Note"), N_("No region"),
    N_("Total not shown: with the chapters above it would reveal the small chapters' figures"),
    N_("Total not shown: with the figures above it would reveal a small chapter's"),
    N_("No chapters in this region."), N_("No comparison: the total is not shown."),
)
_SHARE = re.compile(r"^(\d+)%$")
_POINTS = re.compile(r"^([+-]\d+) pts$")
_OF = re.compile(r"^(\d+) of (\d+)$")
_HOURS = re.compile(r"^([+-]?)([\d,]+) h$")
_COUNT = re.compile(r"^([+-]?)([\d,]+)$")
_LATE = re.compile(r"^No comparison: (\d+) chapters? began the programme")


def plural(n: int, word: str) -> str:
    """``1 chapter``, ``3 chapters``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def figure(text: str) -> str:
    """A figure the organisation's figures give as English text ("66%", "5 of 8",
    "+3 pts", "12 h", "1,234", "not shown") in the session's language."""
    if ENGLISH or not isinstance(text, str):
        return text
    if text == "not shown":
        return _("not shown")
    if m := _SHARE.match(text):
        return formatting.format_percent(tr, int(m[1]) / 100)
    if m := _POINTS.match(text):
        # Translators: a change in percentage points, {change} signed ("+5").
        return _("{change} pts").format(change=m[1])
    if m := _OF.match(text):
        return _("{count} of {total}").format(count=m[1], total=m[2])
    if m := _HOURS.match(text):
        return m[1] + tr.pgettext("duration", "{hours} h").format(
            hours=formatting.format_number(tr, int(m[2].replace(",", ""))))
    if m := _COUNT.match(text):
        return m[1] + formatting.format_number(tr, int(m[2].replace(",", "")))
    return tr.gettext(text)


def cell(value: Any) -> str:
    """A table figure as people read it: whole numbers with separators, hours to one
    decimal, a withheld figure as "not shown" (the row's note says why)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("not shown")
    if isinstance(value, float):
        return f"{value:,.1f}" if ENGLISH else formatting.format_decimal(tr, value)
    if isinstance(value, int):
        return f"{value:,}" if ENGLISH else formatting.format_number(tr, value)
    return figure(str(value))


def line_note(line: Any) -> str:
    """Why a line's figures are withheld or folded, in the session's language."""
    if ENGLISH or not line.note:
        return line.note
    if line.kind == "other":
        if line.shown:
            return tr.ngettext(
                "{count} chapter with fewer than {min} active members each, counted together",
                "{count} chapters with fewer than {min} active members each, counted together",
                line.chapters).format(count=line.chapters, min=MIN_OTHERS)
        return tr.ngettext("{count} small chapter: too few people to show, even together",
                           "{count} small chapters: too few people to show, even together",
                           line.chapters).format(count=line.chapters)
    if line.note == f"Total not shown: fewer than {MIN_OTHERS} people besides you":
        return _("Total not shown: fewer than {min} people besides you").format(min=MIN_OTHERS)
    return tr.gettext(line.note)


def comparison_note(progress: Any) -> str:
    """What the headline changes compare with, or why there are none."""
    note = progress.comparison.note
    if ENGLISH:
        return note
    before = progress.period.previous()
    if progress.comparison.previous is not None:
        return tr.ngettext("Changes compare with the {count} week before ({dates}).",
                           "Changes compare with the {count} weeks before ({dates}).",
                           before.n_weeks).format(count=before.n_weeks,
                                                  dates=before.dates_in(tr))
    if m := _LATE.match(note):
        return tr.ngettext(
            "No comparison: {count} chapter began the programme during or after the {weeks} "
            "before ({dates}), so the periods are not alike.",
            "No comparison: {count} chapters began the programme during or after the {weeks} "
            "before ({dates}), so the periods are not alike.", int(m[1])).format(
            count=m[1], weeks=periods.weeks_words(before.n_weeks, tr),
            dates=before.dates_in(tr))
    return tr.gettext(note)


def refusal(exc: Exception) -> str:
    """A refusal in the session's language (a Message by its template; else as said)."""
    said = exc.args[0] if exc.args else None
    return translate(tr, said) if isinstance(said, Message) else str(exc)


def day(when: Any) -> str:
    return f"{when:%a %-d %b %Y}" if ENGLISH else formatting.format_day(tr, when)


# A region with more chapters than this lists them behind an expander.
INLINE_CHAPTERS = 12


def region_table(lines: list[Any]) -> None:
    """Lines of the organisation's table. A static table: no sorting by a figure, so no
    league table can be made of it; st.table renders cells as Markdown, so chapter names
    are made inert first."""
    frame = org_figures.table(lines).drop(columns=["Region"])
    frame["Chapter"] = [inert(group_name(tr, label)) for label in frame["Chapter"]]
    figures = [c for c in frame.columns if c not in ("Chapter", "Note")]
    frame[figures] = frame[figures].map(cell)
    if not ENGLISH:
        frame["Note"] = [line_note(line) for line in lines]
        frame = frame.rename(columns=tr.gettext)
    st.table(frame.set_index(_("Chapter")))


def titled(chart: Any, groups: list[str]) -> Any:
    """The participation chart titled for what it shows: regions side by side, or the
    one or two groups it draws by name (a one-chapter chart is not "by region")."""
    if len(groups) > 2:
        return chart
    shown = [group_name(tr, g) for g in groups]
    text = (_("Weekly participation: {group}").format(group=shown[0]) if len(shown) == 1 else
            _("Weekly participation: {first} and {second}").format(first=shown[0],
                                                                    second=shown[1]))
    title = {**chart.spec["title"], "text": text}
    return replace(chart, spec={**chart.spec, "title": title})


def show_figures(progress: Any, period: periods.Period) -> None:
    """The *Progress* tab under its caption: the headline figures, the chart, each
    region's table and one chapter over time; or, for a scope without chapters, where
    to make one (a return, not ``st.stop()``: the other tabs still run)."""
    if not progress.lines or progress.scope_total.chapters == 0:
        st.info(_("There are no chapters here yet. An organisation admin creates chapters on "
                  "the *Chapters* tab (or with `python -m allyship org create-chapter`)."),
                icon=":material/domain_add:")
        return
    heads = org_figures.headlines(progress)
    if heads:
        for row in (heads[:4], heads[4:]):
            for col, h in zip(st.columns(4), row):
                col.metric(_(h.label), figure(h.value),
                           figure(h.delta) if h.delta else h.delta,
                           help=_(h.help), border=True,
                           delta_color="off" if h.label == "Active members" else "normal")
    else:
        st.info(_("{why}. The regions and chapters below still show their own figures."
                  ).format(why=line_note(progress.scope_total)),
                icon=":material/visibility_off:")

    drawn = org_report.chart_frame(progress)
    if org_report.has_shares(drawn):
        show_chart(titled(progress_charts.prepare("org_participation", drawn, tr),
                          list(dict.fromkeys(drawn["group"]))), drawn,
                   _("Each point is one complete week: the share of active members (not away) "
                     "who logged at least one action, for each region's chapters together."),
                   key="org_weekly")
    elif period.n_weeks < 2:
        st.info(_("Fewer than two complete weeks in this period: choose a longer one to see "
                  "a trend."), icon=":material/insights:")

    for i, region_name in enumerate(progress.regions()):
        st.header(inert(_(region_name) if region_name == organisation.NO_REGION
                        else region_name))
        lines = progress.lines_of(region_name)
        chapter_lines = [line for line in lines if line.kind == "chapter"]
        if len(chapter_lines) <= INLINE_CHAPTERS:
            region_table(lines)
            continue
        # A large region's chapters are drawn only while asked for: a static table of
        # hundreds of rows is most of what the browser would draw on opening the page.
        region_table([line for line in lines if line.kind != "chapter"])
        with st.expander(tr.ngettext("The {count} chapter of {region}, one by one",
                                     "The {count} chapters of {region}, one by one",
                                     len(chapter_lines)).format(
                             count=f"{len(chapter_lines):,}" if ENGLISH
                             else formatting.format_number(tr, len(chapter_lines)),
                             region=inert(region_name)), icon=":material/table:",
                         key=f"org_region_open_{i}", on_change="rerun") as region_box:
            if region_box.open:
                region_table(chapter_lines)

    chapters_shown = [line for line in progress.lines if line.kind == "chapter"]
    if chapters_shown:
        # Drawn only while open: most visits need the organisation's chart alone.
        with st.expander(_("One chapter over time"), icon=":material/show_chart:",
                         key="org_chapter_open", on_change="rerun") as one_chapter:
            if one_chapter.open:
                pick = st.selectbox(_("Chapter"), chapters_shown,
                                    format_func=lambda line: line.label, key="org_chapter")
                one = org_report.chapter_frame(progress, pick)
                if org_report.has_shares(one):
                    about = (_("Weekly participation of {chapter} beside its region's "
                               "chapters together.") if one["group"].nunique() > 1
                             else _("Weekly participation of {chapter}."))
                    show_chart(titled(progress_charts.prepare("org_participation", one, tr),
                                      list(dict.fromkeys(one["group"]))), one,
                               about.format(chapter=inert(pick.label)),
                               key="org_chapter_weekly")
    if progress.archived:
        st.caption(plural(progress.archived, "archived chapter") + " left out." if ENGLISH
                   else tr.ngettext("{count} archived chapter left out.",
                                    "{count} archived chapters left out.",
                                    progress.archived).format(
                       count=formatting.format_number(tr, progress.archived)))


me = common.require_screen("organisation")
db = common.get_db()
today = date.today()
is_org_admin = me.org_role == "org_admin"

st.title(_("Organisation — {name}").format(name=inert(organisation.organisation_name(db))))
st.caption(_("Whether the practice is alive across chapters, week by week. Figures are "
             "aggregates only: no member is named, chapters are listed by region and name "
             "(never ranked), and a chapter too small to show on its own is counted with "
             "other small chapters."))

# The tab, region and period live in the address (a view can be bookmarked or shared);
# a value there that is not one of this viewer's choices opens the default instead.
tab_names = [_("Progress"), _("Report")] + ([_("Chapters")] if is_org_admin else [])
# Tracked by the server ("rerun"), so the Chapters tab runs only while open: its list of
# every chapter and its forms were most of what a browser drew on opening the page.
tabs = st.tabs(tab_names, key="org_tab", bind="query-params", on_change="rerun")

# --- filters (shared by the progress and report tabs) ------------------------------
with tabs[0]:
    regions = common.cached(organisation.region_choices, me)
    col_region, col_period = st.columns(2)
    region = col_region.selectbox(
        _("Region"), regions, key="org_region", bind="query-params",
        format_func=lambda r: _("All regions") if r is None else r.name,
        help=_("Organisation admins see every region; a region lead sees their own."))
    # The choices' English names are their values in the address (a bookmark opens the
    # same period in any language).
    period_name = col_period.selectbox(
        _("Period"), list(periods.PERIOD_CHOICES),
        index=list(periods.PERIOD_CHOICES).index(periods.DEFAULT_CHOICE), key="org_period",
        bind="query-params", format_func=lambda name: periods.period_name(name, tr),
        help=_("Complete weeks only (Monday to Sunday); the week in progress is never mixed "
               "in."))
    period = periods.Period.last_weeks(periods.PERIOD_CHOICES[period_name], today)
    region_id = None if region is None else region.id
    try:
        progress = common.cached(org_figures.org_progress, me, period, region_id=region_id,
                             today=today)
    except access.PermissionDenied as exc:
        common.show_denied(exc)
        st.stop()

    if ENGLISH:
        counted = (f"{plural(progress.chapters, 'chapter')} shown on "
                   f"{'its' if progress.chapters == 1 else 'their'} own, "
                   f"{plural(progress.folded, 'small chapter')} counted together")
    else:
        counted = ", ".join([
            tr.ngettext("{count} chapter shown on its own", "{count} chapters shown on their own",
                        progress.chapters).format(count=progress.chapters),
            tr.ngettext("{count} small chapter counted together",
                        "{count} small chapters counted together",
                        progress.folded).format(count=progress.folded)])
    st.caption(_("**{scope}**, {dates}: {counted}. {note}").format(
        scope=inert(progress.scope_label), dates=period.label_in(tr if not ENGLISH else None),
        counted=counted, note=inert(comparison_note(progress))))
    show_figures(progress, period)

# --- report (runs while its tab is open) ----------------------------------------------
if tabs[1].open:
    with tabs[1]:
        st.write(_("A report of these figures for the organisation's own meetings: HTML (prints, "
                   "opens offline, with its chart), Markdown or CSV. It names no member; its "
                   "highlights are actions members shared with their chapter, from chapters that "
                   "agreed to appear by name."))
        col_from, col_to = st.columns(2)
        start = col_from.date_input(_("From"), value=period.start, max_value=today,
                                    key="org_rep_from", format="YYYY-MM-DD")
        end = col_to.date_input(_("To"), value=period.end, max_value=today, key="org_rep_to",
                                format="YYYY-MM-DD")
        # Built only when asked: the page itself stays quick for a large organisation.
        asked = st.session_state.get("org_rep_for") == (start, end, region_id)
        if not asked and st.button(_("Prepare the report"), key="org_rep_go",
                                   icon=":material/summarize:"):
            st.session_state["org_rep_for"] = (start, end, region_id)
            asked = True
        rep = None
        if asked:
            try:
                with st.spinner(_("Preparing the report…")):
                    rep = common.cached(org_report.assemble, me, start=start, end=end,
                                    region_id=region_id, today=today)
            except ValidationError as exc:
                common.show_validation(exc, _("Choose other dates:"))
            except access.PermissionDenied as exc:
                common.show_denied(exc)
        if rep is not None:
            st.caption(_("Covers {dates} — complete weeks only.").format(
                dates=rep.period.label_in(None if ENGLISH else tr)))
            for col, fmt, label in zip(st.columns(3), ["html", "md", "csv"],
                                       [_("HTML (prints)"), "Markdown", "CSV"]):
                col.download_button(label, data=partial(org_report.render, rep, fmt),
                                    file_name=org_report.file_name(rep, fmt),
                                    mime=renderer.FORMATS[fmt][1], key=f"org_dl_{fmt}",
                                    icon=":material/download:", on_click="ignore")

# --- chapters (organisation admins) ------------------------------------------------------
if is_org_admin and tabs[2].open:
    with tabs[2]:
        common.show_flash()
        all_regions = organisation.list_regions(db)
        region_opts: list[int | None] = [None, *[r.id for r in all_regions]]
        region_name = {r.id: r.name for r in all_regions}

        def label(rid: int | None) -> str:
            return _(organisation.NO_REGION) if rid is None else region_name[rid]

        def region_of(chapter: Any) -> str:
            return _(chapter.region) if chapter.region == organisation.NO_REGION else chapter.region

        listed = organisation.list_chapters(db, me, include_archived=True)
        yes, no = _("yes"), _("no")
        st.dataframe(
            [{_("Chapter"): c.name, _("Region"): region_of(c),
              _("Programme began"): day(c.started_on),
              _("Archived"): yes if c.archived else "",
              _("Named in reports"): yes if c.named_in_org_reports else no} for c in listed],
            hide_index=True, width="stretch", on_select="ignore")

        with st.form("org_new_chapter", clear_on_submit=False):
            st.markdown(_("**Create a chapter** with its first admin, who gets a one-time "
                          "set-up code to choose a password."))
            c1, c2 = st.columns(2)
            new_name = c1.text_input(_("Chapter name"), key="org_nc_name")
            new_region = c2.selectbox(_("Region"), region_opts, format_func=label,
                                      key="org_nc_reg")
            a1, a2 = st.columns(2)
            admin_name = a1.text_input(_("First admin's name"), key="org_nc_admin")
            admin_email = a2.text_input(_("First admin's email"), key="org_nc_email")
            started = st.date_input(_("Programme begins"), value=today, key="org_nc_start",
                                    format="YYYY-MM-DD")
            if st.form_submit_button(_("Create chapter"), type="primary"):
                try:
                    made = organisation.create_chapter_with_admin(
                        db, me, name=new_name, admin_name=admin_name, admin_email=admin_email,
                        region_id=new_region, started_on=started)
                except ValidationError as exc:
                    common.show_validation(exc)
                except access.PermissionDenied as exc:
                    common.show_denied(exc)
                else:
                    st.success(_("Created {chapter}. Give {admin} this one-time set-up code "
                                 "(shown once, valid until {when} UTC):").format(
                        chapter=inert(made.chapter.name), admin=inert(made.admin.name),
                        when=f"{day(made.expires_at)} {made.expires_at:%H:%M}"))
                    st.code(made.code, language=None)

        col_a, col_b = st.columns(2)
        with col_a.form("org_move"):
            st.markdown(_("**Move a chapter** to another region"))
            live = [c for c in listed if not c.archived]
            moving = st.selectbox(_("Chapter"), live, format_func=lambda c: c.name,
                                  key="org_mv_ch")
            to = st.selectbox(_("To region"), region_opts, format_func=label, key="org_mv_reg")
            if st.form_submit_button(_("Move")) and moving is not None:
                try:
                    organisation.move_chapter(db, me, moving.id, to)
                except (ValidationError, access.PermissionDenied) as exc:
                    st.error(refusal(exc))
                else:
                    common.flash(_("Moved {chapter} to {region}.").format(
                        chapter=inert(moving.name), region=inert(label(to))))
                    st.rerun()
        with col_b.form("org_archive"):
            st.markdown(_("**Archive a chapter** that has closed (its records are kept; it "
                          "leaves the figures), or bring one back"))
            target = st.selectbox(
                _("Chapter"), listed, key="org_ar_ch",
                format_func=lambda c: _("{chapter} (archived)").format(chapter=c.name)
                if c.archived else c.name)
            if st.form_submit_button(_("Archive or restore")) and target is not None:
                try:
                    organisation.archive_chapter(db, me, target.id, archived=not target.archived)
                except (ValidationError, access.PermissionDenied) as exc:
                    st.error(refusal(exc))
                else:
                    done = (_("{chapter} restored.") if target.archived
                            else _("{chapter} archived."))
                    common.flash(done.format(chapter=inert(target.name)))
                    st.rerun()
        with st.form("org_region_new"):
            st.markdown(_("**Add a region** (a named group of chapters)"))
            new_region_name = st.text_input(_("Region name"), key="org_rg_name")
            if st.form_submit_button(_("Add region")):
                try:
                    organisation.create_region(db, me, new_region_name)
                except ValidationError as exc:
                    common.show_validation(exc)
                except access.PermissionDenied as exc:
                    common.show_denied(exc)
                else:
                    common.flash(_("Added region {region}.").format(
                        region=inert(new_region_name.strip())))
                    st.rerun()
