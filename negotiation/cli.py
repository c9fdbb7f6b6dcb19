"""Command line: ``negotiation run | validate | compare | document | plot | brief``.

Thin on purpose: parse arguments, call the Python API, print or write files
through :mod:`negotiation.outputs`. Nothing else in the package imports this
module. Heavy modules (numpy, scipy, pydantic, matplotlib) are imported
inside the commands so that ``negotiation --help`` answers at once.

Exit codes: 0 success; 2 bad input or usage (a scenario error, an output
that cannot be written, a bad command line), one line on stderr; 1 internal
error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    """A command line that parses but cannot be run (e.g. ``compare`` with one file)."""


class _Parser(argparse.ArgumentParser):
    """argparse whose usage error is one line, ``negotiation: error: ... (see --help)``."""

    def error(self, message: str) -> NoReturn:
        from .errors import one_line

        self.exit(
            EXIT_INPUT, one_line(f"negotiation: error: {message} (see {self.prog} --help)") + "\n"
        )


def _emit(text: str, output: str | None) -> None:
    if output:
        from .outputs import write_atomic

        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def _check_output(path: str | None) -> None:
    """Fail before the (slow) analysis when an output path cannot be written."""
    if path:
        from .outputs import check_output_path

        check_output_path(path)


def cmd_run(args: argparse.Namespace) -> int:
    import json

    from .scenario import load_scenario

    scenario = load_scenario(args.file)  # bad input fails fast, before heavy imports
    _check_output(args.output)
    from .analysis import analyse

    report = analyse(scenario)
    if args.format == "json":
        text = json.dumps(report.to_dict(), indent=2, allow_nan=False) + "\n"
    else:
        text = report.to_text()
    _emit(text, args.output)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file, each on its own: one line per bad file, and go on to the next."""
    from .errors import ScenarioError, one_line
    from .formatting import count
    from .scenario import load_scenario
    from .scenario.load import GamesOnlyFile

    failed = internal = 0
    for f in args.files:
        try:
            try:
                scenario = load_scenario(f)
            except GamesOnlyFile:  # title and games only: check the games
                from .games.cli import check_games_file

                problems, counts = check_games_file(f, strict=args.strict)
                notes = ""
            else:
                problems = []
                if args.strict:
                    from .evidence import missing_evidence

                    problems = missing_evidence(scenario)
                    if scenario.games:
                        from .games.spec import evidence_gaps

                        gaps = evidence_gaps(scenario.games, file=scenario.file or "<scenario>")
                        problems += [str(e) for e in gaps]
                notes = "".join(f"\n  note: {one_line(n)}" for n in scenario.notes)
                counts = ", ".join(
                    count(len(xs), word)
                    for xs, word in (
                        (scenario.parties, "party"),
                        (scenario.issues, "issue"),
                        (scenario.proposals, "proposal"),
                        (scenario.games or (), "game"),
                    )
                    if xs or word != "game"
                )
            for p in problems:
                print(one_line(str(p)), file=sys.stderr)
            if problems:
                failed += 1
                continue
            print(f"{one_line(f)}: ok ({counts}){notes}")
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            failed += 1
        except (KeyboardInterrupt, MemoryError, BrokenPipeError):
            raise
        except Exception as exc:  # a bug: report it for this file and check the others
            if os.environ.get("NEGOTIATION_DEBUG"):
                raise
            print(
                one_line(
                    f"{f}: internal error: {type(exc).__name__}: {exc} (set "
                    "NEGOTIATION_DEBUG=1 for a traceback; please report it)"
                ),
                file=sys.stderr,
            )
            internal += 1
    return EXIT_INTERNAL if internal else EXIT_INPUT if failed else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    import json

    from .scenario import load_scenario

    if len(args.files) < 2:
        raise UsageError("compare needs at least two scenario files")
    scenarios = [load_scenario(f) for f in args.files]
    _check_output(args.output)
    if args.plot:
        from .plot.save import output_format

        _check_output(args.plot)
        output_format(args.plot)
    from .analysis import analyse
    from .compare import compare

    comparison = compare([analyse(s) for s in scenarios])
    if args.format == "json":
        text = json.dumps(comparison.to_dict(), indent=2, allow_nan=False) + "\n"
    else:
        text = comparison.to_text()
    if args.plot:
        from .plot.compare import plot_compare
        from .plot.save import save

        save(plot_compare(list(comparison.reports), path=args.plot), args.plot)
    _emit(text, args.output)
    return EXIT_OK


