"""Issues and the outcome space: the grid of packages the solvers search."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Issue:
    """One negotiated issue.

    A continuous issue has ``range=(lo, hi)`` and ``grid`` points on it; a
    discrete issue has ordered ``levels`` (its coordinate is the level index).
    """

    name: str
    range: tuple[float, float] | None = None
    levels: tuple[str, ...] | None = None
    grid: int = 101
    description: str | None = None
    unit: str | None = None
    kinks: tuple[float, ...] = ()

    @property
    def continuous(self) -> bool:
        return self.levels is None

    @property
    def bounds(self) -> tuple[float, float]:
        """``(lo, hi)`` of a continuous issue."""
        if self.range is None:
            raise ValueError(f"issue {self.name!r} is discrete: it has levels, not a range")
        return self.range

    @property
    def level_names(self) -> tuple[str, ...]:
        """The ordered levels of a discrete issue."""
        if self.levels is None:
            raise ValueError(f"issue {self.name!r} is continuous: it has a range, not levels")
        return self.levels

    def grid_values(self) -> np.ndarray:
        """Grid coordinates: ``grid`` evenly spaced points plus the ``kinks``.

        ``kinks`` are the points where some party's value function changes
        slope (an ideal point, a vertex of a piecewise-linear function): optima
        often sit there, so the grid always contains them.
        """
        if self.continuous:
            lo, hi = self.bounds
            even = np.linspace(lo, hi, self.grid)
            if not self.kinks:
                return even
            kinks = np.array([k for k in self.kinks if lo < k < hi])
            # a kink within float noise of an even point replaces it (no near-twins)
            close = (
                np.abs(even[:, None] - kinks[None, :]).min(axis=1) <= 1e-9 * (hi - lo)
                if kinks.size
                else np.zeros(even.size, dtype=bool)
            )
            close[[0, -1]] = False
            return np.unique(np.concatenate([even[~close], kinks]))
        return np.arange(len(self.level_names), dtype=float)

    def encode(self, value: Any) -> float:
        """Coordinate of a value given as in a scenario file."""
        if self.continuous:
            return float(value)
        return float(self.level_names.index(value))

    def decode(self, coordinate: float) -> float | str:
        if self.continuous:
            return float(coordinate)
        return self.level_names[int(round(coordinate))]


@dataclass(frozen=True)
class OutcomeSpace:
    """The full-factorial grid over all issues (row-major, first issue slowest)."""

    issues: tuple[Issue, ...]

    @cached_property
    def grids(self) -> tuple[np.ndarray, ...]:
        return tuple(issue.grid_values() for issue in self.issues)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(g) for g in self.grids)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @cached_property
    def continuous(self) -> np.ndarray:
        """Indices of the continuous issues."""
        return np.array([k for k, i in enumerate(self.issues) if i.continuous], dtype=int)

    @cached_property
    def discrete(self) -> np.ndarray:
        return np.array([k for k, i in enumerate(self.issues) if not i.continuous], dtype=int)

    def coordinates(self, index: np.ndarray) -> np.ndarray:
        """``(M, K)`` issue coordinates of flat grid indices."""
        multi = np.unravel_index(np.asarray(index, dtype=np.int64), self.shape)
        return np.stack([g[m] for g, m in zip(self.grids, multi)], axis=-1)

    def all_coordinates(self) -> np.ndarray:
        return self.coordinates(np.arange(self.size))

    def decode(self, coords: np.ndarray) -> dict[str, float | str]:
        return {issue.name: issue.decode(c) for issue, c in zip(self.issues, coords)}

    def encode(self, outcome: dict[str, Any]) -> np.ndarray:
        return np.array([issue.encode(outcome[issue.name]) for issue in self.issues])
