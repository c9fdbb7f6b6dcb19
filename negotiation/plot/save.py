"""Figures to bytes and files: PNG (220 dpi), SVG or PDF by suffix, written atomically."""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any

from ..outputs import OutputError, write_atomic

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
PNG_DPI = 220


def figure_bytes(fig: Figure, fmt: str, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG, SVG or PDF bytes (deterministic metadata)."""
    import matplotlib

    title = getattr(fig, "_negotiation_title", None) or ""
    meta: dict[str, Any] = {
        "pdf": {
            "Creator": "negotiation",
            "Producer": "negotiation (matplotlib)",
            "CreationDate": None,
            "Title": title,
        },
        "svg": {"Creator": "negotiation", "Date": None, "Title": title},
        "png": {"Software": "negotiation (matplotlib)", "Title": title},
    }.get(fmt, {})
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "negotiation"}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


def output_format(path: str) -> str:
    """``png``, ``svg`` or ``pdf`` from the suffix; other suffixes are an :class:`OutputError`."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        raise OutputError(
            f"{path}: unsupported output format '{suffix or '(none)'}'; use .png, .svg or .pdf"
        )
    return FORMATS[suffix]


def save(fig: Figure, path: str | os.PathLike, dpi: int = PNG_DPI) -> str:
    """Write ``fig`` to ``path`` (PNG at ``dpi``, SVG or PDF by suffix), atomically."""
    path = os.fspath(path)
    fmt = output_format(path)
    write_atomic(path, figure_bytes(fig, fmt, dpi=dpi))
    return path
