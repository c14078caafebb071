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

from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import streamlit as st  # noqa: E402 - after the allocator choice above

from allyship.i18n import N_  # noqa: E402


def _pages(_: Callable[[str], str]) -> dict[str, Any]:
    """Every page the app has, titled in the session's language (``_`` translates)."""
    return {
        "my_week": st.Page("pages/my_week.py", title=_("My week"), icon=":material/today:",
                           default=True),
        "my_plan": st.Page("pages/my_plan.py", title=_("My plan"), icon=":material/flag:"),
        "log_actions": st.Page("pages/log_actions.py", title=_("Log actions"),
                               icon=":material/edit_note:"),
        "reflect": st.Page("pages/reflect.py", title=_("Reflect"), icon=":material/self_improvement:"),
        "shared": st.Page("pages/shared.py", title=_("Shared with me"), icon=":material/forum:"),
        "about": st.Page("pages/about.py", title=_("About the practice"), icon=":material/menu_book:"),
        "partners": st.Page("pages/partners.py", title=_("Partners"), icon=":material/handshake:"),
        "circles": st.Page("pages/circles.py", title=_("Learning circle"), icon=":material/groups:"),
        "ideas": st.Page("pages/ideas.py", title=_("Activity ideas"), icon=":material/lightbulb:"),
        "admin": st.Page("pages/admin.py", title=_("Admin"), icon=":material/admin_panel_settings:"),
        "account": st.Page("pages/account.py", title=_("Account"), icon=":material/account_circle:"),
        "data": st.Page("pages/data.py", title=_("Import & export"), icon=":material/import_export:"),
        "messages": st.Page("pages/messages.py", title=_("Email & reminders"), icon=":material/mail:"),
        "team_progress": st.Page("pages/team_progress.py", title=_("Team progress"),
                                 icon=":material/monitoring:"),
        "chapter_report": st.Page("pages/chapter_report.py", title=_("Chapter report"),
                                  icon=":material/summarize:"),
        "partner_voice": st.Page("pages/partner_voice.py", title=_("Partner voice"),
                                 icon=":material/record_voice_over:"),
        "organisation": st.Page("pages/organisation.py", title=_("Organisation"),
                                icon=":material/public:"),
    }


# The sidebar's sections and their pages, in order; each role sees those it may open.
SECTIONS = {
    N_("Me"): ["my_week", "my_plan", "log_actions", "reflect"],
    N_("Practice"): ["shared", "partners", "circles", "ideas", "about"],
    N_("Team & chapter"): ["team_progress", "chapter_report", "partner_voice"],
    N_("Chapter"): ["admin", "data", "messages"],
    N_("Organisation"): ["organisation"],
    N_("Account"): ["account"],
}


def main() -> None:
    """The page script: page config, sign-in, navigation by role, the chosen page."""
    from allyship.core import access
    from allyship.people import language_settings
    from allyship.ui import a11y, common, identity, language, navigation

    navigation.leave_legacy_pages_mode()
    # The sign-in screen speaks the browser's language; once someone is signed in, their
    # own setting, else the browser's, else their chapter's default.
    tr = language.use_language()
    st.set_page_config(page_title=tr.gettext("Allyship Accountability"),
                       page_icon=str(common.FAVICON), layout="wide")
    # The role's pages are listed here, at the top of the sidebar (filled in at the end).
    nav_area = st.sidebar.container()

    db = common.get_db()
    member = identity.sign_in(db)  # stops the run with a sign-in screen when nobody is signed in
    tr = language.use_language(language_settings.member_language(db, member.id),
                               language_settings.chapter_language(db, member.chapter_id))
    language.mark_document(tr)
    pages = _pages(tr.gettext)
    common.demo_banner(db)
    identity.sidebar(member)  # who is signed in, and "Sign out"

    nav = {
        tr.gettext(section): [pages[key] for key in keys if access.can_open(member, key)]
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
