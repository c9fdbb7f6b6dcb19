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
    """``({name: NormalFormGame}, scenario or None)`` from a YAML or ``.nfg`` file."""
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
        raise ScenarioError("expected a mapping with 'title' and 'games'", "", path, 1)
    if "games" not in data:
        raise ScenarioError(
            "the file has no 'games' block (see docs/games.md)", "", path, lines.get((), 1)
        )
    scenario = _scenario(path, data) if "parties" in data else None
    kw = {}
    if scenario is not None:
        kw = dict(
            parties=[p.name for p in scenario.parties],
            veto=[p.name for p in scenario.parties if p.veto],
            proposals=[p.name for p in scenario.proposals],
            sources=scenario.sources,
            has_conflict=scenario.conflict is not None,
        )
    elif isinstance(data.get("sources"), dict):
        kw = dict(sources=data["sources"])
    specs = parse_games(data["games"], file=path, lines=lines, texts=texts, **kw)
    return build_games(specs, scenario, file=path), scenario


def _scenario(path: str, data: dict):
    """The scenario of a file that also holds ``games``.

    Once the loader knows the ``games`` key, :func:`negotiation.load_scenario` reads the
    file as it is; until then, the scenario is built from the file's mapping without
    ``games`` (errors then name the file and field but not the line).
    """
    from ..errors import ScenarioError
    from ..scenario import load_scenario, scenario_from_dict

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        if not (exc.path or "").startswith("games") and "'games'" not in exc.message:
            raise
    return scenario_from_dict({k: v for k, v in data.items() if k != "games"}, file=path)


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


__all__ = ["add_parser", "load_games", "run", "solve_all"]
