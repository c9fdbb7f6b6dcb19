"""The table output of ``negotiation equilibria``: payoff tables and equilibria to check by hand.

For each game: the payoff table (two players: rows are the first player's
strategies, columns the second's, each cell ``first, second``; more players:
one such table for each combination of the other players' strategies), then
every equilibrium with each player's mixed strategy, expected payoff and
regret, and a **check line**: each player's payoff from each of its pure
strategies against the others' play. At an equilibrium the strategies a
player uses all earn the highest number on its check line.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product
from typing import Any

from ..formatting import count, text_table
from .rational import fraction_text
from .verify import deviation_payoffs, exact_deviation_payoffs

MAX_TABLE_CELLS = 400
METHOD_NAMES = {
    "enummixed": "vertex enumeration",
    "enumsupport": "support enumeration",
    "lcp": "Lemke-Howson",
    "enumpure": "pure-strategy enumeration",
    "enumpoly": "support enumeration with a polynomial homotopy",
}


def num(x: Any) -> str:
    """A payoff or probability: exact as a fraction, else at most 4 significant digits."""
    if isinstance(x, Fraction):
        return fraction_text(x)
    v = float(x)
    if v == int(v) and abs(v) < 1e12:
        return str(int(v))
    return f"{v:.4g}"


def payoff_table(game) -> list[str]:
    """The payoff table as lines (indented two spaces)."""
    n = game.n_players
    if game.size * n > MAX_TABLE_CELLS * 4:
        return [
            f"  ({game.size:,} strategy profiles: too many to print; use --format json or --export)"
        ]
    pay = game.exact if game.exact is not None else game.payoffs

    def cell(idx):
        return ", ".join(num(pay[(p,) + idx]) for p in range(n))

    lines = [f"  Payoffs ({', '.join(game.players)}):"]
    if n == 1:
        rows = [[s, cell((j,))] for j, s in enumerate(game.strategies[0])]
        lines += text_table(
            [game.players[0], "payoff"], rows, indent="    ", right_numbers=False
        ).split("\n")
        return lines
    rest = list(product(*[range(k) for k in game.shape[2:]]))
    for combo in rest:
        if n > 2:
            when = "; ".join(
                f"{game.players[2 + q]} plays {game.strategies[2 + q][j]}"
                for q, j in enumerate(combo)
            )
            lines.append(f"  when {when}:")
        head = [f"{game.players[0]} \\ {game.players[1]}", *game.strategies[1]]
        rows = [
            [s] + [cell((i, j) + tuple(combo)) for j in range(game.shape[1])]
            for i, s in enumerate(game.strategies[0])
        ]
        lines += text_table(head, rows, indent="    ", right_numbers=False).split("\n")
    return lines


def _mixed(game, p: int, probs, exact) -> str:
    if exact is not None:
        items = [(s, x) for s, x in zip(game.strategies[p], exact[p]) if x > 0]
        if len(items) == 1:
            return items[0][0]
        return ", ".join(f"{s} {fraction_text(x)}" for s, x in items)
    items = [(s, x) for s, x in zip(game.strategies[p], probs) if x > 0]
    if len(items) == 1 and abs(items[0][1] - 1) < 1e-12:
        return items[0][0]
    return ", ".join(f"{s} {x:.4g}" for s, x in items)


def equilibria_lines(result) -> list[str]:
    game = result.game
    flags = [
        METHOD_NAMES.get(result.method, result.method),
        "complete" if result.complete else "not complete",
        "degenerate" if result.degenerate else "not degenerate",
    ]
    lines = [f"  Equilibria: {len(result.equilibria)} ({'; '.join(flags)})"]
    if result.message:
        lines.append(f"  Note: {result.message}")
    for k, e in enumerate(result.equilibria, 1):
        who = "; ".join(
            f"{p}: {_mixed(game, i, e.profile[i], e.exact)}" for i, p in enumerate(game.players)
        )
        if e.exact is not None and e.exact_payoffs is not None:
            pays = ", ".join(f"{p} {num(v)}" for p, v in zip(game.players, e.exact_payoffs))
        else:
            pays = ", ".join(f"{p} {num(v)}" for p, v in zip(game.players, e.payoffs))
        comp = f"; component {e.component + 1}" if e.component is not None else ""
        lines.append(f"  {k:>3}. {who}")
        lines.append(f"       payoffs {pays}; regret {e.regret:.1g}{comp}")
        dev = (
            exact_deviation_payoffs(game, e.exact)
            if e.exact is not None
            else deviation_payoffs(game, e.profile)
        )
        checks = []
        for i, p in enumerate(game.players):
            vals = ", ".join(f"{s} {num(v)}" for s, v in zip(game.strategies[i], dev[i]))
            checks.append(f"{p}: {vals}")
        lines.append(f"       check: {'; '.join(checks)}")
    if result.convex_sets is not None and result.degenerate:
        sets = "; ".join("{" + ", ".join(str(i + 1) for i in s) + "}" for s in result.convex_sets)
        lines.append(f"  Convex sets of equilibria (by number above): {sets}")
    return lines


def game_text(name: str, result, *, dominance=None, dynamics=None) -> str:
    """Everything the table output says about one game."""
    g = result.game
    dims = "×".join(str(k) for k in g.shape)
    lines = [f"Game {name}: {' vs '.join(g.players)} ({dims})"]
    if g.description:
        lines.append(f"  {g.description}")
    lines += payoff_table(g)
    lines += equilibria_lines(result)
    if dominance is not None:
        lines += dominance_lines(dominance)
    if dynamics is not None:
        lines += dynamics_lines(dynamics)
    return "\n".join(lines)


def dominance_lines(dom) -> list[str]:
    lines = ["  Iterated elimination of strictly dominated strategies:"]
    if not dom.steps:
        lines.append("    no strategy is strictly dominated")
    for s in dom.steps:
        by = ", ".join(f"{k} {num(v)}" for k, v in s.by.items())
        lines.append(f"    round {s.round}: {s.player} drops {s.strategy} (dominated by {by})")
    left = "; ".join(
        f"{p}: {', '.join(g)}" for p, g in zip(dom.game.players, dom.reduced.strategies)
    )
    lines.append(f"    remaining: {left}" + (" (dominance solvable)" if dom.solved else ""))
    return lines


def dynamics_lines(traj) -> list[str]:
    g = traj.game
    title = "Fictitious play" if traj.method == "fictitious_play" else "Best-response dynamics"
    lines = [f"  {title}: {traj.message}"]
    pts = traj.points
    show = pts if len(pts) <= 12 else list(pts[:6]) + [None] + list(pts[-5:])
    for pt in show:
        if pt is None:
            lines.append("    ...")
            continue
        t, prof, r = pt
        who = "; ".join(f"{p}: {_mixed(g, i, prof[i], None)}" for i, p in enumerate(g.players))
        lines.append(f"    step {t}: {who} (regret {r:.2g})")
    return lines


def report_text(results: dict[str, Any], extras: dict[str, dict] | None = None) -> str:
    """The table output for ``{name: EquilibriumSet}``."""
    extras = extras or {}
    blocks = [game_text(n, r, **extras.get(n, {})) for n, r in results.items()]
    head = f"{count(len(results), 'game')}"
    return head + "\n\n" + "\n\n".join(blocks) + "\n"


__all__ = ["game_text", "num", "payoff_table", "report_text"]
