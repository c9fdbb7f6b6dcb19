"""The bounded block search of the vectorised grid path (:mod:`.fast`).

The grid is split into the largest issue ``A`` (cut into blocks of a few grid values)
times the combinations ``R`` of the other issues. For every point, block and
combination, each party's utility lies between ``min``/``max`` of the block's table
plus the combination's sum: a bound on every criterion and on the agreement test, for
the whole block at once. Each quantity is a lexicographic grid optimum (as
:func:`negotiation.solve.optimize.grid_optimum`): blocks whose bound cannot reach the
best lower bound are dropped; the rest are evaluated exactly, with the package's own
criterion formulas, tolerance (``GRID_TIE``) and tie rules (the lowest grid index wins).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..solve.optimize import GRID_TIE
from ..solve.problem import AGREE_TOL

if TYPE_CHECKING:  # pragma: no cover
    from .fast import FastGrid

#: Bounds are widened by this much (utility units), far above float rounding.
SLACK = 1e-12
#: A block is kept when its bound is within this (relative) of the best lower bound.
KEEP = 1e-9
#: Blocks refined first to tighten the lower bound when many pass the first cut.
PROBE = 6


#: A criterion of the grid search: kind, party coefficients per point, issue coefficients.
Stage_ = tuple[str, np.ndarray, "np.ndarray | None"]


class GridOptimum:
    """Per point of a batch: the chosen grid outcome's coordinates, utilities and values."""

    def __init__(self, D: int, K: int, P: int) -> None:
        self.found = np.zeros(D, dtype=bool)
        self.coords = np.full((D, K), np.nan)
        self.u = np.full((D, P), np.nan)
        self.value = np.full(D, np.nan)  # the first stage's value at the outcome
        self.criterion = np.full(D, np.nan)


class BlockRows:
    """A sparse list of (point, block, combination) triples, sorted by point.

    ``hi(i)``/``lo(i)`` are party ``i``'s utility bounds over each block (gathered on
    first use); ``every`` says whether every outcome of the block is in the agreement set.
    """

    def __init__(
        self, grid: GridSearch, sd: np.ndarray, sb: np.ndarray, sr: np.ndarray, every: np.ndarray
    ) -> None:
        self.grid, self.D = grid, grid.D
        self.sd, self.sb, self.sr, self.every = sd, sb, sr, every
        self.fb = sd * grid.fg.nb + sb
        self.fr = sd * grid.fg.M + sr
        self._hi: dict[int, np.ndarray] = {}
        self._lo: dict[int, np.ndarray] = {}
        self.starts = (
            np.flatnonzero(np.r_[True, sd[1:] != sd[:-1]])
            if len(sd)
            else np.zeros(0, dtype=np.int64)
        )
        self.present = sd[self.starts] if len(sd) else np.zeros(0, dtype=np.int64)

    def hi(self, i: int) -> np.ndarray:
        if i not in self._hi:
            g = self.grid
            self._hi[i] = g.Fhi_t[i].take(self.fb) + g.B_t[i].take(self.fr)
        return self._hi[i]

    def lo(self, i: int) -> np.ndarray:
        if i not in self._lo:
            g = self.grid
            self._lo[i] = g.Flo_t[i].take(self.fb) + g.B_t[i].take(self.fr)
        return self._lo[i]

    def take(self, mask: np.ndarray) -> BlockRows:
        out = BlockRows(self.grid, self.sd[mask], self.sb[mask], self.sr[mask], self.every[mask])
        out._hi = {i: v[mask] for i, v in self._hi.items()}
        out._lo = {i: v[mask] for i, v in self._lo.items()}
        return out

    def group_max(self, v: np.ndarray) -> np.ndarray:
        """Per point, the largest of ``v`` over its rows (-inf: no row)."""
        out = np.full(self.D, -np.inf)
        if len(v):
            out[self.present] = np.maximum.reduceat(v, self.starts)
        return out

    def group_count(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.sd[mask], minlength=self.D)


