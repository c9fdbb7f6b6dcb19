"""Monte Carlo: the distribution of each numeric measure of a sweep, with the
probability of a deal in the subtitle."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..plot import palette as pal
from ..plot.layout import decorate, header_height, legend_in, panels
from ..plot.theme import house_style, prepare
from .store import Sweep

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
from .figure_data import SweepData, as_sweep, deal_share, fmt, measure_label, view_range


def plot_histogram(
    sweep: Sweep | str | os.PathLike,
    *,
    measures: list[str] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Monte Carlo: the distribution of each numeric measure (at most four panels)."""
    data = SweepData(as_sweep(sweep))
    ms = measures or (data.exp.get("plot") or {}).get("histogram")
    if isinstance(ms, str):
        ms = [ms]
    ms = list(ms or data.numeric)[:4]
    with house_style():
        return _histogram(data, ms, fig)


def _histogram(data: SweepData, ms: list[str], fig: Figure | None) -> Figure:
    from matplotlib.lines import Line2D

    deal = deal_share(data)
    draws = data.draws
    title = data.exp.get("title") or "What the draws give"
    explain = f"{draws:,} draws of the uncertain parameters."
    if deal:
        explain = (
            f"Probability of a deal: {deal['probability']:.1%} ({deal['count']:,} of "
            f"{deal['of']:,} draws; standard error {deal['standard_error']:.1%}). "
            "Distributions over the draws with a deal."
        )
    sub = data.subtitle(explain)
    footer = data.footer("histogram")
    n = max(len(ms), 1)
    ncols = 2 if n > 1 else 1
    nrows = -(-n // ncols)
    width = 10.0 if ncols == 2 else 8.0
    head = header_height(title, sub, footer, width)
    fig = prepare(fig, width, head + 3.0 * nrows + 0.6)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, nrows, ncols, body, 1)
    axes = grid.ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    from ..plot.text import wrap

    panel_w = width / ncols - 0.9
    for ax, m in zip(axes, ms):
        v = data.values(m)
        ax.set_title(measure_label(m), fontsize=11)
        if not v.size:
            ax.text(
                0.5,
                0.5,
                "no values (no deal in any draw)",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=pal.MUTED,
            )
            continue
        lo, hi, outside = view_range(v)
        _distribution(ax, v, lo, hi)
        q = np.quantile(v, [0.05, 0.5, 0.95])
        ax.axvline(q[1], color=pal.INK, lw=1.8)
        for qq in (q[0], q[2]):
            ax.axvline(qq, color=pal.INK, lw=1.0, ls="--")
        ax.set_xlabel("\n".join(wrap(data.axis_label(m), panel_w * 72, 9.5)), fontsize=9.5)
        ax.set_ylabel("draws", fontsize=9.5)
        note = f"median {fmt(float(q[1]))}\n90%: {fmt(float(q[0]))} to {fmt(float(q[2]))}"
        if outside:
            below = int((v < lo).sum())
            note += f"\n{outside:,} draws outside the view" + (
                f" ({below:,} at {fmt(float(v.min()))} or near)" if below else ""
            )
        right = q[1] < (lo + hi) / 2  # the note goes on the emptier side
        ax.text(
            0.98 if right else 0.02,
            0.96,
            note,
            transform=ax.transAxes,
            ha="right" if right else "left",
            va="top",
            fontsize=8.5,
            color=pal.MUTED,
            bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1.5},
            zorder=5,
        )
    handles = [
        Line2D([], [], color=pal.INK, lw=1.8, label="median"),
        Line2D([], [], color=pal.INK, lw=1.0, ls="--", label="5% and 95%"),
    ]
    legend_in(lax, handles, 2)
    return fig


def _distribution(ax: Any, v: np.ndarray, lo: float, hi: float) -> None:
    """Counts per value when the draws take few values (grid outcomes), else a histogram."""
    inside = v[(v >= lo) & (v <= hi)]
    uniq, counts = np.unique(inside, return_counts=True)
    if 1 < len(uniq) <= 60:
        step = min(float(np.median(np.diff(uniq))), (hi - lo) / 25 if hi > lo else 1.0)
        ax.bar(uniq, counts, width=step * 0.8, color=pal.ACCENT, lw=0, alpha=0.9)
    else:
        edge = hi if hi > lo else lo + 1e-9
        ax.hist(inside, bins=np.linspace(lo, edge, 41), color=pal.ACCENT, alpha=0.9, lw=0)
    pad = 0.02 * (hi - lo) if hi > lo else 0.5
    ax.set_xlim(lo - pad, hi + pad)
