"""One-at-a-time sweeps: the tornado chart (each parameter's low and high end against
the scenario as it is, most influential first; flips of the deal marked) and its rows."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..plot import palette as pal
from ..plot.layout import decorate, header_height, legend_in, panels
from ..plot.theme import house_style, prepare
from .store import Sweep

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
from .figure_data import SweepData, as_sweep, issue_of, measure_label


def tornado_rows(
    sweep: Sweep | str | os.PathLike, n: int = 10, measure: str | None = None
) -> list[dict[str, Any]]:
    """The ``n`` most influential parameters of a one-at-a-time sweep, most influential
    first: ``label``, ``low``/``high`` (the range), ``baseline`` and ``at_low``/``at_high``
    of ``measure`` (default: the first numeric one) and ``flips`` (ends at which
    ``deal_possible`` differs from the scenario as it is)."""
    sw = as_sweep(sweep)
    summary = sw.summary()
    rows = summary.get("tornado") or []
    data = SweepData(sw)
    measure = measure or (data.numeric[0] if data.numeric else None)
    out = []
    for e in rows[:n]:
        m = e["measures"].get(measure, {}) if measure else {}
        out.append(
            {
                "parameter": e["parameter"],
                "label": e["label"],
                "low": e["low"],
                "high": e["high"],
                "value": e.get("baseline"),
                "measure": measure,
                "baseline": m.get("baseline"),
                "at_low": m.get("at_low"),
                "at_high": m.get("at_high"),
                "swing": m.get("swing"),
                "flips": e.get("flips", 0),
            }
        )
    return out


def plot_tornado(
    sweep: Sweep | str | os.PathLike,
    *,
    measures: list[str] | None = None,
    n: int = 15,
    frame: bool = True,
    fig: Figure | None = None,
) -> Figure:
    """One-at-a-time: a tornado chart per numeric measure (at most two, side by side).

    ``frame=False`` leaves out title and source line (for the brief, whose caption
    carries them)."""
    sw = as_sweep(sweep)
    data = SweepData(sw)
    summary = sw.summary()
    ms = list(measures or data.numeric)[:2]
    if not ms:
        raise ValueError("a tornado chart needs a numeric measure")
    with house_style():
        return _tornado(data, summary.get("tornado") or [], ms, n, frame, fig)


def _tornado(
    data: SweepData,
    rows: list[dict[str, Any]],
    ms: list[str],
    n: int,
    frame: bool,
    fig: Figure | None,
) -> Figure:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = [
        e
        for e in rows
        if any((e["measures"].get(m, {}).get("swing") or 0) > 1e-12 for m in ms) or e.get("flips")
    ][:n]
    from ..plot.text import text_width, wrap

    size = 9.5 if frame else 8.0
    labels = [
        "\n".join(
            wrap(f"{e['label']} [{e['low']:g}, {e['high']:g}]", (2.9 if frame else 2.3) * 72, size)
        )
        for e in rows
    ] or ["(none)"]
    R = len(labels)
    longest = max(text_width(part, size) for lb in labels for part in lb.split("\n")) / 72
    lines_per_row = max(lb.count("\n") + 1 for lb in labels)
    row_h = (0.3 if frame else 0.26) + (0.13 if frame else 0.11) * (lines_per_row - 1)
    low_c, high_c = pal.OKABE_ITO["sky blue"], pal.OKABE_ITO["vermillion"]
    title = data.exp.get("title") or "Which assumptions the conclusion depends on"
    explain = (
        "Each assumption alone at the low (blue) and high (red) end of its range, "
        "the others as in the scenario; bars run from the scenario's value. "
        "★: moving it alone flips whether a deal is possible."
    )
    footer = data.footer("tornado")
    if frame:
        width = min(max(4.0 * len(ms) + longest + 0.9, 9.0), 15.0)
        sub = data.subtitle(explain)
        head = header_height(title, sub, footer, width)
        fig = prepare(fig, width, head + row_h * R + 1.8)
        body = decorate(fig, title, sub, footer)
    else:
        width = 7.2
        fig = prepare(fig, width, row_h * R + 1.9)
        body = float(fig.get_size_inches()[1])
    grid, lax = panels(fig, 1, len(ms), body, 1, sharey=True)
    for col, m in enumerate(ms):
        ax = grid[0, col]
        base = None
        for j, e in enumerate(rows):
            mm = e["measures"].get(m, {})
            b, lo, hi = mm.get("baseline"), mm.get("at_low"), mm.get("at_high")
            if b is None:
                continue
            base = b
            yy = R - 1 - j
            ends = [(v, c) for v, c in ((lo, low_c), (hi, high_c)) if v is not None]
            for v, c in sorted(ends, key=lambda vc: -abs(vc[0] - b)):  # the longer first
                ax.barh(yy, v - b, left=b, height=0.62, color=c, lw=0, zorder=2)
            if e.get("flips") and col == 0:
                ax.plot([b], [yy], marker="*", ms=11, color=pal.WARNING, zorder=4, ls="none")
        if base is not None:
            ax.axvline(base, color=pal.INK, lw=1.2, zorder=3)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(5))
        panel = 3.8 if frame else (width - longest - 0.6) / len(ms) - 0.2
        ax.set_title(
            "\n".join(wrap(measure_label(m), panel * 72, 11 if frame else 9)),
            fontsize=11 if frame else 9,
        )
        xlabel = data.axis_label(m) if frame else (issue_of(m) or measure_label(m))
        ax.set_xlabel("\n".join(wrap(xlabel, panel * 72, size)), fontsize=size)
        ax.tick_params(axis="x", labelsize=size)
        ax.grid(False, axis="y")
        ax.set_yticks(range(R), labels[::-1], fontsize=size)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, R - 0.4)
    handles = [
        Patch(fc=low_c, ec="none", label="at the low end"),
        Patch(fc=high_c, ec="none", label="at the high end"),
        Line2D([], [], color=pal.INK, lw=1.2, label="scenario as it is"),
    ]
    if any(e.get("flips") for e in rows):
        handles.append(
            Line2D([], [], marker="*", ms=11, color=pal.WARNING, ls="none", label="flips the deal")
        )
    legend_in(lax, handles, len(handles), fontsize=9.5 if frame else 8.0)
    return fig
