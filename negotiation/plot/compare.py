"""Figure ``compare``: several scenarios (usually dated snapshots) side by side.

One column position per scenario, in date order (undated ones last, in the
order given). Panels:

* reservation values: one line per party (party colour, marker and style);
* each continuous issue: the bargaining range over the agreement set as a
  bar per scenario, every registered solution as its marker (spread around
  the scenario's position), "no deal" (and the closest outcome) where there
  is none;
* each discrete issue: a strip of levels per scenario, filled where the
  level occurs in some agreement, with the solutions as markers.

Beside the solutions, every package a section analysis points at that is the
outcome of a model (an equilibrium of a derived game, a bargaining, conflict
or forecast outcome: any kind but proposals and the closest outcome,
:func:`negotiation.compare.model_outcomes`) is drawn with its marker, hollow
when a veto party rejects it, and the analysis gets a legend entry; a newly
registered analysis shows up without an edit here.

Only the parties and issues present in every scenario are drawn (an issue
must also be of the same kind everywhere, :func:`negotiation.compare.compare`);
the rest is named in the subtitle. Used by ``negotiation compare FILE...
--plot PATH``.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..compare import Comparison, SharedIssue, compare, model_outcomes, outcome_groups
from ..formatting import shorten
from ..registry import Marker, analyses, get
from . import palette as pal
from .captions import issue_label, sources_text
from .layout import decorate, header_height, legend_in, legend_rows, panels
from .text import wrap
from .theme import house_style, prepare

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..report import Report

SPREAD = 0.24  # solution markers sit within +-SPREAD of a scenario's position
WIDE_SPREAD = 0.29  # ... or within +-WIDE_SPREAD when there are more than six kinds
PANEL_H = 3.4


def offsets(keys: Sequence[str]) -> dict[str, float]:
    """Horizontal offset of each solution's (or model outcome's) marker around a
    scenario's position; many markers spread to the edges of the range bar."""
    n = len(keys)
    if n == 1:
        return {keys[0]: 0.0}
    spread = SPREAD if n <= 6 else WIDE_SPREAD
    return {k: -spread + 2 * spread * j / (n - 1) for j, k in enumerate(keys)}


def closest_marker() -> Marker:
    """The marker of the closest outcome (registered with the agreement-set analysis)."""
    return get("range").marker or Marker("h", 10)


def compare_command(reports: Sequence[Report], path: str | None = None) -> str:
    files = " ".join(shlex.quote(r.scenario.file or "SCENARIO.yaml") for r in reports)
    return f"negotiation compare {files} --plot {shlex.quote(path or 'compare.png')}"


def plot_compare(
    reports: Sequence[Report], *, path: str | None = None, fig: Figure | None = None
) -> Figure:
    """The compare figure of ``reports`` (not saved; ``path`` only goes into the
    reproduce line). With ``fig`` (an empty figure) it is drawn there, at its size."""
    if not reports:
        raise ValueError("no scenarios to compare")
    with house_style():
        return _draw(compare(reports), path, fig)


def _labels(reports: Sequence[Report]) -> list[str]:
    """Tick labels: the dates when every scenario has its own, else short file stems."""
    dates = [str(r.scenario.date) if r.scenario.date else None for r in reports]
    if all(dates) and len(set(dates)) == len(dates):
        return [str(d) for d in dates]
    out = []
    for r, d in zip(reports, dates):
        s = r.scenario
        stem = os.path.splitext(os.path.basename(s.file))[0] if s.file else s.title
        out.append(f"{d}\n{shorten(stem, 16)}" if d else shorten(stem, 16))
    return out


