"""Which charts there are, and the templates file that ships them without data.

Shared by :mod:`allyship.charts.builders` (which writes the templates with Altair) and
:mod:`allyship.charts.progress_charts` (which fills them in without Altair).
"""

from __future__ import annotations

from pathlib import Path

KINDS: tuple[str, ...] = ("participation", "responsibility_actions", "coverage",
                          "consistency", "follow_through", "minutes")  # the progress views'
ORG_KINDS: tuple[str, ...] = ("org_participation",)  # the organisation's
GROUP_KINDS: tuple[str, ...] = ("participation", "follow_through",
                                "org_participation")  # a line / bar per group
SHIPPED_GROUPS = 8  # templates in the file: 0 to this many groups (the app warms them all)
TEMPLATES_FILE = Path(__file__).with_name("chart_templates.json")

# Stand-ins the templates are built with, filled in per chart. A group's name: private-use
# characters nobody types, numbered; the heat map's top count: a number no week reaches.
NAME_STAND_IN = "\ue000{}\ue001"
TOP_STAND_IN = 987_654_321
STATUS_COLUMNS = {"done": "Done", "open": "Open", "overdue": "Overdue"}  # frame → chart
