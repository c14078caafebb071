"""Allyship Accountability Dashboard — entry point.

Page config, the database handle, who is acting, and the navigation built from
their role. Run with ``streamlit run streamlit_app.py`` (``-- --db PATH`` for
another database).

The same file defines ``app``, an ``st.App`` that ``streamlit run`` discovers and serves
with the small HTTP routes of :mod:`allyship.web.registry` beside the app (Streamlit 1.67).
Streamlit runs this file as the page script under the name ``__main__``; the server
imports it under its own name only to find ``app``, so the page script runs only as
``__main__`` and ``app`` is built only on import.
"""

import os

# Arrow's buffers on the C library's allocator, where the server's memory trimmer can
# return them (allyship.web.memory). Arrow reads this once, as pyarrow is imported (pandas
# imports it), so it is set here, before anything else: set later, pyarrow's own
# mimalloc kept a large arena holding little after a busy spell.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import streamlit as st  # noqa: E402 - after the allocator choice above


def main() -> None:
    """The page script: page config, sign-in, navigation by role, the chosen page."""
    from allyship.core import access
    from allyship.ui import a11y, common, identity, navigation

    navigation.leave_legacy_pages_mode()
    st.set_page_config(page_title="Allyship Accountability", page_icon=str(common.FAVICON),
                       layout="wide")
    # The role's pages are listed here, at the top of the sidebar (filled in at the end).
    nav_area = st.sidebar.container()

    PAGES = {
        "my_week": st.Page("pages/my_week.py", title="My week", icon=":material/today:",
                           default=True),
        "my_plan": st.Page("pages/my_plan.py", title="My plan", icon=":material/flag:"),
        "log_actions": st.Page("pages/log_actions.py", title="Log actions",
                               icon=":material/edit_note:"),
        "reflect": st.Page("pages/reflect.py", title="Reflect", icon=":material/self_improvement:"),
        "shared": st.Page("pages/shared.py", title="Shared with me", icon=":material/forum:"),
        "about": st.Page("pages/about.py", title="About the practice", icon=":material/menu_book:"),
        "partners": st.Page("pages/partners.py", title="Partners", icon=":material/handshake:"),
        "circles": st.Page("pages/circles.py", title="Learning circle", icon=":material/groups:"),
        "ideas": st.Page("pages/ideas.py", title="Activity ideas", icon=":material/lightbulb:"),
        "admin": st.Page("pages/admin.py", title="Admin", icon=":material/admin_panel_settings:"),
        "account": st.Page("pages/account.py", title="Account", icon=":material/account_circle:"),
        "data": st.Page("pages/data.py", title="Import & export", icon=":material/import_export:"),
        "messages": st.Page("pages/messages.py", title="Email & reminders", icon=":material/mail:"),
        "team_progress": st.Page("pages/team_progress.py", title="Team progress",
                                 icon=":material/monitoring:"),
        "chapter_report": st.Page("pages/chapter_report.py", title="Chapter report",
                                  icon=":material/summarize:"),
        "partner_voice": st.Page("pages/partner_voice.py", title="Partner voice",
                                 icon=":material/record_voice_over:"),
        "organisation": st.Page("pages/organisation.py", title="Organisation",
                                icon=":material/public:"),
    }
    SECTIONS = {
        "Me": ["my_week", "my_plan", "log_actions", "reflect"],
        "Practice": ["shared", "partners", "circles", "ideas", "about"],
        "Team & chapter": ["team_progress", "chapter_report", "partner_voice"],
        "Chapter": ["admin", "data", "messages"],
        "Organisation": ["organisation"],
        "Account": ["account"],
    }

    db = common.get_db()
    member = identity.sign_in(db)  # stops the run with a sign-in screen when nobody is signed in
    common.demo_banner(db)
    identity.sidebar(member)  # who is signed in, and "Sign out"

    nav = {
        section: [PAGES[key] for key in keys if key in PAGES and access.can_open(member, key)]
        for section, keys in SECTIONS.items()
    }
    # The role's pages drawn as links: st.navigation's own menu is hidden with the pages/
    # folder's listing (allyship.ui.navigation). Checked by tests/e2e/test_navigation.py.
    nav = {s: p for s, p in nav.items() if p}
    page = st.navigation(nav, position="hidden")
    a11y.narrow_screen_nav(nav, page)  # phones: the pages at the top, sidebar left closed
    navigation.sidebar_links(nav_area, nav)
    with common.report_write_failures(page.title):  # disk full / read-only: one sentence
        page.run()


if __name__ == "__main__":
    from allyship.ui import common
    from allyship.web import page_runs

    # One run at a time in this process (a bounded wait): interleaved runs cost more CPU
    # each (allyship/web/page_runs.py).
    with page_runs.hold(), common.report_write_failures("sign-in"):  # sign-in writes too
        main()
else:
    from allyship.web import registry

    app = st.App("streamlit_app.py", routes=registry.routes(), middleware=registry.middleware(),
                 lifespan=registry.lifespan)
