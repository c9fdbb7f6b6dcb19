"""Private information about the cost of war: the uninformed side's optimal demand.

Fearon (1995, section "Private information and incentives to misrepresent")
in the scenario's outcome space. A responder ``j`` knows its cost of war
``c_j``; the proposer ``p`` knows only its distribution ``G`` (the file's
``conflict.private_costs``). ``p`` makes a take-it-or-leave-it offer ``x``
(a package that every other veto party accepts: ``u_k(x) >= d_k``, and that
meets the scenario's constraints). ``j`` accepts iff ``u_j(x) >= W_j - c_j``
(``W_j``: its expected utility of the war lottery), so

    P(x) = Pr[c_j >= W_j - u_j(x)] = S(W_j - u_j(x)),    S = 1 - G,            (1)
    EU_p(x) = P(x) u_p(x) + (1 - P(x)) d_p.                                      (2)

``p`` trades the size of its demand against the risk of war. Writing
``t = u_j(x)`` for the utility offered to ``j`` and ``s(t) = S(W_j - t)``
(increasing in ``t``),

    max_x EU_p = d_p + max_t s(t) (V(t) - d_p),   V(t) = max {u_p(x) : u_j(x) >= t, ...}   (3)

where ``V(t)`` is one range-end call of the certified core. The search over
``t`` is a branch and bound over *slabs* ``t1 <= u_j <= t2``, each bounded by one
certified Nash-type call of the core:

* ``s`` is log-concave for the uniform, triangular and (truncated) normal
  costs (Bagnoli & Bergstrom 2005), and on a slab ``log s(t) <= b + k log(t - a)``
  with ``k = sigma_1^2 / kappa_2``, ``a = t1 - k / sigma_1``, ``b = log s(t1) -
  k log(t1 - a)``; ``sigma_1 = (log s)'(t1)`` and ``kappa_2 = -(log s)''(t2)``, the
  smallest curvature on the slab for these three laws (the right side
  touches ``log s`` at ``t1`` with the same slope and curves less). It is exact
  for the uniform law (``k = 1``, ``a = W_j - hi``) and on the upper tail of the
  triangular one (``k = 2``).
* So ``s(u_j)(u_p - d_p) <= e^b (u_j - a)^k (u_p - d_p)`` on the slab, and the
  maximum of the right side over the slab's outcomes is a weighted Nash
  criterion ``k log(u_j - a) + log(u_p - d_p)`` with rows ``t1 <= u_j <= t2``:
  a certified bound. Its optimum is also a feasible offer (the incumbent).
  The bound is tight to ``O((t2 - t1)^2)``, so few slabs are split.

Beyond ``t >= W_j - lo`` (``lo``: the least cost) ``j`` always accepts, and the
best such offer is ``max u_p`` s.t. ``u_j >= W_j - lo``; below ``W_j - hi`` it
never does, and ``p`` gets ``d_p`` (war). The result carries the proven bound
and the gap; ``certified`` when the gap is at most ``1e-9 max(1, |EU|)``.

Closed form (THEORY.md; Fearon 1995): one issue ``x in [0, 1]`` (``p``'s
share), linear utilities, ``W_p = q``, ``c_p`` known, ``c_j ~ U[0, cbar]``: the
optimal demand is ``x* = q + (cbar - c_p) / 2`` when interior, with
acceptance ``1 - (x* - q)/cbar``. ``tests/test_conflict.py`` checks it.

References: Fearon, J. (1995). Rationalist explanations for war.
*International Organization* 49(3), 379-414. Bagnoli, M. & Bergstrom, T.
(2005). Log-concave probability and its applications. *Economic Theory*
26(2), 445-469.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtr

from ..model.scenario import BatnaConflict
from ..model.utility import conflict_utilities
from ..solve.bnb import Criterion, Row
from ..solve.optimize import FEAS_TOL, search, veto_rows
from ..solve.problem import Problem
from ..solve.results import _num
from .distributions import Distribution

CERT_TOL = 1e-9  # certified when bound - EU <= CERT_TOL * max(1, |EU|)
MAX_SLABS = 120  # slab bounds computed per offer
MAX_K = 1e4  # a steeper local exponent falls back to the first-order bound
START_SLABS = 4


@dataclass(frozen=True)
class Offer:
    """The proposer's optimal take-it-or-leave-it demand and what follows from it."""

    proposer: str
    responder: str
    outcome: dict[str, float | str] | None  # None: the proposer prefers war to any offer
    utilities: dict[str, float]  # at the outcome (empty without one)
    acceptance_probability: float
    expected_utilities: dict[str, float]
    value: float  # the proposer's expected utility
    bound: float  # a proven upper bound of it
    certified: bool
    coords: np.ndarray | None = field(default=None, repr=False, compare=False)
    slabs: int = 0

    @property
    def breakdown_probability(self) -> float:
        return 1.0 - self.acceptance_probability

    @property
    def gap(self) -> float:
        return max(0.0, self.bound - self.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "responder": self.responder,
            "outcome": None
            if self.outcome is None
            else {k: (v if isinstance(v, str) else float(v)) for k, v in self.outcome.items()},
            "utilities": {k: _num(v) for k, v in self.utilities.items()},
            "acceptance_probability": _num(self.acceptance_probability),
            "breakdown_probability": _num(self.breakdown_probability),
            "expected_utilities": {k: _num(v) for k, v in self.expected_utilities.items()},
            "certified": self.certified,
            "bound": _num(self.bound),
            "gap": _num(self.gap),
        }


