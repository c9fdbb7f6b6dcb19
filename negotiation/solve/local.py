"""Local polish of an incumbent on curved value functions (SLSQP inside smooth cells).

Branch and bound proves the optimum; on curved pieces its incumbents (box
centres, relaxed optima) approach the optimum only as fast as the boxes
shrink. A local solve of the true problem from the incumbent, inside each
elementary cell that touches it (where every utility is smooth, so one-sided
derivatives are exact), gives the optimum to about ``1e-9`` in issue values at
once. The result is only a candidate: the search accepts it if it satisfies
every constraint and improves the incumbent.
"""

from __future__ import annotations

import itertools

import numpy as np

from .bnb import Criterion, Row


def _cells_around(problem, coords: np.ndarray) -> list[np.ndarray]:
    """Elementary cells (``(n, 2)`` boxes) whose closure holds ``coords``."""
    st = problem.structure
    per_issue = []
    for j, piece in enumerate(st.pieces):
        x = coords[st.continuous[j]]
        e = piece.edges
        q = int(np.clip(np.searchsorted(e, x, side="right") - 1, 0, piece.n_intervals - 1))
        cells = [(e[q], e[q + 1])]
        tol = 1e-9 * max(1.0, e[-1] - e[0])
        if q > 0 and abs(x - e[q]) <= tol:
            cells.append((e[q - 1], e[q]))
        if q + 1 < piece.n_intervals and abs(x - e[q + 1]) <= tol:
            cells.append((e[q + 1], e[q + 2]))
        per_issue.append(cells)
    return [np.array(c, dtype=float) for c in itertools.product(*per_issue)]


def polish(problem, crit: Criterion, rows: list[Row], coords: np.ndarray) -> list[np.ndarray]:
    """Locally optimal outcomes near ``coords``, one per elementary cell around it."""
    J = problem.structure.continuous
    if len(J) == 0:
        return []
    out = []
    start_ok = _feasible(problem, rows, coords)
    for cell in _cells_around(problem, coords):
        x = _solve_cell(problem, crit, rows, coords, cell)
        if x is None:
            continue
        if not _feasible(problem, rows, x) and start_ok:
            # SLSQP meets constraints only to about 1e-8: step back along the segment
            # from the feasible start to the last feasible point (bisection)
            x = _last_feasible(problem, rows, coords, x)
        out.append(x)
    return out


def _feasible(problem, rows: list[Row], x: np.ndarray) -> bool:
    u = problem.structure.utilities(x[None])[0]
    return all(
        row.a @ u + (row.b @ x if row.b is not None else 0.0) >= row.r - row.tol for row in rows
    )


def _last_feasible(problem, rows: list[Row], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if _feasible(problem, rows, a + mid * (b - a)):
            lo = mid
        else:
            hi = mid
    return a + lo * (b - a)


def _solve_cell(
    problem, crit: Criterion, rows: list[Row], start: np.ndarray, cell: np.ndarray
) -> np.ndarray | None:
    J = problem.structure.continuous
    n = len(J)
    mid = cell.mean(axis=1)
    base = start.astype(float).copy()
    m = crit.members
    maximin = crit.kind == "maximin"
    cache: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def evaluate(x: np.ndarray):
        key = x.tobytes()
        hit = cache.get(key)
        if hit is None:
            c = base.copy()
            c[J] = x
            u, jac = problem.point(c, J, np.where(x < mid, 1.0, -1.0))
            if len(cache) > 32:
                cache.clear()
            hit = cache[key] = (c, u, jac)
        return hit

    def objective(z):
        with np.errstate(all="ignore"):
            return _objective(z)

    def _objective(z):
        c, u, jac = evaluate(z[:n])
        grad = np.zeros(z.size)
        if maximin:
            grad[n] = -1.0
            return -z[n], grad
        if crit.kind == "linear":
            val = float(crit.c @ u) + (float(crit.e @ c) if crit.e is not None else 0.0)
            g = crit.c @ jac + (crit.e[J] if crit.e is not None else 0.0)
            grad[:n] = -g
            return -val, grad
        gain = np.maximum(u[m] - crit.d[m], 1e-300)
        grad[:n] = -(crit.c[m] / gain) @ jac[m]
        return -float(crit.c[m] @ np.log(gain)), grad

    def cons(z):
        c, u, _ = evaluate(z[:n])
        out = [
            np.array(
                [row.a @ u + (row.b @ c if row.b is not None else 0.0) - row.r for row in rows]
            )
        ]
        if maximin:
            out.append((u[m] - crit.d[m]) * crit.c[m] - z[n])
        if crit.kind == "nash":
            out.append(u[m] - crit.d[m] - 1e-300)
        return np.concatenate(out)

    def cons_jac(z):
        _, _, jac = evaluate(z[:n])
        extra = z.size - n
        out = [
            np.array(
                [
                    np.r_[row.a @ jac + (row.b[J] if row.b is not None else 0.0), np.zeros(extra)]
                    for row in rows
                ]
            ).reshape(len(rows), z.size)
        ]
        if maximin:
            out.append(np.hstack([jac[m] * crit.c[m][:, None], -np.ones((len(m), 1))]))
        if crit.kind == "nash":
            out.append(np.hstack([jac[m], np.zeros((len(m), extra))]))
        return np.vstack(out)

    from scipy.optimize import minimize  # only curved problems get here

    x0 = np.clip(start[J], cell[:, 0], cell[:, 1])
    bounds = [tuple(b) for b in cell]
    z0 = x0
    if maximin:
        _, u, _ = evaluate(x0)
        z0 = np.append(x0, np.min((u[m] - crit.d[m]) * crit.c[m]))
        bounds.append((None, None))
    try:
        res = minimize(
            objective,
            z0,
            jac=True,
            method="SLSQP",
            bounds=bounds,
            constraints=[{"type": "ineq", "fun": cons, "jac": cons_jac}],
            options={"ftol": 1e-15, "maxiter": 200},
        )
    except (ValueError, FloatingPointError, ZeroDivisionError):  # pragma: no cover
        return None
    x = np.clip(res.x[:n], cell[:, 0], cell[:, 1])
    if not np.all(np.isfinite(x)):
        return None
    out = base.copy()
    out[J] = x
    return out


__all__ = ["polish"]
