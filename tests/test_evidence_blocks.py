"""``validate --strict`` covers the newer blocks: party discount/recognition, ratifiers,
the bargaining block, private costs and the shifted lottery."""

from __future__ import annotations

import copy

import pytest

import negotiation as ng
from negotiation.evidence import missing_evidence

BERLIN = "scenarios/berlin-2025-12.yaml"


@pytest.fixture(scope="module")
def berlin_raw() -> dict:
    return ng.load_scenario(BERLIN).raw


def gaps(raw: dict) -> list[str]:
    return missing_evidence(ng.scenario_from_dict(raw, file="copy.yaml"))


def test_shipped_berlin_has_no_gaps(berlin_raw):
    assert gaps(copy.deepcopy(berlin_raw)) == []


def test_a_discount_without_evidence_is_a_gap(berlin_raw):
    raw = copy.deepcopy(berlin_raw)
    del raw["parties"]["russia"]["evidence"]["discount"]
    assert any("parties.russia.evidence" in g and "'discount'" in g for g in gaps(raw))


def test_an_assumed_recognition_needs_a_range(berlin_raw):
    raw = copy.deepcopy(berlin_raw)
    raw["parties"]["us"]["evidence"]["recognition"] = [{"assumption": True, "note": "guess"}]
    assert any("recognition" in g and "range" in g for g in gaps(raw))


def test_a_ratifier_without_evidence_is_a_gap(berlin_raw):
    raw = copy.deepcopy(berlin_raw)
    del raw["ratification"]["us"]["senate"]["evidence"]
    found = [g for g in gaps(raw) if "ratification.us.senate" in g]
    assert found and "no evidence" in found[0]
    raw = copy.deepcopy(berlin_raw)
    del raw["ratification"]["ukraine"]["referendum"]["evidence"]["pass"]
    assert any("ratification.ukraine.referendum" in g and "'pass'" in g for g in gaps(raw))


def test_the_bargaining_block_needs_evidence_for_what_it_sets(berlin_raw):
    raw = copy.deepcopy(berlin_raw)
    del raw["bargaining"]["evidence"]["breakdown"]
    assert any("bargaining" in g and "'breakdown'" in g for g in gaps(raw))


def test_private_costs_need_evidence(berlin_raw):
    raw = copy.deepcopy(berlin_raw)
    costs = raw["conflict"]["costs"]
    costs.pop("russia")
    raw["conflict"]["private_costs"] = {"russia": {"uniform": [0.01, 0.07]}}
    assert any("conflict.private_costs.russia" in g for g in gaps(raw))
    raw["conflict"]["evidence"]["private_costs.russia"] = [
        {"assumption": True, "note": "centred on the known estimate", "range": [0.01, 0.12]}
    ]
    assert not any("private_costs" in g for g in gaps(raw))


def test_annex_rows_show_the_new_parameters_with_their_values():
    """The annex (and the scenario pages) list discounts, recognition, ratifiers and the
    bargaining block with their values, next to their evidence."""
    from negotiation.brief.annex import parameter_rows

    report = ng.analyse(ng.load_scenario(BERLIN), precision="grid")
    rows = {(r[0], r[1]): r[2] for r in parameter_rows(report) if r[2]}
    assert rows[("russia", "discount")] == "0.97"
    assert rows[("us", "recognition")] == "0.45"
    assert rows[("ratification us.senate", "thresholds")] == "uniform [0.55, 0.95]"
    assert rows[("ratification ukraine.referendum", "pass")] == "0.5"
    assert rows[("bargaining", "breakdown")] == "0.02"
