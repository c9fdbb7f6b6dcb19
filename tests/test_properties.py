"""Axioms of the bargaining solutions, checked on random scenarios (hypothesis).

Pareto optimality and individual rationality against a fine brute-force grid;
weighted Nash with equal powers equals Nash; symmetry; invariance of Nash and
Kalai-Smorodinsky to rescaling a party's utility; IIA for Nash; solutions at
least as good as any brute-force point by their own criterion.
"""

import itertools

import numpy as np
import pytest
from helpers import random_scenario
from hypothesis import assume, given
from hypothesis import strategies as st

import negotiation as ng
from negotiation.solve.cooperative import SOLUTIONS, all_solutions

SOL_TOL = 1e-6


def fine_points(problem, n=301):
    """Brute-force outcomes: a fine grid over continuous issues x every level."""
    axes = []
    for issue in problem.space.issues:
        if issue.continuous:
            axes.append(np.linspace(*issue.range, n))
        else:
            axes.append(np.arange(len(issue.levels), dtype=float))
    X = np.array(list(itertools.product(*axes)))
    return X, problem.utilities(X)


def criterion(name, U, d, veto, power, ideal):
    g = U[:, veto] - d[veto]
    ok = np.all(g >= -1e-9, axis=1)
    if name in ("nash", "weighted_nash"):
        a = np.ones(veto.sum()) if name == "nash" else power[veto]
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(np.all(g > 0, axis=1), np.log(np.clip(g, 1e-300, None)) @ a, -np.inf)
    elif name == "kalai_smorodinsky":
        v = np.min(g / (ideal[veto] - d[veto]), axis=1)
    elif name == "egalitarian":
        v = np.min(g, axis=1)
    else:
        v = U[:, veto].sum(axis=1)
    return np.where(ok, v, -np.inf)


@st.composite
def scenarios(draw, parties=st.integers(2, 3), continuous=st.integers(1, 2),
              levels=st.sampled_from([0, 0, 3])):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_p, n_c, lev = draw(parties), draw(continuous), draw(levels)
    points = draw(st.booleans())
    veto = [True] * n_p
    if n_p == 3 and draw(st.booleans()):
        veto[2] = False
    return random_scenario(lambda lo, hi: float(rng.uniform(lo, hi)), n_parties=n_p,
                           n_cont=n_c, levels=lev, grid=11 if n_c == 2 else 21,
                           points=points, veto=veto)


@given(scenarios())
def test_solutions_are_rational_efficient_and_optimal(s):
    problem = ng.Problem(s)
    sols = all_solutions(problem)
    br = ng.bargaining_range(problem)
    X, U = fine_points(problem, 121 if len(problem.space.continuous) == 2 else 801)
    veto, d = problem.veto, problem.d
    inside = np.all(U[:, veto] >= d[veto] - 1e-9, axis=1)
    if not br.deal_possible:
        assert not inside.any()
        assert all(v is None for v in sols.values())
        return
    assert all(v is not None for v in sols.values())
    ideal = np.array([br.parties[n][1] for n in problem.names])
    # ideal point and utility ranges bound the brute-force agreement set
    assert np.all(U[inside].max(axis=0) <= ideal + 1e-9)
    for name in SOLUTIONS:
        sol = sols[name]
        u = np.array([sol.utilities[n] for n in problem.names])
        np.testing.assert_allclose(u, problem.utilities(sol.coords[None])[0], atol=1e-12)
        # individual rationality for every veto party
        assert np.all(u[veto] >= d[veto] - 1e-9), name
        # Pareto: no brute-force agreement point is better for all and clearly for one
        better = np.all(U[inside] >= u - 1e-9, axis=1) & np.any(U[inside] > u + 1e-5, axis=1)
        assert not better.any(), (name, U[inside][better][:3], u)
        # optimal by its own criterion, at least as good as any brute-force point
        if name == "utilitarian":
            assert u[veto].sum() >= U[inside][:, veto].sum(axis=1).max() - 1e-9
        else:
            c_sol = criterion(name, u[None], d, veto, problem.power, ideal)[0]
            # guaranteed: never worse than the best outcome of the analysis grid
            c_grid = criterion(name, problem.U, d, veto, problem.power, ideal).max()
            assert c_sol >= c_grid - 1e-9 * max(1, abs(c_grid)), (name, c_sol, c_grid)
            # certified global optimum: as good as a much finer brute-force grid, and
            # the proven bound is never beaten by it
            c_bf = criterion(name, U, d, veto, problem.power, ideal).max()
            assert sol.certified, name
            if np.isfinite(c_bf):
                assert c_bf <= sol.bound + 1e-9 * max(1, abs(sol.bound)), (name, c_bf)
            if np.isfinite(c_bf):
                assert c_sol >= c_bf - 1e-7 * max(1, abs(c_bf)), (name, c_sol, c_bf)
    # bargaining range contains every brute-force agreement value
    for k, issue in enumerate(problem.space.issues):
        r = br.issues[issue.name]
        if issue.continuous:
            assert r.min <= X[inside, k].min() + 1e-9 and X[inside, k].max() <= r.max + 1e-9
        else:
            seen = {issue.levels[int(j)] for j in np.unique(X[inside, k])}
            assert seen <= set(r.levels)


