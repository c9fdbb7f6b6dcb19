"""``negotiation sweep``: run experiments from the command line.

::

    negotiation sweep EXPERIMENT [EXPERIMENT ...] [--out DIR] [--executor local|processes|dask]
                      [--workers N] [--address HOST:PORT] [--resume] [--format table|json]
                      [--report PAGE.md] [--progress | --no-progress]

With one experiment, ``--out`` is the sweep's directory (default
``sweeps/<experiment name>``); with several, each gets ``DIR/<experiment name>``
(default ``DIR``: ``sweeps``). The directory receives the store
(``sweep.sqlite``), ``results.parquet``, ``results.csv``, ``summary.json`` and
the figures; the summary is printed (``--format json``: the JSON only).
``--report`` also writes a Markdown results page with its figures next to it.

Wired into ``negotiation`` by ``add_parser(subparsers)``; until then, run it as
``python -m negotiation.experiments.cli EXPERIMENT ...``.

Exit codes: 0 done; 2 bad input (an experiment or scenario error, an output
directory that already holds something without ``--resume``, an executor that
cannot start); 1 internal error or a lost worker (finished work is kept: rerun
with ``--resume``); 130 interrupted (likewise).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
HELP = "run parameter sweeps and Monte Carlo experiments"
DESCRIPTION = (
    "Run experiment files (experiments/*.yaml): every point is committed to a "
    "store in the output directory as it finishes, so an interrupted sweep "
    "continues with --resume. Writes results.parquet, results.csv, summary.json "
    "and figures."
)


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "experiments",
        nargs="+",
        metavar="EXPERIMENT",
        help="experiment YAML file (docs/experiment-format.md)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="output directory (default: sweeps/<experiment name>; with several "
        "experiments, one subdirectory each)",
    )
    p.add_argument(
        "--executor",
        choices=["local", "processes", "dask"],
        default="local",
        help="in-process (default), local processes, or Dask distributed",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes (processes, and a Dask LocalCluster; default: the number of cores)",
    )
    p.add_argument(
        "--address", metavar="HOST:PORT", help="a running Dask scheduler (with --executor dask)"
    )
    p.add_argument(
        "--resume", action="store_true", help="finish the sweep already in the output directory"
    )
    p.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="print the summary as a table (default) or JSON",
    )
    p.add_argument(
        "--report", metavar="PAGE.md", help="also write a Markdown results page (figures beside it)"
    )
    bar = p.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="draw the progress bar even when stderr is not a terminal",
    )
    bar.add_argument(
        "--no-progress", dest="progress", action="store_false", help="never draw the progress bar"
    )


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sweep`` command to ``negotiation``'s subparsers."""
    p = subparsers.add_parser("sweep", help=HELP, description=DESCRIPTION)
    _arguments(p)
    p.set_defaults(func=run)
    return p


def _targets(args: argparse.Namespace, experiments: list[Any]) -> list[str]:
    if len(experiments) == 1:
        return [args.out or os.path.join("sweeps", experiments[0].stem)]
    parent = args.out or "sweeps"
    stems = [e.stem for e in experiments]
    if len(set(stems)) != len(stems):
        raise _Usage("several experiment files have the same name; run them one at a time")
    return [os.path.join(parent, s) for s in stems]


class _Usage(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    """Run ``negotiation sweep`` with parsed arguments; returns the exit code."""
    import json

    from ..errors import NegotiationError, ScenarioError, one_line

    err = sys.stderr
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=err)
        return EXIT_INPUT
    if args.address and args.executor != "dask":
        print("error: --address needs --executor dask", file=err)
        return EXIT_INPUT
    done_dirs: list[str] = []
    current = None
    try:
        from ..outputs import OutputError, check_output_path
        from .executors import ExecutorError, WorkerLost
        from .runner import run_sweep
        from .spec import load_experiment
        from .store import StoreError

        if args.report:
            check_output_path(args.report)
        experiments = [load_experiment(f) for f in args.experiments]
        targets = _targets(args, experiments)
        summaries = []
        sweeps = []
        for exp, out in zip(experiments, targets):
            current = out
            if args.format == "table" and len(experiments) > 1:
                print(f"{exp.file} -> {out}", file=err)
            outcome = run_sweep(
                exp,
                out,
                executor=args.executor,
                workers=args.workers,
                address=args.address,
                resume=args.resume,
                progress=args.progress,
                stream=err,
            )
            with outcome.sweep as s:
                summary = s.summary()
            summaries.append(summary)
            sweeps.append(out)
            done_dirs.append(out)
            if args.format == "table":
                from .summary import summary_text

                rate = outcome.computed / outcome.seconds if outcome.seconds > 0 else 0.0
                if outcome.computed:
                    print(
                        f"computed {outcome.computed:,} points in {outcome.seconds:.1f} s "
                        f"({rate:,.0f} points/s)"
                        + (f"; {outcome.resumed:,} were already done" if outcome.resumed else ""),
                        file=err,
                    )
                sys.stdout.write(summary_text(summary))
                for f in outcome.files:
                    print(f"wrote {f}", file=err)
        if args.report:
            from .report import write_report

            for f in write_report(sweeps, args.report, experiments=experiments):
                print(f"wrote {f}", file=err)
        if args.format == "json":
            body: Any = summaries[0] if len(summaries) == 1 else summaries
            sys.stdout.write(json.dumps(body, indent=2, allow_nan=False, default=str) + "\n")
        return EXIT_OK
    except KeyboardInterrupt:
        where = f" in {current}" if current else ""
        print(
            f"interrupted: finished chunks are saved{where}; run the same command with "
            "--resume to finish",
            file=err,
        )
        return EXIT_INTERRUPTED
    except _Usage as exc:
        print(one_line(f"error: {exc}"), file=err)
        return EXIT_INPUT
    except ScenarioError as exc:
        print(str(exc), file=err)
        return EXIT_INPUT
    except WorkerLost as exc:
        print(
            one_line(
                f"error: {exc}; finished chunks are saved in {current}: run the same "
                "command with --resume to finish"
            ),
            file=err,
        )
        return EXIT_INTERNAL
    except (StoreError, ExecutorError, OutputError) as exc:
        print(one_line(f"error: {exc}"), file=err)
        return EXIT_INPUT
    except NegotiationError as exc:
        print(one_line(f"error: {exc}"), file=err)
        return EXIT_INTERNAL
    except Exception as exc:
        if os.environ.get("NEGOTIATION_DEBUG"):
            raise
        print(
            one_line(
                f"internal error: {type(exc).__name__}: {exc} (set NEGOTIATION_DEBUG=1 "
                "for a traceback; please report it)"
            ),
            file=err,
        )
        return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    """``python -m negotiation.experiments.cli``: the ``sweep`` command on its own."""
    p = argparse.ArgumentParser(prog="negotiation sweep", description=DESCRIPTION)
    _arguments(p)
    return run(p.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
