"""Figure ``compare``: several scenarios (usually dated snapshots) side by side.

One column position per scenario, in date order (undated ones last, in the
order given). Panels:

* reservation values: one line per party (party colour, marker and style);
* each continuous issue: the bargaining range over the agreement set as a
  bar per scenario, the solutions as markers (same markers as everywhere),
  "no deal" (and the closest outcome) where there is none;
* each discrete issue: a strip of levels per scenario, filled where the
  level occurs in some agreement, with the solutions as markers.

Only the parties and issues present in every scenario are drawn (an issue
must also be of the same kind everywhere); the rest is named in the subtitle.
Used by ``negotiation compare FILE... --plot PATH``.
"""

from __future__ import annotations

import os
import shlex
from typing import TYPE_CHECKING, Sequence

from ..solve.cooperative import SOLUTIONS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..report import Report

#: Horizontal offsets of the solution markers around a scenario's position.
OFFSETS = dict(zip(SOLUTIONS, (-0.24, -0.12, 0.0, 0.12, 0.24)))


def order(reports: Sequence["Report"]) -> list["Report"]:
    """Reports by date (ISO dates sort as text); undated ones last, as given."""
    dated = [r for r in reports if r.scenario.date]
    undated = [r for r in reports if not r.scenario.date]
    return sorted(dated, key=lambda r: str(r.scenario.date)) + undated


def common(reports: Sequence["Report"]):
    """Common parties, common issues (same kind; levels merged) and what was left out."""
    first = reports[0].scenario
    parties = [n for n in first.party_names
               if all(n in r.scenario.party_names for r in reports)]
    issues = []
    left_out: list[str] = []
    all_issue_names: list[str] = []
    for r in reports:
        for i in r.scenario.issues:
            if i.name not in all_issue_names:
                all_issue_names.append(i.name)
    for name in all_issue_names:
        found = [next((i for i in r.scenario.issues if i.name == name), None) for r in reports]
        if any(f is None for f in found) or len({f.continuous for f in found}) != 1:
            left_out.append(name)
            continue
        if found[0].continuous:
            lo = min(f.range[0] for f in found)
            hi = max(f.range[1] for f in found)
            issues.append((name, True, (lo, hi), None, found[0]))
        else:
            levels: list[str] = []
            for f in found:
                levels += [lv for lv in f.levels if lv not in levels]
            issues.append((name, False, None, tuple(levels), found[0]))
    all_parties = []
    for r in reports:
        all_parties += [n for n in r.scenario.party_names if n not in all_parties]
    left_out_parties = [n for n in all_parties if n not in parties]
    return parties, issues, left_out, left_out_parties


def compare_command(reports: Sequence["Report"], path: str | None = None) -> str:
    files = " ".join(shlex.quote(r.scenario.file or "SCENARIO.yaml") for r in reports)
    return f"negotiation compare {files} --plot {shlex.quote(path or 'compare.png')}"


def figure_compare(reports: Sequence["Report"], path: str | None = None) -> "Figure":
    """The compare figure (not saved); ``path`` only goes into the reproduce line."""
    from . import style as st

    if not reports:
        from ..errors import ScenarioError
        raise ScenarioError("no scenarios to compare")
    with st.house_style():
        return _draw(list(reports), path, st)


def plot_compare(reports: Sequence["Report"], path: str) -> "Figure":
    """Draw the compare figure of ``reports`` and save it to ``path`` (.png/.svg/.pdf)."""
    from .style import output_format, save

    output_format(path)
    fig = figure_compare(reports, path)
    save(fig, path)
    return fig


def _labels(reports: Sequence["Report"]) -> list[str]:
    """Tick labels: the dates when every scenario has its own, else short file stems."""
    dates = [str(r.scenario.date) if r.scenario.date else None for r in reports]
    if all(dates) and len(set(dates)) == len(dates):
        return dates  # type: ignore[return-value]
    from .style import shorten

    out = []
    for r, d in zip(reports, dates):
        s = r.scenario
        stem = os.path.splitext(os.path.basename(s.file))[0] if s.file else s.title
        out.append(f"{d}\n{shorten(stem, 16)}" if d else shorten(stem, 16))
    return out