def _text(comp: Comparison, path: str | None) -> tuple[str, list[str], str]:
    reports = comp.reports
    n = len(reports)
    dates = [str(r.scenario.date) for r in reports if r.scenario.date]
    title = "How the bargaining picture changed" if len(dates) > 1 else "The scenarios side by side"
    sub = [
        f"{n} scenario{'s' if n != 1 else ''}"
        + (f", {dates[0]} to {dates[-1]}" if len(dates) > 1 else "")
        + ": "
        + "; ".join(shorten(r.scenario.title, 60) for r in reports)
    ]
    miss = []
    if comp.left_out_issues:
        miss.append("issues " + ", ".join(comp.left_out_issues))
    if comp.left_out_parties:
        miss.append("parties " + ", ".join(comp.left_out_parties))
    if miss:
        sub.append("Not in every scenario, so not shown: " + "; ".join(miss) + ".")
    files = ", ".join(r.scenario.file or r.scenario.title for r in reports)
    sources: dict[str, Any] = {}
    for r in reports:
        sources.update(r.scenario.sources)
    footer = (
        f"Source: negotiation model of {files}. Evidence: {sources_text(sources)}.\n"
        f"Reproduce: {compare_command(reports, path)}"
    )
    return title, sub, footer


def _handles(comp: Comparison, styles: dict[str, pal.PartyStyle]) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list = [
        Line2D(
            [],
            [],
            color=styles[p].color,
            ls=styles[p].linestyle,
            marker=styles[p].marker,
            ms=6,
            lw=1.8,
            label=f"reservation value of {p}",
        )
        for p in comp.parties
    ]
    if not comp.shared:
        return handles
    handles.append(Patch(fc=pal.RANGE_BAR, ec="none", label="bargaining range (agreement set)"))
    used = {k for r in comp.reports for k, v in r.solutions.items() if v is not None}
    for a in analyses("solution"):
        if a.key in used and a.marker is not None:
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="none",
                    marker=a.marker.symbol,
                    ms=a.marker.size * 0.8,
                    color=pal.INK,
                    label=a.label,
                )
            )
    for group in outcome_groups(comp.reports):
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker=group.marker.symbol,
                ms=group.marker.size * 0.8,
                color=pal.INK,
                label=group.label,
            )
        )
    if any(not r.range.deal_possible for r in comp.reports):
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker=closest_marker().symbol,
                ms=8,
                mfc="white",
                mec=pal.INK,
                label="closest outcome (no deal)",
            )
        )
    return handles


def _draw(comp: Comparison, path: str | None, fig: Figure | None) -> Figure:
    reports = list(comp.reports)
    n = len(reports)
    styles = pal.party_styles(list(comp.parties))
    count = 1 + len(comp.shared)
    ncols = 1 if count == 1 else 2 if count <= 4 else 3
    nrows = -(-count // ncols)
    width = max(10.0, min(16.0, ncols * max(4.2, 1.0 + 0.9 * n)))
    title, sub, footer = _text(comp, path)
    handles = _handles(comp, styles)
    ncol = 4
    leg_lines = legend_rows(len(handles), ncol) if handles else 0
    head = header_height(title, sub, footer, width)
    fig = prepare(fig, width, head + nrows * PANEL_H + leg_lines * 0.26 + 0.5)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, nrows, ncols, body, leg_lines)
    legend_in(lax, handles, ncol)
    axes = grid.ravel()
    for ax in axes[count:]:
        ax.set_visible(False)
    xs = list(range(n))

    ax = axes[0]
    for p in comp.parties:
        sty = styles[p]
        ax.plot(
            xs,
            [r.range.reservation[p] for r in reports],
            color=sty.color,
            ls=sty.linestyle,
            marker=sty.marker,
            ms=7,
            lw=1.8,
            gid=f"reservation:{p}",
        )
    if not comp.parties:
        ax.text(
            0.5,
            0.5,
            "no party is in every scenario",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=pal.MUTED,
        )
    ax.set_title("reservation values", fontsize=12)
    ax.set_ylabel("utility (0 worst to 1 best)")
    for ax, shared in zip(axes[1:], comp.shared):
        _issue_panel(ax, comp, shared)
    labels = _labels(reports)
    for ax in axes[:count]:
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_xticks(
            xs,
            labels,
            fontsize=9 if n <= 4 else 8,
            rotation=0 if n <= 4 else 30,
            ha="center" if n <= 4 else "right",
        )
        ax.grid(False, axis="x")
    return fig


