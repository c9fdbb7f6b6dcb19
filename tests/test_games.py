"""Strategic games: hand-solved games, exact output, n-player solvers, dominance, dynamics."""

from fractions import Fraction as F

import numpy as np
import pytest

from negotiation.games import (
    NormalFormGame,
    best_response_dynamics,
    enummixed_solve,
    enumpoly_solve,
    enumpure_solve,
    enumsupport_solve,
    equilibria_json,
    fictitious_play,
    iterated_elimination,
    lcp_solve,
    regret,
    solve,
)
from negotiation.games.verify import exact_regret


def exact_set(result):
    """The equilibria of an exact result as a set of tuples of Fractions."""
    return {tuple(tuple(s) for s in e.exact) for e in result}


def profiles(*pairs):
    return {tuple(tuple(F(v) for v in s) for s in pair) for pair in pairs}


PD = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("a", "b"),
                             strategies=(("cooperate", "defect"), ("cooperate", "defect")))
BOS = NormalFormGame.bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
PENNIES = NormalFormGame.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
CHICKEN = NormalFormGame.bimatrix([[0, -1], [1, -10]], [[0, 1], [-1, -10]],
                                  strategies=(("swerve", "straight"), ("swerve", "straight")))
# a 3 x 3 coordination game with seven equilibria: three pure, three on pairs, one full
COORD = NormalFormGame.bimatrix(np.diag([1, 2, 3]), np.diag([3, 2, 1]))
# Selten (1975), figure 2, normal form: a continuum of equilibria (Gambit's e02.nfg)
SELTEN = NormalFormGame.bimatrix([[1, 1], [0, 0], [0, 2]], [[1, 1], [2, 3], [2, 0]])


def test_prisoners_dilemma():
    r = enummixed_solve(PD, exact=True)
    assert exact_set(r) == profiles(((0, 1), (0, 1)))
    assert r.complete and not r.degenerate
    d = r.to_dict()
    assert d["equilibria"][0]["profile"] == {"a": {"defect": 1.0}, "b": {"defect": 1.0}}
    assert d["equilibria"][0]["payoffs"] == {"a": 1.0, "b": 1.0}


def test_battle_of_the_sexes():
    r = enummixed_solve(BOS, exact=True)
    assert exact_set(r) == profiles(((1, 0), (1, 0)), ((0, 1), (0, 1)),
                                    ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))))
    mixed = r.equilibria[-1]
    assert [str(v) for v in mixed.exact_payoffs] == ["2/3", "2/3"]


def test_matching_pennies():
    r = enummixed_solve(PENNIES, exact=True)
    assert exact_set(r) == profiles(((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2))))
    assert len(enumpure_solve(PENNIES)) == 0


def test_chicken():
    r = enummixed_solve(CHICKEN, exact=True)
    assert exact_set(r) == profiles(((1, 0), (0, 1)), ((0, 1), (1, 0)),
                                    ((F(9, 10), F(1, 10)), (F(9, 10), F(1, 10))))
    assert r.equilibria[-1].exact_payoffs == (F(-1, 10), F(-1, 10))


def test_seven_equilibria():
    r = enummixed_solve(COORD, exact=True)
    a, b = [1, 2, 3], [3, 2, 1]
    want = set()
    for support in ([0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]):
        # indifference: a_i y_i equal on the support, b_i x_i equal on the support
        y = [F(1, a[i]) if i in support else F(0) for i in range(3)]
        x = [F(1, b[i]) if i in support else F(0) for i in range(3)]
        want.add((tuple(v / sum(x) for v in x), tuple(v / sum(y) for v in y)))
    assert exact_set(r) == want
    assert len(r) == 7 and not r.degenerate
    # the float method agrees, and so does the independent support enumeration
    for other in (enummixed_solve(COORD), enumsupport_solve(COORD)):
        assert len(other) == 7
        for e, f in zip(r, other):
            for s, t in zip(e.profile, f.profile):
                assert np.allclose(s, t, atol=1e-12)


