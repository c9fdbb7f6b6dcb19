"""Multilateral bargaining with random recognition (Baron & Ferejohn 1989).

Each round nature recognises party ``i`` with probability ``p_i``; ``i`` proposes
an outcome; it passes when a winning coalition (the ``quota``) votes for it,
otherwise the next round starts (after a breakdown into the reservation values
with probability ``q``). In a stationary subgame-perfect equilibrium
(Baron & Ferejohn 1989, section 3; Eraslan 2002 for unequal recognition and
discount factors) party ``j`` votes for any offer worth at least its
continuation value ``v_j = rho_j V_j`` (``rho_j = (1 - q) delta_j``, ``V_j``
its expected surplus at the start of a round), and the proposer picks the
winning coalition ``C`` that leaves it most:

    g_i(C) = max_x  u_i(x) - d_i   s.t.  u_j(x) - d_j >= v_j  for j in C \\ {i}

(one certified core call on the multi-issue space, :mod:`.frontier`; on a pie
``g_i(C) = 1 - sum_{j in C, j != i} v_j``). Parties outside the coalition get
what the proposer's optimum leaves them. The proposer may also make no
acceptable offer (delay, worth ``v_i``). With unequal recognition under
majority rule, proposers can be indifferent between coalitions and must **mix**
(the fixed point has no pure solution). The equilibrium is a pair
``(V, sigma)`` with ``sigma_i`` a lottery over proposer ``i``'s options:

    V_k = sum_i p_i sum_C sigma_i(C) s_k(i, C)               (expected surpluses)
    sigma_i(C) > 0  only if  g_i(C) = max_C' g_i(C')           (best responses)

Method (solvers in :mod:`.stationary`). (1) Damped best-response iteration
``V <- (V + Phi(V)) / 2`` from ``V = 0`` gives a start. (2) Newton's method on
``V = Phi(V)`` with each proposer's best option held fixed (Jacobian by finite
differences), plain and then with a line search. (3) If some proposer must mix:
bounded least squares (``scipy.optimize.least_squares``) on the conditions with
the options near the best held equally good; then, if needed, on the
complementarity form ``phi(sigma_i(C), max g_i - g_i(C)) = 0`` of the best
responses (Fischer 1992: ``phi(a, b) = a + b - sqrt(a^2 + b^2)`` vanishes exactly
when ``a, b >= 0`` and ``ab = 0``). (4) The conditions are checked at the answer:
the **residual** is the larger of the expected-payoff error and the largest
amount by which a proposer's used option falls short of its best one, relative
to the surplus scale. The equilibrium is reported as found when the residual is
at most ``1e-8``, else "did not converge".
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import stationary as st
from .frontier import Frontier
from .options import Quota
from .stationary import Choice

MAX_COALITIONS = 4096  # options over all proposers
WARM_STEPS = 20  # damped best-response iterations before the solvers


def minimal_winning(i: int, n: int, quota: Quota, veto: Sequence[int]) -> list[tuple[int, ...]]:
    """Minimal winning coalitions that contain the proposer ``i`` (sorted tuples)."""
    vset = frozenset(int(v) for v in veto)
    others = [j for j in range(n) if j != i]
    out = []
    for size in range(0, n):
        for rest in itertools.combinations(others, size):
            c = frozenset((i, *rest))
            if not quota.wins(c, n, vset):
                continue
            if any(quota.wins(c - {j}, n, vset) for j in rest):
                continue
            out.append(tuple(sorted(c)))
    return out


@dataclass(frozen=True)
class BaronFerejohn:
    """The stationary subgame-perfect equilibrium of Baron–Ferejohn bargaining.

    Attributes
    ----------
    names : list of str
    expected : ndarray
        Each party's expected surplus ``V`` at the start of the game.
    options : list of list of Choice
        Per proposer, its minimal winning coalitions (and delay) at the equilibrium ``V``.
    sigma : list of ndarray
        Per proposer, the probability of each option.
    recognition, factors : ndarray
        ``p`` and ``rho = (1 - breakdown) * discount``.
    quota : Quota
    converged : bool
        The residual is within tolerance (and every core call certified).
    residual : float
        Largest violation of the equilibrium conditions at the answer.
    gap : float
        Largest proven gap of the core calls behind the offers.
    message : str
    """

    names: list[str]
    expected: np.ndarray
    options: list[list[Choice]]
    sigma: list[np.ndarray]
    recognition: np.ndarray
    factors: np.ndarray
    quota: Quota
    converged: bool
    residual: float
    gap: float = 0.0
    certified: bool = True
    message: str = ""
    evaluations: int = 0
    method: str = field(default="damped best response, Newton, least squares on mixtures")

    def membership(self, i: int) -> np.ndarray:
        """Probability that each party is in proposer ``i``'s coalition."""
        out = np.zeros(len(self.names))
        for s, ch in zip(self.sigma[i], self.options[i]):
            if ch.offer is not None and ch.coalition is not None:
                out[list(ch.coalition)] += s
        return out

    def main_choice(self, i: int) -> Choice:
        """Proposer ``i``'s most likely option."""
        return self.options[i][int(np.argmax(self.sigma[i]))]


