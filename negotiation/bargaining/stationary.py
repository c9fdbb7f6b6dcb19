"""Solving the stationary conditions of Baron–Ferejohn bargaining (:mod:`.baron_ferejohn`).

A proposer's options are its minimal winning coalitions and delay; ``Game.options(V)``
evaluates them at the continuation values ``rho V`` (one frontier call each). The
equilibrium ``(V, sigma)`` solves

    V = Phi_sigma(V) = sum_i p_i sum_C sigma_i(C) s(i, C),
    sigma_i(C) > 0  only if  C is one of proposer i's best options.

Three solvers, tried in this order by :func:`.baron_ferejohn.baron_ferejohn`:
:func:`pure_newton` (no proposer indifferent), :func:`on_support` (least squares
with the used options exactly as good as each other) and :func:`complementarity`
(least squares on the Fischer-Burmeister form ``phi(a, b) = a + b - sqrt(a^2 + b^2)``,
Fischer 1992). :func:`check` measures how far a candidate is from an equilibrium.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from .frontier import Frontier, Offer

RESIDUAL_TOL = 1e-8  # relative to the surplus scale
USED = 1e-7  # a coalition is "used" when its probability is above this
FD_STEP = 1e-6  # finite-difference step in V (relative to the surplus scale)
NEWTON_STEPS = 20  # Newton iterations on the pure fixed point
INFEASIBLE = 10.0  # an infeasible coalition is worth this much (times the scale) below delay


@dataclass(frozen=True)
class Choice:
    """One option of a proposer: a coalition (``None``: delay) and its offer."""

    coalition: tuple[int, ...] | None  # None: delay
    offer: Offer | None  # None for delay and for an infeasible coalition
    value: float  # the proposer's surplus
    surplus: np.ndarray  # every party's surplus (continuation values for delay)


class Game:
    """The bargaining game: recognition ``p``, factors ``rho`` and each proposer's
    minimal winning coalitions (sorted tuples of party indices)."""

    def __init__(
        self,
        frontier: Frontier,
        p: np.ndarray,
        rho: np.ndarray,
        coalitions: list[list[tuple[int, ...]]],
        scale: float,
    ) -> None:
        self.f, self.p, self.rho, self.scale = frontier, p, rho, scale
        self.n = len(p)
        self.coalitions = coalitions
        self.evaluations = 0

    def options(self, V: np.ndarray) -> list[list[Choice]]:
        self.evaluations += 1
        v = self.rho * V
        out = []
        for i in range(self.n):
            row = []
            for c in self.coalitions[i]:
                offer = self.f.best(i, {j: float(v[j]) for j in c if j != i})
                if offer is not None:
                    row.append(Choice(c, offer, float(offer.surplus[i]), offer.surplus))
                else:  # no outcome gives every member its continuation value
                    row.append(Choice(c, None, float(v[i]) - INFEASIBLE * self.scale, v.copy()))
            row.append(Choice(None, None, float(v[i]), v.copy()))  # delay
            out.append(row)
        return out


def _fb(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a + b - np.sqrt(a * a + b * b)


def _residual(game: Game, V, sigmas, opts) -> np.ndarray:
    n = game.n
    phi = np.zeros(n)
    parts = []
    for i in range(n):
        S = np.array([ch.surplus for ch in opts[i]])
        vals = np.array([ch.value for ch in opts[i]])
        phi += game.p[i] * sigmas[i] @ S
        parts.append(_fb(sigmas[i], vals.max() - vals))
        parts.append(np.array([sigmas[i].sum() - 1.0]))
    return np.concatenate([V - phi, *parts])


def check(game: Game, V, sigmas, opts, scale: float) -> float:
    """Largest violation of the equilibrium conditions (expected payoffs, best responses)."""
    phi = np.zeros(game.n)
    worst = 0.0
    for i in range(game.n):
        S = np.array([ch.surplus for ch in opts[i]])
        vals = np.array([ch.value for ch in opts[i]])
        phi += game.p[i] * sigmas[i] @ S
        used = sigmas[i] > USED
        if used.any():
            worst = max(worst, float(vals.max() - vals[used].min()))
    return max(worst, float(np.max(np.abs(V - phi)))) / scale


def best_response(opts, tie: float) -> list[np.ndarray]:
    out = []
    for row in opts:
        vals = np.array([ch.value for ch in row])
        s = (vals >= vals.max() - tie).astype(float)
        out.append(s / s.sum())
    return out


Found = tuple[float, np.ndarray, list[np.ndarray], list[list[Choice]]]


def phi(game: Game, sig: list[np.ndarray], opts: list[list[Choice]]) -> np.ndarray:
    out = np.zeros(game.n)
    for i in range(game.n):
        out += game.p[i] * sig[i] @ np.array([c.surplus for c in opts[i]])
    return out


def pure_newton(game: Game, V: np.ndarray, scale: float, search: bool = True) -> Found:
    """Solve ``V = Phi(V)`` with pure best responses by Newton's method: Jacobian by
    finite differences with each proposer's best option held fixed; with ``search``, a
    backtracking line search on the true residual ``|V - Phi(V)|`` (best options
    re-read) and a damped fixed-point step when no Newton step helps."""
    n, h = game.n, FD_STEP * scale

    def residual(Vx: np.ndarray) -> tuple[np.ndarray, list[int], list[list[Choice]]]:
        ox = game.options(Vx)
        pick = [int(np.argmax([c.value for c in row])) for row in ox]
        return Vx - phi(game, _onehot(pick, ox), ox), pick, ox

    r0, pick, opts = residual(V)
    for _ in range(NEWTON_STEPS):
        norm = float(np.max(np.abs(r0)))
        if norm <= 1e-13 * scale:
            break

        def phi_fixed(Vx: np.ndarray, pick: list[int] = pick) -> np.ndarray:
            ox = game.options(Vx)
            return phi(game, _onehot(pick, ox), ox)

        J, base = np.eye(n), phi_fixed(V)
        for k in range(n):
            Vh = V.copy()
            Vh[k] += h
            J[:, k] -= (phi_fixed(Vh) - base) / h
        try:
            step = np.linalg.solve(J, -r0)
        except np.linalg.LinAlgError:
            step = -r0
        t, moved = 1.0, False
        if not search:  # plain Newton: the full step, whatever it does to the residual
            V = V + step
            r0, pick, opts = residual(V)
            continue
        while t >= 1.0 / 64:
            r1, p1, o1 = residual(V + t * step)
            if float(np.max(np.abs(r1))) < (1.0 - 0.1 * t) * norm:
                V, r0, pick, opts, moved = V + t * step, r1, p1, o1, True
                break
            t *= 0.5
        if not moved:  # a damped fixed-point step instead
            V = V - 0.5 * r0
            r0, pick, opts = residual(V)
    return check(game, V, _onehot(pick, opts), opts, scale), V, _onehot(pick, opts), opts


def _onehot(pick: list[int], opts: list[list[Choice]]) -> list[np.ndarray]:
    return [np.eye(len(row))[k] for k, row in zip(pick, opts)]


def complementarity(game: Game, V: np.ndarray, scale: float) -> Found:
    """Least squares on the equilibrium conditions with the best responses in
    complementarity form, from a few starting mixtures; the best point found."""
    n, p, tie = game.n, game.p, 1e-9 * scale
    opts = game.options(V)
    sizes = [len(r) for r in opts]
    splits = np.cumsum([n, *sizes])[:-1]
    best: Found | None = None
    for start_tie in (1e-3 * scale, 1e-1 * scale, tie):
        opts = game.options(V)
        sig0 = best_response(opts, start_tie)
        z0 = np.concatenate([V, *sig0])

        def unpack(z: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
            parts = np.split(z, splits)
            return parts[0], parts[1:]

        def fun(z: np.ndarray) -> np.ndarray:
            Vz, sz = unpack(z)
            return _residual(game, Vz, sz, game.options(Vz))

        def jac(z: np.ndarray) -> np.ndarray:
            Vz, sz = unpack(z)
            opts_z = game.options(Vz)
            r0 = _residual(game, Vz, sz, opts_z)
            J = np.zeros((r0.size, z.size))
            h = FD_STEP * scale
            for k in range(n):
                Vh = Vz.copy()
                Vh[k] += h
                J[:, k] = (_residual(game, Vh, sz, game.options(Vh)) - r0) / h
            # the sigma columns in closed form
            row, col = n, n
            for i in range(n):
                S = np.array([ch.surplus for ch in opts_z[i]])
                vals = np.array([ch.value for ch in opts_z[i]])
                b = vals.max() - vals
                a = sz[i]
                norm = np.sqrt(a * a + b * b)
                da = 1.0 - np.divide(a, norm, out=np.full_like(a, 1 / np.sqrt(2)), where=norm > 0)
                for m in range(len(a)):
                    J[:n, col + m] = -p[i] * S[m]
                    J[row + m, col + m] = da[m]
                    J[row + len(a), col + m] = 1.0
                row += len(a) + 1
                col += len(a)
            return J

        lo = np.concatenate([np.full(n, -np.inf), np.zeros(sum(sizes))])
        hi = np.concatenate([np.full(n, np.inf), np.ones(sum(sizes))])
        sol = least_squares(
            fun, np.clip(z0, lo, hi), jac=jac, bounds=(lo, hi), method="trf",
            xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=100,
        )  # fmt: skip
        Vs, ss = unpack(sol.x)
        ss = [np.clip(s, 0.0, 1.0) / max(np.clip(s, 0.0, 1.0).sum(), 1e-300) for s in ss]
        opts = game.options(Vs)
        res = check(game, Vs, ss, opts, scale)
        if best is None or res < best[0]:
            best = (res, Vs, ss, opts)
        if res <= RESIDUAL_TOL:
            break
    assert best is not None
    return best


def on_support(game: Game, V: np.ndarray, sig: list[np.ndarray], scale: float) -> Found:
    """Polish a near-equilibrium on its support: the options used (probability above
    ``1e-4``) must be exactly as good as each other, the expected payoffs exact. The
    residuals are smooth there, so Gauss-Newton converges fast."""
    n, h = game.n, FD_STEP * scale
    support = [np.flatnonzero(s > 1e-4 * s.max()) for s in sig]
    sizes = [len(u) for u in support]
    splits = np.cumsum([n, *sizes])[:-1]

    def unpack(z: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        parts = np.split(z, splits)
        full = [np.zeros(len(s)) for s in sig]
        for f, u, x in zip(full, support, parts[1:]):
            f[u] = x
        return parts[0], full

    def fun(z: np.ndarray) -> np.ndarray:
        Vz, sz = unpack(z)
        opts = game.options(Vz)
        out = [Vz - phi(game, sz, opts)]
        for i, u in enumerate(support):
            vals = np.array([opts[i][k].value for k in u])
            out.append(vals[1:] - vals[0])
            out.append(np.array([sz[i][u].sum() - 1.0]))
        return np.concatenate(out)

    z0 = np.concatenate([V, *[s[u] for s, u in zip(sig, support)]])
    lo = np.concatenate([np.full(n, -np.inf), np.zeros(sum(sizes))])
    hi = np.concatenate([np.full(n, np.inf), np.ones(sum(sizes))])
    sol = least_squares(
        fun, np.clip(z0, lo, hi), bounds=(lo, hi), method="trf", diff_step=h,
        xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=50,
    )  # fmt: skip
    Vs, ss = unpack(sol.x)
    ss = [np.clip(s, 0.0, 1.0) / max(np.clip(s, 0.0, 1.0).sum(), 1e-300) for s in ss]
    opts = game.options(Vs)
    return check(game, Vs, ss, opts, scale), Vs, ss, opts


__all__ = [
    "Choice",
    "Found",
    "Game",
    "best_response",
    "check",
    "complementarity",
    "on_support",
    "phi",
    "pure_newton",
]
