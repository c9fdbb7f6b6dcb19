"""Lexicographic optimisation over the outcome space: grid search, then refinement.

Every solver in :mod:`negotiation.solve` is an instance of one problem: over
the agreement set, maximise a criterion of the utility vector, break ties by a
second criterion, and so on. This module solves it in two steps:

1. **Grid.** Evaluate each criterion on every grid outcome (vectorised) and
   keep, stage by stage, the outcomes within ``GRID_TIE`` of the best; the
   remaining tie goes to the lowest grid index (row-major, issues in file
   order), which makes results deterministic.
2. **Refinement.** Holding the discrete issues of the best grid outcome (and of
   the runners-up with other discrete levels) fixed, solve each stage exactly
   over the continuous issues with SLSQP, using analytic derivatives. Value
   functions have kinks (at an ideal point, at the vertices of a
   piecewise-linear function), so the neighbourhood of the grid point is cut
   into *cells* on which every utility is smooth, and each cell is solved
   separately. Earlier stages become constraints of later ones ("locks").

A refined point replaces the grid point only if it satisfies every constraint
and is lexicographically at least as good; otherwise the grid point is
returned with ``exact=False`` and a message saying so.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .problem import AGREE_TOL, Problem

GRID_TIE = 1e-12      # ties on the grid (relative to the criterion's scale)
REFINED_TIE = 1e-9    # ties between refined candidates
LOCK_TOL = 1e-14      # slack allowed when an earlier stage becomes a constraint (drift ~ sqrt)
FEAS_TOL = 1e-9       # constraint violation accepted in a refined point
MAX_STARTS = 6        # at most this many grid local maxima are refined
MAX_COMBOS = 8        # at most this many other discrete combinations are screened
COMBO_STARTS = 2      # grid local maxima refined per screened combination
POLISH_STEPS = 4      # re-centrings of the cell polish when the best is on its edge
RESTARTS = 6          # SLSQP restarts after a step outside the feasible set


@dataclass(frozen=True)
class Stage:
    """One criterion to maximise.

    ``kind`` is ``"linear"`` (``c @ u + e @ x``), ``"nash"``
    (``sum_i c_i log(u_i - d_i)`` over ``c_i > 0``) or ``"maximin"``
    (``min_i c_i (u_i - d_i)`` over ``c_i > 0``). ``c`` has one entry per
    party; ``e`` (linear only) one per issue coordinate.
    """

    kind: str
    c: np.ndarray
    e: np.ndarray | None = None

    @property
    def members(self) -> np.ndarray:
        return np.flatnonzero(self.c > 0) if self.kind != "linear" else np.flatnonzero(self.c)

    def grid_value(self, U: np.ndarray, X: np.ndarray | None, d: np.ndarray) -> np.ndarray:
        m = self.members
        if self.kind == "linear":
            v = U @ self.c
            if self.e is not None:
                v = v + X @ self.e
            return v
        gains = U[:, m] - d[m]
        if self.kind == "nash":
            with np.errstate(divide="ignore", invalid="ignore"):
                logs = np.where(gains > 0, np.log(np.where(gains > 0, gains, 1.0)), -np.inf)
            return logs @ self.c[m] if len(m) else np.zeros(U.shape[0])
        if len(m) == 0:
            return np.zeros(U.shape[0])
        return np.min(gains * self.c[m], axis=1)


@dataclass(frozen=True)
class Optimum:
    """Where the lexicographic optimum is and how good it is."""

    coords: np.ndarray            # (K,) issue coordinates (level index for discrete issues)
    utilities: np.ndarray         # (P,)
    values: tuple[float, ...]     # criterion value of each stage
    exact: bool                   # refined on the continuous issues (or none exist)
    message: str = ""


def _lex_better(a: tuple[float, ...], b: tuple[float, ...], tol: float) -> bool:
    """Is ``a`` lexicographically better than ``b`` beyond ``tol``?"""
    for x, y in zip(a, b):
        scale = tol * max(1.0, abs(x), abs(y))
        if x > y + scale:
            return True
        if x < y - scale:
            return False
    return False


def grid_optimum(problem: Problem, stages: list[Stage], mask: np.ndarray) -> tuple[int, np.ndarray]:
    """Best grid index within ``mask`` and the indices still tied after each stage."""
    cand = np.flatnonzero(mask)
    if cand.size == 0:
        return -1, cand
    U = problem.U[cand]
    X = problem.space.coordinates(cand) if any(s.e is not None for s in stages) else None
    for s in stages:
        v = s.grid_value(U, X, problem.d)
        best = np.max(v)
        if not np.isfinite(best):
            continue  # every candidate is -inf (e.g. no point with all gains positive)
        keep = v >= best - GRID_TIE * max(1.0, abs(best))
        cand, U = cand[keep], U[keep]
        X = X[keep] if X is not None else None
    return int(cand[0]), cand


def optimise(problem: Problem, stages: list[Stage], *, mask: np.ndarray | None = None,
             require_agreement: bool = True, fixed: dict[int, float] | None = None
             ) -> Optimum | None:
    """Lexicographic optimum of ``stages`` over the agreement set.

    Parameters
    ----------
    mask:
        Grid outcomes allowed as starting points (default: all).
    require_agreement:
        Restrict to outcomes every veto party accepts (the agreement set).
    fixed:
        ``{issue index: coordinate}`` held fixed (discrete issues only).
    Returns ``None`` when no grid outcome satisfies the restrictions.
    """
    space = problem.space
    allowed = np.ones(space.size, dtype=bool) if mask is None else mask.copy()
    if fixed:
        X_all = None
        for k, value in fixed.items():
            if X_all is None:
                X_all = space.all_coordinates()
            allowed &= X_all[:, k] == value
    thin = False
    if require_agreement:
        inside = allowed & problem.agreement
        if not inside.any() and allowed.any() and len(space.continuous):
            # The agreement set may be thinner than the grid: find the outcome with the
            # largest smallest surplus; if it is acceptable, refine from there.
            closest = optimise(problem, [Stage("maximin", problem.veto.astype(float))],
                               mask=allowed, require_agreement=False)
            if closest is None or not closest.exact or closest.values[0] < -FEAS_TOL:
                return None
            starts = [closest.coords]
            thin = True
        allowed = inside
    if not thin:
        best, _ = grid_optimum(problem, stages, allowed)
        if best < 0:
            return None
        coords = space.coordinates([best])[0]
        grid_vals = _stage_values(problem, stages, coords)
        grid = Optimum(coords, problem.utilities(coords[None])[0], grid_vals,
                       exact=len(space.continuous) == 0)
        if grid.exact:
            return grid
        starts = [coords] + _runner_up_starts(problem, stages, allowed, coords)
    found: Optimum | None = None

    def consider(cand: Optimum | None) -> None:
        nonlocal found
        if cand is None:
            return
        if (found is None or _lex_better(cand.values, found.values, REFINED_TIE)
                or (cand.exact and not found.exact
                    and not _lex_better(found.values, cand.values, REFINED_TIE))):
            found = cand

    box = np.array([problem.space.issues[k].range for k in space.continuous], dtype=float)
    # Phase A, from every start: the whole continuous box, so that coordinates the
    # grid left at a tied value can move (kinks make this approximate).
    for start in starts:
        consider(_refine_cell(problem, stages, start, box, require_agreement)
                 or _fallback(problem, stages, start))
    if len(space.discrete) and found is not None:
        # Grid rounding can misrank discrete combinations: refine the first stage in
        # every combination whose optimistic bound beats the best value found.
        tried = {tuple(s[space.discrete]) for s in starts}
        for start in _combo_starts(problem, stages[0], allowed, found.values[0], tried):
            consider(_refine_cell(problem, stages, start, box, require_agreement))
    # Phase B, around the best point only: solve each smooth cell of its neighbourhood
    # (one-sided derivatives are exact there). Phase A can stop short at a kink, or on
    # the wrong side of one within a grid step of the optimum.
    # When the best point ends on the edge of that neighbourhood, the optimum may lie
    # beyond it: re-centre there and repeat (a few steps of a trust-region walk).
    for _ in range(POLISH_STEPS):
        if found is None:
            break
        centre = found.coords
        cells = _cells(problem, centre)
        for cell in cells:
            consider(_refine_cell(problem, stages, centre, cell, require_agreement))
        if not _on_edge(problem, found.coords, cells):
            break
    if found is not None and not found.exact:
        found = None
    if thin:
        return found
    if found is None or _lex_better(grid_vals, found.values, REFINED_TIE):
        return Optimum(grid.coords, grid.utilities, grid.values, False,
                       "continuous refinement did not improve on the grid point; "
                       "result is grid-accurate only")
    return Optimum(found.coords, found.utilities, found.values, True)


def _stage_values(problem: Problem, stages: list[Stage], coords: np.ndarray) -> tuple[float, ...]:
    u = problem.utilities(coords[None])
    return tuple(float(s.grid_value(u, coords[None], problem.d)[0]) for s in stages)


def _grid_local_maxima(problem: Problem, stage: Stage, allowed: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, float]:
    """Stage values on the grid (``-inf`` outside ``allowed``), the mask of grid local
    maxima (no allowed neighbour along a continuous issue is better) and ``reach``,
    the largest change of the value between grid neighbours."""
    space = problem.space
    cand = np.flatnonzero(allowed)
    X = space.coordinates(cand)
    v = stage.grid_value(problem.U[cand], X, problem.d)
    full = np.full(space.size, -np.inf)
    full[cand] = np.where(np.isfinite(v), v, -np.inf)
    grid = full.reshape(space.shape)
    is_max = np.isfinite(grid)
    reach = 0.0
    for k in space.continuous:
        for shift in (1, -1):
            neighbour = np.full_like(grid, -np.inf)
            src = [slice(None)] * grid.ndim
            dst = [slice(None)] * grid.ndim
            if shift == 1:
                src[k], dst[k] = slice(1, None), slice(None, -1)
            else:
                src[k], dst[k] = slice(None, -1), slice(1, None)
            neighbour[tuple(dst)] = grid[tuple(src)]
            is_max &= grid >= neighbour
            both = np.isfinite(grid) & np.isfinite(neighbour)
            if both.any():
                reach = max(reach, float(np.max(np.abs(grid[both] - neighbour[both]))))
    return full, is_max.ravel(), reach


def _runner_up_starts(problem: Problem, stages: list[Stage], allowed: np.ndarray,
                      coords: np.ndarray) -> list[np.ndarray]:
    """Other starting points: the best grid local maxima of the first stage.

    A grid point is a local maximum when no allowed neighbour (one step along
    one continuous issue, same discrete levels) has a larger first-stage value;
    the best of these, from distinct neighbourhoods, seed refinement so that a
    non-concave criterion is not refined from one basin only. Every discrete
    combination's best point is a local maximum of its own slice.
    """
    space = problem.space
    full, is_max, reach = _grid_local_maxima(problem, stages[0], allowed)
    idx = np.flatnonzero(is_max)
    order = idx[np.lexsort((idx, -full[idx]))]
    # Refinement moves a point by about one grid step, so it cannot lift a local
    # maximum by much more than ``reach``: those further below the best are skipped.
    best = full[order[0]] if order.size else -np.inf
    order = order[full[order] >= best - 2 * reach]
    out: list[np.ndarray] = []
    taken = [coords]
    steps = np.array([problem.step(k) for k in space.continuous])
    for j in order:
        x = space.coordinates([j])[0]
        near = any(np.all(x[space.discrete] == t[space.discrete])
                   and np.all(np.abs(x[space.continuous] - t[space.continuous]) <= 2 * steps + 1e-12)
                   for t in taken)
        if near:
            continue
        taken.append(x)
        out.append(x)
        if len(out) >= MAX_STARTS - 1:
            break
    return out


def _fallback(problem: Problem, stages: list[Stage], start: np.ndarray) -> Optimum:
    """The start itself, marked not exact, so that phase B polishes around it."""
    u = problem.utilities(start[None])[0]
    return Optimum(start, u, _stage_values(problem, stages, start), False)


def _combo_bounds(problem: Problem, stage: Stage, combos: np.ndarray) -> np.ndarray:
    """Optimistic value of ``stage`` per discrete combination (rows of level indices).

    Utilities are additive, so with the discrete levels fixed each party's best
    utility over the continuous box is its fixed part plus, per continuous
    issue, the largest grid value (the grid holds every kink, so for one party
    this is exact). Agreement constraints and the coupling between parties are
    ignored: the bound is never below the true optimum of the combination
    (for linear criteria a one-step slack covers maxima between grid points).
    """
    space = problem.space
    tables = problem.tables
    fixed = np.zeros((len(combos), len(problem.names)))
    for j, k in enumerate(space.discrete):
        fixed += tables[k][combos[:, j].astype(int)]
    if stage.kind == "linear":
        total = fixed @ stage.c
        if stage.e is not None:
            total = total + combos @ stage.e[space.discrete]
        for k in space.continuous:
            f = tables[k] @ stage.c
            if stage.e is not None:
                f = f + stage.e[k] * space.grids[k]
            slack = float(np.max(np.abs(np.diff(f)))) if f.size > 1 else 0.0
            total = total + float(np.max(f)) + slack
        return total
    best_u = fixed + sum(tables[k].max(axis=0) for k in space.continuous)
    m = stage.members
    gains = best_u[:, m] - problem.d[m]
    if stage.kind == "nash":
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(gains > 0, np.log(np.where(gains > 0, gains, 1.0)), -np.inf)
        return logs @ stage.c[m]
    return np.min(gains * stage.c[m], axis=1) if len(m) else np.zeros(len(combos))


def _combo_starts(problem: Problem, stage: Stage, allowed: np.ndarray, value: float,
                  tried: set) -> list[np.ndarray]:
    """Starting points in discrete combinations that might beat ``value``.

    Combinations are visited by decreasing optimistic bound (branch and bound
    over the discrete levels). In each, the best grid local maxima (up to
    ``COMBO_STARTS``, which may lie in different basins) are refined on the
    first stage alone, and kept as starts if they beat ``value``.
    """
    space = problem.space
    full, is_max, _ = _grid_local_maxima(problem, stage, allowed)
    idx = np.flatnonzero(is_max)
    if idx.size == 0:
        return []
    X = space.coordinates(idx)
    combo = X[:, space.discrete]
    keys = np.ravel_multi_index(combo.T.astype(int), [len(space.issues[k].levels)
                                                      for k in space.discrete])
    order = np.lexsort((idx, -full[idx], keys))
    new_key = np.concatenate([[True], keys[order][1:] != keys[order][:-1]])
    rank = np.arange(order.size) - np.maximum.accumulate(np.where(new_key,
                                                                  np.arange(order.size), 0))
    first = order[new_key]
    bounds = _combo_bounds(problem, stage, combo[first])
    box = np.array([space.issues[k].range for k in space.continuous], dtype=float)
    out = []
    for n, j in enumerate(np.argsort(-bounds, kind="stable")):
        if n >= MAX_COMBOS or bounds[j] <= value + REFINED_TIE * max(1.0, abs(value)):
            break
        key = keys[first[j]]
        if tuple(X[first[j]][space.discrete]) in tried:
            continue
        for i in order[(keys[order] == key) & (rank < COMBO_STARTS)]:
            r = _refine_cell(problem, [stage], X[i], box, True)
            got = r.values[0] if r is not None else float(full[idx[i]])
            if got > value + REFINED_TIE * max(1.0, abs(value)):
                out.append(X[i] if r is None else r.coords)
                value = got
    return out


def _on_edge(problem: Problem, coords: np.ndarray, cells: list[np.ndarray]) -> bool:
    """Is ``coords`` on the outer edge of the cells' union (but inside the issue range)?"""
    J = problem.space.continuous
    lo = np.min([c[:, 0] for c in cells], axis=0)
    hi = np.max([c[:, 1] for c in cells], axis=0)
    ranges = np.array([problem.space.issues[k].range for k in J], dtype=float)
    x = coords[J]
    tol = 1e-9 * (ranges[:, 1] - ranges[:, 0])
    inner_lo = (np.abs(x - lo) <= tol) & (lo > ranges[:, 0] + tol)
    inner_hi = (np.abs(x - hi) <= tol) & (hi < ranges[:, 1] - tol)
    return bool(np.any(inner_lo | inner_hi))