def _log_form(
    dist: Distribution, W: float, t1: float, t2: float
) -> tuple[float, float, float] | None:
    """``(k, a, b)`` with ``log s(t) <= b + k log(t - a)`` on ``[t1, t2]``, equality at
    ``t1`` (``s(t) = S(W - t)``); ``None``: use the first-order bound."""
    if dist.kind == "uniform":
        lo, hi = dist.params
        return 1.0, W - hi, -math.log(hi - lo)
    if dist.kind == "triangular":
        lo, mode, hi = dist.params
        if t2 <= W - mode + 1e-15 and hi > mode:
            return 2.0, W - hi, -math.log((hi - lo) * (hi - mode))
        K = (hi - lo) * (mode - lo)
        y1, y2 = W - t1 - lo, W - t2 - lo
        if K <= 0 or y1 >= math.sqrt(K):
            return None
        s1 = 1.0 - y1 * y1 / K
        sigma = 2 * y1 / (K - y1 * y1)
        kappa = 2 * (K + y2 * y2) / (K - y2 * y2) ** 2
        log_s1 = math.log(s1)
    else:
        m, sd = dist.params
        z1, z2 = (t1 - W + m) / sd, (t2 - W + m) / sd
        p1 = float(ndtr(z1))
        if p1 < 1e-250:
            return None
        r1 = math.exp(-0.5 * z1 * z1) / math.sqrt(2 * math.pi) / p1
        p2 = float(ndtr(z2))
        r2 = math.exp(-0.5 * z2 * z2) / math.sqrt(2 * math.pi) / p2
        sigma = r1 / sd
        kappa = r2 * (z2 + r2) / sd**2
        log_s1 = math.log(float(dist.sf(W - t1)))
    if sigma <= 0 or kappa <= 0:
        return None
    k = sigma * sigma / kappa
    if not math.isfinite(k) or k > MAX_K:
        return None
    a = t1 - k / sigma
    return k, a, log_s1 - k * math.log(t1 - a)


