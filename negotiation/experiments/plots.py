"""Figures of a sweep in the house style (:mod:`negotiation.plot`).

* :func:`plot_heatmap`: two varied parameters; the colour is a measure (its
  mean over the draws at each grid point), with the deal / no-deal boundary
  (or the zero line of a measure such as a proposal's surplus) drawn over it;
* :func:`plot_line`: one varied parameter; each issue's measures against it
  (a bargaining range as a band, solutions as lines), no-deal stretches shaded;
* :func:`plot_histogram`: Monte Carlo; the distribution of each numeric measure,
  the probability of a deal in the subtitle;
* :func:`plot_tornado`: one-at-a-time; for each parameter, the measure at the
  low and the high end of its range against its value in the scenario, most
  influential first, with the parameters that flip the deal marked;
* :func:`plot_compare`: several Monte Carlo sweeps (e.g. the same experiment
  on the Munich 2025, Berlin 2025 and Munich 2026 scenarios): the probability
  of a deal with its 95% interval, and the distribution of a measure.

:func:`figures` picks the ones that fit a sweep; :func:`save_figures` writes
them as PNG into its directory (``heatmap.png``, ``line.png``,
``histogram.png``, ``tornado.png``). For the brief: :func:`deal_probability`
and :func:`tornado_rows`. Every function takes an open
:class:`~negotiation.experiments.store.Sweep` or a sweep directory, and
``fig=`` to draw into an empty figure of the caller's.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..plot import palette as pal
from ..plot.layout import decorate, header_height, legend_in, legend_rows, panels
from ..plot.theme import house_style, prepare
from .store import Sweep, open_sweep

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

FIGURES = ("heatmap", "line", "histogram", "tornado")


# --------------------------------------------------------------------------- data
def _sweep(s: Sweep | str | os.PathLike) -> Sweep:
    return s if isinstance(s, Sweep) else open_sweep(s)


def _scenario(sweep: Sweep) -> Any:
    """The sweep's scenario, when its file can still be read (for issue units)."""
    path = sweep.experiment.get("scenario_file")
    if not path or not os.path.isfile(path):
        return None
    try:
        from ..scenario import load_scenario

        return load_scenario(path)
    except Exception:
        return None


def measure_label(path: str) -> str:
    """A measure path in words: ``solutions.nash.outcome.territory`` -> ``Nash: territory``."""
    parts = path.split(".")
    try:
        from ..registry import analyses

        sol = {a.key: a.label for a in analyses("solution")}
    except Exception:  # pragma: no cover
        sol = {}
    if path == "deal_possible":
        return "deal possible"
    if path == "closest.min_surplus":
        return "deal margin (smallest surplus at the best outcome)"
    if parts[0] == "solutions" and len(parts) >= 4:
        what = parts[3] if parts[2] == "outcome" else f"utility of {parts[3]}"
        return f"{sol.get(parts[1], parts[1])}: {what}"
    if parts[0] == "solutions" and len(parts) == 3:
        return f"{sol.get(parts[1], parts[1])}: {parts[2]}"
    if parts[0] == "bargaining_range" and len(parts) == 3:
        return f"bargaining range of {parts[1]}: {parts[2]}"
    if parts[0] == "party_range" and len(parts) == 3:
        return f"{parts[1]}'s utility over the agreement set: {parts[2]}"
    if parts[0] == "reservation" and len(parts) == 2:
        return f"reservation value of {parts[1]}"
    if parts[0] == "proposals" and len(parts) == 4 and parts[2] in ("surplus", "utilities"):
        what = "surplus" if parts[2] == "surplus" else "utility"
        return f"{parts[3]}'s {what} from {parts[1]}"
    if parts[0] == "proposals" and len(parts) == 3 and parts[2] == "in_agreement_set":
        return f"{parts[1]} acceptable to every veto party"
    if parts[0] == "proposals" and len(parts) >= 3:
        rest = " ".join(parts[2:]).replace("_", " ")
        return f"{parts[1]}: {rest}"
    if parts[0] == "closest" and len(parts) >= 3:
        return f"closest outcome: {parts[-1]}"
    return path


def _issue_of(path: str) -> str | None:
    """The issue a measure is in the units of (``None``: a utility, a count...)."""
    parts = path.split(".")
    if parts[0] == "bargaining_range" and len(parts) == 3 and parts[2] in ("min", "max"):
        return parts[1]
    if len(parts) >= 4 and parts[-2] == "outcome":
        return parts[-1]
    if parts[0] == "pareto" and len(parts) == 4:
        return parts[2]
    return None


def _group(path: str) -> str:
    issue = _issue_of(path)
    if issue:
        return f"issue:{issue}"
    parts = path.split(".")
    if (
        parts[-1] in ("min_surplus",)
        or parts[0] in ("reservation", "party_range")
        or (len(parts) >= 3 and parts[-2] in ("utilities", "surplus"))
    ):
        return "utility"
    return path


