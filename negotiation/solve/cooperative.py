"""Cooperative bargaining solutions over the agreement set.

The *players* of the bargaining problem are the veto parties: their consent
defines the agreement set and their reservation values the disagreement point
``d``. Non-veto parties do not change who must agree, but they count for
efficiency: every solution breaks remaining ties by the total utility of all
parties, then by the lowest grid index. A veto party whose best agreement
gives it no more than ``d_i`` (no surplus to bargain over) is left out of the
criterion, since it gets ``d_i`` in every agreement.

Solutions are pure outcomes (no lotteries); on a non-convex utility set the
maximiser of a criterion may not be unique, and the tie rules above decide.

References
----------
Nash, J. (1950). The bargaining problem. Econometrica 18(2), 155-162.
Kalai, E. & Smorodinsky, M. (1975). Other solutions to Nash's bargaining
problem. Econometrica 43(3), 513-518.
Kalai, E. (1977). Proportional solutions to bargaining situations.
Econometrica 45(7), 1623-1630.
Roth, A. (1979). Axiomatic Models of Bargaining. Springer (asymmetric Nash).
"""

from __future__ import annotations

import numpy as np

from .agreement import point_of
from .optimize import Optimum, Stage, optimise
from .problem import Problem
from .results import Solution

SURPLUS_TOL = 1e-9
SOLUTIONS = ("nash", "weighted_nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


def ideal_point(problem: Problem) -> np.ndarray | None:
    """``I_i = max`` over the agreement set of ``u_i``, per party (``None``: no deal)."""
    P = len(problem.names)
    out = np.empty(P)
    for i in range(P):
        if not problem.players[i]:
            out[i] = np.nan  # a ratifier pseudo-party: no ideal (it does not bargain)
            continue
        c = np.zeros(P)
        c[i] = 1.0
        opt = optimise(problem, [Stage("linear", c)])
        if opt is None:
            return None
        out[i] = opt.utilities[i]
    return out


def _players(problem: Problem, ideal: np.ndarray | None) -> np.ndarray:
    """Veto parties with something to gain (``I_i - d_i > SURPLUS_TOL``)."""
    players = problem.veto & problem.players  # ratifier pseudo-parties never bargain
    if ideal is not None:
        players &= (ideal - problem.d) > SURPLUS_TOL
    return players


def _total(problem: Problem) -> Stage:
    return Stage("linear", problem.players.astype(float))


def _then_total(problem: Problem, stages: list[Stage]) -> list[Stage]:
    """Append the all-party tie-break unless an earlier stage already fixes every utility."""
    nash = stages[0].kind == "nash" and np.all(stages[0].c > 0)
    return stages if nash else stages + [_total(problem)]


def _finish(problem: Problem, name: str, opt: Optimum | None) -> Solution | None:
    if opt is None:
        return None
    p = point_of(problem, opt)
    return Solution(
        p.outcome,
        p.utilities,
        name=name,
        exact=opt.certified,
        message=opt.message,
        coords=opt.coords,
        certified=opt.certified,
        criterion=float(opt.values[0]) if opt.values else float("nan"),
        bound=float(opt.bound),
        precision=problem.precision,
    )


def solution_stages(
    problem: Problem, name: str, ideal: np.ndarray, weights: np.ndarray | None = None
) -> list[Stage]:
    """The lexicographic criteria of the solution ``name`` (the one home of these lists).

    ``name`` is ``nash`` (exponents ``weights``, default 1), ``weighted_nash``
    (exponents = powers), ``kalai_smorodinsky``, ``egalitarian`` or
    ``utilitarian``; ``ideal`` is the ideal point (:func:`ideal_point`).
    """
    players = _players(problem, ideal)
    if name in ("nash", "weighted_nash"):
        if weights is None:
            weights = problem.power if name == "weighted_nash" else np.ones(len(problem.names))
        c = np.where(players, np.asarray(weights, dtype=float), 0.0)
        return _then_total(problem, [Stage("nash", c)])
    if name == "kalai_smorodinsky":
        scale = np.where(players, 1.0 / np.where(players, ideal - problem.d, 1.0), 0.0)
        return _then_total(problem, [Stage("maximin", scale), Stage("linear", scale)])
    if name == "egalitarian":
        c = players.astype(float)
        return _then_total(problem, [Stage("maximin", c), Stage("linear", c)])
    if name == "utilitarian":
        c = (problem.veto & problem.players).astype(float)
        return _then_total(problem, [Stage("linear", c), Stage("nash", players.astype(float))])
    raise KeyError(f"no solution {name!r}; solutions: {', '.join(SOLUTIONS)}")


def solve_named(
    problem: Problem,
    name: str,
    *,
    ideal: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> Solution | None:
    """The solution ``name`` (see :func:`solution_stages`), its search started from the
    outcome ``start`` when given (a first incumbent: it can only speed the search up)."""
    ideal = ideal_point(problem) if ideal is None else ideal
    if ideal is None:
        return None
    return _finish(
        problem, name, optimise(problem, solution_stages(problem, name, ideal), start=start)
    )


def nash_bargaining(
    problem: Problem,
    *,
    weights: np.ndarray | None = None,
    ideal: np.ndarray | None = None,
    name: str = "nash",
) -> Solution | None:
    """Nash (1950) solution: maximise ``sum_i a_i log(u_i - d_i)`` over the agreement set.

    The maximiser of the product of the players' gains (Nash 1950, the
    product of section 8 over the feasible set; in log form). With
    ``weights=None`` every player has ``a_i = 1`` (the symmetric solution);
    otherwise ``a_i = weights[i]`` (the asymmetric or generalised Nash
    solution, Roth 1979, ch. 2).

    Parameters
    ----------
    problem : Problem
        The compiled scenario (its agreement set, reservation values ``d``,
        veto parties and powers).
    ideal : ndarray, optional
        Each party's best utility over the agreement set; computed when not
        given (:func:`negotiation.analyse` passes the one it already has).

    Returns
    -------
    Solution or None
        The outcome, the utilities and the certificate (``certified``,
        ``criterion``, ``bound``, ``gap``); ``None`` when the agreement set is
        empty.
    weights : ndarray, optional
        The exponents ``a_i`` (default 1 for every player).
    name : str
        The solution's key in the report.
    """
    ideal = ideal_point(problem) if ideal is None else ideal
    if ideal is None:
        return None
    stages = solution_stages(problem, "nash", ideal, weights)
    return _finish(problem, name, optimise(problem, stages))


def weighted_nash(problem: Problem, *, ideal: np.ndarray | None = None) -> Solution | None:
    """Asymmetric Nash solution with exponents ``a_i = power_i`` (Roth 1979, ch. 2).

    Maximises ``sum_i power_i log(u_i - d_i)``: bargaining power as the
    exponent of each player's gain.

    Parameters
    ----------
    problem : Problem
        The compiled scenario (its agreement set, reservation values ``d``,
        veto parties and powers).
    ideal : ndarray, optional
        Each party's best utility over the agreement set; computed when not
        given (:func:`negotiation.analyse` passes the one it already has).

    Returns
    -------
    Solution or None
        The outcome, the utilities and the certificate (``certified``,
        ``criterion``, ``bound``, ``gap``); ``None`` when the agreement set is
        empty.
    """
    return nash_bargaining(problem, weights=problem.power, ideal=ideal, name="weighted_nash")


def kalai_smorodinsky(problem: Problem, *, ideal: np.ndarray | None = None) -> Solution | None:
    """Kalai-Smorodinsky (1975): maximise ``min_i (u_i - d_i) / (I_i - d_i)``.

    Every player gets the same share of its largest possible gain (Kalai &
    Smorodinsky 1975, the solution of their Theorem: the maximal point on the
    segment from ``d`` to the ideal point ``I``; on non-convex sets the max-min
    of the normalised gains). Ties on the max-min value are broken by the sum
    of normalised gains (which makes the result Pareto optimal among the
    players), then by total utility.

    Parameters
    ----------
    problem : Problem
        The compiled scenario (its agreement set, reservation values ``d``,
        veto parties and powers).
    ideal : ndarray, optional
        Each party's best utility over the agreement set; computed when not
        given (:func:`negotiation.analyse` passes the one it already has).

    Returns
    -------
    Solution or None
        The outcome, the utilities and the certificate (``certified``,
        ``criterion``, ``bound``, ``gap``); ``None`` when the agreement set is
        empty.
    """
    return solve_named(problem, "kalai_smorodinsky", ideal=ideal)


def egalitarian(problem: Problem, *, ideal: np.ndarray | None = None) -> Solution | None:
    """Egalitarian (Kalai 1977): maximise ``min_i (u_i - d_i)``, ties by the sum of gains.

    The proportional solution of Kalai (1977) with equal weights: equal
    absolute gains for every player, as large as the agreement set allows.

    Parameters
    ----------
    problem : Problem
        The compiled scenario (its agreement set, reservation values ``d``,
        veto parties and powers).
    ideal : ndarray, optional
        Each party's best utility over the agreement set; computed when not
        given (:func:`negotiation.analyse` passes the one it already has).

    Returns
    -------
    Solution or None
        The outcome, the utilities and the certificate (``certified``,
        ``criterion``, ``bound``, ``gap``); ``None`` when the agreement set is
        empty.
    """
    return solve_named(problem, "egalitarian", ideal=ideal)


def utilitarian(problem: Problem, *, ideal: np.ndarray | None = None) -> Solution | None:
    """Utilitarian: maximise the veto parties' total utility ``sum_i u_i`` over the agreement set.

    Ties (frequent with linear utilities) go to the outcome with the largest
    Nash product among the tied ones, then to the largest total utility of
    all parties.

    Parameters
    ----------
    problem : Problem
        The compiled scenario (its agreement set, reservation values ``d``,
        veto parties and powers).
    ideal : ndarray, optional
        Each party's best utility over the agreement set; computed when not
        given (:func:`negotiation.analyse` passes the one it already has).

    Returns
    -------
    Solution or None
        The outcome, the utilities and the certificate (``certified``,
        ``criterion``, ``bound``, ``gap``); ``None`` when the agreement set is
        empty.
    """
    return solve_named(problem, "utilitarian", ideal=ideal)


def all_solutions(
    problem: Problem, *, ideal: np.ndarray | None = None
) -> dict[str, Solution | None]:
    """Every cooperative solution, keyed by its JSON name.

    ``ideal`` (each party's best utility in the agreement set) is computed
    when not given; :func:`negotiation.analyse` passes the one it already has.
    """
    ideal = ideal_point(problem) if ideal is None else ideal
    if ideal is None:
        return {name: None for name in SOLUTIONS}
    return {
        "nash": nash_bargaining(problem, ideal=ideal),
        "weighted_nash": weighted_nash(problem, ideal=ideal),
        "kalai_smorodinsky": kalai_smorodinsky(problem, ideal=ideal),
        "egalitarian": egalitarian(problem, ideal=ideal),
        "utilitarian": utilitarian(problem, ideal=ideal),
    }
