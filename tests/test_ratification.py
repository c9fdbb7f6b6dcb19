"""Ratification (two-level games): thresholds, the ratified agreement set and solutions,
against closed forms, the grid and hypothesis; the loader's located errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import negotiation as ng
from negotiation.bargaining.distributions import Distribution
from negotiation.bargaining.ratification import ratification, ratified_problem
from negotiation.errors import ScenarioError
from negotiation.solve.cooperative import all_solutions
from negotiation.solve.problem import AGREE_TOL, Problem


def pie(thresholds, share=0.5, power_b=1.0, extra=None):
    """a gets x (u_a = x), b gets 1 - x; a's parliament judges by a's utility."""
    return ng.scenario_from_dict(
        {
            "title": "pie",
            "issues": {"x": {"range": [0, 1]}},
            "parties": {
                "a": {
                    "weights": {"x": 1},
                    "values": {"x": {"points": [[0, 0], [1, 1]]}},
                    "batna": 0,
                },
                "b": {
                    "weights": {"x": 1},
                    "values": {"x": {"points": [[0, 1], [1, 0]]}},
                    "batna": 0,
                    "power": power_b,
                },
            },
            "ratification": {"a": {"parliament": {"thresholds": thresholds, "pass": share}}}
            | (extra or {}),
        }
    )


@pytest.mark.parametrize(
    "dist, q, t",
    [
        (Distribution("normal", (0.45, 0.1)), 0.5, 0.45),
        (Distribution("normal", (0.45, 0.1)), 0.8413447460685429, 0.55),
        (Distribution("uniform", (0.2, 0.9)), 2 / 3, 0.2 + 0.7 * 2 / 3),
        (Distribution("triangular", (0.0, 0.5, 1.0)), 0.5, 0.5),
        (Distribution("triangular", (0.0, 0.5, 1.0)), 0.125, 0.25),
    ],
)
def test_thresholds_closed_form(dist, q, t):
    assert dist.ppf(q) == pytest.approx(t, abs=1e-12)
    assert float(dist.cdf(dist.ppf(q))) == pytest.approx(q, abs=1e-12)


def test_pie_closed_forms():
    """Threshold F^-1(0.5) = 0.6 for a's parliament: the agreement set is x >= 0.6, the
    symmetric Nash split 1/2 moves to 0.6, and so do the egalitarian and utilitarian ones."""
    sc = pie({"uniform": [0.4, 0.8]}, 0.5, power_b=3.0)
    r = ratification(Problem(sc))
    assert r.deal_possible and r.thresholds["a.parliament"] == pytest.approx(0.6)
    assert r.range.issues["x"].min == pytest.approx(0.6, abs=1e-12)
    assert r.range.issues["x"].max == pytest.approx(1.0, abs=1e-12)
    for key in ("nash", "weighted_nash", "egalitarian", "utilitarian"):
        s = r.solutions[key]
        assert s.certified and s.outcome["x"] == pytest.approx(0.6, abs=1e-9), key
    # Kalai-Smorodinsky: ideal point (1, 0.4): x = 1 - 0.4 x  =>  x = 1 / 1.4
    assert r.solutions["kalai_smorodinsky"].outcome["x"] == pytest.approx(1 / 1.4, abs=1e-9)
    # cut: grid points 0, 0.01, ..., 0.59 of the 101 (all in the agreement set)
    assert r.cut_by["a.parliament"] == pytest.approx(60 / 101)
    assert (r.grid_before, r.grid_after) == (101, 41)
    # the pseudo-party is a veto row, not a player: the solutions' utilities list it apart
    assert r.solutions["nash"].utilities["a.parliament"] == pytest.approx(0.6)


def test_no_deal_survives():
    r = ratification(Problem(pie({"normal": [1.2, 0.1]}, 0.5)))
    assert not r.deal_possible
    assert all(s is None for s in r.solutions.values())
    assert r.cut_by["a.parliament"] == 1.0
    report = ng.analyse(pie({"normal": [1.2, 0.1]}, 0.5))
    assert "NO DEAL SURVIVES RATIFICATION" in report.to_text()
    assert report.deal_possible  # the governments alone could agree


def test_own_weights_and_values():
    """A senate that only cares about y (own value function) cuts y below its threshold."""
    sc = ng.scenario_from_dict(
        {
            "title": "two issues",
            "issues": {"x": {"range": [0, 1]}, "y": {"range": [0, 1]}},
            "parties": {
                "a": {"weights": {"x": 1, "y": 0}, "values": {"x": {"ideal": 1}}, "batna": 0},
                "b": {
                    "weights": {"x": 0.5, "y": 0.5},
                    "values": {"x": {"ideal": 0}, "y": {"ideal": 0}},
                    "batna": 0,
                },
            },
            "ratification": {
                "a": {
                    "senate": {
                        "thresholds": {"uniform": [0, 1]},
                        "pass": 0.3,
                        "weights": {"y": 1},
                        "values": {"y": {"ideal": 1}},
                    }
                }
            },
        }
    )
    r = ratification(Problem(sc))
    assert r.thresholds["a.senate"] == pytest.approx(0.3)
    assert r.range.issues["y"].min == pytest.approx(0.3, abs=1e-12)
    nash = r.solutions["nash"]
    # b concedes exactly the y the senate needs; x is split as the Nash product wants
    assert nash.outcome["y"] == pytest.approx(0.3, abs=1e-8)
    assert nash.certified


def _berlin_with_block(tmp_path):
    data = yaml.safe_load(open("scenarios/berlin-2025-12.yaml"))
    data["ratification"] = {
        "ukraine": {"referendum": {"thresholds": {"normal": [0.6, 0.1]}, "pass": 0.5}},
        "us": {"senate": {"thresholds": {"uniform": [0.4, 0.9]}, "pass": 0.6667}},
    }
    f = tmp_path / "b.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    return ng.load_scenario(f)


def test_berlin_against_the_grid(tmp_path):
    sc = _berlin_with_block(tmp_path)
    pb = Problem(sc)
    rp = ratified_problem(pb)
    r = ratification(pb)
    # the grid agreement set: the old one, less what each ratifier rejects
    U = pb.U
    keep = pb.agreement.copy()
    for j, t in enumerate([0.6, 0.4 + 0.5 * 0.6667]):
        owner = [0, 2][j]  # default utility: the party's own
        keep &= U[:, owner] >= t - AGREE_TOL
    assert np.array_equal(rp.agreement, keep)
    assert r.grid_after == int(keep.sum())
    # the ratified Nash solution passes every ratifier, and no ratified grid point beats it
    nash = r.solutions["nash"]
    assert nash.utilities["ukraine"] >= 0.6 - 1e-9 and nash.utilities["us"] >= 0.73335 - 1e-9
    players = [0, 1, 2]
    g = U[keep][:, players] - pb.d[players]
    ok = np.all(g > 0, axis=1)
    assert nash.criterion >= np.log(g[ok]).sum(axis=1).max() - 1e-9
    # outputs
    report = ng.analyse(sc)
    data = json.loads(json.dumps(report.to_dict()))
    assert set(data["ratification"]["cut_by"]) == {"ukraine.referendum", "us.senate"}
    assert [p for p in data["parties"]] == sc.party_names  # no pseudo-party leaks
    assert "Ratification" in report.to_text()
    # proposals: the Russian demand fails the referendum (Ukraine's utility 0.12 < 0.6)
    rj = data["ratification"]["proposals"]
    assert rj["russia_demand"]["rejected_by"][0] == "ukraine.referendum"
    assert rj["ukraine_position"] == {"passes": True, "rejected_by": []}


def _berlin_without_block(tmp_path):
    data = yaml.safe_load(open("scenarios/berlin-2025-12.yaml"))
    data.pop("ratification", None)
    f = tmp_path / "plain.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    return ng.load_scenario(f)


def test_absent_block_changes_nothing(tmp_path):
    report = ng.analyse(_berlin_without_block(tmp_path), precision="grid")
    assert "ratification" not in report.to_dict()
    assert "Ratification" not in report.to_text()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mean=st.floats(0.0, 1.0), sd=st.floats(0.01, 0.5), share=st.floats(0.05, 0.95))
def test_ratification_only_shrinks(mean, sd, share):
    sc = pie({"normal": [mean, sd]}, share)
    pb = Problem(sc)
    r = ratification(pb)
    t = mean + sd * float(__import__("scipy.special").special.ndtri(share))
    assert r.thresholds["a.parliament"] == pytest.approx(t)
    assert r.grid_after <= r.grid_before
    assert r.deal_possible == (t <= 1 + 1e-12)
    if r.deal_possible:
        base = all_solutions(pb)["nash"]
        assert r.solutions["nash"].criterion <= base.criterion + 1e-12
        assert r.range.issues["x"].min == pytest.approx(max(t, 0.0), abs=1e-9)


@pytest.mark.parametrize(
    "block, field, words",
    [
        (
            {"c": {"r": {"thresholds": {"uniform": [0, 1]}, "pass": 0.5}}},
            "ratification.c",
            "not a party",
        ),
        (
            {"a": {"r": {"thresholds": {"uniform": [0, 1]}, "pas": 0.5}}},
            "ratification.a.r.pas",
            "not a field",
        ),
        (
            {"a": {"r": {"thresholds": {"uniform": [0, 1]}, "pass": 1.5}}},
            "ratification.a.r.pass",
            "0 < pass < 1",
        ),
        ({"a": {"r": {"pass": 0.5}}}, "ratification.a.r", "missing 'thresholds'"),
        (
            {"a": {"r": {"thresholds": {"normal": [0, -1]}, "pass": 0.5}}},
            "ratification.a.r.thresholds.normal",
            "sd > 0",
        ),
        (
            {"a": {"r": {"thresholds": {"uniform": [0, 1]}, "pass": 0.5, "weights": {"z": 1}}}},
            "ratification.a.r.weights.z",
            "not an issue",
        ),
        (
            {"a": {"r": {"thresholds": {"uniform": [0, 1]}, "pass": 0.5, "weights": {"y": 1}}}},
            "ratification.a.r.values",
            "does not",
        ),
    ],
)
def test_loader_errors(tmp_path, block, field, words):
    data = {
        "title": "t",
        "issues": {"x": {"range": [0, 1]}, "y": {"range": [0, 1]}},
        "parties": {
            "a": {"weights": {"x": 1, "y": 0}, "values": {"x": {"ideal": 1}}, "batna": 0},
            "b": {"weights": {"x": 1, "y": 0}, "values": {"x": {"ideal": 0}}, "batna": 0},
        },
        "ratification": block,
    }
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        ng.load_scenario(f)
    text = str(err.value)
    assert f": {field}:" in text and words in text, text
    assert "s.yaml:" in text


# ------------------------------------------------------------------ review fixes
def test_solutions_after_ratification_are_labelled_as_in_the_registry():
    from conftest import analysed

    from negotiation import registry

    text = analysed("scenarios/berlin-2025-12.yaml").to_text()
    section = text.split("  Solutions after ratification\n", 1)[1].split("\n  Proposals", 1)[0]
    for key in ("nash", "weighted_nash", "kalai_smorodinsky"):
        label = registry.get(key).label
        assert any(line.strip().startswith(label + " ") for line in section.splitlines()), label
    assert "kalai_smorodinsky" not in section and "weighted_nash" not in section


def test_rejected_by_checks_each_ratifier_threshold(tmp_path):
    """rejected_by() against the thresholds computed by hand (uniform: lo + pass (hi - lo);
    normal: its quantile), on the proposals and on packages either side of a threshold."""
    from negotiation.bargaining.ratification import rejected_by

    sc = _berlin_with_block(tmp_path)
    pb = Problem(sc)
    r = ratification(pb)
    props = sc.proposals
    assert dict(zip([p.name for p in props], rejected_by(pb, [p.outcome for p in props]))) == (
        r.proposals
    )
    t_us, t_ua = 0.4 + 0.5 * 0.6667, 0.6
    names = pb.names
    for p in props:
        u = pb.utilities(pb.space.encode(p.outcome)[None])[0]
        want = tuple(
            k
            for k, ok in (("ukraine.referendum", u[names.index("ukraine")] >= t_ua - AGREE_TOL),
                          ("us.senate", u[names.index("us")] >= t_us - AGREE_TOL))
            if not ok
        )  # fmt: skip
        assert rejected_by(pb, [p.outcome])[0] == want
    assert rejected_by(pb, []) == []
    plain = _berlin_without_block(tmp_path)
    assert rejected_by(Problem(plain), [props[0].outcome]) == [()]
