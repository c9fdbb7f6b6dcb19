"""Which assumptions matter? A one-at-a-time screen over the assumption ranges.

Each parameter the scenario marks as an assumption with a ``range``
(:func:`negotiation.assumptions`) is moved to each end of its range, one at a
time, with everything else as in the file (``Scenario.replace``), and the
changed scenario is analysed again. A parameter matters first when it decides
whether a deal is possible, then by how far it moves the Nash solution (the
scaled issue distance of :func:`negotiation.solve.proposals.outcome_distance`:
root-mean-square over the issues, each scaled to [0, 1]), and, when no deal is
possible either way, by how much it changes the gap between the parties
(``max_slack``).

Only parameters that can change those results are screened: bargaining
powers (they enter only the weighted Nash solution), the parameters of
parties without a veto (they enter neither the agreement set nor the Nash
product; they only break exact ties) and proposals are left out. That keeps
the screen to two analyses per parameter (68 for the Berlin scenario).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ScenarioError
from .scenario.assumptions import Assumption, assumptions
from .scenario.replace import copy_data

if TYPE_CHECKING:  # pragma: no cover
    from .model.scenario import Scenario

#: A Nash shift or gap change below this counts as no change.
EFFECT_TOL = 1e-6


@dataclass(frozen=True)
class Sensitivity:
    """What moving one assumption to the ends of its range does to the analysis.

    Attributes
    ----------
    path, label : str
        The assumption's dotted path and short name (see :class:`Assumption`).
    value : object
        Its value in the scenario.
    low, high : float
        The ends of its range.
    deal : tuple of (bool or None)
        ``deal_possible`` at ``low`` and at ``high`` (``None``: that end is
        not a valid scenario, see ``errors``).
    baseline_deal : bool
        ``deal_possible`` of the scenario as given.
    nash_shift : tuple of (float or None)
        Distance of the Nash solution at ``low`` and at ``high`` from the
        baseline Nash solution, issues scaled to [0, 1] (``None`` when either
        has no deal).
    slack : tuple of (float or None)
        ``max_slack`` (smallest veto surplus of the best outcome; negative:
        how far apart the parties are) at ``low`` and at ``high``.
    baseline_slack : float
        ``max_slack`` of the scenario as given.
    nash : tuple of (dict or None)
        The Nash outcome (``{issue: value}``) at ``low`` and at ``high``
        (``None``: no deal, or not a valid scenario).
    errors : tuple of str
        Why an end could not be analysed (an invalid scenario), if any.
    """

    path: str
    label: str
    value: Any
    low: float
    high: float
    deal: tuple[bool | None, bool | None]
    baseline_deal: bool
    nash_shift: tuple[float | None, float | None]
    slack: tuple[float | None, float | None]
    baseline_slack: float
    nash: tuple[dict[str, Any] | None, dict[str, Any] | None] = (None, None)
    errors: tuple[str, ...] = ()

    @property
    def deal_flips(self) -> int:
        """At how many ends (0, 1 or 2) ``deal_possible`` differs from the baseline."""
        return sum(d is not None and d != self.baseline_deal for d in self.deal)

    @property
    def shift(self) -> float:
        """The larger Nash shift of the two ends (0 when there is none to measure)."""
        return max((s for s in self.nash_shift if s is not None), default=0.0)

    @property
    def slack_change(self) -> float:
        """The larger change of ``max_slack`` at the two ends."""
        return max(
            (
                abs(s - self.baseline_slack)
                for s in self.slack
                if s is not None and math.isfinite(s) and math.isfinite(self.baseline_slack)
            ),
            default=0.0,
        )

    @property
    def matters(self) -> bool:
        """Does either end flip the deal, move the Nash solution or (no deal) the gap?"""
        return (
            self.deal_flips > 0
            or self.shift > EFFECT_TOL
            or (not self.baseline_deal and self.slack_change > EFFECT_TOL)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON)."""
        return {
            "path": self.path,
            "label": self.label,
            "value": copy_data(self.value),
            "low": self.low,
            "high": self.high,
            "deal_low": self.deal[0],
            "deal_high": self.deal[1],
            "deal_flips": self.deal_flips,
            "nash_shift_low": self.nash_shift[0],
            "nash_shift_high": self.nash_shift[1],
            "max_slack_low": self.slack[0],
            "max_slack_high": self.slack[1],
            "nash_low": self.nash[0],
            "nash_high": self.nash[1],
            "errors": list(self.errors),
        }

    def __repr__(self) -> str:
        flips = f", deal flips at {self.deal_flips} end(s)" if self.deal_flips else ""
        return (
            f"Sensitivity({self.label} {self.low:g} to {self.high:g}{flips}, "
            f"Nash shift {self.shift:.3f})"
        )


