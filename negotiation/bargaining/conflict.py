"""The conflict model: war as a costly lottery, the bargaining range it leaves, private
information about its cost and the commitment problem of a shifting balance of power.

Fearon (1995): each party ``i`` expects ``W_i = sum_w P(w) u_i(o_w)`` from the war
lottery (its own value functions, so a concave value function, risk aversion,
widens the range) and pays ``c_i``; its reservation value is ``d_i = W_i - c_i``
(``W_i - E[c_i]`` when its cost is private). The bargaining range is the
agreement set ``{x : u_i(x) >= d_i}`` of :mod:`negotiation.solve.agreement`.
:func:`conflict_model` gathers these with the two rationalist explanations of
war that the file can switch on: private costs
(:mod:`negotiation.bargaining.private_information`) and a shift of power
(:mod:`negotiation.bargaining.commitment`). ``docs/conflict.md`` has the
formulas and what they mean for the talks.

Reference: Fearon, J. (1995). Rationalist explanations for war.
*International Organization* 49(3), 379-414.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model.scenario import BatnaConflict
from ..model.utility import conflict_utilities
from ..solve.problem import Problem
from ..solve.results import BargainingRange, _num
from .commitment import Commitment, commitment_problem
from .private_information import PrivateInformation, private_information


@dataclass(frozen=True)
class ConflictResult:
    """War values, costs, reservation values, the range and the two war explanations."""

    war_value: dict[str, float]  # W_i, the lottery's expected utility
    costs: dict[str, float]  # c_i (the mean for a private cost)
    reservation: dict[str, float]  # d_i
    from_lottery: dict[str, bool]  # is d_i = W_i - c_i (batna: conflict)?
    private_costs: dict[str, dict[str, list[float]]]
    deal_possible: bool
    range: dict[str, tuple[float, float]]  # party -> utility range of the agreement set
    private: PrivateInformation | None
    commitment: Commitment | None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "war_value": {k: _num(v) for k, v in self.war_value.items()},
            "costs": {k: _num(v) for k, v in self.costs.items()},
            "reservation": {k: _num(v) for k, v in self.reservation.items()},
            "reservation_from_lottery": dict(self.from_lottery),
            "deal_possible": self.deal_possible,
            "range": {k: {"min": _num(lo), "max": _num(hi)} for k, (lo, hi) in self.range.items()},
        }
        if self.private_costs:
            out["private_costs"] = self.private_costs
        if self.private is not None:
            out["private_information"] = self.private.to_dict()
            if self.private.skipped:
                out["private_information_skipped"] = dict(self.private.skipped)
        if self.commitment is not None:
            out["commitment_problem"] = self.commitment.to_dict()
        return out


def conflict_model(problem: Problem, rng: BargainingRange) -> ConflictResult | None:
    """The conflict model of ``problem`` (``None``: the scenario has no ``conflict`` block);
    ``rng`` is its bargaining range (:func:`negotiation.solve.agreement.bargaining_range`)."""
    sc = problem.scenario
    if sc.conflict is None:
        return None
    W = conflict_utilities(sc)
    names = problem.names
    return ConflictResult(
        war_value={n: float(W[i]) for i, n in enumerate(names)},
        costs={n: float(sc.conflict.costs.get(n, 0.0)) for n in names},
        reservation={n: float(problem.d[i]) for i, n in enumerate(names)},
        from_lottery={p.name: isinstance(p.batna, BatnaConflict) for p in sc.parties},
        private_costs={k: v.to_dict() for k, v in sc.conflict.private_costs.items()},
        deal_possible=rng.deal_possible,
        range=dict(rng.parties),
        private=private_information(problem),
        commitment=commitment_problem(problem),
    )


__all__ = ["ConflictResult", "conflict_model"]
