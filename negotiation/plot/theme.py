"""The house style as a context, and the figures it is applied to.

:func:`house_style` is the only way the package touches matplotlib's
settings: a :func:`matplotlib.rc_context` that every plot function enters
while it draws and leaves when it returns. Importing a module of
:mod:`negotiation.plot` changes no global state (no backend switch, no rc
parameters, no warning filters).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import palette

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

STYLE_PATH = os.path.join(os.path.dirname(__file__), "house.mplstyle")


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Context in which figures get the house style (rc parameters are read when artists
    are created, so build figures inside it)."""
    import matplotlib
    from cycler import cycler

    with (
        matplotlib.rc_context(fname=STYLE_PATH),
        matplotlib.rc_context({"axes.prop_cycle": cycler(color=list(palette.PALETTE))}),
    ):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure on an Agg canvas (works headless, no pyplot) with constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    _pads(fig)
    return fig


def prepare(fig: Figure | None, width: float, height: float) -> Figure:
    """The figure to draw into: ``fig`` (the caller's, kept at its size) or a new one.

    The caller's figure gets constrained layout if it has no layout engine;
    it must be empty.
    """
    if fig is None:
        return new_figure(width, height)
    if fig.axes:
        raise ValueError("draw into an empty figure (this one already has axes)")
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    if fig.canvas is None or not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    _pads(fig)
    return fig


def _pads(fig: Figure) -> None:
    engine: Any = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(w_pad=0.06, h_pad=0.06, wspace=0.06, hspace=0.08)


def freeze_layout(fig: Figure) -> None:
    """Keep the current layout (labels were placed on it; saving must not move the axes)."""
    try:
        fig.set_layout_engine("none")
    except (RuntimeError, ValueError):  # pragma: no cover - older matplotlib
        pass
