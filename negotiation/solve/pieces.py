"""Separable structure of the utilities: elementary intervals, exact bounds, linear envelopes.

A party's utility is a sum over issues, ``u_i(x) = F_i(levels) + sum_k phi_ik(x_k)``
with ``phi_ik = w_ik v_ik``. On each continuous issue the breakpoints of all
value functions (the vertices of ``points`` functions; the ideal and the
``worst`` distance of ``ideal`` functions) cut the range into **elementary
intervals**. On one elementary interval every ``phi_ik`` is monotone and
either linear, concave or convex:

* ``points``: linear between vertices, flat beyond the ends;
* ``ideal``: ``w (a + b x) ** e`` with ``a + b x`` in ``[0, 1]``: linear when
  ``e = 1`` or in the clipped zero region, concave when ``e < 1``, convex when
  ``e > 1``.

That gives, for any box of issue values, two things the certified search needs:

1. **exact bounds** of every ``phi_ik`` over an interval: a monotone function
   takes its extremes at the ends, so the extremes over any interval are among
   its ends and the breakpoints inside it;
2. **linear envelopes** on a sub-interval of one elementary interval: an
   under- and an over-estimating line for each ``phi_ik`` (the chord on one
   side, a tangent or a constant on the other). They are exact for linear
   pieces and err by ``O(h^2)`` on curved pieces of width ``h``.

Reference: the separable relaxation is the classical one of branch-and-bound
for factorable programs (McCormick 1976; Falk & Soland 1969 for separable
non-convex programs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model.values import IdealValue

LINEAR, CONCAVE, CONVEX = 0, 1, 2


@dataclass(frozen=True, eq=False)
class IssuePieces:
    """One continuous issue: its elementary intervals and its value terms.

    ``terms`` are ``(party index, weight, value function)`` for every party with
    positive weight on the issue. ``shape[q, t]`` is the curvature
    (``LINEAR``/``CONCAVE``/``CONVEX``) of term ``t`` on interval ``q``.
    """

    lo: float
    hi: float
    edges: np.ndarray  # (Q+1,) sorted interval edges
    terms: tuple[tuple[int, float, Any], ...]
    shape: np.ndarray  # (Q, T)
    at_edges: np.ndarray  # (Q+1, P) phi of every party at the edges
    n_parties: int

    @property
    def n_intervals(self) -> int:
        return len(self.edges) - 1

    def phi(self, x: np.ndarray) -> np.ndarray:
        """``(len(x), P)`` weighted values of every party at issue values ``x``."""
        x = np.asarray(x, dtype=float)
        out = np.zeros((x.size, self.n_parties))
        for i, w, vf in self.terms:
            out[:, i] += w * vf(x)
        return out


def issue_pieces(
    lo: float, hi: float, terms: list[tuple[int, float, Any]], n_parties: int
) -> IssuePieces:
    """Elementary intervals and term curvatures of one continuous issue."""
    pts = {float(lo), float(hi)}
    for _, _, vf in terms:
        pts.update(float(b) for b in vf.breakpoints() if lo < b < hi)  # type: ignore[attr-defined]
    edges = np.array(sorted(pts))
    if edges.size == 1:  # a degenerate range lo == hi
        edges = np.array([lo, hi], dtype=float)
    mids = 0.5 * (edges[:-1] + edges[1:])
    shape = np.zeros((mids.size, len(terms)), dtype=int)
    for t, (_, _, vf) in enumerate(terms):
        if isinstance(vf, IdealValue) and vf.exponent != 1.0:
            s = 1.0 - np.abs(mids - vf.ideal) / vf.distance
            curved = s > 0
            shape[:, t] = np.where(curved, CONCAVE if vf.exponent < 1.0 else CONVEX, LINEAR)
    piece = IssuePieces(
        float(lo),
        float(hi),
        edges,
        tuple(terms),
        shape,
        np.zeros((edges.size, n_parties)),
        n_parties,
    )
    object.__setattr__(piece, "at_edges", piece.phi(edges))
    return piece


@dataclass(frozen=True, eq=False)
class Envelopes:
    """Linear envelopes ``under <= phi <= over`` of every party's term on a batch of boxes.

    Arrays are ``(N, P)``: the line ``value(x) = base + slope * (x - a)`` on the
    box ``[a, b]`` of one issue. ``exact`` is ``(N,)``: every
    term is linear on the box, so both lines equal ``phi``.
    """

    over_base: np.ndarray
    over_slope: np.ndarray
    under_base: np.ndarray
    under_slope: np.ndarray
    exact: np.ndarray
    error: np.ndarray = field(repr=False)  # (N, P) largest envelope gap on the box, per party


def _slope(vf: object, x: np.ndarray) -> np.ndarray:
    return vf.slope(x, np.ones_like(x))  # type: ignore[attr-defined]


def bounds_over(piece: IssuePieces, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``(min, max)`` of every party's term over each interval ``[a_n, b_n]``: ``(N, P)``.

    Every term is monotone between edges, so its extremes over ``[a, b]`` are
    among ``phi(a)``, ``phi(b)`` and its values at the edges inside.
    """
    fa, fb = piece.phi(a), piece.phi(b)
    lo, hi = np.minimum(fa, fb), np.maximum(fa, fb)
    inner = piece.edges[1:-1]
    if inner.size:
        inside = (inner[None, :] > a[:, None]) & (inner[None, :] < b[:, None])  # (N, E)
        if inside.any():
            vals = piece.at_edges[1:-1]  # (E, P)
            big = np.where(inside[:, :, None], vals[None], np.inf)
            lo = np.minimum(lo, big.min(axis=1))
            big = np.where(inside[:, :, None], vals[None], -np.inf)
            hi = np.maximum(hi, big.max(axis=1))
    return lo, hi


