"""Properties of the equilibrium solvers on generated games (hypothesis).

Every reported equilibrium satisfies the best-response conditions; non-degenerate games
have an odd number of equilibria; two independent methods (vertex enumeration and
support enumeration) agree; exact and floating-point vertex enumeration find the same
extreme equilibria, degenerate or not.
"""

from itertools import product

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from negotiation.games import (
    NormalFormGame,
    enummixed_solve,
    enumpure_solve,
    enumsupport_solve,
    iterated_elimination,
    lcp_solve,
    parse_nfg,
    to_nfg,
)
from negotiation.games.verify import deviation_payoffs


@st.composite
def integer_games(draw, max_size=5, lo=-9, hi=9):
    m = draw(st.integers(1, max_size))
    n = draw(st.integers(1, max_size))
    cells = st.integers(lo, hi)
    A = draw(st.lists(st.lists(cells, min_size=n, max_size=n), min_size=m, max_size=m))
    B = draw(st.lists(st.lists(cells, min_size=n, max_size=n), min_size=m, max_size=m))
    return NormalFormGame.bimatrix(A, B)


@st.composite
def generic_games(draw, max_size=6):
    m = draw(st.integers(2, max_size))
    n = draw(st.integers(2, max_size))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return NormalFormGame.bimatrix(rng.normal(size=(m, n)), rng.normal(size=(m, n)))


def best_response_ok(game, profile, tol=1e-9):
    """Every strategy played earns the player's best deviation payoff (within tol)."""
    dev = deviation_payoffs(game, profile)
    scale = game.payoff_scale()
    for p, (d, s) in enumerate(zip(dev, profile)):
        if np.any(s < 0) or abs(s.sum() - 1) > 1e-12:
            return False
        if np.any(d[s > 0] < d.max() - tol * scale[p]):
            return False
    return True


def same_sets(a, b, tol=1e-9):
    fa = [np.concatenate(e.profile) for e in a]
    fb = [np.concatenate(e.profile) for e in b]
    if len(fa) != len(fb):
        return False
    return all(min(np.abs(x - y).max() for y in fb) <= tol for x in fa)


@given(integer_games())
def test_vertex_float_and_exact_agree(game):
    flt = enummixed_solve(game)
    ex = enummixed_solve(game, exact=True)
    assert flt.complete and ex.complete
    assert flt.degenerate == ex.degenerate
    assert same_sets(flt, ex)
    for e in flt:
        assert e.regret <= 1e-9 and best_response_ok(game, e.profile)
    if not flt.degenerate:
        assert len(flt) % 2 == 1
        assert same_sets(flt, enumsupport_solve(game))
    else:
        # every combination of extreme points of a convex set is an equilibrium
        for s in flt.convex_sets:
            xs = [flt[i].profile[0] for i in s]
            ys = [flt[i].profile[1] for i in s]
            x, y = np.mean(xs, axis=0), np.mean(ys, axis=0)
            assert best_response_ok(game, (x, y), tol=1e-7)


@given(generic_games())
def test_generic_games_two_methods_agree(game):
    v = enummixed_solve(game)
    s = enumsupport_solve(game)
    assert not v.degenerate and v.complete
    assert len(v) % 2 == 1
    assert same_sets(v, s)
    lh = lcp_solve(game, labels=[0, game.shape[0]])
    flat = [np.concatenate(e.profile) for e in v]
    for e in lh:
        assert min(np.abs(np.concatenate(e.profile) - f).max() for f in flat) <= 1e-9


@given(st.integers(0, 2**32 - 1), st.lists(st.integers(1, 3), min_size=1, max_size=4))
def test_pure_equilibria_against_brute_force(seed, shape):
    rng = np.random.default_rng(seed)
    pay = rng.integers(0, 3, size=(len(shape),) + tuple(shape))
    g = NormalFormGame.from_arrays(list(pay))
    got = {tuple(int(np.argmax(s)) for s in e.profile) for e in enumpure_solve(g)}
    want = set()
    for prof in product(*[range(k) for k in shape]):
        ok = True
        for p in range(len(shape)):
            for t in range(shape[p]):
                alt = list(prof)
                alt[p] = t
                if pay[p][tuple(alt)] > pay[p][prof]:
                    ok = False
        if ok:
            want.add(prof)
    assert got == want


@given(integer_games(max_size=4))
def test_dominated_strategies_are_never_played(game):
    d = iterated_elimination(game)
    full = enummixed_solve(game)
    for e in full:
        for p in range(2):
            played = set(np.flatnonzero(e.profile[p] > 0))
            assert played <= set(d.remaining[p])
    if not full.degenerate:
        assert len(enummixed_solve(d.reduced)) == len(full)


@given(integer_games(max_size=3, lo=-50, hi=50), st.integers(0, 5))
def test_nfg_round_trip(game, scale):
    g = NormalFormGame.bimatrix(game.A / 10**scale, game.B / 10**scale,
                                strategies=(tuple(f's "{i}"' for i in range(game.shape[0])),
                                            tuple(f"t{j}" for j in range(game.shape[1]))))
    back = parse_nfg(to_nfg(g))
    assert back.strategies == g.strategies and back.players == g.players
    assert np.array_equal(back.exact, g.rational())
    assert np.array_equal(back.payoffs, g.payoffs)
