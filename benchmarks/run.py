#!/usr/bin/env python3
"""Benchmark: this package against NegMAS 0.16 on the same bargaining problems.

Run it with the benchmark environment's Python (it needs ``negmas``)::

    benchmarks/.venv/bin/python benchmarks/run.py

For each case (2 or 4 parties; about 30,000 or 300,000 grid outcomes, see
``space.py``) it times, in this package and in NegMAS, the same four steps:

1. ``utilities`` -- the utility of every grid outcome for every party;
2. ``agreement`` -- the outcomes every party weakly prefers to its reservation value;
3. ``frontier``  -- the Pareto frontier of that agreement set;
4. ``points``    -- the grid solution points: Nash, Kalai-Smorodinsky,
   egalitarian (NegMAS calls it ``kalai_points``) and welfare-maximising;

then checks that both sides found the same things, and, separately, times the
whole ``negotiation.analyse`` (with continuous refinement) on each scenario.

Every measurement runs in a fresh subprocess (one per side and case), so that
its peak resident memory (``ru_maxrss``) is its own. Times are medians over
``--repeats`` (``--negmas-repeats`` for NegMAS, which is much slower). A
NegMAS worker that runs past ``--negmas-timeout`` seconds is stopped and
reported as cut. Results go to ``benchmarks/results/latest.json`` (and a
Markdown table to ``benchmarks/results/latest.md``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import space

STEPS = ("utilities", "agreement", "frontier", "points")
POINTS = ("nash", "kalai_smorodinsky", "egalitarian", "welfare")
#: absolute tolerance on utilities when comparing the two sides
UTOL = 1e-12
#: relative tolerance on a criterion value for "tied" solution points
CTOL = 1e-9


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        return float("nan")


# ============================================================== workers
def worker_ours(n_parties: int, grid: int, repeats: int, outdir: Path) -> dict:
    import negotiation as ng
    from negotiation.solve.cooperative import SURPLUS_TOL
    from negotiation.solve.optimize import Stage, grid_optimum
    from negotiation.solve.pareto import pareto_mask

    scenario = ng.scenario_from_dict(space.scenario_dict(n_parties, grid))
    base_rss = _rss_mb()

    def grid_points(problem, U, A, within):
        """Grid solution points, with the stages of negotiation.solve.cooperative.

        ``grid_optimum`` is the package's grid step of every solver (before the
        continuous refinement). ``within`` is the set searched: the frontier,
        as NegMAS's ``*_points`` search the frontier they are given, or the
        whole agreement set, as the package's own solvers do; the optimum is
        the same, since each tie-break ends with total utility, which no
        dominated outcome can win.
        """
        d, veto = problem.d, problem.veto
        ideal = U[A].max(axis=0)                       # best agreement of each party
        players = veto & (ideal - d > SURPLUS_TOL)
        c = players.astype(float)
        total = Stage("linear", np.ones(U.shape[1]))
        scale = np.where(players, 1.0 / np.where(players, ideal - d, 1.0), 0.0)
        stages = {
            "nash": [Stage("nash", c), total],
            "kalai_smorodinsky": [Stage("maximin", scale), Stage("linear", scale), total],
            "egalitarian": [Stage("maximin", c), Stage("linear", c), total],
            "welfare": [Stage("linear", veto.astype(float)), Stage("nash", c), total],
        }
        return {name: grid_optimum(problem, st, within)[0] for name, st in stages.items()}, ideal

    times = {s: [] for s in STEPS + ("points_over_agreement",)}
    for _ in range(repeats):
        t0 = time.perf_counter()
        problem = ng.Problem(scenario)
        U = problem.U
        t1 = time.perf_counter()
        A = problem.agreement
        t2 = time.perf_counter()
        idx = np.flatnonzero(A)
        F = idx[pareto_mask(U[idx])]
        t3 = time.perf_counter()
        on_frontier = np.zeros(len(U), dtype=bool)
        on_frontier[F] = True
        points, ideal = grid_points(problem, U, A, on_frontier)
        t4 = time.perf_counter()
        points_a, _ = grid_points(problem, U, A, A)
        t5 = time.perf_counter()
        for s, dt in zip(STEPS + ("points_over_agreement",),
                         (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            times[s].append(dt)
    np.savez(outdir / "ours.npz", U=U, A=A, F=F, d=problem.d, ideal=ideal)
    return {"side": "ours", "times": times, "points": points,
            "points_same_over_agreement": points_a == points, "n_outcomes": int(U.shape[0]),
            "agreement": int(A.sum()), "frontier": len(F),
            "rss_before_mb": base_rss, "peak_rss_mb": _peak_rss_mb()}


def _negmas_problem(n_parties: int):
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import (
        AffineFun,
        IdentityFun,
        TableFun,
        TriangularFun,
    )

    issues = [make_issue((0.0, 1.0), "territory"),
              make_issue(list(space.NATO_LEVELS), "nato"),
              make_issue((0.0, 1.0), "guarantees")]
    os_ = make_os(issues, name="benchmark")

    def continuous(ideal: float):
        # v(x) = max(0, 1 - |x - ideal| / D), D = distance to the farther end of [0, 1]
        if ideal == 0.0:
            return AffineFun(slope=-1.0, bias=1.0)
        if ideal == 1.0:
            return IdentityFun()
        dist = space.ideal_distance(ideal)
        return TriangularFun(start=ideal - dist, middle=ideal, end=ideal + dist)

    ufuns = []
    for name, p in space.party_specs(n_parties):
        values = [continuous(p["territory"]),
                  TableFun(dict(zip(space.NATO_LEVELS, p["nato"]))),
                  continuous(p["guarantees"])]
        ufuns.append(LinearAdditiveUtilityFunction(values, weights=list(p["weights"]),
                                                   outcome_space=os_,
                                                   reserved_value=p["batna"], name=name))
    return issues, os_, ufuns


def worker_negmas(n_parties: int, grid: int, repeats: int, e2e: int, outdir: Path) -> dict:
    warnings.filterwarnings("ignore")
    import negmas
    from negmas.preferences.ops import (
        kalai_points,
        ks_points,
        max_welfare_points,
        nash_points,
        pareto_frontier,
        pareto_frontier_numpy,
    )

    import negotiation as ng

    # The exact grid of the package: `grid` evenly spaced points per continuous
    # issue plus the kinks of the value functions (ideal points), which the
    # package adds to its grid. NegMAS gets these outcomes explicitly.
    grids = ng.scenario_from_dict(space.scenario_dict(n_parties, grid)).space.grids
    values = (grids[0].tolist(), list(space.NATO_LEVELS), grids[2].tolist())
    base_rss = _rss_mb()
    times = {s: [] for s in STEPS}
    for _ in range(repeats):
        _, os_, ufuns = _negmas_problem(n_parties)   # fresh: no cached ranges
        t0 = time.perf_counter()
        outcomes = list(itertools.product(*values))       # row-major, territory slowest
        U = np.array([[float(u(o)) for u in ufuns] for o in outcomes])
        t1 = time.perf_counter()
        r = np.array([u.reserved_value for u in ufuns])
        ridx = np.flatnonzero(np.all(U >= r, axis=1))
        t2 = time.perf_counter()
        F = ridx[pareto_frontier_numpy(U[ridx])]
        frontier = tuple(map(tuple, U[F]))
        t3 = time.perf_counter()
        found = {
            "nash": nash_points(ufuns, frontier, outcome_space=os_),
            "kalai_smorodinsky": ks_points(ufuns, frontier, outcome_space=os_),
            "egalitarian": kalai_points(ufuns, frontier, outcome_space=os_),
            "welfare": max_welfare_points(ufuns, frontier, outcome_space=os_),
        }
        t4 = time.perf_counter()
        for s, dt in zip(STEPS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            times[s].append(dt)
    points = {k: [int(F[i]) for _, i in v] for k, v in found.items()}
    ranges = [list(map(float, u.minmax(os_))) for u in ufuns]
    e2e_times, e2e_same = [], None
    for _ in range(e2e):
        _, os_, ufuns = _negmas_problem(n_parties)
        t0 = time.perf_counter()
        _, fidx = pareto_frontier(ufuns, outcomes=list(itertools.product(*values)))
        e2e_times.append(time.perf_counter() - t0)
        e2e_same = sorted(fidx) == sorted(F.tolist())
    np.savez(outdir / "negmas.npz", U=U, R=ridx, F=F)
    return {"side": "negmas", "version": negmas.__version__, "times": times, "points": points,
            "ranges": ranges, "n_outcomes": int(U.shape[0]), "agreement": len(ridx),
            "frontier": len(F), "pareto_frontier_e2e": e2e_times,
            "e2e_same_frontier": e2e_same, "rss_before_mb": base_rss,
            "peak_rss_mb": _peak_rss_mb()}


def worker_analyse(n_parties: int, grid: int, repeats: int, outdir: Path) -> dict:
    t0 = time.perf_counter()
    import negotiation as ng
    import negotiation.analysis
    import_s = time.perf_counter() - t0
    data = space.scenario_dict(n_parties, grid)
    times, build = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        scenario = ng.scenario_from_dict(data)
        t1 = time.perf_counter()
        report = ng.analyse(scenario)
        times.append(time.perf_counter() - t1)
        build.append(t1 - t0)
    out = report.to_dict()
    sols = out.get("solutions", {})
    return {"side": "analyse", "times": {"analyse": times, "scenario_from_dict": build},
            "import_s": import_s, "pareto_size": out["pareto"]["size"],
            "exact": {k: (v or {}).get("exact") for k, v in sols.items()},
            "peak_rss_mb": _peak_rss_mb()}


# ============================================================== comparison
def _weakly_covered(P: np.ndarray, Q: np.ndarray, tol: float) -> np.ndarray:
    """For each row p of P: is some row q of Q >= p - tol in every column?"""
    out = np.zeros(len(P), dtype=bool)
    for i in range(0, len(P), 256):
        blk = P[i:i + 256]
        ge = np.ones((len(blk), len(Q)), dtype=bool)
        for k in range(P.shape[1]):
            ge &= Q[None, :, k] >= blk[:, k, None] - tol
        out[i:i + 256] = ge.any(axis=1)
    return out


def _criteria(U: np.ndarray, d: np.ndarray, ideal: np.ndarray, ranges) -> dict:
    """Each solution's criterion for every grid outcome (NegMAS's and ours)."""
    gains = U - d
    hi = np.array([r[1] for r in ranges]) if ranges is not None else None
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {
            "nash": np.prod(gains, axis=1),
            "egalitarian": gains.min(axis=1),
            "welfare": U.sum(axis=1),
            # ours: max min_i (u_i - d_i) / (I_i - d_i), I = best agreement
            "kalai_smorodinsky": (gains / (ideal - d)).min(axis=1),
        }
        if hi is not None:   # NegMAS ks_points: min spread of (u_i - r_i) / (max_i - r_i)
            adv = gains / (hi - d)
            out["ks_spread_negmas"] = adv.max(axis=1) - adv.min(axis=1)
    return out


def compare(ours: dict, neg: dict, tmp: Path) -> dict:
    a = np.load(tmp / "ours.npz")
    b = np.load(tmp / "negmas.npz")
    Ua, Ub = a["U"], b["U"]
    res: dict = {}
    res["utilities_max_abs_diff"] = float(np.max(np.abs(Ua - Ub)))
    res["utilities_ok"] = res["utilities_max_abs_diff"] <= UTOL
    A_b = np.zeros(len(Ub), dtype=bool)
    A_b[b["R"]] = True
    diff = np.flatnonzero(a["A"] != A_b)
    slack = np.min(Ua[diff] - a["d"], axis=1) if len(diff) else np.zeros(0)
    res["agreement_mismatches"] = len(diff)
    # the package accepts u_i >= d_i - 1e-9 (AGREE_TOL); NegMAS u_i >= r_i exactly
    res["agreement_ok"] = bool(np.all(np.abs(slack) <= 1e-9))
    Fa, Fb = a["F"], b["F"]
    only_a = np.setdiff1d(Fa, Fb)
    only_b = np.setdiff1d(Fb, Fa)
    # An outcome on one frontier but not the other must be explained: a copy or a
    # float-level near-tie of a point on the other frontier (weakly dominated
    # within UTOL), or an outcome on the boundary of the agreement set that only
    # one side counts as an agreement (see agreement_mismatches).
    boundary = np.zeros(len(Ua), dtype=bool)
    boundary[diff] = True
    cov_a = _weakly_covered(Ua[only_a], Ua[Fb], UTOL) if len(only_a) else np.zeros(0, bool)
    cov_b = _weakly_covered(Ub[only_b], Ub[Fa], UTOL) if len(only_b) else np.zeros(0, bool)
    bnd_a, bnd_b = boundary[only_a] & ~cov_a, boundary[only_b] & ~cov_b
    # an outcome only NegMAS keeps may be dominated by one only we accept
    if bnd_a.any() and len(only_b):
        cov_b |= _weakly_covered(Ub[only_b], Ub[only_a[bnd_a]], UTOL)
    if bnd_b.any() and len(only_a):
        cov_a |= _weakly_covered(Ua[only_a], Ua[only_b[bnd_b]], UTOL)
    bnd_a, bnd_b = boundary[only_a] & ~cov_a, boundary[only_b] & ~cov_b
    ua = np.unique(np.round(Ua[Fa], 12), axis=0)
    ub = np.unique(np.round(Ub[Fb], 12), axis=0)
    res["frontier"] = {
        "ours_outcomes": len(Fa), "negmas_outcomes": len(Fb),
        "ours_distinct_vectors": len(ua), "negmas_distinct_vectors": len(ub),
        "same_distinct_vectors": bool(len(ua) == len(ub) and np.array_equal(ua, ub)),
        "only_ours": len(only_a), "only_negmas": len(only_b),
        "explained_by_copies_or_near_ties": int(cov_a.sum() + cov_b.sum()),
        "explained_by_agreement_boundary": int(bnd_a.sum() + bnd_b.sum()),
        "unexplained": int((~cov_a & ~bnd_a).sum() + (~cov_b & ~bnd_b).sum()),
    }
    res["frontier_ok"] = res["frontier"]["unexplained"] == 0
    crit = _criteria(Ua, a["d"], a["ideal"], neg.get("ranges"))
    pts = {}
    for name in POINTS:
        i = ours["points"][name]
        js = neg["points"][name]
        entry = {"ours": i, "negmas": js, "ours_utilities": Ua[i].tolist(),
                 "negmas_utilities": [Ub[j].tolist() for j in js[:3]]}
        if name == "kalai_smorodinsky":
            c, s = crit["kalai_smorodinsky"], crit.get("ks_spread_negmas")
            entry["same_point"] = i in js
            entry["note"] = ("different definitions: NegMAS ks_points minimises the spread of "
                             "(u_i - r_i)/(max_i - r_i), max over the whole outcome space; this "
                             "package maximises min_i (u_i - d_i)/(I_i - d_i), I = best agreement")
            entry["ours_criterion"] = {"ours": float(c[i]), "negmas_points": [float(c[j]) for j in js]}
            if s is not None:
                entry["negmas_criterion"] = {"ours": float(s[i]),
                                             "negmas_points": [float(s[j]) for j in js]}
            entry["max_abs_utility_gap"] = float(min(np.max(np.abs(Ua[i] - Ua[j])) for j in js)) if js else None
            entry["ok"] = None   # not comparable
        else:
            c = crit[name]
            best = max(float(c[j]) for j in js) if js else float("nan")
            entry["ours_criterion"] = float(c[i])
            entry["negmas_criterion"] = best
            entry["same_point"] = i in js
            entry["ok"] = bool(i in js or abs(c[i] - best) <= CTOL * max(1.0, abs(best)))
        pts[name] = entry
    res["points"] = pts
    res["points_ok"] = all(e["ok"] for e in pts.values() if e["ok"] is not None)
    res["ok"] = bool(res["utilities_ok"] and res["agreement_ok"] and res["frontier_ok"]
                     and res["points_ok"])
    return res


# ============================================================== driver
def _run_worker(kind: str, case: dict, args, tmp: Path, timeout: float | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind,
           "--parties", str(case["parties"]), "--grid", str(case["grid"]),
           "--tmp", str(tmp)]
    if kind == "ours":
        cmd += ["--repeats", str(args.repeats)]
    elif kind == "negmas":
        cmd += ["--repeats", str(args.negmas_repeats), "--e2e", str(args.negmas_e2e)]
    else:
        cmd += ["--repeats", str(args.analyse_repeats)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"side": kind, "cut": True, "timeout_s": timeout}
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"side": kind, "error": proc.stderr[-4000:]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    return out


def _median(xs):
    return float(statistics.median(xs)) if xs else None


def _machine() -> dict:
    cpu = platform.processor()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem, "python": platform.python_version(),
            "platform": platform.platform(), "loadavg_at_start": load}


def _versions() -> dict:
    import numpy
    import scipy
    out = {"numpy": numpy.__version__, "scipy": scipy.__version__}
    try:
        import negotiation
        out["negotiation"] = negotiation.__version__
    except ImportError:
        out["negotiation"] = None
    try:
        from importlib.metadata import version
        out["negmas"] = version("negmas")
    except Exception:
        out["negmas"] = None
    try:
        out["git_commit"] = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "HEAD"],
                                           capture_output=True, text=True).stdout.strip() or None
        dirty = subprocess.run(["git", "-C", str(HERE.parent), "status", "--porcelain"],
                               capture_output=True, text=True).stdout.strip()
        out["git_dirty"] = bool(dirty)
    except OSError:
        out["git_commit"] = None
    return out


def _fmt_s(x):
    if x is None:
        return "—"
    return f"{x:.3g} s" if x >= 0.1 else f"{x * 1000:.3g} ms"


def _fmt_ratio(x):
    return "—" if x is None else f"{x:,.0f}×" if x >= 100 else f"{x:.1f}×"


def markdown(results: dict) -> str:
    lines = []
    lines.append("| case | outcomes | agreement | step | ours (median) | NegMAS (median) | NegMAS / ours |")
    lines.append("|---|---:|---:|---|---:|---:|---:|")
    for c in results["cases"]:
        o, n = c["ours"], c.get("negmas", {})
        for s in STEPS + ("total",):
            om = c["median_s"]["ours"].get(s)
            nm = c["median_s"].get("negmas", {}).get(s) if n and not n.get("cut") else None
            r = c["ratio"].get(s)
            if n.get("cut"):
                ntxt = f"cut after {n['timeout_s']:g} s" if s == "total" else "cut"
                rtxt = (f"> {_fmt_ratio(c['ratio_lower_bound_total'])}" if s == "total" else "—")
            else:
                ntxt, rtxt = (_fmt_s(nm) if nm is not None else "—"), _fmt_ratio(r)
            lines.append(f"| {c['name']} | {o['n_outcomes']:,} | {o['agreement']:,} | {s} | "
                         f"{_fmt_s(om)} | {ntxt} | {rtxt} |")
    lines.append("")
    lines.append("| case | frontier ours / NegMAS (outcomes) | distinct vectors | utilities max diff "
                 "| agreement | frontier | Nash | egalitarian | welfare | KS (different definition) "
                 "| peak RSS ours | peak RSS NegMAS |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---:|---:|")
    for c in results["cases"]:
        cmp_ = c.get("check")
        o, n = c["ours"], c.get("negmas", {})
        if not cmp_:
            lines.append(f"| {c['name']} | {o['frontier']:,} / — | — | — | — | — | — | — | — | — | "
                         f"{o['peak_rss_mb']:.0f} MB | {'cut' if n.get('cut') else '—'} |")
            continue
        f = cmp_["frontier"]
        p = cmp_["points"]
        def yes(b: bool) -> str:
            return "✓" if b else "✗"

        def pt(k: str, p=p) -> str:
            return "✓ same" if p[k]["same_point"] else ("✓ tie" if p[k]["ok"] else "✗")
        ks = p["kalai_smorodinsky"]
        ks_txt = "same point" if ks["same_point"] else f"gap {ks['max_abs_utility_gap']:.3g}"
        lines.append(
            f"| {c['name']} | {f['ours_outcomes']:,} / {f['negmas_outcomes']:,} | "
            f"{f['ours_distinct_vectors']:,} / {f['negmas_distinct_vectors']:,} "
            f"({'equal' if f['same_distinct_vectors'] else 'differ'}) | "
            f"{cmp_['utilities_max_abs_diff']:.1e} | {yes(cmp_['agreement_ok'])} "
            f"({cmp_['agreement_mismatches']} differ) | {yes(cmp_['frontier_ok'])} "
            f"(only ours {f['only_ours']}, only NegMAS {f['only_negmas']}: "
            f"{f['explained_by_copies_or_near_ties']} copies/near-ties, "
            f"{f['explained_by_agreement_boundary']} on the agreement boundary, "
            f"{f['unexplained']} unexplained) | "
            f"{pt('nash')} | {pt('egalitarian')} | {pt('welfare')} | {ks_txt} | "
            f"{o['peak_rss_mb']:.0f} MB | {n['peak_rss_mb']:.0f} MB |")
    if any(c.get("analyse") for c in results["cases"]):
        lines.append("")
        lines.append("| case | `analyse()` median | runs | scenario_from_dict | frontier size | "
                     "solutions exact | peak RSS |")
        lines.append("|---|---:|---:|---:|---:|---|---:|")
        for c in results["cases"]:
            an = c.get("analyse")
            if not an:
                continue
            if an.get("cut") or an.get("error"):
                lines.append(f"| {c['name']} | {'cut' if an.get('cut') else 'error'} | | | | | |")
                continue
            ex = an["exact"]
            lines.append(f"| {c['name']} | {_fmt_s(_median(an['times']['analyse']))} | "
                         f"{len(an['times']['analyse'])} | {_fmt_s(_median(an['times']['scenario_from_dict']))} | "
                         f"{an['pareto_size']:,} | {sum(bool(v) for v in ex.values())}/{len(ex)} | "
                         f"{an['peak_rss_mb']:.0f} MB |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default="2x30k,2x300k,4x30k,4x300k",
                    help="comma-separated PARTIESxSIZE, SIZE one of " + ", ".join(space.SIZES))
    ap.add_argument("--repeats", type=int, default=7, help="repeats of this package's steps")
    ap.add_argument("--negmas-repeats", type=int, default=3, help="repeats of NegMAS's steps")
    ap.add_argument("--negmas-e2e", type=int, default=1,
                    help="extra runs of NegMAS's public pareto_frontier() end to end")
    ap.add_argument("--negmas-timeout", type=float, default=1800.0,
                    help="seconds before a NegMAS worker (one case, all repeats) is cut")
    ap.add_argument("--analyse-repeats", type=int, default=3, help="repeats of negotiation.analyse")
    ap.add_argument("--no-negmas", action="store_true", help="time this package only")
    ap.add_argument("--no-analyse", action="store_true", help="skip the full analyse() timing")
    ap.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    # worker mode (internal)
    ap.add_argument("--worker", choices=["ours", "negmas", "analyse"], help=argparse.SUPPRESS)
    ap.add_argument("--parties", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--grid", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--e2e", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--tmp", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        tmp = Path(args.tmp)
        if args.worker == "ours":
            out = worker_ours(args.parties, args.grid, args.repeats, tmp)
        elif args.worker == "negmas":
            out = worker_negmas(args.parties, args.grid, args.repeats, args.e2e, tmp)
        else:
            out = worker_analyse(args.parties, args.grid, args.repeats, tmp)
        print(json.dumps(out))
        return 0

    if not args.no_negmas:
        try:
            import negmas  # noqa: F401
        except ImportError:
            print("negmas is not installed in this Python; use the benchmark venv "
                  "(see benchmarks/README.md) or pass --no-negmas", file=sys.stderr)
            return 2
    cases = []
    for spec in args.cases.split(","):
        p, size = spec.strip().split("x")
        cases.append({"name": f"{p} parties, {size}", "parties": int(p), "size": size,
                      "grid": space.SIZES[size], "shape": list(space.grid_shape(int(p), size))})
    results = {"command": " ".join([Path(sys.executable).name] + sys.argv),
               "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
               "machine": _machine(), "versions": _versions(),
               "settings": {"repeats": args.repeats, "negmas_repeats": args.negmas_repeats,
                            "negmas_e2e": args.negmas_e2e, "negmas_timeout_s": args.negmas_timeout,
                            "analyse_repeats": args.analyse_repeats, "utol": UTOL, "ctol": CTOL},
               "cases": []}
    all_ok = True
    for case in cases:
        print(f"== {case['name']} (grid {'x'.join(map(str, case['shape']))})", file=sys.stderr,
              flush=True)
        with tempfile.TemporaryDirectory(prefix="negbench-") as td:
            tmp = Path(td)
            ours = _run_worker("ours", case, args, tmp, None)
            if "error" in ours:
                print(ours["error"], file=sys.stderr)
                return 1
            entry = dict(case, ours=ours, median_s={"ours": {}}, ratio={})
            for s in STEPS:
                entry["median_s"]["ours"][s] = _median(ours["times"][s])
            entry["median_s"]["ours"]["total"] = sum(entry["median_s"]["ours"][s] for s in STEPS)
            print(f"   ours: {', '.join(f'{s} {_fmt_s(v)}' for s, v in entry['median_s']['ours'].items())}; "
                  f"peak {ours['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
            if not args.no_negmas:
                neg = _run_worker("negmas", case, args, tmp, args.negmas_timeout)
                entry["negmas"] = neg
                if "error" in neg:
                    print(neg["error"], file=sys.stderr)
                    return 1
                if neg.get("cut"):
                    print(f"   NegMAS: cut after {args.negmas_timeout:g} s", file=sys.stderr)
                    entry["ratio"]["total"] = None
                    entry["ratio_lower_bound_total"] = args.negmas_timeout / entry["median_s"]["ours"]["total"]
                else:
                    nm = {s: _median(neg["times"][s]) for s in STEPS}
                    nm["total"] = sum(nm.values())
                    nm["pareto_frontier_e2e"] = _median(neg["pareto_frontier_e2e"])
                    entry["median_s"]["negmas"] = nm
                    for s in STEPS + ("total",):
                        om = entry["median_s"]["ours"][s]
                        entry["ratio"][s] = nm[s] / om if om > 0 else None
                    entry["check"] = compare(ours, neg, tmp)
                    all_ok &= entry["check"]["ok"]
                    print(f"   NegMAS: {', '.join(f'{s} {_fmt_s(v)}' for s, v in nm.items())}; "
                          f"peak {neg['peak_rss_mb']:.0f} MB; total ratio "
                          f"{_fmt_ratio(entry['ratio']['total'])}; results agree: "
                          f"{entry['check']['ok']}", file=sys.stderr, flush=True)
            if not args.no_analyse:
                an = _run_worker("analyse", case, args, tmp, None)
                entry["analyse"] = an
                if "error" in an:
                    print(an["error"], file=sys.stderr)
                else:
                    print(f"   analyse(): median {_fmt_s(_median(an['times']['analyse']))}, "
                          f"peak {an['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
            results["cases"].append(entry)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    try:
        results["machine"]["loadavg_at_end"] = os.getloadavg()
    except OSError:
        pass
    results["all_checks_ok"] = all_ok
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    md = markdown(results)
    out.with_suffix(".md").write_text(md)
    print(md)
    print(f"results: {out} and {out.with_suffix('.md')}", file=sys.stderr)
    return 0 if all_ok else 3


if __name__ == "__main__":
    sys.exit(main())