class _Search:
    """Everything one proposer-responder pair needs (see the module docstring)."""

    def __init__(self, problem: Problem, p: int, j: int, dist: Distribution, W: float) -> None:
        self.pb, self.p, self.j, self.dist, self.W = problem, p, j, dist, W
        others = [k for k in np.flatnonzero(problem.veto) if k not in (p, j)]
        self.rows: list[Row] = veto_rows(problem, others)
        self.d_p = float(problem.d[p])
        self.best = self.d_p  # war: an offer j surely rejects
        self.best_x: np.ndarray | None = None

    def s(self, t: float) -> float:
        return float(self.dist.sf(self.W - t))

    def eu(self, x: np.ndarray) -> float:
        u = self.pb.structure.utilities(x[None])[0]
        P = self.s(float(u[self.j]))
        return P * float(u[self.p]) + (1.0 - P) * self.d_p

    def offer(self, x: np.ndarray | None) -> None:
        if x is not None:
            v = self.eu(x)
            if v > self.best:
                self.best, self.best_x = v, x.copy()

    def unit(self, i: int, sign: float = 1.0) -> np.ndarray:
        a = np.zeros(len(self.pb.names))
        a[i] = sign
        return a

    def level(self, t: float, sign: float) -> Row:
        """``u_j >= t`` (sign +1) or ``u_j <= t`` (sign -1)."""
        return Row(self.unit(self.j, sign), None, sign * t, FEAS_TOL * (1.0 + abs(t)))

    def linear(self, c: np.ndarray, rows: list[Row]):
        crit = Criterion("linear", c, None, self.pb.d)
        return search(self.pb, crit, self.rows + rows)

    def slab(self, t1: float, t2: float) -> tuple[float, bool]:
        """Proven upper bound of ``EU_p`` over offers with ``t1 <= u_j <= t2``."""
        rows = [self.level(t1, 1.0), self.level(t2, -1.0)]
        form = _log_form(self.dist, self.W, t1, t2)
        if form is None:  # first order: s <= s(t2), u_p <= max u_p on the slab
            res = self.linear(self.unit(self.p), rows)
            self.offer(res.coords)
            if res.coords is None and res.bound == -np.inf:
                return self.d_p, res.certified
            gain = max(0.0, res.bound - self.d_p)
            return self.d_p + self.s(t2) * gain, res.certified
        k, a, b = form
        c = np.zeros(len(self.pb.names))
        c[self.j], c[self.p] = k, 1.0
        d = self.pb.d.copy()
        d[self.j], d[self.p] = a, self.d_p
        res = search(self.pb, Criterion("nash", c, None, d), self.rows + rows)
        self.offer(res.coords)
        if res.bound == -np.inf:
            return self.d_p, res.certified  # no offer on the slab beats war
        if res.coords is None and not np.isfinite(res.bound):
            return math.inf, False
        return self.d_p + math.exp(min(b + res.bound, 700.0)), res.certified


def optimal_offer(
    problem: Problem, proposer: str, responder: str, dist: Distribution, W: float
) -> Offer:
    """The proposer's optimal demand when ``responder``'s cost of war has law ``dist`` and
    its war lottery is worth ``W`` to it (eq. 3, module docstring)."""
    p, j = problem.names.index(proposer), problem.names.index(responder)
    srch = _Search(problem, p, j, dist, W)
    certified = True
    lo_end = srch.linear(srch.unit(j, -1.0), [])
    hi_end = srch.linear(srch.unit(j), [])
    if hi_end.coords is None:  # no package the other veto parties accept: war
        return _finish(problem, srch, p, j, srch.best, hi_end.certified, 0)
    t_min, t_max = -lo_end.value, hi_end.value
    certified &= lo_end.certified and hi_end.certified
    always = W - dist.lo  # from here on j always accepts
    never = W - dist.hi  # below this j never accepts
    bounds = [srch.d_p]
    if always <= t_max:
        res = srch.linear(srch.unit(p), [srch.level(max(always, t_min), 1.0)])
        srch.offer(res.coords)
        bounds.append(res.bound)
        certified &= res.certified
    T1, T2 = max(t_min, never), min(t_max, always)
    heap: list[tuple[float, float, float]] = []
    n = 0
    if T1 < T2:
        cuts = [T1, T2]
        if dist.kind == "triangular":
            mode_t = W - dist.params[1]
            if T1 < mode_t < T2:
                cuts.insert(1, mode_t)
        edges: list[float] = []
        for lo_t, hi_t in zip(cuts[:-1], cuts[1:]):
            exact = dist.kind == "uniform" or (
                dist.kind == "triangular" and hi_t <= W - dist.params[1] + 1e-15
            )
            pieces = 1 if exact else START_SLABS
            edges += list(np.linspace(lo_t, hi_t, pieces + 1)[:-1])
        edges.append(T2)
        for a, b in zip(edges[:-1], edges[1:]):
            ub, ok = srch.slab(a, b)
            n += 1
            certified &= ok
            heapq.heappush(heap, (-ub, a, b))
        while heap and n < MAX_SLABS:
            ub = -heap[0][0]
            if ub <= srch.best + CERT_TOL * max(1.0, abs(srch.best)):
                break
            _, a, b = heapq.heappop(heap)
            if b - a <= 1e-12 * max(1.0, abs(a)):
                bounds.append(ub)
                continue
            m = 0.5 * (a + b)
            for lo_t, hi_t in ((a, m), (m, b)):
                sub, ok = srch.slab(lo_t, hi_t)
                n += 1
                certified &= ok
                heapq.heappush(heap, (-min(sub, ub), lo_t, hi_t))
        bounds += [-h[0] for h in heap]
    bound = max([srch.best] + [float(x) for x in bounds])
    certified &= bound - srch.best <= CERT_TOL * max(1.0, abs(srch.best))
    return _finish(problem, srch, p, j, bound, certified, n)


