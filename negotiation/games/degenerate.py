"""Degenerate two-player games: every vertex by its bases, and components of equilibria.

A bimatrix game is **degenerate** when some mixed strategy with ``k``
strategies in its support has more than ``k`` pure best responses; then a
best-response polytope has a vertex with more tight constraints than its
dimension, equilibria need not be isolated and the set of equilibria is a
finite union of convex polytopes ("maximal Nash subsets"), whose vertices
are the **extreme equilibria** (von Stengel 2002; Avis et al. 2010).

Every vertex of ``{z >= 0 : C z <= 1}`` (``z`` in ``R^d``) is the unique
solution of ``d`` linearly independent tight constraints. Choosing which
coordinates may be positive (a support ``I``, ``|I| = k``) and which ``k``
inequalities are tight (``J``) gives the square system ``C[J, I] z_I = 1``;
solving it for every pair ``(I, J)`` with a non-singular matrix (batched
with numpy, one support size at a time) and keeping the feasible solutions
gives every vertex, however degenerate the polytope. The pairs of vertices
that carry every label are the extreme equilibria
(:func:`negotiation.games.vertex.match`). Two extreme equilibria that share
a vertex (``x`` or ``y``) lie in the same connected component of the
equilibrium set; the components are the connected components of that
bipartite graph.

With ``exact=True`` the candidates found in floating point (with a loose
tolerance, plus every candidate whose matrix looked singular) are solved
again in rational arithmetic (:mod:`negotiation.games.rational`), and their
feasibility and labels are decided exactly.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from math import comb

import numpy as np

from .rational import solve as exact_solve
from .vertex import TIGHT_TOL, Vertices

#: Largest number of candidate bases one polytope may need (about 10 x 10 is 185,000).
MAX_BASES = 3_000_000
_CHUNK = 40_000
_SINGULAR = 1e-11


def n_bases(d: int, c: int) -> int:
    """Number of candidate bases ``sum_k C(d, k) C(c, k)`` (= ``C(d + c, d)``)."""
    return comb(d + c, d)


def _candidates(d: int, c: int, k: int):
    """Index arrays of every support ``I`` (size ``k`` of ``d``) and tight set ``J`` (of ``c``)."""
    I = np.array(list(combinations(range(d), k)), dtype=np.intp).reshape(-1, k)
    J = np.array(list(combinations(range(c), k)), dtype=np.intp).reshape(-1, k)
    return I, J


def enumerate_bases(
    C: np.ndarray, *, tol: float = TIGHT_TOL, exact_C=None, max_bases: int = MAX_BASES
) -> Vertices:
    """Every vertex of ``{z >= 0 : C z <= 1}`` by solving every basis.

    ``exact_C`` (an object array of Fractions, same shape) makes the vertices
    exact: ``extra["exact"]`` then holds them as lists of Fractions.
    """
    c, d = C.shape
    total = n_bases(d, c)
    if total > max_bases:
        return Vertices(
            np.zeros((0, d)),
            np.zeros((0, d), bool),
            np.zeros((0, c), bool),
            degenerate=True,
            complete=False,
            method="bases",
            message=f"{total:,} candidate bases exceed the limit of {max_bases:,}",
        )
    loose = 1e-6 if exact_C is not None else tol
    pts = [np.zeros((1, d))]
    suspects: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for k in range(1, min(d, c) + 1):
        I, J = _candidates(d, c, k)
        nI, nJ = len(I), len(J)
        pairs_i = np.repeat(np.arange(nI), nJ)
        pairs_j = np.tile(np.arange(nJ), nI)
        for s in range(0, len(pairs_i), _CHUNK):
            pi, pj = pairs_i[s : s + _CHUNK], pairs_j[s : s + _CHUNK]
            rows, cols = J[pj], I[pi]  # (N, k)
            M = C[rows[:, :, None], cols[:, None, :]]  # (N, k, k)
            sv = np.linalg.svd(M, compute_uv=False)
            ok = sv[:, -1] > _SINGULAR * sv[:, 0]
            if exact_C is not None:
                suspects.extend((tuple(cols[t]), tuple(rows[t])) for t in np.flatnonzero(~ok))
            if not np.any(ok):
                continue
            zI = np.linalg.solve(M[ok], np.ones((int(ok.sum()), k, 1)))[:, :, 0]
            z = np.zeros((zI.shape[0], d))
            np.put_along_axis(z, cols[ok], zI, axis=1)
            feas = np.all(z >= -loose, axis=1) & np.all(z @ C.T <= 1 + loose, axis=1)
            if exact_C is not None:
                idx = np.flatnonzero(ok)[feas]
                suspects.extend((tuple(cols[t]), tuple(rows[t])) for t in idx)
            else:
                pts.append(np.clip(z[feas], 0.0, None))
    if exact_C is not None:
        return _exact_vertices(C, exact_C, suspects)
    P = np.vstack(pts)
    P[np.abs(P) <= tol] = 0.0
    key = np.round(P / (10 * tol)).astype(np.int64)
    _, first = np.unique(key, axis=0, return_index=True)
    P = P[np.sort(first)]
    zero = P <= tol
    tight = np.abs(P @ C.T - 1.0) <= tol
    degenerate = bool(np.any(zero.sum(axis=1) + tight.sum(axis=1) > d))
    return Vertices(P, zero, tight, degenerate=degenerate, method="bases")


def _exact_vertices(C: np.ndarray, exact_C, suspects) -> Vertices:
    c, d = C.shape
    Cq = [[Fraction(v) for v in row] for row in exact_C]
    found: dict[tuple[Fraction, ...], None] = {tuple([Fraction(0)] * d): None}
    for cols, rows in suspects:
        M = [[Cq[r][i] for i in cols] for r in rows]
        sol = exact_solve(M, [Fraction(1)] * len(cols))
        if sol is None or any(v < 0 for v in sol):
            continue
        z = [Fraction(0)] * d
        for i, v in zip(cols, sol):
            z[i] = v
        if all(sum((Cq[r][i] * z[i] for i in cols), Fraction(0)) <= 1 for r in range(c)):
            found.setdefault(tuple(z), None)
    exact = sorted(found, key=lambda z: tuple(-v for v in z))
    zero = np.array([[v == 0 for v in z] for z in exact], dtype=bool).reshape(-1, d)
    tight = np.array(
        [
            [sum((Cq[r][i] * z[i] for i in range(d)), Fraction(0)) == 1 for r in range(c)]
            for z in exact
        ],
        dtype=bool,
    ).reshape(-1, c)
    P = np.array([[float(v) for v in z] for z in exact]).reshape(-1, d)
    degenerate = bool(np.any(zero.sum(axis=1) + tight.sum(axis=1) > d))
    return Vertices(
        P, zero, tight, degenerate=degenerate, method="exact bases", extra={"exact": exact}
    )


def components(pairs: np.ndarray) -> np.ndarray:
    """Component index of each extreme equilibrium (a vertex pair ``(i, j)``).

    Two extreme equilibria are connected when they share the vertex of P or the
    vertex of Q; components are numbered in order of first appearance.
    """
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, j in pairs:
        ra, rb = find(("p", int(i))), find(("q", int(j)))
        if ra != rb:
            parent[ra] = rb
    ids: dict[tuple[str, int], int] = {}
    out = np.empty(len(pairs), dtype=int)
    for t, (i, _) in enumerate(pairs):
        out[t] = ids.setdefault(find(("p", int(i))), len(ids))
    return out


def maximal_nash_subsets(pairs: np.ndarray) -> list[list[int]]:
    """The maximal Nash subsets, as lists of indices into ``pairs``.

    The equilibrium set of a degenerate game is the union of the convex sets
    ``conv(X) x conv(Y)`` over the maximal "bicliques" of the bipartite graph whose
    edges are the extreme equilibria: sets ``X`` of vertices of P and ``Y`` of Q with
    every ``(x, y)`` in ``X x Y`` an extreme equilibrium (Winkels 1979; Avis et al.
    2010, section 3). They are found here as the closed sets of the graph: every
    intersection of neighbourhoods ``Y = N(X)`` with ``X = N(Y)``.
    """
    nb: dict[int, frozenset[int]] = {}
    for i, j in pairs:
        nb[int(i)] = nb.get(int(i), frozenset()) | {int(j)}
    closed: set[frozenset[int]] = set(nb.values())
    frontier = list(closed)
    while frontier:
        new = []
        for Y in frontier:
            for Z in nb.values():
                W = Y & Z
                if W and W not in closed:
                    closed.add(W)
                    new.append(W)
        frontier = new
    index = {(int(i), int(j)): t for t, (i, j) in enumerate(pairs)}
    out = []
    for Y in closed:
        X = [i for i, ys in nb.items() if Y <= ys]
        out.append(sorted(index[(i, j)] for i in X for j in Y))
    # keep maximal sets only
    sets = sorted(out, key=len, reverse=True)
    keep: list[list[int]] = []
    for s in sets:
        if not any(set(s) <= set(k) for k in keep):
            keep.append(s)
    return sorted(keep)


__all__ = ["MAX_BASES", "components", "enumerate_bases", "maximal_nash_subsets", "n_bases"]
