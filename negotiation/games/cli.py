"""``negotiation equilibria FILE``: the equilibria of the strategic games in a file.

``FILE`` is a scenario YAML file with a ``games`` block (a file may hold only
``title`` and ``games``) or a Gambit ``.nfg`` file. The lead's ``negotiation/cli.py``
registers the command with :func:`add_parser`; :func:`run` does the work and
returns the exit status. Errors in the file raise
:class:`~negotiation.errors.ScenarioError` (``FILE:LINE: field: message``), which the
command line prints with exit status 2.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

METHOD_CHOICES = ("auto", "vertex", "support", "lemke-howson", "pure", "poly")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``equilibria`` on an argparse ``subparsers`` object; returns its parser."""
    p = subparsers.add_parser(
        "equilibria",
        help="Nash equilibria of the strategic games in a file",
        description="Compute, verify and print the Nash equilibria of the games in a "
        "scenario file's 'games' block, or of a Gambit .nfg file.",
    )
    p.add_argument("file", help="scenario YAML file with a 'games' block, or a .nfg file")
    p.add_argument(
        "--game",
        action="append",
        metavar="NAME",
        help="only this game (repeat for several; default: every game)",
    )
    p.add_argument(
        "--method",
        choices=METHOD_CHOICES,
        default="auto",
        help="auto (default): vertex enumeration for two players (every "
        "equilibrium), the polynomial method for small n-player games, "
        "pure equilibria otherwise",
    )
    p.add_argument(
        "--exact",
        action="store_true",
        help="exact rational arithmetic (two-player games, vertex method)",
    )
    p.add_argument(
        "--dominance",
        action="store_true",
        help="also show iterated elimination of strictly dominated strategies",
    )
    p.add_argument(
        "--dynamics",
        choices=("fictitious-play", "best-response"),
        help="also show how play evolves under a learning dynamic",
    )
    p.add_argument(
        "--iterations",
        type=_positive,
        default=None,
        metavar="N",
        help="rounds of fictitious play / moves of best-response dynamics",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--export", metavar="DIR", help="also write every game as DIR/<game>.nfg (Gambit's format)"
    )
    p.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    p.set_defaults(func=run)
    return p


def _is_nfg(path: str) -> bool:
    if path.lower().endswith(".nfg"):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(3) == b"NFG"
    except OSError:
        return False


def load_games(path: str):
    """``({name: NormalFormGame}, scenario or None)`` from a YAML or ``.nfg`` file.

    A YAML file with ``issues`` or ``parties`` is a scenario: it is read by
    :func:`negotiation.load_scenario` (which parses its ``games`` block with the
    scenario's parties, proposals and sources) and its derived games are built from
    it. A file with only ``title`` and ``games`` (and optionally ``sources``) holds
    given games only; players are then free names.
    """
    from ..errors import ScenarioError

    if _is_nfg(path):
        from .nfg import read_nfg

        g = read_nfg(path)
        name = os.path.splitext(os.path.basename(path))[0]
        return {name: g}, None
    from ..scenario.source import read_text
    from ..scenario.yamlio import load_yaml
    from .spec import build_games, parse_games

    data, lines, texts = load_yaml(read_text(path), path)
    if not isinstance(data, dict):
        raise ScenarioError(
            "expected a mapping with 'title' and 'games'", "", path, lines.get((), 1)
        )
    if data.get("games") in (None, {}):
        raise ScenarioError(
            "the file has no games (add a 'games' block; see docs/games.md)",
            "games" if "games" in data else "",
            path,
            lines.get(("games",), lines.get((), 1)),
        )
    if "issues" in data or "parties" in data:
        from ..scenario import load_scenario

        scenario = load_scenario(path)
        return build_games(scenario.games or {}, scenario, file=path), scenario
    sources = data.get("sources")
    specs = parse_games(
        data["games"],
        file=path,
        lines=lines,
        texts=texts,
        sources=sources if isinstance(sources, dict) else None,
    )
    return build_games(specs, None, file=path), None


def check_games_file(path: str, *, strict: bool = False) -> tuple[list[str], str]:
    """``negotiation validate`` on a file that holds only games: ``(problems, summary)``.

    The games are parsed with located errors (raised); with ``strict`` every game's
    evidence is checked (:func:`negotiation.games.spec.evidence_gaps`), each gap one
    ``FILE:LINE: field: message`` line in ``problems``.
    """
    from ..formatting import count
    from ..scenario.source import read_text
    from ..scenario.yamlio import load_yaml
    from .spec import evidence_gaps, parse_games

    data, lines, texts = load_yaml(read_text(path), path)
    sources = data.get("sources")
    specs = parse_games(
        data["games"],
        file=path,
        lines=lines,
        texts=texts,
        sources=sources if isinstance(sources, dict) else None,
    )
    problems = [str(e) for e in evidence_gaps(specs, file=path)] if strict else []
    return problems, f"games only: {count(len(specs), 'game')}"


def _file_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "game"
    out, k = base, 2
    while out in used:
        out, k = f"{base}_{k}", k + 1
    used.add(out)
    return out + ".nfg"


def run(args: argparse.Namespace) -> int:
    """Run ``negotiation equilibria``; 0 on success (errors are raised)."""
    from ..errors import ScenarioError

    games, _ = load_games(args.file)
    if args.game:
        missing = [g for g in args.game if g not in games]
        if missing:
            raise ScenarioError(
                f"no game {missing[0]!r} in the file; games: {', '.join(games) or 'none'}",
                "games",
                args.file,
                None,
            )
        games = {g: games[g] for g in args.game}
    if args.output:
        from ..outputs import check_output_path

        check_output_path(args.output)
    if args.export:
        from ..outputs import check_output_dir

        check_output_dir(args.export)
    results, extras = solve_all(
        games,
        method=args.method,
        exact=args.exact,
        dominance=args.dominance,
        dynamics=args.dynamics,
        iterations=args.iterations,
        file=args.file,
    )
    if args.format == "json":
        import json

        from .results import equilibria_json

        doc = equilibria_json(results)
        for name, extra in extras.items():
            for key, value in extra.items():
                doc["games"][name][key] = value.to_dict()
        text = json.dumps(doc, indent=2, allow_nan=False) + "\n"
    else:
        from .text import report_text

        text = report_text(results, extras)
    files = {}
    if args.export:
        from .nfg import to_nfg

        used: set[str] = set()
        for name, g in games.items():
            files[os.path.join(args.export, _file_name(name, used))] = to_nfg(g)
    if args.output:
        files[args.output] = text
    if files:
        from ..outputs import write_files

        write_files(files, make_dirs=True)
    if not args.output:
        sys.stdout.write(text)
    return 0


def solve_all(
    games: dict,
    *,
    method: str = "auto",
    exact: bool = False,
    dominance: bool = False,
    dynamics: str | None = None,
    iterations: int | None = None,
    file: str | None = None,
):
    """``({name: EquilibriumSet}, {name: {"dominance": ..., "dynamics": ...}})``."""
    from dataclasses import replace

    from ..errors import ScenarioError
    from .results import solve

    results, extras = {}, {}
    for name, g in games.items():
        use_exact = exact and g.n_players == 2 and method in ("auto", "vertex")
        try:
            res = solve(g, method, exact=use_exact)
        except ValueError as exc:
            raise ScenarioError(str(exc), f"games.{name}", file, None) from None
        if exact and not use_exact:
            note = "exact arithmetic is available for two-player games with the vertex method"
            res = replace(res, message="; ".join(m for m in (res.message, note) if m))
        results[name] = res
        extra: dict[str, Any] = {}
        if dominance:
            from .dominance import iterated_elimination

            extra["dominance"] = iterated_elimination(g)
        if dynamics:
            from .dynamics import best_response_dynamics, fictitious_play

            if dynamics == "fictitious-play":
                extra["dynamics"] = (
                    fictitious_play(g, iterations=iterations) if iterations else fictitious_play(g)
                )
            else:
                extra["dynamics"] = (
                    best_response_dynamics(g, max_steps=iterations)
                    if iterations
                    else best_response_dynamics(g)
                )
        if extra:
            extras[name] = extra
    return results, extras


__all__ = ["add_parser", "check_games_file", "load_games", "run", "solve_all"]
