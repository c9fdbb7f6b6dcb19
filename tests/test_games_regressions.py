"""Regression tests for the failure modes of nashpy 0.0.43 that this package corrects.

The games were found by searching random integer games with fixed seeds
(``numpy.random.default_rng(seed).integers(...)``) and are pinned here as literals:

* support enumeration drops equilibria of non-degenerate games (its indifference
  solve rejects probabilities of about -1e-16 before any tolerance applies);
* Lemke-Howson overflows (``RuntimeWarning: overflow``, NaN strategies) and then
  never ends on 8 x 8 games.

Each test checks this package's answer; the nashpy side is checked only where it is
cheap and only for nashpy 0.0.43 (it is not a dependency of these solvers).
"""

import warnings
from fractions import Fraction as F

import numpy as np
import pytest

from negotiation.games import NormalFormGame, enummixed_solve, enumsupport_solve, lcp_solve
from negotiation.games.lemke import lemke_howson
from negotiation.games.verify import exact_regret

try:
    import nashpy
    NASHPY_0043 = nashpy.__version__ == "0.0.43"
except ImportError:  # pragma: no cover
    NASHPY_0043 = False

# seed 30, 3 x 3, integers in [-10, 10]: three equilibria, nashpy finds two
DROP_3X3 = ([[-6, 5, -1], [-2, -9, 3], [2, -5, 6]],
            [[-6, 8, -10], [-4, 6, -8], [-7, -2, 4]])
# seed 20, 5 x 5: one equilibrium (supports of size 2), nashpy finds none
DROP_5X5 = ([[-5, -5, -1, 8, -8], [-5, 0, -5, -2, -3], [-9, -10, -8, 3, 10],
             [9, 4, 9, -1, 1], [3, -2, -5, 4, -4]],
            [[1, -9, -6, -9, 2], [6, 8, 7, 9, -10], [6, -4, 3, -9, -6],
             [-1, -5, 2, 9, 1], [9, -8, -1, 4, -7]])
# seeds 1000 and 1002, 8 x 8, integers in [-100, 100]: nashpy's Lemke-Howson from label 7
# (seed 1000) overflows and then runs for ever; from label 1 (seed 1002) it returns NaN
LH_1000 = ([[-60, 4, 70, 21, 64, -6, -59, -60], [1, 6, -41, -62, 0, -44, -48, 51],
            [-63, 10, -100, 73, 80, 61, 38, -51], [59, -62, 27, 97, -70, 34, -77, -44],
            [-14, -60, 81, 25, 72, 31, -25, 80], [-8, 95, 62, -70, 40, 40, 63, -11],
            [-30, -97, 70, -42, 98, -24, 48, -36], [-75, 89, -97, 41, -77, -73, -55, -32]],
           [[36, 63, 82, -71, 68, -89, -68, -37], [-5, -16, 47, 62, 16, -99, -60, -9],
            [13, 12, 50, -100, -56, -41, -99, -90], [43, 14, 35, 89, 72, 45, -3, 72],
            [-25, 9, -67, -24, 59, 21, 99, 47], [-72, 98, -32, 79, 87, 4, -27, -59],
            [-36, -40, -70, 67, -92, -63, -13, -64], [-49, -53, 19, 32, -5, 3, -85, 65]])


def lh_1002():
    rng = np.random.default_rng(1002)
    return rng.integers(-100, 101, (8, 8)), rng.integers(-100, 101, (8, 8))


def test_support_enumeration_drop_3x3():
    g = NormalFormGame.bimatrix(*DROP_3X3)
    r = enummixed_solve(g, exact=True)
    assert not r.degenerate and len(r) == 3
    mixed = r.equilibria[-1].exact
    assert mixed == ((F(1, 4), F(0), F(3, 4)), (F(0), F(7, 17), F(10, 17)))
    assert len(enumsupport_solve(g)) == 3          # the tolerant support enumeration agrees
    if NASHPY_0043:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = list(nashpy.Game(*map(np.array, DROP_3X3)).support_enumeration())
        assert len(found) == 2                      # the failure this test pins


def test_support_enumeration_drop_5x5():
    g = NormalFormGame.bimatrix(*DROP_5X5)
    r = enummixed_solve(g, exact=True)
    assert not r.degenerate and len(r) == 1
    assert r[0].exact == ((0, 0, 0, F(1, 3), F(2, 3)), (F(5, 11), 0, 0, F(6, 11), 0))
    assert len(enumsupport_solve(g)) == 1
    if NASHPY_0043:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert list(nashpy.Game(*map(np.array, DROP_5X5)).support_enumeration()) == []


def test_lemke_howson_terminates_exactly_8x8():
    g = NormalFormGame.bimatrix(*LH_1000)
    prof, pivots = lemke_howson(g, 7)
    assert prof is not None and pivots < 100
    assert exact_regret(g, prof) == 0
    every = lcp_solve(g)                            # all 16 dropped labels
    assert every.converged and not every.message
    full = enummixed_solve(g)
    assert not full.degenerate and len(full) % 2 == 1
    flat = [np.concatenate(e.profile) for e in full]
    for e in every:
        assert min(np.abs(np.concatenate(e.profile) - f).max() for f in flat) < 1e-12


def test_lemke_howson_no_overflow_8x8():
    A, B = lh_1002()
    g = NormalFormGame.bimatrix(A, B)
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # no overflow warning from our path
        prof, _ = lemke_howson(g, 1)
    assert exact_regret(g, prof) == 0
    if NASHPY_0043:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            x, _ = nashpy.Game(A, B).lemke_howson(initial_dropped_label=1)
        assert any("overflow" in str(w.message) for w in caught)
        assert np.isnan(x).all()


def test_pivot_limit_is_reported():
    g = NormalFormGame.bimatrix(*LH_1000)
    r = lcp_solve(g, labels=[7], max_pivots=3)
    assert not r.converged and len(r) == 0
    assert "did not converge" in r.message and "3 pivots" in r.message


def test_vertex_limit_is_reported():
    g = NormalFormGame.bimatrix(*LH_1000)
    r = enummixed_solve(g, max_vertices=10)
    assert not r.complete and not r.converged and "did not finish" in r.message


@pytest.mark.parametrize("data", [DROP_3X3, DROP_5X5, LH_1000])
def test_deterministic_order(data):
    g = NormalFormGame.bimatrix(*data)
    a, b = enummixed_solve(g), enummixed_solve(g)
    assert [np.concatenate(e.profile).tolist() for e in a] == \
        [np.concatenate(e.profile).tolist() for e in b]
