"""Briefing figures in the house style.

Every figure is built from an analysed :class:`~negotiation.report.Report`
and returned as a :class:`matplotlib.figure.Figure` (Agg canvas, no pyplot,
no display needed; pass ``fig=`` to draw into a figure of your own);
:func:`negotiation.plot.save.save` writes it as PNG, SVG or PDF by the file's
suffix::

    import negotiation as ng
    from negotiation.plot import figure
    from negotiation.plot.save import save

    report = ng.analyse(ng.load_scenario("examples/berlin-shape.yaml"))
    save(figure(report, "ranges"), "berlin-ranges.png")

Kinds (``negotiation plot FILE --kind KIND``):

``utility-space``
    :func:`negotiation.plot.utility_space.plot_utility_space`
``ranges``
    :func:`negotiation.plot.ranges.plot_ranges`
``solutions``
    :func:`negotiation.plot.solutions.plot_solutions`

and, over several scenarios, :func:`negotiation.plot.compare.plot_compare`.

The modules by concern: :mod:`~negotiation.plot.palette` (colours and party
styles), :mod:`~negotiation.plot.theme` (the house style as a context),
:mod:`~negotiation.plot.layout` (header, footer, panels, legend),
:mod:`~negotiation.plot.captions` (titles, labels, source lines),
:mod:`~negotiation.plot.text` (measuring and wrapping text),
:mod:`~negotiation.plot.marks` and :mod:`~negotiation.plot.labels` (what to
mark and non-overlapping labels), :mod:`~negotiation.plot.save` (bytes and
files). matplotlib is imported only when a figure is made, and importing any
of them changes no global state (the style is applied inside each plot
function).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..report import Report

#: Figure kinds of ``negotiation plot --kind``: kind -> (module, function).
KINDS: dict[str, tuple[str, str]] = {
    "utility-space": ("negotiation.plot.utility_space", "plot_utility_space"),
    "ranges": ("negotiation.plot.ranges", "plot_ranges"),
    "solutions": ("negotiation.plot.solutions", "plot_solutions"),
}


def figure(report: Report, kind: str, **kwargs: Any) -> Figure:
    """Build the figure ``kind`` (a key of :data:`KINDS`) for ``report``."""
    if kind not in KINDS:
        raise ValueError(f"unknown figure kind {kind!r}; choose one of {', '.join(KINDS)}")
    module, func = KINDS[kind]
    return getattr(importlib.import_module(module), func)(report, **kwargs)


__all__ = ["KINDS", "figure"]
