"""Mixed equilibria of small n-player games: support enumeration with a polynomial solve.

Method (McKelvey and McLennan 1996, section 6; Datta 2010; Sommese and
Wampler 2005 for the homotopy). First remove strictly dominated strategies
(:mod:`negotiation.games.dominance`): no equilibrium plays them. Then, for
every support profile ``S = (S_1, ..., S_n)`` of the reduced game,

1. skip ``S`` if some ``s`` in ``S_p`` is strictly dominated by another pure
   strategy of ``p`` against every profile of the others' supports
   ("conditional dominance", Porter, Nudelman and Shoham 2008);
2. write each mixing player's strategy as ``σ_p = (x_p1, ..., x_p,k-1, 1 - sum x_p)``
   and require ``p`` to be indifferent on ``S_p``:
   ``u_p(s_j, σ_-p) - u_p(s_k, σ_-p) = 0`` for ``j < k``. This is a square
   system of polynomial equations, multilinear in the other players'
   variables; player ``p``'s equations have degree ``d_p`` = the number of
   other mixing players;
3. find **all** its isolated complex solutions by a random linear-product
   homotopy ``H(x, t) = (1 - t) F(x) + t γ G(x)``: ``G_i`` is a product of
   random complex linear forms, one in the variables of each other mixing
   player, so its roots are known (solve one linear system per way of
   choosing the vanishing factors) and their number is the multihomogeneous
   Bezout number, McKelvey and McLennan's (1997) bound on totally mixed
   equilibria. With a random complex ``γ`` (fixed seed: deterministic) the
   paths from these roots at ``t = 1`` are smooth on ``(0, 1]`` with
   probability one and end at every isolated solution of ``F`` at ``t = 0``
   (the "gamma trick", Sommese and Wampler 2005, ch. 8). Paths are tracked
   together (numpy) with a Heun predictor, a chord-Newton corrector and
   adaptive steps, each with a step limit; a support size profile whose paths
   fail or jump (two paths ending at one regular solution) is tracked again
   with a fresh random start system and smaller steps;
4. keep the real solutions with probabilities in ``[0, 1]``, polish them by
   Newton's method, and verify each as an equilibrium of the **whole** game
   (regret at most ``1e-9``, which also checks that no strategy outside the
   supports does better).

``complete`` is true when every path ended (at a solution or at infinity)
and no solution was singular. A singular solution, or a mixing player whose
indifference holds identically, means a continuum of equilibria: the game is
then reported degenerate and the set not complete. The work grows fast with
the game (the number of paths is a sum over supports of Bezout numbers):
:func:`poly_feasible` says whether a game is small enough.
"""

from __future__ import annotations

import functools
from itertools import combinations, product
from math import comb, prod

import numpy as np

from .dominance import iterated_elimination
from .results import EquilibriumSet, make_equilibrium, tidy

#: Largest total number of homotopy paths (over all supports) attempted.
MAX_PATHS = 20_000
STEP_LIMIT = 2_000  # predictor-corrector steps per path
_LETTERS = "abcdefghijklmnopqrstuvwxy"


def path_count(shape: tuple[int, ...]) -> int:
    """Homotopy paths over every support profile of a game of this shape (an upper bound)."""
    total = 0
    for sizes in product(*(range(1, k + 1) for k in shape)):
        if all(s == 1 for s in sizes):
            continue
        total += prod(comb(k, s) for k, s in zip(shape, sizes)) * mh_bezout(sizes)
    return total


def poly_feasible(game, max_paths: int = MAX_PATHS) -> bool:
    """Is the game small enough for :func:`poly_solve` (after removing dominated strategies)?"""
    return path_count(iterated_elimination(game).reduced.shape) <= max_paths


