"""Organisation: every chapter's practice over time, for organisation admins and region
leads — aggregates only, no ranking, nobody identifiable."""

import math
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

import streamlit as st

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.metrics import org_figures, periods
from allyship.people import organisation
from allyship.reports import org_report, renderer
from allyship.ui import common
from allyship.ui.chart_display import show_chart


def plural(n: int, word: str) -> str:
    """``1 chapter``, ``3 chapters``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def cell(value: Any) -> str:
    """A table figure as people read it: whole numbers with separators, hours to one
    decimal, a withheld figure as "not shown" (the row's note says why)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not shown"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# A region with more chapters than this lists them behind an expander.
INLINE_CHAPTERS = 12


def region_table(lines: list[Any]) -> None:
    """Lines of the organisation's table. A static table: no sorting by a figure, so no
    league table can be made of it; st.table renders cells as Markdown, so chapter names
    are made inert first."""
    frame = org_figures.table(lines).drop(columns=["Region"])
    frame["Chapter"] = frame["Chapter"].map(inert)
    figures = [c for c in frame.columns if c not in ("Chapter", "Note")]
    frame[figures] = frame[figures].map(cell)
    st.table(frame.set_index("Chapter"))


def titled(chart: Any, groups: list[str]) -> Any:
    """The participation chart titled for what it shows: regions side by side, or the
    one or two groups it draws by name (a one-chapter chart is not "by region")."""
    if len(groups) > 2:
        return chart
    title = {**chart.spec["title"], "text": "Weekly participation: " + " and ".join(groups)}
    return replace(chart, spec={**chart.spec, "title": title})

me = common.require_screen("organisation")
db = common.get_db()
today = date.today()
is_org_admin = me.org_role == "org_admin"

st.title(f"Organisation — {inert(organisation.organisation_name(db))}")
st.caption("Whether the practice is alive across chapters, week by week. Figures are "
           "aggregates only: no member is named, chapters are listed by region and name "
           "(never ranked), and a chapter too small to show on its own is counted with "
           "other small chapters.")

# The tab, region and period live in the address (a view can be bookmarked or shared);
# a value there that is not one of this viewer's choices opens the default instead.
tabs = st.tabs(["Progress", "Report", "Chapters"] if is_org_admin else ["Progress", "Report"],
               key="org_tab", bind="query-params")

# --- filters (shared by the progress and report tabs) ------------------------------
with tabs[0]:
    regions = common.cached(organisation.region_choices, me)
    col_region, col_period = st.columns(2)
    region = col_region.selectbox(
        "Region", regions, key="org_region", bind="query-params",
        format_func=lambda r: "All regions" if r is None else r.name,
        help="Organisation admins see every region; a region lead sees their own.")
    period_name = col_period.selectbox(
        "Period", list(periods.PERIOD_CHOICES),
        index=list(periods.PERIOD_CHOICES).index(periods.DEFAULT_CHOICE), key="org_period",
        bind="query-params",
        help="Complete weeks only (Monday to Sunday); the week in progress is never mixed in.")
    period = periods.Period.last_weeks(periods.PERIOD_CHOICES[period_name], today)
    region_id = None if region is None else region.id
    try:
        progress = common.cached(org_figures.org_progress, me, period, region_id=region_id,
                             today=today)
    except access.PermissionDenied as exc:
        common.show_denied(exc)
        st.stop()

    st.caption(f"**{inert(progress.scope_label)}**, {period.label}: "
               f"{plural(progress.chapters, 'chapter')} shown on "
               f"{'its' if progress.chapters == 1 else 'their'} own, "
               f"{plural(progress.folded, 'small chapter')} counted together. "
               f"{inert(progress.comparison.note)}")
    if not progress.lines:
        st.info("There are no chapters here yet. An organisation admin creates chapters on "
                "the *Chapters* tab (or with `python -m allyship org create-chapter`).",
                icon=":material/domain_add:")
        st.stop()

    heads = org_figures.headlines(progress)
    if heads:
        for row in (heads[:4], heads[4:]):
            for col, h in zip(st.columns(4), row):
                col.metric(h.label, h.value, h.delta, help=h.help, border=True,
                           delta_color="off" if h.label == "Active members" else "normal")
    else:
        st.info(progress.scope_total.note + ". The regions and chapters below still show "
                "their own figures.", icon=":material/visibility_off:")

    drawn = org_report.chart_frame(progress)
    if org_report.has_shares(drawn):
        show_chart(titled(org_report.participation_chart(drawn),
                          list(dict.fromkeys(drawn["group"]))), drawn,
                   org_report.CHART_CAPTION, key="org_weekly")
    elif period.n_weeks < 2:
        st.info("Fewer than two complete weeks in this period: choose a longer one to see "
                "a trend.", icon=":material/insights:")

    for i, region_name in enumerate(progress.regions()):
        st.header(inert(region_name))
        lines = progress.lines_of(region_name)
        chapter_lines = [line for line in lines if line.kind == "chapter"]
        if len(chapter_lines) <= INLINE_CHAPTERS:
            region_table(lines)
            continue
        # A large region's chapters are drawn only while asked for: a static table of
        # hundreds of rows is most of what the browser would draw on opening the page.
        region_table([line for line in lines if line.kind != "chapter"])
        with st.expander(f"The {plural(len(chapter_lines), 'chapter')} of "
                         f"{inert(region_name)}, one by one", icon=":material/table:",
                         key=f"org_region_open_{i}", on_change="rerun") as region_box:
            if region_box.open:
                region_table(chapter_lines)

    chapters_shown = [line for line in progress.lines if line.kind == "chapter"]
    if chapters_shown:
        # Drawn only while open: most visits need the organisation's chart alone.
        with st.expander("One chapter over time", icon=":material/show_chart:",
                         key="org_chapter_open", on_change="rerun") as one_chapter:
            if one_chapter.open:
                pick = st.selectbox("Chapter", chapters_shown,
                                    format_func=lambda line: line.label, key="org_chapter")
                one = org_report.chapter_frame(progress, pick)
                if org_report.has_shares(one):
                    beside = (" beside its region's chapters together."
                              if one["group"].nunique() > 1 else ".")
                    show_chart(titled(org_report.participation_chart(one),
                                      list(dict.fromkeys(one["group"]))), one,
                               f"Weekly participation of {inert(pick.label)}{beside}",
                               key="org_chapter_weekly")
    if progress.archived:
        st.caption(f"{plural(progress.archived, 'archived chapter')} left out.")

# --- report ---------------------------------------------------------------------------
with tabs[1]:
    st.write("A report of these figures for the organisation's own meetings: HTML (prints, "
             "opens offline, with its chart), Markdown or CSV. It names no member; its "
             "highlights are actions members shared with their chapter, from chapters that "
             "agreed to appear by name.")
    col_from, col_to = st.columns(2)
    start = col_from.date_input("From", value=period.start, max_value=today, key="org_rep_from",
                                format="YYYY-MM-DD")
    end = col_to.date_input("To", value=period.end, max_value=today, key="org_rep_to",
                            format="YYYY-MM-DD")
    # Built only when asked: the page itself stays quick for a large organisation.
    asked = st.session_state.get("org_rep_for") == (start, end, region_id)
    if not asked and st.button("Prepare the report", key="org_rep_go",
                               icon=":material/summarize:"):
        st.session_state["org_rep_for"] = (start, end, region_id)
        asked = True
    rep = None
    if asked:
        try:
            with st.spinner("Preparing the report…"):
                rep = common.cached(org_report.assemble, me, start=start, end=end,
                                region_id=region_id, today=today)
        except ValidationError as exc:
            common.show_validation(exc, "Choose other dates:")
        except access.PermissionDenied as exc:
            common.show_denied(exc)
    if rep is not None:
        st.caption(f"Covers {rep.period.label} — complete weeks only.")
        for col, fmt, label in zip(st.columns(3), ["html", "md", "csv"],
                                   ["HTML (prints)", "Markdown", "CSV"]):
            col.download_button(label, data=partial(org_report.render, rep, fmt),
                                file_name=org_report.file_name(rep, fmt),
                                mime=renderer.FORMATS[fmt][1], key=f"org_dl_{fmt}",
                                icon=":material/download:", on_click="ignore")

# --- chapters (organisation admins) ------------------------------------------------------
if is_org_admin:
    with tabs[2]:
        common.show_flash()
        all_regions = organisation.list_regions(db)
        region_opts: list[int | None] = [None, *[r.id for r in all_regions]]
        region_name = {r.id: r.name for r in all_regions}

        def label(rid: int | None) -> str:
            return organisation.NO_REGION if rid is None else region_name[rid]

        listed = organisation.list_chapters(db, me, include_archived=True)
        st.dataframe(
            [{"Chapter": c.name, "Region": c.region, "Programme began": f"{c.started_on:%a %-d %b %Y}",
              "Archived": "yes" if c.archived else "",
              "Named in reports": "yes" if c.named_in_org_reports else "no"} for c in listed],
            hide_index=True, width="stretch", on_select="ignore")

        with st.form("org_new_chapter", clear_on_submit=False):
            st.markdown("**Create a chapter** with its first admin, who gets a one-time "
                        "set-up code to choose a password.")
            c1, c2 = st.columns(2)
            new_name = c1.text_input("Chapter name", key="org_nc_name")
            new_region = c2.selectbox("Region", region_opts, format_func=label, key="org_nc_reg")
            a1, a2 = st.columns(2)
            admin_name = a1.text_input("First admin's name", key="org_nc_admin")
            admin_email = a2.text_input("First admin's email", key="org_nc_email")
            started = st.date_input("Programme begins", value=today, key="org_nc_start",
                                    format="YYYY-MM-DD")
            if st.form_submit_button("Create chapter", type="primary"):
                try:
                    made = organisation.create_chapter_with_admin(
                        db, me, name=new_name, admin_name=admin_name, admin_email=admin_email,
                        region_id=new_region, started_on=started)
                except ValidationError as exc:
                    common.show_validation(exc)
                except access.PermissionDenied as exc:
                    common.show_denied(exc)
                else:
                    st.success(f"Created {inert(made.chapter.name)}. Give "
                               f"{inert(made.admin.name)} this one-time set-up code "
                               f"(shown once, valid until {made.expires_at:%a %-d %b %Y %H:%M} UTC):")
                    st.code(made.code, language=None)

        col_a, col_b = st.columns(2)
        with col_a.form("org_move"):
            st.markdown("**Move a chapter** to another region")
            live = [c for c in listed if not c.archived]
            moving = st.selectbox("Chapter", live, format_func=lambda c: c.name, key="org_mv_ch")
            to = st.selectbox("To region", region_opts, format_func=label, key="org_mv_reg")
            if st.form_submit_button("Move") and moving is not None:
                try:
                    organisation.move_chapter(db, me, moving.id, to)
                except (ValidationError, access.PermissionDenied) as exc:
                    st.error(str(exc))
                else:
                    common.flash(f"Moved {inert(moving.name)} to {inert(label(to))}.")
                    st.rerun()
        with col_b.form("org_archive"):
            st.markdown("**Archive a chapter** that has closed (its records are kept; it "
                        "leaves the figures), or bring one back")
            target = st.selectbox("Chapter", listed,
                                  format_func=lambda c: c.name + (" (archived)" if c.archived
                                                                  else ""), key="org_ar_ch")
            if st.form_submit_button("Archive or restore") and target is not None:
                try:
                    organisation.archive_chapter(db, me, target.id, archived=not target.archived)
                except (ValidationError, access.PermissionDenied) as exc:
                    st.error(str(exc))
                else:
                    common.flash(f"{inert(target.name)} "
                             f"{'restored' if target.archived else 'archived'}.")
                    st.rerun()
        with st.form("org_region_new"):
            st.markdown("**Add a region** (a named group of chapters)")
            new_region_name = st.text_input("Region name", key="org_rg_name")
            if st.form_submit_button("Add region"):
                try:
                    organisation.create_region(db, me, new_region_name)
                except ValidationError as exc:
                    common.show_validation(exc)
                except access.PermissionDenied as exc:
                    common.show_denied(exc)
                else:
                    common.flash(f"Added region {inert(new_region_name.strip())}.")
                    st.rerun()
