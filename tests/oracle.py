"""An independent oracle for the solver core (test helper, not part of the package).

Everything here is written from the documented model (docs/scenario-format.md,
docs/methods.md) and works on the scenario *dict*: it imports nothing from
``negotiation`` at all, so it shares no code with the system under test.

What it provides:

* :class:`Oracle` -- the model: each party's utility
  ``u_i(x) = sum_k w_ik v_ik(x_k)`` (weights normalised to sum 1), its own
  value functions (``ideal``/``exponent``/``worst``, ``points``, level maps)
  and reservation values, and a global-search heuristic :meth:`Oracle.solve`
  for every optimisation the checks need.
* :func:`criterion` -- the primary criteria of the five solutions.

How :meth:`Oracle.solve` searches (maximisation over the agreement set, or
over the whole outcome space for the max-slack problems):

1. **Dense grid.** Every continuous issue gets an even grid (its size adapts
   to the number of continuous issues and discrete combinations, see
   :func:`grid_sizes`) **plus every kink** of a value function with positive
   weight (ideal points, ``ideal +- D`` of a ``worst``, the ``x`` of
   ``points``), crossed with every combination of discrete levels.  The best
   *feasible* grid point is the first incumbent.
2. **Cell bounds (used only to pick starts).** Because every kink is a grid
   point, every value function is monotone on every grid interval, so on a
   grid cell each utility lies exactly between the sums of the per-issue
   minima and maxima at the cell's corners.  That gives an optimistic value
   of the criterion on every cell; cells whose optimistic value cannot beat
   the incumbent are never refined.
3. **Multi-start local search, one smooth cell at a time.** Cells are refined
   in this order: around the best grid point; around the warm starts (for every
   search over the agreement set, the oracle's own largest-slack point); around
   the next best grid local maxima (other basins); by decreasing optimistic
   value (ties, e.g. an objective that ignores an issue, go to the best corner);
   around the best grid point of other discrete combinations.  A cell is
   refined with SLSQP (scipy) inside the cell, where every utility is smooth,
   with analytic derivatives of that piece, from its best corner and from a
   point halfway to its centre; a cell whose corners are all infeasible (a thin
   agreement set between grid lines) is first searched for its largest veto
   slack.  A result on a cell face that is not a kink is polished again over
   the whole smooth piece (the box between neighbouring kinks), and a new best
   on a grid line queues the cells on the other side (a walk).  The search
   stops after ``max_cells`` cells (12/16/20 for 1/2/3 continuous issues, four
   times that for the slack problems) or ``patience`` cells in a row without
   improvement.
4. **Strict feasibility.** A refined point counts only if
   ``u_i(x) - d_i >= -FEAS`` (``FEAS = 0``: exactly) for every veto party,
   evaluated here; otherwise the segment back to a feasible anchor is bisected
   to the last feasible point.  So the oracle's values are values of points it
   has *verified*: it can be beaten (it is a heuristic lower bound on the
   maximum) but it never wins by infeasibility slop.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

#: A point is feasible when every veto surplus u_i - d_i is at least -FEAS.  Exact: a
#: tolerance as small as 1e-12 is worth 1e-4 of a criterion next to an infinite slope
#: (exponent 0.25: (1e-12)^0.25 ~ 1e-3 of a value), and the oracle must never win by
#: slop (found on a thin agreement set hugging a range end).
FEAS = 0.0
#: Largest slope handed to SLSQP (an exponent below 1 has an infinite slope
#: where its value reaches 0; larger caps make SLSQP's subproblems ill-conditioned,
#: "inequality constraints incompatible").  Only the search direction uses it.
SLOPE_CAP = 1e6
#: Two incumbent values closer than this (relative) are the same.
TIE = 1e-10

SOLUTION_NAMES = ("nash", "weighted_nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


# ----------------------------------------------------------------------------------------
# Value functions
# ----------------------------------------------------------------------------------------

class IdealValue:
    """``v(x) = max(0, 1 - |x - m| / D) ** e`` (docs/scenario-format.md)."""

    def __init__(self, ideal: float, exponent: float, D: float, clipped: bool):
        self.m, self.e, self.D = float(ideal), float(exponent), float(D)
        self.kinks = [self.m] + ([self.m - self.D, self.m + self.D] if clipped else [])

    def __call__(self, x):
        t = 1.0 - np.abs(np.asarray(x, dtype=float) - self.m) / self.D
        return np.maximum(t, 0.0) ** self.e

    def at(self, x: float) -> float:
        t = 1.0 - abs(x - self.m) / self.D
        return t ** self.e if t > 0.0 else 0.0

    def slope(self, x: float, mid: float) -> float:
        """Derivative at ``x`` on the smooth piece that contains ``mid``."""
        s = 1.0 if mid > self.m else -1.0
        if 1.0 - abs(mid - self.m) / self.D <= 0.0:     # beyond the worst: flat 0
            return 0.0
        if self.e == 1.0:
            return -s / self.D
        t = 1.0 - s * (x - self.m) / self.D
        if t <= 0.0:
            g = 0.0 if self.e > 1.0 else SLOPE_CAP
        else:
            g = min(self.e * t ** (self.e - 1.0) / self.D, SLOPE_CAP)
        return -s * g


class PointsValue:
    """Piecewise linear through ``points``, flat beyond the first and last point."""

    def __init__(self, points):
        self.xs = [float(p[0]) for p in points]
        self.vs = [float(p[1]) for p in points]
        self.kinks = list(self.xs)

    def __call__(self, x):
        return np.interp(np.asarray(x, dtype=float), self.xs, self.vs)

    def at(self, x: float) -> float:
        xs, vs = self.xs, self.vs
        if x <= xs[0]:
            return vs[0]
        if x >= xs[-1]:
            return vs[-1]
        j = bisect.bisect_right(xs, x) - 1
        return vs[j] + (vs[j + 1] - vs[j]) * (x - xs[j]) / (xs[j + 1] - xs[j])

    def slope(self, x: float, mid: float) -> float:
        xs, vs = self.xs, self.vs
        if mid <= xs[0] or mid >= xs[-1]:
            return 0.0
        j = bisect.bisect_right(xs, mid) - 1
        return (vs[j + 1] - vs[j]) / (xs[j + 1] - xs[j])


def make_value(spec: dict, lo: float, hi: float):
    if "points" in spec:
        return PointsValue(spec["points"])
    m = float(spec["ideal"])
    worst = spec.get("worst")
    if worst is None:
        return IdealValue(m, spec.get("exponent", 1.0), max(m - lo, hi - m), clipped=False)
    return IdealValue(m, spec.get("exponent", 1.0), abs(float(worst) - m), clipped=True)


# ----------------------------------------------------------------------------------------
# Objectives and criteria
# ----------------------------------------------------------------------------------------

@dataclass
class Objective:
    """What :meth:`Oracle.solve` maximises.

    * ``lin``: ``c . u + e . x_cont``
    * ``nash``: ``sum_i c_i log(u_i - d_i)`` over ``c_i > 0`` (needs every such gain > 0)
    * ``maximin``: ``min_j (C_j . u + b_j)``

    ``feasible``: maximise over the agreement set (every veto surplus >= -FEAS),
    otherwise over every outcome.
    """

    kind: str
    c: np.ndarray | None = None
    e: np.ndarray | None = None
    C: np.ndarray | None = None
    b: np.ndarray | None = None
    feasible: bool = True


@dataclass
class Found:
    """The best verified point of a search."""

    value: float            # objective value at the point (-inf: nothing feasible found)
    x: np.ndarray | None    # continuous coordinates (issue values), shape (Kc,)
    combo: int | None       # index into Oracle.combos
    u: np.ndarray | None    # utilities, shape (P,)
    ub: float               # largest optimistic value of a cell left unrefined (diagnostic)
    refined: int            # cells refined


def criterion(name: str, U, d, veto, players, power, ideal):
    """Primary criterion of solution ``name`` at utility rows ``U`` (..., P).

    nash: sum_{players} log(u_i - d_i); weighted_nash: sum power_i log(u_i - d_i);
    kalai_smorodinsky: min_{players} (u_i - d_i) / (I_i - d_i);
    egalitarian: min_{players} (u_i - d_i); utilitarian: sum_{veto} u_i.
    """
    U = np.asarray(U, dtype=float)
    g = U - d
    if name == "utilitarian":
        return U[..., veto].sum(axis=-1)
    gp = g[..., players]
    if name in ("nash", "weighted_nash"):
        a = np.ones(int(players.sum())) if name == "nash" else power[players]
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.log(np.where(gp > 0, gp, 1.0)) @ a
        return np.where(np.all(gp > 0, axis=-1), val, -np.inf)
    if name == "kalai_smorodinsky":
        return np.min(gp / (ideal[players] - d[players]), axis=-1)
    if name == "egalitarian":
        return np.min(gp, axis=-1)
    raise ValueError(name)


# ----------------------------------------------------------------------------------------
# The oracle
# ----------------------------------------------------------------------------------------

def grid_sizes(n_cont: int, n_combos: int, budget: int, n_max: int = 400, n_min: int = 9):
    """Evenly spaced points per continuous issue so that the grid has ~``budget`` outcomes."""
    if n_cont == 0:
        return 0
    n = int((budget / max(n_combos, 1)) ** (1.0 / n_cont))
    return max(n_min, min(n_max, n))


class _Grid:
    """A product grid of the continuous issues (kinks included) and its cells."""

    def __init__(self, oracle: Oracle, axes: list[np.ndarray]):
        self.axes = axes
        Kc, P = len(axes), oracle.P
        tables = []
        for j, ax in enumerate(axes):
            T = np.zeros((ax.size, P))
            for i, w, fn in oracle.terms[j]:
                T[:, i] += w * fn(ax)
            tables.append(T)
        self.shape = tuple(ax.size for ax in axes)
        self.cell_shape = tuple(max(ax.size - 1, 1) for ax in axes)
        # grid points
        self.X = _product(axes)                                  # (Nc, Kc)
        self.Uc = _product_sum(tables, P)                        # (Nc, P)
        # cells: per-issue interval ends; every value function is monotone on
        # each interval (all kinks are grid points), so its range there is
        # [min, max] of the two ends
        lo_ax, hi_ax, tlo, thi = [], [], [], []
        for ax, T in zip(axes, tables):
            if ax.size == 1:
                lo_ax.append(ax)
                hi_ax.append(ax)
                tlo.append(T)
                thi.append(T)
            else:
                lo_ax.append(ax[:-1])
                hi_ax.append(ax[1:])
                tlo.append(np.minimum(T[:-1], T[1:]))
                thi.append(np.maximum(T[:-1], T[1:]))
        self.cell_lo = _product(lo_ax)                           # (Ncell, Kc)
        self.cell_hi = _product(hi_ax)
        self.CL = _product_sum(tlo, P)                           # (Ncell, P)
        self.CH = _product_sum(thi, P)
        self.Kc = Kc

    def adjacent_cells(self, point: int) -> list[int]:
        """Flat indices of the cells that have grid point ``point`` as a corner."""
        if self.Kc == 0:
            return [0]
        idx = np.unravel_index(point, self.shape)
        choices = []
        for j, i in enumerate(idx):
            n = self.cell_shape[j]
            choices.append(sorted({min(max(i - 1, 0), n - 1), min(i, n - 1)}))
        return [int(np.ravel_multi_index(c, self.cell_shape)) for c in itertools.product(*choices)]


    def cells_containing(self, x: np.ndarray) -> list[int]:
        """Flat indices of the cells that contain the point ``x`` (two per coordinate
        on a grid line)."""
        choices = []
        for j, ax in enumerate(self.axes):
            n = self.cell_shape[j]
            if ax.size == 1:
                choices.append([0])
                continue
            i = int(np.searchsorted(ax, x[j]))
            if i < ax.size and ax[i] == x[j]:
                choices.append(sorted({min(max(i - 1, 0), n - 1), min(i, n - 1)}))
            else:
                choices.append([min(max(i - 1, 0), n - 1)])
        return [int(np.ravel_multi_index(c, self.cell_shape)) for c in itertools.product(*choices)]

    def corner_max(self, F: np.ndarray) -> np.ndarray:
        """Best grid value among each cell's corners: (nco, Nc) -> (nco, Ncell)."""
        G = F.reshape((F.shape[0],) + self.shape)
        out = None
        for shifts in itertools.product(*[(0, 1) if n > 1 else (0,) for n in self.shape]):
            sl = tuple([slice(None)] + [slice(s, s + c) for s, c in zip(shifts, self.cell_shape)])
            out = G[sl] if out is None else np.maximum(out, G[sl])
        return out.reshape(F.shape[0], -1)

    def local_maxima(self, F: np.ndarray, k: int) -> list[tuple[int, int]]:
        """The ``k`` best grid local maxima of ``F`` (nco, Nc): no neighbour one step
        along a continuous issue is better.  (combo position, flat point index)."""
        G = F.reshape((F.shape[0],) + self.shape)
        is_max = np.isfinite(G)
        for a in range(1, G.ndim):
            if G.shape[a] < 2:
                continue
            pad = [(0, 0)] * G.ndim
            pad[a] = (1, 1)
            P = np.pad(G, pad, constant_values=-np.inf)
            lo = np.take(P, range(0, G.shape[a]), axis=a)
            hi = np.take(P, range(2, G.shape[a] + 2), axis=a)
            is_max &= (G >= lo) & (G >= hi)
        flat = np.flatnonzero(is_max.reshape(F.shape[0], -1))
        vals = F.reshape(-1)[flat]
        top = flat[np.argsort(-vals, kind="stable")[:k]]
        return [(int(t // F.shape[1]), int(t % F.shape[1])) for t in top]


def _product(axes: list[np.ndarray]) -> np.ndarray:
    if not axes:
        return np.zeros((1, 0))
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def _product_sum(tables: list[np.ndarray], P: int) -> np.ndarray:
    """Row-major sum over the product of per-issue tables (n_j, P)."""
    out = np.zeros((1, P))
    for T in tables:
        out = (out[:, None, :] + T[None, :, :]).reshape(-1, P)
    return out


class Oracle:
    """The model of one scenario dict, and a global search over it."""

    def __init__(self, spec: dict, budget: int = 40_000, max_cells: int | None = None):
        self.spec = spec
        self.issue_names = list(spec["issues"])
        self.party_names = list(spec["parties"])
        issues = [spec["issues"][n] for n in self.issue_names]
        parties = [spec["parties"][n] for n in self.party_names]
        self.P, self.K = len(parties), len(issues)
        self.cont = [k for k, s in enumerate(issues) if "range" in s]
        self.disc = [k for k, s in enumerate(issues) if "range" not in s]
        self.lo = np.array([float(issues[k]["range"][0]) for k in self.cont])
        self.hi = np.array([float(issues[k]["range"][1]) for k in self.cont])
        self.span = self.hi - self.lo
        self.levels = {k: list(issues[k]["levels"]) for k in self.disc}
        self.veto = np.array([bool(p.get("veto", True)) for p in parties])
        self.power = np.array([float(p.get("power", 1.0)) for p in parties])
        W = np.array([[float(p["weights"][n]) for n in self.issue_names] for p in parties])
        self.W = W / W.sum(axis=1, keepdims=True)
        # continuous terms per continuous issue: (party, weight, value function)
        self.terms: list[list] = []
        for j, k in enumerate(self.cont):
            lst = []
            for i, p in enumerate(parties):
                if self.W[i, k] > 0:
                    lst.append((i, float(self.W[i, k]),
                                make_value(p["values"][self.issue_names[k]],
                                           self.lo[j], self.hi[j])))
            self.terms.append(lst)
        # discrete level values, weighted: (P, L_k) per discrete issue
        self.level_table = {}
        for k in self.disc:
            T = np.zeros((self.P, len(self.levels[k])))
            for i, p in enumerate(parties):
                if self.W[i, k] > 0:
                    vals = p["values"][self.issue_names[k]]
                    T[i] = [self.W[i, k] * float(vals[lv]) for lv in self.levels[k]]
            self.level_table[k] = T
        self.combos = list(itertools.product(*[range(len(self.levels[k])) for k in self.disc]))
        self.base = np.zeros((len(self.combos), self.P))
        for c, combo in enumerate(self.combos):
            for k, j in zip(self.disc, combo):
                self.base[c] += self.level_table[k][:, j]
        # breaks: range ends and every kink strictly inside
        self.breaks = []
        for j in range(len(self.cont)):
            br = {self.lo[j], self.hi[j]}
            for _, _, fn in self.terms[j]:
                br.update(x for x in fn.kinks if self.lo[j] < x < self.hi[j])
            self.breaks.append(np.array(sorted(br)))
        self.d = np.array([self._reservation(p) for p in parties])
        Kc = len(self.cont)
        self.n_grid = grid_sizes(Kc, len(self.combos), budget)
        self.max_cells = max_cells if max_cells is not None else (0, 12, 16, 20)[Kc]
        self.n_basins = 4
        #: stop refining after this many cells in a row that did not improve
        self.patience = max(6, self.max_cells // 2)
        self._grids: dict = {}
        self._anchor = None
        self._max_slack: Found | None = None
        self._domain_cache: dict = {}
        if Kc:
            s = self.max_slack()
            if s.value >= -FEAS:
                self._anchor = (s.x, s.combo)

    # -- the model ----------------------------------------------------------------------

    def _reservation(self, p: dict) -> float:
        b = p.get("batna")
        if b is None:
            return 0.0
        if isinstance(b, (int, float)) and not isinstance(b, bool):
            return float(b)
        i = [self.spec["parties"][n] for n in self.party_names].index(p)
        if b == "conflict":
            conflict = self.spec["conflict"]
            eu = sum(float(o["probability"]) * self.utilities_at(o["outcome"])[i]
                     for o in conflict["outcomes"])
            name = self.party_names[i]
            return eu - float(conflict.get("costs", {}).get(name, 0.0))
        return self.utilities_at(b["outcome"])[i] - float(b.get("cost", 0.0))

    def split(self, outcome: dict) -> tuple[np.ndarray, int]:
        """An outcome mapping as (continuous coordinates, combo index)."""
        x = np.array([float(outcome[self.issue_names[k]]) for k in self.cont])
        combo = tuple(self.levels[k].index(outcome[self.issue_names[k]]) for k in self.disc)
        return x, self.combos.index(combo)

    def outcome(self, x: np.ndarray | None, combo: int | None) -> dict | None:
        if x is None or combo is None:
            return None
        out: dict = {}
        for j, k in enumerate(self.cont):
            out[self.issue_names[k]] = float(x[j])
        for k, lv in zip(self.disc, self.combos[combo]):
            out[self.issue_names[k]] = self.levels[k][lv]
        return {n: out[n] for n in self.issue_names}

    def utilities(self, X: np.ndarray, combo) -> np.ndarray:
        """Utilities (M, P) at continuous coordinates X (M, Kc), for combo index(es)."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        U = np.zeros((X.shape[0], self.P)) + self.base[combo]
        for j in range(len(self.cont)):
            for i, w, fn in self.terms[j]:
                U[:, i] += w * fn(X[:, j])
        return U

    def utilities_at(self, outcome: dict) -> np.ndarray:
        """Utilities (P,) of an outcome mapping ``{issue: value or level}``."""
        u = np.zeros(self.P)
        for k, name in enumerate(self.issue_names):
            if k in self.disc:
                u += self.level_table[k][:, self.levels[k].index(outcome[name])]
        for j, k in enumerate(self.cont):
            x = float(outcome[self.issue_names[k]])
            for i, w, fn in self.terms[j]:
                u[i] += w * fn.at(x)
        return u

    def wobble(self, outcome: dict, rel: float = 4e-16) -> np.ndarray:
        """How much each utility can change when the continuous values move by a few
        ulps (``rel`` of the issue span): the conditioning of a utility comparison
        (large next to an infinite slope, where the exponent is below 1)."""
        x0, c = self.split(outcome)
        out = np.zeros(self.P)
        for j in range(len(self.cont)):
            h = rel * max(self.span[j], abs(x0[j]))
            for sgn in (-1.0, 1.0):
                x = x0.copy()
                x[j] = min(max(x[j] + sgn * h, self.lo[j]), self.hi[j])
                out = np.maximum(out, np.abs(self.utilities(x, c)[0] - self.utilities(x0, c)[0]))
        return out

    def _u_grad(self, c: int, x, mids):
        """Utilities and their gradient (P, Kc) at ``x`` (pure Python, for SLSQP)."""
        u = [float(v) for v in self.base[c]]
        G = [[0.0] * len(x) for _ in range(self.P)]
        for j, xj in enumerate(x):
            mj = mids[j]
            for i, w, fn in self.terms[j]:
                u[i] += w * fn.at(xj)
                G[i][j] += w * fn.slope(xj, mj)
        return u, G

    # -- grids ---------------------------------------------------------------------------

    def grid(self, fixed: dict | None = None) -> _Grid:
        """The dense grid; ``fixed`` maps continuous positions to a single value."""
        key = tuple(sorted((fixed or {}).items()))
        if key not in self._grids:
            axes = []
            for j in range(len(self.cont)):
                if fixed and j in fixed:
                    axes.append(np.array([float(fixed[j])]))
                else:
                    even = np.linspace(self.lo[j], self.hi[j], self.n_grid)
                    axes.append(np.union1d(even, self.breaks[j]))
            self._grids[key] = _Grid(self, axes)
        return self._grids[key]

    # -- evaluation of objectives ----------------------------------------------------------

    def _value(self, obj: Objective, U: np.ndarray, X: np.ndarray | None) -> np.ndarray:
        """Objective value of utility rows U (..., P) at coordinates X (..., Kc)."""
        d = self.d
        if obj.kind == "lin":
            v = U @ obj.c
            if obj.e is not None and X is not None and X.shape[-1]:
                v = v + X @ obj.e
        elif obj.kind == "nash":
            on = obj.c > 0
            g = (U - d)[..., on]
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.log(np.where(g > 0, g, 1.0)) @ obj.c[on]
            v = np.where(np.all(g > 0, axis=-1), v, -np.inf)
        else:
            v = np.min(U @ obj.C.T + obj.b, axis=-1)
        if obj.feasible:
            ok = np.all((U - d)[..., self.veto] >= -FEAS, axis=-1)
            v = np.where(ok, v, -np.inf)
        return v

    def _cell_bound(self, obj: Objective, CL, CH, lo, hi) -> np.ndarray:
        """Optimistic objective value on cells with utility ranges [CL, CH] (..., P)."""
        d = self.d
        if obj.kind == "lin":
            v = CH @ np.maximum(obj.c, 0) + CL @ np.minimum(obj.c, 0)
            if obj.e is not None and lo.shape[-1]:
                v = v + hi @ np.maximum(obj.e, 0) + lo @ np.minimum(obj.e, 0)
        elif obj.kind == "nash":
            on = obj.c > 0
            g = (CH - d)[..., on]
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.log(np.where(g > 0, g, 1.0)) @ obj.c[on]
            v = np.where(np.all(g > 0, axis=-1), v, -np.inf)
        else:
            Cp, Cm = np.maximum(obj.C, 0), np.minimum(obj.C, 0)
            v = np.min(CH @ Cp.T + CL @ Cm.T + obj.b, axis=-1)
        if obj.feasible:
            ok = np.all((CH - d)[..., self.veto] >= -FEAS, axis=-1)
            v = np.where(ok, v, -np.inf)
        return v

    def value_at(self, obj: Objective, x: np.ndarray, combo: int) -> tuple[float, np.ndarray]:
        u = self.utilities(x, combo)[0]
        return float(self._value(obj, u, np.asarray(x, dtype=float))), u

    # -- the search ---------------------------------------------------------------------

    def solve(self, obj: Objective, fixed: dict | None = None, levels: dict | None = None,
              max_cells: int | None = None, starts=()) -> Found:
        """Best verified point of ``obj``.

        ``fixed``: {continuous position: value} held fixed; ``levels``:
        {discrete issue index: level index} held fixed; ``starts``: extra
        (x, combo) points to refine from (warm starts)."""
        g = self.grid(fixed)
        combos = [c for c, combo in enumerate(self.combos)
                  if not levels or all(combo[self.disc.index(k)] == j for k, j in levels.items())]
        base = self.base[combos]                                   # (nco, P)
        F = self._value(obj, base[:, None, :] + g.Uc[None], g.X[None])   # (nco, Nc)
        best = Found(-math.inf, None, None, None, math.inf, 0)
        if F.size and np.isfinite(F.max()):
            ci, pi = np.unravel_index(int(np.argmax(F)), F.shape)
            best = Found(float(F[ci, pi]), g.X[pi].copy(), combos[ci],
                         base[ci] + g.Uc[pi], math.inf, 0)
        if obj.feasible and not fixed and self._anchor is not None:
            # the largest-slack point is feasible: every search over the agreement set
            # starts from it too (a thin agreement set may hold no grid point)
            starts = list(starts) + [self._anchor]
        for x, c in starts:
            if c in combos:
                v, u = self.value_at(obj, x, c)
                if v > best.value:
                    best = Found(v, np.asarray(x, float).copy(), c, u, math.inf, 0)
        if len(self.cont) == 0:
            best.ub = best.value
            return best
        UB = self._cell_bound(obj, base[:, None, :] + g.CL[None], base[:, None, :] + g.CH[None],
                              g.cell_lo[None], g.cell_hi[None])      # (nco, Ncell)
        limit = max_cells if max_cells is not None else self.max_cells
        patience = self.patience
        if not obj.feasible:
            # the slack problems decide what is feasible (deal possible, range ends
            # reachable, levels used): four times the cells, no early stop
            limit = patience = 4 * limit
        # candidate cells, in this order: around the best grid point; around the warm
        # starts; around the next best grid local maxima (other basins; the two cells
        # with the highest bounds each); the highest bounds; around the best grid point
        # of other discrete combinations
        order: list[tuple[int, int]] = []
        finite = bool(F.size and np.isfinite(F.max()))
        if finite:
            ci, pi = np.unravel_index(int(np.argmax(F)), F.shape)
            order += [(int(ci), cell) for cell in g.adjacent_cells(int(pi))]
        for x, c in starts:
            if c in combos:
                ci = combos.index(c)
                order += [(ci, cell, np.asarray(x, float)) for cell in g.cells_containing(x)]
        if finite:
            for ci, pi in g.local_maxima(F, self.n_basins + 1)[1:]:
                cells = sorted(g.adjacent_cells(pi), key=lambda cell: -UB[ci, cell])
                order += [(ci, cell) for cell in cells[:2]]
        # ties (an objective that ignores some issues, a plateau) go to the cells with
        # the best corner, then to those with the largest optimistic veto slack
        CHb = base[:, None, :] + g.CH[None]
        slack_ub = np.min((CHb - self.d)[..., self.veto], axis=-1)
        corner = g.corner_max(F)
        flat = np.lexsort((-slack_ub.ravel(), -corner.ravel(),
                           -np.round(UB, 12).ravel()))[: 4 * limit]
        order += [tuple(int(v) for v in np.unravel_index(f, UB.shape)) for f in flat]
        if len(combos) > 1:
            per = F.max(axis=1)
            for ci in np.argsort(-per, kind="stable")[1:4]:
                if np.isfinite(per[ci]):
                    order += [(int(ci), cell) for cell in
                              g.adjacent_cells(int(np.argmax(F[ci])))]
        done: set = set()
        # entries (combo position, cell[, hint]): a hint is a known point of the cell,
        # refined from when it beats the cell's corners (a thin agreement set)
        queue = list(reversed(order))          # popped from the end
        fruitless = 0                          # refinements since the last improvement
        while queue and best.refined < limit and fruitless < patience:
            ci, cell, *hint = queue.pop()
            if (ci, cell) in done or not np.isfinite(UB[ci, cell]):
                continue
            if UB[ci, cell] <= best.value + TIE * max(1.0, abs(best.value)):
                continue
            done.add((ci, cell))
            best.refined += 1
            lo, hi = g.cell_lo[cell], g.cell_hi[cell]
            v, x, u = self._refine_cell(obj, combos[ci], lo, hi, hint[0] if hint else None)
            fruitless += 1
            if v > best.value + TIE * max(1.0, abs(best.value)):
                fruitless = 0
            if v > best.value:
                best = Found(v, x, combos[ci], u, best.ub, best.refined)
                # a new best on a grid line (a face of its cell, or a kink where the
                # polish over a smooth piece stopped): the cells on the other side are
                # refined next (a walk towards the optimum)
                queue += [(ci, nb, x) for nb in g.cells_containing(x) if (ci, nb) not in done]
        rest = UB.copy()
        for ci, cell in done:
            rest[ci, cell] = -np.inf
        best.ub = max(best.value, float(rest.max())) if rest.size else best.value
        return best

    # -- local search in one smooth cell --------------------------------------------------

    def _refine_cell(self, obj: Objective, c: int, lo: np.ndarray, hi: np.ndarray,
                     hint: np.ndarray | None = None):
        """Best verified point of ``obj`` in the box [lo, hi] (one smooth cell); ``hint``:
        a known point in the box to start from if it beats the corners."""
        Kc = len(lo)
        corners = _product([np.unique([lo[j], hi[j]]) for j in range(Kc)])
        if hint is not None and np.all(hint >= lo) and np.all(hint <= hi):
            corners = np.vstack([corners, hint])
        Uk = self.utilities(corners, c)
        Fk = self._value(obj, Uk, corners)
        k = int(np.argmax(Fk))
        x0, v0 = corners[k], float(Fk[k])
        domain = self._domain(obj)
        if not np.isfinite(v0):
            if domain is None:
                return -math.inf, None, None
            # no usable corner: find the cell's largest slack on the domain terms first
            # (a thin agreement set between grid lines), and start from there (cached:
            # every search over the agreement set shares it)
            key = (c, tuple(lo), tuple(hi), domain.C.tobytes(), domain.b.tobytes())
            if key not in self._domain_cache:
                self._domain_cache[key] = self._refine_cell(domain, c, lo, hi)[1]
            x0 = self._domain_cache[key]
            if x0 is None:
                return -math.inf, None, None
            v0 = float(self._value(obj, self.utilities(x0, c)[0], x0))
            if not np.isfinite(v0):
                return -math.inf, None, None
        best_v, best_x = v0, x0
        # from the start, then from halfway to the cell's centre (a corner with an
        # infinite slope, where a value reaches 0 with an exponent below 1, can stall
        # SLSQP); the best verified point wins
        y1 = 0.5 * (x0 + 0.5 * (lo + hi))
        v1 = float(self._value(obj, self.utilities(y1, c)[0], y1))
        if v1 > best_v:
            best_v, best_x = v1, y1
        for y0, anchor in ((x0, x0), (y1, y1 if np.isfinite(v1) else x0)):
            before = best_v
            best_v, best_x = self._polish(obj, c, lo, hi, y0, anchor, best_v, best_x, hi - lo)
            if best_v > before + TIE * max(1.0, abs(before)):
                break                       # the first start moved: no second one
        # a best point on a face of the cell that is not a kink: the cell's smooth piece
        # goes on beyond it, so polish again over the whole piece (between kinks)
        plo, phi = self._piece(lo, hi)
        tol = 1e-12 * (np.abs(hi) + np.abs(lo) + 1.0)
        on_face = ((np.abs(best_x - lo) <= tol) & (lo > plo)) | \
                  ((np.abs(best_x - hi) <= tol) & (hi < phi))
        if on_face.any():
            best_v, best_x = self._polish(obj, c, plo, phi, best_x, best_x, best_v, best_x,
                                          hi - lo)
        return best_v, best_x, self.utilities(best_x, c)[0]

    def _piece(self, lo: np.ndarray, hi: np.ndarray):
        """The smooth piece (box between neighbouring kinks) that holds the cell."""
        plo, phi = lo.copy(), hi.copy()
        for j in range(len(lo)):
            if hi[j] > lo[j]:
                br = self.breaks[j]
                plo[j] = br[max(int(np.searchsorted(br, lo[j], "right")) - 1, 0)]
                phi[j] = br[min(int(np.searchsorted(br, hi[j], "left")), br.size - 1)]
        return plo, phi

    def _polish(self, obj, c, lo, hi, y0, anchor, best_v, best_x, scale):
        """SLSQP from ``y0`` in the box [lo, hi]; the result, if infeasible, is pulled back
        towards ``anchor`` (:meth:`_accept`), and SLSQP restarts from the result while it
        improves (a fresh quasi-Newton model helps on badly scaled problems)."""
        for rnd in range(3):
            res = self._slsqp(obj, c, lo, hi, y0, margin=1e-10 if rnd else 0.0, scale=scale)
            if res is None:
                break
            x, status = res
            v, y = self._accept(obj, c, x, anchor)
            improved = v > best_v + TIE * max(1.0, abs(best_v))
            if v > best_v:
                best_v, best_x = v, y
            if not improved or (status == 0 and y is x):
                break                       # converged to a feasible point, or stuck
            y0 = anchor = y
        return best_v, best_x

    def _domain(self, obj: Objective) -> Objective | None:
        """The max-slack problem whose positive value makes ``obj`` finite."""
        rows = self.veto.copy() if obj.feasible else np.zeros(self.P, bool)
        if obj.kind == "nash":
            rows |= obj.c > 0
        if not rows.any():
            return None
        idx = np.flatnonzero(rows)
        return Objective("maximin", C=np.eye(self.P)[idx], b=-self.d[idx], feasible=False)

    def _accept(self, obj, c, x, anchor):
        """Value of ``x`` if it is verified feasible; else the best of the last feasible
        points (bisection) on the segment back to ``anchor`` and on the segments that
        move one coordinate only back to the anchor's."""
        v = float(self._value(obj, self.utilities(x, c)[0], x))
        if np.isfinite(v) or anchor is None:
            return v, x
        best = (-math.inf, anchor)
        targets = [anchor]
        for j in range(len(x)):
            if x[j] != anchor[j]:
                t = x.copy()
                t[j] = anchor[j]
                targets.append(t)
        for t in targets:
            ft = float(self._value(obj, self.utilities(t, c)[0], t))
            if not np.isfinite(ft):
                continue
            a, b = 0.0, 1.0
            for _ in range(60):
                m = 0.5 * (a + b)
                y = t + m * (x - t)
                if np.isfinite(self._value(obj, self.utilities(y, c)[0], y)):
                    a = m
                else:
                    b = m
            y = t + a * (x - t)
            vy = float(self._value(obj, self.utilities(y, c)[0], y))
            if vy > best[0]:
                best = (vy, y)
        return best

    def _slsqp(self, obj: Objective, c: int, lo, hi, x0, margin: float = 0.0, scale=None):
        free = [j for j in range(len(lo)) if hi[j] > lo[j]]
        if not free:
            return None
        # variables scaled to a grid cell: z = (x - lo) / scale
        scale = hi - lo if scale is None else scale
        L = [float(v) for v in lo]
        S = [float(scale[j]) if scale[j] > 0 else 1.0 for j in range(len(lo))]
        mids = [(lo[j] + hi[j]) / 2 for j in range(len(lo))]
        nf = len(free)
        maximin = obj.kind == "maximin"
        d = [float(v) for v in self.d]
        veto = [i for i in range(self.P) if self.veto[i]] if obj.feasible else []
        cache: dict = {}

        def state(z):
            key = z.tobytes()
            if key not in cache:
                cache.clear()
                x = [float(v) for v in x0]
                for q, j in enumerate(free):
                    x[j] = min(max(L[j] + z[q] * S[j], lo[j]), hi[j])
                u, G = self._u_grad(c, x, mids)
                # gradient with respect to z (scaled by the cell's width)
                Gz = [[G[i][j] * S[j] for j in free] for i in range(self.P)]
                cache[key] = (x, u, Gz)
            return cache[key]

        z0 = np.array([(x0[j] - L[j]) / S[j] for j in free])
        bounds = [((lo[j] - L[j]) / S[j], (hi[j] - L[j]) / S[j]) for j in free]
        cons = []
        if veto:
            def fc(zz):
                _, u, _ = state(zz[:nf])
                return np.array([u[i] - d[i] - margin for i in veto])

            def jc(zz):
                _, _, Gz = state(zz[:nf])
                J = np.array([Gz[i] for i in veto])
                return np.hstack([J, np.zeros((len(veto), 1))]) if maximin else J
            cons.append({"type": "ineq", "fun": fc, "jac": jc})

        if obj.kind == "lin":
            cvec = [float(v) for v in obj.c]
            evec = [float(obj.e[j]) * S[j] for j in free] if obj.e is not None else [0.0] * nf

            def fun(z):
                x, u, _ = state(z)
                val = sum(ci * ui for ci, ui in zip(cvec, u))
                if obj.e is not None:
                    val += sum(float(obj.e[j]) * x[j] for j in range(len(x)))
                return -val

            def jac(z):
                _, _, Gz = state(z)
                return -np.array([sum(cvec[i] * Gz[i][q] for i in range(self.P)) + evec[q]
                                  for q in range(nf)])
        elif obj.kind == "nash":
            on = [(i, float(obj.c[i])) for i in range(self.P) if obj.c[i] > 0]
            eps = 1e-12   # log continued linearly below eps, so SLSQP never sees -inf

            def fun(z):
                _, u, _ = state(z)
                tot = 0.0
                for i, a in on:
                    gi = u[i] - d[i]
                    tot += a * (math.log(gi) if gi > eps else math.log(eps) + (gi - eps) / eps)
                return -tot

            def jac(z):
                _, u, Gz = state(z)
                out = np.zeros(nf)
                for i, a in on:
                    gi = max(u[i] - d[i], eps)
                    out -= a / gi * np.array(Gz[i])
                return out
            cons.append({"type": "ineq",
                         "fun": lambda z: np.array([state(z)[1][i] - d[i] for i, _ in on]),
                         "jac": lambda z: np.array([state(z)[2][i] for i, _ in on])})
        else:
            C = obj.C
            b = obj.b

            def fun(zz):
                return -zz[nf]

            def jac(zz):
                out = np.zeros(nf + 1)
                out[nf] = -1.0
                return out

            def ft(zz):
                _, u, _ = state(zz[:nf])
                return C @ np.array(u) + b - zz[nf]

            def jt(zz):
                _, _, Gz = state(zz[:nf])
                return np.hstack([C @ np.array(Gz), -np.ones((C.shape[0], 1))])
            cons.append({"type": "ineq", "fun": ft, "jac": jt})
            _, u0, _ = state(z0)
            t0 = float(np.min(C @ np.array(u0) + b))
            z0 = np.append(z0, t0)
            bounds = bounds + [(None, None)]
        # the objective scaled to unit gradient at the start (Nash near a thin agreement
        # set has gradients ~1/gain; SLSQP's quasi-Newton start assumes unit scale)
        sf = 1.0 / max(1.0, float(np.max(np.abs(jac(z0)))))
        try:
            res = minimize(lambda z: sf * fun(z), z0, jac=lambda z: sf * jac(z),
                           method="SLSQP", bounds=bounds, constraints=cons,
                           options={"maxiter": 100, "ftol": 1e-16})
        except (ValueError, ZeroDivisionError, OverflowError):
            return None
        z = np.asarray(res.x, dtype=float)[:nf]
        if not np.all(np.isfinite(z)):
            return None
        x, _, _ = state(z)
        return np.array(x), res.status

    # -- the quantities the checks need -------------------------------------------------

    def slack_objective(self, extra_C=None, extra_b=None, feasible=False) -> Objective:
        """``min over veto parties of (u_i - d_i)`` (plus extra terms)."""
        idx = np.flatnonzero(self.veto)
        C, b = np.eye(self.P)[idx], -self.d[idx]
        if extra_C is not None:
            C, b = np.vstack([C, extra_C]), np.concatenate([b, extra_b])
        return Objective("maximin", C=C, b=b, feasible=feasible)

    def max_slack(self, **kw) -> Found:
        if kw:
            return self.solve(self.slack_objective(), **kw)
        if self._max_slack is None:
            self._max_slack = self.solve(self.slack_objective())
        return self._max_slack

    def party_extreme(self, i: int, sign: float, **kw) -> Found:
        """max of sign * u_i over the agreement set."""
        c = np.zeros(self.P)
        c[i] = sign
        return self.solve(Objective("lin", c=c), **kw)

    def issue_extreme(self, j: int, sign: float, **kw) -> Found:
        """max of sign * x_j (continuous position j) over the agreement set."""
        e = np.zeros(len(self.cont))
        e[j] = sign
        return self.solve(Objective("lin", c=np.zeros(self.P), e=e), **kw)

    def solution_objective(self, name: str, players, ideal) -> Objective:
        P = self.P
        if name == "utilitarian":
            return Objective("lin", c=self.veto.astype(float))
        if name in ("nash", "weighted_nash"):
            a = np.where(players, 1.0 if name == "nash" else self.power, 0.0)
            return Objective("nash", c=a)
        idx = np.flatnonzero(players)
        scale = 1.0 / (ideal[idx] - self.d[idx]) if name == "kalai_smorodinsky" \
            else np.ones(idx.size)
        C = np.eye(P)[idx] * scale[:, None]
        return Objective("maximin", C=C, b=-self.d[idx] * scale)
