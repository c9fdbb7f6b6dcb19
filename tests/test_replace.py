"""``Scenario.replace`` and ``negotiation.assumptions``: scenarios changed in code.

A changed scenario must be the scenario one gets by editing the file: the same
model, the same notes, the same located errors. The tests compare ``replace``
with an edited copy of the file wherever they can, and check the values the
model ends up with, not only that the calls succeed. The public API of the
package (``__all__``, ``dir``, ``__version__``, docstrings) is checked at the end.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import statistics
import time
from pathlib import Path

import numpy as np
import pytest

import negotiation as ng
from negotiation.model.scenario import BatnaConflict, BatnaOutcome
from negotiation.model.values import IdealValue, LevelValue, PointsValue
from negotiation.scenario.assumptions import Assumption

ROOT = Path(__file__).resolve().parents[1]
BERLIN = "scenarios/berlin-2025-12.yaml"
TUTORIAL = "docs/tutorial/berlin-mini.yaml"
FILES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.yaml")) + [
    TUTORIAL, "examples/split-the-unit.yaml", "examples/berlin-shape.yaml"]


@pytest.fixture(scope="module", autouse=True)
def _root():
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        yield


@pytest.fixture(scope="module")
def berlin():
    return ng.load_scenario(BERLIN)


@pytest.fixture(scope="module")
def tutorial():
    return ng.load_scenario(TUTORIAL)


def edited(tmp_path: Path, source: str, section: str, old: str, new: str) -> Path:
    """A copy of ``source`` with the first line ``old`` after line ``section`` made ``new``."""
    lines = (ROOT / source).read_text(encoding="utf-8").split("\n")
    start = lines.index(section)
    j = next(k for k in range(start, len(lines)) if lines[k] == old)
    lines[j] = new
    out = tmp_path / Path(source).name
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def line_of_text(source: str, section: str, text: str) -> int:
    lines = (ROOT / source).read_text(encoding="utf-8").split("\n")
    start = lines.index(section)
    return next(k for k in range(start, len(lines)) if text in lines[k]) + 1


def same_model(a: ng.Scenario, b: ng.Scenario) -> bool:
    return dataclasses.replace(a, file=None) == dataclasses.replace(b, file=None)


# --------------------------------------------------------------------------- replace
def test_the_issue_example(berlin):
    s = berlin.replace({"parties.russia.batna": 0.4, "conflict.costs.ukraine": 0.1,
                        "parties.ukraine.weights.territory": 0.5})
    assert isinstance(s, ng.Scenario) and s is not berlin
    assert s.party("russia").batna == 0.4
    assert s.conflict.costs["ukraine"] == 0.1 and s.conflict.costs["russia"] == 0.04
    # weights written 0.5, 0.15, 0.05, 0.25, 0.15: sum 1.1, normalised with the loader's note
    assert s.party("ukraine").weights == pytest.approx(
        tuple(w / 1.1 for w in (0.5, 0.15, 0.05, 0.25, 0.15)))
    assert s.notes == ("ukraine: weights sum to 1.1; normalised to sum 1",)
    d = ng.Problem(s).d
    assert d[s.party_names.index("russia")] == pytest.approx(0.4)
    # Ukraine's reservation value drops by the 0.04 of extra cost
    d0 = ng.Problem(berlin).d
    k = s.party_names.index("ukraine")
    assert d0[k] - d[k] != pytest.approx(0.0)
    # raw holds the new values (the brief's annex reads it); the original is untouched
    assert s.raw["parties"]["russia"]["batna"] == 0.4
    assert s.raw["conflict"]["costs"]["ukraine"] == 0.1
    assert berlin.raw["parties"]["russia"]["batna"] == "conflict"
    assert isinstance(berlin.party("russia").batna, BatnaConflict)
    assert berlin.notes == ()
    assert s.file == berlin.file and s.lines == berlin.lines
    assert ng.scenario_from_dict(s.raw, file=s.file) == s


def test_replace_is_the_edited_file(berlin, tmp_path):
    path = edited(tmp_path, BERLIN, "  russia:", "    batna: conflict", "    batna: 0.4")
    assert same_model(berlin.replace({"parties.russia.batna": 0.4}), ng.load_scenario(path))
    old = "    weights: {territory: 0.40, recognition: 0.15, nato: 0.05, guarantees: 0.25, " \
          "army_cap: 0.15}"
    path = edited(tmp_path, BERLIN, "  ukraine:", old, old.replace("0.40", "0.6"))
    loaded = ng.load_scenario(path)
    changed = berlin.replace({"parties.ukraine.weights.territory": 0.6})
    assert same_model(changed, loaded) and changed.notes == loaded.notes != ()


def test_errors_are_the_errors_of_the_edited_file(berlin, tmp_path):
    path = edited(tmp_path, BERLIN, "  russia:", "    batna: conflict", "    batna: confict")
    with pytest.raises(ng.ScenarioError) as from_file:
        ng.load_scenario(path)
    with pytest.raises(ng.ScenarioError) as from_code:
        berlin.replace({"parties.russia.batna": "confict"})
    a, b = from_file.value, from_code.value
    assert (a.line, a.path, a.message) == (b.line, b.path, b.message)
    assert b.file == BERLIN and b.line == line_of_text(BERLIN, "  russia:", "batna: conflict")
    assert str(b).startswith(f"{BERLIN}:{b.line}: parties.russia.batna: ")
    assert "did you mean 'conflict'" in b.message


@pytest.mark.parametrize("changes, path, words, section, text", [
    ({"parties.russia.values.nato.renounced": 2}, "parties.russia.values.nato.renounced",
     "must be in [0, 1], got 2", "  russia:", "nato: {member: 0"),
    ({"parties.russia.power": -1}, "parties.russia.power", "greater than 0",
     "  russia:", "power: 1.5"),
    ({"conflict.costs.ukraine": "high"}, "conflict.costs.ukraine", "must be a valid number",
     "conflict:", "costs: {ukraine"),
    ({"parties.russia.batnaa": 0.3}, "parties.russia.batnaa", "did you mean 'batna'",
     "parties:", "  russia:"),
    ({"conflict.outcomes.0.probability": 0.9}, "conflict.outcomes", "sum to 1.65",
     "conflict:", "  outcomes:"),
    ({"proposals.draft_28_point.nato": "neutral"}, "proposals.draft_28_point.outcome.nato",
     "not a level of 'nato'", "  draft_28_point:", "outcome: {"),
    ({"parties.ukraine.batna.cost": 0.1}, "parties.ukraine.batna.cost",
     "'parties.ukraine.batna' is the text 'conflict', not a mapping", "  ukraine:",
     "batna: conflict"),
    ({"conflict.outcomes.7.probability": 0.1}, "conflict.outcomes.7.probability",
     "give a position from 0 to 5", "conflict:", "  outcomes:"),
    ({"conflict.costs.nobody": 0.1}, "conflict.costs.nobody", "'nobody' is not a party",
     "conflict:", "costs: {ukraine"),
])
def test_bad_path_or_value_is_located(berlin, changes, path, words, section, text):
    with pytest.raises(ng.ScenarioError) as info:
        berlin.replace(changes)
    err = info.value
    assert err.path == path and words in err.message, str(err)
    assert err.file == BERLIN
    assert err.line == line_of_text(BERLIN, section, text), str(err)


def test_error_inside_a_new_value_names_the_replaced_field(berlin):
    with pytest.raises(ng.ScenarioError) as info:
        berlin.replace({"parties.ukraine.values.territory.points": [[0, 1], [0.1, 2]]})
    err = info.value
    assert err.path == "parties.ukraine.values.territory.points.1.1"
    assert "must be in [0, 1]" in err.message
    # the old points list had 5 entries on one line; the error names that line
    assert err.line == line_of_text(BERLIN, "  ukraine:", "territory: {points:")


def test_error_without_a_file():
    s = ng.load_scenario("examples/split-the-unit.yaml")
    code = ng.scenario_from_dict(s.raw)
    with pytest.raises(ng.ScenarioError) as info:
        code.replace({"parties.a.weights.share": -1})
    assert str(info.value).startswith("<scenario>: parties.a.weights.share: ")
    assert info.value.line is None and info.value.file is None


def test_bad_keys(berlin):
    for key in ("", "parties..russia", ("parties", "")):
        with pytest.raises(ng.ScenarioError, match="not a dotted path"):
            berlin.replace({key: 1})
    with pytest.raises(TypeError, match="mapping"):
        berlin.replace([("parties.russia.batna", 0.4)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dotted path"):
        berlin.replace({3: 0.4})


def test_every_kind_of_leaf(berlin, tutorial):
    s = berlin.replace({"parties.ukraine.values.territory.points": [[0, 1], [0.2, 0.5],
                                                                     [0.25, 0]]})
    vf = s.party("ukraine").values[0]
    assert isinstance(vf, PointsValue) and vf.xs == (0, 0.2, 0.25) and vf.vs == (1, 0.5, 0)
    assert 0.2 in s.issues[0].kinks            # the new kink is on the grid
    s = berlin.replace({"parties.russia.values.nato.renounced": 0.7})
    assert s.party("russia").values[2] == LevelValue((0.0, 0.2, 0.7))
    s = berlin.replace({"parties.russia.values.nato": {"member": 0, "deferred": 1,
                                                       "renounced": 0.5}})
    assert s.party("russia").values[2] == LevelValue((0.0, 1.0, 0.5))
    s = tutorial.replace({"parties.ukraine.values.donetsk.exponent": 2})
    assert s.party("ukraine").values[0] == IdealValue(78.0, 2.0, 22.0, None)
    s = tutorial.replace({"parties.ukraine.values.donetsk": {"ideal": 80, "worst": 90}})
    assert s.party("ukraine").values[0] == IdealValue(80.0, 1.0, 10.0, 90.0)
    s = berlin.replace({"parties.russia.power": 2.5, "parties.eu.veto": True})
    assert s.party("russia").power == 2.5 and s.party("eu").veto
    s = berlin.replace({"conflict.outcomes": [
        {"probability": 1, "outcome": {"territory": 0.2, "recognition": "none",
                                       "nato": "deferred", "guarantees": 0.3,
                                       "army_cap": "uncapped"}}]})
    assert len(s.conflict.outcomes) == 1 and s.conflict.outcomes[0][0] == 1
    s = berlin.replace({"conflict.outcomes.0.probability": 0.3,
                        "conflict.outcomes.1.probability": 0.45})
    assert [p for p, _ in s.conflict.outcomes][:2] == [0.3, 0.45]
    s = berlin.replace({"issues.guarantees.range": (0, 2)})     # a tuple is a list
    assert s.issues[3].range == (0.0, 2.0)
    s = berlin.replace({"analysis.grid": {"default": 11}})
    assert s.space.shape[0] < berlin.space.shape[0]
    s = berlin.replace({"analysis.grid.territory": 51})
    assert s.issues[0].grid == 51 and s.issues[3].grid == 11
    s = berlin.replace({"proposals.draft_28_point.nato": "deferred"})
    assert s.proposals[4].name == "draft_28_point" and s.proposals[4].outcome["nato"] == \
        "deferred"
    assert s == berlin.replace({"proposals.draft_28_point.outcome.nato": "deferred"})
    s = berlin.replace({"parties.russia.batna": np.float64(0.35)})  # numpy numbers are fine
    assert s.party("russia").batna == 0.35 and type(s.raw["parties"]["russia"]["batna"]) is float


def test_paths_that_do_not_exist_yet():
    split = ng.load_scenario("examples/split-the-unit.yaml")
    assert split.conflict.costs == {"a": 0.2, "b": 0.0}       # every party, 0 by default
    s = split.replace({"conflict.costs.b": 0.1, "parties.b.batna": "conflict"})
    assert s.conflict.costs == {"a": 0.2, "b": 0.1}
    # b now falls back on the war: 0.6 * 0 + 0.4 * 1 - 0.1
    assert ng.Problem(s).d[1] == pytest.approx(0.3)
    assert ng.Problem(split).d[1] == pytest.approx(0.1)
    s = split.replace({"parties.b.power": 3, "parties.a.label": "A"})
    assert s.party("b").power == 3.0
    shape = ng.load_scenario("examples/berlin-shape.yaml")
    assert shape.party("ukraine").batna.cost == 0.1
    s = shape.replace({"parties.ukraine.batna.cost": 0.3})
    assert isinstance(s.party("ukraine").batna, BatnaOutcome)
    assert s.party("ukraine").batna.cost == 0.3
    s = shape.replace({"conflict.outcomes.0": {"probability": 1, "outcome": {
        "territory": 0.5, "nato": "deferred", "guarantees": 0.5}}})
    assert s.conflict is not None and len(s.conflict.outcomes) == 1
    # one past the end appends; the lottery then has to sum to 1 again
    s2 = s.replace({"conflict.outcomes.0.probability": 0.5, "conflict.outcomes.1": {
        "probability": 0.5, "outcome": {"territory": 1, "nato": "member", "guarantees": 0}}})
    assert [p for p, _ in s2.conflict.outcomes] == [0.5, 0.5]


def test_replace_is_fast_enough_for_sweeps(berlin):
    times = []
    for x in np.linspace(0.3, 0.5, 30):
        t = time.perf_counter()
        berlin.replace({"parties.russia.batna": float(x)})
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.05   # about 1 ms on a laptop


# --------------------------------------------------------------------------- assumptions
@pytest.mark.parametrize("file", FILES)
def test_assumptions_round_trip(file):
    s = ng.load_scenario(file)
    listed = ng.assumptions(s)
    assert listed == s.assumptions
    assert len({a.path for a in listed}) == len(listed)
    for a in listed:
        assert s.replace({a.path: a.value}) == s, a
        json.dumps(a.to_dict())
        if a.range is not None and a.targets:
            lo = a.range[0]
            moved = s.replace(a.changes(lo))
            for target in a.targets:
                node = moved.raw
                for part in target.split("."):
                    node = node[int(part)] if isinstance(node, list) else node[part]
                assert node == pytest.approx(lo), (a, target)


def test_berlin_assumptions(berlin):
    by_path = {a.path: a for a in ng.assumptions(berlin)}
    a = by_path["parties.ukraine.weights.territory"]
    assert (a.value, a.range, a.label, a.targets) == (
        0.40, (0.3, 0.55), "ukraine weights.territory", ("parties.ukraine.weights.territory",))
    assert a.scalar and "largest weight" in a.note
    # a range on a whole value function bounds its judgement values inside (0, 1)
    assert by_path["parties.ukraine.values.nato.deferred"].value == 0.6
    territory = by_path["parties.ukraine.values.territory"]
    assert not territory.scalar and territory.range == (0.2, 0.9)
    assert territory.targets == ("parties.ukraine.values.territory.points.1.1",
                                 "parties.ukraine.values.territory.points.2.1")
    low = berlin.replace(territory.changes(0.2)).party("ukraine").values[0]
    assert low.vs == (1, 0.2, 0.2, 0.05, 0) and low.xs == (0, 0.192, 0.202, 0.225, 0.25)
    assert by_path["parties.russia.values.guarantees"].targets == tuple(
        f"parties.russia.values.guarantees.points.{j}.1" for j in (1, 2, 3))
    assert by_path["proposals.free_economic_zone.outcome.territory"].value == 0.197
    assert by_path["conflict.costs.russia"].range == (0.01, 0.12)
    assert by_path["parties.russia.power"].value == 1.5
    assert by_path["issues.guarantees"].targets == () and by_path["issues.guarantees"].range \
        is None
    probs = [a for a in by_path.values() if a.label.startswith("conflict probability")]
    assert [a.path for a in probs] == [f"conflict.outcomes.{j}.probability" for j in range(6)]
    assert len(by_path) == 57  # 49 + discount and recognition of each of the four parties


def test_moving_a_probability_rescales_the_others(berlin):
    a = next(a for a in berlin.assumptions if a.path == "conflict.outcomes.2.probability")
    changes = a.changes(0.6)
    assert changes[a.path] == 0.6 and len(changes) == 6
    assert sum(changes.values()) == pytest.approx(1.0)
    # the others keep their odds: 0.25 : 0.50 stays 1 : 2
    assert changes["conflict.outcomes.1.probability"] == pytest.approx(
        2 * changes["conflict.outcomes.0.probability"])
    s = berlin.replace(changes)
    assert [round(p, 9) for p, _ in s.conflict.outcomes] == [
        round(p * 0.4 / 0.9, 9) if j != 2 else 0.6
        for j, (p, _) in enumerate(berlin.conflict.outcomes)]


def test_assumption_defaults_and_groups():
    s = ng.scenario_from_dict({
        "title": "groups",
        "issues": {"x": {"range": [0, 10]}, "y": {"levels": ["lo", "mid", "hi"]}},
        "parties": {
            "a": {"weights": {"x": 2, "y": 1},
                  "values": {"x": {"ideal": 10, "exponent": 1.5}, "y": {"lo": 0, "mid": 0.4,
                                                                        "hi": 1}},
                  "batna": "conflict",
                  "evidence": {"weights": {"assumption": True, "range": [0.5, 3]},
                               "power": {"assumption": True, "range": [1, 2]},
                               "values.y": {"assumption": True, "range": [0.2, 0.6]}}},
            "b": {"weights": {"x": 1, "y": 1},
                  "values": {"x": {"ideal": 0}, "y": {"lo": 1, "mid": 0.5, "hi": 0}},
                  "batna": 0.2},
        },
        "conflict": {"outcomes": [{"probability": 1, "outcome": {"x": 5, "y": "mid"}}],
                     "costs": {"a": 0.1},
                     "evidence": {"costs.b": {"assumption": True, "range": [0, 0.2]},
                                  "outcomes": {"assumption": True, "range": [4, 6]}}},
    })
    by_path = {a.path: a for a in s.assumptions}
    assert set(by_path) == {"parties.a.weights.x", "parties.a.weights.y", "parties.a.power",
                            "parties.a.values.y.mid", "conflict.costs.b",
                            "conflict.outcomes.0.outcome.x"}
    assert by_path["parties.a.weights.x"].value == 2          # as written, not normalised
    assert by_path["parties.a.power"].value == 1.0           # the default
    assert by_path["conflict.costs.b"].value == 0.0          # not listed: cost 0
    for a in by_path.values():
        assert s.replace({a.path: a.value}) == s
    assert s.replace(by_path["conflict.costs.b"].changes(0.2)).conflict.costs["b"] == 0.2
    with pytest.raises(ValueError, match="no number to move"):
        Assumption("p", {}, None, "p").changes(1.0)
    assert repr(by_path["parties.a.power"]) == "Assumption(parties.a.power = 1.0, range [1, 2])"


# --------------------------------------------------------------------------- public API
NEW = {"assumptions", "top_assumptions", "Scenario"}


def test_all_and_dir_list_the_public_api():
    assert NEW <= set(ng.__all__)
    assert set(ng.__all__) == set(ng._EXPORTS) | {"__version__"}
    assert set(ng.__all__) <= set(dir(ng))
    for name in ng.__all__:
        assert getattr(ng, name) is not None
    assert ng.assumptions is importlib.import_module("negotiation.scenario.assumptions") \
        .assumptions
    with pytest.raises(AttributeError):
        ng.no_such_name  # noqa: B018


def test_version_has_one_home(monkeypatch):
    assert ng.__version__ == importlib.metadata.version("negotiation")

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert ng._version() == "0+unknown"


def test_import_stays_lazy():
    import subprocess
    import sys
    code = ("import sys, negotiation as ng; ng.__all__; dir(ng); "
            "print(sorted(m for m in ('numpy', 'pydantic', 'scipy', 'pandas') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("obj", [
    "negotiation.scenario.assumptions:assumptions", "negotiation.scenario.assumptions:Assumption",
    "negotiation.sensitivity:top_assumptions", "negotiation.sensitivity:screen",
    "negotiation.sensitivity:Sensitivity", "negotiation.tables:to_records",
    "negotiation.tables:to_frame", "negotiation.model.scenario:Scenario",
    "negotiation.scenario.load:load_scenario", "negotiation.scenario.load:scenario_from_dict",
    "negotiation.errors:ScenarioError",
])
def test_numpy_style_docstrings(obj):
    module, _, name = obj.partition(":")
    doc = getattr(importlib.import_module(module), name).__doc__ or ""
    assert any(f"{section}\n    {'-' * len(section)}" in doc
               for section in ("Parameters", "Attributes", "Returns")), obj
    replace_doc = ng.Scenario.replace.__doc__ or ""
    assert "Parameters\n        ----------" in replace_doc and "Raises" in replace_doc