def envelopes(piece: IssuePieces, a: np.ndarray, b: np.ndarray, q: np.ndarray) -> Envelopes:
    """Linear under/over estimators of every term on boxes ``[a, b]`` inside interval ``q``."""
    N, P = a.size, piece.n_parties
    width = b - a
    safe_w = np.where(width > 0, width, 1.0)
    over_base = np.zeros((N, P))
    over_slope = np.zeros((N, P))
    under_base = np.zeros((N, P))
    under_slope = np.zeros((N, P))
    error = np.zeros((N, P))
    exact = np.ones(N, dtype=bool)
    m = 0.5 * (a + b)
    for t, (i, w, vf) in enumerate(piece.terms):
        fa = w * vf(a)  # type: ignore[operator]
        fb = w * vf(b)  # type: ignore[operator]
        chord = np.where(width > 0, (fb - fa) / safe_w, 0.0)
        kind = piece.shape[q, t]
        curved = kind != LINEAR
        ob, os_, ub, us = fa.copy(), chord.copy(), fa.copy(), chord.copy()
        if curved.any():
            exact &= ~curved
            fm = w * vf(m)  # type: ignore[operator]
            gm = w * _slope(vf, m)
            tan_a = fm + gm * (a - m)  # tangent line at the midpoint, at x = a
            tan_b = fm + gm * (b - m)
            hi_c, lo_c = np.maximum(fa, fb), np.minimum(fa, fb)
            # concave: chord below, tangent (or the constant max) above
            t_err = np.maximum(tan_a - fa, tan_b - fb)
            c_err = hi_c - lo_c
            use_t = np.isfinite(t_err) & (t_err < c_err)
            cave = curved & (kind == CONCAVE)
            ob = np.where(cave, np.where(use_t, tan_a, hi_c), ob)
            os_ = np.where(cave, np.where(use_t, gm, 0.0), os_)
            # convex: chord above, tangent (or the constant min) below
            t_err_v = np.maximum(fa - tan_a, fb - tan_b)
            use_tv = np.isfinite(t_err_v) & (t_err_v < c_err)
            vex = curved & (kind == CONVEX)
            ub = np.where(vex, np.where(use_tv, tan_a, lo_c), ub)
            us = np.where(vex, np.where(use_tv, gm, 0.0), us)
            # gap between the two lines at the ends and the midpoint bounds the error
            gap = np.maximum.reduce(
                [np.abs((ob + os_ * (x - a)) - (ub + us * (x - a))) for x in (a, m, b)]
            )
            error[:, i] = np.maximum(error[:, i], np.where(curved, gap, 0.0))
        over_base[:, i] += ob
        over_slope[:, i] += os_
        under_base[:, i] += ub
        under_slope[:, i] += us
    return Envelopes(over_base, over_slope, under_base, under_slope, exact, error)


