"""What the equilibria of a derived game mean in the scenario: the package agreed, or failure.

A derived game (:mod:`negotiation.games.derived`) is played over the
scenario's packages, so some of its equilibria end in a package every party
can be scored on; :func:`derived_outcomes` names them, so that the report can
draw them in the figures and table them next to the bargaining solutions.

**Proposal game.** Every pure equilibrium in which all players name the same
proposal, and the veto parties outside the game accept it, ends in that
proposal: an *agreed* outcome with the proposal's package and every party's
utility from it. A pure equilibrium in which the choices do not meet ends in
failure: each player gets its disagreement payoff, and there is no package to
draw. Mixed equilibria are lotteries over these and are not drawn; the text
report gives each one's probability of agreement
(:func:`agreement_probability`).

**Nash demand game.** Its pure equilibria with compatible demands lie on the
discretised Pareto frontier, many of them. The one drawn is the agreement
equilibrium with the largest Nash product ``prod_i (a_i - d_i)``: Nash [1]
showed that when the frontier is known with a little uncertainty, the
equilibria of the smoothed demand game converge to the demands that maximise
this product, so of the game's equilibria it is the one his argument selects
(on the grid of demand levels; the first in the listed order when several
share the largest product, and none when every agreement equilibrium leaves
some player at its reservation value). Its package is found by the certified
optimiser: the last player's largest utility given every demand,
``max u_n  s.t.  u_i >= a_i`` for the players (and ``u_j >= d_j`` for the other
veto parties); so every player gets at least its demand.

References
----------
1. Nash, J. (1953). Two-person cooperative games. *Econometrica* 21(1), 128-140.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .derived import HOLD_OUT
from .results import EquilibriumSet

#: A demand profile counts as compatible when the frontier meets it within this.
DEMAND_SLACK = 1e-9


@dataclass(frozen=True, eq=False)
class GameOutcome:
    """Where equilibria of a derived game end.

    Attributes
    ----------
    game : str
        The game's name in the ``games`` block.
    derive : str
        ``proposal-game`` or ``nash-demand``.
    agreed : bool
        A package is agreed (``False``: talks fail; no package).
    name : str
        The proposal agreed, ``"demands met"`` or ``"failure"``.
    equilibria : tuple of int
        Indices (into the game's equilibria) of the equilibria ending here.
    payoffs : dict
        Each player's payoff in the game at this outcome.
    outcome, utilities, coords
        The package (issue -> value), every party's utility from it and its issue
        coordinates; ``None`` / empty when talks fail.
    exact : bool
        The package is certified (the demand game's optimiser closed its gap).
    """

    game: str
    derive: str
    agreed: bool
    name: str
    equilibria: tuple[int, ...]
    payoffs: dict[str, float]
    outcome: dict[str, Any] | None = None
    utilities: dict[str, float] = field(default_factory=dict)
    coords: np.ndarray | None = field(default=None, repr=False)
    exact: bool = True


def derived_outcomes(scenario, problem, name: str, result: EquilibriumSet) -> list[GameOutcome]:
    """The outcomes of the pure equilibria of the derived game ``name`` (see the module
    docstring); ``[]`` for a game that is not derived."""
    kind = result.game.origin.get("derive")
    if kind == "proposal-game":
        return _proposal_outcomes(scenario, problem, name, result)
    if kind == "nash-demand":
        return _demand_outcomes(scenario, problem, name, result)
    return []


def _pure(result: EquilibriumSet) -> list[tuple[int, tuple[int, ...]]]:
    """``(index, strategy indices)`` of every pure equilibrium."""
    return [
        (k, tuple(int(np.argmax(s)) for s in e.profile))
        for k, e in enumerate(result.equilibria)
        if e.pure
    ]


def _payoffs(result: EquilibriumSet, k: int) -> dict[str, float]:
    e = result.equilibria[k]
    return {p: float(v) for p, v in zip(result.game.players, e.payoffs)}


def _proposal_outcomes(scenario, problem, name: str, result: EquilibriumSet) -> list[GameOutcome]:
    g = result.game
    refused = set(g.origin.get("not_accepted_by_bystanders", ()))
    by_name = {p.name: p for p in scenario.proposals}
    agreed: dict[str, list[int]] = {}
    failed: list[int] = []
    for k, idx in _pure(result):
        chosen = {g.strategies[i][j] for i, j in enumerate(idx)}
        pick = next(iter(chosen))
        if len(chosen) == 1 and pick != HOLD_OUT and pick not in refused:
            agreed.setdefault(pick, []).append(k)
        else:
            failed.append(k)
    out = []
    for prop, ks in agreed.items():
        outcome = dict(by_name[prop].outcome)
        coords = scenario.space.encode(outcome)
        u = problem.utilities(np.asarray([coords], dtype=float))[0]
        out.append(
            GameOutcome(
                name,
                "proposal-game",
                True,
                prop,
                tuple(ks),
                _payoffs(result, ks[0]),
                outcome,
                {n: float(x) for n, x in zip(problem.names, u)},
                np.asarray(coords, dtype=float),
            )
        )
    if failed:
        out.append(
            GameOutcome(
                name, "proposal-game", False, "failure", tuple(failed), _payoffs(result, failed[0])
            )
        )
    return out


def agreement_probability(problem, result: EquilibriumSet, k: int) -> float | None:
    """Probability that the (mixed) equilibrium ``k`` of a derived game ends in a package.

    Proposal game: ``sum_P prod_i sigma_i(P)`` over the proposals ``P`` the bystanders
    accept (every player names the same one). Nash demand game: the probability of
    a profile whose demands are met with a gain for some player (compatible demands;
    the all-reservation profile gives the disagreement payoffs and does not count).
    ``None`` for a game that is not derived.
    """
    g = result.game
    e = result.equilibria[k]
    kind = g.origin.get("derive")
    if kind == "proposal-game":
        refused = set(g.origin.get("not_accepted_by_bystanders", ()))
        total = 0.0
        for prop in g.strategies[0]:
            if prop == HOLD_OUT or prop in refused:
                continue
            pr = 1.0
            for i in range(len(g.players)):
                idx = g.strategies[i].index(prop) if prop in g.strategies[i] else None
                pr *= 0.0 if idx is None else float(e.profile[i][idx])
            total += pr
        return total
    if kind == "nash-demand":
        players = list(g.origin.get("players", g.players))
        d = np.array([problem.d[problem.names.index(p)] for p in players], dtype=float)
        gain = np.moveaxis(np.asarray(g.payoffs, dtype=float), 0, -1) - d  # (k_1..k_n, n)
        met = np.any(gain > DEMAND_SLACK, axis=-1)
        prob = np.ones(met.shape)
        for i, sig in enumerate(e.profile):
            shape = [1] * len(players)
            shape[i] = len(sig)
            prob = prob * np.asarray(sig, dtype=float).reshape(shape)
        return float((prob * met).sum())
    return None


def _demand_outcomes(scenario, problem, name: str, result: EquilibriumSet) -> list[GameOutcome]:
    from ..solve.optimize import Stage, optimise
    from ..solve.problem import Problem

    g = result.game
    origin = g.origin
    players = list(origin.get("players", g.players))
    who = [problem.names.index(p) for p in players]
    d = np.asarray(problem.d, dtype=float)[who]
    best: tuple[float, int] | None = None
    failed: list[int] = []
    for k, idx in _pure(result):
        gain = np.asarray(result.equilibria[k].payoffs, dtype=float) - d
        # compatible demands are met (payoffs = demands), others give everyone d: a
        # profile failed when someone asked for more than d and got nothing more
        if any(j > 0 for j in idx) and np.all(gain <= DEMAND_SLACK):
            failed.append(k)
            continue
        product = float(np.prod(np.maximum(gain, 0.0)))
        if product > 0 and (best is None or product > best[0]):
            best = (product, k)
    out = []
    if best is not None:
        k = best[1]
        demands = np.asarray(result.equilibria[k].payoffs, dtype=float)
        r = np.array(problem.d, dtype=float)
        r[who] = demands - DEMAND_SLACK
        c = np.zeros(len(problem.names))
        c[who[-1]] = 1.0
        precision = origin.get("precision", "exact")
        opt = optimise(Problem(scenario, reservation=r, precision=precision), [Stage("linear", c)])
        if opt is not None:
            out.append(
                GameOutcome(
                    name,
                    "nash-demand",
                    True,
                    "demands met",
                    (k,),
                    _payoffs(result, k),
                    problem.space.decode(opt.coords),
                    {n: float(x) for n, x in zip(problem.names, opt.utilities)},
                    np.asarray(opt.coords, dtype=float),
                    exact=bool(opt.certified),
                )
            )
    if failed:
        out.append(
            GameOutcome(
                name, "nash-demand", False, "failure", tuple(failed), _payoffs(result, failed[0])
            )
        )
    return out


__all__ = ["GameOutcome", "agreement_probability", "derived_outcomes"]
