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
        self.issue_index = {i.name: k for k, i in enumerate(s.issues)}


class PointEvaluator:
    """Analyse one point of an experiment (see the module notes)."""

    def __init__(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self.scenario = experiment.scenario
        self.precision = experiment.precision
        self.needs = Needs(experiment)

    def measures(self, changes: dict[str, Any]) -> list[Any]:
        """The measured values at the point with ``changes`` (raises on an invalid point)."""
        s = self.scenario.replace(changes) if changes else self.scenario
        data = self.report_json(s)
        return [extract(data, m.parts) for m in self.experiment.measures]

    def report_json(self, scenario: Scenario) -> dict[str, Any]:
        if self.needs.full:
            from ..analysis import analyse

            return analyse(scenario, precision=self.precision).to_dict()
        return partial_json(scenario, self.needs, self.precision)


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


def partial_json(scenario: Scenario, needs: Needs, precision: str) -> dict[str, Any]:
    """The parts of ``analyse(scenario).to_dict()`` that ``needs`` asks for, computed with
    the same solver calls as :func:`negotiation.solve.agreement.bargaining_range` and the
    registered solutions."""
    from ..solve.agreement import deal_verdict, max_slack, point_of
    from ..solve.cooperative import SURPLUS_TOL
    from ..solve.problem import Problem
    from ..solve.results import BargainingRange

    pb = Problem(scenario, precision=precision)
    names = pb.names
    reservation = {n: float(v) for n, v in zip(names, pb.d)}
    slack = max_slack(pb)
    deal, slack_value = deal_verdict(pb, slack)
    closest = point_of(pb, slack) if slack is not None else None
    issues: dict[str, Any] = {}
    ends: dict[str, tuple[float, float]] = {}
    solutions: dict[str, Any] = {}
    if deal:
        for name in needs.issues:
            issues[name] = issue_range(pb, needs.issue_index[name])
        for name in needs.parties:
            ends[name] = party_ends(pb, names.index(name))
        if needs.solutions:
            need_ideal = "kalai_smorodinsky" in needs.solutions or not slack_value > SURPLUS_TOL
            ideal = np.array(pb.d, dtype=float)
            for i in np.flatnonzero(pb.veto):
                if need_ideal:
                    n = names[i]
                    ideal[i] = ends[n][1] if n in ends else party_max(pb, int(i))
                else:
                    # every veto party gains at least the deal margin at the closest outcome
                    ideal[i] = pb.d[i] + slack_value
            solutions = solve(pb, needs.solutions, ideal)
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


def solve(pb: Any, which: set[str], ideal: np.ndarray) -> dict[str, Any]:
    from ..solve import cooperative as co

    funcs = {
        "nash": co.nash_bargaining,
        "weighted_nash": co.weighted_nash,
        "kalai_smorodinsky": co.kalai_smorodinsky,
        "egalitarian": co.egalitarian,
        "utilitarian": co.utilitarian,
    }
    return {name: funcs[name](pb, ideal=ideal) for name in BUILTIN_SOLUTIONS if name in which}


def issue_range(pb: Any, k: int) -> Any:
    """One issue's entry of :func:`negotiation.solve.agreement.bargaining_range`."""
    from ..solve.optimize import Stage, optimise
    from ..solve.results import IssueRange

    issue = pb.space.issues[k]
    P, K = len(pb.names), len(pb.space.issues)
    zero_c = np.zeros(P)
    if issue.continuous:
        issue_ok = True
        bounds, gaps = [], []
        for sign in (-1.0, 1.0):
            e = np.zeros(K)
            e[k] = sign
            opt = optimise(pb, [Stage("linear", zero_c, e)])
            ok = opt is not None and opt.certified
            issue_ok &= ok
            bounds.append(float(opt.coords[k]) if opt is not None else float("nan"))
            gaps.append(opt.gap if opt is not None else float("nan"))
        return IssueRange(
            issue.name, min=bounds[0], max=bounds[1], certified=issue_ok, gap=max(gaps)
        )
    levels = []
    on_grid = set(
        np.unique(pb.space.coordinates(np.flatnonzero(pb.agreement))[:, k]).astype(int).tolist()
    )
    for j, level in enumerate(issue.levels):
        if j in on_grid:
            levels.append(level)
            continue
        if pb.precision == "grid":
            continue
        opt = optimise(pb, [Stage("linear", zero_c)], fixed={k: float(j)})
        if opt is not None:
            levels.append(level)
    return IssueRange(issue.name, levels=tuple(levels), certified=pb.precision != "grid")


def party_max(pb: Any, i: int) -> float:
    from ..solve.optimize import Stage, optimise

    c = np.zeros(len(pb.names))
    c[i] = 1.0
    opt = optimise(pb, [Stage("linear", c)])
    return float(opt.utilities[i]) if opt is not None else float("nan")


def party_ends(pb: Any, i: int) -> tuple[float, float]:
    """One party's entry of the bargaining range's party ranges (agreement min and max)."""
    from ..solve.optimize import Stage, optimise

    ends = []
    for sign in (-1.0, 1.0):
        c = np.zeros(len(pb.names))
        c[i] = sign
        opt = optimise(pb, [Stage("linear", c)])
        ends.append(float(opt.utilities[i]) if opt is not None else float("nan"))
    return ends[0], ends[1]


__all__ = ["Needs", "PointEvaluator", "partial_json"]