class _System:
    """The indifference equations of one support-size profile, for a batch of supports."""

    def __init__(self, U: np.ndarray, sizes: tuple[int, ...]):
        self.U = U  # (B, n, s_1, ..., s_n) payoffs
        self.sizes = sizes
        self.n = len(sizes)
        self.mixing = [p for p, s in enumerate(sizes) if s >= 2]
        self.offsets = {}
        off = 0
        for p in self.mixing:
            self.offsets[p] = off
            off += sizes[p] - 1
        self.N = off

    def sigmas(self, x: np.ndarray) -> list[np.ndarray]:
        B = x.shape[0]
        out = []
        for p, s in enumerate(self.sizes):
            if s == 1:
                out.append(np.ones((B, 1), dtype=x.dtype))
            else:
                v = x[:, self.offsets[p] : self.offsets[p] + s - 1]
                out.append(np.concatenate([v, 1 - v.sum(axis=1, keepdims=True)], axis=1))
        return out

    def _contract(self, idx, p: int, sig, skip: tuple[int, ...]) -> np.ndarray:
        letters = _LETTERS[: self.n]
        ops = [self.U[idx, p]]
        subs = ["Z" + letters]
        for q in range(self.n):
            if q not in skip:
                ops.append(sig[q])
                subs.append("Z" + letters[q])
        out = "Z" + "".join(letters[q] for q in skip)
        return np.einsum(",".join(subs) + "->" + out, *ops)

    def F(self, idx, x) -> np.ndarray:
        sig = self.sigmas(x)
        parts = []
        for p in self.mixing:
            w = self._contract(idx, p, sig, (p,))
            parts.append(w[:, :-1] - w[:, -1:])
        return np.concatenate(parts, axis=1)

    def J(self, idx, x) -> np.ndarray:
        sig = self.sigmas(x)
        B = x.shape[0]
        out = np.zeros((B, self.N, self.N), dtype=x.dtype)
        for p in self.mixing:
            r0 = self.offsets[p]
            for q in self.mixing:
                if q == p:
                    continue
                D = self._contract(idx, p, sig, tuple(sorted((p, q))))
                if q < p:
                    D = np.swapaxes(D, 1, 2)
                D = D[:, :-1, :] - D[:, -1:, :]  # rows: equations of p
                D = D[:, :, :-1] - D[:, :, -1:]  # columns: variables of q
                c0 = self.offsets[q]
                out[:, r0 : r0 + self.sizes[p] - 1, c0 : c0 + self.sizes[q] - 1] = D
        return out


