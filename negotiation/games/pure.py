"""Pure-strategy equilibria of a game with any number of players, by vectorised enumeration.

A pure profile ``s`` is an equilibrium when every player's payoff is a
maximum along its own axis: ``u_p(s) = max_t u_p(t, s_-p)`` for every ``p``.
For each player the maximum over its own axis is one numpy reduction over
the whole payoff array, so the test of every profile at once costs
``n`` passes over the game (no Python loop over profiles).
"""

from __future__ import annotations

import numpy as np

from .results import EquilibriumSet, make_equilibrium, tidy

#: Payoffs within this share of the player's payoff range count as equal.
PURE_TOL = 1e-12


def best_response_mask(game, tol: float = PURE_TOL) -> np.ndarray:
    """``(n, k_1, ..., k_n)``: is ``s_p`` a best response to ``s_-p``, per player and profile."""
    scale = game.payoff_scale()
    out = np.empty(game.payoffs.shape, dtype=bool)
    for p in range(game.n_players):
        u = game.payoffs[p]
        out[p] = u >= u.max(axis=p, keepdims=True) - tol * scale[p]
    return out


def pure_equilibria(game, tol: float = PURE_TOL) -> np.ndarray:
    """Index rows ``(E, n)`` of every pure equilibrium, in row-major (file) order."""
    return np.argwhere(best_response_mask(game, tol).all(axis=0))


def has_pure_ties(game, tol: float = PURE_TOL) -> bool:
    """Does some player have two best responses to some pure profile of the others?

    A sign of degeneracy (a support of size 1 with two best responses).
    """
    br = best_response_mask(game, tol)
    return any(bool(np.any(br[p].sum(axis=p) > 1)) for p in range(game.n_players))


def pure_solve(game, *, tol: float = PURE_TOL) -> EquilibriumSet:
    """Every pure-strategy equilibrium. ``complete`` is ``False``: mixed equilibria are
    not searched (the message says so); every pure one is listed."""
    found = []
    for idx in pure_equilibria(game, tol):
        prof = [np.eye(k)[i] for k, i in zip(game.shape, idx)]
        e = make_equilibrium(game, prof)
        if e is not None:
            found.append(e)
    n = len(found)
    msg = (
        f"every pure-strategy equilibrium ({n}); mixed equilibria are not searched"
        if n
        else "no pure-strategy equilibrium; mixed equilibria are not searched"
    )
    return EquilibriumSet(
        game, tidy(found), "enumpure", {"tol": tol}, has_pure_ties(game, tol), False, True, msg
    )


__all__ = ["PURE_TOL", "best_response_mask", "has_pure_ties", "pure_equilibria", "pure_solve"]
