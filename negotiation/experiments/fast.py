"""The vectorised grid path: many points of an experiment at once, at ``precision: grid``.

When an experiment's parameters leave the outcome grid as it is (weights,
values of levels and of ``points``, exponents, reservation values, costs, war
probabilities and outcomes, powers, proposals), every point is the same grid
with different per-issue tables ``w_ik v_ik(x)`` and reservation values. This
module computes the measures of a batch of points from those tables without
building any point's utility matrix:

1. **Tables.** For every point, the per-issue tables and the reservation
   values, with the same value-function code and the same order of additions
   as :mod:`negotiation.model.utility` (so each number is bit-for-bit the one
   ``Problem`` computes).
2. **Bounds.** The grid is split into the largest issue ``A`` (cut into blocks
   of a few grid values) times the combinations ``R`` of the other issues. For
   every point, block and combination, each party's utility lies between
   ``min``/``max`` of the block's table plus the combination's sum: a bound on
   every criterion and on the agreement test, for the whole block at once.
3. **Search.** Each quantity the report needs is a lexicographic grid
   optimum (:func:`negotiation.solve.optimize.grid_optimum`): the deal margin
   and closest outcome, each issue's range ends, each party's best agreement,
   each solution. Blocks whose bound cannot reach the best lower bound are
   dropped; the rest (usually a few hundred grid outcomes per point) are
   evaluated exactly, with the package's own criterion formulas, tolerance
   (``GRID_TIE``) and tie rules (the lowest grid index wins).

The answer is the one ``analyse(scenario.replace(point), precision="grid")``
gives (``tests/test_experiments_fast.py`` checks it on samples of points). A
point the path cannot take (a weight set to 0 on an issue with value-function
kinks, weights all 0, probabilities that do not add up) is handed back and
analysed on its own by :class:`~.evaluate.PointEvaluator`, which reports its
error the way the loader would.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..model.scenario import BatnaConflict, BatnaOutcome
from ..model.values import IdealValue, LevelValue, PointsValue
from ..solve.cooperative import SURPLUS_TOL
from ..solve.optimize import GRID_TIE
from ..solve.problem import AGREE_TOL
from .evaluate import BUILTIN_SOLUTIONS, Needs
from .measures import extract

if TYPE_CHECKING:  # pragma: no cover
    from .spec import Experiment

#: Parameter roles the grid path takes (anything else: one point at a time).
ROLES = {
    "weight",
    "level_value",
    "point_value",
    "exponent",
    "power",
    "batna",
    "batna_cost",
    "batna_outcome",
    "cost",
    "probability",
    "war_outcome",
    "proposal",
}
#: Points computed together (memory: a few arrays of BATCH x blocks x combinations).
BATCH = 32
#: Bounds are widened by this much (utility units), far above float rounding.
SLACK = 1e-12
#: A block is kept when its bound is within this (relative) of the best lower bound.
KEEP = 1e-9
#: Blocks refined first to tighten the lower bound when many pass the first cut.
PROBE = 6


#: A criterion of the grid search: kind, party coefficients per point, issue coefficients.
Stage_ = tuple[str, np.ndarray, "np.ndarray | None"]


class Unsupported(Exception):
    """The experiment cannot use the grid path (the reason is the message)."""


class FastGrid:
    """Compiled form of an experiment for the vectorised grid path."""

    def __init__(self, experiment: Experiment) -> None:
        if experiment.precision != "grid":
            raise Unsupported("precision is exact")
        self.experiment = experiment
        s = self.scenario = experiment.scenario
        self.params = experiment.parameters
        for p in self.params:
            if p.domain.role not in ROLES or p.domain.moves_grid:
                raise Unsupported(f"{p.name} ({p.domain.role}) is not a table parameter")
        self.needs = Needs(experiment)
        if self.needs.full:
            raise Unsupported("a measure needs the full analysis")
        for m in experiment.measures:
            if m.parts[0] == "notes":
                raise Unsupported("notes")
        self.P = len(s.parties)
        self.K = len(s.issues)
        self.names = s.party_names
        self.pindex = {n: i for i, n in enumerate(self.names)}
        self.kindex = {i.name: k for k, i in enumerate(s.issues)}
        self.veto = np.array([p.veto for p in s.parties])
        self.vidx = np.flatnonzero(self.veto)
        self.space = s.space
        self.grids = [np.asarray(g, dtype=float) for g in self.space.grids]
        self.shape = self.space.shape
        self.raw_w = np.array(
            [[_raw_weight(s, p.name, i.name) for i in s.issues] for p in s.parties], dtype=float
        )
        self.base_w = np.array([p.weights for p in s.parties], dtype=float)
        self.conflict = s.conflict
        self.W = len(s.conflict.outcomes) if s.conflict is not None else 0
        self.proposals = list(s.proposals)
        self._compile_params()
        self._compile_grid()
        self.grid_message = _grid_message(s)
        #: does any measure need the grid (the deal, ranges, solutions), or only the
        #: reservation values and the proposals?
        self.grid_needed = any(
            m.parts[0]
            in ("deal_possible", "closest", "bargaining_range", "party_range", "solutions")
            or (m.parts[0] == "proposals" and "distance" in m.parts)
            for m in experiment.measures
        )

    # ------------------------------------------------------------------ compile
    def _compile_params(self) -> None:
        s = self.scenario
        self.by_role: dict[str, list[tuple[int, Any]]] = {}
        self.vf_varies: set[tuple[int, int]] = set()
        self.batna_kind: list[str] = []
        for p in s.parties:
            b = p.batna
            self.batna_kind.append(
                "conflict"
                if isinstance(b, BatnaConflict)
                else "outcome"
                if isinstance(b, BatnaOutcome)
                else "number"
            )
        for j, prm in enumerate(self.params):
            d = prm.domain
            self.by_role.setdefault(d.role, []).append((j, prm))
            if d.role in ("level_value", "point_value", "exponent"):
                self.vf_varies.add((self.pindex[str(d.party)], self.kindex[str(d.issue)]))
            if d.role == "batna":
                self.batna_kind[self.pindex[str(d.party)]] = "number"
            if d.role in ("level_value",) and d.index is None:
                raise Unsupported(f"{prm.name}: not a level")
        if self.by_role.get("batna_cost") or self.by_role.get("batna_outcome"):
            for _, prm in self.by_role.get("batna_cost", []) + self.by_role.get(
                "batna_outcome", []
            ):
                if self.batna_kind[self.pindex[prm.domain.party]] != "outcome":
                    raise Unsupported(f"{prm.name}: the party's fallback is not an outcome")
        if (
            self.by_role.get("probability")
            or self.by_role.get("war_outcome")
            or self.by_role.get("cost")
        ):
            if self.conflict is None:
                raise Unsupported("no conflict block")
        for _, prm in self.by_role.get("cost", []):
            if prm.domain.party not in self.pindex:
                raise Unsupported(f"{prm.name}: not a party")
        # continuous issues whose kinks depend on which weights are positive
        self.kink_issues = [k for k, i in enumerate(s.issues) if i.range is not None]
        self.base_active = self.base_w > 0

    def _compile_grid(self) -> None:
        n = np.array(self.shape)
        self.a = int(np.argmax(n))  # the issue cut into blocks
        self.rest = [k for k in range(self.K) if k != self.a]
        self.nA = int(n[self.a])
        rest_shape = tuple(int(n[k]) for k in self.rest)
        self.M = int(np.prod(rest_shape)) if rest_shape else 1
        rc = (
            np.indices(rest_shape).reshape(len(rest_shape), -1).T
            if rest_shape
            else np.zeros((1, 0), dtype=int)
        )
        self.RC = rc.astype(np.int64)  # (M, K-1) level index per other issue
        strides = np.array([int(np.prod(n[k + 1 :])) for k in range(self.K)], dtype=np.int64)
        self.strideA = int(strides[self.a])
        self.offR = (
            (self.RC * strides[self.rest]).sum(axis=1) if self.rest else np.zeros(1, dtype=np.int64)
        )
        bs = max(2, int(round(math.sqrt(self.nA / 2.0)))) if self.nA > 8 else self.nA
        self.bs = bs
        self.starts = np.arange(0, self.nA, bs)
        self.nb = len(self.starts)
        gA = self.grids[self.a]
        self.xA_lo = np.minimum.reduceat(gA, self.starts)
        self.xA_hi = np.maximum.reduceat(gA, self.starts)
        # value functions at the grid values and at the outcomes the tables need
        self.base_vgrid = {}
        for i, p in enumerate(self.scenario.parties):
            for k in range(self.K):
                if (i, k) not in self.vf_varies:
                    self.base_vgrid[(i, k)] = np.asarray(p.values[k](self.grids[k]), dtype=float)

    # ------------------------------------------------------------------ per batch: model
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

    def _vf(self, i: int, k: int, cols: list[np.ndarray], D: int) -> _Values:
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
            return _Values("level", vals)
        if isinstance(base, PointsValue):
            vs = np.broadcast_to(np.asarray(base.vs, dtype=float), (D, len(base.vs))).copy()
            for j, prm in self.by_role.get("point_value", []):
                if (self.pindex[prm.domain.party], self.kindex[prm.domain.issue]) == key:
                    vs[:, prm.domain.index] = np.asarray(cols[j], dtype=float)
            return _Values("points", vs, np.asarray(base.xs, dtype=float))
        assert isinstance(base, IdealValue)
        exps = np.full(D, base.exponent)
        for j, prm in self.by_role.get("exponent", []):
            if (self.pindex[prm.domain.party], self.kindex[prm.domain.issue]) == key:
                exps = np.asarray(cols[j], dtype=float)
        return _Values(
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
        raw_base = _raw_probabilities(s)
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

    # ------------------------------------------------------------------ evaluate
    def evaluate(self, cols: list[np.ndarray]) -> tuple[list[list[Any] | None], np.ndarray]:
        """Measured values for each point of ``cols`` (``None`` for a point handed back),
        and the mask of the points handed back."""
        D = len(cols[0]) if cols else 1
        rows: list[list[Any] | None] = []
        back = np.zeros(D, dtype=bool)
        for start in range(0, D, BATCH):
            stop = min(D, start + BATCH)
            sub = [c[start:stop] for c in cols]
            r, b = self._batch(sub, stop - start)
            rows += r
            back[start:stop] = b
        return rows, back

    def _batch(self, cols: list[np.ndarray], D: int) -> tuple[list[list[Any] | None], np.ndarray]:
        model = self._model(cols, D)
        bad = model["bad"]
        needs = self.needs
        if not self.grid_needed:
            rows: list[list[Any] | None] = []
            for d in range(D):
                data = None if bad[d] else self._json(d, model, None, None, None, {}, {}, {})
                rows.append(
                    None
                    if data is None
                    else [extract(data, m.parts) for m in self.experiment.measures]
                )
            return rows, bad.copy()
        grid = _Grid(self, model["T"], model["d"])
        closest = grid.closest()
        deal = grid.deal(closest)
        need_ideal = bool(needs.solutions)
        ranges: dict[str, Any] = {}
        parties: dict[str, Any] = {}
        sols: dict[str, Any] = {}
        if deal.any():
            for name in needs.issues:
                ranges[name] = grid.issue_range(self.kindex[name], deal)
            for name in needs.parties:
                i = self.pindex[name]
                parties[name] = (grid.party_end(i, -1.0, deal), grid.party_end(i, 1.0, deal))
            if need_ideal:
                ideal = model["d"].copy()
                for i in (int(v) for v in self.vidx):
                    name = self.names[i]
                    if name in parties:
                        ideal[:, i] = parties[name][1][1]
                    else:
                        ideal[:, i] = grid.party_end(int(i), 1.0, deal)[1]
                for name in BUILTIN_SOLUTIONS:
                    if name in needs.solutions:
                        sols[name] = grid.solution(name, ideal, model["power"], deal)
        rows = []
        for d in range(D):
            if bad[d]:
                rows.append(None)
                continue
            data = self._json(d, model, grid, closest, deal, ranges, parties, sols)
            rows.append([extract(data, m.parts) for m in self.experiment.measures])
        return rows, bad.copy()

    # ------------------------------------------------------------------ JSON of one point
    def _point(self, coords: np.ndarray, u: np.ndarray) -> Any:
        from ..solve.results import Point

        return Point(self.space.decode(coords), {n: float(x) for n, x in zip(self.names, u)})

    def _json(
        self,
        d: int,
        model: dict[str, Any],
        grid: _Grid | None,
        closest: Any,
        deal: np.ndarray | None,
        ranges: dict[str, Any],
        parties: dict[str, Any],
        sols: dict[str, Any],
    ) -> dict[str, Any]:
        from ..solve.results import BargainingRange, IssueRange, ProposalEvaluation, Solution
        from .evaluate import assemble

        dd = model["d"][d]
        issues: dict[str, IssueRange] = {}
        ends: dict[str, tuple[float, float]] = {}
        solutions: dict[str, Any] = {}
        if deal is not None and deal[d]:
            for name, rng in ranges.items():
                issues[name] = rng[d]
            for name, (lo, hi) in parties.items():
                ends[name] = (float(lo[1][d]), float(hi[1][d]))
            for name, res in sols.items():
                solutions[name] = Solution(
                    self.space.decode(res.coords[d]),
                    {n: float(x) for n, x in zip(self.names, res.u[d])},
                    name=name,
                    exact=False,
                    message=self.grid_message,
                    coords=res.coords[d],
                    certified=False,
                    criterion=float(res.criterion[d]),
                    bound=float("nan"),
                    precision="grid",
                )
        else:
            solutions = {name: None for name in self.needs.solutions}
        reservation = {n: float(v) for n, v in zip(self.names, dd)}
        if closest is None or deal is None:  # only the reservation values and proposals
            rng = BargainingRange(False, reservation, {}, {}, float("nan"), None, -1, False)
        else:
            rng = BargainingRange(
                bool(deal[d]),
                reservation,
                issues,
                ends,
                float(closest.value[d]),
                self._point(closest.coords[d], closest.u[d]),
                -1,
                False,
            )
        proposals = None
        if self.needs.proposals:
            from ..solve.proposals import outcome_distance

            proposals = {}
            for x, p in enumerate(self.proposals):
                if p.name not in self.needs.proposals:
                    continue
                coords = model["props"][d, x]
                u = model["uprop"][d, x]
                accepts = u >= dd - AGREE_TOL
                proposals[p.name] = ProposalEvaluation(
                    name=p.name,
                    point=self._point(coords, u),
                    accepted_by=tuple(n for n, ok in zip(self.names, accepts) if ok),
                    in_agreement_set=bool(np.all(accepts[self.veto])),
                    surplus={n: float(v) for n, v in zip(self.names, u - dd)},
                    distance={
                        k: outcome_distance(cast(Any, self), coords, sol.coords)
                        for k, sol in solutions.items()
                        if sol is not None and k in self.needs.distances
                    },
                    source=p.source,
                )
        return assemble(self.scenario, rng, solutions, proposals)


def _grid_message(s: Any) -> str:
    """The message ``optimise`` gives a grid optimum (taken from the solver, not copied)."""
    from ..solve.optimize import Stage, optimise
    from ..solve.problem import Problem

    pb = Problem(s, precision="grid")
    opt = optimise(pb, [Stage("linear", np.zeros(len(s.parties)))], require_agreement=False)
    return opt.message if opt is not None else ""


def _raw_weight(s: Any, party: str, issue: str) -> float:
    w = s.raw["parties"][party]["weights"].get(issue, 0.0)
    return float(w)


def _raw_probabilities(s: Any) -> list[float]:
    return [float(o.get("probability")) for o in s.raw["conflict"]["outcomes"]]


class _Values:
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


class _Optimum:
    """Per point of a batch: the chosen grid outcome's coordinates, utilities and values."""

    def __init__(self, D: int, K: int, P: int) -> None:
        self.found = np.zeros(D, dtype=bool)
        self.coords = np.full((D, K), np.nan)
        self.u = np.full((D, P), np.nan)
        self.value = np.full(D, np.nan)  # the first stage's value at the outcome
        self.criterion = np.full(D, np.nan)


