"""The vectorised grid path and the per-point path give what ``analyse`` gives.

For samples of points of several experiments (Monte Carlo over every assumption of each
shipped scenario, grids over proposals, costs, probabilities, war outcomes, exponents),
every measured value must equal the value at the same path of
``analyse(scenario.replace(changes), precision=...).to_dict()``.
"""

from __future__ import annotations

import numpy as np
import pytest

import negotiation as ng
from negotiation.experiments.evaluate import PointEvaluator
from negotiation.experiments.fast import FastGrid, fast_grid, interp_rows
from negotiation.experiments.measures import extract
from negotiation.experiments.sampling import Plan
from negotiation.experiments.spec import experiment_from_dict

BROAD = ["deal_possible", "closest.min_surplus", "closest.outcome.territory",
         "closest.utilities.ukraine", "reservation.russia",
         "solutions.nash.outcome.territory", "solutions.nash.outcome.recognition",
         "solutions.nash.utilities.ukraine", "solutions.nash.criterion",
         "solutions.weighted_nash.outcome.guarantees",
         "solutions.kalai_smorodinsky.outcome.territory",
         "solutions.kalai_smorodinsky.criterion", "solutions.egalitarian.outcome.army_cap",
         "solutions.utilitarian.outcome.nato", "bargaining_range.territory.min",
         "bargaining_range.territory.max", "bargaining_range.recognition.levels",
         "bargaining_range.guarantees.max", "party_range.eu.max", "party_range.ukraine.min"]
PROPOSAL = {"scenarios/berlin-2025-12.yaml": "us_berlin_package",
            "scenarios/munich-2025-02.yaml": "kursk_swap",
            "scenarios/munich-2026-02.yaml": "twenty_point_framework"}


def reference(exp, plan, cols, r, point, precision):
    report = ng.analyse(exp.scenario.replace(plan.changes(cols, r, point)), precision=precision)
    data = report.to_dict()
    return [extract(data, m.parts) for m in exp.measures]


def check_fast(exp, start, stop, every=1):
    plan = Plan(exp)
    fg = FastGrid(exp)
    cols = plan.columns(start, stop)
    rows, back = fg.evaluate(cols)
    checked = 0
    for r in range(0, stop - start, every):
        if back[r]:
            continue
        assert rows[r] == reference(exp, plan, cols, r, start + r, "grid"), (start + r, rows[r])
        checked += 1
    return checked, back


@pytest.mark.parametrize("path", sorted(PROPOSAL))
def test_monte_carlo_every_assumption_matches_analyse(path):
    name = PROPOSAL[path]
    measures = BROAD + [f"proposals.{name}.surplus.ukraine", f"proposals.{name}.accepted_by",
                        f"proposals.{name}.in_agreement_set", f"proposals.{name}.distance.nash"]
    exp = experiment_from_dict({"title": "t", "scenario": path, "measure": measures,
                                "sample": {"draws": 5000, "seed": 3, "parameters":
                                           "assumptions"}}, check=False)
    checked, back = check_fast(exp, 4000, 4048)
    assert checked == 48 and not back.any()


def test_grid_over_proposal_costs_and_probabilities():
    exp = experiment_from_dict({
        "title": "t", "scenario": "scenarios/berlin-2025-12.yaml",
        "vary": {"proposals.us_berlin_package.territory": {"values": [0.19, 0.202]},
                 "proposals.us_berlin_package.recognition": {"values": ["none", "de_jure"]},
                 "conflict.outcomes.2.probability": {"from": 0.0, "to": 0.6, "steps": 3},
                 "conflict.outcomes.4.outcome.territory": {"values": [0.2, 0.25]},
                 "conflict.costs.russia": {"values": [0.0, 0.3]}},
        "measure": ["deal_possible", "proposals.us_berlin_package.surplus.russia",
                    "proposals.us_berlin_package.outcome.recognition",
                    "solutions.nash.outcome.territory", "bargaining_range.territory.min",
                    "reservation.ukraine"]}, check=False)
    checked, _ = check_fast(exp, 0, exp.points)
    assert checked == exp.points == 48


def test_exponents_and_ideal_value_functions():
    exp = experiment_from_dict({
        "title": "t", "scenario": "docs/tutorial/berlin-mini.yaml",
        "sample": {"draws": 64, "seed": 5, "parameters": "assumptions"},
        "measure": ["deal_possible", "solutions.nash.outcome.donetsk",
                    "solutions.kalai_smorodinsky.outcome.nato", "bargaining_range.donetsk.min",
                    "bargaining_range.nato.levels", "closest.min_surplus",
                    "solutions.egalitarian.outcome.guarantees"]}, check=False)
    assert {p.domain.role for p in exp.sample} >= {"exponent", "war_outcome", "weight"}
    checked, _ = check_fast(exp, 0, 64, every=2)
    assert checked == 32


