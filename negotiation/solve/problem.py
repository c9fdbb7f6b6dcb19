"""The compiled bargaining problem the solvers work on.

A :class:`Problem` holds what every solver needs, computed once: the outcome
grid, the ``(N, P)`` utility matrix of all grid outcomes, the reservation
values ``d``, who has a veto, bargaining powers, and fast evaluation of
utilities and their derivatives at any point (for continuous refinement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ..model.issues import OutcomeSpace
from ..model.scenario import Scenario
from ..model.utility import (
    grid_utilities,
    issue_tables,
    reservation_values,
    utilities,
    weight_matrix,
)

#: An outcome is in the agreement set when ``u_i >= d_i - AGREE_TOL`` for every veto party.
AGREE_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class Problem:
    """A scenario compiled for the solvers (internal: use :func:`negotiation.analyse`).

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    reservation : ndarray, optional
        Reservation values ``d`` (default: from the scenario's BATNAs).
    precision : {"exact", "grid"}
        ``"exact"``: certified global optima over the continuous outcome
        space; ``"grid"``: the best grid outcome only (fast screens).
    """

    scenario: Scenario
    reservation: np.ndarray = field(default=None)  # type: ignore
    #: ``"exact"``: certified global optima over the continuous outcome space;
    #: ``"grid"``: best grid outcome only (fast; for sweeps and sensitivity screens).
    precision: str = "exact"
    #: Names of pseudo-parties (ratifiers, :mod:`negotiation.bargaining.ratification`):
    #: veto rows of the agreement set that are not players of the bargaining solutions.
    pseudo: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.precision not in ("exact", "grid"):
            raise ValueError(f"precision must be 'exact' or 'grid', not {self.precision!r}")
        if self.reservation is None:
            object.__setattr__(self, "reservation", reservation_values(self.scenario))
        object.__setattr__(self, "reservation", np.asarray(self.reservation, dtype=float).copy())
        self.reservation.setflags(write=False)

    # ------------------------------------------------------------------ structure
    @property
    def space(self) -> OutcomeSpace:
        return self.scenario.space

    @property
    def d(self) -> np.ndarray:
        return self.reservation

    @cached_property
    def names(self) -> list[str]:
        return self.scenario.party_names

    @cached_property
    def veto(self) -> np.ndarray:
        return np.array([p.veto for p in self.scenario.parties])

    @cached_property
    def power(self) -> np.ndarray:
        return np.array([p.power for p in self.scenario.parties], dtype=float)

    @cached_property
    def weights(self) -> np.ndarray:
        return weight_matrix(self.scenario)

    @cached_property
    def U(self) -> np.ndarray:
        """``(N, P)`` utilities of every grid outcome."""
        return grid_utilities(self.scenario, self.tables)

    @cached_property
    def tables(self) -> list[np.ndarray]:
        """Per issue, the ``(n_k, P)`` weighted values ``w_ik v_ik`` on its grid."""
        return issue_tables(self.scenario)

    @cached_property
    def players(self) -> np.ndarray:
        """Parties that bargain (every party but the ratifier pseudo-parties)."""
        return np.array([n not in self.pseudo for n in self.names], dtype=bool)

    @cached_property
    def feasible(self) -> np.ndarray:
        """Grid outcomes meeting the scenario's linear constraints (up to
        :data:`negotiation.scenario.constraints.GRID_TOL`; all when there are none)."""
        if not self.scenario.constraints:
            return np.ones(self.space.size, dtype=bool)
        from ..scenario.constraints import constraint_mask

        return constraint_mask(self.scenario.constraints, self.space.all_coordinates())

    @cached_property
    def constraint_rows(self) -> list:
        """The linear constraints as rows ``b . x >= r`` of the certified search (an
        equality is two rows); exact up to the row's slack ``OFFER_SLACK (1 + |r|)``."""
        from .bnb import Row

        P = len(self.names)
        rows = []
        for c in self.scenario.constraints:
            a = c.vector
            if c.sense in (">=", "=="):
                rows.append(Row(np.zeros(P), a, float(c.rhs)))
            if c.sense in ("<=", "=="):
                rows.append(Row(np.zeros(P), -a, -float(c.rhs)))
        return rows

    @cached_property
    def agreement(self) -> np.ndarray:
        """Boolean mask of grid outcomes every veto party weakly prefers to its BATNA
        (and that meet the linear constraints)."""
        mask = agreement_mask(self.U, self.d, self.veto)
        return mask & self.feasible if self.scenario.constraints else mask

    @cached_property
    def _active(self) -> list[list[tuple[int, Any]]]:
        """Per issue, the (party, value function) pairs with positive weight."""
        out = []
        for k in range(len(self.space.issues)):
            out.append(
                [
                    (i, p.values[k])
                    for i, p in enumerate(self.scenario.parties)
                    if self.weights[i, k] > 0
                ]
            )
        return out

    @cached_property
    def structure(self):
        """Separable form for the certified search (:mod:`negotiation.solve.pieces`)."""
        from .pieces import build_structure

        return build_structure(self.space, self.weights, self.scenario.parties, self.tables)

    # ------------------------------------------------------------------ evaluation
    def utilities(self, coords: np.ndarray) -> np.ndarray:
        """``(M, P)`` utilities at ``(M, K)`` issue coordinates."""
        return utilities(self.scenario, coords)

    def point(
        self, coords: np.ndarray, issues: np.ndarray, side: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Utilities ``(P,)`` at one outcome and their ``(P, len(issues))`` one-sided
        derivatives in the continuous ``issues`` (plain-float fast path)."""
        P = len(self.names)
        u = self._fixed_part(coords, issues).copy()
        jac = np.zeros((P, len(issues)))
        for j, k in enumerate(issues):
            x = float(coords[k])
            sj = float(side[j])
            row = self.weights[:, k]
            for i, vf in self._active[k]:
                value, slope = vf.at(x, sj)
                u[i] += row[i] * value
                jac[i, j] = row[i] * slope
        return u, jac

    def _fixed_part(self, coords: np.ndarray, issues: np.ndarray) -> np.ndarray:
        """Utility from the issues not in ``issues`` (constant during a refinement)."""
        free = {int(k) for k in issues}
        fixed = tuple((k, float(coords[k])) for k in range(len(self._active)) if k not in free)
        cache = self.__dict__.setdefault("_fixed_cache", {})
        hit = cache.get(fixed)
        if hit is None:
            hit = np.zeros(len(self.names))
            for k, x in fixed:
                for i, vf in self._active[k]:
                    hit[i] += self.weights[i, k] * float(vf(np.array(x)))
            if len(cache) > 4096:
                cache.clear()
            cache[fixed] = hit
        return hit

    def breakpoints(self, k: int) -> np.ndarray:
        """Sorted points of issue ``k``'s range where some utility may have a kink."""
        lo, hi = self.space.issues[k].bounds
        pts = {lo, hi}
        for _, vf in self._active[k]:
            pts.update(b for b in vf.breakpoints() if lo < b < hi)
        return np.array(sorted(pts))


def agreement_mask(U: np.ndarray, d: np.ndarray, veto: np.ndarray) -> np.ndarray:
    """Rows of ``U`` where every veto party gets at least its reservation value."""
    U = np.asarray(U)
    if not np.any(veto):
        return np.ones(U.shape[0], dtype=bool)
    return np.all(U[:, veto] >= np.asarray(d)[veto] - AGREE_TOL, axis=1)


__all__ = ["AGREE_TOL", "Problem", "agreement_mask"]
