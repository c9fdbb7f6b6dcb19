"""Figure layout in the house style: header, footer, panel grid, legend, level ticks.

Every briefing figure has a title and subtitle at the top and a source line
at the bottom (:func:`decorate`); the panels and a legend row fill the space
between (:func:`panels`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .palette import INK, MUTED
from .text import text_width, wrap

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

HEADER_TOP = 0.14  # inches above the title
TITLE_SIZE = 16.0
SUBTITLE_SIZE = 11.0
FOOTER_SIZE = 8.0
SIDE = 0.2  # inches left of header and footer (and at least that on the right)
RIGHT = 0.45  # inches kept free right of wrapped header and footer text
LEGEND_LINE = 0.26  # inches per legend row


def _lines(texts: str | Sequence[str], width_pt: float, size: float) -> list[str]:
    out: list[str] = []
    for t in [texts] if isinstance(texts, str) else texts:
        out += wrap(t, width_pt, size)
    return out


def header_height(title: str, sub: str | Sequence[str], footer: str, width: float) -> float:
    """Inches :func:`decorate` takes for header and footer on a figure ``width`` wide."""
    width_pt = (width - SIDE - RIGHT) * 72
    h = HEADER_TOP + len(wrap(title, width_pt, TITLE_SIZE, "bold")) * TITLE_SIZE * 1.3 / 72
    h += 0.05 + len(_lines(sub, width_pt, SUBTITLE_SIZE)) * SUBTITLE_SIZE * 1.4 / 72 + 0.12
    n_foot = len(_lines(footer.split("\n"), width_pt, FOOTER_SIZE))
    return h + 0.10 + n_foot * FOOTER_SIZE * 1.45 / 72 + 0.10


def decorate(fig: Figure, title: str, sub: str | Sequence[str], footer: str) -> float:
    """Title and subtitle at the top, source line at the bottom; layout fits between.

    Returns the height (inches) left for the plotting area.
    """
    fig._negotiation_title = title  # type: ignore[attr-defined]
    W, H = fig.get_size_inches()
    width_pt = (W - SIDE - RIGHT) * 72
    y = HEADER_TOP
    title_lines = wrap(title, width_pt, TITLE_SIZE, "bold")
    fig.text(
        SIDE / W,
        1 - y / H,
        "\n".join(title_lines),
        fontsize=TITLE_SIZE,
        fontweight="bold",
        ha="left",
        va="top",
        color=INK,
        linespacing=1.15,
    )
    y += len(title_lines) * TITLE_SIZE * 1.3 / 72 + 0.05
    sub_lines = _lines(sub, width_pt, SUBTITLE_SIZE)
    if sub_lines:
        fig.text(
            SIDE / W,
            1 - y / H,
            "\n".join(sub_lines),
            fontsize=SUBTITLE_SIZE,
            ha="left",
            va="top",
            color="#444444",
            linespacing=1.25,
        )
        y += len(sub_lines) * SUBTITLE_SIZE * 1.4 / 72
    header = y + 0.12
    foot_lines = _lines(footer.split("\n"), width_pt, FOOTER_SIZE)
    bottom = 0.10
    fig.text(
        SIDE / W,
        bottom / H,
        "\n".join(foot_lines),
        fontsize=FOOTER_SIZE,
        ha="left",
        va="bottom",
        color=MUTED,
        linespacing=1.3,
    )
    footer_h = bottom + len(foot_lines) * FOOTER_SIZE * 1.45 / 72 + 0.10
    engine: Any = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0.0, footer_h / H, 1.0, 1.0 - (header + footer_h) / H))
    return H - header - footer_h


def legend_rows(n_items: int, ncol: int) -> int:
    return -(-n_items // max(ncol, 1))


def panels(
    fig: Figure, nrows: int, ncols: int, body_height: float, legend_lines: int = 0, **kwargs: Any
) -> tuple[Any, Axes | None]:
    """``(nrows, ncols)`` axes filling the body, plus a legend axes below them (or None)."""
    if not legend_lines:
        return fig.subplots(nrows, ncols, squeeze=False, **kwargs), None
    leg_h = legend_lines * LEGEND_LINE + 0.12
    panel_h = max((body_height - leg_h) / nrows, 0.5)
    gs = fig.add_gridspec(nrows + 1, ncols, height_ratios=[panel_h] * nrows + [leg_h])
    axes = gs[:nrows, :].subgridspec(nrows, ncols).subplots(squeeze=False, **kwargs)
    lax = fig.add_subplot(gs[nrows, :])
    lax.set_axis_off()
    return axes, lax


def legend_in(lax: Axes | None, handles: list, ncol: int, fontsize: float = 9.5) -> None:
    """The figure's legend, centred in its own axes below the panels."""
    if lax is None or not handles:
        return
    lax.legend(
        handles=handles,
        loc="center",
        ncols=ncol,
        fontsize=fontsize,
        handletextpad=0.5,
        columnspacing=1.6,
        borderaxespad=0.0,
    )


def level_ticks(ax: Axes, levels: Sequence[str], panel_width_in: float, size: float = 10.0) -> None:
    """Level names as x ticks; broken at underscores, or upright, when they do not fit."""
    ax.set_xticks(range(len(levels)))
    slot = panel_width_in * 72 / max(len(levels), 1)
    widest = max(text_width(lv, size) for lv in levels) + 6
    if widest <= slot:
        ax.set_xticklabels(levels, fontsize=size)
        return
    split = ["\n".join(p for p in re.split(r"[_\s]+", lv) if p) or lv for lv in levels]
    if max(text_width(part, size) for lv in split for part in lv.split("\n")) + 6 <= slot:
        ax.set_xticklabels(split, fontsize=size)
    else:
        ax.set_xticklabels(levels, rotation=90, fontsize=size)