def _issue_panel(ax: Axes, comp: Comparison, shared: SharedIssue) -> None:
    from matplotlib.patches import Rectangle

    name, levels = shared.name, shared.levels or ()
    lo, hi = shared.scale or (0.0, 1.0)
    solutions = [(a.key, a.marker) for a in analyses("solution") if a.marker is not None]
    groups = [g.key for g in outcome_groups(comp.reports)]
    offset = offsets([key for key, _ in solutions] + groups)
    closest = closest_marker()

    def coord(outcome: Any) -> float:
        v = outcome[name]
        if shared.continuous:
            return float(v)
        return float(levels.index(v if isinstance(v, str) else levels[round(float(v))]))

    ax.set_title(name, fontsize=12)
    for x, r in enumerate(comp.reports):
        ir = r.range.issues.get(name)
        deal = r.range.deal_possible
        for a, pkg in model_outcomes(r):
            if name not in pkg.outcome:
                continue
            ax.plot(
                x + offset[f"{a.key}:{pkg.marker.symbol}"],
                coord(pkg.outcome),
                marker=pkg.marker.symbol,
                ms=pkg.marker.size * 0.8,
                color=pal.INK,
                mfc=pal.INK if pkg.acceptable else "white",
                mec=pal.INK if not pkg.acceptable else "white",
                mew=1.2 if not pkg.acceptable else 0.5,
                ls="none",
                zorder=4,
                gid=f"package:{a.key}",
            )
        if shared.continuous:
            if deal and ir is not None and ir.min is not None and ir.max is not None:
                height = max(ir.max - ir.min, (hi - lo) * 0.006)
                ax.add_patch(
                    Rectangle(
                        (x - 0.3, ir.min),
                        0.6,
                        height,
                        facecolor=pal.RANGE_BAR,
                        edgecolor="none",
                        zorder=2,
                        gid=f"range:{name}:{x}",
                    )
                )
        else:
            own = next(i for i in r.scenario.issues if i.name == name)
            for lv in own.levels or ():
                filled = deal and ir is not None and ir.levels is not None and lv in ir.levels
                ax.add_patch(
                    Rectangle(
                        (x - 0.3, levels.index(lv) - 0.35),
                        0.6,
                        0.7,
                        facecolor=pal.RANGE_BAR if filled else "white",
                        edgecolor=pal.RANGE_BAR if filled else "#BBBBBB",
                        ls="-" if filled else "--",
                        lw=0.8,
                        zorder=2,
                    )
                )
        if deal:
            for key, marker in solutions:
                sol = r.solutions.get(key)
                if sol is not None:
                    ax.plot(
                        x + offset[key],
                        coord(sol.outcome),
                        marker=marker.symbol,
                        ms=marker.size * 0.8,
                        color=pal.INK,
                        mec="white",
                        mew=0.5,
                        ls="none",
                        zorder=4,
                        gid=f"solution:{key}",
                    )
            continue
        if r.range.closest is not None:
            ax.plot(
                x,
                coord(r.range.closest.outcome),
                marker=closest.symbol,
                ms=8,
                mfc="white",
                mec=pal.INK,
                ls="none",
                zorder=4,
            )
        ax.text(
            x,
            1.0,
            "no deal",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=9,
            color=pal.WARNING,
            zorder=5,
        )
    if shared.continuous:
        span = hi - lo
        ax.set_ylim(lo - 0.05 * span, hi + 0.12 * span)
        label = issue_label(shared.issue, scale=shared.scale)
        ax.set_ylabel("\n".join(wrap(label, (PANEL_H - 0.9) * 72, 11)[:3]))
    else:
        ax.set_ylim(-0.6, len(levels) - 0.4 + 0.35)
        ax.set_yticks(range(len(levels)), levels)
        ax.grid(False, axis="y")
        ax.set_ylabel(f"{name} (level)")
