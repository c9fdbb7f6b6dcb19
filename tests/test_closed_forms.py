"""Solvers against closed forms and independent one-dimensional solutions.

Splitting a unit between a (u_a = x**alpha) and b (u_b = (1-x)**beta):
- Nash with d = 0: maximise alpha log x + beta log(1-x)  =>  x = alpha / (alpha + beta);
- weighted Nash with powers p, q: x = p alpha / (p alpha + q beta);
- Kalai-Smorodinsky and egalitarian with d = 0 and ideal (1, 1): x**alpha = (1-x)**beta;
- utilitarian: maximise x**alpha + (1-x)**beta.
With d != 0 the first-order conditions are solved by scipy's brentq and
bounded scalar minimisation, independently of the package's grid+SLSQP path.
"""

import math

import numpy as np
import pytest
from helpers import pie
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize_scalar

import negotiation as ng
from negotiation.solve.cooperative import all_solutions

TOL = 1e-6


def solve(s):
    return all_solutions(ng.Problem(s))


@pytest.mark.parametrize("alpha,beta", [(1, 1), (0.5, 1), (1, 0.5), (0.3, 2.0), (2.0, 3.0)])
def test_nash_power_pie(alpha, beta):
    sols = solve(pie(alpha, beta))
    assert sols["nash"].outcome["x"] == pytest.approx(alpha / (alpha + beta), abs=TOL)


@pytest.mark.parametrize("p,q", [(1, 1), (2, 1), (1, 3), (0.7, 1.9)])
def test_weighted_nash_pie(p, q):
    alpha, beta = 0.5, 1.0
    sols = solve(pie(alpha, beta, power_a=p, power_b=q))
    assert sols["weighted_nash"].outcome["x"] == pytest.approx(
        p * alpha / (p * alpha + q * beta), abs=TOL)


def test_rubinstein_linear_pie_is_half():
    sols = solve(pie())
    for name in ("nash", "weighted_nash", "kalai_smorodinsky", "egalitarian"):
        assert sols[name].outcome["x"] == pytest.approx(0.5, abs=TOL)
        assert sols[name].exact


@pytest.mark.parametrize("alpha,beta", [(0.5, 1), (2, 1), (0.4, 1.7)])
def test_ks_and_egalitarian_equal_gains(alpha, beta):
    x = brentq(lambda t: t ** alpha - (1 - t) ** beta, 1e-12, 1 - 1e-12, xtol=1e-14)
    sols = solve(pie(alpha, beta))
    assert sols["kalai_smorodinsky"].outcome["x"] == pytest.approx(x, abs=TOL)
    assert sols["egalitarian"].outcome["x"] == pytest.approx(x, abs=TOL)


def test_utilitarian_concave():
    # maximise sqrt(x) + 1 - x: x = 1/4
    sols = solve(pie(0.5, 1.0))
    assert sols["utilitarian"].outcome["x"] == pytest.approx(0.25, abs=TOL)


def test_utilitarian_linear_tie_goes_to_nash_point():
    # every split has the same total; the documented tie rule picks the Nash point
    sols = solve(pie(1, 1, da=0.1, db=0.3))
    assert sols["utilitarian"].outcome["x"] == pytest.approx(sols["nash"].outcome["x"], abs=TOL)
    assert sols["nash"].outcome["x"] == pytest.approx(0.4, abs=TOL)  # split the surplus


# Reservation values are 0 or clearly positive: within AGREE_TOL (1e-9) of 0 the
# acceptable range legitimately extends to where u = d - 1e-9.
RESERVATION = st.one_of(st.just(0.0), st.floats(0.01, 0.4))


@given(alpha=st.floats(0.3, 3), beta=st.floats(0.3, 3), da=RESERVATION, db=RESERVATION,
       p=st.floats(0.3, 3), q=st.floats(0.3, 3))
