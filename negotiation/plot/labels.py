"""Point labels that do not overlap: greedy placement over candidate offsets.

Each label is tried at offsets around its point (eight directions, growing
distances); the position chosen is the one with the smallest cost:
overlap with labels already placed, with the markers of all labelled points,
with other things to avoid (a frontier line, say), and any part outside the
axes, plus a small cost for distance. Labels far from their point get a thin
leader line. Everything is measured in display units with the figure's
renderer, after the layout has run, so what is checked is what is drawn.

:func:`overlapping_pairs` is the check the tests use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Annotation

from .palette import FAINT, INK

#: Directions tried, in order of preference (right, up-right, up, ...).
DIRECTIONS = (0, 45, -45, 90, -90, 135, -135, 180, 22, -22, 158, -158, 68, -68, 112, -112)
#: Distances (points) tried from the anchor.
RADII = (7, 13, 21, 32, 46, 64, 86)
LEADER_FROM = 12.0  # points: labels further than this get a leader line


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0

    def outside(self, frame: Box) -> float:
        area = (self.x1 - self.x0) * (self.y1 - self.y0)
        return area - self.overlap(frame)


def _alignment(angle: float) -> tuple[str, str]:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ha = "left" if c > 0.38 else "right" if c < -0.38 else "center"
    va = "bottom" if s > 0.38 else "top" if s < -0.38 else "center"
    return ha, va


def _box_at(x: float, y: float, w: float, h: float, ha: str, va: str, pad: float) -> Box:
    x0 = x if ha == "left" else x - w if ha == "right" else x - w / 2
    y0 = y if va == "bottom" else y - h if va == "top" else y - h / 2
    return Box(x0 - pad, y0 - pad, x0 + w + pad, y0 + h + pad)


def place_labels(
    ax: Axes,
    anchors: Sequence[tuple[float, float]],
    texts: Sequence[str],
    *,
    marker_radius: float = 7.0,
    avoid: np.ndarray | None = None,
    placed: list[Box] | None = None,
    fontsize: float = 9.5,
    color: str = INK,
    zorder: float = 6,
) -> list[Annotation]:
    """Annotate each anchor (data coordinates) with its text, without overlaps.

    ``marker_radius`` (points) is kept clear around every anchor; ``avoid``
    is an ``(M, 2)`` array of further data points labels should not cover
    (weighted less than labels and markers). ``placed`` collects the boxes
    already used in this axes (pass the same list to several calls).
    Call after the figure layout is final (``fig.canvas.draw()`` first).
    """
    fig: Any = ax.figure
    renderer = fig.canvas.get_renderer()
    px = fig.dpi / 72.0
    frame_bb = ax.get_window_extent(renderer)
    frame = Box(frame_bb.x0, frame_bb.y0, frame_bb.x1, frame_bb.y1)
    pts = ax.transData.transform(np.asarray(anchors, dtype=float).reshape(-1, 2))
    r = marker_radius * px
    marker_boxes = [Box(x - r, y - r, x + r, y + r) for x, y in pts]
    soft = np.empty((0, 2))
    if avoid is not None and len(avoid):
        soft = ax.transData.transform(np.asarray(avoid, dtype=float).reshape(-1, 2))
    boxes: list[Box] = placed if placed is not None else []
    out: list[Annotation] = []
    pad = 1.5 * px
    for text, (x, y) in zip(texts, pts):
        probe = ax.annotate(text, (0, 0), xycoords="axes pixels", fontsize=fontsize)
        bb = probe.get_window_extent(renderer)
        probe.remove()
        w, h = bb.width, bb.height
        best = None
        for radius in RADII:
            for rank_a, angle in enumerate(DIRECTIONS):
                dx = radius * px * math.cos(math.radians(angle))
                dy = radius * px * math.sin(math.radians(angle))
                ha, va = _alignment(angle)
                box = _box_at(x + dx, y + dy, w, h, ha, va, pad)
                cost = 0.0
                cost += 50.0 * sum(box.overlap(b) for b in boxes)
                cost += 30.0 * sum(box.overlap(m) for m in marker_boxes)
                cost += 80.0 * box.outside(frame)
                if len(soft):
                    inside = (
                        (soft[:, 0] > box.x0)
                        & (soft[:, 0] < box.x1)
                        & (soft[:, 1] > box.y0)
                        & (soft[:, 1] < box.y1)
                    )
                    cost += 40.0 * px * px * float(inside.sum())
                cost += radius * px * 2.0 + rank_a * 0.5
                if best is None or cost < best[0]:
                    best = (cost, dx, dy, ha, va, box, radius)
        assert best is not None
        _, dx, dy, ha, va, box, radius = best
        arrow = None
        if radius >= LEADER_FROM:
            arrow = {
                "arrowstyle": "-",
                "color": FAINT,
                "lw": 0.7,
                "shrinkA": 1.5,
                "shrinkB": marker_radius * 0.8,
            }
        xy = tuple(ax.transData.inverted().transform((x, y)))
        ann = ax.annotate(
            text,
            xy,
            xycoords="data",
            xytext=(dx / px, dy / px),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=fontsize,
            color=color,
            zorder=zorder,
            arrowprops=arrow,
            annotation_clip=False,
            bbox={"boxstyle": "square,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.8},
        )
        ann.set_in_layout(False)
        boxes.append(box)
        out.append(ann)
    return out


def overlapping_pairs(texts: Sequence, renderer=None, tol: float = 0.5) -> list[tuple[int, int]]:
    """Index pairs of texts whose drawn bounding boxes overlap by more than ``tol`` px².

    Only the text itself counts (an annotation's leader line may cross another label's
    box without hiding it).
    """
    from matplotlib.text import Text

    if not texts:
        return []
    fig = texts[0].figure
    renderer = renderer or fig.canvas.get_renderer()
    bbs = [Text.get_window_extent(t, renderer) for t in texts]
    bad = []
    for i in range(len(bbs)):
        for j in range(i + 1, len(bbs)):
            a, b = bbs[i], bbs[j]
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > 0 and h > 0 and w * h > tol:
                bad.append((i, j))
    return bad


def group_close(points: np.ndarray, ax: Axes, tol_pt: float = 4.0) -> list[list[int]]:
    """Groups of point indices that are drawn within ``tol_pt`` points of each other."""
    pts = ax.transData.transform(np.asarray(points, dtype=float).reshape(-1, 2))
    tol = tol_pt * ax.figure.dpi / 72.0
    groups: list[list[int]] = []
    for i, p in enumerate(pts):
        for g in groups:
            if np.hypot(*(pts[g[0]] - p)) <= tol:
                g.append(i)
                break
        else:
            groups.append([i])
    return groups
