"""The conflict model: Fearon's range with risk aversion, the private-information demand,
Powell's commitment problem, against closed forms, brute force and hypothesis."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

import negotiation as ng
from negotiation.bargaining.commitment import commitment_problem
from negotiation.bargaining.distributions import Distribution
from negotiation.bargaining.private_information import private_information
from negotiation.errors import ScenarioError
from negotiation.solve.agreement import bargaining_range
from negotiation.solve.problem import Problem


def pie(q, cost_a=0.05, cost_b=None, private=None, shift=None, exponent=1.0, grid=101):
    """a's share x of a unit pie; a wins the war with probability q (gets x = 1)."""
    vf_a = {"points": [[0, 0], [1, 1]]} if exponent == 1 else {"ideal": 1, "exponent": exponent}
    vf_b = {"points": [[0, 1], [1, 0]]} if exponent == 1 else {"ideal": 0, "exponent": exponent}
    conflict = {
        "outcomes": [
            {"probability": q, "outcome": {"x": 1}},
            {"probability": round(1 - q, 15), "outcome": {"x": 0}},
        ],
        "costs": {"a": cost_a} | ({} if cost_b is None else {"b": cost_b}),
    }
    if private:
        conflict["private_costs"] = {"b": private}
    if shift:
        p1, delta = shift
        conflict["shift"] = {
            "discount": delta,
            "outcomes": [
                {"probability": p1, "outcome": {"x": 1}},
                {"probability": round(1 - p1, 15), "outcome": {"x": 0}},
            ],
        }
    return ng.scenario_from_dict(
        {
            "title": "pie",
            "issues": {"x": {"range": [0, 1]}},
            "parties": {
                "a": {"weights": {"x": 1}, "values": {"x": vf_a}, "batna": "conflict"},
                "b": {"weights": {"x": 1}, "values": {"x": vf_b}, "batna": "conflict"},
            },
            "conflict": conflict,
            "analysis": {"grid": grid},
        }
    )


def _brute(dist: Distribution, q: float, cost_a: float, n=2_000_001):
    x = np.linspace(0, 1, n)
    P = dist.sf(x - q)  # b accepts x iff 1 - x >= 1 - q - c_b  <=>  c_b >= x - q
    eu = P * x + (1 - P) * (q - cost_a)
    k = int(np.argmax(eu))
    return x[k], eu[k], P[k]


# --------------------------------------------------------------------------- Fearon range
@pytest.mark.parametrize("q, ca, cb", [(0.5, 0.1, 0.1), (0.3, 0.05, 0.2), (0.8, 0.2, 0.01)])
def test_fearon_range_with_risk_aversion(q, ca, cb):
    """u_a = x^e, u_b = (1-x)^e: the range is [(q - ca)^(1/e), 1 - (1 - q - cb)^(1/e)]
    (the war lottery is worth q to a and 1 - q to b whatever e); concavity widens it."""
    for e in (1.0, 0.5):
        rng = bargaining_range(Problem(pie(q, ca, cb, exponent=e)))
        lo, hi = (q - ca) ** (1 / e), 1 - (1 - q - cb) ** (1 / e)
        assert rng.issues["x"].min == pytest.approx(lo, abs=1e-9)
        assert rng.issues["x"].max == pytest.approx(hi, abs=1e-9)
    assert (1 - (1 - q - cb) ** 2) - (q - ca) ** 2 > (q + cb) - (q - ca)


# --------------------------------------------------------------------------- private costs
@pytest.mark.parametrize("q, ca, cbar", [(0.4, 0.05, 0.3), (0.2, 0.0, 0.5), (0.6, 0.1, 0.25)])
def test_private_uniform_closed_form(q, ca, cbar):
    """Fearon (1995) / THEORY.md: x* = q + (cbar - c_a)/2, accepted w.p. 1 - (x* - q)/cbar."""
    pi = private_information(Problem(pie(q, ca, private={"uniform": [0, cbar]})))
    o = pi.offers["a"]
    x = q + (cbar - ca) / 2
    P = 1 - (x - q) / cbar
    assert o.certified
    assert o.outcome["x"] == pytest.approx(x, abs=1e-8)
    assert o.acceptance_probability == pytest.approx(P, abs=1e-8)
    assert o.breakdown_probability == pytest.approx(1 - P, abs=1e-8)
    assert o.value == pytest.approx(P * x + (1 - P) * (q - ca), abs=1e-10)
    assert o.expected_utilities["a"] == pytest.approx(o.value, abs=1e-12)
    # b: accepts (1 - x) when its cost is high, fights (1 - q - c) otherwise
    lo = x - q
    eu_b = P * (1 - x) + quad(lambda c: (1 - q - c) / cbar, 0, lo)[0]
    assert o.expected_utilities["b"] == pytest.approx(eu_b, abs=1e-9)
    assert set(pi.offers) == {"a"}  # b faces no party with a private cost: no demand
    assert not pi.skipped


