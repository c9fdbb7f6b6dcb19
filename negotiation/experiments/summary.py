"""``summary.json``: what a sweep found, computed from the store with bounded memory.

* ``deal``: the share of points where ``deal_possible`` is true (the
  probability of a deal, for a Monte Carlo), with its standard error;
* ``measures``: for each numeric measure its count, mean, standard deviation,
  minimum, maximum and the 5/25/50/75/95% quantiles (linear interpolation, as
  numpy's default); for true/false measures the share that is true; for text
  measures (levels) the count of each value;
* ``flips`` (with ``vary``): for each varied parameter, where ``deal_possible``
  (or the first true/false measure) changes between neighbouring grid values,
  the other varied parameters held fixed; with draws per grid point, where the
  share of draws with a deal crosses one half;
* ``grid`` (``vary`` with ``sample``): per grid point, the share with a deal and
  the mean of each numeric measure;
* ``tornado`` (``one_at_a_time``): for each parameter, the measures at the two
  ends of its range against the scenario as it is, most influential first.

Quantiles are read from one sorted pass over each column (SQLite sorts on
disk when it must); nothing holds all rows in memory.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .store import Sweep

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Grid points beyond which per-grid-point summaries are left out.
MAX_GRID_SUMMARY = 100_000
TOP_VALUES = 20


def _q_label(q: float) -> str:
    return f"{q * 100:g}%"


def numeric_stats(store: Any, j: int, where: str = "error = ''") -> dict[str, Any]:
    """Count, mean, std, min, max and quantiles of column ``j`` (non-null values)."""
    n = int(store.query(f"SELECT COUNT(c{j}) FROM results WHERE {where}")[0][0])
    out: dict[str, Any] = {"count": n}
    if n == 0:
        return out
    targets: dict[int, list[tuple[float, float]]] = {}
    for q in QUANTILES:
        h = (n - 1) * q
        lo = math.floor(h)
        targets.setdefault(lo, []).append((q, h - lo))
        if h > lo:
            targets.setdefault(lo + 1, [])
    picked: dict[int, float] = {}
    mean = m2 = 0.0
    k = 0
    first = last = None
    cur = store.con.execute(
        f"SELECT c{j} FROM results WHERE c{j} IS NOT NULL AND {where} ORDER BY c{j}"
    )
    for (v,) in cur:
        v = float(v)
        if k in targets:
            picked[k] = v
        if first is None:
            first = v
        last = v
        k += 1
        delta = v - mean
        mean += delta / k
        m2 += delta * (v - mean)
    quants = {}
    for lo, items in targets.items():
        for q, frac in items:
            a = picked[lo]
            b = picked.get(lo + 1, a)
            quants[_q_label(q)] = a + frac * (b - a) if frac else a
    out.update(
        {
            "mean": mean,
            "std": math.sqrt(m2 / (n - 1)) if n > 1 else 0.0,
            "min": first,
            "max": last,
            "quantiles": {_q_label(q): quants[_q_label(q)] for q in QUANTILES},
        }
    )
    return out


def bool_stats(store: Any, j: int, where: str = "error = ''") -> dict[str, Any]:
    n, t = store.query(f"SELECT COUNT(c{j}), SUM(c{j}) FROM results WHERE {where}")[0]
    n, t = int(n or 0), int(t or 0)
    out: dict[str, Any] = {"count": n, "true": t}
    if n:
        p = t / n
        out["share"] = p
        out["standard_error"] = math.sqrt(p * (1 - p) / n)
    return out


def text_stats(store: Any, j: int, where: str = "error = ''") -> dict[str, Any]:
    rows = store.query(
        f"SELECT c{j}, COUNT(*) FROM results WHERE c{j} IS NOT NULL AND {where} "
        f"GROUP BY c{j} ORDER BY COUNT(*) DESC LIMIT {TOP_VALUES + 1}"
    )
    n = int(store.query(f"SELECT COUNT(c{j}) FROM results WHERE {where}")[0][0])
    return {
        "count": n,
        "values": {str(v): int(c) for v, c in rows[:TOP_VALUES]},
        **({"more": True} if len(rows) > TOP_VALUES else {}),
    }


def summarise(sweep: Sweep) -> dict[str, Any]:
    """The summary of a sweep (see the module notes)."""
    store = sweep.store
    exp = sweep.experiment
    cols = sweep.columns
    n = store.count()
    failed = store.failed()
    out: dict[str, Any] = {
        "title": exp.get("title"),
        "experiment": exp.get("file"),
        "scenario": exp.get("scenario"),
        "precision": exp.get("precision"),
        "points": store.n_points,
        "completed": n,
        "failed": failed,
        "complete": n == store.n_points,
    }
    if exp.get("sample"):
        out["draws"] = exp["sample"]["draws"]
        out["seed"] = exp["sample"]["seed"]
    measures: dict[str, Any] = {}
    index = {c.name: j for j, c in enumerate(cols)}
    for j, c in enumerate(cols):
        if c.role != "measure":
            continue
        if c.kind in ("number", "integer"):
            measures[c.name] = {"kind": c.kind, **numeric_stats(store, j)}
        elif c.kind == "bool":
            measures[c.name] = {"kind": "bool", **bool_stats(store, j)}
        else:
            measures[c.name] = {"kind": c.kind, **text_stats(store, j)}
    if "deal_possible" in measures:
        m = measures["deal_possible"]
        out["deal"] = {
            "measure": "deal_possible",
            "probability": m.get("share"),
            "count": m.get("true"),
            "of": m.get("count"),
            "standard_error": m.get("standard_error"),
        }
    out["measures"] = measures
    flag = (
        "deal_possible"
        if "deal_possible" in measures
        else next((c.name for c in cols if c.role == "measure" and c.kind == "bool"), None)
    )
    if exp.get("vary"):
        boundaries = list((exp.get("plot") or {}).get("boundary") or ([flag] if flag else []))
        grid = _grid(sweep, index, flag)
        if grid is not None and boundaries:
            out["flips"] = {}
            for b in boundaries:
                field = grid if b == flag else _grid(sweep, index, b)
                if field is not None:
                    out["flips"][b] = _flips(exp, field, cols[index[b]].kind)
        if exp.get("sample") and grid is not None and len(grid["points"]) <= MAX_GRID_SUMMARY:
            out["grid"] = grid["points"]
    if exp.get("one_at_a_time"):
        out["tornado"] = _tornado(sweep, index, flag)
    return out


def _grid(sweep: Sweep, index: dict[str, int], flag: str | None) -> dict[str, Any] | None:
    """Per grid point: the varied values, the share with ``flag`` and numeric means."""
    exp = sweep.experiment
    vary = exp["vary"]
    shape = [len(v["values"]) for v in vary]
    size = math.prod(shape)
    if size > MAX_GRID_SUMMARY:
        return None
    draws = max(int(exp["sample"]["draws"]) if exp.get("sample") else 1, 1)
    numeric = [
        c.name for c in sweep.columns if c.role == "measure" and c.kind in ("number", "integer")
    ]
    if flag is not None and flag in numeric:
        flag_numeric, flag = flag, None
    else:
        flag_numeric = None
    parts = [f"AVG(c{index[flag]})" if flag else "NULL"]
    parts += [f"AVG(c{index[m]})" for m in numeric]
    rows = sweep.store.query(
        f"SELECT point / {draws} AS g, COUNT(*), {', '.join(parts)} "
        "FROM results WHERE error = '' GROUP BY g ORDER BY g"
    )
    by_g = {int(r[0]): r for r in rows}
    points = []
    import itertools

    for g, combo in enumerate(itertools.product(*[range(s) for s in shape])):
        entry: dict[str, Any] = {"values": {v["name"]: v["values"][i] for v, i in zip(vary, combo)}}
        r = by_g.get(g)
        entry["points"] = int(r[1]) if r else 0
        if flag:
            entry["share" if draws > 1 else flag] = (
                None
                if r is None or r[2] is None
                else (float(r[2]) if draws > 1 else bool(round(r[2])))
            )
        if numeric:
            entry["mean"] = {
                m: (None if r is None or r[3 + k] is None else float(r[3 + k]))
                for k, m in enumerate(numeric)
            }
        points.append(entry)
    return {"shape": shape, "points": points, "draws": draws, "flag": flag or flag_numeric}


def _flips(
    exp: dict[str, Any], grid: dict[str, Any], kind: str = "bool"
) -> dict[str, list[dict[str, Any]]]:
    """Where the boundary measure changes along each varied parameter: a true/false measure
    changes (the share of draws crosses 1/2), or a number changes sign (its mean)."""
    import itertools

    vary = exp["vary"]
    shape = grid["shape"]
    draws = grid["draws"]
    flag = grid["flag"]
    points = grid["points"]

    def state(entry: dict[str, Any]) -> tuple[bool | None, float | None]:
        if kind != "bool":
            v = (entry.get("mean") or {}).get(flag)
            return (None, None) if v is None else (v >= 0.0, v)
        if draws > 1:
            s = entry.get("share")
            return (None, None) if s is None else (s >= 0.5, s)
        v = entry.get(flag)
        return (None, None) if v is None else (bool(v), None)

    strides = [math.prod(shape[k + 1 :]) for k in range(len(shape))]
    out: dict[str, list[dict[str, Any]]] = {}
    for axis, v in enumerate(vary):
        found = []
        others = [range(s) if k != axis else range(1) for k, s in enumerate(shape)]
        for combo in itertools.product(*others):
            base = sum(i * strides[k] for k, i in enumerate(combo))
            seq = [points[base + i * strides[axis]] for i in range(shape[axis])]
            states = {state(e)[0] for e in seq} - {None}
            if len(states) == 1 and len(vary) > 1:
                found.append(
                    {
                        "at": {k: val for k, val in seq[0]["values"].items() if k != v["name"]},
                        "throughout": states.pop(),
                    }
                )
                continue
            for a, b in zip(seq, seq[1:]):
                (sa, pa), (sb, pb) = state(a), state(b)
                if sa is None or sb is None or sa == sb:
                    continue
                item: dict[str, Any] = {
                    "between": [a["values"][v["name"]], b["values"][v["name"]]],
                    "from": sa,
                    "to": sb,
                }
                if len(vary) > 1:
                    item["at"] = {k: val for k, val in a["values"].items() if k != v["name"]}
                if kind != "bool":
                    item["values"] = [pa, pb]
                elif draws > 1:
                    item["share"] = [pa, pb]
                found.append(item)
        out[v["name"]] = found
    return out


def _tornado(sweep: Sweep, index: dict[str, int], flag: str | None) -> list[dict[str, Any]]:
    exp = sweep.experiment
    oat = exp["one_at_a_time"]
    steps = int(oat["steps"])
    measures = [c for c in sweep.columns if c.role == "measure"]
    names = [c.name for c in measures]
    store = sweep.store
    sel = ", ".join(f"c{index[m]}" for m in names)
    rows = {
        int(r[0]): r[1:]
        for r in store.query(f"SELECT point, {sel}, error FROM results ORDER BY point")
    }

    def values(point: int) -> dict[str, Any] | None:
        r = rows.get(point)
        if r is None or r[-1]:
            return None
        out = {}
        for c, v in zip(measures, r[:-1]):
            out[c.name] = bool(v) if c.kind == "bool" and v is not None else v
        return out

    base = values(0) or {}
    numeric = [c.name for c in measures if c.kind in ("number", "integer")]
    primary = numeric[0] if numeric else None
    out = []
    for j, p in enumerate(oat["parameters"]):
        first = 1 + j * steps
        series = [values(first + s) for s in range(steps)]
        lo, hi = series[0], series[-1]
        entry: dict[str, Any] = {
            "parameter": p["name"],
            "label": p.get("label", p["name"]),
            "baseline": p.get("baseline"),
            "low": p["range"][0],
            "high": p["range"][1],
            "measures": {},
        }
        for name in names:
            vals = [s.get(name) if s else None for s in series]
            m: dict[str, Any] = {
                "baseline": base.get(name),
                "at_low": lo.get(name) if lo else None,
                "at_high": hi.get(name) if hi else None,
            }
            nums = [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if name in numeric and nums:
                b = base.get(name)
                m["min"], m["max"] = min(nums), max(nums)
                m["swing"] = max(nums) - min(nums) if b is None else max(abs(x - b) for x in nums)
            entry["measures"][name] = m
        if flag is not None:
            b = base.get(flag)
            entry["flips"] = sum(
                1
                for s in series
                if s and s.get(flag) is not None and b is not None and s.get(flag) != b
            )
        entry["errors"] = sum(1 for s in series if s is None)
        out.append(entry)

    def key(e: dict[str, Any]) -> tuple[float, float]:
        swing = e["measures"].get(primary, {}).get("swing", 0.0) if primary else 0.0
        return (-(e.get("flips") or 0), -(swing or 0.0))

    out.sort(key=key)
    return out


def summary_text(summary: dict[str, Any]) -> str:
    """The summary as a few lines of text (what ``negotiation sweep`` prints)."""
    from ..formatting import text_table

    lines = [summary.get("title") or "sweep"]
    lines.append("=" * len(lines[0]))
    failed = summary.get("failed", 0)
    lines.append(
        f"scenario: {summary.get('scenario')}   precision: {summary.get('precision')}"
        f"   points: {summary.get('completed'):,} of {summary.get('points'):,}"
        + (f" ({failed:,} failed: see the error column)" if failed else "")
    )
    deal = summary.get("deal")
    if deal and deal.get("probability") is not None:
        se = deal.get("standard_error") or 0.0
        what = "probability of a deal" if summary.get("draws") else "share of points with a deal"
        lines.append(
            f"{what}: {deal['probability']:.3f} (standard error {se:.3f}; "
            f"{deal['count']:,} of {deal['of']:,})"
        )
    rows = []
    other = []
    for name, m in summary.get("measures", {}).items():
        if m.get("kind") in ("number", "integer") and m.get("count"):
            q = m["quantiles"]
            rows.append([name, f"{m['mean']:.4g}"] + [f"{q[_q_label(x)]:.4g}" for x in QUANTILES])
        elif m.get("kind") == "bool" and m.get("count"):
            other.append(f"  {name}: true at {m['share']:.1%} of {m['count']:,} points")
        elif m.get("count"):
            top = ", ".join(f"{k} {v:,}" for k, v in list(m.get("values", {}).items())[:5])
            other.append(f"  {name}: {top}")
    if rows:
        lines += ["", text_table(["measure", "mean"] + [_q_label(q) for q in QUANTILES], rows)]
    if other:
        lines += [""] + other
    for measure, by_param in (summary.get("flips") or {}).items():
        numeric = summary.get("measures", {}).get(measure, {}).get("kind") != "bool"
        lines += ["", f"where {measure} {'changes sign' if numeric else 'flips'}"]
        yes, no = ("positive", "negative") if numeric else ("true", "false")
        for param, items in by_param.items():
            if not items:
                lines.append(f"  {param}: never, over the values tried")
            items = [it for it in items if "between" in it]
            if not items:
                lines.append(f"  {param}: never, over the values tried")
            for it in items[:6]:
                at = ", ".join(
                    f"{k.split('.')[-1]}={v:g}"
                    if isinstance(v, float)
                    else f"{k.split('.')[-1]}={v}"
                    for k, v in it.get("at", {}).items()
                )
                a, b = it["between"]
                lines.append(
                    f"  {param}: between {a} and {b} "
                    f"({yes if it['from'] else no} -> {yes if it['to'] else no})"
                    + (f" at {at}" if at else "")
                )
            if len(items) > 6:
                lines.append(f"  ... and {len(items) - 6} more (summary.json)")
    tornado = summary.get("tornado")
    if tornado:
        lines += ["", "one at a time (most influential first)"]
        rows = []
        for e in tornado[:15]:
            cells = [e["label"], f"{e['low']:g} to {e['high']:g}", str(e.get("flips", ""))]
            for m in list(e["measures"].values())[:3]:
                lo, hi = m.get("at_low"), m.get("at_high")
                cells.append(f"{_fmt(lo)} / {_fmt(hi)}")
            rows.append(cells)
        heads = ["parameter", "range", "flips"] + [
            f"{n} (low / high)" for n in list(tornado[0]["measures"])[:3]
        ]
        lines.append(text_table(heads, rows))
    return "\n".join(lines) + "\n"


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


__all__ = ["QUANTILES", "summarise", "summary_text"]
