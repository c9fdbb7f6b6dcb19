"""Pareto frontier of a finite set of utility vectors.

``pareto_mask(U)`` marks the rows of ``U`` that no other row dominates, where
``v`` dominates ``u`` iff ``v >= u`` in every column and ``v > u`` in at least
one. Equal rows do not dominate each other, so all copies of a kept row stay.
A row with a NaN compares false with everything: it is never dominated and
dominates nothing, so it is kept.

Algorithms (pure numpy, exact, no ``N x N`` matrix is ever built):

* **One party**: the rows equal to the maximum.
* **Two parties**: a sort of the first column, a group maximum and a running
  maximum, ``O(N log N)``.
* **More parties**: a dual-tree traversal of a k-d tree.

  1. Identical rows are merged (a lexicographic sort), so that afterwards
     "``v >= u`` everywhere and ``v`` is another row" is exactly dominance.
     Rows dominated by one of a few *pivots* (the non-dominated rows among
     the 32 with the largest sum) are dropped at once; on clouds where most
     rows are dominated this removes nearly all of them for ``O(32 N)``.
  2. The unique points are split recursively at the median of the coordinate
     with the widest spread, level by level for all nodes at once, into
     ``2**k`` leaves of at most :data:`LEAF` points (the point count is padded
     with copies of existing points so that every split is exactly even;
     copies change nothing because equal rows never dominate each other).
     Every node gets its bounding box ``[lo, hi]``.
  3. Pairs of nodes ``(A, Q)`` -- "can a point of ``A`` dominate a point of
     ``Q``?" -- are refined from the root pair down to leaf pairs. A pair is
     dropped when ``hi(A) >= lo(Q)`` fails in some coordinate (no point of
     ``A`` is then ``>=`` any point of ``Q``). When ``lo(A) >= hi(Q)``
     everywhere and ``>`` somewhere, every point of ``A`` dominates every point
     of ``Q``: ``Q`` is marked dead, and every pair that has a dead node as
     either member is dropped. Dropping dominated *dominators* is safe: a
     dominated point is always also dominated by a non-dominated one (by
     transitivity, in a finite set), and a non-dominated point is never marked.
  4. Surviving leaf pairs are checked densely (``LEAF x LEAF`` comparisons per
     pair, many pairs per vectorised batch); leaves whose points all turn out
     dominated are marked dead too, which prunes later pairs. The traversal is
     depth-first over bounded chunks of pairs, so memory stays ``O(N)`` plus a
     fixed working set whatever the input.

On utility sets from negotiation grids (a few smooth sheets in ``R^P``) the
number of surviving leaf pairs grows about linearly with ``N``; the worst
case (boxes that overlap everywhere) degrades towards ``O(N^2 P)`` time but
never beyond the fixed memory budget.
"""

from __future__ import annotations

import numpy as np

#: Points per k-d tree leaf (at most; at least half of it).
LEAF = 16
#: Node pairs refined at once in the traversal (bounds its working memory).
PAIR_CHUNK = 1 << 15
#: Point comparisons (pairs x LEAF x LEAF) per vectorised dense batch.
DENSE_CELLS = 1 << 21
#: Pivots for the prefilter (see :func:`_pivot_dominated`), used above PREFILTER_MIN points.
PIVOTS = 32
PREFILTER_MIN = 4096
PIVOT_CHUNK = 1 << 15


