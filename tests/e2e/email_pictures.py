"""Regenerate the README's pictures of each email: ``python -m tests.e2e.email_pictures``.

Builds the demo chapter in a temporary database, composes each kind of message exactly
as the outbox sends it (:func:`allyship.rhythm.mail.build_email`), and renders its HTML part
in Chromium to ``docs/email-<kind>.png``.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from allyship import demo
from allyship.db import store
from allyship.people import roster
from allyship.rhythm import mail, nudges

from . import harness

DOCS = harness.ROOT / "docs"


def main(out_dir: Path = DOCS) -> int:
    with tempfile.TemporaryDirectory(prefix="allyship-mail-") as tmp:
        path = Path(tmp) / "demo.db"
        demo.create_demo_database(path)
        db = store.connect(path)
        admin = roster.find_member_by_email(db, demo.PERSONAS["admin"])
        nudges.save_chapter_settings(db, admin, time_zone="America/Chicago",
                                     public_url="https://allyship.example.org")
        week = nudges.week_start(date.today())
        shots = {
            "email-reminder.png": nudges.compose(
                db, roster.find_member_by_email(db, demo.PERSONAS["member"]), "reminder", week),
            "email-digest.png": nudges.compose(
                db, roster.find_member_by_email(db, demo.PERSONAS["lead"]), "digest", week),
        }
        with sync_playwright() as p:
            browser = harness.launch_chromium(p)
            page = browser.new_page(viewport={"width": 680, "height": 400})
            for name, message in shots.items():
                page.set_content(mail.html_part(mail.build_email(db, message)))
                page.screenshot(path=str(out_dir / name), full_page=True)
                print(f"wrote {out_dir / name}")
            browser.close()
        db.conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
