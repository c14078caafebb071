"""CSV export and import: the names other modules and the command line use.

What was one module is split by what each part holds; this module keeps the public
names importable from their old place:

* :mod:`allyship.csv_files` — reading and writing CSV: :func:`safe_cell` /
  :func:`unsafe_cell` (spreadsheet formulas), :func:`csv_bytes`, :func:`write_csv`,
  the one reader :func:`read_csv` and :class:`ImportReport`;
* :mod:`allyship.export` — the full export, the admin's chapter export (streamed),
  a member's own data;
* :mod:`allyship.csv_import` — importing one CSV of actions, members or plans, all or
  nothing;
* :mod:`allyship.restore` — loading a full export into a new database.
"""

from __future__ import annotations

from allyship.csv_files import (
    FORMULA_TRIGGERS,
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_REPORTED_ERRORS,
    MAX_ROWS,
    ImportReport,
    Progress,
    RowError,
    csv_bytes,
    decode_csv,
    read_csv,
    safe_cell,
    unsafe_cell,
    write_csv,
)
from allyship.csv_import import (
    ACTION_COLUMNS,
    KINDS,
    MEMBER_COLUMNS,
    PLAN_COLUMNS,
    TEMPLATES,
    action_idempotency_key,
    detect_kind,
    import_csv,
    parse_responsibilities,
    template_csv,
)
from allyship.export import (
    EXPORT_FORMAT,
    EXPORT_FORMAT_VERSION,
    _table_rows,
    chapter_export_download,
    chapter_export_file,
    chapter_export_zip,
    export_dir,
    export_files,
    export_zip_file,
    exported_columns,
    exported_tables,
    member_data_zip,
    write_export_zip,
)
from allyship.restore import read_export, restore

__all__ = [
    "ACTION_COLUMNS", "EXPORT_FORMAT", "EXPORT_FORMAT_VERSION", "FORMULA_TRIGGERS", "KINDS",
    "MAX_CELL_CHARS", "MAX_FILE_BYTES", "MAX_REPORTED_ERRORS", "MAX_ROWS", "MEMBER_COLUMNS",
    "PLAN_COLUMNS", "TEMPLATES", "ImportReport", "Progress", "RowError",
    "_table_rows", "action_idempotency_key", "chapter_export_download", "chapter_export_file",
    "chapter_export_zip", "csv_bytes", "decode_csv", "detect_kind", "export_dir",
    "export_files", "export_zip_file", "exported_columns", "exported_tables", "import_csv",
    "member_data_zip", "parse_responsibilities", "read_csv", "read_export", "restore",
    "safe_cell", "template_csv", "unsafe_cell", "write_csv",
]