def _at_kink(problem: Problem, coords: np.ndarray, tol: float = 1e-9) -> bool:
    """Is some continuous coordinate on (or next to) a breakpoint of a utility?"""
    for k in problem.space.continuous:
        bp = problem.breakpoints(k)
        lo, hi = problem.space.issues[k].range
        inner = bp[(bp > lo) & (bp < hi)]
        if inner.size and np.min(np.abs(inner - coords[k])) <= tol * max(1.0, hi - lo):
            return True
    return False


def _cells(problem: Problem, start: np.ndarray) -> list[np.ndarray]:
    """Boxes around ``start`` (one grid step each way) on which utilities are smooth."""
    per_issue = []
    for k in problem.space.continuous:
        lo, hi = problem.space.issues[k].range
        h = problem.step(k)
        a, b = max(lo, start[k] - h), min(hi, start[k] + h)
        bp = problem.breakpoints(k)
        inner = bp[(bp > a) & (bp < b)]
        edges = np.concatenate([[a], inner, [b]])
        per_issue.append([(edges[j], edges[j + 1]) for j in range(len(edges) - 1)
                          if edges[j + 1] > edges[j]] or [(a, b)])
    return [np.array(c) for c in itertools.product(*per_issue)]


def _refine_cell(problem: Problem, stages: list[Stage], start: np.ndarray, cell: np.ndarray,
                 require_agreement: bool) -> Optimum | None:
    J = problem.space.continuous
    d = problem.d
    veto = np.flatnonzero(problem.veto) if require_agreement else np.array([], dtype=int)
    mid = cell.mean(axis=1)
    base = start.astype(float).copy()

    cache: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def evaluate(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Coordinates, utilities and their Jacobian at continuous values ``x``."""
        key = np.asarray(x, dtype=float).tobytes()
        hit = cache.get(key)
        if hit is None:
            c = base.copy()
            c[J] = x
            side = np.where(c[J] < mid, 1.0, -1.0)
            if len(cache) > 64:
                cache.clear()
            u, jac = problem.point(c, J, side)
            hit = cache[key] = (c, u, jac)
        return hit

    locks: list[tuple[Stage, float, np.ndarray]] = []
    x = np.clip(start[J], cell[:, 0], cell[:, 1])
    for stage in stages:
        x = _solve_stage(stage, x, cell, evaluate, J, d, veto, locks)
        if x is None:
            return None
        c, u, _ = evaluate(x)
        locks.append((stage, float(stage.grid_value(u[None], c[None], d)[0]), u.copy()))
    c, u, _ = evaluate(x)
    if require_agreement and np.any(u[veto] < d[veto] - max(FEAS_TOL, AGREE_TOL)):
        return None
    for st, val, ustar in locks[:-1]:
        if np.any(_lock_value(st, val, ustar, c, u, d) < -FEAS_TOL):
            return None
    return Optimum(c, u, tuple(v for _, v, _ in locks), True)


def _linear(stage: Stage, c, u, jac, J):
    val = float(stage.c @ u)
    grad = stage.c @ jac
    if stage.e is not None:
        val += float(stage.e @ c)
        grad = grad + stage.e[J]
    return val, grad


def _solve_stage(stage: Stage, x0, cell, evaluate, J, d, veto, locks):
    n = len(J)
    m = stage.members
    maximin = stage.kind == "maximin"
    nvar = n + (1 if maximin else 0)
    bounds = [tuple(b) for b in cell] + ([(None, None)] if maximin else [])

    def objective(z):
        c, u, jac = evaluate(z[:n])
        grad = np.zeros(nvar)
        if maximin:
            grad[n] = -1.0
            return -z[n], grad
        if stage.kind == "linear":
            val, g = _linear(stage, c, u, jac, J)
            grad[:n] = -g
            return -val, grad
        safe = np.maximum(u[m] - d[m], 1e-300)
        grad[:n] = -(stage.c[m] / safe) @ jac[m]
        return -float(np.sum(stage.c[m] * np.log(safe))), grad

    def cons(z):
        c, u, _ = evaluate(z[:n])
        out = [u[veto] - d[veto]]
        if maximin:
            out.append((u[m] - d[m]) * stage.c[m] - z[n])
        out += [_lock_value(st, val, ustar, c, u, d) for st, val, ustar in locks]
        return np.concatenate(out)

    def cons_jac(z):
        c, u, jac = evaluate(z[:n])
        rows = [np.hstack([jac[veto], np.zeros((len(veto), nvar - n))])]
        if maximin:
            rows.append(np.hstack([jac[m] * stage.c[m][:, None], -np.ones((len(m), 1))]))
        for st, _, _ in locks:
            g = _lock_jac(st, c, u, jac, J)
            rows.append(np.hstack([g, np.zeros((g.shape[0], nvar - n))]))
        return np.vstack(rows)

    z0 = np.array(x0, dtype=float)
    if maximin:
        _, u, _ = evaluate(z0)
        z0 = np.append(z0, np.min((u[m] - d[m]) * stage.c[m]) if len(m) else 0.0)
    lower = np.array([b[0] if b[0] is not None else -np.inf for b in bounds])
    upper = np.array([b[1] if b[1] is not None else np.inf for b in bounds])

    def feasible(z):
        return bool(np.all(cons(z) >= -FEAS_TOL))

    # SLSQP linearises the constraints; near a steep value function (exponent < 1
    # close to its worst point) it can step outside the feasible set. Then the
    # last feasible point and the infeasible step are bisected to the boundary
    # and SLSQP restarts from there.
    best = z0
    best_f = objective(z0)[0] if feasible(z0) else np.inf
    z = z0
    for _ in range(RESTARTS):
        try:
            res = minimize(objective, z, jac=True, method="SLSQP", bounds=bounds,
                           constraints=[{"type": "ineq", "fun": cons, "jac": cons_jac}],
                           options={"ftol": 1e-15, "maxiter": 300})
        except (ValueError, FloatingPointError):  # pragma: no cover - defensive
            break
        z1 = np.clip(res.x, lower, upper)
        if not np.all(np.isfinite(z1)):
            break
        if feasible(z1):
            cand, done = z1, True
        elif np.isfinite(best_f):
            cand, done = _bisect_feasible(best, z1, feasible), False
        else:
            z = z1
            continue
        f = objective(cand)[0]
        if f < best_f - 1e-15 * max(1.0, abs(best_f)) or not np.isfinite(best_f):
            best, best_f = cand, f
            if done:
                break
            z = cand
        else:
            break
    if not np.isfinite(best_f):
        return None
    return best[:n]


def _bisect_feasible(a: np.ndarray, b: np.ndarray, feasible) -> np.ndarray:
    """The last feasible point on the segment from feasible ``a`` to ``b``."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if feasible(a + mid * (b - a)):
            lo = mid
        else:
            hi = mid
    return a + lo * (b - a)


def _lock_value(st: Stage, val: float, ustar: np.ndarray, c, u: np.ndarray, d: np.ndarray):
    """Earlier stage ``st`` (optimum ``val``, utilities ``ustar``) as ``>= 0`` constraints."""
    m = st.members
    tol = LOCK_TOL * max(1.0, abs(val))
    if st.kind == "linear":
        v = float(st.c @ u) + (float(st.e @ c) if st.e is not None else 0.0)
        return np.array([v - val + tol])
    if st.kind == "nash":
        return u[m] - ustar[m] + LOCK_TOL
    return (u[m] - d[m]) * st.c[m] - val + tol


def _lock_jac(st: Stage, c, u, jac, J):
    m = st.members
    if st.kind == "linear":
        g = st.c @ jac
        if st.e is not None:
            g = g + st.e[J]
        return g[None, :]
    if st.kind == "nash":
        return jac[m]
    return jac[m] * st.c[m][:, None]
