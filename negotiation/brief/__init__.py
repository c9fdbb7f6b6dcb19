"""``negotiation brief``: a two-page briefing, with its annex, as HTML and A4 PDF.

:func:`write_brief` writes four files, all or nothing: ``<name>.html`` and
``<name>.pdf`` (the brief: bottom line, the solutions figure, the table of
solutions and proposals, the assumptions that matter most, caveats and
method), and ``<name>-annex.html`` and ``<name>-annex.pdf`` (every parameter
with its evidence, and the sources), linked from the brief. The HTML files
are self-contained (the figure inline as PNG, a print stylesheet for A4);
the PDFs are composed with matplotlib alone. The figure is rendered once and
its bytes go into both.

Python use::

    import negotiation as ng
    from negotiation.brief import make_brief
    report = ng.analyse(ng.load_scenario("examples/berlin-shape.yaml"))
    brief = make_brief(report)
    brief.html, brief.pdf, brief.pages        # and brief.annex_html, ...
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

__all__ = ["Brief", "brief_command", "brief_name", "make_brief", "write_brief"]


@dataclass(frozen=True)
class Brief:
    """The four outputs of a brief, in memory."""

    name: str
    html: str
    pdf: bytes
    pages: int
    annex_html: str
    annex_pdf: bytes
    annex_pages: int

    def files(self, directory: str) -> dict[str, str | bytes]:
        """``path: contents`` of the four files in ``directory``."""
        base = os.path.join(directory, self.name)
        return {
            f"{base}.html": self.html,
            f"{base}.pdf": self.pdf,
            f"{base}-annex.html": self.annex_html,
            f"{base}-annex.pdf": self.annex_pdf,
        }


def brief_name(report: Report) -> str:
    """The scenario file's stem, or (built in code) the title as a file name."""
    s = report.scenario
    if s.file:
        return os.path.splitext(os.path.basename(s.file))[0]
    return re.sub(r"[^A-Za-z0-9]+", "-", s.title).strip("-").lower() or "brief"


def brief_command(file: str | None, output: str | None = None, sweeps: Sequence[str] = ()) -> str:
    import shlex

    cmd = f"negotiation brief {shlex.quote(file or 'SCENARIO.yaml')}"
    cmd += "".join(f" --sweep {shlex.quote(d)}" for d in sweeps)
    return cmd + (f" -o {shlex.quote(output)}" if output else "")


def make_brief(
    report: Report,
    *,
    name: str | None = None,
    output: str | None = None,
    assumptions: Sequence[Any] | None = None,
    sweeps: Sequence[str] = (),
) -> Brief:
    """The brief and annex of ``report``, rendered to HTML and PDF.

    ``assumptions``: the screened assumptions to show (default:
    :func:`negotiation.sensitivity.top_assumptions` of the scenario, three);
    ``output`` only goes into the reproduce command; ``sweeps``: directories of
    sweeps of the scenario (:mod:`negotiation.brief.sweeps`: a Monte Carlo one
    adds the probability of a deal to the bottom line, a one-at-a-time one gives
    the tornado; raises :class:`~negotiation.brief.sweeps.SweepMismatch`).
    """
    from .. import __version__
    from .annex import build_annex
    from .caveats import top_assumptions
    from .document import build_brief, render_figure
    from .html import render_html
    from .pdf import render_pdf
    from .sweeps import sweep_findings

    findings = sweep_findings(report.scenario, sweeps)
    name = name or brief_name(report)
    if assumptions is None and not (findings is not None and findings.tornado):
        assumptions = top_assumptions(report)
    command = brief_command(report.scenario.file, output, sweeps)
    figure = render_figure(report)
    # Two pages: when the content runs over, the tornado chart is left out (its rows
    # stay, in words), then figure 1 is drawn smaller; the first layout that fits wins
    # (the last one tried, when none does).
    for fig1, found, moved in layouts(findings, figure):
        brief = build_brief(report, fig1, assumptions or (), f"{name}-annex", found, moved)
        pdf, pages = render_pdf(brief, link_suffix=".pdf")
        if pages <= PAGES:
            break
    annex = build_annex(report, name)
    if moved:
        from .blocks import Heading
        from .document import method_paragraph

        annex.blocks += [Heading("Method"), method_paragraph(report)]
    annex_pdf, annex_pages = render_pdf(annex, link_suffix=".pdf")
    return Brief(
        name,
        render_html(brief, command, __version__),
        pdf,
        pages,
        render_html(annex, command, __version__),
        annex_pdf,
        annex_pages,
    )


#: The brief's pages (A4).
PAGES = 2
#: Heights (inches on the page) figure 1 may be shrunk to, in turn, to keep two pages.
FIGURE_HEIGHTS = (4.4, 3.9)


def layouts(findings: Any, figure: Any) -> list[tuple[Any, Any, bool]]:
    """The layouts :func:`make_brief` tries in turn, until one fits two pages:
    ``(figure 1, sweep findings, method notes moved to the annex)``. First the
    tornado chart is left out (its rows stay, in words), then figure 1 is drawn a
    little smaller, then the method notes go to the annex (the brief keeps a line
    pointing there), with figure 1 at each height again."""
    from dataclasses import replace

    out = [(figure, findings, False)]
    if findings is not None and findings.figure is not None:
        findings = replace(findings, figure=None)
        out.append((figure, findings, False))
    heights = [h for h in FIGURE_HEIGHTS if figure.max_height is None or h < figure.max_height]
    out.append((replace(figure, max_height=heights[0]), findings, False))
    out.append((figure, findings, True))
    out += [(replace(figure, max_height=h), findings, True) for h in heights]
    return out


def write_brief(
    report: Report,
    directory: str,
    *,
    name: str | None = None,
    assumptions: Sequence[Any] | None = None,
    sweeps: Sequence[str] = (),
) -> list[str]:
    """Write the brief's four files into ``directory`` (created if needed), all or nothing.

    Returns the paths written; raises :class:`negotiation.outputs.OutputError`
    when they cannot be written (and then leaves none of them behind).
    """
    from ..outputs import check_output_dir, write_files

    check_output_dir(directory)
    brief = make_brief(report, name=name, output=directory, assumptions=assumptions, sweeps=sweeps)
    return write_files(brief.files(directory), make_dirs=True)
