"""negotiation: game-theory analysis of peace talks.

Quick start::

    import negotiation as ng
    scenario = ng.load_scenario("scenarios/berlin-2025-12.yaml")
    report = ng.analyse(scenario)
    report.to_dict()          # the JSON of `negotiation run --format json`
    print(report.to_text())   # the text report

The names below are imported lazily so that the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_scenario": "negotiation.scenario.load",
    "scenario_from_dict": "negotiation.scenario.load",
    "analyse": "negotiation.analysis",
    "pareto_frontier": "negotiation.analysis",
    "Report": "negotiation.report",
    "Scenario": "negotiation.model.scenario",
    "Problem": "negotiation.solve.problem",
    "bargaining_range": "negotiation.solve.agreement",
    "nash_bargaining": "negotiation.solve.cooperative",
    "weighted_nash": "negotiation.solve.cooperative",
    "kalai_smorodinsky": "negotiation.solve.cooperative",
    "egalitarian": "negotiation.solve.cooperative",
    "utilitarian": "negotiation.solve.cooperative",
    "pareto_mask": "negotiation.solve.pareto",
    "evaluate_proposal": "negotiation.solve.proposals",
    "ScenarioError": "negotiation.errors",
    "NegotiationError": "negotiation.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'negotiation' has no attribute '{name}'")


if TYPE_CHECKING:  # pragma: no cover
    from .analysis import analyse, pareto_frontier  # noqa: F401
    from .errors import NegotiationError, ScenarioError  # noqa: F401
    from .model.scenario import Scenario  # noqa: F401
    from .report import Report  # noqa: F401
    from .scenario.load import load_scenario, scenario_from_dict  # noqa: F401
