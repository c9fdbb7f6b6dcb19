"""The expected-utility model: the vectorised code against a plain per-pair reference.

The reference below is written from the equations of ``docs/forecasting.md``
(and the docstring of ``negotiation/forecast/expected_utility.py``) with plain
loops over actors, voters and pairs: no closed-form vote sums, no batching, no
broadcasting. Every option is checked on random tables and on the
emission-standards example, round by round.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation.forecast.expected_utility import EUOptions, run_batch
from negotiation.forecast.median import weighted_median

EMISSION = dict(
    c=[0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08],
    x=[4, 7, 4, 4, 10, 10, 10, 7, 4, 7],
    s=[0.80, 0.40, 0.20, 0.80, 0.60, 0.60, 0.90, 0.10, 1.00, 0.70],
)


def ref_median(x, w):
    """Weighted median by brute force: the minimisers of sum w |x - m| among positions,
    their midpoint when two tie (the interval's ends are positions)."""
    cost = {m: sum(wk * abs(xk - m) for xk, wk in zip(x, w)) for m in x}
    best = min(cost.values())
    ties = [m for m, v in cost.items() if v <= best + 1e-12 * max(1.0, abs(best))]
    return (min(ties) + max(ties)) / 2


def ref_probability(x, w, i, j, rule):
    votes = [wk * (abs(xk - x[j]) - abs(xk - x[i])) for xk, wk in zip(x, w)]
    absolute = sum(abs(v) for v in votes)
    if rule == "pairwise":
        num, den = sum(max(v, 0) for v in votes), absolute
    elif rule == "net":
        num, den = max(sum(votes), 0), absolute
    else:  # all-pairs
        num = sum(max(v, 0) for v in votes)
        den = sum(
            abs(wk * (abs(xk - x[b]) - abs(xk - x[a])))
            for a in range(len(x))
            for b in range(len(x))
            for xk, wk in zip(x, w)
        )
    return 0.5 if den <= 0 else min(max(num / den, 0.0), 1.0)


def ref_eu(a, z, x, s, P, mu, R, r, q, t):
    """E(a challenges z) with exponent r (equations 4-9)."""
    d = abs(x[a] - x[z]) / R
    if d == 0:
        return 0.0
    dmu = abs(x[a] - mu) / R
    us = 2 - 4 * max(0.5 - 0.5 * d, 0) ** r
    uf = 2 - 4 * (0.5 + 0.5 * d) ** r
    ub = 2 - 4 * max(0.5 - 0.25 * (dmu + d), 0) ** r
    uw = 2 - 4 * (0.5 + 0.25 * (dmu + d)) ** r
    usq = 2 - 4 * 0.5**r
    p = P[a][z]
    return (
        s[z] * (p * us + (1 - p) * uf)
        + (1 - s[z]) * us
        - q * usq
        - (1 - q) * (t * ub + (1 - t) * uw)
    )


def ref_round(x, c, s, R, opt: EUOptions):
    n = len(x)
    w = [ci * si for ci, si in zip(c, s)]
    mu = ref_median(x, w)
    P = [[ref_probability(x, w, i, j, opt.probability) for j in range(n)] for i in range(n)]
    if opt.risk == "scholz":
        sec = [
            sum(ref_eu(a, z, x, s, P, mu, R, 1.0, opt.q, opt.t) for a in range(n) if a != z)
            for z in range(n)
        ]
        hi, lo = max(sec), min(sec)
        risk = [0.0 if hi == lo else (2 * v - hi - lo) / (hi - lo) for v in sec]
        r = [(1 - R_ / 3) / (1 + R_ / 3) for R_ in risk]
    else:
        r = [1.0] * n
    new = list(x)
    for i in range(n):
        offers = []  # (kind, proposer's EU, target)
        for j in range(n):
            if x[j] == x[i]:
                continue
            xe = ref_eu(i, j, x, s, P, mu, R, r[i], opt.q, opt.t)
            rj = r[i] if opt.perspective == "receiver" else r[j]
            y = ref_eu(j, i, x, s, P, mu, R, rj, opt.q, opt.t)
            tol = 1e-9
            if y > xe + tol and xe > tol:
                if opt.confrontation == "no-move":
                    continue
                target = (
                    x[j] if opt.confrontation == "loser-moves" else x[i] + P[j][i] * (x[j] - x[i])
                )
                offers.append((0, y, target))
            elif y > tol and xe < -tol and y >= -xe - tol:
                offers.append((1, y, x[i] + (x[j] - x[i]) * min(-xe / y, 1.0)))
            elif y > tol and xe < -tol:
                offers.append((2, y, x[j]))
        if not offers:
            continue
        if opt.choice == "type-priority":
            k = min(o[0] for o in offers)
            offers = [o for o in offers if o[0] == k]
        elif opt.choice == "largest-eu":
            top = max(o[1] for o in offers)
            offers = [o for o in offers if o[1] >= top - 1e-12 * abs(top)]
        least = min(abs(o[2] - x[i]) for o in offers)
        tied = [o[2] for o in offers if abs(o[2] - x[i]) <= least + 1e-12 * R]
        new[i] = sum(tied) / len(tied)
    return new


def ref_run(x, c, s, opt: EUOptions):
    x = [float(v) for v in x]
    R = max(x) - min(x)
    w = [ci * si for ci, si in zip(c, s)]
    medians = [ref_median(x, w)]
    calm = 0
    for _ in range(opt.rounds):
        new = ref_round(x, c, s, R, opt)
        moved = max(abs(a - b) for a, b in zip(new, x)) > 1e-12 * R
        x = new
        medians.append(ref_median(x, w))
        calm = calm + 1 if abs(medians[-1] - medians[-2]) <= opt.tol * R else 0
        if calm >= opt.patience or not moved:
            break
    return medians, x


OPTION_GRID = [
    EUOptions(probability=p, choice=ch, confrontation=cf, rounds=8)
    for p, ch, cf in itertools.product(
        ("pairwise", "net", "all-pairs"),
        ("least-move", "largest-eu", "type-priority"),
        ("loser-moves", "expected", "no-move"),
    )
] + [
    EUOptions(q=0.5, rounds=8),
    EUOptions(q=0.3, t=0.4, rounds=8),
    EUOptions(risk="neutral", rounds=8),
    EUOptions(perspective="each", rounds=8),
]


def _batch(x, c, s, opt):
    run = run_batch(np.array([x], float), np.array([c], float), np.array([s], float), opt)
    n = int(run.rounds[0])
    return run.medians[: n + 1, 0], run.path[n, 0]


@pytest.mark.parametrize("opt", OPTION_GRID, ids=lambda o: "-".join(map(str, o.to_dict().values())))
def test_emission_example_matches_the_reference_round_by_round(opt):
    medians, final = _batch(EMISSION["x"], EMISSION["c"], EMISSION["s"], opt)
    ref_medians, ref_final = ref_run(EMISSION["x"], EMISSION["c"], EMISSION["s"], opt)
    assert np.allclose(medians, ref_medians, atol=1e-9)
    assert np.allclose(final, ref_final, atol=1e-9)


@settings(deadline=None)
@given(
    n=st.integers(2, 7),
    data=st.data(),
    opt=st.sampled_from(OPTION_GRID),
)
def test_random_tables_match_the_reference(n, data, opt):
    x = data.draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    c = data.draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    s = data.draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    if max(x) == min(x):
        x[0] += 1
    s = [v / 10 for v in s]
    medians, final = _batch(x, c, s, opt)
    ref_medians, ref_final = ref_run(x, c, s, opt)
    assert np.allclose(medians, ref_medians, atol=1e-9)
    assert np.allclose(final, ref_final, atol=1e-9)


def test_batches_of_issues_run_independently():
    """Issues run together give what each gives alone (each stops on its own)."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 10, size=(6, 5)).astype(float)
    x[:, 0] = 0.0
    x[:, 1] = 10.0
    c = rng.integers(1, 5, size=(6, 5)).astype(float)
    s = rng.integers(1, 10, size=(6, 5)) / 10
    together = run_batch(x, c, s, EUOptions())
    for b in range(6):
        alone = run_batch(x[b : b + 1], c[b : b + 1], s[b : b + 1], EUOptions())
        assert together.rounds[b] == alone.rounds[0]
        assert together.forecast[b] == pytest.approx(alone.forecast[0], abs=1e-12)


def test_median_helper_matches_brute_force():
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(1, 8))
        x = rng.integers(0, 6, size=n).astype(float)
        w = rng.integers(0, 4, size=n).astype(float)
        if w.sum() == 0:
            w[0] = 1
        assert weighted_median(x, w)[0] == pytest.approx(ref_median(list(x), list(w)))


@given(
    x=st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=9),
    data=st.data(),
)
def test_closed_form_vote_sums_match_the_direct_sums(x, data):
    """sum_k v_k(i, j) and sum_k |v_k(i, j)| of negotiation.forecast.votes, by the definition."""
    from negotiation.forecast.votes import _vote_sums

    w = data.draw(st.lists(st.floats(0, 10), min_size=len(x), max_size=len(x)))
    xa, wa = np.array([x]), np.array([w])
    net, absolute = _vote_sums(xa, wa)
    n = len(x)
    for i in range(n):
        for j in range(n):
            v = [wk * (abs(xk - x[j]) - abs(xk - x[i])) for xk, wk in zip(x, w)]
            scale = 1 + sum(w) * (max(x) - min(x))
            assert net[0, i, j] == pytest.approx(sum(v), abs=1e-9 * scale)
            assert absolute[0, i, j] == pytest.approx(sum(map(abs, v)), abs=1e-9 * scale)
