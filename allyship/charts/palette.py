"""The charts' colours, dashes and point shapes: one palette system for every chart.

Palettes are chosen for the three common colour-vision deficiencies: the smallest
pairwise distance (CAM02-UCS, simulated deuteranopia, protanopia and tritanopia at full
severity) is at least :data:`MIN_CVD_DISTANCE`, which tests/test_charts.py checks. Colour
is never the only cue: lines also differ by dash and point shape.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design" (kept for single-colour marks).
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                              "#D55E00", "#F0E442", "#000000")
# Eight colours picked from the Okabe–Ito and Tol palettes so that every pair stays
# apart under normal vision and each simulated deficiency, ordered so neighbours in a
# stack differ most.
RESPONSIBILITY_COLOURS: tuple[str, ...] = ("#0072B2", "#F0E442", "#994455", "#56B4E9",
                                           "#000000", "#999933", "#332288", "#EE99AA")
# Lines on white: the same colours, the pale yellow last.
GROUP_COLOURS: tuple[str, ...] = ("#0072B2", "#994455", "#000000", "#999933", "#332288",
                                  "#56B4E9", "#EE99AA", "#F0E442")
GROUP_DASHES: tuple[tuple[int, ...], ...] = ((1, 0), (8, 4), (2, 3), (10, 3, 2, 3), (4, 4),
                                             (12, 2), (1, 5), (6, 2, 2, 2))
GROUP_SHAPES: tuple[str, ...] = ("circle", "square", "triangle-up", "diamond", "cross",
                                 "triangle-down", "triangle-right", "triangle-left")
STATUS_COLOURS = {"Done": "#004488", "Open": "#88CCEE", "Overdue": "#D55E00"}
NONE_COLOUR = "#EEEEEE"  # a heat-map square where nobody practised: explicitly "none"
SOME_RANGE = ("#A6CEE3", "#08306B")  # 1 action … the most actions in a square
MIN_CVD_DISTANCE = 15.0  # the palettes' tested floor (CAM02-UCS ΔE under simulation)
HEIGHT = 280  # px of a chart's plot, unless the chart needs room for its rows
