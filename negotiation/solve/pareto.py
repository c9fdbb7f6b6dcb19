"""Pareto frontier of a finite set of utility vectors.

``pareto_mask(U)`` marks the rows of ``U`` that no other row weakly dominates
with strict improvement for someone (``v >= u`` everywhere and ``v > u``
somewhere). Equal rows do not dominate each other: all copies stay.

Two parties: one sort and a running maximum, ``O(N log N)``. More parties:
points are sorted by their sum (only a point with a larger sum can dominate)
and filtered in blocks against the frontier found so far, so memory stays at
``O(block * frontier)`` rather than the ``O(N^2)`` of a dominance matrix.
"""

from __future__ import annotations

import numpy as np

BLOCK = 1024


def pareto_mask(U: np.ndarray) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``U`` (``(N, P)``)."""
    U = np.asarray(U, dtype=float)
    n = U.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    if U.shape[1] == 1:
        return U[:, 0] == U[:, 0].max()
    if U.shape[1] == 2:
        return _pareto_2d(U)
    return _pareto_nd(U)


def _pareto_2d(U: np.ndarray) -> np.ndarray:
    # Sort by u0 descending, then u1 descending; a point is efficient iff its
    # u1 beats every u1 seen before among points with a strictly larger u0,
    # and it is not beaten by an equal-u0 point with larger u1.
    order = np.lexsort((-U[:, 1], -U[:, 0]))
    a, b = U[order, 0], U[order, 1]
    # best u1 among points with strictly larger u0
    prev_max = np.maximum.accumulate(b)
    # index of the first element of each u0-group
    new_group = np.concatenate([[True], a[1:] != a[:-1]])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(a)), 0))
    before = np.where(group_start > 0, prev_max[np.maximum(group_start - 1, 0)], -np.inf)
    group_best = b[group_start]  # first in group has the largest u1 of the group
    efficient = (b > before) & (b == group_best)
    mask = np.zeros(len(a), dtype=bool)
    mask[order[efficient]] = True
    return mask


def _dominated_by(block: np.ndarray, front: np.ndarray) -> np.ndarray:
    """For each row of ``block``, is it dominated by some row of ``front``?"""
    if front.shape[0] == 0:
        return np.zeros(block.shape[0], dtype=bool)
    ge = np.all(front[None, :, :] >= block[:, None, :], axis=2)
    gt = np.any(front[None, :, :] > block[:, None, :], axis=2)
    return np.any(ge & gt, axis=1)


def _pareto_nd(U: np.ndarray) -> np.ndarray:
    order = np.argsort(-U.sum(axis=1), kind="stable")
    S = U[order]
    keep = np.zeros(len(S), dtype=bool)
    front = np.empty((0, U.shape[1]))
    for start in range(0, len(S), BLOCK):
        block = S[start:start + BLOCK]
        dom = np.zeros(len(block), dtype=bool)
        for f0 in range(0, front.shape[0], BLOCK):
            dom |= _dominated_by(block, front[f0:f0 + BLOCK])
        inner = _dominated_by(block, block)
        ok = ~dom & ~inner
        keep[start:start + len(block)] = ok
        front = np.vstack([front, block[ok]])
    mask = np.zeros(len(U), dtype=bool)
    mask[order[keep]] = True
    return mask
