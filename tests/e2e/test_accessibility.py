"""Accessibility in a real browser (issue 17): axe-core on every page for every demo role,
every tab of every page and the downloaded HTML report; headings in order; the eight
responsibilities read and tabbed 1–8; logging an action by keyboard alone; focus on the
confirmation after a save. (The sign-in page is checked in ``test_sign_in.py``, on the
real chapter's server it already starts; the phone in ``test_phone.py``.)

One server and one browser for all of it; each role is one browser context walking its
pages, so the whole audit costs about as much as a person clicking through once.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter

import pytest
from playwright.sync_api import Page, expect

from . import accessibility as axe
from .harness import ROOT, go_to, open_as_role

pytestmark = pytest.mark.browser

# A page the role has and the roles below it do not: proof the persona switch went through.
ROLES = {"Member": "My week", "Team lead": "Team progress", "Chapter admin": "Admin",
         "Organisation admin": "Organisation"}
RESULTS_DIR = ROOT / "test-results" / "e2e"
SUMMARY = RESULTS_DIR / "axe-summary.json"


settle = axe.settle


def audit_here(page: Page, where: str, found: dict[str, list[axe.Finding]],
               problems: list[str]) -> None:
    findings = axe.scan(page)
    found[where] = findings
    problems += [f"{where}: {f}" for f in axe.blocking(findings)]
    problems += [f"{where}: headings {p}" for p in axe.heading_problems(page)]


def test_every_page_and_tab_for_every_role_has_no_serious_or_critical_axe_finding(
        app, new_page, tmp_path):
    found: dict[str, list[axe.Finding]] = {}
    problems: list[str] = []
    for role, proof in ROLES.items():
        page = new_page()
        titles = open_as_role(page, app.url, role, proof)
        assert len(titles) >= 7, titles
        for title in titles:
            go_to(page, title)
            settle(page)
            audit_here(page, f"{role} / {title}", found, problems)
            tabs = page.get_by_test_id("stMain").get_by_role("tab")
            names = [t.inner_text().strip() for t in tabs.all()]
            for name in names[1:]:  # the first tab is what was just audited
                tab = page.get_by_test_id("stMain").get_by_role("tab", name=name,
                                                                exact=True).first
                if not tab.is_visible():  # a tab set nested in a panel not shown now
                    continue
                tab.click()
                expect(tab).to_have_attribute("aria-selected", "true")
                settle(page)
                audit_here(page, f"{role} / {title} / {tab.inner_text().strip()}", found,
                           problems)
        if role == "Team lead":
            audit_downloaded_report(page, new_page, tmp_path, found, problems)

    per_role: dict[str, Counter] = {}
    for where, findings in found.items():
        per_role.setdefault(where.split(" / ")[0], Counter()).update(axe.counts(findings))
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps({"views": len(found), "per_role": per_role,
                                   "findings": {w: [str(f) for f in fs]
                                                for w, fs in found.items() if fs}}, indent=1))
    assert len(found) >= 30, sorted(found)  # every page and tab was really visited
    assert not problems, "\n".join(problems)


def audit_downloaded_report(page: Page, new_page, tmp_path, found, problems) -> None:  # noqa: ANN001
    """The chapter report's HTML download, opened as the file a lead saved."""
    go_to(page, "Chapter report")
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download HTML")).click()
    path = tmp_path / download.value.suggested_filename
    assert path.suffix == ".html"
    download.value.save_as(path)
    report = new_page()
    report.goto(f"file://{path}")
    expect(report.get_by_role("heading", level=1)).to_be_visible()
    audit_here(report, "Team lead / downloaded HTML report", found, problems)


def test_a_member_logs_an_action_by_keyboard_alone_in_under_25_key_presses(
        member_page: Page, db_reader):
    """Log actions freshly opened, then the keyboard only: every Tab, Space and Enter
    is counted (the text typed is not). Streamlit's own "Skip to main content" link
    comes first, so the sidebar's links need not be tabbed through."""
    page = member_page
    page.goto(f"{page.url.rstrip('/')}/log_actions")
    expect(page.get_by_role("heading", name="Log actions", level=1)).to_be_visible()
    settle(page)
    presses = 0

    def press(key: str) -> None:
        nonlocal presses
        presses += 1
        page.keyboard.press(key)

    def focused_label() -> str:
        return page.evaluate("""() => {
          const el = document.activeElement;
          if (!el) return '';
          if (el.labels && el.labels.length) return el.labels[0].innerText.trim();
          return (el.getAttribute('aria-label') || el.innerText || '').trim();
        }""")

    press("Tab")
    assert focused_label() == "Skip to main content"
    press("Enter")
    while focused_label() != "What I did":
        press("Tab")
        assert presses < 25, f"no 'What I did' within 24 presses (at {focused_label()!r})"
    what = f"Keyboard only [{uuid.uuid4().hex[:8]}]"
    page.keyboard.type(what)
    # The eight responsibilities, in the handout's order, one Tab each.
    order = []
    for _ in range(8):
        press("Tab")
        order.append(focused_label())
        if order[-1].startswith(("2.", "4.")):
            press("Space")
    assert [label.split(".")[0] for label in order] == [str(n) for n in range(1, 9)], order
    # On to the button (kind, minutes, who can see, plan: one stop each), then save.
    while focused_label() != "Log action":
        press("Tab")
        assert presses < 25, f"{presses} presses and not at 'Log action' ({focused_label()!r})"
    press("Enter")

    confirmation = page.get_by_test_id("stAlert").filter(has_text="Action logged.")
    expect(confirmation).to_be_visible()
    # Focus (and so a screen reader) lands on the confirmation, not on <body>.
    expect(confirmation).to_be_focused()
    assert presses < 25, presses
    print(f"\nkey presses to log one action by keyboard: {presses}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "keyboard-presses.txt").write_text(f"{presses}\n")
    rows = db_reader().execute(
        "SELECT group_concat(r.responsibility) FROM actions a JOIN action_responsibilities r"
        " ON r.action_id = a.id WHERE a.description = ?", [what]).fetchone()
    assert sorted(rows[0].split(",")) == ["2", "4"]