def test_a_weight_set_to_zero_on_an_issue_with_kinks_is_handed_back():
    exp = experiment_from_dict({
        "title": "t", "scenario": "scenarios/berlin-2025-12.yaml",
        "vary": {"parties.us.weights.territory": {"values": [0.0, 0.1]}},
        "measure": ["deal_possible", "solutions.nash.outcome.territory"]}, check=False)
    fg = FastGrid(exp)
    rows, back = fg.evaluate(Plan(exp).columns(0, 2))
    assert back.tolist() == [True, False]          # the grid loses US kinks at weight 0
    ev = PointEvaluator(exp)
    plan = Plan(exp)
    cols = plan.columns(0, 2)
    assert ev.measures(plan.changes(cols, 0, 0)) == reference(exp, plan, cols, 0, 0, "grid")


def test_not_taken_by_the_grid_path():
    base = {"title": "t", "scenario": "scenarios/berlin-2025-12.yaml",
            "measure": ["deal_possible"]}
    exact = experiment_from_dict({**base, "precision": "exact",
                                  "vary": {"conflict.costs.russia": {"values": [0.1]}}},
                                 check=False)
    assert fast_grid(exact) is None
    moves = experiment_from_dict({**base, "vary": {"analysis.grid.territory": {"values": [51]}}},
                                 check=False)
    assert fast_grid(moves) is None
    pareto = experiment_from_dict({**base, "measure": ["pareto.size"],
                                   "vary": {"conflict.costs.russia": {"values": [0.1]}}},
                                  check=False)
    assert fast_grid(pareto) is None


def test_interp_rows_is_numpy_interp_bit_for_bit():
    rng = np.random.default_rng(1)
    xs = np.array([0.0, 0.172, 0.192, 0.202, 0.225, 0.25])
    vs = rng.uniform(0, 1, (20, len(xs)))
    x = np.concatenate([np.linspace(-0.1, 0.3, 401), xs])
    got = interp_rows(xs, vs, x)
    want = np.stack([np.interp(x, xs, row) for row in vs])
    assert np.array_equal(got, want)
    X = rng.uniform(-0.05, 0.3, (20, 9))
    assert np.array_equal(interp_rows(xs, vs, X),
                          np.stack([np.interp(X[d], xs, vs[d]) for d in range(20)]))


def test_per_point_exact_path_matches_analyse():
    """The exact path computes only what the measures need, with the same solver calls."""
    exp = experiment_from_dict({
        "title": "t", "scenario": "scenarios/berlin-2025-12.yaml", "precision": "exact",
        "sample": {"draws": 50, "seed": 9, "parameters": "assumptions"},
        "measure": ["deal_possible", "solutions.nash.outcome.territory",
                    "solutions.kalai_smorodinsky.outcome.territory",
                    "bargaining_range.territory.min", "bargaining_range.territory.max",
                    "closest.min_surplus", "party_range.us.min",
                    "proposals.ukraine_position.distance.nash"]}, check=False)
    plan = Plan(exp)
    ev = PointEvaluator(exp)
    cols = plan.columns(0, 50)
    for r in (0, 17, 41):
        assert ev.measures(plan.changes(cols, r, r)) == reference(exp, plan, cols, r, r,
                                                                  "exact")


EXACT_MEASURES = ["deal_possible", "closest.min_surplus", "closest.outcome.territory",
                  "solutions.nash.outcome.territory", "solutions.nash.outcome.guarantees",
                  "solutions.nash.certified", "solutions.kalai_smorodinsky.outcome.territory",
                  "solutions.kalai_smorodinsky.certified", "bargaining_range.territory.min",
                  "bargaining_range.territory.max", "party_range.russia.max"]


@pytest.mark.parametrize("path", ["scenarios/berlin-2025-12.yaml",
                                  "scenarios/munich-2026-02.yaml"])
def test_seeded_exact_chunks_match_analyse(path):
    """At exact, a chunk's searches start from the grid optima of its points (the seeded
    path); every value still equals the one ``analyse`` gives."""
    from negotiation.experiments.runner import ChunkRunner

    exp = experiment_from_dict({
        "title": "t", "scenario": path, "precision": "exact",
        "sample": {"draws": 8, "seed": 5, "parameters": "assumptions"},
        "measure": EXACT_MEASURES}, check=False)
    runner = ChunkRunner(exp)
    assert runner.fast is None and runner.seeder is not None
    rows, engine = runner.run(0, 8)
    assert engine == "point (seeded by the grid path)"
    plan = Plan(exp)
    cols = plan.columns(0, 8)
    seeds = runner.seeder.seeds(cols)
    assert sum(s is not None and "nash" in s for s in seeds) >= 4   # seeds were used
    n_par = len(exp.parameters)
    deals = 0
    for r in range(8):
        got = rows[r][1 + n_par:-1]
        assert rows[r][-1] == ""
        assert got == reference(exp, plan, cols, r, r, "exact"), r
        deals += bool(got[0])
    assert deals >= 4