def pareto_mask(U: np.ndarray) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``U`` (``(N, P)``).

    Row ``a`` dominates row ``b`` when ``a >= b`` everywhere and ``a > b``
    somewhere (Pareto). Exact: no tolerance; equal rows do not dominate each
    other.

    Parameters
    ----------
    U : ndarray, shape (N, P)
        Utilities of ``N`` outcomes for ``P`` parties.

    Returns
    -------
    ndarray of bool, shape (N,)
        True where no other row dominates.
    """
    U = np.asarray(U, dtype=float)
    if U.ndim != 2:
        raise ValueError(f"pareto_mask expects an (N, P) array, got shape {U.shape}")
    n, p = U.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if p == 0:
        return np.ones(n, dtype=bool)  # all rows equal (empty): nobody dominates
    if np.isnan(U).any():
        nan_rows = np.isnan(U).any(axis=1)
        mask = np.ones(n, dtype=bool)
        ok = ~nan_rows
        if ok.any():
            mask[ok] = pareto_mask(U[ok])
        return mask
    if p == 1:
        return U[:, 0] == U[:, 0].max()
    if p == 2:
        return _pareto_2d(U)
    return _pareto_nd(U)


def _pareto_2d(U: np.ndarray) -> np.ndarray:
    # Group the points by their u0 value (a sort of the values, no argsort). A
    # point is efficient iff its u1 is the largest of its group and beats the
    # best u1 of every group with a strictly larger u0.
    a, b = U[:, 0], U[:, 1]
    s = np.sort(a)
    distinct = np.empty(len(s), dtype=bool)
    distinct[0] = True
    np.not_equal(s[1:], s[:-1], out=distinct[1:])
    values = s[distinct]  # ascending distinct u0
    group = np.searchsorted(values, a)
    best = np.full(len(values), -np.inf)
    np.maximum.at(best, group, b)  # best u1 of each group
    above = np.empty(len(values))  # best u1 of the larger groups
    above[-1] = -np.inf
    above[:-1] = np.maximum.accumulate(best[::-1])[::-1][1:]
    top = group == len(values) - 1  # (-inf must not beat itself)
    return (top | (b > above[group])) & (b == best[group])


def _unique_rows(U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique rows of ``U`` and, per row of ``U``, the index of its unique row."""
    order = np.lexsort(U.T[::-1])
    S = U[order]
    new = np.ones(len(S), dtype=bool)
    new[1:] = np.any(S[1:] != S[:-1], axis=1)
    inverse = np.empty(len(U), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return S[new], inverse


def _pareto_nd(U: np.ndarray) -> np.ndarray:
    X, inverse = _unique_rows(U)
    return ~_dominated_unique(X)[inverse]


def _dominated_unique(X: np.ndarray) -> np.ndarray:
    """For each row of ``X`` (rows pairwise distinct): is some other row ``>=`` it?"""
    M = X.shape[0]
    if M <= PREFILTER_MIN:
        return _kd_dominated(X)
    dominated = _pivot_dominated(X)
    rest = np.flatnonzero(~dominated)
    dominated[rest] = _kd_dominated(X[rest])
    return dominated


def _pivot_dominated(X: np.ndarray) -> np.ndarray:
    """Rows dominated by a few non-dominated *pivots*, the best rows by sum.

    The pivots are the non-dominated rows among the :data:`PIVOTS` rows with
    the largest sum; each row is compared with every pivot (``O(N * PIVOTS)``).
    When most rows are dominated (e.g. random clouds) this removes nearly all
    of them before the tree is built. Which rows are pivots only affects speed:
    every mark is an exact dominance test.
    """
    M, P = X.shape
    if M <= PIVOTS:
        return _kd_dominated(X)
    top = np.argpartition(-X.sum(axis=1), PIVOTS)[:PIVOTS]
    pid = top[~_kd_dominated(X[top])]
    piv = X[pid]
    dominated = np.zeros(M, dtype=bool)
    for i in range(0, M, PIVOT_CHUNK):
        block = X[i : i + PIVOT_CHUNK]
        ge = piv[:, 0, None] >= block[None, :, 0]
        for d in range(1, P):
            ge &= piv[:, d, None] >= block[None, :, d]
        own = (pid >= i) & (pid < i + len(block))  # a pivot is >= itself
        ge[np.flatnonzero(own), pid[own] - i] = False
        dominated[i : i + PIVOT_CHUNK] = ge.any(axis=0)
    return dominated


def _kd_dominated(X: np.ndarray) -> np.ndarray:
    """:func:`_dominated_unique` by the dual-tree traversal (module docstring)."""
    M, P = X.shape
    # ----------------------------------------------------------- k-d tree build
    k = max(0, int(np.ceil(np.log2(M / LEAF)))) if M > LEAF else 0
    n_leaves = 1 << k
    s = -(-M // n_leaves)  # points per leaf
    total = s * n_leaves
    slot = np.arange(total) % M  # padded with copies of the first points
    Y = np.ascontiguousarray(X.T)[:, slot]  # (P, total): coordinates of each slot
    for level in range(k):
        segs, size = 1 << level, total >> level
        starts = np.arange(segs) * size
        spread = np.maximum.reduceat(Y, starts, axis=1) - np.minimum.reduceat(Y, starts, axis=1)
        dim = np.argmax(spread, axis=0)
        vals = Y.reshape(P, segs, size)[dim, np.arange(segs)]
        part = np.argpartition(vals, size // 2 - 1, axis=1)
        flat = (part + starts[:, None]).ravel()
        Y = Y[:, flat]
        slot = slot[flat]
    leaf_pts = Y.reshape(P, n_leaves, s)
    leaf_ids = slot.reshape(n_leaves, s)
    lo: list[np.ndarray] = [np.empty(0)] * (k + 1)
    hi: list[np.ndarray] = [np.empty(0)] * (k + 1)
    lo[k], hi[k] = leaf_pts.min(axis=2), leaf_pts.max(axis=2)  # (P, nodes)
    for level in range(k - 1, -1, -1):
        lo[level] = lo[level + 1].reshape(P, -1, 2).min(axis=2)
        hi[level] = hi[level + 1].reshape(P, -1, 2).max(axis=2)

    # ------------------------------------------------------ dual-tree traversal
    dead = [np.zeros(1 << level, dtype=bool) for level in range(k + 1)]
    dominated = np.zeros((n_leaves, s), dtype=bool)

    def kill(level: int, nodes: np.ndarray) -> None:
        """Mark ``nodes`` of ``level`` (all of whose points are dominated) and their subtrees."""
        for deeper in range(level, k + 1):
            span = 1 << (deeper - level)
            if span == 1:
                dead[deeper][nodes] = True
            else:
                dead[deeper][(nodes[:, None] * span + np.arange(span)).ravel()] = True
        span = 1 << (k - level)
        leaves = (nodes[:, None] * span + np.arange(span)).ravel()
        dominated[leaves] = True

    def dense(a: np.ndarray, q: np.ndarray) -> None:
        """Exact check of leaf pairs: which points of leaf ``q`` are dominated by leaf ``a``?"""
        batch = max(1, DENSE_CELLS // (s * s))
        for i in range(0, len(a), batch):
            aa, qq = a[i : i + batch], q[i : i + batch]
            alive = ~(dead[k][aa] | dead[k][qq])
            aa, qq = aa[alive], qq[alive]
            if len(aa) == 0:
                continue
            ge = leaf_ids[aa][:, :, None] != leaf_ids[qq][:, None, :]
            for d in range(P):
                coord = leaf_pts[d]
                ge &= coord[aa][:, :, None] >= coord[qq][:, None, :]
            hit = ge.any(axis=1)  # (pairs, s) points of qq
            rows = np.broadcast_to(qq[:, None], hit.shape)[hit]
            cols = np.broadcast_to(np.arange(s), hit.shape)[hit]
            dominated[rows, cols] = True
            touched = np.unique(qq)
            full = dominated[touched].all(axis=1)
            dead[k][touched[full]] = True

    stack: list[tuple[int, np.ndarray, np.ndarray]] = [
        (0, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    ]
    while stack:
        level, a, q = stack.pop()
        alive = ~(dead[level][a] | dead[level][q])
        a, q = a[alive], q[alive]
        if len(a) == 0:
            continue
        if level == k:
            dense(a, q)
            continue
        if len(a) > PAIR_CHUNK:
            for i in range(0, len(a), PAIR_CHUNK):
                stack.append((level, a[i : i + PAIR_CHUNK], q[i : i + PAIR_CHUNK]))
            continue
        # children pairs (2a+i, 2q+j)
        nxt = level + 1
        a = (2 * a[:, None] + np.array([0, 0, 1, 1])).ravel()
        q = (2 * q[:, None] + np.array([0, 1, 0, 1])).ravel()
        alive = ~(dead[nxt][a] | dead[nxt][q])
        a, q = a[alive], q[alive]
        lo_n, hi_n = lo[nxt], hi[nxt]
        can = np.ones(len(a), dtype=bool)
        for d in range(P):
            can &= hi_n[d, a] >= lo_n[d, q]
        a, q = a[can], q[can]
        # A's box entirely above Q's: every point of Q is dominated
        geq = np.ones(len(a), dtype=bool)
        gt = np.zeros(len(a), dtype=bool)
        for d in range(P):
            la, hq = lo_n[d, a], hi_n[d, q]
            geq &= la >= hq
            gt |= la > hq
        full = geq & gt
        if full.any():
            kill(nxt, np.unique(q[full]))
            a, q = a[~full], q[~full]
        stack.append((nxt, a, q))

    # ------------------------------------------------------------------ result
    out = np.zeros(M, dtype=bool)
    out[leaf_ids[dominated]] = True
    return out
