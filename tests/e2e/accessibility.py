"""axe-core checks for the browser tests.

axe-core comes bundled in ``axe-playwright-python`` (PyPI) and runs inside Debian's
Chromium on the page as a person sees it. The rule: **no critical and no serious
violation anywhere**; a moderate or minor one is allowed only if it is listed in
``ALLOWED`` below with the reason we accept it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe

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
        "minor, Streamlit's st.file_uploader (Import & export): its drop zone icon is an "
        "<svg role=presentation> that is focusable inside Streamlit's own markup; the "
        "'Browse files' button beside it is a proper, labelled button."),
}

BLOCKING = frozenset({"critical", "serious"})

_axe = Axe()


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
    """Run axe-core on ``page`` as it is now."""
    results = _axe.run(page, options=RUN_OPTIONS)
    return [Finding(v["id"], v.get("impact") or "minor", len(v["nodes"]), v["help"],
                    tuple(", ".join(map(str, n["target"])) for n in v["nodes"]),
                    _first(v["nodes"]))
            for v in results.response["violations"]]


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
