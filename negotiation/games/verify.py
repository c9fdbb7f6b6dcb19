"""Best-response conditions and regret: the check every reported equilibrium passes.

A mixed profile ``σ = (σ_1, ..., σ_n)`` is a Nash equilibrium when no player
can gain by deviating to a pure strategy:

    regret_p(σ) = max_s u_p(s, σ_-p) - u_p(σ)  = 0   for every player p.

Reported regret is **relative**: ``regret_p / (max u_p - min u_p)``, the
largest gain from deviating as a share of the player's payoff range (so a
payoff scale does not change it), and the reported number is the maximum over
the players. Every equilibrium a solver returns has relative regret at most
:data:`REGRET_TOL` (``1e-9``), or it is not reported; exact profiles
(:class:`~fractions.Fraction`) are checked exactly and have regret 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from .game import NormalFormGame

#: Largest relative regret of a reported equilibrium.
REGRET_TOL = 1e-9


def _contract(table: np.ndarray, profile: Sequence[np.ndarray], keep: int) -> np.ndarray:
    """``table`` (one axis per player) contracted with every mixed strategy but ``keep``'s."""
    out = table
    for q in range(len(profile) - 1, -1, -1):
        if q != keep:
            out = np.tensordot(out, profile[q], axes=([q], [0]))
    return out


def deviation_payoffs(game: NormalFormGame, profile: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Per player ``p``, the payoff of each of its pure strategies against ``σ_-p``."""
    prof = [np.asarray(s, dtype=float) for s in profile]
    if game.n_players == 2:
        return [game.payoffs[0] @ prof[1], prof[0] @ game.payoffs[1]]
    return [_contract(game.payoffs[p], prof, p) for p in range(game.n_players)]


def expected_payoffs(game: NormalFormGame, profile: Sequence[np.ndarray]) -> np.ndarray:
    """Each player's expected payoff ``u_p(σ)``."""
    dev = deviation_payoffs(game, profile)
    return np.array(
        [float(dev[p] @ np.asarray(profile[p], dtype=float)) for p in range(game.n_players)]
    )


def player_regrets(game: NormalFormGame, profile: Sequence[np.ndarray]) -> np.ndarray:
    """Absolute gain of each player's best pure deviation (``>= 0``)."""
    dev = deviation_payoffs(game, profile)
    out = np.empty(game.n_players)
    for p in range(game.n_players):
        out[p] = max(0.0, float(dev[p].max() - dev[p] @ np.asarray(profile[p], dtype=float)))
    return out


def regret(game: NormalFormGame, profile: Sequence[np.ndarray]) -> float:
    """Largest relative regret over the players (0 at an exact equilibrium)."""
    return float(np.max(player_regrets(game, profile) / game.payoff_scale()))


def is_equilibrium(
    game: NormalFormGame, profile: Sequence[np.ndarray], tol: float = REGRET_TOL
) -> bool:
    return regret(game, profile) <= tol


def check_profile(
    game: NormalFormGame, profile: Sequence[Sequence[float]], tol: float = 1e-9
) -> list[np.ndarray]:
    """A profile as arrays, after checking lengths, signs and sums (``ValueError`` if not)."""
    if len(profile) != game.n_players:
        raise ValueError(f"a profile needs {game.n_players} mixed strategies, got {len(profile)}")
    out = []
    for p, s in enumerate(profile):
        a = np.asarray(s, dtype=float)
        if a.shape != (game.shape[p],):
            raise ValueError(
                f"player {game.players[p]!r}: {game.shape[p]} probabilities "
                f"expected, got shape {a.shape}"
            )
        if np.any(a < -tol) or abs(a.sum() - 1.0) > tol:
            raise ValueError(f"player {game.players[p]!r}: not a probability vector: {a}")
        out.append(a)
    return out


# ---------------------------------------------------------------------- exact
def exact_deviation_payoffs(
    game: NormalFormGame, profile: Sequence[Sequence[Fraction]]
) -> list[list[Fraction]]:
    """:func:`deviation_payoffs` in rational arithmetic."""
    table = game.rational()
    prof = [np.array([Fraction(v) for v in s], dtype=object) for s in profile]
    return [list(_contract(table[p], prof, p)) for p in range(game.n_players)]


def exact_regret(game: NormalFormGame, profile: Sequence[Sequence[Fraction]]) -> Fraction:
    """Largest relative regret, exactly (``Fraction(0)`` at an exact equilibrium)."""
    table = game.rational()
    dev = exact_deviation_payoffs(game, profile)
    worst = Fraction(0)
    for p in range(game.n_players):
        flat = list(table[p].ravel())
        scale = max(flat) - min(flat) or Fraction(1)
        value = sum((Fraction(a) * b for a, b in zip(profile[p], dev[p])), Fraction(0))
        worst = max(worst, (max(dev[p]) - value) / scale)
    return worst


def exact_payoffs(game: NormalFormGame, profile: Sequence[Sequence[Fraction]]) -> list[Fraction]:
    dev = exact_deviation_payoffs(game, profile)
    return [
        sum((Fraction(a) * b for a, b in zip(profile[p], dev[p])), Fraction(0))
        for p in range(game.n_players)
    ]


__all__ = [
    "REGRET_TOL",
    "check_profile",
    "deviation_payoffs",
    "exact_deviation_payoffs",
    "exact_payoffs",
    "exact_regret",
    "expected_payoffs",
    "is_equilibrium",
    "player_regrets",
    "regret",
]
