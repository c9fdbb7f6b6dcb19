"""Lemke-Howson for two-player games, in exact integer arithmetic with the lexicographic rule.

Lemke and Howson (1964); the presentation follows von Stengel (2002),
sections 2.5-2.6. With the polytopes of :mod:`negotiation.games.vertex`
written as tableaux ``B'x + s = 1`` (basis ``s``) and ``A y + r = 1``
(basis ``r``), dropping label ``k`` lets the variable with label ``k``
enter; the variable that leaves (by the ratio test) has some label ``l``,
which is now duplicated, so the variable with label ``l`` in the *other*
tableau enters next; the path ends when the variable leaving has label
``k``: every label is then present, an equilibrium.

Two things make this implementation trustworthy where a floating-point one is
not:

* **Integer pivoting.** Payoffs are turned into integers (exact rationals
  scaled by a common denominator, shifted to be positive); a pivot replaces
  each row ``i`` by ``(T_pc T_i - T_ic T_p) / det`` (the division is exact)
  and ``det`` by ``T_pc``. Python integers do not overflow, and there is no
  round-off.
* **The lexicographic ratio test.** Ties in the ratio test (degenerate games)
  are broken lexicographically by the columns of the initial basis, which
  perturbs the polytopes symbolically; no basis repeats, so the path cannot
  cycle and always ends.

Every path is still bounded by ``max_pivots`` and a path that hits it is
reported as not converged. One path gives one equilibrium; paths from
different dropped labels may give different ones, never guaranteed all.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from .results import EquilibriumSet, make_equilibrium, tidy

MAX_PIVOTS = 10_000


def _integer_matrices(game) -> tuple[list[list[int]], list[list[int]]]:
    """``A`` and ``B`` as positive integers (exact, common denominator, min 1)."""
    q = game.rational()
    out = []
    for M in (q[0], q[1]):
        den = lcm(*[v.denominator for v in M.ravel()])
        ints = [[int(v * den) for v in row] for row in M]
        lo = min(min(r) for r in ints)
        out.append([[v - lo + 1 for v in row] for row in ints])
    return out[0], out[1]


class _Tableau:
    """An integer tableau ``[M | I | 1]`` with basis labels, pivoted exactly."""

    def __init__(self, M: list[list[int]], var_labels: list[int], slack_labels: list[int]):
        rows, cols = len(M), len(M[0])
        self.ncols = cols + rows
        self.T = [list(M[i]) + [1 if j == i else 0 for j in range(rows)] + [1] for i in range(rows)]
        self.labels = var_labels + slack_labels  # label of each column
        self.basis = [cols + i for i in range(rows)]  # column basic in each row
        self.slack0 = cols  # first column of the initial basis
        self.det = 1

    def column_of(self, label: int) -> int:
        return self.labels.index(label)

    def ratio_row(self, c: int) -> int:
        """Row that leaves when column ``c`` enters: lexicographic minimum ratio."""
        best = None
        for i, row in enumerate(self.T):
            a = row[c]
            if a <= 0:
                continue
            if best is None:
                best = i
                continue
            rb = self.T[best]
            b = rb[c]
            # compare (rhs, initial-basis columns) / a with those of best / b
            for j in [self.ncols] + list(range(self.slack0, self.ncols)):
                lhs, rhs = row[j] * b, rb[j] * a
                if lhs != rhs:
                    if lhs < rhs:
                        best = i
                    break
        if best is None:
            raise RuntimeError("unbounded ray in Lemke-Howson (payoffs not positive?)")
        return best

    def pivot(self, p: int, c: int) -> int:
        """Pivot column ``c`` in at row ``p``; returns the label that left."""
        T, det = self.T, self.det
        rp = T[p]
        a = rp[c]
        for i in range(len(T)):
            if i != p:
                ri = T[i]
                f = ri[c]
                T[i] = [(a * x - f * y) // det for x, y in zip(ri, rp)]
        self.det = a
        left = self.labels[self.basis[p]]
        self.basis[p] = c
        return left

    def values(self, cols: range) -> list[Fraction]:
        out = [Fraction(0)] * len(cols)
        for i, b in enumerate(self.basis):
            if b in cols:
                out[b - cols.start] = Fraction(self.T[i][-1], self.det)
        return out


def lemke_howson(
    game, dropped: int = 0, *, max_pivots: int = MAX_PIVOTS
) -> tuple[tuple[list[Fraction], list[Fraction]] | None, int]:
    """One equilibrium (exact), following the path that drops label ``dropped``.

    Labels ``0..m-1`` are the row player's strategies, ``m..m+n-1`` the column
    player's. Returns ``(profile or None, pivots)``; ``None`` when the path did
    not end within ``max_pivots``.
    """
    A, B = _integer_matrices(game)
    m, n = len(A), len(A[0])
    if not 0 <= dropped < m + n:
        raise ValueError(f"dropped label must be in 0..{m + n - 1}")
    Bt = [[B[i][j] for i in range(m)] for j in range(n)]
    tab_p = _Tableau(Bt, list(range(m)), [m + j for j in range(n)])  # x | s
    tab_q = _Tableau(A, [m + j for j in range(n)], list(range(m)))  # y | r
    tab = tab_p if dropped < m else tab_q
    entering = dropped
    pivots = 0
    while pivots < max_pivots:
        c = tab.column_of(entering)
        left = tab.pivot(tab.ratio_row(c), c)
        pivots += 1
        if left == dropped:
            x = tab_p.values(range(0, m))
            y = tab_q.values(range(0, n))
            sx, sy = sum(x), sum(y)
            return ([v / sx for v in x], [v / sy for v in y]), pivots
        entering = left
        tab = tab_q if tab is tab_p else tab_p
    return None, pivots


def lemke_howson_solve(game, *, labels=None, max_pivots: int = MAX_PIVOTS) -> EquilibriumSet:
    """Equilibria found by Lemke-Howson from each dropped label in ``labels``
    (default: every label). Exact; never guaranteed complete."""
    if game.n_players != 2:
        raise ValueError(f"Lemke-Howson needs two players, not {game.n_players}")
    m, n = game.shape
    labels = list(range(m + n)) if labels is None else list(labels)
    found, failed, most = [], [], 0
    for k in labels:
        prof, piv = lemke_howson(game, k, max_pivots=max_pivots)
        most = max(most, piv)
        if prof is None:
            failed.append(k)
            continue
        e = make_equilibrium(game, prof, exact=prof)
        if e is None:  # cannot happen in exact arithmetic; kept as a guard
            failed.append(k)
        else:
            found.append(e)
    msg = ""
    if failed:
        msg = (
            f"did not converge: the path from label(s) {', '.join(map(str, failed))} "
            f"did not end within {max_pivots:,} pivots"
        )
    return EquilibriumSet(
        game,
        tidy(found),
        "lcp",
        {"labels": labels, "max_pivots": max_pivots, "longest_path": most},
        False,
        False,
        not failed,
        msg,
    )


__all__ = ["MAX_PIVOTS", "lemke_howson", "lemke_howson_solve"]
