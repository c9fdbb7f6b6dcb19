"""The exchange model of Stokman & Van Oosten: actors trade positions across issues.

References: [1] F. N. Stokman & R. Van Oosten (1994), "The exchange of voting
positions: an object-oriented model of policy networks", in Bueno de Mesquita
& Stokman (eds.), *European Community Decision Making*, Yale UP, 105-127.
[2] F. N. Stokman & R. Thomson (2004), "Winners and losers in the European
Union", *European Union Politics* 5(1): 5-23. [3] Thomson et al. (eds., 2006),
*The European Union Decides*, ch. 7 (Arregui, Stokman & Thomson).

Why this model: it is the one standard model of that literature that uses
what the others ignore, that actors care about issues *differently*. The
compromise, the median and the expected-utility model treat each issue on its
own; in the exchange model an actor concedes on an issue it cares little
about in return for a concession on one it cares much about (log-rolling), so
a forecast on one issue depends on the saliences on the others. On a single
issue there is nothing to trade and it forecasts the compromise.

The model (our reconstruction; ``docs/forecasting.md``). Positions are put on
[0, 1] per issue (the initial spread of positions), so utilities are
comparable across issues. The expected outcome of issue ``d`` is the
compromise ``O_d = sum_i w_id x_id / W_d`` with ``w_id = c_i s_id``. Actor ``i``
loses ``s_id |O_d - x_id|`` on each issue. An exchange between ``i`` and ``j`` on
issues ``(d, e)`` is possible when they are on opposite sides of ``O_d`` and of
``O_e`` and ``i`` cares relatively more about ``e`` and ``j`` about ``d``::

    s_id / s_ie < s_jd / s_je.                                       (12)

``i`` moves towards ``O_d`` (shifting ``O_d`` by ``a`` towards ``j``), ``j`` moves
towards ``O_e`` (shifting ``O_e`` by ``b`` towards ``i``). Gains: ``G_i = s_ie b -
s_id a`` and ``G_j = s_jd a - s_je b``. The exchange rate sets equal gains (the
rule of [1]), ``b = a (s_id + s_jd) / (s_ie + s_je)``, and each moves at most to
the outcome (no one crosses over), so ``a <= w_id |x_id - O_d| / W_d`` and ``b <=
w_je |x_je - O_e| / W_e``; the largest such ``a`` is taken, with gain ::

    G = a (s_ie s_jd - s_id s_je) / (s_ie + s_je).                      (13)

Each round, the possible exchanges are made in order of gain (largest first;
ties by actor and issue names), each actor's position on an issue moving at
most once per round; then the outcomes are recomputed. The run stops when no
exchange gains more than ``min_gain``, or at the round cap. The forecast is the
final compromise ``O_d``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .actors import ActorTable
from .results import DEGENERATE, IssueForecast

KEY = "exchange"
#: Tables with more issues than this are not run (the pairs of issues grow as its square).
MAX_ISSUES = 60


@dataclass(frozen=True)
class ExchangeOptions:
    """``rounds``: the round cap; ``min_gain``: the smallest gain (13) worth an exchange."""

    rounds: int = 100
    min_gain: float = 1e-6

    def __post_init__(self) -> None:
        if self.rounds < 0 or self.min_gain < 0:
            raise ValueError("rounds and min_gain must be >= 0")

    def to_dict(self) -> dict:
        return asdict(self)


def _matrices(table: ActorTable):
    """``(actors, x, w, s, present, lo, span)``: actor-by-issue matrices on [0, 1] scales."""
    actors = sorted(table.actor_names)
    row = {a: k for k, a in enumerate(actors)}
    K, N = len(table.issues), len(actors)
    x = np.zeros((N, K))
    w = np.zeros((N, K))
    s = np.zeros((N, K))
    present = np.zeros((N, K), dtype=bool)
    lo = np.zeros(K)
    span = np.ones(K)
    for k, issue in enumerate(table.issues):
        lo[k] = issue.position.min()
        width = issue.position.max() - lo[k]
        span[k] = width if width > 0 else 1.0
        for a, c, p, sal in zip(issue.actors, issue.capability, issue.position, issue.salience):
            i = row[a]
            x[i, k] = (p - lo[k]) / span[k]
            w[i, k] = c * sal
            s[i, k] = sal
            present[i, k] = True
    top = s.max()
    if top > 0:
        s = s / top  # gains compare saliences across issues; their scale cancels in (12)
    return actors, x, w, s, present, lo, span


def _candidates(x, w, s, present, O, W):
    """Every possible exchange with its gain: arrays ``(gain, i, j, d, e, a, b)``."""
    side = np.sign(x - O[None, :]) * present  # (N, K): -1 below, +1 above, 0 at O or absent
    room = w * np.abs(x - O[None, :]) / np.where(W > 0, W, 1.0)[None, :]  # max outcome shift
    # i concedes on d, j concedes on e: arrays over (i, j, d, e)
    opposite = (side[:, None, :] * side[None, :, :]) < 0  # (i, j, k)
    both = opposite[:, :, :, None] & opposite[:, :, None, :]
    s_id = s[:, None, :, None]
    s_ie = s[:, None, None, :]
    s_jd = s[None, :, :, None]
    s_je = s[None, :, None, :]
    rel = s_ie * s_jd - s_id * s_je
    ok = both & (rel > 0)
    K = x.shape[1]
    ok &= ~np.eye(K, dtype=bool)[None, None, :, :]
    if not ok.any():
        return None
    i, j, d, e = np.nonzero(ok)
    rate = (s[i, d] + s[j, d]) / (s[i, e] + s[j, e])
    a = np.minimum(room[i, d], room[j, e] / rate)
    b = a * rate
    gain = a * rel[i, j, d, e] / (s[i, e] + s[j, e])
    return gain, i, j, d, e, a, b


def run_exchange(table: ActorTable, options: ExchangeOptions | None = None):
    """Run the model; returns ``(actors, positions by round, outcomes by round, rounds,
    converged, lo, span)`` with positions on the [0, 1] scales."""
    opt = options or ExchangeOptions()
    actors, x, w, s, present, lo, span = _matrices(table)
    W = w.sum(axis=0)
    O = (w * x).sum(axis=0) / np.where(W > 0, W, 1.0)
    rank = np.argsort(np.argsort(np.array(table.issue_names, dtype=object)))  # ties by name
    xs, Os = [x.copy()], [O.copy()]
    converged = False
    rounds = 0
    for _ in range(opt.rounds):
        found = _candidates(x, w, s, present, O, W)
        if found is None:
            converged = True
            break
        gain, i, j, d, e, a, b = found
        keep = gain > opt.min_gain
        if not keep.any():
            converged = True
            break
        gain, i, j, d, e, a, b = (v[keep] for v in (gain, i, j, d, e, a, b))
        order = np.lexsort((rank[e], rank[d], j, i, -gain))
        used = np.zeros_like(present)
        for t in order:
            ii, jj, dd, ee = int(i[t]), int(j[t]), int(d[t]), int(e[t])
            if used[ii, dd] or used[jj, ee]:
                continue
            used[ii, dd] = used[jj, ee] = True
            # shift O_d by a (i's move) and O_e by b (j's move), each towards the outcome
            x[ii, dd] += np.sign(O[dd] - x[ii, dd]) * a[t] * W[dd] / w[ii, dd]
            x[jj, ee] += np.sign(O[ee] - x[jj, ee]) * b[t] * W[ee] / w[jj, ee]
        O = (w * x).sum(axis=0) / np.where(W > 0, W, 1.0)
        rounds += 1
        xs.append(x.copy())
        Os.append(O.copy())
    return actors, np.array(xs), np.array(Os), rounds, converged, lo, span


def exchange(table: ActorTable, options: ExchangeOptions | None = None) -> dict[str, IssueForecast]:
    """The exchange model's forecast on every issue of ``table``."""
    if len(table.issues) > MAX_ISSUES:
        msg = (
            f"not run: {len(table.issues)} issues (the exchange model compares every pair of "
            f"issues; at most {MAX_ISSUES})"
        )
        return {i.name: IssueForecast(KEY, i.name, None, message=msg) for i in table.issues}
    actors, xs, Os, rounds, converged, lo, span = run_exchange(table, options)
    row = {a: k for k, a in enumerate(actors)}
    out = {}
    for k, issue in enumerate(table.issues):
        if not np.any(issue.weight > 0):
            out[issue.name] = IssueForecast(KEY, issue.name, None, message=DEGENERATE)
            continue
        idx = [row[a] for a in issue.actors]
        path = xs[:, idx, k] * span[k] + lo[k]
        outcome = Os[:, k] * span[k] + lo[k]
        f = float(outcome[-1])
        note = ""
        if len(table.issues) == 1:
            note = "one issue: nothing to exchange, the forecast is the compromise"
        elif not converged:
            note = f"did not converge: exchanges still gained after {rounds} rounds (the cap)"
        out[issue.name] = IssueForecast(
            KEY,
            issue.name,
            f,
            level=issue.nearest_level(f),
            between=issue.between_levels(f),
            rounds=rounds,
            outcome_path=tuple(float(v) for v in outcome),
            positions={a: float(v) for a, v in zip(issue.actors, path[-1])},
            path=path,
            converged=converged,
            message=note,
        )
    return out


__all__ = ["ExchangeOptions", "exchange", "run_exchange"]
