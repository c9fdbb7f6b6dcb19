#!/usr/bin/env python3
"""Micro-benchmark of ``negotiation.pareto_mask`` alone: realistic and adversarial inputs.

Needs only the package (any environment where ``import negotiation`` works)::

    python benchmarks/pareto_only.py [--repeats 5] [--n 30000,300000] [--out FILE]

Inputs, each at every ``--n``:

* ``grid-P``: the utilities of *all* outcomes of the benchmark scenario
  (``space.py``; 2 or 4 parties; the closest grid to ``n`` outcomes), i.e.
  without the agreement-set cut that ``run.py`` applies first;
* ``uniform-P``: i.i.d. uniform points (a small frontier, almost every point
  dominated: the case a tree prunes worst, which the pivot prefilter fixes);
* ``simplex-P``: uniform points on the simplex ``sum = 1`` (every point is
  non-dominated: the largest possible frontier);
* ``ties-P``: integers 0..9 (ties in every column and duplicate rows).

Every input runs in its own subprocess, whose peak resident memory
(``ru_maxrss``) is reported with the median time. Writes JSON (default
``benchmarks/results/pareto_only.json``) and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import space

KINDS = ["grid-2", "grid-4", "uniform-4", "uniform-6", "simplex-4", "simplex-6", "ties-6"]


def make(kind: str, n: int) -> np.ndarray:
    name, p = kind.split("-")
    p = int(p)
    rng = np.random.default_rng(12345)
    if name == "grid":
        import negotiation as ng
        g = int(round((n / 3) ** 0.5))
        return ng.Problem(ng.scenario_from_dict(space.scenario_dict(p, g))).U
    if name == "uniform":
        return rng.random((n, p))
    if name == "simplex":
        U = rng.random((n, p))
        return U / U.sum(axis=1, keepdims=True)
    if name == "ties":
        return rng.integers(0, 10, size=(n, p)).astype(float)
    raise ValueError(kind)


def worker(kind: str, n: int, repeats: int) -> dict:
    from negotiation.solve.pareto import pareto_mask
    U = make(kind, n)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        mask = pareto_mask(U)
        times.append(time.perf_counter() - t0)
    return {"kind": kind, "n": int(U.shape[0]), "parties": int(U.shape[1]),
            "frontier": int(mask.sum()), "median_s": statistics.median(times), "times": times,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--n", default="30000,300000")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--out", default=str(HERE / "results" / "pareto_only.json"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        kind, n = args.worker.split(":")
        print(json.dumps(worker(kind, int(n), args.repeats)))
        return 0
    rows = []
    print("| input | points | frontier | median time | peak RSS |")
    print("|---|---:|---:|---:|---:|")
    for n in (int(x) for x in args.n.split(",")):
        for kind in args.kinds.split(","):
            proc = subprocess.run([sys.executable, __file__, "--worker", f"{kind}:{n}",
                                   "--repeats", str(args.repeats)],
                                  capture_output=True, text=True, check=True)
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append(r)
            print(f"| {kind} | {r['n']:,} | {r['frontier']:,} | {r['median_s']:.3f} s | "
                  f"{r['peak_rss_mb']:.0f} MB |", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
                               "numpy": np.__version__, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