def test_degenerate_continuum_selten():
    r = enummixed_solve(SELTEN, exact=True)
    assert r.degenerate and r.complete
    # Gambit's documentation lists exactly these two extreme equilibria, one convex set
    assert exact_set(r) == profiles(((1, 0, 0), (1, 0)), ((1, 0, 0), (F(1, 2), F(1, 2))))
    assert r.n_components == 1 and r.convex_sets == ((0, 1),)
    # every point of the segment between them is an equilibrium, and the float run agrees
    for t in np.linspace(0, 1, 5):
        y = np.array([1 - t / 2, t / 2])
        assert regret(SELTEN, (np.array([1.0, 0, 0]), y)) == 0
    f = enummixed_solve(SELTEN)
    assert f.degenerate and len(f) == 2 and f.to_dict()["convex_sets"] == [[0, 1]]
    # support enumeration says the game is degenerate and does not claim completeness
    s = enumsupport_solve(SELTEN)
    assert s.degenerate and not s.complete


def test_degenerate_two_components():
    # the column player is indifferent when row plays its first strategy: row plays it
    # while column plays its first with probability y >= 1/2 (a segment); (second,
    # second) is a separate, isolated equilibrium; a mixed row strategy never is one
    g = NormalFormGame.bimatrix([[1, 0], [0, 1]], [[1, 1], [0, 1]])
    r = enummixed_solve(g, exact=True)
    assert r.degenerate and r.n_components == 2
    assert exact_set(r) == profiles(((1, 0), (1, 0)), ((1, 0), (F(1, 2), F(1, 2))),
                                    ((0, 1), (0, 1)))
    assert sorted(len(s) for s in r.convex_sets) == [1, 2]
    # each convex set is a product: every combination of its extreme points is an equilibrium
    for s in r.convex_sets:
        xs = {tuple(r[i].exact[0]) for i in s}
        ys = {tuple(r[i].exact[1]) for i in s}
        for x in xs:
            for y in ys:
                assert exact_regret(g, (x, y)) == 0


def test_lemke_howson_finds_equilibria_of_the_set():
    full = enummixed_solve(COORD)
    lh = lcp_solve(COORD)
    assert lh.converged and not lh.complete and len(lh) >= 1
    flat = [np.concatenate(e.profile) for e in full]
    for e in lh:
        assert min(np.abs(np.concatenate(e.profile) - f).max() for f in flat) < 1e-12
        assert e.exact is not None and exact_regret(COORD, e.exact) == 0


def test_solve_dispatch_and_errors():
    assert solve(BOS).method == "enummixed"
    with pytest.raises(ValueError, match="unknown method"):
        solve(BOS, "simplex")
    three = NormalFormGame.from_arrays(np.zeros((3, 2, 2, 2)))
    with pytest.raises(ValueError, match="two-player"):
        solve(three, "vertex")
    with pytest.raises(ValueError, match="exact"):
        solve(BOS, "support", exact=True)


def test_json_shape():
    doc = equilibria_json({"pd": PD, "selten": SELTEN})
    g = doc["games"]["pd"]
    assert list(g)[:6] == ["players", "strategies", "equilibria", "method", "degenerate",
                           "complete"]
    assert g["strategies"] == {"a": ["cooperate", "defect"], "b": ["cooperate", "defect"]}
    eq = g["equilibria"][0]
    assert set(eq) == {"profile", "payoffs", "regret"} and eq["regret"] <= 1e-9
    assert doc["games"]["selten"]["degenerate"] is True


# ---------------------------------------------------------------------- n players
def jordan():
    """Jordan (1993): 1 matches 2, 2 matches 3, 3 mismatches 1. One equilibrium, all 1/2."""
    u = np.zeros((3, 2, 2, 2))
    for s in np.ndindex(2, 2, 2):
        u[(0,) + s] = s[0] == s[1]
        u[(1,) + s] = s[1] == s[2]
        u[(2,) + s] = s[2] != s[0]
    return NormalFormGame.from_arrays(list(u))


def test_jordan_game():
    g = jordan()
    assert len(enumpure_solve(g)) == 0
    r = enumpoly_solve(g)
    assert r.complete and len(r) == 1
    assert all(np.allclose(s, 0.5) for s in r[0].profile)
    br = best_response_dynamics(g)
    assert not br.converged and br.cycle and "cycles" in br.message


def test_pure_equilibria_n_players():
    # a 3-player unanimity game: all "yes" or any profile where no one player is pivotal
    u = np.zeros((3, 2, 2, 2))
    u[:, 0, 0, 0] = [3, 2, 1]
    g = NormalFormGame.from_arrays(list(u), strategies=[("yes", "no")] * 3)
    r = enumpure_solve(g)
    got = {tuple(int(np.argmax(s)) for s in e.profile) for e in r}
    assert got == {(0, 0, 0), (1, 1, 1), (0, 1, 1), (1, 0, 1), (1, 1, 0)}
    assert r.degenerate        # ties: a player facing two "no"s is indifferent


