"""The certified core: grid independence, regressions, the small-LP solver, honest budgets.

The independent oracle (dense grids and multi-start local search on random
problems) is in ``test_oracle.py``; this file pins the shipped scenarios and
the named failure modes of the earlier, locally refined optimiser.
"""

import copy

import numpy as np
import pytest
from helpers import pie
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import negotiation as ng
from negotiation.scenario.load import load_scenario, scenario_from_dict
from negotiation.solve import bnb
from negotiation.solve.lp import solve_batch
from negotiation.solve.optimize import Stage, optimise

SHIPPED = ["scenarios/munich-2025-02.yaml", "scenarios/berlin-2025-12.yaml",
           "scenarios/munich-2026-02.yaml"]


def _at_grid(path, grid):
    raw = copy.deepcopy(load_scenario(path).raw)
    raw.setdefault("analysis", {})["grid"] = grid
    return scenario_from_dict(raw)


def _answers(report):
    sols = {k: s.outcome for k, s in report.solutions.items()}
    rng = {k: v.to_dict() for k, v in report.range.issues.items()}
    return sols, rng, report.range.parties


def _close(a, b, tol=1e-6):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= tol
    return a == b


@pytest.fixture(scope="module")
def reference():
    """Each shipped scenario at its own grid (201 x 11 points)."""
    return {p: ng.analyse(load_scenario(p)) for p in SHIPPED}


@pytest.mark.parametrize("path", SHIPPED)
def test_shipped_scenarios_are_certified(reference, path):
    report = reference[path]
    assert report.deal_possible
    for name, sol in report.solutions.items():
        assert sol.certified, name
        assert sol.gap <= 1e-9 * max(1.0, abs(sol.criterion)), name
    assert report.range.exact
    assert all(r.certified for r in report.range.issues.values())


@pytest.mark.parametrize("grid", [21, 41, 101, 201])
@pytest.mark.parametrize("path", SHIPPED)
def test_grid_independence(reference, path, grid):
    """Solutions and range ends do not move with the grid (to 1e-6 in issue values).

    The earlier optimiser gave Kalai-Smorodinsky and egalitarian answers in the
    wrong recognition level on Berlin and Munich 2026 at grids 21 and 41, and a
    wrong territory range on Munich 2025 at the default grid.
    """
    report = ng.analyse(_at_grid(path, grid))
    ref = _answers(reference[path])
    got = _answers(report)
    for name in ref[0]:
        assert _close(got[0][name], ref[0][name]), (name, got[0][name], ref[0][name])
    for issue in ref[1]:
        a, b = dict(got[1][issue]), dict(ref[1][issue])
        a.pop("gap", None), b.pop("gap", None)
        assert _close(a, b), (issue, a, b)
    assert _close(got[2], ref[2])


def _max_min_slack(problem, k_t, k_g, t):
    """Brute force: the best smallest veto surplus with territory fixed at ``t``.

    Every discrete combination, and guarantees on a 100,001-point grid plus the
    breakpoints of every guarantee value function.
    """
    st = problem.structure
    guar = np.unique(np.concatenate([np.linspace(0, 1, 100_001), problem.breakpoints(k_g)]))
    best = -np.inf
    for combo in st.combos:
        X = np.zeros((guar.size, len(problem.space.issues)))
        X[:, st.discrete] = combo
        X[:, k_g] = guar
        X[:, k_t] = t
        U = problem.utilities(X)
        slack = (U[:, problem.veto] - problem.d[problem.veto]).min(axis=1)
        best = max(best, float(slack.max()))
    return best


