"""Frozen results of the equilibrium solvers, and the solvers by name (``<method>_solve``).

Every solver returns an :class:`EquilibriumSet`: the game, the equilibria in
a deterministic order, the method and its parameters, whether the game was
found degenerate, whether the set is complete, and (for iterative methods)
whether it converged. Every :class:`Equilibrium` has passed the
best-response check of :mod:`negotiation.games.verify` and carries its regret.

The functions are named as in pygambit (``enumpure_solve``,
``enummixed_solve``, ``lcp_solve``, ``enumpoly_solve``); the implementations
are this package's own (see ``docs/games.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .game import NormalFormGame
from .rational import fraction_text
from .verify import REGRET_TOL, exact_payoffs, exact_regret, expected_payoffs, regret

#: Probabilities within this of each other are the same equilibrium.
DEDUP_TOL = 1e-9


def _num(x: float) -> float:
    """A float for JSON: 12 significant digits, ``-0.0`` as ``0.0``."""
    v = float(f"{float(x):.12g}")
    return 0.0 if v == 0 else v


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One equilibrium (mixed strategy profile) with its payoffs and regret.

    Attributes
    ----------
    profile : tuple of ndarray
        One probability vector per player.
    payoffs : ndarray
        Each player's expected payoff.
    regret : float
        Largest relative gain from a pure deviation (:func:`~negotiation.games.verify.regret`).
    exact : tuple of tuples of Fraction, optional
        The profile in rational arithmetic (exact solvers); its regret is exactly 0.
    component : int, optional
        Degenerate two-player games: the connected component of the equilibrium set
        this extreme equilibrium belongs to.
    """

    profile: tuple[np.ndarray, ...]
    payoffs: np.ndarray
    regret: float
    exact: tuple[tuple[Fraction, ...], ...] | None = None
    exact_payoffs: tuple[Fraction, ...] | None = None
    component: int | None = None

    def support(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(int(i) for i in np.flatnonzero(s > 0)) for s in self.profile)

    @property
    def pure(self) -> bool:
        return all(len(s) == 1 for s in self.support())

    def to_dict(self, game: NormalFormGame) -> dict[str, Any]:
        """``{"profile": {player: {strategy: probability}}, "payoffs": {...}, "regret": r}``.

        Strategies played with probability 0 are left out of ``profile``.
        """
        out: dict[str, Any] = {
            "profile": {
                p: {s: _num(x) for s, x in zip(game.strategies[i], self.profile[i]) if x > 0}
                for i, p in enumerate(game.players)
            },
            "payoffs": {p: _num(v) for p, v in zip(game.players, self.payoffs)},
            "regret": float(f"{self.regret:.3g}"),
        }
        if self.exact is not None:
            out["exact"] = {
                "profile": {
                    p: {
                        s: fraction_text(x)
                        for s, x in zip(game.strategies[i], self.exact[i])
                        if x > 0
                    }
                    for i, p in enumerate(game.players)
                },
                "payoffs": {
                    p: fraction_text(v) for p, v in zip(game.players, self.exact_payoffs or ())
                },
            }
        if self.component is not None:
            out["component"] = self.component
        return out


def make_equilibrium(
    game: NormalFormGame,
    profile: Sequence[Sequence[Any]],
    *,
    exact: Sequence[Sequence[Fraction]] | None = None,
    component: int | None = None,
    tol: float = REGRET_TOL,
) -> Equilibrium | None:
    """An :class:`Equilibrium` if ``profile`` passes the best-response check, else ``None``.

    Probabilities are cleaned (tiny negatives and values below ``1e-15`` set to 0,
    renormalised). With ``exact`` the check is exact.
    """
    prof = []
    for s in profile:
        a = np.array(s, dtype=float)
        a[a < 1e-15] = 0.0
        total = a.sum()
        if total <= 0:
            return None
        prof.append(a / total)
    if exact is not None:
        ex = tuple(tuple(Fraction(v) for v in s) for s in exact)
        if any(sum(s) != 1 or min(s) < 0 for s in ex) or exact_regret(game, ex) != 0:
            return None
        prof = [np.array([float(v) for v in s]) for s in ex]
        r = 0.0
        return Equilibrium(
            tuple(prof),
            expected_payoffs(game, prof),
            r,
            ex,
            tuple(exact_payoffs(game, ex)),
            component,
        )
    r = regret(game, prof)
    if r > tol:
        return None
    return Equilibrium(tuple(prof), expected_payoffs(game, prof), r, None, None, component)


