"""Non-cooperative bargaining models on the scenario's outcome space (issue 12).

Imports only (the solver functions stay in their modules, whose names they share): each
model is one module (see ``docs/conflict.md``,
``docs/ratification.md``, ``docs/alternating-offers.md``, ``docs/baron-ferejohn.md``).
"""

import importlib
from typing import Any

#: Where each exported name lives (imported on first use: the loader reads the
#: ``bargaining`` block without importing the solvers, and so without scipy).
_WHERE = {
    "BaronFerejohn": "baron_ferejohn",
    "Quota": "options",
    "Commitment": "commitment",
    "commitment_problem": "commitment",
    "ConflictResult": "conflict",
    "conflict_model": "conflict",
    "Distribution": "distributions",
    "Offer": "frontier",
    "ScenarioFrontier": "frontier",
    "Bargaining": "options",
    "parse_bargaining": "options",
    "recognition": "options",
    "PrivateInformation": "private_information",
    "optimal_offer": "private_information",
    "private_information": "private_information",
    "RatificationResult": "ratification",
    "ratification": "ratification",
    "ratified_problem": "ratification",
    "Rubinstein": "rubinstein",
}

__all__ = [
    "Bargaining",
    "BaronFerejohn",
    "Commitment",
    "ConflictResult",
    "Distribution",
    "PrivateInformation",
    "RatificationResult",
    "Offer",
    "Quota",
    "Rubinstein",
    "ScenarioFrontier",
    "commitment_problem",
    "conflict_model",
    "optimal_offer",
    "private_information",
    "ratification",
    "ratified_problem",
    "parse_bargaining",
    "recognition",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
