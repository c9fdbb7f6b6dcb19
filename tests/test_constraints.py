"""Linear constraints between continuous issues: parser, located errors, and every solver.

Closed forms: the Nash split of a dollar among n parties with linear utilities
and zero reservation values is 1/n each; the weighted Nash split gives each its
power share ``w_i / sum w``; Kalai-Smorodinsky and egalitarian are equal
splits too. Independent method: a brute-force dense grid on a budget
constraint with curved utilities.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import negotiation as ng
from negotiation.errors import ScenarioError
from negotiation.scenario.constraints import (
    ConstraintSyntaxError,
    LinearConstraint,
    constraint_mask,
    parse_constraint,
)
from negotiation.solve.cooperative import all_solutions
from negotiation.solve.problem import Problem

NAMES = ["a", "b", "c", "d"]
CONT = [True, True, True, False]


def dollar(n=3, powers=None, batna=0.0, grid=101, extra=()):
    """Divide a dollar among ``n`` parties: party i values only its share, linearly."""
    issues = {f"s{i}": {"range": [0, 1]} for i in range(n)}
    parties = {}
    for i in range(n):
        parties[f"p{i}"] = {
            "weights": {f"s{k}": (1 if k == i else 0) for k in range(n)},
            "values": {f"s{i}": {"points": [[0, 0], [1, 1]]}},
            "batna": batna,
            "power": 1.0 if powers is None else powers[i],
        }
    return ng.scenario_from_dict(
        {
            "title": "dollar",
            "issues": issues,
            "parties": parties,
            "constraints": [" + ".join(f"s{i}" for i in range(n)) + " == 1", *extra],
            "analysis": {"grid": grid},
        }
    )


def budget(grid=41):
    """Two aid issues with a budget; curved (concave and convex) utilities."""
    return ng.scenario_from_dict(
        {
            "title": "budget",
            "issues": {"aid_us": {"range": [0, 1]}, "aid_eu": {"range": [0, 1]}},
            "parties": {
                "donor": {
                    "weights": {"aid_us": 0.5, "aid_eu": 0.5},
                    "values": {
                        "aid_us": {"ideal": 0, "exponent": 1.5},
                        "aid_eu": {"ideal": 0, "exponent": 0.7},
                    },
                    "batna": 0.1,
                },
                "taker": {
                    "weights": {"aid_us": 0.6, "aid_eu": 0.4},
                    "values": {
                        "aid_us": {"ideal": 1, "exponent": 0.6},
                        "aid_eu": {"ideal": 1, "exponent": 1.3},
                    },
                    "batna": 0.05,
                },
            },
            "constraints": ["aid_us + aid_eu <= 0.8"],
            "analysis": {"grid": grid},
            "proposals": {
                "too_much": {"outcome": {"aid_us": 0.6, "aid_eu": 0.6}},
                "fits": {"outcome": {"aid_us": 0.4, "aid_eu": 0.3}},
            },
        }
    )


# --------------------------------------------------------------------------- parser
@pytest.mark.parametrize(
    "text, coef, sense, rhs",
    [
        ("a + b + c == 1", (1, 1, 1, 0), "==", 1.0),
        ("a + 0.5 * b <= 0.8", (1, 0.5, 0, 0), "<=", 0.8),
        ("2*a - b*3 >= -1", (2, -3, 0, 0), ">=", -1.0),
        ("a <= b", (1, -1, 0, 0), "<=", 0.0),
        ("1 + a >= 0.5 + c", (1, 0, -1, 0), ">=", -0.5),
        ("-a - -b == 1e-1", (-1, 1, 0, 0), "==", 0.1),
        ("a + a <= 1", (2, 0, 0, 0), "<=", 1.0),
    ],
)
def test_parse(text, coef, sense, rhs):
    c = parse_constraint(text, NAMES, CONT)
    assert c.coefficients == tuple(float(x) for x in coef)
    assert (c.sense, c.rhs) == (sense, pytest.approx(rhs))
    assert c.text == text


@pytest.mark.parametrize(
    "text, message",
    [
        ("a + b", "exactly one comparison"),
        ("a < 1", "compare with '<='"),
        ("a <= b <= 1", "exactly one comparison"),
        ("a + e <= 1", "'e' is not a continuous issue"),
        ("a + d <= 1", "'d' is discrete"),
        ("a * b <= 1", "not linear"),
        ("a + <= 1", "ends with an operator"),
        ("a b <= 1", "expected '+' or '-'"),
        ("a + b <= ", "right side is empty"),
        ("a ^ 2 <= 1", "unexpected character '^'"),
        ("__import__('os') <= 1", "unexpected character"),
        ("a - a <= 1", "names no issue"),
        ("", "a constraint is a text"),
    ],
)
def test_parse_errors(text, message):
    with pytest.raises(ConstraintSyntaxError, match=re.escape(message)):
        parse_constraint(text, NAMES, CONT)


def test_holds_and_mask_with_tolerance():
    c = LinearConstraint((1.0, 1.0), "==", 1.0)
    X = np.array([[0.3, 0.7], [0.1 + 0.2, 0.7], [0.3, 0.7 + 1e-6]])
    assert c.holds(X).tolist() == [True, True, False]
    le = LinearConstraint((1.0, 1.0), "<=", 1.0)
    assert constraint_mask([le], X).tolist() == [True, True, False]


def test_located_errors(tmp_path):
    base = (
        "title: t\nissues:\n  a: {range: [0, 1]}\n  b: {range: [0, 1]}\n"
        "  k: {levels: [x, y]}\nparties:\n  p:\n    weights: {a: 1, b: 1, k: 0}\n"
        "    values: {a: {ideal: 1}, b: {ideal: 1}}\n    batna: 0\n"
    )
    cases = [
        ('constraints:\n  - "a + b <= 1"\n  - "a + q <= 1"\n', 13, "constraints.1", "'q'"),
        ('constraints:\n  - "a * b <= 1"\n', 12, "constraints.0", "not linear"),
        ('constraints:\n  - "a + k == 1"\n', 12, "constraints.0", "discrete"),
        ('constraints:\n  - "a + b >= 3"\n', 12, "constraints.0", "can never hold"),
    ]
    for extra, line, field, words in cases:
        f = tmp_path / "s.yaml"
        f.write_text(base + extra)
        with pytest.raises(ScenarioError) as err:
            ng.load_scenario(f)
        text = str(err.value)
        assert f"s.yaml:{line}: {field}:" in text, text
        assert words in text


# --------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("n", [2, 3])
def test_divide_the_dollar_nash_is_equal_split(n):
    pb = Problem(dollar(n))
    sols = all_solutions(pb)
    for key in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        s = sols[key]
        assert s is not None and s.certified, key
        for i in range(n):
            assert s.outcome[f"s{i}"] == pytest.approx(1 / n, abs=1e-7), key
        assert sum(s.outcome[f"s{i}"] for i in range(n)) == pytest.approx(1.0, abs=1e-10)


def test_divide_the_dollar_weighted_nash_gives_power_shares():
    powers = [1.0, 2.0, 5.0]
    s = all_solutions(Problem(dollar(3, powers)))["weighted_nash"]
    assert s.certified
    for i, w in enumerate(powers):
        assert s.outcome[f"s{i}"] == pytest.approx(w / sum(powers), abs=1e-7)


def test_dollar_ranges_and_deal_respect_the_equality():
    report = ng.analyse(dollar(3, batna=0.2))
    assert report.deal_possible
    # each share is between its own reservation 0.2 and 1 - 0.2 - 0.2
    for i in range(3):
        r = report.range.issues[f"s{i}"]
        assert r.min == pytest.approx(0.2, abs=1e-9) and r.max == pytest.approx(0.6, abs=1e-9)
        assert r.certified
    # a reservation of 0.34 each cannot be met: 3 * 0.34 > 1
    assert not ng.analyse(dollar(3, batna=0.34)).deal_possible


def test_dollar_with_an_extra_cap():
    sc = dollar(3, extra=("s0 <= 0.2",))
    s = all_solutions(Problem(sc))["nash"]
    assert s.outcome["s0"] == pytest.approx(0.2, abs=1e-7)
    assert s.outcome["s1"] == pytest.approx(0.4, abs=1e-7)


# --------------------------------------------------------------------------- brute force
def _brute_nash(sc, n=1201):
    x = np.linspace(0, 1, n)
    X = np.array(np.meshgrid(x, x, indexing="ij")).reshape(2, -1).T
    X = X[X.sum(axis=1) <= 0.8 + 1e-12]
    pb = Problem(sc)
    U = pb.utilities(X)
    g = U - pb.d
    ok = np.all(g > 0, axis=1)
    v = np.where(ok, np.log(np.where(ok[:, None], g, 1)).sum(axis=1), -np.inf)
    j = int(np.argmax(v))
    return v[j], X[j]


def test_budget_nash_against_brute_force():
    sc = budget()
    s = all_solutions(Problem(sc))["nash"]
    assert s.certified
    x = np.array([s.outcome["aid_us"], s.outcome["aid_eu"]])
    assert x.sum() <= 0.8 + 1e-10
    best, _ = _brute_nash(sc)
    # not beaten by the dense grid, and the grid comes close to it
    assert s.criterion >= best - 1e-12
    assert s.criterion - best < 1e-4
    assert s.bound >= best


def test_budget_everywhere():
    sc = budget()
    report = ng.analyse(sc)
    assert report.range.issues["aid_us"].max <= 0.8 + 1e-10
    for s in report.solutions.values():
        assert s.outcome["aid_us"] + s.outcome["aid_eu"] <= 0.8 + 1e-10
    # the grid outputs too: Pareto frontier and the agreement set count
    X = report.problem.space.coordinates(report.pareto.indices)
    assert np.all(X.sum(axis=1) <= 0.8 + 1e-9)
    assert report.range.grid_points == int((report.problem.agreement).sum())
    assert report.range.grid_points < int(
        np.sum(np.all(report.problem.U >= report.problem.d - 1e-9, axis=1))
    )
    grid = ng.analyse(sc, precision="grid")
    for s in grid.solutions.values():
        assert s.outcome["aid_us"] + s.outcome["aid_eu"] <= 0.8 + 1e-9
    # proposals: the one over budget is infeasible, in JSON too
    data = json.loads(json.dumps(report.to_dict()))
    assert data["proposals"]["too_much"]["feasible"] is False
    assert data["proposals"]["too_much"]["violates"] == ["aid_us + aid_eu <= 0.8"]
    assert data["proposals"]["too_much"]["in_agreement_set"] is False
    assert data["proposals"]["fits"]["feasible"] is True


def test_no_constraints_no_new_keys():
    report = ng.analyse(ng.load_scenario("scenarios/berlin-2025-12.yaml"), precision="grid")
    for p in report.to_dict()["proposals"].values():
        assert "feasible" not in p and "violates" not in p


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    a=st.floats(0.2, 2.0),
    b=st.floats(0.2, 2.0),
    cap=st.floats(0.3, 1.5),
    e1=st.floats(0.5, 2.0),
    e2=st.floats(0.5, 2.0),
)
def test_random_budget_certified_and_feasible(a, b, cap, e1, e2):
    sc = ng.scenario_from_dict(
        {
            "title": "r",
            "issues": {"x": {"range": [0, 1]}, "y": {"range": [0, 1]}},
            "parties": {
                "p": {
                    "weights": {"x": 0.5, "y": 0.5},
                    "values": {"x": {"ideal": 1, "exponent": e1}, "y": {"ideal": 1}},
                    "batna": 0.0,
                },
                "q": {
                    "weights": {"x": 0.3, "y": 0.7},
                    "values": {"x": {"ideal": 0}, "y": {"ideal": 0, "exponent": e2}},
                    "batna": 0.0,
                },
            },
            "constraints": [f"{a!r} * x + {b!r} * y <= {cap!r}"],
            "analysis": {"grid": 21},
        }
    )
    pb = Problem(sc)
    s = all_solutions(pb)["nash"]
    assert s is not None
    x = np.array([s.outcome["x"], s.outcome["y"]])
    assert a * x[0] + b * x[1] <= cap + 1e-10 * (1 + cap)
    # no feasible grid point beats the certified optimum
    X = pb.space.all_coordinates()
    X = X[a * X[:, 0] + b * X[:, 1] <= cap]
    g = pb.utilities(X) - pb.d
    ok = np.all(g > 0, axis=1)
    if ok.any():
        assert s.criterion >= np.log(g[ok]).sum(axis=1).max() - 1e-9


def test_dollar_on_the_grid():
    """precision='grid': the equality holds up to GRID_TOL on grid points (0.01 steps),
    and the grid Nash split is the best grid split, within a step of 1/3."""
    report = ng.analyse(dollar(3), precision="grid")
    s = report.solutions["nash"]
    shares = [s.outcome[f"s{i}"] for i in range(3)]
    assert sum(shares) == pytest.approx(1.0, abs=1e-9)
    assert all(abs(x - 1 / 3) <= 0.01 + 1e-12 for x in shares)
    assert report.range.grid_points == 101 * 102 // 2  # grid points on the simplex


@pytest.mark.parametrize("ea, eb", [(0.5, 0.5), (0.5, 0.8), (1.5, 0.7)])
def test_curved_dollar_equality(ea, eb):
    """u_a = s0^ea, u_b = s1^eb on s0 + s1 == 1: the Nash product s0^ea (1 - s0)^eb is
    largest at s0 = ea / (ea + eb) (curved pieces with an equality row)."""
    sc = ng.scenario_from_dict(
        {
            "title": "curved dollar",
            "issues": {"s0": {"range": [0, 1]}, "s1": {"range": [0, 1]}},
            "parties": {
                "a": {
                    "weights": {"s0": 1, "s1": 0},
                    "values": {"s0": {"ideal": 1, "exponent": ea}},
                    "batna": 0,
                },
                "b": {
                    "weights": {"s0": 0, "s1": 1},
                    "values": {"s1": {"ideal": 1, "exponent": eb}},
                    "batna": 0,
                },
            },
            "constraints": ["s0 + s1 == 1"],
        }
    )
    s = all_solutions(Problem(sc))["nash"]
    assert s.certified
    assert s.outcome["s0"] == pytest.approx(ea / (ea + eb), abs=1e-5)
    assert s.outcome["s0"] + s.outcome["s1"] == pytest.approx(1.0, abs=1e-10)