def test_munich_2025_territory_range_by_brute_force(reference):
    """The territory range ends against a dense search written here (the earlier optimiser
    reported a wrong territory range on this file at its default grid): just inside each
    end some agreement exists, just outside none does."""
    s = load_scenario(SHIPPED[0])
    problem = ng.Problem(s)
    k_t, k_g = s.issue_names.index("territory"), s.issue_names.index("guarantees")
    rng = reference[SHIPPED[0]].range.issues["territory"]
    delta = 1e-5
    assert _max_min_slack(problem, k_t, k_g, rng.min + delta) >= 0
    assert _max_min_slack(problem, k_t, k_g, rng.max - delta) >= 0
    if rng.min - delta >= 0:
        assert _max_min_slack(problem, k_t, k_g, rng.min - delta) < 0
    if rng.max + delta <= 0.25:
        assert _max_min_slack(problem, k_t, k_g, rng.max + delta) < 0


def test_single_point_agreement_between_grid_points():
    """With grid 2 an agreement set that is one point inside the range is a deal."""
    s = pie(1, 1, da=0.5, db=0.5, grid=2)
    report = ng.analyse(s)
    assert report.deal_possible
    assert report.range.issues["x"].min == pytest.approx(0.5, abs=1e-9)
    assert report.range.issues["x"].max == pytest.approx(0.5, abs=1e-9)
    assert report.solutions["nash"].outcome["x"] == pytest.approx(0.5, abs=1e-9)


def test_infinite_slope_at_a_range_end():
    """Exponent < 1 with its infinite slope at the end of the range: the range end is exact."""
    s = scenario_from_dict({
        "title": "steep", "issues": {"x": {"range": [0, 1]}},
        "parties": {
            "a": {"weights": {"x": 1}, "values": {"x": {"ideal": 1, "exponent": 0.3}},
                  "batna": 0.2},
            "b": {"weights": {"x": 1}, "values": {"x": {"ideal": 0, "exponent": 1}},
                  "batna": 0.0}},
        "analysis": {"grid": 3}})
    report = ng.analyse(s)
    # a accepts x >= 0.2 ** (1 / 0.3); b accepts everything
    assert report.range.issues["x"].min == pytest.approx(0.2 ** (1 / 0.3), abs=1e-9)
    assert report.range.issues["x"].max == pytest.approx(1.0, abs=1e-12)
    assert report.range.issues["x"].certified


def test_budget_exhaustion_is_reported_not_hidden(monkeypatch):
    """A search stopped by its budget says 'not certified' and keeps a valid bound."""
    s = pie(0.4, 2.5, da=0.05, db=0.05, grid=5)
    full = ng.Problem(s)
    stages = [Stage("nash", np.ones(2))]
    certified = optimise(full, stages)
    assert certified.certified
    monkeypatch.setattr(bnb, "MAX_NODES", 2)
    stopped = optimise(ng.Problem(s), stages)
    assert not stopped.certified
    assert "not certified" in stopped.message
    assert stopped.bound >= certified.values[0] - 1e-12
    assert stopped.gap > 0


def test_grid_precision_is_not_certified():
    report = ng.analyse(pie(0.5, 1.0, grid=11), precision="grid")
    assert not report.solutions["nash"].certified
    assert report.to_dict()["solutions"]["nash"]["certified"] is False


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(0, 5), st.integers(0, 10_000))
def test_small_lp_matches_highs(n, m, seed):
    """Vertex enumeration agrees with HiGHS on random bounded LPs (value and feasibility)."""
    rng = np.random.default_rng(seed)
    N = 4
    c = rng.normal(size=(N, n))
    A = rng.normal(size=(N, m, n))
    b = rng.normal(size=(N, m))
    lo = -rng.uniform(0.1, 2, size=(N, n))
    hi = rng.uniform(0.1, 2, size=(N, n))
    val, z = solve_batch(c, A, b, lo, hi)
    for j in range(N):
        res = linprog(-c[j], A_ub=A[j] if m else None, b_ub=b[j] if m else None,
                      bounds=list(zip(lo[j], hi[j])), method="highs")
        if res.status == 2:
            assert val[j] == -np.inf
            continue
        assert res.status == 0
        assert val[j] == pytest.approx(-res.fun, abs=1e-9)
        if m:
            assert np.all(A[j] @ z[j] <= b[j] + 1e-9)
