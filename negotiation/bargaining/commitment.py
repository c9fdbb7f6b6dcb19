"""Shifting power and the commitment problem (Powell 2006) on the scenario's outcomes.

The file's ``conflict.shift`` gives the war lottery expected once the balance
of power has shifted, and ``discount`` ``delta``, the weight of the time after
the shift in a present value (utilities are values per period held from then
on; the one-shot values of the cooperative analyses are their normalised
present values). Reservation values today are ``d_i`` (the current lottery
less the cost) and after the shift ``d_i'`` (the shifted lottery less the same
cost; a party whose ``batna`` is not ``conflict`` keeps its value).

* The **declining** side ``A`` is the veto party whose reservation value falls
  most, ``d_A - d_A'`` largest; the **rising** side ``B`` the one whose value
  rises most.
* After the shift, ``B`` cannot be held to more than ``A``'s new war value:
  whatever it promises today, it can then demand any package ``A`` prefers to
  fighting, so the most ``A`` can count on from the shift on is ``d_A'``
  (Powell 2006, section "The inefficiency puzzle": the rising state cannot
  commit not to exploit its future power). ``B`` itself then gets
  ``V_B' = max u_B`` s.t. ``u_A >= d_A'`` and every other veto party at its
  shifted value (``d_B'`` if no such package exists).
* Today, ``B`` offers a package ``x`` for the time before the shift. It must
  be worth no less than fighting now to ``B``, ``(1 - delta) u_B(x) + delta V_B' >= d_B``,
  and acceptable to every other veto party, ``u_k(x) >= d_k``. The best
  ``A`` can get is ``M_A = max u_A(x)`` over those packages (a certified core call).

The **best credible peace** is worth ``(1 - delta) M_A + delta d_A'`` to ``A``,
and the commitment problem bites (``war_now``) when fighting now is better:

    margin = d_A - [(1 - delta) M_A + delta d_A'] > 0.                       (1)

With one issue (``A``'s share of a pie, linear utilities, win probabilities
``p0`` now and ``p1`` after the shift) this is Powell's condition
``p0 - c_A > (1 - delta) + delta (p1 - c_A)`` when ``B`` can afford to give
``A`` everything until the shift (``tests/test_conflict.py``).

Reference: Powell, R. (2006). War as a commitment problem. *International
Organization* 60(1), 169-203.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.scenario import BatnaConflict
from ..model.utility import outcome_utilities
from ..solve.bnb import Criterion
from ..solve.optimize import search, veto_rows
from ..solve.problem import Problem
from ..solve.results import _num

WAR_TOL = 1e-9  # war now when the margin exceeds this (relative to 1 + |d_A|)


def shifted_reservation(problem: Problem) -> np.ndarray:
    """``d'``: each party's reservation value under the shifted war lottery."""
    sc = problem.scenario
    assert sc.conflict is not None and sc.conflict.shift is not None
    W1 = np.zeros(len(sc.parties))
    for prob, outcome in sc.conflict.shift.outcomes:
        W1 += prob * outcome_utilities(sc, outcome)
    d1 = problem.d[: len(sc.parties)].copy()
    for i, p in enumerate(sc.parties):
        if isinstance(p.batna, BatnaConflict):
            d1[i] = W1[i] - sc.conflict.costs.get(p.name, 0.0)
    return d1


@dataclass(frozen=True)
class Commitment:
    """Powell's commitment problem: does the declining side prefer war now (eq. 1)?"""

    war_now: bool
    declining: str
    rising: str
    margin: float | None  # None: the rising side prefers war to every deal today
    discount: float
    reservation_now: dict[str, float]
    reservation_shifted: dict[str, float]
    best_offer_now: float | None  # M_A
    credible_peace: float | None  # (1 - delta) M_A + delta d_A'
    certified: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "war_now": self.war_now,
            "declining": self.declining,
            "rising": self.rising,
            "margin": None if self.margin is None else _num(self.margin),
            "discount": self.discount,
            "reservation_shifted": {k: _num(v) for k, v in self.reservation_shifted.items()},
            "best_offer_now": None if self.best_offer_now is None else _num(self.best_offer_now),
            "credible_peace": None if self.credible_peace is None else _num(self.credible_peace),
            "certified": self.certified,
        }


def commitment_problem(problem: Problem) -> Commitment | None:
    """Eq. (1) of the module docstring (``None``: no ``conflict.shift`` in the scenario)."""
    sc = problem.scenario
    if sc.conflict is None or sc.conflict.shift is None:
        return None
    delta = sc.conflict.shift.discount
    names = problem.names
    P = len(names)
    d0 = problem.d
    d1 = shifted_reservation(problem)
    veto = np.flatnonzero(problem.veto & problem.players)
    change = d1 - d0[:P]
    A = int(veto[np.argmin(change[veto])])
    others = [i for i in veto if i != A]
    B = int(max(others, key=lambda i: change[i])) if others else A
    rest = [i for i in veto if i not in (A, B)]
    certified = True
    # after the shift: B's best package that keeps A (and the rest) at their shifted values
    cB = np.zeros(P)
    cB[B] = 1.0
    after = search(problem, Criterion("linear", cB, None, d0), veto_rows(problem, [A] + rest, d=d1))
    certified &= after.certified
    V_B = float(problem.utilities(after.coords[None])[0][B]) if after.coords is not None else d1[B]
    # today: the best package for A that B prefers to fighting now, given V_B' later
    need_B = (d0[B] - delta * V_B) / (1.0 - delta)
    levels = d0.copy()
    levels[B] = need_B
    cA = np.zeros(P)
    cA[A] = 1.0
    now = search(
        problem, Criterion("linear", cA, None, d0), veto_rows(problem, [B] + rest, d=levels)
    )
    certified &= now.certified
    res_now = {n: float(d0[i]) for i, n in enumerate(names)}
    res_shift = {n: float(d1[i]) for i, n in enumerate(names)}
    if now.coords is None:
        return Commitment(
            True, names[A], names[B], None, delta, res_now, res_shift, None, None, certified
        )
    M_A = float(problem.utilities(now.coords[None])[0][A])
    peace = (1.0 - delta) * M_A + delta * float(d1[A])
    margin = float(d0[A]) - peace
    return Commitment(
        margin > WAR_TOL * (1.0 + abs(float(d0[A]))),
        names[A],
        names[B],
        margin,
        delta,
        res_now,
        res_shift,
        M_A,
        peace,
        certified,
    )


__all__ = ["Commitment", "commitment_problem", "shifted_reservation"]
