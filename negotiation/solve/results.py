"""Small frozen result objects returned by the solvers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _num(x: float) -> float:
    """A float rounded to 12 significant digits (stable JSON, no float noise)."""
    return float(f"{float(x):.12g}")


@dataclass(frozen=True)
class Point:
    """An outcome: its issue values and every party's utility."""

    outcome: dict[str, float | str]
    utilities: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": {k: (v if isinstance(v, str) else _num(v))
                            for k, v in self.outcome.items()},
                "utilities": {k: _num(v) for k, v in self.utilities.items()}}


@dataclass(frozen=True)
class Solution(Point):
    """A bargaining solution.

    ``exact`` is true when the continuous issues were refined to the optimum
    (to about 1e-8); false when only the grid point could be certified, with
    ``message`` saying why.
    """

    name: str = ""
    exact: bool = True
    message: str = ""
    coords: np.ndarray = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["exact"] = self.exact
        if self.message:
            out["message"] = self.message
        return out


@dataclass(frozen=True)
class IssueRange:
    """The values of one issue found in some agreement."""

    issue: str
    min: float | None = None
    max: float | None = None
    levels: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.levels is not None:
            return {"levels": list(self.levels)}
        return {"min": _num(self.min), "max": _num(self.max)}


@dataclass(frozen=True)
class BargainingRange:
    """Is a deal possible, and what does the agreement set span?

    ``closest`` is the outcome that maximises the smallest surplus
    ``u_i - d_i`` over the veto parties, and ``max_slack`` that surplus: when
    no deal is possible it says how far apart the parties are (``-max_slack``
    is the utility the worst-off veto party would have to give up).
    """

    deal_possible: bool
    reservation: dict[str, float]
    issues: dict[str, IssueRange]
    parties: dict[str, tuple[float, float]]
    max_slack: float
    closest: Point | None
    grid_points: int
    exact: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal_possible": self.deal_possible,
            "bargaining_range": {k: v.to_dict() for k, v in self.issues.items()},
            "party_range": {k: {"min": _num(lo), "max": _num(hi)}
                            for k, (lo, hi) in self.parties.items()},
        }


@dataclass(frozen=True)
class ParetoFrontier:
    """The Pareto-optimal grid outcomes of the agreement set (all parties count)."""

    indices: np.ndarray = field(repr=False)     # flat grid indices
    utilities: np.ndarray = field(repr=False)   # (F, P)

    @property
    def size(self) -> int:
        return int(self.indices.size)

    def issue_ranges(self, space) -> dict[str, IssueRange]:
        """Per issue, the values found on the frontier (grid-accurate).

        Narrower than the bargaining range: it leaves out agreements that
        waste value (some other agreement is better for everyone).
        """
        out: dict[str, IssueRange] = {}
        if self.size == 0:
            return out
        X = space.coordinates(self.indices)
        for k, issue in enumerate(space.issues):
            if issue.continuous:
                out[issue.name] = IssueRange(issue.name, min=float(X[:, k].min()),
                                             max=float(X[:, k].max()))
            else:
                used = set(X[:, k].astype(int).tolist())
                out[issue.name] = IssueRange(issue.name, levels=tuple(
                    lv for j, lv in enumerate(issue.levels) if j in used))
        return out


@dataclass(frozen=True)
class ProposalEvaluation:
    name: str
    point: Point
    accepted_by: tuple[str, ...]
    in_agreement_set: bool
    surplus: dict[str, float]
    distance: dict[str, float]
    source: Any = None

    def to_dict(self) -> dict[str, Any]:
        out = self.point.to_dict()
        out["accepted_by"] = list(self.accepted_by)
        out["in_agreement_set"] = self.in_agreement_set
        out["surplus"] = {k: _num(v) for k, v in self.surplus.items()}
        out["distance"] = {k: _num(v) for k, v in self.distance.items()}
        if self.source is not None:
            out["source"] = self.source
        return out
