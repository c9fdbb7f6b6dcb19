"""The trajectory figure: each actor's position by round of the expected-utility model.

One panel per issue (at most :data:`MAX_PANELS`): a line per actor through its
position before round 1 and after each round (the actor's colour and marker
from :mod:`negotiation.plot.palette`), the median of each round as a thick
dark line, and the forecast (the median when the run stops) as a star. The
other models' forecasts are marked at the right edge (compromise, weighted
median, exchange), so the figure shows how far the dynamic model travels from
the static ones. House style: :func:`negotiation.plot.theme.house_style`.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from ..plot import palette as pal
from ..plot.layout import decorate, header_height, legend_in, legend_rows, panels
from ..plot.theme import house_style, prepare
from . import MARKERS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .results import Forecasts

MAX_PANELS = 6
#: How the static forecasts are marked at the right edge: model -> (marker, label).
REFERENCE = {
    "compromise": (MARKERS["compromise"][0], "compromise (weighted mean)"),
    "median": (MARKERS["median"][0], "weighted median"),
    "exchange": (MARKERS["exchange"][0], "exchange model"),
}


def reproduce(file: str | None, output: str = "trajectory.png") -> str:
    return f"negotiation forecast {shlex.quote(file or 'ACTORS.csv')} --plot {shlex.quote(output)}"


def plot_trajectory(
    result: Forecasts, *, output: str = "trajectory.png", fig: Figure | None = None
) -> Figure:
    """The trajectory figure of ``result`` (which must hold the expected-utility model).

    ``output`` only sets the reproduce command in the source line; with ``fig``
    (an empty figure) it is drawn there.
    """
    if "expected_utility" not in result.models:
        raise ValueError("the trajectory figure needs the expected-utility model")
    with house_style():
        return _draw(result, output, fig)


def _draw(result: Forecasts, output: str, fig: Figure | None) -> Figure:
    from matplotlib.lines import Line2D

    table = result.table
    issues = table.issues[:MAX_PANELS]
    K = len(issues)
    ncols = 1 if K == 1 else 2
    nrows = -(-K // ncols)
    width = 9.0 if ncols == 1 else 12.0
    names = table.actor_names
    styles = pal.party_styles(names)
    title = "Where the expected-utility model ends up, round by round"
    more = f" (first {MAX_PANELS} of {len(table.issues)} issues)" if len(table.issues) > K else ""
    sub = [
        f"{table.title}{more}",
        "Lines: each actor's position before round 1 and after each round; thick line: the "
        "median; star: the forecast. Marks at the right: the other models' forecasts.",
    ]
    footer = (
        f"Source: {table.file or 'actor table built in code'}; Bueno de Mesquita (1994) as "
        f"reconstructed by Scholz, Calbert & Smith (2011), options in docs/forecasting.md."
        f"\nReproduce: {reproduce(table.file, output)}"
    )
    handles = [
        Line2D(
            [],
            [],
            color=styles[n].color,
            marker=styles[n].marker,
            ls=styles[n].linestyle,
            lw=1.4,
            ms=5,
            label=n,
        )
        for n in names
    ]
    handles.append(Line2D([], [], color=pal.INK, lw=3.2, alpha=0.8, label="median"))
    handles.append(
        Line2D([], [], color=pal.INK, marker="*", ms=14, ls="none", label="forecast (EU model)")
    )
    shown = [m for m in REFERENCE if m in result.models]
    for m in shown:
        marker, label = REFERENCE[m]
        handles.append(Line2D([], [], color=pal.MUTED, marker=marker, ms=8, ls="none", label=label))
    ncol = 4 if ncols == 1 else 5
    leg = legend_rows(len(handles), ncol)
    panel_h = 3.2
    height = header_height(title, sub, footer, width) + nrows * panel_h + leg * 0.26 + 0.5
    fig = prepare(fig, width, height)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, nrows, ncols, body, leg)
    legend_in(lax, handles, ncol)
    axes = grid.ravel()
    for ax in axes[K:]:
        ax.set_visible(False)
    for ax, issue in zip(axes, issues):
        f = result.issues[issue.name]["expected_utility"]
        path = f.path
        if path is None or f.forecast is None:
            ax.text(
                0.5,
                0.5,
                f.message or "no forecast",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color=pal.MUTED,
            )
            ax.set_title(issue.name)
            continue
        n = path.shape[0] - 1
        rounds = list(range(n + 1))
        for j, a in enumerate(issue.actors):
            st = styles[a]
            ax.plot(
                rounds,
                path[:, j],
                color=st.color,
                marker=st.marker,
                ls=st.linestyle,
                lw=1.4,
                ms=5,
                zorder=3,
                gid=f"actor:{a}",
            )
        if f.median_path:
            ax.plot(rounds, f.median_path, color=pal.INK, lw=3.2, alpha=0.8, zorder=4, gid="median")
        ax.plot(
            [n], [f.forecast], marker="*", ms=16, color=pal.INK, ls="none", zorder=6, gid="forecast"
        )
        right = n + 0.3
        for k, m in enumerate(shown):
            other = result.issues[issue.name][m].forecast
            if other is not None:
                ax.plot(
                    [right + 0.14 * k],
                    [other],
                    marker=REFERENCE[m][0],
                    ms=8,
                    color=pal.MUTED,
                    ls="none",
                    zorder=5,
                    clip_on=False,
                    gid=f"model:{m}",
                )
        ax.set_xlim(-0.3, right + 0.14 * max(len(shown) - 1, 0) + 0.3)
        ax.set_xticks(rounds if n <= 12 else list(range(0, n + 1, max(1, n // 10))))
        ax.set_xlabel("round")
        if issue.levels is not None:
            ax.set_ylim(-0.4, len(issue.levels) - 0.6)
            ax.set_yticks(range(len(issue.levels)))
            ax.set_yticklabels(issue.levels, fontsize=9)
            ax.grid(True, axis="y")
        else:
            lo, hi = float(issue.position.min()), float(issue.position.max())
            pad = 0.06 * (hi - lo) if hi > lo else 0.5
            ax.set_ylim(lo - pad, hi + pad)
            ax.set_ylabel("position")
        status = f"{n} round{'s' if n != 1 else ''}" + ("" if f.converged else ", round cap")
        level = f" ({f.level})" if f.level else ""
        if f.between is not None:  # exactly half-way: a tie, not a level
            level = f" (between {f.between[0]} and {f.between[1]})"
        ax.set_title(f"{issue.name}: forecast {f.forecast:.3g}{level}, {status}", fontsize=11)
    return fig


__all__ = ["MAX_PANELS", "plot_trajectory"]
