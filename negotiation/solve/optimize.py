"""Lexicographic optimisation over the outcome space, certified stage by stage.

Every solver in :mod:`negotiation.solve` is an instance of one problem: over
the agreement set, maximise a criterion of the utility vector, break ties by a
second criterion, and so on. Each criterion is a :class:`Stage`:

1. **Grid** (``precision="grid"`` only). The best grid outcome, vectorised
   over the whole grid, is the answer, marked not certified.
2. **Certified search** (``precision="exact"``, the default). Each stage is
   maximised over the *continuous* outcome space by branch and bound
   (:func:`negotiation.solve.bnb.maximise`), which returns the global
   optimum with a proven upper bound. The optimum of a stage, less a
   tolerance of ``1e-13`` of its scale, becomes a constraint
   ("lock") of the later stages.

The result records, for the first stage (the criterion that defines the
solution), the value, the proven bound and the gap; ``certified`` is true
when that gap is closed. Later stages only break ties among (near-)optimal
outcomes; they are searched with a smaller budget, and whether they closed
their gaps too is recorded in ``tiebreaks_certified``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .bnb import GAP_TOL, Criterion, Row, maximise
from .local import polish
from .problem import Problem

GRID_TIE = 1e-12  # ties on the grid (relative to the criterion's scale)
LOCK_TOL = 1e-13  # an earlier stage may lose this much (relative) to a later one
TIEBREAK_NODES = 1000  # node budget of a tie-break stage (the first stage gets the full budget)
TIEBREAK_GAP = 1e-8  # relative gap at which a tie-break stage is closed
TIEBREAK_ROUNDS = 6  # batches of nodes a tie-break stage may take
CERT_TOL = 1e-9  # a result is certified when bound - criterion <= CERT_TOL * max(1, |criterion|)
FEAS_TOL = 1e-12  # violation of u_i >= d_i accepted in an outcome (relative to 1 + |d_i|)


@dataclass(frozen=True)
class Stage:
    """One criterion to maximise.

    ``kind`` is ``"linear"`` (``c @ u + e @ x``), ``"nash"``
    (``sum_i c_i log(u_i - d_i)`` over ``c_i > 0``) or ``"maximin"``
    (``min_i c_i (u_i - d_i)`` over ``c_i > 0``). ``c`` has one entry per
    party; ``e`` (linear only) one per issue coordinate.
    """

    kind: str
    c: np.ndarray
    e: np.ndarray | None = None

    @property
    def members(self) -> np.ndarray:
        return np.flatnonzero(self.c > 0) if self.kind != "linear" else np.flatnonzero(self.c)

    def criterion(self, d: np.ndarray) -> Criterion:
        if self.kind != "linear" and not np.any(self.c > 0):
            return Criterion("linear", np.zeros_like(self.c), None, d)  # constant criterion
        return Criterion(self.kind, np.asarray(self.c, dtype=float), self.e, d)

    def grid_value(self, U: np.ndarray, X: np.ndarray | None, d: np.ndarray) -> np.ndarray:
        crit = self.criterion(d)
        if X is None:
            X = np.zeros((U.shape[0], 0 if self.e is None else len(self.e)))
        return crit.value(U, X)


@dataclass(frozen=True)
class Optimum:
    """Where the lexicographic optimum is, how good it is, and the proof."""

    coords: np.ndarray  # (K,) issue coordinates (level index for discrete issues)
    utilities: np.ndarray  # (P,)
    values: tuple[float, ...]  # criterion value of each stage at ``coords``
    certified: bool  # every stage's gap closed (global optimum, proven)
    bound: float = float("nan")  # proven upper bound of the first stage
    nodes: int = 0  # branch-and-bound nodes bounded
    message: str = ""
    bounds: tuple[float, ...] = field(default=(), repr=False)
    tiebreaks_certified: bool = True

    @property
    def exact(self) -> bool:
        return self.certified

    @property
    def gap(self) -> float:
        if not np.isfinite(self.bound) or not self.values:
            return float("nan") if not np.isfinite(self.bound) else 0.0
        return max(0.0, self.bound - self.values[0])


def grid_optimum(problem: Problem, stages: list[Stage], mask: np.ndarray) -> tuple[int, np.ndarray]:
    """Best grid index within ``mask`` and the indices still tied after each stage."""
    cand = np.flatnonzero(mask)
    if cand.size == 0:
        return -1, cand
    U = problem.U[cand]
    X = problem.space.coordinates(cand) if any(s.e is not None for s in stages) else None
    for s in stages:
        v = s.grid_value(U, X, problem.d)
        best = np.max(v)
        if not np.isfinite(best):
            continue  # every candidate is -inf (e.g. no point with all gains positive)
        keep = v >= best - GRID_TIE * max(1.0, abs(best))
        cand, U = cand[keep], U[keep]
        X = X[keep] if X is not None else None
    return int(cand[0]), cand


def _allowed_combos(problem: Problem, fixed: dict[int, float] | None) -> np.ndarray:
    """Indices of the discrete combinations allowed by ``fixed`` levels."""
    st = problem.structure
    combos = np.arange(len(st.combos))
    for k, value in (fixed or {}).items():
        j = int(np.flatnonzero(st.discrete == k)[0])
        combos = combos[st.combos[combos, j] == int(value)]
    return combos


def _grid_start(
    problem: Problem, stages: list[Stage], require_agreement: bool, fixed: dict[int, float] | None
) -> np.ndarray | None:
    """Coordinates of the best grid outcome, or ``None``."""
    mask = problem.agreement.copy() if require_agreement else problem.feasible.copy()
    if fixed:
        X = problem.space.all_coordinates()
        for k, value in fixed.items():
            mask &= X[:, k] == value
    best, _ = grid_optimum(problem, stages, mask)
    return problem.space.coordinates(np.array([best]))[0] if best >= 0 else None


def _locks(stage: Stage, crit: Criterion, value: float, u: np.ndarray) -> list[Row]:
    """Rows keeping a later stage within ``LOCK_TOL`` of this stage's optimum.

    The slack is relative to the row's own scale (its right-hand side and
    coefficients): a max-min stage normalised by small gains has large
    coefficients, and rounding alone would otherwise break the lock at the
    very point that set it.
    """
    P = len(u)

    def row(a: np.ndarray, b: np.ndarray | None, r: float) -> Row:
        scale = max(
            1.0, abs(r), float(np.abs(a).sum()), float(np.abs(b).sum()) if b is not None else 0.0
        )
        return Row(a, b, r - LOCK_TOL * scale, LOCK_TOL * scale)

    if crit.kind == "linear":
        return [row(crit.c, crit.e, value)]
    rows = []
    for i in crit.members:
        a = np.zeros(P)
        if crit.kind == "maximin":
            a[i] = crit.c[i]
            rows.append(row(a, None, value + crit.c[i] * crit.d[i]))
        else:
            a[i] = 1.0
            rows.append(row(a, None, float(u[i])))
    return rows


def veto_rows(problem: Problem, parties, d: np.ndarray | None = None) -> list[Row]:
    """Rows ``u_i >= d_i`` (slack ``FEAS_TOL (1 + |d_i|)``) for the party indices ``parties``
    (``d``: the levels, default the reservation values)."""
    d = problem.d if d is None else np.asarray(d, dtype=float)
    rows = []
    for i in parties:
        a = np.zeros(len(problem.names))
        a[int(i)] = 1.0
        d_i = float(d[int(i)])
        rows.append(Row(a, None, d_i, FEAS_TOL * (1.0 + abs(d_i))))
    return rows


def search(
    problem: Problem,
    crit: Criterion,
    rows: list[Row],
    start: np.ndarray | None = None,
):
    """Certified maximum of one criterion subject to ``rows`` and the scenario's linear
    constraints, whatever ``problem.precision`` (:func:`negotiation.solve.bnb.maximise`).

    For models built on the core (private information, commitment) that need their own
    rows or reference points; returns a :class:`negotiation.solve.bnb.Search`.
    """
    return maximise(
        problem.structure,
        crit,
        list(problem.constraint_rows) + list(rows),
        problem.structure.utilities,
        _allowed_combos(problem, None),
        [] if start is None else [start],
        polish=lambda cr, rw, x: polish(problem, cr, rw, x),
    )


def optimise(
    problem: Problem,
    stages: list[Stage],
    *,
    require_agreement: bool = True,
    fixed: dict[int, float] | None = None,
    start: np.ndarray | None = None,
) -> Optimum | None:
    """Lexicographic optimum of ``stages`` over the agreement set (or the whole space).

    Parameters
    ----------
    require_agreement:
        Restrict to outcomes every veto party accepts (the agreement set).
    fixed:
        ``{issue index: level}`` held fixed (discrete issues only).
    start:
        A known outcome (all issue coordinates) to seed the first incumbent,
        e.g. the closest outcome when the agreement set is thin.

    Returns ``None`` when no outcome satisfies the restrictions (at
    ``precision="grid"``: when no grid outcome does).
    """
    if problem.precision == "grid":
        start = _grid_start(problem, stages, require_agreement, fixed)
        if start is None:
            return None
        return _result(
            problem,
            stages,
            start,
            [],
            [],
            True,
            0,
            "best grid outcome (precision='grid'): not certified",
            grid=True,
        )
    # The certified search needs no grid: it finds its own incumbents (box centres,
    # optima of the relaxations, local polish), and a grid start would cost more
    # (a pass over every outcome) than it saves.
    combos = _allowed_combos(problem, fixed)
    rows: list[Row] = list(problem.constraint_rows)
    if require_agreement:
        rows += veto_rows(problem, np.flatnonzero(problem.veto))
    point, bounds, certs, nodes = start, [], [], 0
    for n_stage, stage in enumerate(stages):
        crit = stage.criterion(problem.d)
        res = maximise(
            problem.structure,
            crit,
            rows,
            problem.structure.utilities,
            combos,
            [] if point is None else [point],
            polish=lambda cr, rw, x: polish(problem, cr, rw, x),
            max_nodes=None if n_stage == 0 else TIEBREAK_NODES,
            polish_limit=None if n_stage == 0 else 1,
            gap=GAP_TOL if n_stage == 0 else TIEBREAK_GAP,
            max_rounds=None if n_stage == 0 else TIEBREAK_ROUNDS,
        )
        nodes += res.nodes
        bounds.append(res.bound)
        certs.append(res.certified)
        if res.coords is None:
            if crit.kind == "nash":
                # no outcome gives every player a gain (proven, or none found): the stage
                # is void, the point stays
                continue
            # proven infeasible, or (rarely) nothing feasible found within the budget
            return None
        point = res.coords
        u = problem.utilities(point[None])[0]
        rows = rows + _locks(stage, crit, res.value, u)
    if point is None:
        # every stage was a void Nash stage: any agreement, best for the parties in total
        total = Criterion("linear", np.ones(len(problem.names)), None, problem.d)
        res = maximise(
            problem.structure,
            total,
            rows,
            problem.structure.utilities,
            combos,
            [] if start is None else [start],
            polish=lambda cr, rw, x: polish(problem, cr, rw, x),
        )
        if res.coords is None:
            return None
        point = res.coords
    ok = bool(certs) and certs[0]
    msg = "" if ok else "branch and bound stopped at its node budget: not certified"
    out = _result(problem, stages, point, bounds, certs, ok, nodes, msg)
    # The certificate is judged at the point returned: tie-break stages may give up a
    # little of the first criterion (the lock slack, large when the criterion is normalised
    # by a tiny gain), and the promise is the criterion within CERT_TOL of the bound.
    if out.certified and out.gap > CERT_TOL * max(1.0, abs(out.values[0])):
        out = replace(
            out,
            certified=False,
            message=f"gap {out.gap:.2g} after the tie-breaks exceeds the certificate's "
            f"tolerance {CERT_TOL:g}: not certified",
        )
    return out


def _result(
    problem: Problem,
    stages: list[Stage],
    coords: np.ndarray,
    bounds: list[float],
    certs: list[bool],
    certified: bool,
    nodes: int,
    message: str,
    grid: bool = False,
) -> Optimum:
    u = problem.utilities(coords[None])[0]
    values = tuple(float(s.grid_value(u[None], coords[None], problem.d)[0]) for s in stages)
    bound = float("nan") if grid or not bounds else float(bounds[0])
    if np.isfinite(bound) and values and np.isfinite(values[0]):
        bound = max(bound, values[0])
    return Optimum(
        coords,
        u,
        values,
        certified and not grid,
        bound,
        nodes,
        message,
        tuple(bounds),
        all(certs[1:]) and not grid,
    )


__all__ = [
    "FEAS_TOL",
    "GRID_TIE",
    "LOCK_TOL",
    "Optimum",
    "Stage",
    "grid_optimum",
    "optimise",
    "search",
    "veto_rows",
]
