"""Ratification: two-level games (Putnam 1988) as extra veto rows of the agreement set.

A party's ratifier (a referendum, a senate) has members whose acceptance
thresholds ``theta`` are spread over the ratifier's utility ``U_r`` with CDF
``F``. A package ``x`` passes when at least the share ``pass`` of members have
``theta <= U_r(x)``:

    F(U_r(x)) >= pass   <=>   U_r(x) >= t_r := F^{-1}(pass)        (1)

(``F`` continuous and increasing on its support). So a ratifier is one more
veto constraint ``U_r(x) >= t_r``, a *pseudo-party* whose reservation value is
``t_r`` (Putnam's "win-set" of level II, here the package set the ratifier
accepts). :func:`ratified_problem` appends every ratifier to the problem as
such a pseudo-party (a veto row that is not a player: it does not enter the
bargaining solutions' criteria nor their tie-breaks), so that the agreement
set, the ranges and the five cooperative solutions are recomputed exactly by
the certified core. A ratifier with its own ``weights``/``values`` judges
packages differently from its government; by default it uses the party's.

``cut_by[r]``: the share of the agreement set's *grid* outcomes that ratifier
``r`` alone rejects (``U_r < t_r`` up to ``AGREE_TOL``), each ratifier on its
own, so the shares need not add up. It is a measure on the grid (every
grid outcome counts the same), reported with the grid counts before and
after ratification.

Reference: Putnam, R. (1988). Diplomacy and domestic politics: the logic of
two-level games. *International Organization* 42(3), 427-460.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..solve.agreement import bargaining_range
from ..solve.cooperative import all_solutions
from ..solve.problem import AGREE_TOL, Problem
from ..solve.results import BargainingRange, Solution, _num


def ratified_problem(problem: Problem) -> Problem:
    """``problem`` with every ratifier of its scenario as a veto pseudo-party (eq. 1)."""
    rats = problem.scenario.ratification or ()
    extra = tuple(r.as_party() for r in rats)
    scenario = replace(problem.scenario, parties=problem.scenario.parties + extra)
    d = np.r_[problem.d, [r.threshold for r in rats]]
    return Problem(
        scenario, reservation=d, precision=problem.precision, pseudo=tuple(p.name for p in extra)
    )


def ratifier_utilities(problem: Problem, ratified: Problem) -> np.ndarray:
    """``(N, R)`` utilities of every grid outcome for each ratifier (pseudo-party columns)."""
    P = len(problem.names)
    return ratified.U[:, P:]


@dataclass(frozen=True)
class RatificationResult:
    """The agreement set and the solutions when every ratifier must also pass the package."""

    deal_possible: bool
    thresholds: dict[str, float]  # ratifier -> t_r = F^{-1}(pass)
    ratifiers: dict[str, dict[str, Any]]  # ratifier -> party, pass, distribution, own utility
    cut_by: dict[str, float | None]  # ratifier -> share of agreement grid outcomes it rejects
    grid_before: int
    grid_after: int
    range: BargainingRange
    solutions: dict[str, Solution | None] = field(default_factory=dict)
    #: proposal -> the ratifiers that reject it (its utility below their threshold)
    proposals: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rng = self.range.to_dict()
        return {
            "deal_possible": self.deal_possible,
            "ratifiers": {
                k: {**v, "threshold": _num(self.thresholds[k])} for k, v in self.ratifiers.items()
            },
            "cut_by": {k: None if v is None else _num(v) for k, v in self.cut_by.items()},
            "agreement_grid_points": {"before": self.grid_before, "after": self.grid_after},
            "bargaining_range": rng["bargaining_range"],
            "party_range": rng["party_range"],
            "certified": self.range.certified,
            "solutions": {k: None if s is None else s.to_dict() for k, s in self.solutions.items()},
            "proposals": {
                k: {"passes": not v, "rejected_by": list(v)} for k, v in self.proposals.items()
            },
        }


def rejected_by(
    problem: Problem, outcomes: Sequence[Mapping[str, Any]], ratified: Problem | None = None
) -> list[tuple[str, ...]]:
    """Per outcome (issue name -> value as in a scenario file), the ratifiers that reject
    it: their utility below their threshold ``t_r`` of eq. (1), up to ``AGREE_TOL``."""
    rats = problem.scenario.ratification or ()
    if not rats or not outcomes:
        return [() for _ in outcomes]
    rp = ratified_problem(problem) if ratified is None else ratified
    P = len(problem.names)
    U = rp.utilities(np.array([rp.space.encode(dict(o)) for o in outcomes]))
    return [
        tuple(r.key for j, r in enumerate(rats) if u[P + j] < rp.d[P + j] - AGREE_TOL) for u in U
    ]


def ratification(problem: Problem) -> RatificationResult | None:
    """Agreement set, ranges, cut shares and solutions under ratification (``None``: the
    scenario has no ``ratification`` block)."""
    rats = problem.scenario.ratification or ()
    if not rats:
        return None
    rp = ratified_problem(problem)
    P = len(problem.names)
    base = problem.agreement
    n_base = int(base.sum())
    Ur = ratifier_utilities(problem, rp)
    cut: dict[str, float | None] = {}
    for j, r in enumerate(rats):
        rejects = Ur[base, j] < rp.d[P + j] - AGREE_TOL
        cut[r.key] = float(rejects.mean()) if n_base else None
    rng = bargaining_range(rp)
    sols: dict[str, Solution | None] = {}
    if rng.deal_possible:
        ideal = np.array([rng.parties[n][1] for n in rp.names])
        ideal[~rp.players] = np.nan
        sols = all_solutions(rp, ideal=ideal)
    else:
        from ..solve.cooperative import SOLUTIONS

        sols = {k: None for k in SOLUTIONS}
    props = dict(
        zip(
            [p.name for p in problem.scenario.proposals],
            rejected_by(problem, [p.outcome for p in problem.scenario.proposals], rp),
        )
    )
    return RatificationResult(
        deal_possible=rng.deal_possible,
        thresholds={r.key: float(r.threshold) for r in rats},
        ratifiers={
            r.key: {
                "party": r.party,
                "pass": r.pass_share,
                "thresholds": r.thresholds.to_dict(),
                "own_utility": r.own_utility,
            }
            for r in rats
        },
        cut_by=cut,
        grid_before=n_base,
        grid_after=int(rp.agreement.sum()),
        range=rng,
        solutions=sols,
        proposals=props,
    )


__all__ = [
    "RatificationResult",
    "ratification",
    "ratified_problem",
    "ratifier_utilities",
    "rejected_by",
]