@given(scenarios(parties=st.just(2)))
def test_weighted_nash_with_equal_powers_is_nash(s):
    raw = dict(s.raw)
    raw["parties"] = {k: {**v, "power": 1.7} for k, v in raw["parties"].items()}
    problem = ng.Problem(ng.scenario_from_dict(raw))
    sols = all_solutions(problem)
    if sols["nash"] is None:
        return
    np.testing.assert_allclose(sols["weighted_nash"].coords, sols["nash"].coords, atol=1e-9)


def concave_points(rng, increasing=True, scale=1.0):
    incs = np.sort(rng.uniform(0.05, 1.0, 4))[::-1]
    vs = np.concatenate([[0.0], np.cumsum(incs)])
    vs = vs / vs[-1] * scale
    xs = np.linspace(0, 1, 5)
    if not increasing:
        vs = vs[::-1]
    return [[float(x), float(v)] for x, v in zip(xs, vs)]


def two_party(a_points, b_points, da, db, lo=0.0, hi=1.0, grid=21):
    return ng.scenario_from_dict({
        "title": "t",
        "issues": {"x": {"range": [lo, hi]}},
        "parties": {"a": {"weights": {"x": 1}, "values": {"x": {"points": a_points}},
                          "batna": da},
                    "b": {"weights": {"x": 1}, "values": {"x": {"points": b_points}},
                          "batna": db}},
        "analysis": {"grid": grid}})


@given(st.integers(0, 2**32 - 1), st.floats(0, 0.3))
def test_symmetry(seed, d):
    rng = np.random.default_rng(seed)
    a = concave_points(rng, increasing=True)
    b = [[1 - x, v] for x, v in reversed(a)]  # mirror image of a
    sols = all_solutions(ng.Problem(two_party(a, b, d, d)))
    for name in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        u = sols[name].utilities
        assert u["a"] == pytest.approx(u["b"], abs=1e-7), name
        assert sols[name].outcome["x"] == pytest.approx(0.5, abs=SOL_TOL), name


@given(st.integers(0, 2**32 - 1), st.floats(0.2, 1.0), st.floats(0, 0.2), st.floats(0, 0.2))
def test_scale_invariance_of_nash_and_ks(seed, c, da, db):
    rng = np.random.default_rng(seed)
    a = concave_points(rng, increasing=True)
    b = concave_points(rng, increasing=False)
    base = all_solutions(ng.Problem(two_party(a, b, da, db)))
    scaled_a = [[x, v * c] for x, v in a]
    scaled = all_solutions(ng.Problem(two_party(scaled_a, b, da * c, db)))
    for name in ("nash", "weighted_nash", "kalai_smorodinsky"):
        assert scaled[name].outcome["x"] == pytest.approx(base[name].outcome["x"], abs=SOL_TOL)


@given(st.integers(0, 2**32 - 1), st.floats(0, 0.2), st.floats(0, 0.2), st.floats(0.01, 1),
       st.floats(0.01, 1))
def test_nash_iia(seed, da, db, left, right):
    """Removing alternatives other than the Nash solution does not change it."""
    rng = np.random.default_rng(seed)
    a = concave_points(rng, increasing=True)
    b = concave_points(rng, increasing=False)
    full = all_solutions(ng.Problem(two_party(a, b, da, db)))["nash"]
    x = full.outcome["x"]
    lo, hi = x * (1 - left), x + (1 - x) * right
    assume(hi - lo > 1e-3)
    sub = all_solutions(ng.Problem(two_party(a, b, da, db, lo=lo, hi=hi)))["nash"]
    assert sub.outcome["x"] == pytest.approx(x, abs=SOL_TOL)


def test_results_are_deterministic():
    s = ng.load_scenario("examples/berlin-shape.yaml")
    assert ng.analyse(s).to_dict() == ng.analyse(s).to_dict()
