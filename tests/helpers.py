"""Scenario builders shared by the solver tests."""

from __future__ import annotations

import negotiation as ng


def pie(alpha=1.0, beta=1.0, da=0.0, db=0.0, power_a=1.0, power_b=1.0, grid=101):
    """Split a unit: a gets x with u_a = x**alpha, b gets u_b = (1 - x)**beta."""
    return ng.scenario_from_dict({
        "title": "pie",
        "issues": {"x": {"range": [0, 1]}},
        "parties": {
            "a": {"weights": {"x": 1}, "values": {"x": {"ideal": 1, "exponent": alpha}},
                  "batna": da, "power": power_a},
            "b": {"weights": {"x": 1}, "values": {"x": {"ideal": 0, "exponent": beta}},
                  "batna": db, "power": power_b},
        },
        "analysis": {"grid": grid},
    })


def random_scenario(draw_float, n_parties=2, n_cont=1, levels=0, grid=21, points=False,
                    veto=None):
    """A random additive scenario from a float source ``draw_float(lo, hi)``."""
    issues = {f"c{k}": {"range": [0, 1]} for k in range(n_cont)}
    if levels:
        issues["d"] = {"levels": [f"l{j}" for j in range(levels)]}
    parties = {}
    for i in range(n_parties):
        weights, values = {}, {}
        for name in issues:
            weights[name] = round(draw_float(0.05, 1.0), 3)
            if name == "d":
                values[name] = {f"l{j}": round(draw_float(0, 1), 3) for j in range(levels)}
            elif points:
                xs = [0.0, round(draw_float(0.1, 0.45), 3), round(draw_float(0.55, 0.9), 3), 1.0]
                values[name] = {"points": [[x, round(draw_float(0, 1), 3)] for x in xs]}
            else:
                values[name] = {"ideal": round(draw_float(0, 1), 3),
                                "exponent": round(draw_float(0.5, 2.5), 3)}
        parties[f"p{i}"] = {"weights": weights, "values": values,
                            "batna": round(draw_float(0.0, 0.5), 3),
                            "power": round(draw_float(0.5, 3), 3),
                            "veto": True if veto is None else veto[i]}
    return ng.scenario_from_dict({"title": "random", "issues": issues, "parties": parties,
                                  "analysis": {"grid": grid}})


def no_deal_dict() -> dict:
    """Two veto parties whose reservation values no package can meet."""
    return {
        "title": "Generated: no deal", "date": "2025-03-01",
        "issues": {"land": {"range": [0, 10], "unit": "thousand km2"},
                   "status": {"levels": ["open", "frozen", "closed"]}},
        "parties": {
            "north": {"weights": {"land": 0.7, "status": 0.3},
                      "values": {"land": {"ideal": 10}, "status": {"open": 0, "frozen": .5,
                                                                    "closed": 1}},
                      "batna": 0.8},
            "south": {"weights": {"land": 0.7, "status": 0.3},
                      "values": {"land": {"ideal": 0}, "status": {"open": 1, "frozen": .5,
                                                                   "closed": 0}},
                      "batna": 0.8},
        },
        "proposals": {"split": {"outcome": {"land": 5, "status": "frozen"}}},
        "analysis": {"grid": 21},
    }
