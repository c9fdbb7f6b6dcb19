"""The Nash criterion on a polytope: ``max sum_i c_i log(g_i(x))`` with affine gains ``g_i``.

On an elementary cell (or its linear relaxation) the Nash criterion is the
logarithm of a product of affine functions over a polytope
``{x : A x <= b, lo <= x <= hi}``: a concave problem, so a local optimum is
global. Three batched tools solve it for many cells at once:

* :func:`frank_wolfe_bound`: at any feasible ``x``, concavity gives
  ``f(y) <= f(x) + grad f(x) . (y - x)`` for every ``y``, so
  ``f(x) + max_{s in polytope} grad f(x) . (s - x)`` bounds the optimum (one
  linear program; Frank & Wolfe 1956, the duality gap of Jaggi 2013, eq. 4).
  The bound is tight at the optimum.
* :func:`line_search`: the best step along a segment (the derivative of a sum
  of logarithms is decreasing, so bisection on its sign).
* :func:`barrier_newton`: the log-barrier method (Boyd & Vandenberghe 2004,
  section 11.3) from a strictly interior point (a Chebyshev centre found by
  one linear program), ending with a barrier weight of ``1e-13``: the point it
  returns is within about ``1e-12`` of the optimum, where the Frank–Wolfe
  bound then closes the gap.
"""

from __future__ import annotations

import numpy as np

from .lp import solve_batch

BARRIER_START = 1e-2  # first barrier weight (criterion units: a sum of logarithms)
BARRIER_SHRINK = 1 / 30  # factor between barrier weights
BARRIER_END = 1e-13  # last barrier weight (the optimality gap is about rows x this)
NEWTON_STEPS = 8  # Newton steps per barrier weight


