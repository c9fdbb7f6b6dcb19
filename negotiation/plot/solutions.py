"""Figure ``solutions``: where each solution and proposal lands, issue by issue.

Small multiples, one panel per issue in its real units; one row per package
of the report (every registered solution, then every proposal, and, when no
deal is possible, the closest outcome), drawn with the marker its analysis
registered. The shaded band is the issue's range over the whole agreement
set. Proposals every veto party accepts are filled, the others hollow; the
row label says who rejects them.

``frame=False`` draws the compact version the brief uses: no title or source
line (the brief's caption carries them), three panels abreast, smaller type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formatting import issue_value
from . import palette as pal
from .captions import issue_label, source_line, subtitle
from .layout import decorate, header_height, legend_in, legend_rows, level_ticks, panels
from .marks import Mark, marks, package_handles
from .text import text_width
from .theme import house_style, prepare

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..report import Report


def row_label(report: Report, m: Mark, short: bool = False) -> str:
    if m.kind != "proposal":
        return m.label
    if short:
        return m.label
    rejecting = [n for n in report.veto if n not in m.package.accepted_by]
    if not rejecting:
        return f"{m.label} (proposal)"
    verb = "rejects" if len(rejecting) == 1 else "reject"
    return f"{m.label} (proposal; {', '.join(rejecting)} {verb})"


def plot_solutions(
    report: Report,
    *,
    narrow: bool = False,
    frame: bool = True,
    fig: Figure | None = None,
    tabled_only: bool = False,
) -> Figure:
    """The solutions figure of ``report`` (see the module docstring).

    ``narrow=True`` puts at most two panels abreast (for A4 print);
    ``frame=False`` is the compact version without title and source line.
    With ``fig`` (an empty figure) it is drawn there, at that figure's size.
    ``tabled_only=True`` draws only the packages that have a row in the brief's
    table (``Package.table``), as the brief does.
    """
    with house_style():
        return _draw(report, narrow, frame, fig, tabled_only)


def _draw(
    report: Report, narrow: bool, frame: bool, fig: Figure | None, tabled_only: bool = False
) -> Figure:
    from matplotlib.patches import Patch

    s = report.scenario
    mk = [m for m in marks(report) if m.package.table or not tabled_only]
    deal = report.range.deal_possible
    issues = list(s.issues)
    K = len(issues)
    ncols = min(K, 2 if narrow else 3)
    nrows = -(-K // ncols)
    rows = [row_label(report, m, short=not frame) for m in mk] or ["(nothing to show)"]
    R = len(rows)
    label_size, value_size, tick_size = (10.0, 9.0, 10.0) if frame else (8.0, 7.0, 8.0)
    longest = max(text_width(r, label_size) for r in rows) / 72
    if frame:
        width = min(max(3.3 * ncols + longest + 0.8, 9.0), 10.0 if narrow else 16.0)
        panel_h = 0.34 * R + 1.1
    else:
        width = 7.2
        panel_h = 0.22 * R + 0.95
    panel_w = (width - longest - 0.6) / ncols - 0.3

    handles = []
    if deal:
        handles.append(Patch(fc=pal.HIGHLIGHT, ec="none", label="bargaining range"))
    handles += package_handles(mk)
    ncol = 3 if narrow or not frame else 4
    leg_lines = legend_rows(len(handles), ncol)
    if frame:
        if deal:
            title = "Where each solution and proposal lands"
            explain = (
                "One panel per issue; shaded: the issue's values found in some agreement "
                "every veto party accepts."
            )
        else:
            title = "No deal: the proposals and the closest outcome, issue by issue"
            explain = (
                "No outcome gives every veto party its reservation value, so there are "
                "no bargaining solutions to show."
            )
        sub = [subtitle(s), explain]
        footer = source_line(s, "solutions")
        head = header_height(title, sub, footer, width)
        fig = prepare(fig, width, head + nrows * panel_h + leg_lines * 0.26 + 0.5)
        body = decorate(fig, title, sub, footer)
    else:
        fig = prepare(fig, width, nrows * panel_h + leg_lines * 0.22 + 0.25)
        body = float(fig.get_size_inches()[1])
    grid, lax = panels(fig, nrows, ncols, body, leg_lines, sharey=True)
    legend_in(lax, handles, ncol, fontsize=9.5 if frame else 8.0)
    axes = grid.ravel()
    for ax in axes[K:]:
        ax.set_visible(False)
    y_of = {j: R - 1 - j for j in range(R)}
    n_sol = sum(m.kind == "solution" for m in mk)
    for k, (ax, issue) in enumerate(zip(axes, issues)):
        ir = report.range.issues.get(issue.name) if deal else None
        lo, hi = issue.range or (0.0, 1.0)
        span = hi - lo
        levels = issue.levels or ()
        if issue.continuous:
            if ir is not None and ir.min is not None and ir.max is not None:
                ax.axvspan(
                    ir.min, max(ir.max, ir.min + span * 0.003), color=pal.HIGHLIGHT, lw=0, zorder=0
                )
            ax.set_xlim(lo - 0.04 * span, hi + 0.04 * span)
            ax.tick_params(axis="x", labelsize=tick_size)
        else:
            if ir is not None and ir.levels is not None:
                for j, level in enumerate(levels):
                    if level in ir.levels:
                        ax.axvspan(j - 0.45, j + 0.45, color=pal.HIGHLIGHT, lw=0, zorder=0)
            ax.set_xlim(-0.5, len(levels) - 0.5)
            level_ticks(ax, levels, panel_w, size=tick_size)
            ax.grid(False, axis="x")
        for j, m in enumerate(mk):
            x = m.coords[k]
            style = m.style()
            if not frame:
                style["ms"] *= 0.75
            ax.plot(x, y_of[j], **style, zorder=4, gid=f"{m.kind}:{m.key}")
            if issue.continuous:
                right = x <= lo + 0.72 * span
                ax.annotate(
                    issue_value(issue, x),
                    (x, y_of[j]),
                    xytext=(9 if right else -9, 0),
                    textcoords="offset points",
                    ha="left" if right else "right",
                    va="center",
                    fontsize=value_size,
                    color="#333333",
                    zorder=5,
                )
        if 0 < n_sol < len(mk):
            ax.axhline(R - n_sol - 0.5, color="#AAAAAA", lw=0.8, zorder=1)
        ax.set_ylim(-0.7, R - 0.3)
        ax.set_yticks([y_of[j] for j in range(R)], rows, fontsize=label_size)
        ax.tick_params(axis="y", length=0)
        ax.grid(False, axis="y")
        ax.set_xlabel(
            issue_label(issue, panel_w, size=tick_size if not frame else 11.0),
            fontsize=None if frame else tick_size,
        )
        ax.set_title(issue.name, fontsize=12 if frame else 9.5)
        if not mk:
            ax.text(
                0.5,
                0.5,
                "no solutions or proposals",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=pal.MUTED,
            )
    return fig