def baron_ferejohn(
    frontier: Frontier,
    recognition: Sequence[float],
    discount: Sequence[float],
    quota: Quota,
    veto: Sequence[int] = (),
    *,
    breakdown: float = 0.0,
    scale: float = 1.0,
) -> BaronFerejohn:
    """Stationary SPE of Baron–Ferejohn bargaining on ``frontier``.

    Parameters
    ----------
    frontier : Frontier
        The bargaining problem (its ``best`` oracle).
    recognition : sequence of float
        Recognition probabilities (sum 1).
    discount : sequence of float
        Per-party discount factors in ``(0, 1]``.
    quota : Quota
    veto : sequence of int
        The veto parties (used by ``veto_plus`` quotas).
    breakdown : float
        Probability that talks break down after a failed round.
    scale : float
        Surplus scale for the tolerances (the largest surplus a party can get).
    """
    n = len(frontier.names)
    p = np.asarray(recognition, dtype=float)
    rho = (1.0 - float(breakdown)) * np.asarray(discount, dtype=float)
    coalitions = [minimal_winning(i, n, quota, veto) for i in range(n)]
    game = st.Game(frontier, p, rho, coalitions, scale)
    total = sum(len(c) for c in game.coalitions)
    if total > MAX_COALITIONS:
        raise ValueError(f"{total} minimal winning coalitions: more than {MAX_COALITIONS}")
    if any(not c for c in game.coalitions):
        raise ValueError(f"quota {quota.label()!r}: some proposer has no winning coalition")
    tie = 1e-9 * scale
    # (1) damped best-response iteration from V = 0, (2) plain Newton on V = Phi(V) with
    # each proposer's best option held fixed (no proposer indifferent)
    V = np.zeros(n)
    for _ in range(WARM_STEPS):
        opts = game.options(V)
        V = 0.5 * (V + st.phi(game, st.best_response(opts, tie), opts))
    best = st.pure_newton(game, V, scale, search=False)
    # (3) Newton with a line search; (4) mixing: least squares with the options near
    # the best equally good, then on the complementarity form. The best point is kept.
    if best[0] > st.RESIDUAL_TOL:
        found = st.pure_newton(game, V, scale)
        best = found if found[0] < best[0] else best
    if best[0] > st.RESIDUAL_TOL:  # mixing: the options within a tie window of the best
        for window in (1e-3, 1e-2):
            found = st.on_support(game, V, st.best_response(game.options(V), window * scale), scale)
            best = found if found[0] < best[0] else best
            if best[0] <= st.RESIDUAL_TOL:
                break
    if best[0] > st.RESIDUAL_TOL:
        mixed = st.complementarity(game, V, scale)
        mixed = min(mixed, st.on_support(game, mixed[1], mixed[2], scale), key=lambda f: f[0])
        best = mixed if mixed[0] < best[0] else best
    if best[0] > st.RESIDUAL_TOL:  # (5) last resort: a closer start for plain Newton
        for _ in range(8 * WARM_STEPS):
            opts = game.options(V)
            V = 0.5 * (V + st.phi(game, st.best_response(opts, tie), opts))
        found = st.pure_newton(game, V, scale, search=False)
        best = found if found[0] < best[0] else best
    res, V, sig, opts = best
    gaps = [ch.offer.gap for row in opts for ch in row if ch.offer is not None]
    certs = all(ch.offer.certified for row in opts for ch in row if ch.offer is not None)
    ok = res <= st.RESIDUAL_TOL
    msg = (
        "stationary equilibrium found (residual within tolerance)"
        if ok
        else f"did not converge: the equilibrium conditions are violated by {res:.2g} "
        "(relative) at the best point found"
    )
    return BaronFerejohn(
        names=list(frontier.names),
        expected=V,
        options=opts,
        sigma=sig,
        recognition=p,
        factors=rho,
        quota=quota,
        converged=ok,
        residual=float(res),
        gap=float(max(gaps, default=0.0)),
        certified=bool(ok and certs),
        message=msg,
        evaluations=game.evaluations,
    )


__all__ = ["BaronFerejohn", "Choice", "Quota", "baron_ferejohn", "minimal_winning"]
