"""axe-core checks for the browser tests.

axe-core comes bundled in ``axe-playwright-python`` (PyPI) and runs inside Debian's
Chromium on the page as a person sees it. The rule: **no critical and no serious
violation anywhere**; a moderate or minor one is allowed only if it is listed in
``ALLOWED`` below with the reason we accept it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from axe_playwright_python.base import AXE_SCRIPT

# WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices (landmarks, heading order).
RUN_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                           "best-practice"]},
}

# Moderate or minor findings we accept, each with why. Critical and serious never are.
ALLOWED: dict[str, str] = {
    "presentation-role-conflict": (
        "minor, inside Streamlit's st.file_uploader (Admin › Add from CSV, Import & export): "
        "its drop zone is a <section role=presentation tabindex=-1 aria-label=…>, which we "
        "cannot change; the 'Browse files' button in it is a proper, labelled button, and "
        "the zone itself is out of the Tab order."),
}

BLOCKING = frozenset({"critical", "serious"})



@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    nodes: int
    help: str
    targets: tuple[str, ...]
    first: str = ""  # the first offending element's HTML and axe's message, to debug

    def __str__(self) -> str:
        where = "; ".join(self.targets[:3])
        return f"{self.impact} {self.rule} ×{self.nodes}: {self.help} — {where} {self.first}"


def scan(page) -> list[Finding]:  # noqa: ANN001
    """Run axe-core on ``page`` once the app has settled."""
    settle(page)
    # Streamlit moves between pages without reloading, so axe (~600 kB) is injected once
    # per document, not before every scan.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    response = page.evaluate("options => axe.run(document, options)", RUN_OPTIONS)
    return [Finding(v["id"], v.get("impact") or "minor", len(v["nodes"]), v["help"],
                    tuple(", ".join(map(str, n["target"])) for n in v["nodes"]),
                    _first(v["nodes"]))
            for v in response["violations"]]


def _first(nodes: list[dict]) -> str:
    if not nodes:
        return ""
    n = nodes[0]
    why = " ".join(c.get("message", "") for c in n.get("any", []) + n.get("all", []))
    return f"[{n.get('html', '')[:160]} — {why[:200]}]"


def blocking(findings: list[Finding]) -> list[Finding]:
    """What fails a test: any critical or serious finding, and any moderate or minor one
    not in the allow-list."""
    return [f for f in findings if f.impact in BLOCKING or f.rule not in ALLOWED]


def counts(findings: list[Finding]) -> Counter:
    """Violated rules per impact (as axe reports them: a rule on many elements once)."""
    return Counter(f.impact for f in findings)


# Streamlit shows "Running… Stop" and fades stale elements while a rerun is under way, and
# shows its status widget only after a short delay: a page counts as settled once nothing
# is running, stale or loading for 400 ms in a row. (Scanning mid-run measured the fading,
# not the page.)
SETTLED_JS = """
() => {
  const busy = document.querySelector(
    '[data-testid="stStatusWidget"], [data-stale="true"], [data-testid="stSkeleton"]');
  const now = performance.now();
  if (busy) { window.__axeCalmSince = null; return false; }
  if (!window.__axeCalmSince) window.__axeCalmSince = now;
  return now - window.__axeCalmSince > 400;
}
"""


def settle(page) -> None:  # noqa: ANN001
    """Wait until the app has finished its run and stayed idle (see ``SETTLED_JS``)."""
    page.evaluate("window.__axeCalmSince = null")
    page.wait_for_function(SETTLED_JS, polling=100)


HEADING_LEVELS_JS = """
() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
  .filter((h) => h.offsetParent !== null && (h.innerText || '').trim())
  .map((h) => Number(h.tagName[1]))
"""


def heading_problems(page) -> list[str]:  # noqa: ANN001
    """Headings out of order: not starting at one h1, or skipping a level going down."""
    levels = page.evaluate(HEADING_LEVELS_JS)
    problems = []
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        problems.append(f"expected one h1 first, got levels {levels}")
    for before, after in zip(levels, levels[1:]):
        if after > before + 1:
            problems.append(f"h{before} followed by h{after} in {levels}")
    return problems
