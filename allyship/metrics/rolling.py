"""The 4-week rolling mean of the weekly participation share, in plain Python."""

from __future__ import annotations

import math

ROLLING_WEEKS = 4
NAN = float("nan")


def rolling_mean(values: list[float]) -> list[float]:
    """The 4-week rolling mean (NaN where the window has no value), bit for bit what
    pandas' ``Series.rolling(4, min_periods=1).mean()`` gives, without building a Series
    for a series of a few dozen weeks.

    pandas' algorithm: one running sum, Kahan-compensated separately for values entering
    and leaving the window; a window of equal values gives that value; a mean of no
    negative values is never below zero.
    """
    out: list[float] = []
    nobs = neg = same = 0
    total = added = removed = 0.0
    last = values[0] if values else NAN

    def add(v: float) -> None:
        nonlocal nobs, neg, same, total, added, last
        if math.isnan(v):  # a week without a share: not counted
            return
        nobs += 1
        y = v - added
        t = total + y
        added = t - total - y
        total = t
        neg += v < 0
        same = same + 1 if v == last else 1
        last = v

    def remove(v: float) -> None:
        nonlocal nobs, neg, total, removed
        if math.isnan(v):
            return
        nobs -= 1
        y = -v - removed
        t = total + y
        removed = t - total - y
        total = t
        neg -= v < 0

    for i, value in enumerate(values):
        if i >= ROLLING_WEEKS:
            remove(values[i - ROLLING_WEEKS])
        add(value)
        if nobs <= 0:
            out.append(NAN)
            continue
        mean = total / nobs
        if same >= nobs:
            mean = last
        elif (neg == 0 and mean < 0) or (neg == nobs and mean > 0):
            mean = 0.0  # rounding left a sign no value has
        out.append(mean)
    return out

