"""The expected-utility model of Bueno de Mesquita (1994), as reconstructed by Scholz et al.

References: [1] B. Bueno de Mesquita (1994), "Political forecasting: an
expected utility method", in Stokman & Bueno de Mesquita (eds.), *European
Community Decision Making*, Yale UP, 71-104. [2] J. B. Scholz, G. J. Calbert &
G. A. Smith (2011), "Unravelling Bueno De Mesquita's group decision model",
*J. Theoretical Politics* 23(4): 510-531 (conference version: ICAART 2011).
[3] B. Bueno de Mesquita (1997), "A decision making model: its structure and
form", *International Interactions* 23: 235-266. Equation numbers below are
this module's; ``docs/forecasting.md`` maps them to the papers.

Every actor ``i`` has a capability ``c_i``, a position ``x_i`` and a salience
``s_i`` in [0, 1] (the probability that it resists a challenge). Distances are
measured in units of the initial spread of positions ``R = max x - min x``:
``d_ij = |x_i - x_j| / R``. One round:

1. The median ``mu``: the weighted median of the positions under votes ``c_k s_k``
   (:func:`~negotiation.forecast.median.weighted_median`).
2. Probability that ``i`` beats ``j``, from the votes ``v_k(i, j) = c_k s_k (|x_k -
   x_j| - |x_k - x_i|)`` (positive: ``k`` sides with ``i``)::

       pairwise (default):  P_ij = sum_k max(v_k, 0) / sum_k |v_k|            (3a)
       net:                 P_ij = max(sum_k v_k, 0) / sum_k |v_k|            (3b)
       all-pairs:           P_ij = sum_k max(v_k, 0) / sum_{a,b,k} |v_k(a,b)| (3c)

3. Utilities with risk exponent ``r`` (of the actor doing the reckoning)::

       U_s = 2 - 4 (0.5 - 0.5 d_ij)^r          success             (4)
       U_f = 2 - 4 (0.5 + 0.5 d_ij)^r          failure             (5)
       U_b = 2 - 4 (0.5 - 0.25 (d_i,mu + d_ij))^r   status quo gets better  (6)
       U_w = 2 - 4 (0.5 + 0.25 (d_i,mu + d_ij))^r   status quo gets worse   (7)
       U_sq = 2 - 4 (0.5)^r                    status quo          (8)

4. Expected utility of ``i`` challenging ``j``::

       E_i(ij) = s_j [P_ij U_s + (1 - P_ij) U_f] + (1 - s_j) U_s
                 - Q U_sq - (1 - Q) [T U_b + (1 - T) U_w]           (9)

5. Risk: with every ``r = 1``, the *security* of ``i`` is ``S_i = sum_{j != i}
   E_j(ji)``, what the others expect from challenging it; then
   ``R_i = (2 S_i - max_k S_k - min_k S_k) / (max_k S_k - min_k S_k)`` and
   ``r_i = (1 - R_i/3) / (1 + R_i/3)`` in [1/2, 2] (10). An exposed actor
   (large ``S_i``) is taken to be risk acceptant (``r_i < 1``).
6. Offers. Receiver ``i`` weighs each ``j`` (``x_j != x_i``) by ``x = E(ij)`` and
   ``y = E(ji)``, both as ``i`` reckons them (``perspective``)::

       (equalities within EU_TOL = 1e-9 count as ties: no offer)
       y > x > 0            confrontation: i loses, moves to x_j       (11a)
       y > 0 > x, y >= |x|  compromise: i moves to x_i + (x_j - x_i)|x/y| (11b)
       y > 0 > x, y < |x|   capitulation: i moves to x_j               (11c)

   Each receiver takes one offer (``choice``) and all move at once.
7. Stop when the median has moved less than ``tol * R`` for ``patience``
   rounds in a row, or nobody moved; at most ``rounds`` rounds. The forecast
   is the median when the run stops.

The published reconstructions differ on several of these details; each is an
option of :class:`EUOptions`, and ``docs/forecasting.md`` says why the defaults
are what they are. Everything is vectorised over issues and actor pairs: a
round costs ``O(issues x actors^2 log actors)``; the vote sums of (3) use the
closed forms of :mod:`.votes` instead of a sum over voters per pair.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from . import CHOICE, CONFRONTATION, PERSPECTIVE, PROBABILITY, RISK
from .actors import ActorTable, IssueActors
from .median import weighted_median
from .results import DEGENERATE, IssueForecast
from .votes import win_probability

KEY = "expected_utility"

#: Moves and ties closer than this fraction of the scale count as equal.
EPS = 1e-12
#: Expected utilities (of order 1) within this of 0, or of each other, count as equal:
#: offers hinge on signs and comparisons, which rounding must not decide.
EU_TOL = 1e-9


@dataclass(frozen=True)
class EUOptions:
    """The options of the expected-utility model (defaults: ``docs/forecasting.md``).

    probability
        Equation (3): ``pairwise`` (3a, ``P_ij + P_ji = 1``), ``net`` (3b) or
        ``all-pairs`` (3c, the denominator summed over every pair of positions).
    choice
        How a receiver picks among several offers: ``least-move`` (the one that
        moves it least; ties: the mean of the tied targets), ``largest-eu`` (the
        proposer expecting most from its challenge), ``type-priority``
        (confrontations, then compromises, then capitulations, each by least move).
    q, t
        ``Q``: the probability that the status quo holds when ``i`` does not
        challenge; ``T``: the probability that it would then get better for ``i``
        (equation 9).
    confrontation
        What a lost confrontation does to the loser: ``loser-moves`` (to the
        winner's position), ``expected`` (to the expected position ``x_i + P_ji
        (x_j - x_i)``) or ``no-move`` (a fight decides nothing this round).
    risk
        ``scholz`` (equation 10, security compared across actors) or ``neutral``
        (every ``r = 1``).
    perspective
        ``receiver``: ``i`` reckons both ``E(ij)`` and ``E(ji)`` with its own
        exponent ``r_i``; ``each``: every actor with its own.
    salience_scale
        Saliences are divided by it to give probabilities in [0, 1]; ``None``:
        1 when every salience is at most 1, 100 when at most 100, else the largest.
    rounds, tol, patience
        The round cap, and the stopping rule: the median moved less than
        ``tol`` times the scale for ``patience`` rounds in a row.
    """

    probability: str = "pairwise"
    choice: str = "least-move"
    q: float = 1.0
    t: float = 1.0
    confrontation: str = "loser-moves"
    risk: str = "scholz"
    perspective: str = "receiver"
    salience_scale: float | None = None
    rounds: int = 100
    tol: float = 1e-3
    patience: int = 2

    def __post_init__(self) -> None:
        for name, allowed in (
            ("probability", PROBABILITY),
            ("choice", CHOICE),
            ("confrontation", CONFRONTATION),
            ("risk", RISK),
            ("perspective", PERSPECTIVE),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}"
                )
        for name in ("q", "t"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} is a probability: between 0 and 1, not {v!r}")
        if self.rounds < 0 or self.patience < 1 or self.tol < 0:
            raise ValueError("rounds must be >= 0, patience >= 1 and tol >= 0")
        if self.salience_scale is not None and not self.salience_scale > 0:
            raise ValueError("salience_scale must be above 0")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class EURun:
    """Arrays of one batch of issues (``B`` issues of ``N`` actors each).

    ``path``: ``(rounds_max + 1, B, N)`` positions; ``medians``: ``(rounds_max +
    1, B)``; ``rounds``: ``(B,)`` rounds each issue played; ``converged``:
    ``(B,)``; ``forecast``: ``(B,)`` the median at the stop.
    """

    path: np.ndarray
    medians: np.ndarray
    rounds: np.ndarray
    converged: np.ndarray
    forecast: np.ndarray


def salience_scale(values: np.ndarray) -> float:
    """The default scale of saliences: 1, 100, or the largest value."""
    top = float(np.max(values)) if np.size(values) else 1.0
    return 1.0 if top <= 1.0 else 100.0 if top <= 100.0 else top


# --------------------------------------------------------------------------- utilities
def _power(base: np.ndarray, r: np.ndarray) -> np.ndarray:
    return np.power(np.clip(base, 0.0, None), r)


def challenge_eu(
    D: np.ndarray,
    Dmu: np.ndarray,
    P: np.ndarray,
    s: np.ndarray,
    r: np.ndarray,
    q: float,
    t: float,
) -> np.ndarray:
    """``E[b, a, z]``: expected utility of ``a`` challenging ``z`` (equations 4-9).

    ``D``: ``(B, N, N)`` scaled distances; ``Dmu``: ``(B, N)`` scaled distance of
    each actor to the median; ``P[b, a, z]``: ``a``'s chance of beating ``z``;
    ``s``: ``(B, N)`` saliences in [0, 1]; ``r``: exponents broadcastable to
    ``(B, N, N)`` (the reckoning actor's). Pairs at the same position get 0 (no
    contest).
    """
    us = 2 - 4 * _power(0.5 - 0.5 * D, r)
    uf = 2 - 4 * _power(0.5 + 0.5 * D, r)
    usq = 2 - 4 * _power(np.full_like(D, 0.5), r)
    st = s[:, None, :]
    eu = st * (P * us + (1 - P) * uf) + (1 - st) * us - q * usq
    if q < 1.0:
        far = Dmu[:, :, None] + D
        ub = 2 - 4 * _power(0.5 - 0.25 * far, r)
        uw = 2 - 4 * _power(0.5 + 0.25 * far, r)
        eu = eu - (1 - q) * (t * ub + (1 - t) * uw)
    return np.where(D > 0, eu, 0.0)


def risk_exponents(E1: np.ndarray) -> np.ndarray:
    """Equation (10) from the risk-neutral expected utilities ``E1[b, a, z]``."""
    S = E1.sum(axis=1)  # S[b, z] = sum_a E_a(az): what the others expect from challenging z
    top = S.max(axis=1, keepdims=True)
    bottom = S.min(axis=1, keepdims=True)
    spread = top - bottom
    with np.errstate(invalid="ignore", divide="ignore"):
        R = np.where(spread > 0, (2 * S - top - bottom) / np.where(spread > 0, spread, 1), 0.0)
    return (1 - R / 3) / (1 + R / 3)


# --------------------------------------------------------------------------- one round
def _round(x, w, s, scale, opt: EUOptions):
    """Positions after one round, for ``(B, N)`` positions ``x``."""
    B, N = x.shape
    mu = weighted_median(x, w)
    D = np.abs(x[:, :, None] - x[:, None, :]) / scale[:, None, None]
    Dmu = np.abs(x - mu[:, None]) / scale[:, None]
    P = win_probability(x, w, opt.probability)
    if opt.risk == "scholz":
        E1 = challenge_eu(D, Dmu, P, s, np.ones((1, 1, 1)), opt.q, opt.t)
        r = risk_exponents(E1)
    else:
        r = np.ones((B, N))
    # E_own[b, i, j]: i challenging j, with i's exponent
    E_own = challenge_eu(D, Dmu, P, s, r[:, :, None], opt.q, opt.t)
    if opt.perspective == "receiver":
        # y[b, i, j] = E(j challenges i) reckoned with r_i
        E_by_target = challenge_eu(D, Dmu, P, s, r[:, None, :], opt.q, opt.t)
        y = np.swapaxes(E_by_target, 1, 2)
    else:
        y = np.swapaxes(E_own, 1, 2)
    xe = E_own  # x[b, i, j] = E_i(ij)
    xi = x[:, :, None]
    xj = x[:, None, :]
    valid = D > 0
    tol = EU_TOL
    conf = valid & (y > xe + tol) & (xe > tol)
    edge = -xe - tol  # y = |x|: where compromise turns into capitulation
    comp = valid & (y > tol) & (xe < -tol) & (y >= edge)
    capit = valid & (y > tol) & (xe < -tol) & (y < edge)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(comp, np.minimum(-xe / np.where(comp, y, 1.0), 1.0), 0.0)
    target = np.where(comp, xi + (xj - xi) * frac, xj)
    if opt.confrontation == "expected":
        Pji = np.swapaxes(P, 1, 2)
        target = np.where(conf, xi + Pji * (xj - xi), target)
    elif opt.confrontation == "no-move":
        conf = np.zeros_like(conf)
    offer = conf | comp | capit
    if opt.choice == "type-priority":
        kind = np.where(conf, 0, np.where(comp, 1, 2))
        best = np.where(offer, kind, 3).min(axis=2, keepdims=True)
        offer = offer & (kind == best)
    elif opt.choice == "largest-eu":
        top = np.where(offer, y, -np.inf).max(axis=2, keepdims=True)
        offer = offer & (y >= top - EPS * np.abs(top))
    move = np.where(offer, np.abs(target - xi), np.inf)
    least = move.min(axis=2, keepdims=True)
    chosen = offer & (move <= least + EPS * scale[:, None, None])
    n = chosen.sum(axis=2)
    mean_target = np.where(chosen, target, 0.0).sum(axis=2) / np.maximum(n, 1)
    return np.where(n > 0, mean_target, x)


def run_batch(x0: np.ndarray, c: np.ndarray, s: np.ndarray, opt: EUOptions) -> EURun:
    """Run the model on ``B`` issues of ``N`` actors at once (``(B, N)`` arrays).

    ``s`` must already be on [0, 1]. Issues stop one by one (the stopping rule);
    a stopped issue keeps its positions while the others play on.
    """
    x = np.array(x0, dtype=float, copy=True)
    c = np.asarray(c, dtype=float)
    s = np.asarray(s, dtype=float)
    B, N = x.shape
    w = c * s
    scale = x.max(axis=1) - x.min(axis=1)
    flat = scale <= 0
    scale = np.where(flat, 1.0, scale)
    mu = weighted_median(x, w)
    path = [x.copy()]
    medians = [mu.copy()]
    active = ~flat & np.isfinite(mu)
    rounds = np.zeros(B, dtype=int)
    converged = ~active.copy()
    calm = np.zeros(B, dtype=int)
    for _ in range(opt.rounds):
        if not active.any():
            break
        idx = np.flatnonzero(active)
        new = _round(x[idx], w[idx], s[idx], scale[idx], opt)
        moved = np.abs(new - x[idx]).max(axis=1) > EPS * scale[idx]
        x[idx] = new
        new_mu = weighted_median(new, w[idx])
        still = np.abs(new_mu - mu[idx]) <= opt.tol * scale[idx]
        mu[idx] = new_mu
        rounds[idx] += 1
        calm[idx] = np.where(still, calm[idx] + 1, 0)
        stop = (calm[idx] >= opt.patience) | ~moved
        converged[idx[stop]] = True
        active[idx[stop]] = False
        path.append(x.copy())
        medians.append(mu.copy())
    return EURun(np.array(path), np.array(medians), rounds, converged, mu.copy())


# --------------------------------------------------------------------------- on a table
def expected_utility(
    table: ActorTable, options: EUOptions | None = None
) -> dict[str, IssueForecast]:
    """The model on every issue of ``table`` (issues with equal actor counts run together)."""
    opt = options or EUOptions()
    scale = opt.salience_scale or salience_scale(np.concatenate([i.salience for i in table.issues]))
    groups: dict[int, list[IssueActors]] = {}
    for issue in table.issues:
        groups.setdefault(len(issue.actors), []).append(issue)
    out: dict[str, IssueForecast] = {}
    for group in groups.values():
        x = np.stack([i.position for i in group])
        c = np.stack([i.capability for i in group])
        s = np.clip(np.stack([i.salience for i in group]) / scale, 0.0, 1.0)
        run = run_batch(x, c, s, opt)
        for b, issue in enumerate(group):
            out[issue.name] = _issue_result(issue, run, b, opt)
    return {i.name: out[i.name] for i in table.issues}


def _issue_result(issue: IssueActors, run: EURun, b: int, opt: EUOptions) -> IssueForecast:
    n = int(run.rounds[b])
    f = float(run.forecast[b])
    if not np.isfinite(f):
        return IssueForecast(KEY, issue.name, None, message=DEGENERATE)
    path = run.path[: n + 1, b, :]
    message = ""
    if not run.converged[b]:
        message = (
            f"did not converge: the median still moved after {n} rounds (the cap); "
            "the forecast is the median at the cap"
        )
    return IssueForecast(
        KEY,
        issue.name,
        f,
        level=issue.nearest_level(f),
        between=issue.between_levels(f),
        rounds=n,
        median_path=tuple(float(v) for v in run.medians[: n + 1, b]),
        positions={a: float(v) for a, v in zip(issue.actors, path[-1])},
        path=path,
        converged=bool(run.converged[b]),
        message=message,
    )


__all__ = [
    "EUOptions",
    "EURun",
    "challenge_eu",
    "expected_utility",
    "risk_exponents",
    "run_batch",
    "salience_scale",
    "win_probability",
]
