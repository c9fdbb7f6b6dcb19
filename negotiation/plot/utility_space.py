"""Figure ``utility-space``: outcomes in utility coordinates.

Two parties: one panel, x = utility of the first party, y = of the second.
More parties: a grid of pairwise projections, veto parties first (every pair
of veto parties, then veto against non-veto, then the rest, at most
``max_panels``). Each panel shows

* every grid outcome as a light cloud (dots; for a large grid, a raster of
  the cells any outcome falls in, so the whole extent shows; rasterised in
  SVG and PDF so files stay small),
* the agreement set (outcomes every veto party accepts) highlighted,
* the Pareto frontier of the agreement set as a line (with more than two
  parties: the frontier of the projected agreement set, i.e. the best the
  pair can get jointly),
* each party's reservation value (dashed, party colour) and the
  disagreement point,
* every solution and proposal (and, with no deal, the closest outcome),
  labelled by :func:`negotiation.plot.labels.place_labels` without overlaps.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.lines import Line2D

from . import palette as pal
from .captions import source_line, subtitle, utility_label
from .labels import group_close, place_labels
from .layout import decorate, legend_in, legend_rows, panels
from .marks import DISAGREEMENT_MARKER, marks, package_handles
from .theme import freeze_layout, house_style, prepare

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..report import Report

MAX_POINTS = 20_000


def party_pairs(report: Report, max_panels: int = 6) -> tuple[list[tuple[int, int]], int]:
    """Pairs of party indices to draw (veto pairs first) and how many were left out."""
    veto = [i for i, p in enumerate(report.scenario.parties) if p.veto]
    other = [i for i, p in enumerate(report.scenario.parties) if not p.veto]
    pairs = list(itertools.combinations(veto, 2))
    pairs += [(v, o) for v in veto for o in other]
    pairs += list(itertools.combinations(other, 2))
    if not pairs:  # a single party
        pairs = [(0, 0)]
    return pairs[:max_panels], max(0, len(pairs) - max_panels)


def pairwise_frontier(points: np.ndarray) -> np.ndarray:
    """Upper-right boundary (2-D Pareto set) of ``points``, sorted by x."""
    if len(points) == 0:
        return np.empty((0, 2))
    order = np.lexsort((-points[:, 1], -points[:, 0]))  # x descending, then y descending
    p = points[order]
    running = np.maximum.accumulate(p[:, 1])
    before = np.concatenate([[-np.inf], running[:-1]])
    f = p[p[:, 1] > before + 1e-12]
    return f[np.argsort(f[:, 0], kind="stable")]


def _grid_shape(n: int, narrow: bool = False) -> tuple[int, int]:
    if narrow:
        return (1, 1) if n == 1 else (math.ceil(n / 2), 2)
    if n <= 3:
        return 1, n
    if n == 4:
        return 2, 2
    return math.ceil(n / 3), 3


def plot_utility_space(
    report: Report,
    *,
    max_panels: int = 6,
    max_points: int = MAX_POINTS,
    narrow: bool = False,
    fig: Figure | None = None,
    ax: Axes | None = None,
    pair: tuple[str, str] | None = None,
) -> Figure:
    """The utility-space figure of ``report`` (see the module docstring).

    ``narrow=True`` lays the panels out at most two abreast (for A4 print).
    With ``fig`` (an empty figure) it is drawn there, at that figure's size.
    With ``ax`` (any axes of the caller's) one panel is drawn into it: the
    parties of ``pair`` (default: the first pair the full figure shows), with
    the axes' own legend; the caller's figure is returned.
    """
    with house_style():
        if ax is not None:
            return _draw_into(report, ax, pair, max_points)
        return _draw(report, max_panels, max_points, narrow, fig)


def _draw_into(report: Report, ax: Axes, pair: tuple[str, str] | None, max_points: int) -> Figure:
    names = report.problem.names
    if pair is None:
        a, b = party_pairs(report, 1)[0][0]
    else:
        unknown = [n for n in pair if n not in names]
        if unknown:
            raise ValueError(
                f"unknown part{'y' if len(unknown) == 1 else 'ies'} "
                f"{', '.join(map(repr, unknown))}; parties: {', '.join(names)}"
            )
        a, b = names.index(pair[0]), names.index(pair[1])
    mk = marks(report)
    pts, dpt, front = _panel(ax, report, a, b, mk, max_points, titled=False)
    any_agreement = bool(report.problem.agreement.any())
    handles = _legend_handles(names, pal.party_styles(names), [(a, b)], mk, any_agreement)
    ax.legend(handles=handles, fontsize=7, loc="best", frameon=True, framealpha=0.9)
    fig: Any = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure: give it an Agg canvas
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()
    _label(ax, mk, pts, dpt, front)
    return fig


def _draw(
    report: Report, max_panels: int, max_points: int, narrow: bool, fig: Figure | None
) -> Figure:
    s, pb = report.scenario, report.problem
    names = pb.names
    styles = pal.party_styles(names)
    pairs, left_out = party_pairs(report, max_panels)
    nrows, ncols = _grid_shape(len(pairs), narrow)
    agree_idx = np.flatnonzero(pb.agreement)
    mk = marks(report)
    deal = report.range.deal_possible
    veto_names = [p.name for p in s.parties if p.veto]

    handles = _legend_handles(names, styles, pairs, mk, len(agree_idx) > 0)
    ncol = min(len(handles), 3 if (len(pairs) == 1 or narrow) else 4)
    title = (
        "Utility space: the agreement set and the Pareto frontier"
        if deal
        else "Utility space: no outcome satisfies every veto party"
    )
    sub = [subtitle(s)]
    if len(agree_idx):
        expl = (
            "Each dot is one outcome of the analysis grid; purple: acceptable to every "
            f"veto party ({', '.join(veto_names)})."
        )
    else:
        expl = (
            "Each dot is one outcome of the analysis grid; none is acceptable to every "
            f"veto party ({', '.join(veto_names)})."
        )
    if len(names) > 2:
        expl += " Panels project onto pairs of parties"
        expl += f" ({left_out} more pairs not shown)." if left_out else "."
    sub.append(expl)
    if len(pairs) == 1:
        fig = prepare(fig, 9.0 if narrow else 10.0, 8.0)
    else:
        fig = prepare(fig, 4.2 * ncols + 1.0, 4.0 * nrows + 3.0)
    body = decorate(fig, title, sub, source_line(s, "utility-space"))
    grid, lax = panels(fig, nrows, ncols, body, legend_rows(len(handles), ncol))
    axes = grid.ravel()
    for ax in axes[len(pairs) :]:
        ax.set_visible(False)
    legend_in(lax, handles, ncol)

    drawn = [
        (ax, *_panel(ax, report, a, b, mk, max_points, titled=len(pairs) > 1))
        for ax, (a, b) in zip(axes, pairs)
    ]
    # labels go last, on the final layout
    fig.canvas.draw()
    for ax, pts, dpt, front in drawn:
        _label(ax, mk, pts, dpt, front)
    freeze_layout(fig)
    return fig


def _panel(ax: Axes, report: Report, a: int, b: int, mk, max_points: int, titled: bool):
    """One panel: parties ``a`` (x) and ``b`` (y; ``a == b``: one party on a line)."""
    pb = report.problem
    names = pb.names
    styles = pal.party_styles(names)
    U, d = pb.U, pb.d
    agree_idx = np.flatnonzero(pb.agreement)
    other_idx = np.flatnonzero(~pb.agreement)
    single = a == b
    dpt = (float(d[a]), 0.0 if single else float(d[b]))
    pts = [(m.utilities[names[a]], 0.0 if single else m.utilities[names[b]]) for m in mk]
    xs = np.concatenate([U[:, a], [dpt[0]], [p[0] for p in pts]])
    ys = np.concatenate([np.zeros(1) if single else U[:, b], [dpt[1]], [p[1] for p in pts]])
    lims = []
    for vals in (xs, ys):
        lo, hi = float(np.min(vals)), float(np.max(vals))
        span = max(hi - lo, 0.05)
        lims.append((lo - 0.06 * span, hi + 0.06 * span))
    if single:
        lims[1] = (-0.5, 0.5)
    ax.set_xlim(*lims[0])
    ax.set_ylim(*lims[1])

    def Y(idx: np.ndarray) -> np.ndarray:
        return np.zeros(len(idx)) if single else U[idx, b]

    _cloud(ax, U[other_idx, a], Y(other_idx), pal.CLOUD, lims, max_points, 1, 4)
    _cloud(ax, U[agree_idx, a], Y(agree_idx), pal.AGREEMENT, lims, max_points, 2, 5)
    front = np.empty((0, 2))
    if not single and len(agree_idx):
        if len(names) == 2 and report.pareto.size:
            front = pairwise_frontier(report.pareto.utilities[:, [a, b]])
        else:
            front = pairwise_frontier(U[agree_idx][:, [a, b]])
        ax.plot(
            front[:, 0],
            front[:, 1],
            color=pal.FRONTIER,
            lw=2.0,
            zorder=3,
            solid_capstyle="round",
            gid="frontier",
        )
    ax.axvline(d[a], color=styles[names[a]].color, ls="--", lw=1.3, zorder=2.5)
    if not single:
        ax.axhline(d[b], color=styles[names[b]].color, ls="--", lw=1.3, zorder=2.5)
    ax.plot(
        *dpt,
        marker=DISAGREEMENT_MARKER[0],
        ms=DISAGREEMENT_MARKER[1],
        color=pal.INK,
        mec="white",
        mew=0.8,
        ls="none",
        zorder=5,
        gid="disagreement",
    )
    for m, (x, y) in zip(mk, pts):
        ax.plot(
            x, y, **m.style(), zorder=5.5 if m.kind == "solution" else 5, gid=f"{m.kind}:{m.key}"
        )
    ax.set_xlabel(utility_label(names[a]))
    if single:
        ax.set_yticks([])
    else:
        ax.set_ylabel(utility_label(names[b]))
        if titled:
            ax.set_title(f"{names[a]} and {names[b]}", fontsize=11.5)
    return pts, dpt, front


def _label(ax: Axes, mk, pts, dpt, front) -> None:
    keep = [i for i, m in enumerate(mk) if m.labelled]  # the other models: legend entries
    anchors = [pts[i] for i in keep] + [dpt]
    texts = [mk[i].label for i in keep] + ["disagreement"]
    groups = group_close(np.array(anchors), ax)
    g_anchors = [anchors[g[0]] for g in groups]
    g_texts = [" = ".join(dict.fromkeys(texts[i] for i in g)) for g in groups]
    avoid = front[:: max(1, len(front) // 300)] if len(front) else None
    ax._negotiation_labels = place_labels(  # type: ignore[attr-defined]
        ax, g_anchors, g_texts, avoid=avoid
    )


def _cloud(
    ax, x: np.ndarray, y: np.ndarray, color: str, lims, max_points: int, seed: int, size: float
) -> None:
    """Outcomes as dots, or, when there are many, as a raster of occupied cells.

    The raster shows the full extent of the set (a random sample of a large
    grid would miss its edges); either way it is rasterised in vector output.
    """
    if len(x) == 0:
        return
    if len(x) <= max_points:
        ax.scatter(x, y, s=size, color=color, linewidths=0, rasterized=True, zorder=1 + seed)
        return
    bins = 200
    (x0, x1), (y0, y1) = lims
    H, _, _ = np.histogram2d(x, y, bins=bins, range=[[x0, x1], [y0, y1]])
    occupied = H.T > 0
    # close the gaps a regular grid leaves between cells (one-cell dilation)
    grown = occupied.copy()
    grown[1:, :] |= occupied[:-1, :]
    grown[:-1, :] |= occupied[1:, :]
    grown[:, 1:] |= occupied[:, :-1]
    grown[:, :-1] |= occupied[:, 1:]
    from matplotlib.colors import to_rgba

    rgba = np.zeros((bins, bins, 4))
    rgba[grown] = to_rgba(color)
    ax.imshow(
        rgba,
        extent=(x0, x1, y0, y1),
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        zorder=1 + seed,
        rasterized=True,
    )


def _legend_handles(names, styles, pairs, mk, any_agreement: bool) -> list:
    handles = [Line2D([], [], ls="none", marker="s", ms=6, color=pal.CLOUD, label="grid outcome")]
    if any_agreement:
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="s",
                ms=6,
                color=pal.AGREEMENT,
                label="acceptable to every veto party",
            )
        )
    if any_agreement and any(a != b for a, b in pairs):
        handles.append(Line2D([], [], color=pal.FRONTIER, lw=2, label="Pareto frontier"))
    handles.append(
        Line2D([], [], ls="none", marker="X", ms=8, color=pal.INK, label="disagreement point")
    )
    for n in names:
        if any(n in (names[a], names[b]) for a, b in pairs):
            handles.append(
                Line2D(
                    [],
                    [],
                    color=styles[n].color,
                    ls="--",
                    lw=1.3,
                    label=f"reservation value of {n}",
                )
            )
    handles += package_handles(mk)
    return handles
