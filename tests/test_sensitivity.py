"""``negotiation.top_assumptions``: the one-at-a-time screen over assumption ranges.

The small scenarios have closed forms. Splitting a unit with linear utilities
and reservation values ``d_a``, ``d_b``, the Nash solution is
``x = (1 + d_a - d_b) / 2`` and a deal exists while ``d_a + d_b <= 1``; with a
war lottery (``a`` wins everything with probability ``p``, equal costs) it is
``x = p`` (Fearon's range centred on the expected outcome).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import negotiation as ng
import negotiation.analysis
from negotiation.sensitivity import Sensitivity, screen, screened, top_assumptions

ROOT = Path(__file__).resolve().parents[1]


def assume(lo, hi):
    return {"assumption": True, "note": "judgement", "range": [lo, hi]}


def pie():
    return ng.scenario_from_dict({
        "title": "pie",
        "issues": {"x": {"range": [0, 1]}},
        "parties": {
            "a": {"weights": {"x": 1}, "values": {"x": {"ideal": 1}}, "batna": 0.3, "power": 2,
                  "evidence": {"batna": assume(0.1, 0.9), "power": assume(1, 3)}},
            "b": {"weights": {"x": 1}, "values": {"x": {"ideal": 0}}, "batna": 0.2,
                  "evidence": {"batna": assume(0.1, 0.3), "weights.x": assume(0, 1)}},
            "c": {"veto": False, "weights": {"x": 1}, "values": {"x": {"ideal": 0.5}},
                  "batna": 0.5, "evidence": {"batna": assume(0, 1)}},
        },
    })


def war(p=0.5):
    return ng.scenario_from_dict({
        "title": "war",
        "issues": {"x": {"range": [0, 1]}},
        "parties": {
            "a": {"weights": {"x": 1}, "values": {"x": {"ideal": 1}}, "batna": "conflict"},
            "b": {"weights": {"x": 1}, "values": {"x": {"ideal": 0}}, "batna": "conflict"},
        },
        "conflict": {"outcomes": [{"probability": p, "outcome": {"x": 1}, "label": "a wins"},
                                  {"probability": 1 - p, "outcome": {"x": 0}}],
                     "costs": {"a": 0.1, "b": 0.1},
                     "evidence": {"probabilities": assume(0.3, 0.7)}},
    })


def test_what_is_screened():
    s = pie()
    paths = [a.path for a in screened(s)]
    # powers enter only weighted Nash; c has no veto
    assert paths == ["parties.a.batna", "parties.b.batna", "parties.b.weights.x"]


def test_ranking_and_closed_forms():
    results = screen(pie())
    assert [r.path for r in results] == ["parties.a.batna", "parties.b.batna",
                                         "parties.b.weights.x"]
    a, b, w = results
    assert a.baseline_deal is True
    assert a.deal == (True, False) and a.deal_flips == 1       # d_a = 0.9: 0.9 + 0.2 > 1
    assert a.nash_shift[0] == pytest.approx(0.10, abs=1e-9)    # x: 0.55 -> 0.45
    assert a.nash_shift[1] is None
    assert a.slack[1] == pytest.approx(-0.05, abs=1e-9)        # (1 - 0.9 - 0.2) / 2
    assert b.deal == (True, True) and b.deal_flips == 0
    assert b.nash_shift == pytest.approx((0.05, 0.05), abs=1e-9)
    assert b.nash[0]["x"] == pytest.approx(0.6) and b.nash[1]["x"] == pytest.approx(0.5)
    assert a.nash[1] is None
    assert (b.low, b.high, b.value) == (0.1, 0.3, 0.2)
    # weight 0 for b's only issue is not a scenario; weight 1 is the baseline
    assert w.deal == (None, True) and w.nash_shift[1] == 0.0
    assert len(w.errors) == 1 and "weights are all zero" in w.errors[0]
    assert not w.matters and a.matters and b.matters


def test_top_assumptions_leaves_out_what_does_not_matter():
    top = top_assumptions(pie(), n=3)
    assert [t.path for t in top] == ["parties.a.batna", "parties.b.batna"]
    assert [t.path for t in top_assumptions(pie(), n=1)] == ["parties.a.batna"]
    assert isinstance(top[0], Sensitivity)


def test_probabilities_are_moved_one_at_a_time():
    results = screen(war(0.5))
    assert [r.path for r in results] == ["conflict.outcomes.0.probability",
                                         "conflict.outcomes.1.probability"]
    first = results[0]
    assert first.label == "conflict probability of a wins"
    # p = 0.3 and 0.7 (the other outcome rescaled to 0.7 and 0.3): Nash x = p
    assert first.nash_shift == pytest.approx((0.2, 0.2), abs=1e-9)
    assert first.deal == (True, True) and first.errors == ()


def test_result_objects():
    a = screen(pie())[0]
    d = a.to_dict()
    json.dumps(d)
    assert d["deal_low"] is True and d["deal_high"] is False and d["deal_flips"] == 1
    assert d["nash_shift_high"] is None and d["path"] == "parties.a.batna"
    assert d["value"] == 0.3 and d["nash_low"]["x"] == pytest.approx(0.45)
    assert repr(a) == "Sensitivity(a batna 0.1 to 0.9, deal flips at 1 end(s), Nash shift 0.100)"
    with pytest.raises(AttributeError):
        a.low = 0.0  # type: ignore[misc]


def test_precision_reaches_the_solver(monkeypatch):
    import negotiation.solve.problem as problem_module

    real = problem_module.Problem
    seen = []

    def recording(scenario, *args, **kwargs):
        seen.append(kwargs.get("precision", "exact"))
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(problem_module, "Problem", recording)
    screen(pie(), precision="grid")
    assert seen and set(seen) == {"grid"}
    seen.clear()
    exact = [r.path for r in top_assumptions(pie(), precision="exact")]
    assert set(seen) == {"exact"}
    assert exact == ["parties.a.batna", "parties.b.batna"]
    with pytest.raises(ValueError, match="precision"):
        screen(pie(), precision="fine")


def test_berlin(monkeypatch):
    monkeypatch.chdir(ROOT)
    s = ng.load_scenario("scenarios/berlin-2025-12.yaml")
    chosen = screened(s)
    assert len(chosen) == 34                # 68 analyses at the two ends
    assert not any(a.path.endswith(".power") or a.path.startswith(("parties.eu.", "proposals."))
                   or a.path == "conflict.costs.eu" for a in chosen)
    top = top_assumptions(s, n=3)
    assert len(top) == 3
    assert all(t.baseline_deal and t.errors == () for t in top)
    keys = [(t.deal_flips, round(t.shift, 9)) for t in top]
    assert keys == sorted(keys, reverse=True) and top[0].shift > 0
    assert {t.path for t in top} <= {a.path for a in chosen}
