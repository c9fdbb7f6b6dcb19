"""Equilibria of the scenario's strategic games (key ``equilibria``).

Computed when the scenario file has a ``games`` block: every game is built
(:func:`negotiation.games.spec.build_games`: derived games from the scenario)
and solved with the default method, exactly as ``negotiation equilibria FILE``
does (:func:`negotiation.games.cli.solve_all`). In the JSON: ``equilibria``,
the same mapping as ``negotiation equilibria FILE --format json`` prints under
``games``. In the text report: each game's equilibria, compactly (the command
prints the payoff tables and the checks). In the brief: one short paragraph on
the hand-built games (the brief has two pages). In the figures, the brief's
table and the comparison: the packages agreed in equilibrium of the derived
games (:mod:`negotiation.games.outcomes`, kind ``"equilibrium"``): each proposal
agreed in a pure equilibrium of the proposal game, and the Nash-product
equilibrium of the demand game. A scenario without games gets nothing (no key,
no section, no package). The text accounts for every equilibrium of a derived
game: the packages agreed, the pure equilibria where talks fail, the other
pure ones (demands met elsewhere) and each mixed equilibrium's probability of
agreement (:func:`negotiation.games.outcomes.agreement_probability`); an agreed
package leaving a veto party less than :data:`KNIFE_EDGE` over its reservation
value is flagged as knife-edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..formatting import count, join_words, value
from ..registry import Analysis, Context, Marker, MethodNote, Package

if TYPE_CHECKING:  # pragma: no cover
    from ..games.outcomes import GameOutcome
    from ..games.results import Equilibrium, EquilibriumSet
    from ..report import Report

#: How the packages agreed in equilibrium are drawn.
EQUILIBRIUM = Marker("p", 10)
#: Equilibria listed per game in the text report (the command lists them all).
MAX_LISTED = 6
#: An agreed package leaving a veto party less than this over its reservation is flagged.
KNIFE_EDGE = 0.005
#: Payoff tables are printed for games with at most this many strategy profiles.
MAX_TABLE_PROFILES = 16
LABELS = {"proposal-game": "proposal game", "nash-demand": "Nash demand game"}


@dataclass(frozen=True, eq=False)
class GameEquilibria:
    """The result: each game's :class:`EquilibriumSet` (file order) and the outcomes
    of the derived games' equilibria."""

    sets: dict[str, EquilibriumSet]
    outcomes: tuple[GameOutcome, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{name: ...}``, as ``negotiation equilibria --format json`` under ``games``."""
        from ..games.results import equilibria_json

        return equilibria_json(self.sets)["games"]


def compute(ctx: Context) -> GameEquilibria | None:
    s = ctx.scenario
    if not s.games:
        return None
    from ..games.cli import solve_all
    from ..games.outcomes import derived_outcomes
    from ..games.spec import build_games

    games = build_games(s.games, s, file=s.file)
    sets, _ = solve_all(games, file=s.file)
    outcomes = tuple(
        o for name, res in sets.items() for o in derived_outcomes(s, ctx.problem, name, res)
    )
    return GameEquilibria(sets, outcomes)


# ---------------------------------------------------------------------- words
def _prob(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x < 1 else "1"


def profile_text(game: Any, eq: Equilibrium) -> str:
    """``us: conditional_guarantee; ukraine: trade 0.5, keep 0.5``."""
    parts = []
    for i, p in enumerate(game.players):
        played = [(s, x) for s, x in zip(game.strategies[i], eq.profile[i]) if x > 0]
        if len(played) == 1:
            parts.append(f"{p}: {played[0][0]}")
        else:
            parts.append(f"{p}: " + ", ".join(f"{s} {_prob(x)}" for s, x in played))
    return "; ".join(parts)


def payoffs_text(players: Any, payoffs: Any) -> str:
    """``us 4, ukraine 3`` (payoffs as the game writes them, up to 4 significant digits)."""
    from ..games.text import num

    return ", ".join(f"{p} {num(v)}" for p, v in zip(players, payoffs))


def utilities_text(utilities: dict[str, float]) -> str:
    """``ukraine 0.522, russia 0.565`` (utilities as the report writes them)."""
    return ", ".join(f"{p} {value(v)}" for p, v in utilities.items())


def _flags(res: EquilibriumSet) -> str:
    from ..games.text import METHOD_NAMES

    flags = [
        METHOD_NAMES.get(res.method, res.method),
        "complete" if res.complete else "not complete",
    ]
    if res.degenerate:
        sets = f", {count(len(res.convex_sets), 'convex set')}" if res.convex_sets else ""
        flags.append(f"degenerate{sets}")
    if not res.converged:
        flags.append("did not converge")
    return "; ".join(flags)


def _outcome_line(o: GameOutcome) -> str:
    if not o.agreed:
        return (
            f"talks fail in {count(len(o.equilibria), 'pure equilibrium', 'pure equilibria')} "
            f"(each gets its disagreement payoff)"
        )
    if o.derive == "nash-demand":
        return (
            f"largest Nash product among the agreement equilibria: demands "
            f"{utilities_text(o.payoffs)}, met by a package giving "
            f"{utilities_text(o.utilities)}"
        )
    many = f" in {len(o.equilibria)} pure equilibria" if len(o.equilibria) > 1 else ""
    return f"agreed in equilibrium: {o.name} ({utilities_text(o.utilities)}){many}"


def knife_edge(report: Report, o: GameOutcome) -> str:
    """The veto parties an agreed package leaves less than :data:`KNIFE_EDGE` over their
    reservation value (``""``: none): a tiny change of values would make them veto it."""
    if not o.agreed:
        return ""
    pb = report.problem
    thin = [
        f"{n} {max(o.utilities[n] - float(d), 0.0):.4f}"
        for n, d, v in zip(pb.names, pb.d, pb.veto)
        if v and n in o.utilities and o.utilities[n] - float(d) < KNIFE_EDGE
    ]
    if not thin:
        return ""
    return (
        f"surplus over the reservation value below {KNIFE_EDGE:g} for "
        + ", ".join(thin)
        + " (a small change in values or reservation values ends this agreement)"
    )


def _rest_lines(report: Report, res: EquilibriumSet, mine: list[GameOutcome]) -> list[str]:
    """Lines for the equilibria no outcome line covers: mixed equilibria (with their
    probability of agreement) and pure equilibria not drawn."""
    from ..games.outcomes import agreement_probability

    covered = {k for o in mine for k in o.equilibria}
    out = []
    other_pure = [k for k, e in enumerate(res.equilibria) if e.pure and k not in covered]
    if other_pure:
        out.append(
            f"{count(len(other_pure), 'other pure equilibrium', 'other pure equilibria')}: "
            "demands met at other points of the frontier (not drawn)"
        )
    mixed = [k for k, e in enumerate(res.equilibria) if not e.pure and k not in covered]
    if mixed:
        probs = [agreement_probability(report.problem, res, k) for k in mixed]
        known = [p for p in probs if p is not None]
        if len(probs) <= 4 or len(known) < len(probs):
            shown = ", ".join("?" if p is None else f"{p:.3f}" for p in probs)
        else:
            shown = f"{min(known):.3f} to {max(known):.3f}"
        fail = ", otherwise talks fail (a coordination failure)"
        out.append(
            f"{count(len(mixed), 'mixed equilibrium', 'mixed equilibria')}: agreement with "
            f"probability {shown}" + (fail if min(known, default=1.0) < 1 else "")
        )
    return out


def to_text(report: Report, result: GameEquilibria | None) -> list[str]:
    if result is None:
        return []
    from ..games.text import payoff_table

    file = report.scenario.file or "FILE"
    out = ["Equilibria of strategic games"]
    for name, res in result.sets.items():
        g = res.game
        dims = "×".join(str(k) for k in g.shape)
        kind = LABELS.get(str(g.origin.get("derive")), "")
        head = f"{name}: {' vs '.join(g.players)} ({dims}{', ' + kind if kind else ''})"
        what = "extreme equilibrium" if res.degenerate else "equilibrium"
        out.append(f"  {head}: {count(len(res), what, what[:-2] + 'a')} ({_flags(res)})")
        if g.size <= MAX_TABLE_PROFILES:
            out += ["  " + line for line in payoff_table(g)]
        derived = "derive" in g.origin
        listed = () if derived else res.equilibria[:MAX_LISTED]
        for k, e in enumerate(listed, 1):
            out.append(
                f"    {k}. {profile_text(g, e)} -> payoffs {payoffs_text(g.players, e.payoffs)}"
            )
        if len(res) > len(listed):
            more = "the list" if derived else f"{len(res) - len(listed)} more"
            out.append(f"    {more}: negotiation equilibria {file} --game {name}")
        if res.message and not (res.degenerate and res.message.startswith("degenerate game")):
            out.append(f"    note: {res.message}")
        mine = [o for o in result.outcomes if o.game == name]
        for o in mine:
            out.append(f"    {_outcome_line(o)}")
            edge = knife_edge(report, o)
            if edge:
                out.append(f"      knife-edge: {edge}")
        if derived:
            out += ["    " + x for x in _rest_lines(report, res, mine)]
    out += [f"  payoff tables and checks: negotiation equilibria {file}", ""]
    return out


def to_json(report: Report, result: GameEquilibria | None) -> dict[str, Any]:
    return {} if result is None else {"equilibria": result.to_dict()}


def brief_profile(game: Any, eq: Equilibrium) -> str:
    """``us conditional_guarantee, ukraine concede 0.5 persevere 0.5`` (compact)."""
    parts = []
    for i, p in enumerate(game.players):
        played = [(s, x) for s, x in zip(game.strategies[i], eq.profile[i]) if x > 0]
        if len(played) == 1:
            parts.append(f"{p} {played[0][0]}")
        else:
            parts.append(f"{p} " + " ".join(f"{s} {_prob(x)}" for s, x in played))
    return ", ".join(parts)


def _given_sentence(name: str, res: EquilibriumSet) -> str:
    g, n = res.game, len(res)
    if n == 0:
        return f"{name}: none found"
    if n == 1:
        return f"{name}: {brief_profile(g, res.equilibria[0])} (the only equilibrium)"
    shown = "; ".join(brief_profile(g, e) for e in res.equilibria[:3])
    more = f"; {n - 3} more" if n > 3 else ""
    return f"{name}: {n} equilibria ({shown}{more})"


def to_brief(report: Report, result: GameEquilibria | None) -> list[Any]:
    """One short paragraph: the equilibria of the hand-built games (the derived games'
    outcomes are rows of the brief's table and marks in its figure)."""
    if result is None:
        return []
    from ..brief.blocks import Para

    given = [
        _given_sentence(name, res)
        for name, res in result.sets.items()
        if "derive" not in res.game.origin
    ]
    derived = [name for name, res in result.sets.items() if "derive" in res.game.origin]
    text = "Equilibria of the strategic games: " + ". ".join(given) + ("." if given else "")
    if derived:
        text += (
            f" The packages agreed in equilibrium of {join_words(derived)} are rows of "
            "the table (status: equilibrium)."
            if any(o.agreed for o in result.outcomes)
            else f" No equilibrium of {join_words(derived)} ends in a package."
        )
    return [Para(text, "small")]


def packages(report: Report, result: GameEquilibria | None) -> list[Package]:
    if result is None:
        return []
    veto = report.veto
    out = []
    for o in result.outcomes:
        if not o.agreed or o.outcome is None:
            continue
        demand = o.derive == "nash-demand"
        out.append(
            Package(
                f"{o.game}:{'nash_demand' if demand else o.name}",
                f"{o.game}: Nash demand" if demand else o.name,
                "equilibrium",
                dict(o.outcome),
                dict(o.utilities),
                EQUILIBRIUM,
                o.coords,
                acceptable=all(o.utilities[n] >= report.range.reservation[n] - 1e-9 for n in veto),
                accepted_by=tuple(
                    n for n in veto if o.utilities[n] >= report.range.reservation[n] - 1e-9
                ),
                exact=o.exact,
                status="equilibrium",
            )
        )
    return out


EQUILIBRIA = Analysis(
    key="equilibria",
    label="equilibrium of a derived game",
    compute=compute,
    marker=EQUILIBRIUM,
    method=MethodNote(
        "Equilibria: every Nash equilibrium of each game in the file, each verified.",
        "equilibria-of-strategic-games",
    ),
    json=to_json,
    text=to_text,
    brief=to_brief,
    packages=packages,
)
