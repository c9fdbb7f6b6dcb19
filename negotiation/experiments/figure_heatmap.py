"""Heatmap of a sweep over two varied parameters, with the deal / no-deal boundary
(or the zero line of a measure such as a proposal's surplus) drawn over the colour."""

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
from .figure_data import SweepData, as_sweep, cell_edges, collapse, measure_label


def plot_heatmap(
    sweep: Sweep | str | os.PathLike,
    *,
    color: str | None = None,
    boundary: str | list[str] | None = None,
    x: str | None = None,
    y: str | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Two varied parameters: ``color`` (a measure; default the experiment's ``plot.color``
    or its first numeric measure) as a heatmap, and each ``boundary`` measure (default the
    experiment's ``plot.boundary``, or ``deal_possible``) as a line: where a true/false
    measure changes (in half the draws), or where a number's mean crosses 0."""
    data = SweepData(as_sweep(sweep))
    if len(data.vary) < 2:
        raise ValueError("a heatmap needs two varied parameters")
    hints = data.exp.get("plot") or {}
    names = [v["name"] for v in data.vary]
    x = x or hints.get("x") or names[0]
    y = y or hints.get("y") or next(n for n in names if n != x)
    color = (
        color
        or hints.get("color")
        or (data.numeric[0] if data.numeric else (data.bools[0] if data.bools else None))
    )
    if color is None:
        raise ValueError("no numeric or true/false measure to colour the heatmap with")
    boundary = (
        boundary
        or hints.get("boundary")
        or (["deal_possible"] if "deal_possible" in data.measures else [])
    )
    if isinstance(boundary, str):
        boundary = [boundary]
    with house_style():
        return _heatmap(data, color, list(boundary), x, y, fig)


def _boundary_style(data: SweepData, measure: str, j: int) -> dict[str, Any]:
    """A party's colour for a measure about one party (``proposals.p.surplus.ukraine``),
    otherwise ink with a line style per boundary."""
    parts = measure.split(".")
    names = data.scenario.party_names if data.scenario is not None else []
    if parts[-1] in names:
        st = pal.party_styles(names)[parts[-1]]
        return {"color": st.color, "ls": ["-", "--", ":", "-."][j % 4]}
    return {"color": pal.INK, "ls": ["-", "--", ":", "-."][j % 4]}


def _boundary_label(data: SweepData, measure: str) -> str:
    parts = measure.split(".")
    if measure == "deal_possible":
        return "a deal is possible beyond this line"
    if parts[0] == "proposals" and len(parts) == 4 and parts[2] == "surplus":
        return f"{parts[3]} accepts {parts[1]} (surplus 0)"
    if parts[0] == "proposals" and parts[-1] == "in_agreement_set":
        return f"every veto party accepts {parts[1]}"
    if data.kind[measure] == "bool":
        return f"{measure_label(measure)}: changes"
    return f"{measure_label(measure)} = 0"


def _heatmap(
    data: SweepData, color: str, boundary: list[str], x: str, y: str, fig: Figure | None
) -> Figure:
    import matplotlib as mpl
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.lines import Line2D

    names = [v["name"] for v in data.vary]
    ix, iy = names.index(x), names.index(y)
    xs = np.asarray(data.vary[ix]["values"], dtype=float)
    ys = np.asarray(data.vary[iy]["values"], dtype=float)
    F = collapse(data, data.field(color), [iy, ix])  # (ny, nx)
    is_bool = data.kind[color] == "bool"
    title = data.exp.get("title") or measure_label(color)
    explain = (
        f"Colour: {measure_label(color)}"
        + (
            ", share of draws where it is true"
            if is_bool and data.draws > 1
            else f", mean over {data.draws:,} draws"
            if data.draws > 1
            else ""
        )
        + "."
    )
    fields = []
    for b in boundary:
        bf = collapse(data, data.field(b), [iy, ix])
        level = 0.5 if data.kind[b] == "bool" else 0.0
        fields.append((b, bf, level))
    drawn = [
        b
        for b, bf, level in fields
        if np.isfinite(bf).any() and np.nanmin(bf) < level < np.nanmax(bf)
    ]
    if drawn:
        explain += (
            " Lines: where the measures below change"
            + (" (in half the draws)" if data.draws > 1 else "")
            + "."
        )
    if len(data.vary) > 2:
        explain += " Averaged over the other varied parameters."
    sub = data.subtitle(explain)
    footer = data.footer("heatmap")
    width = 9.0
    head = header_height(title, sub, footer, width)
    fig = prepare(fig, width, head + 5.6)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, 1, 1, body, 1)
    ax = grid[0, 0]
    finite = F[np.isfinite(F)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if is_bool:
        cmap, norm = mpl.colormaps["cividis"], mpl.colors.Normalize(0.0, 1.0)
    elif lo < 0 < hi:
        cmap, norm = mpl.colormaps["PuOr"], TwoSlopeNorm(0.0, lo, hi)
    else:
        cmap, norm = (
            mpl.colormaps["cividis"],
            mpl.colors.Normalize(lo, hi if hi > lo else lo + 1e-9),
        )
    mesh = ax.pcolormesh(
        cell_edges(xs),
        cell_edges(ys),
        np.ma.masked_invalid(F),
        cmap=cmap,
        norm=norm,
        shading="flat",
    )
    cb = fig.colorbar(mesh, ax=ax, pad=0.02, fraction=0.05)
    cb.set_label(measure_label(color) + (" (share true)" if is_bool else ""), fontsize=10)
    cb.outline.set_visible(False)
    handles = []
    for j, (b, bf, level) in enumerate(fields):
        st = _boundary_style(data, b, j)
        if b in drawn and len(xs) > 1 and len(ys) > 1:
            ax.contour(
                xs,
                ys,
                bf,
                levels=[level],
                colors=[st["color"]],
                linewidths=2.4,
                linestyles=[st["ls"]],
            )
            handles.append(
                Line2D(
                    [], [], color=st["color"], ls=st["ls"], lw=2.4, label=_boundary_label(data, b)
                )
            )
        elif np.isfinite(bf).any():
            state = np.nanmean(bf) >= level
            handles.append(
                Line2D(
                    [],
                    [],
                    color="none",
                    label=(
                        f"{measure_label(b)}: {'true' if state else 'false'} everywhere"
                        if data.kind[b] == "bool"
                        else f"{measure_label(b)}: {'above' if state else 'below'} 0 everywhere"
                    ),
                )
            )
    from ..plot.text import wrap

    ax.set_xlabel("\n".join(wrap(data.param_label(x), 6.5 * 72, 11)))
    ax.set_ylabel("\n".join(wrap(data.param_label(y), 4.6 * 72, 11)))
    ax.grid(False)
    legend_in(lax, handles, min(max(len(handles), 1), 2))
    return fig