def segments(d_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.flatnonzero(np.r_[True, d_[1:] != d_[:-1]])
    return starts, d_[starts]


def group_max(d_: np.ndarray, v: np.ndarray, D: int) -> np.ndarray:
    """Per point, the largest of ``v`` over rows ``d_`` (sorted by point)."""
    out = np.full(D, -np.inf)
    if len(v):
        starts, present = segments(d_)
        out[present] = np.maximum.reduceat(v, starts)
    return out


def group_any(d_: np.ndarray, ok: np.ndarray, D: int) -> np.ndarray:
    out = np.zeros(D, dtype=bool)
    out[d_[ok]] = True
    return out


class GridSearch:
    """One batch of points: bounds per (point, block, combination) and grid optima.

    The dense pass only compares each veto party's block maximum with what the
    combination leaves to reach its reservation value; the pairs that may hold an
    agreement (with a little room, :attr:`NEAR`) are kept as a sparse list, and every
    optimum works on that list.
    """

    #: Pairs within this of the agreement test (utility units) are kept in the sparse list,
    #: so that the closest outcome's near-ties are inside it whenever a deal exists.
    NEAR = 3e-9

    def __init__(self, fg: FastGrid, T: list[np.ndarray], d: np.ndarray) -> None:
        self.fg = fg
        self.T = T
        self.d = d
        self.D = D = d.shape[0]
        self.Tflat = [t.reshape(-1, fg.P) for t in T]
        self.nk = [t.shape[1] for t in T]
        F = T[fg.a]  # (D, nA, P)
        B = np.zeros((D,) + tuple(len(fg.grids[k]) for k in fg.rest) + (fg.P,))
        for j, k in enumerate(fg.rest):
            view = [D] + [1] * len(fg.rest) + [fg.P]
            view[1 + j] = len(fg.grids[k])
            B = B + T[k].reshape(view)
        self.B = B.reshape(D, fg.M, fg.P)
        self.Fhi = np.maximum.reduceat(F, fg.starts, axis=1) + SLACK
        self.Flo = np.minimum.reduceat(F, fg.starts, axis=1) - SLACK
        self.thr = d[:, fg.veto] - AGREE_TOL  # (D, V)
        # the dense pass: one comparison per veto party, in booleans
        near = np.ones((D, fg.nb, fg.M), dtype=bool)
        for j, i in enumerate(fg.vidx):
            need = self.thr[:, j, None] - self.B[:, :, i] - self.NEAR  # (D, M)
            near &= self.Fhi[:, :, i][:, :, None] >= need[:, None, :]
        flat = np.flatnonzero(near)
        dd, rest = np.divmod(flat, fg.nb * fg.M)
        bb, rr = np.divmod(rest, fg.M)
        self.Fhi_t = np.ascontiguousarray(self.Fhi.reshape(-1, fg.P).T)
        self.Flo_t = np.ascontiguousarray(self.Flo.reshape(-1, fg.P).T)
        self.B_t = np.ascontiguousarray(self.B.reshape(-1, fg.P).T)
        near_rows = BlockRows(self, dd, bb, rr, np.ones(len(dd), dtype=bool))
        maybe = np.ones(len(dd), dtype=bool)
        every = np.ones(len(dd), dtype=bool)
        for j, i in enumerate(fg.vidx):
            t = self.thr[:, j].take(dd)
            maybe &= near_rows.hi(int(i)) >= t
            every &= near_rows.lo(int(i)) >= t
        near_rows.every = every
        self.near = near_rows
        self.maybe = near_rows if maybe.all() else near_rows.take(maybe)
        self.has_every = group_any(dd, every, D)
        self.has_maybe = group_any(dd, maybe, D)
        self._taken: dict[bytes, BlockRows] = {}

    def rows(self, require: bool, active: np.ndarray) -> BlockRows:
        """The sparse rows an optimum searches (the agreement candidates, or every near
        pair), restricted to the points of ``active`` (cached per mask)."""
        base = self.maybe if require else self.near
        if active.all():
            return base
        key = bytes([require]) + np.packbits(active).tobytes()
        if key not in self._taken:
            self._taken[key] = base.take(active[base.sd])
        return self._taken[key]

    # ------------------------------------------------------------------ exact evaluation
    def points(
        self, dd: np.ndarray, bb: np.ndarray, rr: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every grid outcome of the (point, block, combination) triples: point index,
        A-index, combination, flat grid index; sorted by point, then grid index."""
        fg = self.fg
        width = np.minimum(fg.starts[bb] + fg.bs, fg.nA) - fg.starts[bb]
        rep = np.repeat(np.arange(len(bb)), width)
        first = np.repeat(np.cumsum(width) - width, width)
        t = fg.starts[bb][rep] + (np.arange(len(rep)) - first)
        d_, r_ = dd[rep], rr[rep]
        flat = t * fg.strideA + fg.offR[r_]
        order = np.lexsort((flat, d_))
        return d_[order], t[order], r_[order], flat[order]

    def exact_u(self, d_: np.ndarray, t: np.ndarray, r_: np.ndarray) -> np.ndarray:
        """Utilities (n, P) summed issue by issue in file order, as ``grid_utilities``."""
        fg = self.fg
        levels = np.empty((len(t), fg.K), dtype=np.int64)
        levels[:, fg.a] = t
        for j, k in enumerate(fg.rest):
            levels[:, k] = fg.RC[r_, j]
        u = self.Tflat[0].take(d_ * self.nk[0] + levels[:, 0], axis=0)
        for k in range(1, fg.K):
            u = u + self.Tflat[k].take(d_ * self.nk[k] + levels[:, k], axis=0)
        return u

    def coords(self, t: np.ndarray, r_: np.ndarray) -> np.ndarray:
        fg = self.fg
        X = np.empty((len(t), fg.K))
        X[:, fg.a] = fg.grids[fg.a][t]
        for j, k in enumerate(fg.rest):
            X[:, k] = fg.grids[k][fg.RC[r_, j]]
        return X

    def agree(self, d_: np.ndarray, u: np.ndarray) -> np.ndarray:
        fg = self.fg
        return np.all(u[:, fg.vidx] >= self.thr[d_], axis=1)

    # ------------------------------------------------------------------ optimisation
    def optimum(self, stages: Sequence[Stage_], require: bool, active: np.ndarray) -> GridOptimum:
        """The lexicographic grid optimum of ``stages`` for every point in ``active``.

        A stage is ``(kind, C, e)``: ``kind`` as :class:`~negotiation.solve.optimize.Stage`,
        ``C`` its party coefficients per point ``(D, P)``, ``e`` per-issue coefficients
        (or ``None``). ``require``: over the agreement set only; otherwise over the whole
        grid, which the sparse list covers only for points with a deal (the others go
        through :meth:`_dense`).
        """
        fg = self.fg
        res = GridOptimum(self.D, fg.K, fg.P)
        if not require:
            dense = active & ~self.has_every
            if dense.any():
                fill(res, self._dense(stages, dense), dense)
            active = active & self.has_every
        if not active.any():
            return res
        rows = self.rows(require, active)
        if not len(rows.sd):
            return res
        every = rows.every if require else np.ones(len(rows.sd), dtype=bool)
        kind, C, e = next(((k, c, e) for k, c, e in stages if not is_constant(k, c, e)), stages[0])
        ub, lb = self._bounds(kind, C, e, rows.sd, rows.sb, rows.sr, rows.hi, rows.lo)
        best_lb = rows.group_max(np.where(every, lb, -np.inf))
        cut = cut_below(best_lb)
        cand = ub >= cut[rows.sd]
        counts = rows.group_count(cand)
        if (counts > PROBE).any():
            # refine the best-bound block of each point first: its exact optimum is a
            # lower bound that usually prunes most of the others
            ubc = np.where(cand, ub, -np.inf)
            top = rows.group_max(ubc)
            hit = cand & (ubc == top[rows.sd]) & (counts[rows.sd] > PROBE)
            first = np.flatnonzero(hit)
            first = first[np.r_[True, rows.sd[first][1:] != rows.sd[first][:-1]]]
            d_, t, r_, _ = self.points(rows.sd[first], rows.sb[first], rows.sr[first])
            u = self.exact_u(d_, t, r_)
            v = self._value(kind, C, e, d_, u, self.coords(t, r_))
            if require:
                v = np.where(self.agree(d_, u), v, -np.inf)
            cand &= ub >= np.maximum(cut, cut_below(group_max(d_, v, self.D)))[rows.sd]
        pick = np.flatnonzero(cand)
        if not len(pick):
            return res
        d_, t, r_, _ = self.points(rows.sd[pick], rows.sb[pick], rows.sr[pick])
        return self._choose(res, stages, require, d_, t, r_)

    def _choose(
        self,
        res: GridOptimum,
        stages: Sequence[Stage_],
        require: bool,
        d_: np.ndarray,
        t: np.ndarray,
        r_: np.ndarray,
    ) -> GridOptimum:
        """Apply the stages to exact candidates (sorted by point, then grid index)."""
        u = self.exact_u(d_, t, r_)
        X = self.coords(t, r_)
        if require:
            keep = self.agree(d_, u)
            d_, u, X = d_[keep], u[keep], X[keep]
        if not len(d_):
            return res
        first_value: np.ndarray | None = None
        for s_kind, s_C, s_e in stages:
            v = self._value(s_kind, s_C, s_e, d_, u, X)
            if first_value is None:
                first_value = v
            b = group_max(d_, v, self.D)[d_]
            fin = np.isfinite(b)
            ok = ~fin | (v >= b - GRID_TIE * np.maximum(1.0, np.abs(np.where(fin, b, 0.0))))
            if not ok.all():
                d_, u, X, first_value = d_[ok], u[ok], X[ok], first_value[ok]
        # the lowest grid index among those left (rows are sorted by point, then index)
        assert first_value is not None
        firsts, pts = segments(d_)
        res.found[pts] = True
        res.coords[pts] = X[firsts]
        res.u[pts] = u[firsts]
        res.value[pts] = first_value[firsts]
        return res

    def _dense(self, stages: Sequence[Stage_], active: np.ndarray) -> GridOptimum:
        """An optimum over the whole grid (no agreement required) by dense bounds, for the
        points of ``active`` only."""
        fg = self.fg
        res = GridOptimum(self.D, fg.K, fg.P)
        pts = np.flatnonzero(active)
        kind, C, e = next(((k, c, e) for k, c, e in stages if not is_constant(k, c, e)), stages[0])
        n = len(pts)
        dd = np.repeat(pts, fg.nb * fg.M)
        bb = np.tile(np.repeat(np.arange(fg.nb), fg.M), n)
        rr = np.tile(np.arange(fg.M), n * fg.nb)
        dense_rows = BlockRows(self, dd, bb, rr, np.ones(len(dd), dtype=bool))
        ub, lb = self._bounds(kind, C, e, dd, bb, rr, dense_rows.hi, dense_rows.lo)
        cut = cut_below(group_max(dd, lb, self.D))
        cand = np.flatnonzero(ub >= cut[dd])
        d_, t, r_, _ = self.points(dd[cand], bb[cand], rr[cand])
        return self._choose(res, stages, False, d_, t, r_)

    def _bounds(
        self,
        kind: str,
        C: np.ndarray,
        e: np.ndarray | None,
        sd: np.ndarray,
        sb: np.ndarray,
        sr: np.ndarray,
        hi: Any,
        lo: Any,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Upper and lower bounds of a criterion over each listed (point, block,
        combination), from the parties' utility bounds ``hi(i)``/``lo(i)``."""
        fg = self.fg
        n = len(sd)
        if is_constant(kind, C, e):
            z = np.zeros(n)
            return z, z
        same = bool((C == C[:1]).all())

        def coef(i: int) -> Any:
            return C[0, i] if same else C[:, i].take(sd)

        cols = [
            int(i)
            for i in np.flatnonzero(
                (C != 0).any(axis=0) if kind == "linear" else (C > 0).any(axis=0)
            )
        ]
        if kind == "linear":
            ub = np.full(n, SLACK)
            lb = np.full(n, -SLACK)
            for i in cols:
                c = coef(int(i))
                if same:
                    ub += c * (hi(i) if c > 0 else lo(i))
                    lb += c * (lo(i) if c > 0 else hi(i))
                else:
                    pos = c > 0
                    ub += np.where(pos, c * hi(i), c * lo(i))
                    lb += np.where(pos, c * lo(i), c * hi(i))
            if e is not None:
                ea = e[fg.a]
                if ea:
                    ub += ea * (fg.xA_hi if ea > 0 else fg.xA_lo)[sb]
                    lb += ea * (fg.xA_lo if ea > 0 else fg.xA_hi)[sb]
                for j, k in enumerate(fg.rest):
                    if e[k]:
                        xr = e[k] * fg.grids[k][fg.RC[sr, j]]
                        ub += xr
                        lb += xr
            return ub, lb
        d = self.d
        if kind == "maximin":
            ub = np.full(n, np.inf)
            lb = np.full(n, np.inf)
            for i in cols:
                c = coef(int(i))
                di = d[:, i].take(sd)
                if same:
                    ub = np.minimum(ub, c * (hi(i) - di))
                    lb = np.minimum(lb, c * (lo(i) - di))
                else:
                    m = c > 0
                    ub = np.minimum(ub, np.where(m, c * (hi(i) - di), np.inf))
                    lb = np.minimum(lb, np.where(m, c * (lo(i) - di), np.inf))
            if not same:
                none = ~(C[sd] > 0).any(axis=1)
                ub[none] = 0.0
                lb[none] = 0.0
            return ub + SLACK, lb - SLACK
        # nash: sum of c_i log(u_i - d_i) over members (-inf when a gain is not positive)
        ub = np.full(n, KEEP)
        lb = np.full(n, -KEEP)
        with np.errstate(divide="ignore", invalid="ignore"):
            for i in cols:
                c = coef(int(i))
                di = d[:, i].take(sd)
                gh = hi(i) - di
                gl = lo(i) - di
                lh = np.log(np.maximum(gh, 0.0))
                ll = np.log(np.maximum(gl, 0.0))
                if same:
                    ub += c * lh
                    lb += c * ll
                else:
                    m = c > 0
                    ub += np.where(m, c * lh, 0.0)
                    lb += np.where(m, c * ll, 0.0)
        return ub, lb

    def _value(
        self,
        kind: str,
        C: np.ndarray,
        e: np.ndarray | None,
        d_: np.ndarray,
        u: np.ndarray,
        X: np.ndarray,
    ) -> np.ndarray:
        """The criterion at exact outcomes (the formulas of ``bnb.Criterion.value``)."""
        P = self.fg.P
        c = C[d_]
        if kind == "linear":
            v = np.zeros(len(d_))
            for i in range(P):
                if (C[:, i] != 0).any():
                    v = v + u[:, i] * c[:, i]
            if e is not None:
                v = v + X @ e
            return v
        gains = u - self.d[d_]
        members = c > 0
        if kind == "maximin":
            v = np.min(np.where(members, gains * c, np.inf), axis=1)
            return np.where(members.any(axis=1), v, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(gains > 0, np.log(np.where(gains > 0, gains, 1.0)), -np.inf)
        v = np.zeros(len(d_))
        for i in range(P):
            if members[:, i].any():
                v = v + np.where(members[:, i], logs[:, i] * c[:, i], 0.0)
        return np.where(members.any(axis=1), v, 0.0)


def cut_below(best: np.ndarray) -> np.ndarray:
    """Keep a block whose bound reaches ``best`` less a margin (``KEEP``, relative)."""
    fin = np.isfinite(best)
    return np.where(fin, best - KEEP * np.maximum(1.0, np.abs(np.where(fin, best, 0.0))), -np.inf)


def fill(res: GridOptimum, part: GridOptimum, mask: np.ndarray) -> None:
    for name in ("found", "coords", "u", "value", "criterion"):
        getattr(res, name)[mask] = getattr(part, name)[mask]


def is_constant(kind: str, C: np.ndarray, e: np.ndarray | None) -> bool:
    if kind == "linear":
        return not (C != 0).any() and (e is None or not np.any(e))
    return not (C > 0).any()


def merge(a: GridOptimum, b: GridOptimum, take_a: np.ndarray) -> GridOptimum:
    out = b
    for name in ("found", "coords", "u", "value", "criterion"):
        va, vb = getattr(a, name), getattr(b, name)
        mask = take_a.reshape((-1,) + (1,) * (va.ndim - 1))
        setattr(out, name, np.where(mask, va, vb))
    return out
