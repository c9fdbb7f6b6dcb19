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

The steps live in :mod:`.fast_tables` (1), :mod:`.fast_search` (2 and 3) and
:mod:`.fast_quantities` (the report's quantities as grid optima); this module compiles
the experiment, runs the batches and writes each point's JSON. With ``seeds=True`` (an
experiment at ``precision: exact``) it gives each point's grid optima as first
incumbents of the certified searches (:meth:`FastGrid.seeds`, :mod:`.seeded`).

The answer is the one ``analyse(scenario.replace(point), precision="grid")``
gives (``tests/test_experiments_fast.py`` checks it on samples of points). A
point the path cannot take (a weight set to 0 on an issue with value-function
kinks, weights all 0, probabilities that do not add up) is handed back and
analysed on its own by :class:`~.evaluate.PointEvaluator`, which reports its
error the way the loader would.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..model.scenario import BatnaConflict, BatnaOutcome
from ..solve.problem import AGREE_TOL
from .evaluate import BUILTIN_SOLUTIONS, Needs
from .fast_quantities import Grid
from .fast_tables import BatchTables, interp_rows, raw_weight
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
    "party_scalar",  # not read by the bargaining problem: no table changes
}
#: Points computed together (memory: a few arrays of BATCH x blocks x combinations).
BATCH = 32


class Unsupported(Exception):
    """The experiment cannot use the grid path (the reason is the message)."""


class FastGrid(BatchTables):
    """Compiled form of an experiment for the vectorised grid path."""

    def __init__(self, experiment: Experiment, *, seeds: bool = False) -> None:
        if experiment.precision != "grid" and not seeds:
            raise Unsupported("precision is exact")
        s = experiment.scenario
        if getattr(s, "constraints", ()):
            # linear constraints between issues change the agreement set, which the
            # tables of this path do not know about
            raise Unsupported("the scenario has linear constraints")
        if getattr(s, "ratification", None) is not None and any(
            m.parts[0] == "ratification" for m in experiment.measures
        ):
            raise Unsupported("a measure of the ratification analysis")
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
            [[raw_weight(s, p.name, i.name) for i in s.issues] for p in s.parties], dtype=float
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
        grid, closest, deal, ranges, parties, sols = self._optima(model, True)
        rows = []
        for d in range(D):
            if bad[d]:
                rows.append(None)
                continue
            data = self._json(d, model, grid, closest, deal, ranges, parties, sols)
            rows.append([extract(data, m.parts) for m in self.experiment.measures])
        return rows, bad.copy()

    def seeds(self, cols: list[np.ndarray]) -> list[dict[str, np.ndarray] | None]:
        """Per point, the grid optima of the certified searches the measures need
        (``closest`` and each solution: coordinates), for :mod:`.seeded`; ``None``
        for a point this path cannot take."""
        D = len(cols[0]) if cols else 1
        out: list[dict[str, np.ndarray] | None] = []
        for start in range(0, D, BATCH):
            stop = min(D, start + BATCH)
            model = self._model([c[start:stop] for c in cols], stop - start)
            _, closest, _, _, _, sols = self._optima(model, False)
            for d in range(stop - start):
                if model["bad"][d]:
                    out.append(None)
                    continue
                found = {"closest": closest} | sols
                out.append({k: v.coords[d] for k, v in found.items() if v.found[d]})
        return out

    def _optima(self, model: dict[str, Any], ranges_too: bool) -> tuple[Any, ...]:
        """The grid optima of a batch: closest outcome, deal mask, ranges, solutions."""
        needs = self.needs
        grid = Grid(self, model["T"], model["d"])
        closest = grid.closest()
        deal = grid.deal(closest)
        need_ideal = bool(needs.solutions)
        ranges: dict[str, Any] = {}
        parties: dict[str, Any] = {}
        sols: dict[str, Any] = {}
        if deal.any():
            for name in needs.issues if ranges_too else ():
                ranges[name] = grid.issue_range(self.kindex[name], deal)
            for name in needs.parties if ranges_too else ():
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
        return grid, closest, deal, ranges, parties, sols

    # ------------------------------------------------------------------ JSON of one point
    def _point(self, coords: np.ndarray, u: np.ndarray) -> Any:
        from ..solve.results import Point

        return Point(self.space.decode(coords), {n: float(x) for n, x in zip(self.names, u)})

    def _json(
        self,
        d: int,
        model: dict[str, Any],
        grid: Grid | None,
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


def fast_grid(experiment: Experiment, *, seeds: bool = False) -> FastGrid | None:
    """The grid path for ``experiment``, or ``None`` when it cannot take it.

    With ``seeds=True`` (an experiment at ``precision: exact``), the path that gives
    the certified searches of :mod:`.seeded` their first incumbents
    (:meth:`FastGrid.seeds`)."""
    try:
        return FastGrid(experiment, seeds=seeds)
    except Unsupported:
        return None


__all__ = ["FastGrid", "Unsupported", "fast_grid", "interp_rows"]
