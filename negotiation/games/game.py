"""The strategic-form (normal-form) game: players, strategies and one payoff array per player.

A :class:`NormalFormGame` is a small frozen object. ``payoffs`` has shape
``(n, k_1, ..., k_n)``: ``payoffs[p][s_1, ..., s_n]`` is player ``p``'s payoff
when player ``q`` plays its strategy ``s_q``; one axis per player, in the
order of ``players``. The arrays are read-only.

Beside the floating-point payoffs a game may carry the payoffs as written
(``exact``: :class:`fractions.Fraction`, e.g. ``0.1`` is exactly ``1/10``);
the exact solvers use them. Without them, each float is read back as the
shortest decimal that prints it (``repr``), which is what a YAML or ``.nfg``
file wrote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np


def to_fraction(value: Any) -> Fraction:
    """An exact rational for a payoff: ints and Fractions as they are, a float as the
    shortest decimal that prints it (``0.1`` is ``1/10``)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("a payoff must be a number, not true or false")
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"payoff {x!r} is not finite")
    return Fraction(repr(x))


@dataclass(frozen=True, eq=False)
class NormalFormGame:
    """A finite game in strategic form.

    Parameters
    ----------
    players : sequence of str
        Player names, distinct, in axis order.
    strategies : sequence of sequences of str
        Each player's strategy names, distinct within a player.
    payoffs : array_like
        Shape ``(n, k_1, ..., k_n)``, finite numbers.
    title, description : str
        For the reader; ``title`` heads the table output and the ``.nfg`` file.
    exact : array_like of Fraction, optional
        The payoffs as exact rationals (same shape); derived from ``payoffs``
        when not given.
    evidence : object
        Evidence entries as plain data (from a scenario file), copied into outputs.
    origin : dict
        Where the game comes from: ``{"kind": "file"}``, ``{"kind": "nfg", ...}`` or
        ``{"kind": "derived", "derive": ..., parameters...}``.
    """

    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: np.ndarray
    title: str = ""
    description: str | None = None
    exact: np.ndarray | None = field(default=None, repr=False)
    evidence: Any = field(default=None, repr=False)
    origin: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        players = tuple(str(p) for p in self.players)
        strategies = tuple(tuple(str(s) for s in ss) for ss in self.strategies)
        n = len(players)
        if n < 1:
            raise ValueError("a game needs at least one player")
        if len(set(players)) != n:
            raise ValueError(f"player names must be distinct: {players}")
        if len(strategies) != n:
            raise ValueError(f"{n} players but strategies for {len(strategies)}")
        for p, ss in zip(players, strategies):
            if not ss:
                raise ValueError(f"player {p!r} has no strategy")
            if len(set(ss)) != len(ss):
                raise ValueError(f"strategy names of {p!r} must be distinct: {ss}")
        shape = (n,) + tuple(len(ss) for ss in strategies)
        pay = np.array(self.payoffs, dtype=float)
        if pay.shape != shape:
            raise ValueError(f"payoffs have shape {pay.shape}, expected {shape}")
        if not np.all(np.isfinite(pay)):
            raise ValueError("payoffs must be finite numbers")
        pay.setflags(write=False)
        exact = self.exact
        if exact is not None:
            exact = np.array(exact, dtype=object)
            if exact.shape != shape:
                raise ValueError(f"exact payoffs have shape {exact.shape}, expected {shape}")
            exact = np.vectorize(to_fraction, otypes=[object])(exact)
            exact.setflags(write=False)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "strategies", strategies)
        object.__setattr__(self, "payoffs", pay)
        object.__setattr__(self, "exact", exact)
        object.__setattr__(self, "origin", dict(self.origin))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(cls, arrays, players=None, strategies=None, **kw) -> NormalFormGame:
        """A game from one payoff array per player (``arrays[p]`` has one axis per player).

        Players default to ``"1", "2", ...`` and strategies to ``"1", "2", ...`` per player.
        Integer or :class:`~fractions.Fraction` entries are kept exactly.
        """
        objs = [np.array(a, dtype=object) for a in arrays]
        shape = objs[0].shape
        n = len(objs)
        if any(o.shape != shape for o in objs):
            raise ValueError("every payoff array must have the same shape")
        if len(shape) != n:
            raise ValueError(f"{n} payoff arrays need {n} axes each, got {len(shape)}")
        players = tuple(players) if players is not None else tuple(str(i + 1) for i in range(n))
        if strategies is None:
            strategies = tuple(tuple(str(j + 1) for j in range(k)) for k in shape)
        exact = kw.pop("exact", None)
        if exact is None:
            exact = np.stack(objs) if n > 0 else None
        pay = np.array([[float(v) for v in o.ravel()] for o in objs]).reshape((n,) + shape)
        return cls(players, strategies, pay, exact=exact, **kw)

    @classmethod
    def bimatrix(cls, A, B, players=("row", "column"), strategies=None, **kw) -> NormalFormGame:
        """A two-player game from the row player's matrix ``A`` and the column player's ``B``."""
        return cls.from_arrays([A, B], players=players, strategies=strategies, **kw)

    # ------------------------------------------------------------------ structure
    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of strategies of each player."""
        return tuple(len(s) for s in self.strategies)

    @property
    def size(self) -> int:
        """Number of pure-strategy profiles."""
        return int(np.prod(self.shape))

    @property
    def A(self) -> np.ndarray:
        """The row player's payoff matrix (two-player games)."""
        self._need_two()
        return self.payoffs[0]

    @property
    def B(self) -> np.ndarray:
        """The column player's payoff matrix (two-player games)."""
        self._need_two()
        return self.payoffs[1]

    def _need_two(self) -> None:
        if self.n_players != 2:
            raise ValueError(f"a two-player game is needed, this one has {self.n_players}")

    def rational(self) -> np.ndarray:
        """Payoffs as an object array of :class:`~fractions.Fraction` (same shape)."""
        if self.exact is not None:
            return self.exact
        out = np.vectorize(to_fraction, otypes=[object])(self.payoffs)
        object.__setattr__(self, "exact", out)
        out.setflags(write=False)
        return out

    def payoff_scale(self) -> np.ndarray:
        """Per player, ``max - min`` of its payoffs (1 where a player's payoffs are constant)."""
        flat = self.payoffs.reshape(self.n_players, -1)
        rng = flat.max(axis=1) - flat.min(axis=1)
        return np.where(rng > 0, rng, 1.0)

    def index(self, player: str) -> int:
        return self.players.index(player)

    def normalised(self) -> np.ndarray:
        """Payoffs rescaled per player to ``[1, 2]`` (same equilibria; for the vertex solvers)."""
        flat = self.payoffs.reshape(self.n_players, -1)
        lo = flat.min(axis=1)
        scale = self.payoff_scale()
        view = (self.n_players,) + (1,) * self.n_players
        return (self.payoffs - lo.reshape(view)) / scale.reshape(view) + 1.0

    def to_dict(self) -> dict[str, Any]:
        """Players, strategies and payoffs as plain data (the shape of a ``games`` entry)."""
        out: dict[str, Any] = {}
        if self.description:
            out["description"] = self.description
        out["players"] = list(self.players)
        out["strategies"] = {p: list(s) for p, s in zip(self.players, self.strategies)}
        out["payoffs"] = {p: self.payoffs[i].tolist() for i, p in enumerate(self.players)}
        return out

    def __repr__(self) -> str:
        dims = "×".join(str(k) for k in self.shape)
        name = f" {self.title!r}" if self.title else ""
        return f"<NormalFormGame{name}: {dims}, players {', '.join(self.players)}>"


__all__ = ["NormalFormGame", "to_fraction"]
