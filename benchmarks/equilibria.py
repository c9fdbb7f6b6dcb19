"""Benchmark: the complete set of Nash equilibria of random integer bimatrix games.

Square games from 2 x 2 to 10 x 10, integer payoffs drawn uniformly from
[-100, 100] with a fixed seed, solved side by side in one run by

* ``negotiation.games.enummixed_solve`` (vertex enumeration, this package),
* ``negotiation.games.enumsupport_solve`` (support enumeration, this package; small sizes),
* nashpy's ``support_enumeration`` and ``vertex_enumeration``,
* pygambit's ``enummixed_solve`` in floating point (``rational=False``).

Every equilibrium any method reports is checked with the best-response test of
``negotiation.games.verify`` (relative regret at most 1e-6 for the other packages,
whose tolerances are looser); the **reference set** of a game is the union of the
verified equilibria of all methods. On a non-degenerate game a method is *complete*
when it finds the whole reference set (and, for this package, an odd number). Degenerate
games (this package decides which) are counted apart: there the sets are extreme
equilibria and packages differ in what they report.

Each method has a time budget per size; once spent, its remaining games at that size
and every larger size are skipped (reported as fewer games run).

Run from the repository root, in a virtual environment that has pygambit and nashpy
(the package itself never imports pygambit):

    python -m venv /work/bench-venv
    /work/bench-venv/bin/pip install pygambit nashpy numpy scipy -e .
    /work/bench-venv/bin/python benchmarks/equilibria.py

Results: ``benchmarks/results/equilibria.json`` and ``benchmarks/results/equilibria.md``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")     # one thread: small matrices, fair comparison

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from importlib.metadata import version  # noqa: E402

import numpy as np  # noqa: E402

from negotiation.games import NormalFormGame, enummixed_solve, enumsupport_solve  # noqa: E402
from negotiation.games.verify import regret  # noqa: E402

SEED = 20260214
LOW, HIGH = -100, 100
VERIFY_TOL = 1e-6
SAME_TOL = 1e-6
HERE = os.path.dirname(os.path.abspath(__file__))


def ours_vertex(A, B):
    r = enummixed_solve(NormalFormGame.bimatrix(A, B))
    return [e.profile for e in r], r.degenerate


def ours_support(A, B):
    r = enumsupport_solve(NormalFormGame.bimatrix(A, B))
    return [e.profile for e in r], None


def nashpy_support(A, B):
    import nashpy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [(np.asarray(x), np.asarray(y))
                for x, y in nashpy.Game(A, B).support_enumeration()], None


def nashpy_vertex(A, B):
    import nashpy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [(np.asarray(x), np.asarray(y))
                for x, y in nashpy.Game(A, B).vertex_enumeration()], None


def gambit_enummixed(A, B):
    import pygambit as gbt
    g = gbt.Game.from_arrays(A, B)
    res = gbt.nash.enummixed_solve(g, rational=False)
    out = []
    row, col = list(g.players)
    for eq in res.equilibria:
        x = np.array([float(eq[s]) for s in row.strategies])
        y = np.array([float(eq[s]) for s in col.strategies])
        out.append((x, y))
    return out, None


METHODS = {
    "negotiation vertex": (ours_vertex, 10),
    "negotiation support": (ours_support, 7),
    "nashpy support": (nashpy_support, 10),
    "nashpy vertex": (nashpy_vertex, 10),
    "gambit enummixed (float)": (gambit_enummixed, 10),
}


def verified(game, profiles):
    """Distinct profiles (within SAME_TOL) that pass the best-response test."""
    out = []
    for x, y in profiles:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            continue
        if np.any(x < -1e-9) or np.any(y < -1e-9) or x.sum() <= 0 or y.sum() <= 0:
            continue
        x, y = np.clip(x, 0, None) / np.clip(x, 0, None).sum(), np.clip(y, 0, None) / \
            np.clip(y, 0, None).sum()
        if regret(game, (x, y)) > VERIFY_TOL:
            continue
        flat = np.concatenate([x, y])
        if all(np.abs(flat - f).max() > SAME_TOL for f in out):
            out.append(flat)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--games", type=int, default=20, help="games per size (default 20)")
    ap.add_argument("--max-size", type=int, default=10)
    ap.add_argument("--budget", type=float, default=90.0,
                    help="seconds per method and size before the method is skipped")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "equilibria"))
    args = ap.parse_args(argv)

    available = {}
    for name, (fn, max_size) in METHODS.items():
        try:
            fn(np.eye(2), np.eye(2))            # warm up (imports, caches)
            available[name] = (fn, max_size)
        except ImportError as exc:
            print(f"skipping {name}: {exc}")
    rng = np.random.default_rng(SEED)
    stopped: set[str] = set()
    sizes = {}
    for n in range(2, args.max_size + 1):
        games = [(rng.integers(LOW, HIGH + 1, (n, n)), rng.integers(LOW, HIGH + 1, (n, n)))
                 for _ in range(args.games)]
        rows = {name: {"times": [], "found": [], "run": 0} for name in available}
        degenerate = []
        for A, B in games:
            game = NormalFormGame.bimatrix(A, B)
            found = {}
            for name, (fn, max_size) in available.items():
                row = rows[name]
                if name in stopped or n > max_size or sum(row["times"]) > args.budget:
                    continue
                t0 = time.perf_counter()
                profiles, deg = fn(A.astype(float), B.astype(float))
                row["times"].append(time.perf_counter() - t0)
                row["run"] += 1
                found[name] = verified(game, profiles)
                row["found"].append(found[name])
                if name == "negotiation vertex":
                    degenerate.append(bool(deg))
            union: list[np.ndarray] = []
            for sets in found.values():
                for f in sets:
                    if all(np.abs(f - u).max() > SAME_TOL for u in union):
                        union.append(f)
            for name in found:
                rows[name].setdefault("complete_flags", []).append(
                    len(found[name]) == len(union))
            rows["negotiation vertex"].setdefault("odd", []).append(
                len(found.get("negotiation vertex", [])) % 2 == 1)
        summary = {}
        for name, row in rows.items():
            if not row["run"]:
                summary[name] = {"games": 0}
                continue
            k = row["run"]
            nondeg = [i for i in range(k) if not degenerate[i]]
            flags = row.get("complete_flags", [])
            times = [t * 1000 for t in row["times"]]
            summary[name] = {
                "games": k,
                "nondegenerate": len(nondeg),
                "complete_nondegenerate": sum(flags[i] for i in nondeg),
                "complete_all": sum(flags),
                "median_ms": statistics.median(times),
                "p90_ms": float(np.percentile(times, 90)),
                "max_ms": max(times),
                "median_ms_nondegenerate": (statistics.median([times[i] for i in nondeg])
                                            if nondeg else None),
                "equilibria": sum(len(f) for f in row["found"]),
            }
            if name == "negotiation vertex":
                summary[name]["odd_nondegenerate"] = sum(row["odd"][i] for i in nondeg)
            if k < len(games) and n <= available[name][1]:
                stopped.add(name)
        sizes[n] = {"degenerate": sum(degenerate), "games": len(games), "methods": summary}
        line = ", ".join(f"{m}: {s.get('median_ms', float('nan')):.2f} ms "
                         f"({s.get('complete_nondegenerate', '-')}/{s.get('nondegenerate', '-')})"
                         for m, s in summary.items() if s.get("games"))
        print(f"{n}x{n} ({sum(degenerate)} degenerate): {line}", flush=True)

    meta = {
        "seed": SEED, "payoffs": [LOW, HIGH], "games_per_size": args.games,
        "budget_s": args.budget, "python": platform.python_version(),
        "machine": platform.machine(), "processor": platform.processor(),
        "threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "versions": {p: _version(p) for p in ("negotiation", "numpy", "scipy", "nashpy",
                                              "pygambit")},
    }
    doc = {"meta": meta, "sizes": sizes}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out + ".json", "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)
    with open(args.out + ".md", "w", encoding="utf-8") as fh:
        fh.write(markdown(doc))
    print(markdown(doc))
    return 0


def _version(pkg: str) -> str | None:
    try:
        return version(pkg)
    except Exception:
        return None


def markdown(doc) -> str:
    sizes = doc["sizes"]
    names = list(next(iter(sizes.values()))["methods"])
    head = "| size | degenerate | " + " | ".join(names) + " |"
    rule = "|---|---|" + "---|" * len(names)
    lines = [
        "Median time to the complete set, in ms, and (games where the method found every "
        "equilibrium / non-degenerate games run). Random integer games, payoffs in "
        f"[{doc['meta']['payoffs'][0]}, {doc['meta']['payoffs'][1]}], seed "
        f"{doc['meta']['seed']}, {doc['meta']['games_per_size']} games per size; one thread.",
        "", head, rule]
    for n, s in sizes.items():
        cells = []
        for name in names:
            m = s["methods"][name]
            if not m.get("games"):
                cells.append("not run")
                continue
            cell = f"{m['median_ms']:.2f} ({m['complete_nondegenerate']}/{m['nondegenerate']})"
            if m["games"] < s["games"]:
                cell += f" [{m['games']} games]"
            cells.append(cell)
        lines.append(f"| {n}×{n} | {s['degenerate']}/{s['games']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
