"""What the figures of a sweep read from it: its columns, the grid of its varied
parameters, per-point fields, labels of measures in words, the share of draws with a deal."""

from __future__ import annotations

import os
import shlex
from typing import TYPE_CHECKING, Any

import numpy as np

from .store import Sweep, open_sweep

if TYPE_CHECKING:  # pragma: no cover
    pass


def as_sweep(s: Sweep | str | os.PathLike) -> Sweep:
    return s if isinstance(s, Sweep) else open_sweep(s)


def scenario_of(sweep: Sweep) -> Any:
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


def issue_of(path: str) -> str | None:
    """The issue a measure is in the units of (``None``: a utility, a count...)."""
    parts = path.split(".")
    if parts[0] == "bargaining_range" and len(parts) == 3 and parts[2] in ("min", "max"):
        return parts[1]
    if len(parts) >= 4 and parts[-2] == "outcome":
        return parts[-1]
    if parts[0] == "pareto" and len(parts) == 4:
        return parts[2]
    return None


def group_of(path: str) -> str:
    issue = issue_of(path)
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


class SweepData:
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
        self.scenario = scenario_of(sweep)

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
        issue = issue_of(measure)
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


def fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def deal_share(data: SweepData) -> dict[str, Any] | None:
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


def collapse(data: SweepData, field: np.ndarray, keep: list[int]) -> np.ndarray:
    """Average a grid field over the varied parameters not in ``keep``, then order axes."""
    drop = tuple(k for k in range(field.ndim) if k not in keep)
    with np.errstate(invalid="ignore"):
        f = np.nanmean(field, axis=drop) if drop else field
    order = sorted(keep)
    return f if order == keep else f.T


def cell_edges(v: np.ndarray) -> np.ndarray:
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def view_range(v: np.ndarray) -> tuple[float, float, int]:
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
