"""``negotiation forecast FILE``: the forecasting models on a scenario or an actor table.

``FILE`` is a scenario YAML file or an actor table (``.csv``: ``actor,capability,
position,salience[,issue][,outcome]``). :func:`add_parser` registers the command
on the main parser (``negotiation/cli.py``); :func:`run` calls the API of
:mod:`negotiation.forecast` and prints. Bad input raises
:class:`~negotiation.errors.ScenarioError` (``FILE:LINE: column: message``, exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys

MODEL_CHOICES = ("all", "compromise", "mean", "median", "expected_utility", "eu", "exchange")


def _count(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= v <= 10_000:
        raise argparse.ArgumentTypeError(f"must be between 0 and 10000, got {v}")
    return v


def _probability(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return v


def _positive(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (v > 0 and v < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text}")
    return v


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``forecast`` on an argparse ``subparsers`` object; returns its parser."""
    from . import CHOICE, CONFRONTATION, PERSPECTIVE, PROBABILITY, RISK

    p = subparsers.add_parser(
        "forecast",
        help="forecast where the talks end up (compromise, median, expected utility, exchange)",
        description="Spatial forecasting models on a scenario's parties or on an actor table "
        "(CSV: actor,capability,position,salience[,issue][,outcome]). See docs/forecasting.md.",
    )
    p.add_argument("file", help="scenario YAML file or actor table (.csv)")
    p.add_argument(
        "--model",
        action="append",
        choices=MODEL_CHOICES,
        metavar="MODEL",
        help="compromise (mean), median, expected_utility (eu), exchange, or all (default); "
        "repeat for several",
    )
    p.add_argument(
        "--rounds", type=_count, metavar="N", help="round cap of the dynamic models (default 100)"
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    p.add_argument(
        "--plot", metavar="PATH", help="also draw the trajectory figure (.png, .svg or .pdf)"
    )
    p.add_argument(
        "--accuracy",
        action="store_true",
        help="also report each model's mean absolute error against the table's outcome column",
    )
    eu = p.add_argument_group("expected-utility model options (defaults: docs/forecasting.md)")
    eu.add_argument("--probability", choices=PROBABILITY, default="pairwise")
    eu.add_argument("--choice", choices=CHOICE, default="least-move")
    eu.add_argument("--confrontation", choices=CONFRONTATION, default="loser-moves")
    eu.add_argument("--risk", choices=RISK, default="scholz")
    eu.add_argument("--perspective", choices=PERSPECTIVE, default="receiver")
    eu.add_argument(
        "--q",
        type=_probability,
        default=1.0,
        metavar="Q",
        help="probability that the status quo holds (default 1)",
    )
    eu.add_argument(
        "--t",
        type=_probability,
        default=1.0,
        metavar="T",
        help="probability that a changing status quo gets better (default 1)",
    )
    eu.add_argument(
        "--salience-scale",
        type=_positive,
        metavar="S",
        help="divide saliences by S (default: 1, 100 or the largest)",
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from ..errors import ScenarioError
    from . import forecast, load_actors
    from .exchange import ExchangeOptions
    from .expected_utility import EUOptions

    table = load_actors(args.file)  # bad input fails here, before anything is written
    models = list(args.model or ["all"])
    if "all" in models:
        models = ["compromise", "median", "expected_utility", "exchange"]
    if args.plot and not any(m in ("expected_utility", "eu") for m in models):
        models.append("expected_utility")  # the figure draws its trajectory
    if args.output:
        from ..outputs import check_output_path

        check_output_path(args.output)
    if args.plot:
        from ..outputs import check_output_path
        from ..plot.save import output_format

        output_format(args.plot)
        check_output_path(args.plot)
    if args.accuracy and not table.has_outcomes:
        raise ScenarioError(
            "--accuracy needs an 'outcome' column with the known decision of at least one issue",
            "",
            args.file,
        )
    cap = {} if args.rounds is None else {"rounds": args.rounds}
    eu = EUOptions(
        probability=args.probability,
        choice=args.choice,
        q=args.q,
        t=args.t,
        confrontation=args.confrontation,
        risk=args.risk,
        perspective=args.perspective,
        salience_scale=args.salience_scale,
        **cap,
    )
    result = forecast(table, models, eu=eu, exchange=ExchangeOptions(**cap))
    acc = None
    if args.accuracy:
        from . import accuracy

        acc = accuracy(result)
    if args.format == "json":
        data = result.to_dict()
        if acc is not None:
            data["accuracy"] = acc.to_dict()
        text = json.dumps(data, indent=2, allow_nan=False) + "\n"
    else:
        from .text import forecast_text

        text = forecast_text(result, acc)
    if args.plot:
        from ..plot.save import save
        from .plot import plot_trajectory

        save(plot_trajectory(result, output=args.plot), args.plot)
    if args.output:
        from ..outputs import write_atomic

        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    if args.plot:
        print(f"wrote {args.plot}", file=sys.stderr if not args.output else sys.stdout)
    return 0


__all__ = ["add_parser", "run"]
