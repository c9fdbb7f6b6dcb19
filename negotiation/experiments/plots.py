"""Figures of a sweep in the house style (:mod:`negotiation.plot`).

* :func:`plot_heatmap`: two varied parameters; the colour is a measure (its
  mean over the draws at each grid point), with the deal / no-deal boundary
  (or the zero line of a measure such as a proposal's surplus) drawn over it;
* :func:`plot_line`: one varied parameter; each issue's measures against it
  (a bargaining range as a band, solutions as lines), no-deal stretches shaded;
* :func:`plot_histogram`: Monte Carlo; the distribution of each numeric measure,
  the probability of a deal in the subtitle;
* :func:`plot_tornado`: one-at-a-time; for each parameter, the measure at the
  low and the high end of its range against its value in the scenario, most
  influential first, with the parameters that flip the deal marked;
* :func:`plot_compare`: several Monte Carlo sweeps (e.g. the same experiment
  on the Munich 2025, Berlin 2025 and Munich 2026 scenarios): the probability
  of a deal with its 95% interval, and the distribution of a measure.

:func:`figures` picks the ones that fit a sweep; :func:`save_figures` writes
them as PNG into its directory (``heatmap.png``, ``line.png``,
``histogram.png``, ``tornado.png``). For the brief: :func:`deal_probability`
and :func:`tornado_rows`. Every function takes an open
:class:`~negotiation.experiments.store.Sweep` or a sweep directory, and
``fig=`` to draw into an empty figure of the caller's.

One module per kind of figure (:mod:`.figure_heatmap`, :mod:`.figure_line`,
:mod:`.figure_histogram`, :mod:`.figure_tornado`, :mod:`.figure_compare`), on
what :mod:`.figure_data` reads from a sweep; this module picks and saves them.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .figure_compare import plot_compare
from .figure_data import SweepData, as_sweep, deal_share, measure_label
from .figure_heatmap import plot_heatmap
from .figure_histogram import plot_histogram
from .figure_line import plot_line
from .figure_tornado import plot_tornado, tornado_rows
from .store import Sweep

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

FIGURES = ("heatmap", "line", "histogram", "tornado")


def deal_probability(sweep: Sweep | str | os.PathLike) -> dict[str, Any] | None:
    """``{"probability", "count", "of", "standard_error"}`` of ``deal_possible`` over the
    sweep's points (``None`` when it is not measured)."""
    return deal_share(SweepData(as_sweep(sweep)))


def figures(sweep: Sweep | str | os.PathLike) -> dict[str, Figure]:
    """Every figure that fits the sweep: ``heatmap`` (two or more varied parameters),
    ``line`` (varied parameters), ``histogram`` (draws without a grid), ``tornado``
    (one at a time)."""
    sw = as_sweep(sweep)
    data = SweepData(sw)
    out: dict[str, Any] = {}
    if sw.store.count() == 0:
        return out
    if len(data.vary) >= 2 and (data.numeric or data.bools):
        out["heatmap"] = plot_heatmap(sw)
    if len(data.vary) == 1 or (len(data.vary) > 2 and data.numeric):
        out["line"] = plot_line(sw)
    if data.exp.get("sample") and not data.vary and data.numeric:
        out["histogram"] = plot_histogram(sw)
    if data.exp.get("one_at_a_time") and data.numeric:
        out["tornado"] = plot_tornado(sw)
    return out


#: Figure kinds of a sweep (for ``negotiation plot DIR --kind KIND``): kind -> function.
KINDS: dict[str, Callable[..., Figure]] = {
    "heatmap": plot_heatmap,
    "line": plot_line,
    "histogram": plot_histogram,
    "tornado": plot_tornado,
}


def figure(sweep: Sweep | str | os.PathLike, kind: str | None = None, **kwargs: Any) -> Figure:
    """One figure of a sweep: ``kind`` from :data:`KINDS`, or the first that fits it."""
    if kind is None:
        figs = figures(sweep)
        if not figs:
            raise ValueError("no figure fits this sweep (no points yet?)")
        return next(iter(figs.values()))
    if kind not in KINDS:
        raise ValueError(f"unknown sweep figure {kind!r}; choose one of {', '.join(KINDS)}")
    return KINDS[kind](sweep, **kwargs)


def for_brief(sweep: Sweep | str | os.PathLike, n: int = 5) -> dict[str, Any]:
    """What ``negotiation brief FILE --sweep DIR`` uses from a sweep.

    ``deal``: :func:`deal_probability` (``None`` when ``deal_possible`` is not measured);
    ``tornado``: :func:`tornado_rows` (the ``n`` assumptions the conclusion depends on
    most; empty unless the sweep is one-at-a-time); ``figure``: the compact tornado
    (``frame=False``) or ``None``; ``title``, ``experiment`` (file), ``draws``,
    ``command`` (to regenerate the sweep).
    """
    sw = as_sweep(sweep)
    exp = sw.experiment
    tornado = tornado_rows(sw, n) if exp.get("one_at_a_time") else []
    data = SweepData(sw)
    fig = plot_tornado(sw, n=n, frame=False) if tornado and data.numeric else None
    file = exp.get("file")
    return {
        "title": exp.get("title"),
        "experiment": file,
        "deal": deal_probability(sw),
        "draws": (exp.get("sample") or {}).get("draws"),
        "tornado": tornado,
        "figure": fig,
        "command": (f"negotiation sweep {shlex.quote(file)} --out DIR" if file else None),
    }


def save_figures(
    sweep: Sweep | str | os.PathLike,
    directory: str | None = None,
    *,
    summary: dict[str, Any] | None = None,
    prefix: str = "",
) -> list[str]:
    """Write :func:`figures` as PNG into ``directory`` (default: the sweep's); returns the
    paths."""
    from ..plot.save import save

    sw = as_sweep(sweep)
    d = directory or sw.directory
    paths = []
    for name, fig in figures(sw).items():
        paths.append(save(fig, os.path.join(d, f"{prefix}{name}.png")))
    return paths


__all__ = [
    "FIGURES",
    "KINDS",
    "deal_probability",
    "figure",
    "figures",
    "for_brief",
    "measure_label",
    "plot_compare",
    "plot_heatmap",
    "plot_histogram",
    "plot_line",
    "plot_tornado",
    "save_figures",
    "tornado_rows",
]