def _key(eq: Equilibrium) -> tuple:
    flat = np.concatenate(eq.profile)
    return (int(np.count_nonzero(flat)),) + tuple((-np.round(flat, 9)).tolist())


def tidy(equilibria: Sequence[Equilibrium], tol: float = DEDUP_TOL) -> tuple[Equilibrium, ...]:
    """Sorted (smallest supports first, then by probabilities, highest first) and without
    duplicates (profiles within ``tol`` of each other)."""
    out: list[Equilibrium] = []
    flats: list[np.ndarray] = []
    for eq in sorted(equilibria, key=_key):
        flat = np.concatenate(eq.profile)
        if flats and np.min(np.max(np.abs(np.array(flats) - flat), axis=1)) <= tol:
            continue
        out.append(eq)
        flats.append(flat)
    return tuple(out)


@dataclass(frozen=True, eq=False)
class EquilibriumSet:
    """What an equilibrium solver found, and how.

    Attributes
    ----------
    game : NormalFormGame
    equilibria : tuple of Equilibrium
        Verified, de-duplicated, in a deterministic order.
    method : str
        The method's name (``enummixed``, ``enumsupport``, ``lcp``, ``enumpure``,
        ``enumpoly``).
    parameters : dict
        The method's parameters (tolerances, limits, options).
    degenerate : bool
        The game was found degenerate (two-player enumeration: decided; other
        methods: ``True`` when they met a sign of it, ``False`` when they met none).
    complete : bool
        Every equilibrium (degenerate two-player games: every extreme equilibrium) is
        listed. ``False`` for methods that find some equilibria only.
    converged : bool
        Iterative methods: stopped by their own rule, not by a limit.
    message : str
        What the solver wants the reader to know ("did not converge", limits hit).
    n_components : int, optional
        Degenerate two-player games: number of connected components.
    convex_sets : tuple of tuples of int, optional
        Degenerate two-player games: the maximal Nash subsets, each as the indices
        (into ``equilibria``) of its extreme equilibria; every equilibrium of the game
        is a convex combination of the extreme equilibria of one set.
    """

    game: NormalFormGame
    equilibria: tuple[Equilibrium, ...]
    method: str
    parameters: dict = field(default_factory=dict)
    degenerate: bool = False
    complete: bool = False
    converged: bool = True
    message: str = ""
    n_components: int | None = None
    convex_sets: tuple[tuple[int, ...], ...] | None = None

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self):
        return iter(self.equilibria)

    def __getitem__(self, i: int) -> Equilibrium:
        return self.equilibria[i]

    @property
    def max_regret(self) -> float:
        return max((e.regret for e in self.equilibria), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        g = self.game
        out: dict[str, Any] = {
            "players": list(g.players),
            "strategies": {p: list(s) for p, s in zip(g.players, g.strategies)},
            "equilibria": [e.to_dict(g) for e in self.equilibria],
            "method": self.method,
            "degenerate": bool(self.degenerate),
            "complete": bool(self.complete),
        }
        if self.n_components is not None:
            out["components"] = self.n_components
        if self.convex_sets is not None:
            out["convex_sets"] = [list(s) for s in self.convex_sets]
        if not self.converged:
            out["converged"] = False
        if self.message:
            out["message"] = self.message
        if self.parameters:
            out["parameters"] = {k: v for k, v in self.parameters.items()}
        return out

    def __repr__(self) -> str:
        flags = [f"{len(self.equilibria)} equilibria", self.method]
        if self.degenerate:
            flags.append("degenerate")
        flags.append("complete" if self.complete else "not complete")
        return f"<EquilibriumSet {self.game!r}: {', '.join(flags)}>"


# ---------------------------------------------------------------------- solvers by name
def enummixed_solve(game: NormalFormGame, *, exact: bool = False, **kw) -> EquilibriumSet:
    """Two players: every equilibrium (every extreme equilibrium when degenerate), by
    vertex enumeration of the best-response polytopes. Complete."""
    from .vertex import vertex_solve

    return vertex_solve(game, exact=exact, **kw)


def enumsupport_solve(game: NormalFormGame, **kw) -> EquilibriumSet:
    """Two players: support enumeration (equal support sizes; complete on non-degenerate
    games)."""
    from .support import support_solve

    return support_solve(game, **kw)


def lcp_solve(game: NormalFormGame, **kw) -> EquilibriumSet:
    """Two players: Lemke-Howson from every dropped label (exact integer pivoting)."""
    from .lemke import lemke_howson_solve

    return lemke_howson_solve(game, **kw)


def enumpure_solve(game: NormalFormGame, **kw) -> EquilibriumSet:
    """Any number of players: every pure-strategy equilibrium (vectorised)."""
    from .pure import pure_solve

    return pure_solve(game, **kw)


def enumpoly_solve(game: NormalFormGame, **kw) -> EquilibriumSet:
    """Small n-player games: support enumeration with a polynomial solve (homotopy)."""
    from .npl import poly_solve

    return poly_solve(game, **kw)


#: Method names of :func:`solve` (and of ``negotiation equilibria --method``).
METHODS = ("auto", "vertex", "support", "lemke-howson", "pure", "poly")


def solve(
    game: NormalFormGame, method: str = "auto", *, exact: bool = False, **kw
) -> EquilibriumSet:
    """Equilibria of ``game`` by ``method``.

    ``auto``: two players, :func:`enummixed_solve` (complete); more players,
    :func:`enumpoly_solve` when the game is small enough for it, else
    :func:`enumpure_solve` (pure equilibria only, marked not complete).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    if exact and method not in ("auto", "vertex"):
        raise ValueError("exact arithmetic is available with the vertex method only")
    two = game.n_players == 2
    if method == "auto":
        if two:
            return enummixed_solve(game, exact=exact, **kw)
        from .npl import poly_feasible

        return enumpoly_solve(game, **kw) if poly_feasible(game) else _pure_only(game)
    if method in ("vertex", "support", "lemke-howson") and not two:
        raise ValueError(
            f"method {method!r} needs a two-player game; this one has {game.n_players} players"
        )
    if method == "vertex":
        return enummixed_solve(game, exact=exact, **kw)
    if method == "support":
        return enumsupport_solve(game, **kw)
    if method == "lemke-howson":
        return lcp_solve(game, **kw)
    if method == "pure":
        return enumpure_solve(game, **kw)
    return enumpoly_solve(game, **kw)


def _pure_only(game: NormalFormGame) -> EquilibriumSet:
    res = enumpure_solve(game)
    from dataclasses import replace

    return replace(
        res,
        message="too large for the mixed n-player solver: pure equilibria "
        "only; mixed equilibria may exist",
    )


def equilibria_json(
    games: dict[str, Any], *, method: str = "auto", exact: bool = False
) -> dict[str, Any]:
    """``{"games": {name: result.to_dict()}}`` for ``{name: game or EquilibriumSet}``.

    What ``negotiation equilibria --format json`` prints; ``negotiation run`` can put
    the value under its ``equilibria`` key.
    """
    out = {}
    for name, g in games.items():
        res = g if isinstance(g, EquilibriumSet) else solve(g, method, exact=exact)
        out[name] = res.to_dict()
    return {"games": out}


__all__ = [
    "DEDUP_TOL",
    "Equilibrium",
    "EquilibriumSet",
    "METHODS",
    "enummixed_solve",
    "enumpoly_solve",
    "enumpure_solve",
    "enumsupport_solve",
    "equilibria_json",
    "lcp_solve",
    "make_equilibrium",
    "solve",
    "tidy",
]
