"""Small frozen result objects returned by the solvers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _num(x: float) -> float:
    """A float rounded to 12 significant digits (stable JSON, no float noise)."""
    return float(f"{float(x):.12g}")


def _value(x: float) -> float:
    """An issue value for JSON, unrounded: issue ranges can sit anywhere on the real line
    (near 1e12 a 12-digit rounding would move range ends past each other)."""
    return float(x)


def _finite(x: float | None) -> float | None:
    """An unrounded finite float, or ``None`` (JSON null) for nan/inf."""
    return float(x) if x is not None and np.isfinite(x) else None


def _opt(x: float | None) -> float | None:
    """A finite float for JSON, or ``None`` (JSON null) for nan/inf."""
    return _num(x) if x is not None and np.isfinite(x) else None


@dataclass(frozen=True)
class Point:
    """An outcome: its issue values and every party's utility."""

    outcome: dict[str, float | str]
    utilities: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": {
                k: (v if isinstance(v, str) else _value(v)) for k, v in self.outcome.items()
            },
            "utilities": {k: _num(v) for k, v in self.utilities.items()},
        }


@dataclass(frozen=True)
class Solution(Point):
    """A bargaining solution with the proof of its optimality.

    ``criterion`` is the value of the solution's criterion (for example the
    Nash product's logarithm) and ``bound`` a proven upper bound of it over the
    whole agreement set; ``certified`` is true when ``gap = bound - criterion``
    is within ``1e-9`` of the criterion's scale (a global optimum). ``exact``
    (kept for older readers of the JSON) equals ``certified``. ``message`` says
    why a result is not certified.
    """

    name: str = ""
    exact: bool = True
    message: str = ""
    coords: np.ndarray = field(default=None, repr=False, compare=False)  # type: ignore
    certified: bool = False
    criterion: float = float("nan")
    bound: float = float("nan")
    precision: str = "exact"

    @property
    def gap(self) -> float:
        if not (np.isfinite(self.bound) and np.isfinite(self.criterion)):
            return float("nan")
        return max(0.0, self.bound - self.criterion)

    @property
    def method(self) -> str:
        return "branch-and-bound" if self.precision == "exact" else "grid"

    @property
    def parameters(self) -> dict[str, Any]:
        """The search's settings (tolerances and budgets) that produced this result."""
        from .bnb import GAP_TOL, MAX_NODES
        from .optimize import FEAS_TOL, LOCK_TOL

        return {
            "precision": self.precision,
            "gap_tol": GAP_TOL,
            "feasibility_tol": FEAS_TOL,
            "lock_tol": LOCK_TOL,
            "max_nodes": MAX_NODES,
        }

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["exact"] = self.exact
        out["certified"] = self.certified
        out["criterion"] = _opt(self.criterion)
        out["bound"] = _opt(self.bound)
        out["gap"] = _opt(self.gap)
        out["method"] = self.method
        if self.message:
            out["message"] = self.message
        return out

    def __repr__(self) -> str:
        state = "certified" if self.certified else f"gap {self.gap:.2g}"
        return f"Solution({self.name!r}, {self.outcome!r}, {state})"


@dataclass(frozen=True)
class IssueRange:
    """The values of one issue found in some agreement."""

    issue: str
    min: float | None = None
    max: float | None = None
    levels: tuple[str, ...] | None = None
    certified: bool = False
    gap: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        if self.levels is not None:
            return {"levels": list(self.levels), "certified": self.certified}
        return {
            "min": _finite(self.min),
            "max": _finite(self.max),
            "certified": self.certified,
            "gap": _opt(self.gap),
        }


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

    @property
    def certified(self) -> bool:
        """Every range end, party range and the deal verdict is a proven global optimum."""
        return self.exact

    @property
    def method(self) -> str:
        return "branch-and-bound" if self.exact or self.issues else "grid"

    def __repr__(self) -> str:
        if not self.deal_possible:
            return f"BargainingRange(no deal, max_slack={self.max_slack:.3g})"
        parts = []
        for name, r in self.issues.items():
            parts.append(
                f"{name} "
                + (f"{r.min:.4g}..{r.max:.4g}" if r.levels is None else "/".join(r.levels))
            )
        state = "certified" if self.exact else "not certified"
        return f"BargainingRange(deal, {'; '.join(parts)}; {state})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal_possible": self.deal_possible,
            "bargaining_range": {k: v.to_dict() for k, v in self.issues.items()},
            "party_range": {
                k: {"min": _num(lo), "max": _num(hi)} for k, (lo, hi) in self.parties.items()
            },
        }


@dataclass(frozen=True)
class ParetoFrontier:
    """The Pareto-optimal grid outcomes of the agreement set (all parties count)."""

    indices: np.ndarray = field(repr=False)  # flat grid indices
    utilities: np.ndarray = field(repr=False)  # (F, P)

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
                out[issue.name] = IssueRange(
                    issue.name, min=float(X[:, k].min()), max=float(X[:, k].max())
                )
            else:
                used = set(X[:, k].astype(int).tolist())
                out[issue.name] = IssueRange(
                    issue.name, levels=tuple(lv for j, lv in enumerate(issue.levels) if j in used)
                )
        return out


@dataclass(frozen=True)
class ProposalEvaluation:
    """A proposal's utilities, who accepts it, its surplus per party and its distance to
    each solution (:func:`negotiation.solve.proposals.evaluate_proposal`)."""

    name: str
    point: Point
    accepted_by: tuple[str, ...]
    in_agreement_set: bool
    surplus: dict[str, float]
    distance: dict[str, float]
    source: Any = None
    #: the scenario's linear constraints it breaks (their texts); ``None``: the scenario
    #: has no constraints (the JSON then has no ``feasible`` key)
    violates: tuple[str, ...] | None = None

    @property
    def feasible(self) -> bool:
        """Does it meet every linear constraint of the scenario?"""
        return not self.violates

    def __repr__(self) -> str:
        verdict = "in the agreement set" if self.in_agreement_set else "vetoed"
        if not self.feasible:
            verdict = "infeasible"
        return (
            f"ProposalEvaluation({self.name!r}, {verdict}, accepted by "
            f"{', '.join(self.accepted_by) or 'nobody'})"
        )

    def to_dict(self) -> dict[str, Any]:
        out = self.point.to_dict()
        out["accepted_by"] = list(self.accepted_by)
        out["in_agreement_set"] = self.in_agreement_set
        out["surplus"] = {k: _num(v) for k, v in self.surplus.items()}
        out["distance"] = {k: _num(v) for k, v in self.distance.items()}
        if self.source is not None:
            out["source"] = self.source
        if self.violates is not None:
            out["feasible"] = self.feasible
            out["violates"] = list(self.violates)
        return out
