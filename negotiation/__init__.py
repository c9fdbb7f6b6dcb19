"""negotiation: game-theory analysis of peace talks.

Quick start::

    import negotiation as ng
    scenario = ng.load_scenario("scenarios/berlin-2025-12.yaml")
    report = ng.analyse(scenario)
    report.to_dict()          # the JSON of `negotiation run --format json`
    print(report.to_text())   # the text report

The names in ``__all__`` are imported lazily (on first use) so that the
command line starts fast; ``dir(negotiation)`` lists them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name -> module that defines it.
_EXPORTS = {
    "load_scenario": "negotiation.scenario.load",
    "scenario_from_dict": "negotiation.scenario.load",
    "assumptions": "negotiation.scenario.assumptions",
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
    "top_assumptions": "negotiation.sensitivity",
    "sweep": "negotiation.experiments.runner",
    "ScenarioError": "negotiation.errors",
    "NegotiationError": "negotiation.errors",
}

#: The public API: every name of ``_EXPORTS`` and ``__version__``.
__all__ = [
    "NegotiationError",
    "Problem",
    "Report",
    "Scenario",
    "ScenarioError",
    "__version__",
    "analyse",
    "assumptions",
    "bargaining_range",
    "egalitarian",
    "evaluate_proposal",
    "kalai_smorodinsky",
    "load_scenario",
    "nash_bargaining",
    "pareto_frontier",
    "pareto_mask",
    "scenario_from_dict",
    "sweep",
    "top_assumptions",
    "utilitarian",
    "weighted_nash",
]


def _version() -> str:
    """The installed distribution's version (one home: ``pyproject.toml``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("negotiation")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value = _version()
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'negotiation' has no attribute '{name}'")
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | {k for k in globals() if k.startswith("__")})


if TYPE_CHECKING:  # pragma: no cover
    from .analysis import analyse, pareto_frontier
    from .errors import NegotiationError, ScenarioError
    from .model.scenario import Scenario
    from .report import Report
    from .scenario.assumptions import assumptions
    from .scenario.load import load_scenario, scenario_from_dict
    from .sensitivity import top_assumptions
    from .solve.agreement import bargaining_range
    from .solve.cooperative import (
        egalitarian,
        kalai_smorodinsky,
        nash_bargaining,
        utilitarian,
        weighted_nash,
    )
    from .solve.pareto import pareto_mask
    from .solve.problem import Problem
    from .solve.proposals import evaluate_proposal

    __version__: str
