"""Games derived from a scenario: the proposal game and the Nash demand game.

Both take their payoffs from the scenario's utilities (:class:`negotiation.solve.problem.Problem`),
so they carry the scenario's evidence; nothing in them is a new number.

**The proposal game.** Each player (by default every veto party) names one of
the proposals on the table, or holds out. If all players name the same
proposal, and every veto party that is not a player accepts it (its utility
is at least its reservation value), that package is agreed and each player
gets its utility; otherwise talks fail and each gets its disagreement payoff:
its reservation value (``disagreement: batna``, the default) or the expected
utility of the scenario's conflict lottery less its cost of fighting
(``disagreement: conflict``). It is a unanimity (coordination) game: every
package each player weakly prefers to failure is a pure equilibrium, and so
is everyone holding out; mixed equilibria show how likely coordination is
when the parties are unsure which package the others back.

**The Nash demand game** (Nash 1953). Each player demands a utility level;
if the demands can all be met at once by one package (one the other veto
parties also accept), each gets exactly its demand, otherwise each gets its
reservation value. Demands are discretised to ``levels`` equally spaced
values from the player's reservation value ``d_i`` to its ideal ``I_i`` (its
best utility in the agreement set). Feasibility of a demand profile is
decided on the Pareto frontier: the last player's largest attainable utility
given the others' demands, ``max u_n s.t. u_i >= a_i``, found by the
certified optimiser (:func:`negotiation.solve.optimize.optimise`). Its pure
equilibria are the demand profiles on the (discretised) frontier, where no
one can ask for more without breaking the deal, plus incompatible profiles
where no one can rescue the deal alone; Nash showed that when the frontier
is slightly uncertain only the demands at the Nash bargaining solution
survive, which ties this game to the cooperative solutions of the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np

from .game import NormalFormGame

HOLD_OUT = "hold_out"
DERIVE_KINDS = ("proposal-game", "nash-demand")
#: Largest number of optimisations the demand game may need (levels^(players-1)).
MAX_FRONTIER_POINTS = 2_000


def _players(problem, players: Sequence[str] | None) -> list[int]:
    names = problem.names
    if players is None:
        return [i for i in range(len(names)) if problem.veto[i]]
    out = []
    for p in players:
        if p not in names:
            raise ValueError(f"{p!r} is not a party of the scenario")
        out.append(names.index(p))
    return out


def _proposal_utilities(scenario, problem, names: Sequence[str] | None):
    props = list(scenario.proposals)
    if names is not None:
        by = {p.name: p for p in props}
        for n in names:
            if n not in by:
                raise ValueError(f"{n!r} is not a proposal of the scenario")
        props = [by[n] for n in names]
    if not props:
        raise ValueError("the scenario has no proposals to choose from")
    coords = np.array([scenario.space.encode(p.outcome) for p in props], dtype=float)
    return [p.name for p in props], problem.utilities(coords)


def disagreement_payoffs(scenario, problem, disagreement: str = "batna") -> np.ndarray:
    """Each party's payoff when talks fail: reservation values or the conflict lottery."""
    if disagreement == "batna":
        return np.asarray(problem.d, dtype=float)
    if disagreement == "conflict":
        if scenario.conflict is None:
            raise ValueError("disagreement: conflict needs a 'conflict' block in the scenario")
        from ..model.utility import conflict_utilities

        costs = np.array([scenario.conflict.costs.get(n, 0.0) for n in problem.names])
        return conflict_utilities(scenario) - costs
    raise ValueError(f"disagreement must be 'batna' or 'conflict', not {disagreement!r}")


def proposal_game(
    scenario,
    *,
    players: Sequence[str] | None = None,
    proposals: Sequence[str] | None = None,
    disagreement: str = "batna",
    title: str | None = None,
    problem=None,
) -> NormalFormGame:
    """The proposal game of a scenario (see the module docstring)."""
    from ..solve.problem import AGREE_TOL, Problem

    pb = problem if problem is not None else Problem(scenario, precision="grid")
    who = _players(pb, players)
    if len(who) < 1:
        raise ValueError("the proposal game needs at least one player")
    names, U = _proposal_utilities(scenario, pb, proposals)
    if HOLD_OUT in names:
        raise ValueError(
            f"a proposal is called {HOLD_OUT!r}, the name of the hold-out strategy; rename it"
        )
    dis = disagreement_payoffs(scenario, pb, disagreement)
    bystanders = [i for i in range(len(pb.names)) if pb.veto[i] and i not in who]
    accepted = (
        np.all(U[:, bystanders] >= pb.d[bystanders] - AGREE_TOL, axis=1)
        if bystanders
        else np.ones(len(names), dtype=bool)
    )
    n, k = len(who), len(names) + 1
    pay = np.empty((n,) + (k,) * n)
    for a, i in enumerate(who):
        pay[a] = dis[i]
    for j in range(len(names)):
        if accepted[j]:
            for a, i in enumerate(who):
                pay[(a,) + (j,) * n] = U[j, i]
    strategies = tuple(tuple(names) + (HOLD_OUT,) for _ in who)
    fallback = "reservation value" if disagreement == "batna" else "conflict payoff"
    also = " and " + ", ".join(pb.names[i] for i in bystanders) + " accept it" if bystanders else ""
    desc = (
        "Each player names one proposal or holds out; the package is agreed when all "
        f"name the same one{also}; otherwise each gets its {fallback}."
    )
    return NormalFormGame(
        tuple(pb.names[i] for i in who),
        strategies,
        pay,
        title=title or f"Proposal game: {scenario.title}",
        description=desc,
        origin={
            "kind": "derived",
            "derive": "proposal-game",
            "players": [pb.names[i] for i in who],
            "proposals": names,
            "disagreement": disagreement,
            "not_accepted_by_bystanders": [names[j] for j in range(len(names)) if not accepted[j]],
        },
    )