class _Rows:
    """A sparse list of (point, block, combination) triples, sorted by point.

    ``hi(i)``/``lo(i)`` are party ``i``'s utility bounds over each block (gathered on
    first use); ``every`` says whether every outcome of the block is in the agreement set.
    """

    def __init__(
        self, grid: _Grid, sd: np.ndarray, sb: np.ndarray, sr: np.ndarray, every: np.ndarray
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

    def take(self, mask: np.ndarray) -> _Rows:
        out = _Rows(self.grid, self.sd[mask], self.sb[mask], self.sr[mask], self.every[mask])
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


def _segments(d_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.flatnonzero(np.r_[True, d_[1:] != d_[:-1]])
    return starts, d_[starts]


def _group_max(d_: np.ndarray, v: np.ndarray, D: int) -> np.ndarray:
    """Per point, the largest of ``v`` over rows ``d_`` (sorted by point)."""
    out = np.full(D, -np.inf)
    if len(v):
        starts, present = _segments(d_)
        out[present] = np.maximum.reduceat(v, starts)
    return out


def _group_any(d_: np.ndarray, ok: np.ndarray, D: int) -> np.ndarray:
    out = np.zeros(D, dtype=bool)
    out[d_[ok]] = True
    return out


class _Grid:
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
        near_rows = _Rows(self, dd, bb, rr, np.ones(len(dd), dtype=bool))
        maybe = np.ones(len(dd), dtype=bool)
        every = np.ones(len(dd), dtype=bool)
        for j, i in enumerate(fg.vidx):
            t = self.thr[:, j].take(dd)
            maybe &= near_rows.hi(int(i)) >= t
            every &= near_rows.lo(int(i)) >= t
        near_rows.every = every
        self.near = near_rows
        self.maybe = near_rows if maybe.all() else near_rows.take(maybe)
        self.has_every = _group_any(dd, every, D)
        self.has_maybe = _group_any(dd, maybe, D)
        self._taken: dict[bytes, _Rows] = {}

    def rows(self, require: bool, active: np.ndarray) -> _Rows:
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
    def optimum(self, stages: Sequence[Stage_], require: bool, active: np.ndarray) -> _Optimum:
        """The lexicographic grid optimum of ``stages`` for every point in ``active``.

        A stage is ``(kind, C, e)``: ``kind`` as :class:`~negotiation.solve.optimize.Stage`,
        ``C`` its party coefficients per point ``(D, P)``, ``e`` per-issue coefficients
        (or ``None``). ``require``: over the agreement set only; otherwise over the whole
        grid, which the sparse list covers only for points with a deal (the others go
        through :meth:`_dense`).
        """
        fg = self.fg
        res = _Optimum(self.D, fg.K, fg.P)
        if not require:
            dense = active & ~self.has_every
            if dense.any():
                _fill(res, self._dense(stages, dense), dense)
            active = active & self.has_every
        if not active.any():
            return res
        rows = self.rows(require, active)
        if not len(rows.sd):
            return res
        every = rows.every if require else np.ones(len(rows.sd), dtype=bool)
        kind, C, e = next(((k, c, e) for k, c, e in stages if not _constant(k, c, e)), stages[0])
        ub, lb = self._bounds(kind, C, e, rows.sd, rows.sb, rows.sr, rows.hi, rows.lo)
        best_lb = rows.group_max(np.where(every, lb, -np.inf))
        cut = _cut(best_lb)
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
            cand &= ub >= np.maximum(cut, _cut(_group_max(d_, v, self.D)))[rows.sd]
        pick = np.flatnonzero(cand)
        if not len(pick):
            return res
        d_, t, r_, _ = self.points(rows.sd[pick], rows.sb[pick], rows.sr[pick])
        return self._choose(res, stages, require, d_, t, r_)

    def _choose(
        self,
        res: _Optimum,
        stages: Sequence[Stage_],
        require: bool,
        d_: np.ndarray,
        t: np.ndarray,
        r_: np.ndarray,
    ) -> _Optimum:
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
            b = _group_max(d_, v, self.D)[d_]
            fin = np.isfinite(b)
            ok = ~fin | (v >= b - GRID_TIE * np.maximum(1.0, np.abs(np.where(fin, b, 0.0))))
            if not ok.all():
                d_, u, X, first_value = d_[ok], u[ok], X[ok], first_value[ok]
        # the lowest grid index among those left (rows are sorted by point, then index)
        assert first_value is not None
        firsts, pts = _segments(d_)
        res.found[pts] = True
        res.coords[pts] = X[firsts]
        res.u[pts] = u[firsts]
        res.value[pts] = first_value[firsts]
        return res

    def _dense(self, stages: Sequence[Stage_], active: np.ndarray) -> _Optimum:
        """An optimum over the whole grid (no agreement required) by dense bounds, for the
        points of ``active`` only."""
        fg = self.fg
        res = _Optimum(self.D, fg.K, fg.P)
        pts = np.flatnonzero(active)
        kind, C, e = next(((k, c, e) for k, c, e in stages if not _constant(k, c, e)), stages[0])
        n = len(pts)
        dd = np.repeat(pts, fg.nb * fg.M)
        bb = np.tile(np.repeat(np.arange(fg.nb), fg.M), n)
        rr = np.tile(np.arange(fg.M), n * fg.nb)
        dense_rows = _Rows(self, dd, bb, rr, np.ones(len(dd), dtype=bool))
        ub, lb = self._bounds(kind, C, e, dd, bb, rr, dense_rows.hi, dense_rows.lo)
        cut = _cut(_group_max(dd, lb, self.D))
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
        if _constant(kind, C, e):
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

    # ------------------------------------------------------------------ the report's parts
    def closest(self) -> _Optimum:
        fg = self.fg
        c = np.broadcast_to(fg.veto.astype(float), (self.D, fg.P))
        res = self.optimum(
            [("maximin", c, None), ("linear", c, None)], False, np.ones(self.D, dtype=bool)
        )
        g = res.u - self.d
        res.value = np.min(np.where(fg.veto[None, :], g, np.inf), axis=1)
        return res

    def deal(self, closest: _Optimum) -> np.ndarray:
        """Is some grid outcome in the agreement set (``Problem.agreement.any()``)?"""
        out = self.has_every.copy()
        ok = closest.found & ~out
        if ok.any():  # the closest outcome is a witness when it is in the agreement set
            u = closest.u[ok]
            out[ok] = np.all(u[:, self.fg.vidx] >= self.thr[ok], axis=1)
        todo = ~out & self.has_maybe
        if todo.any():
            rows = self.maybe.take(todo[self.maybe.sd])
            d_, t, r_, _ = self.points(rows.sd, rows.sb, rows.sr)
            out |= _group_any(d_, self.agree(d_, self.exact_u(d_, t, r_)), self.D)
        return out

    def issue_range(self, k: int, deal: np.ndarray) -> list[Any]:
        from ..solve.results import IssueRange

        fg = self.fg
        issue = fg.space.issues[k]
        zero = np.zeros((self.D, fg.P))
        if issue.levels is None:
            ends = []
            for sign in (-1.0, 1.0):
                e = np.zeros(fg.K)
                e[k] = sign
                ends.append(self.optimum([("linear", zero, e)], True, deal))
            return [
                IssueRange(
                    issue.name,
                    min=float(ends[0].coords[d, k]),
                    max=float(ends[1].coords[d, k]),
                    certified=False,
                    gap=float("nan"),
                )
                if deal[d]
                else None
                for d in range(self.D)
            ]
        used = self._levels(k, deal)
        return [
            IssueRange(
                issue.name,
                levels=tuple(lv for j, lv in enumerate(issue.levels) if used[d, j]),
                certified=False,
            )
            if deal[d]
            else None
            for d in range(self.D)
        ]

    def _levels(self, k: int, deal: np.ndarray) -> np.ndarray:
        """(D, L): does some agreement use level j of discrete issue k?"""
        fg = self.fg
        L = len(fg.grids[k])
        out = np.zeros((self.D, L), dtype=bool)
        rows = self.maybe.take(deal[self.maybe.sd])
        sd, sb, sr, ev = rows.sd, rows.sb, rows.sr, rows.every
        lvl = fg.RC[sr, fg.rest.index(k)] if k != fg.a else None
        for level in range(L):
            if lvl is not None:
                here = lvl == level
                out[sd[here & ev], level] = True
            else:
                here = (fg.starts[sb] <= level) & (level < fg.starts[sb] + fg.bs)
            todo = here & ~out[sd, level]
            if todo.any():
                d_, t, r_, _ = self.points(sd[todo], sb[todo], sr[todo])
                ok = self.agree(d_, self.exact_u(d_, t, r_))
                if lvl is None:
                    ok &= t == level
                out[:, level] |= _group_any(d_, ok, self.D)
        return out

    def party_end(self, i: int, sign: float, deal: np.ndarray) -> tuple[_Optimum, np.ndarray]:
        fg = self.fg
        c = np.zeros((self.D, fg.P))
        c[:, i] = sign
        res = self.optimum([("linear", c, None)], True, deal)
        return res, res.u[:, i]

    def solution(
        self, name: str, ideal: np.ndarray, power: np.ndarray, deal: np.ndarray
    ) -> _Optimum:
        """A solution of :mod:`negotiation.solve.cooperative`, on the grid."""
        fg = self.fg
        players = fg.veto[None, :] & ((ideal - self.d) > SURPLUS_TOL)
        total = ("linear", np.ones((self.D, fg.P)), None)
        if name in ("nash", "weighted_nash"):
            a = np.ones((self.D, fg.P)) if name == "nash" else power
            c = np.where(players, a, 0.0)
            stages = [("nash", c, None)]
            # the all-party tie-break, unless every party is a player with a positive exponent
            all_players = np.all(c > 0, axis=1)
            if all_players.all():
                res = self.optimum(stages, True, deal)
            elif not all_players.any():
                res = self.optimum(stages + [total], True, deal)
            else:
                res = _merge(
                    self.optimum(stages, True, deal & all_players),
                    self.optimum(stages + [total], True, deal & ~all_players),
                    all_players,
                )
        elif name == "kalai_smorodinsky":
            scale = np.where(players, 1.0 / np.where(players, ideal - self.d, 1.0), 0.0)
            res = self.optimum(
                [("maximin", scale, None), ("linear", scale, None), total], True, deal
            )
            c = scale
        elif name == "egalitarian":
            c = players.astype(float)
            res = self.optimum([("maximin", c, None), ("linear", c, None), total], True, deal)
        else:
            c = np.broadcast_to(fg.veto.astype(float), (self.D, fg.P))
            res = self.optimum(
                [("linear", c, None), ("nash", players.astype(float), None), total], True, deal
            )
        kind = {
            "kalai_smorodinsky": "maximin",
            "egalitarian": "maximin",
            "utilitarian": "linear",
        }.get(name, "nash")
        res.criterion = self._criterion(kind, c, res)
        return res

    def _criterion(self, kind: str, C: np.ndarray, res: _Optimum) -> np.ndarray:
        """The first stage's value at the chosen outcome, as ``Stage.grid_value`` gives it."""
        from ..solve.optimize import Stage

        out = np.full(self.D, np.nan)
        for d in np.flatnonzero(res.found):
            st = Stage(kind, np.asarray(C[d], dtype=float))
            out[d] = float(st.grid_value(res.u[d][None], res.coords[d][None], self.d[d])[0])
        return out


def _cut(best: np.ndarray) -> np.ndarray:
    """Keep a block whose bound reaches ``best`` less a margin (``KEEP``, relative)."""
    fin = np.isfinite(best)
    return np.where(fin, best - KEEP * np.maximum(1.0, np.abs(np.where(fin, best, 0.0))), -np.inf)


def _fill(res: _Optimum, part: _Optimum, mask: np.ndarray) -> None:
    for name in ("found", "coords", "u", "value", "criterion"):
        getattr(res, name)[mask] = getattr(part, name)[mask]


def _constant(kind: str, C: np.ndarray, e: np.ndarray | None) -> bool:
    if kind == "linear":
        return not (C != 0).any() and (e is None or not np.any(e))
    return not (C > 0).any()


def _merge(a: _Optimum, b: _Optimum, take_a: np.ndarray) -> _Optimum:
    out = b
    for name in ("found", "coords", "u", "value", "criterion"):
        va, vb = getattr(a, name), getattr(b, name)
        mask = take_a.reshape((-1,) + (1,) * (va.ndim - 1))
        setattr(out, name, np.where(mask, va, vb))
    return out


def fast_grid(experiment: Experiment) -> FastGrid | None:
    """The grid path for ``experiment``, or ``None`` when it cannot take it."""
    try:
        return FastGrid(experiment)
    except Unsupported:
        return None


__all__ = ["FastGrid", "Unsupported", "fast_grid"]
