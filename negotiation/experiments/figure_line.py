"""Line plot of a sweep over one varied parameter: each issue's measures against it
(a bargaining range as a band, solutions as lines), no-deal stretches shaded."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..plot import palette as pal
from ..plot.layout import decorate, header_height, legend_in, legend_rows, panels
from ..plot.theme import house_style, prepare
from .store import Sweep

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
from .figure_data import SweepData, as_sweep, cell_edges, collapse, group_of, measure_label


def plot_line(
    sweep: Sweep | str | os.PathLike, *, x: str | None = None, fig: Figure | None = None
) -> Figure:
    """One varied parameter (``x``): each group of measures against it, one panel per issue
    (and one for utilities); no-deal stretches shaded."""
    data = SweepData(as_sweep(sweep))
    if not data.vary:
        raise ValueError("a line plot needs a varied parameter")
    x = x or (data.exp.get("plot") or {}).get("x") or data.vary[0]["name"]
    with house_style():
        return _line(data, x, fig)


def _line(data: SweepData, x: str, fig: Figure | None) -> Figure:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    names = [v["name"] for v in data.vary]
    ix = names.index(x)
    xs = np.asarray(data.vary[ix]["values"], dtype=float)
    groups: dict[str, list[str]] = {}
    for m in data.numeric:
        groups.setdefault(group_of(m), []).append(m)
    order = sorted(groups, key=lambda g: (not g.startswith("issue:"), g != "utility"))
    order = order[:3] or ["deal"]
    deal = None
    if "deal_possible" in data.measures:
        deal = collapse(data, data.field("deal_possible"), [ix])
    title = data.exp.get("title") or f"What {data.label[x]} changes"
    has_band = any(m.startswith("bargaining_range.") for m in data.numeric)
    explain = "Band: the bargaining range (values found in some agreement). " if has_band else ""
    if data.draws > 1:
        explain = f"Means over {data.draws:,} draws per value. " + explain
    if deal is not None and (deal < 0.5).any():
        explain += "Shaded: no deal" + (" in most draws." if data.draws > 1 else ".")
    elif deal is not None:
        explain += (
            "A deal is possible " + ("in most draws " if data.draws > 1 else "") + "at every value."
        )
    sub = data.subtitle(explain)
    footer = data.footer("line")
    width = 9.5
    n = len(order)
    head = header_height(title, sub, footer, width)
    n_items = sum(len(groups.get(g, [])) for g in order) + 2
    leg_lines = legend_rows(n_items, 2)
    fig = prepare(fig, width, head + 3.0 * n + 0.4 + 0.26 * leg_lines)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, n, 1, body, leg_lines, sharex=True)
    handles: list[Any] = []
    seen: set[str] = set()
    colors = list(pal.PALETTE)
    k = 0
    for row, g in enumerate(order):
        ax = grid[row, 0]
        ms = groups.get(g, [])
        if deal is not None:
            _shade_no_deal(ax, xs, deal)
        lo = next((m for m in ms if m.endswith(".min") and m.startswith("bargaining_range")), None)
        hi = next((m for m in ms if m.endswith(".max") and m.startswith("bargaining_range")), None)
        if lo and hi:
            ylo = collapse(data, data.field(lo), [ix])
            yhi = collapse(data, data.field(hi), [ix])
            ax.fill_between(xs, ylo, yhi, color=pal.HIGHLIGHT, lw=0, zorder=1)
            ax.plot(xs, ylo, color=pal.HIGHLIGHT_EDGE, lw=1.0, zorder=2)
            ax.plot(xs, yhi, color=pal.HIGHLIGHT_EDGE, lw=1.0, zorder=2)
            if "band" not in seen:
                handles.append(
                    Patch(fc=pal.HIGHLIGHT, ec=pal.HIGHLIGHT_EDGE, label="bargaining range")
                )
                seen.add("band")
        for m in ms:
            if m in (lo, hi):
                continue
            yv = collapse(data, data.field(m), [ix])
            c = colors[k % len(colors)]
            k += 1
            ax.plot(xs, yv, color=c, marker="o", ms=4, lw=2.0, zorder=3)
            handles.append(
                Line2D([], [], color=c, marker="o", ms=4, lw=2.0, label=measure_label(m))
            )
        if g.startswith("issue:"):
            ax.set_title(data.issue_text(g[6:]), fontsize=10.5)
            ax.set_ylabel(g[6:], fontsize=10)
        elif g == "utility":
            ax.set_title("utilities (each party's scale: 0 worst, 1 best)", fontsize=10.5)
            ax.set_ylabel("utility", fontsize=10)
            ax.axhline(0.0, color=pal.FAINT, lw=0.8, zorder=1)
        elif g == "deal" and deal is not None:
            ax.step(xs, deal, where="mid", color=pal.INK, lw=2.0)
            ax.set_ylabel("deal possible" + (" (share)" if data.draws > 1 else ""))
            ax.set_ylim(-0.05, 1.05)
        else:
            ax.set_ylabel(measure_label(g), fontsize=10)
    if deal is not None and (deal < 0.5).any():
        handles.append(Patch(fc="#F3DCD0", ec="none", label="no deal"))
    grid[-1, 0].set_xlabel(data.param_label(x))
    legend_in(lax, handles, _legend_columns(handles, width))
    return fig


def _legend_columns(handles: list[Any], width: float) -> int:
    """As many legend columns as fit the figure's width."""
    from ..plot.text import text_width

    if not handles:
        return 1
    widest = max(text_width(h.get_label(), 9.5) for h in handles) / 72 + 0.7
    return max(1, min(len(handles), int((width - 0.4) // widest)))


def _shade_no_deal(ax: Any, xs: np.ndarray, deal: np.ndarray) -> None:
    if len(xs) == 0:
        return
    edges = cell_edges(xs)
    for j, v in enumerate(deal):
        if np.isfinite(v) and v < 0.5:
            ax.axvspan(edges[j], edges[j + 1], color="#F3DCD0", lw=0, zorder=0)
