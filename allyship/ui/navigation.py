"""The app's pages beside a ``pages/`` folder: Streamlit's legacy reading of it kept out
of the way, and the sidebar's links to the role's pages.

Streamlit 1.67 reads a ``pages/`` folder beside the entry script as a legacy multipage
app: a new server process runs the file a link names *instead of* ``streamlit_app.py``
(no sign-in, no sidebar) until ``st.navigation`` has run once, and lists every file in
the sidebar. It offers no supported switch (no config option, no ``st.App`` or
``st.navigation`` parameter), so:

* :func:`leave_legacy_pages_mode` clears the private class flag
  ``PagesManager.uses_pages_directory`` (the flag ``st.navigation`` itself clears) and
  reruns once per process; ``tests/test_navigation_mode.py`` pins the flag's behaviour;
* ``[client] showSidebarNavigation = false`` hides the folder listing, which in 1.67
  also hides ``st.navigation``'s menu, so :func:`sidebar_links` draws the role's pages.

All of it can go when Streamlit lets an app opt out of the ``pages/`` folder reading
(or stops reading it once the entry script calls ``st.navigation``): then
``st.navigation(nav)`` draws the sidebar itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

_rerun_done = False


def leave_legacy_pages_mode() -> None:
    """Make sure this server runs the app through ``streamlit_app.py``'s navigation.

    Until then the very first run of a fresh server skips the entry script and loses the
    first widget change; leaving the mode and rerunning at once gives the first visitor
    the same app as everyone after.
    """
    from streamlit.runtime.pages_manager import PagesManager

    global _rerun_done
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # Rerun once per process only: the server's first run carries no clicks to lose.
        # (AppTest resets the flag before every run; rerunning each time would drop the
        # button press being tested.)
        if not _rerun_done:
            _rerun_done = True
            st.rerun()


def sidebar_links(area: Any, nav: Mapping[str, Sequence[Any]]) -> None:
    """The role's pages as links under their section names, in ``area`` (a sidebar
    container drawn before the page)."""
    with area:
        for section, section_pages in nav.items():
            st.caption(section)
            for p in section_pages:
                st.page_link(p)


# --- back to the page a link named, after signing in --------------------------------------

# Where the tab keeps the address it asked for while it signs in: the tab's own storage
# outlives the sign-in's redirects (the session cookie's route, an identity provider)
# and goes with the tab.
WANTED_PAGE_KEY = "allyship.after_sign_in"
# Only a path in this app: one leading slash (never "//host"), then letters, digits and
# the few characters page paths and a tab's query use.
KEEP_MS = 10 * 60 * 1000  # a sign-in that takes longer than this starts from My week
SAFE_PATH = r"^\/(?![\/\\])[A-Za-z0-9_\-\/]*(\?[A-Za-z0-9_\-=&+%.]*)?$"


def remember_wanted_page() -> None:
    """On the sign-in screen: keep the address this tab was opened at (a page from an
    email's link, and its tab) so that the first page after signing in is that one."""
    st.html(f"""<script>
(() => {{
  const w = window.parent || window;
  const wanted = w.location.pathname + w.location.search;
  if (new RegExp({json.dumps(SAFE_PATH)}).test(wanted)) {{
    w.sessionStorage.setItem({json.dumps(WANTED_PAGE_KEY)},
                             JSON.stringify({{path: wanted, at: Date.now()}}));
  }}
}})();
</script>""", unsafe_allow_javascript=True, width="content")


def go_to_wanted_page() -> None:
    """Once per browser session, after signing in: open the address kept by
    :func:`remember_wanted_page` (for a few minutes), if it is not the one shown."""
    if st.session_state.get("_wanted_page_checked"):
        return
    st.session_state["_wanted_page_checked"] = True
    st.html(f"""<script>
(() => {{
  const w = window.parent || window;
  const key = {json.dumps(WANTED_PAGE_KEY)};
  let kept = null;
  try {{ kept = JSON.parse(w.sessionStorage.getItem(key)); }} catch (e) {{ kept = null; }}
  if (!kept || typeof kept.path !== 'string' || !(Date.now() - kept.at < {KEEP_MS})) {{
    w.sessionStorage.removeItem(key);
    return;
  }}
  const here = w.location.pathname + w.location.search;
  // Already there: kept a little longer, since a password sign-in goes on through the
  // session cookie's route and back to the app's first page.
  if (kept.path === here) return;
  w.sessionStorage.removeItem(key);
  if (new RegExp({json.dumps(SAFE_PATH)}).test(kept.path)) w.location.replace(kept.path);
}})();
</script>""", unsafe_allow_javascript=True, width="content")
