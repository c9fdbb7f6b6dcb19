"""The agreement set and the bargaining range.

The agreement set is ``A = {o : u_i(o) >= d_i for every veto party i}``
(Fearon 1995's bargaining range, generalised to many issues and parties). Its
extent per issue and per party is computed exactly on continuous issues:
each bound is a lexicographic optimisation (:mod:`negotiation.solve.optimize`).
"""

from __future__ import annotations

import numpy as np

from .optimize import FEAS_TOL, Optimum, Stage, optimise
from .problem import Problem
from .results import BargainingRange, IssueRange, Point


def point_of(problem: Problem, opt: Optimum) -> Point:
    return Point(
        problem.space.decode(opt.coords),
        {n: float(u) for n, u in zip(problem.names, opt.utilities)},
    )


def max_slack(problem: Problem, start: np.ndarray | None = None) -> Optimum | None:
    """Outcome maximising the smallest veto surplus ``min_i (u_i - d_i)`` (searched from
    the outcome ``start`` when given)."""
    c = problem.veto.astype(float)
    stages = [Stage("maximin", c), Stage("linear", c)]
    return optimise(problem, stages, require_agreement=False, start=start)


def issue_range(problem: Problem, k: int, start: np.ndarray | None = None) -> IssueRange:
    """Issue ``k``'s part of the bargaining range: a continuous issue's two certified
    ends, or the levels of a discrete issue that some agreement uses."""
    issue = problem.space.issues[k]
    P, K = len(problem.names), len(problem.space.issues)
    zero_c = np.zeros(P)
    if issue.continuous:
        bounds, gaps, ok = [], [], True
        for sign in (-1.0, 1.0):
            e = np.zeros(K)
            e[k] = sign
            opt = optimise(problem, [Stage("linear", zero_c, e)], start=start)
            ok &= opt is not None and opt.certified
            bounds.append(float(opt.coords[k]) if opt is not None else float("nan"))
            gaps.append(opt.gap if opt is not None else float("nan"))
        return IssueRange(issue.name, min=bounds[0], max=bounds[1], certified=ok, gap=max(gaps))
    on_grid = set(
        np.unique(problem.space.coordinates(np.flatnonzero(problem.agreement))[:, k])
        .astype(int)
        .tolist()
    )
    levels = []
    for j, level in enumerate(issue.level_names):
        # a level is in the range if some agreement uses it: the grid shows most;
        # for the others, look for one between grid points
        if j in on_grid:
            levels.append(level)
        elif problem.precision != "grid" and (
            optimise(problem, [Stage("linear", zero_c)], fixed={k: float(j)}) is not None
        ):
            levels.append(level)
    return IssueRange(issue.name, levels=tuple(levels), certified=problem.precision != "grid")


def party_end(problem: Problem, i: int, sign: float, start: np.ndarray | None = None):
    """Party ``i``'s smallest (``sign=-1``) or largest (``+1``) utility over the agreement
    set, as ``(value, certified)`` (``nan``: no agreement)."""
    c = np.zeros(len(problem.names))
    c[i] = sign
    opt = optimise(problem, [Stage("linear", c)], start=start)
    if opt is None:
        return float("nan"), False
    return float(opt.utilities[i]), bool(opt.certified)


def deal_verdict(problem: Problem, slack: Optimum | None = None) -> tuple[bool, float]:
    """Is a deal possible, and the largest smallest veto surplus (``max_slack``).

    At ``precision="exact"`` the verdict is the certified maximum of the
    smallest surplus over the continuous space; at ``"grid"``, whether some
    grid outcome is in the agreement set.
    """
    if problem.precision == "grid" and slack is None:
        veto = problem.veto
        if not veto.any():
            return True, 0.0
        U = problem.U[problem.feasible] if problem.scenario.constraints else problem.U
        if U.shape[0] == 0:
            return False, float("-inf")
        margins = (U[:, veto] - problem.d[veto]).min(axis=1)
        return bool(problem.agreement.any()), float(margins.max())
    slack = max_slack(problem) if slack is None else slack
    value = float(slack.values[0]) if slack is not None else float("-inf")
    if problem.precision == "grid":
        return bool(problem.agreement.any()), value
    scale = 1.0 + float(np.max(np.abs(problem.d))) if len(problem.d) else 1.0
    return slack is not None and value >= -FEAS_TOL * scale, value


def bargaining_range(problem: Problem) -> BargainingRange:
    """The agreement set's extent: is a deal possible, issue ranges, party utility ranges.

    The agreement set ``A = {o : u_i(o) >= d_i for every veto party i}`` is
    the multi-issue form of Fearon's (1995, section "Rationalist explanations
    for war", the bargaining range ``[p - c_A, p + c_B]``) bargaining range.
    Each end of an issue range and of a party's utility range is a certified
    global optimum over the continuous outcome space
    (:mod:`negotiation.solve.bnb`).

    Parameters
    ----------
    problem : Problem
        The compiled scenario.

    Returns
    -------
    BargainingRange
        ``deal_possible``, ``reservation``, per-issue ``issues`` (with their
        certificates), per-party ``parties`` ``(min, max)``, ``max_slack`` and
        the ``closest`` outcome (the one with the largest smallest surplus).
    """
    names = problem.names
    reservation = {n: float(v) for n, v in zip(names, problem.d)}
    slack = max_slack(problem)
    grid_points = int(problem.agreement.sum())
    deal, slack_value = deal_verdict(problem, slack)
    closest = point_of(problem, slack) if slack is not None else None
    # the closest outcome is in the agreement set when a deal is possible: it seeds every
    # range search, so that a thin agreement set always has a first incumbent
    seed = slack.coords if slack is not None else None
    exact = slack is not None and slack.certified
    if not deal:
        return BargainingRange(False, reservation, {}, {}, slack_value, closest, grid_points, exact)
    issues: dict[str, IssueRange] = {}
    for k, issue in enumerate(problem.space.issues):
        issues[issue.name] = r = issue_range(problem, k, seed)
        if issue.continuous:
            exact &= r.certified
    parties: dict[str, tuple[float, float]] = {}
    for i, n in enumerate(names):
        (lo, ok_lo), (hi, ok_hi) = (party_end(problem, i, sign, seed) for sign in (-1.0, 1.0))
        exact &= ok_lo and ok_hi
        parties[n] = (lo, hi)
    return BargainingRange(
        True, reservation, issues, parties, slack_value, closest, grid_points, exact
    )
