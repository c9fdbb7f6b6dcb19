"""The benchmark scenario: territory x NATO status x security guarantees.

One definition, used by both sides of the benchmark:

* :func:`scenario_dict` gives the YAML-shaped mapping for
  ``negotiation.scenario_from_dict`` (this package);
* :func:`party_specs` gives the same preferences as plain numbers, from which
  ``run.py`` builds NegMAS linear-additive utility functions.

Every value function is expressible in both libraries without approximation:
on the continuous issues each party has an ideal point with a linear fall-off
(``{ideal: x}`` here; ``AffineFun`` / ``TriangularFun`` in NegMAS), and on the
NATO issue a table of level values (``TableFun``).

Preferences conflict on purpose: Ukraine wants no territory ceded, NATO
membership and Article-5-like guarantees; Russia wants the opposite on all
three; the US wants a middle line on territory, neutrality and moderate
guarantees; the EU leans towards Ukraine but less far. With four parties the
Pareto frontier is therefore a large share of the agreement set. Every party
has a veto and a reservation value that cuts the agreement set to a real
subset of the grid.
"""

from __future__ import annotations

from typing import Any

ISSUES = ("territory", "nato", "guarantees")
NATO_LEVELS = ("member", "deferred", "neutral")

#: name -> (weights, territory ideal, NATO level values, guarantees ideal, reservation value)
PARTIES: dict[str, dict[str, Any]] = {
    "ukraine": {"weights": (0.5, 0.15, 0.35), "territory": 0.0,
                "nato": (1.0, 0.5, 0.0), "guarantees": 1.0, "batna": 0.30},
    "russia": {"weights": (0.6, 0.3, 0.1), "territory": 1.0,
               "nato": (0.0, 0.3, 1.0), "guarantees": 0.0, "batna": 0.35},
    "us": {"weights": (0.2, 0.3, 0.5), "territory": 0.5,
           "nato": (0.2, 0.6, 1.0), "guarantees": 0.6, "batna": 0.40},
    "eu": {"weights": (0.35, 0.25, 0.4), "territory": 0.2,
           "nato": (0.8, 0.6, 0.2), "guarantees": 0.8, "batna": 0.40},
}

#: the two-party case keeps the two belligerents
TWO = ("ukraine", "russia")
FOUR = ("ukraine", "russia", "us", "eu")

#: evenly spaced grid points per continuous issue -> about n * 3 * n outcomes. The
#: package adds each value function's kink (an interior ideal point) to the grid,
#: so the 4-party grids are a little larger: 102 x 3 x 102 and 318 x 3 x 319.
SIZES = {"30k": 100, "300k": 317}


def parties_for(n_parties: int) -> tuple[str, ...]:
    if n_parties == 2:
        return TWO
    if n_parties == 4:
        return FOUR
    raise ValueError("the benchmark has a 2-party and a 4-party case")


def scenario_dict(n_parties: int, grid: int) -> dict[str, Any]:
    """The scenario as the mapping ``negotiation.scenario_from_dict`` reads."""
    parties = {}
    for name in parties_for(n_parties):
        p = PARTIES[name]
        parties[name] = {
            "weights": dict(zip(ISSUES, p["weights"])),
            "values": {
                "territory": {"ideal": p["territory"]},
                "nato": dict(zip(NATO_LEVELS, p["nato"])),
                "guarantees": {"ideal": p["guarantees"]},
            },
            "batna": p["batna"],
        }
    return {
        "title": f"Benchmark: territory x NATO x guarantees, {n_parties} parties, "
                 f"grid {grid}x3x{grid}",
        "issues": {
            "territory": {"range": [0.0, 1.0]},
            "nato": {"levels": list(NATO_LEVELS)},
            "guarantees": {"range": [0.0, 1.0]},
        },
        "parties": parties,
        "analysis": {"grid": {"territory": grid, "guarantees": grid}},
    }


def party_specs(n_parties: int) -> list[tuple[str, dict[str, Any]]]:
    """``[(name, spec)]`` in party order (the order of the utility columns)."""
    return [(name, PARTIES[name]) for name in parties_for(n_parties)]


def ideal_distance(ideal: float, lo: float = 0.0, hi: float = 1.0) -> float:
    """Distance at which an ``{ideal: x}`` value reaches 0 (the farther end of the range)."""
    return max(ideal - lo, hi - ideal)


def grid_shape(n_parties: int, size: str) -> tuple[int, ...]:
    """The package's grid shape for a case (evenly spaced points plus kinks)."""
    import negotiation as ng
    return ng.scenario_from_dict(scenario_dict(n_parties, SIZES[size])).space.shape
