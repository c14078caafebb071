"""Import & export (admins): download the chapter's data; import members, actions or
plans from a spreadsheet, all or nothing."""

from pathlib import Path

import streamlit as st

from allyship.core.safe_text import inert
from allyship.transfer import csv_import, export
from allyship.i18n import formatting, translate
from allyship.ui import common, language

me = common.require_screen("data")
db = common.get_db()
SAMPLES = Path(__file__).resolve().parent.parent / "data" / "sample"
tr = language.translator()
_ = tr.gettext

st.title(_("Import & export"))
st.caption(_("Bring your chapter's spreadsheets in, and take its data out. An import writes "
             "everything or nothing: if any row has a problem, you get the list and nothing "
             "changes."))
common.show_flash()

st.header(_("Export"))
st.markdown(_("A zip with one CSV file per table: the chapter, its teams and members, and what "
              "members shared with the chapter, plus the audit log. Members' private plans, "
              "actions and reflections are not included — each member downloads their own on "
              "*My plan*. For a complete backup, see the README (`python -m allyship backup`)."))
# Nothing is built while the page opens: the zip is streamed to a temporary file on the
# server only when the button is pressed (a deferred download), on its own connection.
st.download_button(_("Download chapter export (.zip)"),
                   data=export.chapter_export_download(common.db_path(), me.id),
                   file_name="allyship-chapter-export.zip", mime="application/zip",
                   icon=":material/download:", on_click="ignore",
                   help=_("Prepared when you press the button; a large chapter takes a few "
                          "seconds."))

st.header(_("Import"))
st.markdown(_("Fill in a template in your spreadsheet and save it as **CSV UTF-8**. Dates are "
              "written YYYY-MM-DD; responsibilities as numbers or short titles separated by "
              "`;` (for example `2;4`). Importing the same file again adds nothing twice."))
st.caption(_("Column names are the same in every language, so a spreadsheet keeps working; a "
             "responsibility may be written as its number or its short title in any language "
             "the app speaks."))
# The kinds are the templates' file names too (stable in every language).
KIND_WORDS = {"members": _("Members template"), "actions": _("Actions template"),
              "plans": _("Plans template")}
KIND_NAMES = {"members": _("members"), "actions": _("actions"), "plans": _("plans")}
cols = st.columns(3)
for col, kind in zip(cols, csv_import.KINDS):
    sample = SAMPLES / f"{kind}.csv"
    col.download_button(KIND_WORDS.get(kind, kind), key=f"template_{kind}",
                        data=sample.read_bytes() if sample.exists() else
                        csv_import.template_csv(kind),
                        file_name=f"{kind}-template.csv", mime="text/csv", on_click="ignore")

# After an import that wrote something, the form starts again (a new key): no file
# chosen and *Check only* ticked, so the next file is checked before it goes in.
round_no = st.session_state.get("import_round", 0)
written = st.session_state.pop("import_written", None)
if written is not None:
    for note in written.notes:
        st.info(inert(translate(tr, note)), icon=":material/info:")  # notes name teams
    st.success(inert(written.summary(tr)), icon=":material/check_circle:")

with st.form("import"):
    upload = st.file_uploader(_("CSV file"), type=["csv", "txt"], key=f"import_file_{round_no}")
    kind = st.selectbox(_("The file holds"), [None, *csv_import.KINDS],
                        format_func=lambda k: _("Tell from its columns") if k is None
                        else KIND_NAMES.get(k, k))
    dry_run = st.checkbox(_("Check only — do not import yet"), value=True,
                          key=f"import_check_only_{round_no}",
                          help=_("Ticked again after every import that wrote something."))
    go = st.form_submit_button(_("Check and import"), type="primary")

if go:
    if upload is None:
        st.warning(_("Choose a CSV file first."))
    else:
        bar = st.progress(0.0, text=_("Reading the file…"))

        def show_progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0,
                         text=_("Row {done} of {total}").format(
                             done=formatting.format_number(tr, done),
                             total=formatting.format_number(tr, total)))

        report = csv_import.import_csv(db, me, upload.getvalue(), kind=kind, dry_run=dry_run,
                                     progress=show_progress, source=upload.name)
        bar.empty()
        if report.ok and not report.dry_run:
            st.session_state["import_written"] = report
            st.session_state["import_round"] = round_no + 1
            st.rerun()
        for note in report.notes:
            st.info(inert(translate(tr, note)), icon=":material/info:")  # notes name teams
        if not report.ok:
            st.error(_("{summary} Fix these rows and import the file again:").format(
                summary=inert(report.summary(tr))), icon=":material/error:")
            st.dataframe(report.errors_frame(tr), hide_index=True)
        else:
            st.success(_("Check passed. {summary} Untick *Check only* and import again to "
                         "write it.").format(summary=inert(report.summary(tr))),
                       icon=":material/task_alt:")
