"""Command line: ``negotiation run | validate``.

Thin on purpose: parse arguments, call the Python API, print or save. Heavy
modules (numpy, scipy, pydantic, matplotlib) are imported inside the commands
so that ``negotiation --help`` answers at once.

Exit codes: 0 success, 2 bad input or usage, 1 internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


class InputError(Exception):
    """Bad input found by the CLI itself (e.g. an output path that cannot be written)."""


def write_atomic(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` all at once: a failed run never leaves a partial file."""
    check_output_path(path)
    directory = os.path.dirname(os.path.abspath(path))
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check_output_path(path: str) -> None:
    """Fail early (exit 2) when ``path`` cannot be written, before a long computation."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise InputError(f"{path}: output directory {directory} does not exist")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory; give a file name")


def _emit(text: str, output: str | None) -> None:
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def cmd_run(args: argparse.Namespace) -> int:
    import json

    from .scenario import load_scenario

    scenario = load_scenario(args.file)  # bad input fails fast, before heavy imports
    if args.output:
        check_output_path(args.output)
    from .analysis import analyse

    report = analyse(scenario)
    if args.format == "json":
        text = json.dumps(report.to_dict(), indent=2, allow_nan=False) + "\n"
    else:
        text = report.to_text()
    _emit(text, args.output)
    return EXIT_OK


def _count(n: int, word: str) -> str:
    plural = "parties" if word == "party" else word + "s"
    return f"{n} {word if n == 1 else plural}"


def cmd_validate(args: argparse.Namespace) -> int:
    from .scenario import load_scenario

    failed = 0
    for f in args.files:
        try:
            scenario = load_scenario(f)
            problems = []
            if args.strict:
                from .evidence import missing_evidence
                problems = missing_evidence(scenario)
            for p in problems:
                print(p, file=sys.stderr)
            if problems:
                failed += 1
                continue
            notes = "".join(f"\n  note: {n}" for n in scenario.notes)
            counts = ", ".join(_count(len(xs), word) for xs, word in (
                (scenario.parties, "party"), (scenario.issues, "issue"),
                (scenario.proposals, "proposal")))
            print(f"{f}: ok ({counts}){notes}")
        except Exception as exc:  # noqa: BLE001 - reported per file below
            from .errors import ScenarioError
            if not isinstance(exc, ScenarioError):
                raise
            print(str(exc), file=sys.stderr)
            failed += 1
    return EXIT_INPUT if failed else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    import json

    from .scenario import load_scenario

    if len(args.files) < 2:
        raise InputError("compare needs at least two scenario files")
    scenarios = [load_scenario(f) for f in args.files]
    for path in (args.output, args.plot):
        if path:
            check_output_path(path)
    from .analysis import analyse
    from .compare import compare

    comparison = compare([analyse(s) for s in scenarios])
    if args.format == "json":
        text = json.dumps(comparison.to_dict(), indent=2, allow_nan=False) + "\n"
    else:
        text = comparison.to_text()
    if args.plot:
        from .plot.compare import plot_compare
        plot_compare(list(comparison.reports), args.plot)
    _emit(text, args.output)
    return EXIT_OK


def cmd_document(args: argparse.Namespace) -> int:
    from .scenario import load_scenario

    scenarios = [load_scenario(f) for f in args.files]
    if args.output:
        check_output_path(args.output)
    from .analysis import analyse
    from .scenario_doc import scenarios_markdown

    command = "negotiation document " + " ".join(args.files) + (
        f" -o {args.output}" if args.output else "")
    text = scenarios_markdown([analyse(s) for s in scenarios], command)
    _emit(text, args.output)
    return EXIT_OK


def cmd_plot(args: argparse.Namespace) -> int:
    from .plot.cli import run_plot
    return run_plot(args)


def cmd_brief(args: argparse.Namespace) -> int:
    from .brief import run_brief
    return run_brief(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="negotiation",
        description="Game-theory analysis of peace talks from evidenced scenario files.")
    parser.add_argument("--version", action="version", version="negotiation 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser("run", help="analyse a scenario: bargaining range, solutions, proposals",
                         description="Analyse one scenario file and print a report.")
    run.add_argument("file", help="scenario YAML file")
    run.add_argument("--format", choices=["table", "json"], default="table",
                     help="readable tables (default) or the JSON contract")
    run.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    run.set_defaults(func=cmd_run)

    val = sub.add_parser("validate", help="check scenario files without analysing them",
                         description="Check scenario files; exit 2 if any is invalid.")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.add_argument("--strict", action="store_true",
                     help="also require evidence or an assumption mark for every parameter")
    val.set_defaults(func=cmd_validate)

    cmp_ = sub.add_parser("compare", help="compare scenarios side by side (e.g. over time)",
                          description="Analyse several scenarios and show what moved "
                                      "between them, in date order.")
    cmp_.add_argument("files", nargs="+", metavar="FILE")
    cmp_.add_argument("--format", choices=["table", "json"], default="table")
    cmp_.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    cmp_.add_argument("--plot", metavar="PATH", help="also draw the comparison figure "
                                                      "(.png, .svg or .pdf)")
    cmp_.set_defaults(func=cmd_compare)

    doc = sub.add_parser("document", help="write Markdown: parameters, evidence and results",
                         description="Document scenarios: each parameter with its value, "
                                     "evidence and confidence, and what the model says.")
    doc.add_argument("files", nargs="+", metavar="FILE")
    doc.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    doc.set_defaults(func=cmd_document)

    plot = sub.add_parser("plot", help="draw a briefing figure for a scenario",
                          description="Draw one figure in the house style.")
    plot.add_argument("file", help="scenario YAML file")
    plot.add_argument("--kind", required=True,
                      choices=["utility-space", "ranges", "solutions"],
                      help="which figure")
    plot.add_argument("-o", "--output", metavar="PATH",
                      help="output file; .png, .svg or .pdf (default: <scenario>-<kind>.png)")
    plot.set_defaults(func=cmd_plot)

    brief = sub.add_parser("brief", help="write a two-page briefing (HTML and PDF)",
                           description="Write a self-contained HTML brief and its PDF.")
    brief.add_argument("file", help="scenario YAML file")
    brief.add_argument("-o", "--output", metavar="DIR", default="brief",
                       help="output directory (default: ./brief)")
    brief.set_defaults(func=cmd_brief)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001
        from .errors import NegotiationError, ScenarioError
        if isinstance(exc, ScenarioError):
            print(str(exc), file=sys.stderr)
            return EXIT_INPUT
        if isinstance(exc, NegotiationError):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INTERNAL
        if os.environ.get("NEGOTIATION_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} "
              "(set NEGOTIATION_DEBUG=1 for a traceback; please report it)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