def _finish(problem: Problem, srch: _Search, p: int, j: int, bound: float, ok: bool, n: int):
    names = problem.names
    x = srch.best_x
    if x is None:
        eu = {n_: float(problem.d[i]) for i, n_ in enumerate(names)}
        return Offer(names[p], names[j], None, {}, 0.0, eu, srch.best, bound, ok, None, n)
    u = problem.structure.utilities(x[None])[0]
    P = srch.s(float(u[j]))
    eu = {n_: P * float(u[i]) + (1.0 - P) * float(problem.d[i]) for i, n_ in enumerate(names)}
    # the informed responder: accepts when its cost is high, fights (paying it) when low
    eu[names[j]] = (
        P * float(u[j]) + (1.0 - P) * srch.W - srch.dist.partial_mean(srch.W - float(u[j]))
    )
    return Offer(
        names[p],
        names[j],
        problem.space.decode(x),
        {n_: float(v) for n_, v in zip(names, u)},
        P,
        eu,
        srch.best,
        max(bound, srch.best),
        ok,
        x,
        n,
    )


@dataclass(frozen=True)
class PrivateInformation:
    """Every proposer's optimal demand, and the pairs the model does not cover."""

    offers: dict[str, Offer]
    skipped: dict[str, str]  # proposer -> why no offer is computed

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v.to_dict() for k, v in self.offers.items()}
        return out


def private_information(problem: Problem) -> PrivateInformation | None:
    """For each veto party facing exactly one veto party with a private cost, its optimal
    demand (``None``: the scenario has no ``private_costs``)."""
    sc = problem.scenario
    if sc.conflict is None or not sc.conflict.private_costs:
        return None
    W = conflict_utilities(sc)
    names = problem.names
    informed = [
        n
        for n in sc.conflict.private_costs
        if problem.veto[names.index(n)] and isinstance(sc.party(n).batna, BatnaConflict)
    ]
    offers: dict[str, Offer] = {}
    skipped: dict[str, str] = {}
    for i in np.flatnonzero(problem.veto & problem.players):
        p = names[i]
        resp = [n for n in informed if n != p]
        if not resp:
            continue
        if len(resp) > 1:
            skipped[p] = (
                f"{len(resp)} veto parties with private costs ({', '.join(resp)}) must accept: "
                "the model covers one"
            )
            continue
        j = resp[0]
        offers[p] = optimal_offer(
            problem, p, j, sc.conflict.private_costs[j], float(W[names.index(j)])
        )
    return PrivateInformation(offers, skipped)


__all__ = ["Offer", "PrivateInformation", "optimal_offer", "private_information"]
