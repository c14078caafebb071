"""CSV files in and out: every reader and writer of CSV in the app goes through here.

Writing: every cell goes through :func:`safe_cell`, so a spreadsheet opens ``=...`` as
text, not a formula; reading undoes exactly that (:func:`unsafe_cell`). Reading:
:func:`read_csv` is the one reader for every upload (UTF-8, Windows-1252 or UTF-16;
comma, semicolon or tab; any line endings), and every problem, however malformed the
file, is a row-numbered entry in an :class:`ImportReport`, never a crash.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import pandas as pd

from allyship.i18n import Message, Translator, translate, translator_for

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called while an import runs (at most ~100 times)."""



class Rollback(Exception):
    """Raised inside a transaction to roll an import or restore back (a dry run, a bad row)."""


def ticker(progress: Progress | None, total: int) -> Callable[[int], None]:
    """``tick(done)`` that calls ``progress`` about a hundred times over ``total`` rows."""
    step = max(1, total // 100)

    def tick(done: int) -> None:
        if progress and (done % step == 0):
            progress(done, total)
    return tick


MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_REPORTED_ERRORS = 200
MAX_CELL_CHARS = csv.field_size_limit()  # 131,072: far beyond any real cell

# --- spreadsheet formula injection --------------------------------------------------

# A cell starting with one of these is run as a formula by Excel, LibreOffice and
# Google Sheets. A leading apostrophe makes it text. Values that already start with
# apostrophes before such a character get one more, so the escape can be undone
# exactly (the mapping is one-to-one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")


def safe_cell(value: Any) -> Any:
    """A value made safe to put in a CSV cell that a spreadsheet will open.

    Strings starting with ``= + - @`` (or tab / carriage return) get a leading
    apostrophe; other values are returned unchanged. Reverse with :func:`unsafe_cell`.
    """
    if isinstance(value, str) and _NEEDS_ESCAPE.match(value):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """Undo :func:`safe_cell` on a cell read back from CSV."""
    if text.startswith("'") and _NEEDS_ESCAPE.match(text[1:]):
        return text[1:]
    return text


def csv_bytes(columns: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as CSV: UTF-8 with a byte-order mark (so Excel shows accents and emoji),
    every cell passed through :func:`safe_cell`, ``None`` as an empty cell."""
    buf = io.BytesIO()
    write_csv(buf, columns, rows)
    return buf.getvalue()


def write_csv(out: BinaryIO, columns: list[str], rows: Iterable[Iterable[Any]]) -> int:
    """Stream rows as CSV into the binary file ``out`` (as :func:`csv_bytes` encodes
    them) without holding the file in memory; returns the number of rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    count = [0]

    def cells(row: Iterable[Any]) -> list[Any]:
        count[0] += 1
        # Most cells are numbers or start with a letter: test the first character before
        # the (slower) full rule; a large export makes millions of these calls.
        return ["" if v is None else
                safe_cell(v) if v.__class__ is str and v[:1] in _MAYBE_FORMULA else v
                for v in row]
    try:
        writer = csv.writer(text)
        writer.writerow(columns)
        writer.writerows(map(cells, rows))
        text.flush()
    finally:
        text.detach()  # leave ``out`` open for the caller
    return count[0]


_MAYBE_FORMULA = frozenset("'=+-@\t\r")


# --- reading ------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (the header is row 1), the column and why."""

    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """What an import did, or would have done, or why it wrote nothing."""

    kind: str
    source: str = ""
    rows: int = 0
    created: int = 0
    skipped: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def error(self, row: int, column: str, reason: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, reason))
        elif len(self.errors) == MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, "", Message("…and more problems; fix these first")))

    def problems_by_line(self) -> dict[str, str]:
        """The problems as a form shows them: ``line N: column`` (``header`` for line 1,
        the column alone for the whole file), reasons under one key joined — still a
        :class:`~allyship.i18n.Message`, so the form shows them in its reader's language."""
        out: dict[str, str] = {}
        for e in self.errors:
            if e.row == 0:
                key = e.column.strip("()") or "file"
            elif e.row == 1:
                key = "header"
            else:
                key = f"line {e.row}" + (f": {e.column}" if e.column[:1] not in ("(", "") else "")
            # Translators: two problems of one row, one after the other; keep the order
            # unless your language joins sentences differently.
            out[key] = Message("{earlier} {reason}", earlier=out[key],
                               reason=e.reason) if key in out else e.reason
        return out

    def errors_frame(self, tr: Translator | None = None) -> pd.DataFrame:
        """The problems as a table: Row, Column, Problem — headers and reasons in ``tr``'s
        language (English by default); column names as in the file."""
        tr = tr or translator_for("en")
        return pd.DataFrame(
            [(e.row, e.column, translate(tr, e.reason)) for e in self.errors],
            columns=[tr.pgettext("import problems table", "Row"),
                     tr.pgettext("import problems table", "Column"),
                     tr.pgettext("import problems table", "Problem")])

    def summary(self, tr: Translator | None = None) -> str:
        """One line in plain words, in ``tr``'s language (English by default)."""
        tr = tr or translator_for("en")
        if self.errors:
            n = len(self.errors)
            return tr.ngettext("Nothing was imported: {count} problem in {source}.",
                               "Nothing was imported: {count} problems in {source}.", n).format(
                count=n, source=translate(tr, self.source or Message("the file")))
        return _summary_template(tr, self.kind, self.dry_run, self.rows).format(
            rows=self.rows, created=self.created, skipped=self.skipped)


