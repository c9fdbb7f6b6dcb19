"""Figure ``solutions``: where each solution and proposal lands, issue by issue.

Small multiples, one panel per issue in its real units; one row per
bargaining solution, then one per proposal (and, when no deal is possible,
the closest outcome). The shaded band is the issue's range over the whole
agreement set. Proposals every veto party accepts are filled, the others
hollow; the row label says who rejects them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .marks import marks, proposal_handles

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..report import Report


def row_label(report: "Report", m) -> str:
    if m.kind != "proposal":
        return m.label
    veto = [p.name for p in report.scenario.parties if p.veto]
    rejecting = [n for n in veto if n not in m.accepted_by]
    if not rejecting:
        return f"{m.label} (proposal)"
    return f"{m.label} (proposal; {', '.join(rejecting)} reject{'s' if len(rejecting) == 1 else ''})"


def plot_solutions(report: "Report", *, narrow: bool = False) -> "Figure":
    """The solutions figure of ``report`` (see the module docstring).

    ``narrow=True`` puts at most two panels abreast (for A4 print).
    """
    from . import style as st

    with st.house_style():
        return _draw(report, st, narrow)


def _draw(report: "Report", st, narrow: bool = False) -> "Figure":
    from matplotlib.patches import Patch

    s = report.scenario
    mk = marks(report)
    deal = report.range.deal_possible
    issues = list(s.issues)
    K = len(issues)
    ncols = min(K, 2 if narrow else 3)
    nrows = -(-K // ncols)
    rows = [row_label(report, m) for m in mk] or ["(nothing to show)"]
    R = len(rows)
    longest = max(st.text_width(r, 10) for r in rows) / 72
    width = min(max(3.3 * ncols + longest + 0.8, 9.0), 10.0 if narrow else 16.0)
    panel_h = 0.34 * R + 1.1

    if deal:
        title = "Where each solution and proposal lands"
    else:
        title = "No deal: the proposals and the closest outcome, issue by issue"
    sub = [st.subtitle(s)]
    if deal:
        sub.append("One panel per issue; shaded: the issue's values found in some agreement "
                   "every veto party accepts.")
    else:
        sub.append("No outcome gives every veto party its reservation value, so there are no "
                   "bargaining solutions to show.")
    footer = st.source_line(s, "solutions")
    handles = []
    if deal:
        handles.append(Patch(fc=st.HIGHLIGHT, ec="none", label="bargaining range"))
    handles += proposal_handles(mk)
    ncol = 3 if narrow else 4
    leg_lines = st.legend_rows(len(handles), ncol)
    head = st.header_height(title, sub, footer, width)
    fig = st.new_figure(width, head + nrows * panel_h + leg_lines * 0.26 + 0.5)
    body = st.decorate(fig, title, sub, footer)
    grid, lax = st.panels(fig, nrows, ncols, body, leg_lines, sharey=True)
    if lax is not None:
        st.legend_in(lax, handles, ncol)
    axes = grid.ravel()
    for ax in axes[K:]:
        ax.set_visible(False)
    y_of = {j: R - 1 - j for j in range(R)}
    n_sol = sum(m.kind == "solution" for m in mk)
    for ax, issue in zip(axes, issues):
        ir = report.range.issues.get(issue.name) if deal else None
        if issue.continuous:
            lo, hi = issue.range
            span = hi - lo
            if ir is not None and ir.min is not None:
                ax.axvspan(ir.min, max(ir.max, ir.min + span * 0.003), color=st.HIGHLIGHT,
                           lw=0, zorder=0)
            ax.set_xlim(lo - 0.04 * span, hi + 0.04 * span)
        else:
            L = len(issue.levels)
            if ir is not None and ir.levels is not None:
                for j, level in enumerate(issue.levels):
                    if level in ir.levels:
                        ax.axvspan(j - 0.45, j + 0.45, color=st.HIGHLIGHT, lw=0, zorder=0)
            ax.set_xlim(-0.5, L - 0.5)
            st.level_ticks(ax, issue.levels, (width - longest - 0.6) / ncols - 0.3)
            ax.grid(False, axis="x")
        for j, m in enumerate(mk):
            x = m.coords[list(s.issue_names).index(issue.name)]
            face = st.INK if (m.kind != "proposal" or m.acceptable) else "white"
            ax.plot(x, y_of[j], marker=m.marker, ms=m.size, color=st.INK, mfc=face, mec=st.INK,
                    mew=1.4 if m.kind == "proposal" else 0.6, ls="none", zorder=4,
                    gid=f"{m.kind}:{m.key}")
            if issue.continuous:
                val = st.fmt_issue(issue, x)
                right = x <= lo + 0.72 * span
                ax.annotate(val, (x, y_of[j]), xytext=(9 if right else -9, 0),
                            textcoords="offset points", ha="left" if right else "right",
                            va="center", fontsize=9, color="#333333", zorder=5)
        if 0 < n_sol < len(mk):
            ax.axhline(R - n_sol - 0.5, color="#AAAAAA", lw=0.8, zorder=1)
        ax.set_ylim(-0.7, R - 0.3)
        ax.set_yticks([y_of[j] for j in range(R)], rows)
        ax.tick_params(axis="y", length=0)
        ax.grid(False, axis="y")
        ax.set_xlabel(st.issue_label(issue, (width - longest - 0.6) / ncols - 0.3))
        ax.set_title(issue.name, fontsize=12)
        if not mk:
            ax.text(0.5, 0.5, "no solutions or proposals", transform=ax.transAxes,
                    ha="center", va="center", color=st.MUTED)
    return fig
