"""Figure ``ranges``: what each party accepts on each issue, and the overlap.

For each issue, the other issues are held at the Nash solution (or, when no
deal is possible, at the closest outcome) and the issue is swept over its
whole range with :meth:`Problem.utilities`: a party *accepts* a value when its
utility there is at least its reservation value. A continuous issue is swept
on a fine grid and each boundary is refined by bisection; a discrete issue is
checked level by level. The overlap of the veto parties' acceptable sets is
the bargaining range on that issue (given the others); the figure also shows,
in grey, the range of the issue over the whole agreement set (other issues
free), from :attr:`Report.range`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..solve.problem import AGREE_TOL
from . import palette as pal
from .captions import issue_label, source_line, subtitle
from .layout import decorate, header_height, legend_in, legend_rows, level_ticks, panels
from .marks import base_point, outcome_text
from .text import text_width
from .theme import house_style, prepare

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..report import Report

SWEEP = 2001
BISECT = 40


@dataclass(frozen=True)
class IssueAcceptance:
    """Who accepts which values of one issue, the other issues held at ``base``."""

    issue: str
    continuous: bool
    base: float  # the issue's own coordinate at the base point
    parties: dict[str, list[tuple[float, float]]]  # continuous: accepted intervals
    levels: dict[str, list[int]]  # discrete: accepted level indices
    overlap: list[tuple[float, float]]  # veto parties, continuous
    overlap_levels: list[int]  # veto parties, discrete


def _intervals(x: np.ndarray, ok: np.ndarray, refine) -> list[tuple[float, float]]:
    """Runs of ``ok`` on the sweep ``x`` as closed intervals, ends refined by ``refine``."""
    out = []
    n = len(x)
    k = 0
    while k < n:
        if not ok[k]:
            k += 1
            continue
        j = k
        while j + 1 < n and ok[j + 1]:
            j += 1
        lo = x[k] if k == 0 else refine(x[k - 1], x[k])
        hi = x[j] if j == n - 1 else refine(x[j + 1], x[j])
        out.append((float(lo), float(hi)))
        k = j + 1
    return out


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]]):
    out = []
    for lo1, hi1 in a:
        for lo2, hi2 in b:
            lo, hi = max(lo1, lo2), min(hi1, hi2)
            if lo <= hi:
                out.append((lo, hi))
    return out


def acceptance(report: Report) -> tuple[str, np.ndarray, dict[str, IssueAcceptance]] | None:
    """Per issue, each party's acceptable values with the other issues at the base point.

    Returns ``(base description, base coordinates, {issue: IssueAcceptance})``,
    or ``None`` when there is no point to hold the other issues at.
    """
    bp = base_point(report)
    if bp is None:
        return None
    where, base = bp
    pb = report.problem
    names = pb.names
    d = pb.d
    veto = pb.veto
    out: dict[str, IssueAcceptance] = {}
    for k, issue in enumerate(pb.space.issues):
        if issue.range is not None:
            lo, hi = issue.range
            x = np.linspace(lo, hi, SWEEP)
            coords = np.repeat(base[None, :], len(x), axis=0)
            coords[:, k] = x
            U = pb.utilities(coords)
            parties = {}
            for i, n in enumerate(names):

                def accepts(v: float, i: int = i, k: int = k) -> bool:
                    c = base.copy()
                    c[k] = v
                    return bool(pb.utilities(c[None])[0, i] >= d[i] - AGREE_TOL)

                def refine(bad: float, good: float, accepts=accepts) -> float:
                    for _ in range(BISECT):
                        mid = 0.5 * (bad + good)
                        if accepts(mid):
                            good = mid
                        else:
                            bad = mid
                    return good

                parties[n] = _intervals(x, U[:, i] >= d[i] - AGREE_TOL, refine)
            overlap = [(lo, hi)]
            for i, n in enumerate(names):
                if veto[i]:
                    overlap = _intersect(overlap, parties[n])
            out[issue.name] = IssueAcceptance(
                issue.name, True, float(base[k]), parties, {}, overlap, []
            )
        else:
            L = len(issue.levels or ())
            coords = np.repeat(base[None, :], L, axis=0)
            coords[:, k] = np.arange(L)
            U = pb.utilities(coords)
            levels = {
                n: [j for j in range(L) if U[j, i] >= d[i] - AGREE_TOL] for i, n in enumerate(names)
            }
            common = [
                j for j in range(L) if all(j in levels[n] for i, n in enumerate(names) if veto[i])
            ]
            out[issue.name] = IssueAcceptance(
                issue.name, False, float(base[k]), {}, levels, [], common
            )
    return where, base, out


def plot_ranges(report: Report, *, narrow: bool = False, fig: Figure | None = None) -> Figure:
    """The ranges figure of ``report`` (see the module docstring).

    ``narrow=True`` draws it for an A4 page (one column of panels up to
    four issues, and a narrower figure). With ``fig`` (an empty figure) it is
    drawn there, at that figure's size.
    """
    with house_style():
        return _draw(report, narrow, fig)


def _draw(report: Report, narrow: bool, fig: Figure | None) -> Figure:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    s, pb = report.scenario, report.problem
    names = pb.names
    styles = pal.party_styles(names)
    res = acceptance(report)
    if res is None:  # pragma: no cover - only when no solver could produce any point
        from ..errors import ScenarioError

        raise ScenarioError("no outcome to hold the other issues at", "", s.file)
    where, base, acc = res
    issues = list(s.issues)
    K = len(issues)
    ncols = 1 if K <= (4 if narrow else 3) else 2
    nrows = -(-K // ncols)
    rows = ["bargaining range"] + [
        n if p.veto else f"{n} (no veto)" for n, p in zip(names, s.parties)
    ]
    R = len(rows)
    panel_h = 0.30 * R + 1.05
    width = (9.0 if narrow else 10.0) if ncols == 1 else (10.0 if narrow else 13.0)
    deal = report.range.deal_possible

    title = (
        "What each party accepts, issue by issue"
        if deal
        else "What each party accepts: no common ground on every issue at once"
    )
    base_out = pb.space.decode(base)
    explain = (
        f"Each issue swept alone, the others held at {where}: "
        f"{outcome_text(report, base_out)}. A party accepts a value if it gets at least "
        "its reservation value."
    )
    sub = [subtitle(s), explain]
    footer = source_line(s, "ranges")
    handles = [
        Patch(
            fc=pal.HIGHLIGHT,
            ec=pal.HIGHLIGHT_EDGE,
            lw=1.2,
            label="bargaining range (every veto party accepts, others held)",
        ),
        Patch(
            fc=pal.RANGE_BAR, ec="none", label="range over the whole agreement set (others free)"
        ),
        Line2D(
            [],
            [],
            color=pal.INK,
            ls=":",
            lw=1.2,
            marker="*",
            ms=11,
            label=f"value at {where.replace(' (no deal is possible)', '')}",
        ),
    ]
    handles += [Patch(fc=styles[n].color, ec="none", label=n) for n in names]
    if any(not p.veto for p in s.parties):
        handles.append(Patch(fc="white", ec=pal.MUTED, hatch="////", label="party without veto"))
    ncol = 2 if narrow else 3 if ncols == 1 else 4
    leg_lines = legend_rows(len(handles), ncol)
    head = header_height(title, sub, footer, width)
    height = head + nrows * panel_h + leg_lines * 0.26 + 0.5
    fig = prepare(fig, width, height)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, nrows, ncols, body, leg_lines)
    legend_in(lax, handles, ncol)
    axes = grid.ravel()
    for ax in axes[K:]:
        ax.set_visible(False)

    y_of = {r: R - 1 - j for j, r in enumerate(rows)}  # top row first
    row_w = max(text_width(r, 10, "bold") for r in rows) / 72 + 0.35
    panel_w = (width - 0.3) / ncols - row_w - 0.15
    for ax, issue in zip(axes, issues):
        a = acc[issue.name]
        ir = report.range.issues.get(issue.name) if deal else None
        levels = issue.levels or ()
        if a.continuous and issue.range is not None:
            lo, hi = issue.range
            span = hi - lo
            for olo, ohi in a.overlap:
                ax.axvspan(olo, max(ohi, olo + span * 0.002), color=pal.HIGHLIGHT, zorder=0, lw=0)
            yb = y_of["bargaining range"]
            if ir is not None and ir.min is not None and ir.max is not None:
                ax.broken_barh(
                    [(ir.min, max(ir.max - ir.min, span * 0.004))],
                    (yb - 0.16, 0.32),
                    color=pal.RANGE_BAR,
                    zorder=2,
                )
            elif not a.overlap:
                ax.text(
                    lo + span / 2, yb, "none", ha="center", va="center", fontsize=9, color=pal.MUTED
                )
            for olo, ohi in a.overlap:
                ax.broken_barh(
                    [(olo, max(ohi - olo, span * 0.004))],
                    (yb - 0.34, 0.68),
                    facecolor="none",
                    edgecolor=pal.HIGHLIGHT_EDGE,
                    lw=1.2,
                    zorder=3,
                )
            for n, p in zip(names, s.parties):
                y = y_of[n if p.veto else f"{n} (no veto)"]
                segs = [(x0, max(x1 - x0, span * 0.004)) for x0, x1 in a.parties[n]]
                if segs:
                    ax.broken_barh(
                        segs,
                        (y - 0.3, 0.6),
                        facecolor=styles[n].color if p.veto else "white",
                        edgecolor=styles[n].color,
                        lw=1.2,
                        hatch=None if p.veto else "////",
                        zorder=3,
                        alpha=1.0,
                        gid=f"accept:{n}",
                    )
                else:
                    ax.text(
                        lo + span / 2,
                        y,
                        "accepts no value here",
                        ha="center",
                        va="center",
                        fontsize=9,
                        color=pal.MUTED,
                    )
            ax.set_xlim(lo - 0.02 * span, hi + 0.02 * span)
            ax.axvline(a.base, color=pal.INK, ls=":", lw=1.2, zorder=4)
            ax.plot(a.base, R - 0.35, marker="*", ms=11, color=pal.INK, clip_on=False, zorder=5)
        else:
            L = len(levels)
            in_range = set(ir.levels) if ir is not None and ir.levels is not None else set()
            for j in a.overlap_levels:
                ax.axvspan(j - 0.5, j + 0.5, color=pal.HIGHLIGHT, zorder=0, lw=0)
            yb = y_of["bargaining range"]
            if not in_range and not a.overlap_levels:
                ax.text(
                    (L - 1) / 2, yb, "none", ha="center", va="center", fontsize=9, color=pal.MUTED
                )
            for j, level in enumerate(levels):
                if level in in_range:
                    ax.add_patch(_cell(j, yb, pal.RANGE_BAR, None, "none", small=True))
                if j in a.overlap_levels:
                    ax.add_patch(_cell(j, yb, "none", None, pal.HIGHLIGHT_EDGE))
            for n, p in zip(names, s.parties):
                y = y_of[n if p.veto else f"{n} (no veto)"]
                col = styles[n].color
                for j in range(L):
                    if j in a.levels[n]:
                        ax.add_patch(
                            _cell(j, y, col if p.veto else "white", None if p.veto else "////", col)
                        )
                    else:
                        ax.add_patch(_cell(j, y, "white", None, "#BBBBBB", dashed=True))
            ax.set_xlim(-0.5, L - 0.5)
            level_ticks(ax, levels, panel_w)
            ax.grid(False, axis="x")
            ax.axvline(a.base, color=pal.INK, ls=":", lw=1.2, zorder=4)
            ax.plot(a.base, R - 0.35, marker="*", ms=11, color=pal.INK, clip_on=False, zorder=5)
        ax.set_ylim(-0.6, R - 0.4)
        ax.set_yticks([y_of[r] for r in rows], rows)
        ax.grid(False, axis="y")
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(issue_label(issue, panel_w - 0.1))
        ax.set_title(issue.name, fontsize=12)
        for lab, r in zip(ax.get_yticklabels(), rows):
            if r == "bargaining range":
                lab.set_fontweight("bold")
    return fig


def _cell(j: float, y: float, face, hatch, edge, dashed: bool = False, small: bool = False):
    from matplotlib.patches import Rectangle

    w, h = (0.7, 0.32) if small else (0.8, 0.6)
    return Rectangle(
        (j - w / 2, y - h / 2),
        w,
        h,
        facecolor=face,
        edgecolor=edge,
        hatch=hatch,
        lw=1.0 if not dashed else 0.8,
        ls="--" if dashed else "-",
        zorder=3,
    )
