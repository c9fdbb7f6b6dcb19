"""The utility frontier as an oracle for the non-cooperative bargaining models.

The alternating-offers models (:mod:`.rubinstein`, :mod:`.baron_ferejohn`) need
one primitive: the best a proposer ``i`` can get when some other parties must
each get at least a given surplus,

    f_i(t) = max_x  u_i(x) - d_i   s.t.  u_j(x) - d_j >= t_j  for j in the floors,
                                          u_k(x) >= d_k       for the required parties.

Surpluses are measured over the reservation values ``d`` (the disagreement
point). On a scenario, :class:`ScenarioFrontier` answers it with one call of the
certified core (:func:`negotiation.solve.optimize.optimise`) on a copy of the
problem whose reservation vector is ``d + t`` and whose constrained parties
are the floors plus the required ones; the answer carries the core's
certificate (``certified``, ``gap``). Answers are cached.

Any object with the same ``names``, ``d``, ``best`` and ``nash`` (for example a
divide-the-dollar pie in the tests) can stand in for it: the models only use
this interface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from ..solve.optimize import Optimum, Stage, optimise
from ..solve.problem import Problem

#: Problem caches that do not depend on the reservation values or the veto parties.
_SHARED = ("names", "weights", "tables", "structure", "U", "feasible", "constraint_rows", "_active")


@dataclass(frozen=True)
class Offer:
    """One point of the frontier: an outcome and what every party gets from it.

    ``surplus`` is ``utilities - d``; ``gap`` is the core's proven gap on the
    maximised surplus (0 for closed-form oracles).
    """

    surplus: np.ndarray
    utilities: np.ndarray
    outcome: dict[str, float | str] | None = None
    coords: np.ndarray | None = field(default=None, repr=False)
    certified: bool = True
    gap: float = 0.0


class Frontier(Protocol):
    """What the bargaining models need from a bargaining problem."""

    names: list[str]
    d: np.ndarray

    def best(self, i: int, floors: Mapping[int, float]) -> Offer | None:
        """Max surplus of ``i`` s.t. ``surplus_j >= floors[j]`` (``None``: infeasible)."""
        ...

    def nash(self, weights: np.ndarray, floors: Mapping[int, float]) -> Offer | None:
        """Max ``sum_i w_i log surplus_i`` over ``w_i > 0`` s.t. the floors."""
        ...


def constrained(base: Problem, reservation: np.ndarray, members: np.ndarray) -> Problem:
    """A copy of ``base`` with reservation values ``reservation`` and the parties
    ``members`` (a boolean mask) as the constrained ("veto") parties.

    The copy shares ``base``'s compiled structure (nothing in it depends on the
    reservation values), so each copy costs only the core call made on it.
    """
    out = replace(base, reservation=np.asarray(reservation, dtype=float))
    for key in _SHARED:
        if key in base.__dict__:
            out.__dict__[key] = base.__dict__[key]
    out.__dict__["veto"] = np.asarray(members, dtype=bool).copy()
    return out


class ScenarioFrontier:
    """The frontier oracle of a compiled scenario, answered by the certified core.

    Parameters
    ----------
    problem : Problem
        The compiled scenario (its reservation values are ``d``).
    required : sequence of int
        Parties that must get at least their reservation value in every
        outcome considered (for two-party alternating offers inside a larger
        scenario: the other veto parties).
    """

    def __init__(self, problem: Problem, required: Sequence[int] = ()) -> None:
        self.problem = problem
        self.names = list(problem.names)
        self.d = np.asarray(problem.d, dtype=float)
        self.required = tuple(int(k) for k in required)
        self._cache: dict[Any, Offer | None] = {}
        self.calls = 0

    def _solve(self, key: Any, stages: list[Stage], floors: Mapping[int, float]) -> Offer | None:
        if key in self._cache:
            return self._cache[key]
        P = len(self.names)
        reservation = self.d.copy()
        members = np.zeros(P, dtype=bool)
        for k in self.required:
            members[k] = True
        for j, t in floors.items():
            reservation[j] = self.d[j] + float(t)
            members[j] = True
        problem = constrained(self.problem, reservation, members)
        self.calls += 1
        opt = optimise(problem, stages, require_agreement=True)
        offer = None if opt is None else self._offer(opt)
        self._cache[key] = offer
        return offer

    def _offer(self, opt: Optimum) -> Offer:
        u = np.asarray(opt.utilities, dtype=float)
        gap = float(opt.gap) if np.isfinite(opt.gap) else float("inf")
        return Offer(
            u - self.d,
            u,
            self.problem.space.decode(opt.coords),
            np.asarray(opt.coords),
            bool(opt.certified),
            gap,
        )

    def best(self, i: int, floors: Mapping[int, float]) -> Offer | None:
        """Max surplus of party ``i`` s.t. the floors (one certified core call).

        Ties are broken by the total utility of all parties (so the outcome
        is Pareto efficient among the optima).
        """
        P = len(self.names)
        c = np.zeros(P)
        c[i] = 1.0
        key = ("best", int(i), tuple(sorted((int(j), float(t)) for j, t in floors.items())))
        return self._solve(key, [Stage("linear", c), Stage("linear", np.ones(P))], floors)

    def nash(self, weights: np.ndarray, floors: Mapping[int, float]) -> Offer | None:
        """Weighted Nash point of the players ``weights > 0`` measured from ``d``
        (the floors, if any, are extra constraints)."""
        w = np.asarray(weights, dtype=float)
        key = ("nash", tuple(w.tolist()), tuple(sorted(floors.items())))
        if key in self._cache:
            return self._cache[key]
        P = len(self.names)
        members = np.zeros(P, dtype=bool)
        members[list(self.required)] = True
        members |= w > 0
        problem = constrained(self.problem, self.d, members)
        self.calls += 1
        opt = optimise(problem, [Stage("nash", w), Stage("linear", np.ones(P))])
        offer = None if opt is None else self._offer(opt)
        for j, t in floors.items():
            if offer is not None and offer.surplus[j] < t:
                # on a Pareto frontier the constrained Nash point is where the floor binds
                others = [k for k in np.flatnonzero(w > 0) if k != j]
                offer = self.best(int(others[0]), {j: t}) if others else offer
        self._cache[key] = offer
        return offer


def surplus_scale(frontier: Frontier, parties: Sequence[int]) -> float:
    """The largest surplus any of ``parties`` can get (1 when none is positive)."""
    best = [frontier.best(i, {}) for i in parties]
    tops = [float(b.surplus[i]) for b, i in zip(best, parties) if b is not None]
    top = max(tops, default=0.0)
    return top if top > 0 else 1.0


__all__ = ["Frontier", "Offer", "ScenarioFrontier", "constrained", "surplus_scale"]