def _solve(M: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched ``M z = b``; a singular matrix gives a row of NaN instead of an error."""
    try:
        return np.linalg.solve(M, b[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan, dtype=np.result_type(M, b))
        for i in range(M.shape[0]):
            try:
                out[i] = np.linalg.solve(M[i], b[i])
            except np.linalg.LinAlgError:
                pass
        return out


class _Start:
    """A random linear-product start system matching the multilinear structure.

    Equation ``i`` (of player ``p``) becomes ``G_i(x) = prod_{q != p mixing} (a_iq . x_q + b_iq)``
    with random complex ``a, b``. A root picks, for each equation, one factor to vanish;
    it is a root of a non-singular linear system exactly when every mixing player ``q``
    is picked by ``s_q - 1`` equations. Their number is the multihomogeneous Bezout
    number, the bound of McKelvey and McLennan (1997) on totally mixed equilibria, far
    below the total degree.
    """

    def __init__(self, system: _System, rng: np.random.Generator):
        self.sys = system
        N = system.N
        self.owner = np.concatenate([np.full(system.sizes[p] - 1, p) for p in system.mixing])
        self.factors = [[q for q in system.mixing if q != self.owner[i]] for i in range(N)]
        self.a = rng.normal(size=(N, N)) + 1j * rng.normal(size=(N, N))
        self.b = rng.normal(size=N) + 1j * rng.normal(size=N)

    def _block(self, q):
        o = self.sys.offsets[q]
        return slice(o, o + self.sys.sizes[q] - 1)

    def _prepare(self):
        if hasattr(self, "_starts"):
            return
        mix = self.sys.mixing
        self._starts = np.array([self.sys.offsets[q] for q in mix])
        # present[i, j]: mixing player j is a factor of equation i
        self._present = np.array(
            [[q != self.owner[i] for q in mix] for i in range(self.sys.N)], dtype=bool
        )
        self._col = np.concatenate(
            [np.full(self.sys.sizes[q] - 1, j) for j, q in enumerate(mix)]
        )  # variable -> factor

    def _factors(self, x):
        """Values ``(B, N, n_mix)`` of every linear factor (1 where absent)."""
        self._prepare()
        prod_ = x[:, None, :] * self.a[None, :, :]  # (B, N, N)
        lin = np.add.reduceat(prod_, self._starts, axis=2) + self.b[None, :, None]
        return np.where(self._present[None], lin, 1.0)

    def G(self, x):
        return self._factors(x).prod(axis=2)

    def dG(self, x):
        L = self._factors(x)
        k = L.shape[2]
        others = np.empty_like(L)
        for j in range(k):
            others[:, :, j] = np.prod(np.delete(L, j, axis=2), axis=2)
        others = np.where(self._present[None], others, 0.0)
        return others[:, :, self._col] * self.a[None, :, :]

    def roots(self) -> np.ndarray:
        sys_ = self.sys
        need = {q: sys_.sizes[q] - 1 for q in sys_.mixing}
        out = []

        def assign(i, choice, left):
            if i == sys_.N:
                x = np.zeros(sys_.N, dtype=complex)
                for q in sys_.mixing:
                    eqs = [j for j in range(sys_.N) if choice[j] == q]
                    blk = self._block(q)
                    x[blk] = np.linalg.solve(
                        self.a[np.ix_(eqs, range(blk.start, blk.stop))], -self.b[eqs]
                    )
                out.append(x)
                return
            for q in self.factors[i]:
                if left[q] > 0:
                    left[q] -= 1
                    choice.append(q)
                    assign(i + 1, choice, left)
                    choice.pop()
                    left[q] += 1

        assign(0, [], dict(need))
        return np.array(out, dtype=complex).reshape(-1, sys_.N)


def mh_bezout(sizes: tuple[int, ...]) -> int:
    """Number of roots of the linear-product start system of a support-size profile."""
    mixing = [p for p, s in enumerate(sizes) if s >= 2]
    if len(mixing) < 2:
        return 0
    eqs = [p for p in mixing for _ in range(sizes[p] - 1)]
    need = {q: sizes[q] - 1 for q in mixing}

    @functools.cache
    def count(i, left):
        if i == len(eqs):
            return 1
        total = 0
        left_d = dict(left)
        for q in mixing:
            if q != eqs[i] and left_d[q] > 0:
                left_d[q] -= 1
                total += count(i + 1, tuple(sorted(left_d.items())))
                left_d[q] += 1
        return total

    return count(0, tuple(sorted(need.items())))


def _track(
    system: _System, n_sup: int, start: _Start, gamma: complex, step_limit: int, hmax: float = 0.2
):
    """Track every path of every support; returns ``(x, idx, status)`` at the end.

    status: 0 reached ``t = 0``; 1 went to infinity; 2 failed (step limit or step too
    small before the end); 3 stuck next to ``t = 0`` (singular or diverging end).
    """
    starts = start.roots()
    P = starts.shape[0]
    idx = np.repeat(np.arange(n_sup), P)
    x = np.tile(starts, (n_sup, 1))
    B = x.shape[0]
    t = np.ones(B)
    h = np.full(B, min(0.05, hmax))
    steps = np.zeros(B, dtype=int)
    status = np.full(B, -1)

    def Hx(i, z, tt):
        return (1 - tt)[:, None, None] * system.J(i, z) + (tt * gamma)[:, None, None] * start.dG(z)

    def H(i, z, tt):
        return (1 - tt)[:, None] * system.F(i, z) + (tt * gamma)[:, None] * start.G(z)

    def velocity(i, z, tt):
        return _solve(Hx(i, z, tt), gamma * start.G(z) - system.F(i, z))

    while True:
        act = np.flatnonzero(status < 0)
        if act.size == 0:
            break
        xi, ti, hi, ii = x[act], t[act], h[act], idx[act]
        tn = np.maximum(ti - hi, 0.0)
        dt = (ti - tn)[:, None]
        # Heun predictor: dx/dt = -Hx^{-1} Ht, here with dt < 0
        k1 = velocity(ii, xi, ti)
        k2 = velocity(ii, xi + dt * k1, tn)
        xp = xi + dt * (k1 + k2) / 2
        # chord-Newton corrector at tn (one Jacobian, three steps)
        Jn = Hx(ii, xp, tn)
        sizes = []
        for _ in range(3):
            corr = _solve(Jn, H(ii, xp, tn))
            xp = xp - corr
            sizes.append(np.linalg.norm(corr, axis=1))
        scale = 1 + np.linalg.norm(xp, axis=1)
        ok = (
            np.isfinite(sizes[2])
            & (sizes[2] <= 1e-8 * scale)
            & (sizes[1] <= 0.25 * sizes[0] + 1e-14 * scale)
        )
        ok &= np.linalg.norm(xp - xi, axis=1) <= 0.5 * (1 + np.linalg.norm(xi, axis=1))
        acc = act[ok]
        x[acc], t[acc] = xp[ok], tn[ok]
        h[acc] = np.minimum(hi[ok] * 2.0, hmax)
        h[act[~ok]] = hi[~ok] / 2
        steps[act] += 1
        big = np.linalg.norm(x, axis=1) > 1e8
        status[(status < 0) & big] = 1
        status[(status < 0) & (t <= 0)] = 0
        stuck = (status < 0) & ((h < 1e-13) | (steps > step_limit))
        status[stuck & (t < 1e-6)] = 3
        status[stuck & (t >= 1e-6)] = 2
    return x, idx, status


def _newton(system: _System, idx, x, iters: int = 8):
    """Newton's method on ``F`` (least squares where the Jacobian is singular)."""
    for _ in range(iters):
        J = system.J(idx, x)
        F = system.F(idx, x)
        step = _solve(J, F)
        bad = ~np.all(np.isfinite(step), axis=1)
        for i in np.flatnonzero(bad):
            step[i] = np.linalg.lstsq(J[i], F[i], rcond=None)[0]
        x = x - step
    return x


def poly_solve(
    game, *, max_paths: int = MAX_PATHS, seed: int = 0, step_limit: int = STEP_LIMIT
) -> EquilibriumSet:
    """Every equilibrium of a small game with any number of players (see the module doc)."""
    dom = iterated_elimination(game)
    red = dom.reduced
    params = {
        "max_paths": max_paths,
        "seed": seed,
        "step_limit": step_limit,
        "eliminated": len(dom.steps),
    }
    n_paths = path_count(red.shape)
    if n_paths > max_paths:
        return EquilibriumSet(
            game,
            (),
            "enumpoly",
            params,
            False,
            False,
            False,
            f"did not run: {n_paths:,} homotopy paths exceed the limit of "
            f"{max_paths:,}; use the pure method",
        )
    rng = np.random.default_rng(seed)
    ang = rng.uniform(0, 2 * np.pi)
    gamma = complex(np.cos(ang), np.sin(ang))
    pay = red.normalised() - 1.0  # each player's payoffs in [0, 1]
    n = red.n_players

    def embed(S, sig):
        prof = []
        for p in range(n):
            full = np.zeros(game.shape[p])
            for j, pr in zip(S[p], sig[p]):
                full[dom.remaining[p][j]] = max(float(np.real(pr)), 0.0)
            prof.append(full)
        return prof

    found = []
    degenerate = False
    failed = jumped = tracked = 0
    for sizes in product(*(range(1, k + 1) for k in red.shape)):
        supports = [
            S
            for S in product(*(list(combinations(range(k), s)) for k, s in zip(red.shape, sizes)))
            if not _conditionally_dominated(pay, S)
        ]
        if not supports:
            continue
        if all(s == 1 for s in sizes):
            for S in supports:
                e = make_equilibrium(game, embed(S, [np.ones(1)] * n))
                if e is not None:
                    found.append(e)
            continue
        system = _System(np.stack([pay[(slice(None),) + np.ix_(*S)] for S in supports]), sizes)
        if len(system.mixing) < 2:
            # one mixing player, the others pure: its indifference is a constant. Zero
            # (a tie) means a segment of profiles; it holds equilibria only if the even
            # mix is one, and then the game has a continuum of equilibria (degenerate);
            # its end points are pure and found with the pure supports.
            zero = np.zeros((len(supports), system.N), dtype=complex)
            consts = system.F(np.arange(len(supports)), zero)
            for t in np.flatnonzero(np.all(np.abs(consts) <= 1e-12, axis=1)):
                degenerate |= _tie_holds_equilibria(pay, supports[t], system.mixing[0])
            continue
        # a failed path or a path jump: track again with a fresh random start system
        # and gamma and a smaller largest step
        for attempt, hmax in enumerate((0.2, 0.05, 0.02)):
            if attempt:
                ang = rng.uniform(0, 2 * np.pi)
                gamma = complex(np.cos(ang), np.sin(ang))
            x, idx, status = _track(
                system, len(supports), _Start(system, rng), gamma, step_limit, hmax
            )
            fin = np.flatnonzero((status == 0) | (status == 3))
            xe = _newton(system, idx[fin], x[fin]) if fin.size else x[fin]
            jump = _jumped(system, idx[fin], xe)
            if not jump and not np.any(status == 2):
                break
        jumped += int(jump)
        tracked += x.shape[0]
        failed += int(np.sum(status == 2))
        real = (
            np.all(np.abs(xe.imag) <= 1e-7, axis=1)
            & np.all(np.isfinite(xe.real), axis=1)
            & (np.linalg.norm(xe, axis=1) < 1e6)
        )
        for t in np.flatnonzero(real):
            it = idx[fin][t : t + 1]
            xr = _newton(system, it, xe[t : t + 1].real)
            sig = [sv[0] for sv in system.sigmas(xr)]
            if any(np.any(sv < -1e-9) for sv in sig):
                continue
            e = make_equilibrium(game, embed(supports[int(it[0])], sig))
            if e is not None:
                found.append(e)
                if not np.linalg.cond(system.J(it, xr)[0]) < 1e10:
                    degenerate = True  # a singular solution: not isolated
    msgs = []
    if failed:
        msgs.append(
            f"did not converge: {failed} of {tracked} homotopy paths hit the step "
            "limit; equilibria may be missing"
        )
    if jumped:
        msgs.append(
            f"{jumped} support size profile(s) kept two paths ending at the same "
            "regular solution (path jumping); equilibria may be missing"
        )
    if degenerate:
        msgs.append(
            "degenerate game: a continuum of equilibria was met (a singular solution "
            "or an identically indifferent player); the points listed are verified "
            "but the set is not complete"
        )
    params["paths"] = tracked
    return EquilibriumSet(
        game,
        tidy(found),
        "enumpoly",
        params,
        degenerate,
        not failed and not jumped and not degenerate,
        not failed,
        "; ".join(msgs),
    )


def _jumped(system: _System, idx: np.ndarray, xe: np.ndarray) -> bool:
    """Did two paths of one support end at the same regular (non-singular) solution?

    A regular solution is the end of exactly one path, so a shared end means a path
    jumped onto another and some solution may have been missed.
    """
    ok = np.all(np.isfinite(xe), axis=1) & (np.linalg.norm(xe, axis=1) < 1e6)
    for sup in np.unique(idx[ok]):
        rows = np.flatnonzero(ok & (idx == sup))
        if len(rows) < 2:
            continue
        pts = xe[rows]
        dist = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)
        np.fill_diagonal(dist, np.inf)
        i, j = np.nonzero(dist < 1e-7)
        for a in np.unique(i):
            if np.linalg.cond(system.J(idx[rows[a : a + 1]], pts[a : a + 1])[0]) < 1e10:
                return True
    return False