def gains(g0: np.ndarray, G: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``(N, M)`` gains ``g0 + G x`` of a batch of points ``x`` ``(N, n)``."""
    return g0 + np.einsum("nmk,nk->nm", G, x)


def value(cm: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``sum c_i log g_i`` per row (``-inf`` where a gain is not positive)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.all(g > 0, axis=1), np.log(np.where(g > 0, g, 1.0)) @ cm, -np.inf)


def frank_wolfe_bound(cm, g0, G, A, b, lo, hi, x):
    """Upper bounds ``(N,)`` of the criterion over each polytope, the LP vertices ``s`` and
    the gains at ``x`` (``+inf`` bound where some gain at ``x`` is not positive)."""
    g = gains(g0, G, x)
    positive = np.all(g > 0, axis=1)
    safe = np.where(g > 0, g, 1.0)
    grad = np.einsum("m,nm,nmk->nk", cm, 1.0 / safe, G)
    v, s = solve_batch(grad, A, b, lo, hi)
    bound = np.where(positive, value(cm, g) + v - np.einsum("nk,nk->n", grad, x), np.inf)
    return bound, s, np.where(g > 0, g, 1e-300)


def line_search(cm: np.ndarray, g: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Step in ``[0, 1]`` maximising ``sum c_i log(g_i + t delta_i)``, staying where every
    gain is positive."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        limit = np.where(delta < 0, -g / np.where(delta < 0, delta, -1.0), np.inf)
    t_max = np.minimum(1.0, limit.min(axis=1) * (1.0 - 1e-9))

    def slope(t):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sum(cm * delta / np.maximum(g + t[:, None] * delta, 1e-300), axis=1)

    lo_t, hi_t = np.zeros(len(g)), t_max.copy()
    full = slope(hi_t) >= 0
    for _ in range(50):
        mid = 0.5 * (lo_t + hi_t)
        pos = slope(mid) >= 0
        lo_t = np.where(pos, mid, lo_t)
        hi_t = np.where(pos, hi_t, mid)
    return np.where(full, t_max, lo_t)


def _rows(A, b, lo, hi):
    """All constraints as ``R x <= r`` (rows, then the box). A row with no coefficients is
    either always true or never; it is replaced by ``0 <= 1`` (an empty polytope is caught
    by :func:`interior`)."""
    N, _, n = A.shape
    eye = np.broadcast_to(np.eye(n), (N, n, n))
    R = np.concatenate([A, eye, -eye], axis=1)
    r = np.concatenate([b, hi, -lo], axis=1)
    void = np.abs(R).max(axis=2) <= 1e-14 * np.maximum(np.abs(R).max(axis=(1, 2))[:, None], 1.0)
    return np.where(void[:, :, None], 0.0, R), np.where(void, 1.0, r)


def interior(cm, g0, G, A, b, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """A strictly interior point of each polytope with every gain positive, and a mask of
    the polytopes that have one (a Chebyshev-type centre: the largest margin ``t`` with
    every row, box side and gain at least ``t`` times its norm inside)."""
    N, n = lo.shape
    R, r = _rows(A, b, lo, hi)
    norms = np.maximum(np.linalg.norm(R, axis=2), 1e-300)
    gnorm = np.maximum(np.linalg.norm(G, axis=2), 1e-12)
    # rows:  R x + t |R| <= r ;  -G x + t |G| <= g0
    A_t = np.concatenate(
        [
            np.concatenate([R, norms[:, :, None]], axis=2),
            np.concatenate([-G, gnorm[:, :, None]], axis=2),
        ],
        axis=1,
    )
    b_t = np.concatenate([r, g0], axis=1)
    width = (hi - lo).max(axis=1)
    c = np.zeros((N, n + 1))
    c[:, n] = 1.0
    val, z = solve_batch(
        c,
        A_t,
        b_t,
        np.concatenate([lo, np.zeros((N, 1))], axis=1),
        np.concatenate([hi, width[:, None]], axis=1),
    )
    ok = val > 1e-6 * np.maximum(width, 1e-300)  # thinner: SLSQP instead
    return z[:, :n], ok


def barrier_newton(cm, g0, G, A, b, lo, hi, x0) -> np.ndarray:
    """Maximise ``sum c_i log g_i(x)`` over each polytope by the log-barrier method from
    strictly interior points ``x0`` (batched damped Newton steps)."""
    R, r = _rows(A, b, lo, hi)
    x = x0.copy()
    N, n = x.shape
    mu = BARRIER_START

    def merit(xs, mu):
        g = gains(g0, G, xs)
        s = r - np.einsum("nmk,nk->nm", R, xs)
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = np.all(g > 0, axis=1) & np.all(s > 0, axis=1)
            v = np.log(np.where(g > 0, g, 1.0)) @ cm + mu * np.log(np.where(s > 0, s, 1.0)).sum(
                axis=1
            )
        return np.where(ok, v, -np.inf), g, s

    while mu >= BARRIER_END:
        for _ in range(NEWTON_STEPS):
            f, g, s = merit(x, mu)
            g = np.where(g > 0, g, 1e-300)
            s = np.where(s > 0, s, 1e-300)
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                grad = np.einsum("nm,nmk->nk", cm / g, G) - mu * np.einsum("nm,nmk->nk", 1.0 / s, R)
                H = -(
                    np.einsum("nm,nmk,nml->nkl", cm / g**2, G, G)
                    + mu * np.einsum("nm,nmk,nml->nkl", 1.0 / s**2, R, R)
                )
            bad = ~np.all(np.isfinite(H), axis=(1, 2)) | ~np.all(np.isfinite(grad), axis=1)
            H[bad] = -np.eye(n)
            grad[bad] = 0.0
            # the box rows make H negative definite
            step = -np.linalg.solve(H, grad[:, :, None])[:, :, 0]
            decrement = np.einsum("nk,nk->n", grad, step)
            # converged for this barrier weight: the Newton decrement is at rounding level
            active = np.isfinite(f) & (decrement > 1e-13 * np.maximum(1.0, np.abs(f)))
            if not active.any():
                break
            # fraction to the boundary: the full step keeps every row and gain inside
            with np.errstate(divide="ignore", invalid="ignore"):
                ds = np.einsum("nmk,nk->nm", R, step)
                dg = np.einsum("nmk,nk->nm", G, step)
                reach = np.minimum(
                    np.where(ds > 0, s / ds, np.inf).min(axis=1),
                    np.where(dg < 0, -g / dg, np.inf).min(axis=1),
                )
            t = np.where(active, np.minimum(1.0, 0.99 * reach), 0.0)
            for _ in range(30):  # backtracking (Armijo)
                cand = x + t[:, None] * step
                fc = merit(cand, mu)[0]
                good = (fc >= f + 0.25 * t * decrement) | (t == 0)
                if good.all():
                    break
                t = np.where(good, t, np.where(t < 1e-14, 0.0, 0.5 * t))
            cand = x + t[:, None] * step
            fc = merit(cand, mu)[0]
            x = np.where((fc >= f)[:, None], cand, x)
        mu *= BARRIER_SHRINK
    return x


__all__ = ["barrier_newton", "frank_wolfe_bound", "gains", "interior", "line_search", "value"]
