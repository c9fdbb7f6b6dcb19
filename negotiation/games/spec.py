"""The ``games`` block of a scenario file: parsing and validation, with located errors.

The loader calls :func:`parse_games` with the block as plain data (and, when it
has them, the file name, the line map and the written texts of
:func:`negotiation.scenario.yamlio.load_yaml`); every problem is one
:class:`~negotiation.errors.ScenarioError` naming ``FILE:LINE: games.<name>.<field>``.

A game is either given (``players``, ``strategies``, ``payoffs``) or derived
from the scenario (``derive: proposal-game`` or ``derive: nash-demand``);
see ``docs/games.md`` for the format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import ScenarioError, quote, render
from .derived import DERIVE_KINDS
from .game import NormalFormGame

Path = tuple

GIVEN_KEYS = ("title", "description", "players", "strategies", "payoffs", "evidence")
DERIVE_KEYS = {
    "proposal-game": (
        "title",
        "description",
        "derive",
        "players",
        "proposals",
        "disagreement",
        "evidence",
    ),
    "nash-demand": ("title", "description", "derive", "players", "levels", "precision", "evidence"),
}
EVIDENCE_KEYS = ("source", "note", "confidence", "assumption", "range")
MAX_PROFILES = 1_000_000
MAX_LEVELS = 50


@dataclass(frozen=True, eq=False)
class GameSpec:
    """One entry of the ``games`` block, validated.

    ``game`` is set for a given game; ``derive`` and ``options`` for a derived one
    (built by :func:`build_games` once the scenario exists). ``line`` is the line of
    the entry and ``evidence_lines`` the line of each evidence entry, keyed by its
    path below ``evidence`` (``""``, ``"payoffs.ukraine"``, ``"payoffs.ukraine.1"``).

    Two specs are equal when they say the same (name, payoffs as written, options,
    texts, evidence), wherever they were read: so a scenario loaded twice, or
    rebuilt by :meth:`Scenario.replace` without a change, compares equal.
    """

    name: str
    game: NormalFormGame | None = None
    derive: str | None = None
    options: dict = field(default_factory=dict)
    title: str | None = None
    description: str | None = None
    evidence: Any = None
    line: int | None = None
    evidence_lines: dict = field(default_factory=dict, repr=False)

    def _content(self) -> tuple:
        g = self.game
        game = (
            None if g is None else (g.players, g.strategies, tuple(g.rational().ravel().tolist()))
        )
        return (
            self.name,
            game,
            self.derive,
            self.options,
            self.title,
            self.description,
            self.evidence,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GameSpec):
            return NotImplemented
        return self._content() == other._content()

    __hash__ = None  # type: ignore[assignment]


class _Ctx:
    def __init__(self, file, lines, texts):
        self.file, self.lines, self.texts = file, lines or {}, texts or {}

    def line(self, path: Path) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def error(self, path: Path, message: str) -> ScenarioError:
        return ScenarioError(message, ".".join(str(p) for p in path), self.file, self.line(path))

    def show(self, path: Path, value: Any) -> str:
        text = self.texts.get(tuple(path))
        return text if text is not None else render(value, 40)


def _suggest(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {quote(close[0])}?)" if close else ""


def _text(ctx: _Ctx, value: Any, path: Path, what: str) -> str:
    if not isinstance(value, str):
        raise ctx.error(path, f"{what} must be text, got {ctx.show(path, value)}")
    if not value.strip():
        raise ctx.error(path, f"{what} is empty")
    return value


def _names(ctx: _Ctx, value: Any, path: Path, what: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ctx.error(
            path,
            f"{what} must be a list of names with at least one entry, got {ctx.show(path, value)}",
        )
    out: list[str] = []
    for j, v in enumerate(value):
        name = _text(ctx, v, path + (j,), f"each of {what}")
        if name in out:
            raise ctx.error(path + (j,), f"{quote(name)} is listed twice in {what}")
        out.append(name)
    return out


def _keys(ctx: _Ctx, entry: dict, allowed, path: Path, what: str) -> None:
    for key in entry:
        if key not in allowed:
            raise ctx.error(
                path + (key,),
                f"unknown key {quote(key)} in {what}"
                f"{_suggest(key, allowed)}; allowed: {', '.join(allowed)}",
            )


def _number(ctx: _Ctx, value: Any, path: Path) -> tuple[float, Fraction]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ctx.error(path, f"a payoff must be a number, got {ctx.show(path, value)}")
    x = float(value)
    if not math.isfinite(x):
        raise ctx.error(
            path,
            f"a payoff must be a finite number (not NaN or infinity), got {ctx.show(path, value)}",
        )
    text = ctx.texts.get(tuple(path))
    exact = None
    if text is not None:
        try:
            exact = Fraction(text.replace("_", ""))
        except (ValueError, ZeroDivisionError):
            exact = None
    if exact is None or float(exact) != x:
        exact = Fraction(value) if isinstance(value, int) else Fraction(repr(x))
    return x, exact


def _evidence(ctx: _Ctx, ev: Any, path: Path, sources) -> Any:
    """Check an evidence entry, list of entries or mapping of them; return it as plain data."""
    if ev is None:
        return None
    if isinstance(ev, list):
        return [_entry(ctx, e, path + (j,), sources) for j, e in enumerate(ev)]
    if isinstance(ev, dict) and not any(k in EVIDENCE_KEYS for k in ev):
        out = {}
        for key, sub in ev.items():
            if not isinstance(sub, (dict, list)):
                raise ctx.error(
                    path + (key,),
                    "evidence must be an entry such as "
                    "{source: a004, note: ...} or a list of entries",
                )
            out[key] = _evidence(ctx, sub, path + (key,), sources)
        return out
    return _entry(ctx, ev, path, sources)


def _evidence_lines(ctx: _Ctx, ev: Any, path: Path) -> dict[str, int | None]:
    """The line of every evidence entry below ``path``, keyed by its dotted sub-path."""
    out: dict[str, int | None] = {}

    def walk(node: Any, sub: tuple) -> None:
        if isinstance(node, list):
            for j, e in enumerate(node):
                walk(e, sub + (j,))
        elif isinstance(node, dict) and not any(k in EVIDENCE_KEYS for k in node):
            for key, v in node.items():
                walk(v, sub + (key,))
        else:
            out[".".join(str(s) for s in sub)] = ctx.line(path + sub)

    if ev is not None:
        walk(ev, ())
    return out


def _entry(ctx: _Ctx, e: Any, path: Path, sources) -> dict:
    if not isinstance(e, dict):
        raise ctx.error(
            path,
            "an evidence entry must be a mapping such as "
            f"{{source: a004, note: ...}}, got {ctx.show(path, e)}",
        )
    _keys(ctx, e, EVIDENCE_KEYS, path, "an evidence entry")
    src = e.get("source")
    if src is not None:
        _text(ctx, src, path + ("source",), "source")
        if sources is not None and src not in sources:
            raise ctx.error(
                path + ("source",),
                f"source {quote(src)} is not defined under "
                f"top-level 'sources'{_suggest(src, list(sources))}",
            )
    if "note" in e and not isinstance(e["note"], str):
        raise ctx.error(
            path + ("note",), f"note must be text, got {ctx.show(path + ('note',), e['note'])}"
        )
    if "confidence" in e and e["confidence"] not in ("high", "medium", "low"):
        raise ctx.error(
            path + ("confidence",),
            "confidence must be high, medium or low, got "
            f"{ctx.show(path + ('confidence',), e['confidence'])}",
        )
    if "assumption" in e and not isinstance(e["assumption"], bool):
        raise ctx.error(
            path + ("assumption",),
            "assumption must be true or false, got "
            f"{ctx.show(path + ('assumption',), e['assumption'])}",
        )
    if "range" in e:
        r = e["range"]
        ok = (
            isinstance(r, list)
            and len(r) == 2
            and all(
                not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)
                for v in r
            )
        )
        if not ok:
            raise ctx.error(path + ("range",), "range must be [lo, hi], two finite numbers")
        if r[0] > r[1]:
            raise ctx.error(
                path + ("range",),
                "range must have lo <= hi, got "
                f"[{ctx.show(path + ('range', 0), r[0])}, "
                f"{ctx.show(path + ('range', 1), r[1])}]",
            )
    return dict(e)


def _payoff_array(
    ctx: _Ctx,
    value: Any,
    path: Path,
    shape: tuple[int, ...],
    players: list[str],
    strategies: list[list[str]],
):
    """A nested list of the given shape: floats and exact values, or a located error."""
    floats = np.empty(shape)
    exact = np.empty(shape, dtype=object)

    def walk(node, depth: int, idx: tuple[int, ...], p: Path):
        if depth == len(shape):
            floats[idx], exact[idx] = _number(ctx, node, p)
            return
        who = players[depth]
        if not isinstance(node, list):
            raise ctx.error(
                p,
                f"expected a list of {shape[depth]} entries, one per strategy of "
                f"{quote(who)} ({', '.join(strategies[depth])}), got "
                f"{ctx.show(p, node)}",
            )
        if len(node) != shape[depth]:
            entries = "entry" if len(node) == 1 else "entries"
            raise ctx.error(
                p,
                f"has {len(node)} {entries}, expected {shape[depth]}: one per "
                f"strategy of {quote(who)} ({', '.join(strategies[depth])})",
            )
        for j, sub in enumerate(node):
            walk(sub, depth + 1, idx + (j,), p + (j,))

    walk(value, 0, (), path)
    return floats, exact


def parse_games(
    block: Any,
    *,
    file: str | None = None,
    lines: dict | None = None,
    texts: dict | None = None,
    parties: list[str] | None = None,
    veto: list[str] | None = None,
    proposals: list[str] | None = None,
    sources: dict | None = None,
    has_conflict: bool | None = None,
    path: Path = ("games",),
) -> dict[str, GameSpec]:
    """Validate the ``games`` block; ``{name: GameSpec}`` in file order.

    Parameters
    ----------
    block : the value of the ``games`` key, as plain data.
    file, lines, texts : where it was read (for ``FILE:LINE`` in errors and for exact
        payoffs as written); ``lines``/``texts`` are keyed by path tuples from the
        document root (``("games", "escalation", "payoffs", "ukraine", 0)``).
    parties, veto, proposals, sources, has_conflict : what the rest of the scenario
        defines (``None``: the file has no such part; a given game's players are then
        free names, and a derived game is an error).
    """
    ctx = _Ctx(file, lines, texts)
    path = tuple(path)
    if not isinstance(block, dict):
        raise ctx.error(
            path, f"games must be a mapping from game name to game, got {ctx.show(path, block)}"
        )
    out: dict[str, GameSpec] = {}
    for name, entry in block.items():
        p = path + (name,)
        _text(ctx, name, p, "the name of a game")
        if not isinstance(entry, dict):
            raise ctx.error(
                p,
                "a game must be a mapping with 'players', 'strategies' and "
                f"'payoffs' (or 'derive'), got {ctx.show(p, entry)}",
            )
        if "derive" in entry:
            out[name] = _derived(
                ctx, name, entry, p, parties, veto, proposals, sources, has_conflict
            )
        else:
            out[name] = _given(ctx, name, entry, p, parties, sources)
    return out


def _given(ctx, name, entry, p, parties, sources) -> GameSpec:
    _keys(ctx, entry, GIVEN_KEYS, p, "a game")
    for key in ("players", "strategies", "payoffs"):
        if key not in entry:
            raise ctx.error(
                p,
                f"game {quote(name)} has no {quote(key)} (a game gives "
                "'players', 'strategies' and 'payoffs', or 'derive')",
            )
    players = _names(ctx, entry["players"], p + ("players",), "players")
    if parties is not None:
        for j, who in enumerate(players):
            if who not in parties:
                raise ctx.error(
                    p + ("players", j),
                    f"{quote(who)} is not a party of the "
                    f"scenario{_suggest(who, parties)}; parties: {', '.join(parties)}",
                )
    strategies_in = entry["strategies"]
    sp = p + ("strategies",)
    if not isinstance(strategies_in, dict):
        raise ctx.error(
            sp,
            "strategies must be a mapping from player to a list of strategy "
            f"names, got {ctx.show(sp, strategies_in)}",
        )
    for who in strategies_in:
        if who not in players:
            raise ctx.error(
                sp + (who,),
                f"{quote(who)} is not one of the game's players"
                f"{_suggest(who, players)}; players: {', '.join(players)}",
            )
    strategies = []
    for who in players:
        if who not in strategies_in:
            raise ctx.error(sp, f"no strategies for player {quote(who)}")
        strategies.append(
            _names(ctx, strategies_in[who], sp + (who,), f"the strategies of {quote(who)}")
        )
    shape = tuple(len(s) for s in strategies)
    if int(np.prod(shape)) > MAX_PROFILES:
        raise ctx.error(
            sp,
            f"the game has {int(np.prod(shape)):,} strategy profiles; at most "
            f"{MAX_PROFILES:,} are allowed",
        )
    pp = p + ("payoffs",)
    pay_in = entry["payoffs"]
    if not isinstance(pay_in, dict):
        raise ctx.error(
            pp,
            "payoffs must be a mapping from player to an array (one axis per "
            f"player, in the order of 'players'), got {ctx.show(pp, pay_in)}",
        )
    for who in pay_in:
        if who not in players:
            raise ctx.error(
                pp + (who,),
                f"{quote(who)} is not one of the game's players"
                f"{_suggest(who, players)}; players: {', '.join(players)}",
            )
    floats, exact = [], []
    for who in players:
        if who not in pay_in:
            raise ctx.error(pp, f"no payoffs for player {quote(who)}")
        f, e = _payoff_array(ctx, pay_in[who], pp + (who,), shape, players, strategies)
        floats.append(f)
        exact.append(e)
    desc = entry.get("description")
    if desc is not None:
        _text(ctx, desc, p + ("description",), "description")
    title = entry.get("title")
    if title is not None:
        _text(ctx, title, p + ("title",), "title")
    evidence = _evidence(ctx, entry.get("evidence"), p + ("evidence",), sources)
    ev_lines = _evidence_lines(ctx, evidence, p + ("evidence",))
    game = NormalFormGame(
        tuple(players),
        tuple(tuple(s) for s in strategies),
        np.stack(floats),
        title=title or name,
        description=desc,
        exact=np.stack(exact),
        evidence=evidence,
        origin={"kind": "file", "name": name, "file": ctx.file},
    )
    return GameSpec(
        name,
        game=game,
        title=title,
        description=desc,
        evidence=evidence,
        line=ctx.line(p),
        evidence_lines=ev_lines,
    )


def _derived(ctx, name, entry, p, parties, veto, proposals, sources, has_conflict) -> GameSpec:
    kind = entry["derive"]
    dp = p + ("derive",)
    if not isinstance(kind, str) or kind.replace("_", "-") not in DERIVE_KINDS:
        raise ctx.error(
            dp,
            f"derive must be one of {', '.join(DERIVE_KINDS)}, got "
            f"{ctx.show(dp, kind)}{_suggest(kind, DERIVE_KINDS)}",
        )
    kind = kind.replace("_", "-")
    _keys(ctx, entry, DERIVE_KEYS[kind], p, f"a derived game ({kind})")
    if "payoffs" in entry or "strategies" in entry:
        raise ctx.error(
            p,
            "a derived game takes its payoffs from the scenario: give "
            "'derive' or 'payoffs', not both",
        )
    if parties is None:
        raise ctx.error(
            dp,
            "a derived game needs the scenario's parties and proposals; this file has no 'parties'",
        )
    options: dict[str, Any] = {}
    if "players" in entry:
        players = _names(ctx, entry["players"], p + ("players",), "players")
        for j, who in enumerate(players):
            if who not in parties:
                raise ctx.error(
                    p + ("players", j),
                    f"{quote(who)} is not a party of the "
                    f"scenario{_suggest(who, parties)}; parties: {', '.join(parties)}",
                )
            if veto is not None and who not in veto:
                raise ctx.error(
                    p + ("players", j),
                    f"{quote(who)} has no veto; the players of a derived game are veto parties",
                )
        if kind == "nash-demand" and len(players) < 2:
            raise ctx.error(p + ("players",), "the demand game needs at least two players")
        options["players"] = players
    if kind == "proposal-game":
        if "proposals" in entry:
            names = _names(ctx, entry["proposals"], p + ("proposals",), "proposals")
            for j, prop in enumerate(names):
                if proposals is not None and prop not in proposals:
                    raise ctx.error(
                        p + ("proposals", j),
                        f"{quote(prop)} is not a proposal of "
                        f"the scenario{_suggest(prop, proposals or [])}",
                    )
            options["proposals"] = names
        elif proposals is not None and not proposals:
            raise ctx.error(dp, "the proposal game needs proposals, and the scenario has none")
        dis = entry.get("disagreement", "batna")
        if dis not in ("batna", "conflict"):
            raise ctx.error(
                p + ("disagreement",),
                "disagreement must be 'batna' or 'conflict', "
                f"got {ctx.show(p + ('disagreement',), dis)}",
            )
        if dis == "conflict" and has_conflict is False:
            raise ctx.error(
                p + ("disagreement",),
                "disagreement is 'conflict' but the file has no top-level 'conflict' block",
            )
        options["disagreement"] = dis
    else:
        lv = entry.get("levels", 5)
        lp = p + ("levels",)
        if isinstance(lv, bool) or not isinstance(lv, int) or not 2 <= lv <= MAX_LEVELS:
            raise ctx.error(
                lp, f"levels must be an integer from 2 to {MAX_LEVELS}, got {ctx.show(lp, lv)}"
            )
        options["levels"] = lv
        prec = entry.get("precision", "exact")
        if prec not in ("exact", "grid"):
            raise ctx.error(
                p + ("precision",),
                f"precision must be 'exact' or 'grid', got {ctx.show(p + ('precision',), prec)}",
            )
        options["precision"] = prec
    desc = entry.get("description")
    if desc is not None:
        _text(ctx, desc, p + ("description",), "description")
    title = entry.get("title")
    if title is not None:
        _text(ctx, title, p + ("title",), "title")
    evidence = _evidence(ctx, entry.get("evidence"), p + ("evidence",), sources)
    return GameSpec(
        name,
        derive=kind,
        options=options,
        title=title,
        description=desc,
        evidence=evidence,
        line=ctx.line(p),
        evidence_lines=_evidence_lines(ctx, evidence, p + ("evidence",)),
    )


def build_games(
    specs: dict[str, GameSpec], scenario=None, *, file: str | None = None
) -> dict[str, NormalFormGame]:
    """The games of a parsed ``games`` block; derived games are built from ``scenario``."""
    from dataclasses import replace

    out: dict[str, NormalFormGame] = {}
    for name, spec in specs.items():
        if spec.game is not None:
            out[name] = spec.game
            continue
        if scenario is None:
            raise ScenarioError(
                "a derived game needs a scenario with parties and proposals",
                f"games.{name}.derive",
                file,
                spec.line,
            )
        from .derived import derive

        try:
            g = derive(scenario, str(spec.derive), **spec.options)
        except ValueError as exc:
            raise ScenarioError(str(exc), f"games.{name}", file, spec.line) from None
        out[name] = replace(
            g,
            title=spec.title or name,
            description=spec.description or g.description,
            evidence=spec.evidence,
            origin={**g.origin, "name": name},
        )
    return out


def evidence_gaps(specs: dict[str, GameSpec], *, file: str | None = None) -> list[ScenarioError]:
    """For ``validate --strict``: every given game's payoffs need evidence.

    Covered by a game-level entry or list, or by a mapping with ``payoffs`` or
    ``payoffs.<player>`` for every player. Derived games take their numbers from
    the evidenced scenario and need none. Every entry given (in any game) must
    cite a ``source`` with a ``note``, or say ``assumption: true`` with a ``note``
    and, for the payoffs of a given game (numbers), a ``range: [lo, hi]``, as
    :mod:`negotiation.evidence` asks of every other parameter.
    """
    gaps = []
    for name, spec in specs.items():
        ev = spec.evidence
        where = f"games.{name}"
        if spec.game is not None:
            if ev is None or ev == [] or ev == {}:
                gaps.append(
                    ScenarioError(
                        "no evidence for the payoffs (add 'evidence' citing a "
                        "source, or an assumption with a note and a range)",
                        where,
                        file,
                        spec.line,
                    )
                )
                continue
            if isinstance(ev, dict) and not any(k in EVIDENCE_KEYS for k in ev):
                if "payoffs" not in ev:
                    missing = [p for p in spec.game.players if f"payoffs.{p}" not in ev]
                    if missing:
                        gaps.append(
                            ScenarioError(
                                "no evidence for the payoffs of "
                                + ", ".join(quote(m) for m in missing),
                                where,
                                file,
                                spec.line,
                            )
                        )
        gaps += _entry_gaps(spec, where, file)
    return gaps


def _entry_gaps(spec: GameSpec, where: str, file: str | None) -> list[ScenarioError]:
    """Evidence entries that neither cite a source with a note nor state an assumption
    with a note (and a range, for the payoffs of a given game)."""
    out = []
    need_range = spec.game is not None
    for sub, entry in _flat_entries(spec.evidence, ()):
        path = ".".join([where, "evidence", *(str(p) for p in sub)])
        line = spec.evidence_lines.get(".".join(str(p) for p in sub), spec.line)
        if entry.get("assumption"):
            if not entry.get("note"):
                message = "an assumption needs a 'note' giving the reason"
            elif need_range and "range" not in entry:
                message = "an assumption about payoffs needs 'range: [lo, hi]'"
            else:
                continue
        elif not entry.get("source"):
            message = "cite a 'source' or mark 'assumption: true'"
        elif not entry.get("note"):
            message = "add a one-line 'note' on how the source supports the payoffs"
        else:
            continue
        out.append(ScenarioError(message, path, file, line))
    return out


def _flat_entries(ev: Any, sub: tuple) -> list[tuple[tuple, dict]]:
    if isinstance(ev, list):
        return [x for j, e in enumerate(ev) for x in _flat_entries(e, sub + (j,))]
    if isinstance(ev, dict) and not any(k in EVIDENCE_KEYS for k in ev):
        return [x for key, e in ev.items() for x in _flat_entries(e, sub + (key,))]
    return [(sub, ev)] if isinstance(ev, dict) else []


__all__ = ["GameSpec", "build_games", "evidence_gaps", "parse_games"]