def _draw(reports: list["Report"], path: str | None, st) -> "Figure":
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    from ..report import SOLUTION_LABELS

    reports = order(reports)
    n = len(reports)
    parties, issues, left_issues, left_parties = common(reports)
    styles = st.party_styles(parties)
    panels = 1 + len(issues)
    ncols = 1 if panels == 1 else 2 if panels <= 4 else 3
    nrows = -(-panels // ncols)
    width = max(10.0, min(16.0, ncols * max(4.2, 1.0 + 0.9 * n)))

    dates = [str(r.scenario.date) for r in reports if r.scenario.date]
    title = "How the bargaining picture changed" if len(dates) > 1 else \
        "The scenarios side by side"
    sub = [f"{n} scenario{'s' if n != 1 else ''}"
           + (f", {dates[0]} to {dates[-1]}" if len(dates) > 1 else "")
           + ": " + "; ".join(st.shorten(r.scenario.title, 60) for r in reports)]
    if left_issues or left_parties:
        miss = []
        if left_issues:
            miss.append("issues " + ", ".join(left_issues))
        if left_parties:
            miss.append("parties " + ", ".join(left_parties))
        sub.append("Not in every scenario, so not shown: " + "; ".join(miss) + ".")
    files = ", ".join(r.scenario.file or r.scenario.title for r in reports)
    srcs: dict = {}
    for r in reports:
        srcs.update(r.scenario.sources)
    from types import SimpleNamespace
    footer = (f"Source: negotiation model of {files}. Evidence: "
              f"{st.sources_text(SimpleNamespace(sources=srcs))}.\n"
              f"Reproduce: {compare_command(reports, path)}")

    used = set()
    for r in reports:
        used |= {k for k, v in r.solutions.items() if v is not None}
    handles = [Line2D([], [], color=styles[p].color, ls=styles[p].linestyle,
                      marker=styles[p].marker, ms=6, lw=1.8, label=f"reservation value of {p}")
               for p in parties]
    if issues:
        handles.append(Patch(fc=st.RANGE_BAR, ec="none",
                             label="bargaining range (agreement set)"))
    for key in SOLUTIONS:
        if key in used and issues:
            sty = st.SOLUTION_STYLE[key]
            handles.append(Line2D([], [], ls="none", marker=sty["marker"],
                                  ms=sty["size"] * 0.8, color=st.INK,
                                  label=SOLUTION_LABELS.get(key, key)))
    if issues and any(not r.range.deal_possible for r in reports):
        handles.append(Line2D([], [], ls="none", marker=st.CLOSEST_STYLE["marker"], ms=8,
                              mfc="white", mec=st.INK, label="closest outcome (no deal)"))
    ncol = 4
    leg_lines = st.legend_rows(len(handles), ncol) if handles else 0
    head = st.header_height(title, sub, footer, width)
    panel_h = 3.4
    fig = st.new_figure(width, head + nrows * panel_h + leg_lines * 0.26 + 0.5)
    body = st.decorate(fig, title, sub, footer)
    grid, lax = st.panels(fig, nrows, ncols, body, leg_lines)
    if lax is not None:
        st.legend_in(lax, handles, ncol)
    axes = grid.ravel()
    for ax in axes[panels:]:
        ax.set_visible(False)
    xs = list(range(n))
    labels = _labels(reports)

    ax = axes[0]
    for p in parties:
        ys = [r.range.reservation[p] for r in reports]
        sty = styles[p]
        ax.plot(xs, ys, color=sty.color, ls=sty.linestyle, marker=sty.marker, ms=7, lw=1.8,
                gid=f"reservation:{p}")
    if not parties:
        ax.text(0.5, 0.5, "no party is in every scenario", transform=ax.transAxes,
                ha="center", va="center", color=st.MUTED)
    ax.set_title("reservation values", fontsize=12)
    ax.set_ylabel("utility (0 worst to 1 best)")

    for ax, (name, continuous, rng, levels, issue) in zip(axes[1:], issues):
        ax.set_title(name, fontsize=12)
        for x, r in zip(xs, reports):
            own = next(i for i in r.scenario.issues if i.name == name)
            ir = r.range.issues.get(name)
            deal = r.range.deal_possible

            def coord(outcome) -> float:
                v = outcome[name]
                return float(levels.index(v)) if not continuous else float(v)

            if continuous:
                if deal and ir is not None:
                    lo, hi = ir.min, ir.max
                    span = rng[1] - rng[0]
                    ax.add_patch(Rectangle((x - 0.3, lo), 0.6, max(hi - lo, span * 0.006),
                                           facecolor=st.RANGE_BAR, edgecolor="none", zorder=2,
                                           gid=f"range:{name}:{x}"))
            else:
                for lv in own.levels:
                    j = levels.index(lv)
                    filled = deal and ir is not None and ir.levels is not None \
                        and lv in ir.levels
                    ax.add_patch(Rectangle((x - 0.3, j - 0.35), 0.6, 0.7,
                                           facecolor=st.RANGE_BAR if filled else "white",
                                           edgecolor=st.RANGE_BAR if filled else "#BBBBBB",
                                           ls="-" if filled else "--", lw=0.8, zorder=2))
            if deal:
                for key in SOLUTIONS:
                    sol = r.solutions.get(key)
                    if sol is None:
                        continue
                    sty = st.SOLUTION_STYLE[key]
                    ax.plot(x + OFFSETS[key], coord(sol.outcome), marker=sty["marker"],
                            ms=sty["size"] * 0.8, color=st.INK, mec="white", mew=0.5,
                            ls="none", zorder=4, gid=f"solution:{key}")
            else:
                if r.range.closest is not None:
                    ax.plot(x, coord(r.range.closest.outcome), marker=st.CLOSEST_STYLE["marker"],
                            ms=8, mfc="white", mec=st.INK, ls="none", zorder=4)
                ax.text(x, 1.0, "no deal", transform=ax.get_xaxis_transform(), ha="center",
                        va="top", fontsize=9, color="#A33B00", zorder=5)
        if continuous:
            span = rng[1] - rng[0]
            ax.set_ylim(rng[0] - 0.05 * span, rng[1] + 0.12 * span)
            label = st.issue_label(issue).replace(
                f"scale {issue.range[0]:g} to {issue.range[1]:g}",
                f"scale {rng[0]:g} to {rng[1]:g}")
            ax.set_ylabel("\n".join(st.wrap(label, (panel_h - 0.9) * 72, 11)[:3]))
        else:
            ax.set_ylim(-0.6, len(levels) - 0.4 + 0.35)
            ax.set_yticks(range(len(levels)), levels)
            ax.grid(False, axis="y")
            ax.set_ylabel(f"{name} (level)")
    for ax in axes[:panels]:
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_xticks(xs, labels, fontsize=9 if n <= 4 else 8,
                      rotation=0 if n <= 4 else 30, ha="center" if n <= 4 else "right")
        ax.grid(False, axis="x")
    return fig
