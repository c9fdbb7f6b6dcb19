"""The certified searches of one point, each given a first incumbent.

A small layer on :func:`negotiation.solve.optimize.optimise` (the public
entry of the certified core): the same stages as
:func:`negotiation.solve.agreement.max_slack`, the range searches of
:func:`negotiation.solve.agreement.bargaining_range` and the five solutions
of :mod:`negotiation.solve.cooperative`, with a ``start`` outcome for each
search. ``optimise`` offers the start to the branch and bound as its first
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

from ..solve.cooperative import solve_named
from ..solve.optimize import Optimum, Stage, optimise
from ..solve.problem import Problem
from ..solve.results import IssueRange, Solution


def max_slack(problem: Problem, start: np.ndarray | None = None) -> Optimum | None:
    """The outcome with the largest smallest veto surplus (as ``agreement.max_slack``)."""
    c = problem.veto.astype(float)
    stages = [Stage("maximin", c), Stage("linear", c)]
    return optimise(problem, stages, require_agreement=False, start=start)


def issue_range(problem: Problem, k: int, start: np.ndarray | None = None) -> IssueRange:
    """Issue ``k``'s entry of ``bargaining_range`` (a continuous issue's two ends, or
    the levels of a discrete one some agreement uses)."""
    issue = problem.space.issues[k]
    P, K = len(problem.names), len(problem.space.issues)
    zero_c = np.zeros(P)
    if issue.continuous:
        issue_ok = True
        bounds, gaps = [], []
        for sign in (-1.0, 1.0):
            e = np.zeros(K)
            e[k] = sign
            opt = optimise(problem, [Stage("linear", zero_c, e)], start=start)
            ok = opt is not None and opt.certified
            issue_ok &= ok
            bounds.append(float(opt.coords[k]) if opt is not None else float("nan"))
            gaps.append(opt.gap if opt is not None else float("nan"))
        return IssueRange(
            issue.name, min=bounds[0], max=bounds[1], certified=issue_ok, gap=max(gaps)
        )
    levels = []
    on_grid = set(
        np.unique(problem.space.coordinates(np.flatnonzero(problem.agreement))[:, k])
        .astype(int)
        .tolist()
    )
    for j, level in enumerate(issue.level_names):
        if j in on_grid:
            levels.append(level)
            continue
        if problem.precision == "grid":
            continue
        if optimise(problem, [Stage("linear", zero_c)], fixed={k: float(j)}) is not None:
            levels.append(level)
    return IssueRange(issue.name, levels=tuple(levels), certified=problem.precision != "grid")


def party_end(problem: Problem, i: int, sign: float, start: np.ndarray | None = None) -> float:
    """Party ``i``'s smallest (``sign=-1``) or largest (``+1``) utility over the
    agreement set (``nan``: none)."""
    c = np.zeros(len(problem.names))
    c[i] = sign
    opt = optimise(problem, [Stage("linear", c)], start=start)
    return float(opt.utilities[i]) if opt is not None else float("nan")


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
