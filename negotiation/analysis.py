"""Analyse a scenario: every registered analysis once, gathered in a :class:`Report`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .analyses.pareto import pareto_frontier
from .registry import Context
from .report import Report
from .solve.problem import Problem

if TYPE_CHECKING:  # pragma: no cover
    from .model.scenario import Scenario

__all__ = ["analyse", "pareto_frontier"]


def analyse(scenario: Scenario, *, precision: str = "exact") -> Report:
    """Run every registered analysis of ``scenario`` (:mod:`negotiation.registry`).

    ``precision="exact"`` certifies optima over the continuous issues;
    ``"grid"`` keeps the best grid outcome (fast: for sweeps). Returns a
    :class:`~negotiation.report.Report` whose ``to_dict()`` is the JSON output
    of ``negotiation run --format json``.
    """
    problem = Problem(scenario, precision=precision)
    return Report(scenario=scenario, problem=problem, results=Context(scenario, problem).results())
