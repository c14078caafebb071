"""The same figure reads the same way on every screen: no change is "no change" (no arrow,
no colour), count axes count whole things, weeks are named by their Monday, one unit of
time per screen, and each screen says which period it shows."""

from __future__ import annotations

import pytest

from allyship.metrics import overview
from allyship.metrics.overview import Headline
from allyship.reports import chapter_report


@pytest.mark.parametrize("kind,value,previous", [
    ("share", 0.66, 0.66), ("share", 0.664, 0.661), ("count", 3, 3), ("minutes", 45, 45),
    ("minutes", 600, 600)])
def test_a_change_that_shows_as_zero_is_no_change_without_arrow_or_colour(kind, value,
                                                                           previous):
    h = Headline("x", "X", value, previous, kind, "")
    assert h.unchanged
    assert h.delta_display == overview.NO_CHANGE
    assert h.delta_style == {"delta_color": "off", "delta_arrow": "off"}
    assert chapter_report.change_words(h) == "no change"


def test_overdue_with_no_change_is_not_red_and_a_rise_still_is():
    same = Headline("overdue", "Next steps overdue", 2, 2, "count", "", lower_is_better=True)
    assert same.delta_style["delta_color"] == "off"
    more = Headline("overdue", "Next steps overdue", 3, 2, "count", "", lower_is_better=True)
    assert (more.delta_display, more.delta_style["delta_color"]) == ("+1", "inverse")
    assert chapter_report.change_words(more) == "+1 (worse)"


def test_a_real_change_keeps_its_sign_arrow_and_colour():
    h = Headline("participation", "Weekly participation", 0.7, 0.6, "share", "")
    assert not h.unchanged
    assert h.delta_display == "+10 pts"
    assert h.delta_style == {"delta_color": "normal", "delta_arrow": "auto"}
    assert Headline("steady", "Steady", 0.5, None, "share", "").unchanged is False
