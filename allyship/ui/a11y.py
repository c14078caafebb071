"""Streamlit-aware helpers for accessibility and small screens.

Kept apart from :mod:`allyship.ui.common` so the pieces that reach past Streamlit's widgets (a
focus move after a save, a page menu for phones) are in one place and easy to drop when
Streamlit does these itself.
"""

from __future__ import annotations

import json

import streamlit as st

from allyship.ui import language

# Streamlit's sidebar turns into an overlay below this width (its own breakpoint).
NARROW_MAX_PX = 767


def focus_confirmation(message: str) -> None:
    """Move keyboard focus — and with it a screen reader — to the confirmation just shown.

    After a save Streamlit reruns and focus falls back to ``<body>``: a keyboard user
    lost their place and a screen reader said nothing. The message is the app's own text
    (never member text); it is JSON-encoded with ``<`` escaped all the same.
    """
    needle = json.dumps(message[:60]).replace("<", "\\u003c")
    st.html(f"""<script>
(() => {{
  const needle = {needle};
  let tries = 0;
  const attempt = () => {{
    const doc = (window.parent || window).document;
    const alerts = Array.from(doc.querySelectorAll('[data-testid="stAlert"]'))
      .filter((a) => (a.innerText || '').includes(needle));
    const target = alerts[alerts.length - 1];
    if (target) {{
      target.setAttribute('tabindex', '-1');
      target.setAttribute('role', 'status');
      target.focus({{preventScroll: false}});
    }} else if (tries++ < 40) {{
      setTimeout(attempt, 50);
    }}
  }};
  attempt();
}})();
</script>""", unsafe_allow_javascript=True, width="content")


# Streamlit's date fields are made of day/month/year segments about 17 px wide: too small
# to hit (WCAG 2.2 target size, 24 px). One rule for every date field in the app.
TARGET_SIZE_CSS = """
[data-testid="stDateInput"] [role="spinbutton"] {
  display: inline-block; min-width: 24px; min-height: 24px; text-align: center;
}
"""
# A collapsed sidebar is only slid off screen: its links stayed in the Tab order (a
# keyboard user tabbed through pages they could not see) and its scrolling content was an
# unreachable scroll region. Hidden when collapsed, after the slide-out.
COLLAPSED_SIDEBAR_CSS = """
[data-testid="stSidebar"][data-collapsed="true"] {
  visibility: hidden; transition: visibility 0s linear 0.3s;
}
"""


def narrow_screen_nav(nav: dict[str, list], current) -> None:  # noqa: ANN001 — st.Page
    """The role's pages in a menu at the top of the page, shown on narrow screens only.

    On a phone Streamlit's sidebar is an overlay that stays open over the page after
    each navigation; this menu lets a member move between pages without opening it. On
    wider screens it is hidden (``display: none``: not seen, not tabbed to, not read).
    The menu is keyed by the page being shown, so it comes up closed on the page chosen
    instead of staying open over it; its links are sent only while it is open.
    """
    st.html(f"""<style>
.st-key-narrow_nav {{ display: none; }}
@media (max-width: {NARROW_MAX_PX}px) {{ .st-key-narrow_nav {{ display: block; }} }}
{TARGET_SIZE_CSS}
{COLLAPSED_SIDEBAR_CSS}
</style>""")
    with st.container(key="narrow_nav"):
        # The links are drawn only while the menu is open (opening it reruns the page):
        # hidden on every wide screen and closed on most phone views, they were a
        # quarter of the elements every page run sent.
        with st.popover(language.translator().pgettext("navigation menu", "Pages"),
                        icon=":material/menu:", on_change="rerun",
                        key=f"narrow_nav_menu_{current.url_path or 'home'}") as menu:
            if menu.open:
                for section, pages in nav.items():
                    st.caption(section)
                    for p in pages:
                        st.page_link(p)