def cmd_document(args: argparse.Namespace) -> int:
    from .scenario import load_scenario

    scenarios = [load_scenario(f) for f in args.files]
    _check_output(args.output)
    from .analysis import analyse
    from .scenario_doc import scenarios_markdown

    command = (
        "negotiation document "
        + " ".join(args.files)
        + (f" -o {args.output}" if args.output else "")
    )
    text = scenarios_markdown([analyse(s) for s in scenarios], command)
    _emit(text, args.output)
    return EXIT_OK


SWEEP_KINDS = ("heatmap", "line", "histogram", "tornado")


def cmd_plot(args: argparse.Namespace) -> int:
    """One figure, written atomically to ``-o`` or ``<scenario stem>-<kind>.png``; for a
    sweep directory, its figures (all that fit, or ``--kind``)."""
    from .plot.save import output_format
    from .scenario import load_scenario

    if os.path.isdir(args.file):
        return _plot_sweep(args)
    if args.kind is None or args.kind in SWEEP_KINDS:
        from .plot import KINDS

        raise UsageError(
            f"{args.file}: --kind must be one of {', '.join(KINDS)} for a scenario "
            f"({', '.join(SWEEP_KINDS)} are for a sweep directory)"
        )

    stem = os.path.splitext(os.path.basename(args.file))[0]
    output = args.output or f"{stem}-{args.kind}.png"
    output_format(output)  # fail before the (slow) analysis
    _check_output(output)
    scenario = load_scenario(args.file)
    from .analysis import analyse
    from .plot import figure
    from .plot.save import save

    save(figure(analyse(scenario), args.kind), output)
    print(f"wrote {output}")
    return EXIT_OK


def _plot_sweep(args: argparse.Namespace) -> int:
    """Figures of a sweep directory (``negotiation sweep --out DIR``)."""
    if not os.path.exists(os.path.join(args.file, "sweep.sqlite")):
        raise UsageError(
            f"{args.file}: not a sweep directory (no sweep.sqlite; "
            "make one with `negotiation sweep EXPERIMENT --out DIR`)"
        )
    if args.kind is not None and args.kind not in SWEEP_KINDS:
        raise UsageError(
            f"{args.file}: --kind must be one of {', '.join(SWEEP_KINDS)} for a sweep directory"
        )
    from .experiments.plots import figure as sweep_figure
    from .experiments.plots import save_figures
    from .plot.save import output_format, save

    if args.kind is None:
        for path in save_figures(args.file):
            print(f"wrote {path}")
        return EXIT_OK
    output = args.output or os.path.join(args.file, f"{args.kind}.png")
    output_format(output)
    _check_output(output)
    save(sweep_figure(args.file, args.kind), output)
    print(f"wrote {output}")
    return EXIT_OK


