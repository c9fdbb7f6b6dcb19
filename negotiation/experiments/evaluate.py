"""One point of an experiment, analysed by the package's own solvers.

:class:`PointEvaluator` applies a point's changes with ``Scenario.replace``
and computes what the measures need, with the same solver calls
:func:`negotiation.analyse` makes, so each measured value equals the one in
``analyse(scenario.replace(changes), precision=...).to_dict()``:

* ``deal_possible``, ``closest``, ``reservation``: the deal verdict (the
  certified largest smallest surplus);
* ``bargaining_range.<issue>``: that issue's two ends only;
* ``party_range.<party>``: that party's two ends only;
* ``solutions.<name>``: that solution, with the ideal point it needs (the
  Nash family needs only to know which veto parties can gain, which a
  positive deal margin already proves);
* ``proposals.<name>``: the proposal, scored against the measured solutions.

Any other measure (the Pareto frontier, the grid count, notes, an analysis
registered by other code) gets the full ``analyse(...).to_dict()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .measures import extract

if TYPE_CHECKING:  # pragma: no cover
    from ..model.scenario import Scenario
    from .spec import Experiment

BUILTIN_SOLUTIONS = ("nash", "weighted_nash", "kalai_smorodinsky", "egalitarian", "utilitarian")
#: Fields of a report's JSON the partial analysis can fill.
PARTIAL_TOP = {
    "deal_possible",
    "reservation",
    "closest",
    "bargaining_range",
    "party_range",
    "solutions",
    "proposals",
    "parties",
    "issues",
    "veto",
    "scenario",
}


class Needs:
    """What a set of measures needs computed (``full``: the whole analysis)."""

    def __init__(self, experiment: Experiment) -> None:
        from ..registry import analyses

        s = experiment.scenario
        registered = [a.key for a in analyses("solution")]
        self.full = False
        self.issues: set[str] = set()
        self.parties: set[str] = set()
        self.solutions: set[str] = set()
        self.proposals: set[str] = set()
        self.distances: set[str] = set()
        self.deal = True
        for m in experiment.measures:
            parts = m.parts
            top = parts[0]
            if top not in PARTIAL_TOP:
                self.full = True
            elif top == "bargaining_range":
                self.issues.add(parts[1])
            elif top == "party_range":
                self.parties.add(parts[1])
            elif top == "solutions":
                if parts[1] not in BUILTIN_SOLUTIONS:
                    self.full = True
                self.solutions.add(parts[1])
            elif top == "proposals":
                self.proposals.add(parts[1])
                if len(parts) > 2 and parts[2] == "distance":
                    self.distances.add(parts[3] if len(parts) > 3 else "")
        if self.distances - set(BUILTIN_SOLUTIONS):
            self.full = True
        self.solutions |= self.distances
        if set(registered) != set(BUILTIN_SOLUTIONS):
            # another solution is registered: proposals' distances include it
            if self.distances or self.solutions - set(BUILTIN_SOLUTIONS):
                self.full = True
        if getattr(s, "constraints", ()):
            # linear constraints change the agreement set: the full analysis, by
            # construction what `negotiation run` gives. (A ``ratification`` block does
            # not change the quantities measured here: the ratification analysis solves
            # its own problem, with the ratifiers as pseudo-parties, under the key
            # ``ratification``, which is not a partial measure.)
            self.full = True
        self.issue_index = {i.name: k for k, i in enumerate(s.issues)}


class PointEvaluator:
    """Analyse one point of an experiment (see the module notes)."""

    def __init__(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self.scenario = experiment.scenario
        self.precision = experiment.precision
        self.needs = Needs(experiment)

    def measures(
        self, changes: dict[str, Any], seeds: dict[str, np.ndarray] | None = None
    ) -> list[Any]:
        """The measured values at the point with ``changes`` (raises on an invalid point);
        ``seeds``: first incumbents of the certified searches (:mod:`.seeded`)."""
        s = replace_all(self.scenario, changes) if changes else self.scenario
        data = self.report_json(s, seeds)
        return [extract(data, m.parts) for m in self.experiment.measures]

    def report_json(
        self, scenario: Scenario, seeds: dict[str, np.ndarray] | None = None
    ) -> dict[str, Any]:
        if self.needs.full:
            from ..analysis import analyse

            return analyse(scenario, precision=self.precision).to_dict()
        return partial_json(scenario, self.needs, self.precision, seeds)


def replace_all(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """``scenario.replace(changes)``: the same scenario, built in one pass.

    :func:`negotiation.scenario.replace.replace_scenario` applies the changes one
    by one and drops the source texts under each changed path after each; with
    dozens of changes (a Monte Carlo draw over every assumption) that filtering is
    a tenth of an exact point's time. Here the changes are applied in the same
    order with the same functions, and the texts are filtered once, by the set of
    changed paths (``tests/test_experiments_fast.py`` checks the two agree).
    """
    from ..scenario.load import _build
    from ..scenario.replace import copy_data, parse_path, plain, set_path

    data = copy_data(scenario.raw)
    lines = scenario.lines
    changed: set[tuple[Any, ...]] = set()
    for key, value in changes.items():
        path = parse_path(key, data, scenario.file)
        old = set_path(data, path, plain(value), scenario.file, lines)
        n = len(path)
        if isinstance(old, (dict, list)) and any(len(p) > n and p[:n] == path for p in lines):
            lines = {p: v for p, v in lines.items() if not (len(p) > n and p[:n] == path)}
        changed.add(tuple(path))
    texts = {
        p: v
        for p, v in scenario.texts.items()
        if not any(tuple(p[:n]) in changed for n in range(len(p) + 1))
    }
    return _build(data, lines, scenario.file, texts)


def assemble(
    scenario: Scenario, rng: Any, solutions: dict[str, Any], proposals: dict[str, Any] | None
) -> dict[str, Any]:
    """The report JSON of the given results, through the registered JSON functions (the
    same code as ``Report.to_dict``), so every value is rounded as the contract rounds it."""
    from ..registry import get

    out: dict[str, Any] = {
        "scenario": {"title": scenario.title, "date": scenario.date, "file": scenario.file},
        "parties": scenario.party_names,
        "issues": scenario.issue_names,
        "veto": [p.name for p in scenario.parties if p.veto],
        "solutions": {k: (None if v is None else v.to_dict()) for k, v in solutions.items()},
    }
    json_of = get("range").json
    assert json_of is not None
    out.update(json_of(None, rng))  # type: ignore[arg-type]
    if proposals is not None:
        pj = get("proposals").json
        assert pj is not None
        out.update(pj(None, proposals))  # type: ignore[arg-type]
    return out


def partial_json(
    scenario: Scenario,
    needs: Needs,
    precision: str,
    seeds: dict[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    """The parts of ``analyse(scenario).to_dict()`` that ``needs`` asks for, computed with
    the searches of :func:`negotiation.solve.agreement.bargaining_range` and the
    registered solutions (:mod:`.seeded`; ``seeds``: first incumbents, by search)."""
    from ..solve.agreement import deal_verdict, point_of
    from ..solve.cooperative import SURPLUS_TOL
    from ..solve.problem import Problem
    from ..solve.results import BargainingRange
    from . import seeded

    seeds = seeds or {}
    pb = Problem(scenario, precision=precision)
    names = pb.names
    reservation = {n: float(v) for n, v in zip(names, pb.d)}
    slack = seeded.max_slack(pb, seeds.get("closest"))
    deal, slack_value = deal_verdict(pb, slack)
    closest = point_of(pb, slack) if slack is not None else None
    # as bargaining_range: the closest outcome seeds the range searches
    near = slack.coords if slack is not None else None
    issues: dict[str, Any] = {}
    ends: dict[str, tuple[float, float]] = {}
    solutions: dict[str, Any] = {}
    if deal:
        for name in needs.issues:
            issues[name] = seeded.issue_range(pb, needs.issue_index[name], near)
        for name in needs.parties:
            j = names.index(name)
            ends[name] = (seeded.party_end(pb, j, -1.0, near), seeded.party_end(pb, j, 1.0, near))
        if needs.solutions:
            need_ideal = "kalai_smorodinsky" in needs.solutions or not slack_value > SURPLUS_TOL
            ideal = np.array(pb.d, dtype=float)
            for i in np.flatnonzero(pb.veto):
                if need_ideal:
                    n = names[i]
                    ideal[i] = ends[n][1] if n in ends else seeded.party_end(pb, int(i), 1.0, near)
                else:
                    # every veto party gains at least the deal margin at the closest outcome
                    ideal[i] = pb.d[i] + slack_value
            solutions = seeded.solutions(pb, needs.solutions, ideal, seeds)
    else:
        solutions = {name: None for name in needs.solutions}
    rng = BargainingRange(
        deal,
        reservation,
        issues if deal else {},
        ends if deal else {},
        slack_value,
        closest,
        -1,
        False,
    )
    proposals = None
    if needs.proposals:
        from ..solve.proposals import evaluate_proposal

        shown = {k: v for k, v in solutions.items() if k in needs.distances}
        proposals = {
            p.name: evaluate_proposal(pb, p.name, p.outcome, shown, p.source)
            for p in scenario.proposals
            if p.name in needs.proposals
        }
    return assemble(scenario, rng, solutions, proposals)


__all__ = ["Needs", "PointEvaluator", "partial_json"]
