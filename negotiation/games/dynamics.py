"""How would play evolve? Fictitious play and best-response dynamics, with their trajectories.

Neither is an equilibrium solver: both are models of players who adapt to
what they have seen, and they answer a different question, "starting from
here, where does play go?".

**Fictitious play** (Brown 1951; Fudenberg and Levine 1998, ch. 2): each
round every player plays a best response to the empirical frequencies of
the others' past play (ties to the first strategy in file order); the
empirical frequencies are the trajectory. When they converge, the limit is a
Nash equilibrium; they converge in two-player zero-sum games (Robinson 1951),
2 x n games (Berger 2005) and potential games (Monderer and Shapley 1996),
but may cycle for ever (Shapley 1964). The run stops when the empirical
profile's regret is below ``tol`` (an approximate equilibrium, reported with
its regret, not as a verified equilibrium) or after ``iterations`` rounds
("did not converge").

**Best-response dynamics** (sequential, "Cournot adjustment"): from a pure
starting profile, players take turns; the player to move switches to its
first best response if its current strategy is not one. Play stops at a
pure equilibrium (no one wants to move in a full round) or when a profile
repeats with the same player to move: a cycle, reported with its profiles.
Every finite potential game reaches an equilibrium (Monderer and Shapley 1996).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .verify import deviation_payoffs, regret

#: Regret (relative) at which fictitious play is said to have converged.
FP_TOL = 1e-3
FP_ITERATIONS = 10_000
BR_STEPS = 10_000


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A run of a learning dynamic: where it went and whether it settled.

    ``points`` are ``(step, profile, regret)``: for fictitious play the empirical
    mixed profile at recorded steps, for best-response dynamics each pure profile
    (as probability vectors) after each move, with ``movers`` naming who moved.
    """

    game: Any
    method: str
    points: tuple[tuple[int, tuple[np.ndarray, ...], float], ...]
    converged: bool
    message: str
    parameters: dict = field(default_factory=dict)
    movers: tuple[str, ...] = ()
    cycle: tuple[int, ...] = ()

    @property
    def final(self) -> tuple[np.ndarray, ...]:
        return self.points[-1][1]

    def to_dict(self) -> dict[str, Any]:
        g = self.game

        def prof(pr):
            return {
                p: {s: float(f"{x:.12g}") for s, x in zip(g.strategies[i], pr[i]) if x > 0}
                for i, p in enumerate(g.players)
            }

        out: dict[str, Any] = {
            "method": self.method,
            "converged": self.converged,
            "message": self.message,
            "final": {"profile": prof(self.final), "regret": float(f"{self.points[-1][2]:.3g}")},
            "trajectory": [
                {"step": t, "profile": prof(pr), "regret": float(f"{r:.3g}")}
                for t, pr, r in self.points
            ],
            "parameters": dict(self.parameters),
        }
        if self.movers:
            for row, who in zip(out["trajectory"][1:], self.movers):
                row["moved"] = who
        if self.cycle:
            out["cycle"] = list(self.cycle)
        return out


def _record_steps(iterations: int, points: int) -> set[int]:
    """About ``points`` steps spread geometrically over ``1..iterations`` (plus the ends)."""
    steps = np.unique(np.geomspace(1, max(iterations, 1), num=points).astype(int))
    return set(steps.tolist()) | {1, iterations}


def fictitious_play(
    game,
    *,
    iterations: int = FP_ITERATIONS,
    tol: float = FP_TOL,
    start: tuple[int, ...] | None = None,
    record: int = 60,
) -> Trajectory:
    """Simultaneous discrete-time fictitious play from the pure profile ``start``
    (default: every player's first strategy)."""
    n = game.n_players
    start = tuple(start) if start is not None else (0,) * n
    counts = [np.zeros(k) for k in game.shape]
    for p, s in enumerate(start):
        counts[p][s] = 1.0
    keep = _record_steps(iterations, record)
    points = []
    converged = False
    r = float("inf")
    for t in range(1, iterations + 1):
        emp = tuple(c / t for c in counts)
        r = regret(game, emp)
        if t in keep or r <= tol:
            points.append((t, emp, r))
        if r <= tol:
            converged = True
            break
        dev = deviation_payoffs(game, emp)
        for p in range(n):
            counts[p][int(np.argmax(dev[p]))] += 1.0
    if converged:
        msg = (
            f"converged after {points[-1][0]:,} rounds: the empirical frequencies are an "
            f"approximate equilibrium (relative regret {r:.2g} <= {tol:g})"
        )
    else:
        msg = (
            f"did not converge within {iterations:,} rounds (relative regret of the "
            f"empirical frequencies {r:.2g} > {tol:g})"
        )
    return Trajectory(
        game,
        "fictitious_play",
        tuple(points),
        converged,
        msg,
        {"iterations": iterations, "tol": tol, "start": list(start)},
    )


def best_response_dynamics(
    game, *, start: tuple[int, ...] | None = None, max_steps: int = BR_STEPS
) -> Trajectory:
    """Sequential best-response dynamics from the pure profile ``start``."""
    n = game.n_players
    cur = list(start) if start is not None else [0] * n

    def as_profile(c):
        return tuple(np.eye(k)[i] for k, i in zip(game.shape, c))

    points = [(0, as_profile(cur), regret(game, as_profile(cur)))]
    movers: list[str] = []
    seen: dict[tuple[tuple[int, ...], int], int] = {}
    idle = 0
    p = 0
    step = 0
    cycle: tuple[int, ...] = ()
    converged = False
    message = ""
    while step < max_steps:
        state = (tuple(cur), p)
        if state in seen:
            first = seen[state]
            cycle = tuple(range(first, len(points)))
            message = (
                f"cycles: the profiles after move {first} repeat for ever; play does "
                "not settle on a pure equilibrium"
            )
            break
        seen[state] = len(points) - 1
        u = game.payoffs[p][tuple(cur[:p]) + (slice(None),) + tuple(cur[p + 1 :])]
        best = float(u.max())
        if u[cur[p]] >= best - 1e-12 * game.payoff_scale()[p]:
            idle += 1
            if idle >= n:
                converged = True
                message = f"reached a pure equilibrium after {step} move(s)"
                break
        else:
            idle = 0
            cur[p] = int(np.argmax(u))
            step += 1
            points.append((step, as_profile(cur), regret(game, as_profile(cur))))
            movers.append(game.players[p])
        p = (p + 1) % n
    else:
        message = f"did not converge within {max_steps:,} moves"
    return Trajectory(
        game,
        "best_response",
        tuple(points),
        converged,
        message,
        {"start": list(start) if start is not None else [0] * n, "max_steps": max_steps},
        tuple(movers),
        cycle,
    )


__all__ = [
    "BR_STEPS",
    "FP_ITERATIONS",
    "FP_TOL",
    "Trajectory",
    "best_response_dynamics",
    "fictitious_play",
]
