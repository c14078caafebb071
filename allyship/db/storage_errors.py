"""When the disk says no: a failed write to the database or to a file, in one sentence.

SQLite reports a full disk as ``database or disk is full`` and a read-only file as
``attempt to write a readonly database``; writing a file reports ``ENOSPC`` / ``EROFS``
/ ``EACCES``. People need one plain sentence and the reassurance that nothing was half
saved (every write is one transaction, so a failed one left nothing behind); the
operator needs the detail, which goes to the log.
"""

from __future__ import annotations

import errno
import logging
import sqlite3

log = logging.getLogger("allyship.storage")

DISK_FULL = "The database could not be written: the disk is full. Nothing was saved."
READ_ONLY = ("The database could not be written: it is read-only on this server. "
             "Nothing was saved.")
BUSY = "The database is busy with other changes. Nothing was saved; please try again."
CANNOT_OPEN = ("The database could not be opened for writing (its disk or folder may be "
               "read-only). Nothing was saved.")
IO_ERROR = ("The database could not be written: the disk reported an error. "
            "Nothing was saved.")

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def explain(exc: BaseException) -> str | None:
    """One sentence for a failure to write, or ``None`` if ``exc`` is something else
    (a bug, which should surface as one)."""
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if "disk is full" in text or "database or disk is full" in text:
            return DISK_FULL
        if "readonly" in text or "read-only" in text:
            return READ_ONLY
        if "unable to open database" in text:
            return CANNOT_OPEN
        if "database is locked" in text or "busy" in text:
            return BUSY
        if "disk i/o error" in text:
            return IO_ERROR
        return None
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
        if exc.errno in _FULL_ERRNOS:
            return DISK_FULL.replace("The database", "The file")
        if exc.errno in _READ_ONLY_ERRNOS:
            return ("The file could not be written: the folder is read-only or not "
                    "yours. Nothing was saved.")
    return None


def log_failure(exc: BaseException, where: str) -> None:
    """The detail for the operator (the person saw only the sentence)."""
    log.error("write failed in %s: %s: %s", where, type(exc).__name__, exc, exc_info=exc)