def screened(scenario: Scenario, among: Iterable[Assumption] | None = None) -> list[Assumption]:
    """The assumptions the screen moves: a range, something to move, able to matter.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    among : iterable of Assumption, optional
        Candidates (default: every assumption of ``scenario``).

    Returns
    -------
    list of Assumption
        Those with a range and targets, except bargaining powers, parameters
        of parties without a veto, proposals, and the parameters that only the
        non-cooperative and forecasting sections use (discounts, recognition,
        outside options, capabilities, the bargaining and ratification blocks).
    """
    cands = assumptions(scenario) if among is None else list(among)
    quiet = [f"parties.{p.name}." for p in scenario.parties if not p.veto]
    quiet += [f"conflict.costs.{p.name}" for p in scenario.parties if not p.veto]
    out = []
    for a in cands:
        if a.range is None or not a.targets or a.path.startswith("proposals."):
            continue
        if any(a.path.startswith(q) or a.path == q.rstrip(".") for q in quiet):
            continue
        if a.path in {f"parties.{p.name}.power" for p in scenario.parties}:
            continue
        parts = a.path.split(".")
        own = parts[0] == "parties" and len(parts) == 3 and parts[2] in NON_COOPERATIVE
        if own or parts[0] in ("bargaining", "ratification"):
            continue  # they move only their own sections, not the deal or the Nash solution
        out.append(a)
    return out


#: Party parameters of the non-cooperative and forecasting models only.
NON_COOPERATIVE = ("discount", "recognition", "outside_option", "capability")


def screen(
    scenario: Scenario, precision: str = "grid", among: Iterable[Assumption] | None = None
) -> list[Sensitivity]:
    """Move every screened assumption to both ends of its range; rank the results.

    Parameters
    ----------
    scenario : Scenario
        The scenario to test.
    precision : {"grid", "exact"}
        Precision of the re-solves (``"grid"``: best grid outcome
        only, fast).
    among : iterable of Assumption, optional
        The assumptions to consider (default: all; see :func:`screened`).

    Returns
    -------
    list of Sensitivity
        One per screened assumption, most influential first: deal flips, then
        Nash shift, then change of the gap; file order among equals.
    """
    if precision not in ("grid", "exact"):
        raise ValueError(f"precision must be 'grid' or 'exact', not {precision!r}")
    base = _analyse(scenario, precision)
    results = [_one(scenario, base, a, precision) for a in screened(scenario, among)]
    results.sort(key=lambda r: (-r.deal_flips, -round(r.shift, 9), -round(r.slack_change, 9)))
    return results


def top_assumptions(
    scenario: Scenario,
    n: int = 3,
    precision: str = "grid",
    among: Iterable[Assumption] | None = None,
) -> list[Sensitivity]:
    """The ``n`` assumptions whose ranges move the analysis most.

    Parameters
    ----------
    scenario : Scenario
        The scenario to test.
    n : int
        How many to return at most.
    precision : {"grid", "exact"}
        Precision of the re-solves, as for :func:`negotiation.analyse`.
    among : iterable of Assumption, optional
        The assumptions to consider (default: all).

    Returns
    -------
    list of Sensitivity
        The first ``n`` of :func:`screen` that change something (flip the
        deal, move the Nash solution or, without a deal, the gap); shorter
        when fewer do.

    Examples
    --------
    >>> top_assumptions(ng.load_scenario("scenarios/berlin-2025-12.yaml"))  # doctest: +SKIP
    """
    return [r for r in screen(scenario, precision, among) if r.matters][:n]


# --------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class _Summary:
    """What the screen needs of an analysis: the deal verdict, the gap and the Nash solution."""

    problem: Any
    deal_possible: bool
    max_slack: float
    solutions: dict[str, Any]


def _analyse(scenario: Scenario, precision: str) -> _Summary:
    """The deal verdict and the Nash solution only (a full analysis costs ten times more)."""
    from .solve.agreement import deal_verdict
    from .solve.cooperative import nash_bargaining
    from .solve.problem import Problem

    problem = Problem(scenario, precision=precision)
    deal, slack = deal_verdict(problem)
    nash = nash_bargaining(problem) if deal else None
    return _Summary(problem, deal, slack, {"nash": nash})


def _one(scenario: Scenario, base: _Summary, a: Assumption, precision: str) -> Sensitivity:
    assert a.range is not None
    deal: list[bool | None] = []
    shift: list[float | None] = []
    slack: list[float | None] = []
    nash: list[dict[str, Any] | None] = []
    errors: list[str] = []
    for end in a.range:
        changes = a.changes(end)
        if all(_same(scenario, path, v) for path, v in changes.items()):
            report: _Summary | None = base
        else:
            try:
                report = _analyse(scenario.replace(changes), precision)
            except ScenarioError as exc:
                errors.append(f"at {end:g}: {exc.message} ({exc.path})")
                report = None
        deal.append(None if report is None else report.deal_possible)
        slack.append(None if report is None else report.max_slack)
        shift.append(None if report is None else _nash_shift(base, report))
        sol = None if report is None else report.solutions.get("nash")
        nash.append(None if sol is None else dict(sol.outcome))
    return Sensitivity(
        a.path,
        a.label,
        a.value,
        a.range[0],
        a.range[1],
        (deal[0], deal[1]),
        base.deal_possible,
        (shift[0], shift[1]),
        (slack[0], slack[1]),
        base.max_slack,
        (nash[0], nash[1]),
        tuple(errors),
    )


def _same(scenario: Scenario, path: str, value: float) -> bool:
    node: Any = scenario.raw
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return isinstance(node, (int, float)) and not isinstance(node, bool) and node == value


def _nash_shift(base: _Summary, other: _Summary) -> float | None:
    from .solve.proposals import outcome_distance

    a, b = base.solutions.get("nash"), other.solutions.get("nash")
    if a is None or b is None:
        return None
    space = base.problem.space
    return outcome_distance(base.problem, space.encode(a.outcome), space.encode(b.outcome))


__all__ = ["EFFECT_TOL", "Sensitivity", "screen", "screened", "top_assumptions"]
