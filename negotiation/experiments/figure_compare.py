"""Several Monte Carlo sweeps side by side (e.g. one experiment on the Munich 2025,
Berlin 2025 and Munich 2026 scenarios): the probability of a deal with its 95% interval,
and the distribution of a measure."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..plot import palette as pal
from ..plot.layout import decorate, header_height, panels
from ..plot.theme import house_style, prepare
from .store import Sweep

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
from .figure_data import SweepData, as_sweep, deal_share, fmt, issue_of, measure_label, view_range


def plot_compare(
    sweeps: list[Sweep | str | os.PathLike],
    *,
    measures: list[str] | None = None,
    labels: list[str] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Several Monte Carlo sweeps side by side: the probability of a deal (95% interval)
    and the distribution of up to two ``measures`` (default: the deal margin and the Nash
    solution's first issue, when measured)."""
    datas = [SweepData(as_sweep(s)) for s in sweeps]
    shared = [m for m in datas[0].numeric if all(m in d.numeric for d in datas)]
    if measures is None:
        picked: list[str | None] = [m for m in shared if m == "closest.min_surplus"]
        picked += [
            next((m for m in shared if m.startswith("solutions.nash.outcome.")), None)
            or next((m for m in shared if m not in picked), None)
        ]
        measures = [m for m in picked if m][:2]
    with house_style():
        return _compare(datas, measures, labels, fig)


def _compare(
    datas: list[SweepData], measures: list[str], labels: list[str] | None, fig: Figure | None
) -> Figure:
    from ..plot.text import wrap

    names = labels or [
        (
            d.scenario.date
            if d.scenario is not None and d.scenario.date
            else os.path.basename(d.sweep.directory)
        )
        for d in datas
    ]
    title = "How the prospects of a deal moved"
    explain = (
        "Each scenario's assumptions drawn over their ranges. Left: share of draws in "
        "which a deal exists (95% interval); then the distribution over the draws of "
        + " and of ".join(measure_label(m) for m in measures)
        + "."
    )
    sub = [explain]
    files = ", ".join(d.exp.get("file") or "?" for d in datas)
    footer = f"Source: negotiation sweep of {files}."
    ncols = 1 + len(measures)
    width = 4.2 * ncols + 0.6
    head = header_height(title, sub, footer, width)
    fig = prepare(fig, width, head + 4.4)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, 1, ncols, body, 0)
    ax = grid[0, 0]
    xs = np.arange(len(datas))
    for j, d in enumerate(datas):
        deal = deal_share(d)
        if deal is None:
            continue
        p, se = deal["probability"], deal["standard_error"]
        ax.bar(j, p, color=pal.ACCENT, width=0.6, zorder=2)
        ax.errorbar(j, p, yerr=1.96 * se, color=pal.INK, capsize=5, lw=1.4, zorder=3)
        ax.text(
            j, min(p + 1.96 * se + 0.03, 1.02), f"{p:.1%}", ha="center", va="bottom", fontsize=10
        )
    ax.set_xticks(xs, names)
    ax.set_ylim(0, 1.12)
    ax.set_title("probability of a deal", fontsize=11)
    ax.grid(False, axis="x")
    panel_w = width / ncols - 0.8
    for col, m in enumerate(measures, start=1):
        ax2 = grid[0, col]
        vals = [d.values(m) for d in datas]
        keep = [j for j, v in enumerate(vals) if v.size]
        if keep:
            allv = np.concatenate([vals[j] for j in keep])
            lo, hi, _ = view_range(allv)
            parts = ax2.violinplot(
                [vals[j][(vals[j] >= lo) & (vals[j] <= hi)] for j in keep],
                positions=list(keep),
                showmedians=True,
                widths=0.7,
            )
            for body_ in parts["bodies"]:
                body_.set_facecolor(pal.ACCENT)
                body_.set_alpha(0.55)
            for key in ("cmedians", "cmins", "cmaxes", "cbars"):
                if key in parts:
                    parts[key].set_color(pal.INK)
                    parts[key].set_linewidth(1.0)
            out = int(((allv < lo) | (allv > hi)).sum())
            if out:
                ax2.text(
                    0.02,
                    0.02,
                    f"{out:,} draws outside the view",
                    transform=ax2.transAxes,
                    fontsize=8.5,
                    color=pal.MUTED,
                    va="bottom",
                )
            for j in keep:
                med = float(np.median(vals[j]))
                ax2.annotate(
                    fmt(med),
                    (j, med),
                    xytext=(8, 0),
                    textcoords="offset points",
                    fontsize=8.5,
                    va="center",
                    color=pal.INK,
                )
            pad = 0.05 * (hi - lo) if hi > lo else 0.5
            ax2.set_ylim(lo - pad, hi + pad)
        ax2.set_xticks(xs, names)
        ax2.set_title("\n".join(wrap(measure_label(m), panel_w * 72, 11)), fontsize=11)
        issue = issue_of(m)
        if issue:
            ax2.set_ylabel(issue, fontsize=10)
        ax2.grid(False, axis="x")
    return fig
