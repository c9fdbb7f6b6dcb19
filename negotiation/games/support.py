"""Support enumeration for two-player games: a second, independent complete method.

For every pair of supports ``I`` (rows) and ``J`` (columns) of equal size
``k`` (Dickhaut and Kaplan 1991; Nisan et al. 2007, section 3.3), solve the
indifference conditions

    A[I, J] y_J = v 1,   sum y_J = 1        (the row player is indifferent on I)
    B[I, J]' x_I = u 1,  sum x_I = 1        (the column player is indifferent on J)

as two ``(k + 1) x (k + 1)`` linear systems, batched over all pairs of one size
with numpy; keep the solutions with non-negative probabilities **within a
tolerance** (round-off makes an exact zero come out as ``-1e-16``: a strict
sign test drops true equilibria, the failure of nashpy 0.0.43), and no
profitable deviation outside the supports; then verify every survivor's
regret (:mod:`negotiation.games.verify`).

In a non-degenerate game every equilibrium has supports of equal size and is
the unique solution of its system, so this finds them all. In a degenerate
game, equilibria may have supports of unequal size or come in continua; the
method then finds some of them only, says ``degenerate: true`` (a found
equilibrium with more best responses than its support size, or a support
pair whose systems are singular is not enough), and marks the set not complete: use
:func:`negotiation.games.vertex.vertex_solve` there.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from .results import EquilibriumSet, make_equilibrium, tidy

#: Slack of the sign and best-response tests (payoffs scaled to [1, 2]).
SUPPORT_TOL = 1e-9
_CHUNK = 40_000
_SINGULAR = 1e-11


def _indifference(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve ``M z = w 1, sum z = 1`` for a batch ``M`` ``(N, k, k)``: ``(z, w, ok)``."""
    N, k, _ = M.shape
    S = np.zeros((N, k + 1, k + 1))
    S[:, :k, :k] = M
    S[:, :k, k] = -1.0
    S[:, k, :k] = 1.0
    sv = np.linalg.svd(S, compute_uv=False)
    ok = sv[:, -1] > _SINGULAR * sv[:, 0]
    rhs = np.zeros((int(ok.sum()), k + 1, 1))
    rhs[:, k, 0] = 1.0
    z = np.full((N, k), np.nan)
    w = np.full(N, np.nan)
    if ok.any():
        sol = np.linalg.solve(S[ok], rhs)[:, :, 0]
        z[ok], w[ok] = sol[:, :k], sol[:, k]
    return z, w, ok


def support_solve(game, *, tol: float = SUPPORT_TOL) -> EquilibriumSet:
    """Every equilibrium of a non-degenerate two-player game by support enumeration."""
    if game.n_players != 2:
        raise ValueError(f"support enumeration needs two players, not {game.n_players}")
    pay = game.normalised()
    A, B = pay[0], pay[1]
    m, n = A.shape
    found = []
    for k in range(1, min(m, n) + 1):
        I = np.array(list(combinations(range(m), k)), dtype=np.intp)
        J = np.array(list(combinations(range(n), k)), dtype=np.intp)
        pi = np.repeat(np.arange(len(I)), len(J))
        pj = np.tile(np.arange(len(J)), len(I))
        for s in range(0, len(pi), _CHUNK):
            rows, cols = I[pi[s : s + _CHUNK]], J[pj[s : s + _CHUNK]]
            Ay = A[rows[:, :, None], cols[:, None, :]]  # (N, k, k)
            Bx = np.swapaxes(B[rows[:, :, None], cols[:, None, :]], 1, 2)
            y, v, oky = _indifference(Ay)
            x, u, okx = _indifference(Bx)
            ok = oky & okx & np.all(y >= -tol, axis=1) & np.all(x >= -tol, axis=1)
            if not ok.any():
                continue
            idx = np.flatnonzero(ok)
            X = np.zeros((len(idx), m))
            Y = np.zeros((len(idx), n))
            np.put_along_axis(X, rows[idx], np.clip(x[idx], 0, None), axis=1)
            np.put_along_axis(Y, cols[idx], np.clip(y[idx], 0, None), axis=1)
            best_rows = np.all(Y @ A.T <= v[idx, None] + tol, axis=1)
            best_cols = np.all(X @ B <= u[idx, None] + tol, axis=1)
            for t in np.flatnonzero(best_rows & best_cols):
                e = make_equilibrium(game, (X[t], Y[t]))
                if e is not None:
                    found.append(e)
    eqs = tidy(found)
    degenerate = False
    for e in eqs:
        x, y = e.profile
        ay, xb = A @ y, x @ B
        n_br_rows = int(np.sum(ay >= ay.max() - tol))
        n_br_cols = int(np.sum(xb >= xb.max() - tol))
        if n_br_rows > np.count_nonzero(x) or n_br_cols > np.count_nonzero(y):
            degenerate = True
    msg = ""
    if degenerate:
        msg = (
            "degenerate game: support enumeration (equal support sizes) may miss "
            "equilibria; use the vertex method for every extreme equilibrium"
        )
    return EquilibriumSet(
        game, eqs, "enumsupport", {"tol": tol}, degenerate, not degenerate, True, msg
    )


__all__ = ["SUPPORT_TOL", "support_solve"]
