"""Helpers for driving pages with Streamlit's AppTest (real app, real database file)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from allyship import demo
from allyship.db import store
from allyship.people import roster

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")


def open_app(persona: str = "member") -> AppTest:
    """The app on the database named by ``$ALLYSHIP_DB``, viewing the demo as ``persona``."""
    at = AppTest.from_file(APP, default_timeout=60)
    # Set before the first run: changing the picker afterwards reruns only the current
    # page under AppTest, not the entry script that reads it.
    at.session_state["demo_persona"] = persona
    at.run()
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def by_label(elements, label: str):
    """The one element whose label starts with ``label``."""
    found = [e for e in elements if e.label.startswith(label)]
    assert len(found) == 1, (label, [e.label for e in elements])
    return found[0]


def all_text(at: AppTest) -> str:
    """Everything the last run rendered (labels, values, tables as Arrow bytes) as one
    string, so a test can prove a marker never surfaced."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def persona(path: Path, role: str):
    """A connection to the demo database at ``path`` and its ``role`` persona."""
    db = store.connect(path)
    email = demo.PERSONAS.get(role) or demo.org_persona_emails()[role]
    return db, roster.find_member_by_email(db, email)


def open_as(path: Path, role: str, page: str | None = None) -> AppTest:
    """The demo app signed in as the ``role`` persona (by member id), optionally on
    ``page`` (a path such as ``"pages/admin.py"``)."""
    db, member = persona(path, role)
    db.conn.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["member_id"] = member.id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["member_id"] == member.id
    if page is not None:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


# The Admin page's tabs in their order (English labels); only the open one runs.
ADMIN_TABS = ("Members", "Teams", "Add from CSV", "Sign-in codes", "Chapter", "Audit log",
              "Members' data")
LOG_TABS = ("Log an action", "Catch up on a week", "My recent actions")
ORG_TABS = ("Progress", "Report", "Chapters")


def open_tab(at: AppTest, key: str, labels: tuple[str, ...], name: str) -> AppTest:
    """Open the tab ``name`` (its English label among ``labels``, whatever the session's
    language) of the tab set keyed ``key``, as clicking it does: the tab set's keyed
    value, then a run. Only the open tab is drawn."""
    at.session_state[key] = at.tabs[labels.index(name)].label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_admin_tab(at: AppTest, name: str) -> AppTest:
    """Open the Admin page's tab ``name``."""
    return open_tab(at, "admin_tab", ADMIN_TABS, name)


def open_log_tab(at: AppTest, name: str) -> AppTest:
    """Open *Log actions*' tab ``name``."""
    return open_tab(at, "tab", LOG_TABS, name)


def open_org_tab(at: AppTest, name: str) -> AppTest:
    """Open the Organisation page's tab ``name``."""
    return open_tab(at, "org_tab", ORG_TABS, name)


def sign_in_page() -> AppTest:
    """The app's sign-in page in a new session. Run twice: on the very first run in a
    process Streamlit leaves its legacy pages mode and drops the first widget change
    (docs/DESIGN-NOTES.md, 9)."""
    return AppTest.from_file(APP, default_timeout=60).run().run()