def test_solutions_match_independent_1d_optimisation(alpha, beta, da, db, p, q):
    s = pie(alpha, beta, da, db, power_a=p, power_b=q, grid=41)
    sols = solve(s)
    ua = lambda x: x ** alpha  # noqa: E731
    ub = lambda x: (1 - x) ** beta  # noqa: E731
    lo = da ** (1 / alpha)             # a accepts x >= lo
    hi = 1 - db ** (1 / beta)          # b accepts x <= hi
    assume(hi - lo > 0.02)
    def argmax(f):
        r = minimize_scalar(lambda x: -f(x), bounds=(lo, hi), method="bounded",
                            options={"xatol": 1e-12})
        return r.x
    nash = argmax(lambda x: math.log(max(ua(x) - da, 1e-300)) + math.log(max(ub(x) - db, 1e-300)))
    wnash = argmax(lambda x: p * math.log(max(ua(x) - da, 1e-300))
                   + q * math.log(max(ub(x) - db, 1e-300)))
    # KS: ideal point I = (ua(hi), ub(lo)); normalised gains equal
    ia, ib = ua(hi), ub(lo)
    ks = brentq(lambda x: (ua(x) - da) / (ia - da) - (ub(x) - db) / (ib - db), lo, hi, xtol=1e-14)
    egal = brentq(lambda x: (ua(x) - da) - (ub(x) - db), lo, hi, xtol=1e-14)
    assert sols["nash"].outcome["x"] == pytest.approx(nash, abs=1e-5)
    assert sols["weighted_nash"].outcome["x"] == pytest.approx(wnash, abs=1e-5)
    assert sols["kalai_smorodinsky"].outcome["x"] == pytest.approx(ks, abs=TOL)
    assert sols["egalitarian"].outcome["x"] == pytest.approx(egal, abs=TOL)
    # bargaining range is [lo, hi]
    br = ng.bargaining_range(ng.Problem(s))
    assert br.issues["x"].min == pytest.approx(lo, abs=TOL)
    assert br.issues["x"].max == pytest.approx(hi, abs=TOL)


def test_fearon_bargaining_range():
    """Fearon (1995): risk-neutral war payoffs p - c_A and 1 - p - c_B give [p - c_A, p + c_B]."""
    p, ca, cb = 0.6, 0.1, 0.15
    s = ng.scenario_from_dict({
        "title": "fearon",
        "issues": {"x": {"range": [0, 1]}},
        "parties": {
            "A": {"weights": {"x": 1}, "values": {"x": {"ideal": 1}}, "batna": "conflict"},
            "B": {"weights": {"x": 1}, "values": {"x": {"ideal": 0}}, "batna": "conflict"},
        },
        "conflict": {"outcomes": [{"probability": p, "outcome": {"x": 1}},
                                  {"probability": 1 - p, "outcome": {"x": 0}}],
                     "costs": {"A": ca, "B": cb}},
        "analysis": {"grid": 11},
    })
    problem = ng.Problem(s)
    np.testing.assert_allclose(problem.d, [p - ca, 1 - p - cb])
    br = ng.bargaining_range(problem)
    assert br.issues["x"].min == pytest.approx(p - ca, abs=1e-9)
    assert br.issues["x"].max == pytest.approx(p + cb, abs=1e-9)


def test_no_deal():
    s = pie(1, 1, da=0.7, db=0.6)
    report = ng.analyse(s)
    assert not report.deal_possible
    assert all(v is None for v in report.solutions.values())
    d = report.to_dict()
    assert d["deal_possible"] is False
    assert all(v is None for v in d["solutions"].values())
    # the parties are 0.3 apart in total; the closest split leaves each 0.15 short
    assert report.range.max_slack == pytest.approx(-0.15, abs=1e-7)


def test_deal_thinner_than_grid_is_found():
    # acceptable x is [0.52, 0.53]: no point of a 3-point grid lies in it
    s = pie(1, 1, da=0.52, db=0.47, grid=3)
    report = ng.analyse(s)
    assert report.deal_possible
    assert report.range.issues["x"].min == pytest.approx(0.52, abs=TOL)
    assert report.range.issues["x"].max == pytest.approx(0.53, abs=TOL)
    assert report.solutions["nash"].outcome["x"] == pytest.approx(0.525, abs=TOL)