class _Data:
    """What the figures read from a sweep: columns, the vary grid and per-point fields."""

    def __init__(self, sweep: Sweep) -> None:
        self.sweep = sweep
        self.exp = sweep.experiment
        self.columns = sweep.columns
        self.index = {c.name: j for j, c in enumerate(self.columns)}
        self.kind = {c.name: c.kind for c in self.columns}
        self.label = {c.name: (c.label or c.name) for c in self.columns}
        self.measures = [c.name for c in self.columns if c.role == "measure"]
        self.numeric = [m for m in self.measures if self.kind[m] in ("number", "integer")]
        self.bools = [m for m in self.measures if self.kind[m] == "bool"]
        self.vary = self.exp.get("vary") or []
        self.draws = max(int(self.exp["sample"]["draws"]) if self.exp.get("sample") else 1, 1)
        self.shape = tuple(len(v["values"]) for v in self.vary)
        self.scenario = _scenario(sweep)

    def field(self, measure: str) -> np.ndarray:
        """Per grid point, the mean (a number) or the share true (a boolean) of ``measure``
        over the draws, shaped as the vary grid (NaN where nothing is known)."""
        j = self.index[measure]
        size = int(np.prod(self.shape)) if self.shape else 1
        out = np.full(size, np.nan)
        for g, v in self.sweep.store.query(
            f"SELECT point / {self.draws} AS g, AVG(c{j}) FROM results "
            f"WHERE error = '' AND c{j} IS NOT NULL GROUP BY g"
        ):
            if 0 <= int(g) < size:
                out[int(g)] = float(v)
        return out.reshape(self.shape) if self.shape else out

    def values(self, measure: str) -> np.ndarray:
        j = self.index[measure]
        cur = self.sweep.store.con.execute(
            f"SELECT c{j} FROM results WHERE error = '' AND c{j} IS NOT NULL"
        )
        return np.fromiter((float(v) for (v,) in cur), dtype=float)

    def issue_text(self, name: str) -> str:
        s = self.scenario
        if s is not None:
            from ..plot.captions import issue_label

            for issue in s.issues:
                if issue.name == name:
                    return issue_label(issue)
        return name

    def param_label(self, name: str) -> str:
        """A varied parameter on an axis: an issue value with the issue's unit."""
        parts = name.split(".")
        if len(parts) >= 3 and parts[-2] == "outcome" and parts[0] == "proposals":
            return f"{parts[1]}: {self.issue_text(parts[-1])}"
        if len(parts) == 3 and parts[0] == "proposals":
            return f"{parts[1]}: {self.issue_text(parts[-1])}"
        return self.label.get(name, name)

    def axis_label(self, measure: str) -> str:
        issue = _issue_of(measure)
        return self.issue_text(issue) if issue else measure_label(measure)

    def footer(self, kind: str) -> str:
        exp = self.exp
        file = exp.get("file") or "an experiment built in code"
        bits = [f"{self.sweep.store.count():,} points", f"precision {exp.get('precision')}"]
        if exp.get("sample"):
            bits.append(f"{exp['sample']['draws']:,} draws, seed {exp['sample']['seed']}")
        text = (
            f"Source: negotiation sweep of {file} (scenario {exp.get('scenario')}; "
            f"{', '.join(bits)})."
        )
        if exp.get("file"):
            text += (
                f"\nReproduce: negotiation sweep {shlex.quote(exp['file'])} --out DIR"
                f"  (this figure: {kind}.png in DIR)"
            )
        return text

    def subtitle(self, extra: str = "") -> list[str]:
        title = None
        if self.scenario is not None:
            s = self.scenario
            title = f"{s.title} · {s.date or 'undated'}"
        out = [t for t in (title, extra) if t]
        return out


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def _deal_share(data: _Data) -> dict[str, Any] | None:
    if "deal_possible" not in data.measures:
        return None
    j = data.index["deal_possible"]
    n, t = data.sweep.store.query(f"SELECT COUNT(c{j}), SUM(c{j}) FROM results WHERE error = ''")[0]
    n, t = int(n or 0), int(t or 0)
    if not n:
        return None
    p = t / n
    return {
        "probability": p,
        "count": t,
        "of": n,
        "standard_error": float(np.sqrt(p * (1 - p) / n)),
    }


