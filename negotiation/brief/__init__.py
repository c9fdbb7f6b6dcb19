"""``negotiation brief FILE -o DIR``: a briefing as self-contained HTML and as A4 PDF.

Writes ``DIR/<stem>.html`` (one file: figures inline as base64 PNG, a print
stylesheet for A4) and ``DIR/<stem>.pdf`` (the same content, composed with
matplotlib: no browser or system tool needed). Content, all generated from
the analysis (:mod:`negotiation.brief.content`): the bottom line in three
sentences, the key figures with the command that reproduces each, the
solutions and proposals, caveats, method notes, and annexes with every
parameter and its evidence and the sources.

Python use::

    import negotiation as ng
    from negotiation.brief import make_brief
    report = ng.analyse(ng.load_scenario("examples/berlin-shape.yaml"))
    html_text, pdf_bytes, pages = make_brief(report)
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

#: Resolution of the figures inside the brief; scaled to the A4 text width they print
#: at about 240 dpi.
FIGURE_DPI = 170


def _figure_png(report: "Report"):
    from ..plot import figure
    from ..plot.style import figure_bytes

    def render(kind: str):
        fig = figure(report, kind, narrow=True)
        w, h = fig.get_size_inches()
        return figure_bytes(fig, "png", dpi=FIGURE_DPI), float(w), float(h)

    return render


def brief_command(file: str | None, output: str | None = None) -> str:
    import shlex

    cmd = f"negotiation brief {shlex.quote(file or 'SCENARIO.yaml')}"
    return cmd + (f" -o {shlex.quote(output)}" if output else "")


def make_brief(report: "Report", output: str | None = None) -> tuple[str, bytes, int]:
    """``(html, pdf bytes, number of PDF pages)`` of the brief of ``report``."""
    from .. import __version__
    from .content import build
    from .html import render_html
    from .pdf import render_pdf

    brief = build(report, _figure_png(report))
    html_text = render_html(brief, brief_command(report.scenario.file, output), __version__)
    pdf, pages = render_pdf(brief)
    return html_text, pdf, pages


def run_brief(args: argparse.Namespace) -> int:
    """Write ``<stem>.html`` and ``<stem>.pdf`` of ``args.file`` into ``args.output``."""
    from ..analysis import analyse
    from ..cli import InputError, write_atomic
    from ..scenario import load_scenario

    out_dir = args.output or "brief"
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise InputError(f"{out_dir}: exists and is not a directory")
    report = analyse(load_scenario(args.file))
    html_text, pdf, _ = make_brief(report, args.output)
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.file))[0]
    html_path = os.path.join(out_dir, f"{stem}.html")
    pdf_path = os.path.join(out_dir, f"{stem}.pdf")
    write_atomic(html_path, html_text)
    write_atomic(pdf_path, pdf)
    print(f"wrote {html_path}")
    print(f"wrote {pdf_path}")
    return 0


__all__ = ["run_brief", "make_brief", "brief_command"]