def _level_names(values: np.ndarray) -> tuple[str, ...]:
    for digits in range(3, 10):
        names = tuple(f"{v:.{digits}f}" for v in values)
        if len(set(names)) == len(names):
            return names
    return tuple(f"level_{j}" for j in range(len(values)))


def demand_game(
    scenario,
    *,
    players: Sequence[str] | None = None,
    levels: int = 5,
    precision: str = "exact",
    title: str | None = None,
) -> NormalFormGame:
    """The discretised Nash demand game of a scenario (see the module docstring)."""
    from ..solve.cooperative import ideal_point
    from ..solve.optimize import Stage, optimise
    from ..solve.problem import Problem

    if levels < 2:
        raise ValueError("the demand game needs at least 2 demand levels per player")
    pb = Problem(scenario, precision=precision)
    who = _players(pb, players)
    for i in who:
        if not pb.veto[i]:
            raise ValueError(f"{pb.names[i]!r} has no veto: only veto parties make demands")
    n = len(who)
    if n < 2:
        raise ValueError("the demand game needs at least two players")
    if levels ** (n - 1) > MAX_FRONTIER_POINTS:
        raise ValueError(
            f"{levels} levels for {n} players need {levels ** (n - 1):,} "
            f"frontier points (limit {MAX_FRONTIER_POINTS:,}); use fewer levels"
        )
    origin = {
        "kind": "derived",
        "derive": "nash-demand",
        "players": [pb.names[i] for i in who],
        "levels": levels,
        "precision": precision,
    }
    ideal = ideal_point(pb)
    names = tuple(pb.names[i] for i in who)
    if ideal is None:
        pay = np.array([pb.d[i] for i in who]).reshape((n,) + (1,) * n)
        return NormalFormGame(
            names,
            tuple(("reservation",) for _ in who),
            pay,
            title=title or f"Nash demand game: {scenario.title}",
            description="No package is acceptable to every veto party: every demand fails.",
            origin=origin,
        )
    grid = [pb.d[i] + (ideal[i] - pb.d[i]) * np.linspace(0.0, 1.0, levels) for i in who]
    last = who[-1]
    c = np.zeros(len(pb.names))
    c[last] = 1.0
    frontier = np.empty((levels,) * (n - 1))
    for idx in product(range(levels), repeat=n - 1):
        r = np.array(pb.d, dtype=float)
        for a, j in zip(who[:-1], idx):
            r[a] = grid[who.index(a)][j]
        opt = optimise(Problem(scenario, reservation=r, precision=precision), [Stage("linear", c)])
        frontier[idx] = -np.inf if opt is None else float(opt.utilities[last])
    pay = np.empty((n,) + (levels,) * n)
    dvec = np.array([pb.d[i] for i in who])
    for prof in product(range(levels), repeat=n):
        feasible = grid[-1][prof[-1]] <= frontier[prof[:-1]] + 1e-9
        for a in range(n):
            pay[(a,) + prof] = grid[a][prof[a]] if feasible else dvec[a]
    strategies = tuple(_level_names(g) for g in grid)
    desc = (
        f"Each player demands a utility level ({levels} levels from its reservation value "
        "to its best agreement); compatible demands are met, otherwise talks fail."
    )
    origin["frontier"] = frontier.tolist() if n == 2 else None
    return NormalFormGame(
        names,
        strategies,
        pay,
        title=title or f"Nash demand game: {scenario.title}",
        description=desc,
        origin=origin,
    )


def derive(scenario, kind: str, **options) -> NormalFormGame:
    """The game ``kind`` (``proposal-game`` or ``nash-demand``) of ``scenario``."""
    if kind == "proposal-game":
        return proposal_game(scenario, **options)
    if kind == "nash-demand":
        return demand_game(scenario, **options)
    raise ValueError(f"unknown derived game {kind!r}; one of {', '.join(DERIVE_KINDS)}")


__all__ = [
    "DERIVE_KINDS",
    "HOLD_OUT",
    "demand_game",
    "derive",
    "disagreement_payoffs",
    "proposal_game",
]