def _summary_template(tr: Translator, kind: str, dry_run: bool, rows: int) -> str:
    """The summary of a clean import as a whole sentence per kind and mode, so each
    language words it its own way."""
    if kind == "actions" and dry_run:
        return tr.ngettext("{rows} row read: {created} actions would be added, {skipped} already "
                          "there and left as they are.",
                          "{rows} rows read: {created} actions would be added, {skipped} already "
                          "there and left as they are.", rows)
    if kind == "actions":
        return tr.ngettext("{rows} row read: {created} actions were added, {skipped} already there "
                          "and left as they are.",
                          "{rows} rows read: {created} actions were added, {skipped} already there "
                          "and left as they are.", rows)
    if kind == "members" and dry_run:
        return tr.ngettext("{rows} row read: {created} members would be added, {skipped} already "
                          "there and left as they are.",
                          "{rows} rows read: {created} members would be added, {skipped} already "
                          "there and left as they are.", rows)
    if kind == "members":
        return tr.ngettext("{rows} row read: {created} members were added, {skipped} already there "
                          "and left as they are.",
                          "{rows} rows read: {created} members were added, {skipped} already there "
                          "and left as they are.", rows)
    if kind == "plans" and dry_run:
        return tr.ngettext("{rows} row read: {created} plans would be added, {skipped} already "
                          "there and left as they are.",
                          "{rows} rows read: {created} plans would be added, {skipped} already "
                          "there and left as they are.", rows)
    if kind == "plans":
        return tr.ngettext("{rows} row read: {created} plans were added, {skipped} already there "
                          "and left as they are.",
                          "{rows} rows read: {created} plans were added, {skipped} already there "
                          "and left as they are.", rows)
    if dry_run:
        return tr.ngettext("{rows} row read: {created} rows would be added, {skipped} "
                          "already there and left as they are.",
                          "{rows} rows read: {created} rows would be added, {skipped} "
                          "already there and left as they are.", rows)
    return tr.ngettext("{rows} row read: {created} rows were added, {skipped} already there and "
                      "left as they are.",
                      "{rows} rows read: {created} rows were added, {skipped} already there and "
                      "left as they are.", rows)


def decode_csv(data: bytes) -> tuple[str, str | None]:
    """Text of a CSV file and a note if it was not UTF-8; ``ValueError`` if unreadable."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), Message("The file is UTF-16 text; it was read as such.")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError(Message(
            "The file is not UTF-8 text (byte {byte} cannot be read) nor Windows-1252/"
            "Latin-1. In your spreadsheet choose Save As → 'CSV UTF-8 (comma delimited)'.",
            byte=first_bad + 1)) from None
    return text, Message("The file is not UTF-8, so it was read as Windows-1252 (Latin-1) "
                         "text: check that accented letters look right. Saving as 'CSV UTF-8' "
                         "avoids this.")


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def read_csv(data: bytes | str, report: ImportReport
             ) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header keys and ``(spreadsheet row, {column: cell})`` rows; problems go in the
    report. Wholly blank rows (a spreadsheet's trailing rows) are skipped.

    ``data`` is the file's bytes (decoded as :func:`decode_csv` says) or text already
    decoded (pasted into a form).
    """
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > MAX_FILE_BYTES:
        report.error(0, "(file)", Message(
            "The file is {size} MB; the limit is {limit} MB. Split it into smaller files.",
            size=format(size / 1e6, ".1f"), limit=format(MAX_FILE_BYTES / 1e6, ".0f")))
        return [], []
    if isinstance(data, str):
        text = data.lstrip("\ufeff")
    else:
        try:
            text, note = decode_csv(data)
        except ValueError as exc:
            report.error(0, "(file)", exc.args[0])
            return [], []
        if note:
            report.notes.append(note)
    if not text.strip():
        report.error(0, "(file)", Message("The file is empty."))
        return [], []
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    n = 1
    try:
        header = [_header_key(h) for h in next(reader)]
        if len(set(header)) != len(header):
            report.error(1, "(header)", Message("Two columns have the same name."))
        for n, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                report.error(n, "(file)", Message("More than {limit} rows; split the file.",
                                                  limit=format(MAX_ROWS, ",")))
                break
            if len(cells) > len(header):
                report.error(n, "(row)", Message(
                    "This row has {cells} cells but the header has {columns} columns (a stray "
                    "comma or quote?).", cells=len(cells), columns=len(header)))
                continue
            cells += [""] * (len(header) - len(cells))
            rows.append((n, {h: unsafe_cell(c) for h, c in zip(header, cells)}))
    except csv.Error as exc:
        row = n + 1 if header else 1
        if "field larger than field limit" in str(exc):
            report.error(row, "(file)", Message(
                "A cell is longer than {limit} characters, the limit (often a quote that is "
                "never closed).", limit=format(MAX_CELL_CHARS, ",")))
        elif "NUL" in str(exc) or "\x00" in text:
            report.error(row, "(file)", Message(
                "The file contains NUL bytes: it is not a text CSV file. Save it again as "
                "'CSV UTF-8'."))
        else:
            report.error(row, "(file)", Message("This is not a readable CSV file: {reason}.",
                                                reason=str(exc)))
    return header, rows