def locate(piece: IssuePieces, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Index of the elementary interval holding each box ``[a, b]``, or -1 if it spans several."""
    qa = np.searchsorted(piece.edges, a, side="right") - 1
    qb = np.searchsorted(piece.edges, b, side="left") - 1
    qa = np.clip(qa, 0, piece.n_intervals - 1)
    qb = np.clip(qb, 0, piece.n_intervals - 1)
    return np.where(qa == qb, qa, -1)


__all__ = [
    "CONCAVE",
    "CONVEX",
    "LINEAR",
    "Envelopes",
    "IssuePieces",
    "bounds_over",
    "envelopes",
    "issue_pieces",
    "locate",
]


@dataclass(frozen=True, eq=False)
class Structure:
    """The separable form of a problem: continuous pieces and discrete combinations.

    ``combos`` lists every combination of discrete levels (first discrete issue
    slowest, as in the grid) and ``F[c]`` every party's utility from those levels.
    """

    continuous: np.ndarray  # issue indices of the continuous issues
    discrete: np.ndarray  # issue indices of the discrete issues
    pieces: tuple[IssuePieces, ...]
    combos: np.ndarray  # (C, len(discrete)) level indices
    F: np.ndarray  # (C, P)
    lo: np.ndarray  # (n,) range ends of the continuous issues
    hi: np.ndarray

    def utilities(self, X: np.ndarray) -> np.ndarray:
        """``(M, P)`` utilities of outcomes given as ``(M, K)`` issue coordinates."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if len(self.discrete):
            sizes = self.combo_sizes
            idx = np.ravel_multi_index(np.round(X[:, self.discrete]).astype(int).T, sizes)
            U = self.F[idx].copy()
        else:
            U = np.repeat(self.F[:1], len(X), axis=0)
        for j, piece in enumerate(self.pieces):
            U += piece.phi(X[:, self.continuous[j]])
        return U

    @property
    def combo_sizes(self) -> tuple[int, ...]:
        return tuple(int(m) + 1 for m in self.combos.max(axis=0)) if self.combos.size else ()

    @property
    def curved(self) -> bool:
        """Does some value term have a curved (non-linear) piece?"""
        return any(bool(np.any(p.shape != LINEAR)) for p in self.pieces)


def build_structure(space, weights: np.ndarray, parties, tables: list[np.ndarray]) -> Structure:
    """:class:`Structure` of an outcome space for parties with ``weights`` ``(P, K)``."""
    P = weights.shape[0]
    J = np.asarray(space.continuous, dtype=int)
    D = np.asarray(space.discrete, dtype=int)
    pieces = []
    for k in J:
        lo, hi = space.issues[k].range
        terms = [
            (i, float(weights[i, k]), p.values[k])
            for i, p in enumerate(parties)
            if weights[i, k] > 0
        ]
        pieces.append(issue_pieces(float(lo), float(hi), terms, P))
    sizes = [len(space.issues[k].levels) for k in D]
    combos = np.indices(sizes).reshape(len(sizes), -1).T if sizes else np.zeros((1, 0), dtype=int)
    F = np.zeros((combos.shape[0], P))
    for j, k in enumerate(D):
        F += tables[k][combos[:, j]]
    lo = np.array([space.issues[k].range[0] for k in J], dtype=float)
    hi = np.array([space.issues[k].range[1] for k in J], dtype=float)
    return Structure(J, D, tuple(pieces), combos, F, lo, hi)
