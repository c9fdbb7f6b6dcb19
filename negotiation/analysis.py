"""Analyse a scenario: every solver once, gathered in a :class:`Report`."""

from __future__ import annotations

import numpy as np

from .model.scenario import Scenario
from .report import Report
from .solve.agreement import bargaining_range
from .solve.cooperative import all_solutions
from .solve.pareto import pareto_mask
from .solve.problem import Problem
from .solve.proposals import evaluate_proposal
from .solve.results import ParetoFrontier


def pareto_frontier(problem: Problem):
    """Pareto frontier of the grid agreement set (all parties count)."""
    idx = np.flatnonzero(problem.agreement)
    U = problem.U[idx]
    keep = pareto_mask(U)
    return ParetoFrontier(idx[keep], U[keep])


def analyse(scenario: Scenario) -> Report:
    """Run the bargaining analysis of ``scenario``.

    Returns a :class:`~negotiation.report.Report` whose ``to_dict()`` is the
    JSON output of ``negotiation run --format json``.
    """
    problem = Problem(scenario)
    rng = bargaining_range(problem)
    ideal = None
    if rng.deal_possible:
        ideal = np.array([rng.parties[n][1] for n in problem.names])
    solutions = all_solutions(problem, ideal=ideal)
    proposals = {p.name: evaluate_proposal(problem, p.name, p.outcome, solutions, p.source)
                 for p in scenario.proposals}
    return Report(scenario=scenario, problem=problem, range=rng, solutions=solutions,
                  proposals=proposals, pareto=pareto_frontier(problem))
