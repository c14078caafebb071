"""Schema: the language each member reads in, and each chapter's default."""

from __future__ import annotations

import sqlite_utils


def add_language_settings(db: sqlite_utils.Database) -> None:
    """``members.language`` (NULL: the browser's language, else the chapter's) and
    ``chapters.default_language`` (NULL: English). Language tags as in ``locale/``
    ("es"); what people write is stored as written, never translated."""
    db.execute("ALTER TABLE members ADD COLUMN language TEXT")
    db.execute("ALTER TABLE chapters ADD COLUMN default_language TEXT")
