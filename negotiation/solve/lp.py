"""Many small linear programs at once.

``max c_n . z  s.t.  A_n z <= b_n,  lo_n <= z <= hi_n`` for a batch of ``N``
problems with the same number of variables and rows. The branch-and-bound
search solves hundreds of these per criterion, each with two to four
variables, so the per-call overhead of a general solver would dominate.

* Up to three variables: **vertex enumeration**. A bounded, non-empty polytope
  has an optimal vertex, and every vertex solves some ``n`` of the rows (box
  sides included) with equality. All ``n``-subsets are solved at once by
  Cramer's rule, infeasible or singular ones are dropped, and the best
  remaining vertex is the optimum. Rows are checked with a tolerance of
  ``1e-12`` relative to their scale, so the value returned is the optimum of
  a polytope enlarged by at most that much: still an upper bound for the
  search.
* More variables: HiGHS through :func:`scipy.optimize.linprog`, one problem at
  a time.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

ROW_TOL = 1e-13
VERTEX_MAX_VARS = 3


@lru_cache(maxsize=64)
def _subsets(rows: int, n: int) -> np.ndarray:
    return np.array(list(itertools.combinations(range(rows), n)), dtype=np.intp)


def _det(M: np.ndarray) -> np.ndarray:
    n = M.shape[-1]
    if n == 1:
        return M[..., 0, 0]
    if n == 2:
        return M[..., 0, 0] * M[..., 1, 1] - M[..., 0, 1] * M[..., 1, 0]
    return (
        M[..., 0, 0] * (M[..., 1, 1] * M[..., 2, 2] - M[..., 1, 2] * M[..., 2, 1])
        - M[..., 0, 1] * (M[..., 1, 0] * M[..., 2, 2] - M[..., 1, 2] * M[..., 2, 0])
        + M[..., 0, 2] * (M[..., 1, 0] * M[..., 2, 1] - M[..., 1, 1] * M[..., 2, 0])
    )


def _cramer(M: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solutions of ``M z = r`` (batched) and a mask of the well-conditioned systems."""
    det = _det(M)
    scale = np.prod(np.maximum(np.abs(M).max(axis=-1), 1e-300), axis=-1)
    ok = np.abs(det) > 1e-11 * scale
    safe = np.where(ok, det, 1.0)
    z = np.empty(r.shape)
    for j in range(M.shape[-1]):
        Mj = M.copy()
        Mj[..., :, j] = r
        z[..., j] = _det(Mj) / safe
    return z, ok


def solve_batch(
    c: np.ndarray, A: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal values ``(N,)`` (``-inf`` when infeasible) and points ``(N, n)``.

    ``c`` is ``(N, n)``, ``A`` ``(N, m, n)``, ``b`` ``(N, m)``, ``lo``/``hi``
    ``(N, n)`` finite bounds.
    """
    N, n = c.shape
    if N == 0:
        return np.zeros(0), np.zeros((0, n))
    if n > VERTEX_MAX_VARS:
        return _highs(c, A, b, lo, hi)
    # rows that hold on the whole box of every problem can never bind: drop them
    if A.shape[1]:
        worst = np.maximum(A * lo[:, None, :], A * hi[:, None, :]).sum(axis=2)  # max of A z
        needed = np.any(worst > b - ROW_TOL * (1.0 + np.abs(b)), axis=0)
        if not needed.all():
            A, b = A[:, needed], b[:, needed]
    eye = np.eye(n)
    # all rows as G z <= h: the constraints, then z <= hi, then -z <= -lo
    G = np.concatenate(
        [A, np.broadcast_to(eye, (N, n, n)), np.broadcast_to(-eye, (N, n, n))], axis=1
    )
    h = np.concatenate([b, hi, -lo], axis=1)
    S = _subsets(G.shape[1], n)  # (S, n)
    M = G[:, S, :]  # (N, S, n, n)
    z, ok = _cramer(M, h[:, S])  # (N, S, n)
    resid = np.einsum("nmk,nsk->nsm", G, z) - h[:, None, :]  # (N, S, rows)
    scale = 1.0 + np.abs(h)[:, None, :] + np.einsum("nmk,nsk->nsm", np.abs(G), np.abs(z))
    feas = ok & np.all(resid <= ROW_TOL * scale, axis=2)
    val = np.einsum("nk,nsk->ns", c, z)
    val = np.where(feas, val, -np.inf)
    best = np.argmax(val, axis=1)
    rows = np.arange(N)
    return val[rows, best], np.clip(z[rows, best], lo, hi)


def _highs(
    c: np.ndarray, A: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    from scipy.optimize import linprog

    N, n = c.shape
    vals = np.full(N, -np.inf)
    pts = np.zeros((N, n))
    for j in range(N):
        res = linprog(
            -c[j],
            A_ub=A[j],
            b_ub=b[j] + ROW_TOL * (1.0 + np.abs(b[j])),
            bounds=list(zip(lo[j], hi[j])),
            method="highs",
            options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
        )
        if res.status == 0:
            vals[j] = -res.fun
            pts[j] = np.clip(res.x, lo[j], hi[j])
    return vals, pts


__all__ = ["solve_batch"]
