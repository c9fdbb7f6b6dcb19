"""Iterated elimination of strictly dominated strategies, by pure and by mixed strategies.

Strategy ``s`` of player ``p`` is strictly dominated when some mixed strategy
``σ`` of ``p`` (over its other remaining strategies) does better against every
remaining profile ``o`` of the others: ``sum_t σ_t u_p(t, o) > u_p(s, o)``.
Whether such a ``σ`` exists is a linear program (Myerson 1991, section 3.1;
Fudenberg and Tirole 1991, section 2.1):

    maximise ε  subject to  sum_t σ_t (u_p(t, o) - u_p(s, o)) >= ε  for every o,
                            sum_t σ_t = 1,  σ >= 0

and ``s`` is dominated when the optimum ``ε*`` is positive (more than
``tol`` times the player's payoff range). A pure dominator is tried first
(one vectorised comparison). Each round removes every strategy dominated in
the current game, for all players at once; rounds repeat until nothing is
removed. For strict dominance the order of elimination does not change the
result (Gilboa, Kalai and Zemel 1990), and no strategy removed is played in
any Nash equilibrium, so the equilibria of the reduced game are those of the
original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: A dominating margin must exceed this share of the player's payoff range.
DOMINANCE_TOL = 1e-9


@dataclass(frozen=True)
class Elimination:
    """One removed strategy: the round, who, which, and what dominates it."""

    round: int
    player: str
    strategy: str
    by: dict[str, float]  # dominating (mixed) strategy: {strategy: probability}
    margin: float  # smallest gain of the dominator, relative to the payoff range

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "player": self.player,
            "strategy": self.strategy,
            "dominated_by": {k: float(f"{v:.12g}") for k, v in self.by.items()},
            "margin": float(f"{self.margin:.6g}"),
        }


@dataclass(frozen=True, eq=False)
class DominanceResult:
    """The game after iterated elimination and the eliminations, in order."""

    game: Any
    reduced: Any
    remaining: tuple[tuple[int, ...], ...]
    steps: tuple[Elimination, ...] = field(default=())

    @property
    def solved(self) -> bool:
        """Only one strategy left for every player (dominance solvable)."""
        return all(len(r) == 1 for r in self.remaining)

    def to_dict(self) -> dict[str, Any]:
        g = self.game
        return {
            "remaining": {
                p: [g.strategies[i][j] for j in r]
                for i, (p, r) in enumerate(zip(g.players, self.remaining))
            },
            "eliminated": [s.to_dict() for s in self.steps],
            "dominance_solvable": self.solved,
        }


def _dominator(U: np.ndarray, s: int, scale: float, tol: float):
    """``(weights, margin)`` of a strategy dominating row ``s`` of ``U`` (rows: own
    strategies, columns: opponents' profiles), or ``None``."""
    pure = _pure_only(U, s, scale, tol)
    if pure is not None or U.shape[0] < 3:
        return pure
    diff = U - U[s]  # (k, O)
    others = [t for t in range(U.shape[0]) if t != s]
    from scipy.optimize import linprog

    k = len(others)
    D = diff[others].T / scale  # (O, k)
    # variables (σ_1..σ_k, ε): minimise -ε; -D σ + ε <= 0; sum σ = 1
    c = np.zeros(k + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-D, np.ones((D.shape[0], 1))])
    b_ub = np.zeros(D.shape[0])
    A_eq = np.zeros((1, k + 1))
    A_eq[0, :k] = 1.0
    res = linprog(
        c,
        A_ub=A_ub,
        b_ub=b_ub,
        A_eq=A_eq,
        b_eq=[1.0],
        bounds=[(0, None)] * k + [(None, None)],
        method="highs",
    )
    if res.status != 0:
        return None
    sigma = np.clip(res.x[:k], 0, None)
    sigma /= sigma.sum()
    margin = float((D @ sigma).min())  # re-checked with the cleaned weights
    if margin <= tol:
        return None
    w = np.zeros(U.shape[0])
    w[others] = sigma
    return w, margin


def iterated_elimination(
    game, *, mixed: bool = True, tol: float = DOMINANCE_TOL
) -> DominanceResult:
    """Remove strictly dominated strategies until none is left (``mixed=False``: pure
    dominators only)."""
    from .game import NormalFormGame

    n = game.n_players
    remaining = [list(range(k)) for k in game.shape]
    scale = game.payoff_scale()
    steps: list[Elimination] = []
    rnd = 0
    while True:
        rnd += 1
        sub = game.payoffs[(slice(None),) + np.ix_(*remaining)]
        removals: list[tuple[int, int, np.ndarray, float]] = []
        for p in range(n):
            if len(remaining[p]) < 2:
                continue
            U = np.moveaxis(sub[p], p, 0).reshape(len(remaining[p]), -1)
            for si in range(len(remaining[p])):
                dom = (_dominator if mixed else _pure_only)(U, si, scale[p], tol)
                if dom is not None:
                    removals.append((p, si, dom[0], dom[1]))
        if not removals:
            break
        for p, si, w, margin in removals:
            strat = game.strategies[p][remaining[p][si]]
            by = {game.strategies[p][remaining[p][t]]: float(w[t]) for t in np.flatnonzero(w > 0)}
            steps.append(Elimination(rnd, game.players[p], strat, by, margin))
        drop: dict[int, set[int]] = {}
        for p, si, _, _ in removals:
            drop.setdefault(p, set()).add(si)
        for p, ss in drop.items():
            # never remove every strategy: a dominated strategy has an undominated dominator
            remaining[p] = [j for i, j in enumerate(remaining[p]) if i not in ss]
    sub = game.payoffs[(slice(None),) + np.ix_(*remaining)]
    exact = None
    if game.exact is not None:
        exact = game.exact[(slice(None),) + np.ix_(*remaining)]
    reduced = NormalFormGame(
        game.players,
        tuple(tuple(game.strategies[p][j] for j in remaining[p]) for p in range(n)),
        sub,
        title=game.title,
        description=game.description,
        exact=exact,
        origin={"kind": "reduced", "from": game.title},
    )
    return DominanceResult(game, reduced, tuple(tuple(r) for r in remaining), tuple(steps))


def _pure_only(U: np.ndarray, s: int, scale: float, tol: float):
    others = [t for t in range(U.shape[0]) if t != s]
    if not others:
        return None
    margins = (U[others] - U[s]).min(axis=1)
    best = int(np.argmax(margins))
    if margins[best] > tol * scale:
        w = np.zeros(U.shape[0])
        w[others[best]] = 1.0
        return w, float(margins[best] / scale)
    return None


__all__ = ["DOMINANCE_TOL", "DominanceResult", "Elimination", "iterated_elimination"]