def test_private_uniform_corner_full_acceptance():
    """With costs in [0.2, 0.3] and c_a = 0.05 the interior demand q + 0.125 is below the
    sure-acceptance level q + 0.2: the optimum is x* = q + 0.2, accepted for sure."""
    o = private_information(Problem(pie(0.4, 0.05, private={"uniform": [0.2, 0.3]}))).offers["a"]
    assert o.outcome["x"] == pytest.approx(0.6, abs=1e-9)
    assert o.acceptance_probability == pytest.approx(1.0, abs=1e-12)
    assert o.certified


@pytest.mark.parametrize(
    "spec, dist",
    [
        ({"triangular": [0, 0.1, 0.3]}, Distribution("triangular", (0, 0.1, 0.3))),
        ({"triangular": [0.05, 0.3, 0.3]}, Distribution("triangular", (0.05, 0.3, 0.3))),
        ({"normal": [0.1, 0.05]}, Distribution("normal", (0.1, 0.05), True)),
        ({"normal": [0.0, 0.2]}, Distribution("normal", (0.0, 0.2), True)),
    ],
)
def test_private_against_brute_force(spec, dist):
    q, ca = 0.4, 0.05
    o = private_information(Problem(pie(q, ca, private=spec))).offers["a"]
    x, eu, P = _brute(dist, q, ca)
    assert o.certified, o
    assert o.value >= eu - 1e-10  # the dense grid does not beat it
    assert o.bound >= eu
    assert o.value - eu < 1e-9
    assert o.outcome["x"] == pytest.approx(x, abs=2e-5)
    assert o.acceptance_probability == pytest.approx(P, abs=1e-4)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    q=st.floats(0.1, 0.9),
    ca=st.floats(0.0, 0.2),
    kind=st.sampled_from(["uniform", "triangular", "normal"]),
    a=st.floats(0.0, 0.2),
    w=st.floats(0.05, 0.5),
    e=st.sampled_from([1.0, 0.6]),
)
def test_private_properties(q, ca, kind, a, w, e):
    """Certified, never beaten by a dense grid, probabilities in [0, 1], and the proposer
    never expects less than war."""
    params = {"uniform": [a, a + w], "triangular": [a, a + w / 3, a + w], "normal": [a, w]}[kind]
    sc = pie(q, ca, private={kind: params}, exponent=e)
    pb = Problem(sc)
    o = private_information(pb).offers["a"]
    dist = sc.conflict.private_costs["b"]
    assert 0 <= o.acceptance_probability <= 1
    assert o.value >= pb.d[0] - 1e-12
    assert o.certified
    x = np.linspace(0, 1, 200_001)
    ua, ub = x**e, (1 - x) ** e
    P = dist.sf((1 - q) - ub)
    eu = P * ua + (1 - P) * pb.d[0]
    assert o.value >= eu.max() - 1e-10
    assert o.bound >= eu.max() - 1e-12


def test_more_parties_and_json(tmp_path):
    """Berlin with Russia's cost private: Ukraine's and the US's demands, in the report."""
    import yaml

    data = yaml.safe_load(open("scenarios/berlin-2025-12.yaml"))
    data["conflict"]["costs"].pop("russia")
    data["conflict"]["private_costs"] = {"russia": {"uniform": [0.0, 0.3]}}
    f = tmp_path / "b.yaml"
    f.write_text(yaml.safe_dump(data))
    sc = ng.load_scenario(f)
    assert sc.conflict.costs["russia"] == pytest.approx(0.15)
    report = ng.analyse(sc)
    out = json.loads(json.dumps(report.to_dict()))["conflict"]
    pi = out["private_information"]
    assert set(pi) == {"ukraine", "us"}
    for p, o in pi.items():
        assert o["responder"] == "russia"
        assert o["acceptance_probability"] + o["breakdown_probability"] == pytest.approx(1)
        assert o["certified"] is True
        assert o["expected_utilities"][p] >= out["reservation"][p] - 1e-12
        # the other veto parties accept the demand (it is in their part of the range)
        for k in ("ukraine", "us"):
            if k != p:
                assert o["utilities"][k] >= out["reservation"][k] - 1e-9
    assert "Private information" in report.to_text()
    # independent: no grid package the other veto parties accept does better (eq. 2)
    pb = report.problem
    names = pb.names
    dist = sc.conflict.private_costs["russia"]
    W = out["war_value"]["russia"]
    for p, o in pi.items():
        ip = names.index(p)
        others = [names.index(k) for k in ("ukraine", "us") if k != p]
        ok = np.all(pb.U[:, others] >= pb.d[others] - 1e-12, axis=1)
        P = dist.sf(W - pb.U[ok, names.index("russia")])
        eu = P * pb.U[ok, ip] + (1 - P) * pb.d[ip]
        assert o["expected_utilities"][p] >= eu.max() - 1e-12
        assert o["bound"] >= eu.max() - 1e-12
    kinds = {pk.kind for pk in report.packages()}
    assert "conflict" in kinds


