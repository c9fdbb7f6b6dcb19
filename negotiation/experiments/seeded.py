"""The certified searches of one point, each given a first incumbent.

The searches of :mod:`negotiation.solve.agreement` (``max_slack``,
``issue_range``, ``party_end``: the parts of ``bargaining_range``) and the five
solutions of :mod:`negotiation.solve.cooperative`, each called with a
``start`` outcome. ``optimise`` offers the start to the branch and bound as its first
incumbent (ignored when it is not feasible) and polishes it; a good one
prunes most nodes before their (costly) relaxations are solved.

Where the starts come from:

* the deal margin and the solutions: the grid optimum of the same point
  (:meth:`negotiation.experiments.fast.FastGrid.seeds`, vectorised over a
  chunk), which is usually within a grid step of the continuous optimum;
* the range ends and the ideal point: the closest outcome, as
  ``bargaining_range`` seeds them (so they are the same searches).

What is certified does not change: every result carries the bound and gap
of its own search, and ``certified`` only when the gap closed
(:mod:`negotiation.solve.optimize`). A start can only change *which* of
several outcomes within the certificate's tolerance is returned (where the
criterion is flat to 1e-9); ``tests/test_experiments_fast.py`` checks the
seeded results against :func:`negotiation.analyse` on sampled points.

Scenarios with linear ``constraints`` never come here (the evaluator gives them
the full analysis); a ``ratification`` block does not change these searches (the
ratification analysis solves its own problem, with ratifiers as pseudo-parties).
The solutions are :func:`negotiation.solve.cooperative.solve_named` with a
start (Nash 1950; Roth 1979, ch. 2; Kalai & Smorodinsky 1975; Kalai 1977):
their stage lists have one home.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..solve import agreement
from ..solve.agreement import issue_range, max_slack
from ..solve.cooperative import solve_named
from ..solve.problem import Problem
from ..solve.results import Solution


def party_end(problem: Problem, i: int, sign: float, start: np.ndarray | None = None) -> float:
    """Party ``i``'s smallest (``sign=-1``) or largest (``+1``) utility over the
    agreement set (``nan``: none); :func:`negotiation.solve.agreement.party_end`."""
    return agreement.party_end(problem, i, sign, start)[0]


def solution(
    problem: Problem, name: str, ideal: np.ndarray, start: np.ndarray | None = None
) -> Solution | None:
    """Solution ``name`` of :mod:`negotiation.solve.cooperative`, searched from ``start``
    (its stage lists live there only: :func:`~negotiation.solve.cooperative.solution_stages`)."""
    return solve_named(problem, name, ideal=ideal, start=start)


def solutions(
    problem: Problem, which: Any, ideal: np.ndarray, starts: dict[str, np.ndarray] | None = None
) -> dict[str, Solution | None]:
    """The solutions named in ``which`` (in the order of the report), each from its start."""
    from .evaluate import BUILTIN_SOLUTIONS

    starts = starts or {}
    return {
        name: solution(problem, name, ideal, starts.get(name))
        for name in BUILTIN_SOLUTIONS
        if name in which
    }


__all__ = ["issue_range", "max_slack", "party_end", "solution", "solutions"]