# --------------------------------------------------------------------------- heatmap
def plot_heatmap(
    sweep: Sweep | str | os.PathLike,
    *,
    color: str | None = None,
    boundary: str | list[str] | None = None,
    x: str | None = None,
    y: str | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Two varied parameters: ``color`` (a measure; default the experiment's ``plot.color``
    or its first numeric measure) as a heatmap, and each ``boundary`` measure (default the
    experiment's ``plot.boundary``, or ``deal_possible``) as a line: where a true/false
    measure changes (in half the draws), or where a number's mean crosses 0."""
    data = _Data(_sweep(sweep))
    if len(data.vary) < 2:
        raise ValueError("a heatmap needs two varied parameters")
    hints = data.exp.get("plot") or {}
    names = [v["name"] for v in data.vary]
    x = x or hints.get("x") or names[0]
    y = y or hints.get("y") or next(n for n in names if n != x)
    color = (
        color
        or hints.get("color")
        or (data.numeric[0] if data.numeric else (data.bools[0] if data.bools else None))
    )
    if color is None:
        raise ValueError("no numeric or true/false measure to colour the heatmap with")
    boundary = (
        boundary
        or hints.get("boundary")
        or (["deal_possible"] if "deal_possible" in data.measures else [])
    )
    if isinstance(boundary, str):
        boundary = [boundary]
    with house_style():
        return _heatmap(data, color, list(boundary), x, y, fig)


def _collapse(data: _Data, field: np.ndarray, keep: list[int]) -> np.ndarray:
    """Average a grid field over the varied parameters not in ``keep``, then order axes."""
    drop = tuple(k for k in range(field.ndim) if k not in keep)
    with np.errstate(invalid="ignore"):
        f = np.nanmean(field, axis=drop) if drop else field
    order = sorted(keep)
    return f if order == keep else f.T


def _boundary_style(data: _Data, measure: str, j: int) -> dict[str, Any]:
    """A party's colour for a measure about one party (``proposals.p.surplus.ukraine``),
    otherwise ink with a line style per boundary."""
    parts = measure.split(".")
    names = data.scenario.party_names if data.scenario is not None else []
    if parts[-1] in names:
        st = pal.party_styles(names)[parts[-1]]
        return {"color": st.color, "ls": ["-", "--", ":", "-."][j % 4]}
    return {"color": pal.INK, "ls": ["-", "--", ":", "-."][j % 4]}


def _boundary_label(data: _Data, measure: str) -> str:
    parts = measure.split(".")
    if measure == "deal_possible":
        return "a deal is possible beyond this line"
    if parts[0] == "proposals" and len(parts) == 4 and parts[2] == "surplus":
        return f"{parts[3]} accepts {parts[1]} (surplus 0)"
    if parts[0] == "proposals" and parts[-1] == "in_agreement_set":
        return f"every veto party accepts {parts[1]}"
    if data.kind[measure] == "bool":
        return f"{measure_label(measure)}: changes"
    return f"{measure_label(measure)} = 0"


def _heatmap(
    data: _Data, color: str, boundary: list[str], x: str, y: str, fig: Figure | None
) -> Figure:
    import matplotlib as mpl
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.lines import Line2D

    names = [v["name"] for v in data.vary]
    ix, iy = names.index(x), names.index(y)
    xs = np.asarray(data.vary[ix]["values"], dtype=float)
    ys = np.asarray(data.vary[iy]["values"], dtype=float)
    F = _collapse(data, data.field(color), [iy, ix])  # (ny, nx)
    is_bool = data.kind[color] == "bool"
    title = data.exp.get("title") or measure_label(color)
    explain = (
        f"Colour: {measure_label(color)}"
        + (
            ", share of draws where it is true"
            if is_bool and data.draws > 1
            else f", mean over {data.draws:,} draws"
            if data.draws > 1
            else ""
        )
        + "."
    )
    fields = []
    for b in boundary:
        bf = _collapse(data, data.field(b), [iy, ix])
        level = 0.5 if data.kind[b] == "bool" else 0.0
        fields.append((b, bf, level))
    drawn = [
        b
        for b, bf, level in fields
        if np.isfinite(bf).any() and np.nanmin(bf) < level < np.nanmax(bf)
    ]
    if drawn:
        explain += (
            " Lines: where the measures below change"
            + (" (in half the draws)" if data.draws > 1 else "")
            + "."
        )
    if len(data.vary) > 2:
        explain += " Averaged over the other varied parameters."
    sub = data.subtitle(explain)
    footer = data.footer("heatmap")
    width = 9.0
    head = header_height(title, sub, footer, width)
    fig = prepare(fig, width, head + 5.6)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, 1, 1, body, 1)
    ax = grid[0, 0]
    finite = F[np.isfinite(F)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if is_bool:
        cmap, norm = mpl.colormaps["cividis"], mpl.colors.Normalize(0.0, 1.0)
    elif lo < 0 < hi:
        cmap, norm = mpl.colormaps["PuOr"], TwoSlopeNorm(0.0, lo, hi)
    else:
        cmap, norm = (
            mpl.colormaps["cividis"],
            mpl.colors.Normalize(lo, hi if hi > lo else lo + 1e-9),
        )
    mesh = ax.pcolormesh(
        _edges(xs), _edges(ys), np.ma.masked_invalid(F), cmap=cmap, norm=norm, shading="flat"
    )
    cb = fig.colorbar(mesh, ax=ax, pad=0.02, fraction=0.05)
    cb.set_label(measure_label(color) + (" (share true)" if is_bool else ""), fontsize=10)
    cb.outline.set_visible(False)
    handles = []
    for j, (b, bf, level) in enumerate(fields):
        st = _boundary_style(data, b, j)
        if b in drawn and len(xs) > 1 and len(ys) > 1:
            ax.contour(
                xs,
                ys,
                bf,
                levels=[level],
                colors=[st["color"]],
                linewidths=2.4,
                linestyles=[st["ls"]],
            )
            handles.append(
                Line2D(
                    [], [], color=st["color"], ls=st["ls"], lw=2.4, label=_boundary_label(data, b)
                )
            )
        elif np.isfinite(bf).any():
            state = np.nanmean(bf) >= level
            handles.append(
                Line2D(
                    [],
                    [],
                    color="none",
                    label=(
                        f"{measure_label(b)}: {'true' if state else 'false'} everywhere"
                        if data.kind[b] == "bool"
                        else f"{measure_label(b)}: {'above' if state else 'below'} 0 everywhere"
                    ),
                )
            )
    from ..plot.text import wrap

    ax.set_xlabel("\n".join(wrap(data.param_label(x), 6.5 * 72, 11)))
    ax.set_ylabel("\n".join(wrap(data.param_label(y), 4.6 * 72, 11)))
    ax.grid(False)
    legend_in(lax, handles, min(max(len(handles), 1), 2))
    return fig


def _edges(v: np.ndarray) -> np.ndarray:
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


# --------------------------------------------------------------------------- line
def plot_line(
    sweep: Sweep | str | os.PathLike, *, x: str | None = None, fig: Figure | None = None
) -> Figure:
    """One varied parameter (``x``): each group of measures against it, one panel per issue
    (and one for utilities); no-deal stretches shaded."""
    data = _Data(_sweep(sweep))
    if not data.vary:
        raise ValueError("a line plot needs a varied parameter")
    x = x or (data.exp.get("plot") or {}).get("x") or data.vary[0]["name"]
    with house_style():
        return _line(data, x, fig)


def _line(data: _Data, x: str, fig: Figure | None) -> Figure:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    names = [v["name"] for v in data.vary]
    ix = names.index(x)
    xs = np.asarray(data.vary[ix]["values"], dtype=float)
    groups: dict[str, list[str]] = {}
    for m in data.numeric:
        groups.setdefault(_group(m), []).append(m)
    order = sorted(groups, key=lambda g: (not g.startswith("issue:"), g != "utility"))
    order = order[:3] or ["deal"]
    deal = None
    if "deal_possible" in data.measures:
        deal = _collapse(data, data.field("deal_possible"), [ix])
    title = data.exp.get("title") or f"What {data.label[x]} changes"
    has_band = any(m.startswith("bargaining_range.") for m in data.numeric)
    explain = "Band: the bargaining range (values found in some agreement). " if has_band else ""
    if data.draws > 1:
        explain = f"Means over {data.draws:,} draws per value. " + explain
    if deal is not None and (deal < 0.5).any():
        explain += "Shaded: no deal" + (" in most draws." if data.draws > 1 else ".")
    elif deal is not None:
        explain += (
            "A deal is possible " + ("in most draws " if data.draws > 1 else "") + "at every value."
        )
    sub = data.subtitle(explain)
    footer = data.footer("line")
    width = 9.5
    n = len(order)
    head = header_height(title, sub, footer, width)
    n_items = sum(len(groups.get(g, [])) for g in order) + 2
    leg_lines = legend_rows(n_items, 2)
    fig = prepare(fig, width, head + 3.0 * n + 0.4 + 0.26 * leg_lines)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, n, 1, body, leg_lines, sharex=True)
    handles: list[Any] = []
    seen: set[str] = set()
    colors = list(pal.PALETTE)
    k = 0
    for row, g in enumerate(order):
        ax = grid[row, 0]
        ms = groups.get(g, [])
        if deal is not None:
            _shade_no_deal(ax, xs, deal)
        lo = next((m for m in ms if m.endswith(".min") and m.startswith("bargaining_range")), None)
        hi = next((m for m in ms if m.endswith(".max") and m.startswith("bargaining_range")), None)
        if lo and hi:
            ylo = _collapse(data, data.field(lo), [ix])
            yhi = _collapse(data, data.field(hi), [ix])
            ax.fill_between(xs, ylo, yhi, color=pal.HIGHLIGHT, lw=0, zorder=1)
            ax.plot(xs, ylo, color=pal.HIGHLIGHT_EDGE, lw=1.0, zorder=2)
            ax.plot(xs, yhi, color=pal.HIGHLIGHT_EDGE, lw=1.0, zorder=2)
            if "band" not in seen:
                handles.append(
                    Patch(fc=pal.HIGHLIGHT, ec=pal.HIGHLIGHT_EDGE, label="bargaining range")
                )
                seen.add("band")
        for m in ms:
            if m in (lo, hi):
                continue
            yv = _collapse(data, data.field(m), [ix])
            c = colors[k % len(colors)]
            k += 1
            ax.plot(xs, yv, color=c, marker="o", ms=4, lw=2.0, zorder=3)
            handles.append(
                Line2D([], [], color=c, marker="o", ms=4, lw=2.0, label=measure_label(m))
            )
        if g.startswith("issue:"):
            ax.set_title(data.issue_text(g[6:]), fontsize=10.5)
            ax.set_ylabel(g[6:], fontsize=10)
        elif g == "utility":
            ax.set_title("utilities (each party's scale: 0 worst, 1 best)", fontsize=10.5)
            ax.set_ylabel("utility", fontsize=10)
            ax.axhline(0.0, color=pal.FAINT, lw=0.8, zorder=1)
        elif g == "deal" and deal is not None:
            ax.step(xs, deal, where="mid", color=pal.INK, lw=2.0)
            ax.set_ylabel("deal possible" + (" (share)" if data.draws > 1 else ""))
            ax.set_ylim(-0.05, 1.05)
        else:
            ax.set_ylabel(measure_label(g), fontsize=10)
    if deal is not None and (deal < 0.5).any():
        handles.append(Patch(fc="#F3DCD0", ec="none", label="no deal"))
    grid[-1, 0].set_xlabel(data.param_label(x))
    legend_in(lax, handles, _legend_columns(handles, width))
    return fig


def _legend_columns(handles: list[Any], width: float) -> int:
    """As many legend columns as fit the figure's width."""
    from ..plot.text import text_width

    if not handles:
        return 1
    widest = max(text_width(h.get_label(), 9.5) for h in handles) / 72 + 0.7
    return max(1, min(len(handles), int((width - 0.4) // widest)))


def _shade_no_deal(ax: Any, xs: np.ndarray, deal: np.ndarray) -> None:
    if len(xs) == 0:
        return
    edges = _edges(xs)
    for j, v in enumerate(deal):
        if np.isfinite(v) and v < 0.5:
            ax.axvspan(edges[j], edges[j + 1], color="#F3DCD0", lw=0, zorder=0)


# --------------------------------------------------------------------------- histogram
def plot_histogram(
    sweep: Sweep | str | os.PathLike,
    *,
    measures: list[str] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Monte Carlo: the distribution of each numeric measure (at most four panels)."""
    data = _Data(_sweep(sweep))
    ms = measures or (data.exp.get("plot") or {}).get("histogram")
    if isinstance(ms, str):
        ms = [ms]
    ms = list(ms or data.numeric)[:4]
    with house_style():
        return _histogram(data, ms, fig)


def _histogram(data: _Data, ms: list[str], fig: Figure | None) -> Figure:
    from matplotlib.lines import Line2D

    deal = _deal_share(data)
    draws = data.draws
    title = data.exp.get("title") or "What the draws give"
    explain = f"{draws:,} draws of the uncertain parameters."
    if deal:
        explain = (
            f"Probability of a deal: {deal['probability']:.1%} ({deal['count']:,} of "
            f"{deal['of']:,} draws; standard error {deal['standard_error']:.1%}). "
            "Distributions over the draws with a deal."
        )
    sub = data.subtitle(explain)
    footer = data.footer("histogram")
    n = max(len(ms), 1)
    ncols = 2 if n > 1 else 1
    nrows = -(-n // ncols)
    width = 10.0 if ncols == 2 else 8.0
    head = header_height(title, sub, footer, width)
    fig = prepare(fig, width, head + 3.0 * nrows + 0.6)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, nrows, ncols, body, 1)
    axes = grid.ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    from ..plot.text import wrap

    panel_w = width / ncols - 0.9
    for ax, m in zip(axes, ms):
        v = data.values(m)
        ax.set_title(measure_label(m), fontsize=11)
        if not v.size:
            ax.text(
                0.5,
                0.5,
                "no values (no deal in any draw)",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=pal.MUTED,
            )
            continue
        lo, hi, outside = _view(v)
        _distribution(ax, v, lo, hi)
        q = np.quantile(v, [0.05, 0.5, 0.95])
        ax.axvline(q[1], color=pal.INK, lw=1.8)
        for qq in (q[0], q[2]):
            ax.axvline(qq, color=pal.INK, lw=1.0, ls="--")
        ax.set_xlabel("\n".join(wrap(data.axis_label(m), panel_w * 72, 9.5)), fontsize=9.5)
        ax.set_ylabel("draws", fontsize=9.5)
        note = f"median {_fmt(float(q[1]))}\n90%: {_fmt(float(q[0]))} to {_fmt(float(q[2]))}"
        if outside:
            below = int((v < lo).sum())
            note += f"\n{outside:,} draws outside the view" + (
                f" ({below:,} at {_fmt(float(v.min()))} or near)" if below else ""
            )
        right = q[1] < (lo + hi) / 2  # the note goes on the emptier side
        ax.text(
            0.98 if right else 0.02,
            0.96,
            note,
            transform=ax.transAxes,
            ha="right" if right else "left",
            va="top",
            fontsize=8.5,
            color=pal.MUTED,
            bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1.5},
            zorder=5,
        )
    handles = [
        Line2D([], [], color=pal.INK, lw=1.8, label="median"),
        Line2D([], [], color=pal.INK, lw=1.0, ls="--", label="5% and 95%"),
    ]
    legend_in(lax, handles, 2)
    return fig


def _view(v: np.ndarray) -> tuple[float, float, int]:
    """The range to show: everything, unless at most 6% of the draws lie far from the rest
    (then the middle 94% and a margin); and how many draws that leaves outside."""
    lo, hi = float(v.min()), float(v.max())
    a, b = (float(x) for x in np.quantile(v, [0.03, 0.97]))
    span = b - a if b > a else (hi - lo) * 0.1
    if span <= 0:
        return lo, hi, 0
    lo2, hi2 = max(lo, a - 0.35 * span), min(hi, b + 0.35 * span)
    if (hi - lo) > 2.5 * (hi2 - lo2):
        outside = int(((v < lo2) | (v > hi2)).sum())
        if outside <= 0.06 * v.size:
            return lo2, hi2, outside
    return lo, hi, 0


def _distribution(ax: Any, v: np.ndarray, lo: float, hi: float) -> None:
    """Counts per value when the draws take few values (grid outcomes), else a histogram."""
    inside = v[(v >= lo) & (v <= hi)]
    uniq, counts = np.unique(inside, return_counts=True)
    if 1 < len(uniq) <= 60:
        step = min(float(np.median(np.diff(uniq))), (hi - lo) / 25 if hi > lo else 1.0)
        ax.bar(uniq, counts, width=step * 0.8, color=pal.ACCENT, lw=0, alpha=0.9)
    else:
        edge = hi if hi > lo else lo + 1e-9
        ax.hist(inside, bins=np.linspace(lo, edge, 41), color=pal.ACCENT, alpha=0.9, lw=0)
    pad = 0.02 * (hi - lo) if hi > lo else 0.5
    ax.set_xlim(lo - pad, hi + pad)


# --------------------------------------------------------------------------- tornado
def tornado_rows(
    sweep: Sweep | str | os.PathLike, n: int = 10, measure: str | None = None
) -> list[dict[str, Any]]:
    """The ``n`` most influential parameters of a one-at-a-time sweep, most influential
    first: ``label``, ``low``/``high`` (the range), ``baseline`` and ``at_low``/``at_high``
    of ``measure`` (default: the first numeric one) and ``flips`` (ends at which
    ``deal_possible`` differs from the scenario as it is)."""
    sw = _sweep(sweep)
    summary = sw.summary()
    rows = summary.get("tornado") or []
    data = _Data(sw)
    measure = measure or (data.numeric[0] if data.numeric else None)
    out = []
    for e in rows[:n]:
        m = e["measures"].get(measure, {}) if measure else {}
        out.append(
            {
                "parameter": e["parameter"],
                "label": e["label"],
                "low": e["low"],
                "high": e["high"],
                "value": e.get("baseline"),
                "measure": measure,
                "baseline": m.get("baseline"),
                "at_low": m.get("at_low"),
                "at_high": m.get("at_high"),
                "swing": m.get("swing"),
                "flips": e.get("flips", 0),
            }
        )
    return out


def plot_tornado(
    sweep: Sweep | str | os.PathLike,
    *,
    measures: list[str] | None = None,
    n: int = 15,
    frame: bool = True,
    fig: Figure | None = None,
) -> Figure:
    """One-at-a-time: a tornado chart per numeric measure (at most two, side by side).

    ``frame=False`` leaves out title and source line (for the brief, whose caption
    carries them)."""
    sw = _sweep(sweep)
    data = _Data(sw)
    summary = sw.summary()
    ms = list(measures or data.numeric)[:2]
    if not ms:
        raise ValueError("a tornado chart needs a numeric measure")
    with house_style():
        return _tornado(data, summary.get("tornado") or [], ms, n, frame, fig)


def _tornado(
    data: _Data, rows: list[dict[str, Any]], ms: list[str], n: int, frame: bool, fig: Figure | None
) -> Figure:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = [
        e
        for e in rows
        if any((e["measures"].get(m, {}).get("swing") or 0) > 1e-12 for m in ms) or e.get("flips")
    ][:n]
    from ..plot.text import text_width, wrap

    size = 9.5 if frame else 8.0
    labels = [
        "\n".join(
            wrap(f"{e['label']} [{e['low']:g}, {e['high']:g}]", (2.9 if frame else 2.3) * 72, size)
        )
        for e in rows
    ] or ["(none)"]
    R = len(labels)
    longest = max(text_width(part, size) for lb in labels for part in lb.split("\n")) / 72
    lines_per_row = max(lb.count("\n") + 1 for lb in labels)
    row_h = (0.3 if frame else 0.26) + (0.13 if frame else 0.11) * (lines_per_row - 1)
    low_c, high_c = pal.OKABE_ITO["sky blue"], pal.OKABE_ITO["vermillion"]
    title = data.exp.get("title") or "Which assumptions the conclusion depends on"
    explain = (
        "Each assumption alone at the low (blue) and high (red) end of its range, "
        "the others as in the scenario; bars run from the scenario's value. "
        "★: moving it alone flips whether a deal is possible."
    )
    footer = data.footer("tornado")
    if frame:
        width = min(max(4.0 * len(ms) + longest + 0.9, 9.0), 15.0)
        sub = data.subtitle(explain)
        head = header_height(title, sub, footer, width)
        fig = prepare(fig, width, head + row_h * R + 1.8)
        body = decorate(fig, title, sub, footer)
    else:
        width = 7.2
        fig = prepare(fig, width, row_h * R + 1.9)
        body = float(fig.get_size_inches()[1])
    grid, lax = panels(fig, 1, len(ms), body, 1, sharey=True)
    for col, m in enumerate(ms):
        ax = grid[0, col]
        base = None
        for j, e in enumerate(rows):
            mm = e["measures"].get(m, {})
            b, lo, hi = mm.get("baseline"), mm.get("at_low"), mm.get("at_high")
            if b is None:
                continue
            base = b
            yy = R - 1 - j
            ends = [(v, c) for v, c in ((lo, low_c), (hi, high_c)) if v is not None]
            for v, c in sorted(ends, key=lambda vc: -abs(vc[0] - b)):  # the longer first
                ax.barh(yy, v - b, left=b, height=0.62, color=c, lw=0, zorder=2)
            if e.get("flips") and col == 0:
                ax.plot([b], [yy], marker="*", ms=11, color=pal.WARNING, zorder=4, ls="none")
        if base is not None:
            ax.axvline(base, color=pal.INK, lw=1.2, zorder=3)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(5))
        panel = 3.8 if frame else (width - longest - 0.6) / len(ms) - 0.2
        ax.set_title(
            "\n".join(wrap(measure_label(m), panel * 72, 11 if frame else 9)),
            fontsize=11 if frame else 9,
        )
        xlabel = data.axis_label(m) if frame else (_issue_of(m) or measure_label(m))
        ax.set_xlabel("\n".join(wrap(xlabel, panel * 72, size)), fontsize=size)
        ax.tick_params(axis="x", labelsize=size)
        ax.grid(False, axis="y")
        ax.set_yticks(range(R), labels[::-1], fontsize=size)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, R - 0.4)
    handles = [
        Patch(fc=low_c, ec="none", label="at the low end"),
        Patch(fc=high_c, ec="none", label="at the high end"),
        Line2D([], [], color=pal.INK, lw=1.2, label="scenario as it is"),
    ]
    if any(e.get("flips") for e in rows):
        handles.append(
            Line2D([], [], marker="*", ms=11, color=pal.WARNING, ls="none", label="flips the deal")
        )
    legend_in(lax, handles, len(handles), fontsize=9.5 if frame else 8.0)
    return fig


# --------------------------------------------------------------------------- several sweeps
def deal_probability(sweep: Sweep | str | os.PathLike) -> dict[str, Any] | None:
    """``{"probability", "count", "of", "standard_error"}`` of ``deal_possible`` over the
    sweep's points (``None`` when it is not measured)."""
    return _deal_share(_Data(_sweep(sweep)))


def plot_compare(
    sweeps: list[Sweep | str | os.PathLike],
    *,
    measures: list[str] | None = None,
    labels: list[str] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Several Monte Carlo sweeps side by side: the probability of a deal (95% interval)
    and the distribution of up to two ``measures`` (default: the deal margin and the Nash
    solution's first issue, when measured)."""
    datas = [_Data(_sweep(s)) for s in sweeps]
    shared = [m for m in datas[0].numeric if all(m in d.numeric for d in datas)]
    if measures is None:
        picked: list[str | None] = [m for m in shared if m == "closest.min_surplus"]
        picked += [
            next((m for m in shared if m.startswith("solutions.nash.outcome.")), None)
            or next((m for m in shared if m not in picked), None)
        ]
        measures = [m for m in picked if m][:2]
    with house_style():
        return _compare(datas, measures, labels, fig)


def _compare(
    datas: list[_Data], measures: list[str], labels: list[str] | None, fig: Figure | None
) -> Figure:
    from ..plot.text import wrap

    names = labels or [
        (
            d.scenario.date
            if d.scenario is not None and d.scenario.date
            else os.path.basename(d.sweep.directory)
        )
        for d in datas
    ]
    title = "How the prospects of a deal moved"
    explain = (
        "Each scenario's assumptions drawn over their ranges. Left: share of draws in "
        "which a deal exists (95% interval); then the distribution over the draws of "
        + " and of ".join(measure_label(m) for m in measures)
        + "."
    )
    sub = [explain]
    files = ", ".join(d.exp.get("file") or "?" for d in datas)
    footer = f"Source: negotiation sweep of {files}."
    ncols = 1 + len(measures)
    width = 4.2 * ncols + 0.6
    head = header_height(title, sub, footer, width)
    fig = prepare(fig, width, head + 4.4)
    body = decorate(fig, title, sub, footer)
    grid, lax = panels(fig, 1, ncols, body, 0)
    ax = grid[0, 0]
    xs = np.arange(len(datas))
    for j, d in enumerate(datas):
        deal = _deal_share(d)
        if deal is None:
            continue
        p, se = deal["probability"], deal["standard_error"]
        ax.bar(j, p, color=pal.ACCENT, width=0.6, zorder=2)
        ax.errorbar(j, p, yerr=1.96 * se, color=pal.INK, capsize=5, lw=1.4, zorder=3)
        ax.text(
            j, min(p + 1.96 * se + 0.03, 1.02), f"{p:.1%}", ha="center", va="bottom", fontsize=10
        )
    ax.set_xticks(xs, names)
    ax.set_ylim(0, 1.12)
    ax.set_title("probability of a deal", fontsize=11)
    ax.grid(False, axis="x")
    panel_w = width / ncols - 0.8
    for col, m in enumerate(measures, start=1):
        ax2 = grid[0, col]
        vals = [d.values(m) for d in datas]
        keep = [j for j, v in enumerate(vals) if v.size]
        if keep:
            allv = np.concatenate([vals[j] for j in keep])
            lo, hi, _ = _view(allv)
            parts = ax2.violinplot(
                [vals[j][(vals[j] >= lo) & (vals[j] <= hi)] for j in keep],
                positions=list(keep),
                showmedians=True,
                widths=0.7,
            )
            for body_ in parts["bodies"]:
                body_.set_facecolor(pal.ACCENT)
                body_.set_alpha(0.55)
            for key in ("cmedians", "cmins", "cmaxes", "cbars"):
                if key in parts:
                    parts[key].set_color(pal.INK)
                    parts[key].set_linewidth(1.0)
            out = int(((allv < lo) | (allv > hi)).sum())
            if out:
                ax2.text(
                    0.02,
                    0.02,
                    f"{out:,} draws outside the view",
                    transform=ax2.transAxes,
                    fontsize=8.5,
                    color=pal.MUTED,
                    va="bottom",
                )
            for j in keep:
                med = float(np.median(vals[j]))
                ax2.annotate(
                    _fmt(med),
                    (j, med),
                    xytext=(8, 0),
                    textcoords="offset points",
                    fontsize=8.5,
                    va="center",
                    color=pal.INK,
                )
            pad = 0.05 * (hi - lo) if hi > lo else 0.5
            ax2.set_ylim(lo - pad, hi + pad)
        ax2.set_xticks(xs, names)
        ax2.set_title("\n".join(wrap(measure_label(m), panel_w * 72, 11)), fontsize=11)
        issue = _issue_of(m)
        if issue:
            ax2.set_ylabel(issue, fontsize=10)
        ax2.grid(False, axis="x")
    return fig


# --------------------------------------------------------------------------- all of them
def figures(sweep: Sweep | str | os.PathLike) -> dict[str, Figure]:
    """Every figure that fits the sweep: ``heatmap`` (two or more varied parameters),
    ``line`` (varied parameters), ``histogram`` (draws without a grid), ``tornado``
    (one at a time)."""
    sw = _sweep(sweep)
    data = _Data(sw)
    out: dict[str, Any] = {}
    if sw.store.count() == 0:
        return out
    if len(data.vary) >= 2 and (data.numeric or data.bools):
        out["heatmap"] = plot_heatmap(sw)
    if len(data.vary) == 1 or (len(data.vary) > 2 and data.numeric):
        out["line"] = plot_line(sw)
    if data.exp.get("sample") and not data.vary and data.numeric:
        out["histogram"] = plot_histogram(sw)
    if data.exp.get("one_at_a_time") and data.numeric:
        out["tornado"] = plot_tornado(sw)
    return out


#: Figure kinds of a sweep (for ``negotiation plot DIR --kind KIND``): kind -> function.
KINDS: dict[str, Callable[..., Figure]] = {
    "heatmap": plot_heatmap,
    "line": plot_line,
    "histogram": plot_histogram,
    "tornado": plot_tornado,
}


def figure(sweep: Sweep | str | os.PathLike, kind: str | None = None, **kwargs: Any) -> Figure:
    """One figure of a sweep: ``kind`` from :data:`KINDS`, or the first that fits it."""
    if kind is None:
        figs = figures(sweep)
        if not figs:
            raise ValueError("no figure fits this sweep (no points yet?)")
        return next(iter(figs.values()))
    if kind not in KINDS:
        raise ValueError(f"unknown sweep figure {kind!r}; choose one of {', '.join(KINDS)}")
    return KINDS[kind](sweep, **kwargs)


def for_brief(sweep: Sweep | str | os.PathLike, n: int = 5) -> dict[str, Any]:
    """What ``negotiation brief FILE --sweep DIR`` uses from a sweep.

    ``deal``: :func:`deal_probability` (``None`` when ``deal_possible`` is not measured);
    ``tornado``: :func:`tornado_rows` (the ``n`` assumptions the conclusion depends on
    most; empty unless the sweep is one-at-a-time); ``figure``: the compact tornado
    (``frame=False``) or ``None``; ``title``, ``experiment`` (file), ``draws``,
    ``command`` (to regenerate the sweep).
    """
    sw = _sweep(sweep)
    exp = sw.experiment
    tornado = tornado_rows(sw, n) if exp.get("one_at_a_time") else []
    data = _Data(sw)
    fig = plot_tornado(sw, n=n, frame=False) if tornado and data.numeric else None
    file = exp.get("file")
    return {
        "title": exp.get("title"),
        "experiment": file,
        "deal": deal_probability(sw),
        "draws": (exp.get("sample") or {}).get("draws"),
        "tornado": tornado,
        "figure": fig,
        "command": (f"negotiation sweep {shlex.quote(file)} --out DIR" if file else None),
    }


def save_figures(
    sweep: Sweep | str | os.PathLike,
    directory: str | None = None,
    *,
    summary: dict[str, Any] | None = None,
    prefix: str = "",
) -> list[str]:
    """Write :func:`figures` as PNG into ``directory`` (default: the sweep's); returns the
    paths."""
    from ..plot.save import save

    sw = _sweep(sweep)
    d = directory or sw.directory
    paths = []
    for name, fig in figures(sw).items():
        paths.append(save(fig, os.path.join(d, f"{prefix}{name}.png")))
    return paths


__all__ = [
    "FIGURES",
    "KINDS",
    "deal_probability",
    "figure",
    "figures",
    "for_brief",
    "measure_label",
    "plot_compare",
    "plot_heatmap",
    "plot_histogram",
    "plot_line",
    "plot_tornado",
    "save_figures",
    "tornado_rows",
]
