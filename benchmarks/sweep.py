#!/usr/bin/env python3
"""Benchmark of ``negotiation sweep``: draws per second, Dask scaling, peak memory.

The case of the experiments issue: a Monte Carlo of the Berlin scenario over every
assumption it marks with a range, measuring ``deal_possible``, the Nash and
Kalai-Smorodinsky territorial outcomes and both ends of the territorial bargaining
range. Steps (each skippable):

``grid``     10,000 draws at ``precision: grid``, in-process (``--executor local``);
``exact``    ``--exact-draws`` draws at ``precision: exact``, in-process: draws per second
             per core;
``dask``     the same exact run on a Dask ``LocalCluster`` of 1 and then 2 single-threaded
             workers, each cluster started and warmed up (the scenario loaded on every
             worker) before the clock starts: the speed-up from 1 to 2 workers;
``memory``   peak resident memory of the whole command (``ru_maxrss`` of a subprocess) for
             ``--memory-draws`` grid draws against 10,000: it must not grow with the draws
             (rows are streamed to the store, never held).

Wall time and CPU time (``time.process_time`` of the process that computes) are both
reported: on a shared machine the CPU rate is the steadier number. The machine's load
average is recorded with the results. Results go to ``benchmarks/results/sweep.json``
(``--out``). Run from the repository root::

    python benchmarks/sweep.py                      # every step, about 5 minutes
    python benchmarks/sweep.py --steps grid,exact
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

MEASURES = ["deal_possible", "solutions.nash.outcome.territory",
            "solutions.kalai_smorodinsky.outcome.territory", "bargaining_range.territory.min",
            "bargaining_range.territory.max"]
SCENARIO = str(ROOT / "scenarios" / "berlin-2025-12.yaml")


def experiment(draws: int, precision: str, seed: int = 1, chunk: int | None = None) -> dict:
    data = {"title": f"benchmark: {draws} draws, {precision}", "scenario": SCENARIO,
            "sample": {"draws": draws, "seed": seed, "parameters": "assumptions"},
            "measure": MEASURES, "precision": precision}
    if chunk:
        data["chunk"] = chunk
    return data


def timed_run(data: dict, **kw) -> dict:
    from negotiation.experiments.runner import run_sweep
    from negotiation.experiments.spec import experiment_from_dict

    exp = experiment_from_dict(data)
    out = tempfile.mkdtemp(prefix="sweep-bench-")
    try:
        cpu0, t0 = time.process_time(), time.perf_counter()
        outcome = run_sweep(exp, os.path.join(out, "s"), outputs=False, figures=False,
                            progress=False, **kw)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        n = outcome.computed
        with outcome.sweep as s:
            chunk_seconds = sum(r[0] or 0.0 for r in s.store.query(
                "SELECT seconds FROM chunks"))
            failed = s.store.failed()
        return {"points": n, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                "compute_s": round(outcome.seconds, 3),
                "chunk_s": round(chunk_seconds, 3), "failed": failed,
                "points_per_s_wall": round(n / outcome.seconds, 1),
                "points_per_s_cpu": round(n / cpu, 1) if cpu > 0 else None}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def step_grid(args) -> dict:
    timed_run(experiment(500, "grid", seed=99))            # warm-up (imports, caches)
    return timed_run(experiment(args.grid_draws, "grid"))


def step_exact(args) -> dict:
    timed_run(experiment(4, "exact", seed=99, chunk=2))
    return timed_run(experiment(args.exact_draws, "exact", chunk=args.exact_chunk))


def step_dask(args) -> dict:
    from distributed import Client, LocalCluster

    out = {}
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=40) as cluster, \
                Client(cluster):
            data = experiment(args.exact_draws, "exact", chunk=args.exact_chunk)
            # warm-up: the same experiment (same fingerprint), so every worker has loaded
            # the scenario and compiled the experiment before the timed run
            warm = dict(data, sample=dict(data["sample"], draws=2 * n * args.exact_chunk))
            timed_run(warm, executor="dask", address=cluster.scheduler_address)
            res = timed_run(data, executor="dask", address=cluster.scheduler_address)
        out[f"workers_{n}"] = res
    t1, t2 = out["workers_1"]["compute_s"], out["workers_2"]["compute_s"]
    out["speedup_1_to_2"] = round(t1 / t2, 3) if t2 else None
    return out


def step_memory(args) -> dict:
    res = {}
    for draws in (10_000, args.memory_draws):
        d = tempfile.mkdtemp(prefix="sweep-mem-")
        try:
            path = os.path.join(d, "exp.yaml")
            import yaml

            with open(path, "w") as fh:
                yaml.safe_dump(experiment(draws, "grid"), fh)
            code = ("import resource, sys; from negotiation.experiments.cli import main; "
                    "c = main(sys.argv[1:]); "
                    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
                    "sys.exit(c)")
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, "-c", code, path, "--out",
                                os.path.join(d, "out"), "--no-progress", "--format", "json"],
                               cwd=ROOT, capture_output=True, text=True)
            if p.returncode != 0:
                raise RuntimeError(p.stderr)
            rss_kb = int(p.stderr.strip().splitlines()[-1])
            res[f"draws_{draws}"] = {"peak_rss_mb": round(rss_kb / 1024, 1),
                                     "wall_s": round(time.perf_counter() - t0, 1)}
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", default="grid,exact,dask,memory")
    ap.add_argument("--grid-draws", type=int, default=10_000)
    ap.add_argument("--exact-draws", type=int, default=120)
    ap.add_argument("--exact-chunk", type=int, default=4)
    ap.add_argument("--memory-draws", type=int, default=50_000)
    ap.add_argument("--out", default=str(HERE / "results" / "sweep.json"))
    args = ap.parse_args()
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    result: dict = {"machine": {"python": platform.python_version(),
                                "platform": platform.platform(), "cpus": os.cpu_count(),
                                "load_average_start": os.getloadavg()},
                    "case": {"scenario": "scenarios/berlin-2025-12.yaml",
                             "parameters": "every assumption with a range",
                             "measures": MEASURES}}
    for step in steps:
        t0 = time.perf_counter()
        result[step] = {"grid": step_grid, "exact": step_exact, "dask": step_dask,
                        "memory": step_memory}[step](args)
        print(f"{step}: {json.dumps(result[step])}  ({time.perf_counter() - t0:.0f} s)",
              flush=True)
    result["machine"]["load_average_end"] = os.getloadavg()
    result["machine"]["main_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