def closed_form_2x2x2(g):
    """Totally mixed equilibria of a 2x2x2 game by elimination (p, q, r = P(strategy 0))."""
    u = g.payoffs

    def coeffs(i):
        # player i's gain of strategy 0 over 1 as a + b s + c t + d s t in the others' P(0)
        diff = np.moveaxis(u[i], i, 0)
        dd = diff[0] - diff[1]           # axes: the other two players, in order
        a = dd[1, 1]
        b = dd[0, 1] - dd[1, 1]
        c = dd[1, 0] - dd[1, 1]
        d = dd[0, 0] - dd[0, 1] - dd[1, 0] + dd[1, 1]
        return a, b, c, d

    a1, b1, c1, d1 = coeffs(0)   # in (q, r)
    a2, b2, c2, d2 = coeffs(1)   # in (p, r)
    a3, b3, c3, d3 = coeffs(2)   # in (p, q)
    P = np.polynomial.Polynomial
    # player 1: r = -(a1 + b1 q) / (c1 + d1 q); player 3: p = -(a3 + c3 q) / (b3 + d3 q)
    rn, rd = -P([a1, b1]), P([c1, d1])
    pn, pd = -P([a3, c3]), P([b3, d3])
    poly = a2 * pd * rd + b2 * pn * rd + c2 * rn * pd + d2 * pn * rn
    out = []
    for q in poly.roots():
        if abs(q.imag) > 1e-9:
            continue
        q = q.real
        p, r = pn(q) / pd(q), rn(q) / rd(q)
        if all(0 < v < 1 for v in (p, q, r)):
            out.append((p, q, r))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_poly_against_closed_form(seed):
    rng = np.random.default_rng(seed)
    g = NormalFormGame.from_arrays(list(rng.normal(size=(3, 2, 2, 2))))
    r = enumpoly_solve(g)
    assert r.complete and len(r) % 2 == 1
    mixed = sorted(tuple(e.profile[i][0] for i in range(3)) for e in r
                   if all(len(s) == 2 for s in e.support()))
    want = sorted(closed_form_2x2x2(g))
    assert len(mixed) == len(want)
    for m, w in zip(mixed, want):
        assert np.allclose(m, w, atol=1e-9)
    for e in r:
        assert e.regret <= 1e-9


def test_poly_agrees_with_vertex_on_two_players():
    rng = np.random.default_rng(3)
    for _ in range(3):
        g = NormalFormGame.bimatrix(rng.normal(size=(3, 3)), rng.normal(size=(3, 3)))
        a, b = enummixed_solve(g), enumpoly_solve(g)
        assert len(a) == len(b)
        for e, f in zip(a, b):
            assert all(np.allclose(s, t, atol=1e-9) for s, t in zip(e.profile, f.profile))


# ---------------------------------------------------------------------- dominance, dynamics
def test_dominance_by_a_mixed_strategy():
    g = NormalFormGame.bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]],
                                strategies=(("t", "m", "b"), ("l", "r")))
    d = iterated_elimination(g)
    assert [(s.player, s.strategy) for s in d.steps] == [("row", "b")]
    assert d.steps[0].by == {"t": 0.5, "m": 0.5}
    assert not d.solved
    # no pure strategy dominates b: only the mix does
    assert iterated_elimination(g, mixed=False).steps == ()


def test_dominance_solvable():
    d = iterated_elimination(PD)
    assert d.solved and d.reduced.strategies == (("defect",), ("defect",))
    assert d.to_dict()["dominance_solvable"] is True


def test_fictitious_play_converges_in_zero_sum():
    r = fictitious_play(PENNIES, iterations=20000, tol=0.01)
    assert r.converged and r.points[-1][2] <= 0.01
    assert np.allclose(r.final[0], 0.5, atol=0.05)
    # the trajectory is recorded from the first round on
    assert r.points[0][0] == 1 and len(r.points) > 5


def test_fictitious_play_reports_non_convergence():
    r = fictitious_play(jordan(), iterations=200, tol=1e-6)
    assert not r.converged and "did not converge within 200 rounds" in r.message


def test_best_response_dynamics_reaches_equilibrium():
    r = best_response_dynamics(PD)
    assert r.converged and r.movers == ("a", "b")
    assert r.to_dict()["final"]["profile"] == {"a": {"defect": 1.0}, "b": {"defect": 1.0}}
