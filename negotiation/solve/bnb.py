"""Certified global maximum of one criterion over the outcome space (branch and bound).

The search space is every discrete combination times the box of continuous
issue values. A **node** is one combination and a sub-box. For each node the
search computes an upper bound of the criterion over the feasible outcomes
in it, and feasible outcomes (the incumbent is the best found):

1. **Interval bound** (any node): utilities are separable and every value term
   is monotone between breakpoints, so each party's utility over the box lies
   in an exact interval (:func:`negotiation.solve.pieces.bounds_over`). A node
   where some constraint cannot hold is dropped; otherwise the criterion at
   the optimistic end of the intervals bounds it.
2. **Relaxation bound** (a node inside one elementary interval per issue):
   every value term is replaced by linear under/over-estimators
   (:func:`negotiation.solve.pieces.envelopes`), exact on linear pieces. For a
   linear or max-min criterion the relaxed problem is a linear program
   (:mod:`negotiation.solve.lp`); its optimum bounds the node and, when every
   piece is linear, *is* the node's optimum. For the Nash criterion
   ``sum c_i log(u_i - d_i)``, concave in the relaxed utilities, the bound is the
   Frank–Wolfe bound ``f(x) + max_s grad f(x) . (s - x)`` over the relaxed
   polytope (Frank & Wolfe 1956; Jaggi 2013, eq. 4), taken at a point polished
   by SLSQP, where it is tight.
3. Nodes whose bound exceeds the incumbent by more than the tolerance are
   split: first at the breakpoints (until each node is elementary), then in
   half along the issue with the loosest envelope.

When no node is left above ``incumbent + tolerance`` the incumbent is a
**certified** global optimum; the largest bound of any discarded node is the
proven bound. If the node budget runs out the result says so
(``certified=False``) and carries the bound it reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import concave
from .lp import solve_batch
from .pieces import Structure, bounds_over, envelopes, locate

GAP_TOL = 1e-10  # certified when bound - value <= GAP_TOL * max(1, |value|)
OFFER_SLACK = 1e-11  # slack when checking a candidate against the constraint rows
MIN_WIDTH = 1e-13  # boxes narrower than this (relative to the range) are not split
MAX_NODES = 40_000  # node budget of one maximisation
BATCH = 1024  # nodes bounded together
ROOT_CELLS = 20_000  # start from the elementary cells when there are at most this many
FW_STEPS = 3  # Frank-Wolfe steps before a Nash node is polished
MAX_POLISH = 12  # local polishes of the incumbent per maximisation


@dataclass(frozen=True)
class Row:
    """A constraint ``a . u + b . x >= r`` (``b`` over all issue coordinates, or ``None``)."""

    a: np.ndarray
    b: np.ndarray | None
    r: float
    slack: float = -1.0  # violation accepted in a candidate (default: OFFER_SLACK scaled)

    @property
    def tol(self) -> float:
        return self.slack if self.slack >= 0 else OFFER_SLACK * (1.0 + abs(self.r))


@dataclass(frozen=True)
class Criterion:
    """``linear``: ``c . u + e . x``; ``maximin``: ``min_{c_i>0} c_i (u_i - d_i)``;
    ``nash``: ``sum_{c_i>0} c_i log(u_i - d_i)``."""

    kind: str
    c: np.ndarray
    e: np.ndarray | None
    d: np.ndarray

    @property
    def members(self) -> np.ndarray:
        return np.flatnonzero(self.c > 0)

    def value(self, U: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Criterion of outcomes with utilities ``U`` ``(M, P)`` and coordinates ``X``."""
        if self.kind == "linear":
            v = U @ self.c
            return v + X @ self.e if self.e is not None else v
        m = self.members
        gains = U[:, m] - self.d[m]
        if self.kind == "maximin":
            return np.min(gains * self.c[m], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(gains > 0, np.log(np.where(gains > 0, gains, 1.0)), -np.inf)
        return logs @ self.c[m]


@dataclass(frozen=True)
class Search:
    """Outcome of one maximisation."""

    value: float  # best criterion found (-inf: no feasible outcome found)
    coords: np.ndarray | None  # where (all issue coordinates)
    bound: float  # proven upper bound (-inf: proven infeasible)
    certified: bool
    nodes: int

    @property
    def gap(self) -> float:
        if self.coords is None:
            return 0.0 if self.bound == -np.inf else float("inf")
        return max(0.0, self.bound - self.value)


def tolerance(value: float, rel: float = GAP_TOL) -> float:
    return rel * max(1.0, abs(value)) if np.isfinite(value) else rel


class _Incumbent:
    def __init__(self, st: Structure, crit: Criterion, rows: list[Row], utilities) -> None:
        self.st, self.crit, self.rows, self.utilities = st, crit, rows, utilities
        self.value = -np.inf
        self.coords: np.ndarray | None = None
        self.polish_limit: int | None = None  # Nash nodes polished per batch (None: all)
        self.rel = GAP_TOL  # relative gap at which nodes close

    @property
    def tol(self) -> float:
        return tolerance(self.value, self.rel)

    def coords_of(self, combo: np.ndarray, x: np.ndarray) -> np.ndarray:
        K = len(self.st.continuous) + len(self.st.discrete)
        out = np.zeros((len(combo), K))
        out[:, self.st.continuous] = x
        out[:, self.st.discrete] = self.st.combos[combo]
        return out

    def offer(self, X: np.ndarray) -> None:
        """Consider outcomes ``X`` (full coordinates) as incumbents."""
        if len(X) == 0:
            return
        U = self.utilities(X)
        ok = np.ones(len(X), dtype=bool)
        for row in self.rows:
            lhs = U @ row.a + (X @ row.b if row.b is not None else 0.0)
            ok &= lhs >= row.r - row.tol
        if not ok.any():
            return
        v = np.where(ok, self.crit.value(U, X), -np.inf)
        j = int(np.argmax(v))
        if v[j] > self.value:
            self.value, self.coords = float(v[j]), X[j].copy()


def maximise(
    st: Structure,
    crit: Criterion,
    rows: list[Row],
    utilities,
    combos: np.ndarray,
    starts: Sequence[np.ndarray] = (),
    polish=None,
    max_nodes: int | None = None,
    polish_limit: int | None = None,
    gap: float = GAP_TOL,
    max_rounds: int | None = None,
) -> Search:
    """Certified maximum of ``crit`` subject to ``rows`` over the allowed ``combos``.

    ``utilities`` maps ``(M, K)`` coordinates to ``(M, P)`` utilities;
    ``starts`` are known outcomes to seed the incumbent. ``polish(crit, rows,
    coords)`` (optional) returns locally improved outcomes near an incumbent;
    it is used when some value function is curved. ``max_nodes`` and
    ``polish_limit`` (Nash nodes solved exactly per batch) bound the work of
    tie-break stages, which may also close at a looser relative ``gap`` and stop
    after ``max_rounds`` batches.
    """
    inc = _Incumbent(st, crit, rows, utilities)
    inc.polish_limit = polish_limit
    inc.rel = gap
    for s in starts:
        inc.offer(np.asarray(s, dtype=float)[None, :])
    polish = polish if st.curved else None
    polished: list[np.ndarray] = []

    def sharpen() -> None:
        if polish is None or inc.coords is None:
            return
        if any(np.array_equal(inc.coords, p) for p in polished) or len(polished) >= MAX_POLISH:
            return
        polished.append(inc.coords.copy())
        for x in polish(crit, rows, inc.coords):
            inc.offer(x[None, :])

    sharpen()
    n = len(st.continuous)
    if n == 0:
        X = inc.coords_of(combos, np.zeros((len(combos), 0)))
        inc.offer(X)
        return Search(inc.value, inc.coords, inc.value, True, len(combos))
    combo, lo, hi = _roots(st, np.asarray(combos, dtype=int))
    cap = _row_cap(crit, rows)
    discarded = -np.inf  # largest bound of a node dropped for its bound
    processed = rounds = 0
    bound_of_open = np.full(len(combo), np.inf)
    while len(combo):
        rounds += 1
        if processed >= (max_nodes or MAX_NODES) or (max_rounds and rounds > max_rounds):
            top = float(np.max(bound_of_open))
            return Search(inc.value, inc.coords, max(inc.value, discarded, top), False, processed)
        if processed and processed % (4 * BATCH) < BATCH:
            sharpen()
        order = np.argsort(-bound_of_open, kind="stable")
        take, rest = order[:BATCH], order[BATCH:]
        nc, nlo, nhi = combo[take], lo[take], hi[take]
        processed += len(take)
        bound, split_at, split_dim = _bound_nodes(st, crit, rows, nc, nlo, nhi, inc)
        bound = np.minimum(bound, cap)
        if processed == len(take):
            sharpen()  # polish the first incumbent at once
        keep_rest = bound_of_open[rest] > inc.value + inc.tol
        discarded = max(discarded, float(np.max(bound_of_open[rest][~keep_rest], initial=-np.inf)))
        combo, lo, hi, bound_of_open = (
            combo[rest][keep_rest],
            lo[rest][keep_rest],
            hi[rest][keep_rest],
            bound_of_open[rest][keep_rest],
        )
        live = bound > inc.value + inc.tol
        discarded = max(discarded, float(np.max(np.where(live, -np.inf, bound), initial=-np.inf)))
        live &= split_dim >= 0
        stuck = (bound > inc.value + inc.tol) & (split_dim < 0)
        if stuck.any():
            # cannot split further (box at the width limit): its bound stays open
            top = float(np.max(bound[stuck]))
            discarded = max(discarded, top)
        idx = np.flatnonzero(live)
        if idx.size:
            j = split_dim[idx]
            at = split_at[idx]
            left_hi = nhi[idx].copy()
            left_hi[np.arange(idx.size), j] = at
            right_lo = nlo[idx].copy()
            right_lo[np.arange(idx.size), j] = at
            combo = np.concatenate([combo, nc[idx], nc[idx]])
            lo = np.concatenate([lo, nlo[idx], right_lo])
            hi = np.concatenate([hi, left_hi, nhi[idx]])
            bound_of_open = np.concatenate([bound_of_open, bound[idx], bound[idx]])
    sharpen()
    final = max(inc.value, discarded)
    certified = final <= inc.value + inc.tol or (inc.coords is None and final == -np.inf)
    return Search(inc.value, inc.coords, final, bool(certified), processed)


def _row_cap(crit: Criterion, rows: list[Row]) -> float:
    """A bound every feasible outcome obeys because of one constraint row.

    When a linear criterion is a negative multiple of a row, ``c = -lam a`` and
    ``e = -lam b``, the row ``a . u + b . x >= r`` caps it at ``-lam r`` (for
    example "the least utility party i gets" is at most ``-d_i``). The relaxations
    use different envelopes for the same function in the criterion and in the
    row, so this cap is what certifies such optima when utilities are curved.
    """
    if crit.kind != "linear":
        return np.inf
    cap = np.inf
    ce = np.r_[crit.c, crit.e if crit.e is not None else []]
    for row in rows:
        re = np.r_[row.a, row.b if row.b is not None else np.zeros(len(ce) - len(row.a))]
        if re.shape != ce.shape or not np.any(re):
            continue
        j = int(np.argmax(np.abs(re)))
        lam = -ce[j] / re[j]
        if lam > 0 and np.allclose(ce, -lam * re, rtol=0, atol=1e-15 * np.abs(ce).max()):
            cap = min(cap, -lam * (row.r - row.tol))
    return cap


def _roots(st: Structure, combos: np.ndarray):
    """First nodes: every elementary cell of every combination when there are at most
    ``ROOT_CELLS`` of them (one batch reaches the exact relaxations), else whole boxes."""
    n = len(st.pieces)
    per_issue = [p.n_intervals for p in st.pieces]
    cells = int(np.prod(per_issue))
    if cells * len(combos) > ROOT_CELLS:
        lo = np.broadcast_to(st.lo, (len(combos), n)).copy()
        hi = np.broadcast_to(st.hi, (len(combos), n)).copy()
        return combos, lo, hi
    grid = np.indices(per_issue).reshape(n, -1).T  # (cells, n)
    lo_c = np.stack([st.pieces[j].edges[grid[:, j]] for j in range(n)], axis=1)
    hi_c = np.stack([st.pieces[j].edges[grid[:, j] + 1] for j in range(n)], axis=1)
    return (
        np.repeat(combos, cells),
        np.tile(lo_c, (len(combos), 1)),
        np.tile(hi_c, (len(combos), 1)),
    )


def _utility_bounds(st: Structure, combo, lo, hi):
    Ulo = st.F[combo].copy()
    Uhi = Ulo.copy()
    for j, piece in enumerate(st.pieces):
        tmin, tmax = bounds_over(piece, lo[:, j], hi[:, j])
        Ulo += tmin
        Uhi += tmax
    return Ulo, Uhi


def _linear_max(a: np.ndarray, b: np.ndarray | None, st: Structure, combo, lo, hi, Ulo, Uhi):
    """Upper bound of ``a . u + b . x`` over each node from the utility intervals."""
    v = np.where(a > 0, Uhi * a, Ulo * a).sum(axis=1)
    if b is not None:
        bc = b[st.continuous]
        v = v + np.maximum(lo * bc, hi * bc).sum(axis=1)
        v = v + st.combos[combo] @ b[st.discrete]
    return v


def _bound_nodes(st, crit, rows, combo, lo, hi, inc):
    """Bounds of a batch of nodes, feasible points offered to ``inc``, and where to split."""
    N, n = lo.shape
    Ulo, Uhi = _utility_bounds(st, combo, lo, hi)
    feasible = np.ones(N, dtype=bool)
    for row in rows:
        feasible &= _linear_max(row.a, row.b, st, combo, lo, hi, Ulo, Uhi) >= row.r - row.tol
    bound = _interval_bound(crit, st, combo, lo, hi, Ulo, Uhi)
    bound = np.where(feasible, bound, -np.inf)
    # the centre of every feasible node is a candidate
    mid = 0.5 * (lo + hi)
    ok = np.flatnonzero(feasible)
    inc.offer(inc.coords_of(combo[ok], mid[ok]))
    q = np.stack([locate(p, lo[:, j], hi[:, j]) for j, p in enumerate(st.pieces)], axis=1)
    elementary = feasible & np.all(q >= 0, axis=1) & (bound > inc.value + inc.tol)
    error = np.zeros((N, n))
    closed = np.zeros(N, dtype=bool)
    e_idx = np.flatnonzero(elementary)
    if e_idx.size:
        rb, closed_e, err = _relaxation(
            st,
            crit,
            rows,
            combo[e_idx],
            lo[e_idx],
            hi[e_idx],
            q[e_idx],
            Ulo[e_idx],
            Uhi[e_idx],
            inc,
        )
        bound[e_idx] = np.minimum(bound[e_idx], rb)
        closed[e_idx] = closed_e
        error[e_idx] = err
    split_dim, split_at = _split(st, lo, hi, q, error, span=np.maximum(st.hi - st.lo, 1e-300))
    split_dim = np.where(closed | ~feasible, -1, split_dim)
    return bound, split_at, split_dim


def _interval_bound(crit, st, combo, lo, hi, Ulo, Uhi):
    if crit.kind == "linear":
        return _linear_max(crit.c, crit.e, st, combo, lo, hi, Ulo, Uhi)
    m = crit.members
    gains = Uhi[:, m] - crit.d[m]
    if crit.kind == "maximin":
        return np.min(gains * crit.c[m], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(gains > 0, np.log(np.where(gains > 0, gains, 1.0)), -np.inf)
    return logs @ crit.c[m]


def _split(st, lo, hi, q, error, span):
    """Split dimension (-1: none) and point: at a breakpoint first, else halve the loosest."""
    N, n = lo.shape
    counts = np.zeros((N, n), dtype=int)
    points = np.zeros((N, n))
    mid = 0.5 * (lo + hi)
    for j, piece in enumerate(st.pieces):
        inner = piece.edges[1:-1]
        if inner.size == 0:
            continue
        inside = (inner[None, :] > lo[:, j : j + 1]) & (inner[None, :] < hi[:, j : j + 1])
        counts[:, j] = inside.sum(axis=1)
        dist = np.where(inside, np.abs(inner[None, :] - mid[:, j : j + 1]), np.inf)
        points[:, j] = inner[np.argmin(dist, axis=1)]
    at_edge = counts.max(axis=1) > 0
    j_edge = np.argmax(counts, axis=1)
    width = (hi - lo) / span
    splittable = width > MIN_WIDTH
    loose = np.where(splittable, error, -1.0)
    flat = np.all(error <= 0, axis=1)
    score = np.where(flat[:, None], np.where(splittable, width, -1.0), loose)
    j_half = np.argmax(score, axis=1)
    rows = np.arange(N)
    ok_half = score[rows, j_half] > 0
    dim = np.where(at_edge, j_edge, np.where(ok_half, j_half, -1))
    at = np.where(at_edge, points[rows, j_edge], mid[rows, j_half])
    return dim, at


def _relaxation(st, crit, rows, combo, lo, hi, q, Ulo, Uhi, inc):
    """Relaxation bounds of elementary nodes; ``closed`` where the bound is the node's optimum."""
    N, n = lo.shape
    P = st.F.shape[1]
    const_o = st.F[combo].copy()
    const_u = const_o.copy()
    slope_o = np.zeros((N, P, n))
    slope_u = np.zeros((N, P, n))
    exact = np.ones(N, dtype=bool)
    err = np.zeros((N, n))
    # Only the parties in the criterion, or in a constraint that may bind on the node,
    # matter for its bound: a constraint that holds on the whole box cannot bind.
    relevant = np.broadcast_to(np.abs(crit.c) > 0, (N, P)).copy()
    for row in rows:
        worst = -_linear_max(-row.a, None if row.b is None else -row.b, st, combo, lo, hi, Ulo, Uhi)
        binding = worst < row.r + row.tol
        relevant |= binding[:, None] & (np.abs(row.a) > 0)[None, :]
    for j, piece in enumerate(st.pieces):
        env = envelopes(piece, lo[:, j], hi[:, j], q[:, j])
        const_o += env.over_base - env.over_slope * lo[:, j : j + 1]
        const_u += env.under_base - env.under_slope * lo[:, j : j + 1]
        slope_o[:, :, j] = env.over_slope
        slope_u[:, :, j] = env.under_slope
        gap = np.where(relevant, env.error, 0.0)
        exact &= env.exact | ~np.any(gap > 0, axis=1)
        err[:, j] = gap.max(axis=1)

    def over(a, b):
        """Linear over-estimator ``coef . x + const`` of ``a . u + b . x`` on each node."""
        pos, neg = np.maximum(a, 0.0), np.minimum(a, 0.0)
        coef = np.einsum("p,npk->nk", pos, slope_o) + np.einsum("p,npk->nk", neg, slope_u)
        const = const_o @ pos + const_u @ neg
        if b is not None:
            coef = coef + b[st.continuous]
            const = const + st.combos[combo] @ b[st.discrete]
        return coef, const

    A_rows, b_rows = [], []
    for row in rows:
        coef, const = over(row.a, row.b)
        A_rows.append(-coef)
        b_rows.append(const - row.r)
    A = np.stack(A_rows, axis=1) if A_rows else np.zeros((N, 0, n))
    bv = np.stack(b_rows, axis=1) if b_rows else np.zeros((N, 0))
    if crit.kind == "nash":
        bound, x = _nash_bound(crit, const_o, slope_o, A, bv, lo, hi, exact, combo, inc)
    elif crit.kind == "linear":
        coef, const = over(crit.c, crit.e)
        val, x = solve_batch(coef, A, bv, lo, hi)
        bound = val + const
    else:
        m = crit.members
        cm = crit.c[m]
        rows_t = np.concatenate(
            [-cm[None, :, None] * slope_o[:, m, :], np.ones((N, len(m), 1))], axis=2
        )
        b_t = cm[None, :] * (const_o[:, m] - crit.d[m])
        A_t = np.concatenate(
            [np.concatenate([A, np.zeros((N, A.shape[1], 1))], axis=2), rows_t], axis=1
        )
        t_hi = np.min(cm * (Uhi[:, m] - crit.d[m]), axis=1)
        t_lo = (
            np.minimum(
                t_hi,
                np.min(
                    cm
                    * (
                        const_u[:, m]
                        + np.minimum(
                            slope_u[:, m] * lo[:, None, :], slope_u[:, m] * hi[:, None, :]
                        ).sum(axis=2)
                        - crit.d[m]
                    ),
                    axis=1,
                ),
            )
            - 1.0
        )
        c_t = np.zeros((N, n + 1))
        c_t[:, n] = 1.0
        val, z = solve_batch(
            c_t,
            A_t,
            np.concatenate([bv, b_t], axis=1),
            np.concatenate([lo, t_lo[:, None]], axis=1),
            np.concatenate([hi, t_hi[:, None]], axis=1),
        )
        bound, x = val, z[:, :n]
    good = bound > -np.inf  # +inf: no bound computed here (the interval bound stands)
    inc.offer(inc.coords_of(combo[good], x[good]))
    closed = exact & np.isfinite(bound) & (crit.kind != "nash")
    if crit.kind == "nash":
        closed = exact & good & (bound <= inc.value + inc.tol)
    return bound, closed | ~good, err


def _nash_bound(crit, const_o, slope_o, A, bv, lo, hi, exact, combo, inc):
    """Bound of ``sum c_i log(g_i(x))`` over the relaxed polytope of each node, with
    ``g_i = u_i - d_i`` over-estimated linearly (:mod:`negotiation.solve.concave`);
    returns ``(bound, point)``."""
    N, n = lo.shape
    m = crit.members
    cm = crit.c[m]
    g0 = const_o[:, m] - crit.d[m]  # (N, M)
    G = slope_o[:, m, :]  # (N, M, n)
    # start: the relaxed point with the largest smallest gain
    scale = np.maximum(g0 + np.abs(G).sum(axis=2) * (hi - lo).max(axis=1)[:, None], 1e-12)
    rows_t = np.concatenate([-G / scale[:, :, None], np.ones((N, len(m), 1))], axis=2)
    A_t = np.concatenate(
        [np.concatenate([A, np.zeros((N, A.shape[1], 1))], axis=2), rows_t], axis=1
    )
    b_t = np.concatenate([bv, g0 / scale], axis=1)
    val, z = solve_batch(
        np.tile(np.r_[np.zeros(n), 1.0], (N, 1)),
        A_t,
        b_t,
        np.concatenate([lo, np.full((N, 1), -2.0)], axis=1),
        np.concatenate([hi, np.full((N, 1), 2.0)], axis=1),
    )
    bound = np.full(N, -np.inf)
    x = z[:, :n]
    idx = np.flatnonzero(val > 0)
    if not idx.size:
        return bound, x
    args = (cm, g0[idx], G[idx], A[idx], bv[idx], lo[idx], hi[idx])
    xs = x[idx]
    best = np.full(idx.size, np.inf)
    for _ in range(FW_STEPS):
        b_fw, s, g = concave.frank_wolfe_bound(*args, xs)
        best = np.minimum(best, b_fw)
        step = concave.line_search(cm, g, concave.gains(np.zeros_like(g), G[idx], s - xs))
        xs = xs + step[:, None] * (s - xs)
    keep = exact[idx]
    inc.offer(inc.coords_of(combo[idx[keep]], xs[keep]))
    # Where the bound could still beat the incumbent: solve the relaxed (concave) problem
    # by the barrier method, then take the Frank-Wolfe bound at its optimum (tight). On an
    # exact node the optimum is feasible and may raise the incumbent.
    f_now = concave.value(cm, concave.gains(g0[idx], G[idx], xs))
    open_ = (best > inc.value + inc.tol) & (
        best - f_now > GAP_TOL * np.maximum(1.0, np.abs(np.where(np.isfinite(f_now), f_now, 0.0)))
    )
    todo = np.flatnonzero(open_)
    if inc.polish_limit is not None:
        todo = todo[np.argsort(-best[todo], kind="stable")][: inc.polish_limit]
    if todo.size:
        sub = tuple(a[todo] if a is not cm else a for a in args)
        start, ok = concave.interior(*sub)
        polished = xs[todo].copy()
        if ok.any():
            inner = tuple(a[ok] if a is not cm else a for a in sub)
            polished[ok] = concave.barrier_newton(*inner, start[ok])
        for r in np.flatnonzero(~ok):  # no interior (a thin polytope): SLSQP
            k = idx[todo[r]]
            polished[r] = _polish(cm, g0[k], G[k], A[k], bv[k], lo[k], hi[k], polished[r])
        b2 = concave.frank_wolfe_bound(*sub, polished)[0]
        better = b2 < best[todo]
        best[todo] = np.minimum(best[todo], b2)
        xs[todo[better]] = polished[better]
        keep = exact[idx[todo]]
        inc.offer(inc.coords_of(combo[idx[todo[keep]]], polished[keep]))
    bound[idx] = best
    x[idx] = xs
    return bound, x


def _polish(cm, g0, G, A, bv, lo, hi, x0):
    """Local maximum of the concave ``sum c_i log(g0_i + G_i x)`` on ``{A x <= b}`` ∩ box."""
    from scipy.optimize import minimize

    def f(x):
        g = np.maximum(g0 + G @ x, 1e-300)
        return -float(cm @ np.log(g)), -(cm / g) @ G

    cons = [{"type": "ineq", "fun": lambda x: bv - A @ x, "jac": lambda x: -A}] if len(bv) else []
    cons.append({"type": "ineq", "fun": lambda x: g0 + G @ x - 1e-300, "jac": lambda x: G})
    try:
        res = minimize(
            f,
            x0,
            jac=True,
            method="SLSQP",
            bounds=list(zip(lo, hi)),
            constraints=cons,
            options={"ftol": 1e-15, "maxiter": 200},
        )
    except (ValueError, FloatingPointError):  # pragma: no cover - defensive
        return x0
    x = np.clip(res.x, lo, hi)
    if (
        np.all(np.isfinite(x))
        and np.all(A @ x <= bv + 1e-12 * (1 + np.abs(bv)))
        and np.all(g0 + G @ x > 0)
        and f(x)[0] <= f(x0)[0]
    ):
        return x
    return x0


__all__ = ["GAP_TOL", "Criterion", "Row", "Search", "maximise", "tolerance"]