def test_seeded_solutions_are_the_cooperative_solutions():
    """Without a start, :mod:`seeded` builds the very searches of
    :mod:`negotiation.solve.cooperative` (same stages, same results)."""
    from negotiation.experiments import seeded
    from negotiation.solve import cooperative as co
    from negotiation.solve.problem import Problem

    funcs = {"nash": co.nash_bargaining, "weighted_nash": co.weighted_nash,
             "kalai_smorodinsky": co.kalai_smorodinsky, "egalitarian": co.egalitarian,
             "utilitarian": co.utilitarian}
    for path in ("scenarios/berlin-2025-12.yaml", "docs/tutorial/berlin-mini.yaml"):
        pb = Problem(ng.load_scenario(path), precision="exact")
        ideal = co.ideal_point(pb)
        assert ideal is not None
        for name, f in funcs.items():
            want, got = f(pb, ideal=ideal), seeded.solution(pb, name, ideal)
            assert got is not None and want is not None
            assert got.to_dict() == want.to_dict(), (path, name)
            assert [s.kind for s in co.solution_stages(pb, name, ideal)]


def test_replace_all_is_scenario_replace():
    """The one-pass replace builds the scenario ``Scenario.replace`` builds."""
    from negotiation.experiments.evaluate import replace_all

    exp = experiment_from_dict({
        "title": "t", "scenario": "scenarios/berlin-2025-12.yaml",
        "sample": {"draws": 3, "seed": 2, "parameters": "assumptions"},
        "measure": ["deal_possible"]}, check=False)
    plan = Plan(exp)
    cols = plan.columns(0, 3)
    for r in range(3):
        changes = plan.changes(cols, r, r)
        assert len(changes) > 20
        a, b = replace_all(exp.scenario, changes), exp.scenario.replace(changes)
        assert a == b and a.raw == b.raw and a.texts == b.texts and a.lines == b.lines
        assert len(a.texts) < len(exp.scenario.texts)   # texts of changed values dropped


def test_constraints_take_the_general_path_ratification_does_not_matter():
    """Linear constraints change the agreement set, which the per-issue tables do not
    model: such scenarios never use the grid path nor its seeds. A ``ratification``
    block does not change the measured quantities (the ratification analysis solves its
    own problem, under its own key): the grid path stays, unless a measure reads that
    analysis (the shipped scenarios have ratifiers; the tests above check them against
    ``analyse``)."""
    import dataclasses

    from negotiation.experiments.runner import ChunkRunner

    base = {"title": "t", "scenario": "scenarios/berlin-2025-12.yaml",
            "vary": {"conflict.costs.russia": {"values": [0.1, 0.2]}},
            "measure": ["deal_possible"]}
    for precision in ("grid", "exact"):
        exp = experiment_from_dict({**base, "precision": precision}, check=False)
        seeds = precision == "exact"
        assert fast_grid(exp, seeds=seeds) is not None
        s = dataclasses.replace(exp.scenario, constraints=("x",))
        other = dataclasses.replace(exp, scenario_obj=s)
        assert fast_grid(other) is None and fast_grid(other, seeds=True) is None
        runner = ChunkRunner(other)
        assert runner.fast is None and runner.seeder is None
    assert ng.load_scenario("scenarios/berlin-2025-12.yaml").ratification is not None
    ratified = experiment_from_dict({**base, "measure": ["deal_possible",
                                                        "ratification.deal_possible"]},
                                    check=False)
    assert fast_grid(ratified) is None


def test_seeded_exact_rows_do_not_depend_on_the_chunks():
    """Each point's starts are its own grid optima: the same rows whatever chunk (and so
    whatever batch of the grid path) a point is computed in."""
    from negotiation.experiments.runner import ChunkRunner

    exp = experiment_from_dict({
        "title": "t", "scenario": "scenarios/berlin-2025-12.yaml", "precision": "exact",
        "sample": {"draws": 9, "seed": 11, "parameters": "assumptions"},
        "measure": ["deal_possible", "solutions.nash.outcome.territory",
                    "solutions.kalai_smorodinsky.outcome.territory",
                    "bargaining_range.territory.max"]}, check=False)
    whole, _ = ChunkRunner(exp).run(0, 9)
    runner = ChunkRunner(exp)
    parts = runner.run(0, 2)[0] + runner.run(2, 7)[0] + runner.run(7, 9)[0]
    assert parts == whole


def test_constraints_or_ratification_get_the_full_analysis():
    import dataclasses

    from negotiation.experiments.evaluate import Needs

    exp = experiment_from_dict({"title": "t", "scenario": "scenarios/berlin-2025-12.yaml",
                                "precision": "exact", "measure": ["deal_possible"],
                                "vary": {"conflict.costs.russia": {"values": [0.1]}}},
                               check=False)
    assert not Needs(exp).full
    s = dataclasses.replace(exp.scenario, constraints=("x",))
    assert Needs(dataclasses.replace(exp, scenario_obj=s)).full
