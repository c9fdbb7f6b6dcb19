"""``negotiation plot FILE --kind KIND [-o PATH]``: one figure, written atomically."""

from __future__ import annotations

import argparse
import os


def default_output(file: str, kind: str) -> str:
    """``<scenario stem>-<kind>.png`` in the current directory."""
    stem = os.path.splitext(os.path.basename(file))[0]
    return f"{stem}-{kind}.png"


def run_plot(args: argparse.Namespace) -> int:
    """Load, analyse and draw ``args.file`` as figure ``args.kind``; return 0.

    Bad scenario files raise :class:`~negotiation.errors.ScenarioError`; a bad
    output path (unknown suffix, missing directory) raises the CLI's input
    error. Nothing is written unless the whole figure was drawn.
    """
    from . import KINDS, figure
    from .style import output_format, save
    from ..analysis import analyse
    from ..cli import InputError
    from ..scenario import load_scenario

    kind = args.kind
    if kind not in KINDS:
        raise InputError(f"unknown figure kind '{kind}'; choose one of {', '.join(KINDS)}")
    output = args.output or default_output(args.file, kind)
    output_format(output)  # fail before the (slow) analysis
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        raise InputError(f"{output}: output directory {directory} does not exist")
    report = analyse(load_scenario(args.file))
    fig = figure(report, kind)
    save(fig, output)
    print(f"wrote {output}")
    return 0