def _tie_holds_equilibria(pay: np.ndarray, S, p: int) -> bool:
    """Player ``p`` mixes on ``S_p`` (indifferent), the others play ``S_q`` (pure): is
    some such profile an equilibrium? A linear feasibility problem in ``σ_p``."""
    from scipy.optimize import linprog

    n = len(S)
    pure = [S[q][0] for q in range(n)]
    rows = []
    for q in range(n):
        if q == p:
            continue
        for t in range(pay.shape[1 + q]):
            if t == pure[q]:
                continue
            row = []
            for j in S[p]:
                prof = list(pure)
                prof[p] = j
                alt = list(prof)
                alt[q] = t
                row.append(pay[q][tuple(alt)] - pay[q][tuple(prof)])
            rows.append(row)
    base = list(pure)
    base[p] = S[p][0]
    own = pay[p][tuple(base[:p]) + (slice(None),) + tuple(base[p + 1 :])]
    if np.any(own > own[S[p][0]] + 1e-12):
        return False
    k = len(S[p])
    res = linprog(
        np.zeros(k),
        A_ub=np.array(rows).reshape(-1, k) if rows else None,
        b_ub=np.zeros(len(rows)) if rows else None,
        A_eq=np.ones((1, k)),
        b_eq=[1.0],
        bounds=[(0, None)] * k,
        method="highs",
    )
    return res.status == 0


def _conditionally_dominated(pay: np.ndarray, S) -> bool:
    """Is some ``s`` in ``S_p`` strictly dominated by a pure strategy of ``p`` when the
    others stay in their supports?"""
    n = len(S)
    for p in range(n):
        idx = [list(S[q]) if q != p else list(range(pay.shape[1 + p])) for q in range(n)]
        sub = np.moveaxis(pay[p][np.ix_(*idx)], p, 0).reshape(pay.shape[1 + p], -1)
        for s in S[p]:
            if np.any(np.all(sub > sub[s] + 1e-12, axis=1)):
                return True
    return False


__all__ = ["MAX_PATHS", "path_count", "poly_feasible", "poly_solve"]
