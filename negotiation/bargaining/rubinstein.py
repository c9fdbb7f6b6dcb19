"""Two-party alternating offers on the utility frontier (Rubinstein 1982).

Two parties ``a`` and ``b`` alternate proposals; after each rejection the talks
break down into the reservation values with probability ``q``
(Binmore, Rubinstein & Wolinsky 1986, section 4) and otherwise go on one round
later, each party discounting its surplus by ``delta`` (Rubinstein 1982). So a
responder values the next round's agreement at ``rho * surplus`` with the
effective factor ``rho = (1 - q) * delta``. Instead of rejecting, a responder
may also opt out at once, with no breakdown draw first, and take its outside
option ``o`` (Binmore, Shaked & Sutton 1989; the timing of Osborne & Rubinstein
1990, section 3.12): it accepts any offer worth at least
``max(rho * y, o - d)``, so the option binds only when it exceeds the
continuation value. (Opting out only after surviving the breakdown draw would
give ``(1 - q) * max(delta * y, o - d)`` instead.)

Surpluses are over the reservation values ``d``. With ``f_a(t)`` the most ``a``
can get when ``b`` gets at least ``t`` (:mod:`.frontier`), the stationary
subgame-perfect equilibrium (Rubinstein 1982, Theorem; Osborne & Rubinstein
1990, Proposition 3.5 for a general frontier) solves

    x_a = f_a(T_b(y_b)),   y_b = f_b(T_a(x_a)),   T_j(y) = max(rho_j y, o_j - d_j),

where ``x_a`` is what ``a`` gets as proposer and ``y_b`` what ``b`` gets as
proposer. ``F(x) = f_a(T_b(f_b(T_a(x))))`` is increasing, so a point with
``F(lo) >= lo`` and one with ``F(hi) <= hi`` bracket a fixed point (Tarski);
the bracket is narrowed by the Illinois variant of regula falsi with
bisection as a safeguard. On a linear frontier (a pie) the answer is the closed
form ``x_a = (1 - rho_b) / (1 - rho_a rho_b)``.

With no friction at all (``rho_a = rho_b = 1``) every frontier point is a
subgame-perfect outcome (no unique SPE). The model then reports the limit of
equal small frictions, the Nash solution (Binmore, Rubinstein & Wolinsky 1986,
section 3), moved to where an outside option binds when it exceeds the Nash
surplus (Binmore, Shaked & Sutton 1989), and says it is not unique.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .frontier import Frontier, Offer

MAX_STEPS = 200  # root-finder iterations
XTOL = 1e-11  # bracket width (relative to the frontier's scale) at which the search stops
RESIDUAL_TOL = 1e-8  # |F(x) - x| (relative) accepted as a fixed point


@dataclass(frozen=True)
class Rubinstein:
    """The subgame-perfect agreement of two-party alternating offers.

    Attributes
    ----------
    parties : (str, str)
        The two bargainers ``(a, b)``.
    offers : dict
        Per first proposer, the :class:`~.frontier.Offer` it makes and the
        other accepts at once (``{}`` when no agreement exists).
    factors : dict
        Effective per-round factor ``rho = (1 - breakdown) * discount`` per party.
    discount, outside : dict
        Each party's discount factor and outside-option surplus ``o - d``
        (``None``: none).
    breakdown : float
        Probability that talks break down after a rejection.
    unique : bool
        False in the frictionless case (any frontier point is an SPE).
    binding : dict
        Per proposer, whether the responder's outside option binds.
    bracket : float
        Width of the final bracket of the proposer-``a`` surplus (the root
        finder's gap).
    residual : float
        ``|F(x) - x|`` at the reported fixed point.
    gap : float
        Largest proven gap of the core calls behind the offers.
    certified : bool
        Every core call certified and the fixed point found within tolerance.
    method : str
        ``"fixed point"``, ``"frictionless limit: Nash solution"`` or ``"no agreement"``.
    message : str
        Plain-words status.
    """

    parties: tuple[str, str]
    offers: dict[str, Offer]
    factors: dict[str, float]
    discount: dict[str, float]
    outside: dict[str, float | None]
    breakdown: float
    unique: bool
    binding: dict[str, bool] = field(default_factory=dict)
    bracket: float = 0.0
    residual: float = 0.0
    gap: float = 0.0
    certified: bool = True
    method: str = "fixed point"
    message: str = ""
    steps: int = 0
    indices: tuple[int, int] = (0, 1)  # positions of ``parties`` in the frontier's names


def rubinstein(
    frontier: Frontier,
    a: int,
    b: int,
    discount: tuple[float, float],
    *,
    breakdown: float = 0.0,
    outside: tuple[float | None, float | None] = (None, None),
) -> Rubinstein:
    """Stationary SPE of alternating offers between parties ``a`` and ``b``.

    Parameters
    ----------
    frontier : Frontier
        The bargaining problem (:class:`~.frontier.ScenarioFrontier` or any oracle).
    a, b : int
        Party indices in ``frontier.names``.
    discount : (float, float)
        Per-round discount factors ``0 < delta <= 1`` of ``a`` and ``b``.
    breakdown : float
        Probability ``0 <= q < 1`` that talks break down after each rejection.
    outside : (float or None, float or None)
        Outside options as **utilities** (the surplus is ``o - d``).
    """
    names = frontier.names
    na, nb = names[a], names[b]
    rho = ((1.0 - breakdown) * discount[0], (1.0 - breakdown) * discount[1])
    o = tuple(
        None if x is None else float(x) - float(frontier.d[k]) for x, k in zip(outside, (a, b))
    )
    floor = (
        max(0.0, o[0]) if o[0] is not None else 0.0,
        max(0.0, o[1]) if o[1] is not None else 0.0,
    )
    common = dict(
        parties=(na, nb),
        indices=(a, b),
        factors={na: rho[0], nb: rho[1]},
        discount={na: float(discount[0]), nb: float(discount[1])},
        outside={na: o[0], nb: o[1]},
        breakdown=float(breakdown),
    )
    # can each side be given its floor while the other keeps its own?
    top_a = frontier.best(a, {b: floor[1]})
    top_b = frontier.best(b, {a: floor[0]})
    if top_a is None or top_b is None or top_a.surplus[a] < floor[0] - 1e-12:
        return Rubinstein(
            offers={},
            unique=True,
            method="no agreement",
            message="no agreement: no outcome gives each party its reservation value and "
            "outside option at once",
            certified=True,
            **common,  # type: ignore[arg-type]
        )
    if rho[0] >= 1.0 and rho[1] >= 1.0:
        w = np.zeros(len(names))
        w[[a, b]] = 1.0
        floors = {k: f for k, f in ((a, floor[0]), (b, floor[1])) if f > 0}
        nash = frontier.nash(w, floors)
        assert nash is not None  # the floors are jointly feasible (checked above)
        return Rubinstein(
            offers={na: nash, nb: nash},
            unique=False,
            binding={
                na: bool(floors.get(b, 0) > 0 and nash.surplus[b] <= floors[b] + 1e-12),
                nb: bool(floors.get(a, 0) > 0 and nash.surplus[a] <= floors[a] + 1e-12),
            },
            gap=nash.gap,
            certified=nash.certified,
            method="frictionless limit: Nash solution",
            message="no discounting and no breakdown risk: every frontier point is a "
            "subgame-perfect agreement; shown is the limit of equal small frictions, the "
            "Nash solution",
            **common,  # type: ignore[arg-type]
        )

    def respond(j: int, y: float) -> float:  # what responder j must be offered
        k = 0 if j == a else 1
        t, ok = rho[k] * y, o[k]
        return max(t, ok) if ok is not None else t

    def chain(x: float) -> tuple[float, Offer, Offer]:
        """F(x) with the two offers behind it (b's offer, then a's)."""
        ob = frontier.best(b, {a: respond(a, x)})
        assert ob is not None
        oa = frontier.best(a, {b: respond(b, float(ob.surplus[b]))})
        assert oa is not None
        return float(oa.surplus[a]), oa, ob

    scale = max(1.0, float(top_a.surplus[a]))
    lo, hi = 0.0, float(top_a.surplus[a])
    h_lo = chain(lo)[0] - lo
    h_hi = chain(hi)[0] - hi
    side, steps = 0, 0
    best = (lo, h_lo) if abs(h_lo) <= abs(h_hi) else (hi, h_hi)
    while hi - lo > XTOL * scale and abs(best[1]) > 1e-15 * scale and steps < MAX_STEPS:
        steps += 1
        if steps % 4 == 0 or h_lo - h_hi <= 0:  # safeguard: a plain bisection step
            x = 0.5 * (lo + hi)
        else:  # regula falsi on h(x) = F(x) - x (h(lo) >= 0 >= h(hi))
            x = lo + (hi - lo) * h_lo / (h_lo - h_hi)
            x = min(max(x, lo), hi)
        h = chain(x)[0] - x
        if abs(h) < abs(best[1]):
            best = (x, h)
        if h >= 0:
            lo, h_lo = x, h
            if side == 1:
                h_hi *= 0.5  # Illinois: halve the stale end
            side = 1
        else:
            hi, h_hi = x, h
            if side == -1:
                h_lo *= 0.5
            side = -1
    x = best[0]
    fx, oa, ob = chain(x)
    residual = abs(fx - x)
    if abs(best[1]) <= 1e-15 * scale:
        lo = hi = x  # an exact root: no bracket left
    gap = max(oa.gap, ob.gap)
    ok = oa.certified and ob.certified and residual <= RESIDUAL_TOL * scale
    msg = (
        "subgame-perfect agreement in the first round"
        if ok
        else (
            f"fixed point not found to tolerance: |F(x) - x| = {residual:.2g} (the frontier may "
            "jump: with discrete issues a stationary equilibrium in pure offers need not exist)"
            if residual > RESIDUAL_TOL * scale
            else "an offer's core call is not certified"
        )
    )
    return Rubinstein(
        offers={na: oa, nb: ob},
        unique=True,
        binding={
            na: o[1] is not None and o[1] > rho[1] * float(ob.surplus[b]),
            nb: o[0] is not None and o[0] > rho[0] * float(oa.surplus[a]),
        },
        bracket=float(hi - lo),
        residual=float(residual),
        gap=float(gap),
        certified=bool(ok),
        message=msg,
        steps=steps,
        **common,  # type: ignore[arg-type]
    )


def pie_shares(rho_a: float, rho_b: float) -> tuple[float, float]:
    """Closed form on a unit pie: what ``a`` and ``b`` get as first proposers
    (Rubinstein 1982; ``(1 - rho_b) / (1 - rho_a rho_b)`` for ``a``)."""
    den = 1.0 - rho_a * rho_b
    return (1.0 - rho_b) / den, (1.0 - rho_a) / den


__all__ = ["Rubinstein", "pie_shares", "rubinstein"]
