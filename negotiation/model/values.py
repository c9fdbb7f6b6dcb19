"""Value functions: how much a party likes each value of one issue.

Each maps an issue value to [0, 1] and is vectorised over numpy arrays.
Continuous value functions also report their one-sided slope and their
breakpoints (where the slope may jump), so that optimisers can work on
pieces where the function is smooth.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class IdealValue:
    """``v(x) = max(0, 1 - |x - ideal| / D) ** exponent``.

    ``D`` is the largest distance from ``ideal`` to an end of the issue's
    range, or ``|worst - ideal|`` when ``worst`` is given (values beyond
    ``worst``'s distance are clipped at 0).
    """

    ideal: float
    exponent: float
    distance: float
    worst: float | None = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        s = 1.0 - np.abs(np.asarray(x, dtype=float) - self.ideal) / self.distance
        return np.clip(s, 0.0, 1.0) ** self.exponent

    def slope(self, x: np.ndarray, side: np.ndarray) -> np.ndarray:
        """Derivative at ``x`` taken on the piece that contains ``x + side*0``.

        ``side`` (same shape as ``x``) is +1 or -1 and says on which side of
        a kink the derivative is wanted (the piece an optimiser is on).
        """
        x = np.asarray(x, dtype=float)
        direction = np.where(x - self.ideal == 0, side, np.sign(x - self.ideal))
        s = 1.0 - np.abs(x - self.ideal) / self.distance
        inside = s > 0
        s_safe = np.where(inside, s, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = self.exponent * s_safe ** (self.exponent - 1.0) * (-direction / self.distance)
        d = np.where(inside, d, 0.0)
        return np.clip(d, -1e12, 1e12)

    def breakpoints(self) -> tuple[float, ...]:
        return (self.ideal - self.distance, self.ideal, self.ideal + self.distance)

    def at(self, x: float, side: float) -> tuple[float, float]:
        """Value and one-sided slope at a single point (fast path for optimisers)."""
        gap = x - self.ideal
        direction = side if gap == 0 else (1.0 if gap > 0 else -1.0)
        s = 1.0 - abs(gap) / self.distance
        if s <= 0:
            return 0.0, 0.0
        if s >= 1.0:
            s = 1.0
        e = self.exponent
        value = s**e
        slope = (
            e * s ** (e - 1.0) * (-direction / self.distance)
            if e != 1.0
            else -direction / self.distance
        )
        return value, max(-1e12, min(1e12, slope))


@dataclass(frozen=True)
class PointsValue:
    """Piecewise-linear through ``(xs[j], vs[j])``; flat beyond the ends."""

    xs: tuple[float, ...]
    vs: tuple[float, ...]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(x, dtype=float), self.xs, self.vs)

    def slope(self, x: np.ndarray, side: np.ndarray) -> np.ndarray:
        xs = np.asarray(self.xs)
        vs = np.asarray(self.vs)
        seg_slopes = np.concatenate([[0.0], np.diff(vs) / np.diff(xs), [0.0]])
        x = np.asarray(x, dtype=float)
        # index of the piece containing x (pieces: (-inf,x0), [x0,x1), ...)
        right = np.searchsorted(xs, x, side="right")
        left = np.searchsorted(xs, x, side="left")
        piece = np.where(np.asarray(side) > 0, right, left)
        return seg_slopes[piece]

    def breakpoints(self) -> tuple[float, ...]:
        return tuple(self.xs)

    def at(self, x: float, side: float) -> tuple[float, float]:
        """Value and one-sided slope at a single point (fast path for optimisers)."""
        xs, vs = self.xs, self.vs
        if x < xs[0] or (x == xs[0] and side < 0):
            return vs[0], 0.0
        if x > xs[-1] or (x == xs[-1] and side > 0):
            return vs[-1], 0.0
        j = bisect.bisect_right(xs, x) if side > 0 else bisect.bisect_left(xs, x)
        j = min(max(j, 1), len(xs) - 1)
        slope = (vs[j] - vs[j - 1]) / (xs[j] - xs[j - 1])
        return vs[j - 1] + slope * (x - xs[j - 1]), slope


@dataclass(frozen=True)
class LevelValue:
    """A value for every level of a discrete issue, in level order."""

    values: tuple[float, ...]

    def __call__(self, index: np.ndarray) -> np.ndarray:
        return np.asarray(self.values, dtype=float)[np.asarray(index, dtype=int)]


ValueFunction = IdealValue | PointsValue | LevelValue
