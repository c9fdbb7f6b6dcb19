"""The per-issue tables of a batch of points, for the vectorised grid path (:mod:`.fast`).

For every point of a batch: the normalised weights, each party's value function on each
issue (a level table, interpolated points or an ideal-point curve, with the point's
numbers), the tables ``T[k] = w_ik v_ik(grid_k)``, the reservation values (a number,
an outcome less its cost, or the war lottery less the war cost) and the proposals'
coordinates, with the same value-function code and the same order of additions as
:mod:`negotiation.model.utility` (so each number is bit-for-bit the one ``Problem``
computes). Points whose parameters the tables cannot take are marked ``bad`` (handed
back to the per-point path).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..model.scenario import BatnaOutcome
from ..model.values import IdealValue, LevelValue, PointsValue


class BatchTables:
    """Per-batch model of :class:`~.fast.FastGrid` (a mixin: it reads the compiled
    experiment's attributes, declared here)."""

    scenario: Any
    space: Any
    P: int
    K: int
    W: int
    names: list[str]
    pindex: dict[str, int]
    kindex: dict[str, int]
    by_role: dict[str, list[tuple[int, Any]]]
    vf_varies: set[tuple[int, int]]
    raw_w: np.ndarray
    base_w: np.ndarray
    base_active: np.ndarray
    kink_issues: list[int]
    grids: list[np.ndarray]
    base_vgrid: dict[tuple[int, int], np.ndarray]
    batna_kind: list[str]
    proposals: list[Any]

    def _weights(self, cols: list[np.ndarray], D: int, bad: np.ndarray) -> np.ndarray:
        raw = np.broadcast_to(self.raw_w, (D, self.P, self.K)).copy()
        for j, prm in self.by_role.get("weight", []):
            raw[:, self.pindex[prm.domain.party], self.kindex[prm.domain.issue]] = np.asarray(
                cols[j], dtype=float
            )
        if not self.by_role.get("weight"):
            return np.broadcast_to(self.base_w, (D, self.P, self.K)).copy()
        w = np.empty_like(raw)
        for d in range(D):
            for i in range(self.P):
                row = [float(x) for x in raw[d, i]]
                total = math.fsum(row)
                if total <= 0:
                    bad[d] = True
                    w[d, i] = self.base_w[i]
                    continue
                w[d, i] = [x / total for x in row]
        active = w > 0
        moved = active[:, :, self.kink_issues] != self.base_active[None][:, :, self.kink_issues]
        bad |= moved.any(axis=(1, 2))
        return w

    def _vf(self, i: int, k: int, cols: list[np.ndarray], D: int) -> ValueRows:
        """The value function of party ``i`` on issue ``k`` at each point of the batch."""
        base = self.scenario.parties[i].values[k]
        key = (i, k)
        if isinstance(base, LevelValue):
            vals = np.broadcast_to(
                np.asarray(base.values, dtype=float), (D, len(base.values))
            ).copy()
            for j, prm in self.by_role.get("level_value", []):
                if (self.pindex[prm.domain.party], self.kindex[prm.domain.issue]) == key:
                    vals[:, prm.domain.index] = np.asarray(cols[j], dtype=float)
            return ValueRows("level", vals)
        if isinstance(base, PointsValue):
            vs = np.broadcast_to(np.asarray(base.vs, dtype=float), (D, len(base.vs))).copy()
            for j, prm in self.by_role.get("point_value", []):
                if (self.pindex[prm.domain.party], self.kindex[prm.domain.issue]) == key:
                    vs[:, prm.domain.index] = np.asarray(cols[j], dtype=float)
            return ValueRows("points", vs, np.asarray(base.xs, dtype=float))
        assert isinstance(base, IdealValue)
        exps = np.full(D, base.exponent)
        for j, prm in self.by_role.get("exponent", []):
            if (self.pindex[prm.domain.party], self.kindex[prm.domain.issue]) == key:
                exps = np.asarray(cols[j], dtype=float)
        return ValueRows(
            "ideal", [IdealValue(base.ideal, float(e), base.distance, base.worst) for e in exps]
        )

    def _model(self, cols: list[np.ndarray], D: int) -> dict[str, Any]:
        s = self.scenario
        bad = np.zeros(D, dtype=bool)
        w = self._weights(cols, D, bad)
        vfs = {(i, k): self._vf(i, k, cols, D) for (i, k) in self.vf_varies}
        # per-issue tables on the grid: T[k] (D, n_k, P) = w_ik v_ik(grid)
        T = []
        for k in range(self.K):
            tab = np.empty((D, len(self.grids[k]), self.P))
            for i in range(self.P):
                if (i, k) in vfs:
                    v = vfs[(i, k)].at(self.grids[k])
                else:
                    v = self.base_vgrid[(i, k)][None, :]
                tab[:, :, i] = w[:, i, k, None] * v
            T.append(tab)

        def utilities_at(X: np.ndarray) -> np.ndarray:
            """Utilities (D, n, P) at coordinates X (D, n, K), as model.utility.utilities."""
            out = np.zeros(X.shape[:2] + (self.P,))
            for k in range(self.K):
                for i in range(self.P):
                    wk = w[:, i, k]
                    if not wk.any():
                        continue
                    if (i, k) in vfs:
                        v = vfs[(i, k)].at(X[:, :, k])
                    else:
                        v = np.asarray(
                            s.parties[i].values[k](X[:, :, k].ravel()), dtype=float
                        ).reshape(X.shape[:2])
                    out[:, :, i] += np.where(wk[:, None] != 0, wk[:, None] * v, 0.0)
            return out

        d = self._reservation(cols, D, utilities_at, bad)
        props = self._proposal_coords(cols, D)
        uprop = utilities_at(props) if props.shape[1] else np.zeros((D, 0, self.P))
        power = np.broadcast_to(
            np.array([p.power for p in s.parties], dtype=float), (D, self.P)
        ).copy()
        for j, prm in self.by_role.get("power", []):
            power[:, self.pindex[prm.domain.party]] = np.asarray(cols[j], dtype=float)
        return {"T": T, "d": d, "bad": bad, "props": props, "uprop": uprop, "power": power}

    def _coords_of(self, values: dict[str, Any]) -> np.ndarray:
        return self.space.encode(values)

    def _reservation(
        self, cols: list[np.ndarray], D: int, utilities_at: Any, bad: np.ndarray
    ) -> np.ndarray:
        s = self.scenario
        d = np.zeros((D, self.P))
        conflict_u = None
        costs = np.zeros((D, self.P))
        if any(k == "conflict" for k in self.batna_kind):
            assert s.conflict is not None
            W = self.W
            X = np.broadcast_to(
                np.stack([self._coords_of(o) for _, o in s.conflict.outcomes]), (D, W, self.K)
            ).copy()
            for j, prm in self.by_role.get("war_outcome", []):
                X[:, prm.domain.index, self.kindex[prm.domain.issue]] = self._encode(
                    prm.domain.issue, cols[j]
                )
            probs = self._probabilities(cols, D, bad)
            Uw = utilities_at(X)
            conflict_u = np.zeros((D, self.P))
            for wj in range(W):
                conflict_u = conflict_u + probs[:, wj, None] * Uw[:, wj, :]
            costs = np.broadcast_to(
                np.array([s.conflict.costs.get(n, 0.0) for n in self.names], dtype=np.float64),
                (D, self.P),
            ).copy()
            for j, prm in self.by_role.get("cost", []):
                costs[:, self.pindex[prm.domain.party]] = np.asarray(cols[j], dtype=float)
        for i, p in enumerate(s.parties):
            kind = self.batna_kind[i]
            if kind == "number":
                value = np.full(D, float(p.batna) if isinstance(p.batna, (int, float)) else 0.0)
                for j, prm in self.by_role.get("batna", []):
                    if self.pindex[prm.domain.party] == i:
                        value = np.asarray(cols[j], dtype=float)
                d[:, i] = value
            elif kind == "outcome":
                b = p.batna
                assert isinstance(b, BatnaOutcome)
                X = np.broadcast_to(self._coords_of(b.outcome), (D, 1, self.K)).copy()
                cost = np.full(D, float(b.cost))
                for j, prm in self.by_role.get("batna_outcome", []):
                    if self.pindex[prm.domain.party] == i:
                        X[:, 0, self.kindex[prm.domain.issue]] = self._encode(
                            prm.domain.issue, cols[j]
                        )
                for j, prm in self.by_role.get("batna_cost", []):
                    if self.pindex[prm.domain.party] == i:
                        cost = np.asarray(cols[j], dtype=float)
                d[:, i] = utilities_at(X)[:, 0, i] - cost
            else:
                assert conflict_u is not None
                d[:, i] = conflict_u[:, i] - costs[:, i]
        return d

    def _probabilities(self, cols: list[np.ndarray], D: int, bad: np.ndarray) -> np.ndarray:
        """Per point, the conflict probabilities after ``parameters.point_changes``."""
        s = self.scenario
        assert s.conflict is not None
        base = np.array([float(p) for p, _ in s.conflict.outcomes], dtype=float)
        set_ = self.by_role.get("probability", [])
        out = np.broadcast_to(base, (D, self.W)).copy()
        if not set_:
            return out
        given_idx = [prm.domain.index for _, prm in set_]
        raw_base = raw_probabilities(s)
        others = [w for w in range(self.W) if w not in given_idx]
        for d in range(D):
            given = [float(cols[j][d]) for j, _ in set_]
            total = math.fsum(given)
            row = [float(x) for x in raw_base]
            for g, x in zip(given_idx, given):
                row[g] = x
            if others:
                rest = 1.0 - total
                if rest < -1e-12:
                    bad[d] = True
                    continue
                rest = max(rest, 0.0)
                b = math.fsum(raw_base[o] for o in others)
                for o in others:
                    row[o] = raw_base[o] * rest / b if b > 1e-12 else rest / len(others)
            else:
                if total <= 0:
                    bad[d] = True
                    continue
                if abs(total - 1.0) > 1e-12:
                    row = [x / total for x in row]
            if abs(math.fsum(row) - 1.0) > 1e-6:
                bad[d] = True
                continue
            out[d] = row
        return out

    def _encode(self, issue: str, col: np.ndarray) -> np.ndarray:
        iss = self.space.issues[self.kindex[issue]]
        if iss.levels is None:
            return np.asarray(col, dtype=float)
        return np.array([float(iss.levels.index(v)) for v in col])

    def _proposal_coords(self, cols: list[np.ndarray], D: int) -> np.ndarray:
        names = [p.name for p in self.proposals]
        X = np.broadcast_to(
            np.stack([self._coords_of(p.outcome) for p in self.proposals])
            if names
            else np.zeros((0, self.K)),
            (D, len(names), self.K),
        ).copy()
        for j, prm in self.by_role.get("proposal", []):
            if prm.domain.name in names:
                X[:, names.index(prm.domain.name), self.kindex[prm.domain.issue]] = self._encode(
                    prm.domain.issue, cols[j]
                )
        return X


def raw_weight(s: Any, party: str, issue: str) -> float:
    w = s.raw["parties"][party]["weights"].get(issue, 0.0)
    return float(w)


def raw_probabilities(s: Any) -> list[float]:
    return [float(o.get("probability")) for o in s.raw["conflict"]["outcomes"]]


class ValueRows:
    """One value function at every point of a batch: level values ``(D, L)``, the values
    of ``points`` ``(D, n)`` at fixed x-values, or one :class:`IdealValue` per point."""

    def __init__(self, kind: str, data: Any, xs: np.ndarray | None = None) -> None:
        self.kind, self.data, self.xs = kind, data, xs

    def at(self, x: np.ndarray) -> np.ndarray:
        """Values ``(D, m)`` at ``x`` (``(m,)`` shared by all points, or ``(D, m)``)."""
        x = np.asarray(x, dtype=float)
        if self.kind == "level":
            vals = self.data
            idx = x.astype(int)
            if idx.ndim == 1:
                return vals[:, idx]
            return np.take_along_axis(vals, idx, axis=1)
        if self.kind == "points":
            assert self.xs is not None
            return interp_rows(self.xs, self.data, x)
        if x.ndim == 1:
            return np.stack([vf(x) for vf in self.data])
        return np.stack([vf(x[d]) for d, vf in enumerate(self.data)])


def interp_rows(xs: np.ndarray, vs: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``np.interp(x[d], xs, vs[d])`` for every row ``d`` at once, bit for bit (the same
    formula and special cases as numpy's ``interp``: flat beyond the ends, exact at the
    x-values)."""
    n = len(xs)
    j = np.searchsorted(xs, x, side="right") - 1
    jc = np.clip(j, 0, n - 2)
    je = np.clip(j, 0, n - 1)
    if x.ndim == 1:
        y0, y1, ye = vs[:, jc], vs[:, jc + 1], vs[:, je]
    else:
        y0 = np.take_along_axis(vs, jc, axis=1)
        y1 = np.take_along_axis(vs, jc + 1, axis=1)
        ye = np.take_along_axis(vs, je, axis=1)
    slope = (y1 - y0) / (xs[jc + 1] - xs[jc])
    res = slope * (x - xs[jc]) + y0
    res = np.where((j >= 0) & (x == xs[je]), ye, res)
    res = np.where(j < 0, vs[:, :1], res)
    return np.where(j >= n - 1, vs[:, n - 1 : n], res)
