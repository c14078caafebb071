"""Vega-Lite specs to SVG with vl-convert, for the organisation report's offline HTML.

The chapter report draws its charts itself, straight from its frames
(:mod:`allyship.reports.report_svg`); the organisation report's one chart goes through
here. vl-convert's JavaScript runtime starts on the first drawing in a process.
"""

from __future__ import annotations

from typing import Any


def to_svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec (a dict) as an SVG document; vl-convert's own error if it
    cannot draw it."""
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)