def cmd_brief(args: argparse.Namespace) -> int:
    """The brief and its annex (HTML and PDF) in ``-o DIR``, all four files or none."""
    from .outputs import check_output_dir
    from .scenario import load_scenario

    check_output_dir(args.output)
    scenario = load_scenario(args.file)
    from .analysis import analyse
    from .brief import write_brief
    from .brief.sweeps import SweepMismatch, sweep_findings

    sweeps = list(args.sweep or ())
    try:
        sweep_findings(scenario, sweeps, check=True)  # a bad --sweep fails before the analysis
        paths = write_brief(analyse(scenario), args.output, sweeps=sweeps)
    except SweepMismatch as exc:
        raise UsageError(str(exc)) from None
    for path in paths:
        print(f"wrote {path}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="negotiation",
        description="Game-theory analysis of peace talks from evidenced scenario files.",
    )
    from . import __version__
    from .plot import KINDS  # no matplotlib: the package imports it only to draw

    parser.add_argument("--version", action="version", version=f"negotiation {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser(
        "run",
        help="analyse a scenario: bargaining range, solutions, proposals",
        description="Analyse one scenario file and print a report.",
    )
    run.add_argument("file", help="scenario YAML file")
    run.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="readable tables (default) or the JSON contract",
    )
    run.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    run.set_defaults(func=cmd_run)

    val = sub.add_parser(
        "validate",
        help="check scenario files without analysing them",
        description="Check scenario files; exit 2 if any is invalid.",
    )
    val.add_argument("files", nargs="+", metavar="FILE")
    val.add_argument(
        "--strict",
        action="store_true",
        help="also require evidence or an assumption mark for every parameter",
    )
    val.set_defaults(func=cmd_validate)

    cmp_ = sub.add_parser(
        "compare",
        help="compare scenarios side by side (e.g. over time)",
        description="Analyse several scenarios and show what moved between them, in date order.",
    )
    cmp_.add_argument("files", nargs="+", metavar="FILE")
    cmp_.add_argument("--format", choices=["table", "json"], default="table")
    cmp_.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    cmp_.add_argument(
        "--plot", metavar="PATH", help="also draw the comparison figure (.png, .svg or .pdf)"
    )
    cmp_.set_defaults(func=cmd_compare)

    doc = sub.add_parser(
        "document",
        help="write Markdown: parameters, evidence and results",
        description="Document scenarios: each parameter with its value, "
        "evidence and confidence, and what the model says.",
    )
    doc.add_argument("files", nargs="+", metavar="FILE")
    doc.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    doc.set_defaults(func=cmd_document)

    plot = sub.add_parser(
        "plot",
        help="draw a briefing figure for a scenario",
        description="Draw one figure in the house style.",
    )
    plot.add_argument("file", help="scenario YAML file, or a sweep directory")
    plot.add_argument(
        "--kind",
        choices=list(KINDS) + list(SWEEP_KINDS),
        help="which figure (required for a scenario; for a sweep directory "
        "the default is every figure that fits it)",
    )
    plot.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="output file; .png, .svg or .pdf (default: <scenario>-<kind>.png)",
    )
    plot.set_defaults(func=cmd_plot)

    brief = sub.add_parser(
        "brief",
        help="write a two-page briefing (HTML and PDF)",
        description="Write a two-page brief and its annex (parameters and "
        "evidence), each as self-contained HTML and as PDF.",
    )
    brief.add_argument("file", help="scenario YAML file")
    brief.add_argument(
        "--sweep",
        metavar="DIR",
        action="append",
        help="a finished sweep of this scenario (negotiation sweep --out DIR): a Monte Carlo "
        "sweep adds the probability of a deal to the bottom line, a one-at-a-time sweep "
        "gives the tornado of what the conclusion depends on (repeat for both)",
    )
    brief.add_argument(
        "-o", "--output", metavar="DIR", default="brief", help="output directory (default: ./brief)"
    )
    brief.set_defaults(func=cmd_brief)

    from .experiments.cli import add_parser as add_sweep  # light: no numpy at import
    from .forecast.cli import add_parser as add_forecast
    from .games.cli import add_parser as add_equilibria

    add_sweep(sub)
    add_equilibria(sub)
    add_forecast(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .errors import one_line

    parser = build_parser()
    args = parser.parse_args(argv)  # a usage error: one line, SystemExit(2)
    try:
        return args.func(args)
    except UsageError as exc:
        print(one_line(f"error: {exc}"), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`negotiation validate *.yaml | head`)
        try:  # no second error when Python flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141  # as if killed by SIGPIPE, like other commands in a pipeline
    except Exception as exc:
        from .errors import NegotiationError, ScenarioError
        from .outputs import OutputError

        if isinstance(exc, ScenarioError):
            print(str(exc), file=sys.stderr)
            return EXIT_INPUT
        if isinstance(exc, OutputError):
            print(one_line(f"error: {exc}"), file=sys.stderr)
            return EXIT_INPUT
        if isinstance(exc, NegotiationError):
            print(one_line(f"error: {exc}"), file=sys.stderr)
            return EXIT_INTERNAL
        if os.environ.get("NEGOTIATION_DEBUG"):
            raise
        print(
            one_line(
                f"internal error: {type(exc).__name__}: {exc} "
                "(set NEGOTIATION_DEBUG=1 for a traceback; please report it)"
            ),
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
