"""Evaluate concrete proposals against the reservation values and the solutions."""

from __future__ import annotations

import numpy as np

from .problem import AGREE_TOL, Problem
from .results import Point, ProposalEvaluation, Solution


def outcome_distance(problem: Problem, a: np.ndarray, b: np.ndarray) -> float:
    """Root-mean-square difference of two outcomes, each issue scaled to [0, 1].

    A continuous issue is scaled by its range; a discrete one by its number of
    levels minus one (adjacent levels are ``1/(L-1)`` apart).
    """
    diffs = []
    for k, issue in enumerate(problem.space.issues):
        if issue.continuous:
            span = issue.bounds[1] - issue.bounds[0]
        else:
            span = max(len(issue.level_names) - 1, 1)
        diffs.append((a[k] - b[k]) / span)
    return float(np.sqrt(np.mean(np.square(diffs))))


def evaluate_proposal(
    problem: Problem, name: str, outcome: dict, solutions: dict[str, Solution | None], source=None
) -> ProposalEvaluation:
    """Utilities, acceptance and distance to each solution of one proposal.

    A party *accepts* a proposal when it gets at least its reservation value;
    the proposal is *in the agreement set* when every veto party accepts and it
    meets the scenario's linear constraints (one that breaks some is reported as
    infeasible: ``violates`` lists them).

    Parameters
    ----------
    problem : Problem
        The compiled scenario.
    name : str
        The proposal's name.
    outcome : dict
        Its issue values, as in a scenario file.
    solutions : dict
        The solutions to measure the distance to (``None`` entries are skipped).
    source : object, optional
        Where the proposal comes from (kept for the report).

    Returns
    -------
    ProposalEvaluation
        Utilities, ``accepted_by``, ``in_agreement_set``, ``surplus`` per party
        and the scaled ``distance`` to each solution (:func:`outcome_distance`).
    """
    coords = problem.space.encode(outcome)
    u = problem.utilities(coords[None])[0]
    names = problem.names
    accepts = u >= problem.d - AGREE_TOL
    point = Point(problem.space.decode(coords), {n: float(x) for n, x in zip(names, u)})
    violates = None
    if problem.scenario.constraints:
        from ..scenario.constraints import GRID_TOL

        violates = tuple(
            c.text or c.describe([i.name for i in problem.space.issues])
            for c in problem.scenario.constraints
            if not c.holds(coords[None], GRID_TOL)[0]
        )
    distance = {
        k: outcome_distance(problem, coords, s.coords)
        for k, s in solutions.items()
        if s is not None
    }
    return ProposalEvaluation(
        name=name,
        point=point,
        accepted_by=tuple(n for n, ok in zip(names, accepts) if ok),
        in_agreement_set=bool(np.all(accepts[problem.veto])) and not violates,
        surplus={n: float(x) for n, x in zip(names, u - problem.d)},
        distance=distance,
        source=source,
        violates=violates,
    )
