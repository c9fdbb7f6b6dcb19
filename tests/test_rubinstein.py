"""Two-party alternating offers (Rubinstein 1982; BRW 1986; BSS 1989) on the scenario's frontier.

Checks against closed forms derived in the docstrings (linear pie), against the
package's own weighted Nash solution on a curved frontier (the limit as the
period length vanishes), against brute-force backward induction on a dense grid
of a finite-horizon truncation (no core, no frontier module), and hypothesis
properties (individual rationality, equilibrium conditions, first-mover advantage).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest
from helpers import pie
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import negotiation as ng
from negotiation.bargaining.frontier import ScenarioFrontier
from negotiation.bargaining.rubinstein import rubinstein
from negotiation.errors import ScenarioError

TOL = 1e-7


def solve(s, discount, **kw):
    return rubinstein(ScenarioFrontier(ng.Problem(s)), 0, 1, discount, **kw)


def shares(r):
    """(a's surplus when a proposes, a's surplus when b proposes, b's..., b's...)."""
    oa, ob = r.offers["a"], r.offers["b"]
    return oa.surplus[0], ob.surplus[0], ob.surplus[1], oa.surplus[1]


@pytest.mark.parametrize("da,db", [(0.9, 0.9), (0.9, 0.5), (0.6, 0.95), (0.99, 0.8), (1.0, 0.7)])
def test_linear_pie_closed_form(da, db):
    # x_a = 1 - db * y_b and y_b = 1 - da * x_a  =>  x_a = (1 - db) / (1 - da db)
    r = solve(pie(), (da, db))
    a_first, a_second, b_first, b_second = shares(r)
    assert a_first == pytest.approx((1 - db) / (1 - da * db), abs=TOL)
    assert b_first == pytest.approx((1 - da) / (1 - da * db), abs=TOL)
    assert b_second == pytest.approx(db * b_first, abs=TOL)  # indifferent: accepts
    assert a_second == pytest.approx(da * a_first, abs=TOL)
    assert r.certified and r.unique
    assert r.offers["a"].outcome["x"] == pytest.approx(a_first, abs=TOL)


@pytest.mark.parametrize("q,delta", [(0.1, 1.0), (0.05, 0.9), (0.3, 0.8)])
def test_breakdown_risk_closed_form(q, delta):
    # BRW: after a rejection the pie is lost with probability q: rho = (1 - q) delta
    rho = (1 - q) * delta
    r = solve(pie(), (delta, delta), breakdown=q)
    assert shares(r)[0] == pytest.approx(1 / (1 + rho), abs=TOL)


def test_breakdown_with_reservation_values():
    # surplus split over d = (0.2, 0.1) on u_a + u_b = 1: a first gets d_a + 0.7 / (1 + rho)
    s = pie(da=0.2, db=0.1)
    r = solve(s, (1.0, 1.0), breakdown=0.2)
    assert r.offers["a"].utilities[0] == pytest.approx(0.2 + 0.7 / 1.8, abs=TOL)


@pytest.mark.parametrize("ob,binding", [(0.3, False), (0.6, True)])
def test_outside_option(ob, binding):
    # BSS: b (responder) takes max(rho_b y_b, o_b). delta = 0.9 both: without the option
    # b proposing gets 1/1.9 and its continuation is 0.9/1.9 = 0.474 > 0.3 (not binding).
    # With o_b = 0.6: a offers exactly 0.6 and keeps 0.4; b proposing offers a 0.9 * 0.4.
    r = solve(pie(), (0.9, 0.9), outside=(None, ob))
    a_first, a_second, b_first, b_second = shares(r)
    if binding:
        assert b_second == pytest.approx(ob, abs=TOL)
        assert a_first == pytest.approx(1 - ob, abs=TOL)
        assert a_second == pytest.approx(0.9 * (1 - ob), abs=TOL)
        assert r.binding["a"]
    else:
        assert a_first == pytest.approx(1 / 1.9, abs=TOL)
        assert not r.binding["a"]


def test_outside_option_beyond_reach_means_no_agreement():
    r = solve(pie(da=0.5), (0.9, 0.9), outside=(None, 0.6))
    assert r.offers == {} and r.method == "no agreement"


def test_frictionless_is_the_nash_solution_and_not_unique():
    s = pie(0.5, 1.0)
    r = solve(s, (1.0, 1.0))
    nash = ng.analyse(s).solutions["nash"]
    assert not r.unique and r.method.startswith("frictionless")
    assert r.offers["a"].outcome["x"] == pytest.approx(nash.outcome["x"], abs=1e-6)


def _rub_x(alpha, beta, ra, rb, dt):
    s = pie(alpha, beta)
    r = solve(s, (math.exp(-ra * dt), math.exp(-rb * dt)))
    return r.offers["a"].outcome["x"], r.offers["b"].outcome["x"]


@pytest.mark.parametrize("ra,rb", [(1.0, 1.0), (1.0, 3.0), (2.0, 0.5)])
def test_converges_to_weighted_nash_on_a_curved_frontier(ra, rb):
    # BRW 1986: delta_i = exp(-r_i dt), dt -> 0 gives the asymmetric Nash solution with
    # exponents 1 / r_i; compared with the package's own weighted Nash solution
    alpha, beta = 0.5, 1.5
    target = (
        ng.analyse(pie(alpha, beta, power_a=1 / ra, power_b=1 / rb))
        .solutions["weighted_nash"]
        .outcome["x"]
    )
    errs = []
    for dt in (0.1, 0.01, 0.001):
        xa, xb = _rub_x(alpha, beta, ra, rb, dt)
        errs.append(max(abs(xa - target), abs(xb - target)))
    assert errs[2] < 2e-3
    assert errs[0] > errs[1] > errs[2]


def test_vanishing_breakdown_risk_gives_the_nash_solution():
    # BRW 1986: with delta = 1 and breakdown risk q -> 0 the outcome tends to the
    # (symmetric) Nash solution, here on a curved frontier
    s = pie(0.5, 1.5)
    target = ng.analyse(s).solutions["nash"].outcome["x"]
    errs = []
    for q in (0.1, 0.01, 0.001):
        r = solve(s, (1.0, 1.0), breakdown=q)
        errs.append(max(abs(r.offers[k].outcome["x"] - target) for k in "ab"))
    assert errs[0] > errs[1] > errs[2]
    assert errs[2] < 2e-3


def test_first_mover_advantage_shrinks_with_patience():
    adv = []
    for delta in (0.5, 0.7, 0.9, 0.97, 0.995):
        a_first, a_second, _, _ = shares(solve(pie(0.5, 2.0), (delta, delta)))
        adv.append(a_first - a_second)
    assert all(x > 0 for x in adv)
    assert all(x > y for x, y in zip(adv, adv[1:]))
    assert adv[-1] < 0.01


def backward_induction(alpha, beta, da, db, rounds, n=200001):
    """Finite-horizon alternating offers on a dense grid of x (a's share of the issue).

    In the last round the proposer takes its best outcome that the responder weakly
    prefers to disagreement (surplus 0); earlier, the best outcome the responder
    weakly prefers to its discounted value of the next round. Returns a's utility when
    a proposes in round 0. Independent of the package: grid search only.
    """
    x = np.linspace(0, 1, n)
    ua, ub = x**alpha, (1 - x) ** beta
    cont_a = cont_b = 0.0  # surplus values of the next round (0 after the last one)
    proposer = "a" if rounds % 2 == 1 else "b"  # who proposes in the last round
    for _ in range(rounds):
        if proposer == "a":
            ok = ub >= db * cont_b - 1e-15
            k = np.flatnonzero(ok)[np.argmax(ua[ok])]
        else:
            ok = ua >= da * cont_a - 1e-15
            k = np.flatnonzero(ok)[np.argmax(ub[ok])]
        cont_a, cont_b = ua[k], ub[k]
        proposer = "b" if proposer == "a" else "a"
    return cont_a, x[k]


@pytest.mark.parametrize("alpha,beta,da,db", [(0.5, 1.0, 0.9, 0.8), (2.0, 0.7, 0.85, 0.95)])
def test_against_finite_horizon_backward_induction(alpha, beta, da, db):
    ua, x = backward_induction(alpha, beta, da, db, rounds=401)
    r = solve(pie(alpha, beta), (da, db))
    assert r.offers["a"].utilities[0] == pytest.approx(ua, abs=2e-5)
    assert r.offers["a"].outcome["x"] == pytest.approx(x, abs=2e-4)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    alpha=st.floats(0.4, 2.5),
    beta=st.floats(0.4, 2.5),
    da=st.floats(0.5, 0.98),
    db=st.floats(0.5, 0.98),
    q=st.sampled_from([0.0, 0.1]),
)
def test_properties(alpha, beta, da, db, q):
    r = solve(pie(alpha, beta), (da, db), breakdown=q)
    a_first, a_second, b_first, b_second = shares(r)
    assert r.certified
    assert min(a_first, a_second, b_first, b_second) >= -1e-9  # individual rationality
    assert a_first >= a_second - 1e-9 and b_first >= b_second - 1e-9  # first-mover advantage
    # equilibrium conditions: each responder gets exactly its discounted proposer surplus
    assert b_second == pytest.approx((1 - q) * db * b_first, abs=1e-8)
    assert a_second == pytest.approx((1 - q) * da * a_first, abs=1e-8)


def three_parties(**bargaining):
    return ng.scenario_from_dict({
        "title": "three",
        "issues": {"x": {"range": [0, 1]}, "y": {"range": [0, 1]}},
        "parties": {
            "a": {"weights": {"x": 0.7, "y": 0.3}, "values": {"x": {"ideal": 1},
                  "y": {"ideal": 1}}, "batna": 0.1, "discount": 0.9},
            "b": {"weights": {"x": 0.6, "y": 0.4}, "values": {"x": {"ideal": 0},
                  "y": {"ideal": 0.5}}, "batna": 0.2, "discount": 0.8},
            "c": {"weights": {"x": 0.5, "y": 0.5}, "values": {"x": {"ideal": 0.5},
                  "y": {"ideal": 1}}, "batna": 0.55},
        },
        "bargaining": bargaining,
        "analysis": {"grid": 21},
    })  # fmt: skip


def test_inside_a_larger_scenario_the_other_veto_party_keeps_its_reservation():
    s = three_parties(parties=["a", "b"])
    out = ng.analyse(s).to_dict()["alternating_offers"]
    rub = out["rubinstein"]
    assert set(rub) == {"a", "b"}
    for offer in rub.values():
        assert offer["utilities"]["c"] >= 0.55 - 1e-9
        assert offer["certified"]
    assert out["rubinstein_method"]["certified"]


def test_json_text_and_packages():
    s = three_parties(parties=["a", "b"], breakdown=0.05)
    report = ng.analyse(s)
    text = report.to_text()
    assert "Alternating offers" in text and "First-mover advantage" in text
    from negotiation.registry import get

    pk = get("alternating_offers").packages_of(report, report.results["alternating_offers"])
    assert {p.kind for p in pk} == {"bargaining"} and len(pk) >= 2


def test_frictionless_scenario_is_said_plainly():
    out = ng.analyse(pie()).to_dict()["alternating_offers"]
    assert out["status"] == "frictionless" and out["rubinstein"] is None


def _load(tmp_path, block: str) -> str:
    body = (
        textwrap.dedent("""\
        title: t
        issues:
          x: {range: [0, 1]}
        parties:
          a: {weights: {x: 1}, values: {x: {ideal: 1}}, batna: 0}
          b: {weights: {x: 1}, values: {x: {ideal: 0}}, batna: 0}
        """)
        + block
    )
    f = tmp_path / "s.yaml"
    f.write_text(body)
    with pytest.raises(ScenarioError) as exc:
        ng.load_scenario(f)
    return str(exc.value)


@pytest.mark.parametrize(
    "block,where",
    [
        ("bargaining:\n  breakdown: 1.5\n", ":8: bargaining.breakdown"),
        ("bargaining:\n  parties: [a, z]\n", ":8: bargaining.parties.1"),
        ("bargaining:\n  quota: most\n", ":8: bargaining.quota"),
        ("bargaining:\n  quota: {k: 7}\n", ":8: bargaining.quota.k"),
        ("bargaining:\n  discount: 0\n", ":8: bargaining.discount"),
        ("bargaining:\n  color: red\n", ":8: bargaining.color"),
    ],
)
def test_located_errors(tmp_path, block, where):
    assert where in _load(tmp_path, block)


# ------------------------------------------------------------------ review fixes (Berlin)
BERLIN = "scenarios/berlin-2025-12.yaml"


def test_berlin_text_says_the_us_is_held_at_its_reservation_and_fails_the_senate():
    """The veto party outside the two-party game is held exactly at its reservation
    value in both offers, and the offers are checked against every ratifier."""
    from conftest import analysed

    report = analysed(BERLIN)
    r = report.results["alternating_offers"]
    rb = r.rubinstein
    names = report.scenario.party_names
    us = names.index("us")
    d_us = r.reservation["us"]
    for o in rb.offers.values():
        assert o.utilities[us] == pytest.approx(d_us, abs=1e-7)
    text = report.to_text()
    section = text.split("Alternating offers (non-cooperative bargaining)\n", 1)[1]
    section = section.split("\n\n", 1)[0]
    assert (
        f"us (a veto party outside the two-party game) is held exactly at its reservation "
        f"value {d_us:.3f} in both offers"
    ) in section
    # the guarantee is pushed to where the US values it near its worst
    g = report.scenario.issue_names.index("guarantees")
    vf = report.scenario.parties[us].values[g]
    for o in rb.offers.values():
        assert float(vf(np.array([o.outcome["guarantees"]]))[0]) <= 0.1
    assert "guarantees pushed to" in section
    # ratification, checked independently: the Senate judges by the US's utility and
    # passes a package when 2/3 of uniform[0.55, 0.95] thresholds lie below it
    need = 0.55 + 0.4 * 0.6667
    for p, o in rb.offers.items():
        expect = ("us.senate",) if o.utilities[us] < need else ()
        ua = o.utilities[names.index("ukraine")]
        expect = (("ukraine.referendum",) if ua < 0.60 - 1e-9 else ()) + expect
        assert r.ratification[f"rubinstein_{p}"] == expect
    assert r.ratification["rubinstein_ukraine"] == ("us.senate",)
    assert "Neither offer passes ratification" in section
    assert "rejected by us.senate" in section
    js = report.to_dict()["alternating_offers"]["ratification"]
    assert js["rubinstein_russia"] == {"passes": False, "rejected_by": ["us.senate"]}


def test_first_mover_wording_with_and_without_breakdown():
    """With q > 0 the first-mover advantage does not vanish as patience grows: it is
    (1 - rho) x the proposer's gain, at least q x the gain."""
    from negotiation.analyses.alternating_offers import rubinstein_sentences

    s = pie()
    with_q = solve(s, (0.999, 0.999), breakdown=0.05)
    no_q = solve(s, (0.95, 0.95))
    text_q = " ".join(rubinstein_sentences(with_q))
    text_0 = " ".join(rubinstein_sentences(no_q))
    assert "does not vanish" in text_q and "shrinks as both" not in text_q
    assert "shrinks as both become more patient" in text_0 and "does not vanish" not in text_0
    # the claim itself: advantage = (1 - rho_a) x_a >= q x_a
    xa, ya_resp, _, _ = shares(with_q)
    rho = (1 - 0.05) * 0.999
    assert xa - ya_resp == pytest.approx((1 - rho) * xa, abs=TOL)
    assert xa - ya_resp >= 0.05 * xa - TOL
    # the factor is named for what it is
    s2 = solve(s, (0.9, 0.8), breakdown=0.02)
    assert "effective factor (1 - q) delta" in " ".join(rubinstein_sentences(s2))
    assert "per-round factor" not in " ".join(rubinstein_sentences(s2))
