"""All Nash equilibria of a two-player game by vertex enumeration of the best-response polytopes.

Method (Mangasarian 1964; von Stengel 2002, section 3; Avis, Rosenberg,
Savani and von Stengel 2010). Rescale both payoff matrices to ``[1, 2]``
(positive affine changes of a player's payoffs keep the equilibria) and form

    P = {x in R^m : x >= 0,  B'x <= 1}      (B' = B transposed)
    Q = {y in R^n : y >= 0,  A y <= 1}

A point has label ``i`` (a row, ``0 <= i < m``) when ``x_i = 0`` in P, or when
row ``i`` is a best response (``(A y)_i = 1``) in Q, and label ``m + j`` when
column ``j`` is a best response (``(B'x)_j = 1``) in P or ``y_j = 0`` in Q. A
pair of vertices ``(x, y) != (0, 0)`` that together carry every label is an
(extreme) equilibrium ``(x / sum x, y / sum y)``; conversely every extreme
equilibrium is such a pair. In a **non-degenerate** game each polytope is
simple (every vertex has exactly ``m``, resp. ``n``, labels), every
equilibrium is isolated and is exactly one completely labelled pair: the
equilibria are found by enumerating the vertices of P and of Q once each,
labelling them and matching each vertex of P with the vertex of Q whose
labels are the complement of its own.

Vertices of a simple polytope are enumerated here by a breadth-first walk
over its edge graph, starting at the origin: at a vertex with tight
constraints ``S`` (``|S| = d``), releasing constraint ``r`` moves along the
edge ``-T^{-1} e_r`` (``T`` = the rows of ``S``) until the first other
constraint becomes tight (the ratio test); the new vertex has the tight set
``S - r + k``. One frontier of vertices is pivoted at once with numpy (batched
inverses and ratio tests), tight sets are kept as bit masks, and a vertex is
visited once. The graph of a polytope is connected (Balinski 1961), so the
walk reaches every vertex.

When a vertex has more tight constraints than the dimension the game is
**degenerate**; the enumeration then falls back to
:mod:`negotiation.games.degenerate` (every basis, by support), which finds
every vertex of a degenerate polytope, and the equilibria found are the
extreme equilibria of the (possibly infinite) equilibrium set, grouped in
connected components.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: A constraint is tight (its label is present) when its slack is below this; the payoffs
#: are scaled to [1, 2], so slacks are of order 1.
TIGHT_TOL = 1e-9
#: Largest number of vertices of one polytope the walk visits before it gives up.
MAX_VERTICES = 500_000
_PIVOT_EPS = 1e-12


@dataclass(frozen=True)
class Vertices:
    """Vertices of ``{z >= 0 : C z <= 1}`` with their tight constraints.

    ``zero[v, i]``: ``z_i = 0`` at vertex ``v``; ``tight[v, j]``: ``(C z)_j = 1``.
    """

    points: np.ndarray  # (V, d)
    zero: np.ndarray  # (V, d) bool
    tight: np.ndarray  # (V, c) bool
    degenerate: bool = False
    complete: bool = True
    message: str = ""
    method: str = "walk"
    extra: dict = field(default_factory=dict)


def _masks(rows: np.ndarray, K: int):
    """Bases (index rows) as hashable keys: int64 bit masks when ``K <= 62``, else bytes."""
    if K <= 62:
        return np.bitwise_or.reduce(np.left_shift(np.int64(1), rows.astype(np.int64)), axis=1)
    flags = np.zeros((rows.shape[0], K), dtype=bool)
    np.put_along_axis(flags, rows, True, axis=1)
    packed = np.packbits(flags, axis=1)
    return np.array([r.tobytes() for r in packed], dtype=object)


def walk(C: np.ndarray, *, tol: float = TIGHT_TOL, max_vertices: int = MAX_VERTICES) -> Vertices:
    """Every vertex of the polytope ``{z >= 0 : C z <= 1}`` (``C > 0``) by a walk over bases.

    Each basis (``d`` tight constraints) is kept as its slacks ``s`` and tableau
    ``W = G T^{-1}``; a pivot updates both in ``O(K d)``. Ties in the ratio test
    (a degenerate vertex) are broken by the lexicographic rule, which walks the
    bases of the perturbed polytope ``G z <= h + (eps, eps^2, ...)``: that polytope
    is simple, its graph is connected, and each of its vertices tends to a vertex
    of the original as ``eps -> 0``, every original vertex being such a limit;
    so the walk reaches every vertex, degenerate or not.
    """
    return walk_many([C], tol=tol, max_vertices=max_vertices)[0]


def walk_many(
    Cs: list[np.ndarray], *, tol: float = TIGHT_TOL, max_vertices: int = MAX_VERTICES
) -> list[Vertices]:
    """:func:`walk` for several polytopes of the same shape at once (one numpy pass per
    layer for all of them: the two best-response polytopes of a square game)."""
    c, d = Cs[0].shape
    K = d + c
    npoly = len(Cs)
    Gs = [np.vstack([-np.eye(d), C]) for C in Cs]
    h = np.concatenate([np.zeros(d), np.ones(c)])
    basis = np.tile(np.arange(d), (npoly, 1))
    pid = np.arange(npoly)
    W = -np.stack(Gs)  # (F, K, d): G T^{-1}, T = -I
    s = np.tile(h, (npoly, 1))  # (F, K) slacks
    use_int = K + max(npoly - 1, 0).bit_length() <= 62
    if use_int:
        keys = _masks(basis, K) | (pid.astype(np.int64) << K)
    else:
        keys = np.array([(int(q), k) for q, k in zip(pid, _masks(basis, K))], dtype=object)
    seen: Any = np.sort(keys) if use_int else set(keys.tolist())
    all_bases, all_pid = [basis], [pid]
    total = npoly
    rr = np.arange(d)
    while basis.shape[0]:
        F = basis.shape[0]
        g = -W  # rate of slack decrease
        with np.errstate(divide="ignore", invalid="ignore"):
            R = np.where(g > _PIVOT_EPS, np.maximum(s, 0.0)[:, :, None] / g, np.inf)
        enter = np.argmin(R, axis=1)  # (F, d)
        best = R.min(axis=1)
        ties = (R <= best[:, None, :] + tol).sum(axis=1) > 1
        if np.any(ties):
            enter = _lex_break(enter, R, best, ties, W, g, basis, K, tol)
        if use_int:
            one = np.int64(1)
            cand = (
                (keys[:, None] ^ np.left_shift(one, basis.astype(np.int64)))
                | np.left_shift(one, enter.astype(np.int64))
            ).ravel()
            pos = np.minimum(np.searchsorted(seen, cand), seen.shape[0] - 1)
            unseen = np.flatnonzero(seen[pos] != cand)
            uniq, idx = np.unique(cand[unseen], return_index=True)
            fresh = unseen[idx]
            seen = np.sort(np.concatenate([seen, uniq]))
            keys = cand[fresh]
        else:
            new = np.repeat(basis[:, None, :], d, axis=1)  # (F, d, d)
            new[:, rr, rr] = enter
            cand = _masks(new.reshape(F * d, d), K)
            rows = []
            for j, key in enumerate(cand.tolist()):
                key = (int(pid[j // d]), key)
                if key not in seen:
                    seen.add(key)
                    rows.append(j)
            fresh = np.array(rows, dtype=np.intp)
        f, r = np.divmod(fresh, d)
        k = enter[f, r]
        N = len(f)
        ar = np.arange(N)
        t = np.take_along_axis(R[f, :, r], k[:, None], axis=1)[:, 0] if N else np.zeros(0)
        Wf = W[f]  # (N, K, d)
        col = Wf[ar, :, r]  # (N, K): W[:, r]
        piv = Wf[ar, k, :]  # (N, d): W[k, :]
        prow = piv[ar, r]  # W[k, r]
        Wn = Wf - col[:, :, None] * (piv / prow[:, None])[:, None, :]
        Wn[ar, :, r] = col / prow[:, None]
        sn = s[f] + t[:, None] * col
        sn[ar, k] = 0.0
        nb = basis[f]
        nb[ar, r] = k
        basis, W, s, pid = nb, Wn, sn, pid[f]
        all_bases.append(basis)
        all_pid.append(pid)
        total += N
        if total > max_vertices:
            return [
                Vertices(
                    np.zeros((0, d)),
                    np.zeros((0, d), bool),
                    np.zeros((0, c), bool),
                    complete=False,
                    message=f"more than {max_vertices:,} bases: stopped",
                )
                for _ in Cs
            ]
    B = np.vstack(all_bases)
    P = np.concatenate(all_pid)
    out = []
    for q, (C, G) in enumerate(zip(Cs, Gs)):
        Bq = B[P == q]
        pts = np.linalg.solve(G[Bq], h[Bq][:, :, None])[:, :, 0]  # accurate coordinates
        pts[np.abs(pts) <= tol] = 0.0
        key = np.round(pts / (100 * tol)).astype(np.int64)
        _, first = np.unique(key, axis=0, return_index=True)
        pts = pts[np.sort(first)]
        zero = pts <= tol
        tight = np.abs(pts @ C.T - 1.0) <= tol
        degenerate = bool(np.any(zero.sum(axis=1) + tight.sum(axis=1) > d))
        out.append(
            Vertices(pts, zero, tight, degenerate=degenerate, extra={"bases": int(Bq.shape[0])})
        )
    return out


def _lex_break(enter, R, best, ties, W, g, basis, K, tol):
    """Lexicographic ratio test for the tied ``(vertex, edge)`` entries.

    Row ``k``'s slack in the perturbed polytope is ``s_k + sum_l c_kl eps^(l+1)`` with
    ``c_kl = [k = l]`` for ``l`` not in the basis and ``-W[k, pos(l)]`` for ``l`` in it;
    among the tied rows the smallest ratio vector ``(s_k, c_k0, c_k1, ...) / g_k`` wins.
    """
    f, r = np.nonzero(ties)
    N = len(f)
    cand = R[f, :, r] <= best[f, r][:, None] + tol  # (N, K)
    pos = np.full((N, K), -1)
    np.put_along_axis(pos, basis[f], np.arange(basis.shape[1])[None, :].repeat(N, 0), axis=1)
    gk = g[f, :, r]  # (N, K)
    for l in range(K):
        if np.all(cand.sum(axis=1) == 1):
            break
        p = pos[:, l]
        inb = p >= 0
        coef = np.where(inb[:, None], -W[f, :, np.maximum(p, 0)], 0.0)  # (N, K)
        coef[~inb, l] = 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(cand, coef / np.where(gk > 0, gk, 1.0), np.inf)
        low = v.min(axis=1)
        cand &= v <= low[:, None] + tol
    pick = np.argmax(cand, axis=1)
    out = enter.copy()
    out[f, r] = pick
    return out


def polytope_matrices(game) -> tuple[np.ndarray, np.ndarray]:
    """``(B', A)`` scaled to ``[1, 2]``: P is ``{x >= 0 : B'x <= 1}``, Q ``{y >= 0 : A y <= 1}``."""
    pay = game.normalised()
    return pay[1].T.copy(), pay[0].copy()


def labels(vp: Vertices, vq: Vertices) -> tuple[np.ndarray, np.ndarray]:
    """Label sets ``(V, m + n)`` of the vertices of P and of Q."""
    lp = np.hstack([vp.zero, vp.tight])  # x_i = 0 -> i ; column j best -> m + j
    lq = np.hstack([vq.tight, vq.zero])  # row i best -> i ; y_j = 0 -> m + j
    return lp, lq


def match(lp: np.ndarray, lq: np.ndarray, nondegenerate: bool) -> np.ndarray:
    """Index pairs ``(i, j)`` of completely labelled vertex pairs, origin pair excluded."""
    L = lp.shape[1]
    if nondegenerate:
        # each vertex has exactly the dimension's number of labels: the partner's labels
        # are exactly the complement
        if L <= 62:
            w = np.left_shift(np.int64(1), np.arange(L, dtype=np.int64))
            kp = (lp.astype(np.int64) * w).sum(axis=1)
            kq = (lq.astype(np.int64) * w).sum(axis=1)
            full = np.int64((1 << L) - 1)
            order = np.argsort(kq)
            sq = kq[order]
            want = full ^ kp
            pos = np.searchsorted(sq, want)
            pos = np.minimum(pos, len(sq) - 1)
            ok = sq[pos] == want
            pairs = np.stack([np.flatnonzero(ok), order[pos[ok]]], axis=1)
        else:
            index = {r.tobytes(): j for j, r in enumerate(np.packbits(lq, axis=1))}
            comp = np.packbits(~lp, axis=1)
            pairs = np.array(
                [(i, index[r.tobytes()]) for i, r in enumerate(comp) if r.tobytes() in index],
                dtype=int,
            ).reshape(-1, 2)
    elif L <= 62:
        # every label must be in one of the two sets: Q's labels contain P's complement
        w = np.left_shift(np.int64(1), np.arange(L, dtype=np.int64))
        comp = ((~lp).astype(np.int64) * w).sum(axis=1)
        kq = (lq.astype(np.int64) * w).sum(axis=1)
        out = []
        step = max(1, 2_000_000 // max(1, kq.shape[0]))
        for s in range(0, comp.shape[0], step):
            cs = comp[s : s + step, None]
            i, j = np.nonzero((kq[None, :] & cs) == cs)
            out.append(np.stack([i + s, j], axis=1))
        pairs = np.vstack(out) if out else np.zeros((0, 2), int)
    else:
        out = []
        missq = (~lq).astype(np.float32)
        step = max(1, 4_000_000 // max(1, lq.shape[0]))
        for s in range(0, lp.shape[0], step):
            miss = (~lp[s : s + step]).astype(np.float32) @ missq.T
            i, j = np.nonzero(miss == 0)
            out.append(np.stack([i + s, j], axis=1))
        pairs = np.vstack(out) if out else np.zeros((0, 2), int)
    return pairs


__all__ = [
    "MAX_VERTICES",
    "TIGHT_TOL",
    "Vertices",
    "labels",
    "match",
    "polytope_matrices",
    "walk",
    "walk_many",
]


# ---------------------------------------------------------------------- the solver
def vertex_solve(
    game, *, exact: bool = False, max_vertices: int = MAX_VERTICES, max_bases: int | None = None
):
    """Every equilibrium of a two-player game (every extreme equilibrium if degenerate).

    Returns an :class:`~negotiation.games.results.EquilibriumSet` with method
    ``"enummixed"``: ``degenerate`` tells whether the game is degenerate, and
    each equilibrium of a degenerate game names its ``component``. With
    ``exact=True`` every vertex is computed in rational arithmetic from the
    payoffs as written, and equilibria are exact (regret exactly 0).
    """
    from .degenerate import MAX_BASES, components, enumerate_bases, maximal_nash_subsets
    from .results import DEDUP_TOL, EquilibriumSet, make_equilibrium
    from .results import _key as _sort_key

    if game.n_players != 2:
        raise ValueError(f"vertex enumeration needs two players, not {game.n_players}")
    max_bases = MAX_BASES if max_bases is None else max_bases
    Cp, Cq = polytope_matrices(game)
    params = {"exact": exact, "tight_tol": TIGHT_TOL}
    messages = []
    if exact:
        ep, eq_ = _exact_matrices(game)
        vp = enumerate_bases(Cp, exact_C=ep, max_bases=max_bases)
        vq = enumerate_bases(Cq, exact_C=eq_, max_bases=max_bases)
        degenerate = vp.degenerate or vq.degenerate
    else:
        if Cp.shape == Cq.shape:  # square game: both walks in one pass
            vp, vq = walk_many([Cp, Cq], max_vertices=max_vertices)
        else:
            vp = walk(Cp, max_vertices=max_vertices)
            vq = walk(Cq, max_vertices=max_vertices)
        degenerate = vp.degenerate or vq.degenerate
    complete = vp.complete and vq.complete
    for v in (vp, vq):
        if v.message:
            messages.append(v.message)
    if not complete:
        return EquilibriumSet(
            game,
            (),
            "enummixed",
            params,
            degenerate,
            False,
            False,
            "did not finish: " + "; ".join(messages),
        )
    lp, lq = labels(vp, vq)
    pairs = match(lp, lq, nondegenerate=not degenerate)
    keep = (vp.points[pairs[:, 0]].sum(axis=1) > 0) & (vq.points[pairs[:, 1]].sum(axis=1) > 0)
    pairs = pairs[keep]
    found, kept, rejected = [], [], 0
    for t, (i, j) in enumerate(pairs):
        x, y = vp.points[i], vq.points[j]
        ex = None
        if exact:
            xe, ye = vp.extra["exact"][i], vq.extra["exact"][j]
            ex = ([v / sum(xe) for v in xe], [v / sum(ye) for v in ye])
        e = make_equilibrium(game, (x, y), exact=ex)
        if e is None:
            rejected += 1
        else:
            found.append(e)
            kept.append(t)
    pairs = pairs[kept]
    order: list[int] = []
    flats: list[np.ndarray] = []
    for t in sorted(range(len(found)), key=lambda t: _sort_key(found[t])):
        flat = np.concatenate(found[t].profile)
        if flats and np.min(np.max(np.abs(np.array(flats) - flat), axis=1)) <= DEDUP_TOL:
            continue  # the same equilibrium from a vertex split by round-off
        order.append(t)
        flats.append(flat)
    eqs = tuple(found[t] for t in order)
    pairs = pairs[order] if len(order) else pairs
    n_comp = sets = None
    if degenerate:
        comp = components(pairs)
        renum: dict[int, int] = {}
        eqs = tuple(
            _with_component(e, renum.setdefault(int(c), len(renum))) for e, c in zip(eqs, comp)
        )
        n_comp = len(renum)
        sets = tuple(tuple(s) for s in maximal_nash_subsets(pairs))
    if rejected:
        messages.append(
            f"{rejected} vertex pair(s) failed the best-response check (round-off) and were dropped"
        )
    msg = "; ".join(messages)
    if degenerate:
        msg = (
            "degenerate game: the equilibria listed are the extreme equilibria; every "
            "equilibrium is a convex combination of the extreme equilibria of one of the "
            "convex sets" + ("; " + msg if msg else "")
        )
    return EquilibriumSet(
        game, eqs, "enummixed", params, bool(degenerate), rejected == 0, True, msg, n_comp, sets
    )


def _with_component(e, c):
    from dataclasses import replace

    return replace(e, component=c)


def _exact_matrices(game):
    """``(B', A)`` in rational arithmetic, rescaled to ``[1, 2]`` exactly as the floats."""
    q = game.rational()
    out = []
    for M in (q[1].T, q[0]):
        lo, hi = min(M.ravel()), max(M.ravel())
        span = (hi - lo) or 1
        out.append(
            np.vectorize(lambda v, lo=lo, span=span: (v - lo) / span + 1, otypes=[object])(M)
        )
    return out[0], out[1]
