"""The report's quantities on the grid, for a batch of points (:mod:`.fast`): the
closest outcome and the deal verdict, each issue's range, each party's ends and the five
cooperative solutions, each a lexicographic optimum of :class:`~.fast_search.GridSearch`
with the criteria of :mod:`negotiation.solve.agreement` and
:mod:`negotiation.solve.cooperative`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..solve.cooperative import SURPLUS_TOL
from .fast_search import GridOptimum, GridSearch, group_any, merge


class Grid(GridSearch):
    """The grid of one batch, with the quantities the measures need."""

    def closest(self) -> GridOptimum:
        fg = self.fg
        c = np.broadcast_to(fg.veto.astype(float), (self.D, fg.P))
        res = self.optimum(
            [("maximin", c, None), ("linear", c, None)], False, np.ones(self.D, dtype=bool)
        )
        g = res.u - self.d
        res.value = np.min(np.where(fg.veto[None, :], g, np.inf), axis=1)
        return res

    def deal(self, closest: GridOptimum) -> np.ndarray:
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
            out |= group_any(d_, self.agree(d_, self.exact_u(d_, t, r_)), self.D)
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
                out[:, level] |= group_any(d_, ok, self.D)
        return out

    def party_end(self, i: int, sign: float, deal: np.ndarray) -> tuple[GridOptimum, np.ndarray]:
        fg = self.fg
        c = np.zeros((self.D, fg.P))
        c[:, i] = sign
        res = self.optimum([("linear", c, None)], True, deal)
        return res, res.u[:, i]

    def solution(
        self, name: str, ideal: np.ndarray, power: np.ndarray, deal: np.ndarray
    ) -> GridOptimum:
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
                res = merge(
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

    def _criterion(self, kind: str, C: np.ndarray, res: GridOptimum) -> np.ndarray:
        """The first stage's value at the chosen outcome, as ``Stage.grid_value`` gives it."""
        from ..solve.optimize import Stage

        out = np.full(self.D, np.nan)
        for d in np.flatnonzero(res.found):
            st = Stage(kind, np.asarray(C[d], dtype=float))
            out[d] = float(st.grid_value(res.u[d][None], res.coords[d][None], self.d[d])[0])
        return out