# --------------------------------------------------------------------------- commitment
def _powell(p0, p1, ca, cb, delta):
    """Independent: B's value after the shift 1 - (p1 - ca); M_A from B's constraint."""
    VB = 1 - (p1 - ca)
    need = (1 - p0 - cb - delta * VB) / (1 - delta)
    MA = min(1.0, 1 - need)
    return (p0 - ca) - ((1 - delta) * MA + delta * (p1 - ca)), MA


@settings(max_examples=30, deadline=None)
@given(
    p0=st.floats(0.2, 0.9),
    drop=st.floats(0.0, 0.2),
    ca=st.floats(0.0, 0.1),
    cb=st.floats(0.0, 0.1),
    delta=st.floats(0.05, 0.95),
)
def test_commitment_closed_form(p0, drop, ca, cb, delta):
    p1 = max(p0 - drop, 0.0)
    c = commitment_problem(Problem(pie(p0, ca, cb, shift=(p1, delta))))
    margin, MA = _powell(p0, p1, ca, cb, delta)
    if MA < 0:  # B prefers war to every deal today
        assert c.margin is None and c.war_now
        return
    assert c.declining == "a" and c.rising == "b" or drop == 0
    assert c.margin == pytest.approx(margin, abs=1e-9)
    assert c.certified
    if abs(margin) > 1e-8:
        assert c.war_now == (margin > 0)


def test_commitment_powell_condition():
    """Whole pie affordable today: war iff p0 - c_a > (1 - delta) + delta (p1 - c_a)."""
    c = commitment_problem(Problem(pie(0.5, 0.05, 0.05, shift=(0.2, 0.9))))
    assert c.war_now and c.best_offer_now == pytest.approx(1.0)
    assert c.margin == pytest.approx(0.45 - (0.1 + 0.9 * 0.15))
    c = commitment_problem(Problem(pie(0.5, 0.05, 0.05, shift=(0.45, 0.5))))
    assert not c.war_now


def test_no_blocks_no_conflict_section():
    report = ng.analyse(ng.load_scenario("scenarios/berlin-2025-12.yaml"), precision="grid")
    assert "conflict" not in report.to_dict()
    assert "Private information" not in report.to_text()


# --------------------------------------------------------------------------- loader
BASE = (
    "title: t\nissues:\n  x: {range: [0, 1]}\nparties:\n"
    "  a:\n    weights: {x: 1}\n    values: {x: {ideal: 1}}\n    batna: conflict\n"
    "  b:\n    weights: {x: 1}\n    values: {x: {ideal: 0}}\n    batna: conflict\n"
    "conflict:\n  outcomes:\n    - {probability: 1, outcome: {x: 0.5}}\n"
)


@pytest.mark.parametrize(
    "extra, field, words",
    [
        (
            "  costs: {b: 0.1}\n  private_costs: {b: {uniform: [0, 0.2]}}\n",
            "conflict.private_costs.b",
            "both",
        ),
        ("  private_costs: {c: {uniform: [0, 0.2]}}\n", "conflict.private_costs.c", "not a party"),
        (
            "  private_costs: {b: {uniform: [0.3, 0.2]}}\n",
            "conflict.private_costs.b.uniform",
            "lo < hi",
        ),
        (
            "  private_costs: {b: {gamma: [1, 2]}}\n",
            "conflict.private_costs.b.gamma",
            "not a distribution",
        ),
        (
            "  private_costs: {b: {uniform: [-0.1, 0.2]}}\n",
            "conflict.private_costs.b",
            "cannot be negative",
        ),
        (
            "  shift: {discount: 1.5, outcomes: [{probability: 1, outcome: {x: 0.4}}]}\n",
            "conflict.shift.discount",
            "0 < discount < 1",
        ),
        (
            "  shift: {discount: 0.5, outcomes: [{probability: 0.5, outcome: {x: 0.4}}]}\n",
            "conflict.shift.outcomes",
            "sum to 0.5",
        ),
    ],
)
def test_loader_errors(tmp_path, extra, field, words):
    f = tmp_path / "s.yaml"
    f.write_text(BASE + extra)
    with pytest.raises(ScenarioError) as err:
        ng.load_scenario(f)
    text = str(err.value)
    assert f": {field}:" in text and words in text, text
    assert "s.yaml:" in text
