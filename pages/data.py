"""Import & export (admins): download the chapter's data; import members, actions or
plans from a spreadsheet, all or nothing."""

from pathlib import Path

import streamlit as st

from allyship.core.safe_text import inert
from allyship.transfer import csv_import, export
from allyship.ui import common

me = common.require_screen("data")
db = common.get_db()
SAMPLES = Path(__file__).resolve().parent.parent / "data" / "sample"

st.title("Import & export")
st.caption("Bring your chapter's spreadsheets in, and take its data out. An import writes "
           "everything or nothing: if any row has a problem, you get the list and nothing "
           "changes.")
common.show_flash()

st.header("Export")
st.markdown("A zip with one CSV file per table: the chapter, its teams and members, and what "
            "members shared with the chapter, plus the audit log. Members' private plans, "
            "actions and reflections are not included — each member downloads their own on "
            "*My plan*. For a complete backup, see the README (`python -m allyship backup`).")
# Nothing is built while the page opens: the zip is streamed to a temporary file on the
# server only when the button is pressed (a deferred download), on its own connection.
st.download_button("Download chapter export (.zip)",
                   data=export.chapter_export_download(common.db_path(), me.id),
                   file_name="allyship-chapter-export.zip", mime="application/zip",
                   icon=":material/download:", on_click="ignore",
                   help="Prepared when you press the button; a large chapter takes a few "
                        "seconds.")

st.header("Import")
st.markdown("Fill in a template in your spreadsheet and save it as **CSV UTF-8**. Dates are "
            "written YYYY-MM-DD; responsibilities as numbers or short titles separated by `;` "
            "(for example `2;4`). Importing the same file again adds nothing twice.")
cols = st.columns(3)
for col, kind in zip(cols, csv_import.KINDS):
    sample = SAMPLES / f"{kind}.csv"
    col.download_button(f"{kind.capitalize()} template", key=f"template_{kind}",
                        data=sample.read_bytes() if sample.exists() else
                        csv_import.template_csv(kind),
                        file_name=f"{kind}-template.csv", mime="text/csv", on_click="ignore")

# After an import that wrote something, the form starts again (a new key): no file
# chosen and *Check only* ticked, so the next file is checked before it goes in.
round_no = st.session_state.get("import_round", 0)
written = st.session_state.pop("import_written", None)
if written is not None:
    for note in written.notes:
        st.info(inert(note), icon=":material/info:")  # notes name teams from the file
    st.success(inert(written.summary()), icon=":material/check_circle:")

with st.form("import"):
    upload = st.file_uploader("CSV file", type=["csv", "txt"], key=f"import_file_{round_no}")
    kind = st.selectbox("The file holds", [None, *csv_import.KINDS],
                        format_func=lambda k: "Tell from its columns" if k is None else k)
    dry_run = st.checkbox("Check only — do not import yet", value=True,
                          key=f"import_check_only_{round_no}",
                          help="Ticked again after every import that wrote something.")
    go = st.form_submit_button("Check and import", type="primary")

if go:
    if upload is None:
        st.warning("Choose a CSV file first.")
    else:
        bar = st.progress(0.0, text="Reading the file…")

        def show_progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"Row {done:,} of {total:,}")

        report = csv_import.import_csv(db, me, upload.getvalue(), kind=kind, dry_run=dry_run,
                                     progress=show_progress, source=upload.name)
        bar.empty()
        if report.ok and not report.dry_run:
            st.session_state["import_written"] = report
            st.session_state["import_round"] = round_no + 1
            st.rerun()
        for note in report.notes:
            st.info(inert(note), icon=":material/info:")  # notes name teams from the file
        if not report.ok:
            st.error(inert(report.summary()) + " Fix these rows and import the file again:",
                     icon=":material/error:")
            st.dataframe(report.errors_frame(), hide_index=True)
        else:
            st.success("Check passed. " + inert(report.summary()) + " Untick *Check only* and "
                       "import again to write it.", icon=":material/task_alt:")
